"""The power-flow wrapper against pandapower's own runpp, and the AC check / tightening loop."""

from __future__ import annotations

import copy

import numpy as np
import pandapower as pp
import pandapower.networks as pn
import pytest

from market.safety.tighten import validate_and_tighten
from microgrid.errors import EngineInputError
from microgrid.network.check import check_plan
from microgrid.network.model import build_network
from microgrid.network.powerflow import PowerFlowError, run_powerflow
from microgrid.park import read_park
from tests.market.safety.cases import flat_inputs, two_feeder_park


@pytest.mark.parametrize("make", [pn.example_simple, pn.mv_oberrhein])
def test_wrapper_equals_runpp(make):
    reference, ours = make(), make()
    pp.runpp(reference, numba=False)
    result = run_powerflow(ours)
    np.testing.assert_allclose(result.bus["vm_pu"], reference.res_bus["vm_pu"], atol=1e-9)
    np.testing.assert_allclose(result.bus["va_degree"], reference.res_bus["va_degree"], atol=1e-7)
    np.testing.assert_allclose(result.line["loading_percent"], reference.res_line["loading_percent"], atol=1e-7)
    np.testing.assert_allclose(result.trafo["loading_percent"], reference.res_trafo["loading_percent"], atol=1e-7)
    np.testing.assert_allclose(result.ext_grid["p_mw"], reference.res_ext_grid["p_mw"], atol=1e-9)


def test_wrapper_does_not_converge_in_one_line():
    net = pn.example_simple()
    net.load["p_mw"] *= 400
    with pytest.raises(PowerFlowError, match="did not converge"):
        run_powerflow(copy.deepcopy(net), max_iteration=5, name="overloaded")


def test_park_without_electrical_data_is_a_one_line_error():
    park = two_feeder_park()
    bare = park.model_copy(update={"network": park.network.model_copy(update={"electrical": None})})
    with pytest.raises(EngineInputError, match="no electrical network"):
        build_network(bare)


def test_demo_network_builds_with_sections():
    grid = build_network(read_park())
    assert len(grid.feeder_lines["F1"]) == 2 and len(grid.feeder_lines["F2"]) == 1
    assert grid.net.line["max_i_ka"].eq(0.5).all()
    assert grid.net.bus.at[grid.net.load.at[grid.load_of["T01"], "bus"], "name"] == "F1-a"
    assert grid.net.bus.at[grid.net.load.at[grid.load_of["T22"], "bus"], "name"] == "F1-b"


def test_linear_plan_overloads_cable_in_ac_and_tightening_fixes_it():
    park = two_feeder_park(f2_ampacity_ka=0.12)
    inputs = flat_inputs(park)
    first = validate_and_tighten(park, inputs, tighten=False)
    flow = first.result.dataset["feeder_flow"].sel(feeder="F2").values
    assert np.all(np.abs(flow) <= 5000.0 + 1e-6)  # the LP thinks F2 is within its 5,000 kW limit ...
    frame = first.report.frame()
    assert not first.clean and set(frame["kind"]) == {"line_overload"}  # ... AC says the cable is overloaded
    assert set(frame["feeder"]) == {"F2"} and len(frame) == 5 and frame["value"].min() > 104
    fixed = validate_and_tighten(park, inputs, max_rounds=4)
    assert fixed.clean and 1 <= fixed.rounds <= 4, fixed.message
    assert fixed.overrides[0].limit == "feeder_reverse" and fixed.overrides[0].new_kw < 5000
    assert float(fixed.report.results["line_loading"].max()) <= 100.0
    assert "clean" in fixed.result.dataset.attrs["ac_validation"]


def test_reverse_flow_beyond_permit_is_reported():
    park = two_feeder_park(f2_ampacity_ka=0.5, f2_limit_kw=12000.0)
    inputs = flat_inputs(park, pv_kw=9000.0, load_kw={"A": 500.0, "B": 500.0})
    outcome = validate_and_tighten(park, inputs, tighten=False)
    dataset = outcome.result.dataset
    # the export limit is 0 kW: the LP curtails to zero transformer flow, AC adds losses on top
    assert float(dataset["transformer_flow"].min()) >= -1e-6
    assert "reverse_flow" not in set(outcome.report.frame()["kind"])
    # a plan that exports (made by hand) is caught
    forced = dataset.copy(deep=True)
    forced["asset_generation"].loc[{"asset": "PV-B"}] = inputs.available_generation.sel(asset="PV-B").values
    report = check_plan(park, forced)
    reverse = report.frame().query("kind == 'reverse_flow'")
    assert len(reverse) == 5 and (reverse["value"] > 7000).all() and (reverse["unit"] == "kW").all()
