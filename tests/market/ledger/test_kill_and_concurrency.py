"""Real processes: `microgrid settle` killed with SIGKILL at each commit point leaves a ledger from
which the next run completes identically; two processes settling a new ledger at once both succeed.

The dispatch files are the small park's real dispatch (the ``dispatched`` fixture: the LP's output,
written as `microgrid dispatch` writes it); a changed dispatch is the other pricing rule's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from market.dispatch.io import read_dispatch, write_dataset_atomic
from market.ledger import open_ledger
from market.ledger.store import KILL_AT_ENV
from microgrid.park.synthetic import synthetic_park_dict
from tests.market.ledger.conftest import POSTGRES_URL, empty_postgres
from tests.ui.test_cli_settlement import _park_toml
from ui.workspace import Workspace

ROOT = Path(__file__).resolve().parents[3]
DAY = "2026-07-01"


def _env(**extra) -> dict:
    env = {key: value for key, value in os.environ.items() if key != KILL_AT_ENV}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return {**env, **extra}


def _settle(results: Path, park_file: Path, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ui.cli", "settle", "--date", DAY, "--park", str(park_file),
                           "--results", str(results)], env=_env(**env), capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


def _without_file_hash(meta: str) -> str:
    """A posting's meta without the dispatch file's byte hash: two writes of the same Dataset differ in
    bytes (HDF5 stamps), so clean and interrupted runs compare on the content hash."""
    loaded = json.loads(meta)
    loaded.get("inputs", {}).pop("dispatch_file_sha256", None)
    return json.dumps(loaded, sort_keys=True)


def _state(results: Path) -> tuple:
    """Everything on the ledger except the writing times (postings, their entries and day statistics)."""
    ledger = open_ledger(results / "ledger.sqlite")
    try:
        postings = ledger.postings().drop(columns=["created_at"])
        postings["meta"] = postings["meta"].map(_without_file_hash)
        tables = ledger.read_tables()
    finally:
        ledger.close()
    entries = sorted(map(tuple, tables.entries.astype(str).values))
    stats = sorted(map(tuple, tables.day_stats.astype(str).values))
    return sorted(map(tuple, postings.astype(str).values)), entries, stats


@pytest.fixture(scope="module")
def park_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("park") / "park.toml"
    path.write_text(_park_toml(synthetic_park_dict(4, seed=0)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory, park_file, dispatched):
    """Settle the day, then its changed dispatch, without interruption: (state after 1, state after 2)."""
    results = tmp_path_factory.mktemp("clean")
    write_dataset_atomic(dispatched[("shared_savings", DAY)], results / f"dispatch-{DAY}.nc")
    assert _settle(results, park_file).returncode == 0
    first = _state(results)
    write_dataset_atomic(dispatched[("marginal", DAY)], results / f"dispatch-{DAY}.nc")
    assert _settle(results, park_file).returncode == 0
    return first, _state(results)


# posting:1 the day's reversal (the next postings: the day's new version, then the month's reversal and
# new version when the charge changed), commit: every posting written, COMMIT not yet; committed: just after COMMIT
@pytest.mark.parametrize("point", ["posting:1", "commit", "committed"])
def test_a_settle_killed_at_a_commit_point_is_completed_identically_by_the_next_run(point, tmp_path, park_file,
                                                                                    dispatched, clean_run):
    first, done = clean_run
    write_dataset_atomic(dispatched[("shared_savings", DAY)], tmp_path / f"dispatch-{DAY}.nc")
    assert _settle(tmp_path, park_file).returncode == 0
    assert _state(tmp_path) == first
    write_dataset_atomic(dispatched[("marginal", DAY)], tmp_path / f"dispatch-{DAY}.nc")
    killed = _settle(tmp_path, park_file, **{KILL_AT_ENV: point})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    # before COMMIT nothing of the run is visible; after it, all of it
    assert _state(tmp_path) == (done if point == "committed" else first)
    rerun = _settle(tmp_path, park_file)
    assert rerun.returncode == 0, rerun.stderr
    assert _state(tmp_path) == done
    assert ("unchanged: nothing written" in rerun.stdout) == (point == "committed")
    ledger = open_ledger(tmp_path / "ledger.sqlite")
    recorded = json.loads(ledger.postings("day:2026-07-01")["meta"].iloc[-1])["inputs"]["dispatch_file_sha256"]
    ledger.close()
    assert recorded == hashlib.sha256((tmp_path / f"dispatch-{DAY}.nc").read_bytes()).hexdigest()


SETTLE_AT = """
import datetime as dt, sys, time
from market.dispatch.io import read_dispatch
from ui.workspace import Workspace
start, results, db, park_file, day = float(sys.argv[1]), *sys.argv[2:6]
workspace = Workspace(results, db, park_file=park_file)
park, rules = workspace.read_park(rules=True)
day = dt.date.fromisoformat(day)
dataset = read_dispatch(workspace.dispatch_path(day))
time.sleep(max(0.0, start - time.time()))  # both processes open the new ledger at the same moment
workspace.settle_day(park, rules, day, dataset)
"""


def _net(url: str) -> list[tuple]:
    """The days' net lines; every period sums to 0 KRW and both months are billed (their basic charges
    depend on which day came first: the 12-month ratchet)."""
    ledger = open_ledger(url)
    try:
        frame = ledger.entries()
    finally:
        ledger.close()
    assert frame.groupby("key")["amount_krw"].sum().eq(0).all()
    assert {"basic:2026-07", "basic:2026-01"} <= set(frame["key"])
    frame = frame[frame["key"].str.startswith("day:")]
    summed = frame.groupby(["key", "account", "kind", "detail"])["amount_krw"].sum()
    return sorted((*index, int(value)) for index, value in summed.items() if value != 0)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_first_settles_at_once_on_a_new_ledger_both_succeed(backend, tmp_path, park_file, dispatched):
    if backend == "postgresql" and not POSTGRES_URL:
        pytest.skip("PostgreSQL: MICROGRID_TEST_POSTGRES_URL is not set (.ci/run sets it)")
    days = ("2026-07-01", "2026-01-10")
    for day in days:
        write_dataset_atomic(dispatched[("shared_savings", day)], tmp_path / f"dispatch-{day}.nc")
    sequential = f"sqlite:///{tmp_path / 'sequential.sqlite'}"
    workspace = Workspace(tmp_path, sequential, park_file=park_file)
    park, rules = workspace.read_park(rules=True)
    for day in days:  # the same use case, one after the other, in this process
        workspace.settle_day(park, rules, dt.date.fromisoformat(day), read_dispatch(workspace.dispatch_path(
            dt.date.fromisoformat(day))))
    for attempt in range(2 if backend == "sqlite" else 1):  # SQLite without the fix failed every attempt
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path / f'new-{attempt}.sqlite'}"
        else:
            empty_postgres(POSTGRES_URL)
            url = POSTGRES_URL
        start = time.time() + 10.0  # after both have imported the engine
        runs = [subprocess.Popen([sys.executable, "-c", SETTLE_AT, str(start), str(tmp_path), url, str(park_file), day],
                                 env=_env(), cwd=ROOT, stderr=subprocess.PIPE, text=True) for day in days]
        errors = [run.communicate(timeout=300)[1] for run in runs]
        assert [run.returncode for run in runs] == [0, 0], errors
        assert _net(url) == _net(sequential)
