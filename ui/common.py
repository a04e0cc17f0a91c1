"""What every page shares: the principal's data access, the language, the sidebar, money metrics."""

from __future__ import annotations

import streamlit as st

from ui.auth import Principal, UserStore, seed_demo_users
from ui.config import UiConfig, load_config
from ui.data_access import AccessDenied, DataAccess, _park_and_rules
from ui.i18n import LANGUAGES, krw, money, t


def lang() -> str:
    """The language chosen in the sidebar (Korean by default)."""
    value = st.session_state.get("lang", "ko")
    return value if value in LANGUAGES else "ko"


def config() -> UiConfig:
    return load_config()


@st.cache_resource(show_spinner=False, max_entries=4)
def user_store(url: str, park_file: str | None) -> UserStore:
    """The account store; the documented demo accounts are created when it is empty."""
    store = UserStore(url)
    park, _ = _park_and_rules(park_file, 0)
    seed_demo_users(store, [p.name for p in park.participants if p.kind == "tenant"])
    return store


def principal() -> Principal | None:
    value = st.session_state.get("principal")
    return value if isinstance(value, Principal) else None


def page_access() -> DataAccess:
    """The logged-in principal's data access; stops the page when nobody is logged in."""
    who = principal()
    if who is None:
        st.error(t("access_denied", lang()))
        st.stop()
    try:
        return DataAccess(who, config())
    except AccessDenied:
        st.error(t("access_denied", lang()))
        st.stop()


def sidebar(who: Principal | None) -> None:
    with st.sidebar:
        st.radio(t("language", lang()), list(LANGUAGES), format_func=LANGUAGES.get, key="lang", horizontal=True)
        if who is not None:
            role = t(f"role_{who.role}", lang())
            st.caption(f"{t('signed_in_as', lang())}: **{who.username}** ({role})")
            if st.button(t("logout", lang()), key="logout"):
                st.session_state.pop("principal", None)
                st.rerun()


def money_metric(column, label: str, amount: float, help_text: str | None = None) -> None:
    """A metric in the Korean reading (Korean) or ₩ digits (English), the exact ₩ figure in the tooltip."""
    column.metric(label, money(amount, lang()), help=help_text or krw(amount))


def participant_picker(access: DataAccess, key: str) -> str:
    """A tenant's own participant (no widget); a selector for manager and analyst."""
    names = access.participants()
    if len(names) == 1:
        st.caption(f"{t('participant', lang())}: **{names[0]}** - {access.display_name(names[0])}")
        return names[0]
    default = next((i for i, n in enumerate(names) if n.startswith("T")), 0)
    return st.selectbox(t("participant", lang()), names, index=default, key=key,
                        format_func=lambda n: f"{n} - {access.display_name(n)}")


def page_guard(call):
    """Run ``call()``; an AccessDenied from the data layer becomes a message, not a traceback."""
    try:
        return call()
    except AccessDenied:
        st.error(t("access_denied", lang()))
        st.stop()
