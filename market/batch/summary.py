"""Annual figures per scenario, recomputed from the saved batch Dataset only.

Definitions (energy kWh, money KRW, emissions tCO2eq):

- self-sufficiency: ``1 - grid_import / load`` [-];
- renewable share: renewable generation delivered (``asset_renewable``: PV
  and wind; the waste-heat ORC is not renewable, RE100 v4.1) / load [-];
- energy traded: sum of ``trade`` [kWh];
- saving against grid-only: ``grid_only_cost - (grid_import x import_price
  - grid_export x export_price)`` (excl. VAT, as the dispatch prices) [KRW];
- sunlight-income fund: ``fund_share`` (``microgrid/data/settlement/
  sunlight_income.toml``, 0.30) of each participant's positive saving per
  quarter (``grid_only_cost - energy_cost``, trades included), as
  :mod:`market.income.sunlight` pays in (excl. VAT here) [KRW];
- emissions avoided: (load - grid_import) x the grid factor of
  ``microgrid/data/settlement/emission_factor.toml`` [tCO2eq];
- peak import: highest ``transformer_flow`` / step [kW];
- battery equivalent full cycles: discharge / nameplate capacity [-].
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass
from importlib import resources

import numpy as np
import pandas as pd
import xarray as xr


def _settlement_toml(name: str) -> dict:
    return tomllib.loads(resources.files("microgrid.data").joinpath("settlement", name).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class AnnualSummary:
    """One scenario's span; see the module docstring for definitions and units."""

    scenario: str
    load_kwh: float
    grid_import_kwh: float
    grid_export_kwh: float
    self_sufficiency: float
    renewable_share: float
    traded_kwh: float
    cost_krw: float
    grid_only_cost_krw: float
    saving_krw: float
    sunlight_fund_krw: float
    emissions_avoided_tco2: float
    peak_import_kw: float
    battery_cycles: float
    objective_krw: float

    def as_dict(self) -> dict:
        return asdict(self)


def summarize_scenario(ds: xr.Dataset, scenario: str) -> AnnualSummary:
    """Annual figures of one scenario of an (already selected or loaded) batch Dataset."""
    ds = ds.sel(scenario=scenario) if "scenario" in ds.dims else ds
    step_hours = float(ds.attrs.get("step_hours", 1.0))
    load = float(ds["load"].sum())
    grid_import = float(ds["grid_import"].sum())
    grid_export = float(ds["grid_export"].sum())
    cost = float((ds["grid_import"] * ds["import_price"]).sum() - (ds["grid_export"] * ds["export_price"]).sum())
    grid_only = float(ds["grid_only_cost"].sum())
    renewable = ds["asset_renewable"].fillna(0).astype(bool)
    renewable_kwh = float(ds["asset_generation"].where(renewable, 0.0).sum())
    income = _settlement_toml("sunlight_income.toml")
    factor = _settlement_toml("emission_factor.toml")["grid_tco2eq_per_mwh"]
    saving_by = (ds["grid_only_cost"] - ds["energy_cost"]).to_pandas()
    index = pd.DatetimeIndex(saving_by.index)
    quarterly = saving_by.groupby(index.tz_localize(None).to_period("Q") if index.tz else index.to_period("Q")).sum()
    fund = float(income["fund_share"] * quarterly.clip(lower=0).to_numpy().sum())
    capacity = ds["storage_capacity_kwh"].fillna(0).values if "storage_capacity_kwh" in ds else np.zeros(0)
    discharge = ds["discharge"].fillna(0).sum("time").values if "discharge" in ds else np.zeros(0)
    total_capacity = float(np.nansum(capacity))
    return AnnualSummary(
        scenario=scenario,
        load_kwh=load,
        grid_import_kwh=grid_import,
        grid_export_kwh=grid_export,
        self_sufficiency=1 - grid_import / load if load else 0.0,
        renewable_share=renewable_kwh / load if load else 0.0,
        traded_kwh=float(ds["trade"].sum()),
        cost_krw=cost,
        grid_only_cost_krw=grid_only,
        saving_krw=grid_only - cost,
        sunlight_fund_krw=fund,
        emissions_avoided_tco2=(load - grid_import) / 1000.0 * factor,
        peak_import_kw=float(ds["transformer_flow"].max()) / step_hours,
        battery_cycles=float(np.nansum(discharge)) / total_capacity if total_capacity > 0 else 0.0,
        objective_krw=float(ds["day_objective"].sum()) if "day_objective" in ds else float("nan"),
    )


def summarize_batch(ds: xr.Dataset) -> list[AnnualSummary]:
    """Annual figures of every scenario."""
    return [summarize_scenario(ds.sel(scenario=name).load(), str(name)) for name in ds["scenario"].values]
