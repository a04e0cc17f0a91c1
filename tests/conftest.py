"""Test-suite wide settings.

Hypothesis runs deterministically (``derandomize=True``: the same examples
every run, so a failure in CI reproduces locally), without a per-example
deadline (an LP solve has variable wall time on a shared 2-core machine) and
with 25 examples per property, which keeps the dispatch properties well under
a minute. ``HYPOTHESIS_PROFILE=thorough`` runs more, still deterministic.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

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
