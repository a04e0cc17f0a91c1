"""The log-in gate against raw HTTP and websocket requests (a running ``python -m ui.server``), and its parts."""

from __future__ import annotations

import asyncio
import http.client
import urllib.parse

import pytest

from ui.auth import Principal
from ui.session import COOKIE, SessionStore, Throttle, signing_key


def _request(base: str, method: str, path: str, body: str | None = None, cookie: str | None = None,
             headers: dict | None = None):
    url = urllib.parse.urlparse(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    sent = dict(headers or {})
    if cookie:
        sent["Cookie"] = f"{COOKIE}={cookie}"
    if body is not None:
        sent.setdefault("Content-Type", "application/x-www-form-urlencoded")
    connection.request(method, path, body=body, headers=sent)
    answer = connection.getresponse()
    return answer.status, dict(answer.getheaders()), answer.read().decode("utf-8", "replace")


def _login(base: str, username: str, password: str):
    body = urllib.parse.urlencode({"username": username, "password": password, "next": "/"})
    status, headers, text = _request(base, "POST", "/auth/login", body)
    token = None
    for name, value in headers.items():
        if name.lower() == "set-cookie" and value.startswith(f"{COOKIE}="):
            token = value.split(";")[0].split("=", 1)[1]
    return status, headers, text, token


def _websocket(base: str, token: str | None, existing_session: str = ""):
    """Open /_stcore/stream; returns (connection or None, the refusal status)."""
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    import warnings

    warnings.filterwarnings("ignore", "connect\\(\\) must be used as a context manager", DeprecationWarning)

    headers = {"Cookie": f"{COOKIE}={token}"} if token else {}
    protocols = ["streamlit", "xsrf-ignored", existing_session] if existing_session else ["streamlit"]
    try:
        return connect(base.replace("http", "ws") + "/_stcore/stream", additional_headers=headers,
                       subprotocols=protocols, open_timeout=20), None
    except InvalidStatus as refused:
        return None, refused.response.status_code


def _session_id(connection) -> str:
    """Ask for a run and read the session id Streamlit announces in NewSession."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    back = BackMsg()
    back.rerun_script.query_string = ""
    back.rerun_script.page_script_hash = ""
    connection.send(back.SerializeToString())
    for _ in range(200):
        message = ForwardMsg()
        message.ParseFromString(connection.recv(timeout=30))
        if message.WhichOneof("type") == "new_session":
            return message.new_session.initialize.session_id
    raise AssertionError("no NewSession message")


def test_anonymous_gets_the_login_page_only(app_server):
    status, headers, _ = _request(app_server, "GET", "/trades?participant=T02", headers={"Accept": "text/html"})
    assert status == 303 and headers["location"].startswith("/auth/login?next=")
    status, _, text = _request(app_server, "GET", "/auth/login")
    assert status == 200 and 'name="password"' in text and "manager-demo" not in text
    for path in ("/media/0123456789abcdef.csv", "/_stcore/stream", "/component/x/index.html"):
        assert _request(app_server, "GET", path)[0] == 401, path
    assert _request(app_server, "GET", "/_stcore/health")[0] == 200


def test_cookie_is_httponly_samesite_signed_and_opens_the_app(app_server):
    status, headers, _, token = _login(app_server, "T01", "T01-demo")
    assert status == 303 and headers["location"] == "/"
    cookie = headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict") and "Path=/" in cookie
    assert "Max-Age=" in cookie and token.count(".") == 2
    assert _request(app_server, "GET", "/", cookie=token, headers={"Accept": "text/html"})[0] == 200
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert _request(app_server, "GET", "/", cookie=forged, headers={"Accept": "text/html"})[0] == 303
    connection, refused = _websocket(app_server, forged)
    assert connection is None and refused == 403


def test_replayed_streamlit_session_id_gets_nothing(app_server):
    """The issue's take-over: a second websocket with the victim's session id."""
    _, _, _, victim = _login(app_server, "T01", "T01-demo")
    connection, _ = _websocket(app_server, victim)
    assert connection is not None
    try:
        session = _session_id(connection)
        assert session
        for token in (None, "garbage.1.x"):  # the session id alone, or with a made-up cookie
            attacker, refused = _websocket(app_server, token, session)
            assert attacker is None and refused == 403
        _, _, _, other_tenant = _login(app_server, "T02", "T02-demo")  # a real log-in of someone else
        attacker, refused = _websocket(app_server, other_tenant, session)
        assert attacker is None and refused == 403
        again, _ = _websocket(app_server, victim, session)  # the victim itself may re-attach (reload, network blip)
        assert again is not None
        again.close()
    finally:
        connection.close()


def test_logout_ends_the_session_on_the_server(app_server):
    _, _, _, token = _login(app_server, "T03", "T03-demo")
    assert _request(app_server, "GET", "/", cookie=token, headers={"Accept": "text/html"})[0] == 200
    status, headers, _ = _request(app_server, "GET", "/auth/logout", cookie=token)
    assert status == 303 and f"{COOKIE}=" in headers["set-cookie"] and "Max-Age=0" in headers["set-cookie"]
    assert _request(app_server, "GET", "/", cookie=token, headers={"Accept": "text/html"})[0] == 303  # replay
    assert _request(app_server, "GET", "/media/anything.csv", cookie=token)[0] == 401
    assert _websocket(app_server, token)[1] == 403


def test_brute_force_is_throttled_then_locked(app_server):
    for _ in range(4):
        assert _login(app_server, "T05", "wrong-password")[0] == 401
    status, _, text, token = _login(app_server, "T05", "wrong-password")
    assert status == 429 and token is None
    status, _, text, token = _login(app_server, "T05", "T05-demo")  # the right password, while locked
    assert status == 429 and token is None and "15" in text
    assert _login(app_server, "T06", "T06-demo")[3] is not None  # other users are not locked out


def test_metrics_upload_and_cross_site_login_are_refused(app_server):
    _, _, _, token = _login(app_server, "analyst", "analyst-demo")
    assert _request(app_server, "GET", "/_stcore/metrics")[0] == 404
    assert _request(app_server, "GET", "/_stcore/metrics", cookie=token)[0] == 404
    upload = "/_stcore/upload_file/session/file"
    assert _request(app_server, "PUT", upload, body="x" * 1024, cookie=token)[0] == 403
    assert _request(app_server, "PUT", upload, body="x" * 1024)[0] == 403
    body = urllib.parse.urlencode({"username": "T01", "password": "T01-demo"})
    status = _request(app_server, "POST", "/auth/login", body, headers={"Origin": "https://evil.example"})[0]
    assert status == 403
    status, headers, _ = _request(app_server, "POST", "/auth/login", urllib.parse.urlencode(
        {"username": "T01", "password": "T01-demo", "next": "//evil.example/x"}))
    assert status == 303 and headers["location"] == "/"  # no open redirect


def test_gate_drops_clear_cache_messages():
    """A browser's "clear cache" would empty every session's caches: the gate never passes it on."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    from ui import server
    from ui.session import sessions

    clear, rerun = BackMsg(), BackMsg()
    clear.clear_cache = True
    rerun.rerun_script.query_string = ""
    incoming = [{"type": "websocket.connect"}, {"type": "websocket.receive", "bytes": clear.SerializeToString()},
                {"type": "websocket.receive", "bytes": rerun.SerializeToString()}]
    seen = []

    async def app(scope, receive, send):
        for _ in range(2):
            seen.append(await receive())

    async def receive():
        return incoming.pop(0)

    async def send(message):
        seen.append(message)

    settings = server._settings()
    token = sessions(settings.results).create(Principal("manager", "manager"))
    scope = {"type": "websocket", "path": "/_stcore/stream", "headers": [(b"cookie", f"{COOKIE}={token}".encode())]}
    asyncio.run(server.Gate(app)(scope, receive, send))
    kinds = [BackMsg.FromString(m["bytes"]).WhichOneof("type") for m in seen if m.get("bytes")]
    assert kinds == ["rerun_script"]


def test_streamlit_is_hardened_by_config():
    from ui.server import STREAMLIT_OPTIONS

    assert STREAMLIT_OPTIONS["client.showErrorDetails"] == "none"
    assert STREAMLIT_OPTIONS["server.maxUploadSize"] <= 1 and STREAMLIT_OPTIONS["server.enableXsrfProtection"]
    assert STREAMLIT_OPTIONS["browser.gatherUsageStats"] is False


def test_session_store_timeouts_signature_and_binding(tmp_path):
    now = [1000.0]
    key = signing_key(tmp_path)
    assert oct((tmp_path / ".ui-secret").stat().st_mode & 0o777) == "0o600" and signing_key(tmp_path) == key
    store = SessionStore(key, idle_s=60, absolute_s=300, clock=lambda: now[0])
    who = Principal("T01", "tenant", "T01")
    token = store.create(who, "hash")
    assert store.resolve(token) == who
    assert store.resolve(token.replace(".", "x.", 1)) is None and store.resolve("a.b.c") is None
    assert SessionStore(b"k" * 32).resolve(token) is None  # another key: nothing
    now[0] += 59
    assert store.resolve(token) == who  # activity restarts the idle clock
    now[0] += 59
    assert store.resolve(token) == who
    now[0] += 61
    assert store.resolve(token) is None  # idle
    token = store.create(who, "hash")
    for _ in range(7):
        now[0] += 50
        store.resolve(token)
    assert store.resolve(token) is None  # absolute: 300 s after log-in, however active
    token, other = store.create(who, "hash"), store.create(Principal("T02", "tenant", "T02"), "h2")
    assert store.bind(token, "streamlit-1") and store.bind(token, "streamlit-1")
    assert not store.bind(other, "streamlit-1") and not store.may_attach(other, "streamlit-1")
    assert store.may_attach(token, "streamlit-1") and store.may_attach(other, None)
    assert store.resolve(token, check=lambda principal, stored: stored == "changed") is None  # password changed
    assert store.resolve(token) is None
    assert store.revoke_user("T02") == 1 and store.resolve(other) is None


def test_throttle_per_user_and_address():
    now = [0.0]
    throttle = Throttle(max_failures=3, per_address=5, window_s=60, lockout_s=600, clock=lambda: now[0])
    for _ in range(3):
        assert throttle.locked("kim", "10.0.0.1") == 0
        throttle.failed("kim", "10.0.0.1")
    assert throttle.locked("kim", "10.0.0.9") == pytest.approx(600)  # the user name, from any address
    assert throttle.locked("lee", "10.0.0.1") == 0
    for name in ("lee", "park"):
        throttle.failed(name, "10.0.0.1")
    assert throttle.locked("choi", "10.0.0.1") > 0  # the address: many user names tried from it
    now[0] += 601
    assert throttle.locked("kim", "10.0.0.9") == 0
