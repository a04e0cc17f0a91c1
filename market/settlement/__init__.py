"""Settlement of the park's direct trades, KEPCO bills, exports and imbalances on the ledger."""

from market.settlement.config import SettlementRules, default_rules, rules_for
from market.settlement.day import DayLegs, DaySettlement, day_key, day_legs, settle_day
from market.settlement.kepco import EnergyBill, basic_bill, billing_demand_kw, energy_bill, peak_demand_kw
from market.settlement.metered import Metered, read_metered
from market.settlement.monthly import BasicSettlement, monthly_peaks, settle_basic_charge

__all__ = [
    "BasicSettlement",
    "DayLegs",
    "DaySettlement",
    "EnergyBill",
    "Metered",
    "SettlementRules",
    "basic_bill",
    "billing_demand_kw",
    "day_key",
    "day_legs",
    "default_rules",
    "energy_bill",
    "monthly_peaks",
    "peak_demand_kw",
    "read_metered",
    "rules_for",
    "settle_basic_charge",
    "settle_day",
]
