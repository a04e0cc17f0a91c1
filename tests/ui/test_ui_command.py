"""`microgrid ui`: prepares the demo data and starts `streamlit run ui/app.py` with its arguments."""

from __future__ import annotations

import subprocess

from typer.testing import CliRunner

from ui.cli import app


def test_ui_command_settles_existing_results_and_starts_streamlit(demo_results, tmp_path, monkeypatch):
    import shutil

    results = tmp_path / "results"
    results.mkdir()
    shutil.copy(f"{demo_results.results}/dispatch-2026-07-01.nc", results)  # what `make demo` produced
    calls = []
    monkeypatch.setattr(subprocess, "call", lambda command: calls.append(command) or 0)
    outcome = CliRunner().invoke(app, ["ui", "--results", str(results), "--port", "8599"])
    assert outcome.exit_code == 0, outcome.output
    command = calls[0]
    assert command[1:4] == ["-m", "streamlit", "run"] and command[4].endswith("ui/app.py")
    assert command[command.index("--server.port") + 1] == "8599"
    assert command[command.index("--results") + 1] == str(results.resolve())
    assert (results / "ledger.sqlite").is_file()
    assert not (results / "dispatch-2026-06-30.nc").exists()  # existing results are used, no demo day added


def test_ui_command_bad_park_exits_2(tmp_path):
    outcome = CliRunner().invoke(app, ["ui", "--park", str(tmp_path / "missing.toml"), "--results", str(tmp_path)])
    assert outcome.exit_code == 2
