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
    surpluses = stats["trading_surplus_krw"].clip(lower=0)
    assert result.inflow_krw == pytest.approx(0.30 * surpluses.sum(), abs=len(surpluses))
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


def _surplus_by_hand(ds) -> dict[str, float]:
    """Each participant's gain from the market, leg by leg from the trade matrix [KRW] (excl. VAT)."""
    trade = ds["trade"].transpose("time", "seller", "buyer").values
    price = ds["trade_price"].transpose("time", "seller", "buyer").values
    fee = float(ds.attrs["trade_fee_krw_per_kwh"])
    sellers = [str(s) for s in ds["seller"].values]
    buyers = [str(b) for b in ds["buyer"].values]
    out = {}
    for position, name in enumerate(str(p) for p in ds["participant"].values):
        gain = 0.0
        if name in buyers:
            b = buyers.index(name)
            kwh = trade[:, :, b].sum(axis=1)
            gain += float((kwh * ds["import_price"].values[:, position]).sum()
                          - (trade[:, :, b] * (price[:, :, b] + fee)).sum())
        if name in sellers:
            s = sellers.index(name)
            kwh = trade[:, s, :].sum(axis=1)
            gain += float((trade[:, s, :] * price[:, s, :]).sum() - (kwh * ds["export_price"].values).sum())
        out[name] = gain
    return out


def test_fund_base_is_the_trading_surplus_not_self_consumption(ledger, small_park, dispatched):
    """The fund takes its share of what trading gained each party, checked leg by leg on the trade matrix."""
    ds = dispatched[("shared_savings", "2026-07-01")]
    settle_day(ledger, small_park, ds)
    stats = ledger.day_stats(*(2 * ["2026-07-01"])).set_index("participant")
    by_hand = _surplus_by_hand(ds)
    for name, gain in by_hand.items():
        assert stats.loc[name, "trading_surplus_krw"] == pytest.approx(gain, abs=1e-3), name
        assert gain >= -1e-6, f"{name} lost by trading ({gain} KRW): the pricing rule guarantees the grid alternative"
    fee = float(ds.attrs["trade_fee_krw_per_kwh"])
    welfare = float((ds["bought"] * ds["import_price"]).sum() - (ds["sold"] * ds["export_price"]).sum()
                    - fee * ds["bought"].sum())
    assert sum(by_hand.values()) == pytest.approx(welfare, rel=1e-9, abs=1e-3)  # the transfers cancel
    saving = stats["grid_only_bill_krw"] - stats["net_cost_krw"]
    assert saving.sum() > stats["trading_surplus_krw"].sum() > 0  # self-consumption is in the saving, not the base
    rules = default_rules()
    rules = replace(rules, income=rules.income.model_copy(update={"eligibility_lag_quarters": 0}))
    result = settle_income(ledger, small_park, rules, "2026-Q3")
    table = result.table.set_index("participant")
    for name, gain in by_hand.items():
        expected = round(0.30 * gain) if gain > 0 else 0
        assert abs(table.loc[name, "contribution_krw"] - expected) <= 1, name
