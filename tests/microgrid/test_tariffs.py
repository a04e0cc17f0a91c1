"""KEPCO 산업용(을) time-of-use bands, rates and SMP, against shared/DOMAIN.md by hand.

DOMAIN.md (bands from 2026-04-16, weekdays):
  summer Jun-Aug and spring/autumn Mar-May, Sep-Oct: light 22-08, mid 08-15 and 21-22, peak 15-21
  winter Nov-Feb: light 22-08, mid 08-09, 12-16, 19-22, peak 09-12, 16-19
  Saturdays bill peak hours as mid; Sundays and public holidays are all light.
Rates (HV A, option II, light/mid/peak): summer 116.0/163.8/229.0, spring-autumn
116.0/133.4/150.9, winter 123.0/164.0/204.6; adders 9.0 + 5.0; fund 2.7 %.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from microgrid.calendar import day_type
from microgrid.errors import EngineInputError
from microgrid.tariffs import load_export_price, load_tariff

TARIFF = "kepco_industrial_eul_hv_a_option2"


def _hours(*ranges: tuple[int, int]) -> set[int]:
    return {hour for start, end in ranges for hour in range(start, end)}


WEEKDAY_BANDS = {  # season -> band -> interval-start hours, from the DOMAIN.md table
    "summer": {"mid": _hours((8, 15), (21, 22)), "peak": _hours((15, 21))},
    "spring_autumn": {"mid": _hours((8, 15), (21, 22)), "peak": _hours((15, 21))},
    "winter": {"mid": _hours((8, 9), (12, 16), (19, 22)), "peak": _hours((9, 12), (16, 19))},
}
RATES = {"summer": (116.0, 163.8, 229.0), "spring_autumn": (116.0, 133.4, 150.9), "winter": (123.0, 164.0, 204.6)}


def _expected_weekday(season: str) -> list[str]:
    bands = WEEKDAY_BANDS[season]
    return ["peak" if h in bands["peak"] else "mid" if h in bands["mid"] else "light" for h in range(24)]


def _day(date: str, freq: str = "h") -> pd.DatetimeIndex:
    periods = 24 if freq == "h" else 96
    return pd.date_range(date, periods=periods, freq=freq, tz="Asia/Seoul")


@pytest.fixture(scope="module")
def tariff():
    return load_tariff(TARIFF)


def _band_at(tariff, stamp: str) -> str:
    return tariff.bands(pd.DatetimeIndex([pd.Timestamp(stamp, tz="Asia/Seoul")]))[0]


def test_named_hours(tariff):
    assert dt.date(2026, 7, 1).weekday() == 2 and dt.date(2026, 7, 4).weekday() == 5
    assert _band_at(tariff, "2026-07-01 16:00") == "peak"   # summer Wednesday
    assert _band_at(tariff, "2026-07-04 16:00") == "mid"    # Saturday: peak billed as mid
    assert _band_at(tariff, "2026-07-04 10:00") == "mid"    # Saturday mid stays mid
    assert _band_at(tariff, "2026-07-04 23:00") == "light"
    assert _band_at(tariff, "2026-07-05 16:00") == "light"  # Sunday
    assert dt.date(2026, 10, 9).weekday() == 4               # Hangul Day, a Friday
    assert _band_at(tariff, "2026-10-09 16:00") == "light"
    assert _band_at(tariff, "2026-10-08 16:00") == "peak"   # the Thursday before is an ordinary weekday


@pytest.mark.parametrize(("date", "season"), [
    ("2026-07-01", "summer"), ("2026-06-10", "summer"), ("2026-08-20", "summer"),
    ("2026-10-14", "spring_autumn"), ("2026-05-13", "spring_autumn"), ("2026-09-16", "spring_autumn"),
    ("2026-10-14", "spring_autumn"),
    ("2026-11-25", "winter"), ("2026-12-09", "winter"), ("2026-11-18", "winter"), ("2026-12-16", "winter"),
])
def test_weekday_bands_follow_the_domain_table(tariff, date, season):
    assert day_type(dt.date.fromisoformat(date)) == "weekday"
    assert list(tariff.bands(_day(date))) == _expected_weekday(season)
    light, mid, peak = RATES[season]
    expected_rate = [{"light": light, "mid": mid, "peak": peak}[b] for b in _expected_weekday(season)]
    np.testing.assert_array_equal(tariff.energy_rate(_day(date)), expected_rate)


@pytest.mark.parametrize(("date", "season"), [("2026-07-04", "summer"), ("2026-11-21", "winter"),
                                              ("2026-04-18", "spring_autumn")])
def test_saturday_bills_peak_as_mid(tariff, date, season):
    expected = ["mid" if band == "peak" else band for band in _expected_weekday(season)]
    assert list(tariff.bands(_day(date))) == expected


@pytest.mark.parametrize("date", [
    "2026-07-05",  # Sunday
    "2026-10-09",  # Hangul Day (Friday)
    "2026-08-15",  # Liberation Day on a Saturday: a holiday, not a Saturday
    "2026-08-17",  # its substitute holiday (Monday)
    "2026-02-17",  # Seollal (Tuesday)
    "2026-09-25",  # Chuseok (Friday)
    "2026-01-01",  # New Year (Thursday)
    "2026-12-25",  # Christmas (Friday)
])
def test_sundays_and_public_holidays_are_all_light(date):
    tariff = load_tariff(TARIFF, dt.date.fromisoformat(date))  # the version in force that day
    assert day_type(dt.date.fromisoformat(date)) == "holiday"
    assert set(tariff.bands(_day(date))) == {"light"}
    assert not tariff.demand_charge_applies(_day(date)).any()


def test_quarter_hour_band_edges(tariff):
    bands = dict(zip(_day("2026-07-01", "15min").strftime("%H:%M"), tariff.bands(_day("2026-07-01", "15min"))))
    assert (bands["07:45"], bands["08:00"]) == ("light", "mid")
    assert (bands["14:45"], bands["15:00"]) == ("mid", "peak")
    assert (bands["20:45"], bands["21:00"], bands["21:45"], bands["22:00"]) == ("peak", "mid", "mid", "light")
    winter = dict(zip(_day("2026-12-16", "15min").strftime("%H:%M"), tariff.bands(_day("2026-12-16", "15min"))))
    assert (winter["08:45"], winter["09:00"], winter["11:45"], winter["12:00"]) == ("mid", "peak", "peak", "mid")
    assert (winter["15:45"], winter["16:00"], winter["18:45"], winter["19:00"]) == ("mid", "peak", "peak", "mid")


def test_marginal_import_price_by_hand(tariff):
    stamps = pd.DatetimeIndex(pd.to_datetime([
        "2026-07-01 16:00",  # summer peak:   (229.0 + 9 + 5) x 1.027
        "2026-11-25 03:00",  # winter light:  (123.0 + 14) x 1.027
        "2026-04-16 10:00",  # spring mid:    (133.4 + 14) x 1.027
        "2026-12-16 17:00",  # winter peak:   (204.6 + 14) x 1.027
        "2026-07-05 16:00",  # summer Sunday: (116.0 + 14) x 1.027
    ])).tz_localize("Asia/Seoul")
    expected = [249.561, 140.699, 151.3798, 224.5022, 133.51]
    np.testing.assert_allclose(tariff.marginal_import_price(stamps), expected, rtol=1e-12)
    np.testing.assert_array_equal(tariff.demand_charge_applies(stamps), [True, False, True, True, False])


def test_prices_do_not_depend_on_the_timezone_of_the_index(tariff):
    """Hours in the data files are Korean local time, whatever the index's timezone."""
    seoul = _day("2026-07-01")
    utc = seoul.tz_convert("UTC")
    assert list(tariff.bands(utc)) == list(tariff.bands(seoul))
    np.testing.assert_array_equal(tariff.marginal_import_price(utc), tariff.marginal_import_price(seoul))
    smp = load_export_price("smp_2025")
    np.testing.assert_array_equal(smp.price(utc), smp.price(seoul))
    # 2026-07-01 00:00 KST is 2026-06-30 15:00 UTC: still a July weekday night, light
    assert tariff.bands(utc)[0] == "light" and utc[0].day == 30


def test_export_price_by_hand():
    smp = load_export_price("smp_2025")
    stamps = pd.DatetimeIndex(pd.to_datetime(["2026-01-10 03:00", "2026-12-01 19:00", "2026-07-01 12:00"])
                              ).tz_localize("Asia/Seoul")
    # Jan 125.0 x 0.97; Dec 124.0 x 1.06; Jul 123.0 x 0.97
    np.testing.assert_allclose(smp.price(stamps), [121.25, 131.44, 119.31], rtol=1e-12)


def test_smp_hourly_shape_keeps_the_monthly_mean():
    smp = load_export_price("smp_2025")
    day = _day("2026-07-01")
    assert smp.price(day).mean() == pytest.approx(smp.monthly_mean_krw_per_kwh[6], rel=1e-3)


def test_demand_charge_and_adders(tariff):
    assert tariff.basic_charge_krw_per_kw_month == 8320.0
    assert tariff.adders_krw_per_kwh == 14.0
    assert tariff.power_industry_fund_rate == 0.027


def test_unknown_tariff_is_an_input_error():
    with pytest.raises(EngineInputError, match="kepco_nope"):
        load_tariff("kepco_nope")


# Validity: each day is priced by the version of the tariff in force on it.

def test_a_july_weekday_at_14_is_peak_before_2026_04_16_and_mid_after():
    """By hand from the two data files: old summer peak 10-12, 13-17; new summer mid 08-15, peak 15-21."""
    old, new = load_tariff(TARIFF, dt.date(2025, 7, 1)), load_tariff(TARIFF, dt.date(2026, 7, 1))
    assert (old.valid_from, old.valid_to) == (dt.date(2025, 1, 1), dt.date(2026, 4, 15))
    assert new.valid_from == dt.date(2026, 4, 16)
    assert _band_at(old, "2025-07-01 14:00") == "peak"   # Tuesday
    assert _band_at(new, "2026-07-01 14:00") == "mid"    # Wednesday
    old_peak = [h for h, b in enumerate(old.bands(_day("2025-07-01"))) if b == "peak"]
    new_peak = [h for h, b in enumerate(new.bands(_day("2026-07-01"))) if b == "peak"]
    assert old_peak == [10, 11, 13, 14, 15, 16] and new_peak == [15, 16, 17, 18, 19, 20]


def test_the_switch_falls_between_2026_04_15_and_2026_04_16():
    before, after = load_tariff(TARIFF, dt.date(2026, 4, 15)), load_tariff(TARIFF, dt.date(2026, 4, 16))
    assert before is not after
    # 10:00 on a spring weekday: peak under the old bands, mid under the new (both Wed/Thu weekdays).
    assert _band_at(before, "2026-04-15 10:00") == "peak" and _band_at(after, "2026-04-16 10:00") == "mid"
    # 21:00 is mid in both; 22:00 mid before, light after.
    assert _band_at(before, "2026-04-15 22:00") == "mid" and _band_at(after, "2026-04-16 22:00") == "light"


def test_a_day_before_every_version_is_refused_with_its_range():
    with pytest.raises(EngineInputError) as caught:
        load_tariff(TARIFF, dt.date(2024, 12, 31))
    message = str(caught.value)
    assert "\n" not in message and TARIFF in message and "2024-12-31" in message
    assert "2025-01-01 to 2026-04-15" in message and "2026-04-16 to open-ended" in message


def test_a_version_refuses_to_price_a_day_outside_its_validity():
    with pytest.raises(EngineInputError, match="does not apply to 2025-07-01"):
        load_tariff(TARIFF).bands(_day("2025-07-01"))
