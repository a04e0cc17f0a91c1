"""The ledger's vocabulary is exactly the stored strings; the store's named queries; worker headcounts as data."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from contextlib import closing

import pytest

from market.income import settle_income
from market.income.sunlight import worker_heads
from market.ledger import AccountName, LegKind, SettlementKind, open_ledger, settled_day_count
from market.settlement import rules_for, settle_basic_charge, settle_day

STORED_LEG_KINDS = {
    "trade_purchase", "trade_sale", "trade_fee", "kepco_energy", "kepco_climate", "kepco_fuel", "kepco_fund",
    "kepco_vat", "kepco_bill", "kepco_basic", "export_smp", "export_rec", "imbalance_short", "imbalance_long",
    "income_contribution", "income_tenant", "income_workers", "correction", "rounding",
}


def test_members_are_todays_strings():
    assert {str(kind) for kind in LegKind} == STORED_LEG_KINDS
    assert {str(kind) for kind in SettlementKind} == {"day", "basic", "income", "correction"}
    assert {str(name) for name in AccountName} == {"park:operator_fees", "park:kepco", "park:grid_export_buyer",
                                                   "park:sunlight_fund", "park:rounding"}
    assert AccountName.cash("T01") == "participant:T01:cash"
    assert AccountName.workers("T01") == "participant:T01:workers"
    assert AccountName.of_participant("T01") == "participant:T01:"
    assert SettlementKind.DAY.key("2026-07-01") == "day:2026-07-01"
    assert f"{LegKind.TRADE_FEE}:x" == "trade_fee:x"  # formats as its value (correction details use this)


def _quarter_rules(park):
    return rules_for(park.model_copy(update={"income": park.income.model_copy(
        update={"eligibility_lag_quarters": 0})}))


def test_stored_strings_are_the_vocabulary_and_heads_are_data(tmp_path, small_park, dispatched):
    path = tmp_path / "ledger.sqlite"
    ledger = open_ledger(path)
    try:
        settle_day(ledger, small_park, dispatched[("shared_savings", "2026-07-01")])
        settle_basic_charge(ledger, small_park, "2026-07")
        income = settle_income(ledger, small_park, _quarter_rules(small_park), "2026-Q3")
        heads = worker_heads(ledger.settlements())
        totals = ledger.totals_by_account_and_kind(*(2 * [dt.date(2026, 7, 1)]))
        entries = ledger.entries()
        counts = ledger.settlement_counts(dt.date(2026, 7, 1),
                                          dt.date(2026, 9, 30))
    finally:
        ledger.close()
    with closing(sqlite3.connect(path)) as connection:
        kinds = {row[0] for row in connection.execute("SELECT DISTINCT kind FROM ledger_entries")}
        settlement_kinds = {row[0] for row in connection.execute("SELECT DISTINCT kind FROM ledger_settlements")}
        accounts = {row[0] for row in connection.execute("SELECT name FROM ledger_accounts")}
    assert kinds <= STORED_LEG_KINDS and {"trade_sale", "kepco_bill", "kepco_basic", "income_workers"} <= kinds
    assert settlement_kinds == {"day", "basic", "income"}
    participant = re.compile(r"participant:[A-Za-z0-9_.\-]+:(cash|workers)")
    assert all(name in set(AccountName) or participant.fullmatch(name) for name in accounts)
    assert settled_day_count(path) == 1 and counts == {"day": 1, "basic": 1, "income": 1}
    # totals per account and kind are the sums of the entries they cover
    expected = entries.groupby(["account", "kind"])["amount_krw"].sum()
    assert dict(zip(zip(totals["account"], totals["kind"]), totals["amount_krw"])) == expected.to_dict()
    # the headcount the workers were paid for is data on the settlement, equal to the income table's
    table = income.table.set_index("participant")
    paid = {name: int(row["heads"]) for name, row in table.iterrows() if row["workers_krw"]}
    assert paid and heads == {"income:2026-Q3": paid}
    workers = entries[(entries["kind"] == LegKind.INCOME_WORKERS) & entries["account"].str.endswith(":workers")]
    assert len(workers) == len(paid)  # the entries keep their free-text detail unchanged
    for account, detail in zip(workers["account"], workers["detail"]):
        name = account.split(":")[1]
        assert detail == f"2026-Q3 {paid[name]} heads"


def test_settled_day_count_of_a_missing_file_is_zero(tmp_path):
    assert settled_day_count(tmp_path / "none.sqlite") == 0
