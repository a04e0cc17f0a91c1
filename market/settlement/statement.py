"""A participant's monthly statement: ledger lines, totals, RE100, and the lines as CSV."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from market.ledger import Ledger
from market.ledger.vocabulary import AccountName
from market.re100.report import re100_report
from market.settlement import accounts
from market.settlement.config import SettlementRules
from market.settlement.monthly import parse_month
from microgrid.errors import EngineInputError
from microgrid.park import Park


@dataclass(frozen=True)
class Statement:
    """Monthly statement of one participant.

    Attributes
    ----------
    participant, month : str
    lines : pandas.DataFrame
        Ledger entries of its cash account in the month: day, key, kind,
        detail, quantity_kwh [kWh], amount_krw [KRW] (positive: received).
    totals : pandas.DataFrame
        Amount [KRW] and energy [kWh] per kind.
    re100 : pandas.DataFrame
        Month and year-to-date RE100/Scope-2 rows (see :mod:`market.re100.report`).
    net_krw : int
        Sum of the lines [KRW]; negative means the participant paid.
    """

    participant: str
    month: str
    lines: pd.DataFrame
    totals: pd.DataFrame
    re100: pd.DataFrame
    net_krw: int


def monthly_statement(ledger: Ledger, park: Park, rules: SettlementRules, participant: str,
                      month: str) -> Statement:
    """Build the statement of ``participant`` for ``month`` from the ledger."""
    period = parse_month(month)
    try:
        park.participant(participant)
    except KeyError:
        names = [p.name for p in park.participants]
        raise EngineInputError(f"--participant = {participant!r}: not in park; expected one of {names}") from None
    lines = ledger.entries(start=period.start_time.date(), end=period.end_time.date(),
                           account_prefix=AccountName.of_participant(participant))
    lines = lines[lines["account"] == accounts.cash(participant)].drop(columns=["account"])
    totals = (lines.groupby("kind", as_index=False).agg(amount_krw=("amount_krw", "sum"),
                                                       quantity_kwh=("quantity_kwh", "sum"))
              if not lines.empty else pd.DataFrame(columns=["kind", "amount_krw", "quantity_kwh"]))
    re100 = re100_report(ledger, rules, month, [participant]).table
    return Statement(participant, month, lines.reset_index(drop=True), totals, re100,
                     int(lines["amount_krw"].sum()) if not lines.empty else 0)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder (never half-written)."""
    from market.dispatch.io import TEMPORARY_SUFFIX, clean_stale_temporaries, temporary_prefix

    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temporaries(path.parent)
    handle, temporary = tempfile.mkstemp(prefix=temporary_prefix(path), suffix=TEMPORARY_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_statement_csv(statement: Statement, path: str | Path) -> Path:
    """Write the statement's ledger lines as CSV at ``path`` (``.csv`` added if missing); the printable
    page is the interface's (``ui.statement_print``), which lays the same lines out like a KEPCO bill."""
    path = Path(path)
    csv_path = path if path.suffix == ".csv" else path.with_suffix(".csv")
    atomic_write_text(csv_path, statement.lines.to_csv(index=False))
    return csv_path
