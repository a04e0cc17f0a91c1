"""`microgrid settle` guards the ledger's identity: one park per ledger, the date of the file, a
database server that does not answer (exit 5)."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from market.dispatch.io import write_dataset_atomic
from market.ledger import open_ledger
from microgrid.park.synthetic import synthetic_park_dict
from tests.ui.test_cli_settlement import _park_toml
from ui.cli import app


def _settled(tmp_path, dispatched):
    raw = synthetic_park_dict(4, seed=0)
    park_file = tmp_path / "park.toml"
    park_file.write_text(_park_toml(raw), encoding="utf-8")
    results = tmp_path / "results"
    write_dataset_atomic(dispatched[("shared_savings", "2026-07-01")], results / "dispatch-2026-07-01.nc")
    result = CliRunner().invoke(app, ["settle", "--date", "2026-07-01", "--park", str(park_file),
                                      "--results", str(results)])
    assert result.exit_code == 0, result.output
    return raw, park_file, results


def _entries(results):
    ledger = open_ledger(results / "ledger.sqlite")
    try:
        return ledger.entries()
    finally:
        ledger.close()


def test_settling_another_park_on_the_same_ledger_is_refused(tmp_path, dispatched):
    raw, _, results = _settled(tmp_path, dispatched)
    before = _entries(results)
    raw["park"]["name"] = "Other park"
    other = tmp_path / "other.toml"
    other.write_text(_park_toml(raw), encoding="utf-8")
    result = CliRunner().invoke(app, ["settle", "--date", "2026-07-01", "--park", str(other),
                                      "--results", str(results)])
    assert result.exit_code == 2, result.output
    assert "belongs to park" in result.output and "Other park" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert _entries(results).equals(before)


def test_a_dispatch_file_of_another_day_is_refused(tmp_path, dispatched):
    _, park_file, results = _settled(tmp_path, dispatched)
    before = _entries(results)
    shutil.copy(results / "dispatch-2026-07-01.nc", results / "dispatch-2026-07-02.nc")
    result = CliRunner().invoke(app, ["settle", "--date", "2026-07-02", "--park", str(park_file),
                                      "--results", str(results)])
    assert result.exit_code == 2, result.output
    assert "2026-07-01" in result.output and "expected 2026-07-02" in result.output
    assert _entries(results).equals(before)


def test_a_ledger_server_that_does_not_answer_exits_5(tmp_path, dispatched):
    pytest.importorskip("psycopg")
    _, park_file, results = _settled(tmp_path, dispatched)
    result = CliRunner().invoke(app, ["settle", "--date", "2026-07-01", "--park", str(park_file),
                                      "--results", str(results),
                                      "--db", "postgresql+psycopg://nobody:x@127.0.0.1:9/ledger?connect_timeout=3"])
    assert result.exit_code == 5, result.output
    assert "does not answer" in result.output
