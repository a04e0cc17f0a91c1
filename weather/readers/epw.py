"""Reader for EnergyPlus weather (EPW) files.

Wraps :func:`pvlib.iotools.read_epw`. EPW hour ``h`` (1..24) holds the
values of the hour ending at ``h`` in local standard time; pvlib labels it
``h - 1``, the interval start, and so does :func:`read_epw`.
"""

import io

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

EPW_HEADER_LINES = 8
EPW_FIELD_COUNT = 35
# pvlib.iotools.read_epw column names and the EPW field names of the file.
EPW_COLUMNS = {
    "ghi": ("ghi", "Global Horizontal Radiation"),
    "dni": ("dni", "Direct Normal Radiation"),
    "dhi": ("dhi", "Diffuse Horizontal Radiation"),
    "temp_air": ("temp_air", "Dry Bulb Temperature"),
    "wind_speed": ("wind_speed", "Wind Speed"),
}
WIND_HEIGHT_M = 10.0  # EPW wind speed is the 10 m station value (EnergyPlus Auxiliary Programs)
ONE_HOUR = pd.Timedelta(hours=1)


def read_epw(filename, coerce_year=None):
    """Read an EnergyPlus EPW file into canonical weather data.

    Parameters
    ----------
    filename : str or path-like
        EPW file.
    coerce_year : int, optional
        Year given to every row. When None, a typical year (months from
        different years) is set to 1990 and any other file keeps its years.

    Returns
    -------
    data : pandas.DataFrame
        Index: interval starts (EPW hour - 1), tz = the file's fixed local
        standard time. Columns ``ghi``, ``dni``, ``dhi`` [W/m^2] (EPW
        Wh/m^2 over the hour), ``temp_air`` [degC], ``wind_speed`` [m/s].
    metadata : dict
        ``source``, ``latitude``, ``longitude``, ``altitude``, ``tz``,
        ``wind_height_m``, ``site``, ``interval``, ``time_shift``,
        ``typical_year``, ``year``, ``file_metadata``.

    Raises
    ------
    WeatherFileError
        Not an EPW file, malformed line, gap, duplicate, disorder or
        impossible value (EPW's missing-value codes 9999, 99.9 and 999 are
        impossible values); the message names the line.
    """
    text, _ = read_text(filename)
    lines = text.splitlines()
    if not lines or not lines[0].startswith("LOCATION,"):
        raise file_error(filename, 1, None, lines[0][:40] if lines else "",
                         "is not an EPW LOCATION header", "a first line starting 'LOCATION,'")
    if len(lines) <= EPW_HEADER_LINES:
        raise file_error(filename, len(lines), None, "", "ends before the data",
                         f"{EPW_HEADER_LINES} header lines followed by hourly records")
    rows = numbered_lines(text, first_line=EPW_HEADER_LINES + 1)
    for number, line in rows:
        fields = line.split(",")
        if len(fields) < EPW_FIELD_COUNT - 1:
            raise file_error(filename, number, None, line[:40], f"has {len(fields)} fields",
                             f"{EPW_FIELD_COUNT} comma-separated fields")
        if not all(field.strip().lstrip("-").isdigit() for field in fields[:5]):
            raise file_error(filename, number, "Year,Month,Day,Hour,Minute", ",".join(fields[:5]),
                             "is not a date and hour", "five integers")
    raw, file_metadata = pvlib.iotools.read_epw(io.StringIO(text))
    if len(raw) != len(rows):
        raise file_error(filename, rows[0][0], None, "", f"gives {len(raw)} records for "
                         f"{len(rows)} lines", "one record per data line")
    line_numbers = [number for number, _ in rows]
    years, months = raw["year"].to_numpy(dtype=int), raw["month"].to_numpy(dtype=int)
    days, hours = raw["day"].to_numpy(dtype=int), raw["hour"].to_numpy(dtype=int)
    time_text = [",".join(line.split(",")[:4]) for _, line in rows]
    typical = is_typical_year(years, months, days, hours)
    year = int(coerce_year) if coerce_year is not None else (TYPICAL_YEAR if typical else None)
    if year is not None:
        years = np.full(len(raw), year)
    tz = fixed_offset(file_metadata["TZ"])
    index = build_index(years, months, days, hours, np.zeros(len(raw)), tz=tz, hour_offset=-1,
                        path=filename, line_numbers=line_numbers, time_text=time_text,
                        time_column="Year,Month,Day,Hour")
    data = pd.DataFrame({canonical: pd.to_numeric(raw[column], errors="coerce").to_numpy(float)
                         for canonical, (column, _) in EPW_COLUMNS.items()}, index=index)
    sources = {canonical: (field, raw[column].tolist())
               for canonical, (column, field) in EPW_COLUMNS.items()}
    metadata = {
        "source": f"EPW file {filename}",
        "latitude": float(file_metadata["latitude"]),
        "longitude": float(file_metadata["longitude"]),
        "altitude": float(file_metadata["altitude"]),
        "tz": str(tz),
        "wind_height_m": WIND_HEIGHT_M,
        "site": str(file_metadata["city"]).strip(),
        "interval": "start",
        "time_shift": "EPW hours 1..24 mark interval ends in local standard time; labelled "
                      "with interval starts (hour - 1)",
        "typical_year": typical,
        "year": year,
        "file_metadata": file_metadata,
    }
    return finish(data, metadata, path=filename, line_numbers=line_numbers,
                  time_text=time_text, time_column="Year,Month,Day,Hour", sources=sources,
                  interval=ONE_HOUR, required=CANONICAL_COLUMNS)
