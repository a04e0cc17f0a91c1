"""Scenarios across Dask workers; the results as one Dataset with a ``scenario`` dimension.

Parallelisation choice: the batteries' SOC couples the days of a scenario
(day d+1 starts where day d ended), so the days of one scenario run in
sequence in one task, and *scenarios* run in parallel, one task each (a
scenario's whole span: a few hundred solves, never one task per cell).
A year of one scenario cannot use a second core this way; splitting it in
months with a reconciliation of the SOC at the seams is not implemented.

``LocalCluster`` with ``workers`` single-threaded processes by default, or
any running scheduler (``scheduler="tcp://host:8786"``) through the same
``distributed.Client``; workers must see the batch folder (shared disk),
where they write checkpoints and the scenario files. The driver follows
progress by counting checkpointed days and shows a rich progress bar.

Outputs in the batch folder: ``scenarios/<name>.nc`` per scenario and
``batch.zarr`` (or ``batch.nc``): every scenario's span on one ``scenario``
dimension, written from the scenario files chunk by chunk (dask), never
held in memory whole.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time as clock
from dataclasses import dataclass, field
from pathlib import Path

import dask
import pandas as pd
import xarray as xr

from market.batch.checkpoint import days_done, scenario_path
from market.batch.rolling import ScenarioJob, run_scenario
from market.batch.scenarios import Scenario

#: Time chunk of the combined store [steps]: one month of hours.
TIME_CHUNK = 744


@dataclass
class BatchConfig:
    """A batch run.

    Attributes
    ----------
    park_raw : dict
    park_source : str
    scenarios : list of Scenario
    start, end : datetime.date
        First and last day (inclusive).
    out : Path
    kind : str
        ``day_ahead`` (forecast) or ``actual``.
    weather_file : str or None
    workers : int
        LocalCluster worker processes (ignored with ``scheduler``).
    scheduler : str or None
        Address of a running Dask scheduler.
    checkpoint_days : int
    engine : str
    output_format : str
        ``zarr`` or ``netcdf``.
    progress : bool
        Show a rich progress bar.
    """

    park_raw: dict
    park_source: str
    scenarios: list[Scenario] = field(default_factory=lambda: [Scenario()])
    start: dt.date = dt.date(2026, 1, 1)
    end: dt.date = dt.date(2026, 12, 31)
    out: Path = Path("results/batch")
    kind: str = "day_ahead"
    weather_file: str | None = None
    workers: int = 2
    scheduler: str | None = None
    checkpoint_days: int = 30
    engine: str = "compiled"
    output_format: str = "zarr"
    progress: bool = False
    stop_after_days: int | None = None

    def jobs(self) -> list[ScenarioJob]:
        return [ScenarioJob(self.park_raw, self.park_source, scenario, self.start, self.end, Path(self.out),
                            self.kind, self.weather_file, self.checkpoint_days, self.engine,
                            self.stop_after_days) for scenario in self.scenarios]


def _client(config: BatchConfig):
    from distributed import Client, LocalCluster

    if config.scheduler:
        return Client(config.scheduler), None
    cluster = LocalCluster(n_workers=max(1, config.workers), threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=40)
    return Client(cluster), cluster


def _follow(config: BatchConfig, futures) -> None:
    """Wait for the futures, with a rich progress bar of finished days when asked."""
    from distributed import wait

    if not config.progress:
        wait(futures)
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn, TimeRemainingColumn

    days = (config.end - config.start).days + 1
    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TimeRemainingColumn()) as bar:
        task = bar.add_task(f"{len(config.scenarios)} scenario(s) x {days} days", total=days * len(futures))
        while not all(future.done() for future in futures):
            done = sum(days if scenario_path(config.out, s.name).is_file() else
                       days_done(config.out, s.name, config.start) for s in config.scenarios)
            bar.update(task, completed=done)
            clock.sleep(0.5)
        bar.update(task, completed=days * len(futures))


def run_batch(config: BatchConfig, *, client=None) -> Path | None:
    """Run every scenario (resuming finished work) and write the combined store.

    Parameters
    ----------
    config : BatchConfig
    client : distributed.Client, optional
        Reuse a client; otherwise one is made (and closed) from the config.
        ``workers=0`` runs in this process without Dask (sequential).

    Returns
    -------
    Path or None
        The combined store, or None when stopped early (``stop_after_days``).
    """
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    jobs = config.jobs()
    started = clock.perf_counter()
    if client is None and config.workers == 0 and not config.scheduler:
        paths = [run_scenario(job) for job in jobs]
    else:
        own = client is None
        cluster = None
        if own:
            client, cluster = _client(config)
        try:
            futures = [client.submit(run_scenario, job, key=f"scenario-{job.scenario.name}-{clock.time_ns()}",
                                     pure=False) for job in jobs]
            _follow(config, futures)
            paths = client.gather(futures)
        finally:
            if own:
                client.close()
                if cluster is not None:
                    cluster.close()
    if not all(paths):
        return None
    store = combine(out, [job.scenario.name for job in jobs], config.output_format)
    manifest = {
        "start": config.start.isoformat(), "end": config.end.isoformat(), "kind": config.kind,
        "scenarios": [{"name": s.name, "overrides": s.overrides} for s in config.scenarios],
        "engine": config.engine, "store": store.name, "wall_seconds_last_run": clock.perf_counter() - started,
    }
    (out / "batch.json").write_text(json.dumps(manifest, indent=2, default=str))
    return store


def combine(out: Path, names: list[str], output_format: str = "zarr") -> Path:
    """Stack the scenario files on a ``scenario`` dimension into ``batch.zarr`` / ``batch.nc``.

    Scenarios may differ in their storage or seller sets (a scenario without
    a battery): the union is taken and missing entries are NaN.
    """
    opened = [xr.open_dataset(scenario_path(out, name), engine="netcdf4", chunks={"time": TIME_CHUNK})
              for name in names]
    attrs = {f"scenario_{name}": json.dumps(ds.attrs.get("scenario_overrides", "{}")) for name, ds in zip(names, opened)}
    stacked = xr.concat([ds.drop_vars([v for v in ds.coords if v not in ds.dims and v != "time"])
                         .expand_dims(scenario=[name]) for name, ds in zip(names, opened)],
                        dim="scenario", join="outer", combine_attrs="drop_conflicts", data_vars="all")
    for ds in opened:
        for coord in ("participant_feeder", "asset_owner", "storage_owner"):
            if coord in ds.coords and coord not in stacked.coords:
                pass
    stacked.attrs.update(attrs)
    stacked.attrs.pop("binding_limits", None)
    target = out / ("batch.zarr" if output_format == "zarr" else "batch.nc")
    temporary = target.with_name(f".{target.name}.tmp")
    if temporary.exists():
        shutil.rmtree(temporary) if temporary.is_dir() else temporary.unlink()
    stacked = _encodable(stacked)
    if output_format == "zarr":
        stacked.to_zarr(temporary, mode="w", consolidated=True)
    else:
        # One NetCDF file is written by this process only (see rolling.run_scenario).
        with dask.config.set(scheduler="synchronous"):
            stacked.to_netcdf(temporary, engine="netcdf4")
    if target.exists():
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    temporary.rename(target)
    for ds in opened:
        ds.close()
    return target


def _encodable(stacked: xr.Dataset) -> xr.Dataset:
    for name, variable in stacked.variables.items():
        if variable.dtype == object:
            stacked[name] = variable.astype(str)
        if variable.dtype.kind in "OUS":
            # A scenario without a battery stores an empty ``storage`` label array,
            # which NetCDF keeps as float: drop that on-disk dtype, the labels are text.
            variable.encoding.pop("dtype", None)
            variable.encoding.pop("_FillValue", None)
        variable.encoding.pop("chunksizes", None)
        variable.encoding.pop("preferred_chunks", None)
        variable.encoding.pop("chunks", None)
    return stacked


def open_batch(out: str | Path) -> xr.Dataset:
    """The combined result (lazy, dask-backed), ``time`` tz-aware."""
    out = Path(out)
    if (out / "batch.zarr").exists():
        dataset = xr.open_zarr(out / "batch.zarr", consolidated=True)
    else:
        dataset = xr.open_dataset(out / "batch.nc", engine="netcdf4", chunks={})
    timezone = dataset.attrs.get("timezone")
    if timezone:
        dataset = dataset.assign_coords(time=pd.DatetimeIndex(dataset["time"].values).tz_localize(timezone))
    return dataset
