"""Pure helpers of the sunlight-income page: why nothing was paid yet, and when the next payment is."""

from __future__ import annotations

import datetime as dt

import pandas as pd


def first_eligible_quarter(first_settled: dt.date, lag_quarters: int) -> pd.Period:
    """The first quarter a participant shares in, ``lag_quarters`` after its first settled quarter.

    Mirrors ``market.income.sunlight.settle_income``: eligible in quarter P when the first settled
    day lies before the start of ``P - (lag - 1)``, i.e. ``P >= quarter(first_settled) + lag``.
    """
    return pd.Period(first_settled, freq="Q") + max(int(lag_quarters), 0)


def next_payment_date(first_settled: dt.date, lag_quarters: int, last_settled: dt.date) -> dt.date:
    """First day after the quarter whose income is paid next [park date].

    A quarter is paid once it is over; the next paid quarter is the later of the first eligible
    quarter and the quarter of the last settled day.
    """
    quarter = max(first_eligible_quarter(first_settled, lag_quarters), pd.Period(last_settled, freq="Q"))
    return (quarter + 1).start_time.date()
