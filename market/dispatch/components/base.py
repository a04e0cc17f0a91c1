"""What every dispatch component shares: injections, build options, the component record."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable


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
    #: ``sold_parts[(p, t)]`` / ``bought_parts[(p, t)]``: parts of a participant's sales and purchases
    #: already decided between named parties (contract deliveries) [kWh]; the order-book components
    #: keep ``sold``/``bought`` at least their sum.
    sold_parts: dict = field(default_factory=lambda: defaultdict(list))
    bought_parts: dict = field(default_factory=lambda: defaultdict(list))
    #: ``renewable_sales[(p, t)]``: sales of ``p`` that must come from its renewable generation [kWh].
    renewable_sales: dict = field(default_factory=lambda: defaultdict(list))

    def producers(self) -> list[int]:
        """Positions of participants that produce something (may sell and export), sorted."""
        return sorted({participant for participant, _step in self.production})


@dataclass(frozen=True)
class BuildOptions:
    """How a model is built.

    Attributes
    ----------
    elastic : bool
        Give every network limit a penalised slack, to explain infeasible days.
    """

    elastic: bool = False


@dataclass(frozen=True)
class Component:
    """One part of the dispatch LP: how it is built, and how a window changes its numbers.

    Attributes
    ----------
    name : str
    define : callable
        ``define(model, data, injections, options)``.
    update : callable
        ``update(vectors, model, data)``; ``None`` when nothing of it changes between windows.
    """

    name: str
    define: Callable
    update: Callable | None = None
