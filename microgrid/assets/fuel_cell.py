"""Fuel cells: dispatchable generators that burn natural gas.

A fuel cell delivers up to its rating whenever it is in service; every kWh
costs its gas, ``gas price / electrical efficiency`` [KRW/kWh], which the
dispatch weighs against the grid and the park's free energy. Stacks age
with thermal cycling, so units run continuously and turn down rather than
stop: the minimum load is a must-run floor while the unit is available (an
LP, not a unit-commitment MIP). Defaults and the gas price come from
``microgrid/data/generation/fuel_cell.toml``, with their sources.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from microgrid.assets.base import GeneratorSpec, SiteContext, register_asset_kind
from microgrid.generation.datafiles import read_toml

_DATA = read_toml("fuel_cell.toml")


@register_asset_kind
class FuelCell(GeneratorSpec):
    """A fuel-cell unit on natural gas.

    Attributes
    ----------
    rated_power_kw : float
        Net AC rating [kW].
    electrical_efficiency : float
        Net electricity out per unit of gas in, on the gas price's heating value (HHV) [-].
    gas_price_krw_per_kwh : float
        Price of the gas burnt [KRW per kWh of fuel]; the data file's by default.
    min_load_fraction : float
        Must-run floor as a fraction of the rating while in service [-].
    """

    kind: Literal["fuel_cell"] = "fuel_cell"
    renewable = False

    rated_power_kw: float = Field(gt=0, allow_inf_nan=False)
    electrical_efficiency: float = Field(default=_DATA["defaults"]["electrical_efficiency"], gt=0, le=1)
    gas_price_krw_per_kwh: float = Field(default=_DATA["gas_price"]["krw_per_kwh_fuel"], ge=0, allow_inf_nan=False)
    min_load_fraction: float = Field(default=_DATA["defaults"]["min_load_fraction"], ge=0, le=1)

    @property
    def rating_kw(self) -> float:
        """Net AC rating [kW]."""
        return self.rated_power_kw

    def available_power_kw(self, weather, site: SiteContext):
        """The rating in every interval: gas is always there [kW]."""
        import pandas as pd

        return pd.Series(self.rated_power_kw, index=weather.index, name=self.name)

    def marginal_cost_krw_per_kwh(self, time) -> np.ndarray:
        """Gas burnt per kWh delivered, at the gas price [KRW/kWh]."""
        return np.full(len(time), self.gas_price_krw_per_kwh / self.electrical_efficiency)

    def minimum_output_kwh(self, available_kwh: np.ndarray, step_hours: float) -> np.ndarray:
        """The must-run floor in steps where the unit is available [kWh per step]."""
        floor = self.min_load_fraction * self.rated_power_kw * step_hours
        return np.where(np.asarray(available_kwh) > 0, floor, 0.0)
