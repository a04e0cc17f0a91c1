"""Tiny hand-made parks and profiles for the hand-calculated dispatch tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from market.dispatch import DispatchInputs
from microgrid.park import Park, parse_park

TARIFF = "kepco_industrial_eul_hv_a_option2"


def tenant(name: str, feeder: str = "F1", kind: str = "tenant") -> dict:
    return {"name": name, "kind": kind, "feeder": feeder, "contract_power_kw": 300.0, "tariff": TARIFF}


def make_park(participants: list[dict], assets: list[dict], *, import_limit_kw: float = 100_000.0,
              export_limit_kw: float = 100_000.0, feeders: dict[str, float] | None = None, **market) -> Park:
    market = {"demand_charge_weight": 0.0, **market}
    feeders = feeders or {"F1": 100_000.0}
    return parse_park({
        "park": {"name": "hand-made park", "latitude": 35.0, "longitude": 128.0},
        "market": market,
        "network": {
            "transformer": {"name": "TR-1", "import_limit_kw": import_limit_kw, "export_limit_kw": export_limit_kw},
            "feeders": [{"name": name, "limit_kw": limit} for name, limit in feeders.items()],
        },
        "participants": participants,
        "assets": assets,
    }, "<hand-made park>")


def make_inputs(start: str, steps: int, *, available: dict[str, list[float]], load: dict[str, list[float]],
                step_minutes: int = 60, initial_soc_kwh: dict | None = None) -> DispatchInputs:
    """Profiles in kWh per step; a scalar list entry is repeated over the window."""
    time = pd.date_range(start, periods=steps, freq=f"{step_minutes}min", tz="Asia/Seoul")

    def block(columns: dict[str, list[float]], dim: str) -> xr.DataArray:
        names = list(columns)
        values = np.array([np.broadcast_to(np.asarray(columns[n], dtype=float), (steps,)) for n in names]).T
        return xr.DataArray(values.reshape(steps, len(names)), dims=("time", dim), coords={"time": time, dim: names})

    return DispatchInputs(time=time, available_generation=block(available, "asset"), load=block(load, "participant"),
                          initial_soc_kwh=dict(initial_soc_kwh or {}))
