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

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from market.batch.engine import Basis
from market.dispatch.io import write_dataset_atomic

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


def finished_chunks(out: Path, scenario: str, start: dt.date) -> list[tuple[dt.date, dt.date, Path]]:
    """Chunks that continue each other from ``start``, in order (a gap ends the list)."""
    found = []
    folder = chunk_dir(out, scenario)
    if folder.is_dir():
        for path in folder.iterdir():
            match = CHUNK.fullmatch(path.name)
            if match:
                found.append((dt.date.fromisoformat(match[1]), dt.date.fromisoformat(match[2]), path))
    found.sort()
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


def resume_point(out: Path, scenario: str, start: dt.date) -> Resume:
    chain = finished_chunks(out, scenario, start)
    if not chain:
        return Resume(start, {}, None, [])
    last_path = chain[-1][2]
    with xr.open_dataset(last_path, engine="netcdf4") as chunk:
        soc = {str(s): float(chunk["soc"].sel(storage=s).values[-1]) for s in chunk["storage"].values}
        basis = None
        if "basis_col" in chunk and chunk["basis_col"].size:
            basis = Basis(chunk["basis_col"].values.astype(np.int8), chunk["basis_row"].values.astype(np.int8))
    return Resume(chain[-1][1] + dt.timedelta(days=1), soc, basis, [path for _, _, path in chain])


def write_chunk(out: Path, scenario: str, days: list[xr.Dataset], objectives: list[float],
                basis: Basis | None) -> Path:
    """Concatenate finished days and write them as one chunk, atomically."""
    first, last = days[0].attrs["date"], days[-1].attrs["date"]
    binding = [day.attrs.get("binding_limits", "[]") for day in days]
    chunk = xr.concat(days, dim="time", data_vars="minimal", coords="minimal", compat="override",
                      combine_attrs="drop_conflicts")
    chunk["day_objective"] = (("day",), np.asarray(objectives, dtype=float),
                              {"units": "KRW", "long_name": "optimal objective of each day's LP"})
    chunk = chunk.assign_coords(day=[day.attrs["date"] for day in days])
    if basis is not None:
        chunk["basis_col"] = (("basis_col",), basis.col_status.astype(np.int8))
        chunk["basis_row"] = (("basis_row",), basis.row_status.astype(np.int8))
    chunk.attrs["binding_limits"] = "[" + ",".join(b.strip()[1:-1] for b in binding if b.strip() != "[]") + "]"
    chunk.attrs["date"] = first
    return write_dataset_atomic(chunk, chunk_dir(out, scenario) / f"days-{first}_{last}.nc")


def read_chunks(paths: list[Path]) -> xr.Dataset:
    """The chunks as one lazily loaded Dataset (dask), without the solver state."""
    opened = xr.open_mfdataset([str(p) for p in paths], engine="netcdf4", combine="nested",
                               concat_dim=["time"], data_vars="minimal", coords="minimal", compat="override",
                               combine_attrs="drop_conflicts", chunks={}, join="outer",
                               drop_variables=["basis_col", "basis_row", "day_objective", "day"])
    pieces = []
    for path in paths:
        with xr.open_dataset(path, engine="netcdf4") as chunk:
            pieces.append(chunk[["day_objective"]].load())
    day_objective = xr.concat(pieces, dim="day")
    opened["day_objective"] = day_objective["day_objective"]
    return opened
