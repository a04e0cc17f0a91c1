"""Participants: grid import and export, trades, energy balance, demand charge.

Each participant's balance closes in every step::

    grid_import + bought + (own generation + discharge - charge)
        == load + grid_export + sold

A participant sells at most what it generated or discharged in the step,
so a tenant cannot resell KEPCO energy as a direct trade. Variables exist
only where they can be non-zero (only producers sell or export; a buyer
buys only in steps where a trade can beat its grid price), which keeps the
model small for parks of hundreds of tenants.
"""

from __future__ import annotations

import pyomo.environ as pyo


def producers_of(data) -> list[int]:
    """Positions of participants that own a generator or a storage, sorted."""
    return sorted(set(int(o) for o in data.generator_owner) | set(int(o) for o in data.storage_owner))


def define_participants(model: pyo.ConcreteModel, data, injections) -> None:
    """Add grid and trade variables [kWh per step] and the balance of every participant."""
    steps = range(len(data.time))
    producers = producers_of(data)
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


def define_demand_charge(model: pyo.ConcreteModel, data, injections) -> None:
    """Add each participant's peak import in demand-charge hours [kW] and its weighted cost.

    KEPCO bills the basic charge on the highest 15-minute demand in mid and
    peak hours over a 12-month window. A day-ahead plan cannot know the
    window, so the day's peak import is charged at ``demand_charge_weight``
    times one month's basic charge (1/30 by default): a documented
    approximation that keeps the optimiser from piling imports into one hour.
    """
    charged = [p for p in range(len(data.participants)) if data.demand_charge_krw_per_kw[p] > 0]
    model.peak_import = pyo.Var(charged, within=pyo.NonNegativeReals)
    hours = data.demand_charge_hours
    step_hours = data.step_hours
    index = [(p, step) for p in charged for step in range(len(data.time)) if hours[step, p]]

    def peak_rule(_model, participant, step):
        return step_hours * model.peak_import[participant] >= model.grid_import[participant, step]

    model.peak_definition = pyo.Constraint(index, rule=peak_rule)
    if charged:
        injections.costs.append(
            pyo.quicksum((float(data.demand_charge_krw_per_kw[p]) * model.peak_import[p] for p in charged))
        )
