"""The demo park as the tests use it: generous feeder limits, optionally with extra assets.

The batch and model tests are about the batch and the model, not congestion
(the demo park's F2 can be overloaded on some forecast days, which ends a
batch with exit 3), so feeder limits are doubled.
"""

from __future__ import annotations

import tomllib

from microgrid.park import Park, demo_park_path, parse_park


def generous_demo_park(*assets: dict) -> tuple[Park, str]:
    """The demo park with doubled feeder limits and ``assets`` appended, and its file name."""
    source = str(demo_park_path())
    raw = tomllib.loads(demo_park_path().read_text(encoding="utf-8"))
    for feeder in raw["network"]["feeders"]:
        feeder["limit_kw"] = 2 * feeder["limit_kw"]
    raw["assets"] = [*raw.get("assets", []), *assets]
    return parse_park(raw, source), source
