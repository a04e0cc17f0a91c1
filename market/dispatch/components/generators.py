"""Generators: PV, waste-heat ORC, small wind, fuel cells, any asset of role ``generator``.

Each generator delivers between its minimum output (0 for most kinds; a
must-run floor for a fuel cell) and its available energy in every step;
what it could deliver and does not is curtailment. A kind with a running
cost (fuel) carries a marginal cost [KRW/kWh] in the objective; PV, wind
and waste heat cost nothing, so the cost of curtailing them is the energy
not sold or used.
"""

from __future__ import annotations

import pyomo.environ as pyo

from market.dispatch.components.base import Component


def define_generators(model: pyo.ConcreteModel, data, injections, options) -> None:
    """Add ``generation[g, t]`` [kWh per step] between minimum output and availability."""
    available = data.available_kwh
    minimum = data.min_generation_kwh

    def bounds(_model, generator, step):
        return (float(minimum[step, generator]), float(available[step, generator]))

    model.generation = pyo.Var(model.generators, model.steps, bounds=bounds, within=pyo.NonNegativeReals)
    for generator in model.generators:
        owner = int(data.generator_owner[generator])
        feeder = int(data.generator_feeder[generator])
        for step in model.steps:
            term = model.generation[generator, step]
            injections.participant[owner, step].append(term)
            injections.feeder[feeder, step].append(term)
            injections.production[owner, step].append(term)
    cost = data.generation_cost_krw_per_kwh
    if cost.any():
        injections.costs.append(pyo.quicksum(
            float(cost[step, generator]) * model.generation[generator, step]
            for generator in model.generators for step in model.steps if cost[step, generator]
        ))


def update_generators(vectors, model: pyo.ConcreteModel, data) -> None:
    """A window's availability, minimum output and marginal cost."""
    vectors.set_lower(model.generation, data.min_generation_kwh)
    vectors.set_upper(model.generation, data.available_kwh)
    vectors.set_cost(model.generation, data.generation_cost_krw_per_kwh)


COMPONENT = Component("generators", define_generators, update_generators)
