"""Opening the ledger and posting settlements, append-only and atomically.

:func:`open_ledger` connects to any SQLAlchemy URL (a SQLite file by
default; ``postgresql://...`` in production) and upgrades the schema to the
newest Alembic revision shipped in ``market/ledger/migrations``, in ONE
transaction (SQLite runs DDL inside it too), holding the database's write
lock: two processes opening a new ledger at once never race on "table
already exists", and a failed upgrade leaves the database as it was.

:meth:`Ledger.post_settlement` writes one settled period. Nothing is ever
updated or deleted (the database refuses it too: triggers of revision 0004).
The first settlement of a period is its version 1; settling it again with
the same content writes nothing; settling it with changed content posts a
*reversal* of the current version (its entries with opposite amounts,
referencing it) and a new version, each with the reason and the sources.
Sums over all postings are therefore the net of the versions; the day
statistics and :meth:`Ledger.settlements` are those of the current versions.
A period whose month is closed (:meth:`Ledger.close_month`) is never booked
into again: its reversal and new version are booked on the first day of the
first open month after it (an adjustment, referencing the closed month).

Writers are serialised (SQLite ``BEGIN IMMEDIATE``, a PostgreSQL advisory
lock), so the park check, the version numbers and the closed months read by
a writer stay true until it commits. SQLite runs in WAL mode so a concurrent
reader sees the ledger before or after a transaction, never a mix.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import sqlite3
import threading
import time
from contextlib import closing, contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from market.ledger.models import Account, AlarmRecord, Closure, DayStat, Entry, Settlement
from market.ledger.money import Leg, round_legs
from market.ledger.vocabulary import PARTICIPANT_PREFIX, PostingKind, SettlementKind
from microgrid.errors import EngineInputError, ServiceUnavailableError

#: Columns of :meth:`Ledger.entries`: settlement key, booking day, account name, leg kind, detail,
#: energy [kWh] (or None), amount [KRW] (int64; + into the account).
ENTRY_COLUMNS = ["key", "day", "account", "kind", "detail", "quantity_kwh", "amount_krw"]
#: Columns of :meth:`Ledger.settlements` (one row per period, its current version); ``meta`` is the
#: version's JSON description (sources, reason, ``content_sha256``).
SETTLEMENT_COLUMNS = ["key", "kind", "period_start", "period_end", "park", "created_at", "meta", "version"]
#: Columns of :meth:`Ledger.postings` (every posting, in writing order): ``posting_key`` its own key,
#: ``key`` the period, ``posting`` settlement/reversal, ``reverses`` the posting key it reverses.
POSTING_COLUMNS = ["posting_key", "key", "version", "posting", "reverses", "kind", "period_start", "period_end",
                   "booked_on", "park", "created_at", "meta"]
#: Keys of a posting's meta written by the ledger itself (not compared between versions).
LEDGER_META = ("content_sha256", "reason", "supersedes", "reverses", "adjusts_month", "version")
#: Meta key of the inputs a settlement was computed from (file hashes, rule and tariff versions);
#: recorded with each version but not part of its content digest, so an unchanged result from a
#: re-written file settles to nothing new.
SOURCE_META = "inputs"
#: Environment variable naming a commit point at which the process kills itself with SIGKILL
#: (``posting``: after a posting is written, ``commit``: just before COMMIT, ``committed``: just
#: after; ``posting:3``: at the third posting); for the crash tests only.
KILL_AT_ENV = "MICROGRID_TEST_KILL_AT"
#: Key of the PostgreSQL advisory lock serialising the ledger's writers.
WRITE_LOCK_KEY = 0x6D6C6564676572
#: Execution option marking an engine whose transactions write (SQLite: BEGIN IMMEDIATE).
WRITE_OPTION = "microgrid_ledger_write"
#: Columns of :meth:`Ledger.day_stats` (``ledger_day_stats`` without its settlement id; kWh, kW and KRW).
DAY_STAT_COLUMNS = [column.name for column in DayStat.__table__.columns if column.name != "settlement_id"]
#: Columns of :meth:`Ledger.totals_by_account_and_kind`: account, kind, amount_krw [KRW], quantity_kwh
#: [kWh, 0 when none], entries (count).
TOTAL_COLUMNS = ["account", "kind", "amount_krw", "quantity_kwh", "entries"]
#: Columns of :meth:`Ledger.alarms`.
ALARM_COLUMNS = ["day", "time", "severity", "kind", "element", "message", "suggested_action", "value",
                 "limit_value", "unit", "source", "park"]


@dataclass(frozen=True)
class LedgerTables:
    """The ledger's entries, day statistics and settlements, read in ONE transaction.

    Attributes
    ----------
    entries : pandas.DataFrame
        Columns ``ENTRY_COLUMNS``, in the order written.
    day_stats : pandas.DataFrame
        Columns ``DAY_STAT_COLUMNS``.
    settlements : pandas.DataFrame
        Columns ``SETTLEMENT_COLUMNS``, by period start.
    """

    entries: pd.DataFrame
    day_stats: pd.DataFrame
    settlements: pd.DataFrame


def _as_date(value) -> dt.date | None:
    """``value`` (a date, datetime, pandas Timestamp or ISO string) as a date: PostgreSQL compares a
    DATE column with a date only (SQLite compared the strings, hiding the difference)."""
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    return pd.Timestamp(value).date()


def settlement_digest(kind: str, period_start: dt.date, period_end: dt.date, park: str,
                      entries: list["LedgerEntry"], day_stats: list[dict] | None, meta: dict | None) -> str:
    """SHA-256 of everything a settlement would write (entries, statistics, description): the same
    inputs give the same digest, so a re-settle of an unchanged period can write nothing."""
    content = {"kind": str(kind), "period": [str(period_start), str(period_end)], "park": park,
               "entries": [[e.account, str(e.kind), e.detail, e.quantity_kwh, e.amount_krw] for e in entries],
               "day_stats": sorted(([[k, row[k]] for k in sorted(row)] for row in (day_stats or [])), key=str),
               "meta": {k: v for k, v in (meta or {}).items() if k not in LEDGER_META and k != SOURCE_META}}
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def _entry_query():
    """Entries of every posting (sums are the net of the versions); ``key`` is the period key."""
    return (select(Settlement.period_key.label("key"), Entry.day, Account.name, Entry.kind, Entry.detail, Entry.quantity_kwh,
                   Entry.amount_krw)
            .join(Settlement, Settlement.id == Entry.settlement_id)
            .join(Account, Account.id == Entry.account_id))


def _entry_frame(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=ENTRY_COLUMNS)
    frame["amount_krw"] = frame["amount_krw"].astype("int64")
    return frame


def _current_ids():
    """Ids of the current version of every period (the newest settlement posting of each)."""
    return (select(func.max(Settlement.id)).where(Settlement.posting == PostingKind.SETTLEMENT)
            .group_by(Settlement.period_key))


def _settlement_query():
    columns = [Settlement.period_key.label("key")] + [Settlement.__table__.c[name] for name in SETTLEMENT_COLUMNS[1:]]
    return select(*columns).where(Settlement.id.in_(_current_ids()))


def _stats_query():
    return (select(*[DayStat.__table__.c[name] for name in DAY_STAT_COLUMNS])
            .where(DayStat.settlement_id.in_(_current_ids())))


_points_seen: dict[str, int] = {}


def commit_point(name: str) -> None:
    """Kill this process (SIGKILL, no clean-up) when :data:`KILL_AT_ENV` names ``name`` (``name:n``: its
    n-th passage): the crash tests stop a real run exactly there."""
    wanted = os.environ.get(KILL_AT_ENV)
    if not wanted:
        return
    _points_seen[name] = _points_seen.get(name, 0) + 1
    point, _, count = wanted.partition(":")
    if point == name and _points_seen[name] == int(count or 1):
        os.kill(os.getpid(), signal.SIGKILL)


def settled_day_count(path: str | Path) -> int:
    """Days settled so far on the SQLite ledger at ``path`` (read-only, for progress bars; 0 when unreadable).

    Opens no engine and runs no migration: safe while another process writes the ledger.
    """
    path = Path(path)
    if not path.is_file():
        return 0
    try:
        # closed at once: a reader left open as the last connection would keep the WAL file from being merged
        with closing(sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True, timeout=1.0)) as connection:
            columns = {row[1] for row in connection.execute("PRAGMA table_info(ledger_settlements)")}
            query = ("SELECT count(DISTINCT period_key) FROM ledger_settlements WHERE kind = ? AND posting = 'settlement'"
                     if "period_key" in columns else "SELECT count(*) FROM ledger_settlements WHERE kind = ?")
            row = connection.execute(query, (str(SettlementKind.DAY),)).fetchone()
        return int(row[0])
    except sqlite3.Error:
        return 0


@dataclass(frozen=True)
class LedgerEntry:
    """A rounded entry as written: account, kind, detail, quantity [kWh], amount [KRW]."""

    account: str
    kind: str
    detail: str
    quantity_kwh: float | None
    amount_krw: int


@dataclass(frozen=True)
class ClosedMonth:
    """A closed month: when, and the entries booked in it at closing (count, SHA-256, turnover [KRW])."""

    month: str
    closed_at: dt.datetime
    summary: dict
    newly_closed: bool


def _loads(meta: str | None) -> dict:
    try:
        loaded = json.loads(meta or "{}")
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _flatten(meta: dict, prefix: str = "") -> dict:
    flat = {}
    for name, value in meta.items():
        if isinstance(value, dict):
            flat |= _flatten(value, f"{prefix}{name}.")
        else:
            flat[f"{prefix}{name}"] = value
    return flat


def _reason(old: dict | None, new: dict) -> str:
    """Why a period is settled (again): the first settlement, or which inputs changed."""
    if old is None:
        return "first settlement"
    before = _flatten({k: v for k, v in old.items() if k not in LEDGER_META})
    after = _flatten({k: v for k, v in new.items() if k not in LEDGER_META})
    changed = sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))
    if changed:
        return "inputs changed: " + ", ".join(changed)
    return "figures changed with the same recorded inputs (settlement rules, tariff data or engine)"


def _account_kind(name: str) -> tuple[str, str | None]:
    parts = name.split(":")
    if f"{parts[0]}:" == PARTICIPANT_PREFIX and len(parts) >= 3:
        return "participant", parts[1]
    return parts[0], None


def _migrations_folder() -> str:
    return str(resources.files("market.ledger").joinpath("migrations"))


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - trivial
        # the driver's own transaction handling off: it would run DDL (the migrations) outside any
        # transaction and begin only before DML; ``_on_begin`` below begins every transaction
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            _set_wal(cursor)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # pragma: no cover - trivial
        # a writer takes the write lock at BEGIN, so what it reads (versions, closed months, the
        # park, the schema revision) stays true until it commits; readers take no lock
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


#: How long a SQLite ledger's opening retries a lock conflict the busy handler does not wait out [s].
LOCKED_RETRY_SECONDS = 30.0


def _set_wal(cursor) -> None:
    """``PRAGMA journal_mode=WAL``, retried: two processes converting a new file at the same moment can
    deadlock on its lock (SQLite then answers "database is locked" at once, without waiting)."""
    deadline = time.monotonic() + LOCKED_RETRY_SECONDS
    pause = 0.01
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


def _lock_writers(connection) -> None:
    """On PostgreSQL, hold the ledger's advisory write lock until the transaction ends (SQLite: BEGIN
    IMMEDIATE already holds the database's write lock)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})


def open_ledger(url: str | Path) -> "Ledger":
    """Open (and create or upgrade) the ledger at ``url``.

    Parameters
    ----------
    url : str or Path
        A SQLAlchemy URL (``sqlite:///results/ledger.sqlite``,
        ``postgresql+psycopg://...``) or a plain path of a SQLite file.

    Returns
    -------
    Ledger
    """
    text = _checked_url(url)
    options = {}
    if text.startswith("sqlite") and (text.endswith(":memory:") or text in ("sqlite://", "sqlite:///")):
        options = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    try:
        engine = create_engine(text, **options)
    except Exception as error:  # ArgumentError, NoSuchModuleError, a missing driver (ImportError)...
        raise EngineInputError(f"ledger URL {str(url)!r}: {_one_line(error)}; expected a SQLAlchemy URL "
                               "(sqlite:///results/ledger.sqlite, postgresql+psycopg://...) or a SQLite path") from None
    if engine.dialect.name == "sqlite":
        _sqlite_pragmas(engine)
        _create_private(text)
    config = Config()
    config.set_main_option("script_location", _migrations_folder())
    config.set_main_option("sqlalchemy.url", text.replace("%", "%%"))
    deadline = time.monotonic() + LOCKED_RETRY_SECONDS
    while True:
        try:
            _upgrade(engine, config, str(url))
            return Ledger(engine)
        except EngineInputError as error:
            # a lock conflict SQLite reports at once (two first opens deadlocking): try again
            if "database is locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _upgrade(engine: Engine, config: Config, url: str) -> None:
    """Check the revision, then upgrade to head in one transaction holding the write lock."""
    _check_revision(engine, config, url)
    try:
        # one transaction holding the write lock: atomic DDL, and a second process opening the same
        # new ledger waits, then finds it at head
        with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
            _lock_writers(connection)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except (OperationalError, DatabaseError) as error:
        engine.dispose()
        raise _database_error(url, engine, error) from None


def _create_private(text: str) -> None:
    """Create a new SQLite ledger file readable by its owner only (0600) before SQLite opens it.

    SQLite gives its ``-wal`` and ``-shm`` files the permissions of the database file, so they
    are private too. An existing file is left as it is.
    """
    if "///" not in text or text.endswith(":memory:"):
        return
    path = Path(text.split("///", 1)[1].split("?", 1)[0])
    if path.name and not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        os.chmod(path, 0o600)  # the umask may have removed bits, never added them: set exactly


#: Tables every revision of this engine's schema has; a database holding other tables but no
#: ``alembic_version`` is not a ledger.
LEDGER_TABLES = {"ledger_accounts", "ledger_settlements", "ledger_entries", "ledger_day_stats"}


def _one_line(error: BaseException) -> str:
    text = " ".join(str(getattr(error, "orig", None) or error).split())
    return text[:200]


#: The first bytes of every SQLite 3 database file.
SQLITE_HEADER = b"SQLite format 3\x00"


def _checked_url(url: str | Path) -> str:
    """``url`` as a SQLAlchemy URL; a SQLite file must be a SQLite database (or new, in an existing folder).

    Raises :class:`~microgrid.errors.EngineInputError` (one line) for a folder, a missing parent
    folder (none is created) or a file that is not a SQLite database.
    """
    text = str(url)
    if not text.strip():
        raise EngineInputError("ledger URL '': expected a SQLAlchemy URL or a SQLite path")
    if "://" not in text:
        path = Path(text)
    elif text.startswith("sqlite") and "///" in text and not text.endswith(":memory:") and text.split("?")[0].rstrip("/").count("/") >= 3:
        path = Path(text.split("///", 1)[1].split("?", 1)[0])
    else:
        return text
    if path.is_dir():
        raise EngineInputError(f"ledger {text!r}: is a folder; expected a SQLite file")
    if not path.parent.is_dir():
        raise EngineInputError(f"ledger {text!r}: folder {str(path.parent)!r} does not exist; expected an "
                               "existing folder (it is not created)")
    if path.exists():
        try:
            with path.open("rb") as stream:
                head = stream.read(len(SQLITE_HEADER))
        except OSError as error:
            raise EngineInputError(f"ledger {text!r}: cannot be read ({_one_line(error)})") from None
        if head and head != SQLITE_HEADER:
            raise EngineInputError(f"ledger {text!r}: not a SQLite database; expected a ledger written by "
                                   "this engine, or a new file name")
        if head:
            _refuse_foreign_sqlite(path, text)
    return text if "://" in text else f"sqlite:///{path.resolve()}"


def _refuse_foreign_sqlite(path: Path, where: str) -> None:
    """Refuse a SQLite database with tables but no ``alembic_version``, read-only and before any
    engine opens it (the WAL pragma alone would rewrite its header): a foreign file stays untouched."""
    try:
        with closing(sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True,
                                     timeout=LOCKED_RETRY_SECONDS)) as connection:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error as error:
        raise EngineInputError(f"ledger {where!r}: not a usable SQLite ledger ({_one_line(error)}); expected "
                               "a ledger written by this engine, or a new file name") from None
    if tables and "alembic_version" not in tables:
        raise EngineInputError(f"ledger {where!r}: holds tables {sorted(tables)[:3]} but no ledger schema; "
                               "expected a ledger written by this engine, or a new file name")


def _known_revisions(config: Config) -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def _check_revision(engine: Engine, config: Config, where: str) -> None:
    """Refuse a database whose Alembic revision this engine does not know (written by a newer version)."""
    from sqlalchemy import inspect, text

    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            if "alembic_version" not in tables:
                if tables:
                    # a foreign database (another application's SQLite file, a shared schema):
                    # refused before any DDL, so it stays exactly as it was
                    engine.dispose()
                    raise EngineInputError(
                        f"ledger {where!r}: holds tables {sorted(tables)[:3]} but no ledger schema; expected "
                        "a ledger written by this engine, or a new file name")
                return
            found = [row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))]
    except (OperationalError, DatabaseError) as error:
        engine.dispose()
        raise _database_error(where, engine, error) from None
    unknown = sorted(set(found) - _known_revisions(config))
    if unknown:
        engine.dispose()
        raise EngineInputError(f"ledger {where!r}: at revision {unknown[0]!r}, unknown to this engine "
                               f"(it knows {sorted(_known_revisions(config))}); open it with the engine "
                               "version that wrote it")


def _database_error(where: str, engine: Engine, error: Exception) -> Exception:
    """A database error as one line: a SQLite file that is not a ledger is bad input, a server that
    does not answer is an unavailable service."""
    if engine.dialect.name == "sqlite":
        return EngineInputError(f"ledger {where!r}: not a usable SQLite ledger ({_one_line(error)}); expected "
                                "a ledger written by this engine, or a new file name")
    if isinstance(error, OperationalError):
        return ServiceUnavailableError(f"ledger {where!r}: the database does not answer ({_one_line(error)})")
    return EngineInputError(f"ledger {where!r}: {_one_line(error)}")


class Ledger:
    """The park's double-entry ledger (see :mod:`market.ledger.models`)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._writer = engine.execution_options(**{WRITE_OPTION: True})
        self._sessions = sessionmaker(self._writer, expire_on_commit=False)
        self._bound = threading.local()  # the connection of an open :meth:`transaction`, per thread

    @contextmanager
    def transaction(self):
        """Run everything inside as ONE database transaction: all settlements written commit
        together or none does (a day and the month charges it changes), and reads inside see
        the writes before them. Nested use joins the outer transaction.
        """
        if getattr(self._bound, "connection", None) is not None:
            yield self
            return
        with self._writer.begin() as connection:
            _lock_writers(connection)
            self._bound.connection = connection
            try:
                yield self
                commit_point("commit")
            finally:
                self._bound.connection = None
        commit_point("committed")

    @contextmanager
    def _connection(self, begin: bool = False):
        bound = getattr(self._bound, "connection", None)
        if bound is not None:
            yield bound
            return
        with self.engine.connect() as connection:
            if begin:
                with connection.begin():
                    yield connection
            else:
                yield connection

    @contextmanager
    def _session(self):
        """A session in its own transaction, or joined to the open :meth:`transaction`: a failure
        inside rolls the whole transaction back."""
        bound = getattr(self._bound, "connection", None)
        if bound is None:
            with self._sessions.begin() as session:
                _lock_writers(session.connection())
                yield session
                commit_point("commit")
            commit_point("committed")
            return
        with Session(bind=bound, join_transaction_mode="rollback_only", expire_on_commit=False) as session:
            with session.begin():
                yield session

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    # -- writing -----------------------------------------------------------
    def post_settlement(self, key: str, kind: str, period_start: dt.date, period_end: dt.date, park: str,
                        legs: list[Leg], day_stats: list[dict] | None = None, meta: dict | None = None,
                        reason: str | None = None) -> list[LedgerEntry]:
        """Settle a period: its first version, nothing (unchanged), or a reversal and a new version.

        Parameters
        ----------
        key : str
            Period key, e.g. ``day:2026-07-01``.
        kind : str
            ``day``, ``basic``, ``income`` or ``correction``.
        period_start, period_end : datetime.date
            First and last day (inclusive) the settlement covers.
        park : str
        legs : list of Leg
            Exact legs [KRW]; they must balance. They are rounded by
            :func:`market.ledger.money.round_legs` (remainder to ``park:rounding``).
        day_stats : list of dict, optional
            Rows of ``ledger_day_stats`` (without ``settlement_id``).
        meta : dict, optional
            JSON-serialisable description (pricing rule, ...); its ``source`` item (file hashes,
            rule and tariff versions) is recorded but not compared.
        reason : str, optional
            Why the period is settled again; default: the meta items that changed.

        Returns
        -------
        list of LedgerEntry
            The entries of the period's (new or unchanged) current version; they sum to 0 KRW.
        """
        rounded = round_legs(legs)
        if sum(amount for _, amount in rounded) != 0:  # pragma: no cover - guaranteed by round_legs
            raise ValueError(f"{key}: entries do not sum to 0 KRW")
        written = [LedgerEntry(leg.account, leg.kind, leg.detail, leg.quantity_kwh, amount) for leg, amount in rounded]
        digest = settlement_digest(kind, period_start, period_end, park, written, day_stats, meta)
        with self._session() as session:
            self._check_park(session, park)
            current = self._current(session, key)
            old_meta = _loads(current.meta) if current is not None else {}
            if current is not None and old_meta.get("content_sha256") == digest:
                return written  # the same inputs settle to nothing new: no row is written or touched
            booked = self._booking_day(session, period_start)
            now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
            why = reason or _reason(old_meta if current is not None else None, meta or {})
            adjusting = {"adjusts_month": f"{period_start:%Y-%m}"} if booked != period_start else {}
            if current is not None:
                self._reverse(session, current, booked, now, {"reason": why, "reverses": current.key, **adjusting})
            version = 1 if current is None else current.version + 1
            settlement = Settlement(
                key=key if version == 1 else f"{key}~v{version}", period_key=key, version=version,
                posting=PostingKind.SETTLEMENT, reverses_id=None, booked_on=booked, kind=kind,
                period_start=period_start, period_end=period_end, park=park, created_at=now,
                meta=json.dumps({**(meta or {}), "content_sha256": digest, "reason": why, "version": version,
                                 "supersedes": current.key if current is not None else None, **adjusting},
                                sort_keys=True, default=str))
            session.add(settlement)
            session.flush()
            accounts = self._accounts(session, {entry.account for entry in written})
            # One executemany INSERT, no ORM objects: a settled day has about a thousand entries.
            rows = self._entry_rows(settlement.id, booked, accounts, written)
            if rows:
                session.execute(Entry.__table__.insert(), rows)
            if day_stats:
                session.add_all([DayStat(settlement_id=settlement.id, **row) for row in day_stats])
                session.flush()
            self._check_balanced(session, settlement)
            commit_point("posting")
        return written

    #: The earlier name of :meth:`post_settlement` (it never replaces anything any more).
    replace_settlement = post_settlement

    def _reverse(self, session: Session, current: Settlement, booked: dt.date, now: dt.datetime,
                 meta: dict) -> None:
        """Post the reversal of ``current``: its entries with opposite amounts and quantities."""
        reversal = Settlement(
            key=f"{current.key}-reversal" if "~" in current.key else f"{current.key}~v1-reversal",
            period_key=current.period_key, version=current.version, posting=PostingKind.REVERSAL,
            reverses_id=current.id, booked_on=booked, kind=current.kind, period_start=current.period_start,
            period_end=current.period_end, park=current.park, created_at=now,
            meta=json.dumps(meta, sort_keys=True, default=str))
        session.add(reversal)
        session.flush()
        legs = session.execute(select(Entry.account_id, Entry.kind, Entry.detail, Entry.quantity_kwh, Entry.amount_krw)
                               .where(Entry.settlement_id == current.id).order_by(Entry.id)).all()
        rows = [{"settlement_id": reversal.id, "account_id": account, "day": booked, "kind": kind, "detail": detail,
                 "quantity_kwh": None if quantity is None else -quantity, "amount_krw": -amount}
                for account, kind, detail, quantity, amount in legs]
        if rows:
            session.execute(Entry.__table__.insert(), rows)
        self._check_balanced(session, reversal)
        commit_point("posting")

    @staticmethod
    def _check_balanced(session: Session, settlement: Settlement) -> None:
        total = session.scalar(select(func.coalesce(func.sum(Entry.amount_krw), 0))
                               .where(Entry.settlement_id == settlement.id))
        if int(total) != 0:
            raise ValueError(f"{settlement.key}: entries sum to {total} KRW, not 0")

    @staticmethod
    def _entry_rows(settlement_id: int, day: dt.date, accounts: dict[str, int],
                    written: list[LedgerEntry]) -> list[dict]:
        return [{"settlement_id": settlement_id, "account_id": accounts[entry.account], "day": day,
                 "kind": entry.kind, "detail": entry.detail, "quantity_kwh": entry.quantity_kwh,
                 "amount_krw": entry.amount_krw} for entry in written]

    @staticmethod
    def _current(session: Session, key: str) -> Settlement | None:
        """The current version of period ``key`` (its newest settlement posting), or None."""
        return session.scalar(select(Settlement).where(Settlement.period_key == key,
                                                       Settlement.posting == PostingKind.SETTLEMENT)
                              .order_by(Settlement.version.desc()).limit(1))

    @staticmethod
    def _booking_day(session: Session, period_start: dt.date) -> dt.date:
        """``period_start``, or the first day of the first open month after it when its month is closed."""
        closed = set(session.scalars(select(Closure.month)).all())
        month = pd.Period(period_start, freq="M")
        if str(month) not in closed:
            return period_start
        while str(month) in closed:
            month += 1
        return month.start_time.date()

    @staticmethod
    def _check_park(session: Session, park: str) -> None:
        """A ledger belongs to the park of its first settlement: refuse another park's books.

        The check runs inside the writing transaction, so two parks settling at once cannot both pass.
        """
        first = session.execute(select(Settlement.park).order_by(Settlement.id).limit(1)).scalar()
        if first is not None and first != park:
            raise EngineInputError(f"ledger: belongs to park {first!r}, not {park!r}; expected the park "
                                   "that settled it first (use another --db for another park)")

    def close_month(self, month: str, park: str) -> "ClosedMonth":
        """Close ``month`` (``YYYY-MM``): nothing is booked into it again (see :meth:`post_settlement`).

        Records the count and a SHA-256 of the entries booked in the month, so an auditor can check
        that the closed month never changed. Closing a closed month again changes nothing.

        Raises
        ------
        EngineInputError
            ``month`` is not YYYY-MM, has nothing booked, or the ledger belongs to another park.
        """
        try:
            period = pd.Period(month, freq="M")
        except (ValueError, TypeError):
            period = None
        if period is None or str(period) != month:
            raise EngineInputError(f"--month = {month!r}: expected YYYY-MM")
        first, last = period.start_time.date(), period.end_time.date()
        with self._session() as session:
            self._check_park(session, park)
            found = session.scalar(select(Closure).where(Closure.month == month))
            if found is not None:
                return ClosedMonth(month, found.closed_at, _loads(found.meta), newly_closed=False)
            booked = session.execute(
                select(Settlement.key, Account.name, Entry.kind, Entry.detail, Entry.amount_krw)
                .join(Settlement, Settlement.id == Entry.settlement_id).join(Account, Account.id == Entry.account_id)
                .where(Entry.day >= first, Entry.day <= last).order_by(Entry.id)).all()
            if not booked:
                raise EngineInputError(f"--month = {month!r}: nothing is booked in that month; settle its days "
                                       "before closing it")
            summary = {"entries": len(booked), "entries_sha256": hashlib.sha256(
                json.dumps([list(map(str, row)) for row in booked]).encode()).hexdigest(),
                "turnover_krw": int(sum(amount for *_, amount in booked if amount > 0))}
            now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
            session.add(Closure(month=month, park=park, closed_at=now, meta=json.dumps(summary, sort_keys=True)))
            commit_point("posting")
        return ClosedMonth(month, now, summary, newly_closed=True)

    def closed_months(self) -> list[str]:
        """Closed months (``YYYY-MM``), oldest first."""
        with self._connection() as connection:
            return sorted(connection.execute(select(Closure.month)).scalars().all())

    def has_settlement(self, key: str) -> bool:
        """Whether a settlement ``key`` (e.g. ``day:2026-07-01``) is on the ledger."""
        with self._connection() as connection:
            return connection.execute(select(Settlement.id).where(Settlement.period_key == key)).first() is not None

    def park(self) -> str | None:
        """The park this ledger belongs to (of its first settlement), or None when nothing is settled."""
        with self._connection() as connection:
            return connection.execute(select(Settlement.park).order_by(Settlement.id).limit(1)).scalar()

    @staticmethod
    def _accounts(session: Session, names: set[str]) -> dict[str, int]:
        found = dict(session.execute(select(Account.name, Account.id).where(Account.name.in_(names))).all())
        for name in sorted(names - set(found)):
            kind, participant = _account_kind(name)
            account = Account(name=name, kind=kind, participant=participant)
            session.add(account)
            session.flush()
            found[name] = account.id
        return found

    def append_alarms(self, rows: list[dict]) -> int:
        """Append rows of ``safety_alarms`` (columns of :class:`~market.ledger.models.AlarmRecord`
        without ``id``) in one transaction; returns how many were written."""
        with self._session() as session:
            session.add_all([AlarmRecord(**row) for row in rows])
        return len(rows)

    # -- reading -----------------------------------------------------------
    def entries(self, *, key: str | None = None, kind: str | None = None, start: dt.date | None = None,
                end: dt.date | None = None, account_prefix: str | None = None) -> pd.DataFrame:
        """Entries as a frame with columns ``ENTRY_COLUMNS`` (amounts in KRW, quantities in kWh).

        ``start``/``end`` (inclusive) filter on the day the entry is booked on.
        """
        query = _entry_query()
        start, end = _as_date(start), _as_date(end)
        if key is not None:
            query = query.where(Settlement.period_key == key)
        if kind is not None:
            query = query.where(Settlement.kind == kind)
        if start is not None:
            query = query.where(Entry.day >= start)
        if end is not None:
            query = query.where(Entry.day <= end)
        if account_prefix is not None:
            query = query.where(Account.name.startswith(account_prefix))
        with self._connection() as connection:
            rows = connection.execute(query.order_by(Entry.id)).all()
        return _entry_frame(rows)

    def day_stats(self, start: dt.date, end: dt.date) -> pd.DataFrame:
        """Per participant and day statistics of the settled days in [start, end] (current versions)."""
        columns = DAY_STAT_COLUMNS
        start, end = _as_date(start), _as_date(end)
        query = _stats_query().where(DayStat.day >= start, DayStat.day <= end)
        with self._connection() as connection:
            rows = connection.execute(query).all()
        return pd.DataFrame(rows, columns=columns)

    def settlements(self, kind: str | None = None) -> pd.DataFrame:
        """Settled periods, columns ``SETTLEMENT_COLUMNS`` (of ``kind`` only, when given)."""
        query = _settlement_query()
        if kind is not None:
            query = query.where(Settlement.kind == kind)
        with self._connection() as connection:
            rows = connection.execute(query.order_by(Settlement.period_start)).all()
        return pd.DataFrame(rows, columns=SETTLEMENT_COLUMNS)

    def postings(self, key: str | None = None) -> pd.DataFrame:
        """Every posting (of period ``key`` when given) in writing order, columns ``POSTING_COLUMNS``:
        the audit trail of versions and reversals."""
        reversed_ = Settlement.__table__.alias("reversed")
        query = (select(Settlement.key, Settlement.period_key, Settlement.version, Settlement.posting,
                        reversed_.c.key, Settlement.kind, Settlement.period_start, Settlement.period_end,
                        Settlement.booked_on, Settlement.park, Settlement.created_at, Settlement.meta)
                 .outerjoin(reversed_, reversed_.c.id == Settlement.reverses_id).order_by(Settlement.id))
        if key is not None:
            query = query.where(Settlement.period_key == key)
        with self._connection() as connection:
            rows = connection.execute(query).all()
        return pd.DataFrame(rows, columns=POSTING_COLUMNS)

    def posting_entries(self, posting_key: str) -> pd.DataFrame:
        """The entries of one posting (columns ``ENTRY_COLUMNS``; ``key`` is the period key)."""
        with self._connection() as connection:
            rows = connection.execute(_entry_query().where(Settlement.key == posting_key).order_by(Entry.id)).all()
        return _entry_frame(rows)

    def read_tables(self) -> LedgerTables:
        """Entries, day statistics and settlements in ONE transaction (a consistent view of the ledger)."""
        with self._connection(begin=True) as connection:
            entries = connection.execute(_entry_query().order_by(Entry.id)).all()
            stats = connection.execute(_stats_query()).all()
            settlements = connection.execute(_settlement_query().order_by(Settlement.period_start)).all()
        return LedgerTables(_entry_frame(entries), pd.DataFrame(stats, columns=DAY_STAT_COLUMNS),
                            pd.DataFrame(settlements, columns=SETTLEMENT_COLUMNS))

    def version(self) -> tuple:
        """Changes whenever a settlement is written or replaced: (entry count, largest entry id,
        settlement count, newest settlement time), the last two as strings."""
        with self._connection() as connection:
            entries = connection.execute(select(func.count(Entry.id), func.max(Entry.id))).one()
            settlements = connection.execute(select(func.count(Settlement.id), func.max(Settlement.created_at))).one()
        return tuple(entries) + tuple(str(value) for value in settlements)

    def totals_by_account_and_kind(self, first: dt.date, last: dt.date) -> pd.DataFrame:
        """Sums of the entries of every settlement overlapping [first, last], per account and leg kind.

        Returns
        -------
        pandas.DataFrame
            Columns ``TOTAL_COLUMNS``: account, kind, amount_krw [KRW], quantity_kwh [kWh] (0 when the
            legs carry none), entries (how many).
        """
        query = (select(Account.name, Entry.kind, func.sum(Entry.amount_krw),
                        func.coalesce(func.sum(Entry.quantity_kwh), 0), func.count(Entry.id))
                 .join(Account, Account.id == Entry.account_id).join(Settlement, Settlement.id == Entry.settlement_id)
                 .where(*self._overlapping(first, last)).group_by(Account.name, Entry.kind))
        with self._connection() as connection:
            rows = connection.execute(query).all()
        return pd.DataFrame(rows, columns=TOTAL_COLUMNS)

    def settlement_counts(self, first: dt.date, last: dt.date) -> dict[str, int]:
        """Settlement kind -> how many settlements of that kind overlap [first, last]."""
        query = (select(Settlement.kind, func.count(func.distinct(Settlement.period_key)))
                 .where(*self._overlapping(first, last), Settlement.posting == PostingKind.SETTLEMENT)
                 .group_by(Settlement.kind))
        with self._connection() as connection:
            return {str(kind): int(count) for kind, count in connection.execute(query).all()}

    @staticmethod
    def _overlapping(first: dt.date, last: dt.date) -> tuple:
        first, last = _as_date(first), _as_date(last)
        return Settlement.period_end >= first, Settlement.period_start <= last

    def alarms(self, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
        """Logged alarms with ``day`` in [start, end], in logging order (columns ``ALARM_COLUMNS``)."""
        query = select(*[AlarmRecord.__table__.c[name] for name in ALARM_COLUMNS])
        start, end = _as_date(start), _as_date(end)
        if start is not None:
            query = query.where(AlarmRecord.day >= start)
        if end is not None:
            query = query.where(AlarmRecord.day <= end)
        with self._connection() as connection:
            rows = connection.execute(query.order_by(AlarmRecord.id)).all()
        return pd.DataFrame(rows, columns=ALARM_COLUMNS)

    def balance(self, account: str) -> int:
        """Balance of ``account`` over all settlements [KRW] (money received - money paid)."""
        query = (select(func.coalesce(func.sum(Entry.amount_krw), 0))
                 .join(Account, Account.id == Entry.account_id).where(Account.name == account))
        with self._connection() as connection:
            return int(connection.execute(query).scalar_one())
