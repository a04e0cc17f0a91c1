"""Fixtures shared by the batch tests."""

from __future__ import annotations

import pytest

import tomllib

from microgrid.park import demo_park_path, parse_park


@pytest.fixture(scope="module")
def raw():
    """The demo park (and its file name) with generous feeder limits: the batch tests are about the batch, not
    congestion (the demo park's F2 can be overloaded on some forecast days, which ends a batch with exit 3)."""
    source = str(demo_park_path())
    raw = tomllib.loads(demo_park_path().read_text(encoding="utf-8"))
    for feeder in raw["network"]["feeders"]:
        feeder["limit_kw"] = 2 * feeder["limit_kw"]
    return parse_park(raw, source), source
