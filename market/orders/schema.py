"""The order-book file of one delivery day (TOML), as strict pydantic tables.

Layout (every table optional, ``[[...]]`` arrays; hours are 0-23 local interval starts, a block
is ``hours = [first, ..., last]``)::

    [orders]
    date = "2026-07-01"            # delivery day
    submitted = "2026-06-30T09:00" # local time of submission (checked against the gate closure)

    [[offers]]   participant, hours, max_kwh [kWh per hour], min_price_krw_per_kwh, assets (names it owns)
    [[bids]]     participant, hours, max_kwh [kWh per hour], max_price_krw_per_kwh,
                 product = "any" | "renewable", preferred = [...], excluded = [...]
    [[contracts]] name, seller, buyer, kwh_per_hour (24 values) | share_of_output [-],
                 price_krw_per_kwh, start, end (dates, inclusive), source = "any" | "renewable",
                 shortfall = "grid_price" | "none" (how undelivered contract energy is settled)
    [[deferrable]] participant, name, energy_kwh, window = [first_hour, last_hour], min_kw, max_kw
    [[curtailable]] participant, name, hours, max_kwh [kWh per hour], voll_krw_per_kwh
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

from pydantic import Field, field_validator, model_validator

from microgrid.strict import StrictModel

HOURS = 24


class Product(str, Enum):
    """What a bid accepts: any park energy, or renewable energy only."""

    ANY = "any"
    RENEWABLE = "renewable"


class ShortfallRule(str, Enum):
    """How contract energy the seller could not deliver is settled.

    ``grid_price``: the seller pays the buyer's grid price minus the contract price per
    undelivered kWh (the buyer is made whole); ``none``: undelivered energy is simply not paid.
    """

    GRID_PRICE = "grid_price"
    NONE = "none"


def _check_hours(hours: list[int]) -> list[int]:
    if not hours:
        raise ValueError("expected at least one hour")
    bad = [h for h in hours if not 0 <= h < HOURS]
    if bad:
        raise ValueError(f"hour {bad[0]} outside 0-{HOURS - 1}")
    if len(set(hours)) != len(hours):
        raise ValueError("hours repeat")
    return sorted(hours)


class OrderHeader(StrictModel):
    """``[orders]``: the delivery day and the local time the book was submitted."""

    date: dt.date
    submitted: dt.datetime | None = None


class Offer(StrictModel):
    """A sell order: up to ``max_kwh`` [kWh] in each of ``hours`` at no less than ``min_price_krw_per_kwh``."""

    participant: str
    hours: list[int]
    max_kwh: float = Field(gt=0)
    min_price_krw_per_kwh: float = Field(ge=0)
    assets: list[str] = Field(default_factory=list)

    _hours = field_validator("hours")(lambda cls, hours: _check_hours(hours))


class Bid(StrictModel):
    """A buy order: up to ``max_kwh`` [kWh] in each of ``hours`` at no more than ``max_price_krw_per_kwh``."""

    participant: str
    hours: list[int]
    max_kwh: float = Field(gt=0)
    max_price_krw_per_kwh: float = Field(ge=0)
    product: Product = Product.ANY
    preferred: list[str] = Field(default_factory=list)
    excluded: list[str] = Field(default_factory=list)

    _hours = field_validator("hours")(lambda cls, hours: _check_hours(hours))

    @model_validator(mode="after")
    def _checks(self):
        both = set(self.preferred) & set(self.excluded)
        if both:
            raise ValueError(f"{sorted(both)[0]!r} both preferred and excluded")
        if self.participant in self.preferred + self.excluded:
            raise ValueError("a bid cannot name its own bidder as counterparty")
        return self


class Contract(StrictModel):
    """A standing bilateral contract, delivered before the pool clears.

    Exactly one of ``kwh_per_hour`` (24 values [kWh]) or ``share_of_output`` (of the seller's
    generation [-]) gives its shape; ``price_krw_per_kwh`` is paid by the buyer per kWh delivered.
    """

    name: str
    seller: str
    buyer: str
    kwh_per_hour: list[float] | None = None
    share_of_output: float | None = Field(default=None, gt=0, le=1)
    price_krw_per_kwh: float = Field(ge=0)
    start: dt.date
    end: dt.date
    source: Product = Product.ANY
    shortfall: ShortfallRule = ShortfallRule.GRID_PRICE

    @model_validator(mode="after")
    def _checks(self):
        if (self.kwh_per_hour is None) == (self.share_of_output is None):
            raise ValueError("expected exactly one of kwh_per_hour or share_of_output")
        if self.kwh_per_hour is not None:
            if len(self.kwh_per_hour) != HOURS:
                raise ValueError(f"kwh_per_hour has {len(self.kwh_per_hour)} values, expected {HOURS}")
            if min(self.kwh_per_hour) < 0:
                raise ValueError("kwh_per_hour must be >= 0")
        if self.end < self.start:
            raise ValueError(f"end {self.end} before start {self.start}")
        if self.seller == self.buyer:
            raise ValueError("seller and buyer are the same participant")
        return self

    def active_on(self, day: dt.date) -> bool:
        """True when ``day`` lies inside the contract term (inclusive)."""
        return self.start <= day <= self.end


class DeferrableLoad(StrictModel):
    """A process load of ``energy_kwh`` [kWh] to run inside ``window`` hours at ``min_kw``-``max_kw`` [kW]."""

    participant: str
    name: str
    energy_kwh: float = Field(gt=0)
    window: tuple[int, int]
    min_kw: float = Field(default=0.0, ge=0)
    max_kw: float = Field(gt=0)

    @model_validator(mode="after")
    def _checks(self):
        first, last = self.window
        _check_hours([first, last] if first != last else [first])
        if last < first:
            raise ValueError(f"window {list(self.window)} ends before it starts")
        if self.min_kw > self.max_kw:
            raise ValueError(f"min_kw {self.min_kw} above max_kw {self.max_kw}")
        hours = last - first + 1
        if self.energy_kwh > self.max_kw * hours + 1e-9:
            raise ValueError(f"energy_kwh {self.energy_kwh} exceeds max_kw x {hours} h = {self.max_kw * hours}")
        if self.energy_kwh < self.min_kw * hours - 1e-9:
            raise ValueError(f"energy_kwh {self.energy_kwh} below min_kw x {hours} h = {self.min_kw * hours}")
        return self


class CurtailableLoad(StrictModel):
    """Load the tenant will shed, up to ``max_kwh`` [kWh] per hour, when energy costs more than ``voll_krw_per_kwh``."""

    participant: str
    name: str
    hours: list[int]
    max_kwh: float = Field(gt=0)
    voll_krw_per_kwh: float = Field(gt=0)

    _hours = field_validator("hours")(lambda cls, hours: _check_hours(hours))


class OrderBook(StrictModel):
    """One delivery day's orders; tenants absent from it keep the default behaviour."""

    orders: OrderHeader
    offers: list[Offer] = Field(default_factory=list)
    bids: list[Bid] = Field(default_factory=list)
    contracts: list[Contract] = Field(default_factory=list)
    deferrable: list[DeferrableLoad] = Field(default_factory=list)
    curtailable: list[CurtailableLoad] = Field(default_factory=list)

    @property
    def date(self) -> dt.date:
        return self.orders.date

    def participants(self) -> set[str]:
        """Every participant that submitted something (or is party to a contract)."""
        names = {o.participant for o in self.offers} | {b.participant for b in self.bids}
        names |= {c.seller for c in self.contracts} | {c.buyer for c in self.contracts}
        names |= {d.participant for d in self.deferrable} | {c.participant for c in self.curtailable}
        return names
