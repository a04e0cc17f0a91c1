"""Sunlight income (햇빛소득): the fund, what was paid to tenants and workers, per-worker share, history."""

import pandas as pd
import streamlit as st

from ui import charts
from ui.common import lang, money_metric, page_access, page_guard
from ui.i18n import krw, t
from ui.views.sunlight_logic import first_eligible_quarter, next_payment_date

L = lang()
access = page_access()
st.title(t("page_sunlight", L))
history = page_guard(access.income_history)
if history.empty:
    st.info(t("no_income", L))
    st.stop()
row = st.columns(4)
money_metric(row[0], f"{t('fund_inflow', L)}", history["inflow_krw"].sum())
money_metric(row[1], f"{t('paid_tenants', L)}", history["tenants_krw"].sum())
money_metric(row[2], f"{t('paid_workers', L)}", history["workers_krw"].sum())
money_metric(row[3], f"{t('fund_balance', L)}", access.fund_balance())
st.altair_chart(charts.income_history(history, L), width="stretch")
settled = page_guard(access.settled_days)
if settled:  # say why a payout is 0원: the eligibility lag, and when the next payment comes
    lag = access.rules.income.eligibility_lag_quarters
    first, last = min(settled), max(settled)
    st.info(t("income_lag_note", L).format(
        lag=lag, first=first_eligible_quarter(first, lag), start=pd.Period(first, freq="Q"),
        next=next_payment_date(first, lag, last).isoformat()))

st.subheader(t("income_by_participant", L))
own = page_guard(access.income_by_participant)
if access.principal.role == "tenant" and not own.empty:
    latest = own.iloc[-1]
    row = st.columns(3)
    money_metric(row[0], f"{t('paid_tenants', L)} ({latest['quarter']})", latest["tenant_krw"])
    money_metric(row[1], f"{t('paid_workers', L)} ({latest['quarter']})", latest["workers_krw"])
    row[2].metric(f"{t('per_worker', L)} ({latest['quarter']})", krw(latest["per_worker_krw"]))
table = pd.DataFrame({
    t("quarter", L): own["quarter"], t("participant", L): own["participant"],
    f"{t('contribution', L)} [{t('unit_krw', L)}]": own["contribution_krw"].map(krw),
    f"{t('paid_tenants', L)} [{t('unit_krw', L)}]": own["tenant_krw"].map(krw),
    f"{t('paid_workers', L)} [{t('unit_krw', L)}]": own["workers_krw"].map(krw),
    t("heads", L): own["heads"],
    f"{t('per_worker', L)} [{t('unit_krw', L)}]": own["per_worker_krw"].map(krw),
})
st.dataframe(table, hide_index=True, width="stretch", key="income_table")
