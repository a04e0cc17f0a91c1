"""The park's Streamlit app: ``microgrid ui`` or ``streamlit run ui/app.py -- [--park F] [--db URL] [--results DIR]``.

Page scripts live in ``ui/views/``, not ``ui/pages/``: Streamlit treats a
``pages/`` folder next to the main script as an old-style multipage app,
which runs a page script without the main script (and so without the
log-in check) when a session asks for it by its hash.

Log-in first; the pages registered with ``st.navigation`` depend on the
role, and every page reads through :class:`ui.data_access.DataAccess`,
which enforces what the logged-in principal may see.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run ui/app.py` puts only ui/ on the path
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from ui.common import lang, principal, sidebar  # noqa: E402
from ui.i18n import t  # noqa: E402

PAGES = {
    # key: (file, url path, title key)
    "park_today": ("views/park_today.py", "park-today", "page_park_today"),
    "my_trades": ("views/my_trades.py", "trades", "page_my_trades"),
    "re100": ("views/re100.py", "re100", "page_re100"),
    "sunlight": ("views/sunlight.py", "sunlight-income", "page_sunlight"),
    "year": ("views/year.py", "year", "page_year"),
    "my_income": ("views/my_income.py", "my-income", "page_my_income"),
}
ROLE_PAGES = {
    "manager": ["park_today", "my_trades", "re100", "sunlight", "year"],
    "analyst": ["park_today", "my_trades", "re100", "sunlight", "year"],
    "tenant": ["my_trades", "re100", "sunlight"],
    "worker": ["my_income"],
}

PHONE_CSS = """<style>
h1, h2, h3, p, li, label, [data-testid="stMetricLabel"], [data-testid="stMarkdownContainer"] {
  word-break: keep-all; overflow-wrap: anywhere; }
@media (max-width: 640px) {
  [data-testid="stHorizontalBlock"]:has([data-testid="stMetric"]) {
    flex-wrap: wrap !important; gap: 0.5rem !important; }
  [data-testid="stHorizontalBlock"]:has([data-testid="stMetric"]) > [data-testid="stColumn"] {
    flex: 1 1 calc(50% - 0.5rem) !important; min-width: calc(50% - 0.5rem) !important; }
  [data-testid="stMetricValue"] { font-size: 1.15rem !important; }
  [data-testid="stDataFrame"], [data-testid="stTable"] { overflow-x: auto; max-width: 100%; }
}
</style>"""


def pages_for(role: str | None) -> list:
    """The pages a role may open; the first is the default. Nobody logged in: the log-in page only."""
    if role is None:
        return [st.Page("views/login.py", title=t("page_login", lang()), url_path="login", default=True)]
    pages = []
    for position, key in enumerate(ROLE_PAGES[role]):
        file, url_path, title = PAGES[key]
        if key == "my_trades" and role != "tenant":
            title = "page_trades"
        pages.append(st.Page(file, title=t(title, lang()), url_path=url_path, default=position == 0))
    return pages


st.set_page_config(page_title=t("app_title", lang()), layout="wide")
# Phone width: no breaks inside Korean words; key figures two to a row; wide tables scroll.
st.markdown(PHONE_CSS, unsafe_allow_html=True)
who = principal()
navigation = st.navigation(pages_for(who.role if who else None))
sidebar(who)
navigation.run()
