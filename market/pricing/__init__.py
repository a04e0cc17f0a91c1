"""Clearing prices and trade prices of the park's direct-trading market."""

from market.pricing.allocation import net_positions, pro_rata_pairs
from market.pricing.rules import PRICING_RULES, PricingContext, PricingRule, marginal_price, shared_savings_price

__all__ = [
    "PRICING_RULES",
    "PricingContext",
    "PricingRule",
    "marginal_price",
    "net_positions",
    "pro_rata_pairs",
    "shared_savings_price",
]
