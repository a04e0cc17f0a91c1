"""Waste-heat ORC: hand calculations, thermodynamic bounds, published ranges,
and the host plant's schedule."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microgrid.generation import (
    carnot_efficiency,
    exhaust_heat_profile,
    orc_full_load_efficiency,
    orc_net_power,
)

YEAR_2026 = pd.date_range("2026-01-01", periods=8760, freq="h", tz="Asia/Seoul")


def test_hand_calculated_operating_point():
    # 6 MW of 300 degC exhaust into a 1.5 MW unit, sink 25 degC, 0.5 of ideal.
    t_hot, t_cold = 300.0 + 273.15, 25.0 + 273.15
    t_mean = (t_hot - t_cold) / math.log(t_hot / t_cold)  # 420.78 K
    eta = 0.5 * (1.0 - t_cold / t_mean)                    # 0.14572
    assert eta == pytest.approx(0.14572, abs=1e-5)
    load = 6000.0 / (1500.0 / eta)                         # 0.5829 of design heat
    # Part-load curve points of orc.toml around it: (0.5, 0.88) and (0.6, 0.92).
    relative = 0.88 + (0.92 - 0.88) * (load - 0.5) / 0.1   # 0.91315
    expected_kw = 6000.0 * eta * relative                   # 798.4 kW
    assert expected_kw == pytest.approx(798.4, abs=0.1)
    got = orc_net_power(pd.Series([6000.0]), 300.0, rated_power_kw=1500.0)
    assert got.iloc[0] == pytest.approx(expected_kw, rel=1e-9)


def test_full_load_efficiency_matches_published_orc_range():
    # shared/DOMAIN.md: net ORC efficiency ~9-15 % for 150-350 degC sources,
    # 15.4 % on cement kiln exhaust; 0.4-0.6 of the ideal is the rule of thumb.
    assert orc_full_load_efficiency(150.0) == pytest.approx(0.09, abs=0.01)
    assert orc_full_load_efficiency(350.0) == pytest.approx(0.15, abs=0.015)
    low = orc_full_load_efficiency(np.array([300.0, 350.0]), carnot_fraction=0.4)
    high = orc_full_load_efficiency(np.array([300.0, 350.0]), carnot_fraction=0.6)
    assert low.min() < 0.154 < high.max()


def test_hotter_exhaust_and_colder_sink_raise_efficiency():
    temperatures = np.array([120.0, 200.0, 280.0, 360.0])
    assert np.all(np.diff(orc_full_load_efficiency(temperatures)) > 0)
    assert orc_full_load_efficiency(300.0, cooling_temperature_c=15.0) > orc_full_load_efficiency(300.0)
    assert orc_full_load_efficiency(20.0) == 0.0  # exhaust colder than the sink


@settings(max_examples=200, deadline=None)
@given(heat=st.floats(0.0, 50_000.0), temperature=st.floats(60.0, 600.0),
       rated=st.floats(10.0, 5_000.0), fraction=st.floats(0.3, 0.7),
       cooling=st.floats(5.0, 40.0))
def test_output_within_rating_and_carnot_bound(heat, temperature, rated, fraction, cooling):
    power = orc_net_power(pd.Series([heat]), temperature, rated_power_kw=rated,
                          carnot_fraction=fraction, cooling_temperature_c=cooling).iloc[0]
    carnot = 1.0 - (cooling + 273.15) / (temperature + 273.15)
    assert 0.0 <= power <= rated + 1e-9
    assert power <= heat * max(carnot, 0.0) + 1e-9


def test_rated_output_once_heat_exceeds_design_input():
    design_heat = 1500.0 / orc_full_load_efficiency(300.0)
    power = orc_net_power(pd.Series([design_heat * 1.0001, design_heat * 3]), 300.0,
                          rated_power_kw=1500.0)
    np.testing.assert_allclose(power, 1500.0)


def test_zero_below_minimum_load():
    design_heat = 1500.0 / orc_full_load_efficiency(300.0)
    heat = pd.Series(design_heat * np.array([0.0, 0.10, 0.19, 0.21, 0.5]))
    power = orc_net_power(heat, 300.0, rated_power_kw=1500.0, min_load_fraction=0.2)
    assert (power.iloc[:3] == 0.0).all()
    assert (power.iloc[3:] > 0.0).all()


def test_efficiency_falls_at_part_load():
    design_heat = 1500.0 / orc_full_load_efficiency(300.0)
    heat = pd.Series(design_heat * np.array([0.3, 0.6, 0.95]))
    efficiency = orc_net_power(heat, 300.0, rated_power_kw=1500.0) / heat
    assert efficiency.is_monotonic_increasing and efficiency.iloc[0] < efficiency.iloc[-1]
    flat = orc_net_power(heat, 300.0, rated_power_kw=1500.0, part_load="flat") / heat
    np.testing.assert_allclose(flat, orc_full_load_efficiency(300.0))


def test_maintenance_outage_stops_heat_and_power():
    heat = exhaust_heat_profile(YEAR_2026, nominal_heat_kw=12000.0, exhaust_temperature_c=300.0,
                                maintenance=[("2026-08-03", dt.date(2026, 8, 16))])
    power = orc_net_power(heat["heat_kw"], heat["exhaust_temperature_c"], rated_power_kw=1500.0)
    outage = (YEAR_2026 >= pd.Timestamp("2026-08-03", tz="Asia/Seoul")) & \
             (YEAR_2026 < pd.Timestamp("2026-08-17", tz="Asia/Seoul"))
    assert outage.sum() == 14 * 24
    assert (heat["heat_kw"][outage] == 0).all() and (power[outage] == 0).all()
    assert (heat["heat_kw"][~outage] > 0).all()
    assert power.loc["2026-08-02"].min() > 0 and power.loc["2026-08-17"].min() > 0


def test_two_shift_host_gives_less_heat_on_weekends_and_holidays():
    heat = exhaust_heat_profile(YEAR_2026, nominal_heat_kw=1000.0, exhaust_temperature_c=250.0,
                                schedule="two_shift_weekdays")["heat_kw"]
    daily = heat.groupby(heat.index.date).mean()
    weekday = daily[[d.weekday() < 5 and d != dt.date(2026, 5, 5) for d in daily.index]]
    saturday = daily[[d.weekday() == 5 for d in daily.index]]
    sunday = daily[[d.weekday() == 6 for d in daily.index]]
    assert saturday.mean() < 0.5 * weekday.mean()
    assert sunday.mean() < 0.1 * weekday.mean()
    # Children's Day, Tuesday 2026-05-05, against the Tuesdays around it.
    assert daily[dt.date(2026, 5, 5)] < 0.1 * daily[dt.date(2026, 4, 28)]
    assert daily[dt.date(2026, 5, 5)] < 0.1 * daily[dt.date(2026, 5, 12)]


def test_continuous_host_at_rating_nearly_all_year():
    heat = exhaust_heat_profile(YEAR_2026, nominal_heat_kw=12000.0, exhaust_temperature_c=300.0)
    power = orc_net_power(heat["heat_kw"], heat["exhaust_temperature_c"], rated_power_kw=1500.0)
    full_load_hours = power.sum() / 1500.0
    assert 8400 < full_load_hours <= 8760


def test_heat_profile_is_seeded_and_keeps_nominal_level():
    first = exhaust_heat_profile(YEAR_2026, nominal_heat_kw=500.0, exhaust_temperature_c=200.0, seed=3)
    again = exhaust_heat_profile(YEAR_2026, nominal_heat_kw=500.0, exhaust_temperature_c=200.0, seed=3)
    other = exhaust_heat_profile(YEAR_2026, nominal_heat_kw=500.0, exhaust_temperature_c=200.0, seed=4)
    pd.testing.assert_frame_equal(first, again)
    assert not first["heat_kw"].equals(other["heat_kw"])
    weekday_noon = first["heat_kw"][(YEAR_2026.weekday < 5) & (YEAR_2026.hour == 10)]
    assert weekday_noon.mean() == pytest.approx(500.0, rel=0.02)  # noise is small and unbiased
    assert (first["exhaust_temperature_c"] == 200.0).all()


def test_bad_inputs_are_rejected():
    with pytest.raises(ValueError, match="schedule"):
        exhaust_heat_profile(YEAR_2026[:24], nominal_heat_kw=1.0, exhaust_temperature_c=200.0,
                             schedule="four_shift")
    with pytest.raises(ValueError, match="before it starts"):
        exhaust_heat_profile(YEAR_2026[:24], nominal_heat_kw=1.0, exhaust_temperature_c=200.0,
                             maintenance=[("2026-02-01", "2026-01-01")])
    with pytest.raises(ValueError, match="part-load"):
        orc_net_power(pd.Series([1.0]), 300.0, rated_power_kw=1.0, part_load="nonesuch")


def test_carnot_efficiency_hand_value():
    assert carnot_efficiency(300.0, 25.0) == pytest.approx(1 - 298.15 / 573.15)
