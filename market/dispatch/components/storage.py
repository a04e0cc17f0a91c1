"""Batteries: charge, discharge and state of charge.

The state of charge is tracked at the end of each step,
``soc[s, t] = soc[s, t-1] + eta_c * charge - discharge / eta_d``, with the
window's initial charge given. The terminal rule (``cyclic``, ``free`` or
``target``) keeps a day from emptying the battery for tomorrow. Wear is
charged per kWh discharged.
"""

from __future__ import annotations

import pyomo.environ as pyo


def define_storage(model: pyo.ConcreteModel, data, injections) -> None:
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
            target = max(spec.terminal_soc_fraction, spec.soc_min_fraction) * spec.energy_capacity_kwh
            return model.soc[storage, last_step] >= min(target, spec.soc_max_kwh)
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
