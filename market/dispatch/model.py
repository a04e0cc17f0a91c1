"""The day-ahead dispatch model, assembled from per-concern builders.

Reads as a flat list of ``define_*`` calls, in the manner of PyPSA's
optimisation package: sets, then each component kind's variables and
constraints (one builder per kind, see :mod:`market.dispatch.components`),
then the balances that tie them together, the network, and the objective.
"""

from __future__ import annotations

import pyomo.environ as pyo

from market.dispatch.components import (
    ASSET_BUILDERS,
    Injections,
    define_demand_charge,
    define_network,
    define_participants,
    define_storage_owner_rationality,
    define_trading,
)
from market.dispatch.inputs import DispatchData


def define_sets(model: pyo.ConcreteModel, data: DispatchData) -> None:
    """Positional index sets: steps, participants, feeders, generators, storages."""
    model.steps = pyo.Set(initialize=range(len(data.time)), ordered=True)
    model.participants = pyo.Set(initialize=range(len(data.participants)), ordered=True)
    model.feeders = pyo.Set(initialize=range(len(data.feeders)), ordered=True)
    model.generators = pyo.Set(initialize=range(len(data.generators)), ordered=True)
    model.storages = pyo.Set(initialize=range(len(data.storages)), ordered=True)


def define_assets(model: pyo.ConcreteModel, data: DispatchData, injections: Injections) -> None:
    """Call the builder of every asset role present in the park (and of absent ones, empty)."""
    for role, builder in ASSET_BUILDERS.items():
        builder(model, data, injections)


def define_objective(model: pyo.ConcreteModel, injections: Injections) -> None:
    """Least total cost to the park [KRW]: grid energy, demand-charge exposure,
    trade fees and battery wear, less export revenue."""
    model.total_cost = pyo.Objective(expr=sum(injections.costs), sense=pyo.minimize)


def create_model(data: DispatchData, *, elastic: bool = False) -> pyo.ConcreteModel:
    """Build the dispatch LP of one window.

    Parameters
    ----------
    data : DispatchData
        Numeric arrays of the window (:func:`market.dispatch.inputs.build_dispatch_data`).
    elastic : bool
        Give every network limit a penalised slack, to explain infeasible days.

    Returns
    -------
    pyomo.environ.ConcreteModel
    """
    model = pyo.ConcreteModel(name=f"dispatch {data.park.name} {data.time[0]:%Y-%m-%d}")
    injections = Injections()
    define_sets(model, data)
    define_assets(model, data, injections)
    define_participants(model, data, injections)
    define_trading(model, data, injections)
    define_network(model, data, injections, elastic=elastic)
    define_demand_charge(model, data, injections)
    define_storage_owner_rationality(model, data, injections)
    define_objective(model, injections)
    return model
