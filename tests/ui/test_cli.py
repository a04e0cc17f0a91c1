"""The ``microgrid dispatch`` command: results file, exit codes, one-line errors."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from market.dispatch import run_dispatch
from market.dispatch.io import read_dispatch
from microgrid.forecast import day_inputs
from microgrid.park import read_park
from ui.cli import app

#: The result Dataset's contract (README, "The result Dataset"): variable -> dims.
CONTRACT = {
    **{name: ("time", "participant") for name in (
        "load", "generation", "curtailment", "grid_import", "grid_export", "sold", "bought", "storage_charge",
        "storage_discharge", "import_price", "energy_cost", "grid_only_cost")},
    "trade": ("trade_pair",), "trade_price": ("trade_pair",),
    "clearing_price": ("time", "feeder"), "feeder_flow": ("time", "feeder"),
    "available_generation": ("time", "asset"), "asset_generation": ("time", "asset"),
    "asset_curtailment": ("time", "asset"),
    "charge": ("time", "storage"), "discharge": ("time", "storage"), "soc": ("time", "storage"),
    "transformer_flow": ("time",), "export_price": ("time",),
    "feeder_limit": ("feeder",), "feeder_reverse_limit": ("feeder",), "asset_renewable": ("asset",),
}
ATTRIBUTES = ["park", "date", "timezone", "time_convention", "step_hours", "pricing_rule", "trade_fee_krw_per_kwh",
              "solver", "solver_status", "objective_krw", "binding_limits", "units"]

INFEASIBLE_PARK = """
[park]
name = "Undersized connection"
latitude = 35.0
longitude = 128.0

[network.transformer]
name = "TR-small"
import_limit_kw = 10.0
export_limit_kw = 0.0

[[network.feeders]]
name = "F1"
limit_kw = 5000.0

[[participants]]
name = "T01"
industry = "machinery"
feeder = "F1"
contract_power_kw = 1000.0
tariff = "kepco_industrial_eul_hv_a_option2"
"""


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The real command in a child process (the console script is not portable; ``-m`` is)."""
    env = {**os.environ, "COLUMNS": "200", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=300)


def _check_result_file(path: Path, pricing_rule: str) -> None:
    ds = read_dispatch(path)
    index = ds.indexes["time"]
    assert isinstance(index, pd.DatetimeIndex) and str(index.tz) == "Asia/Seoul"
    assert len(index) == 24
    assert index[0] == pd.Timestamp("2026-07-01 00:00", tz="Asia/Seoul")
    assert (np.diff(index.asi8) == 3600 * 10**9).all()
    for name, dims in CONTRACT.items():
        assert name in ds.data_vars, name
        assert ds[name].dims == dims, (name, ds[name].dims)
        assert "units" in ds[name].attrs or name == "asset_renewable", name
    assert ds["asset_renewable"].dtype == bool
    for attribute in ATTRIBUTES:
        assert attribute in ds.attrs, attribute
    assert ds.attrs["date"] == "2026-07-01" and ds.attrs["pricing_rule"] == pricing_rule
    assert ds.attrs["solver_status"] == "Optimal"
    for coordinate in ("participant_feeder", "asset_owner", "storage_owner"):
        assert coordinate in ds.coords

    # the file holds what an in-process run of the same day computes
    park = read_park()
    expected = run_dispatch(park, day_inputs(park, dt.date(2026, 7, 1)), pricing_rule=pricing_rule).dataset
    assert set(ds.data_vars) == set(expected.data_vars)
    for name in expected.data_vars:
        np.testing.assert_array_equal(ds[name].values, expected[name].values, err_msg=name)
    assert ds.indexes["time"].equals(expected.indexes["time"])
    assert ds.attrs["objective_krw"] == expected.attrs["objective_krw"]
    # written atomically: nothing else left in the folder
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_dispatch_as_a_real_process_writes_a_readable_result(tmp_path):
    completed = _cli("dispatch", "--date", "2026-07-01", "--out", "out", cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    assert "Self-sufficiency" in completed.stdout
    path = tmp_path / "out" / "dispatch-2026-07-01.nc"
    _check_result_file(path, "shared_savings")
    # readable like any file written in that folder
    probe = tmp_path / "out" / "probe"
    probe.write_bytes(b"")
    assert path.stat().st_mode & 0o777 == probe.stat().st_mode & 0o777


def test_dispatch_in_process_with_pricing_rule_override(tmp_path):
    result = CliRunner().invoke(app, ["dispatch", "--date", "2026-07-01", "--out", str(tmp_path / "r"),
                                      "--pricing-rule", "marginal"])
    assert result.exit_code == 0, result.output
    _check_result_file(tmp_path / "r" / "dispatch-2026-07-01.nc", "marginal")


def _assert_one_line_error(stderr: str, *needles: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error:")
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


def _no_results(folder: Path) -> None:
    assert not folder.exists() or not any(folder.iterdir()), list(folder.iterdir())


@pytest.mark.parametrize(("args", "needles"), [
    (["--date", "2026-13-45"], ["--date", "2026-13-45"]),
    (["--date", "tomorrow"], ["--date", "tomorrow"]),
    (["--date", "2026-07-01", "--pricing-rule", "auction"], ["--pricing-rule", "auction"]),
    (["--date", "2026-07-01", "--park", "no-such-park.toml"], ["no-such-park.toml"]),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, args, needles):
    result = CliRunner().invoke(app, ["dispatch", *args, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stdout == ""
    _assert_one_line_error(result.stderr, *needles)
    _no_results(tmp_path / "out")


def test_bad_park_file_exits_2_naming_the_field(tmp_path):
    park = tmp_path / "park.toml"
    park.write_text(INFEASIBLE_PARK.replace('feeder = "F1"\ncontract', 'feeder = "F9"\ncontract'), encoding="utf-8")
    result = CliRunner().invoke(app, ["dispatch", "--park", str(park), "--date", "2026-07-01",
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    _assert_one_line_error(result.stderr, "participants[0].feeder", "'F9'")
    _no_results(tmp_path / "out")


def test_bad_park_file_as_a_real_process(tmp_path):
    park = tmp_path / "park.toml"
    park.write_text("[park\nname = ", encoding="utf-8")
    completed = _cli("dispatch", "--park", str(park), "--date", "2026-07-01", "--out", "out", cwd=tmp_path)
    assert completed.returncode == 2
    assert completed.stdout == ""
    _assert_one_line_error(completed.stderr, "park.toml", "TOML")
    _no_results(tmp_path / "out")


def test_infeasible_park_exits_3_naming_the_limit(tmp_path):
    """A 1 MW tenant behind a 10 kW transformer, nothing on site: every hour is short by
    load - 10 kW; the message names the limit, the first hour and that shortfall."""
    park_file = tmp_path / "park.toml"
    park_file.write_text(INFEASIBLE_PARK, encoding="utf-8")
    result = CliRunner().invoke(app, ["dispatch", "--park", str(park_file), "--date", "2026-07-01",
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 3
    park = read_park(park_file)
    inputs = day_inputs(park, dt.date(2026, 7, 1))
    load_kw = inputs.load.sel(participant="T01").values / inputs.step_hours
    short = np.flatnonzero(load_kw > 10.0)
    assert len(short) > 3
    first = inputs.time[short[0]]
    _assert_one_line_error(result.stderr, "transformer_import", "TR-small", first.isoformat(),
                           f"exceeded by {load_kw[short[0]] - 10.0:,.1f} kW", f"and {len(short) - 3} more")
    _no_results(tmp_path / "out")


def test_reading_a_missing_result_is_an_input_error(tmp_path):
    from microgrid.errors import EngineInputError

    with pytest.raises(EngineInputError, match="dispatch-2026-07-01.nc"):
        read_dispatch(tmp_path / "dispatch-2026-07-01.nc")


def test_every_command_goes_through_the_one_error_to_exit_mapping():
    from microgrid.errors import AttentionNeededError, DispatchInfeasibleError, EngineInputError, ServiceUnavailableError
    from ui.cli import EXIT_CODES

    assert EXIT_CODES == {EngineInputError: 2, DispatchInfeasibleError: 3, ServiceUnavailableError: 5,
                          AttentionNeededError: 6}
    assert app.registered_commands and all(getattr(c.callback, "exit_codes", False) for c in app.registered_commands)


def test_monitor_exits_6_on_a_critical_alarm_after_printing_and_logging_it(tmp_path):
    """A battery measured at 1 % SOC (below its band) is a critical alarm: the table is printed, the
    alarm logged, and the exit code (6) tells a scheduler that a person must look."""
    measurements = tmp_path / "m.csv"
    measurements.write_text("timestamp,element,quantity,value,unit\n"
                            "2026-07-01T14:00:00+09:00,BESS-shared,soc,1.0,%\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["monitor", "--date", "2026-07-01", "--measurements", str(measurements),
                                      "--results", str(tmp_path / "r")])
    assert result.exit_code == 6, result.output
    _assert_one_line_error(result.stderr, "critical alarm", "BESS-shared")
    assert "critical" in result.stdout


def test_orders_submit_stores_the_book_and_show_reads_it_back(tmp_path):
    """``microgrid orders submit`` writes RESULTS/orders/orders-<date>.toml; ``show`` reads that file."""
    from market.orders import demo_orders_path

    results = tmp_path / "results"
    done = _cli("orders", "submit", str(demo_orders_path()), "--date", "2026-07-01", "--results", str(results),
                cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    stored = results / "orders" / "orders-2026-07-01.toml"
    assert stored.read_text(encoding="utf-8") == demo_orders_path().read_text(encoding="utf-8")
    shown = _cli("orders", "show", "--date", "2026-07-01", "--results", str(results), cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "renewable" in shown.stdout and "PPA-carpark" in shown.stdout and "pre-cooling" in shown.stdout
    missing = _cli("orders", "show", "--date", "2026-07-02", "--results", str(results), cwd=tmp_path)
    assert missing.returncode == 2 and "no order book submitted" in missing.stderr


def test_orders_gate_closure_comes_from_the_park_file(tmp_path):
    """``[market] gate_closure`` decides: the demo book (submitted D-1 09:30) passes at 10:00, not at 09:00."""
    from market.orders import demo_orders_path
    from microgrid.park.loader import demo_park_path

    text = demo_park_path().read_text(encoding="utf-8")
    assert 'gate_closure = "D-1 10:00"' in text
    early = tmp_path / "early.toml"
    early.write_text(text.replace('gate_closure = "D-1 10:00"', 'gate_closure = "D-1 09:00"'), encoding="utf-8")
    args = ["orders", "validate", str(demo_orders_path()), "--date", "2026-07-01", "--results", str(tmp_path / "r")]
    ok = CliRunner().invoke(app, args + ["--park", str(demo_park_path())])
    assert ok.exit_code == 0, ok.stderr
    assert "2026-06-30T10:00:00" in ok.stdout
    late = CliRunner().invoke(app, args + ["--park", str(early)])
    assert late.exit_code == 2
    _assert_one_line_error(late.stderr, "after the gate closure 2026-06-30T09:00:00", "D-1 09:00")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('gate_closure = "D-1 10:00"', 'gate_closure = "yesterday"'), encoding="utf-8")
    refused = CliRunner().invoke(app, args + ["--park", str(bad)])
    assert refused.exit_code == 2
    _assert_one_line_error(refused.stderr, "gate_closure", "yesterday")
