"""Tables of the ledger (SQLAlchemy 2 declarative models).

The schema is created and upgraded by the Alembic revisions in
``market/ledger/migrations``; these models must match the newest revision.

* ``ledger_accounts``: one row per account, e.g. ``participant:T01:cash``,
  ``park:kepco``, ``park:operator_fees``, ``park:rounding``.
* ``ledger_settlements``: one row per *posting* (an entry set). ``period_key``
  is the settled period (``day:2026-07-01``, ``basic:2026-07``,
  ``income:2026-Q3``); ``version`` counts its settlements (1, 2, ...);
  ``posting`` is ``settlement`` or ``reversal`` (entries with the opposite
  amounts of the version in ``reverses_id``); ``booked_on`` is the day the
  entries are booked on. ``key`` is the posting's own unique key. Re-settling
  a changed period posts a reversal of its current version and a new
  version; nothing is ever updated or deleted (revision ``0004`` adds
  triggers that refuse it).
* ``ledger_entries``: the legs. ``amount_krw`` is an exact integer [KRW];
  positive means money *into* the account, negative money out. The legs of
  every settlement sum to 0 KRW.
* ``ledger_day_stats``: per participant and settled day, the energy figures
  that monthly statements, the basic charge, RE100 and sunlight income need.
* ``ledger_closures``: one row per closed month (``microgrid close``).
* ``safety_alarms``: the alarm log of the safety monitoring (``market.safety``),
  appended to, never rewritten.

Kinds and account names are the strings of :mod:`market.ledger.vocabulary`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "ledger_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)  # participant / park
    participant: Mapped[str | None] = mapped_column(String(80), nullable=True)


class Settlement(Base):
    __tablename__ = "ledger_settlements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)  # day / basic / income
    period_start: Mapped[dt.date] = mapped_column(Date, nullable=False)
    period_end: Mapped[dt.date] = mapped_column(Date, nullable=False)  # inclusive
    park: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    meta: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    period_key: Mapped[str | None] = mapped_column(String(80), index=True, nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    posting: Mapped[str] = mapped_column(String(16), nullable=False, default="settlement")
    reverses_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    booked_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class Closure(Base):
    """A closed month (revision ``0004_append_only``): its postings are never changed again."""

    __tablename__ = "ledger_closures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7), unique=True, nullable=False)  # YYYY-MM
    park: Mapped[str] = mapped_column(String(200), nullable=False)
    closed_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    meta: Mapped[str] = mapped_column(Text, nullable=False, default="{}")


class Entry(Base):
    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    settlement_id: Mapped[int] = mapped_column(
        ForeignKey("ledger_settlements.id", ondelete="CASCADE"), index=True, nullable=False
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"), index=True, nullable=False)
    day: Mapped[dt.date] = mapped_column(Date, index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    detail: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    quantity_kwh: Mapped[float | None] = mapped_column(Float, nullable=True)
    amount_krw: Mapped[int] = mapped_column(BigInteger, nullable=False)


class DayStat(Base):
    __tablename__ = "ledger_day_stats"

    settlement_id: Mapped[int] = mapped_column(
        ForeignKey("ledger_settlements.id", ondelete="CASCADE"), primary_key=True
    )
    participant: Mapped[str] = mapped_column(String(80), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True, nullable=False)
    load_kwh: Mapped[float] = mapped_column(Float, nullable=False)
    grid_import_kwh: Mapped[float] = mapped_column(Float, nullable=False)
    grid_export_kwh: Mapped[float] = mapped_column(Float, nullable=False)
    bought_kwh: Mapped[float] = mapped_column(Float, nullable=False)
    sold_kwh: Mapped[float] = mapped_column(Float, nullable=False)
    peak_demand_kw: Mapped[float] = mapped_column(Float, nullable=False)  # in mid/peak hours
    grid_only_bill_krw: Mapped[float] = mapped_column(Float, nullable=False)
    net_cost_krw: Mapped[float] = mapped_column(Float, nullable=False)
    renewable_own_kwh: Mapped[float] = mapped_column(Float, nullable=False)
    renewable_bought_kwh: Mapped[float] = mapped_column(Float, nullable=False)
    renewable_storage_kwh: Mapped[float] = mapped_column(Float, nullable=False)
    nonrenewable_onsite_kwh: Mapped[float] = mapped_column(Float, nullable=False)
    renewable_claimed_kwh: Mapped[float] = mapped_column(Float, nullable=False)
    hourly_matched_kwh: Mapped[float] = mapped_column(Float, nullable=False)
    # The sunlight fund's base (market.figures.trading_surplus, excl. VAT); None on days settled
    # before revision 0003, which the income settlement refuses until they are re-settled.
    trading_surplus_krw: Mapped[float | None] = mapped_column(Float, nullable=True)


class AlarmRecord(Base):
    """One logged alarm (revision ``0002_safety_alarms``); ``time`` is the interval start in the park's local time (naive)."""

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
