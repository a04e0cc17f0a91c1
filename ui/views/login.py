"""Shown when a script run has no valid log-in (session expired, logged out, account changed).

The log-in form itself is ``/auth/login`` (ui/server.py): only that endpoint can set the
HttpOnly session cookie; a Streamlit page cannot.
"""

import streamlit as st

from ui.common import lang
from ui.i18n import t

st.title(t("app_title", lang()))
st.warning(t("login_required", lang()))
st.markdown(f'<a href="/auth/login" target="_self" id="login-link">{t("login", lang())}</a>', unsafe_allow_html=True)
