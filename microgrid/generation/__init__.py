"""Generation models: PV, waste-heat ORC and small wind.

Plain-argument physics functions, independent of the park schema; every
figure they use lives in ``microgrid/data/generation/``.
"""

from microgrid.generation.orc import (
    carnot_efficiency,
    exhaust_heat_profile,
    exhaust_mean_temperature_c,
    orc_full_load_efficiency,
    orc_net_power,
    part_load_curve,
)
from microgrid.generation.pv import (
    interval_solar_position,
    pv_ac_power,
    pv_ac_power_arrays,
)
from microgrid.generation.schedules import (
    production_level,
    production_schedule_names,
    production_schedule_table,
)
from microgrid.generation.wind import (
    hub_wind_speed,
    list_small_turbines,
    small_turbine_power,
    small_turbine_power_curve,
    small_turbine_spec,
)
from weather.solar import interval_length  # the one interval-length rule, shared with weather


__all__ = [
    "carnot_efficiency",
    "exhaust_heat_profile",
    "exhaust_mean_temperature_c",
    "hub_wind_speed",
    "interval_length",
    "interval_solar_position",
    "list_small_turbines",
    "orc_full_load_efficiency",
    "orc_net_power",
    "part_load_curve",
    "production_level",
    "production_schedule_names",
    "production_schedule_table",
    "pv_ac_power",
    "pv_ac_power_arrays",
    "small_turbine_power",
    "small_turbine_power_curve",
    "small_turbine_spec",
]
