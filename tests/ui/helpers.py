"""Driving the app with Streamlit's AppTest."""

from __future__ import annotations

import os

from streamlit.testing.v1 import AppTest

from tests.ui.conftest import APP
from ui.auth import UserStore
from ui.config import load_config
from ui.session import COOKIE, sessions

#: The cookies AppTest's runs see (AppTest cannot send cookies; tests/ui/conftest.py patches
#: ``ui.common.request_cookies`` to return this). Set by :func:`app_as`.
COOKIES: dict[str, str] = {}

PASSWORDS = {"manager": "manager-demo", "analyst": "analyst-demo"}


def password(username: str) -> str:
    return PASSWORDS.get(username, f"{username}-demo")


def app_as(username: str | None, secret: str | None = None, lang: str | None = None) -> AppTest:
    """An AppTest run logged in as ``username`` (None: not logged in).

    The log-in is what ``/auth/login`` does (ui/server.py): check the password, create a session,
    hand its token over as the ``park_session`` cookie.
    """
    settings = load_config([])
    # AppTest runs share one Streamlit session id: end the previous log-in, or the new one would be
    # refused as a take-over of that session (which is what a browser gets).
    sessions(settings.results).revoke(COOKIES.pop(COOKIE, None))
    if username is not None:
        store = UserStore(settings.users)
        found = store.login(username, secret if secret is not None else password(username))
        store.close()
        if found is not None:
            COOKIES[COOKIE] = sessions(settings.results).create(*found)
    app = AppTest.from_file(str(APP), default_timeout=120)
    if lang:
        app.session_state["lang"] = lang
    app.run()
    return app


def login_token(username: str) -> str:
    """A session token for a demo account (what the cookie holds after log-in)."""
    settings = load_config([])
    store = UserStore(settings.users)
    found = store.login(username, password(username))
    store.close()
    return sessions(settings.results).create(*found)


assert os  # (kept for callers that read MICROGRID_UI_* through helpers)


def titles(app: AppTest) -> list[str]:
    return [element.value for element in app.title]


def metrics(app: AppTest) -> dict[str, str]:
    return {element.label: element.value for element in app.metric}


def page_text(app: AppTest) -> str:
    """Everything the page shows as text (markdown, captions, metrics, tables), for 'never shows' checks."""
    parts = [str(element.value) for kind in ("title", "markdown", "caption", "info", "warning", "error", "subheader")
             for element in app.get(kind)]
    parts += [f"{element.label} {element.value}" for element in app.metric]
    parts += [element.value.to_csv() for element in app.dataframe]
    parts += [str(getattr(element, "options", "")) for element in app.selectbox]
    return "\n".join(parts)
