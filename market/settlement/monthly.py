"""The monthly basic (demand) charge on billing demand.

Each month's peak demand is the highest daily ``peak_demand_kw`` (import
power in mid/peak hours, see :func:`market.settlement.kepco.peak_demand_kw`)
of the settled days; the billing demand follows KEPCO's 12-month rule
(:func:`market.settlement.kepco.billing_demand_kw`). The charge, its fund and
VAT are one ledger settlement ``basic:YYYY-MM`` (booked on the month's first
day) for every participant of the park.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from market.ledger import Leg, Ledger, LedgerEntry
from market.ledger.vocabulary import LegKind, SettlementKind
from market.settlement import accounts
from market.settlement.kepco import basic_bill, billing_demand_kw
from market.settlement.sources import tariffs_in_force
from microgrid.errors import EngineInputError
from microgrid.park import Park
from microgrid.tariffs import load_tariff


@dataclass(frozen=True)
class BasicSettlement:
    """Result of a month's basic charge: entries [KRW] and a frame per participant
    (billing_demand_kw [kW], basic_krw, fund_krw, vat_krw [KRW])."""

    key: str
    entries: list[LedgerEntry]
    bills: pd.DataFrame


def parse_month(month: str) -> pd.Period:
    """``YYYY-MM`` as a monthly Period (EngineInputError when malformed)."""
    try:
        period = pd.Period(month, freq="M")
    except (ValueError, TypeError):
        raise EngineInputError(f"--month = {month!r}: expected YYYY-MM") from None
    if str(period) != month:
        raise EngineInputError(f"--month = {month!r}: expected YYYY-MM")
    return period


def monthly_peaks(ledger: Ledger, month: str) -> pd.DataFrame:
    """Peak demand [kW] per participant (rows) and month (columns) over the 12 months ending ``month``."""
    current = parse_month(month)
    start = (current - 11).start_time.date()
    stats = ledger.day_stats(start, current.end_time.date())
    if stats.empty:
        return pd.DataFrame()
    stats["month"] = [str(pd.Period(day, freq="M")) for day in stats["day"]]
    return stats.pivot_table(index="participant", columns="month", values="peak_demand_kw", aggfunc="max")


def peaks_before(ledger: Ledger, day: dt.date) -> dict[str, dict[str, float]]:
    """Participant -> ``"YYYY-MM"`` -> peak demand [kW] of the days settled before ``day`` in its 12-month window.

    What the dispatch of ``day`` takes as its billing floors
    (:func:`market.dispatch.inputs.billing_floors_kw`, KEPCO's rule of
    :func:`market.settlement.kepco.billing_demand_kw`, as this module bills).
    """
    current = pd.Period(day, freq="M")
    stats = ledger.day_stats((current - 11).start_time.date(), day - dt.timedelta(days=1))
    peaks: dict[str, dict[str, float]] = {}
    for row in stats.itertuples(index=False):
        month = str(pd.Period(row.day, freq="M"))
        known = peaks.setdefault(str(row.participant), {})
        known[month] = max(known.get(month, 0.0), float(row.peak_demand_kw))
    return peaks


def settle_basic_charge(ledger: Ledger, park: Park, month: str) -> BasicSettlement:
    """Settle ``month``'s basic charge for every participant on the peaks of its settled days'
    current versions (a changed charge posts a reversal and a new version; an unchanged one nothing)."""
    period = parse_month(month)
    first, last = period.start_time.date(), period.end_time.date()
    if ledger.day_stats(first, last).empty:
        raise EngineInputError(f"--month = {month!r}: no settled day in that month; settle days first")
    peaks = monthly_peaks(ledger, month)
    legs, rows = [], []
    for participant in park.participants:
        tariff = load_tariff(participant.tariff, first)
        history = peaks.loc[participant.name].dropna().to_dict() if participant.name in peaks.index else {}
        demand = billing_demand_kw(history, month, participant.contract_power_kw,
                                   tariff.billing_demand_floor_fraction, participant.billing_demand_kw)
        bill = basic_bill(tariff, demand)
        account = accounts.cash(participant.name)
        legs += [Leg(account, LegKind.KEPCO_BASIC, f"{demand:.1f} kW", -bill.basic_krw),
                 Leg(account, LegKind.KEPCO_FUND, "basic", -bill.fund_krw),
                 Leg(account, LegKind.KEPCO_VAT, "basic", -bill.vat_krw),
                 Leg(accounts.KEPCO, LegKind.KEPCO_BASIC, participant.name, bill.total_krw)]
        rows.append({"participant": participant.name, "billing_demand_kw": demand, "basic_krw": bill.basic_krw,
                     "fund_krw": bill.fund_krw, "vat_krw": bill.vat_krw})
    key = SettlementKind.BASIC.key(month)
    meta = {"month": month, "inputs": {"tariffs": tariffs_in_force(park, first)}}
    entries = ledger.post_settlement(key, SettlementKind.BASIC, first, last, park.name, legs, None, meta)
    return BasicSettlement(key, entries, pd.DataFrame(rows))


def first_day(month: str) -> dt.date:
    """First day of ``YYYY-MM``."""
    return parse_month(month).start_time.date()
