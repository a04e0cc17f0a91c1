"""Tests of day_ahead_forecast: error size, persistence, physics, determinism."""

import numpy as np
import pandas as pd
import pytest

from weather import day_ahead_forecast, interval_mean_clear_sky, read_tmy3
from weather.datafiles import load_toml
from tests.weather.helpers import PVLIB_DATA

DOCUMENTED_GHI_BAND = (0.20, 0.35)  # RMSE / mean daytime GHI, forecast_errors.toml


@pytest.fixture(scope="module")
def forecast_pair(changwon_year):
    actual, metadata = changwon_year
    return actual, metadata, day_ahead_forecast(actual, metadata, seed=0)


def test_ghi_rmse_is_within_the_documented_band(forecast_pair):
    actual, _, forecast = forecast_pair
    assert tuple(load_toml("forecast_errors.toml")["nrmse_band"]) == DOCUMENTED_GHI_BAND
    day = actual["ghi"] > 0
    error = (forecast["ghi"] - actual["ghi"])[day]
    normalised_rmse = np.sqrt((error ** 2).mean()) / actual["ghi"][day].mean()
    assert DOCUMENTED_GHI_BAND[0] <= normalised_rmse <= DOCUMENTED_GHI_BAND[1]


def test_temperature_and_wind_errors_have_realistic_size(forecast_pair):
    actual, _, forecast = forecast_pair
    temperature_rmse = np.sqrt(((forecast["temp_air"] - actual["temp_air"]) ** 2).mean())
    wind_rmse = np.sqrt(((forecast["wind_speed"] - actual["wind_speed"]) ** 2).mean())
    assert 1.4 <= temperature_rmse <= 2.1
    assert 1.2 <= wind_rmse <= 2.1


def test_errors_are_positively_autocorrelated(forecast_pair):
    actual, _, forecast = forecast_pair
    for column in ("temp_air", "wind_speed"):
        assert (forecast[column] - actual[column]).autocorr(1) > 0.5
    error = forecast["ghi"] - actual["ghi"]
    hours = actual.index.hour
    midday = error[(hours >= 10) & (hours <= 14)]
    consecutive = midday.to_numpy()[:-1][np.diff(midday.index.asi8) == 3600 * 10**9]
    following = midday.to_numpy()[1:][np.diff(midday.index.asi8) == 3600 * 10**9]
    assert np.corrcoef(consecutive, following)[0, 1] > 0.3


def test_forecast_physics(forecast_pair, midpoint_zenith):
    actual, metadata, forecast = forecast_pair
    clear = interval_mean_clear_sky(actual.index, metadata["latitude"],
                                    metadata["longitude"], metadata["altitude"])["ghi"]
    assert (forecast[["ghi", "dni", "dhi", "wind_speed"]] >= 0).all().all()
    assert (forecast["ghi"][clear == 0] == 0).all()
    assert (forecast["ghi"] <= clear + 1e-9).all()
    zenith = midpoint_zenith(actual.index, metadata["latitude"], metadata["longitude"],
                             metadata["altitude"])
    rebuilt = forecast["dni"] * np.cos(np.radians(zenith)) + forecast["dhi"]
    np.testing.assert_allclose(rebuilt, forecast["ghi"], atol=0.5)
    assert forecast.index.equals(actual.index)


def test_issue_time_is_the_day_before_at_the_issue_hour(forecast_pair, changwon_year):
    actual, metadata, forecast = forecast_pair
    row = forecast.loc[pd.Timestamp("2024-07-01 15:00", tz="Asia/Seoul")]
    assert row["issue_time"] == pd.Timestamp("2024-06-30 10:00", tz="Asia/Seoul")
    late = day_ahead_forecast(actual.iloc[:48], metadata, issue_hour=17)
    assert late["issue_time"].iloc[30] == pd.Timestamp("2024-01-01 17:00", tz="Asia/Seoul")


def test_seeded_and_deterministic(changwon_year, forecast_pair):
    actual, metadata, forecast = forecast_pair
    week = actual.iloc[: 7 * 24]
    first = day_ahead_forecast(week, metadata, seed=5)
    pd.testing.assert_frame_equal(first, day_ahead_forecast(week, metadata, seed=5))
    other = day_ahead_forecast(week, metadata, seed=6)
    assert not np.allclose(first["temp_air"], other["temp_air"])
    assert not np.allclose(first["ghi"], other["ghi"])


def test_location_from_reader_metadata_and_required_arguments():
    data, metadata = read_tmy3(PVLIB_DATA / "723170TYA.CSV")
    june = data[data.index.month == 6]
    forecast = day_ahead_forecast(june, metadata, seed=1)
    assert str(forecast.index.tz) == "UTC-05:00"
    assert forecast["issue_time"].iloc[0] == pd.Timestamp("1990-05-31 10:00", tz="Etc/GMT+5")
    assert (forecast["ghi"][june.index.hour == 0] == 0).all()
    with pytest.raises(ValueError, match="latitude"):
        day_ahead_forecast(june)
