"""Double-entry ledger of the park's money, in a SQL database (SQLAlchemy 2 + Alembic)."""

from market.ledger.models import Account, DayStat, Entry, Settlement
from market.ledger.money import ROUNDING_ACCOUNT, Leg, round_legs
from market.ledger.store import Ledger, LedgerEntry, open_ledger

__all__ = [
    "Account",
    "DayStat",
    "Entry",
    "Ledger",
    "LedgerEntry",
    "Leg",
    "ROUNDING_ACCOUNT",
    "Settlement",
    "open_ledger",
    "round_legs",
]
