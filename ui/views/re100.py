"""RE100: renewable share, annual and hourly match by month toward the target, by source, the gap."""

import pandas as pd
import streamlit as st

from ui import charts
from ui.common import lang, money_metric, page_access, page_guard, participant_picker
from ui.i18n import kwh, percent, t
from ui.views.re100_logic import nothing_counts

L = lang()
access = page_access()
st.title(t("page_re100", L))
name = participant_picker(access, "re100_participant")
years = page_guard(access.years)
if not years:
    st.info(t("no_data", L))
    st.stop()
year = st.selectbox(t("year", L), years, key="re100_year")
frame = page_guard(lambda: access.re100_by_month(year, name))
ytd = frame[frame["period"] == "ytd"].iloc[0]
st.subheader(f"{t('ytd', L)} {year}")
row = st.columns(4)
row[0].metric(f"{t('annual_match', L)}", percent(ytd["annual_match"]))
row[1].metric(f"{t('hourly_match', L)}", percent(ytd["hourly_match"]))
row[2].metric(f"{t('target', L)}", percent(ytd["target"]))
row[3].metric(f"{t('gap_kwh', L)}", kwh(ytd["gap_kwh"]))
row = st.columns(4)
row[0].metric(t("recs_needed", L), f"{int(ytd['recs_needed']):,}")
money_metric(row[1], f"{t('rec_cost', L)}", ytd["rec_cost_krw"])
money_metric(row[2], f"{t('gp_cost', L)}", ytd["green_premium_cost_krw"])
row[3].metric(t("scope2", L), f"{ytd['location_tco2eq']:,.1f} / {ytd['market_tco2eq']:,.1f}")
st.caption(t("waste_heat_note", L))
if nothing_counts(frame):  # e.g. a tenant with only waste heat: a sentence, not empty charts
    st.info(t("re100_nothing_counts", L))
else:
    left, right = st.columns(2)
    left.altair_chart(charts.re100_progress(frame, L), width="stretch")
    right.altair_chart(charts.re100_sources(frame, L), width="stretch")
table = pd.DataFrame({
    t("month", L): frame["period"].replace({"ytd": t("ytd", L)}),
    f"{t('load', L)} [kWh]": frame["load_kwh"].astype(float).round(0),
    f"{t('own', L)} [%]": (100 * frame["share_own"].astype(float)).round(1),
    f"{t('storage', L)} [%]": (100 * frame["share_storage"].astype(float)).round(1),
    f"{t('bought', L)} [%]": (100 * frame["share_bought"].astype(float)).round(1),
    f"{t('annual_match', L)} [%]": (100 * frame["annual_match"].astype(float)).round(1),
    f"{t('hourly_match', L)} [%]": (100 * frame["hourly_match"].astype(float)).round(1),
    f"{t('gap_kwh', L)} [kWh]": frame["gap_kwh"].astype(float).round(0),
})
st.dataframe(table, hide_index=True, width="stretch", key="re100_table")
