"""Who sells to whom, where an order says it matters: pair flows for named counterparties.

Only bids that restrict or prefer their sellers get pair variables
``bid_pair[s, k, t]`` (seller ``s`` -> bid ``k`` in step ``t``), and only
for the sellers they may take from; every other trade stays in the pool and
is allocated pro rata afterwards, so the model stays linear in the number
of participants:

- a renewable-only bid (``product = "renewable"``) is matched only with
  sellers owning renewable generation, and what they sell to such bids and
  to renewable-source contracts stays within their renewable generation of
  the step (renewable energy or nothing: no battery or grid energy);
- ``excluded`` counterparties get no pair: the bid is matched only with the
  others;
- ``preferred`` counterparties are matched first: their pairs earn
  :data:`PREFERENCE_BONUS_KRW_PER_KWH`, a tie-break the park pays nothing
  for (who is matched with whom does not change the physical flows).

A restricted bid's purchases equal its pairs; a bid that only prefers takes
what its preferred sellers do not give it from the pool. A seller's pairs
and contract deliveries together stay within what it sells.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from market.dispatch.components.base import Component

#: Objective bonus per kWh matched with a preferred counterparty [KRW/kWh]: a tie-break only.
PREFERENCE_BONUS_KRW_PER_KWH = 0.01


def pair_index(model, data) -> list[tuple[int, int, int]]:
    """(seller, bid, step) of every pair variable: paired bids' allowed (or preferred) sellers that sell."""
    bids = data.orders.bids
    selling = set(model.sold.index_set())
    index = []
    for row, step in model.bid_kwh.index_set():
        bid = bids[row]
        if not bid.paired:
            continue
        sellers = bid.sellers if bid.sellers is not None else bid.preferred
        index.extend((seller, row, step) for seller in sellers if (seller, step) in selling)
    return index


def define_pairs(model: pyo.ConcreteModel, data, injections, options) -> None:
    """Add pair flows [kWh per step] for paired bids, and sellers' pair and renewable limits."""
    bids = data.orders.bids
    index = pair_index(model, data)
    model.bid_pair = pyo.Var(index, within=pyo.NonNegativeReals)
    by_bid, by_seller, renewable_by_seller = defaultdict(list), defaultdict(list), defaultdict(list)
    for seller, row, step in index:
        pair = model.bid_pair[seller, row, step]
        by_bid[row, step].append(pair)
        by_seller[seller, step].append(pair)
        if bids[row].renewable:
            renewable_by_seller[seller, step].append(pair)
    paired = [(row, step) for row, step in model.bid_kwh.index_set() if bids[row].paired]

    def bid_pairs(_model, row, step):
        pairs = pyo.quicksum(by_bid.get((row, step), ()))
        if bids[row].sellers is not None:  # restricted: only these sellers (possibly none: nothing)
            return model.bid_kwh[row, step] - pairs == 0
        return model.bid_kwh[row, step] - pairs >= 0

    model.bid_pairs = pyo.Constraint(paired, rule=bid_pairs)
    limited = sorted(set(by_seller))
    model.pair_seller_limit = pyo.Constraint(limited, rule=lambda m, seller, step: m.sold[seller, step] - pyo.quicksum(
        by_seller[seller, step]) - pyo.quicksum(injections.sold_parts.get((seller, step), ())) >= 0)
    for key, terms in injections.renewable_sales.items():
        renewable_by_seller[key].extend(terms)
    renewable = set(data.orders.renewable_generators)
    own = defaultdict(list)
    for generator, owner in enumerate(data.generator_owner):
        if generator in renewable:
            own[int(owner)].append(generator)

    def renewable_limit(_model, seller, step):
        generated = pyo.quicksum(model.generation[g, step] for g in own.get(seller, ()))
        return generated - pyo.quicksum(renewable_by_seller[seller, step]) >= 0

    model.renewable_limit = pyo.Constraint(sorted(key for key, terms in renewable_by_seller.items() if terms),
                                           rule=renewable_limit)
    preferred = [(seller, row, step) for seller, row, step in index if seller in bids[row].preferred]
    if preferred:
        injections.costs.append(-PREFERENCE_BONUS_KRW_PER_KWH * pyo.quicksum(
            model.bid_pair[key] for key in preferred))


#: Nothing of the pairs changes between windows: their structure and tie-break are the book's.
COMPONENT = Component("pairs", define_pairs, None)
