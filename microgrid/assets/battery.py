"""Batteries (the park's shared storage, or a tenant's own)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from microgrid.assets.base import StorageSpec, register_asset_kind


@register_asset_kind
class Battery(StorageSpec):
    """A battery energy storage system.

    Attributes
    ----------
    energy_capacity_kwh : float
        Usable nameplate energy [kWh].
    power_kw : float
        Charge and discharge power limit [kW].
    round_trip_efficiency : float
        AC round-trip efficiency [-]; split evenly as sqrt() on charge and discharge.
    soc_min_fraction, soc_max_fraction : float
        State-of-charge band as a fraction of the capacity [-].
    initial_soc_fraction : float
        State of charge at the start of a day when the previous day's is unknown [-].
    terminal_soc_rule : str
        ``cyclic``: end the day at least at its starting charge; ``free``: no
        rule; ``target``: end at least at ``terminal_soc_fraction``.
    terminal_soc_fraction : float
        Target for ``terminal_soc_rule = "target"`` [-].
    wear_cost_krw_per_kwh : float or None
        Degradation cost per kWh discharged [KRW/kWh]; None takes the park's default.
    """

    kind: Literal["battery"] = "battery"
    # Storage is not a renewable source (StorageSpec.renewable); energy passing
    # through keeps its origin, less the losses (RE100 accounting handles that).

    energy_capacity_kwh: float = Field(gt=0)
    power_kw: float = Field(gt=0)
    round_trip_efficiency: float = Field(default=0.88, gt=0, le=1)
    soc_min_fraction: float = Field(default=0.1, ge=0, lt=1)
    soc_max_fraction: float = Field(default=0.9, gt=0, le=1)
    initial_soc_fraction: float = Field(default=0.5, ge=0, le=1)
    terminal_soc_rule: Literal["cyclic", "free", "target"] = "cyclic"
    terminal_soc_fraction: float = Field(default=0.5, ge=0, le=1)
    wear_cost_krw_per_kwh: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _band_is_ordered(self) -> "Battery":
        if self.soc_min_fraction >= self.soc_max_fraction:
            raise ValueError(
                f"soc_min_fraction={self.soc_min_fraction} must be below "
                f"soc_max_fraction={self.soc_max_fraction}"
            )
        if not self.soc_min_fraction <= self.initial_soc_fraction <= self.soc_max_fraction:
            raise ValueError(
                f"initial_soc_fraction={self.initial_soc_fraction} must lie in "
                f"[{self.soc_min_fraction}, {self.soc_max_fraction}]"
            )
        return self

    @property
    def charge_efficiency(self) -> float:
        """One-way charge efficiency [-]."""
        return self.round_trip_efficiency**0.5

    @property
    def discharge_efficiency(self) -> float:
        """One-way discharge efficiency [-]."""
        return self.round_trip_efficiency**0.5
