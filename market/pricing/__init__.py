"""Clearing prices and trade prices of the park's direct-trading market."""

from market.pricing.allocation import allocate_pro_rata, allocate_with_decided, net_positions
from market.pricing.rules import PRICING_RULES, PricingContext, PricingRule, marginal_price, shared_savings_price

__all__ = [
    "PRICING_RULES",
    "PricingContext",
    "PricingRule",
    "allocate_pro_rata",
    "allocate_with_decided",
    "marginal_price",
    "net_positions",
    "shared_savings_price",
]
