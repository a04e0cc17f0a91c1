"""Test-suite wide settings.

Shared fixtures: a small synthetic park dispatched under both pricing rules
(run once per session) and a fresh ledger.

Hypothesis runs deterministically (``derandomize=True``: the same examples
every run, so a failure in CI reproduces locally), without a per-example
deadline (an LP solve has variable wall time on a shared 2-core machine) and
with 25 examples per property, which keeps the dispatch properties well under
a minute. ``HYPOTHESIS_PROFILE=thorough`` runs more, still deterministic.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from market.dispatch import run_dispatch
from market.ledger import open_ledger
from microgrid.park.synthetic import synthetic_inputs, synthetic_park

settings.register_profile(
    "default",
    derandomize=True,
    deadline=None,
    max_examples=25,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    derandomize=True,
    deadline=None,
    max_examples=300,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


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
