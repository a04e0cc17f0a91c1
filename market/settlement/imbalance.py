"""Day-ahead schedule against metered energy: imbalance quantities and prices.

Trades stand as scheduled (firm day-ahead contracts). Each participant's
deviation in a step is d = (metered generation - scheduled generation) -
(metered load - scheduled load) [kWh]:

* d < 0 (short: a seller delivered less than planned, or a participant
  consumed more): the gap |d| is bought from KEPCO at the grid price. For a
  participant that sold in that step it is its buyers' import price
  (trade-weighted), otherwise its own import price. Prices are the
  dispatch's marginal import price (energy rate + adders + fund) [KRW/kWh];
  VAT on imbalances is left out, as it is recoverable input tax.
* d > 0 (long: less load or more generation): |d| is sold back to the grid
  at the export price (SMP) [KRW/kWh].

:func:`metered_dataset` gives the schedule with the metered load and
generation and the grid flows changed by the deviation, for RE100 and peak
demand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from market.dispatch.trades import trade_pairs
from market.settlement.metered import Metered


@dataclass(frozen=True)
class Imbalance:
    """Per step and participant deviation [kWh] and its prices [KRW/kWh].

    Attributes
    ----------
    short_kwh, long_kwh : numpy.ndarray
        (time, participant) energy short / long of schedule [kWh].
    short_price, long_price : numpy.ndarray
        (time, participant) price of short and long energy [KRW/kWh].
    """

    short_kwh: np.ndarray
    long_kwh: np.ndarray
    short_price: np.ndarray
    long_price: np.ndarray


def _owner_sum(values: np.ndarray, owners: list[str], participants: list[str]) -> np.ndarray:
    result = np.zeros((values.shape[0], len(participants)))
    for column, owner in enumerate(owners):
        result[:, participants.index(owner)] += values[:, column]
    return result


def deviation_kwh(dataset: xr.Dataset, metered: Metered) -> np.ndarray:
    """(time, participant) deviation d [kWh]: positive long, negative short."""
    participants = [str(p) for p in dataset["participant"].values]
    owners = [str(o) for o in dataset["asset_owner"].values]
    generation_change = _owner_sum(
        metered.asset_generation.transpose("time", "asset").values - dataset["asset_generation"].values,
        owners, participants)
    load_change = metered.load.transpose("time", "participant").values - dataset["load"].values
    return generation_change - load_change


def imbalance(dataset: xr.Dataset, metered: Metered) -> Imbalance:
    """Imbalance quantities and prices of a day (rules in the module docstring)."""
    d = deviation_kwh(dataset, metered)
    participants = [str(p) for p in dataset["participant"].values]
    import_price = dataset["import_price"].values
    # A seller short in a step pays its buyers' average grid price, weighted by what each bought from it.
    pairs = trade_pairs(dataset)
    sold_to = np.zeros(d.shape)  # (time, participant) sold in trades
    weighted = np.zeros(d.shape)
    np.add.at(sold_to, (pairs.step, pairs.seller), pairs.kwh)
    np.add.at(weighted, (pairs.step, pairs.seller), pairs.kwh * import_price[pairs.step, pairs.buyer])
    short_price = import_price.copy()
    sold = sold_to > 1e-9
    short_price[sold] = weighted[sold] / sold_to[sold]
    long_price = np.broadcast_to(dataset["export_price"].values[:, None], d.shape).copy()
    return Imbalance(np.maximum(-d, 0.0), np.maximum(d, 0.0), short_price, long_price)


def metered_dataset(dataset: xr.Dataset, metered: Metered) -> xr.Dataset:
    """The schedule with metered load/generation; grid flows absorb the deviation."""
    d = deviation_kwh(dataset, metered)
    participants = [str(p) for p in dataset["participant"].values]
    owners = [str(o) for o in dataset["asset_owner"].values]
    grid_import = dataset["grid_import"].values
    grid_export = dataset["grid_export"].values
    less_import = np.minimum(np.maximum(d, 0.0), grid_import)
    less_export = np.minimum(np.maximum(-d, 0.0), grid_export)
    new_import = grid_import - less_import + np.maximum(-d, 0.0) - less_export
    new_export = grid_export - less_export + np.maximum(d, 0.0) - less_import
    result = dataset.copy()
    result["load"] = (("time", "participant"), metered.load.transpose("time", "participant").values,
                      dataset["load"].attrs)
    asset_generation = metered.asset_generation.transpose("time", "asset").values
    result["asset_generation"] = (("time", "asset"), asset_generation, dataset["asset_generation"].attrs)
    result["generation"] = (("time", "participant"), _owner_sum(asset_generation, owners, participants),
                            dataset["generation"].attrs)
    result["grid_import"] = (("time", "participant"), new_import, dataset["grid_import"].attrs)
    result["grid_export"] = (("time", "participant"), new_export, dataset["grid_export"].attrs)
    result.attrs["metered"] = 1
    return result
