"""Shared pieces of the dispatch tests: random parks and the invariant checker.

Every invariant is recomputed here from the park object and the inputs (who
owns what, which feeder each asset sits on, the limits in kW, the tariff
files), never from the engine's internal arrays, so that a wrong index, a
wrong sign or a wrong unit in the engine shows up as a failed check.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import numpy as np
from hypothesis import event
from hypothesis.control import currently_in_test_context
from hypothesis import strategies as st

from microgrid.park import parse_park
from microgrid.park.synthetic import synthetic_inputs, synthetic_park_dict
from microgrid.tariffs import load_export_price, load_tariff, tariff_day

#: Relative tolerance of the balance-type checks (energies are ~1e2-1e4 kWh).
RTOL = 1e-5


def _tol(*arrays) -> float:
    scale = max([1.0] + [float(np.max(np.abs(np.asarray(a)))) if np.size(a) else 0.0 for a in arrays])
    return RTOL * scale


# --------------------------------------------------------------------------- random parks


@st.composite
def park_cases(draw, min_tenants: int = 2, max_tenants: int = 12, step_minutes=(60, 15),
               demand_charge_weights=(0.0, 1 / 30, 0.2), move_assets: bool = True):
    """(park, inputs) of a random synthetic park on a random day of 2026.

    Varies size, seeds, PV share, pricing rule, fee 0..10 KRW/kWh, seller
    share, demand-charge weight, battery (or none) with random efficiency,
    wear, terminal rule and initial charge, feeder headroom (down to where
    reverse flow binds, and separate reverse limits), export limit (down
    to zero), asset feeders (an
    asset may sit on another feeder than its owner's load), step length.
    """
    n = draw(st.integers(min_tenants, max_tenants), label="tenants")
    with_battery = draw(st.booleans(), label="battery")
    raw = synthetic_park_dict(
        n,
        seed=draw(st.integers(0, 2**31 - 1), label="park_seed"),
        pv_share=draw(st.sampled_from([0.0, 0.3, 0.6, 1.0]), label="pv_share"),
        pricing_rule=draw(st.sampled_from(["marginal", "shared_savings"]), label="rule"),
        trade_fee_krw_per_kwh=draw(st.one_of(st.just(0.0), st.floats(0.0, 10.0)), label="fee"),
        battery=with_battery,
        feeder_headroom=draw(st.floats(0.75, 2.0), label="feeder_headroom"),
        export_limit_fraction=draw(st.sampled_from([0.0, 0.02, 0.1, 0.3, 0.6]), label="export_fraction"),
    )
    raw["market"]["seller_share"] = draw(st.floats(0.0, 1.0), label="seller_share")
    raw["market"]["demand_charge_weight"] = draw(st.sampled_from(demand_charge_weights), label="dc_weight")
    raw["market"]["battery_wear_cost_krw_per_kwh"] = draw(st.sampled_from([0.0, 5.0, 20.0]), label="wear")
    feeders = [feeder["name"] for feeder in raw["network"]["feeders"]]
    for feeder in raw["network"]["feeders"]:  # a tight reverse limit only ever costs curtailment
        if draw(st.booleans(), label="own reverse limit?"):
            feeder["reverse_limit_kw"] = draw(st.floats(10.0, 1500.0), label="reverse_limit_kw")
    for asset in raw["assets"]:
        if move_assets and draw(st.integers(0, 3), label="move?") == 0:
            asset["feeder"] = draw(st.sampled_from(feeders), label="asset_feeder")
        if asset["kind"] == "battery":
            asset["round_trip_efficiency"] = draw(st.sampled_from([0.7, 0.88, 0.95, 1.0]), label="rte")
            asset["terminal_soc_rule"] = draw(st.sampled_from(["cyclic", "free", "target"]), label="terminal")
            asset["terminal_soc_fraction"] = draw(st.floats(0.1, 0.9), label="terminal_fraction")
    park = parse_park(raw, "<random park>")
    day = draw(st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)), label="day")
    inputs = synthetic_inputs(park, day.isoformat(), seed=draw(st.integers(0, 2**31 - 1), label="input_seed"),
                              step_minutes=draw(st.sampled_from(step_minutes), label="step_minutes"))
    if with_battery:
        battery = park.assets_of_role("storage")[0]
        fraction = draw(st.floats(battery.soc_min_fraction, battery.soc_max_fraction), label="initial_soc")
        inputs = replace(inputs, initial_soc_kwh={battery.name: fraction * battery.energy_capacity_kwh})
    return park, inputs


# --------------------------------------------------------------------------- helpers


def initial_soc(park, inputs) -> dict[str, float]:
    """Initial state of charge of every storage [kWh], as documented in DispatchInputs."""
    return {
        storage.name: float(inputs.initial_soc_kwh.get(storage.name,
                                                       storage.initial_soc_kwh))
        for storage in park.assets_of_role("storage")
    }


def wear_cost(park, storage) -> float:
    return storage.wear_cost_krw_per_kwh if storage.wear_cost_krw_per_kwh is not None \
        else park.market.battery_wear_cost_krw_per_kwh


def demand_charge(park, inputs, grid_import: np.ndarray) -> float:
    """Demand-charge term of the day [KRW], from the tariff files and KEPCO's rule (no ledger: the park file's floor).

    Each participant's peak import [kW] over mid/peak steps above its billing
    floor (``billing_demand_kw``, at least 30 % of contract power) is charged
    at ``demand_charge_weight`` x the monthly basic charge x (1 + fund) x the
    months it is billed (12 in July-September and December-February, else 1).
    """
    hours = inputs.step_hours
    day = tariff_day(inputs.time)
    months = 12 if day.month in (12, 1, 2, 7, 8, 9) else 1
    total = 0.0
    for position, participant in enumerate(park.participants):
        tariff = load_tariff(participant.tariff, day)
        rate = (tariff.basic_charge_krw_per_kw_month * (1 + tariff.power_industry_fund_rate)
                * park.market.demand_charge_weight * months)
        floor = max(participant.billing_demand_kw or 0.0, tariff.billing_demand_floor_fraction
                    * participant.contract_power_kw)
        charged = tariff.bands(inputs.time) != "light"
        if rate > 0 and charged.any():
            total += rate * max(float(np.max(grid_import[charged, position])) / hours - floor, 0.0)
    return total


def rec_revenue(park, inputs, ds) -> float:
    """REC value of the plan's exports [KRW], from the park file and the README's rule.

    A participant that holds its certificates, in a park that sells them with
    the export, earns the REC price on min(export, its PV/wind generation, its
    available PV/wind less its load) in every step.
    """
    terms = park.settlement
    if terms.rec_retained_on_export:
        return 0.0
    export = as_array(ds, "grid_export", "time", "participant")
    generation = as_array(ds, "asset_generation", "time", "asset")
    total = 0.0
    for position, participant in enumerate(park.participants):
        own = [a.name for a in park.assets_of_role("generator") if a.renewable and a.owner == participant.name]
        if not participant.holds_recs or not own:
            continue
        assets = [str(a) for a in ds["asset"].values]
        columns = [assets.index(name) for name in own]
        available = inputs.available_generation.sel(asset=own).transpose("time", "asset").values.sum(axis=1)
        load = inputs.load.sel(participant=participant.name).values
        surplus = np.maximum(available - load, 0.0)
        eligible = np.minimum(np.minimum(export[:, position], generation[:, columns].sum(axis=1)), surplus)
        total += terms.rec_price_krw_per_kwh * float(eligible.sum())
    return total


def as_array(ds, name: str, *dims: str) -> np.ndarray:
    return ds[name].transpose(*dims).values.astype(float)


# --------------------------------------------------------------------------- invariants


def check_dispatch(park, inputs, ds) -> None:
    """Assert every physical, market and money invariant of a dispatch result."""
    hours = inputs.step_hours
    names = [participant.name for participant in park.participants]
    index = {name: position for position, name in enumerate(names)}
    generators = park.assets_of_role("generator")
    storages = park.assets_of_role("storage")
    feeders = park.network.feeders
    transformer = park.network.transformer
    steps = len(inputs.time)
    fee = park.market.trade_fee_krw_per_kwh

    if currently_in_test_context():  # what this example exercised (pytest --hypothesis-show-statistics)
        event(f"rule={ds.attrs['pricing_rule']} storages={len(park.assets_of_role('storage'))} "
              f"step={int(inputs.step_hours * 60)}min")
        event("trades" if float(ds["trade"].sum()) > 1e-6 else "no trades")
        event("curtailment" if float(ds["curtailment"].sum()) > 1e-6 else "no curtailment")
        event("binding: " + ",".join(sorted({b["limit"] for b in json.loads(ds.attrs["binding_limits"])})))

    # --- labels and inputs carried through unchanged
    assert ds.indexes["time"].equals(inputs.time)
    assert list(ds["participant"].values) == names
    assert list(ds["asset"].values) == [g.name for g in generators]
    assert list(ds["storage"].values) == [s.name for s in storages]
    assert list(ds["feeder"].values) == [f.name for f in feeders]
    load = as_array(ds, "load", "time", "participant")
    np.testing.assert_allclose(load, inputs.load.sel(participant=names).transpose("time", "participant").values)
    available = as_array(ds, "available_generation", "time", "asset")
    if generators:
        np.testing.assert_allclose(
            available, inputs.available_generation.sel(asset=[g.name for g in generators]).transpose("time", "asset").values)

    grid_import = as_array(ds, "grid_import", "time", "participant")
    grid_export = as_array(ds, "grid_export", "time", "participant")
    sold = as_array(ds, "sold", "time", "participant")
    bought = as_array(ds, "bought", "time", "participant")
    generation = as_array(ds, "generation", "time", "participant")
    curtailment = as_array(ds, "curtailment", "time", "participant")
    storage_charge = as_array(ds, "storage_charge", "time", "participant")
    storage_discharge = as_array(ds, "storage_discharge", "time", "participant")
    asset_generation = as_array(ds, "asset_generation", "time", "asset")
    charge = as_array(ds, "charge", "time", "storage")
    discharge = as_array(ds, "discharge", "time", "storage")
    soc = as_array(ds, "soc", "time", "storage")
    trade = as_array(ds, "trade", "time", "seller", "buyer")
    trade_price = as_array(ds, "trade_price", "time", "seller", "buyer")
    feeder_flow = as_array(ds, "feeder_flow", "time", "feeder")
    transformer_flow = ds["transformer_flow"].values.astype(float)
    import_price = as_array(ds, "import_price", "time", "participant")
    export_price = ds["export_price"].values.astype(float)
    tol = _tol(load, available, grid_import, grid_export, charge, discharge)

    # --- signs
    for name, array in (("grid_import", grid_import), ("grid_export", grid_export), ("sold", sold),
                        ("bought", bought), ("trade", trade), ("asset_generation", asset_generation),
                        ("charge", charge), ("discharge", discharge)):
        assert array.min(initial=0.0) >= -tol, f"{name} negative: {array.min()}"

    # --- ownership roll-ups recomputed from the park's asset owners
    own_generation = np.zeros((steps, len(names)))
    own_available = np.zeros((steps, len(names)))
    for position, asset in enumerate(generators):
        own_generation[:, index[asset.owner]] += asset_generation[:, position]
        own_available[:, index[asset.owner]] += available[:, position]
    own_charge = np.zeros((steps, len(names)))
    own_discharge = np.zeros((steps, len(names)))
    for position, storage in enumerate(storages):
        own_charge[:, index[storage.owner]] += charge[:, position]
        own_discharge[:, index[storage.owner]] += discharge[:, position]
    np.testing.assert_allclose(generation, own_generation, atol=tol)
    np.testing.assert_allclose(storage_charge, own_charge, atol=tol)
    np.testing.assert_allclose(storage_discharge, own_discharge, atol=tol)

    # --- generation within availability, curtailment is the rest
    assert (asset_generation <= available + tol).all()
    assert (as_array(ds, "asset_curtailment", "time", "asset") >= -tol).all()
    np.testing.assert_allclose(as_array(ds, "asset_curtailment", "time", "asset"), available - asset_generation, atol=tol)
    np.testing.assert_allclose(curtailment, own_available - own_generation, atol=tol)

    # --- every participant's balance closes in every step
    supply = grid_import + bought + generation + storage_discharge - storage_charge
    use = load + grid_export + sold
    np.testing.assert_allclose(supply, use, atol=tol, err_msg="participant balance")

    # --- the internal market clears; the trade matrix adds up
    np.testing.assert_allclose(sold.sum(axis=1), bought.sum(axis=1), atol=tol, err_msg="pool balance")
    sellers = list(ds["seller"].values)
    assert list(ds["buyer"].values) == names
    seller_index = [index[s] for s in sellers]
    np.testing.assert_allclose(trade.sum(axis=2), sold[:, seller_index], atol=tol, err_msg="trade rows")
    np.testing.assert_allclose(trade.sum(axis=1), bought, atol=tol, err_msg="trade columns")
    not_sellers = [index[n] for n in names if n not in sellers]
    assert np.abs(sold[:, not_sellers]).max(initial=0.0) <= tol, "a participant without assets sold energy"
    for s_position, seller in enumerate(sellers):
        assert np.abs(trade[:, s_position, index[seller]]).max() <= tol, f"{seller} trades with itself"
    # nobody sells more than it generated plus discharged; nobody both sells and buys
    assert (sold <= own_generation + own_discharge + tol).all(), "seller resold grid energy"
    assert (np.minimum(sold, bought) <= tol).all(), "a participant both sells and buys in one step"

    # --- network: limits both ways, physical flows recomputed from who sits on which feeder
    feeder_position = {f.name: position for position, f in enumerate(feeders)}
    physical = np.zeros((steps, len(feeders)))
    for participant in park.participants:
        physical[:, feeder_position[participant.feeder]] += load[:, index[participant.name]]
    for position, asset in enumerate(generators):
        physical[:, feeder_position[asset.feeder]] -= asset_generation[:, position]
    for position, storage in enumerate(storages):
        physical[:, feeder_position[storage.feeder]] -= discharge[:, position] - charge[:, position]
    np.testing.assert_allclose(feeder_flow, physical, atol=tol, err_msg="feeder flow != physical net load")
    for position, feeder in enumerate(feeders):
        forward = feeder.limit_kw * hours
        backward = (feeder.reverse_limit_kw if feeder.reverse_limit_kw is not None else feeder.limit_kw) * hours
        assert (feeder_flow[:, position] <= forward + tol).all(), f"{feeder.name} forward limit"
        assert (-feeder_flow[:, position] <= backward + tol).all(), f"{feeder.name} reverse limit"
    assert (transformer_flow <= transformer.import_limit_kw * hours + tol).all(), "transformer import limit"
    assert (-transformer_flow <= transformer.export_limit_kw * hours + tol).all(), "transformer export limit"
    np.testing.assert_allclose(feeder_flow.sum(axis=1), transformer_flow, atol=tol)
    np.testing.assert_allclose(transformer_flow, (grid_import - grid_export).sum(axis=1), atol=tol)

    # --- storage: power, band, dynamics, terminal rule
    start = initial_soc(park, inputs)
    for position, storage in enumerate(storages):
        eta = np.sqrt(storage.round_trip_efficiency)
        limit = storage.power_kw * hours
        assert (charge[:, position] <= limit + tol).all() and (discharge[:, position] <= limit + tol).all()
        low, high = storage.soc_min_kwh, storage.soc_max_kwh
        assert (soc[:, position] >= low - tol).all() and (soc[:, position] <= high + tol).all()
        previous = np.concatenate([[start[storage.name]], soc[:-1, position]])
        np.testing.assert_allclose(soc[:, position], previous + eta * charge[:, position] - discharge[:, position] / eta,
                                   atol=tol, err_msg="SOC dynamics")
        if storage.terminal_soc_rule == "cyclic":
            assert soc[-1, position] >= start[storage.name] - tol
        elif storage.terminal_soc_rule == "target":
            target = min(max(storage.terminal_soc_fraction, storage.soc_min_fraction), storage.soc_max_fraction)
            assert soc[-1, position] >= target * storage.energy_capacity_kwh - tol

    # --- prices come from the tariff and SMP files
    for position, participant in enumerate(park.participants):
        np.testing.assert_allclose(import_price[:, position],
                                   load_tariff(participant.tariff, tariff_day(inputs.time)).marginal_import_price(inputs.time))
    np.testing.assert_allclose(export_price, load_export_price(park.market.export_price).price(inputs.time))

    # --- nobody is worse off than with the grid, trade by trade, under the rule in force
    money_tol = 1e-9
    buyer_pays = (trade * (trade_price + fee)).sum(axis=1)  # (time, buyer)
    buyer_grid = (trade * import_price[:, None, :]).sum(axis=1)
    assert (buyer_pays <= buyer_grid * (1 + money_tol) + 1e-6).all(), "a buyer pays more than its grid price"
    seller_gets = (trade * trade_price).sum(axis=2)  # (time, seller)
    seller_grid = (trade * export_price[:, None, None]).sum(axis=2)
    assert (seller_gets >= seller_grid * (1 - money_tol) - 1e-6).all(), "a seller earns less than the export price"
    traded = trade > tol
    if traded.any():
        band_low = np.broadcast_to(export_price[:, None, None], trade.shape)
        band_high = np.broadcast_to((import_price - fee)[:, None, :], trade.shape)
        assert (trade_price[traded] >= band_low[traded] - 1e-9).all()
        assert (trade_price[traded] <= band_high[traded] + 1e-9).all()
        if ds.attrs["pricing_rule"] == "shared_savings":
            share = park.market.seller_share
            expected = band_low + share * (band_high - band_low)
            np.testing.assert_allclose(trade_price[traded], expected[traded], rtol=1e-12)
        else:
            clearing = as_array(ds, "clearing_price", "time", "feeder")
            seller_feeder = [feeder_position[park.participant(s).feeder] for s in sellers]
            expected = np.clip(clearing[:, seller_feeder][:, :, None], band_low, band_high)
            np.testing.assert_allclose(trade_price[traded], expected[traded], rtol=1e-12)

    # --- a storage owner's day costs it no more than its own load from the grid alone
    energy_cost_now = as_array(ds, "energy_cost", "time", "participant")
    for owner in {s.owner for s in storages}:
        position = index[owner]
        own_cost = float(energy_cost_now[:, position].sum())
        own_grid_only = float((load[:, position] * import_price[:, position]).sum())
        # a "target" terminal rule above the starting charge forces a net charge, bought at worst at
        # the owner's dearest grid price of the day: that much may be spent on tomorrow's stored energy
        for s in storages:
            if s.owner == owner and s.terminal_soc_rule == "target":
                goal = min(max(s.terminal_soc_fraction, s.soc_min_fraction), s.soc_max_fraction) * s.energy_capacity_kwh
                own_grid_only += max(0.0, goal - start[s.name]) / s.round_trip_efficiency ** 0.5 * import_price[:, position].max()
        assert own_cost <= own_grid_only + 1e-6 * max(1.0, abs(own_grid_only)) + 1e-3, (owner, own_cost, own_grid_only)

    # --- money in == money out
    paid = float((trade * (trade_price + fee)).sum())
    revenue = float((trade * trade_price).sum())
    fee_income = fee * float(trade.sum())
    assert np.isclose(paid, revenue + fee_income, rtol=1e-12, atol=1e-6)
    grid_bill = float((grid_import * import_price).sum() - (grid_export * export_price[:, None]).sum())
    energy_cost = as_array(ds, "energy_cost", "time", "participant")
    assert np.isclose(float(energy_cost.sum()), grid_bill + fee_income, rtol=1e-9, atol=1e-3)
    earned = np.zeros_like(energy_cost)
    earned[:, seller_index] = seller_gets
    np.testing.assert_allclose(
        energy_cost, grid_import * import_price - grid_export * export_price[:, None] + buyer_pays - earned,
        rtol=1e-9, atol=1e-3)
    np.testing.assert_allclose(as_array(ds, "grid_only_cost", "time", "participant"), load * import_price)

    # --- the reported objective is the cost of this very plan
    wear = sum(wear_cost(park, s) * float(discharge[:, k].sum()) for k, s in enumerate(storages))
    objective = (grid_bill + fee * float(trade.sum()) + wear + demand_charge(park, inputs, grid_import)
                 - rec_revenue(park, inputs, ds))
    assert np.isclose(ds.attrs["objective_krw"], objective, rtol=1e-7, atol=1e-3), (ds.attrs["objective_krw"], objective)
    assert ds.attrs["solver_status"] == "Optimal"

    # --- and no worse than doing nothing (own generation for own load, no trades, battery idle), when that is feasible
    idle_ok = all(s.terminal_soc_rule != "target"
                  or start[s.name] >= min(max(s.terminal_soc_fraction, s.soc_min_fraction),
                                          s.soc_max_fraction) * s.energy_capacity_kwh - 1e-6
                  for s in storages)
    used = np.zeros((steps, len(generators)))
    residual = load.copy()
    for position, asset in enumerate(generators):
        owner = index[asset.owner]
        used[:, position] = np.minimum(available[:, position], residual[:, owner])
        residual[:, owner] -= used[:, position]
    trivial_flow = np.zeros((steps, len(feeders)))
    for participant in park.participants:
        trivial_flow[:, feeder_position[participant.feeder]] += load[:, index[participant.name]]
    for position, asset in enumerate(generators):
        trivial_flow[:, feeder_position[asset.feeder]] -= used[:, position]
    limits_ok = all(
        (trivial_flow[:, k] <= f.limit_kw * hours).all()
        and (-trivial_flow[:, k] <= (f.reverse_limit_kw or f.limit_kw) * hours).all()
        for k, f in enumerate(feeders)
    ) and (residual.sum(axis=1) <= transformer.import_limit_kw * hours).all()
    if idle_ok and limits_ok:
        trivial = float((residual * import_price).sum()) + demand_charge(park, inputs, residual)
        assert ds.attrs["objective_krw"] <= trivial * (1 + 1e-9) + 1e-6
