"""Every page for every role, through Streamlit's AppTest (no browser)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import xarray as xr

from tests.ui.helpers import app_as, metrics, page_text, titles
from ui.auth import Principal
from ui.data_access import DataAccess


def AppTest_from_app():
    from streamlit.testing.v1 import AppTest

    from tests.ui.conftest import APP

    return AppTest.from_file(str(APP), default_timeout=120)


def _access(settings, username, role, participant=None):
    return DataAccess(Principal(username, role, participant), settings)


def test_login_is_required_and_wrong_password_is_refused(ui_env):
    app = app_as(None)
    assert not app.exception
    assert app.warning and "로그인" in app.warning[0].value
    assert not app.metric and not app.dataframe
    refused = app_as("T01", secret="wrong")
    assert refused.warning and not refused.metric and not refused.dataframe
    unknown = app_as("T99", secret="T99-demo")
    assert unknown.warning and not unknown.metric


def test_a_session_value_in_state_is_no_log_in(ui_env):
    """Only the signed cookie logs in: a principal or token put into session state opens nothing."""
    from tests.ui.helpers import login_token
    from ui.auth import Principal

    token = login_token("manager")
    app = AppTest_from_app()
    app.session_state["principal"] = Principal("manager", "manager")
    app.session_state["_login"] = token[:24]
    app.session_state["park_session"] = token
    app.run()
    assert app.warning and not app.metric and titles(app) != ["오늘의 산단"]


def test_tenant_my_trades_shows_its_trades_bill_and_statement(ui_env):
    app = app_as("T01")
    assert not app.exception
    assert titles(app) == ["나의 거래"]
    assert "trades_participant" not in [box.key for box in app.selectbox]  # a tenant has no participant picker
    view = _access(ui_env, "T01", "tenant", "T01").trades(dt.date(2026, 7, 1))
    shown = app.dataframe[0].value
    assert len(shown) == len(view.hourly) > 0
    assert set(shown.iloc[:, 1]) == set(view.hourly["counterpart"])
    assert {"나의 순비용", "한전 단독 요금", "절감액"} <= set(metrics(app))
    assert metrics(app)["나의 순비용"].endswith("만 원")
    assert [button.label for button in app.get("download_button")] == ["정산서 CSV 내려받기", "정산서 HTML 내려받기"]


def test_tenant_sees_only_its_own_pages_and_never_another_tenant(ui_env):
    app = app_as("T01")
    t02 = _access(ui_env, "manager", "manager").display_name("T02")
    for page in ("views/re100.py", "views/sunlight.py", "views/my_trades.py"):
        app.switch_page(page).run()
        assert not app.exception, page
        text = page_text(app)
        assert t02 not in text and "T02 -" not in text
    with pytest.raises(ValueError):  # park pages are not registered for a tenant
        app.switch_page("views/park_today.py")
    with pytest.raises(ValueError):
        app.switch_page("views/year.py")


def test_query_parameters_and_session_keys_do_not_switch_participant(ui_env):
    app = app_as("T01")
    app.query_params["participant"] = "T02"
    app.query_params["user"] = "manager"
    app.session_state["trades_participant"] = "T02"
    app.session_state["re100_participant"] = "T02"
    app.run()
    assert "T01" in page_text(app)
    own = _access(ui_env, "T01", "tenant", "T01").daily_bills("2026-07")
    other = _access(ui_env, "manager", "manager").daily_bills("2026-07", "T02")
    assert own["net_cost_krw"].sum() != other["net_cost_krw"].sum()
    from ui.i18n import krw_man

    assert metrics(app)["나의 순비용"] == krw_man(own["net_cost_krw"].sum())
    app.switch_page("views/re100.py").run()
    assert "T01" in page_text(app) and "T02 -" not in page_text(app)


def test_tenant_re100_page(ui_env):
    app = app_as("T01", lang="en")
    app.switch_page("views/re100.py").run()
    assert not app.exception
    assert titles(app) == ["RE100"]
    figures = _access(ui_env, "T01", "tenant", "T01").re100_by_month(2026)
    ytd = figures[figures["period"] == "ytd"].iloc[0]
    assert metrics(app)["Annual match"] == f"{100 * ytd['annual_match']:.1f} %"
    assert metrics(app)["Hourly match (CFE)"] == f"{100 * ytd['hourly_match']:.1f} %"
    assert len(app.get("vega_lite_chart")) == 2
    assert list(app.dataframe[0].value.iloc[:, 0]) == ["2026-06", "2026-07", "Year to date"]


def test_tenant_sunlight_income_page_shows_own_rows_only(ui_env):
    app = app_as("T01", lang="en")
    app.switch_page("views/sunlight.py").run()
    assert not app.exception
    table = app.dataframe[0].value
    assert set(table["Participant"]) == {"T01"}
    assert "Per worker (2026-Q3)" in metrics(app)
    assert metrics(app)["Paid into the fund"].startswith("₩")


@pytest.mark.parametrize("role", ["manager", "analyst"])
def test_park_roles_see_every_page(ui_env, role):
    app = app_as(role, lang="en")
    assert not app.exception
    assert titles(app) == ["Park today"]
    assert app.date_input(key="park_day").value == _access(ui_env, role, role).today()  # today, the park's time
    assert any("not dispatched yet" in info.value for info in app.info)
    app.button(key="latest_day").click().run()
    assert app.date_input(key="park_day").value == dt.date(2026, 7, 1)
    shown = metrics(app)
    assert {"Load", "On-site generation", "Self-sufficiency", "Park energy cost"} <= set(shown)
    assert len(app.get("vega_lite_chart")) == 6  # sources, SOC, feeders, transformer, trades by source, prices
    has_run_form = any(button.label == "Run" for button in app.get("form_submit_button"))
    assert has_run_form == (role == "manager")
    for page, title in (("views/my_trades.py", "Trades"), ("views/re100.py", "RE100"),
                        ("views/sunlight.py", "Sunlight income"), ("views/year.py", "Year")):
        app.switch_page(page).run()
        assert not app.exception, page
        assert titles(app) == [title]
    assert "microgrid batch" in app.info[0].value  # no batch folder: a clear empty state
    app.switch_page("views/sunlight.py").run()
    assert len(set(app.dataframe[0].value["Participant"])) > 1


def test_manager_picks_any_participant(ui_env):
    app = app_as("manager", lang="en")
    app.switch_page("views/my_trades.py").run()
    app.selectbox(key="trades_participant").set_value("T02").run()
    assert not app.exception
    expected = _access(ui_env, "manager", "manager").trades(dt.date(2026, 7, 1), "T02").hourly
    assert len(app.dataframe[0].value) == len(expected)


def test_year_page_reads_a_batch_result(ui_env, tmp_path, monkeypatch):
    results = tmp_path / "results"
    (results / "batch").mkdir(parents=True)
    batch = xr.Dataset({"self_sufficiency": (("scenario",), np.array([0.1, 0.2])),
                        "grid_import": (("scenario", "month"), np.ones((2, 12)))},
                       coords={"scenario": ["base", "more_pv"], "month": np.arange(1, 13)})
    batch["self_sufficiency"].attrs["units"] = "1"
    batch["grid_import"].attrs["units"] = "kWh"
    batch.to_netcdf(results / "batch" / "year.nc")
    monkeypatch.setenv("MICROGRID_UI_RESULTS", str(results))
    app = app_as("analyst", lang="en")
    app.switch_page("views/year.py").run()
    assert not app.exception
    table = app.dataframe[0].value
    assert list(table["scenario"]) == ["base", "more_pv"]
    assert list(table["grid_import [kWh]"]) == [12.0, 12.0]


@pytest.fixture(scope="module")
def batch_results(tmp_path_factory):
    """A results folder with what ``microgrid batch`` writes (the real producer): two scenarios, two days."""
    from market.batch import BatchConfig, Scenario, run_batch
    from tests.demo_parks import generous_demo_park

    park, source = generous_demo_park()
    results = tmp_path_factory.mktemp("year-results")
    run_batch(BatchConfig(park, source, [Scenario("base"), Scenario("no-battery", {"battery_scale": 0})],
                          dt.date(2026, 7, 3), dt.date(2026, 7, 4), results / "batch", workers=0,
                          checkpoint_days=1))
    return results


def test_year_page_reads_what_microgrid_batch_writes(ui_env, batch_results, monkeypatch):
    from market.batch import open_batch
    from market.batch.summary import summarize_batch
    from market.dispatch.io import read_dispatch

    monkeypatch.setenv("MICROGRID_UI_RESULTS", str(batch_results))
    from dataclasses import replace

    analyst = _access(replace(ui_env, results=str(batch_results)), "analyst", "analyst")
    files = [str(p.relative_to(batch_results)) for p in analyst.batch_files()]
    assert files == ["batch/batch.json", "batch/scenarios/base.nc", "batch/scenarios/no-battery.nc"]  # no chunks, no copy
    app = app_as("analyst", lang="en")
    app.switch_page("views/year.py").run()
    assert not app.exception
    totals, figures = app.dataframe[0].value, app.dataframe[1].value
    assert list(totals["scenario"]) == ["base", "no-battery"]
    base = read_dispatch(batch_results / "batch" / "scenarios" / "base.nc")
    row = totals.set_index("scenario").loc["base"]
    assert row["grid_import [kW h]"] == pytest.approx(float(base["grid_import"].sum()))
    # prices and SOC are averaged over the span, never summed
    assert row["clearing_price [KRW/(kW h)]"] == pytest.approx(float(base["clearing_price"].mean()))
    assert row["soc [kW h]"] == pytest.approx(float(base["soc"].sum("storage").mean("time")))
    assert row["soc [kW h]"] <= float(base["storage_energy_capacity_kwh"].sum())
    # the annual figures are the report's, under readable names with units
    expected = {s.scenario: s for s in summarize_batch(open_batch(batch_results / "batch"))}
    assert "self-sufficiency [1]" in figures.index and "sunlight-income fund [KRW]" in figures.index
    assert figures.loc["self-sufficiency [1]", "base"] == pytest.approx(expected["base"].self_sufficiency)
    assert figures.loc["sunlight-income fund [KRW]", "no-battery"] == pytest.approx(
        expected["no-battery"].sunlight_fund_krw)
    # one scenario's file reads alone, with the same totals
    app.selectbox(key="batch_file").set_value(batch_results / "batch" / "scenarios" / "base.nc").run()
    assert not app.exception
    alone = app.dataframe[0].value.set_index("scenario").loc["base"]
    assert alone["grid_import [kW h]"] == pytest.approx(row["grid_import [kW h]"])
    assert alone["clearing_price [KRW/(kW h)]"] == pytest.approx(row["clearing_price [KRW/(kW h)]"])


def test_manager_runs_a_day_and_it_shows_at_once(ui_env, tmp_path, monkeypatch):
    import shutil

    results = tmp_path / "results"
    shutil.copytree(ui_env.results, results)
    monkeypatch.setenv("MICROGRID_UI_RESULTS", str(results))
    monkeypatch.setenv("MICROGRID_UI_DB", str(results / "ledger.sqlite"))
    monkeypatch.setenv("MICROGRID_UI_USERS", str(results / "ui_users.sqlite"))
    app = app_as("manager", lang="en")
    app.date_input(key="run_date").set_value(dt.date(2026, 7, 2))
    next(b for b in app.get("form_submit_button") if b.label == "Run").click()
    app.run()
    assert not app.exception
    assert app.date_input(key="park_day").value == dt.date(2026, 7, 2)
    assert "Settled" in " ".join(m.value for m in app.markdown) and "pending" in " ".join(m.value for m in app.markdown)
    assert (results / "dispatch-2026-07-02.nc").is_file()
    # a settled day is not re-run without the confirmation
    before = (results / "dispatch-2026-07-02.nc").stat().st_mtime_ns
    assert any("already settled" in w.value for w in app.warning)
    next(b for b in app.get("form_submit_button") if b.label == "Run").click()
    app.run()
    assert any("Tick the confirmation" in e.value for e in app.error)
    assert (results / "dispatch-2026-07-02.nc").stat().st_mtime_ns == before
    app.checkbox(key="confirm_rerun").check()
    next(b for b in app.get("form_submit_button") if b.label == "Run").click()
    app.run()
    assert not app.exception and (results / "dispatch-2026-07-02.nc").stat().st_mtime_ns != before


def _table_with(app, column: str):
    return next(frame.value for frame in app.dataframe if column in frame.value.columns)


def test_manager_day_shows_plan_alarms_critical_first_and_acknowledges(ui_env, tmp_path, monkeypatch):
    import shutil

    import pandas as pd

    from market.ledger import open_ledger
    from market.safety.alarm_log import log_alarms
    from market.safety.alarms import Alarm

    results = tmp_path / "results"
    shutil.copytree(ui_env.results, results)
    monkeypatch.setenv("MICROGRID_UI_RESULTS", str(results))
    monkeypatch.setenv("MICROGRID_UI_DB", str(results / "ledger.sqlite"))
    monkeypatch.setenv("MICROGRID_UI_USERS", str(results / "ui_users.sqlite"))
    ledger = open_ledger(str(results / "ledger.sqlite"))
    hour = lambda h: pd.Timestamp(f"2026-07-01 {h:02d}:00", tz="Asia/Seoul")  # noqa: E731
    log_alarms(ledger, "demo", [
        Alarm(hour(9), "warning", "near_limit", "feeder F1", "feeder F1 at 93 % of its limit", "watch", 930, 1000, "kW"),
        Alarm(hour(14), "critical", "soc_band", "ESS1", "ESS1 SOC below its band", "stop discharging", 50, 100, "kWh"),
    ], source="test")
    ledger.engine.dispose()
    app = app_as("manager", lang="en")
    app.date_input(key="park_day").set_value(dt.date(2026, 7, 1)).run()
    assert not app.exception
    alarms = _table_with(app, "Severity")
    assert list(alarms["Severity"].str.split().str[-1]) == ["critical", "warning"]  # critical first
    assert alarms["Time (park time)"].iloc[0] == "14:00"
    assert any("1 critical alarm" in e.value for e in app.error)
    plan = _table_with(app, "Battery SOC [kWh]")
    assert len(plan) == 24 and plan["Time (park time)"].iloc[0] == "00:00"
    assert {"Load [kWh]", "Battery SOC [kWh]", "Mean clearing price [KRW/kWh]"} <= set(plan.columns)
    assert [b.label for b in app.get("download_button")] == ["Download the plan (CSV)", "Download the plan (Parquet)"]
    access = _access(ui_env, "manager", "manager")
    access.config = type(access.config)(None, str(results / "ledger.sqlite"), str(results), str(results / "ui_users.sqlite"))
    assert access.plan_file(dt.date(2026, 7, 1), "parquet")[:4] == b"PAR1"
    first = access.alarms(dt.date(2026, 7, 1))
    assert list(first["severity"]) == ["critical", "warning"]
    app.multiselect(key="ack_keys").select(first["key"].iloc[0])
    next(b for b in app.get("form_submit_button") if b.label.startswith("Acknowledge")).click()
    app.run()
    alarms = _table_with(app, "Severity")
    assert alarms["Acknowledged"].iloc[0].startswith("manager") and alarms["Acknowledged"].iloc[1] == ""
    assert not any("critical alarm" in e.value for e in app.error)
    analyst = app_as("analyst", lang="en")
    analyst.date_input(key="park_day").set_value(dt.date(2026, 7, 1)).run()
    assert not analyst.get("multiselect")  # read-only


def test_language_switch(ui_env):
    korean = app_as("T01")
    english = app_as("T01", lang="en")
    assert titles(korean) == ["나의 거래"] and titles(english) == ["My trades"]
    assert metrics(english)["My net cost"].startswith("₩")


def test_sunlight_page_says_why_and_when_paid(ui_env):
    """Demo days 2026-06-30/07-01, lag 1 quarter: first shared quarter 2026Q3, next payment 2026-10-01."""
    app = app_as("T01", lang="en")
    app.switch_page("views/sunlight.py").run()
    assert not app.exception
    notes = " ".join(info.value for info in app.info)
    assert "first eligible 2026Q3" in notes and "Next payment date: 2026-10-01" in notes
