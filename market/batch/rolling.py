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
so are the span's tariffs and prices (:func:`build_dispatch_data` once per
tariff version in force, then :func:`sub_window` per day; a day is priced by
the version of its day). Days run through
:class:`market.batch.engine.CompiledDayEngine` (``engine="compiled"``,
default) or :func:`market.dispatch.run_dispatch` (``engine="pyomo"``,
rebuilding the model every day). Finished days are checkpointed in chunks
(:mod:`market.batch.checkpoint`); a restarted scenario resumes after the
last whole chunk. With ``day_workers`` > 1 the days are split between
processes and the seams reconciled exactly (:mod:`market.batch.split`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from market.batch.checkpoint import join_chunks, remove_chunks, resume_point, scenario_path, write_chunk
from market.batch.engine import Basis, CompiledDayEngine
from market.batch.scenarios import Scenario, apply_overrides
from market.batch.summary import FUND_SHARE_ATTRIBUTE
from market.dispatch.inputs import DispatchInputs, build_dispatch_data, monthly_peaks_kw, sub_window
from market.dispatch.results import WindowResult
from market.dispatch.run import run_dispatch
from microgrid.park import Park
from microgrid.tariffs import load_tariff
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
    day_workers : int
        Processes the span's days are split between (:mod:`market.batch.split`); 1: in order, here.
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
    day_workers: int = 1


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
            values = grid_import.transpose("time", "participant").values
            # Day by day: a chunk may cross a tariff revision, and each day is looked up in its own version.
            for steps in day_steps(time).values():
                monthly_peaks_kw(park, time[steps], values[steps], float(chunk.attrs["step_hours"]), into=peaks)
    return peaks


class SpanContext:
    """What every day of a scenario's span shares, computed once: the park, the forecast, its days.

    Parameters
    ----------
    job : ScenarioJob
    park : Park
        The scenario's park (overrides applied).
    forecast : xarray.Dataset
        The span's forecast (look-ahead past the end included), as :func:`microgrid.forecast.forecast_park` gives it.
    """

    def __init__(self, job: ScenarioJob, park: Park, forecast) -> None:
        self.job, self.park, self.forecast = job, park, forecast
        self.time = pd.DatetimeIndex(forecast.indexes["time"])
        self.days = day_steps(self.time)
        step_hours = (self.time[1] - self.time[0]) / pd.Timedelta(hours=1) if len(self.time) > 1 else 1.0
        self.lookahead_steps = int(round(job.lookahead_hours / step_hours))


class DaySolver:
    """Solves the days of one span in order: the compiled engine (built at the first day) or Pyomo.

    ``basis``: the simplex basis the first compiled solve starts from (None: a cold start).
    ``peaks``: participant -> ``"YYYY-MM"`` -> peak import [kW] of the days before the first one
    (:func:`checkpointed_peaks`); carried day to day in :attr:`peaks` (updated in place), since each
    day's billing floor (the demand charge's) is set by the months' peaks so far.
    """

    def __init__(self, context: SpanContext, basis: Basis | None = None,
                 peaks: dict[str, dict[str, float]] | None = None) -> None:
        self.context = context
        self.peaks: dict[str, dict[str, float]] = {} if peaks is None else peaks
        self.engine: CompiledDayEngine | None = None
        # The span's DispatchData, built once per tariff version in force (a day is priced by the
        # version of its day, and one window never mixes versions): (first step, stop step, data).
        self.pieces: list[tuple[int, int, object]] | None = None
        self._basis = basis

    def _build_pieces(self) -> None:
        context = self.context
        runs: list[list] = []
        for day, steps in context.days.items():
            key = tuple(load_tariff(participant.tariff, day).valid_from for participant in context.park.participants)
            if runs and runs[-1][2] == key:
                runs[-1][1] = steps.stop
            else:
                runs.append([steps.start, steps.stop, key])
        self.pieces = [(first, stop, build_dispatch_data(
            context.park, inputs_for_steps(context.forecast, slice(first, stop), {}), self.engine.rule))
            for first, stop, _key in runs]

    def _day_data(self, steps: slice, soc: dict[str, float]):
        for first, stop, data in self.pieces:
            if first <= steps.start and steps.stop <= stop:
                return sub_window(data, slice(steps.start - first, steps.stop - first), soc, self.peaks)
        # A look-ahead window across a change of tariff version: built on its own (as run_dispatch would).
        return build_dispatch_data(self.context.park, inputs_for_steps(self.context.forecast, steps, soc),
                                   self.engine.rule, monthly_peak_kw=self.peaks)

    def solve(self, day: dt.date, soc: dict[str, float]) -> WindowResult:
        """The day's committed window (look-ahead hours cut off), starting from ``soc`` [kWh]."""
        context = self.context
        committed = context.days[day]
        steps = slice(committed.start, min(committed.stop + context.lookahead_steps, len(context.time)))
        forecast = context.forecast
        if context.job.engine == "compiled" and self.engine is None:
            self.engine = CompiledDayEngine(context.park, inputs_for_steps(forecast, steps, soc))
            self.engine.set_basis(self._basis)
            self._build_pieces()
        if self.engine is not None and steps.stop - steps.start == self.engine.steps:
            window = self.engine.solve_data(self._day_data(steps, soc))
        else:  # the Pyomo path, or a window of another length (a DST day, the end of the forecast)
            window = run_dispatch(context.park, inputs_for_steps(forecast, steps, soc),
                                  monthly_peak_kw=self.peaks).window
        window = window.head(committed.stop - committed.start)
        monthly_peaks_kw(context.park, window.coords["time"], window.variables["grid_import"][1],
                         float(window.attrs["step_hours"]), into=self.peaks)
        return window

    @property
    def basis(self) -> Basis | None:
        """The basis the next day starts from (arrays are made only when asked: once per chunk)."""
        return self.engine.basis if self.engine is not None else self._basis


@dataclass
class SpanRun:
    """What :func:`solve_span` did: the chunks it wrote, the last day it solved, why it stopped.

    Attributes
    ----------
    chunks : list of Path
    last_day : datetime.date or None
        None when no day was solved.
    stopped : bool
        Ended before the span's last day (``stop_after_days`` or ``after_chunk`` said so).
    """

    chunks: list
    last_day: dt.date | None
    stopped: bool


def solve_span(solver: DaySolver, first: dt.date, last: dt.date, soc: dict[str, float], *,
               chunk_ends: Callable[[dt.date, int], bool], folder: Path | None = None,
               after_chunk: Callable[[dt.date, dict, Basis | None], bool] | None = None,
               on_day: Callable[[dt.date], None] | None = None, stop_after_days: int | None = None) -> SpanRun:
    """Solve ``first``..``last`` day by day, the SOC carried, writing a chunk wherever ``chunk_ends`` says.

    Parameters
    ----------
    chunk_ends : callable
        ``(day, pending days) -> bool``: write the pending days as a chunk after ``day``
        (the span's last day always ends a chunk).
    folder : Path, optional
        Where chunks go (default the scenario's checkpoint folder).
    after_chunk : callable, optional
        ``(day, soc, basis) -> bool`` after each chunk; True stops the span there.
    on_day : callable, optional
        Called with each day solved.
    stop_after_days : int, optional
        Stop (as if killed) after this many days; for tests.
    """
    job = solver.context.job
    pending, objectives, chunks, solved, day = [], [], [], 0, None
    for offset in range((last - first).days + 1):
        day = first + dt.timedelta(days=offset)
        if stop_after_days is not None and solved >= stop_after_days:
            return SpanRun(chunks, day - dt.timedelta(days=1) if solved else None, True)
        window = solver.solve(day, soc)
        soc = window.last_soc_kwh()
        pending.append(window)
        objectives.append(window.attrs["objective_krw"])
        solved += 1
        if on_day is not None:
            on_day(day)
        if chunk_ends(day, len(pending)) or day == last:
            basis = solver.basis
            chunks.append(write_chunk(job.out, job.scenario.name, pending, objectives, basis, folder=folder))
            pending, objectives = [], []
            if after_chunk is not None and after_chunk(day, soc, basis) and day < last:
                return SpanRun(chunks, day, True)
    return SpanRun(chunks, day, False)


def run_scenario(job: ScenarioJob, *, on_day: Callable[[int], None] | None = None) -> str:
    """Dispatch every day of the job's span; return the scenario file's path.

    Already finished: returns at once. Partly finished: continues after the
    last checkpoint chunk. With ``job.day_workers`` > 1 (compiled engine) the
    remaining days are split between that many processes and the seams
    reconciled exactly (:mod:`market.batch.split`); whatever the parts could
    not prove equal to the sequential path is then solved here in order.
    ``on_day`` is called with the number of days of the span done so far
    (resumed days included), for progress bars.
    """
    from microgrid.forecast import forecast_park

    final = scenario_path(job.out, job.scenario.name)
    if final.is_file():
        return str(final)
    park = apply_overrides(job.park, job.scenario, job.park_source)
    resume = resume_point(job.out, job.scenario.name, job.start)
    split_note = None
    if resume.next_day <= job.end:
        beyond = dt.timedelta(days=-(-job.lookahead_hours // 24))  # forecast the look-ahead past the end too
        # Forecast once for the whole span: the day-ahead error is seeded by the span's start,
        # so every part of a split span must cut its days out of this one forecast.
        forecast = forecast_park(park, job.start, job.end + beyond, kind=job.kind, weather_file=job.weather_file)
        context = SpanContext(job, park, forecast)
        if job.day_workers > 1 and job.engine == "compiled" and job.stop_after_days is None:
            from market.batch.split import run_split

            split_note = run_split(context, resume, job.day_workers, on_day=on_day)
            resume = resume_point(job.out, job.scenario.name, job.start)
        if resume.next_day <= job.end:
            report = None if on_day is None else (lambda day: on_day((day - job.start).days + 1))

            def ends(_day: dt.date, pending: int) -> bool:
                return pending >= job.checkpoint_days

            # The months' peaks so far (each day's billing floor), rebuilt from the finished chunks.
            peaks = checkpointed_peaks(park, resume.chunks)
            run = solve_span(DaySolver(context, resume.basis, peaks), resume.next_day, job.end, resume.soc_kwh,
                             chunk_ends=ends, on_day=report, stop_after_days=job.stop_after_days)
            if run.stopped:
                return ""
            resume = resume_point(job.out, job.scenario.name, job.start)
    chunks = list(resume.chunks)
    specs = park.assets_of_role("storage")
    extra = {} if split_note is None else {"day_split": split_note}
    join_chunks(chunks, final, attrs={
        "scenario": job.scenario.name, "scenario_overrides": repr(job.scenario.overrides),
        "start": job.start.isoformat(), "end": job.end.isoformat(), "forecast_kind": job.kind,
        "engine": job.engine, "soc_carried": "initial_soc_kwh of each day = last soc of the day before",
        "lookahead_hours": job.lookahead_hours,
        "pricing_rule": park.market.pricing_rule, FUND_SHARE_ATTRIBUTE: park.income.fund_share, **job.extra_attrs,
        **extra, **global_attrs(park.name, f"{park.name}: rolling batch, scenario {job.scenario.name}"),
        "history": history_line(f"joined {len(chunks)} checkpoint chunk(s) into {final.name}"),
    }, variables={"storage_capacity_kwh": (("storage",), [spec.energy_capacity_kwh for spec in specs],
                                           BATCH_VARIABLES["storage_capacity_kwh"].attrs())})
    remove_chunks(job.out, job.scenario.name, chunks)  # results are kept once: the joined file only
    return str(final)
