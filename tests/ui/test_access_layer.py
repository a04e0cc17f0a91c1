"""The data-access layer enforces who sees what, on the server side."""

from __future__ import annotations

import datetime as dt

import pytest

from market.ledger import open_ledger
from market.settlement import rules_for, settle_day
from microgrid.park import read_park
from market.dispatch.io import read_dispatch
from ui.auth import Principal
from ui.data_access import AccessDenied, DataAccess, LedgerSnapshot, ledger_version

DAY = dt.date(2026, 7, 1)


def _as(settings, username, role, participant=None):
    return DataAccess(Principal(username, role, participant), settings)


def test_tenant_is_pinned_to_its_participant(demo_results):
    tenant = _as(demo_results, "T01", "tenant", "T01")
    assert tenant.participants() == ["T01"]
    assert tenant.participant(None) == "T01"
    for call in (lambda: tenant.trades(DAY, "T02"), lambda: tenant.daily_bills("2026-07", "T02"),
                 lambda: tenant.statement("2026-07", "T02"), lambda: tenant.re100_by_month(2026, "T02"),
                 lambda: tenant.display_name("T02"), tenant.dispatch_days, lambda: tenant.park_day(DAY),
                 tenant.batch_files, lambda: tenant.run_day(DAY)):
        with pytest.raises(AccessDenied):
            call()
    assert set(tenant.income_by_participant()["participant"]) == {"T01"}


def test_principal_for_an_unknown_participant_or_no_principal_is_refused(demo_results):
    with pytest.raises(AccessDenied):
        _as(demo_results, "T99", "tenant", "T99")
    with pytest.raises(AccessDenied):
        DataAccess(None, demo_results)


def test_park_roles(demo_results):
    analyst = _as(demo_results, "analyst", "analyst")
    assert len(analyst.participants()) == 31
    assert analyst.dispatch_days() == [dt.date(2026, 7, 1), dt.date(2026, 6, 30)]
    assert analyst.park_day(DAY).settled_at is not None
    with pytest.raises(AccessDenied):
        analyst.run_day(DAY)
    with pytest.raises(AccessDenied):
        analyst.trades(DAY, "T99")


def test_trades_agree_with_the_ledger(demo_results):
    view = _as(demo_results, "T01", "tenant", "T01").trades(DAY)
    assert view.detail_ok and not view.hourly.empty
    bought = view.totals[view.totals["kind"] == "trade_purchase"]
    assert view.hourly.loc[view.hourly["direction"] == "buy", "energy_kwh"].sum() == pytest.approx(
        bought["quantity_kwh"].sum())
    assert -view.hourly.loc[view.hourly["direction"] == "buy", "amount_krw"].sum() == pytest.approx(
        -bought["amount_krw"].sum(), abs=len(bought))


def test_statement_and_re100_on_the_snapshot_match_the_ledger(demo_results):
    from market.re100.report import re100_report
    from market.settlement.statement import monthly_statement

    park = read_park(None)
    rules = rules_for(park)
    ledger = open_ledger(demo_results.db)
    try:
        snapshot = LedgerSnapshot.read(ledger)
        direct = monthly_statement(ledger, park, rules, "T01", "2026-07")
        via_snapshot = monthly_statement(snapshot, park, rules, "T01", "2026-07")
        assert direct.net_krw == via_snapshot.net_krw
        assert re100_report(ledger, rules, "2026-07").table.equals(re100_report(snapshot, rules, "2026-07").table)
    finally:
        ledger.close()
    made, csv_bytes, html_bytes = _as(demo_results, "T01", "tenant", "T01").statement("2026-07")
    assert made.net_krw == direct.net_krw and csv_bytes.startswith(b"key,day,kind") and b"<table" in html_bytes


def test_ledger_version_changes_when_a_day_is_resettled(demo_results, tmp_path):
    import shutil

    db = tmp_path / "ledger.sqlite"
    shutil.copy(demo_results.db, db)
    ledger = open_ledger(db)
    try:
        before = ledger_version(ledger)
        park = read_park(None)
        rules = rules_for(park)
        dataset = read_dispatch(f"{demo_results.results}/dispatch-2026-07-01.nc")
        settle_day(ledger, park, dataset, rules)
        assert ledger_version(ledger) == before  # unchanged inputs settle to nothing new
        dataset.attrs["trade_fee_krw_per_kwh"] = float(dataset.attrs["trade_fee_krw_per_kwh"]) + 1.0
        settle_day(ledger, park, dataset, rules)  # a changed day is re-settled
        assert ledger_version(ledger) != before
    finally:
        ledger.close()


def test_stale_dispatch_file_hides_hourly_detail(demo_results, tmp_path):
    import shutil

    from market.dispatch.io import write_dataset_atomic
    from ui.config import make_config

    results = tmp_path / "results"
    shutil.copytree(demo_results.results, results)
    dataset = read_dispatch(results / "dispatch-2026-07-01.nc")
    dataset["trade"] = dataset["trade"] * 1.5  # a re-run dispatch that is not settled yet
    write_dataset_atomic(dataset, results / "dispatch-2026-07-01.nc")
    view = _as(make_config(results=str(results)), "T01", "tenant", "T01").trades(DAY)
    assert not view.detail_ok and view.hourly.empty and not view.totals.empty
