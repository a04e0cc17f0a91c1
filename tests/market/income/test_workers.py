"""The worker register: strict reading, eligibility by start date and lag, each worker's share on the ledger."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from market.income import settle_income
from market.income.workers import Worker, read_worker_register
from market.settlement import default_rules, settle_day
from microgrid.errors import EngineInputError

HEADER = "worker_id,employer,start_date,weight,eligibility_lag_quarters,end_date\n"


def _tenants(park) -> list[str]:
    return [p.name for p in park.participants if p.kind == "tenant"]


def _write(tmp_path, text: str):
    path = tmp_path / "workers.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_eligibility_follows_start_date_and_lag():
    q3 = pd.Period("2026Q3", freq="Q")
    # lag 1: employed on the first day of the quarter before (2026-04-01)
    assert Worker("a", "T", dt.date(2026, 4, 1), 1.0).eligible(q3, 1)
    assert not Worker("b", "T", dt.date(2026, 4, 2), 1.0).eligible(q3, 1)
    assert Worker("b", "T", dt.date(2026, 4, 2), 1.0).eligible(q3 + 1, 1)
    # lag 0: employed at any time in the quarter; lag 2 on the row overrides the park's
    assert Worker("c", "T", dt.date(2026, 9, 30), 1.0).eligible(q3, 0)
    assert not Worker("d", "T", dt.date(2026, 1, 1), 1.0, 2).eligible(q3 - 1, 1)
    assert Worker("d", "T", dt.date(2026, 1, 1), 1.0, 2).eligible(q3, 1)
    # gone before the quarter starts: nothing; gone during it: still shares
    assert not Worker("e", "T", dt.date(2020, 1, 1), 1.0, None, dt.date(2026, 6, 30)).eligible(q3, 1)
    assert Worker("f", "T", dt.date(2020, 1, 1), 1.0, None, dt.date(2026, 7, 1)).eligible(q3, 1)


@settings(max_examples=200, deadline=None)
@given(st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)), st.integers(0, 6))
def test_first_eligible_quarter_is_the_first_quarter_eligible(start, lag):
    worker = Worker("w", "T", start, 1.0)
    first = worker.first_eligible_quarter(lag)
    assert worker.eligible(first, lag)
    assert not worker.eligible(first - 1, lag)


def test_register_is_read_and_checked_against_the_park(tmp_path, small_park):
    tenants = _tenants(small_park)
    path = _write(tmp_path, HEADER + f"W1,{tenants[0]},2025-01-01,1.0,,\nW2,{tenants[0]},2026-05-01,2,0,\n")
    register, meta = read_worker_register(path, small_park)
    assert len(register) == 2 and meta["workers"] == 2 and meta["employers"] == [tenants[0]]
    assert register.get("W2").eligibility_lag_quarters == 0 and register.get("W2").weight == 2.0


@pytest.mark.parametrize("row, message", [
    ("W1,NOPE,2025-01-01,1,,", "row 2: employer = 'NOPE'"),
    ("W1,{t},2025-13-01,1,,", "row 2: start_date = '2025-13-01': expected a date"),
    ("W1,{t},2025-01-01,0,,", "row 2: weight = '0'"),
    ("W1,{t},2025-01-01,abc,,", "row 2: weight = 'abc'"),
    ("W 1,{t},2025-01-01,1,,", "row 2: worker_id = 'W 1'"),
    ("W1,{t},2025-01-01,1,x,", "row 2: eligibility_lag_quarters = 'x'"),
    ("W1,{t},2025-01-01,1,,2024-01-01", "row 2: end_date = '2024-01-01'"),
    ("W1,{t},2025-01-01,1,,\nW1,{t},2025-01-01,1,,", "row 3: worker_id = 'W1': already on row 2"),
    ("W1,{t},2025-01-01", "row 2: 6 fields expected"),
])
def test_bad_rows_are_refused_in_one_line(tmp_path, small_park, row, message):
    path = _write(tmp_path, HEADER + row.format(t=_tenants(small_park)[0]) + "\n")
    with pytest.raises(EngineInputError, match=message.replace("(", r"\(")) as caught:
        read_worker_register(path, small_park)
    assert "\n" not in str(caught.value) and str(path) in str(caught.value)


def test_bad_header_and_empty_file(tmp_path, small_park):
    with pytest.raises(EngineInputError, match="header"):
        read_worker_register(_write(tmp_path, "id,employer\nW1,T\n"), small_park)
    with pytest.raises(EngineInputError, match="no worker rows"):
        read_worker_register(_write(tmp_path, HEADER), small_park)


def test_each_eligible_worker_is_paid_by_weight_into_its_own_account(tmp_path, ledger, small_park, dispatched):
    tenants = _tenants(small_park)
    settle_day(ledger, small_park, dispatched[("shared_savings", "2026-07-01")])
    rules = default_rules()
    rules = replace(rules, income=rules.income.model_copy(update={"eligibility_lag_quarters": 0}))
    path = _write(tmp_path, HEADER + "\n".join([
        f"A,{tenants[0]},2020-01-01,1,,",
        f"B,{tenants[0]},2020-01-01,2,,",          # double weight
        f"C,{tenants[1]},2020-01-01,1,,",
        f"D,{tenants[1]},2026-06-01,1,1,",         # lag 1 on its row: starts after 2026-04-01, waits
        f"E,{tenants[1]},2020-01-01,1,,2026-06-30",  # left before Q3
    ]) + "\n")
    register, _ = read_worker_register(path, small_park)
    result = settle_income(ledger, small_park, rules, "2026-Q3", register)
    paid = {row.worker_id: row.krw for row in result.workers.itertuples()}
    assert paid["D"] == 0 and paid["E"] == 0
    workers_total = sum(paid.values())
    assert workers_total == result.paid_krw - int(result.table["tenant_krw"].sum())
    assert abs(workers_total - 0.5 * result.paid_krw) <= 1  # tenant_share 0.5: the rest to workers
    # by weight: B gets twice A, and A, C the same (to the won: largest remainder)
    assert abs(paid["B"] - 2 * paid["A"]) <= 1 and abs(paid["A"] - paid["C"]) <= 1
    for worker_id, krw in paid.items():
        assert ledger.balance(f"worker:{worker_id}") == krw
    assert ledger.balance("park:sunlight_fund") == 0
    assert ledger.entries(key="income:2026-Q3")["amount_krw"].sum() == 0  # money sums to zero
    table = result.table.set_index("participant")
    assert table.loc[tenants[0], "heads"] == 2 and table.loc[tenants[1], "heads"] == 1
    assert table.loc[tenants[0], "workers_krw"] == paid["A"] + paid["B"]
    again = settle_income(ledger, small_park, rules, "2026-Q3", register)  # re-settling never pays twice
    assert again.paid_krw == result.paid_krw and ledger.balance("worker:A") == paid["A"]


def test_nobody_registered_is_eligible_keeps_the_workers_part_in_the_tenants_split(
        tmp_path, ledger, small_park, dispatched):
    tenants = _tenants(small_park)
    settle_day(ledger, small_park, dispatched[("shared_savings", "2026-07-01")])
    rules = default_rules()
    rules = replace(rules, income=rules.income.model_copy(update={"eligibility_lag_quarters": 0}))
    register, _ = read_worker_register(_write(tmp_path, HEADER + f"Z,{tenants[0]},2027-01-01,1,,\n"), small_park)
    result = settle_income(ledger, small_park, rules, "2026-Q3", register)
    assert int(result.workers["krw"].sum()) == 0
    assert int(result.table["tenant_krw"].sum()) == result.paid_krw == result.inflow_krw > 0
