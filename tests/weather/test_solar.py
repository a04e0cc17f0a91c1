"""maximum_elevation_in_interval against pvlib's solar position at each interval's start, middle and end."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pvlib
import pytest

from weather.solar import maximum_elevation_in_interval

CHANGWON = (35.23, 128.68, 20.0)


def _reference(index: pd.DatetimeIndex, interval: pd.Timedelta) -> np.ndarray:
    latitude, longitude, altitude = CHANGWON
    edges = [pd.DatetimeIndex(index + interval * fraction) for fraction in (0.0, 0.5, 1.0)]
    return np.max(np.vstack([
        pvlib.solarposition.get_solarposition(times, latitude, longitude, altitude=altitude)["elevation"].to_numpy()
        for times in edges]), axis=0)


@pytest.mark.parametrize("order", ["contiguous", "shuffled"])
def test_highest_elevation_is_the_highest_of_the_three_instants(order):
    index = pd.date_range("2026-06-20", periods=72, freq="h", tz="Asia/Seoul")
    if order == "shuffled":  # a weather file being checked for order must be read as it is
        index = pd.DatetimeIndex(np.random.default_rng(3).permutation(index))
    found = maximum_elevation_in_interval(index, *CHANGWON)
    np.testing.assert_allclose(found, _reference(index, pd.Timedelta(hours=1)), rtol=0, atol=1e-9)
    # Sunrise hours: the end of the interval is above the horizon while the start is below.
    assert (found > 0).sum() > (_reference(index, pd.Timedelta(0)) > 0).sum()
