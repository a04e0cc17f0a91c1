"""Reader for KMA ASOS hourly CSV exports (기상자료개방포털 종관기상관측 시간자료).

The Korea Meteorological Administration's open data portal
(data.kma.go.kr, 기상자료개방포털 > 기상관측 > 지상 > 종관기상관측(ASOS) >
시간자료) exports CSV files with a header such as::

    지점,지점명,일시,기온(°C),풍속(m/s),일조(hr),일사(MJ/m2),...

usually encoded in CP949 (EUC-KR); UTF-8 (with or without BOM) is accepted
too. Conventions, applied here:

* ``일시`` is Korea Standard Time (UTC+9, no daylight saving), as
  ``YYYY-MM-DD HH:MM``. The stamp marks the END of the hour over which the
  insolation was accumulated (the 13:00 row holds 12:00-13:00), so rows are
  shifted by -1 h to interval starts; temperature and wind, observed at the
  stamp, end up labelled with the hour they close.
* ``일사(MJ/m2)`` is the insolation of that hour [MJ/m^2]; its mean
  irradiance is ``MJ * 1e6 / 3600`` [W/m^2]. The portal leaves the cell
  blank at night: a blank is read as 0 when the sun stays below
  ``kma_asos.blank_insolation_max_elevation_deg`` (``data/limits.toml``)
  during the hour, and is an error otherwise.
* DNI and DHI are not observed; they come from GHI with the Erbs model
  using the solar position at the interval midpoint.
"""

import csv
import datetime
import re

import numpy as np
import pandas as pd

from weather.readers._common import finish, fixed_offset, read_text
from weather.sites import load_station
from weather.solar import (
    decompose_ghi,
    maximum_elevation_in_interval,
    solar_position_at_midpoints,
)
from weather.validation import CANONICAL_COLUMNS, file_error, load_limits

KST = fixed_offset(9)
OUTPUT_TZ = "Asia/Seoul"
JOULES_PER_MEGAJOULE = 1.0e6
SECONDS_PER_HOUR = 3600.0
ONE_HOUR = pd.Timedelta(hours=1)
TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y.%m.%d %H:%M")
STATION_COLUMN = "지점"
STATION_NAME_COLUMN = "지점명"
TIME_COLUMN = "일시"
# Korean element name -> (canonical column, accepted units written in the header).
ELEMENTS = {
    "기온": ("temp_air", ("°C", "℃", "C", "degC")),
    "풍속": ("wind_speed", ("m/s", "m·s^-1", "m s-1")),
    "일사": ("ghi", ("MJ/m2", "MJ/m^2", "MJ/㎡", "MJ/m²")),
}
HEADER_NAME = re.compile(r"^\s*(?P<name>[^()]+?)\s*(\((?P<unit>[^()]*)\))?\s*$")


def mj_per_hour_to_w_per_m2(insolation_mj):
    """Mean irradiance of one hour from its insolation.

    Parameters
    ----------
    insolation_mj : numeric
        Insolation received during one hour [MJ/m^2].

    Returns
    -------
    numeric
        Mean irradiance over the hour [W/m^2] = ``MJ * 1e6 / 3600``.
    """
    return np.asarray(insolation_mj, dtype=float) * JOULES_PER_MEGAJOULE / SECONDS_PER_HOUR


def _split_header_name(column):
    match = HEADER_NAME.match(column)
    if not match:
        return column.strip(), None
    return match.group("name").strip(), (match.group("unit") or "").strip() or None


def _locate_columns(header, path):
    found = {}
    for position, column in enumerate(header):
        name, unit = _split_header_name(column)
        if name in (STATION_COLUMN, STATION_NAME_COLUMN, TIME_COLUMN) and name not in found:
            found[name] = position
        elif name in ELEMENTS and name not in found:
            canonical, units = ELEMENTS[name]
            if unit not in units:
                raise file_error(path, 1, column, unit, "is not a known unit",
                                 f"{name} in one of {', '.join(units)}")
            found[name] = position
    for name in (STATION_COLUMN, TIME_COLUMN, *ELEMENTS):
        if name not in found:
            if name in ELEMENTS:
                wanted = f"{name}({ELEMENTS[name][1][0]})"
            else:
                wanted = name
            raise file_error(path, 1, None, ",".join(header)[:60], f"lacks the column {wanted!r}",
                             "a KMA ASOS hourly export with 지점, 일시, 기온, 풍속 and 일사")
    return found


def _parse_time(text):
    for time_format in TIME_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), time_format)
        except ValueError:
            continue
    return None


def _parse_number(text):
    text = text.strip()
    if text == "":
        return np.nan
    try:
        return float(text)
    except ValueError:
        return None


def read_kma_asos(filename, *, station_id=None, latitude=None, longitude=None, altitude=None,
                  wind_height_m=None, encoding=None):
    """Read a KMA ASOS hourly CSV export into canonical weather data.

    Parameters
    ----------
    filename : str or path-like
        CSV exported from data.kma.go.kr (CP949 or UTF-8).
    station_id : int, optional
        Keep only this station's rows; required when the file holds several
        stations.
    latitude, longitude : float, optional
        Station position [deg]; by default from the shipped station table
        (:func:`weather.sites.load_station`).
    altitude : float, optional
        Station elevation [m]; by default from the station table.
    wind_height_m : float, optional
        Anemometer height [m]; by default from the station table.
    encoding : str, optional
        Text encoding; UTF-8 then CP949 are tried when None.

    Returns
    -------
    data : pandas.DataFrame
        Index: interval starts (KMA stamp - 1 h) in Asia/Seoul. Columns
        ``ghi``, ``dni``, ``dhi`` [W/m^2], ``temp_air`` [degC],
        ``wind_speed`` [m/s].
    metadata : dict
        ``source``, ``latitude``, ``longitude``, ``altitude``, ``tz``,
        ``wind_height_m``, ``site`` (station name), ``station_id``,
        ``interval``, ``time_shift``, ``decomposition``, ``encoding``.

    Raises
    ------
    WeatherFileError
        Not a KMA ASOS export, malformed or blank value, several stations
        without ``station_id``, gap, duplicate, disorder or impossible value;
        the message names the line.
    KeyError
        When the station is not in the shipped table and ``latitude``,
        ``longitude``, ``altitude`` and ``wind_height_m`` are not all given.
    """
    text, used_encoding = read_text(filename, encoding, fallbacks=("utf-8-sig", "cp949"))
    lines = text.splitlines()
    if not lines:
        raise file_error(filename, 1, None, "", "is empty", "a KMA ASOS header line")
    header = next(csv.reader([lines[0]]))
    positions = _locate_columns(header, filename)
    records = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = next(csv.reader([line]))
        if len(fields) != len(header):
            raise file_error(filename, number, None, line[:40], f"has {len(fields)} fields",
                             f"{len(header)} comma-separated fields as in the header on line 1")
        records.append((number, fields))
    if not records:
        raise file_error(filename, 2, None, "", "is missing", "hourly records after the header")

    station_texts = [fields[positions[STATION_COLUMN]].strip() for _, fields in records]
    if station_id is not None:
        records = [record for record, station in zip(records, station_texts)
                   if station == str(int(station_id))]
        if not records:
            raise file_error(filename, 2, header[positions[STATION_COLUMN]], station_id,
                             "has no rows", "rows of the requested station")
        station_texts = [str(int(station_id))] * len(records)
    elif len(set(station_texts)) > 1:
        row = next(position for position, station in enumerate(station_texts)
                   if station != station_texts[0])
        raise file_error(filename, records[row][0], header[positions[STATION_COLUMN]],
                         station_texts[row], f"is a second station after {station_texts[0]}",
                         "one station per file, or pass station_id")
    station_number = station_texts[0]
    if STATION_NAME_COLUMN in positions:
        station_name = records[0][1][positions[STATION_NAME_COLUMN]].strip()
    else:
        station_name = station_number

    line_numbers = [number for number, _ in records]
    time_text = [fields[positions[TIME_COLUMN]] for _, fields in records]
    stamps = []
    for number, value in zip(line_numbers, time_text):
        stamp = _parse_time(value)
        if stamp is None:
            raise file_error(filename, number, header[positions[TIME_COLUMN]], value,
                             "is not a date and time", "YYYY-MM-DD HH:MM (KST)")
        stamps.append(stamp)
    index = (pd.DatetimeIndex(stamps).tz_localize(KST) - ONE_HOUR).tz_convert(OUTPUT_TZ)

    raw_values, values = {}, {}
    for name, (canonical, _) in ELEMENTS.items():
        column = header[positions[name]]
        raw = [fields[positions[name]] for _, fields in records]
        parsed = []
        for number, cell in zip(line_numbers, raw):
            number_value = _parse_number(cell)
            if number_value is None:
                raise file_error(filename, number, column, cell, "is not a number",
                                 f"a number in {_split_header_name(column)[1]}")
            parsed.append(number_value)
        raw_values[canonical] = (column, raw)
        values[canonical] = np.asarray(parsed, dtype=float)

    if station_id is None:
        station_id = int(station_number) if station_number.isdigit() else None
    if latitude is None or longitude is None or altitude is None or wind_height_m is None:
        try:
            station = load_station(station_id)
        except (KeyError, TypeError, ValueError):
            from weather.sites import list_stations

            known = [f"{known.station_id} {known.name_en}" for known in list_stations()]
            raise file_error(filename, 2, header[positions[STATION_COLUMN]], station_number,
                             "is not in the shipped KMA station table",
                             f"one of {known}, or the station's latitude, longitude and altitude") from None
        latitude = station.latitude if latitude is None else latitude
        longitude = station.longitude if longitude is None else longitude
        altitude = station.altitude if altitude is None else altitude
        wind_height_m = station.wind_height_m if wind_height_m is None else wind_height_m

    insolation = values["ghi"]
    blank = np.isnan(insolation)
    if blank.any():
        limit = load_limits()["kma_asos"]["blank_insolation_max_elevation_deg"]
        elevation = maximum_elevation_in_interval(index, latitude, longitude, altitude,
                                                  interval=ONE_HOUR)
        sunlit_blank = np.flatnonzero(blank & (elevation >= limit))
        if sunlit_blank.size:
            row = int(sunlit_blank[0])
            column, raw = raw_values["ghi"]
            raise file_error(filename, line_numbers[row], column, raw[row],
                             f"is blank while the sun is {elevation[row]:.0f} deg high",
                             f"an insolation value in MJ/m2 (blank only with the sun below "
                             f"{limit:g} deg)")
        insolation = np.where(blank, 0.0, insolation)
    ghi = mj_per_hour_to_w_per_m2(insolation)
    position = solar_position_at_midpoints(index, latitude, longitude, altitude,
                                           interval=ONE_HOUR)
    split = decompose_ghi(pd.Series(ghi, index=index), position["zenith"], index + ONE_HOUR / 2)
    data = pd.DataFrame({
        "ghi": ghi,
        "dni": split["dni"].to_numpy(),
        "dhi": split["dhi"].to_numpy(),
        "temp_air": values["temp_air"],
        "wind_speed": values["wind_speed"],
    }, index=index)
    sources = dict(raw_values)
    sources["dni"] = sources["dhi"] = raw_values["ghi"]
    metadata = {
        "source": f"KMA ASOS hourly export {filename}",
        "latitude": float(latitude),
        "longitude": float(longitude),
        "altitude": float(altitude),
        "tz": OUTPUT_TZ,
        "wind_height_m": float(wind_height_m),
        "site": station_name,
        "station_id": station_id,
        "interval": "start",
        "time_shift": "KMA stamps (KST) mark the end of the accumulation hour; shifted -1 h "
                      "to interval starts",
        "decomposition": "dni and dhi from ghi with the Erbs model (pvlib.irradiance.erbs)",
        "encoding": used_encoding,
    }
    return finish(data, metadata, path=filename, line_numbers=line_numbers,
                  time_text=time_text, time_column=header[positions[TIME_COLUMN]],
                  sources=sources, interval=ONE_HOUR, required=CANONICAL_COLUMNS)
