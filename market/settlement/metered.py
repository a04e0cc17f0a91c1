"""Metered hourly data and the schedule with metered figures swapped in.

CSV format (UTF-8, header required)::

    timestamp,participant,asset,energy_kwh
    2026-07-01T00:00:00+09:00,T01,,812.4          <- load of T01 (asset empty)
    2026-07-01T12:00:00+09:00,T01,PV-T01-roof,301.0  <- generation of an asset

``timestamp`` is the interval start (ISO 8601; without an offset it is read
in the park's timezone), ``energy_kwh`` the energy of the interval [kWh].
A row with an empty ``asset`` is the participant's load; a row with an
asset is that asset's delivered generation (``participant`` may be empty,
and must be the owner when given). Intervals or names not in the file keep
their scheduled value.

Plausibility (the refusing part of validation): given each participant's
contract power [kW], a load reading above :data:`IMPLAUSIBLE_MULTIPLE` times
the energy that power can deliver in the interval is refused with the line
named, never billed (a 1e7 kWh hour for a 500 kW tenant is a meter or export
fault, not consumption).
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from microgrid.errors import EngineInputError

COLUMNS = ("timestamp", "participant", "asset", "energy_kwh")

#: A load reading above this multiple of contract power x interval length [-] is physically
#: implausible (a customer's breaker and transformer trip long before) and refused.
IMPLAUSIBLE_MULTIPLE = 10.0


@dataclass(frozen=True)
class Metered:
    """Metered energies aligned to a dispatch day.

    Attributes
    ----------
    load : xarray.DataArray
        (time, participant) metered load [kWh per step].
    asset_generation : xarray.DataArray
        (time, asset) metered generation [kWh per step].
    """

    load: xr.DataArray
    asset_generation: xr.DataArray


def read_metered(path: str | Path, dataset: xr.Dataset,
                 contract_power_kw: Mapping[str, float] | None = None) -> Metered:
    """Read a metered CSV for the day of ``dataset`` (see module docstring).

    ``contract_power_kw`` (participant -> contract power [kW]), when given, refuses load
    readings above :data:`IMPLAUSIBLE_MULTIPLE` times it over the interval.

    Raises
    ------
    EngineInputError
        A missing column, an unknown name, a timestamp outside the day, a
        duplicate, a negative or non-finite energy or an implausible reading.
    """
    path = Path(path)
    source = str(path)
    try:
        frame = pd.read_csv(path, dtype={"participant": str, "asset": str}, keep_default_na=False)
    except FileNotFoundError:
        raise EngineInputError(f"metered file {source!r} does not exist") from None
    except pd.errors.EmptyDataError:
        raise EngineInputError(f"metered file {source!r} is empty; expected a CSV with columns {list(COLUMNS)}") from None
    except (OSError, pd.errors.ParserError, UnicodeDecodeError, ValueError) as error:
        raise EngineInputError(f"metered file {source!r} cannot be read: {' '.join(str(error).split())[:200]}") from None
    missing = [column for column in COLUMNS if column not in frame.columns]
    if missing:
        raise EngineInputError(f"{source}: missing column {missing[0]!r}; expected columns {list(COLUMNS)}")
    if frame.empty:
        raise EngineInputError(f"{source}: no rows; expected one row per interval and metered participant or asset")
    return metered_from_frame(frame, dataset, source, contract_power_kw)


def implausible_limit_kwh(contract_power_kw: float, step_hours: float) -> float:
    """Largest load reading accepted in one interval [kWh]: ``IMPLAUSIBLE_MULTIPLE`` x power [kW] x hours [h]."""
    return IMPLAUSIBLE_MULTIPLE * contract_power_kw * step_hours


def metered_from_frame(frame: pd.DataFrame, dataset: xr.Dataset, source: str = "<metered>",
                       contract_power_kw: Mapping[str, float] | None = None) -> Metered:
    """Align a metered frame with columns ``COLUMNS`` to ``dataset`` (see :func:`read_metered`)."""
    time = pd.DatetimeIndex(dataset.indexes["time"])
    step_hours = (time[1] - time[0]) / pd.Timedelta(hours=1) if len(time) > 1 else 1.0
    timezone = str(time.tz)
    load = dataset["load"].copy(deep=True)
    generation = dataset["asset_generation"].copy(deep=True)
    participants = [str(p) for p in dataset["participant"].values]
    owners = dict(zip([str(a) for a in dataset["asset"].values], [str(o) for o in dataset["asset_owner"].values]))
    seen: set[tuple[str, str, pd.Timestamp]] = set()
    for row_number, row in enumerate(frame.itertuples(index=False), start=2):
        where = f"{source}: line {row_number}"
        try:
            stamp = pd.Timestamp(str(row.timestamp))
            if stamp is pd.NaT:
                raise ValueError
            stamp = stamp.tz_localize(timezone) if stamp.tzinfo is None else stamp.tz_convert(timezone)
        except Exception:  # ValueError, OutOfBoundsDatetime, pytz NonExistent/AmbiguousTimeError: all bad input
            raise EngineInputError(f"{where}: timestamp = {row.timestamp!r}: expected an ISO 8601 interval start "
                                   f"of {dataset.attrs.get('date')}") from None
        if stamp not in time:
            raise EngineInputError(f"{where}: timestamp = {row.timestamp!r}: not an interval start of "
                                   f"{dataset.attrs.get('date')}")
        try:
            energy = float(row.energy_kwh)
        except (TypeError, ValueError):
            energy = float("nan")
        if not np.isfinite(energy) or energy < 0:
            raise EngineInputError(f"{where}: energy_kwh = {row.energy_kwh!r}: expected a finite energy >= 0 kWh")
        participant, asset = str(row.participant).strip(), str(row.asset).strip()
        if asset:
            if asset not in owners:
                raise EngineInputError(f"{where}: asset = {asset!r}: unknown generator")
            if participant and participant != owners[asset]:
                raise EngineInputError(f"{where}: participant = {participant!r}: asset {asset!r} belongs to "
                                       f"{owners[asset]!r}")
            key = ("asset", asset, stamp)
            generation.loc[{"time": stamp, "asset": asset}] = energy
        else:
            if participant not in participants:
                raise EngineInputError(f"{where}: participant = {participant!r}: unknown participant")
            if contract_power_kw and participant in contract_power_kw:
                limit = implausible_limit_kwh(float(contract_power_kw[participant]), step_hours)
                if energy > limit:
                    raise EngineInputError(
                        f"{where}: energy_kwh = {row.energy_kwh!r}: implausible for {participant!r} (contract power "
                        f"{contract_power_kw[participant]:g} kW); expected at most {limit:g} kWh in a "
                        f"{step_hours:g} h interval")
            key = ("load", participant, stamp)
            load.loc[{"time": stamp, "participant": participant}] = energy
        if key in seen:
            raise EngineInputError(f"{where}: duplicate {key[0]} row for {key[1]!r} at {stamp}")
        seen.add(key)
    return Metered(load=load, asset_generation=generation)
