"""The dispatch LP's components, one file per kind.

Each component file owns its part of the LP twice over:

- ``define(model, data, injections, options)`` adds its variables and
  constraints to the Pyomo model and registers what it injects into
  participants' balances and feeders' flows in the shared
  :class:`Injections`, and what it costs in the objective's term list;
- ``update(vectors, model, data)`` writes the numbers that change from one
  window to the next (bounds, right-hand sides, costs, coefficients) into a
  compiled LP's :class:`~market.dispatch.lp.WindowVectors`, in the
  component's own terms.

The one-day path builds the model from a window's data (``define`` only);
the rolling batch builds it once and re-solves it with ``update`` per
window (:mod:`market.batch.engine`). Both run the same component code, so
a new component is written once: a file here with a :class:`Component`,
and its place in :data:`COMPONENTS` (asset components are picked by the
asset spec's role, :data:`ASSET_COMPONENTS`).
"""

from __future__ import annotations

from market.dispatch.components import (
    contracts,
    demand_charge,
    export_rec,
    flexibility,
    generators,
    market_orders,
    network,
    ownership,
    pairs,
    participants,
    storage,
    trading,
)
from market.dispatch.components.base import BuildOptions, Component, Injections
from microgrid.assets import AssetRole

#: Asset components by the asset spec's role.
ASSET_COMPONENTS: dict[AssetRole, Component] = {
    AssetRole.GENERATOR: generators.COMPONENT,
    AssetRole.STORAGE: storage.COMPONENT,
}

#: Every component in build order: the assets' (by role), then what ties them together.
COMPONENTS: tuple[Component, ...] = (
    *ASSET_COMPONENTS.values(),
    flexibility.COMPONENT,  # the order book's flexible loads inject into balances and feeders
    participants.COMPONENT,
    trading.COMPONENT,
    contracts.COMPONENT,  # order book: contracts first, then offers and bids, then who is paired with whom
    market_orders.COMPONENT,
    pairs.COMPONENT,
    network.COMPONENT,
    demand_charge.COMPONENT,
    export_rec.COMPONENT,
    ownership.COMPONENT,
)

__all__ = ["ASSET_COMPONENTS", "BuildOptions", "COMPONENTS", "Component", "Injections"]
