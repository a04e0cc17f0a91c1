"""Writing and reading dispatch results as NetCDF.

Files store ``time`` as naive local timestamps (interval starts) with the
timezone in the ``timezone`` attribute, because NetCDF has no tz-aware
time type; :func:`read_dispatch` gives back a tz-aware index. Writes go to
a temporary file in the target folder and are renamed into place, so a
crash never leaves a half-written result.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from microgrid.errors import EngineInputError
from microgrid.variables import add_history


def _to_file_form(dataset: xr.Dataset) -> xr.Dataset:
    stored = dataset.copy()
    index = pd.DatetimeIndex(stored.indexes["time"])
    if index.tz is not None:
        stored = stored.assign_coords(time=index.tz_localize(None))
        stored.attrs["timezone"] = str(index.tz)
    for name, variable in stored.data_vars.items():
        if variable.dtype == bool:
            stored[name] = variable.astype(np.int8)
            stored[name].attrs.update(variable.attrs, flag="boolean stored as int8")
    return stored


#: Temporary files are named ``.<target name>.<pid>.<random>.tmp`` (older versions: ``.<target>.<random>.tmp``).
TEMPORARY_SUFFIX = ".tmp"
#: Age after which a temporary file that names no process is taken as left over [s].
STALE_UNNAMED_SECONDS = 600


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def temporary_prefix(path: Path) -> str:
    """Prefix of this process's temporary files for ``path``: ``.<name>.<pid>.``."""
    return f".{path.name}.{os.getpid()}."


def clean_stale_temporaries(folder: str | Path) -> list[Path]:
    """Remove the temporary files (and folders) a killed writer left in ``folder``; return them.

    A temporary is ``.<name>.<pid>.<random>.tmp`` (:func:`temporary_prefix`); it is stale when
    that process is gone. One without a process id (an older version's, or ``.<name>.tmp``) is stale
    when it has not changed for :data:`STALE_UNNAMED_SECONDS`. A live writer's file is never touched.
    """
    import shutil
    import time

    folder = Path(folder)
    removed = []
    try:
        candidates = [p for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(TEMPORARY_SUFFIX)]
    except OSError:
        return removed
    for candidate in candidates:
        parts = candidate.name[1:-len(TEMPORARY_SUFFIX)].split(".")
        pids = [int(part) for part in parts[1:-1] if part.isdigit()]
        try:
            stale = (not _process_alive(pids[-1]) if pids
                     else time.time() - candidate.stat().st_mtime > STALE_UNNAMED_SECONDS)
            if stale:
                shutil.rmtree(candidate) if candidate.is_dir() else candidate.unlink()
                removed.append(candidate)
        except (OSError, ValueError):
            continue
    return removed


@contextmanager
def atomic_path(path: str | Path):
    """Yield a temporary path next to ``path``; on success it is renamed to ``path``, on error removed.

    A reader never sees a half-written file: the rename is atomic on one file system. Temporary
    files killed writers left in the folder are removed first (:func:`clean_stale_temporaries`).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temporaries(path.parent)
    handle, temporary = tempfile.mkstemp(prefix=temporary_prefix(path), suffix=TEMPORARY_SUFFIX, dir=path.parent)
    os.close(handle)
    try:
        yield Path(temporary)
        # mkstemp creates the file 0600; give the result the permissions a plain write would have
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_dataset_atomic(dataset: xr.Dataset, path: str | Path) -> Path:
    """Write ``dataset`` to NetCDF at ``path`` through a temporary file and a rename (a ``history`` line added)."""
    with atomic_path(path) as temporary:
        stored = _to_file_form(dataset)
        stored.attrs = add_history(stored.attrs, f"wrote {Path(path).name}")
        _write_netcdf(stored, temporary)
    return Path(path)


def _write_netcdf(dataset: xr.Dataset, path: Path) -> None:
    """``dataset.to_netcdf(path, engine="netcdf4")``, without asking Dask for its scheduler when the data are in memory.

    ``to_netcdf`` looks up Dask's scheduler (to choose its locks and whether to close the file
    between writes) and the look-up imports ``dask.distributed``, about 0.4 s of a day's start-up,
    even for numpy-backed data. A result in memory is written by one thread into its own new
    temporary file, so the netCDF-C and HDF5 library locks (the ones xarray takes for netCDF4
    files) are the only ones needed. The same store, encoding and format as ``to_netcdf``.
    """
    if any(variable.chunks is not None for variable in dataset.variables.values()):
        dataset.to_netcdf(path, engine="netcdf4")  # Dask-backed: xarray schedules the writes
        return
    from xarray.backends import NetCDF4DataStore
    from xarray.backends.locks import HDF5_LOCK, NETCDFC_LOCK, combine_locks

    unlimited = dataset.encoding.get("unlimited_dims")
    store = NetCDF4DataStore.open(path, mode="w", format="NETCDF4", lock=combine_locks([NETCDFC_LOCK, HDF5_LOCK]))
    try:
        dataset.dump_to_store(store, unlimited_dims=[unlimited] if isinstance(unlimited, str) else unlimited)
    finally:
        store.close()


def from_file_form(dataset: xr.Dataset) -> xr.Dataset:
    """A Dataset as stored (naive local time, booleans as int8) back in memory form (tz-aware, bool)."""
    timezone = dataset.attrs.get("timezone")
    if timezone:
        dataset = dataset.assign_coords(time=pd.DatetimeIndex(dataset["time"].values).tz_localize(timezone))
    for name, variable in dataset.data_vars.items():
        if variable.attrs.get("flag") == "boolean stored as int8":
            dataset[name] = variable.astype(bool)
    return dataset


def read_dispatch(path: str | Path) -> xr.Dataset:
    """Read a dispatch result written by :func:`write_dataset_atomic`, time tz-aware again."""
    path = Path(path)
    if not path.is_file():
        raise EngineInputError(f"dispatch file {str(path)!r} does not exist")
    with xr.open_dataset(path, engine="netcdf4") as opened:
        dataset = opened.load()
    return from_file_form(dataset)
