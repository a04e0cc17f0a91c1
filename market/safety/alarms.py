"""Alarm rules: measurements compared with the limits and the schedule.

Rules (thresholds in ``microgrid/data/network/alarm_thresholds.toml``):

* feeder or transformer flow above ``near_limit_fraction`` of its kW limit in
  the flow's direction: warning; above the limit: critical;
* reverse flow (transformer flow < 0) near / above the permitted export limit;
* storage SOC outside its band [soc_min, soc_max] (critical);
* a plant below ``underperformance_fraction`` of its scheduled output
  (warning: soiling, partial trip) or below ``trip_fraction`` (critical: trip),
  judged only where the schedule is above ``min_scheduled_fraction_of_rating``;
* a participant's load off its forecast by more than ``forecast_error_fraction``
  and ``forecast_error_min_kw`` (warning).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import pandas as pd
import xarray as xr

from microgrid.park import Park
from weather.datafiles import read_data_toml

SEVERITIES = ("info", "warning", "critical")


@dataclass(frozen=True)
class Alarm:
    """One alarm.

    Attributes
    ----------
    time : pandas.Timestamp
        Interval start (tz-aware).
    severity : str
        ``info``, ``warning`` or ``critical``.
    kind : str
        ``near_limit``, ``over_limit``, ``reverse_flow``, ``soc_band``,
        ``underperformance``, ``trip``, ``forecast_error`` or ``data_quality``.
    element : str
    message : str
        One line.
    suggested_action : str
    value, limit : float
        In ``unit`` (NaN when not applicable).
    unit : str
        [kW], [kWh] or empty.
    """

    time: pd.Timestamp
    severity: str
    kind: str
    element: str
    message: str
    suggested_action: str
    value: float
    limit: float
    unit: str


@dataclass(frozen=True)
class Thresholds:
    """Alarm thresholds [-] and [kW] (see the data file for their meaning and source)."""

    near_limit_fraction: float = 0.9
    over_limit_fraction: float = 1.0
    soc_margin_fraction: float = 0.0
    underperformance_fraction: float = 0.5
    trip_fraction: float = 0.05
    min_scheduled_fraction_of_rating: float = 0.1
    forecast_error_fraction: float = 0.2
    forecast_error_min_kw: float = 50.0
    spike_factor: float = 3.0

    @classmethod
    def load(cls) -> "Thresholds":
        """Thresholds from ``microgrid/data/network/alarm_thresholds.toml``."""
        raw = read_data_toml("microgrid", "network/alarm_thresholds.toml")
        return cls(**{f.name: float(raw[f.name]) for f in fields(cls) if f.name in raw})


def _flow_alarms(time, element: str, flow_kw: float, forward_kw: float, backward_kw: float, what: str,
                 thresholds: Thresholds, reverse_kind: str = "over_limit") -> list[Alarm]:
    limit = forward_kw if flow_kw >= 0 else backward_kw
    direction = "import" if flow_kw >= 0 else "reverse"
    if limit <= 0:
        if flow_kw < -1e-6:
            return [Alarm(time, "critical", reverse_kind, element, f"{what} {element}: reverse flow {-flow_kw:,.0f} kW "
                          "where none is permitted", "curtail generation or start charging storage", flow_kw, 0.0, "kW")]
        return []
    share = abs(flow_kw) / limit
    kind = reverse_kind if flow_kw < 0 else "over_limit"
    if share > thresholds.over_limit_fraction:
        return [Alarm(time, "critical", kind, element, f"{what} {element}: {direction} flow {abs(flow_kw):,.0f} kW "
                      f"is {share:.0%} of its {limit:,.0f} kW limit",
                      "curtail generation / shift load now; re-dispatch the rest of the day", flow_kw, limit, "kW")]
    if share > thresholds.near_limit_fraction:
        return [Alarm(time, "warning", "near_limit", element, f"{what} {element}: {direction} flow "
                      f"{abs(flow_kw):,.0f} kW is {share:.0%} of its {limit:,.0f} kW limit",
                      "watch the trend; prepare curtailment or storage action", flow_kw, limit, "kW")]
    return []


def raise_alarms(park: Park, dataset: xr.Dataset, measurements, thresholds: Thresholds | None = None) -> list[Alarm]:
    """Alarms of one day: measurements against limits and the schedule.

    Parameters
    ----------
    park : Park
    dataset : xarray.Dataset
        The day's dispatch result (schedule).
    measurements : market.safety.measurements.Measurements
    thresholds : Thresholds, optional

    Returns
    -------
    list of Alarm
        The data-quality alarms of the measurements first, then the rules', by time.
    """
    thresholds = thresholds or Thresholds.load()
    hours = float(dataset.attrs.get("step_hours", 1.0))
    alarms: list[Alarm] = []
    for feeder in park.network.feeders:
        for time, flow in measurements.series(feeder.name, "p").items():
            alarms += _flow_alarms(time, feeder.name, flow, feeder.forward_limit_kw, feeder.backward_limit_kw,
                                   "feeder", thresholds)
    transformer = park.network.transformer
    for time, flow in measurements.series(transformer.name, "p").items():
        alarms += _flow_alarms(time, transformer.name, flow, transformer.import_limit_kw,
                               transformer.export_limit_kw, "transformer", thresholds, reverse_kind="reverse_flow")
    for storage in park.assets_of_role("storage"):
        margin = thresholds.soc_margin_fraction * storage.energy_capacity_kwh
        low = storage.soc_min_kwh - margin
        high = storage.soc_max_kwh + margin
        for time, soc in measurements.series(storage.name, "soc").items():
            if soc < low - 1e-6 or soc > high + 1e-6:
                limit = low if soc < low else high
                alarms.append(Alarm(time, "critical", "soc_band", storage.name,
                                    f"storage {storage.name}: SOC {soc:,.0f} kWh outside its band "
                                    f"[{low:,.0f}, {high:,.0f}] kWh", "check the BMS; re-dispatch from the measured "
                                    "SOC (microgrid redispatch --soc)", soc, limit, "kWh"))
    for asset in park.assets_of_role("generator"):
        rating = asset.rating_kw
        scheduled = dataset["asset_generation"].sel(asset=asset.name).to_series() / hours
        for time, output in measurements.series(asset.name, "p").items():
            plan = float(scheduled.get(time, float("nan")))
            if not plan == plan or plan <= thresholds.min_scheduled_fraction_of_rating * rating:
                continue
            if output < thresholds.trip_fraction * plan:
                alarms.append(Alarm(time, "critical", "trip", asset.name, f"{asset.kind} {asset.name}: "
                                    f"{output:,.0f} kW against {plan:,.0f} kW scheduled: tripped?",
                                    "check the plant; declare the outage (microgrid redispatch --outage)",
                                    output, plan, "kW"))
            elif output < thresholds.underperformance_fraction * plan:
                alarms.append(Alarm(time, "warning", "underperformance", asset.name, f"{asset.kind} {asset.name}: "
                                    f"{output:,.0f} kW is {output / plan:.0%} of the {plan:,.0f} kW scheduled",
                                    "inspect for soiling, shading, inverter or partial trip", output, plan, "kW"))
    for participant in park.participants:
        forecast = dataset["load"].sel(participant=participant.name).to_series() / hours
        for time, load in measurements.series(participant.name, "p").items():
            plan = float(forecast.get(time, float("nan")))
            error = load - plan
            if plan == plan and abs(error) > max(thresholds.forecast_error_fraction * abs(plan),
                                                  thresholds.forecast_error_min_kw):
                alarms.append(Alarm(time, "warning", "forecast_error", participant.name,
                                    f"load {participant.name}: {load:,.0f} kW against {plan:,.0f} kW forecast "
                                    f"({error / plan if plan else float('inf'):+.0%})",
                                    "update the load forecast; re-dispatch if it persists", load, plan, "kW"))
    alarms.sort(key=lambda alarm: (alarm.time, SEVERITIES.index(alarm.severity) * -1, alarm.element))
    return list(measurements.quality) + alarms
