"""Small wind turbines through windpowerlib, with power curves shipped as data.

windpowerlib's turbine library starts at 800 kW, so the small (IEC 61400-2)
turbines of an industrial park carry their power curves in
``microgrid/data/generation/small_wind_turbines.csv`` and their
specifications in ``small_wind_turbines.toml``. The wind speed measured at
``wind_height_m`` is carried to hub height with windpowerlib's logarithmic
(or Hellman) profile and turned into power with its power-curve function.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from microgrid.generation.datafiles import generation_data_path, read_toml

CURVES_FILE = "small_wind_turbines.csv"
SPECS_FILE = "small_wind_turbines.toml"
_KELVIN = 273.15
_STANDARD_PRESSURE_PA = 101325.0


@lru_cache(maxsize=1)
def _all_curves() -> pd.DataFrame:
    curves = pd.read_csv(generation_data_path(CURVES_FILE), comment="#")
    expected = ["turbine", "wind_speed_m_s", "power_kw"]
    if list(curves.columns) != expected:
        raise ValueError(f"{CURVES_FILE} must have columns {expected}, found {list(curves.columns)}")
    return curves


def list_small_turbines() -> list[str]:
    """Names of the small turbines shipped as data."""
    return sorted(read_toml(SPECS_FILE))


def small_turbine_power_curve(name: str) -> pd.DataFrame:
    """Power curve of a small turbine.

    Parameters
    ----------
    name : str
        Turbine name, see :func:`list_small_turbines`.

    Returns
    -------
    pandas.DataFrame
        Columns ``wind_speed_m_s`` hub-height wind speed [m/s] (increasing)
        and ``power_kw`` electrical power [kW].
    """
    small_turbine_spec(name)  # validates the name
    curve = _all_curves()
    curve = curve.loc[curve["turbine"] == name, ["wind_speed_m_s", "power_kw"]]
    if curve.empty or not curve["wind_speed_m_s"].is_monotonic_increasing:
        raise ValueError(f"{CURVES_FILE}: turbine {name!r} needs increasing wind speeds")
    return curve.reset_index(drop=True)


@lru_cache(maxsize=None)
def small_turbine_peak_kw(name: str) -> float:
    """Largest output of one turbine on its power curve [kW] (cached: asset ratings are read per window)."""
    return float(small_turbine_power_curve(name)["power_kw"].max())


def small_turbine_spec(name: str) -> dict[str, Any]:
    """Specification of a small turbine.

    Parameters
    ----------
    name : str
        Turbine name, see :func:`list_small_turbines`.

    Returns
    -------
    dict
        Fields of ``small_wind_turbines.toml`` (``nominal_power_kw``,
        ``rated_power_kw`` at ``rated_wind_speed_m_s``, ``rotor_diameter_m``,
        ``cut_in_wind_speed_m_s``, ``cut_out_wind_speed_m_s``, ``source``...)
        plus ``name`` and ``swept_area_m2`` [m^2].
    """
    specs = read_toml(SPECS_FILE)
    if name not in specs:
        raise ValueError(f"unknown small turbine {name!r}; expected one of {list_small_turbines()}")
    spec = dict(specs[name])
    spec["name"] = name
    spec["swept_area_m2"] = math.pi * spec["rotor_diameter_m"] ** 2 / 4.0
    return spec


def hub_wind_speed(wind_speed, *, hub_height_m: float, wind_height_m: float = 10.0,
                   roughness_length_m: float = 0.3, profile: str = "logarithmic"):
    """Wind speed at hub height from a measurement at another height.

    Parameters
    ----------
    wind_speed : pandas.Series or array-like
        Wind speed at ``wind_height_m`` [m/s].
    hub_height_m : float
        Hub height [m].
    wind_height_m : float, default 10.0
        Measurement height [m].
    roughness_length_m : float, default 0.3
        Surface roughness length [m] (0.3: scattered buildings, industrial
        estate edges; 0.5-1 for dense built-up areas).
    profile : {"logarithmic", "hellman"}, default "logarithmic"
        windpowerlib profile; Hellman takes its exponent from the roughness
        length.

    Returns
    -------
    Same type as ``wind_speed``: hub-height wind speed [m/s].
    """
    if min(hub_height_m, wind_height_m) <= roughness_length_m or roughness_length_m <= 0:
        raise ValueError("heights must exceed the roughness length, which must be > 0")
    if profile not in ("logarithmic", "hellman"):
        raise ValueError(f"unknown profile {profile!r}; expected 'logarithmic' or 'hellman'")
    if hub_height_m == wind_height_m:
        # windpowerlib computes v * ln(a) / ln(a), which can land a hair below
        # v and push a speed exactly at cut-in under it.
        return wind_speed
    # Imported here: the park file's validation reads the turbine list, and windpowerlib (with
    # requests) would add 0.1-0.2 s to every command's start-up.
    from windpowerlib import wind_speed as wpl_wind_speed

    if profile == "logarithmic":
        return wpl_wind_speed.logarithmic_profile(
            wind_speed, wind_height_m, hub_height_m, roughness_length_m)
    return wpl_wind_speed.hellman(
        wind_speed, wind_height_m, hub_height_m, roughness_length=roughness_length_m)


def small_turbine_power(wind_speed, *, turbine: str, hub_height_m: float,
                        wind_height_m: float = 10.0, roughness_length_m: float = 0.3,
                        temperature=None, profile: str = "logarithmic",
                        pressure_pa: float = _STANDARD_PRESSURE_PA) -> pd.Series:
    """Electrical output of a small wind turbine.

    Parameters
    ----------
    wind_speed : pandas.Series or array-like
        Mean wind speed per interval at ``wind_height_m`` [m/s].
    turbine : str
        Turbine name, see :func:`list_small_turbines`.
    hub_height_m : float
        Hub height [m].
    wind_height_m : float, default 10.0
        Height of the wind measurement [m].
    roughness_length_m : float, default 0.3
        Surface roughness length [m].
    temperature : pandas.Series, array-like or float, optional
        Air temperature at ``wind_height_m`` [degC]. When given, the power
        curve is corrected for the air density at hub height (windpowerlib's
        density correction, barometric formula from ``pressure_pa``); when
        omitted, standard sea-level density (the curves' reference) is used.
    profile : {"logarithmic", "hellman"}, default "logarithmic"
        Wind profile, see :func:`hub_wind_speed`.
    pressure_pa : float, default 101325.0
        Air pressure at ``wind_height_m`` [Pa], used only with ``temperature``.

    Returns
    -------
    pandas.Series
        ``wind_ac_kw``: mean electrical output per interval [kW]; zero below
        the cut-in and above the cut-out wind speed.
    """
    from windpowerlib import density as wpl_density
    from windpowerlib import power_output as wpl_power
    from windpowerlib import temperature as wpl_temperature

    spec = small_turbine_spec(turbine)
    curve = small_turbine_power_curve(turbine)
    index = wind_speed.index if isinstance(wind_speed, pd.Series) else None
    measured = np.asarray(wind_speed, dtype=float)
    if np.any(measured < 0):
        raise ValueError("wind speeds must be >= 0")
    hub = np.asarray(hub_wind_speed(measured, hub_height_m=hub_height_m,
                                    wind_height_m=wind_height_m,
                                    roughness_length_m=roughness_length_m, profile=profile))
    speeds = curve["wind_speed_m_s"].to_numpy()
    values = curve["power_kw"].to_numpy()
    if temperature is None:
        power = wpl_power.power_curve(hub, speeds, values)
    else:
        air_k = np.broadcast_to(np.asarray(temperature, dtype=float) + _KELVIN, hub.shape)
        hub_k = wpl_temperature.linear_gradient(air_k, wind_height_m, hub_height_m)
        air_density = wpl_density.barometric(pressure_pa, wind_height_m, hub_height_m, hub_k)
        power = wpl_power.power_curve(hub, speeds, values,
                                      density=np.asarray(air_density, dtype=float),
                                      density_correction=True)
    power = np.asarray(power, dtype=float)
    outside = (hub < spec["cut_in_wind_speed_m_s"]) | (hub > spec["cut_out_wind_speed_m_s"])
    power = np.where(outside, 0.0, np.clip(power, 0.0, None))
    return pd.Series(power, index=index, name="wind_ac_kw")
