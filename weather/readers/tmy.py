"""Readers for NREL typical meteorological year files (TMY3 and TMY2).

Both wrap :mod:`pvlib.iotools` and map the file's columns to the canonical
names. Timestamps:

* TMY3 stamps mark the END of each hour in local standard time (the GHI of
  ``01/01 01:00`` was received from 00:00 to 01:00). :func:`read_tmy3`
  shifts them by -1 h to interval starts; the air temperature and wind
  speed, observed at the stamp, end up labelled with the hour they close.
* TMY2 rows carry hour 1..24 for the hour ending then; pvlib already labels
  them with the interval start (hour - 1), and so does :func:`read_tmy2`.

Both are in the file's fixed local standard time (no daylight saving).
"""

import io
import re

import numpy as np
import pandas as pd
import pvlib

from weather.readers._common import (
    TYPICAL_YEAR,
    build_index,
    finish,
    fixed_offset,
    is_typical_year,
    numbered_lines,
    read_text,
)
from weather.validation import CANONICAL_COLUMNS, file_error

TMY3_HEADER_START = "Date (MM/DD/YYYY),Time (HH:MM)"
TMY3_COLUMNS = {
    "ghi": "GHI (W/m^2)",
    "dni": "DNI (W/m^2)",
    "dhi": "DHI (W/m^2)",
    "temp_air": "Dry-bulb (C)",
    "wind_speed": "Wspd (m/s)",
}
# TMY2 columns (pvlib names) and the factor from file units to canonical units:
# irradiance in Wh/m^2 over the hour (= mean W/m^2), temperature in tenths of
# degC, wind in tenths of m/s (NREL TMY2 user's manual, tables 3-2 and 3-5).
TMY2_COLUMNS = {
    "ghi": ("GHI", 1.0),
    "dni": ("DNI", 1.0),
    "dhi": ("DHI", 1.0),
    "temp_air": ("DryBulb", 0.1),
    "wind_speed": ("Wspd", 0.1),
}
TMY2_LINE_LENGTH = 142
TMY2_HEADER_PATTERN = re.compile(
    r"^\s*\d{5}\s+.+?\s+-?\d{1,2}"            # WBAN, city and state, time zone
    r"\s+[NS]\s*\d{1,2}\s+\d{1,2}"             # latitude: N dd mm
    r"\s+[EW]\s*\d{1,3}\s+\d{1,2}"             # longitude: W ddd mm
    r"\s+-?\d+\s*$")                          # elevation [m]
DATE_PATTERN = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")
TIME_PATTERN = re.compile(r"^\d{1,2}:\d{2}$")
WIND_HEIGHT_M = 10.0  # TMY wind speeds are airport anemometer readings at 10 m
ONE_HOUR = pd.Timedelta(hours=1)


def _chosen_year(coerce_year, typical):
    if coerce_year is not None:
        return int(coerce_year)
    return TYPICAL_YEAR if typical else None


def read_tmy3(filename, coerce_year=None, *, encoding=None):
    """Read an NREL TMY3 file into canonical weather data.

    Parameters
    ----------
    filename : str or path-like
        TMY3 CSV file (pvlib ships ``723170TYA.CSV``).
    coerce_year : int, optional
        Year given to every row. When None, a typical year (months from
        different years) is set to 1990 and any other file keeps its years.
    encoding : str, optional
        Text encoding; tried UTF-8, CP949 then Latin-1 when None.

    Returns
    -------
    data : pandas.DataFrame
        Index: interval starts (the file's END stamps minus 1 h), tz = the
        file's fixed local standard time. Columns ``ghi``, ``dni``, ``dhi``
        [W/m^2], ``temp_air`` [degC], ``wind_speed`` [m/s] at 10 m.
    metadata : dict
        ``source``, ``latitude``, ``longitude``, ``altitude``, ``tz``,
        ``wind_height_m``, ``site``, ``interval``, ``time_shift``,
        ``typical_year``, ``year``, ``file_metadata`` (pvlib's header dict).

    Raises
    ------
    WeatherFileError
        Not a TMY3 file, malformed line, gap, duplicate, disorder or
        impossible value; the message names the line.
    """
    text, _ = read_text(filename, encoding)
    lines = text.splitlines()
    if len(lines) < 3 or len(lines[0].split(",")) != 7:
        raise file_error(filename, 1, None, lines[0][:60] if lines else "",
                         "is not a TMY3 site header",
                         "USAF,Name,State,TZ,latitude,longitude,altitude")
    if not lines[1].startswith(TMY3_HEADER_START):
        raise file_error(filename, 2, None, lines[1][:40], "is not a TMY3 column header",
                         f"a header starting {TMY3_HEADER_START!r}")
    header = lines[1].split(",")
    rows = numbered_lines(text, first_line=3)
    for number, line in rows:
        fields = line.split(",")
        if len(fields) != len(header):
            raise file_error(filename, number, None, line[:40], f"has {len(fields)} fields",
                             f"{len(header)} comma-separated fields as in the header on line 2")
        if not DATE_PATTERN.match(fields[0]):
            raise file_error(filename, number, header[0], fields[0], "is not a date", "MM/DD/YYYY")
        if not TIME_PATTERN.match(fields[1]):
            raise file_error(filename, number, header[1], fields[1], "is not a time", "HH:MM")
    raw, file_metadata = pvlib.iotools.read_tmy3(io.StringIO(text), map_variables=False)
    line_numbers = [number for number, _ in rows]
    time_text = (raw[header[0]] + " " + raw[header[1]]).tolist()
    dates = pd.to_datetime(raw[header[0]], format="%m/%d/%Y")
    clock = raw[header[1]].str.split(":", expand=True).astype(int)
    hours, minutes = clock[0].to_numpy(), clock[1].to_numpy()
    typical = is_typical_year(dates.dt.year, dates.dt.month, dates.dt.day, hours)
    year = _chosen_year(coerce_year, typical)
    years = dates.dt.year.to_numpy() if year is None else np.full(len(raw), year)
    tz = fixed_offset(file_metadata["TZ"])
    index = build_index(years, dates.dt.month, dates.dt.day, hours, minutes, tz=tz,
                        hour_offset=-1, path=filename, line_numbers=line_numbers,
                        time_text=time_text, time_column=f"{header[0]},{header[1]}")
    data = pd.DataFrame({canonical: pd.to_numeric(raw[column], errors="coerce").to_numpy()
                         for canonical, column in TMY3_COLUMNS.items()}, index=index)
    sources = {canonical: (column, raw[column].tolist())
               for canonical, column in TMY3_COLUMNS.items()}
    metadata = {
        "source": f"TMY3 file {filename}",
        "latitude": float(file_metadata["latitude"]),
        "longitude": float(file_metadata["longitude"]),
        "altitude": float(file_metadata["altitude"]),
        "tz": str(tz),
        "wind_height_m": WIND_HEIGHT_M,
        "site": str(file_metadata["Name"]).strip().strip('"'),
        "interval": "start",
        "time_shift": "TMY3 stamps mark interval ends in local standard time; shifted -1 h "
                      "to interval starts",
        "typical_year": typical,
        "year": year,
        "file_metadata": file_metadata,
    }
    return finish(data, metadata, path=filename, line_numbers=line_numbers,
                  time_text=time_text, time_column=f"{header[0]},{header[1]}", sources=sources,
                  interval=ONE_HOUR, required=CANONICAL_COLUMNS)


def read_tmy2(filename, coerce_year=None):
    """Read an NREL TMY2 file into canonical weather data.

    Parameters
    ----------
    filename : str or path-like
        TMY2 fixed-width file (pvlib ships ``12839.tm2``).
    coerce_year : int, optional
        Year given to every row. When None, a typical year is set to 1990
        and any other file keeps its years (two digits + 1900).

    Returns
    -------
    data : pandas.DataFrame
        Index: interval starts (file hour 1..24 minus 1 h, as pvlib), tz =
        the file's fixed local standard time. Columns ``ghi``, ``dni``,
        ``dhi`` [W/m^2], ``temp_air`` [degC], ``wind_speed`` [m/s] at 10 m,
        converted from the file's Wh/m^2, tenths of degC and tenths of m/s.
    metadata : dict
        Like :func:`read_tmy3`.

    Raises
    ------
    WeatherFileError
        Not a TMY2 file, malformed line, gap, duplicate, disorder or
        impossible value; the message names the line.
    """
    text, _ = read_text(filename, fallbacks=("latin-1",))
    lines = text.splitlines()
    if not lines or not TMY2_HEADER_PATTERN.match(lines[0]):
        raise file_error(filename, 1, None, lines[0][:60] if lines else "",
                         "is not a TMY2 site header",
                         "WBAN, city, state, time zone, latitude, longitude, elevation")
    rows = numbered_lines(text, first_line=2)
    for number, line in rows:
        if len(line) < TMY2_LINE_LENGTH or not line[1:9].strip().isdigit():
            raise file_error(filename, number, None, line[:20],
                             "is not a TMY2 data record",
                             f"{TMY2_LINE_LENGTH} characters starting with YYMMDDHH")
    raw, file_metadata = pvlib.iotools.read_tmy2(str(filename))
    line_numbers = [number for number, _ in rows]
    time_text = [line[1:9] for _, line in rows]
    years = 1900 + raw["year"].to_numpy(dtype=int)
    months, days = raw["month"].to_numpy(dtype=int), raw["day"].to_numpy(dtype=int)
    hours = raw["hour"].to_numpy(dtype=int)
    typical = is_typical_year(years, months, days, hours)
    year = _chosen_year(coerce_year, typical)
    if year is not None:
        years = np.full(len(raw), year)
    tz = fixed_offset(file_metadata["TZ"])
    index = build_index(years, months, days, hours, np.zeros(len(raw)), tz=tz, hour_offset=-1,
                        path=filename, line_numbers=line_numbers, time_text=time_text,
                        time_column="YYMMDDHH")
    data = pd.DataFrame({canonical: raw[column].to_numpy(dtype=float) * factor
                         for canonical, (column, factor) in TMY2_COLUMNS.items()}, index=index)
    sources = {canonical: (column, raw[column].tolist())
               for canonical, (column, _) in TMY2_COLUMNS.items()}
    metadata = {
        "source": f"TMY2 file {filename}",
        "latitude": float(file_metadata["latitude"]),
        "longitude": float(file_metadata["longitude"]),
        "altitude": float(file_metadata["altitude"]),
        "tz": str(tz),
        "wind_height_m": WIND_HEIGHT_M,
        "site": str(file_metadata["City"]).strip(),
        "interval": "start",
        "time_shift": "TMY2 hours 1..24 mark interval ends in local standard time; labelled "
                      "with interval starts (hour - 1)",
        "typical_year": typical,
        "year": year,
        "file_metadata": file_metadata,
    }
    return finish(data, metadata, path=filename, line_numbers=line_numbers,
                  time_text=time_text, time_column="YYMMDDHH", sources=sources,
                  interval=ONE_HOUR, required=CANONICAL_COLUMNS)
