"""Tests of read_weather / detect_weather_file_kind: the kind comes from content."""

import shutil

import pandas as pd
import pytest

from weather import (
    WeatherFileError,
    detect_weather_file_kind,
    read_epw,
    read_kma_asos,
    read_tmy2,
    read_tmy3,
    read_weather,
)
from tests.weather.helpers import KMA_SAMPLE, PVLIB_DATA


@pytest.fixture
def disguised(tmp_path):
    """Copy a file under a misleading name."""
    def copy(source, name):
        target = tmp_path / name
        shutil.copyfile(source, target)
        return target
    return copy


def test_kinds_are_detected_from_content_not_extension(disguised, write_epw):
    assert detect_weather_file_kind(disguised(PVLIB_DATA / "723170TYA.CSV", "a.epw")) == "tmy3"
    assert detect_weather_file_kind(disguised(PVLIB_DATA / "12839.tm2", "b.csv")) == "tmy2"
    assert detect_weather_file_kind(disguised(KMA_SAMPLE, "c.tm2")) == "kma_asos"
    assert detect_weather_file_kind(disguised(write_epw(), "d.csv")) == "epw"


@pytest.mark.parametrize("source, kind, direct_read", [
    (PVLIB_DATA / "723170TYA.CSV", "tmy3", "greensboro_tmy3"),
    (PVLIB_DATA / "12839.tm2", "tmy2", "miami_tmy2"),
    (KMA_SAMPLE, "kma_asos", "kma_sample"),
])
def test_read_weather_dispatches_to_the_right_reader(disguised, request, source, kind,
                                                     direct_read):
    data, metadata = read_weather(disguised(source, "weather.dat"))
    expected, expected_metadata = request.getfixturevalue(direct_read)
    pd.testing.assert_frame_equal(data, expected)
    assert metadata["file_kind"] == kind
    assert metadata["latitude"] == expected_metadata["latitude"]


def test_read_weather_passes_keyword_arguments(write_epw):
    data, metadata = read_weather(write_epw(years=(2001, 2007)), coerce_year=2030)
    assert metadata["file_kind"] == "epw" and set(data.index.year) == {2030}
    expected, _ = read_epw(write_epw(name="again.epw", years=(2001, 2007)), coerce_year=2030)
    pd.testing.assert_frame_equal(data, expected)


def test_unknown_file_raises_with_line_one(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("date,power_kw\n2024-01-01 00:00,12.5\n")
    with pytest.raises(WeatherFileError) as caught:
        read_weather(path)
    message = str(caught.value)
    assert "notes.csv, line 1" in message and "date,power_kw" in message
    assert "expected" in message
    assert isinstance(caught.value, ValueError)


def test_wrong_reader_for_the_file_raises(disguised):
    with pytest.raises(WeatherFileError, match="line 1"):
        read_tmy3(disguised(KMA_SAMPLE, "kma.csv"))
    with pytest.raises(WeatherFileError, match="line 1"):
        read_tmy2(PVLIB_DATA / "723170TYA.CSV")
    with pytest.raises(WeatherFileError, match="line 1"):
        read_kma_asos(PVLIB_DATA / "723170TYA.CSV")
