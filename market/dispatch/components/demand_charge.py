"""The demand (basic) charge as KEPCO bills it: only a peak above the billing demand already set costs.

KEPCO bills the basic charge on the billing demand: the highest 15-minute
demand in mid and peak hours over the current month and the billing-demand
months (December-February, July-September) of the 12 months before, never
below 30 % of the contract power (:func:`market.settlement.kepco.billing_demand_kw`,
the function settlement bills with). A day whose peak stays at or under the
billing demand already set (``data.billing_floor_kw``: from the ledger's
settled days, the days a batch has dispatched, or the park file's
``billing_demand_kw`` on a first day) changes no bill, so it costs nothing
here; each kW above it raises the basic charge of every month the new peak
will be billed in, ``data.demand_charge_krw_per_kw`` per kW
(:func:`market.settlement.kepco.demand_charge_krw_per_kw`: basic charge x
(1 + fund) x 12 for a peak in a billing-demand month, x 1 otherwise).

Rows::

    step_hours * peak_import[p] >= grid_import[p, t]     (mid/peak steps t)
    demand_increase[p] - peak_import[p] >= -billing_floor_kw[p]
    cost: demand_charge_krw_per_kw[p] * demand_increase[p],   demand_increase >= 0

so ``demand_increase = max(peak - floor, 0)`` at the optimum. With hourly
steps the peak is the hourly average, a lower bound of the 15-minute demand.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from market.dispatch.components.base import Component


def charged_participants(data) -> list[int]:
    """Positions of the participants with a demand charge (a positive cost per kW), sorted."""
    return [p for p in range(len(data.participants)) if data.demand_charge_krw_per_kw[p] > 0]


def define_demand_charge(model: pyo.ConcreteModel, data, injections, options) -> None:
    """Add each participant's peak import in demand-charge hours [kW], its increase above
    the billing floor [kW] and the increase's cost [KRW]."""
    charged = charged_participants(data)
    model.peak_import = pyo.Var(charged, within=pyo.NonNegativeReals)
    model.demand_increase = pyo.Var(charged, within=pyo.NonNegativeReals)
    hours = data.demand_charge_hours
    step_hours = data.step_hours
    index = [(p, step) for p in charged for step in range(len(data.time)) if hours[step, p]]

    def peak_rule(_model, participant, step):
        return step_hours * model.peak_import[participant] >= model.grid_import[participant, step]

    model.peak_definition = pyo.Constraint(index, rule=peak_rule)

    def above_floor_rule(_model, participant):
        return model.demand_increase[participant] - model.peak_import[participant] >= -float(
            data.billing_floor_kw[participant])

    model.demand_above_floor = pyo.Constraint(charged, rule=above_floor_rule)
    if charged:
        injections.costs.append(
            pyo.quicksum((float(data.demand_charge_krw_per_kw[p]) * model.demand_increase[p] for p in charged))
        )


def update_demand_charge(vectors, model: pyo.ConcreteModel, data) -> None:
    """A window's demand-charge hours (a step outside them bounds no peak), billing floors and cost per kW."""
    vectors.relax(model.peak_definition, ~data.demand_charge_hours)
    vectors.set_rhs(model.demand_above_floor, -np.asarray(data.billing_floor_kw, dtype=float))
    vectors.set_cost(model.demand_increase, data.demand_charge_krw_per_kw)


def peak_demand_kw(data, grid_import_kwh: np.ndarray) -> np.ndarray:
    """(participant,) highest import power in each participant's demand-charge steps [kW] (0 without any)."""
    masked = np.where(data.demand_charge_hours, np.asarray(grid_import_kwh, dtype=float), 0.0)
    return masked.max(axis=0, initial=0.0) / data.step_hours


def demand_cost_krw(data, grid_import_kwh: np.ndarray) -> np.ndarray:
    """(participant,) the demand-charge term of the objective for a dispatch's imports [KRW].

    ``demand_charge_krw_per_kw x max(peak - billing_floor_kw, 0)``: what the
    window's peaks add to each participant's basic charge over the months
    they will be billed (0 for a participant at or under its floor). Per
    participant, so that a participant's own cost can be referenced (e.g. a
    "no worse off" comparison against its standalone dispatch).

    Parameters
    ----------
    data : DispatchData
    grid_import_kwh : numpy.ndarray
        (time, participant) imports [kWh per step].
    """
    increase = np.maximum(peak_demand_kw(data, grid_import_kwh) - data.billing_floor_kw, 0.0)
    return np.asarray(data.demand_charge_krw_per_kw, dtype=float) * increase


COMPONENT = Component("demand_charge", define_demand_charge, update_demand_charge)
