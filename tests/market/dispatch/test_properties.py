"""Properties of the day-ahead dispatch over random synthetic parks.

Each example is a random park (2-12 tenants, with or without battery, both
pricing rules, fees 0-10 KRW/kWh, tight or loose feeders and export limits,
assets moved to other feeders than their owner's) on a random day of 2026
(every season, weekdays, Saturdays, Sundays, public holidays) in hourly or
15-minute steps. The checks are in :func:`dispatch_checks.check_dispatch`.
"""

from __future__ import annotations

import xarray as xr
from tests.market.dispatch.dispatch_checks import check_dispatch, park_cases
from hypothesis import given

from market.dispatch import run_dispatch


@given(park_cases(step_minutes=(60,)))
def test_hourly_dispatch_of_random_parks_respects_every_invariant(case):
    park, inputs = case
    result = run_dispatch(park, inputs)
    assert result.dataset.attrs["pricing_rule"] == park.market.pricing_rule
    check_dispatch(park, inputs, result.dataset)


@given(park_cases(max_tenants=8, step_minutes=(15,)))
def test_quarter_hour_dispatch_of_random_parks_respects_every_invariant(case):
    park, inputs = case
    assert len(inputs.time) == 96
    check_dispatch(park, inputs, run_dispatch(park, inputs).dataset)


@given(park_cases(max_tenants=8))
def test_pricing_rule_changes_prices_only_never_the_physical_plan(case):
    """The rule is applied after the clearing: without storage both rules give the
    same flows and objective; each keeps every trade individually rational and every
    storage owner whole (checked inside). With storage the rule's guaranteed prices
    enter the owner's no-worse-than-grid constraint, so only the checks apply."""
    park, inputs = case
    marginal = run_dispatch(park, inputs, pricing_rule="marginal").dataset
    shared = run_dispatch(park, inputs, pricing_rule="shared_savings").dataset
    for dataset, rule in ((marginal, "marginal"), (shared, "shared_savings")):
        assert dataset.attrs["pricing_rule"] == rule
        check_dispatch(park.model_copy(update={"market": park.market.model_copy(update={"pricing_rule": rule})}),
                       inputs, dataset)
    physical = ["grid_import", "grid_export", "sold", "bought", "trade", "asset_generation", "charge",
                "discharge", "soc", "feeder_flow", "transformer_flow"]
    if park.assets_of_role("storage"):
        return
    for name in physical:  # bit-for-bit: the same LP is solved
        assert marginal[name].values.tobytes() == shared[name].values.tobytes(), name
    assert marginal.attrs["objective_krw"] == shared.attrs["objective_krw"]


@given(park_cases(max_tenants=8))
def test_same_input_twice_gives_an_identical_dataset(case):
    park, inputs = case
    first = run_dispatch(park, inputs).dataset
    second = run_dispatch(park, inputs).dataset
    xr.testing.assert_identical(first, second)
    # assert_identical treats NaN == NaN; also demand bit-for-bit equality of every value
    for name in first.data_vars:
        assert first[name].values.tobytes() == second[name].values.tobytes(), name
    assert first.attrs == second.attrs
