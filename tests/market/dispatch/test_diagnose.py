"""Days that cannot be balanced: the error names the limit, the hour and the shortfall."""

from __future__ import annotations

import re

import numpy as np
import pytest
from tests.market.dispatch.small_parks import make_inputs, make_park, tenant

from market.dispatch import run_dispatch
from microgrid.errors import DispatchInfeasibleError

LOAD = [800.0] * 24
LOAD[14] = 1500.0  # 14:00-15:00
PV = [0.0] * 24
PV[14] = 100.0


def _park(**network):
    """T1 (load on F2, own PV on F2); the operator's 200 kW / 1000 kWh battery on F1."""
    return make_park(
        [tenant("OPERATOR", "F1", kind="operator"), tenant("T1", "F2")],
        [{"name": "PV-T1", "kind": "pv", "owner": "T1", "feeder": "F2", "dc_capacity_kw": 500.0},
         {"name": "BESS", "kind": "battery", "owner": "OPERATOR", "feeder": "F1", "energy_capacity_kwh": 1000.0,
          "power_kw": 200.0, "initial_soc_fraction": 0.5}],
        **network)


def _inputs():
    return make_inputs("2026-07-01", 24, available={"PV-T1": PV}, load={"OPERATOR": 0.0, "T1": LOAD})


def _shortfall_kw(message: str) -> float:
    found = re.search(r"exceeded by ([\d,]+\.\d) kW", message)
    assert found, message
    return float(found.group(1).replace(",", ""))


def test_transformer_import_limit_below_the_load_is_explained():
    """Import limit 1000 kW; at 14:00 the load is 1500, PV 100 and the battery can give
    at most 200 kW: 1500 - 100 - 200 - 1000 = 200 kW short, and only then (other hours:
    800 kW of load leave 200 kW to recharge the battery for the cyclic rule)."""
    park = _park(import_limit_kw=1000.0, feeders={"F1": 10_000.0, "F2": 10_000.0})
    with pytest.raises(DispatchInfeasibleError) as caught:
        run_dispatch(park, _inputs())
    message = str(caught.value)
    assert "\n" not in message
    assert "transformer_import" in message and "TR-1" in message
    assert "2026-07-01T14:00:00+09:00" in message
    expected = 1500.0 - 100.0 - 200.0 - 1000.0
    assert _shortfall_kw(message) == pytest.approx(expected, abs=0.05)
    violations = caught.value.violations
    assert [(v.limit, v.element, v.time) for v in violations] == [
        ("transformer_import", "TR-1", "2026-07-01T14:00:00+09:00")]
    assert violations[0].excess_kw == pytest.approx(expected, rel=1e-6)
    assert violations[0].limit_kw == 1000.0


def test_same_park_with_a_little_more_headroom_is_feasible():
    """The shortfall figure is tight: 200 kW more import limit and the day balances."""
    park = _park(import_limit_kw=1200.0, feeders={"F1": 10_000.0, "F2": 10_000.0})
    ds = run_dispatch(park, _inputs()).dataset
    assert float(ds["transformer_flow"][14]) == pytest.approx(1200.0, rel=1e-7)
    assert float(ds["discharge"].sel(storage="BESS")[14]) == pytest.approx(200.0, rel=1e-7)


def test_feeder_forward_limit_below_the_load_is_explained():
    """F2's forward limit 1000 kW; at 14:00 T1 needs 1500 - 100 (own PV on F2) = 1400 kW
    from the main bus. The battery sits on F1 and cannot help: 400 kW short."""
    park = _park(feeders={"F1": 10_000.0, "F2": 1000.0})
    with pytest.raises(DispatchInfeasibleError) as caught:
        run_dispatch(park, _inputs())
    message = str(caught.value)
    assert "\n" not in message
    assert "feeder_forward" in message and "F2" in message and "2026-07-01T14:00:00+09:00" in message
    assert "transformer" not in message
    assert _shortfall_kw(message) == pytest.approx(1500.0 - 100.0 - 1000.0, abs=0.05)
    assert [(v.limit, v.element) for v in caught.value.violations] == [("feeder_forward", "F2")]


def test_many_short_hours_are_summarised():
    """Every hour short: the message lists three violations and counts the rest."""
    park = _park(import_limit_kw=100.0, feeders={"F1": 10_000.0, "F2": 10_000.0})
    with pytest.raises(DispatchInfeasibleError) as caught:
        run_dispatch(park, _inputs())
    message = str(caught.value)
    assert message.count("transformer_import") == 3
    assert "and 21 more" in message
    assert len(caught.value.violations) == 24
    # the total shortfall over the day: load - PV - what the battery can give net of the cyclic rule (0)
    total = sum(v.excess_kw for v in caught.value.violations)
    assert total == pytest.approx(float(np.sum(LOAD) - np.sum(PV) - 24 * 100.0), rel=1e-6)
