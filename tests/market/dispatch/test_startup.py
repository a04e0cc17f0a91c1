"""What the dispatch package does for a fast start-up, checked against the libraries' own behaviour.

- Its result files are written through xarray's NetCDF4 store instead of ``to_netcdf`` (whose
  scheduler look-up imports ``dask.distributed``): the file must be the one ``to_netcdf`` writes.
- It removes Pyomo's scipy callback: Pyomo's deferred scipy must still work, and importing
  scipy after the dispatch package must not import ``scipy.stats``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import netCDF4
import numpy as np
import pytest
import xarray as xr

from market.dispatch.io import _to_file_form, read_dispatch, write_dataset_atomic

ROOT = Path(__file__).resolve().parents[3]


def describe(path: Path) -> dict:
    """Everything netCDF4 reports about a file: format, dimensions, every variable's type, storage, attributes, values."""
    with netCDF4.Dataset(path) as opened:
        described = {"format": opened.data_model,
                     "dimensions": {name: (len(dim), dim.isunlimited()) for name, dim in opened.dimensions.items()},
                     "attributes": {name: opened.getncattr(name) for name in opened.ncattrs() if name != "history"}}
        for name, variable in opened.variables.items():
            variable.set_auto_mask(False)
            described[name] = (str(variable.dtype), variable.dimensions, variable.filters(), variable.chunking(),
                               variable.endian(), {a: variable.getncattr(a) for a in variable.ncattrs()},
                               np.asarray(variable[...]).tolist())
    return described


@pytest.mark.parametrize("rule", ["shared_savings", "marginal"])
def test_a_result_file_is_the_file_to_netcdf_writes(dispatched, rule, tmp_path):
    dataset = dispatched[(rule, "2026-07-01")]
    written = write_dataset_atomic(dataset, tmp_path / "written.nc")
    reference = tmp_path / "reference.nc"
    _to_file_form(dataset).to_netcdf(reference, engine="netcdf4")
    assert repr(describe(written)) == repr(describe(reference))  # repr: NaN equal to NaN
    assert "wrote written.nc" in netCDF4.Dataset(written).getncattr("history")
    back = read_dispatch(written)
    xr.testing.assert_identical(back.drop_attrs(), dataset.drop_attrs())


def test_unlimited_dimensions_and_dask_backed_data_are_written_as_to_netcdf_writes_them(dispatched, tmp_path):
    dataset = dispatched[("shared_savings", "2026-01-10")].copy()
    dataset.encoding["unlimited_dims"] = "time"  # a str, as xarray accepts it
    reference = tmp_path / "reference.nc"
    _to_file_form(dataset).to_netcdf(reference, engine="netcdf4")
    written = write_dataset_atomic(dataset, tmp_path / "written.nc")
    assert describe(written)["dimensions"]["time"] == (24, True)
    assert repr(describe(written)) == repr(describe(reference))
    chunked = dataset.chunk({"time": 6})  # Dask-backed: written by to_netcdf itself
    chunked_reference = tmp_path / "chunked-reference.nc"
    _to_file_form(chunked).to_netcdf(chunked_reference, engine="netcdf4")
    assert repr(describe(write_dataset_atomic(chunked, tmp_path / "chunked.nc"))) == repr(describe(chunked_reference))


CHECK_SCIPY = """
import json, sys
import market.dispatch.model  # Pyomo first, as in the command's dispatch path
import pvlib, scipy.special   # then scipy, as the weather models import it
first = "scipy.stats" in sys.modules
from pyomo.common.dependencies import scipy, scipy_available
matrix = scipy.sparse.coo_matrix(([1.0, 2.0], ([0, 1], [1, 0])), shape=(2, 2)).toarray().tolist()
print(json.dumps({"stats_after_scipy": first, "available": bool(scipy_available), "matrix": matrix,
                  "stats_after_sparse": "scipy.stats" in sys.modules,
                  "stats_works": float(scipy.stats.norm.cdf(0.0))}))
"""


def test_pyomo_keeps_its_deferred_scipy_without_importing_scipy_stats_up_front():
    done = subprocess.run([sys.executable, "-c", CHECK_SCIPY], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    found = json.loads(done.stdout.splitlines()[-1])
    assert found["stats_after_scipy"] is False and found["stats_after_sparse"] is False
    assert found["available"] is True
    assert found["matrix"] == [[0.0, 1.0], [2.0, 0.0]]
    assert found["stats_works"] == 0.5  # and Pyomo's scipy.stats is there on first use
