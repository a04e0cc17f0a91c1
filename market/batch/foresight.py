"""Perfect foresight: a whole window (a week, a month) as one LP, against rolling days.

``run_dispatch`` works on any window length, so perfect foresight is the
same model over, say, 744 hourly steps with the same initial SOC as the
rolling run. Cost comparison must use one metric: the window LP's own
objective (grid energy, export revenue, trade fees, battery wear and the
demand-charge term, which charges each participant's peak of the window
above its billing floor, as a day's LP does: the sum of the rolling days'
increases, each over the floor the days before set, equals the window's).
:func:`window_cost` evaluates any dispatch of the window (e.g. the rolling
days concatenated, which is feasible for the window LP: every day ends at
least at its start SOC) under that objective, so that
``myopia = window_cost(rolling) - perfect-foresight objective >= 0``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import xarray as xr

from market.batch.rolling import inputs_for_steps
from market.dispatch.components.demand_charge import demand_cost_krw
from market.dispatch.inputs import DispatchInputs, build_dispatch_data
from market.dispatch.run import run_dispatch
from market.settlement.day import renewable_generation_kwh
from market.settlement.kepco import rec_eligible_kwh
from microgrid.park import Park


@dataclass(frozen=True)
class ForesightComparison:
    """Rolling day-ahead against perfect foresight over one window.

    Attributes
    ----------
    start, end : datetime.date
    rolling_cost_krw, foresight_cost_krw : float
        Both under the window LP's objective [KRW].
    myopia_krw : float
        ``rolling_cost_krw - foresight_cost_krw`` [KRW].
    """

    start: dt.date
    end: dt.date
    rolling_cost_krw: float
    foresight_cost_krw: float

    @property
    def myopia_krw(self) -> float:
        return self.rolling_cost_krw - self.foresight_cost_krw


def window_inputs(forecast: xr.Dataset, start: dt.date, end: dt.date, soc: dict) -> DispatchInputs:
    """The forecast's days ``start`` to ``end`` (inclusive) as one window starting from ``soc`` [kWh]."""
    dates = pd.DatetimeIndex(forecast.indexes["time"]).date
    return inputs_for_steps(forecast, (dates >= start) & (dates <= end), soc)


def window_cost(park: Park, inputs: DispatchInputs, dataset: xr.Dataset) -> float:
    """A dispatch of the window valued under the window LP's objective [KRW]."""
    data = build_dispatch_data(park, inputs)
    grid_import = dataset["grid_import"].sel(participant=data.participants).values
    grid_export = dataset["grid_export"].sel(participant=data.participants).values
    bought = dataset["bought"].sel(participant=data.participants).values
    cost = float((grid_import * data.import_price).sum() - (grid_export * data.export_price[:, None]).sum())
    cost += park.market.trade_fee_krw_per_kwh * float(bought.sum())
    if data.storages:
        discharge = dataset["discharge"].sel(storage=data.storages).values
        cost += float((discharge * data.storage_wear_krw_per_kwh).sum())
    rec_kwh = rec_eligible_kwh(grid_export, *renewable_generation_kwh(dataset, data.participants))
    cost -= float((rec_kwh * data.export_rec_krw_per_kwh).sum())
    return cost + float(demand_cost_krw(data, grid_import).sum())


def compare(park: Park, forecast: xr.Dataset, rolling: xr.Dataset, start: dt.date, end: dt.date,
            soc: dict) -> tuple[ForesightComparison, xr.Dataset]:
    """Solve the window with perfect foresight from ``soc`` and compare with the rolling dispatch."""
    inputs = window_inputs(forecast, start, end, soc)
    result = run_dispatch(park, inputs)
    index = pd.DatetimeIndex(rolling.indexes["time"])
    rolling_window = rolling.isel(time=(index.date >= start) & (index.date <= end))
    comparison = ForesightComparison(start, end, window_cost(park, inputs, rolling_window),
                                     float(result.dataset.attrs["objective_krw"]))
    return comparison, result.dataset


def monthly_foresight(park: Park, forecast: xr.Dataset, rolling: xr.Dataset, start: dt.date, end: dt.date,
                      soc: dict) -> list[ForesightComparison]:
    """Perfect foresight month by month (SOC chained between months), each compared with rolling.

    Each month starts from the rolling run's SOC at that point so that the
    two are compared from the same state.
    """
    out = []
    first = start
    index = pd.DatetimeIndex(rolling.indexes["time"])
    while first <= end:
        last = min((pd.Timestamp(first) + pd.offsets.MonthEnd(0)).date(), end)
        if first > start:
            before = rolling.isel(time=index.date < first)
            soc = {str(s): float(before["soc"].sel(storage=s).values[-1]) for s in before["storage"].values}
        comparison, _ = compare(park, forecast, rolling, first, last, soc)
        out.append(comparison)
        first = last + dt.timedelta(days=1)
    return out
