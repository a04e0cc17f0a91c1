"""Rolling batch: engine equals run_dispatch, SOC continuity, Dask equals sequential, resume, foresight, report."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from market.batch import BatchConfig, Scenario, open_batch, run_batch
from market.batch.checkpoint import scenario_path
from market.batch.engine import CompiledDayEngine
from market.batch.foresight import compare
from market.batch.rolling import day_windows
from market.batch.scenarios import apply_overrides, read_park_raw, read_scenarios
from market.dispatch import run_dispatch
from market.dispatch.io import read_dispatch
from microgrid.errors import EngineInputError
from microgrid.forecast import forecast_park

START, END = dt.date(2026, 7, 3), dt.date(2026, 7, 5)  # Fri..Sun: weekday, Saturday, Sunday masks
SCENARIOS = [Scenario("base"), Scenario("no-battery", {"battery_scale": 0}),
             Scenario("pv-marginal", {"pv_scale": 1.5, "pricing_rule": "marginal"})]


@pytest.fixture(scope="module")
def raw():
    """The demo park with generous feeder limits: these tests are about the batch, not congestion
    (the demo park's F2 can be overloaded on some forecast days, which ends a batch with exit 3)."""
    park, source = read_park_raw(None)
    for feeder in park["network"]["feeders"]:
        feeder["limit_kw"] = 2 * feeder["limit_kw"]
    return park, source


@pytest.fixture(scope="module")
def sequential(raw, tmp_path_factory):
    out = tmp_path_factory.mktemp("sequential")
    run_batch(BatchConfig(raw[0], raw[1], SCENARIOS, START, END, out, workers=0, checkpoint_days=2))
    return out


def _same(a: xr.Dataset, b: xr.Dataset) -> None:
    for name in a.data_vars:
        np.testing.assert_array_equal(a[name].values, b[name].values, err_msg=name)


def test_compiled_engine_objective_equals_run_dispatch(raw):
    park = apply_overrides(raw[0], Scenario(), raw[1])
    forecast = forecast_park(park, START, END)
    windows = list(day_windows(forecast, START, END))
    engine = CompiledDayEngine(park, windows[0][1])
    for position, (day, inputs) in enumerate(windows):
        soc = {"BESS-shared": 3000.0 + 250.0 * position}
        inputs = type(inputs)(inputs.time, inputs.available_generation, inputs.load, soc)
        fast = engine.solve(inputs).dataset
        reference = run_dispatch(park, inputs).dataset
        assert fast.attrs["objective_krw"] == pytest.approx(reference.attrs["objective_krw"], rel=1e-9), day
        assert float(fast["grid_only_cost"].sum()) == pytest.approx(float(reference["grid_only_cost"].sum()))


def test_soc_carried_between_days(raw, sequential):
    park = apply_overrides(raw[0], Scenario(), raw[1])
    battery = park.assets_of_role("storage")[0]
    ds = read_dispatch(scenario_path(sequential, "base"))
    soc = ds["soc"].sel(storage=battery.name).values
    charge = ds["charge"].sel(storage=battery.name).values
    discharge = ds["discharge"].sel(storage=battery.name).values
    expected = soc[:-1] + battery.charge_efficiency * charge[1:] - discharge[1:] / battery.discharge_efficiency
    np.testing.assert_allclose(soc[1:], expected, atol=1e-5)  # includes the 3 midnight seams
    first = battery.initial_soc_fraction * battery.energy_capacity_kwh
    assert soc[0] == pytest.approx(first + battery.charge_efficiency * charge[0] - discharge[0] / battery.discharge_efficiency)
    assert len(ds["day"]) == (END - START).days + 1


def test_dask_equals_sequential(raw, sequential, tmp_path):
    config = BatchConfig(raw[0], raw[1], SCENARIOS, START, END, tmp_path, workers=2, checkpoint_days=2)
    store = run_batch(config)
    assert store.name == "batch.zarr"
    for scenario in SCENARIOS:
        _same(read_dispatch(scenario_path(sequential, scenario.name)), read_dispatch(scenario_path(tmp_path, scenario.name)))
    parallel, serial = open_batch(tmp_path), open_batch(sequential)
    assert list(parallel["scenario"].values) == [s.name for s in SCENARIOS]
    xr.testing.assert_equal(parallel["grid_import"].load(), serial["grid_import"].load())


def test_resume_equals_uninterrupted(raw, sequential, tmp_path):
    config = BatchConfig(raw[0], raw[1], SCENARIOS[:1], START, END, tmp_path, workers=0, checkpoint_days=1,
                         stop_after_days=2)
    assert run_batch(config) is None  # "killed" after two days
    chunks = sorted(p.name for p in (tmp_path / "checkpoints" / "base").iterdir())
    assert chunks == ["days-2026-07-03_2026-07-03.nc", "days-2026-07-04_2026-07-04.nc"]
    config.stop_after_days = None
    run_batch(config)
    _same(read_dispatch(scenario_path(sequential, "base")), read_dispatch(scenario_path(tmp_path, "base")))


def test_perfect_foresight_not_worse_than_rolling(raw, sequential):
    park = apply_overrides(raw[0], Scenario(), raw[1])
    forecast = forecast_park(park, START, END)
    rolling = read_dispatch(scenario_path(sequential, "base"))
    comparison, foresight = compare(park, forecast, rolling, START, END, {"BESS-shared": 3500.0})
    assert comparison.foresight_cost_krw <= comparison.rolling_cost_krw + 1e-6 * abs(comparison.rolling_cost_krw)
    # the metric is the window LP's objective: it values the foresight dispatch at its own objective
    from market.batch.foresight import window_cost, window_inputs

    own = window_cost(park, window_inputs(forecast, START, END, {"BESS-shared": 3500.0}), foresight)
    assert own == pytest.approx(comparison.foresight_cost_krw, rel=1e-7)


def test_scenario_overrides_applied(raw, sequential):
    no_battery = read_dispatch(scenario_path(sequential, "no-battery"))
    assert no_battery.sizes["storage"] == 0
    assert float(no_battery["storage_charge"].sum()) == 0.0
    pv = read_dispatch(scenario_path(sequential, "pv-marginal"))
    base = read_dispatch(scenario_path(sequential, "base"))
    assert pv.attrs["pricing_rule"] == "marginal"
    pv_assets = [a for a in base["asset"].values if str(a).startswith("PV")]
    ratio = float(pv["available_generation"].sel(asset=pv_assets).sum()) / float(base["available_generation"].sel(asset=pv_assets).sum())
    assert ratio == pytest.approx(1.5, rel=0.02)


def test_scenarios_file_errors(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('[[scenarios]]\nname = "a"\nbattery_size = 2\n')
    with pytest.raises(EngineInputError, match="battery_size: unknown field"):
        read_scenarios(path)


def test_report_and_summary_recomputed(sequential):
    from market.report import write_report

    html = write_report(sequential)
    assert html.is_file() and "data:image/png;base64," in html.read_text()
    pngs = sorted(p.name for p in (html.parent / "plots").iterdir())
    assert "base-soc.png" in pngs and "no-battery-monthly.png" in pngs
    summary = {row["scenario"]: row for row in json.loads((html.parent / "summary.json").read_text())}
    ds = read_dispatch(scenario_path(sequential, "base"))
    load = ds["load"].values.sum()
    grid_import = ds["grid_import"].values.sum()
    cost = (ds["grid_import"].values * ds["import_price"].values).sum() - (
        ds["grid_export"].values * ds["export_price"].values[:, None]).sum()
    renewable = ds["asset_generation"].values[:, ds["asset_renewable"].values.astype(bool)].sum()
    row = summary["base"]
    assert row["self_sufficiency"] == pytest.approx(1 - grid_import / load)
    assert row["renewable_share"] == pytest.approx(renewable / load)
    assert row["saving_krw"] == pytest.approx(ds["grid_only_cost"].values.sum() - cost)
    assert row["emissions_avoided_tco2"] == pytest.approx((load - grid_import) / 1000 * 0.4173)
    assert row["peak_import_kw"] == pytest.approx(ds["transformer_flow"].values.max())
    assert row["battery_cycles"] == pytest.approx(ds["discharge"].values.sum() / 7000.0)
    assert row["traded_kwh"] == pytest.approx(ds["trade"].values.sum())
    per_participant = pd.DataFrame(ds["grid_only_cost"].values - ds["energy_cost"].values).sum()
    assert row["sunlight_fund_krw"] == pytest.approx(0.30 * per_participant.clip(lower=0).sum())
    assert summary["no-battery"]["battery_cycles"] == 0.0


def test_a_scenario_without_storage_first_still_combines(raw, tmp_path):
    """The first scenario's empty ``storage`` labels must not set the combined file's label type."""
    scenarios = [Scenario("no-battery", {"battery_scale": 0}), Scenario("base")]
    run_batch(BatchConfig(raw[0], raw[1], scenarios, START, START, tmp_path, workers=0))
    combined = open_batch(tmp_path)
    assert list(combined["scenario"].values) == ["no-battery", "base"]
    assert [str(label) for label in combined["storage"].values] == ["BESS-shared"]
    charge = combined["charge"].sel(storage="BESS-shared")
    assert np.isnan(charge.sel(scenario="no-battery").values).all()
    assert np.isfinite(charge.sel(scenario="base").values).all()
