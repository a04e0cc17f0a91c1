"""Intraday re-dispatch: the demo park's ORC trips at 14:00."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from market.dispatch import run_dispatch
from market.dispatch.trades import trade_matrix, trade_price_matrix
from market.ledger import open_ledger
from market.redispatch.correction import correction_key, settle_correction
from market.redispatch.intraday import redispatch
from market.settlement import settle_day
from microgrid.errors import EngineInputError
from microgrid.forecast import day_inputs
from microgrid.park import read_park


@pytest.fixture(scope="module")
def demo():
    park = read_park()
    day_ahead = run_dispatch(park, day_inputs(park, dt.date(2026, 7, 1))).dataset
    return park, day_ahead


def test_orc_trip_at_14_is_rebalanced_and_settled_as_correction(demo):
    park, day_ahead = demo
    revised = redispatch(park, day_ahead, pd.Timestamp("2026-07-01 14:00"), outages=["ORC-steel"]).dataset
    k = 14
    for name in ("grid_import", "soc", "asset_generation"):  # the past is fixed
        np.testing.assert_array_equal(revised[name].isel(time=slice(0, k)).values,
                                      day_ahead[name].isel(time=slice(0, k)).values)
    for reader in (trade_matrix, trade_price_matrix):  # the past's trades too, read back from the sparse pairs
        np.testing.assert_array_equal(reader(revised).isel(time=slice(0, k)).values,
                                      reader(day_ahead).isel(time=slice(0, k)).values)
    orc = revised["asset_generation"].sel(asset="ORC-steel").values
    assert (orc[k:] == 0).all() and (orc[:k] > 0).all()
    supply = revised["grid_import"] + revised["bought"] + revised["generation"] + revised["storage_discharge"] \
        - revised["storage_charge"]
    use = revised["load"] + revised["grid_export"] + revised["sold"]
    np.testing.assert_allclose(supply.values, use.values, atol=1e-3)  # every hour, every participant
    lost = day_ahead["asset_generation"].sel(asset="ORC-steel").isel(time=slice(k, None)).sum()
    extra_grid = (revised["grid_import"].sum() - day_ahead["grid_import"].sum()) \
        - (revised["grid_export"].sum() - day_ahead["grid_export"].sum())
    extra_battery = revised["discharge"].sum() - day_ahead["discharge"].sum() \
        - (revised["charge"].sum() - day_ahead["charge"].sum())
    other = (revised["asset_generation"].drop_sel(asset="ORC-steel").sum()
             - day_ahead["asset_generation"].drop_sel(asset="ORC-steel").sum())
    # the gap is bought from the grid or the battery (or from curtailed PV), nothing else
    assert float(extra_grid + extra_battery + other) == pytest.approx(float(lost), rel=1e-4)
    assert float(extra_grid) > 0

    ledger = open_ledger("sqlite://")
    settle_day(ledger, park, day_ahead)
    before = ledger.entries(key="day:2026-07-01")
    correction = settle_correction(ledger, park, day_ahead, revised)
    assert correction.key == correction_key(dt.date(2026, 7, 1)) and correction.total_krw == 0
    entries = ledger.entries(key=correction.key)
    assert len(entries) > 0 and set(entries["kind"]) <= {"correction", "rounding"} and entries["amount_krw"].sum() == 0
    assert ledger.balance("park:kepco") - before.query("account == 'park:kepco'")["amount_krw"].sum() > 0
    after = ledger.entries(key="day:2026-07-01")
    pd.testing.assert_frame_equal(before, after)  # the day-ahead entries are untouched
    settle_correction(ledger, park, day_ahead, revised)  # re-running replaces, never stacks
    assert len(ledger.entries(key=correction.key)) == len(entries)


def test_feeder_outage_sheds_its_load_and_measured_soc_is_used(demo):
    park, day_ahead = demo
    result = redispatch(park, day_ahead, pd.Timestamp("2026-07-01 18:00"), outages=["F3"],
                        soc_kwh={"BESS-shared": 2000.0})
    assert result.unserved_kwh > 0 and result.initial_soc_kwh == {"BESS-shared": 2000.0}
    on_f3 = [p.name for p in park.participants if p.feeder == "F3"]
    assert float(result.dataset["load"].sel(participant=on_f3).isel(time=slice(18, None)).sum()) == 0.0


@pytest.mark.parametrize("options, message", [
    ({"outages": ["NOPE"]}, "not an asset or feeder"),
    ({"soc_kwh": {"PV-carpark": 1.0}}, "not a storage unit"),
])
def test_bad_redispatch_input_is_one_line(demo, options, message):
    park, day_ahead = demo
    with pytest.raises(EngineInputError, match=message):
        redispatch(park, day_ahead, pd.Timestamp("2026-07-01 14:00"), **options)
    with pytest.raises(EngineInputError, match="not a step start"):
        redispatch(park, day_ahead, pd.Timestamp("2026-07-01 14:30"))


def test_no_correction_for_an_unsettled_day(demo):
    from microgrid.errors import EngineInputError

    park, day_ahead = demo
    revised = redispatch(park, day_ahead, pd.Timestamp("2026-07-01 18:00"), outages=["F3"]).dataset
    ledger = open_ledger("sqlite://")
    with pytest.raises(EngineInputError, match=r"day:2026-07-01 is not settled") as caught:
        settle_correction(ledger, park, day_ahead, revised)
    assert "\n" not in str(caught.value)
    assert ledger.entries().empty and ledger.settlements().empty
