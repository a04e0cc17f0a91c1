"""The manager's day logic (ui/views/today_logic.py) against hand cases and invariants."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microgrid.tariffs import load_tariff
from ui.views.today_logic import (DayStep, day_state, order_alarms, peak_against_ratchet, today_in,
                                  tou_spans, trades_by_source)

TARIFF = "kepco_industrial_eul_hv_a_option2"
SEOUL = "Asia/Seoul"


# --- the state of the day ----------------------------------------------------------------------------

def _settlements(*rows):
    columns = ["key", "kind", "period_start", "period_end", "created_at", "meta"]
    return pd.DataFrame(list(rows), columns=columns)


def _row(key, kind, start, end, created, meta=None):
    return (key, kind, start, end, pd.Timestamp(created), json.dumps(meta or {}))


DAY = dt.date(2026, 7, 1)


def test_nothing_run_is_forecast():
    state = day_state(DAY, _settlements(), None)
    assert state.step == DayStep.FORECAST and not state.settled_or_later


def test_a_dispatch_file_alone_is_dispatched():
    state = day_state(DAY, _settlements(), pd.Timestamp("2026-06-30 11:00", tz=SEOUL))
    assert state.step == DayStep.DISPATCHED and not state.settled_or_later


def test_a_day_settlement_on_the_schedule_is_settled_not_metered():
    rows = _settlements(_row("day:2026-07-01", "day", DAY, DAY, "2026-07-02 01:00", {"metered": False}),
                        _row("day:2026-07-02", "day", dt.date(2026, 7, 2), dt.date(2026, 7, 2), "2026-07-03 01:00",
                             {"metered": True}))
    state = day_state(DAY, rows, pd.Timestamp("2026-06-30 11:00", tz=SEOUL))
    assert state.step == DayStep.SETTLED and state.settled_or_later and state.metered is None
    assert state.settled == pd.Timestamp("2026-07-02 01:00")


def test_metered_settlement_is_metered_and_a_closing_covering_the_day_closes_it():
    rows = [_row("day:2026-07-01", "day", DAY, DAY, "2026-07-02 01:00", {"metered": True})]
    state = day_state(DAY, _settlements(*rows), pd.Timestamp("2026-06-30 11:00", tz=SEOUL))
    assert state.step == DayStep.METERED
    other_month = _row("close:2026-06", "close", dt.date(2026, 6, 1), dt.date(2026, 6, 30), "2026-07-05 09:00")
    assert day_state(DAY, _settlements(*rows, other_month), None).step == DayStep.METERED
    closing = _row("close:2026-07", "close", dt.date(2026, 7, 1), dt.date(2026, 7, 31), "2026-08-05 09:00")
    state = day_state(DAY, _settlements(*rows, closing), None)
    assert state.step == DayStep.CLOSED and state.closed == pd.Timestamp("2026-08-05 09:00")


def test_a_correction_is_the_redispatch_time_and_times_go_through_to_local():
    rows = _settlements(_row("day:2026-07-01", "day", DAY, DAY, "2026-07-01 03:00"),
                        _row("correction:2026-07-01", "correction", DAY, DAY, "2026-07-01 06:00"))
    state = day_state(DAY, rows, None, to_local=lambda s: pd.Timestamp(s).tz_localize("UTC").tz_convert(SEOUL))
    assert state.redispatched == pd.Timestamp("2026-07-01 15:00", tz=SEOUL)
    assert state.settled == pd.Timestamp("2026-07-01 12:00", tz=SEOUL) and state.step == DayStep.SETTLED


def test_today_is_the_park_timezone_day():
    assert today_in(SEOUL, dt.datetime(2026, 6, 30, 15, 0, tzinfo=dt.timezone.utc)) == DAY  # 00:00 KST
    assert today_in(SEOUL, dt.datetime(2026, 6, 30, 14, 59, 59, tzinfo=dt.timezone.utc)) == dt.date(2026, 6, 30)
    with pytest.raises(ValueError):
        today_in(SEOUL, dt.datetime(2026, 6, 30, 15, 0))


# --- alarms --------------------------------------------------------------------------------------------

SEVERITY = st.sampled_from(["info", "warning", "critical"])
ALARM = st.tuples(SEVERITY, st.integers(0, 23), st.booleans())


@settings(max_examples=60, deadline=None)
@given(st.lists(ALARM, min_size=1, max_size=12), st.randoms())
def test_alarms_critical_first_open_before_acknowledged_then_by_time_whatever_the_input_order(alarms, shuffle):
    frame = pd.DataFrame({
        "severity": [a[0] for a in alarms],
        "time": [pd.Timestamp(f"2026-07-01 {a[1]:02d}:00", tz=SEOUL) for a in alarms],
        "acknowledged_by": ["manager" if a[2] else None for a in alarms],
        "n": range(len(alarms)),
    })
    ordered = order_alarms(frame)
    shuffled = frame.sample(frac=1.0, random_state=shuffle.randint(0, 10_000))
    assert sorted(order_alarms(shuffled)["n"]) == sorted(ordered["n"])
    rank = {"critical": 0, "warning": 1, "info": 2}
    keys = [(rank[r.severity], r.acknowledged_by is not None, r.time) for r in ordered.itertuples()]
    assert keys == sorted(keys)
    again = order_alarms(shuffled)
    assert [(r.severity, r.acknowledged_by, r.time) for r in again.itertuples()] == \
        [(r.severity, r.acknowledged_by, r.time) for r in ordered.itertuples()]


def test_a_critical_alarm_late_in_the_day_comes_before_an_early_warning():
    frame = pd.DataFrame({"severity": ["warning", "info", "critical"],
                          "time": pd.to_datetime(["2026-07-01 01:00", "2026-07-01 00:00", "2026-07-01 23:00"]),
                          "acknowledged_by": [None, None, None]})
    assert list(order_alarms(frame)["severity"]) == ["critical", "warning", "info"]


# --- TOU bands (shared/DOMAIN.md, from 2026-04-16) ------------------------------------------------------

def _spans(day):
    return [tuple(row) for row in tou_spans(load_tariff(TARIFF, day), day, SEOUL).itertuples(index=False)]


def test_summer_weekday_bands():
    assert _spans(dt.date(2026, 7, 1)) == [(0, 8, "light"), (8, 15, "mid"), (15, 21, "peak"), (21, 22, "mid"),
                                           (22, 24, "light")]


def test_winter_weekday_bands():
    assert _spans(dt.date(2026, 12, 2)) == [(0, 8, "light"), (8, 9, "mid"), (9, 12, "peak"), (12, 16, "mid"),
                                            (16, 19, "peak"), (19, 22, "mid"), (22, 24, "light")]


def test_saturday_bills_peak_as_mid_and_sundays_and_holidays_are_light():
    assert _spans(dt.date(2026, 7, 4)) == [(0, 8, "light"), (8, 22, "mid"), (22, 24, "light")]
    assert _spans(dt.date(2026, 7, 5)) == [(0, 24, "light")]
    assert _spans(dt.date(2026, 9, 25)) == [(0, 24, "light")]  # Chuseok, a Friday


def test_quarter_hour_spans_cover_the_day_without_gaps():
    spans = tou_spans(load_tariff(TARIFF, DAY), DAY, SEOUL, step_hours=0.25)
    assert spans["start_hour"].iloc[0] == 0 and spans["end_hour"].iloc[-1] == 24
    assert (spans["start_hour"].iloc[1:].to_numpy() == spans["end_hour"].iloc[:-1].to_numpy()).all()
    assert (spans["band"].iloc[1:].to_numpy() != spans["band"].iloc[:-1].to_numpy()).all()


# --- trades by source -----------------------------------------------------------------------------------

T0, T1 = pd.Timestamp("2026-07-01 12:00", tz=SEOUL), pd.Timestamp("2026-07-01 13:00", tz=SEOUL)


def test_a_sellers_trades_split_by_its_production_mix_by_hand():
    trades = pd.DataFrame({"time": [T0, T0, T1], "seller": ["S", "S", "W"], "buyer": ["A", "B", "A"],
                           "energy_kwh": [30.0, 10.0, 5.0]})
    production = pd.DataFrame({"time": [T0, T0, T0, T1], "seller": ["S", "S", "S", "W"],
                               "source": ["pv", "orc", "battery", "wind"], "energy_kwh": [60.0, 20.0, 0.0, 8.0]})
    frame = trades_by_source(trades, production).set_index(["time", "source"])["energy_kwh"]
    # S sold 40 kWh from 60 pv + 20 orc: 30 pv, 10 orc; W sold 5 kWh, all wind
    assert frame.to_dict() == {(T0, "orc"): pytest.approx(10.0), (T0, "pv"): pytest.approx(30.0),
                               (T1, "wind"): pytest.approx(5.0)}


def test_trades_with_a_product_are_grouped_by_product():
    trades = pd.DataFrame({"time": [T0, T0, T0], "seller": ["S", "S", "W"], "buyer": ["A", "B", "A"],
                           "energy_kwh": [3.0, 4.0, 5.0], "product": ["any", "renewable", "renewable"]})
    frame = trades_by_source(trades, pd.DataFrame(columns=["time", "seller", "source", "energy_kwh"]))
    assert dict(zip(frame["source"], frame["energy_kwh"])) == {"any": 3.0, "renewable": 9.0}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["S1", "S2", "S3"]), st.sampled_from([T0, T1]),
                          st.floats(0.01, 500)), min_size=1, max_size=8),
       st.lists(st.tuples(st.sampled_from(["S1", "S2"]), st.sampled_from([T0, T1]),
                          st.sampled_from(["pv", "orc", "wind", "battery"]), st.floats(0, 800)), max_size=12))
def test_sources_add_up_to_the_traded_energy_of_each_step(trades, production):
    trade_frame = pd.DataFrame({"time": [t[1] for t in trades], "seller": [t[0] for t in trades], "buyer": "B",
                                "energy_kwh": [t[2] for t in trades]})
    production_frame = pd.DataFrame(production, columns=["seller", "time", "source", "energy_kwh"])
    frame = trades_by_source(trade_frame, production_frame)
    got = frame.groupby("time")["energy_kwh"].sum()
    expected = trade_frame.groupby("time")["energy_kwh"].sum()
    assert got.reindex(expected.index).to_numpy() == pytest.approx(expected.to_numpy())
    assert (frame["energy_kwh"] >= 0).all()
    # S3 never produces: its trades count as unknown
    unknown = frame.loc[frame["source"] == "unknown", "energy_kwh"].sum()
    assert unknown >= trade_frame.loc[trade_frame["seller"] == "S3", "energy_kwh"].sum() - 1e-9


# --- peak demand against the ratchet ---------------------------------------------------------------------

def _stats(rows):
    return pd.DataFrame(rows, columns=["participant", "day", "peak_demand_kw"])


def test_ratchet_from_winter_and_summer_months_by_hand():
    stats = _stats([
        ("T1", dt.date(2026, 1, 12), 700.0),  # January counts (Dec-Feb)
        ("T1", dt.date(2026, 4, 3), 900.0),  # April does not
        ("T1", dt.date(2026, 10, 1), 650.0),  # this month
        ("T1", dt.date(2026, 10, 2), 720.0),  # this day
        ("T1", dt.date(2026, 10, 5), 990.0),  # after the day: not yet
        ("T2", dt.date(2026, 10, 2), 100.0),
    ])
    frame = peak_against_ratchet(dt.date(2026, 10, 2), stats, {"T1": 1000.0, "T2": 1000.0}, {"T1": 0.3, "T2": 0.3},
                                 {"T1": 990.0}).set_index("participant")
    t1, t2 = frame.loc["T1"], frame.loc["T2"]
    assert t1["day_peak_kw"] == 720 and t1["month_peak_kw"] == 720 and t1["ratchet_kw"] == 700
    assert t1["billing_demand_kw"] == 720 and t1["headroom_kw"] == -20 and t1["sets_new"]
    assert t1["billed_kw"] == 990
    assert t2["ratchet_kw"] == 300 and t2["billing_demand_kw"] == 300 and not t2["sets_new"]
    assert t2["headroom_kw"] == 200 and np.isnan(t2["billed_kw"])


def test_a_participant_without_a_settled_day_has_no_peak_but_a_ratchet():
    frame = peak_against_ratchet(DAY, _stats([]), {"T1": 500.0}, {"T1": 0.3})
    assert np.isnan(frame["day_peak_kw"].iloc[0]) and frame["ratchet_kw"].iloc[0] == 150
    assert not frame["sets_new"].iloc[0]


# --- corrections ---------------------------------------------------------------------------------------

def test_corrections_summed_per_participant_and_item_largest_first():
    from ui.views.today_logic import corrections_by_participant

    frame = pd.DataFrame({
        "participant": ["T1", "T1", "T1", "T2", "T2"],
        "detail": ["trade_purchase:T2", "kepco_energy:", "kepco_vat:", "trade_sale:T1", "trade_fee:"],
        "quantity_kwh": [5.0, -5.0, np.nan, -5.0, 1.0], "amount_krw": [-700, 900, 90, -700, -3]})
    table = corrections_by_participant(frame).set_index("participant")
    assert list(table.index) == ["T2", "T1"]  # |-703| > |290|
    assert table.loc["T1", "bill_trade_bought"] == -700 and table.loc["T1", "bill_kepco_part"] == 990
    assert table.loc["T1", "total_krw"] == 290 and table.loc["T2", "total_krw"] == -703
    assert table.loc["T2", "bill_platform_fee"] == -3 and table.loc["T2", "bill_trade_sold"] == -700
    assert corrections_by_participant(frame.iloc[0:0]).empty
