"""Intraday re-dispatch: keep what has happened, re-optimise the rest of the day.

Steps before ``from_time`` are fixed to the day-ahead plan. The remaining
steps are dispatched again (same LP, :func:`market.dispatch.run_dispatch`)
on a :class:`DispatchInputs` slice taken from the day-ahead result itself
(its ``available_generation`` and ``load``), with:

* storage starting from the measured SOC (``soc``) or, when not given, the
  planned SOC at ``from_time``; its terminal target is the day-ahead plan's
  end-of-day SOC (as far as it can still be reached), so the re-dispatch does
  not empty the battery at tomorrow's expense;
* an outaged **asset**: generator availability zero; storage power zero
  (held at its SOC);
* an outaged **feeder** (opened breaker): its generators and storage are out
  as above and its participants' loads are not supplied (load zero in the
  remaining steps; the energy not served is reported, ``unserved_kwh``) -
  the feeder is de-energised, so nothing on it can trade or import.

The remaining window's demand charge is the LP's usual daily share scaled to
the window (the morning's peak is not known to it: a documented approximation).
Trades of the remaining steps are re-priced under the day-ahead pricing rule.
The spliced Dataset has the dispatch contract plus ``redispatch_from``,
``outages`` and ``unserved_kwh`` attributes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from market.dispatch.inputs import DispatchInputs
from market.dispatch.run import run_dispatch
from market.dispatch.trades import TRADE_PAIR, join_pairs, select_steps
from microgrid.errors import EngineInputError
from microgrid.park import Park


@dataclass
class Redispatch:
    """A re-dispatched day.

    Attributes
    ----------
    dataset : xarray.Dataset
        Fixed past + re-optimised rest (dispatch result contract).
    from_time : pandas.Timestamp
    outages : list of str
    initial_soc_kwh : dict
        SOC the rest of the day started from [kWh].
    unserved_kwh : float
        Load of outaged feeders not supplied [kWh].
    """

    dataset: xr.Dataset
    from_time: pd.Timestamp
    outages: list[str] = field(default_factory=list)
    initial_soc_kwh: dict[str, float] = field(default_factory=dict)
    unserved_kwh: float = 0.0


def _from_step(time: pd.DatetimeIndex, from_time: pd.Timestamp) -> int:
    if from_time.tzinfo is None:
        from_time = from_time.tz_localize(time.tz)
    matches = np.flatnonzero(time == from_time)
    if not len(matches):
        raise EngineInputError(f"--from = {from_time:%Y-%m-%d %H:%M}: not a step start of the day "
                               f"({time[0]:%H:%M}..{time[-1]:%H:%M} every {(time[1] - time[0]).seconds // 60} min)")
    step = int(matches[0])
    if len(time) - step < 2:
        raise EngineInputError(f"--from = {from_time:%H:%M}: the re-dispatch needs at least two remaining steps")
    return step


def redispatch(park: Park, day_ahead: xr.Dataset, from_time: pd.Timestamp, *, outages: list[str] | None = None,
               soc_kwh: dict[str, float] | None = None) -> Redispatch:
    """Re-dispatch the rest of a day from ``from_time``.

    Parameters
    ----------
    park : Park
    day_ahead : xarray.Dataset
        The day-ahead dispatch result.
    from_time : pandas.Timestamp
        First step to re-optimise (a step start; naive = park time).
    outages : list of str
        Asset or feeder names out of service from ``from_time``.
    soc_kwh : dict
        Storage -> measured SOC at ``from_time`` [kWh].

    Returns
    -------
    Redispatch

    Raises
    ------
    EngineInputError
        Unknown outage or storage name, a ``from_time`` that is not a step.
    DispatchInfeasibleError
        When the rest of the day cannot be balanced.
    """
    outages = list(outages or [])
    soc_kwh = dict(soc_kwh or {})
    time = pd.DatetimeIndex(day_ahead.indexes["time"])
    step = _from_step(time, pd.Timestamp(from_time))
    hours = float(day_ahead.attrs.get("step_hours", 1.0))
    feeders = {f.name for f in park.network.feeders}
    assets = {a.name: a for a in park.assets}
    for name in outages:
        if name not in feeders and name not in assets:
            raise EngineInputError(f"--outage = {name!r}: not an asset or feeder of park {park.name!r}")
    storages = {a.name: a for a in park.assets_of_role("storage")}
    for name in soc_kwh:
        if name not in storages:
            raise EngineInputError(f"--soc {name}=...: not a storage unit; expected one of {sorted(storages)}")
    out_feeders = {name for name in outages if name in feeders}
    out_assets = {name for name in outages if name in assets} | {
        a.name for a in park.assets if a.feeder in out_feeders}

    rest = time[step:]
    available = day_ahead["available_generation"].isel(time=slice(step, None)).copy()
    for name in out_assets & set(available["asset"].values.tolist()):
        available.loc[{"asset": name}] = 0.0
    load = day_ahead["load"].isel(time=slice(step, None)).copy()
    unserved = 0.0
    for participant in park.participants:
        if participant.feeder in out_feeders:
            unserved += float(load.sel(participant=participant.name).sum())
            load.loc[{"participant": participant.name}] = 0.0

    planned_soc = day_ahead["soc"]
    initial = {}
    assets_now = []
    for asset in park.assets:
        if asset.name in storages:
            if asset.name in soc_kwh:
                start = float(soc_kwh[asset.name])
            elif step > 0:
                start = float(planned_soc.sel(storage=asset.name).isel(time=step - 1))
            else:
                start = asset.initial_soc_kwh
            initial[asset.name] = start
            end_plan = float(planned_soc.sel(storage=asset.name).isel(time=-1))
            reachable = start + len(rest) * asset.power_kw * hours * asset.charge_efficiency
            target = min(end_plan, reachable, asset.soc_max_kwh)
            update = {"terminal_soc_rule": "target",
                      "terminal_soc_fraction": max(target, 0.0) / asset.energy_capacity_kwh}
            if asset.name in out_assets:  # held at its SOC: no power, no terminal requirement
                update = {"power_kw": 0.0, "terminal_soc_rule": "free"}
            asset = asset.model_copy(update=update)
        assets_now.append(asset)
    rest_park = park.model_copy(update={"assets": assets_now})
    inputs = DispatchInputs(time=rest, available_generation=available, load=load, initial_soc_kwh=initial)
    result = run_dispatch(rest_park, inputs, pricing_rule=str(day_ahead.attrs.get("pricing_rule")) or None)
    dataset = splice(day_ahead, result.dataset, step)
    dataset.attrs.update({
        "redispatch_from": f"{time[step]:%Y-%m-%dT%H:%M}", "outages": json.dumps(outages),
        "unserved_kwh": unserved, "redispatch_initial_soc_kwh": json.dumps(initial),
        "solver_status": result.dataset.attrs.get("solver_status"),
    })
    return Redispatch(dataset, time[step], outages, initial, unserved)


def splice(day_ahead: xr.Dataset, rest: xr.Dataset, step: int) -> xr.Dataset:
    """The day-ahead steps before ``step`` followed by ``rest`` (same variables and labels).

    Trades (sparse pairs, :mod:`market.dispatch.trades`): the day-ahead pairs of the past steps, then rest's.
    """
    past = day_ahead.isel(time=slice(0, step))
    variables = {}
    for name, variable in day_ahead.data_vars.items():
        if TRADE_PAIR in variable.dims:
            continue
        if "time" not in variable.dims:
            variables[name] = variable
            continue
        later = rest[name].reindex_like(variable.isel(time=slice(step, None)), fill_value=0.0)
        variables[name] = xr.concat([past[name], later.transpose(*variable.dims)], dim="time")
        variables[name].attrs = dict(variable.attrs)
    coords = {k: v for k, v in day_ahead.coords.items() if "time" not in v.dims and TRADE_PAIR not in v.dims}
    spliced = xr.Dataset(variables, coords=coords)
    spliced = spliced.assign_coords(time=day_ahead["time"])
    pairs = join_pairs(select_steps(day_ahead, 0, step), rest)
    spliced = spliced.assign({name: pairs[name] for name in pairs.data_vars}).assign_coords(
        {name: pairs[name] for name in pairs.coords})
    # The day-ahead's order of variables; every coordinate kept (seller and buyer label no variable now).
    spliced = xr.Dataset({name: spliced[name] for name in day_ahead.data_vars}, coords=spliced.coords)
    spliced.attrs = dict(day_ahead.attrs)
    return spliced
