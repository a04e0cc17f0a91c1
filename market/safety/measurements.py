"""Metered / SCADA-like measurements: reading, unit conversion, data quality.

CSV format (one measurement a row, header required, any column order)::

    timestamp,element,quantity,value,unit
    2026-07-01T14:00:00+09:00,F1,p,5230.5,kW
    2026-07-01T14:00:00+09:00,BESS-shared,soc,62.0,%

* ``timestamp``: interval start, ISO 8601; without an offset it is the
  park's local time. Values are snapped to the dispatch step that contains them.
* ``element``: a feeder (``p`` = mean power main bus -> feeder, negative when
  the feeder exports), the transformer (``p`` = KEPCO -> park, negative:
  reverse flow), a generator (``p`` = output), a participant (``p`` = load)
  or a storage unit (``soc``).
* ``quantity``: ``p`` (mean active power over the interval) or ``soc``
  (state of charge at the end of the interval).
* ``unit``: ``kW`` or ``MW`` for ``p``; ``kWh``, ``MWh`` or ``%`` for ``soc``.

Nothing is silently dropped or guessed: a row that cannot be used
(unparseable time or value, NaN, unknown element, quantity or unit, a spike
beyond ``spike_factor`` x the element's rating, outside the day) and every
gap or conflicting duplicate becomes a data-quality :class:`Alarm`; a file
that is not a measurement table at all raises a one-line EngineInputError.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from market.safety.alarms import Alarm, Thresholds
from microgrid.errors import EngineInputError
from microgrid.park import Park

COLUMNS = ("timestamp", "element", "quantity", "value", "unit")
#: Unit -> factor to the canonical unit, per quantity (p: kW; soc: kWh, % handled apart).
UNITS = {"p": {"kw": 1.0, "mw": 1000.0}, "soc": {"kwh": 1.0, "mwh": 1000.0, "%": None}}


@dataclass
class Measurements:
    """Usable measurements of one day and the data-quality alarms of the rest.

    Attributes
    ----------
    table : pandas.DataFrame
        Columns ``time`` (dispatch step, tz-aware), ``element``, ``quantity``,
        ``value`` ([kW] for ``p``, [kWh] for ``soc``); one row per step, element, quantity.
    quality : list of Alarm
    """

    table: pd.DataFrame
    quality: list[Alarm] = field(default_factory=list)

    def series(self, element: str, quantity: str) -> pd.Series:
        """Values of one element and quantity indexed by step ([kW] or [kWh])."""
        rows = self.table[(self.table["element"] == element) & (self.table["quantity"] == quantity)]
        return pd.Series(rows["value"].values, index=pd.DatetimeIndex(rows["time"]), dtype=float)


def _ratings(park: Park) -> dict[str, tuple[str, float]]:
    """Element -> (quantity, rating [kW] or capacity [kWh])."""
    ratings = {f.name: ("p", max(f.forward_limit_kw, f.backward_limit_kw)) for f in park.network.feeders}
    transformer = park.network.transformer
    ratings[transformer.name] = ("p", max(transformer.import_limit_kw, transformer.export_limit_kw))
    for participant in park.participants:
        ratings[participant.name] = ("p", max(participant.contract_power_kw, 1.0))
    for asset in park.assets_of_role("generator"):
        ratings[asset.name] = ("p", float(asset.rating_kw))
    for asset in park.assets_of_role("storage"):
        ratings[asset.name] = ("soc", asset.energy_capacity_kwh)
    return ratings


def _quality(time, element: str, message: str, severity: str = "warning") -> Alarm:
    return Alarm(time=time, severity=severity, kind="data_quality", element=element, message=message,
                 suggested_action="check the meter / SCADA point and its configuration", value=float("nan"),
                 limit=float("nan"), unit="")


def read_measurements(source: str | Path | pd.DataFrame, park: Park, time: pd.DatetimeIndex,
                      thresholds: Thresholds | None = None) -> Measurements:
    """Read measurements for the steps ``time`` of a dispatch day.

    Parameters
    ----------
    source : path or DataFrame
        CSV file (see module docstring) or a frame with its columns.
    park : Park
    time : pandas.DatetimeIndex
        The day's steps (interval starts, tz-aware, evenly spaced).
    thresholds : Thresholds, optional

    Raises
    ------
    EngineInputError
        When the file cannot be read or lacks a column.
    """
    thresholds = thresholds or Thresholds.load()
    if isinstance(source, pd.DataFrame):
        raw = source.copy()
        name = "<measurements>"
    else:
        name = str(source)
        try:
            text = Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise EngineInputError(f"measurements {name!r} cannot be read: {error}") from None
        try:
            raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
            raise EngineInputError(f"measurements {name!r}: not a CSV table: {str(error).splitlines()[0]}") from None
    raw.columns = [str(column).strip().lower() for column in raw.columns]
    missing = [column for column in COLUMNS if column not in raw.columns]
    if missing:
        raise EngineInputError(f"measurements {name!r}: column {missing[0]!r} is missing; expected {list(COLUMNS)}")
    tz = time.tz
    step = time[1] - time[0]
    day_start, day_end = time[0], time[-1] + step
    ratings = _ratings(park)
    quality: list[Alarm] = []
    rows = []
    for number, record in enumerate(raw[list(COLUMNS)].astype(str).itertuples(index=False), start=2):
        stamp, element, quantity, value_text, unit = (part.strip() for part in record)
        where = f"{name} line {number}"
        try:
            moment = pd.Timestamp(stamp)
            moment = moment.tz_localize(tz) if moment.tzinfo is None else moment.tz_convert(tz)
        except Exception:  # noqa: BLE001 - any unparseable or non-existent local time is flagged, not raised
            quality.append(_quality(day_start, element or "?", f"{where}: timestamp {stamp!r} is not a time"))
            continue
        if moment is pd.NaT or not day_start <= moment < day_end:
            quality.append(_quality(day_start, element or "?", f"{where}: {stamp} is outside the day", "info"))
            continue
        slot = time[int((moment - day_start) // step)]
        if element not in ratings:
            quality.append(_quality(slot, element or "?", f"{where}: unknown element {element!r}"))
            continue
        expected, rating = ratings[element]
        if quantity != expected:
            quality.append(_quality(slot, element, f"{where}: quantity {quantity!r} for {element!r}: expected {expected!r}"))
            continue
        factors = UNITS[quantity]
        if unit.lower() not in factors:
            quality.append(_quality(slot, element, f"{where}: unit {unit!r} for {quantity!r}: expected one of "
                                                   f"{sorted(factors)} (value not used)"))
            continue
        try:
            value = float(value_text)
        except ValueError:
            quality.append(_quality(slot, element, f"{where}: value {value_text!r} is not a number"))
            continue
        if not np.isfinite(value):
            quality.append(_quality(slot, element, f"{where}: value {value_text!r} is not finite"))
            continue
        factor = factors[unit.lower()]
        value = value / 100.0 * rating if factor is None else value * factor
        limit = thresholds.spike_factor * rating if quantity == "p" else rating * 1.001
        if abs(value) > limit or (quantity == "soc" and value < 0):
            quality.append(Alarm(slot, "warning", "data_quality", element,
                                 f"{where}: {value:.6g} {'kW' if quantity == 'p' else 'kWh'} is implausible for "
                                 f"{element!r} (rating {rating:.6g}); a spike or a wrong unit - value not used",
                                 "check the meter's scaling and unit", value, limit, "kW" if quantity == "p" else "kWh"))
            continue
        rows.append((slot, element, quantity, value))
    table = pd.DataFrame(rows, columns=["time", "element", "quantity", "value"])
    table, duplicate_alarms = _deduplicate(table)
    quality += duplicate_alarms
    for (element, quantity), group in table.groupby(["element", "quantity"], sort=True):
        absent = time.difference(pd.DatetimeIndex(group["time"]))
        if len(absent):
            quality.append(_quality(absent[0], element, f"{element} {quantity}: {len(absent)} of {len(time)} steps "
                                                        f"missing (first {absent[0]:%H:%M})", "info"))
    return Measurements(table.reset_index(drop=True), quality)


def _deduplicate(table: pd.DataFrame) -> tuple[pd.DataFrame, list[Alarm]]:
    alarms = []
    keys = ["time", "element", "quantity"]
    if table.empty:
        return table, alarms
    spread = table.groupby(keys)["value"].agg(["min", "max", "count"]).reset_index()
    conflicting = spread[(spread["count"] > 1) & ((spread["max"] - spread["min"]).abs() > 1e-6)]
    repeated = spread[(spread["count"] > 1) & ((spread["max"] - spread["min"]).abs() <= 1e-6)]
    for row in conflicting.itertuples(index=False):
        alarms.append(_quality(row.time, row.element, f"{row.element} {row.quantity} at {row.time:%H:%M}: "
                                                      f"{row.count} different values ({row.min:.6g}..{row.max:.6g}); "
                                                      "none used"))
    for row in repeated.itertuples(index=False):
        alarms.append(_quality(row.time, row.element, f"{row.element} {row.quantity} at {row.time:%H:%M}: "
                                                      f"{row.count} identical rows, one kept", "info"))
    drop = conflicting.set_index(keys).index
    kept = table[~table.set_index(keys).index.isin(drop)].drop_duplicates(keys)
    return kept.sort_values(keys), alarms


def day_steps(dataset: xr.Dataset) -> pd.DatetimeIndex:
    """Steps of a dispatch result (tz-aware interval starts)."""
    return pd.DatetimeIndex(dataset.indexes["time"])
