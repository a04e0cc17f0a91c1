"""My trades (tenant; manager and analyst pick a participant): trades hour by hour, bill vs KEPCO, statement."""

import pandas as pd
import streamlit as st

from ui import charts
from ui.common import lang, money_metric, page_access, page_guard, participant_picker
from ui.i18n import kwh, krw, t

L = lang()
access = page_access()
st.title(t("page_my_trades" if access.principal.role == "tenant" else "page_trades", L))
name = participant_picker(access, "trades_participant")
days = page_guard(access.settled_days)
if not days:
    st.info(t("no_data", L))
    st.stop()

day = st.selectbox(t("day", L), days, key="trades_day", format_func=lambda d: d.isoformat())
view = page_guard(lambda: access.trades(day, name))
st.subheader(t("hourly_trades", L))
if not view.detail_ok and not view.totals.empty:
    st.warning(t("stale_detail", L))
hourly = view.hourly
if hourly.empty:
    if view.detail_ok:
        st.info(t("no_trades", L))
else:
    bought = hourly[hourly["direction"] == "buy"]
    sold = hourly[hourly["direction"] == "sell"]
    row = st.columns(4)
    row[0].metric(f"{t('buy', L)}", kwh(bought["energy_kwh"].sum()))
    money_metric(row[1], f"{t('buy', L)}", -bought["amount_krw"].sum())
    row[2].metric(f"{t('sell', L)}", kwh(sold["energy_kwh"].sum()))
    money_metric(row[3], f"{t('sell', L)}", sold["amount_krw"].sum())
    st.altair_chart(charts.hourly_trades(hourly, L), width="stretch")
    table = pd.DataFrame({
        t("time_kst", L): hourly["time"].dt.strftime("%H:%M"),
        t("counterpart", L): hourly["counterpart"],
        t("direction", L): hourly["direction"].map({"buy": t("buy", L), "sell": t("sell", L)}),
        t("energy_kwh", L): hourly["energy_kwh"].round(1),
        t("price_krw_kwh", L): hourly["price_krw_per_kwh"].round(2),
        t("amount_krw", L): hourly["amount_krw"].map(krw),
        f"{t('fee', L)} [{t('unit_krw', L)}]": hourly["fee_krw"].map(krw),
    })
    st.dataframe(table, hide_index=True, width="stretch", key="trades_table")

st.subheader(t("bill_vs_kepco", L))
months = access.months()
month = st.selectbox(t("month", L), months, key="trades_month")
bills = page_guard(lambda: access.daily_bills(month, name))
if bills.empty:
    st.info(t("no_data", L))
else:
    row = st.columns(3)
    money_metric(row[0], f"{t('my_bill', L)}", bills["net_cost_krw"].sum())
    money_metric(row[1], f"{t('kepco_only', L)}", bills["grid_only_bill_krw"].sum())
    money_metric(row[2], f"{t('saving', L)}", bills["saving_krw"].sum())
    st.altair_chart(charts.bill_against_kepco(bills, L), width="stretch")

st.caption(t("bill_scope_daily", L))
st.subheader(t("bill_title", L))
st.caption(t("bill_sign", L))
bill = page_guard(lambda: access.monthly_bill(month, name))
row = st.columns(3)
money_metric(row[0], t("bill_kepco_total", L), bill.kepco_total_krw)
money_metric(row[1], t("bill_park_total", L), bill.park_total_krw)
money_metric(row[2], t("bill_net", L), bill.net_krw)


def _quantity(line) -> str:
    if line.quantity is None:
        return ""
    return f"{line.quantity:,.1f} {line.unit}"


st.dataframe(pd.DataFrame({
    t("bill_item", L): [("" if r.section == "total" else t(f"bill_section_{r.section}", L) + " · ") + t(r.label, L)
                        for r in bill.rows],
    t("bill_quantity", L): [_quantity(r) for r in bill.rows],
    t("bill_amount", L): ["" if r.amount_krw is None else krw(r.amount_krw) for r in bill.rows],
}), hide_index=True, width="stretch", key="bill_table")

st.subheader(t("statement", L))
# The statement holds the same month's ledger lines as the bill above; its net is the bill's (one sign, stated there).
_statement, csv_bytes, html_bytes = page_guard(lambda: access.statement(month, name, L))
row = st.columns(2)
row[0].download_button(t("download_csv", L), csv_bytes, file_name=f"statement-{name}-{month}.csv", mime="text/csv",
                       key="download_csv")
row[1].download_button(t("download_html", L), html_bytes, file_name=f"statement-{name}-{month}.html",
                       mime="text/html", key="download_html")
