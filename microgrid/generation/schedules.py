"""Production schedules: hourly production level by type of day.

The shapes live in ``microgrid/data/generation/production_schedules.toml``;
the type of day (weekday, Saturday, Sunday/public holiday) comes from
:mod:`microgrid.calendar`. Waste-heat hosts and tenant loads share them.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from microgrid.calendar import HOLIDAY, SATURDAY, WEEKDAY, day_types
from microgrid.generation.datafiles import read_toml

SCHEDULES_FILE = "production_schedules.toml"
_DAY_TYPE_ROWS = (WEEKDAY, SATURDAY, HOLIDAY)


def production_schedule_names() -> list[str]:
    """Names of the production schedules in the data file."""
    return sorted(read_toml(SCHEDULES_FILE))


def production_schedule_table(schedule: str) -> pd.DataFrame:
    """Hourly production levels of a schedule.

    Parameters
    ----------
    schedule : str
        Name in ``production_schedules.toml``, e.g. ``"two_shift_weekdays"``.

    Returns
    -------
    pandas.DataFrame
        Rows ``weekday``, ``saturday``, ``holiday``; columns hours 0-23;
        values production level [-] (fraction of full production).
    """
    schedules = read_toml(SCHEDULES_FILE)
    if schedule not in schedules:
        raise ValueError(f"unknown production schedule {schedule!r}; expected one of "
                         f"{production_schedule_names()}")
    table = pd.DataFrame([schedules[schedule][row] for row in _DAY_TYPE_ROWS],
                         index=list(_DAY_TYPE_ROWS), columns=range(24), dtype=float)
    if table.isna().any().any() or table.shape != (3, 24):
        raise ValueError(f"schedule {schedule!r} must give 24 values per day type")
    if ((table < 0) | (table > 1)).any().any():
        raise ValueError(f"schedule {schedule!r} has levels outside 0-1")
    return table


@lru_cache(maxsize=None)
def _levels(schedule: str) -> np.ndarray:
    """:func:`production_schedule_table` as a read-only array, built once per schedule (a year's loads ask ~30 times)."""
    levels = production_schedule_table(schedule).to_numpy()
    levels.flags.writeable = False
    return levels


def production_level(index: pd.DatetimeIndex, schedule: str) -> np.ndarray:
    """Production level of each interval of ``index`` under a schedule.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Interval starts in the plant's LOCAL time zone (the hour of day and
        the calendar date are read in the index's own zone).
    schedule : str
        Name in ``production_schedules.toml``.

    Returns
    -------
    numpy.ndarray
        Production level [-] per interval, from the hour in which the
        interval starts and the type of its day.
    """
    table = _levels(schedule)
    kinds = day_types(index)
    rows = np.select([kinds == WEEKDAY, kinds == SATURDAY], [0, 1], default=2)
    return table[rows, np.asarray(index.hour)]
