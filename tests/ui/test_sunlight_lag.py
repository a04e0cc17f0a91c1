"""The sunlight page's eligibility lag and next payment date, by hand and against settle_income's rule."""

import datetime as dt

import pandas as pd

from ui.views.sunlight_logic import first_eligible_quarter, next_payment_date


def test_lag_one_quarter_by_hand():
    # first settled 2026-06-30 (Q2): with a lag of 1 the first shared quarter is Q3, paid from 2026-10-01
    assert first_eligible_quarter(dt.date(2026, 6, 30), 1) == pd.Period("2026Q3")
    assert next_payment_date(dt.date(2026, 6, 30), 1, dt.date(2026, 7, 1)) == dt.date(2026, 10, 1)


def test_no_lag_pays_after_current_quarter():
    assert first_eligible_quarter(dt.date(2026, 2, 1), 0) == pd.Period("2026Q1")
    assert next_payment_date(dt.date(2026, 2, 1), 0, dt.date(2026, 8, 5)) == dt.date(2026, 10, 1)


def test_agrees_with_settle_income_rule():
    # settle_income: eligible in P when first_seen < (P - (lag-1)).start_time
    for lag in (1, 2, 3):
        for first in (dt.date(2026, 1, 1), dt.date(2026, 3, 31), dt.date(2026, 5, 15)):
            eligible = first_eligible_quarter(first, lag)
            for period in pd.period_range("2026Q1", "2027Q4", freq="Q"):
                rule = first < (period - max(lag - 1, 0)).start_time.date()
                assert rule == (period >= eligible), (lag, first, period)
