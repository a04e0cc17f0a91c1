"""Photovoltaic arrays (rooftop or car-park)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from microgrid.assets.base import GeneratorSpec, SiteContext, register_asset_kind

#: pvlib SAPM temperature-model parameters by mounting: rooftop arrays sit
#: close to the roof and run hotter than open-rack car-port or ground arrays.
TEMPERATURE_MODEL_OF_MOUNTING = {
    "rooftop": "close_mount_glass_glass",
    "carport": "open_rack_glass_polymer",
    "ground": "open_rack_glass_polymer",
}


@register_asset_kind
class PVArray(GeneratorSpec):
    """A PV array with its inverter.

    Attributes
    ----------
    dc_capacity_kw : float
        DC nameplate capacity [kW].
    dc_ac_ratio : float
        DC to AC capacity ratio [-]; the AC rating is dc_capacity_kw / dc_ac_ratio.
    tilt_deg : float
        Tilt from horizontal [deg].
    azimuth_deg : float
        Azimuth, 180 = south [deg].
    losses_percent : float
        System losses (soiling, wiring, mismatch...) [%], PVWatts convention.
    mounting : str
        ``rooftop`` (close roof mount) or ``carport``/``ground`` (open rack).
    """

    kind: Literal["pv"] = "pv"
    renewable = True

    dc_capacity_kw: float = Field(gt=0)
    dc_ac_ratio: float = Field(default=1.2, gt=0.5, le=2.0)
    tilt_deg: float = Field(default=15.0, ge=0, le=90)
    azimuth_deg: float = Field(default=180.0, ge=0, lt=360)
    losses_percent: float = Field(default=14.08, ge=0, lt=100)
    mounting: Literal["rooftop", "carport", "ground"] = "rooftop"

    @property
    def ac_capacity_kw(self) -> float:
        """AC rating of the inverter [kW]."""
        return self.dc_capacity_kw / self.dc_ac_ratio

    @property
    def rating_kw(self) -> float:
        """Largest AC output: the inverter's rating [kW]."""
        return self.ac_capacity_kw

    def synthetic_power_kw(self, sun, rng):
        """Half-sine of a random clearness (0.3-0.9) of the DC capacity, clipped at the inverter [kW]."""
        return min(self.dc_capacity_kw * rng.uniform(0.3, 0.9), self.ac_capacity_kw) * sun

    def available_power_kw(self, weather, site: SiteContext):
        """Mean AC power the array can deliver in each weather interval [kW]."""
        from microgrid.generation import pv_ac_power

        return pv_ac_power(
            weather,
            latitude=site.latitude,
            longitude=site.longitude,
            altitude=site.altitude_m,
            tilt=self.tilt_deg,
            azimuth=self.azimuth_deg,
            dc_capacity_kw=self.dc_capacity_kw,
            dc_ac_ratio=self.dc_ac_ratio,
            losses_percent=self.losses_percent,
            temperature_model=TEMPERATURE_MODEL_OF_MOUNTING[self.mounting],
            solar_position=site.solar_position(weather.index),
        )
