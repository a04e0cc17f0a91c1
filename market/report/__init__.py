"""The analyst's report of a batch: annual figures per scenario and plots, as one HTML file."""

from market.report.html import write_report

__all__ = ["write_report"]
