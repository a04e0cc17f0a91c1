"""Waste-heat power: Organic Rankine Cycle units on a host plant's exhaust."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, field_validator

from microgrid.assets.base import GeneratorSpec, SiteContext, register_asset_kind


@register_asset_kind
class ORCUnit(GeneratorSpec):
    """An ORC unit recovering heat from its owner's hot exhaust.

    Waste heat is not renewable under RE100 Technical Criteria v4.1, so its
    energy stays in a buyer's RE100 denominator (``../shared/DOMAIN.md``).

    Attributes
    ----------
    rated_power_kw : float
        Net electric rating [kW].
    exhaust_temperature_c : float
        Exhaust temperature at full production [degC].
    nominal_heat_kw : float
        Exhaust heat flow available at full production [kW thermal].
    carnot_fraction : float
        Net efficiency as a fraction of the Carnot efficiency [-].
    cooling_temperature_c : float
        Heat-rejection (cooling) temperature [degC].
    min_load_fraction : float
        Minimum load as a fraction of the rating [-]; below it the unit trips.
    schedule : str
        Host plant's production schedule (a name from the schedule data file).
    maintenance : list of [start, end] ISO dates
        Planned outages of the host plant, end inclusive.
    """

    kind: Literal["orc"] = "orc"
    renewable = False

    rated_power_kw: float = Field(gt=0)
    exhaust_temperature_c: float = Field(default=300.0, gt=80, lt=1000)
    nominal_heat_kw: float = Field(gt=0)
    carnot_fraction: float = Field(default=0.5, gt=0, le=1)
    cooling_temperature_c: float = Field(default=25.0, gt=-20, lt=80)
    min_load_fraction: float = Field(default=0.2, ge=0, lt=1)
    schedule: str = "continuous_3_shift"
    maintenance: list[tuple[str, str]] = Field(default_factory=list)

    @field_validator("schedule")
    @classmethod
    def _known_schedule(cls, value: str) -> str:
        from weather.datafiles import read_data_toml

        names = sorted(read_data_toml("microgrid", "generation/production_schedules.toml"))
        if value not in names:
            raise ValueError(f"unknown production schedule, expected one of {names}")
        return value

    @field_validator("maintenance")
    @classmethod
    def _real_periods(cls, value: list[tuple[str, str]]) -> list[tuple[str, str]]:
        for position, (start, end) in enumerate(value):
            try:
                first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
            except (TypeError, ValueError):
                raise ValueError(f"period {position} = [{start!r}, {end!r}]: expected real dates "
                                 "[YYYY-MM-DD, YYYY-MM-DD]") from None
            if last < first:
                raise ValueError(f"period {position} = [{start!r}, {end!r}]: ends before it starts")
        return value

    @property
    def rating_kw(self) -> float:
        """Net electric rating [kW]."""
        return self.rated_power_kw

    def available_power_kw(self, weather, site: SiteContext):
        """Net electric power the unit can deliver in each interval [kW].

        The host plant's exhaust follows its production schedule (shifts,
        Saturdays, holidays, maintenance); the weather does not matter.
        """
        import zlib

        from microgrid.generation import exhaust_heat_profile, orc_net_power

        exhaust = exhaust_heat_profile(
            weather.index,
            nominal_heat_kw=self.nominal_heat_kw,
            exhaust_temperature_c=self.exhaust_temperature_c,
            schedule=self.schedule,
            maintenance=[tuple(period) for period in self.maintenance],
            seed=zlib.crc32(self.name.encode()),
        )
        return orc_net_power(
            exhaust["heat_kw"],
            exhaust["exhaust_temperature_c"],
            rated_power_kw=self.rated_power_kw,
            carnot_fraction=self.carnot_fraction,
            cooling_temperature_c=self.cooling_temperature_c,
            min_load_fraction=self.min_load_fraction,
        )
