"""The RE100 page says in a sentence when nothing counts (a tenant with only waste heat)."""

import pandas as pd

from ui.i18n import t
from ui.views.re100_logic import nothing_counts


def _frame(annual, hourly):
    periods = [f"2026-0{m}" for m in range(1, len(annual) + 1)] + ["ytd"]
    return pd.DataFrame({"period": periods, "annual_match": annual + [sum(annual)],
                         "hourly_match": hourly + [sum(hourly)]})


def test_only_waste_heat_counts_nothing():
    assert nothing_counts(_frame([0.0, 0.0], [0.0, float("nan")]))


def test_one_month_with_solar_counts():
    assert not nothing_counts(_frame([0.0, 0.12], [0.0, 0.05]))
    assert not nothing_counts(_frame([0.0, 0.0], [0.0, 0.01]))


def test_sentence_in_both_languages():
    assert "RE100" in t("re100_nothing_counts", "ko") and "waste heat" in t("re100_nothing_counts", "en")
