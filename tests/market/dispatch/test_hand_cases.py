"""Dispatch cases small enough to solve by hand.

Prices are worked out here from the figures of the data files (and of
shared/DOMAIN.md), not taken from the engine:

* import price = (energy rate + climate-environment 9.0 + fuel-cost 5.0)
  x (1 + 2.7 % power-industry fund);
* export price (SMP) = monthly mean x hour-of-day shape (smp_2025.toml).

2026-07-01 is a Wednesday in summer: 15:00 and 16:00 are peak hours.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import tomllib
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from tests.market.dispatch.dispatch_checks import check_dispatch
from hypothesis import assume, given
from hypothesis import strategies as st
from tests.market.dispatch.small_parks import TARIFF, make_inputs, make_park, tenant

from market.dispatch import run_dispatch
from microgrid.tariffs import load_tariff

# --- figures of the data files, restated by hand (DOMAIN.md table and smp_2025.toml)
SUMMER = {"light": 116.0, "mid": 163.8, "peak": 229.0}
ADDERS = 9.0 + 5.0
FUND = 0.027
SMP_JULY = 123.0
SHAPE_15H, SHAPE_16H = 1.00, 1.01

IMPORT_PEAK = (SUMMER["peak"] + ADDERS) * (1 + FUND)  # 249.561
IMPORT_MID = (SUMMER["mid"] + ADDERS) * (1 + FUND)  # 182.6006
IMPORT_LIGHT = (SUMMER["light"] + ADDERS) * (1 + FUND)  # 133.51
SMP = np.array([SMP_JULY * SHAPE_15H, SMP_JULY * SHAPE_16H])  # 123.0, 124.23
REC = 73.0  # REC value a certificate holder's surplus export earns on top of SMP (rec_price.toml)
FEE = 3.0


def test_hand_figures_match_the_data_files():
    """The constants above are the ones in the shipped files (so the hand calculations below are about them)."""
    data = resources.files("microgrid.data")
    tariff = tomllib.loads(data.joinpath("tariffs", f"{TARIFF}.toml").read_text(encoding="utf-8"))
    assert tariff["rates"]["summer"] == SUMMER
    assert tariff["climate_environment_krw_per_kwh"] + tariff["fuel_cost_adjustment_krw_per_kwh"] == ADDERS
    assert tariff["power_industry_fund_rate"] == FUND
    assert 15 in tariff["bands"]["summer"]["peak"] and 16 in tariff["bands"]["summer"]["peak"]
    smp = tomllib.loads(data.joinpath("prices", "smp_2025.toml").read_text(encoding="utf-8"))
    assert smp["monthly_mean_krw_per_kwh"][6] == SMP_JULY
    assert (smp["hourly_shape"][15], smp["hourly_shape"][16]) == (SHAPE_15H, SHAPE_16H)
    assert math.isclose(IMPORT_PEAK, 249.561, rel_tol=1e-12)
    assert np.allclose(SMP, [123.0, 124.23])
    rec = tomllib.loads(data.joinpath("settlement", "rec_price.toml").read_text(encoding="utf-8"))
    assert rec["rec_price_krw_per_kwh"] == REC


def _seller_buyer(rule: str, *, available, seller_load, buyer_load, seller_share: float = 0.5, **network):
    park = make_park([tenant("SELLER"), tenant("BUYER")],
                     [{"name": "PV", "kind": "pv", "owner": "SELLER", "feeder": "F1", "dc_capacity_kw": 2000.0}],
                     pricing_rule=rule, trade_fee_krw_per_kwh=FEE, seller_share=seller_share, **network)
    inputs = make_inputs("2026-07-01 15:00", 2, available={"PV": available},
                         load={"SELLER": seller_load, "BUYER": buyer_load})
    result = run_dispatch(park, inputs)
    check_dispatch(park, inputs, result.dataset)
    return result


@pytest.mark.parametrize("seller_load", [0.0, 30.0])
@pytest.mark.parametrize("rule", ["shared_savings", "marginal"])
def test_one_pv_seller_one_buyer_short_of_energy(rule, seller_load):
    """PV 100 kWh, seller's own load first, the rest (100 - seller_load) to the buyer (150 kWh)."""
    result = _seller_buyer(rule, available=100.0, seller_load=seller_load, buyer_load=150.0)
    ds = result.dataset
    surplus = 100.0 - seller_load
    np.testing.assert_allclose(ds["trade"].sel(seller="SELLER", buyer="BUYER"), [surplus, surplus], atol=1e-6)
    np.testing.assert_allclose(ds["grid_import"].sel(participant="BUYER"), [150.0 - surplus] * 2, atol=1e-6)
    np.testing.assert_allclose(ds["grid_import"].sel(participant="SELLER"), [0.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(ds["grid_export"].sum("participant"), [0.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(ds["curtailment"].sum("participant"), [0.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(ds["import_price"].sel(participant="BUYER"), [IMPORT_PEAK] * 2, rtol=1e-12)
    np.testing.assert_allclose(ds["export_price"], SMP, rtol=1e-12)

    if rule == "shared_savings":
        # 123.0 + 0.5 * (249.561 - 3 - 123.0) = 184.7805; 124.23 + 0.5 * (246.561 - 124.23) = 185.3955
        expected = SMP + 0.5 * (IMPORT_PEAK - FEE - SMP)
        np.testing.assert_allclose(expected, [184.7805, 185.3955], rtol=1e-12)
    else:
        # The buyer still imports: one more kWh of internal energy saves its grid price less the fee.
        expected = np.array([IMPORT_PEAK - FEE] * 2)
        np.testing.assert_allclose(ds["clearing_price"].sel(feeder="F1"), expected, rtol=1e-9)
    np.testing.assert_allclose(ds["trade_price"].sel(seller="SELLER", buyer="BUYER"), expected, rtol=1e-9)

    # money: the buyer's bill is its grid import plus the trades with fee; the seller is paid the price
    buyer_cost = (150.0 - surplus) * IMPORT_PEAK + surplus * (expected + FEE)
    np.testing.assert_allclose(ds["energy_cost"].sel(participant="BUYER"), buyer_cost, rtol=1e-9)
    np.testing.assert_allclose(ds["energy_cost"].sel(participant="SELLER"), -surplus * expected, rtol=1e-9)
    # park cost = grid energy + fees (trade payments are transfers)
    objective = 2 * ((150.0 - surplus) * IMPORT_PEAK + FEE * surplus)
    assert math.isclose(ds.attrs["objective_krw"], objective, rel_tol=1e-9)


@pytest.mark.parametrize("share", [0.0, 0.25, 1.0])
def test_shared_savings_split_follows_the_seller_share(share):
    ds = _seller_buyer("shared_savings", available=100.0, seller_load=0.0, buyer_load=150.0,
                       seller_share=share).dataset
    expected = SMP + share * (IMPORT_PEAK - FEE - SMP)
    np.testing.assert_allclose(ds["trade_price"].sel(seller="SELLER", buyer="BUYER"), expected, rtol=1e-12)


def test_seller_long_exports_the_rest_and_marginal_price_is_the_export_price():
    """PV 300, buyer 150: the buyer is fully served by trade, the marginal kWh goes to the grid at SMP
    plus the REC (the seller holds its certificates and sells them with the export: the demo rule)."""
    ds = _seller_buyer("marginal", available=300.0, seller_load=0.0, buyer_load=150.0).dataset
    np.testing.assert_allclose(ds["trade"].sel(seller="SELLER", buyer="BUYER"), [150.0, 150.0], atol=1e-6)
    np.testing.assert_allclose(ds["grid_export"].sel(participant="SELLER"), [150.0, 150.0], atol=1e-6)
    np.testing.assert_allclose(ds["grid_import"].sum("participant"), [0.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(ds["clearing_price"].sel(feeder="F1"), SMP + REC, rtol=1e-9)
    np.testing.assert_allclose(ds["trade_price"].sel(seller="SELLER", buyer="BUYER"), SMP + REC, rtol=1e-9)
    objective = 2 * FEE * 150.0 - 150.0 * (SMP + REC).sum()
    assert math.isclose(ds.attrs["objective_krw"], objective, rel_tol=1e-9)


def test_export_limit_binds_curtailment_and_binding_limit_named():
    """PV 1000 kWh at 15:00 (100 at 16:00), buyer 100, export limit 300 kW:
    100 traded, 300 exported, 600 curtailed at 15:00; nothing binds at 16:00."""
    result = _seller_buyer("marginal", available=[1000.0, 100.0], seller_load=0.0, buyer_load=100.0,
                           export_limit_kw=300.0)
    ds = result.dataset
    np.testing.assert_allclose(ds["trade"].sel(seller="SELLER", buyer="BUYER"), [100.0, 100.0], atol=1e-6)
    np.testing.assert_allclose(ds["grid_export"].sel(participant="SELLER"), [300.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(ds["curtailment"].sel(participant="SELLER"), [600.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(ds["transformer_flow"], [-300.0, 0.0], atol=1e-6)
    listed = json.loads(ds.attrs["binding_limits"])
    assert [(b["limit"], b["element"], b["time"]) for b in listed] == [
        ("transformer_export", "TR-1", "2026-07-01T15:00:00+09:00")]
    assert [b.limit for b in result.binding_limits] == ["transformer_export"]
    # one more kWh of reverse-flow headroom would export one curtailed kWh at SMP + REC
    assert math.isclose(result.binding_limits[0].shadow_price_krw_per_kwh, SMP[0] + REC, rel_tol=1e-9)
    assert result.binding_limits[0].limit_kw == 300.0


def test_zero_export_park_names_the_export_limit_when_it_curtails():
    """No reverse flow permitted (export limit 0 kW): the curtailment is the limit's doing and must be named."""
    result = _seller_buyer("marginal", available=[1000.0, 100.0], seller_load=0.0, buyer_load=100.0,
                           export_limit_kw=0.0)
    ds = result.dataset
    np.testing.assert_allclose(ds["curtailment"].sel(participant="SELLER"), [900.0, 0.0], atol=1e-6)
    assert [(b.limit, b.time) for b in result.binding_limits] == [("transformer_export", "2026-07-01T15:00:00+09:00")]
    assert math.isclose(result.binding_limits[0].shadow_price_krw_per_kwh, SMP[0] + REC, rel_tol=1e-9)


def test_feeder_reverse_limit_binds_with_its_shadow_price():
    """Seller on F2 (reverse limit 400 kW) with 1000 kWh of PV, buyer (100 kWh) on F1:
    400 leave F2 (100 traded, 300 exported), 600 curtailed; one more kWh of F2
    headroom would be exported at SMP + REC, so the limit's shadow price is SMP + REC."""
    park = make_park([tenant("SELLER", "F2"), tenant("BUYER", "F1")],
                     [{"name": "PV", "kind": "pv", "owner": "SELLER", "feeder": "F2", "dc_capacity_kw": 2000.0}],
                     pricing_rule="marginal", trade_fee_krw_per_kwh=FEE, feeders={"F1": 10_000.0, "F2": 400.0})
    inputs = make_inputs("2026-07-01 15:00", 2, available={"PV": [1000.0, 100.0]},
                         load={"SELLER": 0.0, "BUYER": [100.0, 150.0]})
    result = run_dispatch(park, inputs)
    ds = result.dataset
    check_dispatch(park, inputs, ds)
    np.testing.assert_allclose(ds["feeder_flow"].sel(feeder="F2"), [-400.0, -100.0], atol=1e-6)
    np.testing.assert_allclose(ds["curtailment"].sel(participant="SELLER"), [600.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(ds["grid_export"].sel(participant="SELLER"), [300.0, 0.0], atol=1e-6)
    assert [(b.limit, b.element, b.time) for b in result.binding_limits] == [
        ("feeder_reverse", "F2", "2026-07-01T15:00:00+09:00")]
    assert math.isclose(result.binding_limits[0].shadow_price_krw_per_kwh, SMP[0] + REC, rel_tol=1e-9)
    # energy stuck behind the limit is worth nothing at F2 (it is curtailed): the marginal
    # rule pays the floor of the band, the export price
    assert abs(float(ds["clearing_price"].sel(feeder="F2")[0])) < 1e-6
    assert math.isclose(float(ds["trade_price"].sel(seller="SELLER", buyer="BUYER")[0]), SMP[0], rel_tol=1e-12)
    # at 16:00 the buyer is short (150 > 100): internal energy is worth the buyer's grid price less the fee
    assert math.isclose(float(ds["trade_price"].sel(seller="SELLER", buyer="BUYER")[1]), IMPORT_PEAK - FEE,
                        rel_tol=1e-9)


# --------------------------------------------------------------------------- battery arbitrage


def _battery_day(day: str, rte: float, wear: float):
    """The operator (flat 1000 kWh/h load) with a 1000 kWh / 200 kW battery, nothing else."""
    park = make_park([tenant("OPERATOR", kind="operator")],
                     [{"name": "BESS", "kind": "battery", "owner": "OPERATOR", "feeder": "F1",
                       "energy_capacity_kwh": 1000.0, "power_kw": 200.0, "round_trip_efficiency": rte,
                       "soc_min_fraction": 0.1, "soc_max_fraction": 0.9, "initial_soc_fraction": 0.5,
                       "wear_cost_krw_per_kwh": wear}],
                     pricing_rule="shared_savings", trade_fee_krw_per_kwh=FEE)
    inputs = make_inputs(day, 24, available={}, load={"OPERATOR": 1000.0})
    result = run_dispatch(park, inputs)
    check_dispatch(park, inputs, result.dataset)
    return result.dataset


def test_battery_arbitrage_light_to_peak_by_hand():
    """rte 0.88, wear 90: light->peak pays (249.561 > 133.51 / 0.88 + 90 = 241.72), light->mid
    does not (182.60 < 241.72). Charge to 900 kWh before 08:00, discharge in the peak, and
    recharge in the only light hours left (22-24, 2 x 200 kWh AC) to end at 500 kWh:
    after-peak SOC = 500 - 400 sqrt(0.88), discharged AC = (900 - that) sqrt(0.88)."""
    assert IMPORT_PEAK > IMPORT_LIGHT / 0.88 + 90 and IMPORT_MID < IMPORT_LIGHT / 0.88 + 90
    ds = _battery_day("2026-07-01", 0.88, 90.0)
    eta = math.sqrt(0.88)
    hour = ds.indexes["time"].hour
    charge, discharge = ds["charge"].sel(storage="BESS").values, ds["discharge"].sel(storage="BESS").values
    peak = (hour >= 15) & (hour < 21)
    light = (hour < 8) | (hour >= 22)
    assert discharge[~peak].max() < 1e-6 and charge[~light].max() < 1e-6
    after_peak = 500.0 - 400.0 * eta
    assert math.isclose(discharge.sum(), (900.0 - after_peak) * eta, rel_tol=1e-7)
    assert math.isclose(charge.sum(), 400.0 / eta + 400.0, rel_tol=1e-7)
    assert math.isclose(float(ds["soc"].sel(storage="BESS")[-1]), 500.0, rel_tol=1e-7)
    # park cost = the day's grid bill without battery - (peak imports avoided - wear - light imports added)
    grid_only = 1000.0 * (8 * IMPORT_LIGHT + 8 * IMPORT_MID + 6 * IMPORT_PEAK + 2 * IMPORT_LIGHT)
    profit = discharge.sum() * (IMPORT_PEAK - 90.0) - charge.sum() * IMPORT_LIGHT
    assert profit > 0
    assert math.isclose(ds.attrs["objective_krw"], grid_only - profit, rel_tol=1e-9)


@pytest.mark.parametrize(("rte", "wear", "arbitrage"), [
    (0.88, 20.0, True),    # 133.51 / 0.88 + 20 = 171.7 < 249.6
    (0.88, 97.0, True),    # 248.7 < 249.6: just pays
    (0.88, 99.0, False),   # 250.7 > 249.6: just does not
    (0.6, 20.0, True),     # 222.5 + 20 = 242.5 < 249.6
    (0.55, 10.0, False),   # 242.7 + 10 = 252.7 > 249.6
    (0.5, 0.0, False),     # 267.0 > 249.6
])
def test_battery_cycles_only_when_peak_beats_light_over_rte_plus_wear(rte, wear, arbitrage):
    assert (IMPORT_PEAK > IMPORT_LIGHT / rte + wear) == arbitrage
    ds = _battery_day("2026-07-01", rte, wear)
    discharged = float(ds["discharge"].sum())
    if arbitrage:
        hour = ds.indexes["time"].hour
        assert float(ds["discharge"].sel(storage="BESS")[(hour >= 15) & (hour < 21)].sum()) > 100.0
        assert float(ds["charge"].sel(storage="BESS")[(hour < 8) | (hour >= 22)].sum()) > 100.0
    else:
        assert discharged < 1e-6 and float(ds["charge"].sum()) < 1e-6


@given(rte=st.floats(0.5, 1.0), wear=st.floats(0.0, 150.0),
       day=st.sampled_from(["2026-07-01", "2026-07-04", "2026-07-05", "2026-01-14", "2026-04-21", "2026-10-09",
                            "2026-12-19"]))
def test_battery_cycles_iff_some_spread_beats_losses_and_wear(rte, wear, day):
    """Any day type and season: the battery cycles exactly when the day's highest grid
    price beats its lowest / rte + wear (the SOC starts mid-band, so either order works)."""
    prices = load_tariff(TARIFF, dt.date.fromisoformat(day)).marginal_import_price(pd.date_range(day, periods=24, freq="h", tz="Asia/Seoul"))
    margin = prices.max() - (prices.min() / rte + wear)
    assume(abs(margin) > 0.5)  # too close to call at solver tolerance
    ds = _battery_day(day, rte, wear)
    assert (float(ds["discharge"].sum()) > 1.0) == (margin > 0)
