"""Log-in page (the only page before log-in)."""

import streamlit as st

from ui.common import config, lang, user_store
from ui.i18n import t

st.title(t("app_title", lang()))
settings = config()
store = user_store(settings.users, settings.park_file)
with st.form("login"):
    username = st.text_input(t("username", lang()), key="login_user")
    password = st.text_input(t("password", lang()), type="password", key="login_password")
    submitted = st.form_submit_button(t("login", lang()))
if submitted:
    found = store.authenticate(username.strip(), password)
    if found is None:
        st.error(t("login_failed", lang()))
    else:
        st.session_state["principal"] = found
        st.session_state.pop("login_password", None)
        st.rerun()
st.caption(t("login_hint", lang()))
