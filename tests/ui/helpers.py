"""Driving the app with Streamlit's AppTest."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.ui.conftest import APP

PASSWORDS = {"manager": "manager-demo", "analyst": "analyst-demo"}


def password(username: str) -> str:
    return PASSWORDS.get(username, f"{username}-demo")


def app_as(username: str | None, secret: str | None = None, lang: str | None = None) -> AppTest:
    """An AppTest run logged in as ``username`` (None: not logged in)."""
    app = AppTest.from_file(str(APP), default_timeout=120)
    app.run()
    if lang:
        app.sidebar.radio(key="lang").set_value(lang)
        app.run()
    if username is not None:
        app.text_input(key="login_user").input(username)
        app.text_input(key="login_password").input(secret if secret is not None else password(username))
        app.get("form_submit_button")[0].click()
        app.run()
    return app


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
