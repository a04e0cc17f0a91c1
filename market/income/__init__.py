"""Sunlight income (햇빛소득): the park's fund and its quarterly payout."""

from market.income.sunlight import IncomeSettlement, allocate_largest_remainder, parse_quarter, settle_income

__all__ = ["IncomeSettlement", "allocate_largest_remainder", "parse_quarter", "settle_income"]
