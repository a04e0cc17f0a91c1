"""Common fields of every asset and the registry of asset kinds.

An asset kind is one file in this package: a pydantic spec that registers
itself with :func:`register_asset_kind`. The park loader looks the kind up
here, and the dispatch model picks the Pyomo builder by the spec's ``role``
(``"generator"`` or ``"storage"``), so a new kind of plant needs a new file,
not an edit everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import ClassVar

import numpy as np
from pydantic import BaseModel, Field

from microgrid.strict import STRICT_CONFIG


class AssetRole(StrEnum):
    """What an asset does in the dispatch; the dispatch picks its builder by role.

    A ``StrEnum``, so ``park.assets_of_role("generator")`` and
    ``park.assets_of_role(AssetRole.GENERATOR)`` are the same call.
    """

    #: Delivers energy between zero and its availability; may carry a marginal cost.
    GENERATOR = "generator"
    #: Charges and discharges within a state-of-charge band.
    STORAGE = "storage"


ASSET_KINDS: dict[str, type["AssetSpec"]] = {}


@dataclass
class SiteContext:
    """Where the park is, shared by all assets of one forecast run.

    The sun's position is computed once per index and reused by every PV
    array (it is the costliest step of a PV model).

    Attributes
    ----------
    latitude, longitude : float
        [deg]
    altitude_m : float
        [m]
    wind_height_m : float
        Height of the weather's wind speed [m].
    """

    latitude: float
    longitude: float
    altitude_m: float = 0.0
    wind_height_m: float = 10.0
    _solar_positions: dict = field(default_factory=dict, repr=False)

    def solar_position(self, index):
        """Sun position at interval midpoints of ``index`` (cached)."""
        key = (index[0], index[-1], len(index))
        if key not in self._solar_positions:
            from microgrid.generation import interval_solar_position

            self._solar_positions[key] = interval_solar_position(
                index, latitude=self.latitude, longitude=self.longitude, altitude=self.altitude_m
            )
        return self._solar_positions[key]


class AssetSpec(BaseModel):
    """Fields shared by all assets.

    Attributes
    ----------
    name : str
        Unique asset name in the park.
    kind : str
        Registered asset kind (``pv``, ``orc``, ``wind``, ``battery``...).
    owner : str
        Name of the participant that owns the asset and trades its energy.
    feeder : str
        Feeder the asset is connected to.
    """

    model_config = STRICT_CONFIG

    role: ClassVar[AssetRole]
    #: True when the asset's energy counts as renewable under RE100
    #: Technical Criteria (waste heat and storage do not).
    renewable: ClassVar[bool]

    name: str = Field(min_length=1)
    kind: str
    owner: str = Field(min_length=1)
    feeder: str = Field(min_length=1)

    @property
    def rating_kw(self) -> float:
        """Largest power the asset delivers (a generator) or charges and discharges (storage) [kW].

        Every kind states its rating under this one name, whatever its file calls it.
        """
        raise NotImplementedError(f"asset kind {self.kind!r} states no rating")

    def available_power_kw(self, weather, site: SiteContext):
        """Mean power the asset can deliver in each weather interval [kW] (generators only)."""
        raise NotImplementedError(f"asset kind {self.kind!r} has no availability model")


class GeneratorSpec(AssetSpec):
    """An asset whose role is to generate: its output lies between 0 and its availability.

    A kind with a running cost (fuel) overrides :meth:`marginal_cost_krw_per_kwh`;
    PV, wind and waste heat cost nothing per kWh.
    """

    role: ClassVar[AssetRole] = AssetRole.GENERATOR
    #: Share of the rating a kind delivers in :func:`microgrid.park.synthetic.synthetic_inputs` [-].
    synthetic_capacity_factor: ClassVar[float] = 0.85

    def synthetic_power_kw(self, sun: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """A simple seeded availability for test parks [kW]: a flat share of the rating.

        ``sun`` is the day's normalised solar shape (0-1) per step; kinds that
        follow the sun override this.
        """
        return np.full(len(sun), self.synthetic_capacity_factor * self.rating_kw)

    def marginal_cost_krw_per_kwh(self, time) -> np.ndarray:
        """Cost of one more kWh delivered in each step of ``time`` [KRW/kWh] (0: free)."""
        return np.zeros(len(time))

    def minimum_output_kwh(self, available_kwh: np.ndarray, step_hours: float) -> np.ndarray:
        """Energy the generator must deliver in each step while available [kWh per step] (0: none).

        The dispatch takes the lesser of this and the availability.
        """
        return np.zeros(len(available_kwh))


class StorageSpec(AssetSpec):
    """An asset whose role is to store energy, within a band stated once in kWh.

    Kinds give ``energy_capacity_kwh``, ``power_kw``, the one-way efficiencies
    and the band's fractions; the band in kWh is derived here, so no caller
    multiplies fractions by the capacity again.
    """

    role: ClassVar[AssetRole] = AssetRole.STORAGE
    renewable: ClassVar[bool] = False

    @property
    def rating_kw(self) -> float:
        """Charge and discharge power limit [kW]."""
        return self.power_kw

    @property
    def soc_min_kwh(self) -> float:
        """Lowest state of charge permitted [kWh]."""
        return self.soc_min_fraction * self.energy_capacity_kwh

    @property
    def soc_max_kwh(self) -> float:
        """Highest state of charge permitted [kWh]."""
        return self.soc_max_fraction * self.energy_capacity_kwh

    @property
    def initial_soc_kwh(self) -> float:
        """State of charge at the start of a window when none is given [kWh]."""
        return self.initial_soc_fraction * self.energy_capacity_kwh


def register_asset_kind(spec_class: type[AssetSpec]) -> type[AssetSpec]:
    """Class decorator: make ``spec_class`` loadable by its ``kind`` value."""
    kind = spec_class.model_fields["kind"].default
    if not isinstance(kind, str):
        raise TypeError(f"{spec_class.__name__}.kind needs a string default")
    ASSET_KINDS[kind] = spec_class
    return spec_class
