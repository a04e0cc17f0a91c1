"""Offers and bids of the order book, cleared in the pool with their prices.

A tenant without orders keeps the default: it buys at its grid price cap
(grid price less the fee) and sells at the export floor (SMP), which the
cost-minimising LP already expresses through the balances (a kWh bought
saves an import, a kWh sold forgoes an export). An order replaces that
default in the steps it covers, for its participant:

- ``offer_kwh[k, t]`` <= the offer's cap [kWh per step], costing
  ``min_price - export_price`` per kWh: with the forgone export, a sale via
  the offer costs the seller its stated minimum price (welfare: offer cost);
- ``bid_kwh[k, t]`` <= the bid's cap, costing ``grid price - fee - max_price``:
  with the import it saves and the fee, a purchase via the bid is worth its
  stated maximum price to the bidder (welfare: bid value).

So the pool clears at a price (its dual) between the accepted offers' and
bids' prices, as in a pool with a merit order. In the steps an order covers
its participant's ``sold`` (``bought``) is exactly its offers (bids) plus its
contract deliveries; elsewhere at least its contract deliveries. An offer that
names assets sells at most what those assets generate.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from market.dispatch.components.base import Component


def offer_cost(data) -> np.ndarray:
    """(time, offer) objective coefficient of ``offer_kwh``: min price - export price [KRW/kWh]."""
    offers = data.orders.offers
    prices = np.array([offer.price for offer in offers], dtype=float)
    return prices[None, :] - np.asarray(data.export_price, dtype=float)[:, None]


def bid_cost(data) -> np.ndarray:
    """(time, bid) objective coefficient of ``bid_kwh``: grid price - fee - max price [KRW/kWh]."""
    bids = data.orders.bids
    fee = data.park.market.trade_fee_krw_per_kwh
    cost = np.zeros((len(data.time), len(bids)))
    for position, bid in enumerate(bids):
        cost[:, position] = data.import_price[:, bid.participant] - fee - bid.price
    return cost


def bidder_export_floor_kwh(data) -> np.ndarray:
    """(time, participant) the must-run floor of each participant's generators [kWh per step]."""
    floor = np.zeros((len(data.time), len(data.participants)))
    np.add.at(floor.T, data.generator_owner, data.min_generation_kwh.T)
    return floor


def define_market_orders(model: pyo.ConcreteModel, data, injections, options) -> None:
    """Add offer and bid segments [kWh per step], their welfare terms, and the split of ``sold``/``bought``."""
    orders = data.orders
    sellers = set(model.sold.index_set())
    buyers = set(model.bought.index_set())
    offer_index = [(row, int(step)) for row, offer in enumerate(orders.offers)
                   for step in np.flatnonzero(offer.steps) if (offer.participant, int(step)) in sellers]
    bid_index = [(row, int(step)) for row, bid in enumerate(orders.bids)
                 for step in np.flatnonzero(bid.steps) if (bid.participant, int(step)) in buyers]
    model.offer_kwh = pyo.Var(offer_index, within=pyo.NonNegativeReals,
                              bounds=lambda _m, row, _step: (0.0, orders.offers[row].cap_kwh))
    model.bid_kwh = pyo.Var(bid_index, within=pyo.NonNegativeReals,
                            bounds=lambda _m, row, _step: (0.0, orders.bids[row].cap_kwh))
    with_assets = [(row, step) for row, step in offer_index if orders.offers[row].generators]
    model.offer_assets = pyo.Constraint(with_assets, rule=lambda m, row, step: m.offer_kwh[row, step] <= pyo.quicksum(
        m.generation[g, step] for g in orders.offers[row].generators))

    # A participant's orders are all it trades in the pool that day: in steps its orders do not
    # cover it sells (buys) nothing there, contract deliveries apart.
    offering = {offer.participant for offer in orders.offers}
    bidding = {bid.participant for bid in orders.bids}
    offered = {key: [] for key in sorted(sellers) if key[0] in offering}
    bidden = {key: [] for key in sorted(buyers) if key[0] in bidding}
    for row, step in offer_index:
        offered[orders.offers[row].participant, step].append(model.offer_kwh[row, step])
    for row, step in bid_index:
        bidden[orders.bids[row].participant, step].append(model.bid_kwh[row, step])
    model.sold_split = _split(model.sold, offered, injections.sold_parts)
    model.bought_split = _split(model.bought, bidden, injections.bought_parts)
    # No wash trades: a bid worth more than the grid price would otherwise buy park energy only to
    # sell or export the bidder's own. In a step its bid covers a bidder sells nothing in the pool
    # (contract deliveries apart) and exports at most its generators' must-run floor.
    bid_steps = sorted({(orders.bids[row].participant, step) for row, step in bid_index} & sellers)
    floor = bidder_export_floor_kwh(data)
    model.bidder_no_resale = pyo.Constraint(bid_steps, rule=lambda m, p, t: m.sold[p, t] + m.grid_export[p, t]
                                            - pyo.quicksum(injections.sold_parts.get((p, t), ())) <= float(floor[t, p]))
    if offer_index:
        cost = offer_cost(data)
        injections.costs.append(pyo.quicksum(float(cost[step, row]) * model.offer_kwh[row, step]
                                             for row, step in offer_index))
    if bid_index:
        cost = bid_cost(data)
        injections.costs.append(pyo.quicksum(float(cost[step, row]) * model.bid_kwh[row, step]
                                             for row, step in bid_index))


def _split(variable, ordered: dict, parts: dict) -> pyo.Constraint:
    """``variable == orders + parts`` where orders cover the step, ``variable >= parts`` elsewhere."""
    index = sorted(set(ordered) | {key for key, terms in parts.items() if terms})

    def rule(_model, participant, step):
        key = (participant, step)
        decided = pyo.quicksum(parts.get(key, ()))
        if key in ordered:
            return variable[key] - pyo.quicksum(ordered[key]) - decided == 0
        return variable[key] - decided >= 0

    return pyo.Constraint(index, rule=rule)


def update_market_orders(vectors, model: pyo.ConcreteModel, data) -> None:
    """A window's grid and export prices move the bids' and offers' welfare terms."""
    if data.orders.offers:
        vectors.set_cost(model.offer_kwh, offer_cost(data))
    if data.orders.bids:
        vectors.set_cost(model.bid_kwh, bid_cost(data))
        vectors.set_rhs(model.bidder_no_resale, bidder_export_floor_kwh(data))


COMPONENT = Component("market_orders", define_market_orders, update_market_orders)
