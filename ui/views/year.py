"""Year (analyst, manager): a batch of scenarios as ``microgrid batch`` writes it.

Reads ``RESULTS/batch*/batch.json`` (the index: every scenario, read from its file) and the per-scenario
files ``scenarios/<name>.nc``. Totals follow the variables' declaration
(``market.dispatch.variables``): energy and money summed over the span,
prices and the state of charge averaged, never summed; names and units come
from the declaration. The annual figures are ``market.figures.span_figures``'s,
the same as the batch report's.
"""

import streamlit as st

from ui import charts
from ui.common import lang, page_access, page_guard
from ui.i18n import t

L = lang()
access = page_access()
st.title(t("page_year", L))
files = page_guard(access.batch_files)
if not files:
    st.info(t("batch_empty", L))
    st.stop()
root = access.config.results
path = st.selectbox(t("batch_file", L), files, key="batch_file", format_func=lambda p: str(p).removeprefix(root))
dataset = page_guard(lambda: access.batch(path))
tables = page_guard(lambda: access.batch_tables(path))
totals, labels = tables.totals, tables.labels
scenarios = list(totals["scenario"])
described = ", ".join(f"{key}: {value}" for key, value in dataset.attrs.items()
                      if isinstance(value, (str, int, float)) and key != "history")
st.caption(f"{t('scenario', L)}: {len(scenarios)} - {described[:400]}")
if not labels:
    st.info(t("no_data", L))
    st.stop()


def _label(name: str) -> str:
    long_name, units = labels[name]
    return f"{long_name} [{units}]"


variable = st.selectbox(t("variable", L), list(labels), key="batch_variable",
                        format_func=lambda v: f"{_label(v)} ({v})")
st.altair_chart(charts.scenario_bars(totals, variable, labels[variable][1], L, title=labels[variable][0]),
                width="stretch")
st.subheader(t("total", L))
st.caption(t("year_aggregation", L))
columns = {name: f"{name} [{labels[name][1]}]" for name in labels}
st.dataframe(totals.rename(columns=columns), hide_index=True, width="stretch",
             column_config={column: st.column_config.NumberColumn(_label(name), help=name)
                            for name, column in columns.items()})
if tables.figures is not None:
    st.subheader(t("annual_figures", L))
    figures = tables.figures.rename(index=lambda f: "{} [{}]".format(*tables.figure_labels[f]))
    st.dataframe(figures, width="stretch")
