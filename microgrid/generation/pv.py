"""Photovoltaic AC output with pvlib's PVWatts-style functions.

The chain follows NREL's PVWatts (Dobos 2014, NREL/TP-6A20-62641) as far as
pvlib implements it: Perez transposition, the glass-cover incidence-angle
modifier, the SAPM cell temperature, the PVWatts DC model, a lumped system
loss and the PVWatts inverter curve with clipping at the AC rating.

Time convention: weather rows are interval means stamped at interval STARTS
(any fixed step). The sun's position is taken at the interval midpoint, the
same convention PVWatts/SAM use for hourly typical-year files, and the result
is the mean AC power over each interval [kW].
"""

from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np
import pandas as pd
import pvlib

from microgrid.generation.datafiles import read_toml
from weather.solar import interval_length

#: PVWatts default system figures (microgrid/data/generation/pvwatts_defaults.toml).
PVWATTS_DEFAULTS = read_toml("pvwatts_defaults.toml")

#: Weather columns this module reads.
WEATHER_COLUMNS = ("ghi", "dni", "dhi", "temp_air", "wind_speed")

# The sun's elevation changes by at most 15 deg per hour (Earth's rotation).
# A midpoint elevation lower than half an interval's worth of that (plus ~1 deg
# for refraction) means the sun is below the horizon for the whole interval.
_MAX_ELEVATION_RATE_DEG_PER_H = 15.0
_REFRACTION_MARGIN_DEG = 1.0


def interval_solar_position(index: pd.DatetimeIndex, *, latitude: float,
                            longitude: float, altitude: float = 0.0) -> pd.DataFrame:
    """Solar position at the midpoint of each interval, for reuse across arrays.

    Compute this once per site and pass it as ``solar_position`` to
    :func:`pv_ac_power`: it is the costliest step for a single array.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        tz-aware interval-start timestamps with a fixed step.
    latitude, longitude : float
        Site coordinates [deg], north and east positive.
    altitude : float, default 0.0
        Site altitude above sea level [m].

    Returns
    -------
    pandas.DataFrame
        Indexed like ``index``, columns ``apparent_zenith``, ``azimuth``
        [deg], ``dni_extra`` extraterrestrial normal irradiance [W/m^2],
        ``airmass_relative`` [-] and ``sun_up`` (bool: the sun is above the
        horizon during at least part of the interval).
    """
    if index.tz is None:
        raise ValueError("time index must be tz-aware (interval starts)")
    step = interval_length(index)
    midpoints = index + step / 2
    position = pvlib.solarposition.get_solarposition(
        midpoints, latitude, longitude, altitude=altitude)
    step_h = step / pd.Timedelta(hours=1)
    night_limit = -(_MAX_ELEVATION_RATE_DEG_PER_H * step_h / 2 + _REFRACTION_MARGIN_DEG)
    apparent_zenith = position["apparent_zenith"].to_numpy()
    return pd.DataFrame({
        "apparent_zenith": apparent_zenith,
        "azimuth": position["azimuth"].to_numpy(),
        "dni_extra": np.asarray(pvlib.irradiance.get_extra_radiation(midpoints)),
        "airmass_relative": np.asarray(
            pvlib.atmosphere.get_relative_airmass(apparent_zenith)),
        "sun_up": (90.0 - apparent_zenith) > night_limit,
    }, index=index)


def _check_weather(weather: pd.DataFrame) -> None:
    missing = [name for name in WEATHER_COLUMNS if name not in weather.columns]
    if missing:
        raise ValueError(f"weather lacks column(s) {missing}; expected {list(WEATHER_COLUMNS)}")
    if not isinstance(weather.index, pd.DatetimeIndex) or weather.index.tz is None:
        raise ValueError("weather must have a tz-aware DatetimeIndex of interval starts")
    for name in WEATHER_COLUMNS:
        missing = weather[name].isna()
        if missing.any():
            # Fail loudly: a silent zero would read as a cloudy hour.
            raise ValueError(f"weather column {name!r} has {int(missing.sum())} missing "
                             f"value(s), first at {weather.index[missing.to_numpy()][0]}")


def pv_ac_power(weather: pd.DataFrame, *, latitude: float, longitude: float,
                altitude: float = 0.0, tilt: float, azimuth: float,
                dc_capacity_kw: float,
                dc_ac_ratio: float = PVWATTS_DEFAULTS["dc_ac_ratio"],
                losses_percent: float = PVWATTS_DEFAULTS["losses_percent"],
                temperature_model: str = PVWATTS_DEFAULTS["temperature_model"],
                gamma_pdc: float = PVWATTS_DEFAULTS["gamma_pdc_per_k"],
                inverter_nominal_efficiency: float = PVWATTS_DEFAULTS["inverter_nominal_efficiency"],
                albedo: float = PVWATTS_DEFAULTS["albedo"],
                solar_position: pd.DataFrame | None = None) -> pd.Series:
    """Mean AC power of a fixed-tilt PV array over each weather interval.

    Parameters
    ----------
    weather : pandas.DataFrame
        tz-aware index of interval starts (fixed step); columns ``ghi``,
        ``dni``, ``dhi`` [W/m^2], ``temp_air`` [degC], ``wind_speed`` [m/s].
    latitude, longitude : float
        Site coordinates [deg], north and east positive.
    altitude : float, default 0.0
        Site altitude [m].
    tilt : float
        Array tilt from horizontal [deg].
    azimuth : float
        Array azimuth, clockwise from north, 180 = south [deg].
    dc_capacity_kw : float
        DC nameplate capacity at standard test conditions [kW].
    dc_ac_ratio : float, default 1.2
        DC to AC capacity ratio [-]; the AC rating is
        ``dc_capacity_kw / dc_ac_ratio`` (PVWatts default 1.2).
    losses_percent : float, default 14.08
        Lumped DC system losses [%] (PVWatts default: soiling 2, shading 3,
        mismatch 2, wiring 2, connections 0.5, LID 1.5, nameplate 1,
        availability 3, see :func:`pvlib.pvsystem.pvwatts_losses`).
    temperature_model : str, default "open_rack_glass_polymer"
        Mounting name in ``pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]``
        (e.g. ``"close_mount_glass_glass"`` for a roof-hugging array).
    gamma_pdc : float, default -0.0037
        Power temperature coefficient [1/K] (PVWatts "standard" module).
    inverter_nominal_efficiency : float, default 0.96
        Nominal inverter efficiency [-] (PVWatts default).
    albedo : float, default 0.2
        Ground reflectance [-].
    solar_position : pandas.DataFrame, optional
        Output of :func:`interval_solar_position` for this site and index;
        pass it to avoid recomputing the sun's position for every array.

    Returns
    -------
    pandas.Series
        ``pv_ac_kw``: mean AC power over each interval [kW], zero when the
        sun is below the horizon for the whole interval, never above the AC
        rating.
    """
    _check_weather(weather)
    if dc_capacity_kw < 0 or dc_ac_ratio <= 0:
        raise ValueError("dc_capacity_kw must be >= 0 and dc_ac_ratio > 0")
    if solar_position is None:
        solar_position = interval_solar_position(
            weather.index, latitude=latitude, longitude=longitude, altitude=altitude)
    elif not solar_position.index.equals(weather.index):
        raise ValueError("solar_position must be computed for the weather's own index")
    try:
        thermal = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][temperature_model]
    except KeyError:
        known = sorted(pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"])
        raise ValueError(f"unknown temperature_model {temperature_model!r}; expected one of {known}") from None

    # Plain arrays: pvlib accepts them and they avoid most pandas overhead,
    # which dominates for one-year runs of many arrays.
    zenith = solar_position["apparent_zenith"].to_numpy(dtype=float)
    sun_azimuth = solar_position["azimuth"].to_numpy(dtype=float)
    ghi, dni, dhi, temp_air, wind_speed = (
        weather[name].to_numpy(dtype=float) for name in WEATHER_COLUMNS)
    # PVWatts transposes with the Perez 1990 sky model.
    poa = pvlib.irradiance.get_total_irradiance(
        tilt, azimuth, zenith, sun_azimuth, dni=dni, ghi=ghi, dhi=dhi,
        dni_extra=solar_position["dni_extra"].to_numpy(dtype=float),
        airmass=solar_position["airmass_relative"].to_numpy(dtype=float),
        albedo=albedo, model="perez")
    aoi = pvlib.irradiance.aoi(tilt, azimuth, zenith, sun_azimuth)
    # Reflection losses of the glass cover on the beam (PVWatts uses this
    # physical model with n = 1.526, K = 4 /m, L = 2 mm, pvlib's defaults).
    beam_transmitted = np.asarray(poa["poa_direct"]) * pvlib.iam.physical(aoi)
    effective = np.clip(beam_transmitted + np.asarray(poa["poa_diffuse"]), 0.0, None)

    cell_temperature = pvlib.temperature.sapm_cell(
        np.asarray(poa["poa_global"]), temp_air, wind_speed, **thermal)
    dc_kw = pvlib.pvsystem.pvwatts_dc(effective, cell_temperature,
                                      pdc0=dc_capacity_kw, gamma_pdc=gamma_pdc)
    dc_kw = dc_kw * (1.0 - losses_percent / 100.0)

    ac_rating_kw = dc_capacity_kw / dc_ac_ratio
    # pvlib's pdc0 is the inverter's DC input rating: AC rating / efficiency.
    ac_kw = pvlib.inverter.pvwatts(
        np.asarray(dc_kw, dtype=float), pdc0=ac_rating_kw / inverter_nominal_efficiency,
        eta_inv_nom=inverter_nominal_efficiency)
    # Perez's sky clearness is 0/0 when dhi = 0 (dark twilight hours): NaN
    # there means no light, hence no power.
    ac_kw = np.where(solar_position["sun_up"].to_numpy(), np.nan_to_num(ac_kw), 0.0)
    return pd.Series(np.minimum(ac_kw, ac_rating_kw), index=weather.index, name="pv_ac_kw")


def pv_ac_power_arrays(weather: pd.DataFrame, arrays: Mapping[str, Mapping] | Iterable[Mapping],
                       *, latitude: float, longitude: float,
                       altitude: float = 0.0) -> pd.DataFrame:
    """AC power of several arrays of one site, computing the sun's position once.

    Parameters
    ----------
    weather : pandas.DataFrame
        As for :func:`pv_ac_power`.
    arrays : mapping of name to keyword arguments, or iterable of mappings
        Keyword arguments of :func:`pv_ac_power` per array (``tilt``,
        ``azimuth``, ``dc_capacity_kw``, optional others). An iterable of
        mappings names the columns by an optional ``"name"`` key, else by
        position.
    latitude, longitude : float
        Site coordinates [deg].
    altitude : float, default 0.0
        Site altitude [m].

    Returns
    -------
    pandas.DataFrame
        One column of mean AC power [kW] per array.
    """
    if isinstance(arrays, Mapping):
        named = {str(name): dict(spec) for name, spec in arrays.items()}
    else:
        named = {}
        for position, spec in enumerate(arrays):
            spec = dict(spec)
            named[str(spec.pop("name", position))] = spec
    solar_position = interval_solar_position(
        weather.index, latitude=latitude, longitude=longitude, altitude=altitude)
    columns = {
        name: pv_ac_power(weather, latitude=latitude, longitude=longitude,
                          altitude=altitude, solar_position=solar_position, **spec)
        for name, spec in named.items()
    }
    return pd.DataFrame(columns, index=weather.index)
