"""Flexible loads from the order book: deferrable process loads and curtailable loads.

A *deferrable* load (a cold store's pre-cooling, a furnace batch) must take
``energy_kwh`` inside its window at ``min_kw``-``max_kw``; the LP chooses the
hours, so it moves into cheap or sunny hours. It comes on top of the forecast
load (the forecast covers the inflexible load). A *curtailable* load is part of
the forecast load that its tenant will shed, up to ``max_kwh`` per hour, when
serving it costs more than its value of lost load (VoLL) [KRW/kWh]: shedding a
kWh costs its VoLL in the objective and saves what serving it would cost.

Both inject into their owner's balance and its feeder (a deferrable load
consumes, a shed load is load not drawn), so the network limits see them.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from market.dispatch.components.base import Component


def _index(rows) -> list[tuple[int, int]]:
    return [(row, int(step)) for row, order in enumerate(rows) for step in np.flatnonzero(order.steps)]


def curtailable_upper_kwh(data) -> np.ndarray:
    """(time, curtailable row) most each row may shed per step: its cap, at most its owner's load [kWh]."""
    rows = data.orders.curtailable
    upper = np.zeros((len(data.time), len(rows)))
    for position, row in enumerate(rows):
        upper[:, position] = np.minimum(row.cap_kwh, data.load_kwh[:, row.participant])
    return upper


def define_flexibility(model: pyo.ConcreteModel, data, injections, options) -> None:
    """Add ``deferrable_load[d, t]`` and ``curtailed_load[c, t]`` [kWh per step] with their injections."""
    orders = data.orders
    deferrable = _index(orders.deferrable)
    model.deferrable_load = pyo.Var(
        deferrable, within=pyo.NonNegativeReals,
        bounds=lambda _m, row, _step: (orders.deferrable[row].min_kwh, orders.deferrable[row].max_kwh))
    model.deferrable_energy = pyo.Constraint(
        range(len(orders.deferrable)),
        rule=lambda m, row: pyo.quicksum(m.deferrable_load[row, step] for r, step in deferrable if r == row)
        == orders.deferrable[row].energy_kwh)
    upper = curtailable_upper_kwh(data)
    curtailable = _index(orders.curtailable)
    model.curtailed_load = pyo.Var(curtailable, within=pyo.NonNegativeReals,
                                   bounds=lambda _m, row, step: (0.0, float(upper[step, row])))
    for row, step in deferrable:
        participant = orders.deferrable[row].participant
        injections.participant[participant, step].append(-model.deferrable_load[row, step])
        injections.feeder[int(data.participant_feeder[participant]), step].append(-model.deferrable_load[row, step])
    for row, step in curtailable:
        participant = orders.curtailable[row].participant
        injections.participant[participant, step].append(model.curtailed_load[row, step])
        injections.feeder[int(data.participant_feeder[participant]), step].append(model.curtailed_load[row, step])
    if curtailable:
        injections.costs.append(pyo.quicksum(orders.curtailable[row].voll * model.curtailed_load[row, step]
                                             for row, step in curtailable))


def update_flexibility(vectors, model: pyo.ConcreteModel, data) -> None:
    """A window's loads bound what can be shed (the orders themselves are the book's)."""
    if data.orders.curtailable:
        vectors.set_upper(model.curtailed_load, curtailable_upper_kwh(data))


COMPONENT = Component("flexibility", define_flexibility, update_flexibility)
