"""What the order book's part of a solved LP gives the results.

:func:`read_order_solution` reads the order components' variables
(:mod:`market.dispatch.components.market_orders`, ``pairs``, ``contracts``,
``flexibility``) into :class:`OrderSolution`; the rest turns them into what
the result Dataset carries:

- :func:`decided_trades`: the seller -> buyer kWh the LP itself decided (pair
  flows of renewable-only or counterparty-naming bids, contract deliveries),
  which :func:`market.pricing.allocation.allocate_with_decided` keeps as they
  are while allocating the rest of the pool pro rata;
- :func:`order_band`: each side's accepted orders' prices, the band a pricing
  rule prices within;
- :func:`contract_prices`: contract energy priced at its contract price;
- :func:`contract_report`: per contract, delivered and short [kWh] and what
  the shortfall rule settles [KRW].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo

from market.orders.schema import ShortfallRule

#: An accepted order: cleared more than this [kWh per step].
ACCEPTED_KWH = 1e-6


@dataclass(frozen=True)
class OrderSolution:
    """The order book's variables of a solved window, time first [kWh per step].

    ``bid_pairs`` rows are (step, seller, bid, kWh) of the pair flows.
    """

    bid_kwh: np.ndarray  # (time, bid)
    offer_kwh: np.ndarray  # (time, offer)
    bid_pairs: np.ndarray  # (n, 4)
    contract_delivered: np.ndarray  # (time, contract)
    contract_shortfall: np.ndarray  # (time, contract)
    deferrable: np.ndarray  # (time, deferrable row)
    curtailed: np.ndarray  # (time, curtailable row)
    #: (time,) scarcity value of renewable energy above the pool's: the largest dual of a seller's
    #: renewable limit [KRW/kWh] (0 where renewable energy is not scarce, or without duals).
    renewable_premium: np.ndarray | None = None


def _by_row(variable, shape: tuple[int, int]) -> np.ndarray:
    array = np.zeros(shape)
    for (row, step), value in variable.extract_values().items():
        if value is not None:
            array[step, row] = value
    return np.where(np.abs(array) < 1e-7, 0.0, array)


def read_order_solution(model: pyo.ConcreteModel, data, outcome=None) -> OrderSolution:
    """The solved ``model``'s order-book variables (zero-sized arrays for an empty book), and from
    ``outcome``'s duals (a :class:`market.dispatch.solve.SolveOutcome`) the renewable premium."""
    orders = data.orders
    steps = len(data.time)
    premium = np.zeros(steps)
    if outcome is not None:
        # A seller's renewable kWh is also worth its REC on export (export_rec: rec_export + sold <= its PV and
        # wind): both rows price the same kWh, so the premium is the sum of their shadow prices' magnitudes.
        rec_rows = getattr(model, "rec_within_generation", None)
        for (seller, step), constraint in model.renewable_limit.items():
            value = abs(float(outcome.duals.get(constraint, 0.0)))
            if rec_rows is not None and (seller, step) in rec_rows:
                value += abs(float(outcome.duals.get(rec_rows[seller, step], 0.0)))
            premium[step] = max(premium[step], value)
    pairs = [(step, seller, row, value) for (seller, row, step), value in model.bid_pair.extract_values().items()
             if value is not None and value > 1e-7]
    return OrderSolution(
        bid_kwh=_by_row(model.bid_kwh, (steps, len(orders.bids))),
        offer_kwh=_by_row(model.offer_kwh, (steps, len(orders.offers))),
        bid_pairs=np.array(pairs, dtype=float).reshape(-1, 4),
        contract_delivered=_by_row(model.contract_delivery, (steps, len(orders.contracts))),
        contract_shortfall=_by_row(model.contract_shortfall, (steps, len(orders.contracts))),
        deferrable=_by_row(model.deferrable_load, (steps, len(orders.deferrable))),
        curtailed=_by_row(model.curtailed_load, (steps, len(orders.curtailable))),
        renewable_premium=np.where(np.abs(premium) < 1e-7, 0.0, premium),
    )


def renewable_clearing_price(pool_price: np.ndarray, solution: OrderSolution | None) -> np.ndarray:
    """(time,) clearing price of the renewable-only product: the pool's plus the renewable premium [KRW/kWh]."""
    pool_price = np.asarray(pool_price, dtype=float)
    if solution is None or solution.renewable_premium is None:
        return pool_price.copy()
    return pool_price + solution.renewable_premium


def product_pool_price(data, solution: OrderSolution, pool_price: np.ndarray) -> np.ndarray:
    """(time, buyer) the clearing price each buyer's pool purchases face [KRW/kWh]: the
    renewable product's where the buyer's only active bids are renewable-only, else the pool's."""
    price = np.repeat(np.asarray(pool_price, dtype=float)[:, None], len(data.participants), axis=1)
    renewable = renewable_clearing_price(pool_price, solution)
    any_product = np.zeros(price.shape, dtype=bool)
    renewable_only = np.zeros(price.shape, dtype=bool)
    for bid in data.orders.bids:
        (renewable_only if bid.renewable else any_product)[:, bid.participant] |= bid.steps
    chosen = renewable_only & ~any_product
    price[chosen] = np.broadcast_to(renewable[:, None], price.shape)[chosen]
    return price


def per_participant(rows, values: np.ndarray, participants: int) -> np.ndarray:
    """(time, participant) sum of ``values`` (time, row) over each row's participant."""
    out = np.zeros((values.shape[0], participants))
    for position, row in enumerate(rows):
        out[:, row.participant] += values[:, position]
    return out


def decided_trades(data, solution: OrderSolution, sellers: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(time, seller, buyer) kWh the LP decided between named parties: (all of it, the contracts' part).

    ``sellers`` are the participant positions of the trade matrix's seller axis.
    """
    steps, participants = len(data.time), len(data.participants)
    column = {participant: position for position, participant in enumerate(sellers)}
    decided = np.zeros((steps, len(sellers), participants))
    contracted = np.zeros_like(decided)
    bids = data.orders.bids
    for step, seller, row, kwh in solution.bid_pairs:
        decided[int(step), column[int(seller)], bids[int(row)].participant] += kwh
    for position, contract in enumerate(data.orders.contracts):
        if contract.seller in column:
            contracted[:, column[contract.seller], contract.buyer] += solution.contract_delivered[:, position]
    return decided + contracted, contracted


def order_band(data, solution: OrderSolution, sellers: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(time, seller) floor and (time, buyer) ceiling prices [KRW/kWh] under the order book.

    Defaults: the export price, the buyer's grid price less the fee. In a step an
    offer (bid) covers, its participant's floor (ceiling) is the highest minimum
    (lowest maximum) price among its accepted orders, or among all its orders of
    the step when none was accepted.
    """
    fee = data.park.market.trade_fee_krw_per_kwh
    floor = np.repeat(np.asarray(data.export_price, dtype=float)[:, None], len(data.participants), axis=1)
    ceiling = np.asarray(data.import_price, dtype=float) - fee
    for orders, cleared, prices, pick in ((data.orders.offers, solution.offer_kwh, floor, np.fmax),
                                          (data.orders.bids, solution.bid_kwh, ceiling, np.fmin)):
        accepted = np.full(prices.shape, np.nan)
        stated = np.full(prices.shape, np.nan)
        for position, order in enumerate(orders):
            price = np.where(order.steps, order.price, np.nan)
            stated[:, order.participant] = pick(stated[:, order.participant], price)
            took = order.steps & (cleared[:, position] > ACCEPTED_KWH)
            accepted[:, order.participant] = pick(accepted[:, order.participant], np.where(took, order.price, np.nan))
        chosen = np.where(np.isnan(accepted), stated, accepted)
        prices[...] = np.where(np.isnan(chosen), prices, chosen)
    return floor[:, sellers], ceiling


def contract_prices(data, trade: np.ndarray, contracted: np.ndarray, rule_price: np.ndarray,
                    sellers: list[int]) -> np.ndarray:
    """(time, seller, buyer) price: contract energy at its contract price, the rest at the rule's [KRW/kWh]."""
    contract_money = np.zeros_like(trade)
    column = {participant: position for position, participant in enumerate(sellers)}
    for contract in data.orders.contracts:
        if contract.seller in column:
            contract_money[:, column[contract.seller], contract.buyer] += contract.price
    # contract_money holds the price per pair; pairs with two contracts are rare and take the mean of none.
    counts = np.zeros_like(trade)
    for contract in data.orders.contracts:
        if contract.seller in column:
            counts[:, column[contract.seller], contract.buyer] += 1
    price = np.divide(contract_money, counts, out=np.zeros_like(trade), where=counts > 0)
    pooled = trade - contracted
    blended = np.divide(contracted * price + pooled * rule_price, trade, out=rule_price.copy(), where=trade > 1e-9)
    return np.where(contracted > 0, blended, rule_price)


@dataclass(frozen=True)
class ContractOutcome:
    """One contract over the window: delivered and short [kWh], shortfall settlement [KRW] (+ = seller pays buyer)."""

    name: str
    seller: str
    buyer: str
    delivered_kwh: float
    shortfall_kwh: float
    shortfall_settlement_krw: float


def contract_report(data, solution: OrderSolution) -> list[ContractOutcome]:
    """Per contract: what was delivered, what was short, and what the shortfall rule settles."""
    outcomes = []
    for position, contract in enumerate(data.orders.contracts):
        short = solution.contract_shortfall[:, position]
        settlement = 0.0
        if contract.shortfall is ShortfallRule.GRID_PRICE:
            # The seller makes the buyer whole: its grid price less the contract price, per kWh short.
            gap = np.maximum(data.import_price[:, contract.buyer] - contract.price, 0.0)
            settlement = float(np.dot(short, gap))
        outcomes.append(ContractOutcome(contract.name, data.participants[contract.seller],
                                        data.participants[contract.buyer],
                                        float(solution.contract_delivered[:, position].sum()), float(short.sum()),
                                        settlement))
    return outcomes


@dataclass(frozen=True)
class OrderTrades:
    """The trade matrix and the prices' band under an order book.

    ``trade`` (time, seller, buyer) [kWh]; ``sold``/``bought`` (time, participant) its row and
    column sums [kWh]; ``floor`` (time, seller) and ``ceiling`` (time, buyer) [KRW/kWh];
    ``contracted`` (time, seller, buyer) the contracts' part of ``trade`` [kWh].
    """

    trade: np.ndarray
    sold: np.ndarray
    bought: np.ndarray
    floor: np.ndarray
    ceiling: np.ndarray
    contracted: np.ndarray


def order_trades(data, solution: OrderSolution, sold: np.ndarray, bought: np.ndarray,
                 sellers: list[int]) -> OrderTrades:
    """The LP's own pairs plus the pro-rata rest (:func:`market.pricing.allocation.allocate_with_decided`)."""
    from market.pricing.allocation import allocate_with_decided

    decided, contracted = decided_trades(data, solution, sellers)
    trade = allocate_with_decided(sold, bought, decided, sellers)
    trade = np.where(np.abs(trade) < 1e-7, 0.0, trade)
    row_sums = np.zeros_like(sold)
    row_sums[:, sellers] = trade.sum(axis=2)
    floor, ceiling = order_band(data, solution, sellers)
    return OrderTrades(trade, row_sums, trade.sum(axis=1), floor, ceiling, contracted)


#: The order book's result variables (time, participant) [kWh], by name (declared in market.dispatch.variables).
ORDER_VARIABLES = ("matched_any", "matched_renewable", "contract_delivered", "contract_shortfall",
                   "deferrable_load", "curtailed_load")


def order_arrays(data, solution: OrderSolution | None) -> dict[str, np.ndarray]:
    """(time, participant) arrays of :data:`ORDER_VARIABLES` (zeros without an order book) [kWh]."""
    shape = (len(data.time), len(data.participants))
    arrays = {name: np.zeros(shape) for name in ORDER_VARIABLES}
    if solution is None:
        return arrays
    orders = data.orders
    participants = shape[1]
    for position, bid in enumerate(orders.bids):
        name = "matched_renewable" if bid.renewable else "matched_any"
        arrays[name][:, bid.participant] += solution.bid_kwh[:, position]
    for position, contract in enumerate(orders.contracts):
        arrays["contract_delivered"][:, contract.buyer] += solution.contract_delivered[:, position]
        arrays["contract_shortfall"][:, contract.buyer] += solution.contract_shortfall[:, position]
    arrays["deferrable_load"] = per_participant(orders.deferrable, solution.deferrable, participants)
    arrays["curtailed_load"] = per_participant(orders.curtailable, solution.curtailed, participants)
    return arrays
