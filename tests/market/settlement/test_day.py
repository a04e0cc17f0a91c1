"""Nobody pays more than from KEPCO alone; exports, fees and trades as documented."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from market.dispatch import run_dispatch
from market.settlement import day_legs
from microgrid.park.synthetic import synthetic_inputs, synthetic_park

from tests.conftest import DAYS, RULES


def check_no_bill_above_grid_only(park, dataset):
    stats = day_legs(park, dataset).stats
    for row in stats:  # storage owners included: the dispatch keeps them whole
        assert row["net_cost_krw"] <= row["grid_only_bill_krw"] + 1e-6, row
    assert sum(r["net_cost_krw"] for r in stats) <= sum(r["grid_only_bill_krw"] for r in stats)


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("day", DAYS)
def test_no_participant_pays_more_than_grid_only(small_park, dispatched, rule, day):
    check_no_bill_above_grid_only(small_park, dispatched[(rule, day)])


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(1, 10_000), rule=st.sampled_from(RULES), fee=st.sampled_from([0.0, 3.0, 12.5]))
def test_no_participant_pays_more_than_grid_only_random_parks(seed, rule, fee):
    for battery, day in ((False, "2026-08-05"), (True, "2026-01-10")):  # 2026-01-10: a winter Saturday
        park = synthetic_park(3, seed=seed, pricing_rule=rule, trade_fee_krw_per_kwh=fee, battery=battery)
        dataset = run_dispatch(park, synthetic_inputs(park, day, seed=seed)).dataset
        check_no_bill_above_grid_only(park, dataset)


def test_trades_fees_and_exports_are_settled_as_documented(small_park, dispatched):
    dataset = dispatched[("shared_savings", "2026-07-01")]
    legs = day_legs(small_park, dataset).legs
    fee = dataset.attrs["trade_fee_krw_per_kwh"]
    traded = float(dataset["trade"].sum())
    fees = sum(leg.amount for leg in legs if leg.account == "park:operator_fees")
    assert fees == pytest.approx(traded * fee)
    sales = sum(leg.amount for leg in legs if leg.kind == "trade_sale")
    assert sales == pytest.approx(float((dataset["trade"] * dataset["trade_price"]).sum()))
    smp = sum(leg.amount for leg in legs if leg.kind == "export_smp" and leg.account.startswith("participant"))
    assert smp == pytest.approx(float((dataset["grid_export"] * dataset["export_price"]).sum()))
    # the storage owner's charge and discharge are its purchases and sales
    owner = str(dataset["storage_owner"].values[0])
    bought = sum(leg.quantity_kwh for leg in legs
                 if leg.account == f"participant:{owner}:cash" and leg.kind == "trade_purchase")
    assert bought == pytest.approx(float(dataset["bought"].sel(participant=owner).sum()))

