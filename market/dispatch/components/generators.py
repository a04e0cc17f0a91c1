"""Variable generators: PV, waste-heat ORC, small wind.

Each generator delivers between zero and its available energy in every
step; the difference is curtailment. Their output is free: the cost of
curtailing is the energy that is not sold or used.
"""

from __future__ import annotations

import pyomo.environ as pyo


def define_generators(model: pyo.ConcreteModel, data, injections) -> None:
    """Add ``generation[g, t]`` [kWh per step] bounded by availability."""
    available = data.available_kwh

    def bounds(_model, generator, step):
        return (0.0, float(available[step, generator]))

    model.generation = pyo.Var(model.generators, model.steps, bounds=bounds, within=pyo.NonNegativeReals)
    for generator in model.generators:
        owner = int(data.generator_owner[generator])
        feeder = int(data.generator_feeder[generator])
        for step in model.steps:
            term = model.generation[generator, step]
            injections.participant[owner, step].append(term)
            injections.feeder[feeder, step].append(term)
            injections.production[owner, step].append(term)
