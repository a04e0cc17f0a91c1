"""Tests of the shipped sites and stations."""

import pytest

from weather import (
    great_circle_distance_km,
    list_sites,
    list_stations,
    load_site,
    load_station,
    nearest_site,
)
from weather.datafiles import load_toml

REQUIRED_SITES = {"changwon", "gwangyang", "ulsan", "siheung"}


def test_the_four_industrial_parks_are_shipped():
    assert REQUIRED_SITES <= set(list_sites())


@pytest.mark.parametrize("name", sorted(REQUIRED_SITES))
def test_site_figures_are_complete_and_plausible_for_korea(name):
    site = load_site(name)
    assert 33.0 < site.latitude < 38.7 and 124.5 < site.longitude < 130.0
    assert site.tz == "Asia/Seoul"
    for monthly in (site.ghi_mj_per_m2_day, site.temp_air_c, site.temp_air_daily_range_c,
                    site.wind_speed_m_s):
        assert len(monthly) == 12
    assert 4000 < sum(value * days for value, days in zip(
        site.ghi_mj_per_m2_day, (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31))) < 6000
    assert max(site.temp_air_c) == max(site.temp_air_c[6:8])  # July or August warmest
    assert min(site.temp_air_c) in (site.temp_air_c[0], site.temp_air_c[11])
    assert "1991-2020" in site.source and str(site.station_id) in site.source
    station = load_station(site.station_id)
    assert great_circle_distance_km(site.latitude, site.longitude, station.latitude,
                                    station.longitude) < 40


@pytest.mark.parametrize("name", sorted(REQUIRED_SITES))
def test_unverified_figures_are_marked_approximate_in_the_data_file(name):
    climate = load_toml(f"sites/{name}.toml")["climate"]
    if not climate["verified"]:
        assert climate["status"] == "(approximate)"


def test_nearest_site():
    assert nearest_site(35.22, 128.68).name == "changwon"
    assert nearest_site(37.34, 126.70).name == "siheung"
    assert nearest_site(35.55, 129.30).name == "ulsan"
    assert nearest_site(34.95, 127.70).name == "gwangyang"


def test_station_table_has_the_calibration_stations():
    numbers = {station.station_id for station in list_stations()}
    assert {112, 119, 152, 155, 168} <= numbers
    changwon = load_station(155)
    assert changwon.name_ko == "창원"
    assert changwon.latitude == pytest.approx(35.17019)
    assert changwon.longitude == pytest.approx(128.57282)


def test_unknown_names_raise_key_error():
    with pytest.raises(KeyError, match="unknown site"):
        load_site("atlantis")
    with pytest.raises(KeyError, match="not in the shipped table"):
        load_station(99999)


def test_great_circle_distance_seoul_to_busan():
    seoul, busan = load_station(108), load_station(159)
    distance = great_circle_distance_km(seoul.latitude, seoul.longitude,
                                        busan.latitude, busan.longitude)
    assert 315 < distance < 335
