"""My sunlight income (worker): my own share each quarter, the eligibility lag and the next payment.

Reads only the logged-in worker's ledger account (``DataAccess.worker_statement``): nothing of
any participant or of other workers.
"""

import datetime as dt

import pandas as pd
import streamlit as st

from ui.common import lang, money_metric, page_access, page_guard
from ui.i18n import krw, t

L = lang()
access = page_access()
st.title(t("page_my_income", L))
year = st.selectbox(t("year", L), [dt.date.today().year, dt.date.today().year - 1], key="income_year")
made, page = page_guard(lambda: access.worker_statement(year, L))
worker = made.worker
st.caption(t("worker_caption", L).format(worker=worker.worker_id, employer=worker.employer,
                                          start=worker.start_date.isoformat(), weight=f"{worker.weight:g}"))
row = st.columns(3)
money_metric(row[0], f"{t('worker_paid_year', L)} ({year})", made.total_krw)
row[1].metric(t("worker_lag", L), t("worker_lag_value", L).format(n=made.lag_quarters))
row[2].metric(t("worker_next", L), made.next_payment or t("worker_left", L))
if made.total_krw == 0:
    st.info(t("worker_nothing_yet", L).format(first=made.first_eligible, lag=made.lag_quarters))
st.dataframe(pd.DataFrame({
    t("quarter", L): made.quarters["quarter"],
    t("worker_eligible", L): made.quarters["eligible"].map({True: t("yes", L), False: t("no", L)}),
    t("worker_settled", L): made.quarters["settled"].map({True: t("yes", L), False: t("no", L)}),
    f"{t('worker_paid', L)} [{t('unit_krw', L)}]": made.quarters["paid_krw"].map(krw),
}), hide_index=True, width="stretch", key="worker_income_table")
st.download_button(t("download_html", L), page, file_name=f"worker-{worker.worker_id}-{year}.html", mime="text/html",
                   key="download_worker_statement")
