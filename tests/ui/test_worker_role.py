"""The worker role: a worker logs in and sees its own sunlight income, and nothing of anyone else."""

from __future__ import annotations

import pytest

from market.ledger import open_ledger
from tests.ui.helpers import app_as, metrics, page_text, titles
from ui.auth import Principal
from ui.data_access import AccessDenied, DataAccess
from ui.config import make_config

WORKER = "T01-W0001"  # the demo register's first worker of T01 (a demo account)


def _access(settings, username, role, participant=None) -> DataAccess:
    config = make_config(results=settings.results, db=settings.db, users=settings.users)
    return DataAccess(Principal(username, role, participant), config)


def test_worker_page_shows_its_own_share_from_its_own_account(ui_env):
    app = app_as(WORKER)
    assert not app.exception
    assert titles(app) == ["나의 햇빛소득"]
    ledger = open_ledger(ui_env.db)
    own = ledger.balance(f"worker:{WORKER}")
    assert own > 0
    made, _page = _access(ui_env, WORKER, "worker", WORKER).worker_statement(2026)
    assert made.total_krw == own
    text = page_text(app)
    assert "T01-W0002" not in text and "T02" not in text  # nothing of other workers or tenants
    assert "자격 대기 기간" in metrics(app) and "다음 지급 예정 분기" in metrics(app)
    assert [button.label for button in app.get("download_button")] == ["정산서 HTML 내려받기"]
    with pytest.raises(ValueError):  # no other page is registered for a worker
        app.switch_page("views/my_trades.py")


def test_worker_reaches_no_participant_data(ui_env):
    access = _access(ui_env, WORKER, "worker", WORKER)
    assert access.participants() == []
    for call in (lambda: access.trades(__import__("datetime").date(2026, 7, 1), "T01"),
                 lambda: access.statement("2026-07", "T01"), lambda: access.daily_bills("2026-07"),
                 lambda: access.batch_files()):
        with pytest.raises(AccessDenied):
            call()
    assert access.income_by_participant().empty


def test_worker_not_in_the_register_is_refused_and_others_have_no_worker_statement(ui_env):
    with pytest.raises(AccessDenied, match="worker register"):
        _access(ui_env, "X-W9999", "worker", "X-W9999")
    with pytest.raises(AccessDenied):
        _access(ui_env, "T01", "tenant", "T01").worker_statement(2026)


def test_registered_workers_pay_shows_per_employer_on_the_sunlight_page(ui_env):
    rows = _access(ui_env, "manager", "manager").income_by_participant()
    ledger = open_ledger(ui_env.db)
    entries = ledger.entries(kind="income", account_prefix="worker:T01-")
    q3 = rows[(rows["participant"] == "T01") & (rows["quarter"] == "2026-Q3")].iloc[0]
    assert q3["workers_krw"] == int(entries.loc[entries["key"] == "income:2026-Q3", "amount_krw"].sum()) > 0
    assert q3["heads"] > 0 and q3["per_worker_krw"] == pytest.approx(q3["workers_krw"] / q3["heads"])
