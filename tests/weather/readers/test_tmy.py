"""Tests of read_tmy3 and read_tmy2 against pvlib's own reads of pvlib's files."""

import numpy as np
import pandas as pd
import pvlib
import pytest

from weather import CANONICAL_COLUMNS, WeatherFileError, read_tmy3
from tests.weather.helpers import PVLIB_DATA

GREENSBORO = PVLIB_DATA / "723170TYA.CSV"
SAND_POINT = PVLIB_DATA / "703165TY.csv"
MIAMI = PVLIB_DATA / "12839.tm2"
ONE_HOUR = pd.Timedelta(hours=1)


@pytest.fixture
def greensboro(greensboro_tmy3):
    return greensboro_tmy3


def test_tmy3_equals_pvlib_raw_read_shifted_to_interval_starts(greensboro):
    data, metadata = greensboro
    raw, _ = pvlib.iotools.read_tmy3(GREENSBORO, coerce_year=1990, map_variables=True)
    assert (data.index == raw.index - ONE_HOUR).all()
    for column in CANONICAL_COLUMNS:
        np.testing.assert_array_equal(data[column].to_numpy(), raw[column].to_numpy())
    assert metadata["typical_year"] and metadata["year"] == 1990


def test_tmy3_known_row_by_hand(greensboro):
    data, _ = greensboro
    lines = GREENSBORO.read_text().splitlines()
    line_number = 4192  # 06/24 14:00 in the file: the hour 13:00-14:00
    fields = lines[line_number - 1].split(",")
    header = lines[1].split(",")
    month, day, _ = fields[0].split("/")
    hour = int(fields[1].split(":")[0])
    assert hour == 14
    interval_start = pd.Timestamp(year=1990, month=int(month), day=int(day),
                                  tz=data.index.tz) + pd.Timedelta(hours=hour - 1)
    row = data.loc[interval_start]
    assert row["ghi"] == float(fields[header.index("GHI (W/m^2)")])
    assert row["ghi"] > 0
    assert row["dni"] == float(fields[header.index("DNI (W/m^2)")])
    assert row["dhi"] == float(fields[header.index("DHI (W/m^2)")])
    assert row["temp_air"] == float(fields[header.index("Dry-bulb (C)")])
    assert row["wind_speed"] == float(fields[header.index("Wspd (m/s)")])


def test_tmy3_index_and_metadata(greensboro):
    data, metadata = greensboro
    assert len(data) == 8760
    assert data.index[0] == pd.Timestamp("1990-01-01 00:00", tz="UTC") + pd.Timedelta(hours=5)
    assert data.index[-1] == pd.Timestamp("1990-12-31 23:00", tz="Etc/GMT+5")
    assert metadata["tz"] == "UTC-05:00"
    assert metadata["latitude"] == pytest.approx(36.1)
    assert metadata["longitude"] == pytest.approx(-79.95)
    assert metadata["altitude"] == pytest.approx(273)
    assert metadata["wind_height_m"] == 10
    assert metadata["interval"] == "start"
    assert "interval ends" in metadata["time_shift"]
    assert "GREENSBORO" in metadata["site"]


def test_tmy3_sun_up_hours_follow_the_shift(greensboro):
    data, metadata = greensboro
    noon_mean = data["ghi"][data.index.hour == 12].mean()
    assert noon_mean > 400
    assert data["ghi"][data.index.hour == 23].max() == 0


def test_tmy3_coerce_year():
    data, metadata = read_tmy3(SAND_POINT, coerce_year=2023)
    assert data.index[0].year == 2023 and data.index[-1].year == 2023
    assert metadata["tz"] == "UTC-09:00" and len(data) == 8760


def test_tmy2_equals_pvlib_raw_read_in_canonical_units(miami_tmy2, miami_tmy2_raw):
    data, metadata = miami_tmy2
    raw, _ = miami_tmy2_raw
    np.testing.assert_array_equal(data["ghi"].to_numpy(), raw["GHI"].to_numpy())
    np.testing.assert_array_equal(data["dni"].to_numpy(), raw["DNI"].to_numpy())
    np.testing.assert_allclose(data["temp_air"].to_numpy(), raw["DryBulb"].to_numpy() / 10)
    np.testing.assert_allclose(data["wind_speed"].to_numpy(), raw["Wspd"].to_numpy() / 10)
    # pvlib labels TMY2 rows with the interval start already; only the year differs.
    assert (data.index.tz_localize(None) - raw.index.tz_localize(None)
            == (data.index[0].tz_localize(None) - raw.index[0].tz_localize(None))).all()
    assert data.index[0] == pd.Timestamp("1990-01-01 00:00", tz="Etc/GMT+5")
    assert metadata["latitude"] == pytest.approx(25.8)
    assert metadata["longitude"] == pytest.approx(-80.2667, abs=1e-3)
    assert metadata["tz"] == "UTC-05:00"


def test_tmy2_first_record_by_hand(miami_tmy2):
    data, _ = miami_tmy2
    first = MIAMI.read_text().splitlines()[1]
    # Fixed-width record (TMY2 manual table 3-2): YYMMDDHH in columns 2-9, ETR, ETRN,
    # then GHI in columns 18-21; dry-bulb temperature in tenths of degC in columns 68-71.
    assert first[1:9] == "62010101"
    assert data["ghi"].iloc[0] == float(first[17:21])
    assert first[67:71] == "0200"
    assert data["temp_air"].iloc[0] == pytest.approx(20.0)


def test_tmy3_bad_value_names_line_and_column(tmp_path):
    lines = GREENSBORO.read_text().splitlines()
    fields = lines[999].split(",")
    fields[4] = "-5"  # GHI (W/m^2) on line 1000
    lines[999] = ",".join(fields)
    broken = tmp_path / "broken.csv"
    broken.write_text("\n".join(lines) + "\n")
    with pytest.raises(WeatherFileError) as caught:
        read_tmy3(broken)
    message = str(caught.value)
    assert "broken.csv" in message and "line 1000" in message
    assert "GHI (W/m^2)" in message and "'-5'" in message and "between 0 and 1500" in message
    assert "\n" not in message


def test_tmy3_duplicated_hour_names_the_second_line(tmp_path):
    lines = GREENSBORO.read_text().splitlines()
    lines.insert(500, lines[499])  # line 500 repeated as line 501
    broken = tmp_path / "duplicated.csv"
    broken.write_text("\n".join(lines) + "\n")
    with pytest.raises(WeatherFileError, match=r"line 501.*duplicates the time.*line 500"):
        read_tmy3(broken)


def test_tmy3_malformed_line(tmp_path):
    lines = GREENSBORO.read_text().splitlines()
    lines[20] = "01/01/1988,19:00,0,0"
    broken = tmp_path / "short.csv"
    broken.write_text("\n".join(lines) + "\n")
    with pytest.raises(WeatherFileError, match=r"short.csv, line 21.*has 4 fields"):
        read_tmy3(broken)
