"""Keeping a storage owner whole: no worse off than buying from KEPCO alone.

The dispatch minimises the park's cost, and a shared battery creates value
for the park that its owner is not always paid for: discharging into a
Saturday's mid-load hours relieves buyers' demand charges, but a trade is
priced on energy rates only. Left alone, the optimiser can make the
battery's owner pay for the park's saving.

For every participant that owns storage this builder adds one constraint
over the window: its grid energy cost, plus the most it can pay for what it
buys, less the least it can earn for what it sells and exports, stays at or
below the cost of its own load at its grid price::

    sum_t  r_t * import_t + buy_cap_t * bought_t - floor_t * sold_t - e_t * export_t
        <= sum_t r_t * load_t

``floor_t`` and ``buy_cap_t`` are the prices the park's pricing rule
guarantees before the clearing is known (:class:`market.pricing.PricingRule`):
exact for ``shared_savings`` in a park with one tariff, the export price
(conservative) for ``marginal``. A ``target`` terminal rule above the
starting charge forces the owner to store energy for tomorrow; the cost of
that forced charge, bought at the owner's dearest grid price of the window,
is added to the right-hand side. Doing nothing else (battery idle apart
from the forced charge) then satisfies the constraint, so it never makes a
day infeasible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo

from market.dispatch.components.base import Component
from market.pricing import PRICING_RULES


@dataclass(frozen=True)
class OwnerRow:
    """Coefficients of one owner's constraint, per step [KRW/kWh], and its bound [KRW]."""

    grid_import: np.ndarray
    sold: np.ndarray
    grid_export: np.ndarray
    bought: np.ndarray
    bound_krw: float


def storage_owners(data) -> list[int]:
    """Positions of participants that own storage, sorted."""
    return sorted(set(int(owner) for owner in data.storage_owner))


def owner_row(data, owner: int) -> OwnerRow:
    """The no-worse-than-grid constraint of ``owner`` for the window of ``data``."""
    rule = PRICING_RULES[data.pricing_rule]
    fee = data.park.market.trade_fee_krw_per_kwh
    share = data.park.market.seller_share
    export_price = np.asarray(data.export_price, dtype=float)
    ceiling = data.import_price - fee
    grid_only = float(np.dot(data.import_price[:, owner], data.load_kwh[:, owner]))
    return OwnerRow(
        grid_import=np.asarray(data.import_price[:, owner], dtype=float),
        sold=-np.asarray(rule.seller_floor(export_price, ceiling, data.may_buy, share), dtype=float),
        grid_export=-export_price,
        bought=np.asarray(rule.buyer_cost_cap(export_price, ceiling[:, owner], share, fee), dtype=float),
        bound_krw=grid_only + forced_charge_cost(data, owner),
    )


def define_storage_owner_rationality(model: pyo.ConcreteModel, data, injections, options) -> None:
    """Add one no-worse-than-grid constraint per storage-owning participant [KRW]."""
    bought_index = set(model.bought.index_set())

    def owner_rule(_model, owner):
        row = owner_row(data, owner)
        terms = []
        for step in model.steps:
            terms.append(float(row.grid_import[step]) * model.grid_import[owner, step])
            terms.append(float(row.sold[step]) * model.sold[owner, step])
            terms.append(float(row.grid_export[step]) * model.grid_export[owner, step])
            if (owner, step) in bought_index:
                terms.append(float(row.bought[step]) * model.bought[owner, step])
        return pyo.quicksum(terms) <= row.bound_krw

    model.storage_owner_rationality = pyo.Constraint(storage_owners(data), rule=owner_rule)


#: The owner row's terms: each is an :class:`OwnerRow` field and the model variable of the same name.
OWNER_TERMS = ("grid_import", "sold", "grid_export", "bought")


def update_storage_owner_rationality(vectors, model: pyo.ConcreteModel, data) -> None:
    """A window's owner rows: the prices it guarantees are coefficients, the grid-only cost the bound."""
    bounds = np.zeros(len(data.participants))  # positions without an owner row are skipped
    for owner in storage_owners(data):
        row = owner_row(data, owner)
        constraint = model.storage_owner_rationality[owner]
        for name in OWNER_TERMS:
            steps, elements = vectors.lp.once(("storage owner terms", owner, name),
                                              lambda name=name: _owner_terms(model, getattr(model, name), owner))
            vectors.set_coefficients(constraint, elements, getattr(row, name)[steps])
        bounds[owner] = row.bound_krw
    vectors.set_rhs(model.storage_owner_rationality, bounds)

def _owner_terms(model, variable, owner: int) -> tuple[list[int], list]:
    """Steps in which ``variable`` has an element of ``owner``, and those elements."""
    steps = [step for step in model.steps if (owner, step) in variable]
    return steps, [variable[owner, step] for step in steps]


def forced_charge_cost(data, owner: int) -> float:
    """Cost of the net charge the terminal rules force on ``owner``'s storage [KRW]."""
    specs = data.park.assets_of_role("storage")
    dearest = float(data.import_price[:, owner].max())
    cost = 0.0
    for position, spec in enumerate(specs):
        if int(data.storage_owner[position]) != owner or spec.terminal_soc_rule != "target":
            continue
        target = min(max(spec.terminal_soc_fraction, spec.soc_min_fraction), spec.soc_max_fraction)
        shortfall = target * spec.energy_capacity_kwh - float(data.initial_soc_kwh[position])
        if shortfall > 0:
            cost += shortfall / spec.charge_efficiency * dearest
    return cost


COMPONENT = Component("storage_owner_rationality", define_storage_owner_rationality,
                      update_storage_owner_rationality)
