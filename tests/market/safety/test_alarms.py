"""Measurements -> alarms -> the alarm log; fuzzed measurements never crash or pass silently."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from market.dispatch import run_dispatch
from market.ledger import open_ledger
from market.safety.alarm_log import log_alarms, read_alarms
from market.safety.alarms import raise_alarms
from market.safety.measurements import read_measurements
from microgrid.errors import EngineInputError
from tests.market.safety.cases import flat_inputs, two_feeder_park

PARK = two_feeder_park(f2_ampacity_ka=0.5)
PLAN = run_dispatch(PARK, flat_inputs(PARK)).dataset
TIME = pd.DatetimeIndex(PLAN.indexes["time"])


def frame(rows):
    return pd.DataFrame(rows, columns=["timestamp", "element", "quantity", "value", "unit"])


def test_rules_raise_the_expected_alarms(tmp_path):
    rows = [
        ["2026-07-01T11:00:00+09:00", "F2", "p", "-4.7", "MW"],    # 94 % of F2's 5,000 kW: near limit
        ["2026-07-01T12:00:00", "F1", "p", "12500", "kW"],         # over F1's limit
        ["2026-07-01T12:00:00", "TR", "p", "-300", "kW"],          # reverse flow, none permitted
        ["2026-07-01T13:00:00", "PV-B", "p", "100", "kW"],         # PV scheduled ~6.5 MW: trip
        ["2026-07-01T10:00:00", "PV-B", "p", "2000", "kW"],        # underperformance
        ["2026-07-01T09:00:00", "A", "p", "11000", "kW"],          # load far above forecast
    ]
    path = tmp_path / "m.csv"
    frame(rows).to_csv(path, index=False)
    measured = read_measurements(path, PARK, TIME)
    alarms = raise_alarms(PARK, PLAN, measured)
    kinds = {(a.kind, a.element, a.severity) for a in alarms}
    assert {("near_limit", "F2", "warning"), ("over_limit", "F1", "critical"), ("reverse_flow", "TR", "critical"),
            ("trip", "PV-B", "critical"), ("underperformance", "PV-B", "warning"),
            ("forecast_error", "A", "warning")} <= kinds
    assert all(a.suggested_action for a in alarms)
    ledger = open_ledger(f"sqlite:///{tmp_path / 'l.sqlite'}")
    assert log_alarms(ledger, PARK.name, alarms, str(path)) == len(alarms)
    logged = read_alarms(ledger)
    assert len(logged) == len(alarms) and set(logged["severity"]) >= {"warning", "critical"}


def test_missing_column_is_one_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("time,element,value\n2026-07-01T00:00,F1,3\n")
    with pytest.raises(EngineInputError, match="column 'timestamp' is missing") as caught:
        read_measurements(path, PARK, TIME)
    assert "\n" not in str(caught.value)


GOOD = {"F1": ("p", "kW", 8000.0), "F2": ("p", "kW", 1500.0), "TR": ("p", "kW", 9500.0), "A": ("p", "kW", 8000.0)}
text = st.text(alphabet="0123456789:-T +abcxyzNaIf.e", max_size=12)


@st.composite
def fuzzed(draw):
    rows = []
    for hour in range(24):
        for element, (quantity, unit, value) in GOOD.items():
            fault = draw(st.sampled_from(["ok"] * 6 + ["gap", "dup", "conflict", "spike", "nan", "unit", "time",
                                                       "element", "text"]))
            stamp = f"2026-07-01T{hour:02d}:00:00+09:00"
            row = [stamp, element, quantity, str(value), unit]
            if fault == "gap":
                continue
            if fault == "spike":
                row[3] = str(value * draw(st.floats(50, 1e6)))
            elif fault == "nan":
                row[3] = draw(st.sampled_from(["nan", "NaN", "inf", "-inf", ""]))
            elif fault == "unit":
                row[4] = draw(st.sampled_from(["kWh", "A", "kw/h", "", "%"]))
            elif fault == "time":
                row[0] = draw(text)
            elif fault == "element":
                row[1] = draw(st.sampled_from(["F9", "", "pv-b", "T-1"]))
            elif fault == "text":
                row[3] = draw(text)
            rows.append(row)
            if fault in ("dup", "conflict"):
                rows.append(row[:3] + [str(value + (1.0 if fault == "conflict" else 0.0)), unit])
    return rows


@settings(max_examples=8)
@given(fuzzed())
def test_fuzzed_measurements_are_flagged_never_wrong(rows):
    try:
        measured = read_measurements(frame(rows), PARK, TIME)
    except EngineInputError as error:
        assert "\n" not in str(error)
        return
    table = measured.table
    assert np.isfinite(table["value"]).all()
    assert not table.duplicated(["time", "element", "quantity"]).any()
    written = set()
    for r in rows:
        try:
            written.add((r[1], float(r[3]), r[4]))
        except ValueError:
            pass
    for row in table.itertuples(index=False):  # every value kept is one written, in kW, within its rating
        assert (row.element, row.value, "kW") in written
        assert abs(row.value) <= 3 * 20000.0
    kept = len(table)
    if kept < 24 * len(GOOD) or len(rows) != kept:
        assert measured.quality, "dropped or repeated rows without a data-quality alarm"
    alarms = raise_alarms(PARK, PLAN, measured)
    assert all(a.severity in ("info", "warning", "critical") and a.message for a in alarms)
