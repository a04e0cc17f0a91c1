"""Settling one day of the day-ahead dispatch on the ledger.

Per day (one ledger settlement ``day:YYYY-MM-DD``, written in one transaction):

* direct trades: the buyer pays the seller trade x trade price and pays the
  platform fee (trade x ``trade_fee_krw_per_kwh``) to ``park:operator_fees``;
  storage charge/discharge are the owner's purchases/sales in the dataset
  and are settled like any other trade;
* KEPCO energy bill of each participant's imports
  (:func:`market.settlement.kepco.energy_bill`): energy by band, climate and
  fuel-cost adders, power-industry fund, VAT, paid to ``park:kepco``;
* exports: SMP x export from ``park:grid_export_buyer``, plus the REC value
  on the REC-eligible export where the seller holds the certificates and the
  park sells them (:func:`market.settlement.kepco.rec_price_on_export` and
  :func:`~market.settlement.kepco.rec_eligible_kwh`: the rule the dispatch
  LP values exports by, so both agree);
* imbalance when metered data are given (:mod:`market.settlement.imbalance`).

Every participant's entries are summed per (kind, detail) and rounded half
to even; the remainder goes to ``park:rounding``. The monthly basic charge
is settled by :func:`market.settlement.monthly.settle_basic_charge`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from market.ledger import Leg, Ledger, LedgerEntry
from market.ledger.vocabulary import KEPCO_ENERGY_ADDERS, LegKind, SettlementKind
from market.re100.attribution import attribute_origins
from market.settlement import accounts
from market.settlement.config import SettlementRules, rules_for
from market.settlement.imbalance import imbalance, metered_dataset
from market.settlement.kepco import energy_bill, peak_demand_kw, rec_eligible_kwh, rec_price_on_export
from market.settlement.metered import Metered
from market.settlement.sources import day_sources
from microgrid.errors import EngineInputError
from microgrid.park import Park
from microgrid.tariffs import BANDS, load_tariff, tariff_day

REQUIRED = ("load", "grid_import", "grid_export", "sold", "bought", "trade", "trade_price", "export_price",
            "import_price", "asset_generation", "asset_renewable", "charge", "discharge", "soc")


@dataclass(frozen=True)
class DayLegs:
    """Exact legs of a day and its per-participant statistics.

    Attributes
    ----------
    day : datetime.date
    legs : list of Leg
    stats : list of dict
        Rows for ``ledger_day_stats``.
    """

    day: dt.date
    legs: list[Leg]
    stats: list[dict]


@dataclass(frozen=True)
class DaySettlement:
    """A settled day: its key, the entries written [KRW] and the statistics."""

    key: str
    day: dt.date
    entries: list[LedgerEntry]
    stats: pd.DataFrame


def day_key(day: dt.date) -> str:
    """Ledger key of a day's settlement."""
    return SettlementKind.DAY.key(day.isoformat())


def check_dataset(park: Park, dataset: xr.Dataset) -> dt.date:
    """Refuse a dispatch Dataset that cannot be settled (one-line EngineInputError)."""
    missing = [name for name in REQUIRED if name not in dataset.variables]
    if missing:
        raise EngineInputError(f"dispatch result: variable {missing[0]!r} is missing")
    if "date" not in dataset.attrs or "trade_fee_krw_per_kwh" not in dataset.attrs:
        raise EngineInputError("dispatch result: attributes 'date' and 'trade_fee_krw_per_kwh' are required")
    known = {p.name for p in park.participants}
    for name in dataset["participant"].values:
        if str(name) not in known:
            raise EngineInputError(f"dispatch result: participant {str(name)!r} is not in park {park.name!r}")
    for name in REQUIRED:
        values = np.asarray(dataset[name].values, dtype=float)
        if not np.isfinite(values).all():
            raise EngineInputError(f"dispatch result: {name} has non-finite values")
        if name not in ("trade_price",) and (values < -1e-6).any():
            raise EngineInputError(f"dispatch result: {name} has negative values")
    try:
        return dt.date.fromisoformat(str(dataset.attrs["date"]))
    except ValueError:
        raise EngineInputError(f"dispatch result: date = {dataset.attrs['date']!r}: expected YYYY-MM-DD") from None


def renewable_generation_kwh(dataset: xr.Dataset, participants: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(time, participant) scheduled PV and wind generation of each owner and its renewable surplus
    (available PV and wind less load, at least 0) [kWh]: what :func:`rec_eligible_kwh` takes."""
    generation = np.zeros((dataset.sizes["time"], len(participants)))
    available = np.zeros_like(generation)
    position = {name: index for index, name in enumerate(participants)}
    scheduled = dataset["asset_generation"].transpose("time", "asset").values
    # a dispatch result carries what could have been generated; a Dataset without it, what was
    could = (dataset["available_generation"].transpose("time", "asset").values
             if "available_generation" in dataset else scheduled)
    renewable = np.asarray(dataset["asset_renewable"].values, dtype=bool)
    for column, owner in enumerate(dataset["asset_owner"].values):
        if renewable[column]:
            generation[:, position[str(owner)]] += scheduled[:, column]
            available[:, position[str(owner)]] += could[:, column]
    load = dataset["load"].transpose("time", "participant").values
    return generation, np.maximum(available - load, 0.0)


def day_legs(park: Park, dataset: xr.Dataset, rules: SettlementRules | None = None,
             metered: Metered | None = None) -> DayLegs:
    """Exact legs and statistics of one day (nothing is written).

    Parameters
    ----------
    park : Park
    dataset : xarray.Dataset
        Day-ahead dispatch result.
    rules : SettlementRules, optional
        Default: :func:`market.settlement.rules_for` of ``park``.
    metered : Metered, optional
        Metered load and generation; the difference is settled as imbalance.
    """
    rules = rules or rules_for(park)
    day = check_dataset(park, dataset)
    time = pd.DatetimeIndex(dataset.indexes["time"])
    step_hours = float(dataset.attrs.get("step_hours", (time[1] - time[0]) / pd.Timedelta(hours=1)))
    participants = [str(p) for p in dataset["participant"].values]
    sellers = [str(s) for s in dataset["seller"].values]
    buyers = [str(b) for b in dataset["buyer"].values]
    fee = float(dataset.attrs["trade_fee_krw_per_kwh"])
    legs: list[Leg] = []
    cash = {p: accounts.cash(p) for p in participants}

    trade = dataset["trade"].transpose("time", "seller", "buyer").values
    price = dataset["trade_price"].transpose("time", "seller", "buyer").values
    energy = trade.sum(axis=0)
    paid = (trade * price).sum(axis=0)
    for s, b in zip(*np.nonzero(energy > 0)):  # row-major: the order of the loops over sellers, then buyers
        seller, buyer = sellers[s], buyers[b]
        legs += [Leg(cash[buyer], LegKind.TRADE_PURCHASE, seller, -paid[s, b], energy[s, b]),
                 Leg(cash[seller], LegKind.TRADE_SALE, buyer, paid[s, b], energy[s, b])]
        if fee:
            legs += [Leg(cash[buyer], LegKind.TRADE_FEE, "", -energy[s, b] * fee, energy[s, b]),
                     Leg(accounts.OPERATOR_FEES, LegKind.TRADE_FEE, buyer, energy[s, b] * fee, energy[s, b])]
    # Amounts of each account's trade legs, in order: a participant's net cost adds its own legs to these.
    trade_amounts: dict[str, list[float]] = {}
    for leg in legs:
        trade_amounts.setdefault(leg.account, []).append(leg.amount)

    physical = metered_dataset(dataset, metered) if metered is not None else dataset
    origins = attribute_origins(physical, rec_retained_on_export=rules.rec_retained_on_export)
    export_price = dataset["export_price"].values
    scheduled_import = dataset["grid_import"].values
    scheduled_export = dataset["grid_export"].values
    renewable_generation, renewable_surplus = renewable_generation_kwh(dataset, participants)
    balance = imbalance(dataset, metered) if metered is not None else None
    physical_load, physical_import = physical["load"].values, physical["grid_import"].values
    physical_export = physical["grid_export"].values
    bought, sold = dataset["bought"].values, dataset["sold"].values
    origin_values = {var: origins[var].values for var in origins.data_vars}
    import_price = dataset["import_price"].transpose("time", "participant").values
    calendars: dict[str, tuple] = {}  # tariff -> (bands, energy rates, demand-charge mask) of the day's steps
    stats = []
    for position, name in enumerate(participants):
        own_legs_from = len(legs)
        tariff = load_tariff(park.participant(name).tariff, tariff_day(time))
        if tariff.name not in calendars:
            bands = tariff.bands(time)
            calendars[tariff.name] = (bands, tariff.energy_rate(time), bands != "light")
        bands, rates, applies = calendars[tariff.name]
        bill = energy_bill(tariff, time, scheduled_import[:, position], bands=bands, rates=rates)
        for band in BANDS:
            if bill.kwh_by_band[band]:
                legs.append(Leg(cash[name], LegKind.KEPCO_ENERGY, band, -bill.energy_krw_by_band[band],
                                bill.kwh_by_band[band]))
        for kind, amount in ((LegKind.KEPCO_CLIMATE, bill.climate_krw), (LegKind.KEPCO_FUEL, bill.fuel_krw),
                             (LegKind.KEPCO_FUND, bill.fund_krw), (LegKind.KEPCO_VAT, bill.vat_krw)):
            if amount:
                legs.append(Leg(cash[name], kind, "", -amount, bill.kwh if kind in KEPCO_ENERGY_ADDERS
                                else None))
        if bill.total_krw:
            legs.append(Leg(accounts.KEPCO, LegKind.KEPCO_BILL, "", bill.total_krw, bill.kwh))
        exported = float(scheduled_export[:, position].sum())
        if exported:
            smp = float((scheduled_export[:, position] * export_price).sum())
            legs += [Leg(cash[name], LegKind.EXPORT_SMP, "", smp, exported),
                     Leg(accounts.GRID_EXPORT_BUYER, LegKind.EXPORT_SMP, name, -smp, exported)]
            rec_price = rec_price_on_export(rules.rec_price_krw_per_kwh, rules.rec_retained_on_export,
                                            park.participant(name).holds_recs)
            rec_kwh = float(rec_eligible_kwh(scheduled_export[:, position], renewable_generation[:, position],
                                             renewable_surplus[:, position]).sum())
            if rec_kwh > 0 and rec_price > 0:
                rec = rec_kwh * rec_price
                legs += [Leg(cash[name], LegKind.EXPORT_REC, "", rec, rec_kwh),
                         Leg(accounts.GRID_EXPORT_BUYER, LegKind.EXPORT_REC, name, -rec, rec_kwh)]
        if balance is not None:
            short = balance.short_kwh[:, position]
            long = balance.long_kwh[:, position]
            if short.sum() > 0:
                amount = float((short * balance.short_price[:, position]).sum())
                legs += [Leg(cash[name], LegKind.IMBALANCE_SHORT, "", -amount, float(short.sum())),
                         Leg(accounts.KEPCO, LegKind.IMBALANCE_SHORT, name, amount, float(short.sum()))]
            if long.sum() > 0:
                amount = float((long * balance.long_price[:, position]).sum())
                legs += [Leg(cash[name], LegKind.IMBALANCE_LONG, "", amount, float(long.sum())),
                         Leg(accounts.GRID_EXPORT_BUYER, LegKind.IMBALANCE_LONG, name, -amount, float(long.sum()))]
        load = physical_load[:, position]
        grid_only = energy_bill(tariff, time, load, bands=bands, rates=rates).total_krw
        net_cost = -sum(trade_amounts.get(cash[name], []) +
                        [leg.amount for leg in legs[own_legs_from:] if leg.account == cash[name]])
        column = {var: float(values[:, position].sum()) for var, values in origin_values.items()}
        stats.append({
            "participant": name,
            "day": day,
            "load_kwh": float(load.sum()),
            "grid_import_kwh": float(physical_import[:, position].sum()),
            "grid_export_kwh": float(physical_export[:, position].sum()),
            "bought_kwh": float(bought[:, position].sum()),
            "sold_kwh": float(sold[:, position].sum()),
            "peak_demand_kw": peak_demand_kw(tariff, time, physical_import[:, position], step_hours,
                                             applies=applies),
            "grid_only_bill_krw": grid_only,
            "net_cost_krw": net_cost,
            "renewable_own_kwh": column["renewable_own"],
            "renewable_bought_kwh": column["renewable_bought"],
            "renewable_storage_kwh": column["renewable_storage"],
            "nonrenewable_onsite_kwh": column["nonrenewable_onsite"],
            "renewable_claimed_kwh": column["claimed"],
            "hourly_matched_kwh": column["matched"],
            # the sunlight fund's base (market.figures.trading_surplus, here from the day's own trade legs):
            # the grid alternative of what it bought and sold, plus what the trades paid and earned it
            "trading_surplus_krw": float((bought[:, position] * import_price[:, position]).sum()
                                         - (sold[:, position] * export_price).sum()
                                         + sum(trade_amounts.get(cash[name], []))),
        })
    return DayLegs(day, legs, stats)


def settle_day(ledger: Ledger, park: Park, dataset: xr.Dataset, rules: SettlementRules | None = None,
               metered: Metered | None = None, meta: dict | None = None,
               reason: str | None = None) -> DaySettlement:
    """Settle one dispatch day on ``ledger``: its first version, nothing when unchanged, or a
    reversal of the earlier version and a new one (:meth:`market.ledger.Ledger.post_settlement`).

    Everything is computed before the database is touched; the write is one
    transaction, so bad input or a crash leaves the ledger as it was.

    Parameters
    ----------
    meta : dict, optional
        Extra JSON-serialisable items stored with the settlement (a batch
        records its scenario and the day's objective there). Its ``inputs``
        items (e.g. the dispatch file's hash) join the computed ones
        (:func:`market.settlement.sources.day_sources`).
    reason : str, optional
        Why the day is settled again (default: which inputs changed).

    Returns
    -------
    DaySettlement
    """
    rules = rules or rules_for(park)
    built = day_legs(park, dataset, rules, metered)
    inputs = {**day_sources(park, built.day, dataset, rules, metered), **(meta or {}).get("inputs", {})}
    meta = {**(meta or {}), "inputs": inputs, "pricing_rule": dataset.attrs.get("pricing_rule"), "metered": metered is not None,
            "trade_fee_krw_per_kwh": float(dataset.attrs["trade_fee_krw_per_kwh"]),
            "solver_status": dataset.attrs.get("solver_status")}
    key = day_key(built.day)
    entries = ledger.post_settlement(key, SettlementKind.DAY, built.day, built.day, park.name, built.legs,
                                     built.stats, meta, reason)
    return DaySettlement(key, built.day, entries, pd.DataFrame(built.stats))
