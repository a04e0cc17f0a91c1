"""Per-scenario checkpoints: chunks of finished days, each one file written atomically.

Layout under the batch folder::

    checkpoints/<scenario>/days-<first>_<last>.nc   a chunk of consecutive days
    scenarios/<scenario>.nc                          the scenario's whole span (when finished)

A chunk holds the days' result Datasets concatenated on ``time`` plus what
the next day needs to continue exactly: the batteries' SOC at the end (the
last ``soc`` row) and the simplex basis of the last solve (``basis_col``,
``basis_row``). Chunks are written through a temporary file and a rename
(:func:`market.dispatch.io.write_dataset_atomic`), so a killed batch leaves
only whole chunks; on restart the days they cover are not solved again.
"""

from __future__ import annotations

import shutil

import datetime as dt
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import netCDF4
import numpy as np
import xarray as xr

from market.batch.engine import Basis
from market.dispatch.io import atomic_path, write_dataset_atomic
from market.dispatch.results import WindowResult, assemble
from market.dispatch.trades import TRADE_PAIR
from market.dispatch.variables import BATCH_VARIABLES

CHUNK = re.compile(r"days-(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})\.nc")


@dataclass(frozen=True)
class Resume:
    """Where a scenario continues.

    Attributes
    ----------
    next_day : datetime.date
        First day not yet solved.
    soc_kwh : dict
        Storage -> SOC at the end of the last finished day [kWh].
    basis : Basis or None
        Simplex basis of the last solve.
    chunks : list of Path
        Finished chunk files, in order.
    """

    next_day: dt.date
    soc_kwh: dict
    basis: Basis | None
    chunks: list


def chunk_dir(out: Path, scenario: str) -> Path:
    return Path(out) / "checkpoints" / scenario


def scenario_path(out: Path, scenario: str) -> Path:
    return Path(out) / "scenarios" / f"{scenario}.nc"


def chunks_in(folder: Path) -> list[tuple[dt.date, dt.date, Path]]:
    """(first day, last day, path) of every chunk file directly in ``folder``, in order of days."""
    found = []
    folder = Path(folder)
    if folder.is_dir():
        for path in folder.iterdir():
            match = CHUNK.fullmatch(path.name)
            if match:
                found.append((dt.date.fromisoformat(match[1]), dt.date.fromisoformat(match[2]), path))
    return sorted(found)


def finished_chunks(out: Path, scenario: str, start: dt.date) -> list[tuple[dt.date, dt.date, Path]]:
    """Chunks that continue each other from ``start``, in order (a gap ends the list).

    Only the files directly in :func:`chunk_dir`: a split span's provisional chunks
    (``part-<k>/``, not yet reconciled) never count as finished.
    """
    found = chunks_in(chunk_dir(out, scenario))
    chain, expected = [], start
    for first, last, path in found:
        if first != expected:
            break
        chain.append((first, last, path))
        expected = last + dt.timedelta(days=1)
    return chain


def days_done(out: Path, scenario: str, start: dt.date) -> int:
    """Days finished so far (for progress bars)."""
    return sum((last - first).days + 1 for first, last, _ in finished_chunks(out, scenario, start))


def chunk_state(path: Path) -> tuple[dict, Basis | None]:
    """What the day after a chunk starts from: storage -> SOC at the chunk's end [kWh], and the basis."""
    with xr.open_dataset(path, engine="netcdf4") as chunk:
        soc = {str(s): float(chunk["soc"].sel(storage=s).values[-1]) for s in chunk["storage"].values}
        basis = None
        if "basis_col" in chunk and chunk["basis_col"].size:
            basis = Basis(chunk["basis_col"].values.astype(np.int8), chunk["basis_row"].values.astype(np.int8))
    return soc, basis


def resume_point(out: Path, scenario: str, start: dt.date) -> Resume:
    chain = finished_chunks(out, scenario, start)
    if not chain:
        return Resume(start, {}, None, [])
    soc, basis = chunk_state(chain[-1][2])
    return Resume(chain[-1][1] + dt.timedelta(days=1), soc, basis, [path for _, _, path in chain])


def write_chunk(out: Path, scenario: str, days: list[WindowResult], objectives: list[float],
                basis: Basis | None, folder: Path | None = None) -> Path:
    """Join finished days into one Dataset (:func:`assemble`) and write it as one chunk, atomically.

    ``folder``: where the chunk goes; default the scenario's :func:`chunk_dir` (a part of a
    split span writes its provisional chunks elsewhere, :mod:`market.batch.split`).
    """
    first, last = days[0].attrs["date"], days[-1].attrs["date"]
    binding = [day.attrs.get("binding_limits", "[]") for day in days]
    chunk = assemble(days)
    chunk["day_objective"] = (("day",), np.asarray(objectives, dtype=float), BATCH_VARIABLES["day_objective"].attrs())
    chunk = chunk.assign_coords(day=[day.attrs["date"] for day in days])
    if basis is not None:
        chunk["basis_col"] = (("basis_col",), basis.col_status.astype(np.int8))
        chunk["basis_row"] = (("basis_row",), basis.row_status.astype(np.int8))
    chunk.attrs["binding_limits"] = "[" + ",".join(b.strip()[1:-1] for b in binding if b.strip() != "[]") + "]"
    chunk.attrs["date"] = first
    folder = chunk_dir(out, scenario) if folder is None else Path(folder)
    return write_dataset_atomic(chunk, folder / f"days-{first}_{last}.nc")


#: Variables of a chunk that only the next chunk needs (the solver's state).
SOLVER_STATE = ("basis_col", "basis_row")
#: Target size of one storage block of a scenario file's largest variable [bytes].
BLOCK_BYTES = 2 * 2**20
#: HDF5 chunk cache per variable while scenario files are read to be combined [bytes]. Reads are
#: aligned with the storage blocks, so a cache buys nothing; netCDF-C's default (64 MiB per
#: variable) kept most of a file in memory until it was closed, which grew with the number of days.
READ_CACHE_BYTES = 2**20


@contextmanager
def bounded_chunk_cache():
    """Open NetCDF files inside this block with a :data:`READ_CACHE_BYTES` cache per variable."""
    previous = netCDF4.get_chunk_cache()
    netCDF4.set_chunk_cache(READ_CACHE_BYTES, previous[1], previous[2])
    try:
        yield
    finally:
        netCDF4.set_chunk_cache(*previous)


def time_block_steps(dataset: xr.Dataset) -> int:
    """Steps per storage block along ``time``: whole days, 1 to 31, the largest variable's block near
    :data:`BLOCK_BYTES` (the demo park: 29 days; a 300-tenant park: 1 day)."""
    steps = max(dataset.sizes.get("time", 1), 1)
    per_step = max((variable.nbytes // steps for variable in dataset.data_vars.values() if "time" in variable.dims),
                   default=1)
    steps_per_day = max(int(round(24 / float(dataset.attrs.get("step_hours", 1.0)))), 1)
    return int(min(31, max(1, BLOCK_BYTES // max(per_step, 1) // steps_per_day))) * steps_per_day


def stored_time_block(path: Path) -> tuple[int, int]:
    """A scenario file's storage block along ``time`` [steps] and its largest variable's bytes per step."""
    block, per_step = None, 1
    with netCDF4.Dataset(path) as stored:
        for variable in stored.variables.values():
            if variable.dimensions[:1] != ("time",) or variable.dtype == str:
                continue
            per_step = max(per_step, int(np.prod(variable.shape[1:], dtype=np.int64)) * variable.dtype.itemsize)
            if block is None and variable.chunking() != "contiguous":
                block = int(variable.chunking()[0])
        return (block or len(stored.dimensions["time"])), per_step


#: Attributes of one chunk or day that do not describe a scenario's span.
PER_CHUNK_ATTRS = ("date", "objective_krw", "window_steps")
#: Dimensions the scenario file grows along, chunk after chunk (the sparse trades: ``trade_pair``).
GROWING = ("time", "day", TRADE_PAIR)
#: Storage block of the variables along ``trade_pair`` [pairs] (2 MiB of float64).
PAIR_BLOCK = BLOCK_BYTES // 8


def _common_attrs(paths: list[Path]) -> dict:
    """Attributes equal in every chunk (others, like each chunk's date, are dropped)."""
    common = None
    for path in paths:
        with netCDF4.Dataset(path) as chunk:
            found = {name: chunk.getncattr(name) for name in chunk.ncattrs()}
        if common is None:
            common = found
        else:
            common = {name: value for name, value in common.items()
                      if name in found and np.array_equal(np.asarray(found[name]), np.asarray(value))}
    return common or {}


def join_chunks(paths: list[Path], target: Path, *, attrs: dict, variables: dict) -> Path:
    """Write a scenario's file from its checkpoint chunks, one chunk in memory at a time, atomically.

    The first chunk is written by xarray with ``time``, ``day`` and
    ``trade_pair`` unlimited; every later chunk is appended with netCDF4 as
    stored (raw values, no decoding), except ``time`` and ``trade_time``,
    which are re-encoded in the file's units.
    Opening all chunks at once (``open_mfdataset``) cost about 2 MB of
    HDF5 memory per chunk and grew with the number of days; and no dask is
    involved, so inside a Dask worker no chunk write can be shipped to
    another worker's process (seen before: segfaults in HDF5).

    Parameters
    ----------
    paths : list of Path
        The chunks, in order.
    target : Path
    attrs : dict
        Added to the attributes common to all chunks.
    variables : dict
        Extra variables without ``time`` (name -> (dims, values, attrs)).
    """
    target = Path(target)
    with atomic_path(target) as temporary:
        with xr.open_dataset(paths[0], engine="netcdf4", decode_timedelta=False) as opened:
            first = opened.drop_vars([name for name in SOLVER_STATE if name in opened.variables]).load()
        common = {name: value for name, value in _common_attrs(paths).items() if name not in PER_CHUNK_ATTRS}
        first.attrs = {**common, **attrs}
        for name, value in variables.items():
            first[name] = value
        block = time_block_steps(first)
        steps_per_day = first.sizes["time"] // max(first.sizes.get("day", 1), 1)
        blocks = {"time": block, "day": max(1, block // max(steps_per_day, 1)), TRADE_PAIR: PAIR_BLOCK}
        for variable in first.variables.values():
            variable.encoding.pop("unlimited_dims", None)
            if variable.dims and variable.dims[0] in GROWING:
                variable.encoding["chunksizes"] = (blocks[variable.dims[0]], *variable.shape[1:])
                variable.encoding.pop("contiguous", None)
        first.to_netcdf(temporary, engine="netcdf4", unlimited_dims=list(GROWING))
        with netCDF4.Dataset(temporary, "a") as joined:
            joined.set_auto_maskandscale(False)
            for variable in joined.variables.values():
                # Two blocks per variable: an append completes the block it starts, then evicts it.
                if variable.dimensions[:1] in (("time",), ("day",), (TRADE_PAIR,)) and variable.dtype != str:
                    block_bytes = int(np.prod(variable.chunking())) * variable.dtype.itemsize
                    variable.set_var_chunk_cache(size=2 * block_bytes, nelems=17, preemption=1.0)
            # Times (``time``, the pairs' ``trade_time``) are re-encoded in the joined file's units.
            encoded_times = {name: (variable.getncattr("units"), variable.getncattr("calendar")
                                    if "calendar" in variable.ncattrs() else "standard")
                             for name, variable in joined.variables.items()
                             if " since " in str(getattr(variable, "units", ""))}
            for path in paths[1:]:
                with netCDF4.Dataset(path) as chunk:
                    chunk.set_auto_maskandscale(False)
                    offsets = {dim: len(joined.dimensions[dim]) for dim in GROWING}
                    for name, variable in joined.variables.items():
                        growing = bool(variable.dimensions) and variable.dimensions[0] in GROWING
                        if not growing or name not in chunk.variables:
                            continue
                        values = chunk[name][:]
                        source = chunk[name]
                        calendar = source.getncattr("calendar") if "calendar" in source.ncattrs() else "standard"
                        if name in encoded_times and len(values) and \
                                (source.getncattr("units"), calendar) != encoded_times[name]:
                            time_units, time_calendar = encoded_times[name]
                            stamps = netCDF4.num2date(values, source.getncattr("units"), calendar,
                                                      only_use_cftime_datetimes=False,
                                                      only_use_python_datetimes=True)
                            values = netCDF4.date2num(stamps, time_units, time_calendar).astype(variable.dtype)
                        start = offsets[variable.dimensions[0]]
                        variable[start:start + len(values)] = values
    return target


def remove_chunks(out: Path, scenario: str, paths: list[Path]) -> None:
    """Delete a scenario's checkpoint chunks once its file holds them (then its own folder, if empty).

    Called only after :func:`join_chunks` has renamed the scenario file into
    place, so a run killed at any point still finds either the chunks or the
    finished file; a finished scenario is never re-run (``run_scenario``
    returns its file at once), so the chunks are no longer needed.
    """
    for path in paths:
        Path(path).unlink(missing_ok=True)
    # a day split's provisional parts (``part-<k>/``, the stop marker) are never needed once the file is joined
    folder = chunk_dir(out, scenario)
    for provisional in folder.glob("part-*") if folder.is_dir() else ():
        shutil.rmtree(provisional, ignore_errors=True) if provisional.is_dir() else provisional.unlink(missing_ok=True)
    try:
        # Only the scenario's own folder, only when empty: the shared ``checkpoints`` folder is
        # removed by the driver once every scenario is joined (another worker may be writing).
        chunk_dir(out, scenario).rmdir()
    except OSError:
        pass
