"""Property tests of the building blocks (hypothesis)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weather import decompose_ghi, mj_per_hour_to_w_per_m2
from weather.stochastic import ar1_process, match_monthly_means


@settings(max_examples=15, deadline=None)
@given(year=st.integers(1950, 2100),
       targets=st.lists(st.floats(-30, 40), min_size=12, max_size=12))
def test_match_monthly_means_hits_targets_and_is_continuous(year, targets):
    index = pd.date_range(f"{year}-01-01", f"{year + 1}-01-01", freq="1h",
                          tz="Asia/Seoul", inclusive="left")
    curve = match_monthly_means(index, targets)
    means = pd.Series(curve).groupby(index.month).mean().to_numpy()
    np.testing.assert_allclose(means, targets, atol=1e-6)
    spread = max(targets) - min(targets)
    assert np.abs(np.diff(curve)).max() <= 0.01 * spread + 1e-9  # no jumps


@settings(max_examples=15, deadline=None)
@given(targets=st.lists(st.floats(0.5, 10), min_size=12, max_size=12), seed=st.integers(0, 99))
def test_match_monthly_means_as_multiplier(targets, seed):
    index = pd.date_range("2023-01-01", "2024-01-01", freq="1h", inclusive="left")
    weights = np.random.default_rng(seed).uniform(0.2, 3.0, len(index))
    multiplier = match_monthly_means(index, targets, weights=weights)
    means = pd.Series(weights * multiplier).groupby(index.month).mean().to_numpy()
    np.testing.assert_allclose(means, targets, rtol=1e-6)


@settings(max_examples=25, deadline=None)
@given(ghi=st.lists(st.floats(0, 1400), min_size=1, max_size=30),
       zenith=st.floats(0, 120), day=st.integers(1, 365))
def test_decomposition_is_non_negative_and_closes(ghi, zenith, day):
    times = pd.Timestamp("2023-01-01", tz="UTC") + pd.to_timedelta(
        np.full(len(ghi), day - 1), unit="D")
    series = pd.Series(ghi, index=pd.DatetimeIndex(times))
    split = decompose_ghi(series, np.full(len(ghi), zenith), series.index)
    assert (split >= 0).all().all()
    rebuilt = split["dni"] * max(np.cos(np.radians(zenith)), 0) + split["dhi"]
    np.testing.assert_allclose(rebuilt, series, atol=1e-6)


@given(st.floats(0, 5))
def test_mj_conversion_is_the_hourly_mean(insolation):
    # One hour at the returned irradiance delivers the insolation: W/m^2 * 3600 s = J/m^2.
    assert mj_per_hour_to_w_per_m2(insolation) * 3600 == pytest.approx(insolation * 1e6)


def test_ar1_process_statistics_and_restarts():
    generator = np.random.default_rng(0)
    series = ar1_process(200_000, 0.8, generator)
    assert abs(series.std() - 1) < 0.02
    assert abs(np.corrcoef(series[:-1], series[1:])[0, 1] - 0.8) < 0.01
    restart = np.zeros(200_000, dtype=bool)
    restart[::2] = True  # every pair is independent of the previous pair
    paired = ar1_process(200_000, 0.8, np.random.default_rng(1), restart=restart)
    assert abs(np.corrcoef(paired[1:-1:2], paired[2::2])[0, 1]) < 0.02
    assert abs(np.corrcoef(paired[0::2], paired[1::2])[0, 1] - 0.8) < 0.01
