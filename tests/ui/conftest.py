"""The app's data for the UI tests: the demo park's two demo days, dispatched, settled and paid out once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from ui.auth import UserStore, seed_demo_users
from ui.bootstrap import prepare_demo_data
from ui.config import make_config

APP = Path(__file__).resolve().parents[2] / "ui" / "app.py"


@pytest.fixture(scope="session")
def demo_results(tmp_path_factory):
    """A results folder with the demo days settled, sunlight income paid and the demo accounts created."""
    folder = tmp_path_factory.mktemp("ui-results")
    settings = make_config(results=str(folder))
    prepare_demo_data(None, settings.db, settings.results)
    from microgrid.park import read_park

    store = UserStore(settings.users)
    seed_demo_users(store, [p.name for p in read_park(None).participants if p.kind == "tenant"])
    store.close()
    return settings


@pytest.fixture(autouse=True)
def _apptest_cookies(monkeypatch):
    """AppTest sends no cookies: the app's cookie reader returns :data:`tests.ui.helpers.COOKIES` instead."""
    from tests.ui import helpers

    from ui.session import _STORES

    monkeypatch.setattr("ui.common.request_cookies", lambda: dict(helpers.COOKIES))
    helpers.COOKIES.clear()
    _STORES.clear()  # every test starts with no log-in sessions


@pytest.fixture()
def ui_env(demo_results, monkeypatch):
    """Points AppTest (same process) at the demo results."""
    monkeypatch.setenv("MICROGRID_UI_RESULTS", demo_results.results)
    monkeypatch.setenv("MICROGRID_UI_DB", demo_results.db)
    monkeypatch.setenv("MICROGRID_UI_USERS", demo_results.users)
    monkeypatch.delenv("MICROGRID_UI_PARK", raising=False)
    return demo_results
