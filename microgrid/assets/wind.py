"""Small wind turbines (IEC 61400-2 class)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from microgrid.assets.base import AssetSpec, register_asset_kind


@register_asset_kind
class WindTurbine(AssetSpec):
    """One or more identical small wind turbines.

    Attributes
    ----------
    turbine : str
        Power-curve name from the shipped small-turbine data.
    rated_power_kw : float
        Rating of one turbine [kW].
    hub_height_m : float
        Hub height [m].
    count : int
        Number of identical turbines.
    """

    kind: Literal["wind"] = "wind"
    renewable = True
    role = "generator"

    turbine: str = "small_10kw"
    rated_power_kw: float = Field(default=10.0, gt=0, le=100)
    hub_height_m: float = Field(default=20.0, gt=0, le=120)
    count: int = Field(default=1, ge=1)

    @property
    def total_rated_power_kw(self) -> float:
        """Rating of all turbines together [kW]."""
        return self.rated_power_kw * self.count
