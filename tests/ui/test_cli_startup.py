"""Start-up of the command line: what a cold interpreter imports (issue 16, "start-up trimmed").

Each case runs the real command in a new interpreter and reads ``sys.modules`` as it exits: a
guard on what is imported, not a timing (the times are in ``benchmarks/bench_startup.py``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import xarray as xr

ROOT = Path(__file__).resolve().parents[2]

#: Libraries that cost 0.1-1 s each to import and that ``--help`` and a bad input need none of.
HEAVY = ("pyomo", "pvlib", "scipy", "xarray", "distributed", "dask", "netCDF4", "pandas")

#: Runs ``python -m ui.cli ARGS...`` and prints the imported top-level modules as JSON on stderr at exit.
RUN_COMMAND = """
import atexit, json, runpy, sys
atexit.register(lambda: print("MODULES=" + json.dumps(sorted(sys.modules)), file=sys.stderr))
sys.argv = ["microgrid", *sys.argv[1:]]
runpy.run_module("ui.cli", run_name="__main__")
"""


def _environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}


def run_command(*arguments: str, cwd: Path = ROOT) -> tuple[int, str, set[str]]:
    """Exit code, stderr without the module list, and the modules imported by ``microgrid ARGUMENTS``."""
    done = subprocess.run([sys.executable, "-c", RUN_COMMAND, *arguments], cwd=cwd, env=_environment(),
                          capture_output=True, text=True, timeout=300)
    lines = done.stderr.splitlines()
    modules = next(json.loads(line[len("MODULES="):]) for line in lines if line.startswith("MODULES="))
    return done.returncode, "\n".join(line for line in lines if not line.startswith("MODULES=")), set(modules)


def _heavy(modules: set[str]) -> list[str]:
    return [name for name in HEAVY if name in modules]


def test_importing_the_command_line_imports_no_heavy_library():
    code = "import json, sys, ui.cli; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_environment(), capture_output=True,
                          text=True, timeout=120, check=True)
    modules = set(json.loads(done.stdout))
    assert "ui.cli" in modules
    assert _heavy(modules) == []


@pytest.mark.parametrize("arguments", [("--help",), ("dispatch", "--help"), ("batch", "--help")])
def test_help_imports_no_heavy_library(arguments):
    code, _, modules = run_command(*arguments)
    assert code == 0
    assert _heavy(modules) == []


@pytest.mark.parametrize("arguments, expected", [
    (("dispatch", "--date", "2026-13-01", "--out", "{out}"), "--date = '2026-13-01'"),
    (("dispatch", "--date", "2031-07-01", "--out", "{out}"), "2031-07-01"),
    (("dispatch", "--date", "2026-07-01", "--pricing-rule", "lowest", "--out", "{out}"), "--pricing-rule = 'lowest'"),
    (("dispatch", "--park", "no-such-park.toml", "--out", "{out}"), "no-such-park.toml"),
    (("dispatch", "--weather", "no-such-weather.csv", "--out", "{out}"), "no-such-weather.csv"),
    (("forecast", "--start", "2026-07-02", "--end", "2026-07-01", "--out", "{out}/f.nc"), "--end = 2026-07-01"),
    (("validate", "--date", "2031-07-01", "--results", "{out}"), "2031-07-01"),
    (("monitor", "--date", "2026-07-01", "--measurements", "no-such.csv", "--results", "{out}"), "no-such.csv"),
])
def test_a_bad_input_is_refused_before_the_optimiser_and_the_weather_models_load(arguments, expected, tmp_path):
    out = str(tmp_path / "out")
    code, stderr, modules = run_command(*(part.replace("{out}", out) for part in arguments), cwd=tmp_path)
    assert code == 2
    assert stderr.startswith("error: ") and len(stderr.splitlines()) == 1 and expected in stderr
    assert [name for name in ("pyomo", "pvlib", "scipy", "xarray", "distributed") if name in modules] == []
    assert not (tmp_path / "out").exists()


def test_a_demo_day_from_a_cold_interpreter_is_the_day_dispatched_in_process(tmp_path):
    """The cold command (lazy imports, Pyomo without its scipy callback, the store writer) gives the same file.

    The reference is the same day dispatched in this test process, where pytest and the test
    modules have imported everything in another order and the dispatch file is written by
    xarray's own ``to_netcdf``.
    """
    import datetime as dt

    from market.dispatch import run_dispatch
    from market.dispatch.io import _to_file_form
    from microgrid.forecast import day_inputs
    from microgrid.park import read_park

    code, stderr, modules = run_command("dispatch", "--date", "2026-07-01", "--out", str(tmp_path / "cold"))
    assert code == 0, stderr
    # neither was needed: scipy.stats came with Pyomo's scipy callback, distributed with to_netcdf's scheduler look-up
    assert "scipy.stats" not in modules and "distributed" not in modules
    assert "pyomo" in modules and "pvlib" in modules  # the day really was forecast and optimised

    park = read_park(None)
    result = run_dispatch(park, day_inputs(park, dt.date(2026, 7, 1)))
    reference = tmp_path / "reference.nc"
    _to_file_form(result.dataset).to_netcdf(reference, engine="netcdf4")
    with xr.open_dataset(tmp_path / "cold" / "dispatch-2026-07-01.nc") as cold, xr.open_dataset(reference) as warm:
        cold, warm = cold.load(), warm.load()
    assert cold.attrs.pop("history")  # the written file says it was written; the reference has no history
    warm.attrs.pop("history", None)
    xr.testing.assert_identical(cold, warm)
