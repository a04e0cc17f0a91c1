"""Crafted parks for the safety tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from market.dispatch.inputs import DispatchInputs
from microgrid.park.loader import parse_park

TARIFF = "kepco_industrial_eul_hv_a_option2"
CABLE = {"r_ohm_per_km": 0.073, "x_ohm_per_km": 0.115, "c_nf_per_km": 370.0}


def two_feeder_park(f2_ampacity_ka: float = 0.125, f2_limit_kw: float = 5000.0) -> "Park":  # noqa: F821
    """F1: a 8 MW buyer; F2: a 1.5 MW tenant with 10 MW of PV behind a thin cable."""
    raw = {
        "park": {"name": "crafted two-feeder park", "latitude": 35.0, "longitude": 128.0},
        "network": {
            "transformer": {"name": "TR", "import_limit_kw": 20000.0, "export_limit_kw": 0.0,
                            "electrical": {"sn_mva": 60.0, "vn_hv_kv": 154.0, "vn_lv_kv": 22.9,
                                           "vk_percent": 19.5, "vkr_percent": 0.3, "tap_pos": -2}},
            "electrical": {"vn_kv": 22.9, "load_power_factor": 0.9},
            "feeders": [
                {"name": "F1", "limit_kw": 12000.0, "cable": {"length_km": 1.0, **CABLE, "max_i_ka": 0.5}},
                {"name": "F2", "limit_kw": f2_limit_kw,
                 "cable": {"length_km": 2.0, **CABLE, "max_i_ka": f2_ampacity_ka}},
            ],
        },
        "participants": [
            {"name": "A", "feeder": "F1", "contract_power_kw": 9000.0, "tariff": TARIFF},
            {"name": "B", "feeder": "F2", "contract_power_kw": 2000.0, "tariff": TARIFF},
        ],
        "assets": [{"name": "PV-B", "kind": "pv", "owner": "B", "feeder": "F2", "dc_capacity_kw": 12000.0}],
    }
    return parse_park(raw, "<crafted>")


def flat_inputs(park, day: str = "2026-07-01", pv_kw: float = 8000.0, load_kw: dict | None = None) -> DispatchInputs:
    """24 hourly steps: PV at ``pv_kw`` from 10:00 to 15:00, flat loads [kW]."""
    time = pd.date_range(day, periods=24, freq="h", tz="Asia/Seoul")
    loads = load_kw or {"A": 8000.0, "B": 1500.0}
    pv = np.where((time.hour >= 10) & (time.hour < 15), pv_kw, 0.0)
    return DispatchInputs(
        time=time,
        available_generation=xr.DataArray(pv[:, None], dims=("time", "asset"),
                                          coords={"time": time, "asset": ["PV-B"]}),
        load=xr.DataArray(np.array([[loads[p.name] for p in park.participants]] * 24), dims=("time", "participant"),
                          coords={"time": time, "participant": [p.name for p in park.participants]}),
    )
