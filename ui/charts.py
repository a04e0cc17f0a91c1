"""Altair figures of the pages; every axis has its unit.

Time axes are the hour of the operating day in the park's timezone (KST),
so browsers in any timezone show the same hours.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import xarray as xr

from ui.i18n import t

HEIGHT = 260

#: Colours of sources (source kind, or a trade's product), fixed so both languages match.
SOURCE_COLOURS = {"pv": "#f2b701", "wind": "#3fa7d6", "orc": "#b5523b", "battery": "#6a4c93", "fuel_cell": "#59a14f",
                  "any": "#7f7f7f", "renewable": "#2ca02c", "other": "#bab0ac", "unknown": "#dddddd"}


def _source_colours(present) -> list[str]:
    return [SOURCE_COLOURS.get(source, SOURCE_COLOURS["other"]) for source in present]


def hours(dataset: xr.Dataset) -> pd.Index:
    """Hour of the day of each step (interval start, local time) [h]."""
    index = pd.DatetimeIndex(dataset.indexes["time"])
    return pd.Index(index.hour + index.minute / 60.0, name="hour")


def _x(lang: str) -> alt.X:
    return alt.X("hour:Q", title=t("time_kst", lang), scale=alt.Scale(domain=[0, 24]),
                 axis=alt.Axis(values=list(range(0, 25, 3))))


def generation_and_load(dataset: xr.Dataset, kinds: dict[str, str], lang: str) -> alt.Chart:
    """Stacked generation by source and the park's load [kW]."""
    step = float(dataset.attrs.get("step_hours", 1.0))
    generation = dataset["asset_generation"].to_pandas() / step
    by_kind = generation.T.groupby(pd.Series(kinds)).sum().T
    by_kind.index = hours(dataset)
    long = by_kind.reset_index().melt("hour", var_name="kind", value_name="kw")
    present = [kind for kind in SOURCE_COLOURS if kind in set(long["kind"])]
    present += sorted(set(long["kind"]) - set(present))
    labels = {kind: t(f"source_{kind}", lang) for kind in present}
    long["source"] = [labels.get(kind, kind) for kind in long["kind"]]
    load = pd.DataFrame({"hour": hours(dataset), "kw": dataset["load"].sum("participant").values / step,
                         "series": t("load", lang)})
    area = alt.Chart(long).mark_area(opacity=0.75).encode(
        _x(lang), alt.Y("kw:Q", stack=True, title=t("power_kw", lang)),
        alt.Color("source:N", title=t("source", lang),
                  scale=alt.Scale(domain=list(labels.values()), range=_source_colours(present))),
        tooltip=["hour", "source", alt.Tooltip("kw:Q", format=",.0f")])
    line = alt.Chart(load).mark_line(color="black", strokeWidth=2).encode(
        _x(lang), alt.Y("kw:Q"), tooltip=["hour", alt.Tooltip("kw:Q", format=",.0f")])
    return (area + line).properties(height=HEIGHT, title=f"{t('gen_by_source', lang)} [kW]")


def battery_soc(dataset: xr.Dataset, lang: str) -> alt.Chart | None:
    if "soc" not in dataset or dataset.sizes.get("storage", 0) == 0:
        return None
    frame = dataset["soc"].to_pandas()
    frame.index = hours(dataset)
    long = frame.reset_index().melt("hour", var_name="storage", value_name="kwh")
    return alt.Chart(long).mark_line(point=True).encode(
        _x(lang), alt.Y("kwh:Q", title=t("soc_kwh", lang)), alt.Color("storage:N", title="ESS"),
        tooltip=["hour", "storage", alt.Tooltip("kwh:Q", format=",.0f")],
    ).properties(height=HEIGHT, title=f"{t('battery_soc', lang)} [kWh]")


#: Colours by element, assigned in sorted order of element names so they never change with the language.
ELEMENT_PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
                   "#7f7f7f", "#bcbd22"]


def element_scale(elements) -> alt.Scale:
    """A colour scale fixed by element name (same element, same colour, in every language)."""
    domain = sorted({str(name) for name in elements})
    return alt.Scale(domain=domain, range=[ELEMENT_PALETTE[i % len(ELEMENT_PALETTE)] for i in range(len(domain))])


#: Shading of KEPCO's time-of-use bands (light / mid / peak), the same in both languages.
TOU_COLOURS = {"light": "#d9eed9", "mid": "#fbf0c4", "peak": "#f6cdc8"}


def tou_shading(spans: pd.DataFrame, lang: str) -> alt.Chart:
    """Background rectangles over the hours of each TOU band (``spans``: start_hour, end_hour, band [h])."""
    labels = {band: t(f"band_{band}", lang) for band in TOU_COLOURS}
    data = spans.assign(label=[labels.get(band, band) for band in spans["band"]])
    return alt.Chart(data).mark_rect(opacity=0.7).encode(
        alt.X("start_hour:Q", scale=alt.Scale(domain=[0, 24])), alt.X2("end_hour:Q"),
        alt.Fill("label:N", title=t("tou_band", lang),
                 scale=alt.Scale(domain=list(labels.values()), range=list(TOU_COLOURS.values()))),
        tooltip=[alt.Tooltip("label:N", title=t("tou_band", lang)), "start_hour", "end_hour"])


def flows_against_limits(flows: pd.DataFrame, limits: pd.DataFrame, title: str, lang: str,
                         tou: pd.DataFrame | None = None) -> alt.Chart:
    """Lines of flows [kW] by element and rules at each element's limits in the element's colour:
    long dashes for the forward (import) limit, dots for the reverse (export) limit; behind them the
    day's TOU bands (``tou``, see :func:`tou_shading`) when given."""
    scale = element_scale(list(flows["element"]) + list(limits["element"]))
    limits = limits.assign(direction=[t("limit_forward", lang) if kw >= 0 else t("limit_reverse", lang)
                                      for kw in limits["kw"]])
    lines = alt.Chart(flows).mark_line().encode(
        _x(lang), alt.Y("kw:Q", title=t("power_kw", lang)),
        alt.Color("element:N", title=t("series", lang), scale=scale),
        tooltip=["hour", "element", alt.Tooltip("kw:Q", format=",.0f")])
    rules = alt.Chart(limits).mark_rule(strokeWidth=1.5, opacity=0.8).encode(
        alt.Y("kw:Q"), alt.Color("element:N", scale=scale),
        # no legend for the dash kinds (a third legend was cut at phone width): the caption says them
        alt.StrokeDash("direction:N", title=t("limit", lang), legend=None,
                       scale=alt.Scale(domain=[t("limit_forward", lang), t("limit_reverse", lang)],
                                       range=[[8, 4], [2, 3]])),
        tooltip=["element", "direction", alt.Tooltip("kw:Q", format=",.0f", title=t("limit", lang))])
    layers = [tou_shading(tou, lang)] if tou is not None and len(tou) else []
    return alt.layer(*layers, lines, rules).properties(height=HEIGHT, title=f"{title} [kW]")


def feeder_flows(dataset: xr.Dataset, lang: str, tou: pd.DataFrame | None = None) -> alt.Chart:
    step = float(dataset.attrs.get("step_hours", 1.0))
    frame = dataset["feeder_flow"].to_pandas() / step
    frame.index = hours(dataset)
    flows = frame.reset_index().melt("hour", var_name="element", value_name="kw")
    limits = pd.concat([
        pd.DataFrame({"element": dataset["feeder"].values, "kw": dataset["feeder_limit"].values}),
        pd.DataFrame({"element": dataset["feeder"].values, "kw": -dataset["feeder_reverse_limit"].values}),
    ])
    return flows_against_limits(flows, limits, t("feeder_flows", lang), lang, tou)


def transformer_flow(dataset: xr.Dataset, import_limit_kw: float, export_limit_kw: float, lang: str,
                     tou: pd.DataFrame | None = None) -> alt.Chart:
    step = float(dataset.attrs.get("step_hours", 1.0))
    flows = pd.DataFrame({"hour": hours(dataset), "kw": dataset["transformer_flow"].values / step,
                          "element": "transformer"})
    limits = pd.DataFrame({"element": ["transformer", "transformer"], "kw": [import_limit_kw, -export_limit_kw]})
    return flows_against_limits(flows, limits, t("transformer_flow", lang), lang, tou)


def clearing_prices(dataset: xr.Dataset, lang: str) -> alt.Chart:
    frame = dataset["clearing_price"].to_pandas()
    frame[t("export_price", lang)] = dataset["export_price"].values
    frame.index = hours(dataset)
    long = frame.reset_index().melt("hour", var_name="series", value_name="price")
    return alt.Chart(long).mark_line(interpolate="step-after").encode(
        _x(lang), alt.Y("price:Q", title=t("price_krw_kwh", lang)), alt.Color("series:N", title=t("series", lang)),
        tooltip=["hour", "series", alt.Tooltip("price:Q", format=",.1f")],
    ).properties(height=HEIGHT, title=f"{t('clearing_prices', lang)} [KRW/kWh]")


def trades_by_source(frame: pd.DataFrame, lang: str) -> alt.Chart:
    """Direct trades of the park per hour, stacked by product or by the sellers' source kind [kWh]
    (``frame``: time, source, energy_kwh)."""
    labels = {source: t(f"source_{source}", lang) for source in SOURCE_COLOURS}
    present = [source for source in SOURCE_COLOURS if source in set(frame["source"])]
    present += sorted(set(frame["source"]) - set(present))
    labels.update({source: t(f"source_{source}", lang) for source in present if source not in labels})
    hour = frame["time"].dt.hour + frame["time"].dt.minute / 60.0
    step = float(np.diff(np.unique(hour)).min()) if hour.nunique() > 1 else 1.0
    # Rectangles stacked here in a fixed source order: a bar spans 90 % of its step whatever the
    # chart's width (a fixed pixel width overlaps at phone width).
    data = frame.assign(hour=hour, order=[present.index(source) for source in frame["source"]],
                        label=[labels.get(source, source) for source in frame["source"]]).sort_values(["hour", "order"])
    data["top"] = data.groupby("hour")["energy_kwh"].cumsum()
    data["bottom"] = data["top"] - data["energy_kwh"]
    data["end"] = data["hour"] + 0.9 * step
    return alt.Chart(data).mark_rect().encode(
        _x(lang), alt.X2("end:Q"), alt.Y("bottom:Q", title=t("energy_kwh", lang)), alt.Y2("top:Q"),
        alt.Color("label:N", title=t("source", lang),
                  scale=alt.Scale(domain=[labels[s] for s in present], range=_source_colours(present))),
        tooltip=["hour", alt.Tooltip("label:N", title=t("source", lang)),
                 alt.Tooltip("energy_kwh:Q", format=",.1f", title="kWh")],
    ).properties(height=HEIGHT, title=f"{t('trades_by_source', lang)} [kWh]")


def hourly_trades(frame: pd.DataFrame, lang: str) -> alt.Chart:
    """Energy bought (negative) and sold (positive) per hour and counterpart [kWh]."""
    data = frame.assign(hour=frame["time"].dt.hour + frame["time"].dt.minute / 60.0,
                        signed=frame["energy_kwh"].where(frame["direction"] == "sell", -frame["energy_kwh"]))
    return alt.Chart(data).mark_bar(size=14).encode(
        _x(lang), alt.Y("sum(signed):Q", title=t("energy_kwh", lang) + " (+ " + t("sell", lang) + ", - "
                        + t("buy", lang) + ")"),
        alt.Color("counterpart:N", title=t("counterpart", lang)),
        tooltip=["hour", "counterpart", "direction", alt.Tooltip("energy_kwh:Q", format=",.1f"),
                 alt.Tooltip("price_krw_per_kwh:Q", format=",.1f")],
    ).properties(height=HEIGHT, title=f"{t('hourly_trades', lang)} [kWh]")


def bill_against_kepco(frame: pd.DataFrame, lang: str) -> alt.Chart:
    long = pd.DataFrame({
        "day": list(frame["day"].astype(str)) * 2,
        "series": [t("my_bill", lang)] * len(frame) + [t("kepco_only", lang)] * len(frame),
        "krw": list(frame["net_cost_krw"]) + list(frame["grid_only_bill_krw"]),
    })
    return alt.Chart(long).mark_bar().encode(
        alt.X("day:N", title=t("day", lang)), alt.XOffset("series:N"),
        alt.Y("krw:Q", title=t("amount_krw", lang), axis=alt.Axis(format=",.0f")),
        alt.Color("series:N", title=t("series", lang)), tooltip=["day", "series", alt.Tooltip("krw:Q", format=",.0f")],
    ).properties(height=HEIGHT, title=f"{t('bill_vs_kepco', lang)} [KRW]")


def re100_progress(frame: pd.DataFrame, lang: str) -> alt.Chart:
    """Annual and hourly match by month [%] with the target as a rule."""
    months = frame[frame["period"] != "ytd"]
    long = pd.DataFrame({
        "month": list(months["period"]) * 2,
        "series": [t("annual_match", lang)] * len(months) + [t("hourly_match", lang)] * len(months),
        "pct": [100 * float(v) for v in months["annual_match"]] + [100 * float(v) for v in months["hourly_match"]],
    })
    bars = alt.Chart(long).mark_bar().encode(
        alt.X("month:N", title=t("month", lang)), alt.XOffset("series:N"),
        alt.Y("pct:Q", title=t("share", lang), scale=alt.Scale(domain=[0, 100])),
        alt.Color("series:N", title=t("series", lang)), tooltip=["month", "series", alt.Tooltip("pct:Q", format=".1f")])
    target = pd.DataFrame({"pct": [100 * float(months["target"].iloc[0])] if len(months) else [100.0]})
    rule = alt.Chart(target).mark_rule(color="red", strokeDash=[6, 4]).encode(alt.Y("pct:Q"))
    return (bars + rule).properties(height=HEIGHT, title=f"RE100: {t('annual_match', lang)} / "
                                                         f"{t('hourly_match', lang)} [%]")


def re100_sources(frame: pd.DataFrame, lang: str) -> alt.Chart:
    months = frame[frame["period"] != "ytd"]
    parts = {"share_own": t("own", lang), "share_storage": t("storage", lang), "share_bought": t("bought", lang)}
    long = pd.concat([pd.DataFrame({"month": months["period"], "source": label,
                                    "pct": [100 * float(v) for v in months[column]]})
                      for column, label in parts.items()])
    return alt.Chart(long).mark_bar().encode(
        alt.X("month:N", title=t("month", lang)), alt.Y("pct:Q", stack=True, title=t("share", lang)),
        alt.Color("source:N", title=t("source", lang)), tooltip=["month", "source", alt.Tooltip("pct:Q", format=".1f")],
    ).properties(height=HEIGHT, title=f"{t('by_source', lang)} [%]")


def income_history(frame: pd.DataFrame, lang: str) -> alt.Chart:
    long = pd.concat([
        pd.DataFrame({"quarter": frame["quarter"], "series": t(label, lang), "krw": frame[column]})
        for column, label in (("inflow_krw", "fund_inflow"), ("tenants_krw", "paid_tenants"),
                              ("workers_krw", "paid_workers"))])
    return alt.Chart(long).mark_bar().encode(
        alt.X("quarter:N", title=t("quarter", lang)), alt.XOffset("series:N"),
        alt.Y("krw:Q", title=t("amount_krw", lang), axis=alt.Axis(format=",.0f")),
        alt.Color("series:N", title=t("series", lang)), tooltip=["quarter", "series", alt.Tooltip("krw:Q", format=",.0f")],
    ).properties(height=HEIGHT, title=f"{t('income_history', lang)} [KRW]")


def scenario_bars(frame: pd.DataFrame, variable: str, units: str, lang: str, title: str | None = None) -> alt.Chart:
    label = f"{title or variable} [{units}]"
    return alt.Chart(frame).mark_bar().encode(
        alt.X("scenario:N", title=t("scenario", lang)), alt.Y(f"{variable}:Q", title=label),
        tooltip=["scenario", alt.Tooltip(f"{variable}:Q", format=",.2f")],
    ).properties(height=HEIGHT, title=label)
