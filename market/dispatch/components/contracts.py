"""Standing bilateral contracts: delivered first, between their two parties.

Each active contract gets ``contract_delivery[c, t]`` (seller -> buyer, part of
the seller's ``sold`` and the buyer's ``bought``) and ``contract_shortfall[c, t]``
with ``delivery + shortfall == target``: the contract's shape (kWh per hour) or
its share of the seller's output (of its renewable generators for a renewable
source). Shortfall costs :data:`CONTRACT_PRIORITY_KRW_PER_KWH`, far above any
grid price, so whatever the seller can deliver goes to the contract before the
pool; what it cannot is settled by the contract's shortfall rule after the
clearing (:mod:`market.dispatch.order_results`). A renewable-source delivery
counts against the seller's renewable generation
(:mod:`market.dispatch.components.pairs`).
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from market.dispatch.components.base import Component

#: Cost of a contracted kWh not delivered [KRW/kWh]: above any grid price or demand-charge
#: share, so the LP delivers contracts first (a priority, not a price: nobody pays it).
CONTRACT_PRIORITY_KRW_PER_KWH = 1.0e4


def define_contracts(model: pyo.ConcreteModel, data, injections, options) -> None:
    """Add contract delivery and shortfall [kWh per step] and each contract's target."""
    contracts = data.orders.contracts
    steps = range(len(data.time))
    sellers = {participant for participant, _step in model.sold.index_set()}
    buyers = set(model.bought.index_set())
    index = [(row, step) for row in range(len(contracts)) for step in steps]
    deliverable = [(row, step) for row, step in index
                   if contracts[row].seller in sellers and (contracts[row].buyer, step) in buyers]
    model.contract_delivery = pyo.Var(deliverable, within=pyo.NonNegativeReals)
    model.contract_shortfall = pyo.Var(index, within=pyo.NonNegativeReals)
    can_deliver = set(deliverable)

    def target(_model, row, step):
        contract = contracts[row]
        terms = [model.contract_shortfall[row, step]]
        if (row, step) in can_deliver:
            terms.append(model.contract_delivery[row, step])
        if contract.kwh is not None:
            return pyo.quicksum(terms) == float(contract.kwh[step])
        output = [model.generation[g, step] for g in contract.generators]
        return pyo.quicksum(terms) - contract.share * pyo.quicksum(output) == 0

    model.contract_target = pyo.Constraint(index, rule=target)
    for row, step in deliverable:
        contract = contracts[row]
        delivery = model.contract_delivery[row, step]
        injections.sold_parts[contract.seller, step].append(delivery)
        injections.bought_parts[contract.buyer, step].append(delivery)
        if contract.renewable:
            injections.renewable_sales[contract.seller, step].append(delivery)
    if index:
        injections.costs.append(CONTRACT_PRIORITY_KRW_PER_KWH * pyo.quicksum(model.contract_shortfall.values()))


def contract_shape_kwh(data) -> np.ndarray:
    """(time, contract) the fixed-shape contracts' targets [kWh per step] (0 for shares of output)."""
    contracts = data.orders.contracts
    shape = np.zeros((len(data.time), len(contracts)))
    for position, contract in enumerate(contracts):
        if contract.kwh is not None:
            shape[:, position] = contract.kwh
    return shape


def update_contracts(vectors, model: pyo.ConcreteModel, data) -> None:
    """A window's fixed-shape targets (the same each day of a contract's term)."""
    if data.orders.contracts:
        vectors.set_rhs(model.contract_target, contract_shape_kwh(data))


COMPONENT = Component("contracts", define_contracts, update_contracts)
