"""Generation models: PV, waste-heat ORC and small wind.

Plain-argument physics functions, independent of the park schema; every
figure they use lives in ``microgrid/data/generation/``.
"""

from weather.lazy import lazy_attributes

#: Public name -> the submodule defining it, imported on first use: the park file's validation
#: needs the turbine list and the data files, not pvlib and scipy (``pv``, about 0.4 s).
_WHERE = {
    "carnot_efficiency": "orc",
    "exhaust_heat_profile": "orc",
    "exhaust_mean_temperature_c": "orc",
    "hub_wind_speed": "wind",
    "interval_length": "pv",  # weather.solar's, the one interval-length rule, shared with weather
    "interval_solar_position": "pv",
    "list_small_turbines": "wind",
    "orc_full_load_efficiency": "orc",
    "orc_net_power": "orc",
    "part_load_curve": "orc",
    "production_level": "schedules",
    "production_schedule_names": "schedules",
    "production_schedule_table": "schedules",
    "pv_ac_power": "pv",
    "pv_ac_power_arrays": "pv",
    "small_turbine_power": "wind",
    "small_turbine_power_curve": "wind",
    "small_turbine_spec": "wind",
}
__getattr__, __dir__ = lazy_attributes(__name__, _WHERE)

__all__ = sorted(_WHERE)
