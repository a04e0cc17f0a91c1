"""Shared fixtures: pvlib's real TMY3 year for Greensboro NC (36.1 N) and an
independent PVWatts v8 run of NREL's SAM (PySAM) on the same file."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pvlib
import pytest

TMY3_PATH = os.path.join(os.path.dirname(pvlib.__file__), "data", "723170TYA.CSV")


@pytest.fixture(scope="session")
def tmy3():
    """(weather, site) with the weather stamped at interval STARTS."""
    data, meta = pvlib.iotools.read_tmy3(TMY3_PATH, map_variables=True, coerce_year=2021)
    # TMY3 stamps are interval ENDS in local standard time.
    data.index = data.index - pd.Timedelta(hours=1)
    weather = data[["ghi", "dni", "dhi", "temp_air", "wind_speed"]].copy()
    site = {"latitude": meta["latitude"], "longitude": meta["longitude"],
            "altitude": meta["altitude"]}
    return weather, site


@pytest.fixture(scope="session")
def pvwatts_v8_reference(tmy3):
    """Hourly AC power [kW] of NREL PVWatts v8 (SAM) for a 4 kW open-rack
    array, tilt 20, azimuth 180, losses 14.08 %, DC/AC 1.2, standard module."""
    pvwatts = pytest.importorskip("PySAM.Pvwattsv8")
    weather, _ = tmy3
    model = pvwatts.new()
    model.SolarResource.solar_resource_file = TMY3_PATH
    design = model.SystemDesign
    design.system_capacity = 4.0
    design.dc_ac_ratio = 1.2
    design.array_type = 0  # fixed, open rack
    design.module_type = 0  # standard: gamma -0.37 %/K
    design.tilt = 20.0
    design.azimuth = 180.0
    design.losses = 14.08
    design.inv_eff = 96.0
    design.gcr = 0.4
    model.execute(0)
    ac_w = np.asarray(model.Outputs.ac, dtype=float)
    assert len(ac_w) == len(weather)
    return pd.Series(ac_w / 1000.0, index=weather.index)
