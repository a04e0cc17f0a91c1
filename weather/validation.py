"""Checks shared by the weather readers, and the error they raise.

Every problem found in a weather file is reported as a
:class:`WeatherFileError` whose one-line message names the file, the line
number in the file, the column and the offending value, and what was
expected, so that a person can open the file at that line and fix it.
"""

import numpy as np
import pandas as pd

from weather.datafiles import load_toml
from weather.errors import EngineInputError

CANONICAL_COLUMNS = ("ghi", "dni", "dhi", "temp_air", "wind_speed")


class WeatherFileError(EngineInputError):
    """A weather file is of an unknown kind, malformed or implausible.

    The message is one line: ``<file>, line <n>, column '<name>': value
    '<value>' <problem>; expected <expectation>``.
    """


def file_error(path, line_number, column, value, problem, expected):
    """Build a :class:`WeatherFileError` with the standard one-line message.

    Parameters
    ----------
    path : str or path-like
        The file, as the caller named it.
    line_number : int or None
        1-based line number in the file; None when no line can be blamed.
    column : str or None
        Column name as written in the file.
    value : object
        The offending value as read from the file.
    problem : str
        What is wrong, e.g. ``"is missing"``.
    expected : str
        What was expected instead.

    Returns
    -------
    WeatherFileError
    """
    where = [str(path)]
    where.append(f"line {line_number}" if line_number is not None else "line ?")
    if column is not None:
        where.append(f"column {column!r}")
    text = f"{', '.join(where)}: value {str(value)!r} {problem}; expected {expected}"
    return WeatherFileError(" ".join(text.split()))


def load_limits():
    """Plausibility limits per canonical column from ``data/limits.toml``.

    Returns
    -------
    dict
        ``{column: {"minimum": float, "maximum": float, "unit": str}}`` plus
        reader-specific tables.
    """
    return load_toml("limits.toml")


def check_time_steps(index, *, path, line_numbers, time_text, time_column, interval):
    """Check that timestamps advance by exactly one interval, line after line.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Timestamps in file order (tz-aware).
    path : str or path-like
        File name for messages.
    line_numbers : sequence of int
        Line number in the file of each row.
    time_text : sequence of str
        The time as written in the file for each row.
    time_column : str
        Name of the time column(s) in the file.
    interval : pandas.Timedelta
        The expected step.

    Raises
    ------
    WeatherFileError
        On a duplicated, out-of-order or missing hour (gap), or a step that
        is not the expected interval. Duplicates and disorder are reported
        before gaps, since a row moved forward also looks like a gap.
    """
    if len(index) < 2:
        return
    steps = np.diff(index.asi8)
    expected_ns = pd.Timedelta(interval).value
    backwards = np.flatnonzero(steps <= 0)
    wrong = backwards if backwards.size else np.flatnonzero(steps != expected_ns)
    if wrong.size == 0:
        return
    position = int(wrong[0]) + 1
    step = pd.Timedelta(int(steps[position - 1]), unit="ns")
    previous = f"{time_text[position - 1]!s} on line {line_numbers[position - 1]}"
    if step == pd.Timedelta(0):
        problem = f"duplicates the time of {previous}"
    elif step < pd.Timedelta(0):
        problem = f"is out of order (earlier than {previous})"
    elif step > pd.Timedelta(interval):
        missing = step // pd.Timedelta(interval) - 1
        problem = f"leaves a gap of {missing} missing interval(s) after {previous}"
    else:
        problem = f"is only {describe_duration(step)} after {previous}"
    raise file_error(
        path,
        line_numbers[position],
        time_column,
        time_text[position],
        problem,
        f"consecutive timestamps {describe_duration(interval)} apart",
    )


def describe_duration(duration):
    """Short text for a duration, e.g. ``"1 h"`` or ``"30 min"``.

    Parameters
    ----------
    duration : pandas.Timedelta

    Returns
    -------
    str
    """
    minutes = pd.Timedelta(duration).total_seconds() / 60
    if minutes % 60 == 0:
        return f"{minutes / 60:g} h"
    return f"{minutes:g} min"


def check_values(data, *, path, line_numbers, sources, required=CANONICAL_COLUMNS):
    """Check canonical columns for missing and physically impossible values.

    Parameters
    ----------
    data : pandas.DataFrame
        Canonical weather data, rows in file order.
    path : str or path-like
        File name for messages.
    line_numbers : sequence of int
        Line number in the file of each row.
    sources : dict
        ``{canonical_column: (file_column_name, raw_values)}`` where
        ``raw_values`` holds the values as written in the file, row-aligned
        with ``data``; used to quote the file in messages.
    required : sequence of str, default all canonical columns
        Columns that must be present and free of NaN.

    Raises
    ------
    WeatherFileError
        On the first offending row (lowest line number) of the first column
        that fails, in canonical column order.
    """
    limits = load_limits()
    for column in CANONICAL_COLUMNS:
        if column not in data.columns:
            if column in required:
                raise file_error(path, 1, None, "", f"has no column for {column}",
                                 f"a column with {column}")
            continue
        values = data[column].to_numpy(dtype=float)
        file_column, raw_values = sources.get(column, (column, values))
        missing = np.isnan(values)
        if column in required and missing.any():
            row = int(np.flatnonzero(missing)[0])
            raise file_error(path, line_numbers[row], file_column, raw_values[row],
                             "is missing or not a number",
                             f"a {column} value in {limits[column]['unit']}")
        low, high = limits[column]["minimum"], limits[column]["maximum"]
        with np.errstate(invalid="ignore"):
            outside = (values < low) | (values > high)
        if outside.any():
            row = int(np.flatnonzero(outside)[0])
            unit = limits[column]["unit"]
            raise file_error(
                path, line_numbers[row], file_column, raw_values[row],
                f"gives {column} = {values[row]:g} {unit}, physically impossible",
                f"{column} between {low:g} and {high:g} {unit}",
            )
