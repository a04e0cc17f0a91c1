"""Shared fixtures: a small synthetic park dispatched under both pricing rules (run once per session)."""

from __future__ import annotations

import pytest

from market.dispatch import run_dispatch
from market.ledger import open_ledger
from microgrid.park.synthetic import synthetic_inputs, synthetic_park

DAYS = ("2026-07-01", "2026-01-10")  # a summer weekday and a winter Saturday
RULES = ("shared_savings", "marginal")


@pytest.fixture(scope="session")
def small_park():
    return synthetic_park(4, seed=0)


@pytest.fixture(scope="session")
def dispatched(small_park):
    """(rule, day) -> dispatch Dataset of the small park."""
    return {(rule, day): run_dispatch(small_park, synthetic_inputs(small_park, day, seed=0), pricing_rule=rule).dataset
            for rule in RULES for day in DAYS}


@pytest.fixture()
def ledger(tmp_path):
    opened = open_ledger(tmp_path / "ledger.sqlite")
    yield opened
    opened.close()
