"""Exact money: from float amounts to integer KRW legs that balance.

Rounding rule (documented, applied by :func:`round_legs`): the exact amounts
of a settlement are first summed per (account, kind, detail); each sum is
rounded to a whole KRW, **half to even** (banker's rounding, on the decimal
representation of the amount). The rounded legs then no longer sum exactly
to zero; the difference is booked to the explicit account
``park:rounding`` (never lost), so every settlement sums to 0 KRW.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from market.ledger.vocabulary import AccountName, LegKind
from microgrid.errors import AttentionNeededError


class SettlementRefusedError(AttentionNeededError, ValueError):
    """A settlement the ledger refuses to write (amounts not finite, legs that do not balance): nothing written.

    Needs a person's attention (exit code 6 on the command line); still a ``ValueError`` for callers.
    """

ROUNDING_ACCOUNT = AccountName.ROUNDING
#: Largest |sum of exact amounts| accepted per leg before a settlement is refused [KRW].
IMBALANCE_TOLERANCE_KRW_PER_LEG = 1e-3


@dataclass(frozen=True)
class Leg:
    """One side of a money movement, before rounding.

    Attributes
    ----------
    account : str
        Account name, e.g. ``participant:T01:cash``.
    kind : str
        What it is for: ``trade``, ``trade_fee``, ``kepco_energy``...
    detail : str
        Counterparty, tariff band or other label.
    amount : float
        Exact amount [KRW]; positive: into the account.
    quantity_kwh : float or None
        Energy behind the amount [kWh].
    """

    account: str
    kind: str
    detail: str
    amount: float
    quantity_kwh: float | None = None


def round_half_even(amount: float) -> int:
    """Round an amount [KRW] to a whole KRW, half to even."""
    return int(Decimal(repr(float(amount))).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def round_legs(legs: list[Leg]) -> list[tuple[Leg, int]]:
    """Aggregate legs per (account, kind, detail), round, book the remainder.

    Parameters
    ----------
    legs : list of Leg
        Exact legs whose amounts sum to zero (within float round-off).

    Returns
    -------
    list of (Leg, int)
        Aggregated legs with their integer amount [KRW]; the last one is the
        rounding remainder on ``park:rounding`` when it is not zero. The
        integers sum to exactly 0.

    Raises
    ------
    ValueError
        When the exact amounts do not balance: a bug or bad input, never
        papered over by the rounding account.
    """
    grouped: dict[tuple[str, str, str], list[float]] = {}
    for leg in legs:
        if leg.amount != leg.amount or leg.amount in (float("inf"), float("-inf")):
            raise SettlementRefusedError(f"settlement refused: leg {leg.account} {leg.kind}: amount {leg.amount!r} "
                                         "is not finite")
        slot = grouped.setdefault((leg.account, leg.kind, leg.detail), [0.0, 0.0, 0.0])
        slot[0] += leg.amount
        if leg.quantity_kwh is not None:
            slot[1] += leg.quantity_kwh
            slot[2] = 1.0
    exact_total = sum(slot[0] for slot in grouped.values())
    if abs(exact_total) > IMBALANCE_TOLERANCE_KRW_PER_LEG * max(len(legs), 1) + 1e-6:
        raise SettlementRefusedError(f"settlement refused: legs do not balance: sum {exact_total:.6f} KRW")
    result = []
    for (account, kind, detail), (amount, quantity, has_quantity) in sorted(grouped.items()):
        result.append((Leg(account, kind, detail, amount, quantity if has_quantity else None), round_half_even(amount)))
    remainder = -sum(value for _, value in result)
    if remainder:
        result.append((Leg(ROUNDING_ACCOUNT, LegKind.ROUNDING, "", float(remainder)), remainder))
    return result
