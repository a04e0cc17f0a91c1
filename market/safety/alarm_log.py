"""The alarm log: table ``safety_alarms`` in the ledger database.

Created by Alembic revision ``0002_safety_alarms`` (``market/ledger/migrations``);
its model is :class:`market.ledger.models.AlarmRecord` and every query is a
method of :class:`market.ledger.Ledger`. Alarms are appended (a control
room's log is never rewritten); :func:`log_alarms` writes a batch in one
transaction.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from market.ledger import Ledger
from market.ledger.models import AlarmRecord
from market.ledger.store import ALARM_COLUMNS
from market.safety.alarms import Alarm

__all__ = ["ALARM_COLUMNS", "AlarmRecord", "log_alarms", "read_alarms"]


def _finite(value: float | None) -> float | None:
    return None if value is None or value != value else float(value)


def log_alarms(ledger: Ledger, park: str, alarms: list[Alarm], source: str = "") -> int:
    """Append ``alarms`` to the log in one transaction; returns how many were written."""
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    rows = [dict(day=alarm.time.date(), time=alarm.time.tz_localize(None).to_pydatetime()
                 if alarm.time.tzinfo else alarm.time.to_pydatetime(),
                 severity=alarm.severity, kind=alarm.kind, element=alarm.element[:120],
                 message=alarm.message, suggested_action=alarm.suggested_action,
                 value=_finite(alarm.value), limit_value=_finite(alarm.limit), unit=alarm.unit,
                 source=source[:200], park=park, created_at=now) for alarm in alarms]
    return ledger.append_alarms(rows)


def read_alarms(ledger: Ledger, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
    """Logged alarms with ``day`` in [start, end] (columns ``ALARM_COLUMNS``)."""
    return ledger.alarms(start, end)
