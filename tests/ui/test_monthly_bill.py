"""The tenant's KEPCO-style monthly bill on a real ledger from the CLI's dispatch and settle of the demo day."""

from __future__ import annotations

import tomllib
from importlib import resources

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from typer.testing import CliRunner

from market.ledger import open_ledger
from ui.cli import app
from ui.views.bill_logic import monthly_bill, month_entries

DAY, MONTH = "2026-07-01", "2026-07"


@pytest.fixture(scope="module")
def settled(tmp_path_factory):
    out = tmp_path_factory.mktemp("bill")
    runner = CliRunner()
    done = runner.invoke(app, ["dispatch", "--date", DAY, "--out", str(out)])
    assert done.exit_code == 0, done.output
    done = runner.invoke(app, ["settle", "--date", DAY, "--results", str(out), "--db", str(out / "ledger.sqlite")])
    assert done.exit_code == 0, done.output
    ledger = open_ledger(out / "ledger.sqlite")
    entries = ledger.read_tables().entries
    ledger.close() if hasattr(ledger, "close") else None
    return entries, xr.load_dataset(out / f"dispatch-{DAY}.nc")


def _summer_band_of_hour() -> dict[int, str]:
    """Hour -> band read straight from the tariff file (2026-07-01 is a summer Wednesday, no holiday)."""
    raw = tomllib.loads(resources.files("microgrid.data").joinpath(
        "tariffs/kepco_industrial_eul_hv_a_option2.toml").read_text(encoding="utf-8"))
    bands = {hour: "light" for hour in range(24)}
    for band, hours in raw["bands"]["summer"].items():
        bands.update({hour: band for hour in hours})
    return bands


@pytest.mark.parametrize("tenant", ["T01", "T05", "T29"])
def test_bill_reconciles_with_ledger_and_dispatch(settled, tenant):
    entries, dataset = settled
    mine = month_entries(entries, f"participant:{tenant}:cash", MONTH)
    assert len(mine) > 0
    bill = monthly_bill(mine)
    # the net is what the ledger says the tenant paid (+ = pays), to the won
    assert bill.net_krw == -int(mine["amount_krw"].sum())
    assert bill.kepco_total_krw + bill.park_total_krw == bill.net_krw
    # every row is whole won and the rows of each section add up to their total
    kepco_rows = [r.amount_krw for r in bill.rows if r.section == "kepco" and r.amount_krw is not None]
    park_rows = [r.amount_krw for r in bill.rows if r.section == "park"]
    assert sum(kepco_rows) == bill.kepco_total_krw
    assert sum(park_rows) == bill.park_total_krw
    assert all(isinstance(r.amount_krw, int) for r in bill.rows if r.amount_krw is not None)
    # a tenant importing from KEPCO pays KEPCO, and the basic charge carries a billed demand
    assert bill.kepco_total_krw > 0 and bill.billed_demand_kw and bill.billed_demand_kw > 0
    # band kWh equal the dispatch file's grid import by band, computed independently from the tariff hours
    band_of_hour = _summer_band_of_hour()
    hours = pd.DatetimeIndex(dataset["time"].values).hour
    imports = dataset["grid_import"].sel(participant=tenant).values
    for band in ("light", "mid", "peak"):
        expected = float(imports[np.array([band_of_hour[h] for h in hours]) == band].sum())
        assert bill.kwh_by_band[band] == pytest.approx(expected, abs=1e-6)


def test_bill_sign_puts_trade_sales_negative(settled):
    entries, _ = settled
    sellers = entries[(entries["kind"] == "trade_sale")]["account"].unique()
    assert len(sellers)
    bill = monthly_bill(month_entries(entries, sellers[0], MONTH))
    sold = next(r for r in bill.rows if r.label == "bill_trade_sold")
    assert sold.amount_krw < 0  # − = the tenant receives


@pytest.mark.parametrize("tenant", ["T01", "T29"])
def test_statement_net_is_the_bills_net(tmp_path_factory, settled, tenant):
    """The page shows one month net: the downloadable statement's (ledger sign) is the bill's with + = pays."""
    from market.settlement.config import rules_for
    from market.settlement.statement import monthly_statement
    from microgrid.park import demo_park_path, read_park

    entries, _dataset = settled
    bill = monthly_bill(month_entries(entries, f"participant:{tenant}:cash", MONTH))
    park = read_park(demo_park_path())
    out = tmp_path_factory.getbasetemp()
    ledger = open_ledger(next(out.glob("bill*/ledger.sqlite")))
    statement = monthly_statement(ledger, park, rules_for(park), tenant, MONTH)
    assert statement.net_krw == -bill.net_krw
    assert statement.net_krw != 0
