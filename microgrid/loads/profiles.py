"""Synthetic hourly tenant loads by industry.

A tenant's load is a base load plus a production part that follows a shift
schedule (weekdays, Saturdays, Sundays and Korean public holidays from
:mod:`microgrid.calendar`), modulated by the outdoor temperature when it is
given and by a little seeded noise, then scaled to the tenant's annual
consumption or contract power. Shapes and factors live in
``microgrid/data/generation/industry_loads.toml`` (representative, to be
calibrated against metered data) and ``production_schedules.toml``.
"""

from __future__ import annotations

import calendar
from typing import Any

import numpy as np
import pandas as pd

from microgrid.generation.datafiles import read_toml
from microgrid.generation.schedules import production_level
from weather.solar import interval_length

INDUSTRY_FILE = "industry_loads.toml"


def list_industries() -> list[str]:
    """Industries with a load shape in the data file."""
    return sorted(read_toml(INDUSTRY_FILE)["industries"])


def industry_spec(industry: str) -> dict[str, Any]:
    """Load-shape parameters of an industry (a copy of its data-file entry)."""
    industries = read_toml(INDUSTRY_FILE)["industries"]
    if industry not in industries:
        raise ValueError(f"unknown industry {industry!r}; expected one of {list_industries()}")
    return dict(industries[industry])


def _temperature_array(temp_air, index: pd.DatetimeIndex) -> np.ndarray:
    if isinstance(temp_air, pd.Series):
        if not temp_air.index.equals(index):
            raise ValueError("temp_air must have the same index as the load profile")
        values = temp_air.to_numpy(dtype=float)
    else:
        values = np.broadcast_to(np.asarray(temp_air, dtype=float), (len(index),))
    if np.isnan(values).any():
        raise ValueError("temp_air has missing values")
    return values


def relative_industry_load(index: pd.DatetimeIndex, *, industry: str,
                           temp_air=None, seed: int = 0) -> np.ndarray:
    """Unscaled load shape of an industry (1 = full production at mild weather).

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Interval starts in the park's local time zone.
    industry : str
        See :func:`list_industries`.
    temp_air : pandas.Series, array-like or float, optional
        Outdoor air temperature per interval [degC]; omit for no weather
        sensitivity.
    seed : int, default 0
        Seed of the noise.

    Returns
    -------
    numpy.ndarray
        Relative load [-] per interval, >= 0.
    """
    spec = industry_spec(industry)
    base = spec["base_load_fraction"]
    load = base + (1.0 - base) * production_level(index, spec["schedule"])
    if temp_air is not None:
        balance = read_toml(INDUSTRY_FILE)["balance_temperatures"]
        temperature = _temperature_array(temp_air, index)
        cooling_k = np.clip(temperature - balance["cooling_balance_c"], 0.0, None)
        heating_k = np.clip(balance["heating_balance_c"] - temperature, 0.0, None)
        load = load * (1.0 + spec["cooling_per_k"] * cooling_k + spec["heating_per_k"] * heating_k)
    noise = np.random.default_rng(seed).standard_normal(len(index))
    return np.clip(load * (1.0 + spec["noise_std"] * noise), 0.0, None)


def _years_covered(index: pd.DatetimeIndex, step_h: float) -> float:
    """Sum over calendar years of the share of each year the index covers."""
    covered = 0.0
    for year, count in zip(*np.unique(np.asarray(index.year), return_counts=True)):
        covered += count * step_h / (8784.0 if calendar.isleap(int(year)) else 8760.0)
    return covered


def industry_load_profile(index: pd.DatetimeIndex, *, industry: str,
                          contract_power_kw: float | None = None,
                          annual_consumption_kwh: float | None = None,
                          temp_air=None, seed: int = 0) -> pd.Series:
    """Mean electric load of a tenant over each interval.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Interval starts (fixed step) in the park's local time zone.
    industry : str
        ``machinery``, ``auto_parts``, ``chemicals``, ``food``, ``steel``,
        ``cement``, ``electronics`` or ``logistics`` (see
        :func:`list_industries`).
    contract_power_kw : float, optional
        KEPCO contract power [kW]. Without an annual consumption, the shape
        is scaled so that its mean is ``contract_load_factor`` (data file)
        times the contract power, lowered if needed so that the peak never
        exceeds the contract power.
    annual_consumption_kwh : float, optional
        Consumption per calendar year [kWh]; takes precedence. The energy
        over the index equals it times the share of calendar years covered
        (exactly it for one whole year). The peak is then not capped.
    temp_air : pandas.Series, array-like or float, optional
        Outdoor air temperature per interval [degC].
    seed : int, default 0
        Seed of the noise; the same seed gives the same profile.

    Returns
    -------
    pandas.Series
        ``load_kw``: mean power per interval [kW].
    """
    if contract_power_kw is None and annual_consumption_kwh is None:
        raise ValueError("give contract_power_kw or annual_consumption_kwh to scale the load")
    for name, value in (("contract_power_kw", contract_power_kw),
                        ("annual_consumption_kwh", annual_consumption_kwh)):
        if value is not None and value < 0:
            raise ValueError(f"{name} must be >= 0, got {value}")
    shape = relative_industry_load(index, industry=industry, temp_air=temp_air, seed=seed)
    if shape.max() <= 0:
        raise ValueError(f"industry {industry!r} has an all-zero load shape")
    step_h = interval_length(index) / pd.Timedelta(hours=1)
    if annual_consumption_kwh is not None:
        target_kwh = annual_consumption_kwh * _years_covered(index, step_h)
        scale = target_kwh / (shape.sum() * step_h)
    else:
        load_factor = industry_spec(industry)["contract_load_factor"]
        scale = min(load_factor * contract_power_kw / shape.mean(),
                    contract_power_kw / shape.max())
    return pd.Series(shape * scale, index=index, name="load_kw")
