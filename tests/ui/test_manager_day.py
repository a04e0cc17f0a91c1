"""The manager's day on what the real command line writes.

The workspace (``cli_workspace``, tests/ui/conftest.py) is made by ``microgrid dispatch``, ``settle``
(one day with metered energy), ``monitor`` (a critical SOC alarm and a feeder warning) and
``redispatch``, run as subprocesses; the app's data layer and the Park today page (AppTest) read it
as a manager would.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest

from tests.ui.conftest import CLI_DAY as DAY
from tests.ui.conftest import CLI_METERED_DAY as METERED_DAY
from tests.ui.helpers import app_as
from ui.auth import Principal
from ui.data_access import DataAccess, clear_caches


@pytest.fixture()
def manager(cli_workspace) -> DataAccess:
    clear_caches()
    return DataAccess(Principal("manager", "manager"), cli_workspace)


@pytest.fixture()
def cli_env(cli_workspace, monkeypatch):
    monkeypatch.setenv("MICROGRID_UI_RESULTS", cli_workspace.results)
    monkeypatch.setenv("MICROGRID_UI_DB", cli_workspace.db)
    monkeypatch.setenv("MICROGRID_UI_USERS", cli_workspace.users)
    monkeypatch.delenv("MICROGRID_UI_PARK", raising=False)
    clear_caches()
    return cli_workspace


def _dataset(settings, day=DAY):
    from market.dispatch.io import read_dispatch

    return read_dispatch(Path(settings.results) / f"dispatch-{day.isoformat()}.nc")


def test_state_of_each_day_from_what_the_commands_wrote(manager):
    from ui.views.today_logic import DayStep

    corrected = manager.day_state(DAY)
    assert corrected.step == DayStep.SETTLED
    assert corrected.redispatched is not None and corrected.redispatched >= corrected.settled >= corrected.dispatched
    assert str(corrected.settled.tz) == "Asia/Seoul"
    assert manager.day_state(METERED_DAY).step == DayStep.METERED  # settle --metered
    nothing = manager.day_state(dt.date(2026, 7, 3))
    assert nothing.step == DayStep.FORECAST and not nothing.settled_or_later


def test_alarms_monitor_logged_are_shown_critical_first_and_acknowledged_with_who_and_when(manager, cli_workspace):
    alarms = manager.alarms(DAY)
    assert list(alarms["severity"])[:2] == ["critical", "warning"]
    assert set(alarms["severity"].iloc[2:]) <= {"info"}  # the measurement gaps (data quality)
    critical = alarms.iloc[0]
    assert critical["element"] == "BESS-shared" and f"{critical['time']:%H:%M %Z}" == "14:00 KST"
    capacity = next(a for a in manager.park.assets if a.name == "BESS-shared").energy_capacity_kwh
    assert critical["value"] == pytest.approx(0.01 * capacity) and critical["unit"] == "kWh"
    warning = alarms.iloc[1]
    assert warning["element"] == "F1" and warning["value"] == pytest.approx(11500) and warning["limit_value"] == 12000
    before = dt.datetime.now(dt.timezone.utc)
    manager.acknowledge(critical["key"])
    after = manager.alarms(DAY)
    acknowledged = after[after["key"] == critical["key"]].iloc[0]
    assert acknowledged["acknowledged_by"] == "manager"
    assert acknowledged["acknowledged_at"] >= pd.Timestamp(before).floor("s")
    assert str(acknowledged["acknowledged_at"].tz) == "Asia/Seoul"
    analyst = DataAccess(Principal("analyst", "analyst"), cli_workspace)
    with pytest.raises(PermissionError):
        analyst.acknowledge(critical["key"])


def test_plan_csv_is_the_dispatch_hour_by_hour(manager, cli_workspace):
    dataset = _dataset(cli_workspace)
    plan = pd.read_csv(io.BytesIO(manager.plan_file(DAY, "csv")), encoding="utf-8-sig")
    assert len(plan) == 24 and plan["time"].iloc[0].startswith("2026-07-01 00:00:00+09:00")
    assert plan["load_kwh"].to_numpy() == pytest.approx(dataset["load"].sum("participant").values)
    assert plan["traded_kwh"].to_numpy() == pytest.approx(dataset["trade"].sum(["seller", "buyer"]).values)
    assert plan["soc_kwh"].to_numpy() == pytest.approx(dataset["soc"].sum("storage").values)


def test_trades_by_source_add_up_to_the_trades_and_orc_is_what_the_orc_owner_sold(manager, cli_workspace):
    dataset = _dataset(cli_workspace)
    frame = manager.trades_by_source(DAY)
    per_step = frame.groupby("time")["energy_kwh"].sum()
    traded = dataset["trade"].sum(["seller", "buyer"]).to_pandas()
    traded.index = pd.DatetimeIndex(traded.index).tz_convert("Asia/Seoul")
    assert per_step.reindex(traded.index, fill_value=0).to_numpy() == pytest.approx(traded.to_numpy(), abs=1e-6)
    assert set(frame["source"]) <= {"pv", "orc", "wind", "battery"}
    # the ORC's owner has no other production: what it sold is all waste heat, and nobody else sells ORC power
    orc = next(a for a in manager.park.assets if str(a.kind) == "orc")
    owner_assets = [a for a in manager.park.assets if a.owner == orc.owner]
    if len(owner_assets) == 1 and orc.owner not in [str(s) for s in dataset["storage_owner"].values]:
        sold = float(dataset["trade"].sel(seller=orc.owner).sum())
        assert frame.loc[frame["source"] == "orc", "energy_kwh"].sum() == pytest.approx(sold, rel=1e-9)


def test_billed_peak_against_the_ratchet_agrees_with_the_ledger_and_the_dispatch(manager, cli_workspace):
    from microgrid.tariffs import load_tariff

    dataset = _dataset(cli_workspace)
    frame = manager.peak_against_ratchet(DAY).set_index("participant")
    tenants = [p for p in manager.park.participants if p.kind == "tenant"]
    assert list(frame.index) == [p.name for p in tenants]
    tariff = load_tariff(tenants[0].tariff, DAY)
    index = pd.DatetimeIndex(dataset.indexes["time"])
    mid_or_peak = tariff.bands(index) != "light"
    step = float(dataset.attrs["step_hours"])
    for participant in tenants:
        row = frame.loc[participant.name]
        # by hand: the highest mid/peak-hour import of the day [kWh per h]
        expected = float(dataset["grid_import"].sel(participant=participant.name).values[mid_or_peak].max() / step)
        assert row["day_peak_kw"] == pytest.approx(expected, rel=1e-9)
        floor = 0.3 * participant.contract_power_kw  # the only earlier history is none: the ratchet is the floor
        assert row["ratchet_kw"] == pytest.approx(floor)
        assert row["billing_demand_kw"] == pytest.approx(max(expected, floor))
        assert row["sets_new"] == (expected > floor)
        # 07-01 is July's only settled day: the month's basic charge on the ledger bills this figure
        assert row["billed_kw"] == pytest.approx(row["billing_demand_kw"], abs=0.05)  # the ledger's "x.x kW"
        assert row["basic_krw"] == pytest.approx(row["billed_kw"] * tariff.basic_charge_krw_per_kw_month, rel=1e-3)
    assert frame["sets_new"].any() and not frame["sets_new"].all()


def test_tou_spans_of_a_summer_weekday_are_kepco_bands(manager):
    name, spans = manager.tou_spans(DAY)
    # shared/DOMAIN.md, summer weekday from 2026-04-16: light 22-08, mid 08-15 and 21-22, peak 15-21
    assert spans.values.tolist() == [[0.0, 8.0, "light"], [8.0, 15.0, "mid"], [15.0, 21.0, "peak"],
                                     [21.0, 22.0, "mid"], [22.0, 24.0, "light"]]
    assert name


def _table_with(app, column: str) -> pd.DataFrame:
    return next(frame.value for frame in app.dataframe if column in frame.value.columns)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_park_today_page_shows_the_day_the_commands_made(cli_env, lang):
    app = app_as("manager", lang=lang)
    app.date_input(key="park_day").set_value(DAY).run()
    assert not app.exception, app.exception
    text = " ".join(m.value for m in app.markdown)
    if lang == "en":
        assert "The day is now: Settled" in text
        alarms = _table_with(app, "Severity")
        assert list(alarms["Severity"].iloc[:2]) == ["■■■ critical", "■■ warning"]
        assert alarms["Element"].iloc[0] == "BESS-shared" and alarms["Unit"].iloc[0] == "kWh"
        plan = _table_with(app, "Battery SOC [kWh]")
        assert len(plan) == 24
        ratchet = _table_with(app, "Ratchet from earlier months [kW]")
        assert len(ratchet) == 30 and set(ratchet["Above ratchet"]) == {"yes", "no"}
        assert ratchet["Basic charge of the month [KRW]"].str.startswith("₩").all()
        captions = " ".join(c.value for c in app.caption)
        assert "off-peak 00-08" in captions and "peak 15-21" in captions and "waste heat (ORC)" in captions
        assert "Re-dispatched" in text
    else:
        assert "현재 단계: 정산" in text
        alarms = _table_with(app, "심각도")
        assert alarms["심각도"].iloc[0].endswith("위험")
        captions = " ".join(c.value for c in app.caption)
        assert "최대부하 15-21" in captions and "폐열발전(ORC)" in captions and "태양광" in captions
    assert any(("above their ratchet" if lang == "en" else "기준을 넘은") in w.value for w in app.warning)
    if lang == "en":  # a settled day is not re-run without the tick
        path = Path(cli_env.results) / f"dispatch-{DAY.isoformat()}.nc"
        before = path.stat().st_mtime_ns
        app.date_input(key="run_date").set_value(DAY)
        next(b for b in app.get("form_submit_button") if b.label == "Run").click()
        app.run()
        assert any("Tick the confirmation" in e.value for e in app.error)
        assert path.stat().st_mtime_ns == before
    app.date_input(key="park_day").set_value(METERED_DAY).run()
    metered = " ".join(m.value for m in app.markdown)
    assert ("The day is now: Metered" if lang == "en" else "현재 단계: 계량 반영") in metered


def test_park_today_opens_on_today_in_seoul(cli_env, monkeypatch):
    from ui.views.today_logic import today_in

    app = app_as("manager", lang="en")
    assert app.date_input(key="park_day").value == today_in("Asia/Seoul")
    assert today_in("Asia/Seoul", dt.datetime(2026, 6, 30, 16, 0, tzinfo=dt.timezone.utc)) == DAY
    assert today_in("Asia/Seoul", dt.datetime(2026, 6, 30, 14, 59, tzinfo=dt.timezone.utc)) == dt.date(2026, 6, 30)
