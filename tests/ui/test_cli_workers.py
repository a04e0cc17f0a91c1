"""`microgrid workers import|list|statement` and `income` paying registered workers, on the real demo park."""

from __future__ import annotations

import os
import stat

import pytest
from typer.testing import CliRunner

from market.ledger import open_ledger
from ui.cli import app

DAYS = ("2026-05-15", "2026-07-01")  # a day in Q2 makes the demo tenants eligible in Q3 (lag 1 quarter)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    out = tmp_path_factory.mktemp("workers")
    runner = CliRunner()
    for day in DAYS:
        for args in (["dispatch", "--date", day, "--out", str(out)], ["settle", "--date", day, "--results", str(out)]):
            done = runner.invoke(app, args)
            assert done.exit_code == 0, done.output
    register = out / "register.csv"
    register.write_text("worker_id,employer,start_date,weight,eligibility_lag_quarters,end_date\n"
                        "K001,T01,2024-03-04,1,,\n"
                        "K002,T01,2024-03-04,2,,\n"
                        "K003,T05,2026-08-01,1,,\n"      # joined in Q3: waits
                        "K004,T05,2023-01-02,1,,2026-05-31\n", encoding="utf-8")  # left in Q2
    return out, register


def test_import_income_and_statement(workspace):
    out, register = workspace
    runner = CliRunner()
    done = runner.invoke(app, ["workers", "import", str(register), "--results", str(out)])
    assert done.exit_code == 0, done.output
    stored = out / "workers.csv"
    assert stored.read_bytes() == register.read_bytes()
    assert stat.S_IMODE(os.stat(stored).st_mode) == 0o600
    listed = runner.invoke(app, ["workers", "list", "--results", str(out)])
    assert listed.exit_code == 0 and "K004" in listed.output and "2026-05-31" in listed.output
    done = runner.invoke(app, ["income", "--quarter", "2026-Q3", "--results", str(out)])
    assert done.exit_code == 0, done.output
    assert "Registered workers paid: 2 of 4" in done.output
    ledger = open_ledger(out / "ledger.sqlite")
    paid = {w: ledger.balance(f"worker:{w}") for w in ("K001", "K002", "K003", "K004")}
    assert paid["K003"] == 0 and paid["K004"] == 0 and paid["K001"] > 0
    assert abs(paid["K002"] - 2 * paid["K001"]) <= 1
    assert ledger.balance("park:sunlight_fund") == 0
    # the per-worker CSV says the same as the ledger
    rows = (out / "income-2026-Q3-workers.csv").read_text().splitlines()
    assert any(row.startswith("K001,T01,1.0,True,") and row.endswith(f",{paid['K001']}") for row in rows)
    done = runner.invoke(app, ["workers", "statement", "K002", "--year", "2026", "--results", str(out)])
    assert done.exit_code == 0, done.output
    page = (out / "worker-K002-2026.html").read_text(encoding="utf-8")
    assert f"{paid['K002']:,}" in page and "햇빛소득" in page and "K001" not in page  # nothing of other workers
    waiting = runner.invoke(app, ["workers", "statement", "K003", "--year", "2026", "--results", str(out),
                                  "--lang", "en"])
    assert waiting.exit_code == 0, waiting.output
    page = (out / "worker-K003-2026.html").read_text(encoding="utf-8")
    # joined 2026-08-01, lag 1: employed on 2026-10-01, the first day of the quarter before 2027-Q1
    assert "First quarter shared</td><td>2027-Q1" in page and "for 2027-Q1" in page


def test_bad_register_is_refused_and_nothing_stored(workspace, tmp_path):
    out, _register = workspace
    bad = tmp_path / "bad.csv"
    bad.write_text("worker_id,employer,start_date,weight\nK9,T99,2024-01-01,1\n", encoding="utf-8")
    fresh = tmp_path / "results"
    done = CliRunner().invoke(app, ["workers", "import", str(bad), "--results", str(fresh)])
    assert done.exit_code == 2
    assert "row 2: employer = 'T99'" in done.output and len(done.output.strip().splitlines()) == 1
    assert not (fresh / "workers.csv").exists()
