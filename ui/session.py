"""Log-in sessions of the app: a signed token in an HttpOnly, SameSite=Strict cookie.

The design (see ui/README.md, "Log-in and sessions"):

* ``/auth/login`` (a plain HTML form served by :mod:`ui.server` in the same
  process, not a Streamlit page) checks the password, creates a server-side
  session record and sets the cookie ``park_session`` =
  ``<session id>.<issued>.<HMAC-SHA256 signature>``: ``HttpOnly``,
  ``SameSite=Strict``, ``Path=/`` (``Secure`` behind HTTPS). Page scripts
  can never read or set it; JavaScript cannot either.
* Every request and the Streamlit websocket handshake go through the gate
  (:class:`ui.server.Gate`): without a valid cookie nothing but the log-in
  page and the public static files is served. A Streamlit session id alone
  (replayed in the websocket sub-protocol) opens nothing, and a Streamlit
  session created under one log-in cannot be taken over by another.
* Each script run resolves the principal from the cookie again
  (:func:`ui.common.principal`), so logging out, an expired session, a
  changed password or a removed account take effect at the next interaction.
* Idle timeout (default 30 min) and absolute timeout (default 12 h) are
  checked on the server; the cookie's ``Max-Age`` is the absolute one.
* The signing key is 32 random bytes generated on first start into
  ``RESULTS/.ui-secret`` (mode 0600), never on a command line.
* Failed log-ins are throttled per user name and per client address: after
  :data:`MAX_FAILURES` failures within :data:`FAILURE_WINDOW_S` the user name
  (or address) is locked for :data:`LOCKOUT_S`, even for the right password.

Sessions live in this process's memory: restarting the server logs everyone out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ui.auth import Principal

COOKIE = "park_session"
SECRET_FILE = ".ui-secret"
IDLE_TIMEOUT_S = int(os.environ.get("MICROGRID_UI_IDLE_TIMEOUT", 30 * 60))
ABSOLUTE_TIMEOUT_S = int(os.environ.get("MICROGRID_UI_ABSOLUTE_TIMEOUT", 12 * 3600))
MAX_FAILURES = 5  # per user name within the window
MAX_FAILURES_PER_ADDRESS = 20
FAILURE_WINDOW_S = 15 * 60
LOCKOUT_S = 15 * 60


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file readable by its owner only (0600), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def signing_key(results: str | Path) -> bytes:
    """The app's signing key, ``RESULTS/.ui-secret`` (created 0600 on first use; tightened to 0600 if looser)."""
    path = Path(results) / SECRET_FILE
    if not path.is_file():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(secrets.token_bytes(32))
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
    key = path.read_bytes()
    if len(key) < 32:
        raise ValueError(f"{path}: the signing key is shorter than 32 bytes; delete the file to make a new one")
    return key


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


@dataclass
class _Record:
    principal: Principal
    password_hash: str
    issued: float
    last_seen: float
    streamlit_sessions: set = field(default_factory=set)


class SessionStore:
    """Server-side log-in sessions and the signed tokens that name them (thread-safe)."""

    def __init__(self, key: bytes, idle_s: float = IDLE_TIMEOUT_S, absolute_s: float = ABSOLUTE_TIMEOUT_S,
                 clock=time.time):
        self._key = key
        self.idle_s, self.absolute_s = idle_s, absolute_s
        self._clock = clock
        self._lock = threading.Lock()
        self._records: dict[str, _Record] = {}
        self._owner: dict[str, str] = {}  # Streamlit session id -> log-in session id

    def _sign(self, sid: str, issued: int) -> str:
        return _b64(hmac.new(self._key, f"{sid}.{issued}".encode(), hashlib.sha256).digest())

    def create(self, principal: Principal, password_hash: str = "") -> str:
        """A new session for ``principal``; returns the cookie value."""
        now = self._clock()
        sid = secrets.token_urlsafe(24)
        with self._lock:
            self._expire(now)
            self._records[sid] = _Record(principal, password_hash, now, now)
        return f"{sid}.{int(now)}.{self._sign(sid, int(now))}"

    def _sid(self, token: str | None) -> str | None:
        """The session id of a well-formed, correctly signed token (no expiry check)."""
        if not token or len(token) > 200:
            return None
        parts = token.split(".")
        if len(parts) != 3 or not parts[1].isdigit():
            return None
        sid, issued, signature = parts
        if not hmac.compare_digest(signature, self._sign(sid, int(issued))):
            return None
        return sid

    def _live(self, sid: str, now: float) -> _Record | None:
        record = self._records.get(sid)
        if record is None:
            return None
        if now - record.issued > self.absolute_s or now - record.last_seen > self.idle_s:
            self._drop(sid)
            return None
        return record

    def resolve(self, token: str | None, *, touch: bool = True, check=None) -> Principal | None:
        """The principal of a valid, live session token, else None.

        ``touch`` restarts the idle clock. ``check(principal, password_hash)``
        may veto the session (the account was removed or its password changed);
        the session is then revoked.
        """
        sid = self._sid(token)
        if sid is None:
            return None
        now = self._clock()
        with self._lock:
            record = self._live(sid, now)
            if record is None:
                return None
            if touch:
                record.last_seen = now
            principal, password_hash = record.principal, record.password_hash
        if check is not None and not check(principal, password_hash):
            self.revoke(token)
            return None
        return principal

    def revoke(self, token: str | None) -> None:
        sid = self._sid(token)
        if sid is not None:
            with self._lock:
                self._drop(sid)

    def revoke_user(self, username: str) -> int:
        """End every session of ``username``; returns how many."""
        with self._lock:
            sids = [sid for sid, record in self._records.items() if record.principal.username == username]
            for sid in sids:
                self._drop(sid)
        return len(sids)

    def bind(self, token: str | None, streamlit_session: str) -> bool:
        """Bind a Streamlit session to the log-in session of ``token``.

        True when the Streamlit session is new or already bound to this log-in;
        False when it belongs to another log-in (a take-over attempt).
        """
        sid = self._sid(token)
        if sid is None:
            return False
        with self._lock:
            if sid not in self._records:
                return False
            owner = self._owner.setdefault(streamlit_session, sid)
            if owner != sid:
                return False
            self._records[sid].streamlit_sessions.add(streamlit_session)
            return True

    def may_attach(self, token: str | None, streamlit_session: str | None) -> bool:
        """May a websocket with ``token`` (re)connect to ``streamlit_session`` (None: a new session)?"""
        sid = self._sid(token)
        if sid is None:
            return False
        with self._lock:
            if self._live(sid, self._clock()) is None:
                return False
            if not streamlit_session:
                return True
            return self._owner.get(streamlit_session, sid) == sid

    def _drop(self, sid: str) -> None:
        record = self._records.pop(sid, None)
        if record is not None:
            for session in record.streamlit_sessions:
                self._owner.pop(session, None)

    def _expire(self, now: float) -> None:
        for sid in [sid for sid in self._records if self._live(sid, now) is None]:
            self._drop(sid)

    def __len__(self) -> int:
        with self._lock:
            self._expire(self._clock())
            return len(self._records)


class Throttle:
    """Failed log-ins per user name and per client address, with lockout (thread-safe)."""

    def __init__(self, max_failures: int = MAX_FAILURES, per_address: int = MAX_FAILURES_PER_ADDRESS,
                 window_s: float = FAILURE_WINDOW_S, lockout_s: float = LOCKOUT_S, clock=time.time):
        self.max_failures, self.per_address = max_failures, per_address
        self.window_s, self.lockout_s = window_s, lockout_s
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: dict[str, list[float]] = {}
        self._locked_until: dict[str, float] = {}

    def _keys(self, username: str, address: str) -> list[tuple[str, int]]:
        return [(f"user:{username.lower()}", self.max_failures), (f"addr:{address}", self.per_address)]

    def locked(self, username: str, address: str) -> float:
        """Seconds until the user name or address may try again (0: not locked)."""
        now = self._clock()
        with self._lock:
            waits = [self._locked_until.get(key, 0.0) - now for key, _ in self._keys(username, address)]
        return max(0.0, *waits)

    def failed(self, username: str, address: str) -> None:
        now = self._clock()
        with self._lock:
            for key, limit in self._keys(username, address):
                recent = [t for t in self._failures.get(key, []) if now - t < self.window_s] + [now]
                self._failures[key] = recent[-limit:]
                if len(recent) >= limit:
                    self._locked_until[key] = now + self.lockout_s
                    self._failures[key] = []

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(f"user:{username.lower()}", None)


_STATE_LOCK = threading.Lock()
_STORES: dict[str, SessionStore] = {}
THROTTLE = Throttle()


def sessions(results: str | Path) -> SessionStore:
    """The process's session store for the app on ``results`` (its key from ``RESULTS/.ui-secret``)."""
    folder = str(Path(results).resolve())
    with _STATE_LOCK:
        if folder not in _STORES:
            _STORES[folder] = SessionStore(signing_key(folder))
        return _STORES[folder]
