"""Participants: grid import and export, trades, and the energy balance.

Each participant's balance closes in every step::

    grid_import + bought + (whatever its assets inject: generation + discharge - charge ...)
        == load + grid_export + sold

Every participant takes the injections of whatever it owns, whatever the
asset's role. A participant sells at most what it produced in the step
(generated or discharged), so a tenant cannot resell KEPCO energy as a
direct trade. Variables exist only where they can be non-zero (only
producers sell or export; a buyer buys only in steps where a trade can beat
its grid price), which keeps the model small for parks of hundreds of
tenants.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from market.dispatch.components.base import Component


def define_participants(model: pyo.ConcreteModel, data, injections, options) -> None:
    """Add grid and trade variables [kWh per step] and the balance of every participant."""
    steps = range(len(data.time))
    producers = injections.producers()
    producer_steps = [(participant, step) for participant in producers for step in steps]
    buyer_steps = [
        (participant, step)
        for participant in range(len(data.participants))
        for step in steps
        if data.may_buy[step, participant]
    ]
    model.grid_import = pyo.Var(model.participants, model.steps, within=pyo.NonNegativeReals)
    model.grid_export = pyo.Var(producer_steps, within=pyo.NonNegativeReals)
    model.sold = pyo.Var(producer_steps, within=pyo.NonNegativeReals)
    model.bought = pyo.Var(buyer_steps, within=pyo.NonNegativeReals)

    load = data.load_kwh
    is_producer = set(producers)
    can_buy = set(buyer_steps)

    def balance(_model, participant, step):
        terms = [model.grid_import[participant, step]]
        if (participant, step) in can_buy:
            terms.append(model.bought[participant, step])
        if participant in is_producer:
            terms.append(-model.grid_export[participant, step])
            terms.append(-model.sold[participant, step])
        terms.extend(injections.participant.get((participant, step), ()))
        return pyo.quicksum(terms) == float(load[step, participant])

    model.participant_balance = pyo.Constraint(model.participants, model.steps, rule=balance)

    def seller_limit(_model, participant, step):
        return model.sold[participant, step] <= pyo.quicksum(injections.production.get((participant, step), ()))

    model.seller_limit = pyo.Constraint(producer_steps, rule=seller_limit)

    import_price = data.import_price
    export_price = data.export_price
    injections.costs.append(
        pyo.quicksum(
            (float(import_price[step, participant]) * model.grid_import[participant, step]
             for participant in model.participants for step in model.steps)
        )
    )
    injections.costs.append(
        pyo.quicksum(
            (-float(export_price[step]) * model.grid_export[participant, step] for participant, step in producer_steps)
        )
    )


def update_participants(vectors, model: pyo.ConcreteModel, data) -> None:
    """A window's loads, grid prices and the steps in which each buyer may trade."""
    vectors.set_rhs(model.participant_balance, data.load_kwh)
    vectors.set_cost(model.grid_import, data.import_price)
    shape = data.import_price.shape
    vectors.set_cost(model.grid_export, -np.broadcast_to(data.export_price[:, None], shape))
    # A model built for every step (the batch's) closes a buyer's purchases where a trade cannot beat the grid.
    vectors.set_upper(model.bought, np.where(data.may_buy, np.inf, 0.0))


COMPONENT = Component("participants", define_participants, update_participants)
