"""Small wind: the shipped curves are respected, the profile follows the log
law, and the IEC 61400-2 limits hold."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from microgrid.generation import (
    hub_wind_speed,
    list_small_turbines,
    small_turbine_power,
    small_turbine_power_curve,
    small_turbine_spec,
)

TURBINES = list_small_turbines()


def at_hub(speeds, turbine, **kwargs):
    """Power for wind speeds given directly at hub height (no profile)."""
    return small_turbine_power(pd.Series(speeds, dtype=float), turbine=turbine,
                               hub_height_m=10.0, wind_height_m=10.0, **kwargs)


def test_catalogue_has_the_three_size_classes():
    nominal = sorted(small_turbine_spec(name)["nominal_power_kw"] for name in TURBINES)
    assert any(3 <= p <= 5 for p in nominal)
    assert 10.0 in nominal
    assert any(25 <= p <= 35 for p in nominal)
    ten = next(small_turbine_spec(n) for n in TURBINES if small_turbine_spec(n)["nominal_power_kw"] == 10)
    # shared/DOMAIN.md: 10 kW class, 7 m rotor, cut-in 2.5 m/s, rated 11 m/s.
    assert (ten["rotor_diameter_m"], ten["cut_in_wind_speed_m_s"], ten["rated_wind_speed_m_s"]) == (7.0, 2.5, 11.0)


@pytest.mark.parametrize("turbine", TURBINES)
def test_iec_61400_2_swept_area_limit(turbine):
    spec = small_turbine_spec(turbine)
    assert spec["swept_area_m2"] == pytest.approx(math.pi * spec["rotor_diameter_m"] ** 2 / 4)
    assert spec["swept_area_m2"] <= 200.0


@pytest.mark.parametrize("turbine", TURBINES)
def test_zero_below_cut_in_and_above_cut_out(turbine):
    spec = small_turbine_spec(turbine)
    cut_in, cut_out = spec["cut_in_wind_speed_m_s"], spec["cut_out_wind_speed_m_s"]
    below = np.linspace(0.0, cut_in - 0.01, 25)
    above = np.linspace(cut_out + 0.01, 40.0, 25)
    assert (at_hub(below, turbine) == 0).all()
    assert (at_hub(above, turbine) == 0).all()
    assert (at_hub([cut_in + 0.5, (cut_in + cut_out) / 2], turbine) > 0).all()


@pytest.mark.parametrize("turbine", TURBINES)
def test_rated_power_at_rated_speed(turbine):
    spec = small_turbine_spec(turbine)
    power = at_hub([spec["rated_wind_speed_m_s"]], turbine).iloc[0]
    assert power == pytest.approx(spec["rated_power_kw"], rel=1e-9)


@pytest.mark.parametrize("turbine", TURBINES)
def test_curve_points_are_reproduced_and_interpolated_linearly(turbine):
    spec = small_turbine_spec(turbine)
    curve = small_turbine_power_curve(turbine)
    inside = curve[(curve["wind_speed_m_s"] >= spec["cut_in_wind_speed_m_s"])
                   & (curve["wind_speed_m_s"] <= spec["cut_out_wind_speed_m_s"])]
    np.testing.assert_allclose(at_hub(inside["wind_speed_m_s"], turbine), inside["power_kw"])
    a, b = inside.iloc[2], inside.iloc[3]
    middle = at_hub([(a["wind_speed_m_s"] + b["wind_speed_m_s"]) / 2], turbine).iloc[0]
    assert middle == pytest.approx((a["power_kw"] + b["power_kw"]) / 2)


def test_bergey_curve_values_from_the_sam_library():
    # Spot values of the SAM library's 'Bergey Excel-10 7m 10kw' curve.
    got = at_hub([5.0, 8.0, 11.0, 14.0], "bergey_excel_10")
    np.testing.assert_allclose(got, [0.848, 3.602, 8.863, 12.395])


def test_log_profile_hand_value():
    # v_hub = v * ln(h_hub / z0) / ln(h_ref / z0) = 5 * ln(20/0.3) / ln(10/0.3)
    expected = 5.0 * math.log(20 / 0.3) / math.log(10 / 0.3)
    assert expected == pytest.approx(5.988, abs=1e-3)
    assert hub_wind_speed(np.array([5.0]), hub_height_m=20.0)[0] == pytest.approx(expected)
    # Hellman with the exponent from roughness: 1 / ln(h_hub / z0).
    hellman = 5.0 * (20 / 10) ** (1 / math.log(20 / 0.3))
    assert hub_wind_speed(np.array([5.0]), hub_height_m=20.0, profile="hellman")[0] == pytest.approx(hellman)


def test_higher_hub_yields_more_energy(tmy3):
    weather, _ = tmy3
    energy = [small_turbine_power(weather["wind_speed"], turbine="bergey_excel_10",
                                  hub_height_m=height).sum() for height in (12.0, 20.0, 30.0, 40.0)]
    assert np.all(np.diff(energy) > 0)


def test_capacity_factor_is_small_on_a_low_wind_inland_site(tmy3):
    weather, _ = tmy3
    # Greensboro's TMY3 mean 10 m wind is ~3.1 m/s: a poor wind site, where
    # small turbines reach capacity factors of a few percent.
    power = small_turbine_power(weather["wind_speed"], turbine="bergey_excel_10", hub_height_m=20.0)
    assert weather["wind_speed"].mean() == pytest.approx(3.05, abs=0.05)
    assert 0.02 < power.mean() / 10.0 < 0.15
    assert power.index.equals(weather.index) and power.name == "wind_ac_kw"


def test_density_correction_cold_air_gives_more_power():
    speeds = pd.Series([6.0, 8.0])
    standard = at_hub(speeds, "bergey_excel_10")
    cold = at_hub(speeds, "bergey_excel_10", temperature=-15.0)
    hot = at_hub(speeds, "bergey_excel_10", temperature=35.0)
    assert (cold > standard).all() and (hot < standard).all()


def test_unknown_turbine_and_negative_wind_are_rejected():
    with pytest.raises(ValueError, match="unknown small turbine"):
        small_turbine_spec("vestas_v90")
    with pytest.raises(ValueError, match=">= 0"):
        at_hub([-1.0], "bergey_excel_10")
