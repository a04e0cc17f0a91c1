"""The figures an energy manager reads first after a dispatch (computed by :mod:`market.figures`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import xarray as xr

from market.figures import SpanFigures, span_figures


@dataclass(frozen=True)
class DispatchSummary:
    """Totals of one dispatch window.

    Attributes
    ----------
    load_kwh, generation_kwh, curtailment_kwh, grid_import_kwh, grid_export_kwh, traded_kwh : float
        Park totals [kWh].
    self_sufficiency : float
        Share of the park's load not imported from KEPCO [-].
    cost_krw : float
        Park's energy cost: grid energy less export revenue (internal trade
        payments and fees are transfers inside the park and cancel) [KRW].
    grid_only_cost_krw : float
        What the same load would cost from KEPCO alone, at the marginal grid price [KRW].
    saving_krw : float
        ``grid_only_cost_krw - cost_krw`` [KRW].
    binding_limits : list of dict
    figures : SpanFigures or None
        Every figure of the window (:func:`market.figures.span_figures`; no sunlight fund).
    matched_any_kwh, matched_renewable_kwh : float
        Energy cleared for order-book bids, by product: any park energy, renewable only [kWh].
    contract_delivered_kwh, contract_shortfall_kwh : float
        Bilateral contract energy delivered and short [kWh].
    deferrable_kwh, curtailed_kwh : float
        Flexibility used: deferrable load scheduled, curtailable load shed [kWh].
    contracts : list of dict
        Per contract: name, seller, buyer, delivered and short [kWh], shortfall settlement [KRW].
    """

    load_kwh: float
    generation_kwh: float
    curtailment_kwh: float
    grid_import_kwh: float
    grid_export_kwh: float
    traded_kwh: float
    self_sufficiency: float
    cost_krw: float
    grid_only_cost_krw: float
    saving_krw: float
    binding_limits: list
    figures: SpanFigures | None = None
    matched_any_kwh: float = 0.0
    matched_renewable_kwh: float = 0.0
    contract_delivered_kwh: float = 0.0
    contract_shortfall_kwh: float = 0.0
    deferrable_kwh: float = 0.0
    curtailed_kwh: float = 0.0
    contracts: list = field(default_factory=list)

    @property
    def saving_share(self) -> float:
        """Saving as a share of the grid-only cost [-]."""
        return self.saving_krw / self.grid_only_cost_krw if self.grid_only_cost_krw else 0.0


def summarize(dataset: xr.Dataset) -> DispatchSummary:
    """Totals of a dispatch result Dataset (computed by :func:`market.figures.span_figures`)."""
    figures = span_figures(dataset, fund_share=None)
    return DispatchSummary(
        load_kwh=figures.load_kwh,
        generation_kwh=figures.generation_kwh,
        curtailment_kwh=figures.curtailment_kwh,
        grid_import_kwh=figures.grid_import_kwh,
        grid_export_kwh=figures.grid_export_kwh,
        traded_kwh=figures.traded_kwh,
        self_sufficiency=figures.self_sufficiency,
        cost_krw=figures.cost_krw,
        grid_only_cost_krw=figures.grid_only_cost_krw,
        saving_krw=figures.saving_krw,
        binding_limits=json.loads(dataset.attrs.get("binding_limits", "[]")),
        figures=figures,
        **{f"{name}_kwh": _total(dataset, variable) for name, variable in ORDER_TOTALS.items()},
        contracts=json.loads(dataset.attrs.get("contracts", "[]")),
    )


#: Summary field (without ``_kwh``) -> result variable it totals (files without order variables: 0).
ORDER_TOTALS = {"matched_any": "matched_any", "matched_renewable": "matched_renewable",
                "contract_delivered": "contract_delivered", "contract_shortfall": "contract_shortfall",
                "deferrable": "deferrable_load", "curtailed": "curtailed_load"}


def _total(dataset: xr.Dataset, name: str) -> float:
    """Sum of a (time, participant) energy over the window [kWh], 0 when the file lacks it."""
    return float(dataset[name].sum()) if name in dataset else 0.0
