"""Annual figures per scenario, recomputed from the saved batch Dataset only.

The figures and their definitions are :func:`market.figures.span_figures`'s
(one place for the CLI's dispatch summary, this report and the app's Year
page). The sunlight-income share comes from :func:`batch_fund_share`, the one
place that says where it comes from.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import xarray as xr

from market.figures import SpanFigures, span_figures
from microgrid.park import IncomeRule


#: Attribute of a batch's files holding the park's ``income.fund_share`` [1].
FUND_SHARE_ATTRIBUTE = "sunlight_fund_share"


def batch_fund_share(ds: xr.Dataset | None = None) -> float:
    """Share of each participant's positive quarterly saving paid into the sunlight fund [1].

    THE place the batch report and the app's Year page take it from: the
    park's ``[income] fund_share`` that the batch recorded in its files
    (:data:`FUND_SHARE_ATTRIBUTE`), else (a file written before it was
    recorded) the data-file default.
    """
    if ds is not None and FUND_SHARE_ATTRIBUTE in ds.attrs:
        return float(ds.attrs[FUND_SHARE_ATTRIBUTE])
    return IncomeRule().fund_share


@dataclass(frozen=True)
class AnnualSummary(SpanFigures):
    """One scenario's span: :class:`market.figures.SpanFigures` plus the scenario's name."""

    scenario: str = ""

    def as_dict(self) -> dict:
        values = asdict(self)
        return {"scenario": values.pop("scenario"), **values}


def summarize_scenario(ds: xr.Dataset, scenario: str, *, fund_share: float | None = None) -> AnnualSummary:
    """Annual figures of one scenario of an (already selected or loaded) batch Dataset.

    ``fund_share`` [1]: default :func:`batch_fund_share`.
    """
    ds = ds.sel(scenario=scenario) if "scenario" in ds.dims else ds
    share = batch_fund_share(ds) if fund_share is None else fund_share
    return AnnualSummary(**asdict(span_figures(ds, fund_share=share)), scenario=scenario)


def summarize_batch(ds: xr.Dataset, *, fund_share: float | None = None) -> list[AnnualSummary]:
    """Annual figures of every scenario."""
    return [summarize_scenario(ds.sel(scenario=name).load(), str(name), fund_share=fund_share)
            for name in ds["scenario"].values]
