"""Common fields of every asset and the registry of asset kinds.

An asset kind is one file in this package: a pydantic spec that registers
itself with :func:`register_asset_kind`. The park loader looks the kind up
here, and the dispatch model picks the Pyomo builder by the spec's ``role``
(``"generator"`` or ``"storage"``), so a new kind of plant needs a new file,
not an edit everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

AssetRole = Literal["generator", "storage"]

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

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: ClassVar[AssetRole]
    #: True when the asset's energy counts as renewable under RE100
    #: Technical Criteria (waste heat and storage do not).
    renewable: ClassVar[bool]

    name: str = Field(min_length=1)
    kind: str
    owner: str = Field(min_length=1)
    feeder: str = Field(min_length=1)

    def available_power_kw(self, weather, site: SiteContext):
        """Mean power the asset can deliver in each weather interval [kW] (generators only)."""
        raise NotImplementedError(f"asset kind {self.kind!r} has no availability model")


def register_asset_kind(spec_class: type[AssetSpec]) -> type[AssetSpec]:
    """Class decorator: make ``spec_class`` loadable by its ``kind`` value."""
    kind = spec_class.model_fields["kind"].default
    if not isinstance(kind, str):
        raise TypeError(f"{spec_class.__name__}.kind needs a string default")
    ASSET_KINDS[kind] = spec_class
    return spec_class
