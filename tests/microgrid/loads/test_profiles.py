"""Synthetic industry loads: calendar, scaling, seeding and weather."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from microgrid.loads import industry_load_profile, industry_spec, list_industries

YEAR_2025 = pd.date_range("2025-01-01", periods=8760, freq="h", tz="Asia/Seoul")
BRIEF_INDUSTRIES = {"machinery", "auto_parts", "chemicals", "food", "steel", "cement",
                    "electronics", "logistics"}


def daily_mean(load: pd.Series) -> pd.Series:
    return load.groupby(load.index.date).mean()


def test_all_industries_of_the_brief_are_there():
    assert BRIEF_INDUSTRIES <= set(list_industries())


def test_two_shift_weekday_above_sunday():
    load = industry_load_profile(YEAR_2025, industry="auto_parts", contract_power_kw=1000.0)
    days = daily_mean(load)
    weekdays = days[[d.weekday() < 5 for d in days.index]]
    sundays = days[[d.weekday() == 6 for d in days.index]]
    assert weekdays.median() > 2.0 * sundays.median()


def test_public_holiday_lower_than_neighbouring_weekdays():
    # Chuseok 2025: Mon 2025-10-06 (also 10-07, 10-08); the Mondays around it work.
    load = industry_load_profile(YEAR_2025, industry="machinery", contract_power_kw=1000.0)
    days = daily_mean(load)
    holiday = days[dt.date(2025, 10, 6)]
    assert holiday < 0.5 * days[dt.date(2025, 9, 29)]
    assert holiday < 0.5 * days[dt.date(2025, 10, 13)]


def test_continuous_industry_is_flat_day_shift_industry_is_not():
    flat = industry_load_profile(YEAR_2025, industry="electronics", contract_power_kw=1000.0)
    peaky = industry_load_profile(YEAR_2025, industry="machinery", contract_power_kw=1000.0)
    assert flat.quantile(0.05) / flat.quantile(0.95) > 0.7
    assert peaky.quantile(0.05) / peaky.quantile(0.95) < 0.3


@pytest.mark.parametrize("industry", sorted(BRIEF_INDUSTRIES))
def test_annual_sum_equals_requested_consumption(industry):
    load = industry_load_profile(YEAR_2025, industry=industry, annual_consumption_kwh=3_650_000.0)
    assert load.sum() * 1.0 == pytest.approx(3_650_000.0, rel=1e-12)


def test_annual_sum_holds_for_quarter_hours_and_leap_years():
    quarter = pd.date_range("2024-01-01", periods=366 * 96, freq="15min", tz="Asia/Seoul")
    load = industry_load_profile(quarter, industry="food", annual_consumption_kwh=1_000_000.0)
    assert (load * 0.25).sum() == pytest.approx(1_000_000.0, rel=1e-12)
    half_year = YEAR_2025[: 8760 // 2]
    load = industry_load_profile(half_year, industry="food", annual_consumption_kwh=1_000_000.0)
    assert load.sum() == pytest.approx(500_000.0, rel=1e-12)


@pytest.mark.parametrize("industry", sorted(BRIEF_INDUSTRIES))
def test_peak_never_exceeds_contract_power(industry, tmy3):
    weather, _ = tmy3
    # A hot summer: Greensboro's TMY3 temperatures, shifted +5 K, on Korean dates.
    temperature = pd.Series(weather["temp_air"].to_numpy() + 5.0, index=YEAR_2025)
    load = industry_load_profile(YEAR_2025, industry=industry, contract_power_kw=800.0,
                                 temp_air=temperature)
    assert load.max() <= 800.0 + 1e-9
    assert load.min() >= 0.0


def test_contract_scaling_uses_the_typical_load_factor():
    load = industry_load_profile(YEAR_2025, industry="chemicals", contract_power_kw=2000.0)
    factor = industry_spec("chemicals")["contract_load_factor"]
    assert load.mean() == pytest.approx(factor * 2000.0, rel=1e-12)


def test_same_seed_same_profile_other_seed_differs():
    first = industry_load_profile(YEAR_2025, industry="steel", contract_power_kw=5000.0, seed=11)
    again = industry_load_profile(YEAR_2025, industry="steel", contract_power_kw=5000.0, seed=11)
    other = industry_load_profile(YEAR_2025, industry="steel", contract_power_kw=5000.0, seed=12)
    pd.testing.assert_series_equal(first, again)
    assert not np.allclose(first, other)


def test_hot_weather_raises_refrigeration_heavy_load():
    # 34 degC in July-August, 18 degC otherwise (between the 10 degC heating
    # and 24 degC cooling balance points): food's cooling sensitivity of
    # 1.5 %/K (industry_loads.toml) must lift summer by 10 K x 1.5 % = 15 %.
    summer_months = YEAR_2025.month.isin([7, 8])
    temperature = pd.Series(np.where(summer_months, 34.0, 18.0), index=YEAR_2025)
    load = industry_load_profile(YEAR_2025, industry="food", annual_consumption_kwh=1e6,
                                 temp_air=temperature)
    without = industry_load_profile(YEAR_2025, industry="food", annual_consumption_kwh=1e6)
    ratio = load[summer_months].mean() / load[~summer_months].mean()
    base_ratio = without[summer_months].mean() / without[~summer_months].mean()
    assert ratio / base_ratio == pytest.approx(1.15, rel=1e-9)


def test_bad_inputs_are_rejected():
    with pytest.raises(ValueError, match="unknown industry"):
        industry_load_profile(YEAR_2025, industry="shipbuilding", contract_power_kw=1.0)
    with pytest.raises(ValueError, match="contract_power_kw or annual_consumption_kwh"):
        industry_load_profile(YEAR_2025, industry="food")
    with pytest.raises(ValueError, match="same index"):
        industry_load_profile(YEAR_2025, industry="food", contract_power_kw=1.0,
                              temp_air=pd.Series(20.0, index=YEAR_2025[:10]))
