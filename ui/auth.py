"""User accounts of the app: roles, salted scrypt hashes, log-in.

Accounts live in their own small table ``ui_users`` in its own SQLAlchemy
``MetaData`` (by default a separate SQLite file, ``results/ui_users.sqlite``),
created with ``create_all``; they are not part of the ledger's Alembic
history, so ledger migrations (0002 ... by other components) never clash
with them, and the ledger can sit on a database the UI may not write to.

Passwords are stored as ``scrypt$n$r$p$<salt b64>$<hash b64>`` (stdlib
:func:`hashlib.scrypt`, 16-byte random salt per account) and checked in
constant time. Roles:

* ``manager``: the park's energy manager; sees the whole park and may run a
  day's dispatch and settlement;
* ``analyst``: sees the whole park, read-only;
* ``tenant``: bound to one participant; sees only that participant's data;
* ``worker``: bound to one worker of the register (``participant`` holds the
  worker id); sees only its own sunlight income, nothing of any participant
  or of other workers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path

import os

from sqlalchemy import Column, DateTime, MetaData, String, Table, create_engine, delete, func, insert, select

ROLES = ("manager", "analyst", "tenant", "worker")
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1

metadata = MetaData()
users_table = Table(
    "ui_users", metadata,
    Column("username", String(80), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("participant", String(80), nullable=True),
    Column("password_hash", String(200), nullable=False),
)
# Alarm acknowledgements of the Park today page (the ledger's alarm log is append-only and not the UI's).
acks_table = Table(
    "ui_alarm_acks", metadata,
    Column("alarm_key", String(64), primary_key=True),
    Column("username", String(80), nullable=False),
    Column("acknowledged_at", DateTime, nullable=False),
)


@dataclass(frozen=True)
class Principal:
    """The logged-in user, as the data-access layer sees it."""

    username: str
    role: str
    participant: str | None = None

    @property
    def sees_park(self) -> bool:
        """Manager and analyst see the whole park; a tenant does not."""
        return self.role in ("manager", "analyst")

    @property
    def worker_id(self) -> str | None:
        """A worker account's id in the worker register (None for the other roles)."""
        return self.participant if self.role == "worker" else None

    @property
    def may_run(self) -> bool:
        """Only the energy manager runs dispatch and settlement."""
        return self.role == "manager"


def hash_password(password: str, salt: bytes | None = None) -> str:
    """Salted scrypt hash of ``password`` in the stored form."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    encode = lambda raw: base64.b64encode(raw).decode("ascii")  # noqa: E731
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encode(salt)}${encode(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches the stored hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                                p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


_DUMMY_HASH = hash_password("not a password", salt=b"\0" * 16)


class UserStore:
    """The ``ui_users`` table at a SQLAlchemy URL or SQLite path."""

    def __init__(self, url: str | Path):
        text = str(url)
        path = None
        if "://" not in text:
            path = Path(text).resolve()
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():  # created owner-only (0600), never world-readable
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
            text = f"sqlite:///{path}"
        elif text.startswith("sqlite:///") and text != "sqlite:///:memory:":
            path = Path(text.removeprefix("sqlite:///"))
        self.engine = create_engine(text)
        metadata.create_all(self.engine)
        if path is not None and path.exists() and path.stat().st_mode & 0o077:
            path.chmod(0o600)

    def close(self) -> None:
        self.engine.dispose()

    def count(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(users_table)).scalar_one())

    def set_user(self, username: str, password: str, role: str, participant: str | None = None) -> None:
        """Create or replace an account."""
        if role not in ROLES:
            raise ValueError(f"role = {role!r}: expected one of {ROLES}")
        if (role in ("tenant", "worker")) != (participant is not None):
            raise ValueError("a tenant account needs a participant and a worker account a worker id "
                             "(--participant), and only those have one")
        with self.engine.begin() as connection:
            connection.execute(delete(users_table).where(users_table.c.username == username))
            connection.execute(insert(users_table).values(username=username, role=role, participant=participant,
                                                          password_hash=hash_password(password)))

    def remove_user(self, username: str) -> bool:
        """Delete an account; False when there was none."""
        with self.engine.begin() as connection:
            return connection.execute(delete(users_table).where(users_table.c.username == username)).rowcount > 0

    def users(self) -> list[Principal]:
        """Every account (never the hashes), by user name."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(users_table).order_by(users_table.c.username)).all()
        return [Principal(row.username, row.role, row.participant) for row in rows]

    def password_hash(self, username: str) -> str | None:
        """The stored hash of ``username`` (None: no such account); sessions check it is unchanged."""
        with self.engine.connect() as connection:
            return connection.execute(select(users_table.c.password_hash)
                                      .where(users_table.c.username == username)).scalar_one_or_none()

    def still_valid(self, principal: Principal, password_hash: str) -> bool:
        """The account exists with the same role, participant and password as when the session began."""
        with self.engine.connect() as connection:
            row = connection.execute(select(users_table).where(users_table.c.username == principal.username)).first()
        return (row is not None and row.password_hash == password_hash and row.role == principal.role
                and row.participant == principal.participant)

    def acknowledgements(self) -> dict[str, tuple[str, object]]:
        """alarm key -> (user name, when) of every acknowledged alarm."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(acks_table)).all()
        return {row.alarm_key: (row.username, row.acknowledged_at) for row in rows}

    def acknowledge(self, alarm_key: str, username: str) -> None:
        """Record that ``username`` acknowledged an alarm (the first acknowledgement stays)."""
        import datetime as dt

        with self.engine.begin() as connection:
            exists = connection.execute(select(acks_table.c.alarm_key).where(acks_table.c.alarm_key == alarm_key)).first()
            if exists is None:
                connection.execute(insert(acks_table).values(
                    alarm_key=alarm_key, username=username,
                    acknowledged_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)))

    def login(self, username: str, password: str) -> tuple[Principal, str] | None:
        """(principal, stored hash) for a correct user name and password, else None."""
        with self.engine.connect() as connection:
            row = connection.execute(select(users_table).where(users_table.c.username == username)).first()
        if row is None:
            verify_password(password, _DUMMY_HASH)  # same work for unknown users
            return None
        if not verify_password(password, row.password_hash):
            return None
        return Principal(row.username, row.role, row.participant), row.password_hash

    def authenticate(self, username: str, password: str) -> Principal | None:
        """The principal for a correct user name and password, else None."""
        with self.engine.connect() as connection:
            row = connection.execute(select(users_table).where(users_table.c.username == username)).first()
        if row is None:
            verify_password(password, _DUMMY_HASH)  # same work for unknown users
            return None
        if not verify_password(password, row.password_hash):
            return None
        return Principal(row.username, row.role, row.participant)


def demo_accounts(tenants: list[str]) -> list[tuple[str, str, str, str | None]]:
    """The documented demo accounts: (user name, password, role, participant)."""
    from market.income.workers import demo_worker_id

    accounts = [("manager", "manager-demo", "manager", None), ("analyst", "analyst-demo", "analyst", None)]
    accounts += [(name, f"{name}-demo", "tenant", name) for name in tenants]
    # a worker of the generated demo register (market.income.workers.demo_register_csv)
    if tenants:
        worker = demo_worker_id(tenants[0], 1)
        accounts.append((worker, f"{worker}-demo", "worker", worker))
    return accounts


def seed_demo_users(store: UserStore, tenants: list[str]) -> int:
    """Create the demo accounts when the store is empty; returns how many were created.

    Only ``microgrid ui --demo`` (and the tests) call this: a real deployment never gets the
    published demo passwords.
    """
    if store.count():
        return 0
    accounts = demo_accounts(tenants)
    for username, password, role, participant in accounts:
        store.set_user(username, password, role, participant)
    return len(accounts)
