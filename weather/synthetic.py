"""Synthetic hourly weather calibrated to monthly climate figures.

A typical year is built from pvlib's clear sky modulated by a stochastic
cloud model:

1. Clear sky: Ineichen-Perez with pvlib's Linke turbidity climatology,
   averaged over each interval (:func:`weather.solar.interval_mean_clear_sky`).
2. Daily clear-sky index: a Beta-distributed value per day whose monthly
   mean follows the site's calibration, driven by a Gaussian AR(1) series
   (day-to-day persistence, after Aguiar et al. 1988).
3. Intra-day variability: an AR(1) deviation around the daily value, largest
   on partly cloudy days (after the TAG model, Aguiar and Collares-Pereira
   1992), clipped to a cloud-enhancement cap.
4. Calibration: each month is rescaled so that the monthly GHI sums equal
   the calibration (within 0.5 %, tested at 2 %): the result is a *typical*
   year like a TMY, not a random year.
5. DNI and DHI from GHI with the Erbs model (closure exact).
6. Air temperature: a smooth seasonal curve with the calibrated monthly
   means, plus a diurnal cycle (amplitude from the monthly daily range,
   larger on clear days) and a persistent synoptic anomaly.
7. Wind speed: Weibull marginals through a Gaussian AR(1) copula, an
   afternoon maximum, and a smooth multiplier giving the calibrated monthly
   means.

All model parameters are in ``weather/data/synthetic_model.toml``; climate
figures in ``weather/data/sites/*.toml`` (or ``generic_climate.toml``).
"""

import numpy as np
import pandas as pd
from scipy import special

from weather.datafiles import load_toml
from weather.sites import Site, great_circle_distance_km, load_site, nearest_site
from weather.solar import decompose_ghi, interval_mean_clear_sky, solar_position_at_midpoints
from weather.stochastic import (
    ar1_process,
    match_monthly_means,
    monthly_hat_basis,
    persistence_per_step,
)

SECONDS_PER_HOUR = 3600.0
JOULES_PER_MEGAJOULE = 1.0e6


def generic_climate(latitude):
    """Monthly figures of the generic fallback climate.

    Parameters
    ----------
    latitude : float
        Position [deg]; the season is flipped south of the equator.

    Returns
    -------
    dict
        ``name``, ``source``, ``clear_sky_index`` (12 values),
        ``temp_air_c``, ``temp_air_daily_range_c``, ``wind_speed_m_s``
        (12 values each), ``wind_height_m``.
    """
    table = load_toml("generic_climate.toml")
    months = np.arange(1, 13)
    warmest_month = 7 if latitude >= 0 else 1
    seasonal = np.cos(2 * np.pi * (months - warmest_month) / 12)
    return {
        "name": table["name"],
        "source": table["source"],
        "clear_sky_index": np.full(12, table["clear_sky_index"]),
        "temp_air_c": table["annual_mean_temp_air_c"]
        + table["seasonal_amplitude_temp_air_c"] * seasonal,
        "temp_air_daily_range_c": np.full(12, table["temp_air_daily_range_c"]),
        "wind_speed_m_s": np.full(12, table["wind_speed_m_s"]),
        "wind_height_m": table["wind_height_m"],
    }


def site_climate(site):
    """Monthly figures of a shipped site, in the form used by the generator.

    Parameters
    ----------
    site : Site

    Returns
    -------
    dict
        Like :func:`generic_climate` but with ``ghi_mj_per_m2_day`` instead
        of ``clear_sky_index``.
    """
    return {
        "name": site.name,
        "source": site.source,
        "ghi_mj_per_m2_day": np.asarray(site.ghi_mj_per_m2_day),
        "temp_air_c": np.asarray(site.temp_air_c),
        "temp_air_daily_range_c": np.asarray(site.temp_air_daily_range_c),
        "wind_speed_m_s": np.asarray(site.wind_speed_m_s),
        "wind_height_m": site.wind_height_m,
    }


def choose_climate(latitude, longitude, site=None):
    """Pick the calibration for a position.

    Parameters
    ----------
    latitude, longitude : float
        Position [deg].
    site : str or Site, optional
        Site whose calibration to use. When None, the nearest shipped site
        is used if within ``sites.nearest_site_max_distance_km`` of
        ``data/synthetic_model.toml``, else :func:`generic_climate`.

    Returns
    -------
    dict
        See :func:`site_climate` and :func:`generic_climate`.
    """
    if isinstance(site, Site):
        return site_climate(site)
    if site is not None:
        return site_climate(load_site(site))
    maximum_km = load_toml("synthetic_model.toml")["sites"]["nearest_site_max_distance_km"]
    closest = nearest_site(latitude, longitude)
    distance = great_circle_distance_km(latitude, longitude, closest.latitude, closest.longitude)
    if distance <= maximum_km:
        return site_climate(closest)
    return generic_climate(latitude)


def _local_day_positions(index):
    local_dates = index.tz_localize(None).normalize() if index.tz is not None else index.normalize()
    days, positions = np.unique(np.asarray(local_dates), return_inverse=True)
    day_months = pd.DatetimeIndex(days).month.to_numpy()
    return positions, day_months


def _solar_hour(index, longitude, interval):
    """Local mean solar time at interval midpoints [h]."""
    midpoints_utc = (index + interval / 2).tz_convert("UTC")
    utc_hours = (midpoints_utc.hour + midpoints_utc.minute / 60.0
                 + midpoints_utc.second / 3600.0).to_numpy()
    return np.mod(utc_hours + longitude / 15.0, 24.0)


def _monthly_energy(values, months, interval_hours):
    """Monthly sums of an irradiance series [MJ/m^2]."""
    energy = np.zeros(12)
    np.add.at(energy, months - 1, values * interval_hours * SECONDS_PER_HOUR
              / JOULES_PER_MEGAJOULE)
    return energy


def _cloud_clear_sky_index(clear_ghi, months, day_positions, day_months, target_energy,
                           interval, generator):
    """Clear-sky index per interval, calibrated to monthly energy targets."""
    model = load_toml("synthetic_model.toml")["clouds"]
    interval_hours = interval / pd.Timedelta(hours=1)
    clear_energy = _monthly_energy(clear_ghi, months, interval_hours)
    with np.errstate(divide="ignore", invalid="ignore"):
        target_index = np.where(clear_energy > 0, target_energy / clear_energy, 0.0)
    low, high = model["daily_minimum"], model["daily_maximum"]
    unit_mean = np.clip((target_index[day_months - 1] - low) / (high - low), 0.02, 0.98)
    concentration = model["beta_concentration"]
    driver = ar1_process(len(day_months), model["daily_persistence"], generator)
    daily = low + (high - low) * special.betaincinv(
        unit_mean * concentration, (1 - unit_mean) * concentration, special.ndtr(driver))
    daily_per_interval = daily[day_positions]
    sigma = model["intraday_sigma_peak"] * 4.0 * daily_per_interval * (1 - daily_per_interval)
    deviation = ar1_process(
        len(clear_ghi),
        persistence_per_step(model["intraday_persistence_per_hour"], interval),
        generator)
    bounds = (model["interval_minimum"], model["interval_maximum"])
    index_values = np.clip(daily_per_interval + sigma * deviation, *bounds)
    for _ in range(model["calibration_iterations"]):
        energy = _monthly_energy(index_values * clear_ghi, months, interval_hours)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(energy > 0, target_energy / energy, 1.0)
        index_values = np.clip(index_values * ratio[months - 1], *bounds)
    return index_values, daily, target_index


def _temperature(index, climate, solar_hour, daily_index, day_positions, day_months,
                 target_index, interval, generator):
    model = load_toml("synthetic_model.toml")["temperature"]
    daily_range = monthly_hat_basis(index) @ np.asarray(climate["temp_air_daily_range_c"])
    with np.errstate(divide="ignore", invalid="ignore"):
        clearness_ratio = np.where(target_index[day_months - 1] > 0,
                                   daily_index / target_index[day_months - 1], 1.0)
    clearness_ratio = np.clip(clearness_ratio, model["range_scale_minimum"],
                              model["range_scale_maximum"])[day_positions]
    diurnal = (daily_range / 2 * clearness_ratio
               * np.cos(2 * np.pi * (solar_hour - model["peak_solar_hour"]) / 24))
    anomaly = model["anomaly_sigma_c"] * ar1_process(
        len(index), persistence_per_step(model["anomaly_persistence_per_hour"], interval),
        generator)
    fluctuation = diurnal + anomaly
    months = index.month.to_numpy()
    fluctuation_means = np.array([
        fluctuation[months == month].mean() if np.any(months == month) else 0.0
        for month in range(1, 13)])
    seasonal = match_monthly_means(
        index, np.asarray(climate["temp_air_c"]) - fluctuation_means)
    return seasonal + fluctuation


def _wind_speed(index, climate, solar_hour, interval, generator):
    model = load_toml("synthetic_model.toml")["wind"]
    shape = model["weibull_shape"]
    driver = ar1_process(len(index), persistence_per_step(model["persistence_per_hour"], interval),
                         generator)
    uniform = np.clip(special.ndtr(driver), 1e-12, 1 - 1e-12)
    unit_mean_weibull = (-np.log1p(-uniform)) ** (1.0 / shape) / special.gamma(1 + 1.0 / shape)
    diurnal = 1 + model["diurnal_amplitude"] * np.cos(
        2 * np.pi * (solar_hour - model["peak_solar_hour"]) / 24)
    raw = unit_mean_weibull * diurnal
    multiplier = match_monthly_means(index, climate["wind_speed_m_s"], weights=raw)
    return np.clip(raw * multiplier, 0.0, None)


def synthetic_weather(latitude, longitude, year, *, altitude=0.0, site=None, seed=0,
                      freq="1h", tz="Asia/Seoul"):
    """Synthetic weather year calibrated to a site's monthly climate.

    Parameters
    ----------
    latitude, longitude : float
        Position [deg], north and east positive.
    year : int
        Calendar year (local time) to generate; leap years have 366 days.
    altitude : float, default 0
        Elevation [m].
    site : str or Site, optional
        Shipped site whose calibration to use (see
        :func:`weather.list_sites`). When None, the nearest shipped site
        within ``nearest_site_max_distance_km`` (100 km) is used, else the
        generic default of ``data/generic_climate.toml``.
    seed : int, default 0
        Non-negative seed; equal inputs give identical output.
    freq : str, default "1h"
        Interval length (pandas offset alias).
    tz : str, default "Asia/Seoul"
        Time zone of the index.

    Returns
    -------
    data : pandas.DataFrame
        Index: tz-aware interval starts covering the year. Columns ``ghi``,
        ``dni``, ``dhi`` [W/m^2] (interval means), ``temp_air`` [degC],
        ``wind_speed`` [m/s] at ``metadata["wind_height_m"]``.
    metadata : dict
        ``source``, ``latitude``, ``longitude``, ``altitude``, ``tz``,
        ``wind_height_m``, ``site``, ``calibration``,
        ``calibration_source``, ``seed``, ``year``, ``interval``, ``freq``.

    Notes
    -----
    Monthly GHI sums equal the calibration to within 2 % (monthly mean daily
    insolation times the days of the month); monthly mean temperature and
    wind speed equal it to rounding.
    """
    climate = choose_climate(latitude, longitude, site)
    interval = pd.Timedelta(pd.tseries.frequencies.to_offset(freq))
    index = pd.date_range(pd.Timestamp(year=year, month=1, day=1),
                          pd.Timestamp(year=year + 1, month=1, day=1),
                          freq=freq, tz=tz, inclusive="left")
    streams = np.random.SeedSequence([int(seed), int(year)]).spawn(3)
    cloud_generator, temperature_generator, wind_generator = (
        np.random.default_rng(stream) for stream in streams)

    months = index.month.to_numpy()
    day_positions, day_months = _local_day_positions(index)
    clear = interval_mean_clear_sky(index, latitude, longitude, altitude, interval=interval)
    clear_ghi = clear["ghi"].to_numpy()
    interval_hours = interval / pd.Timedelta(hours=1)
    if "ghi_mj_per_m2_day" in climate:
        days_per_month = np.bincount(day_months, minlength=13)[1:]
        target_energy = climate["ghi_mj_per_m2_day"] * days_per_month
    else:
        target_energy = climate["clear_sky_index"] * _monthly_energy(
            clear_ghi, months, interval_hours)

    clear_sky_index, daily_index, target_index = _cloud_clear_sky_index(
        clear_ghi, months, day_positions, day_months, target_energy, interval,
        cloud_generator)
    ghi = clear_sky_index * clear_ghi
    position = solar_position_at_midpoints(index, latitude, longitude, altitude,
                                           interval=interval)
    split = decompose_ghi(pd.Series(ghi, index=index), position["zenith"],
                          index + interval / 2)
    solar_hour = _solar_hour(index, longitude, interval)
    temp_air = _temperature(index, climate, solar_hour, daily_index, day_positions,
                            day_months, target_index, interval, temperature_generator)
    wind_speed = _wind_speed(index, climate, solar_hour, interval, wind_generator)

    data = pd.DataFrame({
        "ghi": ghi,
        "dni": split["dni"].to_numpy(),
        "dhi": split["dhi"].to_numpy(),
        "temp_air": temp_air,
        "wind_speed": wind_speed,
    }, index=index)
    site_name = site.name if isinstance(site, Site) else site
    metadata = {
        "source": f"synthetic: weather.synthetic_weather (seed {seed})",
        "latitude": float(latitude),
        "longitude": float(longitude),
        "altitude": float(altitude),
        "tz": str(tz),
        "wind_height_m": float(climate["wind_height_m"]),
        "site": site_name,
        "calibration": climate["name"],
        "calibration_source": climate["source"],
        "seed": int(seed),
        "year": int(year),
        "interval": "start",
        "freq": freq,
    }
    return data, metadata
