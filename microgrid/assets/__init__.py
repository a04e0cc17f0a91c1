"""Asset kinds of a park. Importing this package registers every kind."""

from microgrid.assets.base import (
    ASSET_KINDS,
    AssetRole,
    AssetSpec,
    GeneratorSpec,
    SiteContext,
    StorageSpec,
    register_asset_kind,
)
from microgrid.assets.battery import Battery
from microgrid.assets.fuel_cell import FuelCell
from microgrid.assets.orc import ORCUnit
from microgrid.assets.pv import PVArray
from microgrid.assets.wind import WindTurbine

__all__ = [
    "ASSET_KINDS",
    "AssetRole",
    "AssetSpec",
    "GeneratorSpec",
    "Battery",
    "FuelCell",
    "ORCUnit",
    "PVArray",
    "SiteContext",
    "StorageSpec",
    "WindTurbine",
    "register_asset_kind",
]
