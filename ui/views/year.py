"""Year (analyst, manager): results of a batch of scenarios (RESULTS/batch*/ *.nc with a ``scenario`` dim)."""

import pandas as pd
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
variables = [name for name, variable in dataset.data_vars.items()
             if "scenario" in variable.dims and variable.dtype.kind in "fiu"]
scenarios = [str(s) for s in dataset["scenario"].values]
totals = pd.DataFrame({"scenario": scenarios})
units = {}
for name in variables:
    variable = dataset[name]
    other = [dim for dim in variable.dims if dim != "scenario"]
    totals[name] = (variable.sum(other) if other else variable).transpose("scenario").values
    units[name] = variable.attrs.get("units", "-")
described = ", ".join(f"{key}: {value}" for key, value in dataset.attrs.items() if isinstance(value, (str, int, float)))
st.caption(f"{t('scenario', L)}: {len(scenarios)} - {described[:400]}")
if not variables:
    st.info(t("no_data", L))
    st.stop()
variable = st.selectbox(t("variable", L), variables, key="batch_variable",
                        format_func=lambda v: f"{v} [{units[v]}]")
st.altair_chart(charts.scenario_bars(totals, variable, units[variable], L), width="stretch")
st.subheader(t("total", L))
st.dataframe(totals.rename(columns={v: f"{v} [{units[v]}]" for v in variables}), hide_index=True, width="stretch")
