"""Pricing rules for direct trades, chosen by name in the park file.

Every rule returns ``price[t, s, b]``, what buyer ``b`` pays seller ``s`` per
kWh in step ``t`` [KRW/kWh], excluding the platform fee the buyer also pays.
Each keeps both sides at least as well off as the grid: the seller earns at
least the export price it could have had, the buyer pays (with the fee) at
most its own marginal grid price. The dispatch only offers a trade where
that band is non-empty (``DispatchData.may_buy``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from microgrid.park import PRICING_RULE_NAMES, PricingRuleName


@dataclass(frozen=True)
class PricingContext:
    """What a pricing rule may use, as arrays over (time, seller, buyer) broadcasts.

    Attributes
    ----------
    export_price : numpy.ndarray
        (time,) price the grid pays for exports [KRW/kWh].
    buyer_import_price : numpy.ndarray
        (time, buyer) each buyer's marginal grid price [KRW/kWh].
    seller_clearing_price : numpy.ndarray
        (time, seller) clearing price at each seller's feeder, from the duals [KRW/kWh].
    fee : float
        Platform fee paid by the buyer [KRW/kWh].
    seller_share : float
        Seller's share of the saving under ``shared_savings`` [-].
    pool_price : numpy.ndarray, optional
        (time,) the pool balance's dual: one clearing price per step, or (time, buyer) the
        clearing price of the product each buyer buys (renewable-only bidders: the pool's plus
        the renewable premium) [KRW/kWh] (``pay_as_clear``; without it, the mean clearing price
        over the sellers' feeders).
    seller_floor_price : numpy.ndarray, optional
        (time, seller) least price each seller accepts: its accepted offers' minimum
        price where it has an order book, else the export price [KRW/kWh].
    buyer_ceiling_price : numpy.ndarray, optional
        (time, buyer) most each buyer pays the seller: its accepted bids' maximum price
        where it has an order book, else its grid price less the fee [KRW/kWh].
    """

    export_price: np.ndarray
    buyer_import_price: np.ndarray
    seller_clearing_price: np.ndarray
    fee: float
    seller_share: float
    pool_price: np.ndarray | None = None
    seller_floor_price: np.ndarray | None = None
    buyer_ceiling_price: np.ndarray | None = None

    def band(self) -> tuple[np.ndarray, np.ndarray]:
        """Lowest and highest individually rational price, (time, 1 or seller, buyer) [KRW/kWh].

        Without order books: [export price, buyer's grid price - fee]. With them,
        each side's orders replace its default; where a seller's floor lies above a
        bidder's ceiling the bidder's ceiling holds (a bid is never charged above
        its stated price).
        """
        if self.seller_floor_price is None and self.buyer_ceiling_price is None:
            floor = np.broadcast_to(self.export_price[:, None, None],
                                    (len(self.export_price), 1, self.buyer_import_price.shape[1]))
            ceiling = (self.buyer_import_price - self.fee)[:, None, :]
            return floor, np.maximum(ceiling, floor)
        floor = self.seller_floor_price[:, :, None]
        ceiling = self.buyer_ceiling_price[:, None, :]
        return np.minimum(floor, ceiling), np.broadcast_to(ceiling, np.broadcast_shapes(floor.shape, ceiling.shape))


def marginal_price(context: PricingContext) -> np.ndarray:
    """Dual-based rule: the clearing price at the seller's feeder.

    The clearing price is the park pool's dual plus the seller feeder's
    congestion dual (the value of one more kWh at that feeder). It is
    clipped into the band [export price, buyer's grid price - fee], because
    the demand-charge term can lift a dual above a buyer's energy rate.
    """
    floor, ceiling = context.band()
    return np.clip(context.seller_clearing_price[:, :, None], floor, ceiling)


def shared_savings_price(context: PricingContext) -> np.ndarray:
    """Shared-savings rule: split the saving against the grid.

    The saving of a trade is (buyer's grid price - fee) - export price; the
    seller gets ``seller_share`` of it above the export price, the buyer
    keeps the rest.
    """
    floor, ceiling = context.band()
    return floor + context.seller_share * (ceiling - floor)


def pay_as_clear_price(context: PricingContext) -> np.ndarray:
    """Pay-as-clear: one price per step, the pool balance's dual, clipped into each pair's band.

    Every accepted bid is at or above the pool's dual and every accepted offer at or
    below it (the LP's merit order), so the clip only acts where a demand charge
    or a congested feeder moved the dual.
    """
    floor, ceiling = context.band()
    pool = context.pool_price if context.pool_price is not None else context.seller_clearing_price.mean(axis=1)
    pool = np.asarray(pool, dtype=float)
    pool = pool[:, None, None] if pool.ndim == 1 else pool[:, None, :]
    return np.clip(pool, floor, ceiling)


def pay_as_bid_price(context: PricingContext) -> np.ndarray:
    """Pay-as-bid: each buyer pays its own bid (a tenant without bids: its grid price less the fee)."""
    floor, ceiling = context.band()
    return np.broadcast_to(ceiling, np.broadcast_shapes(floor.shape, ceiling.shape))


def _cheapest_ceiling(buyer_ceiling: np.ndarray, may_buy: np.ndarray, export_price: np.ndarray) -> np.ndarray:
    """Lowest ``grid price - fee`` among the buyers who may buy in each step (export price when none) [KRW/kWh]."""
    masked = np.where(may_buy, buyer_ceiling, np.inf)
    cheapest = masked.min(axis=1) if masked.shape[1] else np.full(len(export_price), np.inf)
    return np.where(np.isfinite(cheapest), np.maximum(cheapest, export_price), export_price)


@dataclass(frozen=True)
class PricingRule:
    """A pricing rule and the prices it guarantees before the clearing is known.

    The dispatch uses the guarantees to keep a storage owner whole (see
    :mod:`market.dispatch.components.ownership`): a battery owner's day must
    not cost more than its grid-only bill, whatever buyers it is matched with.

    Attributes
    ----------
    name : str
    price : callable
        ``price(context) -> (time, seller, buyer)`` trade prices [KRW/kWh].
    seller_floor : callable
        ``seller_floor(export_price, buyer_ceiling, may_buy, seller_share)`` ->
        (time,) least average price any seller receives in each step [KRW/kWh];
        ``buyer_ceiling`` is (time, participant) grid price less fee.
    buyer_cost_cap : callable
        ``buyer_cost_cap(export_price, own_ceiling, seller_share, fee)`` -> (time,)
        most a buyer pays per kWh including the fee, given its own ceiling [KRW/kWh].
    """

    name: str
    price: Callable[[PricingContext], np.ndarray]
    seller_floor: Callable[..., np.ndarray]
    buyer_cost_cap: Callable[..., np.ndarray]


def _shared_savings_floor(export_price, buyer_ceiling, may_buy, seller_share):
    return export_price + seller_share * (_cheapest_ceiling(buyer_ceiling, may_buy, export_price) - export_price)


def _shared_savings_cost(export_price, own_ceiling, seller_share, fee):
    return export_price + seller_share * (np.maximum(own_ceiling, export_price) - export_price) + fee


def _marginal_floor(export_price, buyer_ceiling, may_buy, seller_share):
    # The dual-based price is unknown before the solve; the band's floor is all that is sure.
    return np.asarray(export_price, dtype=float)


def _marginal_cost(export_price, own_ceiling, seller_share, fee):
    return np.maximum(own_ceiling, export_price) + fee


#: The pricing rules by name; keyed by exactly the names of :class:`microgrid.park.PricingRuleName`.
PRICING_RULES: dict[str, PricingRule] = {
    PricingRuleName.MARGINAL.value: PricingRule(PricingRuleName.MARGINAL.value, marginal_price, _marginal_floor,
                                                _marginal_cost),
    PricingRuleName.SHARED_SAVINGS.value: PricingRule(PricingRuleName.SHARED_SAVINGS.value, shared_savings_price,
                                                      _shared_savings_floor, _shared_savings_cost),
    # Before the clearing only the band is sure, as for the dual-based rule.
    PricingRuleName.PAY_AS_CLEAR.value: PricingRule(PricingRuleName.PAY_AS_CLEAR.value, pay_as_clear_price,
                                                    _marginal_floor, _marginal_cost),
    PricingRuleName.PAY_AS_BID.value: PricingRule(PricingRuleName.PAY_AS_BID.value, pay_as_bid_price,
                                                  _marginal_floor, _marginal_cost),
}
if tuple(sorted(PRICING_RULES)) != PRICING_RULE_NAMES:  # pragma: no cover - a rule added to one side only
    raise ImportError(f"PRICING_RULES {sorted(PRICING_RULES)} and microgrid.park.PricingRuleName "
                      f"{list(PRICING_RULE_NAMES)} must name the same rules")
