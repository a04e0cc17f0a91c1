"""The workspace's dispatch reads the demand charge's billing floors from the ledger when there is one.

A day is dispatched and settled in a workspace; the next day's dispatch must then be the LP
whose floors are the settled day's peaks (KEPCO's 12-month rule), computed here from the first
day's own dispatch file, not through the ledger, and must differ from a dispatch without them.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from market.dispatch import run_dispatch
from market.dispatch.io import read_dispatch
from microgrid.forecast import day_inputs
from microgrid.tariffs import load_tariff
from ui.workspace import Workspace


def test_next_days_dispatch_uses_the_settled_days_peaks(tmp_path):
    workspace = Workspace(tmp_path)
    park = workspace.read_park()  # the demo park
    first, second = dt.date(2026, 7, 1), dt.date(2026, 7, 2)
    assert workspace.peaks_before(first) is None  # no ledger yet: none is created
    assert not (tmp_path / "ledger.sqlite").exists()
    workspace.run_day(park, first)
    day_one = read_dispatch(workspace.dispatch_path(first))
    workspace.settle_day(park, workspace_rules(park), first, day_one)

    # the first day's peaks by hand: highest import in mid/peak hours, per participant [kW]
    time = day_one.indexes["time"]
    peaks = {}
    for participant in park.participants:
        applies = load_tariff(participant.tariff, first).bands(time) != "light"
        imported = day_one["grid_import"].sel(participant=participant.name).values
        peaks[participant.name] = {"2026-07": float(imported[applies].max()) / float(day_one.attrs["step_hours"])}
    found = workspace.peaks_before(second)
    assert sorted(found) == sorted(peaks)
    for name, months in peaks.items():
        assert found[name] == pytest.approx(months), name

    workspace.run_day(park, second)
    day_two = read_dispatch(workspace.dispatch_path(second))
    inputs = day_inputs(park, second)
    with_floors = run_dispatch(park, inputs, monthly_peak_kw=peaks).dataset
    without = run_dispatch(park, inputs).dataset
    assert day_two.attrs["objective_krw"] == pytest.approx(with_floors.attrs["objective_krw"], rel=1e-9)
    assert abs(without.attrs["objective_krw"] - with_floors.attrs["objective_krw"]) > 1.0
    np.testing.assert_allclose(day_two["grid_import"].values, with_floors["grid_import"].values, atol=1e-6)


def workspace_rules(park):
    from market.settlement import rules_for

    return rules_for(park)
