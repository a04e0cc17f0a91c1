"""What every page shares: the principal's data access, the language, the sidebar, money metrics."""

from __future__ import annotations

import streamlit as st

import functools

from ui.auth import Principal, UserStore
from ui.config import UiConfig, load_config
from ui.data_access import AccessDenied, DataAccess
from ui.i18n import LANGUAGES, krw, money, t
from ui.session import COOKIE, sessions


def lang() -> str:
    """The language chosen in the sidebar (Korean by default)."""
    value = st.session_state.get("lang", "ko")
    return value if value in LANGUAGES else "ko"


def config() -> UiConfig:
    return load_config()


@functools.lru_cache(maxsize=4)
def user_store(url: str) -> UserStore:
    """The account store of this process (accounts are made with ``microgrid users add``)."""
    return UserStore(url)


def request_cookies() -> dict:
    """Cookies of the browser's websocket handshake (the HttpOnly session cookie among them)."""
    return dict(st.context.cookies)


def session_token() -> str | None:
    return request_cookies().get(COOKIE)


def principal() -> Principal | None:
    """The logged-in principal, resolved from the signed session cookie at every script run.

    Never from session state: a replayed Streamlit session carries no log-in. The Streamlit
    session is bound to the log-in session; when another log-in's cookie shows up in it, its
    state is dropped.
    """
    settings = config()
    token = session_token()
    store = sessions(settings.results)
    found = store.resolve(token, check=user_store(settings.users).still_valid)
    if found is None:
        return None
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    if context is not None and not store.bind(token, context.session_id):
        st.session_state.clear()
        return None
    if st.session_state.get("_login") != token[:24]:  # a new log-in in this Streamlit session: fresh state
        keep = {key: st.session_state[key] for key in ("lang",) if key in st.session_state}
        st.session_state.clear()
        st.session_state.update(keep, _login=token[:24])
    return found


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
            # a plain link: /auth/logout ends the server-side session and deletes the HttpOnly cookie
            st.markdown(f'<a href="/auth/logout" target="_self" id="logout-link">{t("logout", lang())}</a>',
                        unsafe_allow_html=True)


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
