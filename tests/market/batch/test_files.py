"""A real batch's files (scenario NetCDF, opened together through batch.json) keep the descriptive coordinates and the CF attributes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from market.batch import BatchConfig, Scenario, open_batch, run_batch
from market.dispatch.trades import trade_matrix, trade_pairs
from market.batch.checkpoint import scenario_path
from market.batch.scenarios import apply_overrides
from market.dispatch.io import read_dispatch
from microgrid.variables import COORDINATES
from tests.market.dispatch.test_variables import _check_coords

DAY = dt.date(2026, 7, 3)
SCENARIOS = [Scenario("no-battery", {"battery_scale": 0}), Scenario("base"), Scenario("pv", {"pv_scale": 1.5})]


@pytest.fixture(scope="module")
def batch(raw, tmp_path_factory):
    out = tmp_path_factory.mktemp("batch-files")
    assert run_batch(BatchConfig(raw[0], raw[1], SCENARIOS, DAY, DAY, out, workers=0)).name == "batch.json"
    return out


def test_scenario_files_carry_the_coordinates(raw, batch):
    for scenario in SCENARIOS:
        ds = read_dispatch(scenario_path(batch, scenario.name))
        _check_coords(ds, apply_overrides(raw[0], scenario, raw[1]))
        assert ds.attrs["Conventions"] == "CF-1.10" and ds.attrs["title"].endswith(f"scenario {scenario.name}")
        assert "history" in ds.attrs


def test_the_opened_batch_keeps_the_coordinates_per_scenario(raw, batch):
    combined = open_batch(batch)
    assert set(COORDINATES) <= set(combined.coords)
    for scenario in SCENARIOS[1:]:
        _check_coords(combined.sel(scenario=[scenario.name]), apply_overrides(raw[0], scenario, raw[1]),
                      scenario_dim=True)
    pv = [str(a) for a, kind in zip(combined["asset"].values, combined["asset_kind"].sel(scenario="base").values)
          if kind == "pv"]
    ratio = combined["asset_rating_kw"].sel(asset=pv, scenario="pv") / combined["asset_rating_kw"].sel(
        asset=pv, scenario="base")
    np.testing.assert_allclose(ratio.values, 1.5)
    no_battery = combined.sel(scenario="no-battery")
    assert [str(v) for v in no_battery["storage_kind"].values] == [""]  # the scenario has no storage
    assert np.isnan(no_battery["storage_energy_capacity_kwh"].values).all()
    assert combined.attrs["Conventions"] == "CF-1.10" and "combined scenarios" in combined.attrs["history"]
    assert combined["soc"].attrs["cell_methods"] == "time: point"


def test_batch_zarr_trades_per_scenario_equal_the_scenario_files(batch):
    """Scenarios trade different pairs: the combined store pads them (NaN), the reader gives each its own back."""
    combined = open_batch(batch)
    sizes = []
    for scenario in SCENARIOS:
        own = read_dispatch(scenario_path(batch, scenario.name))
        sizes.append(own.sizes["trade_pair"])
        stored = combined.sel(scenario=scenario.name).load()
        stored = stored.sel(seller=[str(s) for s in own["seller"].values])  # the union of sellers, cut to its own
        np.testing.assert_array_equal(trade_matrix(stored).values, trade_matrix(own).values)
        pairs, own_pairs = trade_pairs(stored), trade_pairs(own)
        for field in ("step", "seller", "buyer", "kwh", "price"):
            np.testing.assert_array_equal(getattr(pairs, field), getattr(own_pairs, field), err_msg=field)
    assert len(set(sizes)) > 1 and combined.sizes["trade_pair"] == max(sizes)  # padding was exercised
