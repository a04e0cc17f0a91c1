"""The park's network: feeders and the transformer to KEPCO.

``feeder_flow[f, t]`` is the energy flowing from the main bus into feeder
``f`` [kWh per step] (negative when the feeder exports), computed from the
physical loads and injections on it; ``transformer_flow[t]`` is the energy
drawn from KEPCO (negative: reverse flow). Both are held within their
limits each way. In *elastic* mode every limit gets a penalised slack, so
that an infeasible day can be explained: which limit, which step, by how much.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from market.dispatch.components.base import Component

#: Penalty on limit slack in elastic mode [KRW/kWh]: far above any price, so
#: slack is used only where no feasible dispatch exists.
ELASTIC_PENALTY_KRW_PER_KWH = 1.0e6


def feeder_load_kwh(data) -> np.ndarray:
    """(time, feeder) load of the participants on each feeder [kWh per step]."""
    load = np.zeros((len(data.feeders), len(data.time)))
    np.add.at(load, data.participant_feeder, data.load_kwh.T)
    return load.T


def define_network(model: pyo.ConcreteModel, data, injections, options) -> None:
    """Add feeder and transformer flows [kWh per step] and their limits."""
    elastic = options.elastic
    step_hours = data.step_hours
    feeders = data.park.network.feeders
    transformer = data.park.network.transformer
    load_on_feeder = feeder_load_kwh(data)

    def feeder_bounds(_model, feeder, _step):
        if elastic:
            return (None, None)
        spec = feeders[feeder]
        return (-spec.backward_limit_kw * step_hours, spec.forward_limit_kw * step_hours)

    model.feeder_flow = pyo.Var(model.feeders, model.steps, bounds=feeder_bounds)

    def feeder_definition(_model, feeder, step):
        injected = injections.feeder.get((feeder, step), ())
        return model.feeder_flow[feeder, step] + sum(injected) == float(load_on_feeder[step, feeder])

    model.feeder_definition = pyo.Constraint(model.feeders, model.steps, rule=feeder_definition)

    transformer_bounds = (None, None) if elastic else (
        -transformer.export_limit_kw * step_hours,
        transformer.import_limit_kw * step_hours,
    )
    model.transformer_flow = pyo.Var(model.steps, bounds=transformer_bounds)

    exports_by_step = {step: [] for step in model.steps}
    for participant, step in model.grid_export.index_set():
        exports_by_step[step].append(model.grid_export[participant, step])

    def transformer_definition(_model, step):
        imports = [model.grid_import[participant, step] for participant in model.participants]
        return model.transformer_flow[step] - pyo.quicksum(imports) + pyo.quicksum(
            exports_by_step[step]) == 0

    model.transformer_definition = pyo.Constraint(model.steps, rule=transformer_definition)
    if elastic:
        _define_elastic_limits(model, data, injections)


def update_network(vectors, model: pyo.ConcreteModel, data) -> None:
    """A window's load on each feeder (the limits are the park's)."""
    vectors.set_rhs(model.feeder_definition, feeder_load_kwh(data))


def _define_elastic_limits(model, data, injections) -> None:
    step_hours = data.step_hours
    feeders = data.park.network.feeders
    transformer = data.park.network.transformer
    model.feeder_forward_slack = pyo.Var(model.feeders, model.steps, within=pyo.NonNegativeReals)
    model.feeder_backward_slack = pyo.Var(model.feeders, model.steps, within=pyo.NonNegativeReals)
    model.transformer_import_slack = pyo.Var(model.steps, within=pyo.NonNegativeReals)
    model.transformer_export_slack = pyo.Var(model.steps, within=pyo.NonNegativeReals)
    model.feeder_forward_limit = pyo.Constraint(
        model.feeders, model.steps,
        rule=lambda m, f, t: m.feeder_flow[f, t] <= feeders[f].forward_limit_kw * step_hours + m.feeder_forward_slack[f, t],
    )
    model.feeder_backward_limit = pyo.Constraint(
        model.feeders, model.steps,
        rule=lambda m, f, t: -m.feeder_flow[f, t] <= feeders[f].backward_limit_kw * step_hours + m.feeder_backward_slack[f, t],
    )
    model.transformer_import_limit = pyo.Constraint(
        model.steps,
        rule=lambda m, t: m.transformer_flow[t] <= transformer.import_limit_kw * step_hours + m.transformer_import_slack[t],
    )
    model.transformer_export_limit = pyo.Constraint(
        model.steps,
        rule=lambda m, t: -m.transformer_flow[t] <= transformer.export_limit_kw * step_hours + m.transformer_export_slack[t],
    )
    injections.costs.append(
        ELASTIC_PENALTY_KRW_PER_KWH
        * (
            sum(model.feeder_forward_slack[f, t] + model.feeder_backward_slack[f, t] for f in model.feeders for t in model.steps)
            + sum(model.transformer_import_slack[t] + model.transformer_export_slack[t] for t in model.steps)
        )
    )


COMPONENT = Component("network", define_network, update_network)
