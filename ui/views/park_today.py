"""Park today (energy manager, analyst): the state of the day in the park's time.

Today (the park's timezone) by default, any day with the date picker: the state of the day
(forecast / dispatched / settled / re-dispatched / metered / closed), the alarms ``microgrid
monitor`` logged (critical first, acknowledged by the manager), the dispatch (generation, SOC,
feeders, transformer, prices), the hourly plan (table, CSV and Parquet made on request),
re-dispatch corrections; the manager runs a day, and re-running a settled day needs a confirmation.
"""

import datetime as dt
import json

import pandas as pd
import streamlit as st

from ui import charts
from ui.common import lang, money_metric, page_access, page_guard
from ui.i18n import krw, kwh, percent, t
from ui.views.today_logic import DayStep, corrections_by_participant

L = lang()
access = page_access()
st.title(t("page_park_today", L))
days = page_guard(access.dispatch_days)
today = access.today()
if "park_day_pending" in st.session_state:
    st.session_state["park_day"] = st.session_state.pop("park_day_pending")
st.session_state.setdefault("park_day", today)
day = st.date_input(f"{t('day', L)} ({t('today_in_park', L)}: {today.isoformat()})", key="park_day")


def _number(value) -> str:
    """A measured value or limit with thousands separators; blank when there is none."""
    return "" if value is None or pd.isna(value) else f"{float(value):,.0f}" if abs(value) >= 100 else f"{value:,.1f}"


def _when(value) -> str:
    return t("state_pending", L) if value is None else f"{value:%m-%d %H:%M}"


state = page_guard(lambda: access.day_state(day))
st.subheader(t("day_state", L))
st.markdown(f"**{t('state_now', L)}: {t(state.step.label, L)}** ({day.isoformat()}, "
            f"{t('state_times', L)} {access.park.park.timezone})")
steps = [(DayStep.FORECAST.label, True)] + [(step.label, state.when(step)) for step in list(DayStep)[1:3]] + \
    [("state_redispatched", state.redispatched)] + [(step.label, state.when(step)) for step in list(DayStep)[3:]]
# one line that wraps (six columns would stack into twelve lines at phone width)
st.markdown(" → ".join(f"{'●' if value is not None else '○'} **{t(label, L)}** "
                       f"{t('state_done', L) if value is True else _when(value)}" for label, value in steps))

alarms = page_guard(lambda: access.alarms(day))
st.subheader(t("alarms", L))
if alarms.empty:
    st.success(t("no_alarms", L))
else:
    open_critical = int(((alarms["severity"] == "critical") & alarms["acknowledged_by"].isna()).sum())
    if open_critical:
        st.error(t("critical_open", L).format(n=open_critical))
    icons = {"critical": "■■■", "warning": "■■", "info": "■"}
    table = pd.DataFrame({
        t("severity", L): [f"{icons.get(s, '')} {t('sev_' + s, L)}" for s in alarms["severity"]],
        t("col_time", L): [f"{value:%H:%M}" for value in alarms["time"]],
        t("element", L): alarms["element"], t("message", L): alarms["message"],
        t("value", L): [_number(v) for v in alarms["value"]],
        t("limit", L): [_number(v) for v in alarms["limit_value"]],
        t("unit", L): alarms["unit"], t("suggested_action", L): alarms["suggested_action"],
        t("acknowledged", L): [f"{who} {when:%H:%M}" if who else "" for who, when in
                               zip(alarms["acknowledged_by"], alarms["acknowledged_at"])],
    })
    st.dataframe(table, hide_index=True, width="stretch", key="alarms_table")
    pending = alarms[alarms["acknowledged_by"].isna()]
    if access.principal.may_run and not pending.empty:
        with st.form("acknowledge"):
            labels = {row.key: f"{t('sev_' + row.severity, L)} {row.time:%H:%M} {row.element}: {row.message}"
                      for row in pending.itertuples()}
            chosen = st.multiselect(t("to_acknowledge", L), list(labels), format_func=labels.get, key="ack_keys",
                                    placeholder=t("choose_alarms", L))
            if st.form_submit_button(t("acknowledge", L)) and chosen:
                for key in chosen:
                    page_guard(lambda key=key: access.acknowledge(key))
                st.rerun()

if day not in days:
    st.info(t("not_dispatched", L))
    if days and st.button(f"{t('latest_day', L)} ({days[0].isoformat()})", key="latest_day"):
        st.session_state["park_day_pending"] = days[0]
        st.rerun()
else:
    park_day = page_guard(lambda: access.park_day(day))
    summary, dataset = park_day.summary, park_day.dataset
    st.caption(f"{dataset.attrs.get('park', '')} - {day.isoformat()} - {dataset.attrs.get('pricing_rule', '')} - "
               f"{dataset.attrs.get('solver_status', '')}")
    row = st.columns(5)
    row[0].metric(f"{t('load', L)}", kwh(summary.load_kwh))
    row[1].metric(f"{t('generation', L)}", kwh(summary.generation_kwh))
    row[2].metric(f"{t('self_sufficiency', L)}", percent(summary.self_sufficiency))
    row[3].metric(f"{t('traded', L)}", kwh(summary.traded_kwh))
    row[4].metric(f"{t('grid_import', L)}", kwh(summary.grid_import_kwh))
    row = st.columns(5)  # money needs room (1억 2,345만 원): three to a row
    row[0].metric(f"{t('grid_export', L)}", kwh(summary.grid_export_kwh))
    row[1].metric(f"{t('saving', L)} [%]", percent(summary.saving_share))
    row = st.columns(3)
    money_metric(row[0], f"{t('park_cost', L)}", summary.cost_krw)
    money_metric(row[1], f"{t('grid_only_cost', L)}", summary.grid_only_cost_krw)
    money_metric(row[2], f"{t('saving', L)}", summary.saving_krw)

    kinds = {asset.name: str(asset.kind) for asset in access.park.assets}
    tariff_title, tou = page_guard(lambda: access.tou_spans(day))
    left, right = st.columns(2)
    left.altair_chart(charts.generation_and_load(dataset, kinds, L), width="stretch")
    soc = charts.battery_soc(dataset, L)
    if soc is not None:
        right.altair_chart(soc, width="stretch")
    left, right = st.columns(2)
    left.altair_chart(charts.feeder_flows(dataset, L, tou), width="stretch")
    transformer = access.park.network.transformer
    right.altair_chart(charts.transformer_flow(dataset, transformer.import_limit_kw, transformer.export_limit_kw, L,
                                               tou), width="stretch")
    st.caption(t("tou_caption", L).format(tariff=tariff_title) + " - " + ", ".join(
        f"{t('band_' + row.band, L)} {row.start_hour:02.0f}-{row.end_hour:02.0f}" for row in tou.itertuples()))

    st.subheader(t("trades_by_source", L))
    by_source = page_guard(lambda: access.trades_by_source(day))
    if by_source.empty:
        st.write(t("no_trades", L))
    else:
        st.altair_chart(charts.trades_by_source(by_source, L), width="stretch")
        totals = by_source.groupby("source")["energy_kwh"].sum()
        st.caption(t("trades_by_source_caption", L) + ": " + ", ".join(
            f"{t('source_' + source, L)} {kwh(value)}" for source, value in totals.items()))

    st.subheader(t("peak_vs_ratchet", L))
    peaks = page_guard(lambda: access.peak_against_ratchet(day))
    settled_peaks = peaks.dropna(subset=["day_peak_kw"])
    if settled_peaks.empty:
        st.write(t("not_settled", L))
    else:
        above = int(settled_peaks["sets_new"].sum())
        if above:
            st.warning(t("tenants_above", L).format(n=above))
        shown = settled_peaks.sort_values("headroom_kw")
        st.dataframe(pd.DataFrame({
            t("participant", L): [f"{name} {access.display_name(name)}" for name in shown["participant"]],
            t("col_day_peak", L): shown["day_peak_kw"].round(1),
            t("col_ratchet", L): shown["ratchet_kw"].round(1),
            t("col_peak_share", L): (100 * shown["day_peak_kw"] / shown["ratchet_kw"]).round(0),
            t("col_headroom", L): shown["headroom_kw"].round(1),
            t("col_billing_demand", L): shown["billing_demand_kw"].round(1),
            t("col_billed", L): shown["billed_kw"].round(1),
            t("col_basic_krw", L): [krw(value) if pd.notna(value) else "" for value in shown["basic_krw"]],
            t("col_sets_new", L): [t("yes", L) if flag else t("no", L) for flag in shown["sets_new"]],
        }), hide_index=True, width="stretch", key="ratchet_table",
            column_config={**{t(key, L): st.column_config.NumberColumn(t(key, L), format="localized") for key in
                              ("col_day_peak", "col_ratchet", "col_headroom", "col_billing_demand", "col_billed")},
                           t("col_peak_share", L): st.column_config.ProgressColumn(
                               t("col_peak_share", L), format="%d %%", min_value=0, max_value=150)})
        st.caption(t("peak_vs_ratchet_caption", L))

    st.altair_chart(charts.clearing_prices(dataset, L), width="stretch")
    st.subheader(t("binding_limits", L))
    limits = json.loads(dataset.attrs.get("binding_limits", "[]"))
    if limits:
        st.dataframe(pd.DataFrame(limits), hide_index=True, width="stretch")
    else:
        st.write(t("none", L))

    st.subheader(t("hourly_plan", L))
    plan = page_guard(lambda: access.hourly_plan(day))
    columns = {"time": "col_time", "load_kwh": "col_load", "generation_kwh": "col_generation",
               "traded_kwh": "col_traded", "grid_import_kwh": "col_import", "grid_export_kwh": "col_export",
               "storage_charge_kwh": "col_charge", "storage_discharge_kwh": "col_discharge", "soc_kwh": "col_soc",
               "transformer_flow_kwh": "col_transformer", "clearing_price_krw_per_kwh": "col_price",
               "energy_cost_krw": "col_cost"}
    shown = plan.assign(time=plan["time"].dt.strftime("%H:%M")).round(1).rename(
        columns={name: t(key, L) for name, key in columns.items()})
    st.dataframe(shown, hide_index=True, width="stretch", key="plan_table",
                 column_config={name: st.column_config.NumberColumn(name, format="localized")
                                for name in shown.columns if name != t("col_time", L)})
    row = st.columns(2)
    row[0].download_button(t("download_plan_csv", L), lambda: access.plan_file(day, "csv"),
                           file_name=f"plan-{day.isoformat()}.csv", mime="text/csv", on_click="ignore",
                           key="download_plan_csv")
    row[1].download_button(t("download_plan_parquet", L), lambda: access.plan_file(day, "parquet"),
                           file_name=f"plan-{day.isoformat()}.parquet", mime="application/vnd.apache.parquet",
                           on_click="ignore", key="download_plan_parquet")

    st.subheader(t("redispatch_events", L))
    corrections = page_guard(lambda: access.corrections(day))
    if corrections.empty and state.redispatched is None:
        st.write(t("no_redispatch", L))
    else:
        st.caption(f"{t('state_redispatched', L)}: {_when(state.redispatched)} - "
                   f"{t('correction_total', L)}: {krw(corrections['amount_krw'].sum())}")
        by_participant = corrections_by_participant(corrections)
        st.dataframe(pd.DataFrame({
            t("participant", L): by_participant["participant"],
            **{f"{t(item, L)} [{t('unit_krw', L)}]": [krw(v) for v in by_participant[item]]
               for item in by_participant.columns if item not in ("participant", "total_krw")},
            t("col_total_krw", L): [krw(v) for v in by_participant["total_krw"]],
        }), hide_index=True, width="stretch", key="corrections_table")
        st.caption(t("correction_sign", L))

if access.principal.may_run:
    st.divider()
    st.subheader(t("run_day", L))
    settled_days = set(page_guard(access.settled_days))
    if st.session_state.get("_run_date_for") != day:  # the form opens on the day the page shows
        st.session_state["run_date"], st.session_state["_run_date_for"] = day, day
    with st.form("run_day"):
        run_date = st.date_input(t("day", L), key="run_date")
        if run_date in settled_days:
            st.warning(t("rerun_settled_warning", L).format(day=run_date.isoformat()))
        confirmed = st.checkbox(t("confirm_rerun", L), key="confirm_rerun")
        submitted = st.form_submit_button(t("run_button", L))
    if submitted and run_date in settled_days and not confirmed:
        st.error(t("confirm_needed", L))
        submitted = False
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
