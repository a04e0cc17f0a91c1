"""Scenarios across Dask workers; the results as one Dataset with a ``scenario`` dimension.

Parallelisation choice: the batteries' SOC couples the days of a scenario
(day d+1 starts where day d ended), so the days of one scenario run in
sequence in one task, and *scenarios* run in parallel, one task each (a
scenario's whole span: a few hundred solves, never one task per cell).
A single scenario run in this process instead splits its days between
``workers`` processes with exact seams (:mod:`market.batch.split`).

``LocalCluster`` with ``workers`` single-threaded processes by default, or
any running scheduler (``scheduler="tcp://host:8786"``) through the same
``distributed.Client``; workers must see the batch folder (shared disk),
where they write checkpoints and the scenario files. The driver follows
progress by counting checkpointed days and shows a rich progress bar.

With ``settle=True`` each scenario's task settles the scenario file on the
scenario's own ledger right after writing it
(:func:`market.batch.settle.scenario_task`), so the scenarios of a sweep are
settled in parallel too; the progress bar then also counts settled days.

Outputs in the batch folder, each result written once: ``scenarios/<name>.nc``
per scenario (joined from its checkpoint chunks, which are then deleted) and
the index ``batch.json`` (span, scenarios, each scenario's file).
:func:`open_batch` opens the scenario files together, lazily, on one
``scenario`` dimension (:func:`stacked_scenarios`): a sweep's combined view
costs no second copy (a ``batch.zarr`` copy of a year was 1.8 s and 137 MB per
scenario). ``output_format="zarr"``/``"netcdf"`` still writes that copy for a
tool that wants one store.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time as clock
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import dask
import pandas as pd
import xarray as xr

from market.batch.checkpoint import bounded_chunk_cache, chunk_dir, days_done, scenario_path, stored_time_block
from market.batch.rolling import ScenarioJob, run_scenario
from market.batch.scenarios import Scenario
from market.dispatch.trades import TRADE_PAIR

#: Pairs per chunk of the sparse trades in the combined store (8 MiB of float64).
PAIR_CHUNK = 2**20
from microgrid.errors import EngineInputError, ServiceUnavailableError
from microgrid.park import Park
from microgrid.variables import COORDINATES, LABEL_COORDINATES, add_history, global_attrs

if TYPE_CHECKING:
    from market.settlement.config import SettlementRules

#: Target size of one chunk of the combined store's largest variable [bytes].
COMBINE_CHUNK_BYTES = 8 * 2**20


def scenario_task(job: ScenarioJob, settle: bool = False, rules: SettlementRules | None = None,
                  on_day: Callable[[int], None] | None = None,
                  on_settled: Callable[[int, int], None] | None = None) -> str:
    """A scenario's task: :func:`run_scenario`, or with settlement :func:`market.batch.settle.scenario_task`.

    The ledger's libraries (SQLAlchemy, Alembic: about 40 MB per process) are
    imported only by a task that settles.
    ``on_day`` / ``on_settled`` report progress (in-process runs).
    """
    if not settle:
        return run_scenario(job, on_day=on_day)
    from market.batch.settle import scenario_task as settling_task

    return settling_task(job, settle, rules, on_day=on_day, on_settled=on_settled)


@dataclass
class BatchConfig:
    """A batch run.

    Attributes
    ----------
    park : Park
        The park as read by :func:`microgrid.park.read_park`.
    park_source : str
        Name of the park file, for messages.
    scenarios : list of Scenario
    start, end : datetime.date
        First and last day (inclusive).
    out : Path
    kind : str
        ``day_ahead`` (forecast) or ``actual``.
    weather_file : str or None
    workers : int
        LocalCluster worker processes for a sweep (ignored with ``scheduler``); for a single
        scenario run here, the processes its days are split between (:mod:`market.batch.split`;
        0 or 1: in order).
    scheduler : str or None
        Address of a running Dask scheduler.
    checkpoint_days : int
    engine : str
    output_format : str
        ``index`` (default): the scenario files and ``batch.json``, opened together by
        :func:`open_batch`, nothing copied; ``zarr`` or ``netcdf`` also write every scenario
        again into one ``batch.zarr`` / ``batch.nc`` (for tools that want one store).
    progress : bool
        Show a rich progress bar.
    stop_after_days : int or None
        Stop each scenario (as if killed) after this many days; for tests.
    settle : bool
        Settle every finished scenario on its own ledger,
        ``<out>/ledgers/<scenario>.sqlite`` (:mod:`market.batch.settle`).
    settlement_rules : SettlementRules or None
        Rules for ``settle``; default: :func:`market.settlement.rules_for` of
        each scenario's park (its ``[income]`` and ``[settlement]`` tables).
    lookahead_hours : int
        Hours past midnight each day's LP also plans, not committed [h]
        (:mod:`market.batch.rolling`); 0: none.
    """

    park: Park
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
    output_format: str = "index"
    progress: bool = False
    stop_after_days: int | None = None
    settle: bool = False
    settlement_rules: SettlementRules | None = None
    lookahead_hours: int = 0

    def jobs(self) -> list[ScenarioJob]:
        return [ScenarioJob(self.park, self.park_source, scenario, self.start, self.end, Path(self.out),
                            self.kind, self.weather_file, self.checkpoint_days, self.engine,
                            self.stop_after_days, self.lookahead_hours) for scenario in self.scenarios]


#: Seconds to wait for a running Dask scheduler (``--scheduler``) before giving up.
SCHEDULER_TIMEOUT_S = 10


def _client(config: BatchConfig):
    from distributed import Client, LocalCluster

    if config.scheduler:
        try:
            return Client(config.scheduler, timeout=SCHEDULER_TIMEOUT_S), None
        except (OSError, TimeoutError) as error:
            raise ServiceUnavailableError(f"--scheduler = {config.scheduler!r}: no Dask scheduler answers there "
                                          f"within {SCHEDULER_TIMEOUT_S} s ({type(error).__name__}); start one "
                                          "(`dask scheduler`) or leave --scheduler out") from None
        except ValueError as error:
            raise EngineInputError(f"--scheduler = {config.scheduler!r}: expected an address such as "
                                   f"tcp://127.0.0.1:8786 ({' '.join(str(error).split())})") from None
    cluster = LocalCluster(n_workers=max(1, config.workers), threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=40)
    return Client(cluster), cluster


def _follow(config: BatchConfig, futures) -> None:
    """Wait for the futures, with a rich progress bar of finished days when asked."""
    from distributed import wait

    if not config.progress:
        wait(futures)
        return
    days = (config.end - config.start).days + 1
    with _progress_bar() as bar:
        task = bar.add_task(f"{len(config.scenarios)} scenario(s) x {days} days", total=days * len(futures))
        settling = None
        if config.settle:
            from market.batch.settle import ledger_path, settled_day_count

            settling = bar.add_task("settled days", total=days * len(futures))
        while not all(future.done() for future in futures):
            done = sum(days if scenario_path(config.out, s.name).is_file() else
                       days_done(config.out, s.name, config.start) for s in config.scenarios)
            bar.update(task, completed=done)
            if settling is not None:
                bar.update(settling, completed=sum(settled_day_count(ledger_path(config.out, s.name))
                                                   for s in config.scenarios))
            clock.sleep(0.5)
        bar.update(task, completed=days * len(futures))
        if settling is not None:
            bar.update(settling, completed=days * len(futures))


def _progress_bar():
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn, TimeRemainingColumn

    return Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), TimeRemainingColumn())


def _run_in_process(config: BatchConfig, jobs: list[ScenarioJob]) -> list[str]:
    """The scenarios one after the other in this process, with a progress bar of days when asked."""
    if not config.progress:
        return [scenario_task(job, config.settle, config.settlement_rules) for job in jobs]
    days = (config.end - config.start).days + 1
    paths = []
    with _progress_bar() as bar:
        dispatched = bar.add_task(f"{len(jobs)} scenario(s) x {days} days", total=days * len(jobs))
        settled = bar.add_task("settled days", total=days * len(jobs)) if config.settle else None
        for position, job in enumerate(jobs):
            base = position * days
            paths.append(scenario_task(
                job, config.settle, config.settlement_rules,
                on_day=lambda done, base=base: bar.update(dispatched, completed=base + done),
                on_settled=lambda done, _total, base=base: bar.update(settled, completed=base + done)))
            bar.update(dispatched, completed=base + days)
    return paths


def run_batch(config: BatchConfig, *, client=None) -> Path | None:
    """Run every scenario (resuming finished work) and write the combined store.

    Parameters
    ----------
    config : BatchConfig
    client : distributed.Client, optional
        Reuse a client; otherwise one is made (and closed) from the config.
        ``workers=0``, or a single scenario without a scheduler address, runs
        in this process without Dask (sequential).

    Returns
    -------
    Path or None
        The batch's index ``batch.json`` (:func:`open_batch` opens it), or None when stopped
        early (``stop_after_days``).
    """
    out = Path(config.out)
    jobs = config.jobs()
    started = clock.perf_counter()
    # One scenario is one sequential task (its days are coupled by SOC): a local
    # cluster could not speed it up and would cost its start-up, so it runs here.
    in_process = config.workers == 0 or len(jobs) == 1
    if client is None and in_process and not config.scheduler:
        if len(jobs) == 1:  # one scenario: its days split between ``workers`` processes (market.batch.split)
            jobs = [replace(jobs[0], day_workers=max(1, config.workers))]
        _prepare_folder(out, jobs)
        paths = _run_in_process(config, jobs)
    else:
        own = client is None
        cluster = None
        if own:
            client, cluster = _client(config)
        try:
            _prepare_folder(out, jobs)
            futures = [client.submit(scenario_task, job, config.settle, config.settlement_rules,
                                     key=f"scenario-{job.scenario.name}-{clock.time_ns()}", pure=False)
                       for job in jobs]
            _follow(config, futures)
            paths = client.gather(futures)
        finally:
            if own:
                client.close()
                if cluster is not None:
                    cluster.close()
    if not all(paths):
        return None
    names = [job.scenario.name for job in jobs]
    manifest = {
        "layout": INDEX_LAYOUT,
        "start": config.start.isoformat(), "end": config.end.isoformat(), "kind": config.kind,
        "scenarios": [{"name": s.name, "overrides": s.overrides,
                       "file": scenario_path(out, s.name).relative_to(out).as_posix()} for s in config.scenarios],
        "engine": config.engine, "wall_seconds_last_run": clock.perf_counter() - started,
    }
    store = index_path(out)
    if config.output_format in ("zarr", "netcdf"):  # asked for: one more store, a copy of every scenario
        manifest["store"] = combine(out, names, config.output_format).name
    _write_index(store, manifest)
    _clean_batch_folder(out, jobs)
    try:  # every scenario's chunks are gone once joined (rolling.run_scenario): drop the empty folders
        for folder in [chunk_dir(out, job.scenario.name) for job in jobs] + [out / "checkpoints"]:
            if folder.is_dir():
                folder.rmdir()
    except OSError:
        pass  # something else lives there (a killed writer's file): leave it
    return store


def _batch_folders(out: Path, jobs: list[ScenarioJob]) -> list[Path]:
    from market.batch.checkpoint import chunk_dir, scenario_path

    folders = [out, out / "scenarios", out / "ledgers", out / "checkpoints"]
    return folders + [chunk_dir(out, job.scenario.name) for job in jobs] + [
        scenario_path(out, job.scenario.name).parent for job in jobs]


def _clean_batch_folder(out: Path, jobs: list[ScenarioJob]) -> None:
    """Remove the temporary files killed runs left in the batch's folders (never a live writer's)."""
    from market.dispatch.io import clean_stale_temporaries

    for folder in dict.fromkeys(_batch_folders(out, jobs)):
        clean_stale_temporaries(folder)


def _prepare_folder(out: Path, jobs: list[ScenarioJob]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    _clean_batch_folder(out, jobs)


#: ``layout`` of ``batch.json``: the scenario files are the results, the index lists them.
INDEX_LAYOUT = "scenario-files+index/1"


def index_path(out: Path) -> Path:
    """A batch's index: ``<out>/batch.json`` (span, scenarios and each scenario's file)."""
    return Path(out) / "batch.json"


def _write_index(path: Path, manifest: dict) -> None:
    from market.dispatch.io import atomic_path

    with atomic_path(path) as temporary:
        Path(temporary).write_text(json.dumps(manifest, indent=2, default=str))


def stacked_scenarios(out: Path, names: list[str], files: list[Path] | None = None) -> xr.Dataset:
    """The scenario files on one ``scenario`` dimension, lazily (dask), nothing read or written.

    What ``xarray.open_mfdataset(files, combine="nested", concat_dim="scenario",
    join="outer", preprocess=...)`` gives, with the descriptive coordinates
    (owners, kinds, ratings, capacities) as (scenario, entity): overrides scale
    ratings and capacities, and a scenario may lack a storage or a seller (the
    union is taken; missing entries are NaN, missing labels ``""``). Closing
    the result closes the files.
    """
    files = files or [scenario_path(out, name) for name in names]
    block, per_step = stored_time_block(files[0])
    # Whole storage blocks per chunk (aligned reads: no block read twice), about COMBINE_CHUNK_BYTES.
    chunk = block * max(1, COMBINE_CHUNK_BYTES // max(block * per_step, 1))
    with bounded_chunk_cache():  # the files are opened here; the cache size is fixed at opening
        opened = [xr.open_dataset(path, engine="netcdf4", chunks={"time": chunk}) for path in files]
    attrs = {f"scenario_{name}": json.dumps(ds.attrs.get("scenario_overrides", "{}")) for name, ds in zip(names, opened)}
    described = [name for name in COORDINATES if name in opened[0].coords]
    # Each scenario trades its own pairs (market.dispatch.trades): pad every list to the longest with NaN
    # (the readers skip it) so the scenarios stack; ``trade_pair`` has no index to align on.
    pairs = max((ds.sizes.get(TRADE_PAIR, 0) for ds in opened), default=0)
    opened_padded = [ds.pad({TRADE_PAIR: (0, pairs - ds.sizes[TRADE_PAIR])}) if TRADE_PAIR in ds.dims
                     and ds.sizes[TRADE_PAIR] < pairs else ds for ds in opened]
    if pairs:  # Zarr wants uniform chunks: the padding is a chunk of its own until rechunked
        block = min(pairs, PAIR_CHUNK)
        opened_padded = [ds.chunk({TRADE_PAIR: block}) if TRADE_PAIR in ds.dims else ds for ds in opened_padded]
    stacked = xr.concat([_described_as_variables(ds, described).expand_dims(scenario=[name])
                         for name, ds in zip(names, opened_padded)],
                        dim="scenario", join="outer", combine_attrs="drop_conflicts", data_vars="all")
    for name in described:
        if name in LABEL_COORDINATES:  # outer join fills text with NaN: a missing entity has no label
            stacked[name] = stacked[name].fillna("").astype(str)
    stacked = stacked.set_coords(described)
    stacked.attrs.update(attrs)
    stacked.attrs.pop("binding_limits", None)
    first = opened[0].attrs
    stacked.attrs.update(global_attrs(str(first.get("park", "")),
                                      f"{first.get('park', '')}: rolling batch, {len(names)} scenario(s)"))
    stacked.attrs = add_history({k: v for k, v in stacked.attrs.items() if k != "history"},
                                f"combined scenarios {', '.join(names)} (opened together, not copied)")

    def close() -> None:
        for ds in opened:
            ds.close()

    stacked.set_close(close)
    return stacked


def combine(out: Path, names: list[str], output_format: str = "zarr") -> Path:
    """Write the scenario files again as one store, ``batch.zarr`` / ``batch.nc`` (only when asked:
    ``output_format``); :func:`open_batch` does not need it."""
    stacked = stacked_scenarios(out, names)
    target = out / ("batch.zarr" if output_format == "zarr" else "batch.nc")
    temporary = target.with_name(f".{target.name}.tmp")
    if temporary.exists():
        shutil.rmtree(temporary) if temporary.is_dir() else temporary.unlink()
    stacked.attrs = add_history(stacked.attrs, f"wrote {output_format}")
    stacked = _encodable(stacked)
    try:
        if output_format == "zarr":
            stacked.to_zarr(temporary, mode="w", consolidated=True)
        else:
            # One NetCDF file is written by this process only (see rolling.run_scenario).
            with dask.config.set(scheduler="synchronous"):
                stacked.to_netcdf(temporary, engine="netcdf4")
    finally:
        stacked.close()
    if target.exists():
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    temporary.rename(target)
    return target


def _described_as_variables(ds: xr.Dataset, described: list[str]) -> xr.Dataset:
    """A scenario file with its descriptive coordinates as (loaded) data variables, other non-index coords dropped."""
    dropped = [v for v in ds.coords if v not in ds.dims and v != "time" and v not in described
               and TRADE_PAIR not in ds[v].dims]
    ds = ds.drop_vars(dropped).reset_coords(described)
    for name in described:
        values = ds[name].load()
        ds[name] = values.astype(object) if name in LABEL_COORDINATES else values.astype(float)
    return ds


def _encodable(stacked: xr.Dataset) -> xr.Dataset:
    for name, variable in stacked.variables.items():
        if variable.dtype == object:
            stacked[name] = variable.astype(str)
        if TRADE_PAIR in variable.dims and variable.dtype.kind == "f":
            # Padded pair positions are float with NaN now: not the int32 they were stored as.
            variable.encoding.pop("dtype", None)
        if variable.dtype.kind in "OUS":
            # A scenario without a battery stores an empty ``storage`` label array,
            # which NetCDF keeps as float: drop that on-disk dtype, the labels are text.
            variable.encoding.pop("dtype", None)
            variable.encoding.pop("_FillValue", None)
        variable.encoding.pop("chunksizes", None)
        variable.encoding.pop("preferred_chunks", None)
        variable.encoding.pop("chunks", None)
    return stacked


def _has_layout(index: Path) -> bool:
    """Whether ``batch.json`` is an index (an earlier engine wrote a manifest beside ``batch.zarr``)."""
    try:
        return "layout" in json.loads(index.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return True  # unreadable: reported as such when opened


def _open_index(out: Path, index: Path) -> xr.Dataset:
    manifest = json.loads(index.read_text(encoding="utf-8"))
    if not isinstance(manifest, dict) or not isinstance(manifest.get("scenarios"), list) or not manifest["scenarios"]:
        raise ValueError("no list of scenarios")
    names = [str(entry["name"]) for entry in manifest["scenarios"]]
    files = [out / str(entry.get("file", scenario_path(out, entry["name"]).relative_to(out))) for entry in
             manifest["scenarios"]]
    return stacked_scenarios(out, names, files)


def open_batch(out: str | Path) -> xr.Dataset:
    """A batch's scenarios on one ``scenario`` dimension (lazy, dask-backed), ``time`` tz-aware.

    Reads the index ``batch.json`` and opens the scenario files it lists
    together (:func:`stacked_scenarios`); a batch folder of an earlier engine
    without an index (``batch.zarr`` or ``batch.nc``) is read as it is.
    """
    out = Path(out)
    index = index_path(out)
    legacy = out / "batch.zarr" if (out / "batch.zarr").exists() else out / "batch.nc"
    store = index if index.is_file() and (_has_layout(index) or not legacy.exists()) else legacy
    try:
        if store.suffix == ".json":
            dataset = _open_index(out, store)
        elif store.suffix == ".zarr":
            dataset = xr.open_zarr(store, consolidated=True)
        else:
            dataset = xr.open_dataset(store, engine="netcdf4", chunks={})
        if "scenario" not in dataset.dims or "time" not in dataset.dims:
            raise ValueError("no scenario and time dimensions")
        timezone = dataset.attrs.get("timezone")
        if timezone:
            dataset = dataset.assign_coords(time=pd.DatetimeIndex(dataset["time"].values).tz_localize(timezone))
    except Exception as error:  # a truncated, foreign or half-written store: bad input, one line
        raise EngineInputError(f"batch store {str(store)!r} cannot be read ({type(error).__name__}: "
                               f"{' '.join(str(error).split())[:160]}); expected a store written by "
                               "`microgrid batch` (run it again)") from None
    return dataset
