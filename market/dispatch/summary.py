"""The figures an energy manager reads first after a dispatch."""

from __future__ import annotations

import json
from dataclasses import dataclass

import xarray as xr


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

    @property
    def saving_share(self) -> float:
        """Saving as a share of the grid-only cost [-]."""
        return self.saving_krw / self.grid_only_cost_krw if self.grid_only_cost_krw else 0.0


def summarize(dataset: xr.Dataset) -> DispatchSummary:
    """Totals of a dispatch result Dataset."""
    load = float(dataset["load"].sum())
    grid_import = float(dataset["grid_import"].sum())
    cost = float((dataset["grid_import"] * dataset["import_price"]).sum()
                 - (dataset["grid_export"] * dataset["export_price"]).sum())
    grid_only = float(dataset["grid_only_cost"].sum())
    return DispatchSummary(
        load_kwh=load,
        generation_kwh=float(dataset["generation"].sum()),
        curtailment_kwh=float(dataset["curtailment"].sum()),
        grid_import_kwh=grid_import,
        grid_export_kwh=float(dataset["grid_export"].sum()),
        traded_kwh=float(dataset["trade"].sum()),
        self_sufficiency=1.0 - grid_import / load if load else 0.0,
        cost_krw=cost,
        grid_only_cost_krw=grid_only,
        saving_krw=grid_only - cost,
        binding_limits=json.loads(dataset.attrs.get("binding_limits", "[]")),
    )
