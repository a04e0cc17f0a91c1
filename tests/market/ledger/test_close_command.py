"""`microgrid close --month` and `microgrid settle` over a closed month, through the real command line."""

from __future__ import annotations

import datetime as dt

from typer.testing import CliRunner

from market.dispatch.io import write_dataset_atomic
from market.ledger import open_ledger
from market.settlement import settle_day
from microgrid.park import read_park
from microgrid.park.synthetic import synthetic_park_dict
from tests.ui.test_cli_settlement import _park_toml
from ui.cli import app

DAY = "2026-07-01"


def test_close_then_a_changed_day_is_an_adjustment_and_the_closed_statement_stays(tmp_path, dispatched):
    park = tmp_path / "park.toml"
    park.write_text(_park_toml(synthetic_park_dict(4, seed=0)), encoding="utf-8")
    results = tmp_path / "results"
    common = ["--park", str(park), "--results", str(results)]
    runner = CliRunner()
    write_dataset_atomic(dispatched[("shared_savings", DAY)], results / f"dispatch-{DAY}.nc")
    first = runner.invoke(app, ["settle", "--date", DAY, *common])
    assert first.exit_code == 0 and "v1: first version" in first.stdout
    participant = synthetic_park_dict(4, seed=0)["participants"][1]["name"]
    statement = ["statement", "--participant", participant, "--month", "2026-07", *common]
    assert runner.invoke(app, statement).exit_code == 0
    july = (results / f"statement-{participant}-2026-07.csv").read_bytes()

    closed = runner.invoke(app, ["close", "--month", "2026-07", *common])
    assert closed.exit_code == 0 and "2026-07: closed" in closed.stdout
    assert "already closed" in runner.invoke(app, ["close", "--month", "2026-07", *common]).stdout
    for month, expected in (("2026-7", "expected YYYY-MM"), ("2026-09", "nothing is booked")):
        refused = runner.invoke(app, ["close", "--month", month, *common])
        assert refused.exit_code == 2 and expected in refused.stderr and len(refused.stderr.strip().splitlines()) == 1

    unchanged = runner.invoke(app, ["settle", "--date", DAY, *common])
    assert unchanged.exit_code == 0 and "unchanged: nothing written" in unchanged.stdout
    write_dataset_atomic(dispatched[("marginal", DAY)], results / f"dispatch-{DAY}.nc")
    changed = runner.invoke(app, ["settle", "--date", DAY, *common])
    assert changed.exit_code == 0, changed.stderr
    assert "v2: reversal of v1" in changed.stdout and "booked 2026-08-01" in changed.stdout
    assert "pricing_rule" in changed.stdout  # the reason

    assert runner.invoke(app, statement).exit_code == 0
    assert (results / f"statement-{participant}-2026-07.csv").read_bytes() == july  # the closed month stays
    august = runner.invoke(app, ["statement", "--participant", participant, "--month", "2026-08", *common])
    assert august.exit_code == 0  # the adjustment is the open month's
    ledger = open_ledger(results / "ledger.sqlite")
    try:
        adjustment = ledger.entries(start=dt.date(2026, 8, 1), end=dt.date(2026, 8, 31))
        fresh = open_ledger("sqlite://")

        settle_day(fresh, read_park(park), dispatched[("marginal", DAY)])
        old = ledger.posting_entries("day:2026-07-01")
        mine = adjustment[(adjustment["key"] == "day:2026-07-01") & (adjustment["account"].str.startswith("participant:"))]
        new = fresh.entries(key="day:2026-07-01")
        new = new[new["account"].str.startswith("participant:")]
        old = old[old["account"].str.startswith("participant:")]
        # August's adjustment per participant is the new day less the closed one
        assert (mine.groupby("account")["amount_krw"].sum().sort_index()
                == new.groupby("account")["amount_krw"].sum().sub(old.groupby("account")["amount_krw"].sum(),
                                                                  fill_value=0).sort_index()).all()
    finally:
        ledger.close()
