"""Tests of read_epw on small hand-made EPW files."""

import pandas as pd
import pytest

from weather import WeatherFileError, read_epw
from tests.weather.helpers import KMA_SAMPLE, epw_daily_values

EPW_FIRST_DATA_LINE = 9


def test_epw_values_and_interval_start_index(write_epw):
    data, metadata = read_epw(write_epw())
    assert len(data) == 48
    # EPW hour 1 (00:00-01:00) is labelled 00:00, in the file's standard time UTC+9.
    assert data.index[0] == pd.Timestamp("2021-01-01 00:00", tz="Asia/Seoul")
    assert data.index[-1] == pd.Timestamp("2021-01-02 23:00", tz="Asia/Seoul")
    noon = data.loc[pd.Timestamp("2021-01-01 12:00", tz="Asia/Seoul")]
    expected = epw_daily_values(13)  # EPW hour 13 = 12:00-13:00
    for column in ("ghi", "dni", "dhi", "temp_air", "wind_speed"):
        assert noon[column] == pytest.approx(expected[column])
    assert metadata["latitude"] == pytest.approx(35.17)
    assert metadata["longitude"] == pytest.approx(128.57)
    assert metadata["altitude"] == pytest.approx(37.2)
    assert metadata["tz"] == "UTC+09:00"
    assert metadata["site"] == "Changwon"
    assert metadata["typical_year"] is False and metadata["year"] is None


def test_epw_typical_year_is_coerced(write_epw):
    data, metadata = read_epw(write_epw(years=(2005, 2011)))
    assert metadata["typical_year"] is True
    assert set(data.index.year) == {1990}
    data, _ = read_epw(write_epw(years=(2005, 2011)), coerce_year=2026)
    assert set(data.index.year) == {2026}


def test_epw_missing_value_code_names_line_and_field(write_epw):
    def edit(lines):
        fields = lines[EPW_FIRST_DATA_LINE - 1 + 30].split(",")
        fields[13] = "9999"  # Global Horizontal Radiation missing code, line 39
        lines[EPW_FIRST_DATA_LINE - 1 + 30] = ",".join(fields)
    with pytest.raises(WeatherFileError) as caught:
        read_epw(write_epw(edit=edit))
    message = str(caught.value)
    assert "line 39" in message and "Global Horizontal Radiation" in message
    assert "'9999'" in message


def test_epw_gap_is_reported(write_epw):
    def edit(lines):
        del lines[EPW_FIRST_DATA_LINE - 1 + 10]  # drop hour 11 of day 1
    with pytest.raises(WeatherFileError, match=r"line 19.*gap of 1 missing interval"):
        read_epw(write_epw(edit=edit))


def test_epw_wrong_kind():
    with pytest.raises(WeatherFileError, match="line 1"):
        read_epw(KMA_SAMPLE)
