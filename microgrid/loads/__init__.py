"""Tenant loads: synthetic profiles by industry and metered data."""

from microgrid.loads.metered import MeteredLoadError, read_metered_loads
from microgrid.loads.profiles import (
    industry_load_profile,
    industry_spec,
    list_industries,
    relative_industry_load,
)

__all__ = [
    "MeteredLoadError",
    "industry_load_profile",
    "industry_spec",
    "list_industries",
    "read_metered_loads",
    "relative_industry_load",
]
