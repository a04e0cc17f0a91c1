"""The demand charge as KEPCO bills it: only a peak above the billing demand already set costs.

Figures by hand from the tariff file (shared/DOMAIN.md): basic charge 8,320 KRW/kW-month,
power-industry fund 2.7 %; a peak set in July (a billing-demand month) is billed for 12 months,
one set in May for 1. So a kW above the floor costs 8,320 x 1.027 x 12 = 102,535.68 KRW in July
and 8,544.64 KRW in May. 2026-07-01 and 2026-05-13 are Wednesdays: 14:00 is mid, 15:00 and 16:00 peak.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from market.dispatch import run_dispatch
from market.dispatch.components.demand_charge import demand_cost_krw
from market.dispatch.inputs import billing_floors_kw, build_dispatch_data
from market.settlement import settle_basic_charge, settle_day
from market.settlement.monthly import peaks_before
from tests.market.dispatch.small_parks import TARIFF, make_inputs, make_park

BASIC, FUND = 8_320.0, 0.027
JULY_RATE = BASIC * (1 + FUND) * 12  # 102,535.68 KRW per kW above the floor
MAY_RATE = BASIC * (1 + FUND)  # 8,544.64


def _tenant(billing_demand_kw=None, contract_kw=1000.0) -> dict:
    tenant = {"name": "A", "feeder": "F1", "contract_power_kw": contract_kw, "tariff": TARIFF}
    if billing_demand_kw is not None:
        tenant["billing_demand_kw"] = billing_demand_kw
    return tenant


BATTERY = {"name": "BESS", "kind": "battery", "owner": "A", "feeder": "F1", "energy_capacity_kwh": 250.0,
           "power_kw": 100.0, "round_trip_efficiency": 1.0, "soc_min_fraction": 0.2, "soc_max_fraction": 1.0,
           "initial_soc_fraction": 0.6, "wear_cost_krw_per_kwh": 0.0, "terminal_soc_rule": "free"}


def _energy_cost(result) -> float:
    ds = result.dataset
    return float((ds["grid_import"] * ds["import_price"]).sum())


@pytest.mark.parametrize("day, rate", [("2026-07-01", JULY_RATE), ("2026-05-13", MAY_RATE)])
@pytest.mark.parametrize("billing_demand_kw, floor", [(None, 300.0), (450.0, 450.0)])
def test_a_peak_above_the_floor_pays_rate_times_months_times_increase(day, rate, billing_demand_kw, floor):
    """No flexibility: 500 kW in two peak hours; the floor is 30 % x 1,000 kW or the park file's figure."""
    park = make_park([_tenant(billing_demand_kw)], [], demand_charge_weight=1.0)
    inputs = make_inputs(f"{day} 15:00", 2, available={}, load={"A": 500.0})
    result = run_dispatch(park, inputs)
    objective = result.dataset.attrs["objective_krw"]
    assert objective - _energy_cost(result) == pytest.approx(rate * (500.0 - floor), rel=1e-9)
    data = build_dispatch_data(park, inputs)
    assert data.billing_floor_kw.tolist() == [floor]
    grid_import = result.dataset["grid_import"].values
    assert demand_cost_krw(data, grid_import).tolist() == pytest.approx([rate * (500.0 - floor)], rel=1e-12)


def _battery_day(billing_demand_kw, weight=1.0):
    """400 kWh at 14:00 (mid) and 15:00 (peak); 100 kWh in the battery above its minimum."""
    park = make_park([_tenant(billing_demand_kw)], [BATTERY], demand_charge_weight=weight)
    inputs = make_inputs("2026-07-01 14:00", 2, available={}, load={"A": 400.0})
    return run_dispatch(park, inputs)


def test_a_day_under_the_floor_has_no_demand_cost_and_a_higher_floor_changes_nothing():
    """Under a floor of 1,000 kW the battery empties into the peak hour (249.56 > 182.60 KRW/kWh), as with
    no demand charge at all; raising the floor to 5,000 kW changes neither the plan nor the objective."""
    under = _battery_day(1000.0)
    higher = _battery_day(5000.0)
    none = _battery_day(None, weight=0.0)
    assert under.dataset.attrs["objective_krw"] == pytest.approx(none.dataset.attrs["objective_krw"], rel=1e-12)
    assert under.dataset.attrs["objective_krw"] == pytest.approx(_energy_cost(under), rel=1e-12)
    np.testing.assert_allclose(under.dataset["grid_import"].values.ravel(), [400.0, 300.0], atol=1e-6)
    for name in ("grid_import", "discharge", "charge", "soc"):
        np.testing.assert_allclose(higher.dataset[name].values, under.dataset[name].values, atol=1e-9)
    assert higher.dataset.attrs["objective_krw"] == pytest.approx(under.dataset.attrs["objective_krw"], rel=1e-12)


def test_above_the_floor_the_battery_shaves_the_peak_to_where_a_kw_costs_more_than_the_energy_moved():
    """Floor 300 kW: a kW of peak costs 102,535.68 KRW, moving 1 kWh from 15:00 to 14:00 costs 66.96 KRW,
    so the battery splits 50/50 and both hours import 350 kW: demand cost 50 x 102,535.68."""
    result = _battery_day(None)
    np.testing.assert_allclose(result.dataset["grid_import"].values.ravel(), [350.0, 350.0], atol=1e-6)
    assert result.dataset.attrs["objective_krw"] - _energy_cost(result) == pytest.approx(JULY_RATE * 50.0, rel=1e-9)


def test_billing_floor_follows_kepcos_12_month_rule():
    """July 2026: window 2025-08..2026-07; August 2025 (800) counts, May 2026 (900) does not (not a
    billing-demand month, not the current one); the park file's figure counts only while the records
    do not reach the window's first month."""
    park = make_park([_tenant(1000.0)], [], demand_charge_weight=1.0)
    day = dt.date(2026, 7, 10)
    assert billing_floors_kw(park, day, {"A": {"2025-08": 800.0, "2026-05": 900.0, "2026-07": 600.0}}).tolist() == [800.0]
    assert billing_floors_kw(park, day, {"A": {"2026-05": 900.0, "2026-07": 600.0}}).tolist() == [1000.0]
    assert billing_floors_kw(park, day, None).tolist() == [1000.0]
    plain = make_park([_tenant()], [], demand_charge_weight=1.0)
    assert billing_floors_kw(plain, day, {"A": {"2026-05": 900.0}}).tolist() == [300.0]


def test_settlement_bills_and_the_next_day_is_dispatched_on_the_same_billing_demand(ledger):
    """A real dispatch of 2026-07-01 (flat 500 kW, contract 1,000 kW, park file's billing demand 400 kW)
    settled: July's billing demand is 500 kW, basic 500 x 8,320 = 4,160,000 KRW, fund 112,320, VAT 416,000.
    The dispatch of 2 July reads its floor from the ledger: 480 kW costs nothing, 520 kW pays 20 kW."""
    park = make_park([_tenant(400.0)], [], demand_charge_weight=1.0)
    first = run_dispatch(park, make_inputs("2026-07-01 00:00", 24, available={}, load={"A": 500.0}))
    settle_day(ledger, park, first.dataset)
    bills = settle_basic_charge(ledger, park, "2026-07").bills.set_index("participant")
    assert bills.loc["A", "billing_demand_kw"] == pytest.approx(500.0)
    assert (bills.loc["A", "basic_krw"], bills.loc["A", "fund_krw"], bills.loc["A", "vat_krw"]) == pytest.approx(
        (4_160_000.0, 112_320.0, 416_000.0))

    peaks = peaks_before(ledger, dt.date(2026, 7, 2))
    assert peaks == {"A": {"2026-07": pytest.approx(500.0)}}
    for load, increase in ((480.0, 0.0), (520.0, 20.0)):
        second = run_dispatch(park, make_inputs("2026-07-02 00:00", 24, available={}, load={"A": load}),
                              monthly_peak_kw=peaks)
        demand = second.dataset.attrs["objective_krw"] - _energy_cost(second)
        assert demand == pytest.approx(JULY_RATE * increase, rel=1e-9, abs=1e-6)


def test_a_month_under_the_park_files_billing_demand_is_billed_on_it(ledger):
    """Peak 500 kW under the 700 kW set before the records: July is billed on 700 kW (5,824,000 KRW)."""
    park = make_park([_tenant(700.0)], [], demand_charge_weight=1.0)
    settle_day(ledger, park, run_dispatch(park, make_inputs("2026-07-01 00:00", 24, available={},
                                                             load={"A": 500.0})).dataset)
    bills = settle_basic_charge(ledger, park, "2026-07").bills.set_index("participant")
    assert bills.loc["A", "basic_krw"] == pytest.approx(700.0 * BASIC)
