"""The REC leg of an export: what a certificate holder's renewable export earns on top of SMP.

One export price for the LP and settlement: an export earns SMP
(``data.export_price``, in :mod:`market.dispatch.components.participants`)
plus, where the seller holds the certificates and the park sells them with
the export (:func:`market.settlement.kepco.rec_price_on_export`), the REC
value ``data.export_rec_krw_per_kwh`` on the REC-eligible part of the export,
:func:`market.settlement.kepco.rec_eligible_kwh` ``= min(export, renewable
generation, renewable surplus)``. Settlement pays the same function of the plan.

For each eligible participant ``p`` (a REC value > 0 and a PV or wind
generator of its own) and step ``t``::

    0 <= rec_export[p, t] <= max(available PV and wind of p - load of p, 0)   (a bound: data)
    rec_export[p, t] <= grid_export[p, t]
    rec_export[p, t] <= sum(generation of p's renewable generators)
    cost: -export_rec_krw_per_kwh[p] * rec_export[p, t]

The REC value is positive, so at the optimum ``rec_export`` is the smallest
of the three: exactly ``rec_eligible_kwh`` of the plan. The surplus bound is
what keeps a holder from exporting its PV at SMP + REC while importing its
own load whenever SMP + REC exceeds its grid price.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from market.dispatch.components.base import Component


def rec_sellers(data) -> list[int]:
    """Positions of the participants whose exports may earn a REC, sorted."""
    renewable_owners = {int(owner) for owner, renewable in zip(data.generator_owner, data.generator_renewable)
                        if renewable}
    return [p for p in sorted(renewable_owners) if data.export_rec_krw_per_kwh[p] > 0]


def define_export_rec(model: pyo.ConcreteModel, data, injections, options) -> None:
    """Add ``rec_export[p, t]`` [kWh per step] bounded by the REC-eligible export, valued at the REC price."""
    sellers = rec_sellers(data)
    surplus = data.renewable_surplus_kwh
    index = [(p, step) for p in sellers for step in model.steps if surplus[step, p] > 0]

    def bounds(_model, participant, step):
        return (0.0, float(surplus[step, participant]))

    model.rec_export = pyo.Var(index, bounds=bounds)
    renewable = {p: [g for g in model.generators if int(data.generator_owner[g]) == p
                     and data.generator_renewable[g]] for p in sellers}

    def within_export(_model, participant, step):
        return model.rec_export[participant, step] - model.grid_export[participant, step] <= 0

    def within_generation(_model, participant, step):
        return model.rec_export[participant, step] - pyo.quicksum(
            model.generation[g, step] for g in renewable[participant]) <= 0

    model.rec_within_export = pyo.Constraint(index, rule=within_export)
    model.rec_within_generation = pyo.Constraint(index, rule=within_generation)
    if index:
        injections.costs.append(pyo.quicksum(
            -float(data.export_rec_krw_per_kwh[p]) * model.rec_export[p, step] for p, step in index))


def update_export_rec(vectors, model: pyo.ConcreteModel, data) -> None:
    """A window's renewable surplus (the bound) and the REC values."""
    vectors.set_upper(model.rec_export, np.maximum(data.renewable_surplus_kwh, 0.0))
    shape = data.renewable_surplus_kwh.shape
    vectors.set_cost(model.rec_export, -np.broadcast_to(np.asarray(data.export_rec_krw_per_kwh)[None, :], shape))


COMPONENT = Component("export_rec", define_export_rec, update_export_rec)
