"""Sunlight income: collected from savings, paid out exactly, per tenant and per worker."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from market.income import allocate_largest_remainder, settle_income
from market.settlement import default_rules, settle_day
from microgrid.errors import EngineInputError


@given(st.integers(0, 10**12), st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=40))
def test_largest_remainder_pays_exactly_the_total(total, weights):
    shares = allocate_largest_remainder(total, weights)
    assert all(share >= 0 for share in shares)
    assert sum(shares) == (total if sum(weights) > 0 else 0)


def test_quarter_income_is_collected_and_paid_out_exactly(ledger, small_park, dispatched):
    settle_day(ledger, small_park, dispatched[("shared_savings", "2026-07-01")])
    rules = default_rules()
    rules = replace(rules, income=rules.income.model_copy(update={"eligibility_lag_quarters": 0}))
    result = settle_income(ledger, small_park, rules, "2026-Q3")
    stats = ledger.day_stats(*(2 * ["2026-07-01"])).set_index("participant")
    savings = (stats["grid_only_bill_krw"] - stats["net_cost_krw"]).clip(lower=0)
    assert result.inflow_krw == pytest.approx(0.30 * savings.sum(), abs=len(savings))
    assert result.inflow_krw > 0 and result.paid_krw == result.inflow_krw
    assert ledger.balance("park:sunlight_fund") == 0
    table = result.table.set_index("participant")
    assert table.loc["OPERATOR", "tenant_krw"] == 0 and table.loc["OPERATOR", "workers_krw"] == 0
    tenants = int(table["tenant_krw"].sum())
    assert abs(tenants - 0.5 * result.inflow_krw) <= 1
    for name, row in table.iterrows():
        if row["heads"]:
            assert row["per_worker_krw"] == pytest.approx(row["workers_krw"] / row["heads"])
            assert ledger.balance(f"participant:{name}:workers") == row["workers_krw"]
    assert ledger.entries(key="income:2026-Q3")["amount_krw"].sum() == 0
    again = settle_income(ledger, small_park, rules, "2026-Q3")  # re-settling replaces, never duplicates
    assert again.inflow_krw == result.inflow_krw
    assert ledger.balance("park:sunlight_fund") == 0


def test_newcomers_wait_for_the_eligibility_lag(ledger, small_park, dispatched):
    settle_day(ledger, small_park, dispatched[("shared_savings", "2026-07-01")])
    result = settle_income(ledger, small_park, default_rules(), "2026-Q3")  # lag 1 quarter by default
    assert result.paid_krw == 0 and not result.table["eligible"].any()
    assert ledger.balance("park:sunlight_fund") == result.inflow_krw > 0


def test_bad_quarter_is_refused(ledger, small_park):
    with pytest.raises(EngineInputError, match="YYYY-Qn"):
        settle_income(ledger, small_park, default_rules(), "2026-3")
    with pytest.raises(EngineInputError, match="no settled day"):
        settle_income(ledger, small_park, default_rules(), "2026-Q1")


def test_undistributed_fund_is_carried_forward_to_a_later_quarter(ledger, small_park, dispatched):
    settle_day(ledger, small_park, dispatched[("shared_savings", "2026-01-10")])
    rules = default_rules()  # lag 1 quarter: nobody is eligible in Q1, the Q1 inflow stays in the fund
    q1 = settle_income(ledger, small_park, rules, "2026-Q1")
    assert q1.paid_krw == 0 and ledger.balance("park:sunlight_fund") == q1.inflow_krw > 0
    settle_day(ledger, small_park, dispatched[("shared_savings", "2026-07-01")])
    q3 = settle_income(ledger, small_park, rules, "2026-Q3")  # tenants settled in Q1 are now eligible
    assert q3.carried_in_krw == q1.inflow_krw
    assert q3.paid_krw == q3.inflow_krw + q1.inflow_krw
    assert ledger.balance("park:sunlight_fund") == 0
    meta = ledger.settlements("income").set_index("key").loc["income:2026-Q3", "meta"]
    assert f'"carried_in_krw": {q1.inflow_krw}' in meta  # visible on the ledger
    again = settle_income(ledger, small_park, rules, "2026-Q3")  # re-settling Q3 carries the same, once
    assert again.paid_krw == q3.paid_krw and ledger.balance("park:sunlight_fund") == 0
