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

import numpy as np


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
    """

    export_price: np.ndarray
    buyer_import_price: np.ndarray
    seller_clearing_price: np.ndarray
    fee: float
    seller_share: float

    def band(self) -> tuple[np.ndarray, np.ndarray]:
        """Lowest and highest individually rational price, (time, 1, buyer) [KRW/kWh]."""
        floor = np.broadcast_to(self.export_price[:, None, None], (len(self.export_price), 1, self.buyer_import_price.shape[1]))
        ceiling = (self.buyer_import_price - self.fee)[:, None, :]
        return floor, np.maximum(ceiling, floor)


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


PRICING_RULES = {
    "marginal": marginal_price,
    "shared_savings": shared_savings_price,
}
