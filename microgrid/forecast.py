"""Forecasts of the park's generation and loads: the seam into the dispatch.

Weather comes from a file (``weather.read_weather``: TMY3, TMY2, EPW, KMA
ASOS) or, by default, from the calibrated synthetic weather of the park's
site (``weather.synthetic_weather``, seeded by the year). Each generator
kind turns weather into available power in its own file
(``AssetSpec.available_power_kw``); tenants' loads come from their
industry's profile (:mod:`microgrid.loads`).

A *day-ahead* forecast sees the weather as a forecaster would have seen it
the day before (``weather.day_ahead_forecast``: the actual weather plus an
error of realistic size and persistence); *actual* uses the weather itself.
Loads follow the tenants' production schedules, which are known a day
ahead, so both kinds share them; they are computed over whole calendar
years, so a day's load does not depend on the span requested.

Typical-year files (TMY, EPW) stand for any year: their wall-clock month,
day and hour are mapped onto the requested year in the park's timezone (29
February repeats the 28th). Files of a real period must cover the requested
dates; otherwise the error names the date and the file's span.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import xarray as xr

from microgrid.assets import SiteContext
from microgrid.errors import EngineInputError
from microgrid.inputs import DispatchInputs
from microgrid.park import Park
from microgrid.variables import FORECAST_VARIABLES, WEATHER_VARIABLES, global_attrs, park_coords

ForecastKind = Literal["day_ahead", "actual"]
FORECAST_KINDS = ("day_ahead", "actual")


def _seed(*parts: object) -> int:
    return zlib.crc32("|".join(str(part) for part in parts).encode())


@lru_cache(maxsize=16)
def _synthetic_year(latitude: float, longitude: float, altitude: float, site: str | None, year: int, tz: str):
    from weather import synthetic_weather

    return synthetic_weather(latitude, longitude, year, altitude=altitude, site=site, seed=year, tz=tz)


@lru_cache(maxsize=4)
def _weather_file(path: str):
    from weather import read_weather

    return read_weather(path)


def _typical_year_on(data: pd.DataFrame, year: int, tz: str) -> pd.DataFrame:
    wall_clock = data.index.tz_localize(None) if data.index.tz is not None else data.index
    keyed = data.set_axis(pd.MultiIndex.from_arrays([wall_clock.month, wall_clock.day, wall_clock.hour]))
    keyed = keyed[~keyed.index.duplicated()]
    target = pd.date_range(f"{year}-01-01", f"{year + 1}-01-01", freq="1h", tz=tz, inclusive="left")
    day = np.where((target.month == 2) & (target.day == 29), 28, target.day)
    values = keyed.reindex(pd.MultiIndex.from_arrays([target.month, day, target.hour]))
    return values.set_axis(target)


def park_weather(park: Park, start: pd.Timestamp, end: pd.Timestamp, *,
                 weather_file: str | Path | None = None) -> tuple[pd.DataFrame, dict]:
    """Actual hourly weather for ``[start, end)`` at the park.

    Parameters
    ----------
    park : Park
    start, end : pandas.Timestamp
        tz-aware bounds (interval starts).
    weather_file : str or Path, optional
        A weather file; the park's synthetic weather when None.

    Returns
    -------
    (pandas.DataFrame, dict)
        Canonical weather (``ghi``, ``dni``, ``dhi`` [W/m^2], ``temp_air``
        [degC], ``wind_speed`` [m/s]) on the park's timezone, and its metadata.
    """
    tz = park.park.timezone
    years = range(start.year, (end - pd.Timedelta("1ns")).year + 1)
    if weather_file is None:
        pieces = [_synthetic_year(park.park.latitude, park.park.longitude, park.park.altitude_m,
                                  park.park.weather_site, year, tz) for year in years]
        metadata = dict(pieces[0][1])
        data = pd.concat([piece[0] for piece in pieces])
    else:
        data, metadata = _weather_file(str(weather_file))
        metadata = dict(metadata)
        if metadata.get("typical_year"):
            data = pd.concat([_typical_year_on(data, year, tz) for year in years])
        else:
            data = data.tz_convert(tz)
            if data.index[0] > start or data.index[-1] < end - pd.Timedelta(hours=1):
                raise EngineInputError(
                    f"--weather {str(weather_file)!r}: dates {start:%Y-%m-%d}..{end - pd.Timedelta('1ns'):%Y-%m-%d} "
                    f"outside the data ({data.index[0]:%Y-%m-%d %H:%M}..{data.index[-1]:%Y-%m-%d %H:%M})"
                )
    window = data.loc[(data.index >= start) & (data.index < end)]
    return window, metadata


def _site(park: Park, metadata: dict) -> SiteContext:
    return SiteContext(latitude=park.park.latitude, longitude=park.park.longitude,
                       altitude_m=park.park.altitude_m, wind_height_m=float(metadata.get("wind_height_m", 10.0)))


def generation_kw(park: Park, weather: pd.DataFrame, metadata: dict) -> pd.DataFrame:
    """Available power of every generator [kW], one column per asset, on the weather's index."""
    site = _site(park, metadata)
    columns = {asset.name: asset.available_power_kw(weather, site).to_numpy(dtype=float)
               for asset in park.assets_of_role("generator")}
    return pd.DataFrame(columns, index=weather.index, columns=[a.name for a in park.assets_of_role("generator")])


def load_kw(park: Park, index: pd.DatetimeIndex, weather: pd.DataFrame | None = None) -> pd.DataFrame:
    """Load of every participant [kW], one column per participant.

    Tenants follow their industry's profile scaled to their annual
    consumption, or else their contract power; a participant without an
    industry (the park operator) has no load of its own.
    """
    from microgrid.loads import industry_load_profile

    columns = {}
    for participant in park.participants:
        if participant.industry is None:
            columns[participant.name] = np.zeros(len(index))
            continue
        columns[participant.name] = industry_load_profile(
            index,
            industry=participant.industry,
            contract_power_kw=participant.contract_power_kw,
            annual_consumption_kwh=participant.annual_consumption_kwh,
            temp_air=None if weather is None else weather["temp_air"],
            seed=_seed(participant.name, index[0].year),
        ).to_numpy(dtype=float)
    return pd.DataFrame(columns, index=index)


def _loads_of_whole_years(park: Park, first: pd.Timestamp, last: pd.Timestamp,
                          weather_file: str | Path | None) -> pd.DataFrame:
    """Loads [kW] over the whole calendar years covering ``[first, last)``.

    Load profiles are scaled over the span they are computed on, so a day's
    load is always taken from its whole year: the same day gets the same load
    whether it is dispatched alone or inside a year's batch. Temperatures come
    from the weather source when it covers those years, else from the site's
    synthetic weather.
    """
    tz = park.park.timezone
    start = pd.Timestamp(f"{first.year}-01-01", tz=tz)
    end = pd.Timestamp(f"{(last - pd.Timedelta('1ns')).year + 1}-01-01", tz=tz)
    key = (park.model_dump_json(), start.isoformat(), end.isoformat(), str(weather_file))
    if key not in _WHOLE_YEAR_LOADS:
        try:
            weather, _ = park_weather(park, start, end, weather_file=weather_file)
        except EngineInputError:
            weather, _ = park_weather(park, start, end)
        if len(_WHOLE_YEAR_LOADS) >= 4:  # a few parks x years; a year of loads is small
            _WHOLE_YEAR_LOADS.pop(next(iter(_WHOLE_YEAR_LOADS)))
        _WHOLE_YEAR_LOADS[key] = load_kw(park, weather.index, weather)
    return _WHOLE_YEAR_LOADS[key]


_WHOLE_YEAR_LOADS: dict[tuple, pd.DataFrame] = {}


def forecast_park(park: Park, start: dt.date, end: dt.date, *, kind: ForecastKind = "day_ahead",
                  weather_file: str | Path | None = None) -> xr.Dataset:
    """Hourly generation per asset and load per participant from ``start`` to ``end`` (inclusive).

    Returns
    -------
    xarray.Dataset
        ``available_generation`` (time, asset) and ``load`` (time, participant)
        [kWh per step], ``weather`` variables on ``time``, declared in
        :mod:`microgrid.variables`; the park's descriptive coordinates
        (:func:`microgrid.variables.park_coords`: owners, kinds, ratings,
        capacities, a ``storage`` dimension); attributes say the kind, the
        weather source, the time convention and the CF globals.
    """
    if kind not in FORECAST_KINDS:
        raise EngineInputError(f"kind = {kind!r}: expected one of {list(FORECAST_KINDS)}")
    if end < start:
        raise EngineInputError(f"--end = {end}: expected a date on or after --start = {start}")
    from microgrid.tariffs import check_operating_days

    check_operating_days(park, start, end)
    tz = park.park.timezone
    first = pd.Timestamp(start, tz=tz)
    last = pd.Timestamp(end + dt.timedelta(days=1), tz=tz)
    actual, metadata = park_weather(park, first, last, weather_file=weather_file)
    weather = actual
    if kind == "day_ahead":
        from weather import day_ahead_forecast

        weather = day_ahead_forecast(actual, metadata, latitude=park.park.latitude,
                                     longitude=park.park.longitude, altitude=park.park.altitude_m,
                                     seed=_seed("forecast", start.isoformat()))
    generation = generation_kw(park, weather, metadata)
    loads = _loads_of_whole_years(park, first, last, weather_file).reindex(weather.index)
    step_hours = 1.0
    time = pd.DatetimeIndex(weather.index, name="time")
    arrays = {"available_generation": generation.to_numpy() * step_hours, "load": loads.to_numpy() * step_hours,
              **{name: weather[name].to_numpy() for name in WEATHER_VARIABLES}}
    declared = {**FORECAST_VARIABLES, **WEATHER_VARIABLES}
    coords = park_coords(park)
    if list(generation.columns) != coords["asset"] or list(loads.columns) != coords["participant"]:
        raise AssertionError("forecast columns out of the park's order")  # pragma: no cover
    return xr.Dataset(
        data_vars={name: (spec.dims, arrays[name], spec.attrs()) for name, spec in declared.items()},
        coords={"time": time, **coords},
        attrs={"park": park.name, "kind": kind, "weather_source": str(metadata.get("source", "")),
               "timezone": tz, "time_convention": "interval start", "step_hours": step_hours,
               **global_attrs(park.name, f"{park.name}: {kind} forecast of generation and load")},
    )


def day_inputs(park: Park, day: dt.date, *, kind: ForecastKind = "day_ahead",
               weather_file: str | Path | None = None, step_minutes: int = 60,
               initial_soc_kwh: dict[str, float] | None = None):
    """Dispatch inputs of ``day`` from the forecast.

    Steps shorter than the weather's hour repeat the hour's mean power
    (energy per step scales with the step length).

    Returns
    -------
    microgrid.inputs.DispatchInputs
    """
    if 60 % step_minutes:
        raise EngineInputError(f"step_minutes = {step_minutes}: expected a divisor of 60")
    forecast = forecast_park(park, day, day, kind=kind, weather_file=weather_file)
    generation, load = forecast["available_generation"], forecast["load"]
    if step_minutes != 60:
        time = pd.date_range(forecast.indexes["time"][0], periods=24 * 60 // step_minutes,
                             freq=f"{step_minutes}min", name="time")
        share = step_minutes / 60
        generation = generation.reindex(time=time, method="ffill") * share
        load = load.reindex(time=time, method="ffill") * share
    inputs = DispatchInputs(time=pd.DatetimeIndex(generation.indexes["time"]), available_generation=generation,
                            load=load)
    return replace(inputs, initial_soc_kwh=dict(initial_soc_kwh or {}))
