"""The demand (basic) charge: each participant's peak import in demand-charge hours.

KEPCO bills the basic charge on the highest 15-minute demand in mid and
peak hours over a 12-month window. A day-ahead plan cannot know the
window, so the day's peak import is charged at ``demand_charge_weight``
times one month's basic charge (1/30 by default): a documented
approximation that keeps the optimiser from piling imports into one hour.
"""

from __future__ import annotations

import pyomo.environ as pyo

from market.dispatch.components.base import Component


def define_demand_charge(model: pyo.ConcreteModel, data, injections, options) -> None:
    """Add each participant's peak import in demand-charge hours [kW] and its weighted cost [KRW]."""
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


def update_demand_charge(vectors, model: pyo.ConcreteModel, data) -> None:
    """A window's demand-charge hours (a step outside them bounds no peak) and weighted charge."""
    vectors.relax(model.peak_definition, ~data.demand_charge_hours)
    vectors.set_cost(model.peak_import, data.demand_charge_krw_per_kw)


COMPONENT = Component("demand_charge", define_demand_charge, update_demand_charge)
