"""The park's internal market: a pooled clearing of direct trades.

Sellers' sales and buyers' purchases are cleared through one pool per step
(``sum(sold) == sum(bought)``); the bilateral seller -> buyer matrix is
allocated afterwards (:mod:`market.pricing.allocation`). Pooling keeps the
model linear in the number of participants instead of quadratic: a full
pairwise matrix in the LP solved about six times slower for 100 x 100, and
the physical flows do not depend on who is matched with whom, only on each
participant's net position. The buyer pays the platform fee per kWh.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from market.dispatch.components.base import Component


def define_trading(model: pyo.ConcreteModel, data, injections, options) -> None:
    """Add the pool balance of every step; its dual is the park's marginal trade value [KRW/kWh]."""
    sold_by_step = defaultdict(list)
    bought_by_step = defaultdict(list)
    for participant, step in model.sold.index_set():
        sold_by_step[step].append(model.sold[participant, step])
    for participant, step in model.bought.index_set():
        bought_by_step[step].append(-model.bought[participant, step])

    def pool_balance(_model, step):
        return pyo.quicksum(sold_by_step[step] + bought_by_step[step]) == 0

    model.pool_balance = pyo.Constraint(model.steps, rule=pool_balance)
    fee = data.park.market.trade_fee_krw_per_kwh
    if fee:
        injections.costs.append(fee * pyo.quicksum(model.bought.values()))


#: Nothing of the pool changes between windows: its balance is 0 == 0 and the fee is the park's.
COMPONENT = Component("trading", define_trading, None)
