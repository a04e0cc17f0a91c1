"""Shared fixtures of the weather tests."""

import pandas as pd
import pvlib
import pytest

from weather import load_site, read_kma_asos, read_tmy2, read_tmy3, synthetic_weather
from tests.weather.helpers import (
    EPW_HEADER,
    KMA_SAMPLE,
    PVLIB_DATA,
    epw_daily_values,
    epw_record,
)


@pytest.fixture
def write_epw(tmp_path):
    """Write a small two-day EPW file; ``years`` gives the year of each day."""
    def write(name="sample.epw", years=(2021, 2021), edit=None):
        lines = list(EPW_HEADER)
        for day, year in zip((1, 2), years):
            for hour in range(1, 25):
                lines.append(epw_record(year, 1, day, hour, **epw_daily_values(hour)))
        if edit is not None:
            edit(lines)
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path
    return write


@pytest.fixture(scope="session")
def changwon_year():
    """A synthetic leap year at the Changwon park (computed once)."""
    site = load_site("changwon")
    return synthetic_weather(site.latitude, site.longitude, 2024, altitude=site.altitude,
                             site="changwon", seed=0)


@pytest.fixture(scope="session")
def midpoint_zenith():
    """Zenith at interval midpoints computed directly with pvlib (independent of weather.solar)."""
    def compute(index, latitude, longitude, altitude=0.0):
        midpoints = index + pd.Timedelta(minutes=30)
        return pvlib.solarposition.get_solarposition(
            midpoints, latitude, longitude, altitude=altitude)["zenith"].to_numpy()
    return compute


@pytest.fixture(scope="session")
def kma_lines():
    """The KMA sample's lines (decoded from CP949)."""
    return KMA_SAMPLE.read_bytes().decode("cp949").splitlines()


@pytest.fixture(scope="session")
def greensboro_tmy3():
    """pvlib's Greensboro TMY3 file read once: (data, metadata)."""
    return read_tmy3(PVLIB_DATA / "723170TYA.CSV")


@pytest.fixture(scope="session")
def miami_tmy2():
    """pvlib's Miami TMY2 file read once (pvlib's TMY2 parser is slow): (data, metadata)."""
    return read_tmy2(PVLIB_DATA / "12839.tm2")


@pytest.fixture(scope="session")
def miami_tmy2_raw():
    """pvlib's own raw read of the Miami TMY2 file."""
    return pvlib.iotools.read_tmy2(PVLIB_DATA / "12839.tm2")


@pytest.fixture(scope="session")
def kma_sample():
    """The hand-written KMA sample read once: (data, metadata)."""
    return read_kma_asos(KMA_SAMPLE)
