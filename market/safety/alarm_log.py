"""The alarm log: table ``safety_alarms`` in the ledger database.

Created by Alembic revision ``0002_safety_alarms`` (``market/ledger/migrations``);
the model below must match it. Alarms are appended (a control room's log
is never rewritten); :func:`log_alarms` writes a batch in one transaction.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Date, DateTime, Float, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from market.ledger import Ledger
from market.ledger.models import Base
from market.safety.alarms import Alarm

ALARM_COLUMNS = ["day", "time", "severity", "kind", "element", "message", "suggested_action", "value",
                 "limit_value", "unit", "source", "park"]


class AlarmRecord(Base):
    """One logged alarm; ``time`` is the interval start in the park's local time (naive)."""

    __tablename__ = "safety_alarms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True, nullable=False)
    time: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    severity: Mapped[str] = mapped_column(String(16), nullable=False)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    element: Mapped[str] = mapped_column(String(120), nullable=False)
    message: Mapped[str] = mapped_column(Text, nullable=False)
    suggested_action: Mapped[str] = mapped_column(Text, nullable=False)
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    limit_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    unit: Mapped[str] = mapped_column(String(16), nullable=False)
    source: Mapped[str] = mapped_column(String(200), nullable=False)
    park: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)


def _finite(value: float | None) -> float | None:
    return None if value is None or value != value else float(value)


def log_alarms(ledger: Ledger, park: str, alarms: list[Alarm], source: str = "") -> int:
    """Append ``alarms`` to the log in one transaction; returns how many were written."""
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    rows = [AlarmRecord(day=alarm.time.date(), time=alarm.time.tz_localize(None).to_pydatetime()
                        if alarm.time.tzinfo else alarm.time.to_pydatetime(),
                        severity=alarm.severity, kind=alarm.kind, element=alarm.element[:120],
                        message=alarm.message, suggested_action=alarm.suggested_action,
                        value=_finite(alarm.value), limit_value=_finite(alarm.limit), unit=alarm.unit,
                        source=source[:200], park=park, created_at=now) for alarm in alarms]
    with Session(ledger.engine) as session, session.begin():
        session.add_all(rows)
    return len(rows)


def read_alarms(ledger: Ledger, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
    """Logged alarms with ``day`` in [start, end] (columns ``ALARM_COLUMNS``)."""
    query = select(*[AlarmRecord.__table__.c[name] for name in ALARM_COLUMNS])
    if start is not None:
        query = query.where(AlarmRecord.day >= start)
    if end is not None:
        query = query.where(AlarmRecord.day <= end)
    with ledger.engine.connect() as connection:
        rows = connection.execute(query.order_by(AlarmRecord.id)).all()
    return pd.DataFrame(rows, columns=ALARM_COLUMNS)
