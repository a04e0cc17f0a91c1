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


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(settings, port: int):
    """``python -m ui.server`` (what ``microgrid ui`` runs) on 127.0.0.1:``port``; the settings in the environment."""
    import os
    import subprocess
    import sys
    import time
    import urllib.request

    env = {**os.environ, "MICROGRID_UI_RESULTS": settings.results, "MICROGRID_UI_DB": settings.db,
           "MICROGRID_UI_USERS": settings.users, "PYTHONPATH": str(APP.parent.parent)}
    env.pop("MICROGRID_UI_PARK", None)
    process = subprocess.Popen([sys.executable, "-m", "ui.server", "--port", str(port), "--address", "127.0.0.1"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=str(APP.parent.parent), env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return process, base
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"ui.server did not start: {process.stdout.read().decode(errors='replace')[-2000:]}")
        time.sleep(0.3)


def stop_server(process) -> None:
    import subprocess

    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def app_server(demo_results):
    """One app server on the demo results for the HTTP, websocket and browser tests (base URL)."""
    process, base = start_server(demo_results, free_port())
    yield base
    assert process.poll() is None, "the app server died during the tests"
    stop_server(process)
