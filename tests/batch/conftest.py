"""Fixtures shared by the batch tests."""

from __future__ import annotations

import pytest

from market.batch.scenarios import read_park_raw


@pytest.fixture(scope="module")
def raw():
    """The demo park's raw TOML with generous feeder limits: the batch tests are about the batch, not
    congestion (the demo park's F2 can be overloaded on some forecast days, which ends a batch with exit 3)."""
    park, source = read_park_raw(None)
    for feeder in park["network"]["feeders"]:
        feeder["limit_kw"] = 2 * feeder["limit_kw"]
    return park, source
