"""Recognise a weather file's kind from its content and read it.

The kind is decided from the first lines of the file, never from its name:

* EPW: the first line starts with ``LOCATION,``.
* TMY3: the second line starts with ``Date (MM/DD/YYYY),Time (HH:MM)``.
* TMY2: the first line is a fixed-width site header (WBAN, city, state,
  time zone, ``N dd mm``, ``W ddd mm``, elevation) and the second a record
  starting with ``YYMMDDHH``.
* KMA ASOS: a CSV header (CP949 or UTF-8) with the columns ``지점`` and
  ``일시``.
"""

import re

from weather.readers._common import TEXT_ENCODINGS
from weather.readers.epw import read_epw
from weather.readers.kma import read_kma_asos
from weather.readers.tmy import TMY2_HEADER_PATTERN, TMY3_HEADER_START, read_tmy2, read_tmy3
from weather.validation import file_error

READERS = {
    "epw": read_epw,
    "tmy3": read_tmy3,
    "tmy2": read_tmy2,
    "kma_asos": read_kma_asos,
}
SNIFF_BYTES = 8192
TMY2_RECORD_START = re.compile(r"^ ?\d{8}")


def _first_lines(filename, count=2):
    with open(filename, "rb") as stream:
        head = stream.read(SNIFF_BYTES)
    for encoding in TEXT_ENCODINGS + ("latin-1",):
        try:
            text = head.decode(encoding)
            break
        except UnicodeDecodeError:
            # A multi-byte character may be cut at the end of the sample.
            try:
                text = head[: head.rfind(b"\n") + 1].decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    lines = text.splitlines()
    return (lines + [""] * count)[:count]


def detect_weather_file_kind(filename):
    """The kind of a weather file, judged from its content.

    Parameters
    ----------
    filename : str or path-like
        The file.

    Returns
    -------
    str
        One of ``"epw"``, ``"tmy3"``, ``"tmy2"``, ``"kma_asos"``.

    Raises
    ------
    WeatherFileError
        When the content matches no known kind (the message names line 1).
    """
    first, second = _first_lines(filename)
    if first.startswith("LOCATION,"):
        return "epw"
    if second.startswith(TMY3_HEADER_START):
        return "tmy3"
    if TMY2_HEADER_PATTERN.match(first) and TMY2_RECORD_START.match(second):
        return "tmy2"
    header_names = [name.strip().split("(")[0].strip() for name in first.split(",")]
    if "지점" in header_names and "일시" in header_names:
        return "kma_asos"
    raise file_error(filename, 1, None, first[:60], "is not the start of a known weather file",
                     "an EPW 'LOCATION,' line, a TMY3 or TMY2 header, or a KMA ASOS header "
                     "'지점,지점명,일시,...'")


def read_weather(filename, **kwargs):
    """Read any supported weather file, choosing the reader from its content.

    Parameters
    ----------
    filename : str or path-like
        EPW, TMY3, TMY2 or KMA ASOS hourly CSV file.
    **kwargs
        Passed to the reader (e.g. ``coerce_year`` for TMY/EPW,
        ``station_id`` for KMA).

    Returns
    -------
    data : pandas.DataFrame
        Canonical weather data (see the individual readers).
    metadata : dict
        The reader's metadata plus ``file_kind``.

    Raises
    ------
    WeatherFileError
        Unknown kind, or any problem the reader finds.
    """
    kind = detect_weather_file_kind(filename)
    data, metadata = READERS[kind](filename, **kwargs)
    metadata["file_kind"] = kind
    return data, metadata
