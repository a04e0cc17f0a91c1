"""One scenario's span of days, dispatched day by day with the batteries' SOC carried.

Each day is a day-ahead dispatch (24 hourly steps) whose initial state of
charge is the previous day's last ``soc``.

Look-ahead (``lookahead_hours``, default 0): each day's LP may extend past
midnight by that many hours of the forecast; only the day itself is
committed (kept, settled, and its end-of-day SOC carried), the look-ahead
hours are re-planned the next day, as a receding horizon. The batteries'
terminal rule (``cyclic`` in the demo park) then applies at the end of the
look-ahead instead of at midnight, so a day may end with the battery fuller
or emptier when tomorrow's forecast is worth it. With no look-ahead the
terminal rule keeps a day from emptying the battery for tomorrow, which is
what the operator's day-ahead plan does. The look-ahead uses the same
forecast realisation (a 2-day-ahead forecast would be less accurate), the
demand charge and the storage owners' no-worse-than-grid row cover the
whole window. The cost of the remaining myopia is measured against perfect
foresight (:mod:`market.batch.foresight`).

The forecasts of the whole span are computed once (``forecast_park`` over
the span: the day-ahead error is one seeded realisation for the span, not
one per day as ``microgrid dispatch`` draws), and, for the compiled engine,
so are the span's tariffs and prices (:func:`build_dispatch_data` once, then
:func:`sub_window` per day). Days run through
:class:`market.batch.engine.CompiledDayEngine` (``engine="compiled"``,
default) or :func:`market.dispatch.run_dispatch` (``engine="pyomo"``,
rebuilding the model every day). Finished days are checkpointed in chunks
(:mod:`market.batch.checkpoint`); a restarted scenario resumes after the
last whole chunk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from market.batch.checkpoint import join_chunks, remove_chunks, resume_point, scenario_path, write_chunk
from market.batch.engine import CompiledDayEngine
from market.batch.scenarios import Scenario, apply_overrides
from market.batch.summary import FUND_SHARE_ATTRIBUTE
from market.dispatch.inputs import DispatchInputs, build_dispatch_data, monthly_peaks_kw, sub_window
from market.dispatch.run import run_dispatch
from microgrid.park import Park
from market.dispatch.variables import BATCH_VARIABLES
from microgrid.variables import global_attrs, history_line

ENGINES = ("compiled", "pyomo")


@dataclass(frozen=True)
class ScenarioJob:
    """Everything a worker needs to run one scenario (picklable).

    Attributes
    ----------
    park : Park
        The park as read by :func:`microgrid.park.read_park`; the scenario's overrides apply to it.
    park_source : str
        Name of the park file, for messages.
    scenario : Scenario
    start, end : datetime.date
        First and last day (inclusive).
    out : Path
        Batch folder.
    kind : str
        ``day_ahead`` or ``actual``.
    weather_file : str or None
    checkpoint_days : int
        Days per checkpoint chunk [days].
    engine : str
        ``compiled`` or ``pyomo``.
    stop_after_days : int or None
        Stop (as if killed) after this many days of this run; for tests.
    lookahead_hours : int
        Hours past midnight each day's LP also plans (not committed) [h]; 0: none.
    """

    park: Park
    park_source: str
    scenario: Scenario
    start: dt.date
    end: dt.date
    out: Path
    kind: str = "day_ahead"
    weather_file: str | None = None
    checkpoint_days: int = 30
    engine: str = "compiled"
    stop_after_days: int | None = None
    lookahead_hours: int = 0
    extra_attrs: dict = field(default_factory=dict)


def inputs_for_steps(forecast, steps: slice | np.ndarray, initial_soc_kwh: dict[str, float]) -> DispatchInputs:
    """The forecast's steps ``steps`` (a slice or a boolean mask) as one window starting from ``initial_soc_kwh``."""
    sliced = forecast.isel(time=steps)
    return DispatchInputs(time=pd.DatetimeIndex(sliced.indexes["time"]),
                          available_generation=sliced["available_generation"], load=sliced["load"],
                          initial_soc_kwh=dict(initial_soc_kwh))


def day_steps(time: pd.DatetimeIndex) -> dict[dt.date, slice]:
    """Day -> the slice of ``time``'s steps that fall on that (local) day."""
    dates = time.date
    starts = np.flatnonzero(np.r_[True, dates[1:] != dates[:-1]])
    ends = np.r_[starts[1:], len(dates)]
    return {dates[first]: slice(int(first), int(last)) for first, last in zip(starts, ends)}


def day_windows(forecast, start: dt.date, end: dt.date):
    """(day, DispatchInputs without SOC) for each day of the span."""
    for day, steps in day_steps(pd.DatetimeIndex(forecast.indexes["time"])).items():
        if start <= day <= end:
            yield day, inputs_for_steps(forecast, steps, {})


def checkpointed_peaks(park: Park, chunks: list) -> dict[str, dict[str, float]]:
    """The months' peak imports [kW] of the days already in checkpoint ``chunks`` (a resumed scenario's)."""
    import xarray as xr

    peaks: dict[str, dict[str, float]] = {}
    for path in chunks:
        with xr.open_dataset(path, engine="netcdf4") as chunk:
            grid_import = chunk["grid_import"].sel(participant=[p.name for p in park.participants])
            time = pd.DatetimeIndex(chunk.indexes["time"])  # stored as naive local time
            time = time.tz_localize(chunk.attrs.get("timezone", park.park.timezone)) if time.tz is None else time
            monthly_peaks_kw(park, time, grid_import.transpose("time", "participant").values,
                             float(chunk.attrs["step_hours"]), into=peaks)
    return peaks


def run_scenario(job: ScenarioJob, *, on_day: Callable[[int], None] | None = None) -> str:
    """Dispatch every day of the job's span; return the scenario file's path.

    Already finished: returns at once. Partly finished: continues after the
    last checkpoint chunk. ``on_day`` is called with the number of days of
    the span done so far (resumed days included), for progress bars.
    """
    from microgrid.forecast import forecast_park

    final = scenario_path(job.out, job.scenario.name)
    if final.is_file():
        return str(final)
    park = apply_overrides(job.park, job.scenario, job.park_source)
    resume = resume_point(job.out, job.scenario.name, job.start)
    chunks = list(resume.chunks)
    if resume.next_day <= job.end:
        beyond = dt.timedelta(days=-(-job.lookahead_hours // 24))  # forecast the look-ahead past the end too
        forecast = forecast_park(park, job.start, job.end + beyond, kind=job.kind, weather_file=job.weather_file)
        time = pd.DatetimeIndex(forecast.indexes["time"])
        days = day_steps(time)
        lookahead_steps = int(round(job.lookahead_hours / ((time[1] - time[0]) / pd.Timedelta(hours=1))))
        span = None  # the span's DispatchData, built once for the compiled engine; days are slices of it
        soc, basis = dict(resume.soc_kwh), resume.basis
        # The months' peaks so far, carried day to day: each day's billing floor (the demand charge's).
        peaks = checkpointed_peaks(park, resume.chunks)
        engine = None
        pending, objectives, solved = [], [], 0
        for offset in range((job.end - resume.next_day).days + 1):
            day = resume.next_day + dt.timedelta(days=offset)
            if job.stop_after_days is not None and solved >= job.stop_after_days:
                return ""
            committed = days[day]
            steps = slice(committed.start, min(committed.stop + lookahead_steps, len(time)))
            if job.engine == "compiled" and engine is None:
                engine = CompiledDayEngine(park, inputs_for_steps(forecast, steps, soc))
                engine.set_basis(basis)
                span = build_dispatch_data(park, inputs_for_steps(forecast, slice(None), {}), engine.rule)
            if engine is not None and steps.stop - steps.start == engine.steps:
                window = engine.solve_data(sub_window(span, steps, soc, peaks))
            else:  # the Pyomo path, or a window of another length (a DST day, the end of the forecast)
                window = run_dispatch(park, inputs_for_steps(forecast, steps, soc), monthly_peak_kw=peaks).window
            window = window.head(committed.stop - committed.start)
            monthly_peaks_kw(park, window.coords["time"], window.variables["grid_import"][1],
                             float(window.attrs["step_hours"]), into=peaks)
            soc = window.last_soc_kwh()
            pending.append(window)
            objectives.append(window.attrs["objective_krw"])
            solved += 1
            if on_day is not None:
                on_day((day - job.start).days + 1)
            if len(pending) >= job.checkpoint_days or day == job.end:
                if engine is not None:
                    basis = engine.basis  # arrays made only here, once per checkpoint
                chunks.append(write_chunk(job.out, job.scenario.name, pending, objectives, basis))
                pending, objectives = [], []
    specs = park.assets_of_role("storage")
    join_chunks(chunks, final, attrs={
        "scenario": job.scenario.name, "scenario_overrides": repr(job.scenario.overrides),
        "start": job.start.isoformat(), "end": job.end.isoformat(), "forecast_kind": job.kind,
        "engine": job.engine, "soc_carried": "initial_soc_kwh of each day = last soc of the day before",
        "lookahead_hours": job.lookahead_hours,
        "pricing_rule": park.market.pricing_rule, FUND_SHARE_ATTRIBUTE: park.income.fund_share, **job.extra_attrs,
        **global_attrs(park.name, f"{park.name}: rolling batch, scenario {job.scenario.name}"),
        "history": history_line(f"joined {len(chunks)} checkpoint chunk(s) into {final.name}"),
    }, variables={"storage_capacity_kwh": (("storage",), [spec.energy_capacity_kwh for spec in specs],
                                           BATCH_VARIABLES["storage_capacity_kwh"].attrs())})
    remove_chunks(job.out, job.scenario.name, chunks)  # results are kept once: the joined file only
    return str(final)
