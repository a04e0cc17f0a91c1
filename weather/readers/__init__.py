"""Readers of weather files, pvlib-style: each returns ``(data, metadata)``."""

from weather.readers.detect import detect_weather_file_kind, read_weather
from weather.readers.epw import read_epw
from weather.readers.kma import mj_per_hour_to_w_per_m2, read_kma_asos
from weather.readers.tmy import read_tmy2, read_tmy3

__all__ = [
    "detect_weather_file_kind",
    "mj_per_hour_to_w_per_m2",
    "read_epw",
    "read_kma_asos",
    "read_tmy2",
    "read_tmy3",
    "read_weather",
]
