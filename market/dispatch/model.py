"""The day-ahead dispatch model, assembled from per-component builders.

Reads as a flat list of steps, in the manner of PyPSA's optimisation
package: sets, then every component's variables and constraints (one file
per component, :mod:`market.dispatch.components`, the assets' picked by
role), then the objective. :func:`update_model` is the same list for a
model that is re-solved: each component writes what a new window changes.
"""

from __future__ import annotations

import pyomo.environ as pyo

from market.dispatch.components import COMPONENTS, BuildOptions, Injections
from market.dispatch.inputs import DispatchData


def define_sets(model: pyo.ConcreteModel, data: DispatchData) -> None:
    """Positional index sets: steps, participants, feeders, generators, storages."""
    model.steps = pyo.Set(initialize=range(len(data.time)), ordered=True)
    model.participants = pyo.Set(initialize=range(len(data.participants)), ordered=True)
    model.feeders = pyo.Set(initialize=range(len(data.feeders)), ordered=True)
    model.generators = pyo.Set(initialize=range(len(data.generators)), ordered=True)
    model.storages = pyo.Set(initialize=range(len(data.storages)), ordered=True)


def define_objective(model: pyo.ConcreteModel, injections: Injections) -> None:
    """Least total cost to the park [KRW]: grid energy, demand-charge exposure,
    trade fees, fuel and battery wear, less export revenue."""
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
    options = BuildOptions(elastic=elastic)
    define_sets(model, data)
    for component in COMPONENTS:
        component.define(model, data, injections, options)
    define_objective(model, injections)
    return model


def update_model(vectors, model: pyo.ConcreteModel, data: DispatchData) -> None:
    """Write the numbers of the window ``data`` into ``vectors``, a compiled ``model``'s LP.

    ``model`` must have been built for a window of the same length with
    every step open to trade and to the demand charge
    (:func:`market.batch.engine.CompiledDayEngine` builds it so); each
    component then closes what the window does not allow.
    """
    for component in COMPONENTS:
        if component.update is not None:
            component.update(vectors, model, data)
