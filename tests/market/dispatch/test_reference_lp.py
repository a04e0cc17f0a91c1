"""The engine against an independent reference LP.

The engine clears trades through one pool per step (Pyomo, sold/bought per
participant, feeder flows as variables). The reference below is a different
formulation of the same day, written directly as matrices for
``scipy.optimize.linprog`` (HiGHS):

* a full pairwise trade matrix ``x[s, b, t]`` (seller -> buyer, no pool, no
  ``may_buy`` pruning: every producer may sell to every other participant
  in every step);
* no flow variables: feeder and transformer limits are inequality rows on
  the net injections themselves.

Only the numbers are taken from ``build_dispatch_data`` (loads,
availabilities, prices, owners and feeders by position, initial charge,
wear); limits and battery specs come from the park object.

The optimal costs must agree to 1e-6 relative, and the engine's own plan,
written in the reference's variables (its pro-rata trade matrix as ``x``),
must be feasible in the reference model and cost what the engine reports.
Together: the engine's plan is optimal for an independently written model.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from tests.market.dispatch.dispatch_checks import as_array, park_cases
from hypothesis import given
from scipy.optimize import linprog

from market.dispatch import build_dispatch_data, run_dispatch
from microgrid.tariffs import load_tariff, tariff_day


class ReferenceLP:
    """The pairwise-trade dispatch LP of one window, as plain matrices.

    Variables (all per step ``t``): ``gen[g]`` generation, ``imp[p]`` grid
    import, ``exp[q]`` grid export (asset owners only), ``x[s, b]`` trade from
    producer ``s`` to participant ``b != s``, ``ch[k]``, ``dis[k]``, ``soc[k]``
    per battery; plus ``peak[p]`` and ``inc[p]`` [kW] when a demand charge applies.

    Objective [KRW]: sum imp * import_price - exp * export_price - REC price * rec
    + fee * sum x + wear * dis + demand_rate * inc, with demand_rate = basic
    charge x (1 + fund) x weight x months billed (12 for July-September and
    December-February, else 1) and inc the peak's increase above the billing
    floor (the park file's ``billing_demand_kw``, at least 30 % of contract power).

    Rows:
      balance[p, t]   imp + sum_s x[s,p] + gen_p + dis_p - ch_p - exp_p - sum_b x[p,b] == load[p]
      seller[s, t]    sum_b x[s,b] <= gen_s + dis_s                (no reselling of grid energy)
      fwd[f, t]       load_f - gen_f - (dis_f - ch_f) <= forward_kW * h
      back[f, t]      gen_f + (dis_f - ch_f) - load_f <= reverse_kW * h
      tr_in[t]        sum imp - sum exp <= import_kW * h
      tr_out[t]       sum exp - sum imp <= export_kW * h
      soc[k, t]       soc_t - soc_{t-1} - sqrt(rte) ch + dis / sqrt(rte) == 0  (soc_{-1} = initial)
      terminal[k]     soc_{T-1} >= initial (cyclic) / >= target (target) / none (free)
      peak[p, t]      imp[p,t] <= h * peak[p]                        (mid/peak steps only)
      inc[p]          peak[p] - inc[p] <= floor[p]
      rec[p, t]       rec <= exp[p, t], rec <= sum of p's PV/wind gen, 0 <= rec <= max(avail PV/wind - load, 0)
                      (certificate holders where the park sells RECs with the export)
      owner[o]        storage owner's guaranteed-price cost <= its load at its grid price (+ forced charge)
    """

    def __init__(self, park, inputs):
        data = build_dispatch_data(park, inputs)
        self.data = data
        self.park = park
        T, h = len(data.time), data.step_hours
        P, G = len(data.participants), len(data.generators)
        storages = park.assets_of_role("storage")
        K = len(storages)
        producers = sorted(set(data.generator_owner.tolist()) | set(data.storage_owner.tolist()))
        pairs = [(s, b) for s in producers for b in range(P) if b != s]
        self.producers, self.pairs = producers, pairs

        lower, upper, cost = [], [], []

        def add(count, lo, hi, c):
            start = len(lower)
            lower.extend(np.broadcast_to(lo, (count,)).tolist())
            upper.extend(np.broadcast_to(hi, (count,)).tolist())
            cost.extend(np.broadcast_to(c, (count,)).tolist())
            return np.arange(start, start + count)

        fee = park.market.trade_fee_krw_per_kwh
        self.gen = np.array([add(G, 0.0, data.available_kwh[t], 0.0) for t in range(T)]).reshape(T, G)
        self.imp = np.array([add(P, 0.0, np.inf, data.import_price[t]) for t in range(T)]).reshape(T, P)
        self.exp = np.array([add(len(producers), 0.0, np.inf, -data.export_price[t]) for t in range(T)]).reshape(T, len(producers))
        self.x = np.array([add(len(pairs), 0.0, np.inf, fee) for t in range(T)]).reshape(T, len(pairs))
        power = np.array([s.power_kw * h for s in storages])
        wear = data.storage_wear_krw_per_kwh
        self.ch = np.array([add(K, 0.0, power, 0.0) for t in range(T)]).reshape(T, K)
        self.dis = np.array([add(K, 0.0, power, wear) for t in range(T)]).reshape(T, K)
        low = np.array([s.soc_min_kwh for s in storages])
        high = np.array([s.soc_max_kwh for s in storages])
        self.soc = np.array([add(K, low, high, 0.0) for t in range(T)]).reshape(T, K)

        # demand charge: from the tariff files, independently of the engine's arrays
        day = tariff_day(data.time)
        months = 12 if day.month in (12, 1, 2, 7, 8, 9) else 1
        rates, charged_steps, floors = [], [], []
        for participant in park.participants:
            tariff = load_tariff(participant.tariff, day)
            rates.append(tariff.basic_charge_krw_per_kw_month * (1 + tariff.power_industry_fund_rate)
                         * park.market.demand_charge_weight * months)
            charged_steps.append(np.flatnonzero(tariff.bands(data.time) != "light"))
            floors.append(max(participant.billing_demand_kw or 0.0,
                              tariff.billing_demand_floor_fraction * participant.contract_power_kw))
        self.floors = floors
        self.charged = [p for p in range(P) if rates[p] > 0 and len(charged_steps[p])]
        self.peak = {p: add(1, 0.0, np.inf, 0.0)[0] for p in self.charged}
        self.inc = {p: add(1, 0.0, np.inf, rates[p])[0] for p in self.charged}

        eq_rows, eq_rhs, ub_rows, ub_rhs = [], [], [], []
        exp_of = {q: i for i, q in enumerate(producers)}
        eta = np.array([np.sqrt(s.round_trip_efficiency) for s in storages])
        len(park.network.feeders)
        for t in range(T):
            for p in range(P):
                row = {self.imp[t, p]: 1.0}
                for i, (s, b) in enumerate(pairs):
                    if b == p:
                        row[self.x[t, i]] = row.get(self.x[t, i], 0.0) + 1.0
                    if s == p:
                        row[self.x[t, i]] = row.get(self.x[t, i], 0.0) - 1.0
                for g in np.flatnonzero(data.generator_owner == p):
                    row[self.gen[t, g]] = 1.0
                for k in np.flatnonzero(data.storage_owner == p):
                    row[self.dis[t, k]] = 1.0
                    row[self.ch[t, k]] = -1.0
                if p in exp_of:
                    row[self.exp[t, exp_of[p]]] = -1.0
                eq_rows.append(row)
                eq_rhs.append(data.load_kwh[t, p])
            for s in producers:
                row = {self.x[t, i]: 1.0 for i, (seller, _) in enumerate(pairs) if seller == s}
                for g in np.flatnonzero(data.generator_owner == s):
                    row[self.gen[t, g]] = -1.0
                for k in np.flatnonzero(data.storage_owner == s):
                    row[self.dis[t, k]] = -1.0
                ub_rows.append(row)
                ub_rhs.append(0.0)
            for f, feeder in enumerate(park.network.feeders):
                load_f = float(data.load_kwh[t, data.participant_feeder == f].sum())
                injection = {}
                for g in np.flatnonzero(data.generator_feeder == f):
                    injection[self.gen[t, g]] = 1.0
                for k in np.flatnonzero(data.storage_feeder == f):
                    injection[self.dis[t, k]] = 1.0
                    injection[self.ch[t, k]] = -1.0
                reverse = feeder.reverse_limit_kw if feeder.reverse_limit_kw is not None else feeder.limit_kw
                ub_rows.append({v: -c for v, c in injection.items()})
                ub_rhs.append(feeder.limit_kw * h - load_f)
                ub_rows.append(dict(injection))
                ub_rhs.append(reverse * h + load_f)
            net = {self.imp[t, p]: 1.0 for p in range(P)}
            net.update({self.exp[t, i]: -1.0 for i in range(len(producers))})
            ub_rows.append(net)
            ub_rhs.append(park.network.transformer.import_limit_kw * h)
            ub_rows.append({v: -c for v, c in net.items()})
            ub_rhs.append(park.network.transformer.export_limit_kw * h)
            for k in range(K):
                row = {self.soc[t, k]: 1.0, self.ch[t, k]: -eta[k], self.dis[t, k]: 1.0 / eta[k]}
                if t > 0:
                    row[self.soc[t - 1, k]] = -1.0
                eq_rows.append(row)
                eq_rhs.append(float(data.initial_soc_kwh[k]) if t == 0 else 0.0)
        for k, storage in enumerate(storages):
            if storage.terminal_soc_rule == "cyclic":
                floor = float(data.initial_soc_kwh[k])
            elif storage.terminal_soc_rule == "target":
                floor = min(max(storage.terminal_soc_fraction, storage.soc_min_fraction),
                            storage.soc_max_fraction) * storage.energy_capacity_kwh
            else:
                continue
            ub_rows.append({self.soc[T - 1, k]: -1.0})
            ub_rhs.append(-floor)
        for p in self.charged:
            for t in charged_steps[p]:
                ub_rows.append({self.imp[t, p]: 1.0, self.peak[p]: -h})
                ub_rhs.append(0.0)
            ub_rows.append({self.peak[p]: 1.0, self.inc[p]: -1.0})
            ub_rhs.append(floors[p])

        # REC on exports: where the seller holds the certificates and the park sells them, the REC
        # price on min(export, its PV/wind generation, its available PV/wind less its load)
        terms = park.settlement
        generator_specs = park.assets_of_role("generator")
        self.rec = {}
        for p in producers:
            holder = park.participants[p]
            if not holder.holds_recs or terms.rec_retained_on_export or terms.rec_price_krw_per_kwh <= 0:
                continue
            own = [g for g, spec in enumerate(generator_specs) if spec.renewable and spec.owner == holder.name]
            if not own:
                continue
            surplus = np.maximum(data.available_kwh[:, own].sum(axis=1) - data.load_kwh[:, p], 0.0)
            for t in range(T):
                column = add(1, 0.0, surplus[t], -terms.rec_price_krw_per_kwh)[0]
                self.rec[t, p] = (column, own, surplus[t])
                ub_rows.append({column: 1.0, self.exp[t, exp_of[p]]: -1.0})
                ub_rhs.append(0.0)
                row = {column: 1.0}
                for g in own:
                    row[self.gen[t, g]] = -1.0
                ub_rows.append(row)
                ub_rhs.append(0.0)

        # storage owner no worse off than its own load from the grid alone, with the prices the
        # rule guarantees before the clearing: shared savings, the cheapest eligible buyer's split
        # for a seller and its own split for a buyer; marginal, the export price and the grid price.
        share = park.market.seller_share
        e = data.export_price
        ceiling = data.import_price - fee
        eligible = ceiling >= e[:, None]
        for o in sorted(set(data.storage_owner.tolist())):
            if park.market.pricing_rule == "shared_savings":
                cheapest = np.array([ceiling[t, eligible[t]].min() if eligible[t].any() else e[t] for t in range(T)])
                seller_floor = e + share * (np.maximum(cheapest, e) - e)
                buyer_cap = e + share * (np.maximum(ceiling[:, o], e) - e) + fee
            else:
                seller_floor = e
                buyer_cap = np.maximum(ceiling[:, o], e) + fee
            row = {}
            for t in range(T):
                row[self.imp[t, o]] = data.import_price[t, o]
                row[self.exp[t, exp_of[o]]] = -e[t]
                for i, (seller, buyer) in enumerate(pairs):
                    if buyer == o:
                        row[self.x[t, i]] = row.get(self.x[t, i], 0.0) + buyer_cap[t]
                    if seller == o:
                        row[self.x[t, i]] = row.get(self.x[t, i], 0.0) - seller_floor[t]
            forced = 0.0
            for k, storage in enumerate(storages):
                if int(data.storage_owner[k]) == o and storage.terminal_soc_rule == "target":
                    goal = min(max(storage.terminal_soc_fraction, storage.soc_min_fraction),
                               storage.soc_max_fraction) * storage.energy_capacity_kwh
                    forced += max(0.0, goal - float(data.initial_soc_kwh[k])) / eta[k] * data.import_price[:, o].max()
            ub_rows.append(row)
            ub_rhs.append(float(data.import_price[:, o] @ data.load_kwh[:, o]) + forced)

        n = len(lower)
        self.c = np.array(cost)
        self.bounds = np.array([lower, upper]).T
        self.A_eq, self.b_eq = self._matrix(eq_rows, n), np.array(eq_rhs)
        self.A_ub, self.b_ub = self._matrix(ub_rows, n), np.array(ub_rhs)

    @staticmethod
    def _matrix(rows, n):
        r, c, v = [], [], []
        for i, row in enumerate(rows):
            for column, value in row.items():
                r.append(i)
                c.append(column)
                v.append(value)
        return sp.csr_matrix((v, (r, c)), shape=(len(rows), n))

    def solve(self) -> float:
        bounds = [(lo, None if np.isinf(hi) else hi) for lo, hi in self.bounds]
        result = linprog(self.c, A_ub=self.A_ub, b_ub=self.b_ub, A_eq=self.A_eq, b_eq=self.b_eq,
                         bounds=bounds, method="highs")
        assert result.status == 0, result.message
        return float(result.fun)

    def point_of(self, ds) -> np.ndarray:
        """The engine's plan written in the reference's variables."""
        data = self.data
        vector = np.zeros(len(self.c))
        vector[self.gen] = as_array(ds, "asset_generation", "time", "asset")
        vector[self.imp] = as_array(ds, "grid_import", "time", "participant")
        vector[self.exp] = as_array(ds, "grid_export", "time", "participant")[:, self.producers]
        trade = as_array(ds, "trade", "time", "seller", "buyer")
        seller_position = {data.participants.index(name): i for i, name in enumerate(ds["seller"].values)}
        for i, (s, b) in enumerate(self.pairs):
            vector[self.x[:, i]] = trade[:, seller_position[s], b]
        vector[self.ch] = as_array(ds, "charge", "time", "storage")
        vector[self.dis] = as_array(ds, "discharge", "time", "storage")
        vector[self.soc] = as_array(ds, "soc", "time", "storage")
        grid_import = vector[self.imp]
        for p, column in self.peak.items():
            charged = load_tariff(self.park.participants[p].tariff, tariff_day(data.time)).bands(data.time) != "light"
            vector[column] = grid_import[charged, p].max() / data.step_hours
            vector[self.inc[p]] = max(vector[column] - self.floors[p], 0.0)
        exp_of = {q: i for i, q in enumerate(self.producers)}
        for (t, p), (column, own, surplus) in self.rec.items():
            vector[column] = min(vector[self.exp[t, exp_of[p]]], vector[self.gen[t, own]].sum(), surplus)
        return vector


def assert_engine_optimal(park, inputs):
    reference = ReferenceLP(park, inputs)
    optimum = reference.solve()
    result = run_dispatch(park, inputs)
    engine = result.dataset.attrs["objective_krw"]
    assert abs(engine - optimum) <= 1e-6 * max(1.0, abs(optimum)), (engine, optimum)

    # the engine's plan is a feasible point of the reference model with the same cost
    point = reference.point_of(result.dataset)
    scale = max(1.0, float(np.abs(reference.b_eq).max()))
    tol = 1e-5 * scale
    assert np.abs(reference.A_eq @ point - reference.b_eq).max() <= tol
    assert (reference.A_ub @ point - reference.b_ub).max(initial=0.0) <= tol
    assert (point >= reference.bounds[:, 0] - tol).all() and (point <= reference.bounds[:, 1] + tol).all()
    assert abs(reference.c @ point - optimum) <= 1e-6 * max(1.0, abs(optimum))


@given(park_cases(min_tenants=2, max_tenants=6, demand_charge_weights=(0.0,)))
def test_engine_optimum_equals_pairwise_reference_lp(case):
    """Small random parks, no demand charge (market.demand_charge_weight = 0)."""
    park, inputs = case
    assert park.market.demand_charge_weight == 0.0
    assert_engine_optimal(park, inputs)


@given(park_cases(min_tenants=2, max_tenants=6, step_minutes=(60,), demand_charge_weights=(1 / 30, 0.2)))
def test_engine_optimum_equals_reference_lp_with_demand_charge(case):
    """The same with the demand-charge term, its rate and hours read from the tariff file."""
    park, inputs = case
    assert_engine_optimal(park, inputs)
