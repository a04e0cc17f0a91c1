"""``microgrid dispatch`` clears the day's order book: ``--orders FILE`` or the book stored by ``orders submit``."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from market.dispatch.io import read_dispatch
from market.orders import demo_orders_path
from ui.cli import app


def _row(output: str, label: str) -> list[float]:
    line = next(line for line in output.splitlines() if label in line)
    return [float(number.replace(",", "")) for number in re.findall(r"\d[\d,]*(?:\.\d+)?", line.split(label)[1])]


def test_dispatch_clears_the_stored_order_book_and_reports_it(tmp_path):
    """After ``orders submit`` the day's dispatch uses the stored book without being told; the
    summary's matched, contract and flexibility figures are the result file's; the renewable-only
    bidder T12 takes park energy only from owners of renewable generation."""
    results = tmp_path / "results"
    runner = CliRunner()
    submitted = runner.invoke(app, ["orders", "submit", str(demo_orders_path()), "--date", "2026-07-01",
                                    "--results", str(results)])
    assert submitted.exit_code == 0, submitted.output
    done = runner.invoke(app, ["dispatch", "--date", "2026-07-01", "--out", str(results)],
                         env={"COLUMNS": "200"})
    assert done.exit_code == 0, done.output
    assert "orders-2026-07-01.toml" in done.stdout
    ds = read_dispatch(results / "dispatch-2026-07-01.nc")
    matched_any, matched_renewable = _row(done.stdout, "Matched bids: any / renewable-only")
    assert matched_any == round(float(ds["matched_any"].sum()))
    assert matched_renewable == round(float(ds["matched_renewable"].sum())) > 0
    delivered, short = _row(done.stdout, "Contracts delivered (short)")
    assert delivered == round(float(ds["contract_delivered"].sum())) > 0
    assert _row(done.stdout, "Flexibility: deferred / shed")[0] == 2000.0  # the book's pre-cooling, all of it
    owners = set(ds["asset_owner"].values[ds["asset_renewable"].values.astype(bool)].tolist())
    t12 = ds["trade"].sel(buyer="T12").sum("time")
    assert set(ds["seller"].values[t12.values > 1e-6].tolist()) <= owners
    assert abs(float(t12.sum()) - float(ds["matched_renewable"].sel(participant="T12").sum())) < 1e-6


def test_dispatch_refuses_a_bad_order_file_in_one_line_and_writes_nothing(tmp_path):
    bad = tmp_path / "orders.toml"
    bad.write_text(demo_orders_path().read_text(encoding="utf-8").replace('participant = "T05"', 'participant = "T99"'),
                   encoding="utf-8")
    out = tmp_path / "results"
    done = CliRunner().invoke(app, ["dispatch", "--date", "2026-07-01", "--out", str(out), "--orders", str(bad)])
    assert done.exit_code == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "orders.toml" in lines[0] and "T99" in lines[0] and "unknown participant" in lines[0]
    assert not (out / "dispatch-2026-07-01.nc").exists()
