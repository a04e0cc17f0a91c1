"""The park description: schema and loader."""

from microgrid.park.loader import demo_park_path, park_dict, parse_park, read_park, revalidated
from microgrid.park.schema import (PRICING_RULE_NAMES, Feeder, MarketRules, Network, Park, ParkInfo, Participant,
                                   PricingRuleName, Transformer)
from microgrid.park.tables import TENANT_BASES, IncomeRule, SettlementTerms, settlement_data

__all__ = [
    "PRICING_RULE_NAMES",
    "TENANT_BASES",
    "Feeder",
    "IncomeRule",
    "MarketRules",
    "Network",
    "Park",
    "ParkInfo",
    "Participant",
    "PricingRuleName",
    "SettlementTerms",
    "Transformer",
    "demo_park_path",
    "park_dict",
    "parse_park",
    "read_park",
    "revalidated",
    "settlement_data",
]
