"""Packages whose names are imported on first use (:mod:`weather.lazy`)."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAZY_PACKAGES = ["weather", "microgrid.generation", "market.dispatch"]


@pytest.mark.parametrize("name", LAZY_PACKAGES)
def test_every_public_name_is_the_submodules_object(name):
    package = importlib.import_module(name)
    assert package.__all__ == sorted(package._WHERE)
    for public, submodule in package._WHERE.items():
        assert getattr(package, public) is getattr(importlib.import_module(f"{name}.{submodule}"), public)
        assert public in dir(package)
    with pytest.raises(AttributeError, match="no_such_name"):
        package.no_such_name  # noqa: B018


def test_from_import_of_a_lazy_name_works():
    from microgrid.generation import list_small_turbines
    from weather import WeatherFileError, synthetic_weather

    assert callable(synthetic_weather) and issubclass(WeatherFileError, Exception)
    assert "bergey_excel_10" in list_small_turbines()


def test_the_error_classes_and_the_park_file_cost_no_weather_model():
    code = ("import json, sys; import microgrid.errors, weather.errors; from microgrid.park import read_park; "
            "read_park(None); print(json.dumps(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=120, check=True)
    modules = set(json.loads(done.stdout))
    assert [name for name in ("pvlib", "scipy", "pyomo", "xarray", "windpowerlib") if name in modules] == []
