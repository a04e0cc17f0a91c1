"""Synthetic parks of any size, for benchmarks and property tests.

A synthetic park has ``n_participants`` tenants spread over feeders, a
share of them with rooftop PV, one ORC, one shared battery owned by the
operator, and limits sized so that an ordinary day is feasible. Its
profiles (:func:`synthetic_inputs`) are simple shapes: a clear-sky-like
bell for PV, a flat ORC, shift-shaped loads. Everything is seeded.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from microgrid.inputs import DispatchInputs
from microgrid.park.loader import parse_park
from microgrid.park.schema import Park

DEFAULT_TARIFF = "kepco_industrial_eul_hv_a_option2"


def synthetic_park_dict(n_participants: int, *, seed: int = 0, n_feeders: int | None = None,
                        pv_share: float = 0.5, pricing_rule: str = "shared_savings",
                        trade_fee_krw_per_kwh: float = 3.0, battery: bool = True,
                        feeder_headroom: float = 1.6, export_limit_fraction: float = 0.3) -> dict:
    """The TOML-shaped dict of a synthetic park (see :func:`synthetic_park`)."""
    rng = np.random.default_rng(seed)
    n_feeders = n_feeders or max(2, min(8, n_participants // 8 + 1))
    feeders = [f"F{position + 1}" for position in range(n_feeders)]
    participants = [{
        "name": "OPERATOR", "kind": "operator", "feeder": feeders[0],
        "contract_power_kw": 500.0, "tariff": DEFAULT_TARIFF,
    }]
    assets = []
    contract_on_feeder = dict.fromkeys(feeders, 0.0)
    for position in range(n_participants):
        name = f"T{position + 1:03d}"
        feeder = feeders[position % n_feeders]
        contract = float(rng.uniform(300, 3000))
        contract_on_feeder[feeder] += contract
        participants.append({
            "name": name, "kind": "tenant", "industry": "machinery", "feeder": feeder,
            "contract_power_kw": round(contract, 1), "workers": int(contract / 10), "tariff": DEFAULT_TARIFF,
        })
        if rng.uniform() < pv_share:
            assets.append({
                "name": f"PV-{name}", "kind": "pv", "owner": name, "feeder": feeder,
                "dc_capacity_kw": round(float(rng.uniform(0.3, 2.5)) * contract, 1),
            })
    assets.append({
        "name": "ORC-1", "kind": "orc", "owner": participants[1]["name"], "feeder": participants[1]["feeder"],
        "rated_power_kw": 1000.0, "nominal_heat_kw": 9000.0,
    })
    if battery:
        assets.append({
            "name": "BESS-1", "kind": "battery", "owner": "OPERATOR", "feeder": feeders[0],
            "energy_capacity_kwh": 200.0 * n_participants + 1000.0, "power_kw": 60.0 * n_participants + 300.0,
        })
    total_contract = sum(contract_on_feeder.values())
    return {
        "park": {"name": f"Synthetic park {n_participants} (seed {seed})", "latitude": 35.2, "longitude": 128.6},
        "market": {"pricing_rule": pricing_rule, "trade_fee_krw_per_kwh": trade_fee_krw_per_kwh},
        "network": {
            "transformer": {"import_limit_kw": round(total_contract * 1.2 + 1000, 1),
                            "export_limit_kw": round(total_contract * export_limit_fraction, 1)},
            "feeders": [{"name": f, "limit_kw": round(contract_on_feeder[f] * feeder_headroom + 1000, 1)} for f in feeders],
        },
        "participants": participants,
        "assets": assets,
    }


def synthetic_park(n_participants: int, *, seed: int = 0, **options) -> Park:
    """A validated synthetic park of ``n_participants`` tenants plus the operator."""
    return parse_park(synthetic_park_dict(n_participants, seed=seed, **options), f"<synthetic park {n_participants}>")


def synthetic_inputs(park: Park, day: str = "2026-07-01", *, seed: int = 0, step_minutes: int = 60,
                     tz: str = "Asia/Seoul"):
    """Simple seeded profiles of one day for ``park``.

    Each generator gives its kind's simple shape
    (:meth:`~microgrid.assets.GeneratorSpec.synthetic_power_kw`): PV follows
    a half-sine between 06:00 and 19:00 scaled by a random clearness (0.3-0.9)
    of the DC capacity; the ORC runs at 85 % of its rating; wind at 25 %; loads are 45 % of contract power at night and
    65 % in the day shift, times noise.

    Returns
    -------
    microgrid.inputs.DispatchInputs
    """
    rng = np.random.default_rng(seed)
    periods = 24 * 60 // step_minutes
    time = pd.date_range(day, periods=periods, freq=f"{step_minutes}min", tz=tz)
    step_hours = step_minutes / 60
    hours = time.hour.values + time.minute.values / 60 + step_hours / 2
    sun = np.clip(np.sin((hours - 6) / 13 * np.pi), 0, None)
    generators = park.assets_of_role("generator")
    available_kw = np.zeros((periods, len(generators)))
    for position, asset in enumerate(generators):
        available_kw[:, position] = asset.synthetic_power_kw(sun, rng)
    day_shift = (hours >= 8) & (hours < 18)
    load_kw = np.array([
        [participant.contract_power_kw * (0.65 if shift else 0.45) for participant in park.participants]
        for shift in day_shift
    ]) * rng.uniform(0.9, 1.1, size=(periods, len(park.participants)))
    return DispatchInputs(
        time=time,
        available_generation=xr.DataArray(
            available_kw * step_hours, dims=("time", "asset"),
            coords={"time": time, "asset": [asset.name for asset in generators]},
        ),
        load=xr.DataArray(
            load_kw * step_hours, dims=("time", "participant"),
            coords={"time": time, "participant": [participant.name for participant in park.participants]},
        ),
    )
