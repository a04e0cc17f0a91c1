"""One command, one transaction: a day and the month charge it changes commit together or not at all."""

from __future__ import annotations

import pytest

from market import settlement
from market.ledger import open_ledger
from market.settlement import settle_basic_charge, settle_day


def _snapshot(ledger):
    tables = ledger.read_tables()
    return (sorted(map(tuple, tables.entries.drop(columns=[]).astype(str).values)),
            sorted(map(tuple, tables.day_stats.astype(str).values)), sorted(tables.settlements["key"]))


def test_a_failure_after_the_day_rolls_the_day_back_too(ledger, small_park, dispatched):
    july1, july2 = dispatched[("shared_savings", "2026-07-01")], dispatched[("shared_savings", "2026-01-10")]
    with ledger.transaction():
        settle_day(ledger, small_park, july1)
        settle_basic_charge(ledger, small_park, "2026-07")
    before = _snapshot(ledger)
    with pytest.raises(RuntimeError, match="killed"):
        with ledger.transaction():
            settle_day(ledger, small_park, july2)
            assert "day:2026-01-10" in set(ledger.settlements()["key"])  # reads inside see the write
            raise RuntimeError("killed between the day and its month")
    assert _snapshot(ledger) == before


def test_the_settle_command_commits_day_and_basic_charge_together(tmp_path, dispatched, monkeypatch):
    from typer.testing import CliRunner

    from market.dispatch.io import write_dataset_atomic
    from microgrid.park.synthetic import synthetic_park_dict
    from tests.ui.test_cli_settlement import _park_toml
    from ui.cli import app

    park_file = tmp_path / "park.toml"
    park_file.write_text(_park_toml(synthetic_park_dict(4, seed=0)), encoding="utf-8")
    results = tmp_path / "results"
    write_dataset_atomic(dispatched[("shared_savings", "2026-07-01")], results / "dispatch-2026-07-01.nc")
    argv = ["settle", "--date", "2026-07-01", "--park", str(park_file), "--results", str(results)]

    def crash(*_args, **_kwargs):
        raise KeyboardInterrupt  # like a Ctrl-C after the day's entries are written

    monkeypatch.setattr(settlement, "settle_basic_charge", crash)
    CliRunner().invoke(app, argv)
    monkeypatch.undo()
    ledger = open_ledger(results / "ledger.sqlite")
    assert ledger.settlements().empty and ledger.entries().empty  # no day without its month
    ledger.close()
    assert CliRunner().invoke(app, argv).exit_code == 0
    clean = tmp_path / "clean"
    write_dataset_atomic(dispatched[("shared_savings", "2026-07-01")], clean / "dispatch-2026-07-01.nc")
    assert CliRunner().invoke(app, ["settle", "--date", "2026-07-01", "--park", str(park_file),
                                    "--results", str(clean)]).exit_code == 0
    rerun, fresh = open_ledger(results / "ledger.sqlite"), open_ledger(clean / "ledger.sqlite")
    assert sorted(rerun.settlements()["key"]) == sorted(fresh.settlements()["key"]) == ["basic:2026-07", "day:2026-07-01"]
    columns = ["key", "account", "kind", "detail", "amount_krw"]
    assert sorted(map(tuple, rerun.entries()[columns].values)) == sorted(map(tuple, fresh.entries()[columns].values))
    rerun.close(), fresh.close()
