"""One scenario's span of days, dispatched day by day with the batteries' SOC carried.

Each day is a day-ahead dispatch (24 hourly steps) whose initial state of
charge is the previous day's last ``soc``. No look-ahead beyond the day is
modelled: the batteries' terminal rule (``cyclic`` in the demo park) keeps a
day from emptying them for tomorrow, which is what the operator's day-ahead
plan does too; the cost of that myopia is measured against perfect
foresight (:mod:`market.batch.foresight`).

The forecasts of the whole span are computed once (``forecast_park`` over
the span: the day-ahead error is one seeded realisation for the span, not
one per day as ``microgrid dispatch`` draws). Days run through
:class:`market.batch.engine.CompiledDayEngine` (``engine="compiled"``,
default) or :func:`market.dispatch.run_dispatch` (``engine="pyomo"``,
rebuilding the model every day). Finished days are checkpointed in chunks
(:mod:`market.batch.checkpoint`); a restarted scenario resumes after the
last whole chunk.
"""

from __future__ import annotations

import datetime as dt
import os
import time as clock
from dataclasses import dataclass, field
from pathlib import Path

import dask
import pandas as pd

from market.batch.checkpoint import read_chunks, resume_point, scenario_path, write_chunk
from market.batch.engine import CompiledDayEngine, UnsupportedModel
from market.batch.scenarios import Scenario, apply_overrides
from market.dispatch.inputs import DispatchInputs
from market.dispatch.io import write_dataset_atomic
from market.dispatch.run import run_dispatch

ENGINES = ("compiled", "pyomo")


@dataclass(frozen=True)
class ScenarioJob:
    """Everything a worker needs to run one scenario (picklable).

    Attributes
    ----------
    park_raw : dict
        The park file's parsed TOML; the scenario's overrides apply to it.
    park_source : str
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
    """

    park_raw: dict
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
    extra_attrs: dict = field(default_factory=dict)


def day_windows(forecast, start: dt.date, end: dt.date):
    """(day, DispatchInputs without SOC) for each day of the span."""
    index = pd.DatetimeIndex(forecast.indexes["time"])
    dates = index.date
    for offset in range((end - start).days + 1):
        day = start + dt.timedelta(days=offset)
        where = dates == day
        sliced = forecast.isel(time=where)
        yield day, DispatchInputs(time=index[where], available_generation=sliced["available_generation"],
                                  load=sliced["load"])


def run_scenario(job: ScenarioJob) -> str:
    """Dispatch every day of the job's span; return the scenario file's path.

    Already finished: returns at once. Partly finished: continues after the
    last checkpoint chunk.
    """
    from dataclasses import replace

    from microgrid.forecast import forecast_park

    final = scenario_path(job.out, job.scenario.name)
    if final.is_file():
        return str(final)
    park = apply_overrides(job.park_raw, job.scenario, job.park_source)
    resume = resume_point(job.out, job.scenario.name, job.start)
    chunks = list(resume.chunks)
    if resume.next_day <= job.end:
        forecast = forecast_park(park, job.start, job.end, kind=job.kind, weather_file=job.weather_file)
        soc, basis = dict(resume.soc_kwh), resume.basis
        engine, fallback = None, False
        pending, objectives, solved = [], [], 0
        for day, inputs in day_windows(forecast, job.start, job.end):
            if day < resume.next_day:
                continue
            if job.stop_after_days is not None and solved >= job.stop_after_days:
                return ""
            inputs = replace(inputs, initial_soc_kwh=soc)
            if job.engine == "compiled" and engine is None and not fallback:
                try:
                    engine = CompiledDayEngine(park, inputs)
                    engine.set_basis(basis)
                except UnsupportedModel:
                    fallback = True  # the model changed under us: rebuild per day, same results
            if engine is not None:
                result = engine.solve(inputs)
            else:
                result = run_dispatch(park, inputs)
            dataset = result.dataset
            soc = {str(s): float(dataset["soc"].sel(storage=s).values[-1]) for s in dataset["storage"].values}
            pending.append(dataset)
            objectives.append(dataset.attrs["objective_krw"])
            solved += 1
            if len(pending) >= job.checkpoint_days or day == job.end:
                if engine is not None:
                    basis = engine.basis  # arrays made only here, once per checkpoint
                chunks.append(write_chunk(job.out, job.scenario.name, pending, objectives, basis))
                pending, objectives = [], []
    combined = read_chunks(chunks)
    combined.attrs.update({
        "scenario": job.scenario.name, "scenario_overrides": repr(job.scenario.overrides),
        "start": job.start.isoformat(), "end": job.end.isoformat(), "forecast_kind": job.kind,
        "engine": job.engine, "soc_carried": "initial_soc_kwh of each day = last soc of the day before",
        "pricing_rule": park.market.pricing_rule, **job.extra_attrs,
    })
    specs = park.assets_of_role("storage")
    combined["storage_capacity_kwh"] = (("storage",), [spec.energy_capacity_kwh for spec in specs],
                                        {"units": "kWh", "long_name": "nameplate energy capacity"})
    combined.attrs.pop("date", None)
    combined.attrs.pop("objective_krw", None)
    # The checkpoint chunks are opened lazily with dask. Inside a Dask worker a
    # plain compute would ship the chunk writes to *other* workers, whose
    # processes do not hold this file open (seen: segfaults in HDF5). The
    # synchronous scheduler streams the chunks into the file from this process.
    with dask.config.set(scheduler="synchronous"):
        write_dataset_atomic(combined, final)
    combined.close()
    return str(final)


def scenario_seconds(job: ScenarioJob) -> tuple[str, float, int]:
    """Run :func:`run_scenario` and time it: (path, wall seconds, process id)."""
    started = clock.perf_counter()
    path = run_scenario(job)
    return path, clock.perf_counter() - started, os.getpid()
