"""Settling a re-dispatch as a correction of the day-ahead settlement.

The day-ahead entries (``day:YYYY-MM-DD``) are never edited. The change is
the difference of the exact legs of the revised day and of the day-ahead day
(both from :func:`market.settlement.day.day_legs`, so the same trade, KEPCO
and export rules apply), written as a separate settlement
``correction:YYYY-MM-DD`` of kind ``correction`` whose entries all have kind
``correction`` and the original kind and detail in ``detail``. The
difference of two balanced sets of legs is balanced: the entries sum to
0 KRW. Re-running a re-dispatch of the same day replaces its correction
(always revised minus day-ahead), never stacks corrections.

Day statistics (RE100, peaks) stay those of the day-ahead settlement.

A correction needs a settled day to correct: :func:`require_settled_day`
refuses (one line) a day whose ``day:YYYY-MM-DD`` is not on the ledger.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import xarray as xr

from market.ledger import Leg, Ledger, LedgerEntry
from market.ledger.vocabulary import LegKind, SettlementKind
from market.settlement.config import SettlementRules
from market.settlement.day import day_legs
from microgrid.errors import EngineInputError
from microgrid.park import Park


@dataclass(frozen=True)
class Correction:
    """A written correction: its key and entries [KRW]."""

    key: str
    day: dt.date
    entries: list[LedgerEntry]

    @property
    def total_krw(self) -> int:
        """Sum of the entries [KRW] (always 0)."""
        return sum(entry.amount_krw for entry in self.entries)


def correction_key(day: dt.date) -> str:
    """Ledger key of a day's correction."""
    return SettlementKind.CORRECTION.key(day.isoformat())


def correction_legs(park: Park, day_ahead: xr.Dataset, revised: xr.Dataset,
                    rules: SettlementRules | None = None) -> list[Leg]:
    """Exact legs of revised - day-ahead, all of kind ``correction``."""
    before = day_legs(park, day_ahead, rules).legs
    after = day_legs(park, revised, rules).legs
    net: dict[tuple[str, str], list[float]] = {}
    for sign, legs in ((1.0, after), (-1.0, before)):
        for leg in legs:
            slot = net.setdefault((leg.account, f"{leg.kind}:{leg.detail}"[:120]), [0.0, 0.0])
            slot[0] += sign * leg.amount
            slot[1] += sign * (leg.quantity_kwh or 0.0)
    # Lines that did not change (|amount| < 1e-6 KRW and |energy| < 1e-6 kWh) are left out.
    return [Leg(account, LegKind.CORRECTION, detail, amount, quantity)
            for (account, detail), (amount, quantity) in sorted(net.items())
            if abs(amount) >= 1e-6 or abs(quantity) >= 1e-6]


def require_settled_day(ledger: Ledger, day: dt.date) -> None:
    """Raise :class:`~microgrid.errors.EngineInputError` unless ``day`` is settled on ``ledger``."""
    key = SettlementKind.DAY.key(day.isoformat())
    if not ledger.has_settlement(key):
        raise EngineInputError(f"ledger: {key} is not settled; expected a settled day to correct "
                               f"(run `microgrid settle --date {day.isoformat()}` first)")


def settle_correction(ledger: Ledger, park: Park, day_ahead: xr.Dataset, revised: xr.Dataset,
                      rules: SettlementRules | None = None) -> Correction:
    """Write the correction of a re-dispatched day in one transaction (see module docstring)."""
    day = dt.date.fromisoformat(str(day_ahead.attrs["date"]))
    key = correction_key(day)
    require_settled_day(ledger, day)
    meta = {"redispatch_from": revised.attrs.get("redispatch_from"), "outages": revised.attrs.get("outages"),
            "pricing_rule": revised.attrs.get("pricing_rule"), "corrects": SettlementKind.DAY.key(day.isoformat())}
    entries = ledger.replace_settlement(key, SettlementKind.CORRECTION, day, day, park.name,
                                       correction_legs(park, day_ahead, revised, rules), None, meta)
    return Correction(key, day, entries)
