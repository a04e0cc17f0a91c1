"""The app's data for the UI tests: the demo park's two demo days, dispatched, settled and paid out once per session."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
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


# --- a workspace written by the real command line (the manager's day) -------------------------------

CLI_DAY, CLI_METERED_DAY = dt.date(2026, 7, 1), dt.date(2026, 6, 30)  # the alarm day is the newest
CLI_MEASUREMENTS = ("timestamp,element,quantity,value,unit\n"
                    "2026-07-01T14:00:00+09:00,BESS-shared,soc,1.0,%\n"
                    "2026-07-01T11:00:00+09:00,F1,p,11500,kW\n")


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(APP.parent.parent)}
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="session")
def cli_workspace(tmp_path_factory):
    """RESULTS written by the command line: 07-01 dispatched, settled, monitored, re-dispatched from 14:00;
    06-30 settled with a metered file. Demo accounts in RESULTS/ui_users.sqlite."""
    folder = tmp_path_factory.mktemp("cli-day")
    results = folder / "results"
    (folder / "m.csv").write_text(CLI_MEASUREMENTS, encoding="utf-8")
    (folder / "metered.csv").write_text("timestamp,participant,asset,energy_kwh\n"
                                        "2026-06-30T12:00:00+09:00,T01,,300.0\n", encoding="utf-8")
    steps = [
        ("dispatch", "--date", CLI_DAY.isoformat(), "--out", str(results)),
        ("settle", "--date", CLI_DAY.isoformat(), "--results", str(results)),
        ("monitor", "--date", CLI_DAY.isoformat(), "--measurements", str(folder / "m.csv"), "--results", str(results)),
        ("redispatch", "--date", CLI_DAY.isoformat(), "--from", "14:00", "--soc", "BESS-shared=800",
         "--results", str(results)),
        ("settle", "--date", CLI_METERED_DAY.isoformat(), "--results", str(results), "--metered",
         str(folder / "metered.csv")),
    ]
    for step in steps:
        done = _cli(*step, cwd=folder)
        expected = 6 if step[0] == "monitor" else 0  # monitor: a critical alarm needs a person (exit 6)
        assert done.returncode == expected, f"{step}: {done.stderr}"
        if step[0] == "monitor":
            assert "critical" in done.stdout and "BESS-shared" in done.stderr
    settings = make_config(results=str(results))
    from microgrid.park import read_park

    store = UserStore(settings.users)
    seed_demo_users(store, [p.name for p in read_park(None).participants if p.kind == "tenant"])
    store.close()
    return settings
