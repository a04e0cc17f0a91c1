"""A fuel cell, added as one asset file: dispatched by its gas cost, re-solved by the batch, settled.

Hand calculation on 2026-07-01 (a summer Wednesday; prices restated from the
data files in test_dispatch_hand): a 60 kW fuel cell at 50 % efficiency on
gas at 80 KRW/kWh costs 160 KRW per kWh delivered. It runs flat out where the
owner's grid price is above that (mid 182.6, peak 249.6 KRW/kWh) and at its
must-run floor (25 % = 15 kW) where it is below (light 133.5 KRW/kWh); at
SMP (about 123 KRW/kWh) exporting more than it must never pays.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from tests.market.dispatch.small_parks import make_inputs, make_park, tenant
from tests.market.dispatch.test_hand_cases import IMPORT_LIGHT, IMPORT_MID, IMPORT_PEAK
from tests.market.dispatch.test_lp import FUEL_CELL, demo_park_with

from market.dispatch import run_dispatch
from market.ledger import open_ledger
from market.settlement import settle_day
from microgrid.forecast import day_inputs

SUMMER_WEEKDAY_BAND = ["light"] * 8 + ["mid"] * 7 + ["peak"] * 6 + ["mid"] + ["light"] * 2  # hours 0..23
PRICE = {"light": IMPORT_LIGHT, "mid": IMPORT_MID, "peak": IMPORT_PEAK}
GAS_KRW_PER_KWH, EFFICIENCY, RATING_KW, FLOOR = 80.0, 0.5, 60.0, 0.25
COST = GAS_KRW_PER_KWH / EFFICIENCY  # 160 KRW/kWh


def _fuel_cell_park(**market):
    cell = {"name": "FC", "kind": "fuel_cell", "owner": "OWNER", "feeder": "F1", "rated_power_kw": RATING_KW,
            "electrical_efficiency": EFFICIENCY, "gas_price_krw_per_kwh": GAS_KRW_PER_KWH,
            "min_load_fraction": FLOOR}
    return make_park([tenant("OWNER"), tenant("BUYER")], [cell], **market)


@pytest.mark.parametrize("owner_load", [100.0, 10.0])
def test_fuel_cell_runs_where_the_grid_is_dearer_than_its_gas(owner_load):
    park = _fuel_cell_park(trade_fee_krw_per_kwh=0.0)
    inputs = make_inputs("2026-07-01 00:00", 24, available={"FC": RATING_KW}, load={"OWNER": owner_load, "BUYER": 0.0})
    ds = run_dispatch(park, inputs).dataset
    price = np.array([PRICE[band] for band in SUMMER_WEEKDAY_BAND])
    floor = FLOOR * RATING_KW
    # Where the grid is dearer it covers the owner's load up to its rating; elsewhere only its floor.
    expected = np.where(price > COST, np.minimum(owner_load, RATING_KW), 0.0)
    expected = np.maximum(expected, floor)
    generation = ds["asset_generation"].sel(asset="FC").values
    np.testing.assert_allclose(generation, expected, atol=1e-6)
    export = ds["grid_export"].sel(participant="OWNER").values
    np.testing.assert_allclose(export, np.maximum(expected - owner_load, 0.0), atol=1e-6)
    smp = ds["export_price"].values
    hand = float(np.sum(price * np.maximum(owner_load - expected, 0.0) + COST * expected - smp * export))
    assert ds.attrs["objective_krw"] == pytest.approx(hand, rel=1e-9)
    # The owner's fuel is part of its energy cost; unused capacity is not curtailed free energy.
    np.testing.assert_allclose(ds["generation_cost"].sel(participant="OWNER"), COST * expected, rtol=1e-12)
    assert float(ds["energy_cost"].sum()) == pytest.approx(hand, rel=1e-9)
    assert float(ds["asset_curtailment"].sum()) == 0.0


def test_fuel_cell_out_of_service_has_no_floor():
    park = _fuel_cell_park()
    available = [0.0] * 6 + [RATING_KW] * 18
    inputs = make_inputs("2026-07-01 00:00", 24, available={"FC": available}, load={"OWNER": 100.0, "BUYER": 0.0})
    generation = run_dispatch(park, inputs).dataset["asset_generation"].sel(asset="FC").values
    np.testing.assert_allclose(generation[:6], 0.0, atol=1e-9)
    assert (generation[6:] >= FLOOR * RATING_KW - 1e-6).all()


def test_fuel_cell_in_the_demo_park_dispatches_and_settles(tmp_path):
    """The demo park with a 440 kW fuel cell: the day's dispatch uses it in dear hours and the ledger balances."""
    park = demo_park_with(FUEL_CELL)
    day = dt.date(2026, 7, 1)
    ds = run_dispatch(park, day_inputs(park, day)).dataset
    generation = ds["asset_generation"].sel(asset=FUEL_CELL["name"])
    assert float(generation.min()) >= 0.3 * 440.0 - 1e-6  # the data file's must-run floor
    assert float(generation.max()) == pytest.approx(440.0)  # flat out in some hour
    assert not bool(ds["asset_renewable"].sel(asset=FUEL_CELL["name"]))
    ledger = open_ledger(tmp_path / "ledger.sqlite")
    try:
        settled = settle_day(ledger, park, ds)
    finally:
        ledger.close()
    assert sum(entry.amount_krw for entry in settled.entries) == 0


def test_fuel_cell_through_a_settled_batch(tmp_path):
    """The rolling batch re-solves the fuel cell's LP day by day (compiled engine = one-day path), and settles it."""
    from market.batch import BatchConfig, Scenario, open_batch, run_batch
    from market.batch.settle import read_figures

    park = demo_park_with(FUEL_CELL)
    first, last = dt.date(2026, 7, 3), dt.date(2026, 7, 5)
    run_batch(BatchConfig(park, "<demo + fuel cell>", [Scenario()], first, last, tmp_path, workers=0,
                          checkpoint_days=2, settle=True))
    batch = open_batch(tmp_path).sel(scenario="base")
    assert str(batch["asset_kind"].sel(asset=FUEL_CELL["name"]).values) == "fuel_cell"
    assert float(batch["asset_rating_kw"].sel(asset=FUEL_CELL["name"])) == 440.0
    # The batch forecasts the span once (its forecast error is seeded by the span's start): cut the same days.
    from market.batch.rolling import day_windows
    from microgrid.forecast import forecast_park

    from market.dispatch.inputs import monthly_peaks_kw

    soc, peaks = {}, {}  # the batch carries the SOC and the months' peaks (the billing floors) day to day
    for (day, inputs), objective in zip(day_windows(forecast_park(park, first, last), first, last),
                                        batch["day_objective"].values):
        inputs = type(inputs)(inputs.time, inputs.available_generation, inputs.load, soc)
        reference = run_dispatch(park, inputs, monthly_peak_kw=peaks)
        assert objective == pytest.approx(reference.dataset.attrs["objective_krw"], rel=1e-9), day
        soc = reference.window.last_soc_kwh()
        monthly_peaks_kw(park, inputs.time, reference.window.variables["grid_import"][1], inputs.step_hours, into=peaks)
    figures = read_figures(tmp_path, "base")
    assert figures.days_settled == 3
