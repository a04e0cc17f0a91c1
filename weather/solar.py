"""Solar geometry and irradiance helpers for interval-labelled weather data.

Weather in this package is labelled by interval *start*: the row at 10:00 of
hourly data holds the mean over 10:00-11:00. Solar position for such data is
taken at the interval midpoint, and clear-sky irradiance is averaged over
sub-steps of the interval so that sunrise and sunset hours get their partial
clear-sky energy.
"""

import math

import numpy as np
import pandas as pd
import pvlib

from weather.datafiles import load_toml

DEFAULT_INTERVAL = "1h"


def interval_length(index, default=DEFAULT_INTERVAL):
    """Length of the intervals of a regular time index.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Interval-start timestamps.
    default : str or pandas.Timedelta, default "1h"
        Returned when the index has fewer than two rows and no ``freq``.

    Returns
    -------
    pandas.Timedelta
    """
    if index.freq is not None:
        try:
            return pd.Timedelta(index.freq)
        except ValueError:
            pass
    if len(index) >= 2:
        return pd.Timedelta(int(np.median(np.diff(index.asi8))), unit="ns")
    return pd.Timedelta(default)


def interval_midpoints(index, interval=None):
    """Midpoints of the intervals that start at ``index``.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Interval-start timestamps.
    interval : pandas.Timedelta, optional
        Interval length; inferred from ``index`` when None.

    Returns
    -------
    pandas.DatetimeIndex
    """
    interval = interval_length(index) if interval is None else pd.Timedelta(interval)
    return pd.DatetimeIndex(index + interval / 2)


def solar_position_at_midpoints(index, latitude, longitude, altitude=0.0, *, interval=None):
    """Solar position at the midpoint of each interval.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Interval-start timestamps (tz-aware).
    latitude, longitude : float
        Position [deg].
    altitude : float, default 0
        Elevation [m].
    interval : pandas.Timedelta, optional
        Interval length; inferred from ``index`` when None.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``index``; columns ``zenith``, ``apparent_zenith``,
        ``elevation``, ``apparent_elevation``, ``azimuth`` [deg].
    """
    midpoints = interval_midpoints(index, interval)
    position = pvlib.solarposition.get_solarposition(
        midpoints, latitude, longitude, altitude=altitude)
    position = position[["zenith", "apparent_zenith", "elevation",
                         "apparent_elevation", "azimuth"]]
    position.index = index
    return position


def _substep_times(index, interval, substep):
    count = max(1, math.ceil(pd.Timedelta(interval) / pd.Timedelta(substep)))
    offsets = (np.arange(count) + 0.5) * (pd.Timedelta(interval).value / count)
    start_ns = index.tz_convert("UTC").asi8
    sample_ns = (start_ns[:, None] + offsets[None, :].astype(np.int64)).ravel()
    return pd.DatetimeIndex(sample_ns, tz="UTC"), count


def interval_mean_clear_sky(index, latitude, longitude, altitude=0.0, *, interval=None):
    """Clear-sky irradiance averaged over each interval.

    Uses pvlib's Ineichen-Perez model with the Linke turbidity climatology
    shipped with pvlib (offline), evaluated at sub-steps of each interval
    (``clear_sky.substep_minutes`` in ``data/synthetic_model.toml``) and
    averaged.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Interval-start timestamps (tz-aware).
    latitude, longitude : float
        Position [deg].
    altitude : float, default 0
        Elevation [m].
    interval : pandas.Timedelta, optional
        Interval length; inferred from ``index`` when None.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``index``; columns ``ghi``, ``dni``, ``dhi``
        [W/m^2]. All three are exactly zero for intervals in which the sun
        stays below the horizon.
    """
    settings = load_toml("synthetic_model.toml")["clear_sky"]
    interval = interval_length(index) if interval is None else pd.Timedelta(interval)
    substep = pd.Timedelta(minutes=settings["substep_minutes"])
    sample_times, count = _substep_times(index, interval, substep)
    location = pvlib.location.Location(latitude, longitude, tz="UTC", altitude=altitude)
    clear = location.get_clearsky(sample_times, model=settings["model"])
    means = {
        column: clear[column].to_numpy().reshape(len(index), count).mean(axis=1)
        for column in ("ghi", "dni", "dhi")
    }
    return pd.DataFrame(means, index=index)


def maximum_elevation_in_interval(index, latitude, longitude, altitude=0.0, *, interval=None):
    """Highest true solar elevation at the start, middle and end of each interval.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Interval-start timestamps (tz-aware).
    latitude, longitude : float
        Position [deg].
    altitude : float, default 0
        Elevation [m].
    interval : pandas.Timedelta, optional
        Interval length; inferred from ``index`` when None.

    Returns
    -------
    numpy.ndarray
        Solar elevation [deg].
    """
    interval = interval_length(index) if interval is None else pd.Timedelta(interval)
    middles = pvlib.solarposition.get_solarposition(
        pd.DatetimeIndex(index + interval * 0.5), latitude, longitude, altitude=altitude)["elevation"].to_numpy()
    contiguous = len(index) > 0 and bool((np.diff(pd.DatetimeIndex(index).asi8) == interval.value).all())
    if not contiguous:  # e.g. a weather file being checked for order: every edge computed
        edges = [pd.DatetimeIndex(index + interval * fraction) for fraction in (0.0, 1.0)]
        ends = [pvlib.solarposition.get_solarposition(times, latitude, longitude, altitude=altitude)["elevation"]
                .to_numpy() for times in edges]
        return np.max(np.vstack([ends[0], middles, ends[1]]), axis=0)
    # Contiguous intervals: an interval's end is the next one's start, so one call covers
    # every start and the last end (solar position is computed per timestamp).
    starts = pd.DatetimeIndex(index).append(pd.DatetimeIndex([index[-1] + interval]))
    at_starts = pvlib.solarposition.get_solarposition(
        starts, latitude, longitude, altitude=altitude)["elevation"].to_numpy()
    at_middles = middles
    return np.max(np.vstack([at_starts[:-1], at_middles, at_starts[1:]]), axis=0)


def decompose_ghi(ghi, solar_zenith, times):
    """Split GHI into DNI and DHI with the Erbs model, closing the balance.

    ``pvlib.irradiance.erbs`` gives DNI; DHI is then set to
    ``ghi - dni * cos(zenith)`` so that the closure
    ``ghi = dni * cos(zenith) + dhi`` holds exactly. When the zenith exceeds
    the model's 87 deg limit (or the sun is below the horizon at the
    midpoint of a sunrise hour), all of GHI is diffuse.

    Parameters
    ----------
    ghi : pandas.Series
        Global horizontal irradiance [W/m^2].
    solar_zenith : pandas.Series or numpy.ndarray
        True solar zenith at the interval midpoints [deg].
    times : pandas.DatetimeIndex
        Times for the extraterrestrial irradiance (day of year).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``ghi``; columns ``dni``, ``dhi`` [W/m^2].

    References
    ----------
    Erbs, D.G., Klein, S.A. and Duffie, J.A. (1982), "Estimation of the
    diffuse radiation fraction for hourly, daily and monthly-average global
    radiation", Solar Energy 28(4), 293-302.
    """
    ghi_values = np.clip(np.asarray(ghi, dtype=float), 0.0, None)
    zenith = np.asarray(solar_zenith, dtype=float)
    split = pvlib.irradiance.erbs(ghi_values, zenith, pd.DatetimeIndex(times).dayofyear)
    cos_zenith = np.cos(np.radians(zenith))
    dni = np.where((ghi_values > 0) & (cos_zenith > 0), np.asarray(split["dni"]), 0.0)
    dni = np.clip(np.nan_to_num(dni), 0.0, None)
    dhi = ghi_values - dni * np.clip(cos_zenith, 0.0, None)
    dhi = np.clip(dhi, 0.0, None)
    return pd.DataFrame({"dni": dni, "dhi": dhi}, index=getattr(ghi, "index", None))
