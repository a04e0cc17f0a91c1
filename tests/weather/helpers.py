"""Constants and helpers of the weather tests (imported by conftest and tests)."""

import pathlib

import numpy as np
import pvlib

PVLIB_DATA = pathlib.Path(pvlib.__file__).parent / "data"
TEST_DATA = pathlib.Path(__file__).parent / "data"
KMA_SAMPLE = TEST_DATA / "kma_asos_155_changwon_2023-05-14_cp949.csv"

EPW_HEADER = [
    "LOCATION,Changwon,GN,KOR,Test,471550,35.17,128.57,9.0,37.2",
    "DESIGN CONDITIONS,0",
    "TYPICAL/EXTREME PERIODS,0",
    "GROUND TEMPERATURES,0",
    "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0",
    "COMMENTS 1,hand-made sample for the weather tests",
    "COMMENTS 2,values chosen by hand",
    "DATA PERIODS,1,1,Data,Sunday,1/1,1/2",
]


def epw_record(year, month, day, hour, *, temp_air, ghi, dni, dhi, wind_speed):
    """One EPW data line (35 fields) with the given values; others are typical fillers."""
    fields = [year, month, day, hour, 60, "?9?9?9?9E0?9?9?9?9?9?9?9?9?9?9?9?9?9?9?9*9*9?9?9?9",
              temp_air, 2.0, 70, 101300, 0, 1415, 300, ghi, dni, dhi, 0, 0, 0, 0,
              180, wind_speed, 5, 3, 20.0, 77777, 9, 999999999, 10, 0.1, 0, 88, 0.2, 0.0, 1]
    return ",".join(str(field) for field in fields)


def epw_daily_values(hour):
    """Hand-chosen values for EPW hour 1..24: a bell of GHI around noon."""
    sun = max(0.0, np.sin(np.pi * (hour - 6.5) / 12.0)) if 7 <= hour <= 18 else 0.0
    ghi = round(600 * sun)
    return {"temp_air": round(5.0 + 0.5 * hour, 1), "ghi": ghi, "dni": round(0.8 * ghi),
            "dhi": round(0.3 * ghi), "wind_speed": round(1.0 + 0.1 * hour, 1)}
