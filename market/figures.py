"""Figures of a span of dispatch results (a day, a year, a scenario), computed in ONE place.

:func:`span_figures` is the only code that turns a result Dataset into
totals: ``microgrid dispatch``'s summary (:func:`market.dispatch.summary.summarize`),
the batch report (:func:`market.batch.summary.summarize_scenario`,
:mod:`market.report`) and the app's Year page all call it. Energies and money
are summed over time, prices and the state of charge averaged (never summed),
as the declaration's ``cell_methods`` say (:func:`aggregate`).

Definitions (:data:`FIGURES` gives each figure's unit and readable name):

- self-sufficiency: ``1 - grid_import / load`` [1];
- renewable share: renewable generation delivered (``asset_renewable``: PV
  and wind; the waste-heat ORC is not renewable, RE100 v4.1) / load [1];
- energy traded: sum of ``trade`` [kW h];
- cost: ``grid_import x import_price - grid_export x export_price`` (trade
  payments and fees are transfers inside the park and cancel; excl. VAT) [KRW];
- saving against grid-only: ``grid_only_cost - cost`` [KRW];
- trading surplus (:func:`trading_surplus`): each participant's gain from the park's
  market against its grid alternative, per step: what its purchases would have cost
  from KEPCO less what it paid for them (trade price and fee), plus what its sales
  earned less what exporting them would have (SMP); its own self-consumption is not
  part of it (excl. VAT) [KRW];
- sunlight-income fund: ``fund_share`` (given by the caller) of each participant's
  positive trading surplus per quarter, as :mod:`market.income.sunlight` pays in [KRW];
- emissions avoided: (load - grid_import) x the grid factor
  (``microgrid/data/settlement/emission_factor.toml`` unless given) [t CO2eq];
- peak import: highest ``transformer_flow`` / step length [kW];
- battery equivalent full cycles: discharge / nameplate capacity [1];
- mean clearing price, mean import price: over time and feeders / participants [KRW/(kW h)];
- mean state of charge: of all storage together, over time [kW h].
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, fields
from importlib import resources

import numpy as np
import pandas as pd
import xarray as xr

from market.dispatch.variables import declared
from microgrid.variables import KRW, KRW_PER_KWH, KW, KWH, ONE


@dataclass(frozen=True)
class Figure:
    """A figure's readable name and unit."""

    name: str
    long_name: str
    units: str


#: Every figure of :class:`SpanFigures`: name -> Figure.
FIGURES: dict[str, Figure] = {f.name: f for f in (
    Figure("load_kwh", "load", KWH),
    Figure("generation_kwh", "on-site generation delivered", KWH),
    Figure("curtailment_kwh", "generation curtailed", KWH),
    Figure("grid_import_kwh", "grid import", KWH),
    Figure("grid_export_kwh", "grid export", KWH),
    Figure("traded_kwh", "energy traded directly", KWH),
    Figure("self_sufficiency", "self-sufficiency", ONE),
    Figure("renewable_share", "renewable share (PV + wind)", ONE),
    Figure("cost_krw", "energy cost", KRW),
    Figure("grid_only_cost_krw", "grid-only cost", KRW),
    Figure("saving_krw", "saving against grid-only", KRW),
    Figure("saving_share", "saving as a share of the grid-only cost", ONE),
    Figure("sunlight_fund_krw", "sunlight-income fund", KRW),
    Figure("emissions_avoided_tco2", "emissions avoided (CO2 equivalent)", "t"),
    Figure("peak_import_kw", "peak import", KW),
    Figure("battery_cycles", "battery equivalent full cycles", ONE),
    Figure("mean_clearing_price_krw_per_kwh", "mean clearing price", KRW_PER_KWH),
    Figure("mean_import_price_krw_per_kwh", "mean marginal grid price", KRW_PER_KWH),
    Figure("mean_soc_kwh", "mean state of charge (all storage)", KWH),
    Figure("objective_krw", "sum of the days' LP objectives", KRW),
)}


@dataclass(frozen=True)
class SpanFigures:
    """Figures of a span; units in :data:`FIGURES`, definitions in the module docstring."""

    load_kwh: float
    generation_kwh: float
    curtailment_kwh: float
    grid_import_kwh: float
    grid_export_kwh: float
    traded_kwh: float
    self_sufficiency: float
    renewable_share: float
    cost_krw: float
    grid_only_cost_krw: float
    saving_krw: float
    saving_share: float
    sunlight_fund_krw: float
    emissions_avoided_tco2: float
    peak_import_kw: float
    battery_cycles: float
    mean_clearing_price_krw_per_kwh: float
    mean_import_price_krw_per_kwh: float
    mean_soc_kwh: float
    objective_krw: float

    def as_dict(self) -> dict:
        return asdict(self)


def default_grid_factor_tco2eq_per_mwh() -> float:
    """The grid's emission factor of ``microgrid/data/settlement/emission_factor.toml`` [t/(MW h)]."""
    text = resources.files("microgrid.data").joinpath("settlement", "emission_factor.toml").read_text(encoding="utf-8")
    return float(tomllib.loads(text)["grid_tco2eq_per_mwh"])


def aggregate(variable: xr.DataArray, name: str | None = None, keep: tuple[str, ...] = ("scenario",)) -> xr.DataArray:
    """``variable`` reduced over every dimension but ``keep``, as its declaration says.

    Over entities (participants, assets, feeders...): summed when extensive
    (energy, money, SOC), averaged when intensive (prices, limits, flags);
    then over ``time``: summed for ``time: sum``, averaged for ``time: mean``
    and ``time: point`` (prices, SOC). An undeclared variable follows its own
    ``cell_methods`` attribute, else is summed. NaN (a scenario without that
    entity) is skipped.
    """
    spec = declared(name or str(variable.name))
    over_entities = spec.over_entities if spec is not None else "sum"
    cell_methods = spec.cell_methods if spec is not None else variable.attrs.get("cell_methods")
    over_time = "sum" if not cell_methods or cell_methods.split(":", 1)[-1].strip() == "sum" else "mean"
    entities = [dim for dim in variable.dims if dim not in keep and dim != "time"]
    if over_entities == over_time:  # one reduction over all of them: the same sum as ``variable.sum()``
        dims = [dim for dim in variable.dims if dim not in keep]
        if not dims:
            return variable
        return variable.sum(dims, skipna=True) if over_time == "sum" else variable.mean(dims, skipna=True)
    reduced = variable
    if entities:
        reduced = reduced.sum(entities, skipna=True) if over_entities == "sum" else reduced.mean(entities, skipna=True)
    if "time" in reduced.dims and "time" not in keep:
        reduced = reduced.sum("time", skipna=True) if over_time == "sum" else reduced.mean("time", skipna=True)
    return reduced


def _total(ds: xr.Dataset, name: str) -> float:
    return float(aggregate(ds[name], name, keep=()))


def trading_surplus(ds: xr.Dataset) -> xr.DataArray:
    """Each participant's gain from the park's market in each step [KRW], (time, participant).

    ``import_price x bought - (trade payments + fees)`` for what it bought, plus
    ``trade revenue - export_price x sold`` for what it sold: the base the
    sunlight fund takes its share of (DOMAIN.md: "a share of the trading surplus").
    Energy it generated and used itself, and its own exports, earn it nothing
    here. Trade payments are read off ``energy_cost`` (which holds them with
    the grid legs and fuel), so the trade matrix is not needed::

        surplus = import_price x (grid_import + bought) - export_price x (grid_export + sold)
                  + generation_cost - energy_cost

    Summed over participants, the transfers cancel and the surplus is the
    market's welfare gain: ``sum(bought x import_price) - sum(sold x export_price) - fees``.
    """
    def filled(name: str) -> xr.DataArray:
        return ds[name].fillna(0.0)

    return (filled("import_price") * (filled("grid_import") + filled("bought"))
            - filled("export_price") * (filled("grid_export") + filled("sold"))
            + filled("generation_cost") - filled("energy_cost"))


def span_figures(ds: xr.Dataset, *, fund_share: float | None,
                 grid_tco2eq_per_mwh: float | None = None) -> SpanFigures:
    """Figures of a result Dataset over its whole span (one scenario: select it first).

    Parameters
    ----------
    ds : xarray.Dataset
        A dispatch result, a scenario file or one scenario of ``batch.zarr``.
    fund_share : float or None
        Share of each participant's positive quarterly trading surplus paid into the
        sunlight-income fund [1], from the caller (the park's income rule);
        None: ``sunlight_fund_krw`` is NaN.
    grid_tco2eq_per_mwh : float, optional
        Grid emission factor [t/(MW h)]; default the data file's.
    """
    step_hours = float(ds.attrs.get("step_hours", 1.0))
    load = _total(ds, "load")
    grid_import = _total(ds, "grid_import")
    cost = float((ds["grid_import"] * ds["import_price"]).sum() - (ds["grid_export"] * ds["export_price"]).sum())
    grid_only = _total(ds, "grid_only_cost")
    renewable = ds["asset_renewable"].fillna(0).astype(bool)
    renewable_kwh = float(ds["asset_generation"].where(renewable, 0.0).sum())
    if fund_share is None:
        fund = float("nan")
    else:
        surplus_by = trading_surplus(ds).transpose("time", "participant").to_pandas()
        index = pd.DatetimeIndex(surplus_by.index)
        quarters = index.tz_convert("Asia/Seoul").tz_localize(None).to_period("Q") if index.tz \
            else index.to_period("Q")
        fund = float(fund_share * surplus_by.groupby(quarters).sum().clip(lower=0).to_numpy().sum())
    factor = default_grid_factor_tco2eq_per_mwh() if grid_tco2eq_per_mwh is None else grid_tco2eq_per_mwh
    if "storage_energy_capacity_kwh" in ds.coords:
        capacity = ds["storage_energy_capacity_kwh"].fillna(0).values
    elif "storage_capacity_kwh" in ds:
        capacity = ds["storage_capacity_kwh"].fillna(0).values
    else:
        capacity = np.zeros(0)
    discharge = ds["discharge"].fillna(0).sum("time").values if "discharge" in ds else np.zeros(0)
    total_capacity = float(np.nansum(capacity))
    has_storage = "soc" in ds and ds.sizes.get("storage", 0) and bool(np.isfinite(ds["soc"].values).any())
    return SpanFigures(
        load_kwh=load,
        generation_kwh=_total(ds, "generation"),
        curtailment_kwh=_total(ds, "curtailment"),
        grid_import_kwh=grid_import,
        grid_export_kwh=_total(ds, "grid_export"),
        traded_kwh=_total(ds, "trade"),
        self_sufficiency=1.0 - grid_import / load if load else 0.0,
        renewable_share=renewable_kwh / load if load else 0.0,
        cost_krw=cost,
        grid_only_cost_krw=grid_only,
        saving_krw=grid_only - cost,
        saving_share=(grid_only - cost) / grid_only if grid_only else 0.0,
        sunlight_fund_krw=fund,
        emissions_avoided_tco2=(load - grid_import) / 1000.0 * factor,
        peak_import_kw=float(ds["transformer_flow"].max()) / step_hours,
        battery_cycles=float(np.nansum(discharge)) / total_capacity if total_capacity > 0 else 0.0,
        mean_clearing_price_krw_per_kwh=_total(ds, "clearing_price"),
        mean_import_price_krw_per_kwh=_total(ds, "import_price"),
        mean_soc_kwh=_total(ds, "soc") if has_storage else float("nan"),
        objective_krw=float(ds["day_objective"].sum()) if "day_objective" in ds else
        float(ds.attrs.get("objective_krw", float("nan"))),
    )


assert [f.name for f in fields(SpanFigures)] == list(FIGURES)  # one list of figures, one order
