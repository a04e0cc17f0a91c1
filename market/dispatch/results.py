"""The dispatch result as a labelled xarray Dataset.

The Dataset's contract (documented in README.md, relied on by settlement,
the app and analysts): dimensions ``time``, ``participant``, ``seller``,
``buyer``, ``asset``, ``storage``, ``feeder``; energy in kWh per step,
money in KRW, prices in KRW/kWh; ``soc`` is the state of charge at the end
of each step [kWh]; attributes name the park, the date, the pricing rule,
the solver and its status, and every variable carries ``units``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyomo.environ as pyo
import xarray as xr

from market.dispatch.inputs import DispatchData
from market.dispatch.solve import SolveOutcome
from market.pricing import PRICING_RULES, PricingContext, allocate_pro_rata, net_positions

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
    """

    dataset: xr.Dataset
    binding_limits: list[BindingLimit] = field(default_factory=list)
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    highs_seconds: float = 0.0


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


def build_dataset(model: pyo.ConcreteModel, data: DispatchData, outcome: SolveOutcome,
                  pricing_rule: str) -> tuple[xr.Dataset, list[BindingLimit]]:
    """Read the solved model into the result Dataset and price the trades."""
    steps = len(data.time)
    participants = len(data.participants)
    generation_by_asset = _clean(_values(model.generation, (steps, len(data.generators))))
    charge = _clean(_values(model.charge, (steps, len(data.storages))))
    discharge = _clean(_values(model.discharge, (steps, len(data.storages))))
    soc = _clean(_values(model.soc, (steps, len(data.storages))))
    grid_import = _clean(_values(model.grid_import, (steps, participants)))
    grid_export = _clean(_values(model.grid_export, (steps, participants)))
    sold, bought = net_positions(
        _clean(_values(model.sold, (steps, participants))), _clean(_values(model.bought, (steps, participants)))
    )
    feeder_flow = _clean(_values(model.feeder_flow, (steps, len(data.feeders))))
    transformer_flow = _clean(_values(model.transformer_flow, (steps,)))

    pool_dual = _duals(model.pool_balance, outcome, (steps,))
    feeder_dual = _duals(model.feeder_definition, outcome, (steps, len(data.feeders)))
    transformer_dual = _duals(model.transformer_definition, outcome, (steps,))
    clearing_price = pool_dual[:, None] + feeder_dual

    generation = np.zeros((steps, participants))
    curtailment = np.zeros((steps, participants))
    asset_curtailment = _clean(data.available_kwh - generation_by_asset)
    for position, owner in enumerate(data.generator_owner):
        generation[:, owner] += generation_by_asset[:, position]
        curtailment[:, owner] += asset_curtailment[:, position]
    storage_charge = np.zeros((steps, participants))
    storage_discharge = np.zeros((steps, participants))
    for position, owner in enumerate(data.storage_owner):
        storage_charge[:, owner] += charge[:, position]
        storage_discharge[:, owner] += discharge[:, position]

    sellers = sorted(set(data.generator_owner.tolist()) | set(data.storage_owner.tolist()))
    seller_names = [data.participants[p] for p in sellers]
    trade = _clean(allocate_pro_rata(sold[:, sellers], bought))
    seller_feeder = data.participant_feeder[sellers]
    context = PricingContext(
        export_price=data.export_price,
        buyer_import_price=data.import_price,
        seller_clearing_price=clearing_price[:, seller_feeder],
        fee=data.park.market.trade_fee_krw_per_kwh,
        seller_share=data.park.market.seller_share,
    )
    trade_price = PRICING_RULES[pricing_rule].price(context)
    trade_price = np.broadcast_to(trade_price, trade.shape).copy()
    fee = data.park.market.trade_fee_krw_per_kwh
    paid_by_buyer = (trade * (trade_price + fee)).sum(axis=1)
    earned_by_seller = np.zeros((steps, participants))
    earned_by_seller[:, sellers] = (trade * trade_price).sum(axis=2)
    energy_cost = (
        grid_import * data.import_price
        - grid_export * data.export_price[:, None]
        + paid_by_buyer
        - earned_by_seller
    )

    time = pd.DatetimeIndex(data.time, name="time")
    kwh = {"units": "kWh per step"}
    krw_per_kwh = {"units": "KRW/kWh"}
    dataset = xr.Dataset(
        data_vars={
            "load": (("time", "participant"), data.load_kwh, {**kwh, "long_name": "load"}),
            "generation": (("time", "participant"), generation, {**kwh, "long_name": "own generation delivered"}),
            "curtailment": (("time", "participant"), curtailment, {**kwh, "long_name": "own generation curtailed"}),
            "grid_import": (("time", "participant"), grid_import, {**kwh, "long_name": "bought from KEPCO"}),
            "grid_export": (("time", "participant"), grid_export, {**kwh, "long_name": "sold to the grid"}),
            "sold": (("time", "participant"), sold, {**kwh, "long_name": "sold in direct trades"}),
            "bought": (("time", "participant"), bought, {**kwh, "long_name": "bought in direct trades"}),
            "storage_charge": (("time", "participant"), storage_charge, {**kwh, "long_name": "charged into own storage"}),
            "storage_discharge": (("time", "participant"), storage_discharge, {**kwh, "long_name": "discharged from own storage"}),
            "import_price": (("time", "participant"), data.import_price, {**krw_per_kwh, "long_name": "marginal grid price incl. adders and fund, excl. VAT"}),
            "energy_cost": (("time", "participant"), energy_cost, {"units": "KRW", "long_name": "grid energy cost - export revenue + trade payments incl. fee - trade revenue"}),
            "grid_only_cost": (("time", "participant"), data.load_kwh * data.import_price, {"units": "KRW", "long_name": "energy cost if all load came from KEPCO"}),
            "trade": (("time", "seller", "buyer"), trade, {**kwh, "long_name": "direct trade seller -> buyer"}),
            "trade_price": (("time", "seller", "buyer"), trade_price, {**krw_per_kwh, "long_name": "price paid to the seller, excl. platform fee"}),
            "clearing_price": (("time", "feeder"), clearing_price, {**krw_per_kwh, "long_name": "marginal value of internal energy at the feeder (duals)"}),
            "export_price": (("time",), data.export_price, {**krw_per_kwh, "long_name": "grid export price (SMP)"}),
            "available_generation": (("time", "asset"), data.available_kwh, {**kwh, "long_name": "forecast available generation"}),
            "asset_generation": (("time", "asset"), generation_by_asset, {**kwh, "long_name": "generation delivered"}),
            "asset_curtailment": (("time", "asset"), asset_curtailment, {**kwh, "long_name": "generation curtailed"}),
            "charge": (("time", "storage"), charge, {**kwh, "long_name": "energy charged (AC side)"}),
            "discharge": (("time", "storage"), discharge, {**kwh, "long_name": "energy discharged (AC side)"}),
            "soc": (("time", "storage"), soc, {"units": "kWh", "long_name": "state of charge at the end of the step"}),
            "feeder_flow": (("time", "feeder"), feeder_flow, {**kwh, "long_name": "main bus -> feeder (negative: feeder exports)"}),
            "transformer_flow": (("time",), transformer_flow, {**kwh, "long_name": "KEPCO -> park (negative: reverse flow)"}),
            "feeder_limit": (("feeder",), [f.forward_limit_kw for f in data.park.network.feeders], {"units": "kW", "long_name": "feeder thermal limit into the feeder"}),
            "feeder_reverse_limit": (("feeder",), [f.backward_limit_kw for f in data.park.network.feeders], {"units": "kW", "long_name": "feeder thermal limit out of the feeder"}),
            "asset_renewable": (("asset",), data.generator_renewable, {"long_name": "counts as renewable under RE100"}),
        },
        coords={
            "time": time,
            "participant": data.participants,
            "seller": seller_names,
            "buyer": data.participants,
            "asset": data.generators,
            "storage": data.storages,
            "feeder": data.feeders,
            "participant_feeder": (("participant",), [data.feeders[f] for f in data.participant_feeder]),
            "asset_owner": (("asset",), [data.participants[o] for o in data.generator_owner]),
            "storage_owner": (("storage",), [data.participants[o] for o in data.storage_owner]),
        },
    )
    binding = _binding_limits(data, feeder_flow, transformer_flow, feeder_dual, pool_dual, transformer_dual,
                              asset_curtailment.sum(axis=1))
    transformer = data.park.network.transformer
    dataset.attrs.update(
        {
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
            "units": "energy kWh per step; money KRW; prices KRW/kWh; power limits kW",
        }
    )
    return dataset, binding
