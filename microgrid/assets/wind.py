"""Small wind turbines (IEC 61400-2 class)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from microgrid.assets.base import GeneratorSpec, SiteContext, register_asset_kind


@register_asset_kind
class WindTurbine(GeneratorSpec):
    """One or more identical small wind turbines.

    Attributes
    ----------
    turbine : str
        Power-curve name from ``microgrid/data/generation/small_wind_turbines.csv``.
    hub_height_m : float
        Hub height [m].
    count : int
        Number of identical turbines.
    """

    kind: Literal["wind"] = "wind"
    renewable = True
    synthetic_capacity_factor = 0.25

    turbine: str = "bergey_excel_10"
    hub_height_m: float = Field(default=20.0, gt=0, le=120)
    count: int = Field(default=1, ge=1)

    @field_validator("turbine")
    @classmethod
    def _known_turbine(cls, name: str) -> str:
        from microgrid.generation import list_small_turbines

        known = list_small_turbines()
        if name not in known:
            raise ValueError(f"unknown turbine, expected one of {known}")
        return name

    @property
    def rating_kw(self) -> float:
        """Largest output of all turbines together: the power curve's maximum times the count [kW].

        Measured small-turbine curves (e.g. the Bergey Excel 10) rise above
        their nominal rating in strong wind, so the curve's maximum, not the
        nameplate, bounds the output.
        """
        from microgrid.generation.wind import small_turbine_peak_kw

        return small_turbine_peak_kw(self.turbine) * self.count

    def available_power_kw(self, weather, site: SiteContext):
        """Power of all turbines together in each interval [kW], from the hub-height wind."""
        from microgrid.generation import small_turbine_power

        one = small_turbine_power(
            weather["wind_speed"],
            turbine=self.turbine,
            hub_height_m=self.hub_height_m,
            wind_height_m=site.wind_height_m,
            temperature=weather.get("temp_air"),
        )
        return one * self.count
