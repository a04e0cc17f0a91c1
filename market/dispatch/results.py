"""The dispatch result as a labelled xarray Dataset.

The Dataset's contract (documented in README.md, relied on by settlement,
the app and analysts): dimensions ``time``, ``participant``, ``seller``,
``buyer``, ``asset``, ``storage``, ``feeder``; energy in kWh per step,
money in KRW, prices in KRW/kWh; ``soc`` is the state of charge at the end
of each step [kWh]; attributes name the park, the date, the pricing rule,
the solver and its status, plus the CF global attributes.

Every variable is declared once in :mod:`market.dispatch.variables` (dims,
units, ``long_name``, ``cell_methods``, description): :func:`window_result`
fills the arrays by name and takes the rest from there. The descriptive
coordinates (owners, kinds, ratings, capacities) come from
:func:`microgrid.variables.park_coords`, the same function the forecast uses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyomo.environ as pyo
import xarray as xr

from market.dispatch.inputs import DispatchData
from market.dispatch.order_results import (
    OrderSolution,
    contract_prices,
    contract_report,
    order_arrays,
    order_trades,
    product_pool_price,
    read_order_solution,
    renewable_clearing_price,
)
from market.dispatch.solve import SolveOutcome
from market.dispatch.variables import RESULT_VARIABLES
from market.pricing import PRICING_RULES, PricingContext, allocate_pro_rata, net_positions
from microgrid.variables import COORDINATES, global_attrs, park_coords

#: A flow within this share of its limit counts as binding [-].
BINDING_TOLERANCE = 1e-6


@dataclass(frozen=True)
class BindingLimit:
    """A network limit the plan runs into.

    Attributes
    ----------
    limit : str
        ``feeder_forward``, ``feeder_reverse``, ``transformer_import`` or ``transformer_export``.
    element : str
        Feeder or transformer name.
    time : str
        Interval start, ISO 8601.
    limit_kw : float
        The limit [kW].
    shadow_price_krw_per_kwh : float
        What one more kWh of headroom would save [KRW/kWh].
    """

    limit: str
    element: str
    time: str
    limit_kw: float
    shadow_price_krw_per_kwh: float


@dataclass
class DispatchResult:
    """A solved window: the labelled Dataset plus timings.

    Attributes
    ----------
    dataset : xarray.Dataset
    binding_limits : list of BindingLimit
    build_seconds, solve_seconds, highs_seconds : float
        Model build time, solve wall time, HiGHS' own time [s].
    window : WindowResult or None
        The same result as labelled arrays (joined cheaply with other windows by :func:`assemble`).
    """

    dataset: xr.Dataset
    binding_limits: list[BindingLimit] = field(default_factory=list)
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    highs_seconds: float = 0.0
    window: WindowResult | None = None


def _values(variable, shape: tuple[int, ...]) -> np.ndarray:
    array = np.zeros(shape)
    for index, value in variable.extract_values().items():
        if value is None:
            continue
        if isinstance(index, tuple):
            array[index[1], index[0]] = value  # Pyomo index is (entity, step)
        else:
            array[index] = value
    return array


def _duals(constraint, outcome: SolveOutcome, shape: tuple[int, ...]) -> np.ndarray:
    array = np.zeros(shape)
    for index, data in constraint.items():
        dual = outcome.duals.get(data, 0.0)
        if isinstance(index, tuple):
            array[index[1], index[0]] = dual
        else:
            array[index] = dual
    return array


def _clean(array: np.ndarray) -> np.ndarray:
    # Solver round-off: tiny negatives and 1e-12 noise become exact zeros.
    return np.where(np.abs(array) < 1e-7, 0.0, array)


def _binding_limits(data: DispatchData, feeder_flow: np.ndarray, transformer_flow: np.ndarray,
                    feeder_dual: np.ndarray, pool_dual: np.ndarray, transformer_dual: np.ndarray,
                    curtailed: np.ndarray) -> list[BindingLimit]:
    found = []
    hours = data.step_hours
    network = data.park.network
    for step, start in enumerate(data.time):
        for position, feeder in enumerate(network.feeders):
            flow_kw = feeder_flow[step, position] / hours
            for limit, value, sign in (("feeder_forward", feeder.forward_limit_kw, 1.0),
                                       ("feeder_reverse", feeder.backward_limit_kw, -1.0)):
                if sign * flow_kw >= value * (1 - BINDING_TOLERANCE) - 1e-6:
                    found.append(BindingLimit(limit, feeder.name, start.isoformat(), value,
                                              abs(float(feeder_dual[step, position]))))
        flow_kw = transformer_flow[step] / hours
        transformer = network.transformer
        for limit, value, sign in (("transformer_import", transformer.import_limit_kw, 1.0),
                                   ("transformer_export", transformer.export_limit_kw, -1.0)):
            # A zero limit (no reverse flow permitted) binds where the park curtails at zero flow.
            if (value > 0 or curtailed[step] > 1e-6) and sign * flow_kw >= value * (1 - BINDING_TOLERANCE) - 1e-6:
                found.append(BindingLimit(limit, transformer.name, start.isoformat(), value,
                                          abs(float(transformer_dual[step]))))
    return found


@dataclass(frozen=True)
class SolutionArrays:
    """A solved window's primal values and duals, time first, in model units.

    Energies in kWh per step; duals in KRW/kWh. Read from the Pyomo model
    (:func:`read_solution`) or straight from the solver's vectors
    (:class:`market.batch.engine.CompiledDayEngine`); both give the same arrays.
    """

    generation_by_asset: np.ndarray
    charge: np.ndarray
    discharge: np.ndarray
    soc: np.ndarray
    grid_import: np.ndarray
    grid_export: np.ndarray
    sold: np.ndarray
    bought: np.ndarray
    feeder_flow: np.ndarray
    transformer_flow: np.ndarray
    pool_dual: np.ndarray
    feeder_dual: np.ndarray
    transformer_dual: np.ndarray
    #: The order book's variables (None without an order book, and in the batch's compiled path).
    orders: OrderSolution | None = None


#: Primal arrays of :class:`SolutionArrays`: (model variable, entity dimension or None).
PRIMAL_COMPONENTS = {
    "generation_by_asset": ("generation", "generators"), "charge": ("charge", "storages"),
    "discharge": ("discharge", "storages"), "soc": ("soc", "storages"),
    "grid_import": ("grid_import", "participants"), "grid_export": ("grid_export", "participants"),
    "sold": ("sold", "participants"), "bought": ("bought", "participants"),
    "feeder_flow": ("feeder_flow", "feeders"), "transformer_flow": ("transformer_flow", None),
}
#: Dual arrays of :class:`SolutionArrays`: (model constraint, entity dimension or None).
DUAL_COMPONENTS = {
    "pool_dual": ("pool_balance", None), "feeder_dual": ("feeder_definition", "feeders"),
    "transformer_dual": ("transformer_definition", None),
}


def component_shape(data: DispatchData, entities: str | None) -> tuple[int, ...]:
    """(steps,) or (steps, entities) for an entry of the component tables above."""
    steps = len(data.time)
    return (steps,) if entities is None else (steps, len(getattr(data, entities)))


def read_solution(model: pyo.ConcreteModel, data: DispatchData, outcome: SolveOutcome) -> SolutionArrays:
    """The solved Pyomo model's values and the outcome's duals as arrays."""
    primal = {name: _values(getattr(model, variable), component_shape(data, entities))
              for name, (variable, entities) in PRIMAL_COMPONENTS.items()}
    duals = {name: _duals(getattr(model, constraint), outcome, component_shape(data, entities))
             for name, (constraint, entities) in DUAL_COMPONENTS.items()}
    orders = None if data.orders.empty else read_order_solution(model, data, outcome)
    return SolutionArrays(**primal, **duals, orders=orders)


@dataclass
class WindowResult:
    """One solved window as labelled arrays, before they become a Dataset.

    Attributes
    ----------
    variables : dict
        Name -> (dims, array, attrs), as ``xarray.Dataset(data_vars=...)`` takes them.
    coords : dict
        Name -> values or (dims, values).
    attrs : dict
        The window's attributes (date, objective, binding limits, ...).
    binding_limits : list of BindingLimit
    """

    variables: dict
    coords: dict
    attrs: dict
    binding_limits: list

    def head(self, steps: int) -> WindowResult:
        """The window's first ``steps`` steps: what a look-ahead window commits.

        Time-dependent arrays are cut; binding limits after the cut are
        dropped; ``objective_krw`` stays that of the whole window's LP and
        ``window_steps`` records the window's length.
        """
        length = len(self.coords["time"])
        if steps >= length:
            return self

        def cut(entry):
            if isinstance(entry, tuple) and entry[0] and entry[0][0] == "time":
                dims, values, *rest = entry
                return (dims, values[:steps], *rest)
            return entry

        coords = {name: cut(entry) for name, entry in self.coords.items()}
        coords["time"] = self.coords["time"][:steps]
        kept = {start.isoformat() for start in coords["time"]}
        binding = [limit for limit in self.binding_limits if limit.time in kept]
        attrs = {**self.attrs, "binding_limits": json.dumps([limit.__dict__ for limit in binding]),
                 "window_steps": length}
        return WindowResult({name: cut(entry) for name, entry in self.variables.items()}, coords, attrs, binding)

    def last_soc_kwh(self) -> dict[str, float]:
        """Storage -> state of charge at the end of the window [kWh]."""
        soc = self.variables["soc"][1]
        return {str(name): float(soc[-1, position]) for position, name in enumerate(self.coords["storage"])}


def build_dataset(model: pyo.ConcreteModel, data: DispatchData, outcome: SolveOutcome,
                  pricing_rule: str) -> tuple[xr.Dataset, list[BindingLimit]]:
    """Read the solved model into the result Dataset and price the trades."""
    window = window_result(read_solution(model, data, outcome), data, outcome, pricing_rule)
    return assemble([window]), window.binding_limits


#: The last park's coordinates: a rolling year labels 365 windows of one park.
_COORDS_OF: dict[int, tuple] = {}


def _park_coords(park) -> dict:
    """:func:`microgrid.variables.park_coords` of ``park``, computed once per park object (it is frozen)."""
    cached = _COORDS_OF.get(id(park))
    if cached is None or cached[0] is not park:
        _COORDS_OF.clear()
        cached = _COORDS_OF[id(park)] = (park, park_coords(park))
    return cached[1]


def window_result(solution: SolutionArrays, data: DispatchData, outcome: SolveOutcome,
                  pricing_rule: str) -> WindowResult:
    """Price the trades of a solved window and label every array (numpy only, no xarray)."""
    steps = len(data.time)
    participants = len(data.participants)
    generation_by_asset = _clean(solution.generation_by_asset)
    charge = _clean(solution.charge)
    discharge = _clean(solution.discharge)
    soc = _clean(solution.soc)
    grid_import = _clean(solution.grid_import)
    grid_export = _clean(solution.grid_export)
    sold, bought = net_positions(_clean(solution.sold), _clean(solution.bought))
    feeder_flow = _clean(solution.feeder_flow)
    transformer_flow = _clean(solution.transformer_flow)

    pool_dual = solution.pool_dual
    feeder_dual = solution.feeder_dual
    transformer_dual = solution.transformer_dual
    clearing_price = pool_dual[:, None] + feeder_dual

    generation = np.zeros((steps, participants))
    curtailment = np.zeros((steps, participants))
    generation_cost = np.zeros((steps, participants))
    # Only free energy (PV, wind, waste heat) is curtailed when it is not delivered; a generator with a
    # running cost (fuel) that is not run up to its availability saves its fuel instead.
    free = data.generation_cost_krw_per_kwh == 0
    asset_curtailment = np.where(free, _clean(data.available_kwh - generation_by_asset), 0.0)
    asset_generation_cost = generation_by_asset * data.generation_cost_krw_per_kwh
    for position, owner in enumerate(data.generator_owner):
        generation[:, owner] += generation_by_asset[:, position]
        curtailment[:, owner] += asset_curtailment[:, position]
        generation_cost[:, owner] += asset_generation_cost[:, position]
    storage_charge = np.zeros((steps, participants))
    storage_discharge = np.zeros((steps, participants))
    for position, owner in enumerate(data.storage_owner):
        storage_charge[:, owner] += charge[:, position]
        storage_discharge[:, owner] += discharge[:, position]

    sellers = sorted(set(data.generator_owner.tolist()) | set(data.storage_owner.tolist()))
    seller_names = [data.participants[p] for p in sellers]
    seller_feeder = data.participant_feeder[sellers]
    booked = solution.orders
    if booked is None:
        trade = _clean(allocate_pro_rata(sold[:, sellers], bought))
        band = {}
    else:  # an order book: the LP's own pairs, the rest pro rata (market.dispatch.order_results)
        priced = order_trades(data, booked, _clean(solution.sold), _clean(solution.bought), sellers)
        trade, sold, bought = priced.trade, priced.sold, priced.bought
        band = {"pool_price": product_pool_price(data, booked, pool_dual), "seller_floor_price": priced.floor,
                "buyer_ceiling_price": priced.ceiling}
    context = PricingContext(
        export_price=data.export_price,
        buyer_import_price=data.import_price,
        seller_clearing_price=clearing_price[:, seller_feeder],
        fee=data.park.market.trade_fee_krw_per_kwh,
        seller_share=data.park.market.seller_share,
        **band,
    )
    trade_price = PRICING_RULES[pricing_rule].price(context)
    trade_price = np.broadcast_to(trade_price, trade.shape).copy()
    if booked is not None and data.orders.contracts:
        trade_price = contract_prices(data, trade, priced.contracted, trade_price, sellers)
    ordered = order_arrays(data, booked)
    # Served load: the forecast's, plus deferrable load scheduled, less load shed.
    load = data.load_kwh + ordered["deferrable_load"] - ordered["curtailed_load"]
    fee = data.park.market.trade_fee_krw_per_kwh
    paid_by_buyer = (trade * (trade_price + fee)).sum(axis=1)
    earned_by_seller = np.zeros((steps, participants))
    earned_by_seller[:, sellers] = (trade * trade_price).sum(axis=2)
    energy_cost = (
        grid_import * data.import_price
        - grid_export * data.export_price[:, None]
        + paid_by_buyer
        - earned_by_seller
        + generation_cost
    )

    time = pd.DatetimeIndex(data.time, name="time")
    arrays = {
        "load": load, "generation": generation, "curtailment": curtailment,
        "grid_import": grid_import, "grid_export": grid_export, "sold": sold, "bought": bought,
        "storage_charge": storage_charge, "storage_discharge": storage_discharge,
        "import_price": data.import_price, "generation_cost": generation_cost, "energy_cost": energy_cost,
        "grid_only_cost": load * data.import_price,
        "trade": trade, "trade_price": trade_price, "clearing_price": clearing_price,
        "export_price": data.export_price, "available_generation": data.available_kwh,
        "asset_generation": generation_by_asset, "asset_curtailment": asset_curtailment,
        "charge": charge, "discharge": discharge, "soc": soc,
        "feeder_flow": feeder_flow, "transformer_flow": transformer_flow,
        "feeder_limit": [f.forward_limit_kw for f in data.park.network.feeders],
        "feeder_reverse_limit": [f.backward_limit_kw for f in data.park.network.feeders],
        "asset_renewable": data.generator_renewable,
        "renewable_clearing_price": renewable_clearing_price(pool_dual, booked),
        **ordered,
    }
    # Dims and attributes from the declaration (market.dispatch.variables), values by name.
    variables = {name: (spec.dims, arrays[name], spec.attrs()) for name, spec in RESULT_VARIABLES.items()}
    described = _park_coords(data.park)
    coords = {
        "time": time,
        "participant": data.participants,
        "seller": seller_names,
        "buyer": data.participants,
        "asset": data.generators,
        "storage": data.storages,
        "feeder": data.feeders,
        **{name: described[name] for name in COORDINATES},
    }
    binding = _binding_limits(data, feeder_flow, transformer_flow, feeder_dual, pool_dual, transformer_dual,
                              asset_curtailment.sum(axis=1))
    transformer = data.park.network.transformer
    attrs = {
        "park": data.park.name,
        "date": f"{data.time[0]:%Y-%m-%d}",
        "timezone": str(data.time.tz),
        "time_convention": "interval start",
        "step_hours": data.step_hours,
        "pricing_rule": pricing_rule,
        "trade_fee_krw_per_kwh": data.park.market.trade_fee_krw_per_kwh,
        "transformer_import_limit_kw": transformer.import_limit_kw,
        "transformer_export_limit_kw": transformer.export_limit_kw,
        "solver": outcome.solver,
        "solver_status": outcome.status,
        "objective_krw": outcome.objective_krw if outcome.objective_krw is not None else float("nan"),
        "binding_limits": json.dumps([limit.__dict__ for limit in binding]),
        "contracts": json.dumps([outcome.__dict__ for outcome in contract_report(data, booked)] if booked else []),
        "units": "energy kW h per step (time: sum); money KRW; prices KRW/(kW h); power kW; see units_note",
        **global_attrs(data.park.name, f"{data.park.name}: day-ahead market clearing"),
    }
    return WindowResult(variables, coords, attrs, binding)


def _joined(windows: list[WindowResult], name: str, entry):
    """A variable or coordinate over all windows: joined on ``time`` if it has it, else the first's."""
    if isinstance(entry, tuple) and entry[0] and entry[0][0] == "time":
        dims, _first_values, *attrs = entry
        parts = [window.variables[name] if name in window.variables else window.coords[name] for window in windows]
        return (dims, np.concatenate([part[1] for part in parts]), *attrs)
    return entry


def assemble(windows: list[WindowResult]) -> xr.Dataset:
    """One Dataset of consecutive windows, joined on ``time``.

    Variables without ``time`` (limits, owners) are taken from the first
    window; attributes that differ between windows (date, objective,
    binding limits) are dropped, as ``xarray.concat(combine_attrs="drop_conflicts")``
    would. Building the Dataset once for many windows is what keeps a
    rolling year's bookkeeping cheap.
    """
    first = windows[0]
    variables = {name: _joined(windows, name, entry) for name, entry in first.variables.items()}
    coords = {name: _joined(windows, name, entry) for name, entry in first.coords.items()}
    coords["time"] = first.coords["time"].append([window.coords["time"] for window in windows[1:]])
    dataset = xr.Dataset(data_vars=variables, coords=coords)
    dataset.attrs.update({key: value for key, value in first.attrs.items()
                          if all(key in w.attrs and _same(w.attrs[key], value) for w in windows[1:])})
    return dataset


def _same(left, right) -> bool:
    if isinstance(left, float) and isinstance(right, float) and np.isnan(left) and np.isnan(right):
        return True
    return left == right
