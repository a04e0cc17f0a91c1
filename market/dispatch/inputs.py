"""What one dispatch window needs, as labelled arrays and plain numbers.

:class:`DispatchInputs` is the seam between forecasting and optimisation:
whatever produces tomorrow's profiles (simple profiles, weather-driven
forecasts, metered data) hands the optimiser available generation per
asset and load per participant, in kWh per step, on a tz-aware index of
interval starts. It is defined in :mod:`microgrid.inputs` (below market,
so forecasts need not import the optimiser) and re-exported here. :func:`build_dispatch_data` turns them, with the park's
tariffs and rules, into the numeric arrays the Pyomo builders read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import xarray as xr

from market.dispatch.orders import NO_ORDERS, OrderData, order_data
from microgrid.errors import EngineInputError
from microgrid.inputs import DispatchInputs
from microgrid.park import Park
from microgrid.tariffs import load_export_price, load_tariff, tariff_day
from market.settlement.kepco import billing_demand_kw, demand_charge_krw_per_kw, rec_price_on_export

#: Monthly peak demand per participant: participant -> ``"YYYY-MM"`` -> peak in mid/peak hours [kW].
MonthlyPeaks = Mapping[str, Mapping[str, float]]


@dataclass(frozen=True)
class DispatchData:
    """Numeric arrays of one window, in the positional order the builders use.

    Energies are [kWh per step], powers [kW], prices [KRW/kWh], rows are
    time steps. Names map positions back to labels for the results.
    """

    park: Park
    time: pd.DatetimeIndex
    step_hours: float
    participants: list[str]
    participant_feeder: np.ndarray  # position of each participant's feeder
    feeders: list[str]
    generators: list[str]
    generator_owner: np.ndarray
    generator_feeder: np.ndarray
    generator_renewable: np.ndarray
    storages: list[str]
    storage_owner: np.ndarray
    storage_feeder: np.ndarray
    load_kwh: np.ndarray  # (time, participant)
    available_kwh: np.ndarray  # (time, generator)
    min_generation_kwh: np.ndarray  # (time, generator) must-run floor, at most the availability
    generation_cost_krw_per_kwh: np.ndarray  # (time, generator) marginal cost of generating
    import_price: np.ndarray  # (time, participant) marginal import price
    export_price: np.ndarray  # (time,)
    demand_charge_hours: np.ndarray  # (time, participant) bool
    demand_charge_krw_per_kw: np.ndarray  # (participant,) cost of a kW of peak above the billing floor [KRW/kW]
    may_buy: np.ndarray  # (time, participant) bool: a trade can beat the grid
    initial_soc_kwh: np.ndarray  # (storage,)
    storage_wear_krw_per_kwh: np.ndarray  # (storage,)
    pricing_rule: str = "shared_savings"
    orders: OrderData = NO_ORDERS  # the day's order book in per-step numbers (market.dispatch.orders)
    #: (participant,) billing demand already set in the 12-month window [kW]: a peak up to it costs nothing.
    billing_floor_kw: np.ndarray | None = None
    #: (participant,) REC value an export earns on top of ``export_price`` per REC-eligible kWh [KRW/kWh].
    export_rec_krw_per_kwh: np.ndarray | None = None
    #: (time, participant) available PV and wind less load, at least 0 [kWh]: the most an export's REC covers.
    renewable_surplus_kwh: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.billing_floor_kw is None:  # a window built without floors: the park file's
            object.__setattr__(self, "billing_floor_kw", billing_floors_kw(self.park, tariff_day(self.time)))
        if self.export_rec_krw_per_kwh is None:
            object.__setattr__(self, "export_rec_krw_per_kwh", export_rec_prices(self.park))
        if self.renewable_surplus_kwh is None:
            object.__setattr__(self, "renewable_surplus_kwh", renewable_surplus(self))


def _check_index(time: pd.DatetimeIndex) -> None:
    if time.tz is None:
        raise EngineInputError("time: index must be tz-aware (interval starts); got naive timestamps")
    steps = np.diff(time.asi8)
    if len(steps) and (steps <= 0).any():
        raise EngineInputError("time: index must be strictly increasing")
    if len(steps) and (steps != steps[0]).any():
        raise EngineInputError("time: steps must be evenly spaced")


def _aligned(array: xr.DataArray, dim: str, labels: list[str], what: str, time: pd.DatetimeIndex) -> np.ndarray:
    if not labels:
        return np.zeros((len(time), 0))
    present = set(array[dim].values.tolist())
    missing = [label for label in labels if label not in present]
    if missing:
        raise EngineInputError(f"{what}: no profile for {dim} {missing[0]!r}")
    values = array.sel({dim: labels}).transpose("time", dim).values.astype(float)
    if values.shape[0] != len(time):
        raise EngineInputError(f"{what}: {values.shape[0]} steps, expected {len(time)}")
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        row, column = np.argwhere(bad)[0]
        raise EngineInputError(
            f"{what}: value {values[row, column]!r} for {labels[column]!r} at {time[row]}: "
            "expected a finite energy >= 0 kWh"
        )
    return values


def _demand_charge_rate(park: Park, day) -> np.ndarray:
    """Each participant's cost of one kW of peak import above its billing floor on ``day`` [KRW/kW].

    :func:`market.settlement.kepco.demand_charge_krw_per_kw` (basic charge x
    (1 + fund) x the months the increase is billed: 12 for a peak in
    July-September or December-February, else 1) times the park's
    ``demand_charge_weight`` (1 by default). The window's length does not
    matter: the billing demand is a maximum, so a look-ahead window's peak
    costs the same as a day's.
    """
    month = f"{day:%Y-%m}"
    rate = np.empty(len(park.participants))
    for position, participant in enumerate(park.participants):
        tariff = load_tariff(participant.tariff, day)
        rate[position] = demand_charge_krw_per_kw(tariff, month) * park.market.demand_charge_weight
    return rate


def renewable_surplus(data: DispatchData) -> np.ndarray:
    """(time, participant) each participant's available PV and wind less its load, at least 0 [kWh].

    The most of its export that can carry a REC
    (:func:`market.settlement.kepco.rec_eligible_kwh`).
    """
    renewable = np.zeros_like(data.load_kwh)
    for column, owner in enumerate(data.generator_owner):
        if data.generator_renewable[column]:
            renewable[:, owner] += data.available_kwh[:, column]
    return np.maximum(renewable - data.load_kwh, 0.0)


def export_rec_prices(park: Park) -> np.ndarray:
    """(participant,) REC value of a participant's REC-eligible export [KRW/kWh]
    (:func:`market.settlement.kepco.rec_price_on_export`, the rule settlement pays by)."""
    terms = park.settlement
    return np.array([rec_price_on_export(terms.rec_price_krw_per_kwh, terms.rec_retained_on_export,
                                         participant.holds_recs) for participant in park.participants], dtype=float)


def billing_floors_kw(park: Park, day, monthly_peak_kw: MonthlyPeaks | None = None) -> np.ndarray:
    """(participant,) billing demand already set for ``day``'s month [kW]: the dispatch's demand floor.

    KEPCO's rule (:func:`market.settlement.kepco.billing_demand_kw`, the
    function settlement bills with) over the peaks of the days before
    ``day``: ``monthly_peak_kw`` (from the ledger, or carried by a batch);
    without them, or for a participant they lack, the park file's
    ``billing_demand_kw`` (else 30 % of contract power) is the floor.

    Parameters
    ----------
    park : Park
    day : datetime.date
    monthly_peak_kw : mapping, optional
        Participant -> ``"YYYY-MM"`` -> peak demand in mid/peak hours [kW] of
        the days settled (or dispatched) before ``day``.
    """
    month = f"{day:%Y-%m}"
    peaks = monthly_peak_kw or {}
    floors = np.empty(len(park.participants))
    for position, participant in enumerate(park.participants):
        tariff = load_tariff(participant.tariff, day)
        floors[position] = billing_demand_kw(peaks.get(participant.name, {}), month, participant.contract_power_kw,
                                             tariff.billing_demand_floor_fraction, participant.billing_demand_kw)
    return floors


def monthly_peaks_kw(park: Park, time: pd.DatetimeIndex, grid_import_kwh: np.ndarray, step_hours: float,
                     into: dict[str, dict[str, float]] | None = None) -> dict[str, dict[str, float]]:
    """Each participant's peak import power in its mid/peak steps, per month [kW], added to ``into``.

    What a batch carries from day to day (and rebuilds from its checkpoints)
    to set the next day's billing floors (:func:`billing_floors_kw`), as
    settlement takes the months' peaks from the ledger's settled days.

    Parameters
    ----------
    park : Park
    time : pandas.DatetimeIndex
        Interval starts (tz-aware) of ``grid_import_kwh``'s rows.
    grid_import_kwh : numpy.ndarray
        (time, participant) imports [kWh per step], participants in park order.
    step_hours : float
    into : dict, optional
        Participant -> ``"YYYY-MM"`` -> peak [kW], updated in place (a month's peak only rises).
    """
    peaks = {} if into is None else into
    time = pd.DatetimeIndex(time)
    months = np.asarray(time.strftime("%Y-%m"))
    grid_import_kwh = np.asarray(grid_import_kwh, dtype=float)
    for month in dict.fromkeys(months.tolist()):
        steps = months == month
        when = time[steps]
        for position, participant in enumerate(park.participants):
            applies = load_tariff(participant.tariff, tariff_day(when)).demand_charge_applies(when)
            values = grid_import_kwh[steps, position][applies]
            if len(values):
                known = peaks.setdefault(participant.name, {})
                known[month] = max(known.get(month, 0.0), float(values.max()) / step_hours)
    return peaks


def _initial_soc(storages, given_kwh: dict[str, float]) -> np.ndarray:
    """Each storage's SOC at the window's start [kWh], checked against its limits."""
    initial_soc = []
    for storage in storages:
        given = given_kwh.get(storage.name)
        low, high = storage.soc_min_kwh, storage.soc_max_kwh
        value = storage.initial_soc_kwh if given is None else float(given)
        if not low - 1e-6 <= value <= high + 1e-6:
            raise EngineInputError(
                f"initial_soc_kwh[{storage.name!r}] = {value}: expected within [{low}, {high}] kWh"
            )
        initial_soc.append(min(max(value, low), high))
    return np.array(initial_soc, dtype=float)


def _minimum_output(generators, available_kwh: np.ndarray, step_hours: float) -> np.ndarray:
    """(time, generator) must-run floor of each generator, at most its availability [kWh per step]."""
    floor = np.zeros_like(available_kwh)
    for position, generator in enumerate(generators):
        floor[:, position] = generator.minimum_output_kwh(available_kwh[:, position], step_hours)
    return np.minimum(floor, available_kwh)


def _generation_cost(generators, time: pd.DatetimeIndex) -> np.ndarray:
    """(time, generator) marginal cost of each generator [KRW/kWh]."""
    cost = np.zeros((len(time), len(generators)))
    for position, generator in enumerate(generators):
        cost[:, position] = generator.marginal_cost_krw_per_kwh(time)
    if not np.isfinite(cost).all() or (cost < 0).any():
        raise EngineInputError("generation cost: expected finite marginal costs >= 0 KRW/kWh")
    return cost


#: Fields of :class:`DispatchData` that run along time (first axis).
TIME_FIELDS = ("time", "load_kwh", "available_kwh", "min_generation_kwh", "generation_cost_krw_per_kwh", "import_price", "export_price", "demand_charge_hours", "may_buy", "renewable_surplus_kwh")


def sub_window(data: DispatchData, steps: slice, initial_soc_kwh: dict[str, float],
               monthly_peak_kw: MonthlyPeaks | None = None) -> DispatchData:
    """The data of a sub-window of ``data`` (e.g. one day of a year), starting from ``initial_soc_kwh``.

    Equal to :func:`build_dispatch_data` on the sub-window's inputs (tested),
    without recomputing tariffs and prices: a rolling year builds the year's
    data once and slices it per day. ``monthly_peak_kw``: the peaks of the
    days before (a batch carries them), for the billing floor (:func:`billing_floors_kw`).
    """
    sliced = {name: getattr(data, name)[steps] for name in TIME_FIELDS}
    storages = data.park.assets_of_role("storage")
    day = tariff_day(sliced["time"])  # the index, not .values: those are UTC and naive
    return replace(
        data, **sliced,
        demand_charge_krw_per_kw=_demand_charge_rate(data.park, day),
        billing_floor_kw=billing_floors_kw(data.park, day, monthly_peak_kw),
        initial_soc_kwh=_initial_soc(storages, initial_soc_kwh),
    )


def build_dispatch_data(park: Park, inputs: DispatchInputs, pricing_rule: str | None = None,
                        monthly_peak_kw: MonthlyPeaks | None = None, orders=None) -> DispatchData:
    """Collect the numeric arrays of one window from the park and its profiles.

    ``pricing_rule`` overrides the park file's rule; the rule matters to the
    model only through the prices it guarantees a storage owner.
    ``monthly_peak_kw`` (participant -> ``"YYYY-MM"`` -> peak [kW] of the days
    before, e.g. from the ledger) sets the billing floors
    (:func:`billing_floors_kw`); without it the park file's. ``orders``
    (a checked :class:`market.orders.schema.OrderBook`, optional) is the day's
    order book; without it every tenant keeps the default behaviour.
    """
    time = inputs.time
    _check_index(time)
    step_hours = inputs.step_hours
    feeders = [feeder.name for feeder in park.network.feeders]
    feeder_position = {name: position for position, name in enumerate(feeders)}
    participants = [participant.name for participant in park.participants]
    participant_position = {name: position for position, name in enumerate(participants)}
    generators = park.assets_of_role("generator")
    storages = park.assets_of_role("storage")

    export_price = load_export_price(park.market.export_price).price(time)
    fee = park.market.trade_fee_krw_per_kwh
    import_price = np.empty((len(time), len(participants)))
    demand_hours = np.empty((len(time), len(participants)), dtype=bool)
    per_tariff: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for position, participant in enumerate(park.participants):
        tariff = load_tariff(participant.tariff, tariff_day(time))
        if tariff.name not in per_tariff:
            per_tariff[tariff.name] = (tariff.marginal_import_price(time), tariff.demand_charge_applies(time))
        import_price[:, position], demand_hours[:, position] = per_tariff[tariff.name]
    # A buyer gains from a trade only when its grid price less the fee is at
    # least the export price a seller could get instead; otherwise no price
    # leaves both sides better off than the grid, so the trade is not offered.
    may_buy = (import_price - fee) >= export_price[:, None]
    book = order_data(orders, park, time, step_hours)
    # A bid or a contract states that its buyer wants park energy in its steps, whatever the grid price.
    may_buy |= book.buy_steps(len(time), len(participants))

    wear_default = park.market.battery_wear_cost_krw_per_kwh
    available_kwh = _aligned(
        inputs.available_generation, "asset", [a.name for a in generators], "available_generation", time
    )
    return DispatchData(
        park=park,
        time=time,
        step_hours=step_hours,
        participants=participants,
        participant_feeder=np.array([feeder_position[p.feeder] for p in park.participants], dtype=int),
        feeders=feeders,
        generators=[asset.name for asset in generators],
        generator_owner=np.array([participant_position[a.owner] for a in generators], dtype=int),
        generator_feeder=np.array([feeder_position[a.feeder] for a in generators], dtype=int),
        generator_renewable=np.array([a.renewable for a in generators], dtype=bool),
        storages=[asset.name for asset in storages],
        storage_owner=np.array([participant_position[a.owner] for a in storages], dtype=int),
        storage_feeder=np.array([feeder_position[a.feeder] for a in storages], dtype=int),
        load_kwh=_aligned(inputs.load, "participant", participants, "load", time),
        available_kwh=available_kwh,
        min_generation_kwh=_minimum_output(generators, available_kwh, step_hours),
        generation_cost_krw_per_kwh=_generation_cost(generators, time),
        import_price=import_price,
        export_price=export_price,
        demand_charge_hours=demand_hours,
        demand_charge_krw_per_kw=_demand_charge_rate(park, tariff_day(time)),
        billing_floor_kw=billing_floors_kw(park, tariff_day(time), monthly_peak_kw),
        may_buy=may_buy,
        initial_soc_kwh=_initial_soc(storages, inputs.initial_soc_kwh),
        storage_wear_krw_per_kwh=np.array(
            [s.wear_cost_krw_per_kwh if s.wear_cost_krw_per_kwh is not None else wear_default for s in storages]
        ),
        pricing_rule=pricing_rule or park.market.pricing_rule,
        orders=book,
    )
