"""The forecast seam: weather -> each asset kind's availability and tenants' loads -> dispatch inputs."""

from __future__ import annotations

import datetime as dt
import os

import numpy as np
import pandas as pd
import pvlib
import pytest

from microgrid.errors import EngineInputError
from microgrid.forecast import day_inputs, forecast_park, park_weather
from microgrid.park import read_park

TMY3 = os.path.join(os.path.dirname(pvlib.__file__), "data", "723170TYA.CSV")


@pytest.fixture(scope="module")
def park():
    return read_park()


@pytest.fixture(scope="module")
def july_week(park):
    return forecast_park(park, dt.date(2026, 7, 6), dt.date(2026, 7, 12), kind="actual")


def test_night_time_pv_is_zero_and_day_time_positive(park, july_week):
    pv = [asset.name for asset in park.assets if asset.kind == "pv"]
    generation = july_week["available_generation"].sel(asset=pv).sum("asset").to_series()
    night = generation[(generation.index.hour >= 21) | (generation.index.hour < 4)]
    assert (night == 0).all()
    noon = generation[generation.index.hour == 12]
    assert (noon > 0).all()


def test_generation_never_exceeds_ratings(park, july_week):
    for asset in park.assets_of_role("generator"):
        rating_kw = asset.rating_kw
        peak = float(july_week["available_generation"].sel(asset=asset.name).max())  # kWh per 1 h step
        assert peak <= rating_kw * 1.0 + 1e-6, asset.name


def test_operator_has_no_load_and_tenants_do(park, july_week):
    load = july_week["load"]
    assert float(load.sel(participant="OPERATOR").sum()) == 0.0
    tenants = [p.name for p in park.participants if p.kind == "tenant"]
    assert (load.sel(participant=tenants).sum("time") > 0).all()


def test_day_ahead_weather_differs_from_actual_but_is_close(park):
    day = dt.date(2026, 5, 13)
    actual = forecast_park(park, day, day, kind="actual")
    ahead = forecast_park(park, day, day, kind="day_ahead")
    pv = [asset.name for asset in park.assets if asset.kind == "pv"]
    actual_pv = float(actual["available_generation"].sel(asset=pv).sum())
    ahead_pv = float(ahead["available_generation"].sel(asset=pv).sum())
    assert actual_pv != ahead_pv
    assert abs(ahead_pv - actual_pv) < 0.8 * actual_pv
    # Loads follow known production schedules: the same in both.
    np.testing.assert_allclose(actual["load"].values, ahead["load"].values)


def test_same_inputs_same_forecast(park):
    day = dt.date(2026, 3, 3)
    first = forecast_park(park, day, day)
    second = forecast_park(park, day, day)
    np.testing.assert_array_equal(first["available_generation"].values, second["available_generation"].values)


def test_typical_year_file_maps_onto_requested_year_by_wall_clock(park):
    weather, metadata = park_weather(park, pd.Timestamp("2026-06-21", tz="Asia/Seoul"),
                                     pd.Timestamp("2026-06-22", tz="Asia/Seoul"), weather_file=TMY3)
    raw, _ = pvlib.iotools.read_tmy3(TMY3, map_variables=True)
    # TMY3 stamps interval ends; the row stamped 13:00 on 21 June is the 12:00-13:00 interval.
    expected = raw[(raw.index.month == 6) & (raw.index.day == 21) & (raw.index.hour == 13)]["ghi"].iloc[0]
    assert weather.index.tz is not None and str(weather.index.tz) == "Asia/Seoul"
    assert len(weather) == 24
    assert weather.loc["2026-06-21 12:00"]["ghi"] == pytest.approx(expected)


def test_15_minute_steps_keep_the_energy(park):
    day = dt.date(2026, 9, 2)
    hourly = day_inputs(park, day, kind="actual")
    quarter = day_inputs(park, day, kind="actual", step_minutes=15)
    assert len(quarter.time) == 96 and quarter.step_hours == 0.25
    np.testing.assert_allclose(quarter.load.sum("time").values, hourly.load.sum("time").values, rtol=1e-9)


def test_bad_step_is_rejected(park):
    with pytest.raises(EngineInputError, match="step_minutes = 7"):
        day_inputs(park, dt.date(2026, 9, 2), step_minutes=7)


def test_end_before_start_is_rejected(park):
    with pytest.raises(EngineInputError, match="--end"):
        forecast_park(park, dt.date(2026, 9, 2), dt.date(2026, 9, 1))


def test_a_days_load_does_not_depend_on_the_span_requested(park):
    """Profiles are scaled over whole years: a day alone equals the same day inside a week."""
    day = forecast_park(park, dt.date(2026, 7, 1), dt.date(2026, 7, 1))
    week = forecast_park(park, dt.date(2026, 6, 28), dt.date(2026, 7, 3))
    np.testing.assert_array_equal(day["load"].values, week["load"].sel(time=day.indexes["time"]).values)
