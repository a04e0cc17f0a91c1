"""Waste-heat power: exhaust heat of a host plant and ORC net output.

An Organic Rankine Cycle (ORC) turns the exhaust heat of a host plant (kiln,
furnace, engine) into electricity. Two small models:

* :func:`exhaust_heat_profile` - the host's exhaust heat follows its
  production schedule (shifts, Saturdays, Sundays and Korean public
  holidays, maintenance outages), with a little seeded noise.
* :func:`orc_net_power` - net electric output = heat x efficiency, where the
  full-load efficiency is a fraction of the ideal efficiency of a heat
  engine fed by a cooling exhaust stream, falling at part load, zero below
  the vendor's minimum load and capped at the unit's rating.

All figures come from ``microgrid/data/generation/orc.toml`` and
``production_schedules.toml``.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from microgrid.generation.datafiles import read_toml
from microgrid.generation.schedules import production_level

ORC_FILE = "orc.toml"
_KELVIN = 273.15
_DEFAULTS = read_toml(ORC_FILE)["defaults"]


def carnot_efficiency(hot_temperature_c, cold_temperature_c):
    """Carnot efficiency between two temperatures.

    Parameters
    ----------
    hot_temperature_c : numeric
        Heat-source temperature [degC].
    cold_temperature_c : numeric
        Heat-sink temperature [degC].

    Returns
    -------
    numeric
        ``1 - T_cold / T_hot`` in kelvin [-], zero when the source is not
        hotter than the sink.
    """
    hot = np.asarray(hot_temperature_c, dtype=float) + _KELVIN
    cold = np.asarray(cold_temperature_c, dtype=float) + _KELVIN
    return np.clip(1.0 - cold / hot, 0.0, None)


def exhaust_mean_temperature_c(exhaust_temperature_c, cooling_temperature_c):
    """Entropic-mean temperature of an exhaust stream cooled to the sink.

    A stream of constant heat capacity cooled from ``T_in`` to ``T_cold``
    gives up heat at the mean temperature
    ``(T_in - T_cold) / ln(T_in / T_cold)`` (kelvin): the temperature at which
    a Carnot engine would convert the same heat with the same ideal
    (trilateral, Lorentz) efficiency.

    Parameters
    ----------
    exhaust_temperature_c : numeric
        Exhaust temperature at the ORC's evaporator inlet [degC].
    cooling_temperature_c : numeric
        Heat-rejection temperature [degC].

    Returns
    -------
    numeric
        Mean heat-source temperature [degC]; equals the cooling temperature
        when the exhaust is not hotter.
    """
    hot = np.asarray(exhaust_temperature_c, dtype=float) + _KELVIN
    cold = np.asarray(cooling_temperature_c, dtype=float) + _KELVIN
    ratio = hot / cold
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(ratio > 1.0, (hot - cold) / np.log(ratio), cold)
    return mean - _KELVIN


def orc_full_load_efficiency(exhaust_temperature_c, *,
                             carnot_fraction: float = _DEFAULTS["carnot_fraction"],
                             cooling_temperature_c: float = _DEFAULTS["cooling_temperature_c"]):
    """Net ORC efficiency at full load.

    ``carnot_fraction x (1 - T_cold / T_mean)`` with ``T_mean`` from
    :func:`exhaust_mean_temperature_c`. With the defaults this gives 8-16 %
    for 150-350 degC exhaust, the published 9-15 % range (orc.toml).

    Parameters
    ----------
    exhaust_temperature_c : numeric
        Exhaust temperature [degC].
    carnot_fraction : float, default 0.5
        Achieved fraction of the ideal efficiency [-] (0.4-0.6 typical).
    cooling_temperature_c : float, default 25.0
        Heat-rejection temperature [degC].

    Returns
    -------
    numeric
        Net electric efficiency [-].
    """
    mean_c = exhaust_mean_temperature_c(exhaust_temperature_c, cooling_temperature_c)
    return carnot_fraction * carnot_efficiency(mean_c, cooling_temperature_c)


def part_load_curve(part_load: str | tuple[Sequence[float], Sequence[float]] = "default"
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Part-load curve as (load fraction, relative efficiency) arrays.

    Parameters
    ----------
    part_load : str or (sequence, sequence), default "default"
        A curve name in ``orc.toml`` (``[part_load.NAME]``) or explicit
        ``(load_fraction, relative_efficiency)`` points [-].
    """
    if isinstance(part_load, str):
        curves = read_toml(ORC_FILE)["part_load"]
        if part_load not in curves:
            raise ValueError(f"unknown part-load curve {part_load!r}; expected one of {sorted(curves)}")
        points = (curves[part_load]["load_fraction"], curves[part_load]["relative_efficiency"])
    else:
        points = part_load
    load = np.asarray(points[0], dtype=float)
    relative = np.asarray(points[1], dtype=float)
    if load.shape != relative.shape or load.ndim != 1 or np.any(np.diff(load) <= 0):
        raise ValueError("part-load curve needs increasing load fractions, one efficiency each")
    if np.any(relative < 0) or np.any(relative > 1):
        raise ValueError("relative efficiencies must lie in 0-1")
    return load, relative


def orc_net_power(heat_kw, exhaust_temperature_c, *, rated_power_kw: float,
                  carnot_fraction: float = _DEFAULTS["carnot_fraction"],
                  cooling_temperature_c: float = _DEFAULTS["cooling_temperature_c"],
                  min_load_fraction: float = _DEFAULTS["min_load_fraction"],
                  part_load: str | tuple[Sequence[float], Sequence[float]] = "default"
                  ) -> pd.Series:
    """Net electric output of an ORC fed with exhaust heat.

    The unit is designed to give ``rated_power_kw`` at full-load efficiency
    ``eta`` (:func:`orc_full_load_efficiency`), i.e. for a design heat input
    ``rated_power_kw / eta``. The load fraction is the available heat over
    that design input. Below ``min_load_fraction`` the unit stops; between
    it and full load the efficiency is ``eta x relative efficiency`` of the
    part-load curve; heat beyond the design input is bypassed, so the output
    never exceeds the rating.

    Parameters
    ----------
    heat_kw : pandas.Series or array-like
        Exhaust heat delivered to the ORC, mean over each interval [kW].
    exhaust_temperature_c : pandas.Series, array-like or float
        Exhaust temperature at the evaporator inlet [degC].
    rated_power_kw : float
        Net electric rating of the unit [kW].
    carnot_fraction : float, default 0.5
        Achieved fraction of the ideal efficiency [-].
    cooling_temperature_c : float, default 25.0
        Heat-rejection temperature [degC].
    min_load_fraction : float, default 0.2
        Minimum load fraction [-] below which the unit is off.
    part_load : str or (sequence, sequence), default "default"
        Part-load curve, see :func:`part_load_curve`.

    Returns
    -------
    pandas.Series
        ``orc_net_kw``: mean net electric output per interval [kW].
    """
    if rated_power_kw < 0 or not 0 <= min_load_fraction <= 1:
        raise ValueError("rated_power_kw must be >= 0 and min_load_fraction in 0-1")
    index = heat_kw.index if isinstance(heat_kw, pd.Series) else None
    heat = np.clip(np.asarray(heat_kw, dtype=float), 0.0, None)
    efficiency = np.broadcast_to(orc_full_load_efficiency(
        exhaust_temperature_c, carnot_fraction=carnot_fraction,
        cooling_temperature_c=cooling_temperature_c), heat.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        design_heat_kw = np.where(efficiency > 0, rated_power_kw / efficiency, np.inf)
        load_fraction = np.where(np.isfinite(design_heat_kw), heat / design_heat_kw, 0.0)
    curve_load, curve_relative = part_load_curve(part_load)
    relative = np.interp(np.minimum(load_fraction, 1.0), curve_load, curve_relative)
    power = np.minimum(heat * efficiency * relative, rated_power_kw)
    running = (load_fraction >= min_load_fraction) & (load_fraction > 0)
    power = np.where(running, power, 0.0)
    return pd.Series(power, index=index, name="orc_net_kw")


def _maintenance_mask(index: pd.DatetimeIndex,
                      maintenance: Iterable[tuple]) -> np.ndarray:
    dates = np.asarray(index.date)
    mask = np.zeros(len(index), dtype=bool)
    for outage in maintenance:
        try:
            start, end = outage
        except (TypeError, ValueError):
            raise ValueError(f"maintenance outage {outage!r} must be a (start_date, end_date) pair") from None
        start_day, end_day = pd.Timestamp(start).date(), pd.Timestamp(end).date()
        if end_day < start_day:
            raise ValueError(f"maintenance outage ends ({end_day}) before it starts ({start_day})")
        mask |= (dates >= start_day) & (dates <= end_day)
    return mask


def exhaust_heat_profile(index: pd.DatetimeIndex, *, nominal_heat_kw: float,
                         exhaust_temperature_c: float,
                         schedule: str = "continuous_3_shift",
                         maintenance: Iterable[tuple[dt.date | str, dt.date | str]] = (),
                         seed: int = 0) -> pd.DataFrame:
    """Exhaust heat of a host plant following its production schedule.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Interval starts in the host plant's local time zone (any fixed step).
    nominal_heat_kw : float
        Exhaust heat at full production [kW].
    exhaust_temperature_c : float
        Exhaust temperature while the plant produces [degC]. Kept constant:
        part production is modelled as a lower exhaust flow.
    schedule : str, default "continuous_3_shift"
        Production schedule in ``production_schedules.toml``
        (``"continuous_3_shift"``, ``"two_shift_weekdays"``, ``"day_shift"``,
        ...); Saturdays, Sundays and Korean public holidays follow it.
    maintenance : iterable of (start_date, end_date), default ()
        Outages, whole local days, both dates included: no heat.
    seed : int, default 0
        Seed of the noise (process variability, relative standard deviation
        from ``orc.toml`` ``[host_exhaust]``).

    Returns
    -------
    pandas.DataFrame
        ``heat_kw`` mean exhaust heat per interval [kW] and
        ``exhaust_temperature_c`` [degC].
    """
    if nominal_heat_kw < 0:
        raise ValueError("nominal_heat_kw must be >= 0")
    level = production_level(index, schedule)
    noise_std = read_toml(ORC_FILE)["host_exhaust"]["noise_std_fraction"]
    noise = np.random.default_rng(seed).standard_normal(len(index))
    heat = nominal_heat_kw * np.clip(level * (1.0 + noise_std * noise), 0.0, None)
    heat[_maintenance_mask(index, maintenance)] = 0.0
    return pd.DataFrame({
        "heat_kw": heat,
        "exhaust_temperature_c": np.full(len(index), float(exhaust_temperature_c)),
    }, index=index)
