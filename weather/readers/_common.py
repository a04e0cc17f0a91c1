"""Helpers shared by the weather file readers."""

import datetime
import pathlib

import numpy as np
import pandas as pd

from weather.validation import check_time_steps, check_values, file_error

# Year given to typical-year files (TMY, TMY-like EPW) whose months come from
# different years: a non-leap year, as in pvlib's examples.
TYPICAL_YEAR = 1990
TEXT_ENCODINGS = ("utf-8-sig", "cp949")


def read_text(filename, encoding=None, fallbacks=TEXT_ENCODINGS + ("latin-1",)):
    """Read a whole text file, trying encodings in turn.

    Parameters
    ----------
    filename : str or path-like
        The file.
    encoding : str, optional
        Use only this encoding.
    fallbacks : sequence of str
        Encodings tried in order when ``encoding`` is None.

    Returns
    -------
    text : str
    encoding : str
        The encoding that decoded the file.
    """
    raw = pathlib.Path(filename).read_bytes()
    candidates = (encoding,) if encoding else fallbacks
    for candidate in candidates:
        try:
            return raw.decode(candidate), candidate
        except UnicodeDecodeError as error:
            last_error = error
    line_number = raw[: last_error.start].count(b"\n") + 1
    raise file_error(filename, line_number, None, raw[last_error.start:last_error.start + 8],
                     "cannot be decoded", f"text in one of {', '.join(candidates)}")


def numbered_lines(text, first_line=1):
    """Non-blank lines from ``first_line`` on, with their 1-based numbers.

    Parameters
    ----------
    text : str
        File contents.
    first_line : int, default 1
        First line number to return.

    Returns
    -------
    list of (int, str)
    """
    return [
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if number >= first_line and line.strip()
    ]


def fixed_offset(hours):
    """A fixed UTC offset time zone (local standard time of a file).

    Parameters
    ----------
    hours : float
        Offset from UTC [h], east positive.

    Returns
    -------
    datetime.timezone
    """
    return datetime.timezone(datetime.timedelta(hours=float(hours)))


def is_typical_year(years, months, days, hours):
    """Whether rows form one calendar year stitched from several years.

    True when the rows come from more than one year but their
    (month, day, hour) stamps never go back in time: the signature of a
    typical meteorological year (TMY) whose months are taken from different
    years. A multi-year series of actual data wraps from December to January
    and is not typical.

    Parameters
    ----------
    years, months, days, hours : array-like of int
        Calendar fields of each row, in file order.

    Returns
    -------
    bool
    """
    years = np.asarray(years)
    if len(np.unique(years)) < 2:
        return False
    key = (np.asarray(months) * 100 + np.asarray(days)) * 100 + np.asarray(hours)
    return bool(np.all(np.diff(key) > 0))


def build_index(years, months, days, hours, minutes, *, tz, hour_offset, path, line_numbers,
                time_text, time_column):
    """Tz-aware timestamps from calendar fields, with a row-blaming error.

    The timestamp is ``year-month-day 00:00 + hours + minutes + hour_offset``
    so hour 24 rolls into the next day and ``hour_offset`` = -1 turns an
    interval-end label into an interval start.

    Parameters
    ----------
    years, months, days, hours, minutes : array-like of int
        Calendar fields per row.
    tz : datetime.tzinfo or str
        Time zone of the wall-clock fields.
    hour_offset : float
        Hours added to every timestamp.
    path, line_numbers, time_text, time_column
        For error messages (see :func:`weather.validation.file_error`).

    Returns
    -------
    pandas.DatetimeIndex
    """
    dates = pd.to_datetime(
        {"year": np.asarray(years), "month": np.asarray(months), "day": np.asarray(days)},
        errors="coerce")
    if dates.isna().any():
        row = int(np.flatnonzero(dates.isna().to_numpy())[0])
        raise file_error(path, line_numbers[row], time_column, time_text[row],
                         "is not a valid calendar date",
                         "a real date (no Feb 29 in a non-leap year)")
    offsets = (pd.to_timedelta(np.asarray(hours, dtype=float) + hour_offset, unit="h")
               + pd.to_timedelta(np.asarray(minutes, dtype=float), unit="min"))
    return pd.DatetimeIndex(dates + offsets).tz_localize(tz)


def finish(data, metadata, *, path, line_numbers, time_text, time_column, sources, interval,
           required):
    """Validate a freshly read canonical frame and return ``(data, metadata)``.

    Checks the time steps (duplicates, order, gaps) and the values, then
    sets the index frequency.

    Parameters
    ----------
    data : pandas.DataFrame
        Canonical columns, rows in file order.
    metadata : dict
    path, line_numbers, time_text, time_column, sources
        See :func:`weather.validation.check_time_steps` and
        :func:`weather.validation.check_values`.
    interval : pandas.Timedelta
        Expected step.
    required : sequence of str
        Columns that must be complete.

    Returns
    -------
    data : pandas.DataFrame
    metadata : dict
    """
    check_time_steps(data.index, path=path, line_numbers=line_numbers, time_text=time_text,
                     time_column=time_column, interval=interval)
    check_values(data, path=path, line_numbers=line_numbers, sources=sources,
                 required=required)
    if len(data.index) >= 2:
        data.index = pd.DatetimeIndex(data.index, freq=pd.tseries.frequencies.to_offset(interval))
    return data, metadata
