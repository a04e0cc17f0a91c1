"""A day's order book in the positional, per-step form the dispatch components read.

:func:`order_data` turns a checked :class:`market.orders.schema.OrderBook` into rows
of numbers laid out on a window's steps: every energy [kWh per step] (an order's
``max_kwh`` per hour times the step length), every price [KRW/kWh], participants,
generators and contracts by position. A tenant absent from the book has no row and
keeps the default behaviour (it buys at its grid price cap and sells at the export
floor). Hours are local interval starts: a step belongs to the hour it starts in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from market.orders.schema import OrderBook, Product, ShortfallRule


@dataclass(frozen=True)
class OfferRow:
    """A sell order: at most ``cap_kwh`` per step in ``steps`` at no less than ``price`` [KRW/kWh].

    ``generators``: positions of the assets the offer sells from (empty: any of the seller's).
    """

    participant: int
    steps: np.ndarray  # (time,) bool
    cap_kwh: float
    price: float
    generators: tuple[int, ...] = ()


@dataclass(frozen=True)
class BidRow:
    """A buy order: at most ``cap_kwh`` per step in ``steps`` at no more than ``price`` [KRW/kWh].

    ``sellers``: positions of the sellers it may be matched with (None: any, through the pool);
    ``renewable``: only renewable generation counts; ``preferred``: sellers matched first.
    """

    participant: int
    steps: np.ndarray
    cap_kwh: float
    price: float
    renewable: bool = False
    sellers: tuple[int, ...] | None = None
    preferred: tuple[int, ...] = ()

    @property
    def paired(self) -> bool:
        """True when the LP decides this bid's counterparties (pair variables)."""
        return self.sellers is not None or bool(self.preferred)


@dataclass(frozen=True)
class ContractRow:
    """A standing bilateral contract active in the window.

    ``kwh``: (time,) contracted energy per step [kWh], or None for a share of output;
    ``share``: of the seller's ``generators``' output [-]; ``price`` paid per kWh delivered [KRW/kWh].
    """

    name: str
    seller: int
    buyer: int
    kwh: np.ndarray | None
    share: float
    generators: tuple[int, ...]
    price: float
    renewable: bool
    shortfall: ShortfallRule


@dataclass(frozen=True)
class DeferrableRow:
    """``energy_kwh`` [kWh] to run inside ``steps`` at ``min_kwh``-``max_kwh`` per step."""

    participant: int
    name: str
    steps: np.ndarray
    energy_kwh: float
    min_kwh: float
    max_kwh: float


@dataclass(frozen=True)
class CurtailableRow:
    """Up to ``cap_kwh`` per step in ``steps`` shed at a value of lost load ``voll`` [KRW/kWh]."""

    participant: int
    name: str
    steps: np.ndarray
    cap_kwh: float
    voll: float


@dataclass(frozen=True)
class OrderData:
    """Every order of the window, by kind (empty tuples: nobody submitted anything)."""

    offers: tuple[OfferRow, ...] = ()
    bids: tuple[BidRow, ...] = ()
    contracts: tuple[ContractRow, ...] = ()
    deferrable: tuple[DeferrableRow, ...] = ()
    curtailable: tuple[CurtailableRow, ...] = ()
    renewable_generators: tuple[int, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not (self.offers or self.bids or self.contracts or self.deferrable or self.curtailable)

    def buy_steps(self, steps: int, participants: int) -> np.ndarray:
        """(time, participant) steps in which a bid or a contract lets a participant buy."""
        mask = np.zeros((steps, participants), dtype=bool)
        for bid in self.bids:
            mask[:, bid.participant] |= bid.steps
        for contract in self.contracts:
            mask[:, contract.buyer] = True
        return mask


#: No orders: every tenant keeps the default behaviour.
NO_ORDERS = OrderData()


def _steps(time: pd.DatetimeIndex, hours) -> np.ndarray:
    return np.isin(np.asarray(time.hour), np.asarray(list(hours), dtype=int))


def order_data(book: OrderBook | None, park, time: pd.DatetimeIndex, step_hours: float) -> OrderData:
    """The numeric rows of ``book`` for the window ``time`` (``None``: :data:`NO_ORDERS`).

    Contracts outside their term on the window's first day are left out.
    """
    if book is None:
        return NO_ORDERS
    participants = [p.name for p in park.participants]
    position = {name: index for index, name in enumerate(participants)}
    generators = park.assets_of_role("generator")
    generator_position = {asset.name: index for index, asset in enumerate(generators)}
    renewable = tuple(index for index, asset in enumerate(generators) if asset.renewable)
    day = time[0].date() if len(time) else dt.date.min

    def owned(owner: str, renewable_only: bool) -> tuple[int, ...]:
        return tuple(index for index, asset in enumerate(generators)
                     if asset.owner == owner and (asset.renewable or not renewable_only))

    renewable_sellers = sorted({position[generators[g].owner] for g in renewable})
    offers = tuple(OfferRow(position[o.participant], _steps(time, o.hours), o.max_kwh * step_hours,
                            o.min_price_krw_per_kwh, tuple(generator_position[a] for a in o.assets
                                                           if a in generator_position))
                   for o in book.offers)
    bids = []
    for b in book.bids:
        sellers = None
        if b.product is Product.RENEWABLE:
            sellers = renewable_sellers
        if b.excluded:
            excluded = {position[name] for name in b.excluded}
            base = sellers if sellers is not None else range(len(participants))
            sellers = [s for s in base if s not in excluded]
        own = position[b.participant]
        if sellers is not None:
            sellers = tuple(s for s in sellers if s != own)
        bids.append(BidRow(own, _steps(time, b.hours), b.max_kwh * step_hours, b.max_price_krw_per_kwh,
                           b.product is Product.RENEWABLE, sellers,
                           tuple(position[name] for name in b.preferred)))
    contracts = []
    for c in book.contracts:
        if not c.active_on(day):
            continue
        kwh = None
        if c.kwh_per_hour is not None:
            kwh = np.asarray(c.kwh_per_hour, dtype=float)[np.asarray(time.hour)] * step_hours
        contracts.append(ContractRow(c.name, position[c.seller], position[c.buyer], kwh, c.share_of_output or 0.0,
                                     owned(c.seller, c.source is Product.RENEWABLE), c.price_krw_per_kwh,
                                     c.source is Product.RENEWABLE, c.shortfall))
    deferrable = tuple(
        DeferrableRow(position[d.participant], d.name, _steps(time, range(d.window[0], d.window[1] + 1)),
                      d.energy_kwh, d.min_kw * step_hours, d.max_kw * step_hours)
        for d in book.deferrable)
    curtailable = tuple(CurtailableRow(position[c.participant], c.name, _steps(time, c.hours),
                                       c.max_kwh * step_hours, c.voll_krw_per_kwh) for c in book.curtailable)
    return OrderData(offers, tuple(bids), tuple(contracts), deferrable, curtailable, renewable)
