"""Korean working calendar: public holidays and day types.

Tariff bands (KEPCO bills Saturdays' peak hours as mid-load and Sundays and
public holidays as light-load), tenant shift patterns and the waste-heat
host's production schedule all depend on the type of day. Public holidays
come from the ``holidays`` package (its ``KR`` calendar, which includes the
lunar holidays, alternative holidays and election days), not from a list
written here.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Literal

import holidays
import numpy as np
import pandas as pd

DayType = Literal["weekday", "saturday", "holiday"]

WEEKDAY = "weekday"
SATURDAY = "saturday"
HOLIDAY = "holiday"  # Sundays and public holidays


@lru_cache(maxsize=64)
def _holidays_of_year(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.KR(years=year).keys())


def is_public_holiday(day: dt.date) -> bool:
    """True when ``day`` is a Korean public holiday (Sundays are not included)."""
    return day in _holidays_of_year(day.year)


def day_type(day: dt.date) -> DayType:
    """Type of a calendar day for tariffs and schedules.

    Returns ``"holiday"`` for Sundays and public holidays, ``"saturday"`` for
    Saturdays that are not public holidays, ``"weekday"`` otherwise.
    """
    if day.weekday() == 6 or is_public_holiday(day):
        return HOLIDAY
    if day.weekday() == 5:
        return SATURDAY
    return WEEKDAY


def day_types(index: pd.DatetimeIndex) -> np.ndarray:
    """Day type of every timestamp of ``index`` (its local calendar date).

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Timestamps; tz-aware indexes are read in their own timezone.

    Returns
    -------
    numpy.ndarray of str
        ``"weekday"``, ``"saturday"`` or ``"holiday"`` per timestamp.
    """
    # Type each distinct local day once (a year: 365 lookups, not 8760 date objects).
    codes, days = pd.factorize(pd.DatetimeIndex(index).normalize())
    kinds = np.array([day_type(day.date()) for day in days], dtype=object)
    return kinds[codes] if len(codes) else np.array([], dtype=object)
