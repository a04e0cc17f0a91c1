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

from weather.forecast import day_ahead_forecast, forecast_error_model
from weather.readers import (
    detect_weather_file_kind,
    mj_per_hour_to_w_per_m2,
    read_epw,
    read_kma_asos,
    read_tmy2,
    read_tmy3,
    read_weather,
)
from weather.sites import (
    Site,
    Station,
    great_circle_distance_km,
    list_sites,
    list_stations,
    load_site,
    load_station,
    nearest_site,
)
from weather.solar import decompose_ghi, interval_mean_clear_sky, solar_position_at_midpoints
from weather.synthetic import synthetic_weather
from weather.validation import CANONICAL_COLUMNS, WeatherFileError

__all__ = [
    "CANONICAL_COLUMNS",
    "Site",
    "Station",
    "WeatherFileError",
    "day_ahead_forecast",
    "decompose_ghi",
    "detect_weather_file_kind",
    "forecast_error_model",
    "great_circle_distance_km",
    "interval_mean_clear_sky",
    "list_sites",
    "list_stations",
    "load_site",
    "load_station",
    "mj_per_hour_to_w_per_m2",
    "nearest_site",
    "read_epw",
    "read_kma_asos",
    "read_tmy2",
    "read_tmy3",
    "read_weather",
    "solar_position_at_midpoints",
    "synthetic_weather",
]
