"""The app's web server: Streamlit (``st.App``, ASGI on uvicorn) behind a log-in gate.

``microgrid ui`` starts ``python -m ui.server --port N --address A``; the park, ledger,
results and accounts come from the environment (``MICROGRID_UI_*``, see :mod:`ui.config`),
never from the command line.

* ``GET/POST /auth/login``: the log-in form (not a Streamlit page); a correct password sets the
  HttpOnly, SameSite=Strict session cookie (:mod:`ui.session`). Failures are throttled.
* ``GET /auth/logout``: ends the server-side session and deletes the cookie.
* :class:`Gate` (ASGI middleware, before Streamlit's routes) lets anonymous requests reach only
  the log-in endpoints, the frontend's static files and the health checks. The websocket
  ``/_stcore/stream`` needs a live session cookie and may only re-attach to a Streamlit session
  of the same log-in; ``clear_cache`` messages from browsers are dropped; ``/_stcore/metrics``
  and ``/_stcore/upload_file`` (the app has no upload) answer 404 / 403; ``/media/...``
  (downloads, generated on request by the pages) needs the cookie.
* :data:`STREAMLIT_OPTIONS` hardens Streamlit itself (no error details in the browser,
  1 MB uploads, XSRF protection, no usage statistics, viewer toolbar).
"""

from __future__ import annotations

import argparse
import html
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from starlette.concurrency import run_in_threadpool  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response  # noqa: E402
from starlette.routing import Route  # noqa: E402

from ui.common import user_store  # noqa: E402
from ui.config import load_config  # noqa: E402
from ui.session import ABSOLUTE_TIMEOUT_S, COOKIE, THROTTLE, sessions  # noqa: E402

STREAMLIT_OPTIONS = {
    "server.headless": True,
    "server.enableXsrfProtection": True,
    "server.maxUploadSize": 1,  # [MB]; the app has no upload and the gate refuses the endpoint anyway
    "server.maxMessageSize": 50,  # [MB] websocket messages
    "server.disconnectedSessionTTL": 30,  # [s]; a reload logs in again from the cookie
    "server.runOnSave": False,
    "server.fileWatcherType": "none",
    "client.showErrorDetails": "none",
    "client.toolbarMode": "viewer",
    "browser.gatherUsageStats": False,
    "global.developmentMode": False,
}

PUBLIC_PREFIXES = ("/auth/", "/static/", "/_stcore/health", "/_stcore/host-config", "/_stcore/script-health-check")
PUBLIC_FILES = ("/favicon.png", "/manifest.json", "/robots.txt")
BLOCKED = {"/_stcore/metrics": 404, "/_stcore/upload_file": 403}
STREAM = "/_stcore/stream"


def _settings():
    return load_config([])


def _cookies(headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    found = {}
    for name, value in headers:
        if name.lower() == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, _, item = part.strip().partition("=")
                found.setdefault(key, item)
    return found


def _header(headers: list[tuple[bytes, bytes]], wanted: bytes) -> str | None:
    for name, value in headers:
        if name.lower() == wanted:
            return value.decode("latin-1")
    return None


def _is_clear_cache(message: dict) -> bool:
    data = message.get("bytes")
    if not data:
        return False
    from streamlit.proto.BackMsg_pb2 import BackMsg

    try:
        back = BackMsg()
        back.ParseFromString(data)
    except Exception:  # noqa: BLE001 - not ours to judge; Streamlit rejects it
        return False
    return back.WhichOneof("type") == "clear_cache"


class Gate:
    """Pure ASGI middleware: nothing but the log-in page and public files without a live session."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        path = scope.get("path", "/")
        for blocked, status in BLOCKED.items():
            if path == blocked or path.startswith(blocked + "/"):
                return await self._refuse(scope, send, status)
        if path.startswith(PUBLIC_PREFIXES) or path in PUBLIC_FILES:
            return await self.app(scope, receive, send)
        headers = scope.get("headers", [])
        token = _cookies(headers).get(COOKIE)
        store = sessions(_settings().results)
        if scope["type"] == "websocket":
            protocols = [item.strip() for item in (_header(headers, b"sec-websocket-protocol") or "").split(",")]
            existing = protocols[2] if len(protocols) >= 3 and protocols[2] else None
            if path != STREAM or not store.may_attach(token, existing):
                return await send({"type": "websocket.close", "code": 4403})

            async def filtered_receive():
                while True:
                    message = await receive()
                    if message.get("type") == "websocket.receive" and _is_clear_cache(message):
                        continue  # "clear cache" would empty every session's caches: never from a browser
                    return message

            return await self.app(scope, filtered_receive, send)
        if store.resolve(token, touch=False) is None:
            accept = _header(headers, b"accept") or ""
            if scope.get("method") == "GET" and "text/html" in accept and not path.startswith(("/_stcore", "/media")):
                query = scope.get("query_string", b"").decode("latin-1")
                target = path + (f"?{query}" if query else "")
                response = RedirectResponse("/auth/login?" + urlencode({"next": target}), status_code=303)
            else:
                response = PlainTextResponse("log-in required", status_code=401)
            return await response(scope, receive, send)
        return await self.app(scope, receive, send)

    async def _refuse(self, scope, send, status: int):
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 4403})
        await PlainTextResponse("not available", status_code=status)(scope, None, send)


# --- /auth -------------------------------------------------------------------------------------------

_PAGE = """<!doctype html><html lang="ko"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>산단 에너지 자급자족 플랫폼 / Park energy platform</title>
<style>body{{font-family:"NanumGothic",sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#222}}
label{{display:block;margin-top:1rem}}input{{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}}
button{{margin-top:1.2rem;padding:.6rem 1.4rem;font-size:1rem}}.msg{{padding:.6rem;border-radius:.3rem;margin:1rem 0}}
.err{{background:#fde2e2}}.info{{background:#e2effd}}</style></head><body>
<h1>산단 에너지 자급자족 플랫폼<br><small>Park energy self-sufficiency platform</small></h1>
{message}
<form method="post" action="/auth/login">
<label for="username">아이디 / User name</label><input id="username" name="username" autocomplete="username" required>
<label for="password">비밀번호 / Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<input type="hidden" name="next" value="{next}">
<button type="submit" id="login-button">로그인 / Log in</button></form></body></html>"""

MESSAGES = {
    "failed": ("err", "아이디 또는 비밀번호가 맞지 않습니다. / Wrong user name or password."),
    "locked": ("err", "로그인 실패가 너무 많습니다. {minutes}분 뒤에 다시 시도하세요. / "
                      "Too many failed log-ins. Try again in {minutes} min."),
    "bye": ("info", "로그아웃했습니다. / You are logged out."),
    "none": ("info", "계정이 없습니다. 서버에서 <code>microgrid users add NAME --role manager</code> 로 만드세요 "
                     "(데모: <code>microgrid ui --demo</code>). / There are no accounts yet: create one on the server "
                     "with <code>microgrid users add NAME --role manager</code> (demo: <code>microgrid ui --demo</code>)."),
}


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never ``//host`` or a scheme)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target or target.startswith("/auth"):
        return "/"
    return target


def _login_page(message: str = "", next_path: str = "/", status: int = 200, **values) -> HTMLResponse:
    block = ""
    if message:
        css, text = MESSAGES[message]
        block = f'<p class="msg {css}" id="message">{text.format(**values)}</p>'
    page = _PAGE.format(message=block, next=html.escape(_safe_next(next_path), quote=True))
    return HTMLResponse(page, status_code=status, headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY"})


def _address(request: Request) -> str:
    return request.client.host if request.client else "?"


async def login_get(request: Request) -> Response:
    settings = _settings()
    empty = await run_in_threadpool(lambda: user_store(settings.users).count() == 0)
    message = "none" if empty else ("bye" if "bye" in request.query_params else "")
    return _login_page(message, request.query_params.get("next", "/"))


async def login_post(request: Request) -> Response:
    origin, host = request.headers.get("origin"), request.headers.get("host")
    if origin and origin != "null" and origin.split("://", 1)[-1] != host:
        return PlainTextResponse("cross-site log-in refused", status_code=403)
    body = (await request.body())[:4096].decode("utf-8", "replace")
    form = {key: values[0] for key, values in parse_qs(body).items()}
    username, password = form.get("username", "").strip()[:80], form.get("password", "")[:200]
    next_path = _safe_next(form.get("next"))
    address = _address(request)
    wait = THROTTLE.locked(username, address)
    if wait > 0:
        return _login_page("locked", next_path, 429, minutes=max(1, round(wait / 60)))
    settings = _settings()
    found = await run_in_threadpool(user_store(settings.users).login, username, password)
    if found is None:
        THROTTLE.failed(username, address)
        wait = THROTTLE.locked(username, address)
        if wait > 0:
            return _login_page("locked", next_path, 429, minutes=max(1, round(wait / 60)))
        return _login_page("failed", next_path, 401)
    THROTTLE.succeeded(username)
    principal, password_hash = found
    token = sessions(settings.results).create(principal, password_hash)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(COOKIE, token, max_age=ABSOLUTE_TIMEOUT_S, path="/", httponly=True, samesite="strict",
                        secure=request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https")
    response.headers["Cache-Control"] = "no-store"
    return response


async def logout(request: Request) -> Response:
    sessions(_settings().results).revoke(request.cookies.get(COOKIE))
    response = RedirectResponse("/auth/login?bye=1", status_code=303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response


ROUTES = [
    Route("/auth/login", login_get, methods=["GET"]),
    Route("/auth/login", login_post, methods=["POST"]),
    Route("/auth/logout", logout, methods=["GET", "POST"]),
]


def build_app() -> st.App:
    """The ASGI app: Streamlit's ``ui/app.py`` with the log-in routes and the gate."""
    from starlette.middleware import Middleware

    return st.App(str(Path(__file__).resolve().parent / "app.py"), routes=ROUTES, middleware=[Middleware(Gate)])


def warm_up() -> None:
    """Open the ledger once and read the park before the first page (one open per process, no race)."""
    from ui.data_access import _ledger, _park_and_rules

    settings = _settings()
    park = Path(settings.park_file) if settings.park_file else None
    _park_and_rules(settings.park_file, park.stat().st_mtime_ns if park else 0)
    _ledger(settings.db)
    sessions(settings.results)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ui.server")
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--address", default="127.0.0.1")
    args = parser.parse_args(argv)
    started = time.monotonic()
    warm_up()
    sys.argv = [str(Path(__file__).resolve())]
    app = build_app()
    print(f"ui.server ready in {time.monotonic() - started:.1f} s", flush=True)
    app.run(config={**STREAMLIT_OPTIONS, "server.port": args.port, "server.address": args.address})


if __name__ == "__main__":
    main()
