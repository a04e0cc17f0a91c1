"""RE100 shares, hourly matching and Scope-2 emissions per participant."""

from market.re100.attribution import attribute_origins
from market.re100.report import Re100Report, re100_report

__all__ = ["Re100Report", "attribute_origins", "re100_report"]
