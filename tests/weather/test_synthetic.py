"""Tests of weather.synthetic_weather: physics, calibration, determinism."""

import numpy as np
import pandas as pd
import pvlib
import pytest

from weather import CANONICAL_COLUMNS, list_sites, load_site, synthetic_weather
from weather.datafiles import load_toml

MONTHLY_GHI_TOLERANCE = 0.02  # stated in synthetic_weather's docstring


def monthly_ghi_mj(data):
    hours = (data.index[1] - data.index[0]) / pd.Timedelta(hours=1)
    return (data["ghi"] * hours * 3600 / 1e6).groupby(data.index.month).sum().to_numpy()


def days_per_month(data):
    return pd.Series(data.index.normalize()).groupby(data.index.month).nunique().to_numpy()


def test_shape_index_and_columns_of_a_leap_year(changwon_year):
    data, metadata = changwon_year
    assert list(data.columns) == list(CANONICAL_COLUMNS)
    assert len(data) == 366 * 24
    assert str(data.index.tz) == "Asia/Seoul"
    assert data.index[0] == pd.Timestamp("2024-01-01 00:00", tz="Asia/Seoul")
    assert data.index[-1] == pd.Timestamp("2024-12-31 23:00", tz="Asia/Seoul")
    assert (np.diff(data.index.asi8) == 3600 * 10**9).all()
    assert not data.isna().any().any()
    for key in ("source", "latitude", "longitude", "altitude", "tz", "wind_height_m", "site"):
        assert key in metadata
    assert metadata["site"] == "changwon" and metadata["calibration"] == "changwon"


def test_non_leap_year_has_8760_hours():
    site = load_site("ulsan")
    data, _ = synthetic_weather(site.latitude, site.longitude, 2023, site="ulsan")
    assert len(data) == 8760


def test_ghi_is_zero_whenever_the_sun_is_below_the_horizon(changwon_year):
    data, metadata = changwon_year
    elevations = [
        pvlib.solarposition.get_solarposition(
            data.index + pd.Timedelta(minutes=minutes), metadata["latitude"],
            metadata["longitude"])["elevation"].to_numpy()
        for minutes in (0, 30, 60)]
    below = np.max(elevations, axis=0) < -1.0
    assert below.sum() > 3000  # the test looks at many night hours
    for column in ("ghi", "dni", "dhi"):
        assert (data[column].to_numpy()[below] == 0).all()
    high_sun = np.min(elevations, axis=0) > 10
    assert (data["ghi"].to_numpy()[high_sun] > 0).all()


def test_closure_ghi_equals_dni_cos_zenith_plus_dhi(changwon_year, midpoint_zenith):
    data, metadata = changwon_year
    zenith = midpoint_zenith(data.index, metadata["latitude"], metadata["longitude"],
                             metadata["altitude"])
    rebuilt = data["dni"] * np.cos(np.radians(zenith)) + data["dhi"]
    np.testing.assert_allclose(rebuilt, data["ghi"], atol=0.5)
    assert (data[["ghi", "dni", "dhi"]] >= 0).all().all()


def test_ghi_never_exceeds_the_cloud_enhancement_cap(changwon_year):
    data, metadata = changwon_year
    location = pvlib.location.Location(metadata["latitude"], metadata["longitude"],
                                       altitude=metadata["altitude"])
    times = data.index + pd.Timedelta(minutes=30)
    clear = location.get_clearsky(times)["ghi"].to_numpy()
    cap = load_toml("synthetic_model.toml")["clouds"]["interval_maximum"]
    day = clear > 200  # away from sunrise, where the midpoint misses part of the hour
    assert (data["ghi"].to_numpy()[day] <= cap * clear[day] * 1.05).all()
    assert data["ghi"].max() < 1200


@pytest.mark.parametrize("name, year", [(name, 2023) for name in list_sites()])
def test_monthly_ghi_sums_match_calibration(name, year):
    site = load_site(name)
    data, _ = synthetic_weather(site.latitude, site.longitude, year, altitude=site.altitude,
                                site=name, seed=3)
    target = np.asarray(site.ghi_mj_per_m2_day) * days_per_month(data)
    relative_error = monthly_ghi_mj(data) / target - 1
    assert np.abs(relative_error).max() < MONTHLY_GHI_TOLERANCE


def test_monthly_sums_match_in_a_leap_year_too(changwon_year):
    data, _ = changwon_year
    site = load_site("changwon")
    assert days_per_month(data)[1] == 29
    target = np.asarray(site.ghi_mj_per_m2_day) * days_per_month(data)
    assert np.abs(monthly_ghi_mj(data) / target - 1).max() < MONTHLY_GHI_TOLERANCE


def test_monthly_temperature_and_wind_match_calibration(changwon_year):
    data, _ = changwon_year
    site = load_site("changwon")
    months = data.index.month
    np.testing.assert_allclose(data["temp_air"].groupby(months).mean(), site.temp_air_c,
                               atol=0.05)
    np.testing.assert_allclose(data["wind_speed"].groupby(months).mean(),
                               site.wind_speed_m_s, atol=0.02)


def test_temperature_has_a_diurnal_cycle_and_wind_a_weibull_like_spread(changwon_year):
    data, _ = changwon_year
    hours = data.index.hour
    afternoon = data["temp_air"][(hours >= 14) & (hours <= 16)].mean()
    dawn = data["temp_air"][(hours >= 4) & (hours <= 6)].mean()
    assert afternoon - dawn > 3.0
    wind = data["wind_speed"]
    assert (wind >= 0).all()
    assert 0.3 < wind.std() / wind.mean() < 0.8  # Weibull k=2 has 0.52
    assert data["temp_air"].diff().abs().max() < 6.0  # no jumps between hours


def test_daily_clearness_is_persistent(changwon_year):
    data, _ = changwon_year
    daily = data["ghi"].resample("D").sum()
    anomaly = daily / daily.rolling(31, center=True, min_periods=1).mean()
    assert anomaly.autocorr(1) > 0.1


def test_same_inputs_give_identical_output():
    first, first_meta = synthetic_weather(35.2, 128.6, 2023, seed=7)
    second, second_meta = synthetic_weather(35.2, 128.6, 2023, seed=7)
    pd.testing.assert_frame_equal(first, second)
    assert first_meta == second_meta


def test_different_seeds_give_different_weather(changwon_year):
    data, _ = changwon_year
    site = load_site("changwon")
    other, _ = synthetic_weather(site.latitude, site.longitude, 2024, altitude=site.altitude,
                                 site="changwon", seed=1)
    day = data["ghi"] > 0
    assert not np.allclose(data["ghi"], other["ghi"])
    assert np.corrcoef(data["ghi"][day], other["ghi"][day])[0, 1] < 0.95
    assert not np.allclose(data["temp_air"], other["temp_air"])
    assert not np.allclose(data["wind_speed"], other["wind_speed"])


def test_without_site_the_nearest_shipped_site_calibrates():
    _, metadata = synthetic_weather(35.23, 128.68, 2023)
    assert metadata["calibration"] == "changwon"
    assert metadata["site"] is None


def test_far_from_every_site_the_generic_default_is_used_and_seasons_flip():
    data, metadata = synthetic_weather(-33.9, 18.4, 2023, tz="Africa/Johannesburg")
    assert metadata["calibration"] == "generic"
    monthly = data["temp_air"].groupby(data.index.month).mean()
    assert monthly[1] > monthly[7] + 10  # southern summer in January
    assert str(data.index.tz) == "Africa/Johannesburg"


def test_polar_night_gives_zero_irradiance_and_no_nan():
    data, _ = synthetic_weather(78.2, 15.6, 2023, tz="UTC")
    assert not data.isna().any().any()
    december = data[data.index.month == 12]
    assert (december[["ghi", "dni", "dhi"]] == 0).all().all()
    assert data.loc[data.index.month == 6, "ghi"].max() > 100


def test_sub_hourly_frequency_keeps_the_calibration():
    site = load_site("siheung")
    data, metadata = synthetic_weather(site.latitude, site.longitude, 2023, site="siheung",
                                       freq="30min")
    assert len(data) == 2 * 8760 and metadata["freq"] == "30min"
    target = np.asarray(site.ghi_mj_per_m2_day) * days_per_month(data)
    assert np.abs(monthly_ghi_mj(data) / target - 1).max() < MONTHLY_GHI_TOLERANCE
