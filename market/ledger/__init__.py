"""Double-entry ledger of the park's money, in a SQL database (SQLAlchemy 2 + Alembic)."""

from market.ledger.models import Account, Closure, DayStat, Entry, Settlement
from market.ledger.money import ROUNDING_ACCOUNT, Leg, round_legs
from market.ledger.store import ClosedMonth, Ledger, LedgerEntry, LedgerTables, open_ledger, settled_day_count
from market.ledger.vocabulary import AccountName, LegKind, PostingKind, SettlementKind

__all__ = [
    "Account",
    "AccountName",
    "ClosedMonth",
    "Closure",
    "DayStat",
    "Entry",
    "Ledger",
    "LedgerEntry",
    "LedgerTables",
    "Leg",
    "LegKind",
    "PostingKind",
    "ROUNDING_ACCOUNT",
    "Settlement",
    "SettlementKind",
    "open_ledger",
    "round_legs",
    "settled_day_count",
]
