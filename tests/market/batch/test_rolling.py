"""Rolling batch: engine equals run_dispatch, SOC continuity, Dask equals sequential, resume, foresight, report."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from market.batch import BatchConfig, Scenario, open_batch, run_batch
from market.batch.checkpoint import scenario_path
from market.batch.engine import CompiledDayEngine
from market.batch.foresight import compare
from market.batch.rolling import day_windows
from market.batch.scenarios import apply_overrides, read_scenarios
from market.dispatch import run_dispatch
from market.dispatch.io import read_dispatch
from microgrid.errors import EngineInputError
from microgrid.forecast import forecast_park

START, END = dt.date(2026, 7, 3), dt.date(2026, 7, 5)  # Fri..Sun: weekday, Saturday, Sunday masks
SCENARIOS = [Scenario("base"), Scenario("no-battery", {"battery_scale": 0}),
             Scenario("pv-marginal", {"pv_scale": 1.5, "pricing_rule": "marginal"})]


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


def test_engine_reads_the_solution_as_the_pyomo_model_does(raw):
    """The engine's array view of HiGHS' vectors equals loading them into Pyomo and reading the model."""
    from market.dispatch.inputs import build_dispatch_data
    from market.dispatch.results import SolutionArrays, read_solution
    from market.dispatch.solve import SolveOutcome

    park = apply_overrides(raw[0], Scenario(), raw[1])
    windows = list(day_windows(forecast_park(park, START, END), START, END))
    engine = CompiledDayEngine(park, windows[0][1])
    inputs = type(windows[1][1])(windows[1][1].time, windows[1][1].available_generation, windows[1][1].load,
                                 {"BESS-shared": 4000.0})
    engine.solve_window(inputs)
    solution = engine.highs.getSolution()
    col_value, row_dual = np.asarray(solution.col_value), np.asarray(solution.row_dual)
    for variable, value in zip(engine.columns, col_value):
        variable.set_value(value, skip_validation=True)
    duals: dict = {}
    for (constraint, _multiplier), dual in zip(engine.rows, row_dual):
        duals[constraint] = duals.get(constraint, 0.0) + dual
    outcome = SolveOutcome(optimal=True, status="Optimal", objective_krw=0.0, duals=duals, wall_seconds=0.0,
                           highs_seconds=0.0, solver="highs")
    data = build_dispatch_data(park, inputs, engine.rule)
    from_model = read_solution(engine.model, data, outcome)
    from_vectors = engine.solution_arrays(col_value, row_dual)
    for name in SolutionArrays.__dataclass_fields__:
        np.testing.assert_array_equal(getattr(from_vectors, name), getattr(from_model, name), err_msg=name)
    assert np.abs(from_vectors.pool_dual).max() > 0  # the duals compared are not all zero


def _concat_days(days: list[xr.Dataset]) -> xr.Dataset:
    """xarray's concatenation on ``time``, the sparse trades concatenated on ``trade_pair`` (each pair has its time)."""
    from market.dispatch.trades import PAIR_NAMES, pair_dataset

    joined = xr.concat([day.drop_vars(PAIR_NAMES) for day in days], dim="time", data_vars="minimal",
                       coords="minimal", compat="override", combine_attrs="drop_conflicts")
    pairs = xr.concat([pair_dataset(day) for day in days], dim="trade_pair")
    return joined.assign({name: pairs[name] for name in ("trade", "trade_price")}).assign_coords(
        {name: pairs[name] for name in ("trade_time", "trade_seller", "trade_buyer")})


def test_assembled_days_equal_xarray_concat_of_days(raw):
    """Joining days as arrays (checkpoint chunks) gives what concatenating their Datasets gives."""
    from market.dispatch.results import assemble

    park = apply_overrides(raw[0], Scenario(), raw[1])
    windows = [run_dispatch(park, inputs).window
               for _day, inputs in day_windows(forecast_park(park, START, END), START, END)]
    joined = assemble(windows)
    reference = _concat_days([assemble([window]) for window in windows])
    assert joined.sizes == reference.sizes and joined.sizes["time"] == 72
    assert joined.attrs == reference.attrs and "date" not in joined.attrs
    for name in reference.variables:
        np.testing.assert_array_equal(joined[name].values, reference[name].values, err_msg=name)
        assert joined[name].dims == reference[name].dims and joined[name].attrs == reference[name].attrs, name
    assert str(joined.indexes["time"].tz) == "Asia/Seoul"


def test_soc_carried_between_days(raw, sequential):
    park = apply_overrides(raw[0], Scenario(), raw[1])
    battery = park.assets_of_role("storage")[0]
    ds = read_dispatch(scenario_path(sequential, "base"))
    soc = ds["soc"].sel(storage=battery.name).values
    charge = ds["charge"].sel(storage=battery.name).values
    discharge = ds["discharge"].sel(storage=battery.name).values
    expected = soc[:-1] + battery.charge_efficiency * charge[1:] - discharge[1:] / battery.discharge_efficiency
    np.testing.assert_allclose(soc[1:], expected, atol=1e-5)  # includes the 3 midnight seams
    first = battery.initial_soc_kwh
    assert soc[0] == pytest.approx(first + battery.charge_efficiency * charge[0] - discharge[0] / battery.discharge_efficiency)
    assert len(ds["day"]) == (END - START).days + 1


def test_dask_equals_sequential(raw, sequential, tmp_path):
    config = BatchConfig(raw[0], raw[1], SCENARIOS, START, END, tmp_path, workers=2, checkpoint_days=2)
    store = run_batch(config)
    assert store.name == "batch.json"
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
    from tests.market.income.test_sunlight import _surplus_by_hand  # leg by leg on the trade matrix

    per_participant = pd.Series(_surplus_by_hand(ds))  # the span lies in one quarter
    assert per_participant.sum() > 0
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


@pytest.mark.parametrize("start, end", [(START, END), (dt.date(2026, 6, 30), dt.date(2026, 7, 1))],
                         ids=["weekend", "into-a-summer-month"])
def test_a_day_cut_from_the_span_equals_the_day_built_alone(raw, start, end):
    """sub_window (a rolling year builds tariffs once) gives build_dispatch_data's arrays for the day,
    the demand charge's months billed and the billing floor included: 1 July's first interval starts at
    00:00 Asia/Seoul, 30 June 15:00 UTC, and is priced as a July (summer, 12 months billed) day."""
    from dataclasses import fields

    from market.batch.rolling import day_steps, inputs_for_steps
    from market.dispatch.inputs import build_dispatch_data, sub_window

    park = apply_overrides(raw[0], Scenario(), raw[1])
    forecast = forecast_park(park, start, end)
    span = build_dispatch_data(park, inputs_for_steps(forecast, slice(None), {}))
    for day, steps in day_steps(span.time).items():
        soc = {"BESS-shared": 2500.0}
        alone = build_dispatch_data(park, inputs_for_steps(forecast, steps, soc))
        cut = sub_window(span, steps, soc)
        for field_ in fields(alone):
            mine, theirs = getattr(cut, field_.name), getattr(alone, field_.name)
            if isinstance(theirs, np.ndarray | pd.DatetimeIndex):
                np.testing.assert_array_equal(np.asarray(mine), np.asarray(theirs), err_msg=f"{day} {field_.name}")
            else:
                assert mine == theirs, (day, field_.name)
        assert len(cut.time) == 24 and cut.time[0].date() == day
    assert len(day_steps(span.time)) == (end - start).days + 1


def test_a_batch_starting_on_the_first_day_a_tariff_is_valid_runs(raw, tmp_path):
    """The demo park's tariffs are valid from 2025-01-01: a batch starting that day priced its first
    day by 31 December (its first interval start read as UTC) and stopped with exit 2 (no tariff)."""
    run_batch(BatchConfig(raw[0], raw[1], SCENARIOS[:1], dt.date(2025, 1, 1), dt.date(2025, 1, 1), tmp_path,
                          workers=0))
    base = read_dispatch(scenario_path(tmp_path, "base"))
    first = pd.DatetimeIndex(base.indexes["time"]).tz_convert("Asia/Seoul")[0]
    assert base.sizes["time"] == 24 and (first.date(), first.hour) == (dt.date(2025, 1, 1), 0)


@pytest.fixture(scope="module")
def lookahead(raw, tmp_path_factory):
    out = tmp_path_factory.mktemp("lookahead")
    run_batch(BatchConfig(raw[0], raw[1], SCENARIOS[:1], START, END, out, workers=0, checkpoint_days=2,
                          lookahead_hours=24))
    return read_dispatch(scenario_path(out, "base"))


def test_lookahead_commits_the_first_day_of_a_two_day_plan(raw, lookahead):
    """Day 1 of a 24 h look-ahead batch is the first 24 h of run_dispatch over 48 h from the same SOC."""
    from market.batch.rolling import inputs_for_steps

    park = apply_overrides(raw[0], Scenario(), raw[1])
    forecast = forecast_park(park, START, END + dt.timedelta(days=1))
    battery = park.assets_of_role("storage")[0]
    start_soc = {battery.name: battery.initial_soc_kwh}
    two_days = run_dispatch(park, inputs_for_steps(forecast, slice(0, 48), start_soc)).dataset
    assert lookahead.sizes["time"] == 24 * ((END - START).days + 1)  # only the days themselves are kept
    assert lookahead.attrs["lookahead_hours"] == 24
    assert lookahead["day_objective"].values[0] == pytest.approx(two_days.attrs["objective_krw"], rel=1e-9)
    first_day = lookahead.isel(time=slice(0, 24))
    # The LP has alternative optima (which tenant imports what), so values are compared on what is unique:
    # the window's inputs, and the optimal cost above.
    assert (first_day.indexes["time"] == two_days.indexes["time"][:24]).all()
    for name in ("load", "available_generation", "import_price"):
        np.testing.assert_array_equal(first_day[name].values, two_days[name].isel(time=slice(0, 24)).values,
                                      err_msg=name)


def test_lookahead_frees_the_battery_from_ending_each_day_where_it_started(raw, sequential, lookahead):
    """Without look-ahead the cyclic rule returns the battery to its start SOC every midnight; with it, the
    rule applies at the end of the look-ahead, so some midnight differs, and the SOC stays continuous."""
    battery = apply_overrides(raw[0], Scenario(), raw[1]).assets_of_role("storage")[0]
    first = battery.initial_soc_kwh
    for ds, cyclic_at_midnight in ((read_dispatch(scenario_path(sequential, "base")), True), (lookahead, False)):
        soc = ds["soc"].sel(storage=battery.name).values
        midnights = soc[23::24]
        assert np.allclose(midnights, first, atol=1e-3) == cyclic_at_midnight, midnights
        charge = ds["charge"].sel(storage=battery.name).values
        discharge = ds["discharge"].sel(storage=battery.name).values
        expected = soc[:-1] + battery.charge_efficiency * charge[1:] - discharge[1:] / battery.discharge_efficiency
        np.testing.assert_allclose(soc[1:], expected, atol=1e-5)


def test_lookahead_compiled_equals_pyomo(raw, lookahead, tmp_path):
    run_batch(BatchConfig(raw[0], raw[1], SCENARIOS[:1], START, END, tmp_path, workers=0, engine="pyomo",
                          lookahead_hours=24))
    rebuilt = read_dispatch(scenario_path(tmp_path, "base"))
    np.testing.assert_allclose(rebuilt["day_objective"].values, lookahead["day_objective"].values, rtol=1e-9)
    np.testing.assert_allclose(rebuilt["grid_only_cost"].values, lookahead["grid_only_cost"].values)


@pytest.mark.parametrize("hours", [-1, 169])
def test_cli_rejects_a_lookahead_out_of_range(tmp_path, hours):
    from typer.testing import CliRunner

    from ui.cli import app

    result = CliRunner().invoke(app, ["batch", "--year", "2026", "--workers", "0", "--lookahead-hours", str(hours),
                                      "--out", str(tmp_path / "b")])
    assert result.exit_code == 2
    assert f"--lookahead-hours = {hours}: expected 0 to 168 hours" in result.output
    assert not (tmp_path / "b").exists()  # nothing written


def test_scenario_file_joins_its_chunks_exactly(raw, tmp_path, monkeypatch):
    """The scenario file, appended chunk by chunk, equals concatenating the chunks in memory."""
    from market.batch import rolling
    from market.batch.checkpoint import chunk_dir

    monkeypatch.setattr(rolling, "remove_chunks", lambda *args: None)  # keep the chunks to compare with
    run_batch(BatchConfig(raw[0], raw[1], SCENARIOS[1:2], START, END, tmp_path, workers=0, checkpoint_days=1))
    chunks = sorted(chunk_dir(tmp_path, "no-battery").glob("days-*.nc"))
    assert len(chunks) == 3
    loaded = [read_dispatch(path).drop_vars(["basis_col", "basis_row"], errors="ignore") for path in chunks]
    reference = _concat_days([day.drop_vars(["day_objective", "day"]) for day in loaded])
    joined = read_dispatch(scenario_path(tmp_path, "no-battery"))
    assert (joined.indexes["time"] == reference.indexes["time"]).all() and joined.sizes["time"] == 72
    for name in reference.variables:
        np.testing.assert_array_equal(joined[name].values, reference[name].values, err_msg=name)
        assert joined[name].dtype == reference[name].dtype, name
    np.testing.assert_array_equal(joined["day_objective"].values,
                                  np.concatenate([day["day_objective"].values for day in loaded]))
    assert list(joined["day"].values) == ["2026-07-03", "2026-07-04", "2026-07-05"]
    assert joined.attrs["scenario"] == "no-battery" and "date" not in joined.attrs
    assert "objective_krw" not in joined.attrs
    assert "basis_col" not in joined.variables


def test_progress_counts_every_day_of_the_span_once_resumed_days_included(raw, tmp_path):
    from market.batch.rolling import run_scenario

    config = BatchConfig(raw[0], raw[1], SCENARIOS[:1], START, END, tmp_path, workers=0, checkpoint_days=1,
                         stop_after_days=1)
    first_run: list[int] = []
    assert run_scenario(config.jobs()[0], on_day=first_run.append) == ""  # "killed" after one day
    resumed: list[int] = []
    path = run_scenario(replace(config.jobs()[0], stop_after_days=None), on_day=resumed.append)
    assert first_run == [1] and resumed == [2, 3]  # day 1 is not solved again; counts are of the whole span
    assert read_dispatch(path).sizes["time"] == 72


def test_compiled_engine_reports_each_days_highs_time_not_a_running_total(raw):
    """``highs.getRunTime()`` is cumulative on the engine's persistent Highs object: each day's
    HiGHS time must be that day's run alone (at most the day's solve wall time), and the days'
    times must add up to the solver's own total."""
    park = apply_overrides(raw[0], Scenario(), raw[1])
    forecast = forecast_park(park, START, END)
    windows = list(day_windows(forecast, START, END))
    engine = CompiledDayEngine(park, windows[0][1])
    per_day = []
    for _repeat in range(3):
        for _day, inputs in windows:
            result = engine.solve(inputs)
            assert 0.0 < result.highs_seconds <= result.solve_seconds + 1e-3
            per_day.append(result.highs_seconds)
    assert sum(per_day) == pytest.approx(engine.highs.getRunTime(), rel=1e-6, abs=1e-6)


def test_checkpoints_removed_once_joined(raw, sequential):
    """Results are written once: after the batch only the scenario files and their index remain, no
    checkpoint chunk (the resumed run above shows the chunks exist while it runs) and no second copy."""
    assert not (sequential / "checkpoints").exists()
    for scenario in SCENARIOS:
        assert scenario_path(sequential, scenario.name).is_file()
    assert not (sequential / "batch.zarr").exists() and not (sequential / "batch.nc").exists()
    written = sorted(p.relative_to(sequential).as_posix() for p in sequential.rglob("*") if p.is_file()
                     and "report" not in p.relative_to(sequential).parts)
    assert written == ["batch.json"] + [f"scenarios/{s.name}.nc" for s in sorted(SCENARIOS, key=lambda s: s.name)]


def test_a_span_across_a_tariff_revision_prices_each_day_by_its_version(raw, tmp_path):
    """The tariff file changes on 2026-04-16: the span's data is built per version, so the batch runs
    (it used to refuse the span) and each day's LP equals that day's own ``run_dispatch``."""
    from market.batch.rolling import day_steps, inputs_for_steps
    from market.dispatch.inputs import monthly_peaks_kw
    from microgrid.tariffs import load_tariff

    first, last = dt.date(2026, 4, 14), dt.date(2026, 4, 17)
    tariff = raw[0].participants[0].tariff
    assert load_tariff(tariff, first).valid_to < load_tariff(tariff, last).valid_from  # two versions in the span
    run_batch(BatchConfig(raw[0], raw[1], [Scenario()], first, last, tmp_path, workers=0))
    ds = read_dispatch(scenario_path(tmp_path, "base"))
    park = apply_overrides(raw[0], Scenario(), raw[1])
    forecast = forecast_park(park, first, last)
    days = day_steps(pd.DatetimeIndex(forecast.indexes["time"]))
    soc = ds["soc"].values
    for position, day in enumerate(sorted(days)):
        steps = days[day]
        start_soc = {} if position == 0 else {str(s): float(v) for s, v in zip(ds["storage"].values,
                                                                                 soc[steps.start - 1])}
        # The months' peaks of the days before (the ratchet's billing floor), from the batch's own imports.
        time = pd.DatetimeIndex(forecast.indexes["time"])[:steps.start]
        imports = ds["grid_import"].sel(participant=[p.name for p in park.participants]).transpose("time", "participant")
        peaks: dict = {}
        for before in sorted(days)[:position]:  # day by day: each looked up in its own tariff version
            monthly_peaks_kw(park, time[days[before]], imports.values[days[before]], float(ds.attrs["step_hours"]),
                             into=peaks)
        alone = run_dispatch(park, inputs_for_steps(forecast, steps, start_soc), monthly_peak_kw=peaks).dataset
        assert float(ds["day_objective"].values[position]) == pytest.approx(alone.attrs["objective_krw"], rel=1e-9), day
