"""Park today (energy manager, analyst): a day's dispatch of the whole park; run or re-run a day."""

import datetime as dt
import json

import pandas as pd
import streamlit as st

from ui import charts
from ui.common import lang, money_metric, page_access, page_guard
from ui.i18n import kwh, percent, t

L = lang()
access = page_access()
st.title(t("page_park_today", L))
days = page_guard(access.dispatch_days)
if "park_day_pending" in st.session_state:
    st.session_state["park_day"] = st.session_state.pop("park_day_pending")
if st.session_state.get("park_day") not in days:
    st.session_state.pop("park_day", None)

if not days:
    st.info(t("no_dispatch", L))
else:
    day = st.selectbox(t("day", L), days, key="park_day", format_func=lambda d: d.isoformat())
    park_day = page_guard(lambda: access.park_day(day))
    summary, dataset = park_day.summary, park_day.dataset
    status = (f"{t('settled_at', L)} {park_day.settled_at:%Y-%m-%d %H:%M} UTC" if park_day.settled_at
              else t("not_settled", L))
    st.caption(f"{dataset.attrs.get('park', '')} - {day.isoformat()} - {dataset.attrs.get('pricing_rule', '')} - "
               f"{dataset.attrs.get('solver_status', '')} - {status}")
    row = st.columns(5)
    row[0].metric(f"{t('load', L)}", kwh(summary.load_kwh))
    row[1].metric(f"{t('generation', L)}", kwh(summary.generation_kwh))
    row[2].metric(f"{t('self_sufficiency', L)}", percent(summary.self_sufficiency))
    row[3].metric(f"{t('traded', L)}", kwh(summary.traded_kwh))
    row[4].metric(f"{t('grid_import', L)}", kwh(summary.grid_import_kwh))
    row = st.columns(5)
    row[0].metric(f"{t('grid_export', L)}", kwh(summary.grid_export_kwh))
    money_metric(row[1], f"{t('park_cost', L)}", summary.cost_krw)
    money_metric(row[2], f"{t('grid_only_cost', L)}", summary.grid_only_cost_krw)
    money_metric(row[3], f"{t('saving', L)}", summary.saving_krw)
    row[4].metric(f"{t('saving', L)} [%]", percent(summary.saving_share))

    kinds = {asset.name: asset.kind for asset in access.park.assets}
    left, right = st.columns(2)
    left.altair_chart(charts.generation_and_load(dataset, kinds, L), width="stretch")
    soc = charts.battery_soc(dataset, L)
    if soc is not None:
        right.altair_chart(soc, width="stretch")
    left, right = st.columns(2)
    left.altair_chart(charts.feeder_flows(dataset, L), width="stretch")
    transformer = access.park.network.transformer
    right.altair_chart(charts.transformer_flow(dataset, transformer.import_limit_kw, transformer.export_limit_kw, L),
                       width="stretch")
    st.altair_chart(charts.clearing_prices(dataset, L), width="stretch")
    st.subheader(t("binding_limits", L))
    limits = json.loads(dataset.attrs.get("binding_limits", "[]"))
    if limits:
        st.dataframe(pd.DataFrame(limits), hide_index=True, width="stretch")
    else:
        st.write(t("none", L))

if access.principal.may_run:
    st.divider()
    st.subheader(t("run_day", L))
    with st.form("run_day"):
        default = days[0] if days else dt.date.today() + dt.timedelta(days=1)
        run_date = st.date_input(t("day", L), value=default, key="run_date")
        submitted = st.form_submit_button(t("run_button", L))
    if submitted:
        with st.status(t("run_day", L), expanded=True) as status_box:
            bar = st.progress(0.0, text=t("run_forecast", L))

            def progress(step: str, fraction: float) -> None:
                bar.progress(fraction, text=t(step, L))
                status_box.write(t(step, L))

            try:
                access.run_day(run_date, progress)
            except Exception as error:  # shown to the manager, not a traceback
                status_box.update(label=f"{t('run_failed', L)}: {error}", state="error")
            else:
                status_box.update(label=f"{t('run_done', L)}: {run_date.isoformat()}", state="complete")
                st.session_state["park_day_pending"] = run_date
                st.rerun()
