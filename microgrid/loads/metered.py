"""Reading metered hourly consumption of park participants from CSV.

Two layouts are accepted and told apart by content:

* wide: a timestamp column, then one column of kWh per participant;
* long: three columns ``timestamp, participant, energy_kwh`` (by these
  header names in any order, or by position when the second column holds
  names rather than numbers).

Timestamps are interval STARTS of one hour. Without a UTC offset they are
read as Asia/Seoul local time (Korea has no daylight saving time); with an
offset (``+09:00``, ``Z``...) they are converted to Asia/Seoul. Every error
is a :class:`MeteredLoadError` whose one-line message names the file, the
line, the column, the value and what was expected.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from microgrid.errors import EngineInputError

PARK_TIMEZONE = "Asia/Seoul"
_OFFSET_PATTERN = re.compile(r"(Z|[+-]\d{2}(:?\d{2})?)$", re.IGNORECASE)
_TIMESTAMP_EXPECTED = ("an ISO 8601 interval start such as '2025-01-01 00:00' "
                       "or '2025-01-01T00:00+09:00'")
_LONG_COLUMNS = ("timestamp", "participant", "energy_kwh")


class MeteredLoadError(EngineInputError):
    """A metered-load file that cannot be read as hourly kWh per participant."""


@dataclass
class _Table:
    path: Path
    header: list[str]
    rows: list[list[str]]
    lines: list[int]  # file line number of each data row

    def fail(self, problem: str, *, line: int | None = None, column: str | None = None,
             value: Any = None, expected: str | None = None) -> MeteredLoadError:
        parts = [str(self.path)]
        if line is not None:
            parts.append(f"line {line}")
        if column is not None:
            parts.append(f"column {column!r}")
        message = ", ".join(parts) + ": " + problem
        if value is not None:
            message += f" (value {value!r})"
        if expected is not None:
            message += f"; expected {expected}"
        return MeteredLoadError(message)


def _read_table(path: Path) -> _Table:
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        raise MeteredLoadError(f"{path}: cannot open ({error.strerror})") from None
    header: list[str] | None = None
    rows, lines = [], []
    with handle:
        reader = csv.reader(handle)
        try:
            for record in reader:
                if not record or all(not cell.strip() for cell in record):
                    continue  # blank line
                if record[0].lstrip().startswith("#"):
                    continue  # comment line
                cells = [cell.strip() for cell in record]
                if header is None:
                    header = cells
                else:
                    rows.append(cells)
                    lines.append(reader.line_num)
        except (csv.Error, UnicodeDecodeError) as error:
            raise MeteredLoadError(f"{path}, line {reader.line_num}: not readable as "
                                   f"UTF-8 CSV ({error})") from None
    table = _Table(path, header or [], rows, lines)
    if header is None or len(header) < 2:
        raise table.fail("no header with a timestamp column and at least one participant column",
                         line=1, expected="e.g. 'timestamp,T01,T02' or 'timestamp,participant,energy_kwh'")
    if not rows:
        raise table.fail("no data rows", expected="one row per hour")
    empty = [position + 1 for position, name in enumerate(header) if not name]
    if empty:
        raise table.fail(f"header column {empty[0]} has no name", line=1)
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise table.fail("header names a column twice", line=1, column=name,
                             expected="unique column names")
        seen.add(name)
    for cells, line in zip(rows, lines):
        if len(cells) != len(header):
            raise table.fail(f"{len(cells)} cells", line=line,
                             expected=f"{len(header)} cells like the header")
    return table


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _long_layout(table: _Table) -> tuple[int, int, int] | None:
    """Positions (timestamp, participant, energy) when the file is long."""
    if len(table.header) != 3:
        return None
    names = [name.lower() for name in table.header]
    if "participant" in names and "energy_kwh" in names:
        participant, energy = names.index("participant"), names.index("energy_kwh")
        return (3 - participant - energy, participant, energy)
    if not any(_is_number(cells[1]) for cells in table.rows):
        return (0, 1, 2)  # second column holds names, not numbers
    return None


def _parse_timestamps(table: _Table, column: int) -> tuple[pd.DatetimeIndex, str]:
    texts = [cells[column] for cells in table.rows]
    name = table.header[column]
    with_offset = np.array([bool(_OFFSET_PATTERN.search(text)) for text in texts])
    if with_offset.any() and not with_offset.all():
        odd = int(np.argmax(with_offset != with_offset[0]))
        raise table.fail("timestamps mix UTC offsets and local times", line=table.lines[odd],
                         column=name, value=texts[odd],
                         expected="all timestamps with an offset or all without")
    parsed = pd.to_datetime(pd.Series(texts), format="ISO8601", errors="coerce",
                            utc=bool(with_offset.all()))
    if parsed.isna().any():
        bad = int(np.argmax(parsed.isna().to_numpy()))
        raise table.fail("not a timestamp", line=table.lines[bad], column=name,
                         value=texts[bad], expected=_TIMESTAMP_EXPECTED)
    index = pd.DatetimeIndex(parsed)
    if with_offset.all():
        return index.tz_convert(PARK_TIMEZONE), "UTC offsets in the file"
    return index.tz_localize(PARK_TIMEZONE), f"assumed {PARK_TIMEZONE} (no offsets in the file)"


def _parse_energy(table: _Table, texts: list[str], lines: list[int], columns: list[str]) -> np.ndarray:
    values = pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        where = int(np.argmax(bad))
        text = texts[where]
        if not text:
            problem = "missing value"
        elif np.isnan(values[where]) and text.lower() not in ("nan", "na", "null"):
            problem = "not a number"
        elif np.isnan(values[where]):
            problem = "NaN value"
        elif not np.isfinite(values[where]):
            problem = "infinite value"
        else:
            problem = "negative energy"
        raise table.fail(problem, line=lines[where], column=columns[where], value=text,
                         expected="a finite energy >= 0 in kWh")
    return values


def _check_hourly(table: _Table, stamps: pd.DatetimeIndex, lines: list[int], texts: list[str],
                  column: str) -> None:
    """Stamps must be strictly increasing in steps of exactly one hour."""
    hour = pd.Timedelta(hours=1)
    steps = stamps[1:] - stamps[:-1]
    for position in np.flatnonzero(steps != hour):
        previous = stamps[position]
        step = steps[position]
        line, previous_line = lines[position + 1], lines[position]
        if step == pd.Timedelta(0):
            problem = f"duplicate timestamp (also on line {previous_line})"
        elif step < pd.Timedelta(0):
            problem = f"timestamp earlier than line {previous_line} ({previous})"
        elif step % hour == pd.Timedelta(0):
            problem = (f"gap of {step // hour - 1} missing hour(s) after line "
                       f"{previous_line} ({previous})")
        else:
            problem = f"step of {step} from line {previous_line} ({previous}) is not hourly"
        raise table.fail(problem, line=line, column=column, value=texts[position + 1],
                         expected=f"the next hour, {previous + hour}")


def _read_wide(table: _Table) -> tuple[pd.DataFrame, pd.DatetimeIndex, str]:
    stamps, zone_source = _parse_timestamps(table, 0)
    _check_hourly(table, stamps, table.lines, [cells[0] for cells in table.rows], table.header[0])
    participants = table.header[1:]
    texts = [cells[position] for cells in table.rows for position in range(1, len(table.header))]
    lines = [line for line in table.lines for _ in participants]
    columns = participants * len(table.rows)
    values = _parse_energy(table, texts, lines, columns).reshape(len(table.rows), len(participants))
    return pd.DataFrame(values, index=stamps, columns=participants), stamps, zone_source


def _read_long(table: _Table, layout: tuple[int, int, int]) -> tuple[pd.DataFrame, pd.DatetimeIndex, str]:
    time_col, who_col, energy_col = layout
    stamps, zone_source = _parse_timestamps(table, time_col)
    who = [cells[who_col] for cells in table.rows]
    for name, line in zip(who, table.lines):
        if not name:
            raise table.fail("missing participant name", line=line,
                             column=table.header[who_col], expected="a participant name")
    energy = _parse_energy(table, [cells[energy_col] for cells in table.rows], table.lines,
                           [table.header[energy_col]] * len(table.rows))
    frame = pd.DataFrame({"stamp": stamps, "who": who, "energy": energy, "line": table.lines,
                          "text": [cells[time_col] for cells in table.rows]})
    repeated = frame.duplicated(["stamp", "who"], keep=False)
    if repeated.any():
        clash = frame[repeated].groupby(["stamp", "who"])["line"].apply(list).iloc[0]
        raise table.fail(f"duplicate row for this participant and hour (also on line {clash[0]})",
                         line=clash[1], column=table.header[who_col],
                         value=frame.loc[frame["line"] == clash[1], "who"].iloc[0],
                         expected="one row per participant and hour")
    first_rows = frame.sort_values(["stamp", "line"]).drop_duplicates("stamp")
    _check_hourly(table, pd.DatetimeIndex(first_rows["stamp"]), first_rows["line"].tolist(),
                  first_rows["text"].tolist(), table.header[time_col])
    participants = list(dict.fromkeys(who))
    wide = frame.pivot(index="stamp", columns="who", values="energy")[participants]
    if wide.isna().any().any():
        missing = wide.isna().stack()
        stamp, name = missing[missing].index[0]
        raise table.fail(f"participant {name!r} has no row for {stamp}",
                         column=table.header[who_col], value=name,
                         expected="one row per participant and hour")
    index = pd.DatetimeIndex(wide.index)
    wide.columns.name = None
    return wide, index, zone_source


def read_metered_loads(path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read hourly metered consumption per participant.

    Parameters
    ----------
    path : str or os.PathLike
        CSV file, wide (``timestamp,T01,T02,...``) or long
        (``timestamp,participant,energy_kwh``); lines starting with ``#`` are
        comments.

    Returns
    -------
    energy_kwh : pandas.DataFrame
        Energy per hourly interval [kWh] (equal to the mean power [kW]),
        index of interval starts in Asia/Seoul (freq 1 h), one column per
        participant in the order of the file.
    metadata : dict
        ``path``, ``layout`` (``"wide"``/``"long"``), ``participants``,
        ``start`` and ``end`` (first and last interval start),
        ``n_intervals``, ``timezone``, ``timezone_source`` and
        ``total_kwh`` per participant.

    Raises
    ------
    MeteredLoadError
        Unreadable file, bad header, missing or non-numeric, NaN or negative
        values, bad timestamps, duplicates, gaps or non-hourly steps; the
        message names the file, line, column, value and what was expected.
    """
    path = Path(path)
    table = _read_table(path)
    layout = _long_layout(table)
    if layout is None:
        energy, stamps, zone_source = _read_wide(table)
    else:
        energy, stamps, zone_source = _read_long(table, layout)
    energy.index = pd.DatetimeIndex(stamps, freq="h", name="interval_start")
    metadata = {
        "path": str(path),
        "layout": "wide" if layout is None else "long",
        "participants": list(energy.columns),
        "start": energy.index[0],
        "end": energy.index[-1],
        "n_intervals": len(energy.index),
        "timezone": PARK_TIMEZONE,
        "timezone_source": zone_source,
        "total_kwh": energy.sum().to_dict(),
    }
    return energy, metadata
