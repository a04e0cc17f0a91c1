"""Order books cleared in the dispatch LP: hand cases and properties.

Hand cases are small enough to work out on paper (the reasoning is in each
docstring); prices come from the data files as restated in test_hand_cases.py
(summer mid-load 08-15 h: (163.8 + 9.0 + 5.0) x 1.027 = 182.6006 KRW/kWh; peak
15-17 h: 249.561).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from market.dispatch import run_dispatch
from market.orders.reader import parse_orders
from microgrid.park.synthetic import synthetic_inputs, synthetic_park
from tests.market.dispatch.small_parks import make_inputs, make_park
from tests.market.dispatch.small_parks import tenant as _tenant


def tenant(name: str, feeder: str = "F1", kind: str = "tenant") -> dict:
    """A hand-case tenant that does not hold its certificates: the figures here price exports at SMP
    (a certificate holder's SMP + REC export is tested in components/test_export_rec.py)."""
    return {**_tenant(name, feeder, kind), "holds_recs": False}

IMPORT_MID = (163.8 + 9.0 + 5.0) * 1.027
IMPORT_PEAK = (229.0 + 9.0 + 5.0) * 1.027
PV = {"kind": "pv", "feeder": "F1", "dc_capacity_kw": 2000.0}


def book(park, **tables):
    return parse_orders({"orders": {"date": "2026-07-01"}, **tables}, park)


def pv(name: str, owner: str) -> dict:
    return {"name": name, "owner": owner, **PV}


def test_renewable_only_bidder_gets_only_pv_energy():
    """S1 has 60 kWh of PV, S2 a full battery (not renewable); B1 bids 100 kWh renewable-only at
    300 KRW/kWh, B2 has no orders; both load 100 kWh at 11:00. B1's bid is worth more than B2's
    default (182.6 - fee), so the 60 kWh of PV go to B1, and B1 takes nothing from the battery
    (it imports its other 40 kWh); B2 gets 100 kWh from the battery. A pro-rata split would have
    given B1 battery energy."""
    park = make_park([tenant("S1"), tenant("S2"), tenant("B1"), tenant("B2")],
                     [pv("PV1", "S1"),
                      {"name": "BESS", "kind": "battery", "owner": "S2", "feeder": "F1", "energy_capacity_kwh": 1000.0,
                       "power_kw": 500.0, "round_trip_efficiency": 1.0, "soc_min_fraction": 0.0,
                       "soc_max_fraction": 1.0, "initial_soc_fraction": 1.0, "terminal_soc_rule": "free",
                       "wear_cost_krw_per_kwh": 0.0}],
                     pricing_rule="pay_as_clear", trade_fee_krw_per_kwh=3.0)
    inputs = make_inputs("2026-07-01 11:00", 2, available={"PV1": [60.0]},
                         load={"S1": 0.0, "S2": 0.0, "B1": 100.0, "B2": 100.0})
    orders = book(park, bids=[{"participant": "B1", "hours": [11, 12], "max_kwh": 100.0,
                               "max_price_krw_per_kwh": 300.0, "product": "renewable"}])
    ds = run_dispatch(park, inputs, orders=orders).dataset
    trade = ds["trade"].isel(time=0)
    assert float(trade.sel(seller="S1", buyer="B1")) == pytest.approx(60.0, abs=1e-6)
    assert float(trade.sel(seller="S2", buyer="B1")) == pytest.approx(0.0, abs=1e-6)
    assert float(trade.sel(seller="S2", buyer="B2")) == pytest.approx(100.0, abs=1e-6)
    np.testing.assert_allclose(ds["trade"].sel(seller="S1", buyer="B1").values, [60.0, 60.0], atol=1e-6)
    np.testing.assert_allclose(ds["trade"].sel(seller="S2", buyer="B1").values, [0.0, 0.0], atol=1e-6)
    assert float(ds["matched_renewable"].sel(participant="B1").sum()) == pytest.approx(120.0, abs=1e-6)
    assert float(ds["grid_import"].sel(participant="B1").sum()) == pytest.approx(80.0, abs=1e-6)
    # Renewable energy is scarce (B1 would take 40 kWh more at 300): its clearing price is B1's bid,
    # while the pool clears at SMP (the battery's surplus is exported): pay-as-clear prices each product.
    smp = _smp_july([11, 12])
    np.testing.assert_allclose(ds["renewable_clearing_price"].values, [300.0, 300.0], rtol=1e-9)
    np.testing.assert_allclose(ds["trade_price"].sel(seller="S1", buyer="B1").values, [300.0, 300.0], rtol=1e-9)
    np.testing.assert_allclose(ds["trade_price"].sel(seller="S2", buyer="B2").values, smp, rtol=1e-9)


def _smp_july(hours: list[int]) -> np.ndarray:
    """SMP of July at ``hours`` from the data file (monthly mean x hour-of-day shape) [KRW/kWh]."""
    import tomllib
    from importlib import resources

    smp = tomllib.loads(resources.files("microgrid.data").joinpath("prices", "smp_2025.toml").read_text("utf-8"))
    return np.array([smp["monthly_mean_krw_per_kwh"][6] * smp["hourly_shape"][h] for h in hours])


def test_a_bid_above_the_grid_price_buys_no_energy_for_the_bidders_own_to_leave():
    """B has 50 kWh of its own PV and loads 100; it bids for 100 kWh of renewable energy at 300
    KRW/kWh (above its 182.6 grid price) from S's 100 kWh of PV. Buying 100 and exporting or selling
    its own 50 would look like welfare (300 per kWh bought) but is a wash trade: B buys its 50 kWh
    deficit, uses its own PV, and neither sells nor exports; S exports the other 50."""
    park = make_park([tenant("S"), tenant("B")], [pv("PV-S", "S"), pv("PV-B", "B")], trade_fee_krw_per_kwh=3.0)
    inputs = make_inputs("2026-07-01 11:00", 2, available={"PV-S": [100.0], "PV-B": [50.0]},
                         load={"S": 0.0, "B": 100.0})
    orders = book(park, bids=[{"participant": "B", "hours": [11, 12], "max_kwh": 100.0,
                               "max_price_krw_per_kwh": 300.0, "product": "renewable"}])
    ds = run_dispatch(park, inputs, orders=orders).dataset
    np.testing.assert_allclose(ds["bought"].sel(participant="B").values, [50.0, 50.0], atol=1e-6)
    for name in ("sold", "grid_export", "curtailment"):
        np.testing.assert_allclose(ds[name].sel(participant="B").values, [0.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(ds["grid_export"].sel(participant="S").values, [50.0, 50.0], atol=1e-6)


def _two_sellers(pv_s2: float, bid: dict):
    park = make_park([tenant("S1"), tenant("S2"), tenant("B"), tenant("C")], [pv("PV1", "S1"), pv("PV2", "S2")],
                     trade_fee_krw_per_kwh=3.0)
    inputs = make_inputs("2026-07-01 11:00", 2, available={"PV1": [100.0], "PV2": [pv_s2]},
                         load={"S1": 0.0, "S2": 0.0, "B": 100.0, "C": 100.0})
    orders = book(park, bids=[{"participant": "B", "hours": [11, 12], "max_kwh": 100.0,
                               "max_price_krw_per_kwh": 200.0, **bid}])
    return run_dispatch(park, inputs, orders=orders).dataset


def test_a_preferred_seller_is_matched_first():
    """S1 and S2 sell 100 kWh of PV each; B bids 100 kWh preferring S2, C has no orders. The pool
    alone would give B half of each; B gets all of S2's, C all of S1's."""
    ds = _two_sellers(100.0, {"preferred": ["S2"]})
    np.testing.assert_allclose(ds["trade"].sel(seller="S2", buyer="B").values, [100.0, 100.0], atol=1e-6)
    np.testing.assert_allclose(ds["trade"].sel(seller="S1", buyer="B").values, [0.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(ds["trade"].sel(seller="S1", buyer="C").values, [100.0, 100.0], atol=1e-6)


def test_an_excluded_seller_sells_nothing_to_the_bidder():
    """B bids 100 kWh at 200 KRW/kWh (above C's default 182.6 - 3) excluding S1: it gets S2's
    40 kWh and imports 60; S1's 100 kWh go to C."""
    ds = _two_sellers(40.0, {"excluded": ["S1"]})
    np.testing.assert_allclose(ds["trade"].sel(seller="S1", buyer="B").values, [0.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(ds["trade"].sel(seller="S2", buyer="B").values, [40.0, 40.0], atol=1e-6)
    np.testing.assert_allclose(ds["grid_import"].sel(participant="B").values, [60.0, 60.0], atol=1e-6)
    np.testing.assert_allclose(ds["trade"].sel(seller="S1", buyer="C").values, [100.0, 100.0], atol=1e-6)


def test_an_offer_naming_assets_sells_only_their_output():
    """S owns two PV arrays of 100 kWh each and offers only PV-a's (cap 200) at 100 KRW/kWh; B
    loads 300. S sells 100 kWh (PV-a) and exports PV-b's 100 at SMP."""
    park = make_park([tenant("S"), tenant("B")], [pv("PV-a", "S"), pv("PV-b", "S")], trade_fee_krw_per_kwh=3.0)
    inputs = make_inputs("2026-07-01 11:00", 2, available={"PV-a": [100.0], "PV-b": [100.0]},
                         load={"S": 0.0, "B": 300.0})
    orders = book(park, offers=[{"participant": "S", "hours": [11, 12], "max_kwh": 200.0,
                                 "min_price_krw_per_kwh": 100.0, "assets": ["PV-a"]}])
    ds = run_dispatch(park, inputs, orders=orders).dataset
    np.testing.assert_allclose(ds["sold"].sel(participant="S").values, [100.0, 100.0], atol=1e-6)
    np.testing.assert_allclose(ds["grid_export"].sel(participant="S").values, [100.0, 100.0], atol=1e-6)


def _contract_park(shortfall: str = "grid_price"):
    park = make_park([tenant("S"), tenant("B1"), tenant("B2")], [pv("PV", "S")], trade_fee_krw_per_kwh=3.0)
    shape = [0.0] * 24
    shape[10] = shape[11] = 30.0
    orders = book(park, contracts=[{"name": "PPA", "seller": "S", "buyer": "B2", "kwh_per_hour": shape,
                                    "price_krw_per_kwh": 100.0, "start": "2026-01-01", "end": "2026-12-31",
                                    "shortfall": shortfall}])
    inputs = make_inputs("2026-07-01 10:00", 2, available={"PV": [50.0, 10.0]},
                         load={"S": 0.0, "B1": 100.0, "B2": 100.0})
    return park, inputs, orders


def test_contract_is_delivered_first_between_its_parties():
    """S has 50 kWh of PV at 10:00 and 10 kWh at 11:00 and a contract of 30 kWh per hour to B2 at
    100 KRW/kWh; B1 and B2 both load 100 kWh and have the same grid price, so the pool alone is
    indifferent who gets the PV. Contract first: at 10:00 B2 gets at least its 30 kWh; at 11:00 all
    10 kWh go to B2 (none to B1) at exactly the contract price, 20 kWh are short, and the
    grid_price rule settles 20 x (182.6006 - 100) = 1,652.01 KRW from S to B2."""
    park, inputs, orders = _contract_park()
    ds = run_dispatch(park, inputs, orders=orders).dataset
    trade = ds["trade"]
    assert float(trade.isel(time=0).sel(seller="S", buyer="B2")) >= 30.0 - 1e-6
    assert float(trade.isel(time=1).sel(seller="S", buyer="B2")) == pytest.approx(10.0, abs=1e-6)
    assert float(trade.isel(time=1).sel(seller="S", buyer="B1")) == pytest.approx(0.0, abs=1e-6)
    assert float(ds["trade_price"].isel(time=1).sel(seller="S", buyer="B2")) == pytest.approx(100.0)
    np.testing.assert_allclose(ds["contract_delivered"].sel(participant="B2").values, [30.0, 10.0], atol=1e-6)
    np.testing.assert_allclose(ds["contract_shortfall"].sel(participant="B2").values, [0.0, 20.0], atol=1e-6)
    import json

    (outcome,) = json.loads(ds.attrs["contracts"])
    assert outcome["shortfall_settlement_krw"] == pytest.approx(20.0 * (IMPORT_MID - 100.0), rel=1e-9)
    # Money: the pair pays 30 kWh at the contract price plus the pooled rest at the rule's price.
    paid = float((ds["trade"] * ds["trade_price"]).isel(time=0).sel(seller="S", buyer="B2"))
    pooled = float(trade.isel(time=0).sel(seller="S", buyer="B2")) - 30.0
    rule_price = float(ds["trade_price"].isel(time=0).sel(seller="S", buyer="B1")) if pooled > 0 else 0.0
    assert paid == pytest.approx(30.0 * 100.0 + pooled * rule_price, rel=1e-9)


def test_deferrable_load_moves_into_the_pv_hours():
    """T loads 20 kWh every hour and has 100 kWh of PV at 11, 12 and 13 h only; its 150 kWh
    pre-cooling may run 08-17 h at up to 50 kW. In the PV hours a kWh costs T the forgone export
    (SMP, about 120) instead of 182.6 or more from KEPCO, and the surplus (80 kWh) covers 50 kW:
    50 kWh at 11, 12 and 13 h, nothing elsewhere."""
    park = make_park([tenant("T")], [pv("PV", "T")])
    available = [0.0] * 24
    available[11] = available[12] = available[13] = 100.0
    inputs = make_inputs("2026-07-01 00:00", 24, available={"PV": available}, load={"T": 20.0})
    orders = book(park, deferrable=[{"participant": "T", "name": "pre-cooling", "energy_kwh": 150.0,
                                     "window": [8, 17], "min_kw": 0.0, "max_kw": 50.0}])
    ds = run_dispatch(park, inputs, orders=orders).dataset
    expected = np.zeros(24)
    expected[11:14] = 50.0
    np.testing.assert_allclose(ds["deferrable_load"].sel(participant="T").values, expected, atol=1e-6)
    np.testing.assert_allclose(ds["load"].sel(participant="T").values, 20.0 + expected, atol=1e-6)


def _offer_and_bid(bid_price: float, rule: str):
    park = make_park([tenant("S"), tenant("B")], [pv("PV", "S")], pricing_rule=rule, trade_fee_krw_per_kwh=3.0)
    inputs = make_inputs("2026-07-01 11:00", 2, available={"PV": [100.0]}, load={"S": 0.0, "B": 100.0})
    orders = book(park,
                  offers=[{"participant": "S", "hours": [11, 12], "max_kwh": 100.0, "min_price_krw_per_kwh": 150.0}],
                  bids=[{"participant": "B", "hours": [11, 12], "max_kwh": 100.0, "max_price_krw_per_kwh": bid_price}])
    return run_dispatch(park, inputs, orders=orders).dataset


@pytest.mark.parametrize("rule", ["pay_as_clear", "pay_as_bid", "shared_savings"])
def test_a_bid_below_the_offer_clears_nothing(rule):
    """S offers 100 kWh at no less than 150, B bids for 100 kWh at no more than 140: no price
    suits both, so nothing trades; S exports its PV, B imports its load (11:00 and 12:00)."""
    ds = _offer_and_bid(140.0, rule)
    assert float(ds["trade"].sum()) == pytest.approx(0.0, abs=1e-6)
    assert float(ds["grid_export"].sel(participant="S").sum()) == pytest.approx(200.0, abs=1e-6)
    assert float(ds["grid_import"].sel(participant="B").sum()) == pytest.approx(200.0, abs=1e-6)


def test_a_bid_above_the_offer_clears_inside_both_prices():
    """The same with a bid of 160: 100 kWh trade each hour. Pay-as-clear prices them inside
    [150, 160]; pay-as-bid at the bid, 160."""
    clear = _offer_and_bid(160.0, "pay_as_clear")
    assert float(clear["trade"].sum()) == pytest.approx(200.0, abs=1e-6)
    price = float(clear["trade_price"].isel(time=0).sel(seller="S", buyer="B"))
    assert 150.0 - 1e-6 <= price <= 160.0 + 1e-6
    bid = _offer_and_bid(160.0, "pay_as_bid")
    assert float(bid["trade_price"].isel(time=0).sel(seller="S", buyer="B")) == pytest.approx(160.0)


def test_curtailable_load_is_shed_only_above_its_value_of_lost_load():
    """T loads 100 kWh at 10 h (182.6 KRW/kWh) and 15 h (peak, 249.6); up to 50 kWh may be shed
    at a VoLL of 200: kept at 10 h, shed at 15 h."""
    park = make_park([tenant("T")], [])
    inputs = make_inputs("2026-07-01 10:00", 6, available={}, load={"T": 100.0})
    orders = book(park, curtailable=[{"participant": "T", "name": "compressors", "hours": [10, 15],
                                      "max_kwh": 50.0, "voll_krw_per_kwh": 200.0}])
    assert IMPORT_MID < 200.0 < IMPORT_PEAK
    ds = run_dispatch(park, inputs, orders=orders).dataset
    np.testing.assert_allclose(ds["curtailed_load"].sel(participant="T").values, [0, 0, 0, 0, 0, 50.0], atol=1e-6)
    np.testing.assert_allclose(ds["grid_import"].sel(participant="T").values, [100] * 5 + [50.0], atol=1e-6)


def test_without_orders_the_dispatch_is_unchanged():
    """An empty book (nobody submitted anything) gives the same trades and costs as no book."""
    park, inputs, _orders = _contract_park()
    plain = run_dispatch(park, inputs).dataset
    empty = run_dispatch(park, inputs, orders=book(park)).dataset
    for name in ("trade", "trade_price", "energy_cost", "grid_import", "sold", "bought"):
        np.testing.assert_array_equal(plain[name].values, empty[name].values)


# --------------------------------------------------------------------------- properties


@st.composite
def parks_with_bids(draw):
    tenants = draw(st.integers(3, 8), label="tenants")
    seed = draw(st.integers(0, 10_000), label="seed")
    rule = draw(st.sampled_from(["pay_as_clear", "pay_as_bid", "shared_savings", "marginal"]), label="rule")
    park = synthetic_park(tenants, seed=seed, pricing_rule=rule, trade_fee_krw_per_kwh=3.0)
    names = [p.name for p in park.participants]
    bids = []
    for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True), label="bidders"):
        hours = draw(st.lists(st.integers(0, 23), min_size=1, max_size=8, unique=True), label="hours")
        bid = {"participant": name, "hours": hours, "max_kwh": draw(st.floats(1.0, 500.0), label="cap"),
               "max_price_krw_per_kwh": draw(st.floats(50.0, 300.0), label="price"),
               "product": draw(st.sampled_from(["any", "renewable"]), label="product")}
        others = [n for n in names if n != name]
        if draw(st.booleans(), label="exclude?"):
            bid["excluded"] = [draw(st.sampled_from(others), label="excluded")]
        bids.append(bid)
    orders = parse_orders({"orders": {"date": "2026-07-01"}, "bids": bids}, park)
    inputs = synthetic_inputs(park, "2026-07-01", seed=seed)
    return park, inputs, orders, bids


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=parks_with_bids())
def test_bids_caps_and_prices_are_respected(case):
    """Whatever the park and the bids: a bidder buys at most its bids' caps in their hours and
    nothing in the pool outside them; no trade into a bidder is priced above its bid; a
    renewable-only bidder takes nothing from a seller without renewable generation; an excluded
    seller sells nothing to the bidder; the balances and the trade matrix's sums hold."""
    park, inputs, orders, bids = case
    ds = run_dispatch(park, inputs, orders=orders).dataset
    hours = ds.indexes["time"].hour
    renewable_owners = set(ds["asset_owner"].values[ds["asset_renewable"].values.astype(bool)].tolist())
    for name in {bid["participant"] for bid in bids}:
        own = [bid for bid in bids if bid["participant"] == name]
        cap = np.array([sum(b["max_kwh"] for b in own if h in b["hours"]) for h in hours])
        bought = ds["bought"].sel(participant=name).values
        assert (bought <= cap + 1e-6).all()
        event("a bid cleared" if bought.sum() > 1e-6 else "no bid cleared")
        trade = ds["trade"].sel(buyer=name)
        price = ds["trade_price"].sel(buyer=name)
        for step, hour in enumerate(hours):
            active = [b for b in own if hour in b["hours"]]
            traded = trade.isel(time=step).values > 1e-6
            if not active:
                continue
            # no wash trades: a bidder neither sells in the pool nor exports in its bid steps
            assert float(ds["sold"].sel(participant=name).isel(time=step)) <= 1e-6
            assert float(ds["grid_export"].sel(participant=name).isel(time=step)) <= 1e-6
            assert (price.isel(time=step).values[traded] <= max(b["max_price_krw_per_kwh"] for b in active) + 1e-6).all()
            sellers = ds["seller"].values[traded].tolist()
            if all(b["product"] == "renewable" for b in active):
                assert set(sellers) <= renewable_owners
            if all(b.get("excluded") for b in active):
                excluded = set.intersection(*(set(b["excluded"]) for b in active))
                assert not excluded & set(sellers)
    supply = ds["grid_import"] + ds["bought"] + ds["generation"] + ds["storage_discharge"]
    demand = ds["load"] + ds["grid_export"] + ds["sold"] + ds["storage_charge"]
    np.testing.assert_allclose(supply.values, demand.values, atol=1e-5 * max(1.0, float(ds["load"].max())))
    np.testing.assert_allclose(ds["trade"].sum("seller").values, ds["bought"].values, atol=1e-6)
    np.testing.assert_allclose(ds["trade"].sum("buyer").values,
                               ds["sold"].sel(participant=ds["seller"].values).values, atol=1e-6)
    assert math.isfinite(float(ds.attrs["objective_krw"]))


@pytest.mark.parametrize("rule, expected", [("pay_as_bid", IMPORT_MID - 3.0), ("pay_as_clear", None)])
def test_new_rules_without_orders_price_inside_the_default_band(rule, expected):
    """No order book: S sells 100 kWh of PV to B at 11:00 and 12:00. Pay-as-bid prices at B's
    default bid, its grid price less the fee (182.6006 - 3); pay-as-clear at the pool's dual,
    inside [SMP, 182.6006 - 3]."""
    park = make_park([tenant("S"), tenant("B")], [pv("PV", "S")], pricing_rule=rule, trade_fee_krw_per_kwh=3.0)
    inputs = make_inputs("2026-07-01 11:00", 2, available={"PV": [100.0]}, load={"S": 0.0, "B": 300.0})
    ds = run_dispatch(park, inputs).dataset
    price = ds["trade_price"].sel(seller="S", buyer="B").values
    np.testing.assert_allclose(ds["trade"].sel(seller="S", buyer="B").values, [100.0, 100.0], atol=1e-6)
    if expected is not None:
        np.testing.assert_allclose(price, expected, rtol=1e-12)
    else:
        assert (price >= ds["export_price"].values - 1e-9).all() and (price <= IMPORT_MID - 3.0 + 1e-9).all()
