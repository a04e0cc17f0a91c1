"""Sunlight income: a share of the park's trading surplus paid to tenants and workers.

Rule (defaults in ``microgrid/data/settlement/sunlight_income.toml``, after
Sinan county's 2018 ordinance; overridable in the park file's ``[income]``):

1. The fund's base is the **trading surplus** (DOMAIN.md: "a share of the
   trading surplus is paid into a fund"): each participant's gain of the
   quarter from the park's market against its grid alternative
   (:func:`market.figures.trading_surplus`, summed in the settled days'
   statistics; excl. VAT) [KRW]. A tenant's own self-consumption and its own
   exports are not part of it. Every participant with a positive surplus pays
   ``fund_share`` of it into ``park:sunlight_fund`` (rounded half to even per
   participant). The table still shows the saving against grid-only for reference.
2. The quarter's fund inflow is paid out in the same settlement:
   ``tenant_share`` to eligible tenants in proportion to the energy they
   bought in direct trades (``energy_bought``) or the roof area they lend
   (``roof_area``), the rest to their workers, per head x ``worker_weight``
   (``eligible_workers`` overrides a tenant's ``workers``), into
   ``participant:<P>:workers``; or, with a worker register
   (:mod:`market.income.workers`), per registered worker x its weight into
   the worker's own account ``worker:<id>``, for the workers eligible that
   quarter by their start date and lag.
3. A tenant is eligible once it has been settled for
   ``eligibility_lag_quarters`` quarters before this one (newcomers wait,
   as in Sinan). When nobody is eligible, the inflow stays in the fund.
4. Money left in the fund by earlier quarters (nobody eligible then) is
   carried forward: it is added to the next quarter's payout (recorded as
   ``carried_in_krw`` in the settlement's meta), so the fund empties as soon
   as someone is eligible. Only quarters ending before this one count, so
   re-settling a quarter never pays the same money twice.

Integer KRW are shared by the largest-remainder method, so the payout sums
exactly to the inflow; nothing is lost to rounding.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from market.ledger import Leg, Ledger, LedgerEntry
from market.ledger.money import round_half_even
from market.ledger.vocabulary import LegKind, SettlementKind
from market.settlement import accounts
from market.income.workers import WorkerRegister
from market.settlement.config import SettlementRules
from microgrid.errors import EngineInputError
from microgrid.park import Park

#: Key of an income settlement's ``meta``: participant -> eligible headcount its workers were paid for.
WORKER_HEADS = "worker_heads"

STATEMENT_COLUMNS = ["participant", "saving_krw", "trading_surplus_krw", "contribution_krw", "eligible", "basis", "tenant_krw",
                     "heads", "workers_krw", "per_worker_krw"]


@dataclass(frozen=True)
class IncomeSettlement:
    """A quarter's sunlight income.

    Attributes
    ----------
    key : str
    inflow_krw : int
        Paid into the fund [KRW].
    paid_krw : int
        Paid out [KRW] (``inflow_krw + carried_in_krw`` unless nobody is eligible).
    table : pandas.DataFrame
        Per participant, columns ``STATEMENT_COLUMNS`` ([KRW], basis in kWh or m^2).
    entries : list of LedgerEntry
    """

    key: str
    inflow_krw: int
    paid_krw: int
    table: pd.DataFrame
    entries: list[LedgerEntry]
    carried_in_krw: int = 0
    workers: pd.DataFrame | None = None  # with a register: worker_id, employer, weight, eligible, krw [KRW]


def carried_forward_krw(ledger: Ledger, before: dt.date) -> int:
    """Money left in ``park:sunlight_fund`` by income settlements of quarters ending before ``before`` [KRW]."""
    settlements = ledger.settlements(SettlementKind.INCOME)
    if settlements.empty:
        return 0
    earlier = set(settlements.loc[pd.to_datetime(settlements["period_end"]).dt.date < before, "key"])
    entries = ledger.entries(kind=SettlementKind.INCOME, account_prefix=accounts.SUNLIGHT_FUND)
    entries = entries[(entries["account"] == accounts.SUNLIGHT_FUND) & entries["key"].isin(earlier)]
    return int(round(float(entries["amount_krw"].sum())))


def worker_heads(settlements: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Settlement key -> participant -> headcount its workers were paid for, of the income settlements.

    ``settlements`` has the columns ``key``, ``kind`` and ``meta`` of
    :meth:`market.ledger.Ledger.settlements`; the headcount is the
    ``worker_heads`` field :func:`settle_income` writes in the meta (a
    settlement written before that field existed gives an empty dict).
    """
    income = settlements[settlements["kind"] == SettlementKind.INCOME]
    return {str(key): {str(name): int(count) for name, count in json.loads(meta or "{}").get(WORKER_HEADS, {}).items()}
            for key, meta in zip(income["key"], income["meta"])}


def parse_quarter(quarter: str) -> pd.Period:
    """``YYYY-Qn`` as a quarterly Period."""
    if not re.fullmatch(r"\d{4}-Q[1-4]", quarter or ""):
        raise EngineInputError(f"--quarter = {quarter!r}: expected YYYY-Qn, e.g. 2026-Q3")
    return pd.Period(quarter.replace("-", ""), freq="Q")


def allocate_largest_remainder(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` [KRW] in proportion to ``weights`` into integers that sum to ``total``.

    Each share gets the floor of its exact part; the KRW left over go one by
    one to the largest fractional parts (ties: first in order).
    """
    weights_array = np.asarray(weights, dtype=float)
    if total == 0 or weights_array.sum() <= 0:
        return [0] * len(weights)
    exact = total * weights_array / weights_array.sum()
    shares = np.floor(exact).astype(np.int64)
    left = int(total - shares.sum())
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[:left]:
        shares[i] += 1
    return [int(value) for value in shares]


def settle_income(ledger: Ledger, park: Park, rules: SettlementRules, quarter: str,
                  register: WorkerRegister | None = None) -> IncomeSettlement:
    """Collect and pay a quarter's sunlight income on ``ledger`` (replaces an earlier one).

    With ``register`` the workers' part is paid to each eligible registered worker
    (``worker:<id>``) by weight; without it, per head into ``participant:<P>:workers``.
    """
    period = parse_quarter(quarter)
    start, end = period.start_time.date(), period.end_time.date()
    stats = ledger.day_stats(start, end)
    if stats.empty:
        raise EngineInputError(f"--quarter = {quarter!r}: no settled day in that quarter; settle days first")
    rule = rules.income
    first_seen = ledger.day_stats(dt.date(1900, 1, 1), end).groupby("participant")["day"].min()
    eligible_before = (period - max(rule.eligibility_lag_quarters - 1, 0)).start_time.date()
    unknown = stats.loc[stats["trading_surplus_krw"].isna(), "day"]
    if len(unknown):
        raise EngineInputError(
            f"--quarter = {quarter!r}: day {min(unknown)} was settled before the ledger recorded trading surpluses "
            f"(the fund's base); re-settle the quarter's days first (`microgrid settle --date ...`)")
    totals = stats.groupby("participant")[["grid_only_bill_krw", "net_cost_krw", "bought_kwh",
                                           "trading_surplus_krw"]].sum()
    rows, legs = [], []
    inflow = 0
    for participant in park.participants:
        name = participant.name
        saving = float(totals.loc[name, "grid_only_bill_krw"] - totals.loc[name, "net_cost_krw"]) \
            if name in totals.index else 0.0
        surplus = float(totals.loc[name, "trading_surplus_krw"]) if name in totals.index else 0.0
        contribution = round_half_even(rule.fund_share * surplus) if surplus > 0 else 0
        if contribution:
            legs += [Leg(accounts.cash(name), LegKind.INCOME_CONTRIBUTION, quarter, -float(contribution)),
                     Leg(accounts.SUNLIGHT_FUND, LegKind.INCOME_CONTRIBUTION, name, float(contribution))]
            inflow += contribution
        may_share = participant.kind == "tenant" or rule.include_operator
        eligible = bool(may_share and name in first_seen.index and (
            rule.eligibility_lag_quarters == 0 or first_seen[name] < eligible_before))
        basis = (float(totals.loc[name, "bought_kwh"]) if name in totals.index else 0.0) \
            if rule.tenant_basis == "energy_bought" else participant.roof_area_m2
        if register is None:
            heads = rule.eligible_workers.get(name, participant.workers)
            units = heads * rule.worker_weight
        else:
            mine = [w for w in register.of(name) if w.eligible(period, rule.eligibility_lag_quarters)]
            heads, units = len(mine), sum(w.weight for w in mine) * rule.worker_weight
        rows.append({"participant": name, "saving_krw": saving, "trading_surplus_krw": surplus,
                     "contribution_krw": contribution, "eligible": eligible, "basis": basis if eligible else 0.0,
                     "heads": heads if eligible else 0, "units": units if eligible else 0.0})
    table = pd.DataFrame(rows)
    # the workers' side of the split: one weight per participant (headcount) or per registered worker
    if register is None:
        payees = [(row.participant, None, row.units) for row in table.itertuples(index=False)]
    else:
        eligible_employers = set(table.loc[table["eligible"], "participant"])
        payees = [(w.employer, w, w.weight * rule.worker_weight if w.employer in eligible_employers
                   and w.eligible(period, rule.eligibility_lag_quarters) else 0.0) for w in register.workers]
    tenant_basis = table["basis"].sum()
    worker_units = sum(units for _, _, units in payees)
    tenant_weight = rule.tenant_share if tenant_basis > 0 else 0.0
    worker_weight = (1 - rule.tenant_share) if worker_units > 0 else 0.0
    weights = [tenant_weight * b / tenant_basis if tenant_basis else 0.0 for b in table["basis"]]
    weights += [worker_weight * units / worker_units if worker_units else 0.0 for _, _, units in payees]
    carried = carried_forward_krw(ledger, start)
    shares = allocate_largest_remainder(inflow + carried, weights) if sum(weights) > 0 else [0] * len(weights)
    count = len(table)
    table["tenant_krw"] = shares[:count]
    worker_shares = shares[count:]
    by_employer: dict[str, int] = {}
    for (employer, _, _), krw in zip(payees, worker_shares):
        by_employer[employer] = by_employer.get(employer, 0) + krw
    table["workers_krw"] = [by_employer.get(name, 0) for name in table["participant"]]
    table["per_worker_krw"] = [w / h if h else 0.0 for w, h in zip(table["workers_krw"], table["heads"])]
    paid = 0
    for row in table.itertuples(index=False):
        if row.tenant_krw:
            legs += [Leg(accounts.SUNLIGHT_FUND, LegKind.INCOME_TENANT, row.participant, -float(row.tenant_krw)),
                     Leg(accounts.cash(row.participant), LegKind.INCOME_TENANT, quarter, float(row.tenant_krw))]
        if row.workers_krw and register is None:
            legs += [Leg(accounts.SUNLIGHT_FUND, LegKind.INCOME_WORKERS, row.participant, -float(row.workers_krw)),
                     Leg(accounts.workers(row.participant), LegKind.INCOME_WORKERS, f"{quarter} {row.heads} heads",
                         float(row.workers_krw))]
        paid += int(row.tenant_krw) + int(row.workers_krw)
    worker_table = None
    if register is not None:
        for (employer, worker, _), krw in zip(payees, worker_shares):
            if krw:
                legs += [Leg(accounts.SUNLIGHT_FUND, LegKind.INCOME_WORKERS, worker.worker_id, -float(krw)),
                         Leg(accounts.worker(worker.worker_id), LegKind.INCOME_WORKERS, f"{quarter} {employer}",
                             float(krw))]
        worker_table = pd.DataFrame({
            "worker_id": [w.worker_id for _, w, _ in payees], "employer": [e for e, _, _ in payees],
            "weight": [w.weight for _, w, _ in payees], "eligible": [units > 0 for _, _, units in payees],
            "krw": worker_shares})
    key = SettlementKind.INCOME.key(quarter)
    heads = {row.participant: int(row.heads) for row in table.itertuples(index=False) if row.workers_krw}
    meta = {"quarter": quarter, "base": "trading_surplus", "carried_in_krw": carried if paid else 0,
            "rule": {**rule.model_dump(), "source": rule.source}, WORKER_HEADS: heads,
            "worker_register": None if register is None else len(register)}
    entries = ledger.replace_settlement(key, SettlementKind.INCOME, start, end, park.name, legs, None, meta)
    return IncomeSettlement(key, inflow, paid, table[STATEMENT_COLUMNS], entries, carried if paid else 0,
                            worker_table)
