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
* ``tenant``: bound to one participant; sees only that participant's data.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Column, MetaData, String, Table, create_engine, delete, func, insert, select

ROLES = ("manager", "analyst", "tenant")
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1

metadata = MetaData()
users_table = Table(
    "ui_users", metadata,
    Column("username", String(80), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("participant", String(80), nullable=True),
    Column("password_hash", String(200), nullable=False),
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
        if "://" not in text:
            Path(text).parent.mkdir(parents=True, exist_ok=True)
            text = f"sqlite:///{Path(text).resolve()}"
        self.engine = create_engine(text)
        metadata.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def count(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(users_table)).scalar_one())

    def set_user(self, username: str, password: str, role: str, participant: str | None = None) -> None:
        """Create or replace an account."""
        if role not in ROLES:
            raise ValueError(f"role = {role!r}: expected one of {ROLES}")
        if (role == "tenant") != (participant is not None):
            raise ValueError("a tenant account needs a participant, and only a tenant account has one")
        with self.engine.begin() as connection:
            connection.execute(delete(users_table).where(users_table.c.username == username))
            connection.execute(insert(users_table).values(username=username, role=role, participant=participant,
                                                          password_hash=hash_password(password)))

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
    accounts = [("manager", "manager-demo", "manager", None), ("analyst", "analyst-demo", "analyst", None)]
    return accounts + [(name, f"{name}-demo", "tenant", name) for name in tenants]


def seed_demo_users(store: UserStore, tenants: list[str]) -> int:
    """Create the demo accounts when the store is empty; returns how many were created."""
    if store.count():
        return 0
    accounts = demo_accounts(tenants)
    for username, password, role, participant in accounts:
        store.set_user(username, password, role, participant)
    return len(accounts)
