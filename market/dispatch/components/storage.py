"""Batteries: charge, discharge and state of charge.

The state of charge is tracked at the end of each step,
``soc[s, t] = soc[s, t-1] + eta_c * charge - discharge / eta_d``, with the
window's initial charge given. The terminal rule (``cyclic``, ``free`` or
``target``) keeps a day from emptying the battery for tomorrow. Wear is
charged per kWh discharged.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from market.dispatch.components.base import Component


def define_storage(model: pyo.ConcreteModel, data, injections, options) -> None:
    """Add ``charge``, ``discharge`` [kWh per step] and ``soc`` [kWh, end of step]."""
    specs = data.park.assets_of_role("storage")
    step_hours = data.step_hours
    last_step = len(data.time) - 1

    def energy_bounds(_model, storage, _step):
        return (0.0, specs[storage].power_kw * step_hours)

    def soc_bounds(_model, storage, _step):
        spec = specs[storage]
        return (spec.soc_min_kwh, spec.soc_max_kwh)

    model.charge = pyo.Var(model.storages, model.steps, bounds=energy_bounds)
    model.discharge = pyo.Var(model.storages, model.steps, bounds=energy_bounds)
    model.soc = pyo.Var(model.storages, model.steps, bounds=soc_bounds)

    def soc_dynamics(_model, storage, step):
        spec = specs[storage]
        previous = model.soc[storage, step - 1] if step > 0 else float(data.initial_soc_kwh[storage])
        return (
            model.soc[storage, step]
            == previous
            + spec.charge_efficiency * model.charge[storage, step]
            - model.discharge[storage, step] / spec.discharge_efficiency
        )

    model.soc_dynamics = pyo.Constraint(model.storages, model.steps, rule=soc_dynamics)

    def terminal_rule(_model, storage):
        spec = specs[storage]
        if spec.terminal_soc_rule == "cyclic":
            return model.soc[storage, last_step] >= float(data.initial_soc_kwh[storage])
        if spec.terminal_soc_rule == "target":
            return model.soc[storage, last_step] >= _terminal_target_kwh(spec)
        return pyo.Constraint.Skip

    model.terminal_soc = pyo.Constraint(model.storages, rule=terminal_rule)

    for storage in model.storages:
        owner = int(data.storage_owner[storage])
        feeder = int(data.storage_feeder[storage])
        wear = float(data.storage_wear_krw_per_kwh[storage])
        for step in model.steps:
            net = model.discharge[storage, step] - model.charge[storage, step]
            injections.participant[owner, step].append(net)
            injections.feeder[feeder, step].append(net)
            injections.production[owner, step].append(model.discharge[storage, step])
            if wear:
                injections.costs.append(wear * model.discharge[storage, step])


def update_storage(vectors, model: pyo.ConcreteModel, data) -> None:
    """A window's starting charge: the first step's dynamics and the cyclic terminal rule."""
    if not len(data.storages):
        return
    # The starting charge is the constant side of the first step's dynamics; later steps' is 0.
    start = np.zeros((len(data.time), len(data.storages)))
    start[0] = data.initial_soc_kwh
    vectors.set_rhs(model.soc_dynamics, start)
    specs = data.park.assets_of_role("storage")
    cyclic = np.array([spec.terminal_soc_rule == "cyclic" for spec in specs], dtype=bool)
    target = np.array([_terminal_target_kwh(spec) for spec in specs], dtype=float)
    vectors.set_rhs(model.terminal_soc, np.where(cyclic, data.initial_soc_kwh, target))


def _terminal_target_kwh(spec) -> float:
    """End-of-window charge the ``target`` rule asks for, within the band [kWh]."""
    target = max(spec.terminal_soc_fraction, spec.soc_min_fraction) * spec.energy_capacity_kwh
    return min(target, spec.soc_max_kwh)


COMPONENT = Component("storage", define_storage, update_storage)
