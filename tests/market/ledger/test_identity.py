"""A ledger's identity and safety: one park per ledger, foreign databases refused untouched, private
files, a database server that does not answer (exit 5 at the command line)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat

import pytest

from market.ledger import open_ledger
from market.settlement import settle_day
from microgrid.errors import EngineInputError, ServiceUnavailableError


def test_a_ledger_refuses_a_second_park_and_keeps_the_first_parks_books(ledger, small_park, dispatched):
    dataset = dispatched[("shared_savings", "2026-07-01")]
    settle_day(ledger, small_park, dataset)
    before = ledger.entries()
    other = small_park.model_copy(update={"park": small_park.park.model_copy(update={"name": "Other park"})})
    assert other.name == "Other park"
    with pytest.raises(EngineInputError, match=r"belongs to park .* not 'Other park'") as caught:
        settle_day(ledger, other, dataset)
    assert "\n" not in str(caught.value)
    assert ledger.entries().equals(before)
    assert ledger.park() == small_park.name


def test_a_foreign_sqlite_file_is_refused_and_left_byte_for_byte(tmp_path):
    path = tmp_path / "app.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("INSERT INTO customers VALUES (1, 'kim')")
    connection.close()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(EngineInputError, match="no ledger schema"):
        open_ledger(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.sqlite"]  # no -wal/-shm left either


def test_a_new_sqlite_ledger_and_its_wal_are_private(tmp_path, small_park, dispatched):
    old = os.umask(0o022)
    try:
        ledger = open_ledger(tmp_path / "ledger.sqlite")
        settle_day(ledger, small_park, dispatched[("shared_savings", "2026-07-01")])
        files = [p for p in tmp_path.iterdir() if p.name.startswith("ledger.sqlite")]
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in files}
        ledger.close()
    finally:
        os.umask(old)
    assert modes["ledger.sqlite"] == 0o600
    assert all(mode & 0o077 == 0 for mode in modes.values()), modes


def test_a_database_server_that_does_not_answer_is_unavailable():
    pytest.importorskip("psycopg")
    # port 9 (discard) on localhost: nothing listens, the connection is refused at once
    with pytest.raises(ServiceUnavailableError, match="does not answer"):
        open_ledger("postgresql+psycopg://nobody:x@127.0.0.1:9/ledger?connect_timeout=3")
