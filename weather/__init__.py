"""Weather sources for the park's generation forecasts.

Every source returns ``(data, metadata)``: ``data`` is a DataFrame with a
tz-aware DatetimeIndex of interval starts and the canonical columns ``ghi``,
``dni``, ``dhi`` [W/m^2], ``temp_air`` [degC] and ``wind_speed`` [m/s] (at
``metadata["wind_height_m"]``); ``metadata`` holds at least ``source``,
``latitude``, ``longitude``, ``altitude``, ``tz``, ``wind_height_m`` and
``site``.

Sources: :func:`synthetic_weather` (calibrated typical year), the file
readers :func:`read_weather` (content-detected), :func:`read_tmy3`,
:func:`read_tmy2`, :func:`read_epw`, :func:`read_kma_asos`; and
:func:`day_ahead_forecast` turns actual weather into a realistic day-ahead
forecast.
"""

from weather.lazy import lazy_attributes

#: Public name -> the submodule defining it, imported on first use (pvlib, scipy and pandas
#: are slow to import; ``weather.errors`` and ``weather.datafiles`` need none of them).
_WHERE = {
    "CANONICAL_COLUMNS": "validation",
    "Site": "sites",
    "Station": "sites",
    "WeatherFileError": "validation",
    "day_ahead_forecast": "forecast",
    "decompose_ghi": "solar",
    "detect_weather_file_kind": "readers",
    "forecast_error_model": "forecast",
    "great_circle_distance_km": "sites",
    "interval_mean_clear_sky": "solar",
    "list_sites": "sites",
    "list_stations": "sites",
    "load_site": "sites",
    "load_station": "sites",
    "mj_per_hour_to_w_per_m2": "readers",
    "nearest_site": "sites",
    "read_epw": "readers",
    "read_kma_asos": "readers",
    "read_tmy2": "readers",
    "read_tmy3": "readers",
    "read_weather": "readers",
    "solar_position_at_midpoints": "solar",
    "synthetic_weather": "synthetic",
}
__getattr__, __dir__ = lazy_attributes(__name__, _WHERE)

__all__ = sorted(_WHERE)
