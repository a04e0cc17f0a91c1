"""Pyomo builders, one per component kind.

Each builder adds its variables and constraints to the model and registers
what it injects into participants' balances and feeders' flows in the
shared :class:`Injections`, and what it costs in the objective's term list.
Asset builders are looked up by the asset spec's ``role``, so a new kind of
asset with a new role is a new file here plus one line in
:data:`ASSET_BUILDERS`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from market.dispatch.components import generators, storage
from market.dispatch.components.network import define_network
from market.dispatch.components.ownership import define_storage_owner_rationality
from market.dispatch.components.participants import define_demand_charge, define_participants
from market.dispatch.components.trading import define_trading


@dataclass
class Injections:
    """Linear terms injected into participants' balances and feeders.

    ``participant[(p, t)]`` holds energy made available to participant ``p``
    in step ``t`` (positive = supply, negative = consumption) [kWh];
    ``feeder[(f, t)]`` the same for the physical injection into feeder ``f``.
    ``costs`` collects objective terms [KRW].
    """

    participant: dict = field(default_factory=lambda: defaultdict(list))
    feeder: dict = field(default_factory=lambda: defaultdict(list))
    #: ``production[(p, t)]``: what participant ``p`` generated or discharged,
    #: the most it may sell to others [kWh].
    production: dict = field(default_factory=lambda: defaultdict(list))
    costs: list = field(default_factory=list)


__all__ = [
    "ASSET_BUILDERS",
    "Injections",
    "define_demand_charge",
    "define_network",
    "define_participants",
    "define_storage_owner_rationality",
    "define_trading",
]

ASSET_BUILDERS = {
    "generator": generators.define_generators,
    "storage": storage.define_storage,
}
