"""Tests of read_kma_asos on the hand-written CP949 sample and edited copies."""

import numpy as np
import pandas as pd
import pytest

from weather import WeatherFileError, mj_per_hour_to_w_per_m2, read_kma_asos

HEADER = "지점,지점명,일시,기온(°C),강수량(mm),풍속(m/s),풍향(16방위),습도(%),일조(hr),일사(MJ/m2),전운량(10분위)"
INSOLATION_FIELD = 9
TEMPERATURE_FIELD = 3
WIND_FIELD = 5


@pytest.fixture
def sample(kma_sample):
    return kma_sample


def write_edited(tmp_path, lines, name="edited.csv", encoding="cp949"):
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def set_field(lines, line_number, field, value):
    fields = lines[line_number - 1].split(",")
    fields[field] = value
    lines[line_number - 1] = ",".join(fields)


def test_sample_is_the_documented_format(kma_lines):
    assert kma_lines[0] == HEADER
    assert kma_lines[14].startswith("155,창원,2023-05-14 13:00,")


def test_mj_per_hour_to_w_per_m2_by_hand(sample, kma_lines):
    data, _ = sample
    # Line 15: '2023-05-14 13:00' holds 3.05 MJ/m2 received 12:00-13:00 KST.
    assert kma_lines[14].split(",")[INSOLATION_FIELD] == "3.05"
    expected = 3.05 * 1_000_000 / 3600  # = 847.22 W/m^2
    assert expected == pytest.approx(847.2222, abs=1e-4)
    assert data.loc[pd.Timestamp("2023-05-14 12:00", tz="Asia/Seoul"), "ghi"] == \
        pytest.approx(expected)
    assert mj_per_hour_to_w_per_m2(3.6) == pytest.approx(1000.0)


def test_stamps_are_shifted_to_interval_starts_in_seoul_time(sample):
    data, metadata = sample
    assert len(data) == 72
    assert str(data.index.tz) == "Asia/Seoul"
    # The file starts at '2023-05-14 00:00', the end of the hour 23:00-24:00 of May 13.
    assert data.index[0] == pd.Timestamp("2023-05-13 23:00", tz="Asia/Seoul")
    assert data.index[-1] == pd.Timestamp("2023-05-16 22:00", tz="Asia/Seoul")
    assert (np.diff(data.index.asi8) == 3600 * 10**9).all()
    assert "end of the accumulation hour" in metadata["time_shift"]


def test_temperature_and_wind_are_read_as_written(sample, kma_lines):
    data, _ = sample
    fields = kma_lines[14].split(",")
    row = data.loc[pd.Timestamp("2023-05-14 12:00", tz="Asia/Seoul")]
    assert row["temp_air"] == float(fields[TEMPERATURE_FIELD]) == 24.0
    assert row["wind_speed"] == float(fields[WIND_FIELD]) == 3.6


def test_blank_night_insolation_is_zero_and_metadata_from_station_table(sample):
    data, metadata = sample
    night = data.loc[pd.Timestamp("2023-05-14 01:00", tz="Asia/Seoul")]
    assert night["ghi"] == 0 and night["dni"] == 0 and night["dhi"] == 0
    assert metadata["station_id"] == 155 and metadata["site"] == "창원"
    assert metadata["latitude"] == pytest.approx(35.17019)
    assert metadata["longitude"] == pytest.approx(128.57282)
    assert metadata["tz"] == "Asia/Seoul" and metadata["encoding"] == "cp949"
    assert metadata["wind_height_m"] == pytest.approx(10.0)


def test_decomposition_closes(sample, midpoint_zenith):
    data, metadata = sample
    zenith = midpoint_zenith(data.index, metadata["latitude"], metadata["longitude"],
                             metadata["altitude"])
    rebuilt = data["dni"] * np.cos(np.radians(zenith)) + data["dhi"]
    np.testing.assert_allclose(rebuilt, data["ghi"], atol=1e-6)
    clear_noon = data.loc[pd.Timestamp("2023-05-14 11:00", tz="Asia/Seoul")]
    assert clear_noon["dni"] > 400  # a clear hour is mostly beam
    overcast = data.loc[pd.Timestamp("2023-05-16 11:00", tz="Asia/Seoul")]
    assert overcast["dni"] < 0.1 * overcast["ghi"]  # overcast: little beam


def test_utf8_with_bom_reads_the_same(tmp_path, sample, kma_lines):
    path = write_edited(tmp_path, kma_lines, "utf8.csv", encoding="utf-8-sig")
    data, metadata = read_kma_asos(path)
    pd.testing.assert_frame_equal(data, sample[0])
    assert metadata["encoding"] == "utf-8-sig"


def test_blank_insolation_in_daylight_names_line_and_column(tmp_path, kma_lines):
    lines = list(kma_lines)
    set_field(lines, 15, INSOLATION_FIELD, "")
    with pytest.raises(WeatherFileError) as caught:
        read_kma_asos(write_edited(tmp_path, lines))
    message = str(caught.value)
    assert "edited.csv, line 15, column '일사(MJ/m2)'" in message
    assert "blank while the sun is" in message and "\n" not in message


def test_blank_temperature_is_an_error(tmp_path, kma_lines):
    lines = list(kma_lines)
    set_field(lines, 40, TEMPERATURE_FIELD, "")
    with pytest.raises(WeatherFileError, match=r"line 40, column '기온\(°C\)'.*missing"):
        read_kma_asos(write_edited(tmp_path, lines))


@pytest.mark.parametrize("field, value, column", [
    (TEMPERATURE_FIELD, "75.0", "기온(°C)"),
    (WIND_FIELD, "-1.0", "풍속(m/s)"),
    (INSOLATION_FIELD, "6.00", "일사(MJ/m2)"),  # 1667 W/m^2
])
def test_impossible_values_name_line_column_and_value(tmp_path, kma_lines, field, value, column):
    lines = list(kma_lines)
    set_field(lines, 30, field, value)
    with pytest.raises(WeatherFileError) as caught:
        read_kma_asos(write_edited(tmp_path, lines))
    message = str(caught.value)
    assert f"line 30, column '{column}'" in message and f"'{value}'" in message
    assert "physically impossible" in message and "expected" in message


def test_non_number_is_an_error(tmp_path, kma_lines):
    lines = list(kma_lines)
    set_field(lines, 12, WIND_FIELD, "calm")
    with pytest.raises(WeatherFileError, match=r"line 12, column '풍속\(m/s\)': value 'calm'"):
        read_kma_asos(write_edited(tmp_path, lines))


def test_duplicated_out_of_order_and_missing_hours(tmp_path, kma_lines):
    duplicated = list(kma_lines)
    duplicated.insert(20, duplicated[19])  # line 20 repeated as line 21
    with pytest.raises(WeatherFileError, match=r"line 21, column '일시'.*duplicates.*line 20"):
        read_kma_asos(write_edited(tmp_path, duplicated, "duplicated.csv"))
    swapped = list(kma_lines)
    swapped[30], swapped[31] = swapped[31], swapped[30]  # lines 31 and 32
    with pytest.raises(WeatherFileError, match=r"line 32, column '일시'.*out of order"):
        read_kma_asos(write_edited(tmp_path, swapped, "swapped.csv"))
    gap = list(kma_lines)
    del gap[49:52]  # lines 50-52 removed: the old line 53 is now line 50
    with pytest.raises(WeatherFileError, match=r"gap.csv, line 50, .*gap of 3 missing"):
        read_kma_asos(write_edited(tmp_path, gap, "gap.csv"))


def test_two_stations_need_a_station_id(tmp_path, kma_lines):
    lines = list(kma_lines) + [
        line.replace("155,창원,", "152,울산,", 1) for line in kma_lines[1:]]
    path = write_edited(tmp_path, lines, "two.csv")
    with pytest.raises(WeatherFileError, match=r"line 74, column '지점': value '152'"):
        read_kma_asos(path)
    data, metadata = read_kma_asos(path, station_id=152)
    assert len(data) == 72 and metadata["station_id"] == 152
    assert metadata["latitude"] == pytest.approx(35.58237)


def test_unknown_station_needs_coordinates(tmp_path, kma_lines):
    lines = [kma_lines[0]] + [line.replace("155,", "999,", 1) for line in kma_lines[1:]]
    path = write_edited(tmp_path, lines, "unknown.csv")
    with pytest.raises(WeatherFileError, match=r"unknown.csv, line 2, column '지점': value '999' is not in the "
                                                r"shipped KMA station table; expected one of \['108 Seoul'") as error:
        read_kma_asos(path)
    assert "\n" not in str(error.value)
    data, metadata = read_kma_asos(path, latitude=35.17, longitude=128.57, altitude=37.0,
                                   wind_height_m=10.0)
    assert metadata["station_id"] == 999 and len(data) == 72


def test_unknown_unit_in_header(tmp_path, kma_lines):
    lines = list(kma_lines)
    lines[0] = lines[0].replace("일사(MJ/m2)", "일사(kWh/m2)")
    with pytest.raises(WeatherFileError, match=r"line 1, column '일사\(kWh/m2\)'"):
        read_kma_asos(write_edited(tmp_path, lines))
