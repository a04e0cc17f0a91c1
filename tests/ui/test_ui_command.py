"""`microgrid ui`: prepares the demo data and starts `python -m ui.server` (settings in the environment)."""

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
    monkeypatch.setattr(subprocess, "call", lambda command, env: calls.append((command, env)) or 0)
    db = "postgresql://park:s3cret@db.example/ledger"
    monkeypatch.setattr("ui.bootstrap.prepare_demo_data", lambda *args, **kwargs: [])
    outcome = CliRunner().invoke(app, ["ui", "--results", str(results), "--port", "8599", "--db", db])
    assert outcome.exit_code == 0, outcome.output
    command, env = calls[0]
    assert command[1:3] == ["-m", "ui.server"]
    assert command[command.index("--port") + 1] == "8599" and command[command.index("--address") + 1] == "127.0.0.1"
    assert "s3cret" not in " ".join(command) and env["MICROGRID_UI_DB"] == db  # the secret never on a command line
    assert env["MICROGRID_UI_RESULTS"] == str(results.resolve())
    assert "No accounts yet" in outcome.output and "microgrid users add" in outcome.output


def test_ui_command_demo_accounts_only_with_demo_and_only_locally(demo_results, tmp_path, monkeypatch):
    import shutil

    from ui.auth import UserStore

    results = tmp_path / "results"
    results.mkdir()
    shutil.copy(f"{demo_results.results}/dispatch-2026-07-01.nc", results)
    monkeypatch.setattr(subprocess, "call", lambda command, env: 0)
    outcome = CliRunner().invoke(app, ["ui", "--results", str(results)])
    assert outcome.exit_code == 0 and UserStore(results / "ui_users.sqlite").count() == 0
    assert (results / "ledger.sqlite").is_file()
    assert not (results / "dispatch-2026-06-30.nc").exists()  # existing results are used, no demo day added
    refused = CliRunner().invoke(app, ["ui", "--results", str(results), "--demo", "--address", "0.0.0.0"])
    assert refused.exit_code == 2 and "127.0.0.1" in refused.output
    outcome = CliRunner().invoke(app, ["ui", "--results", str(results), "--demo"])
    assert outcome.exit_code == 0 and UserStore(results / "ui_users.sqlite").authenticate("T01", "T01-demo")
    assert oct((results / "ui_users.sqlite").stat().st_mode & 0o777) == "0o600"


def test_users_commands(tmp_path):
    from ui.auth import UserStore

    runner = CliRunner()
    base = ["--results", str(tmp_path)]
    assert runner.invoke(app, ["users", "add", "kim", "--role", "manager", "--password-stdin", *base],
                         input="long-enough-1\n").exit_code == 0
    assert runner.invoke(app, ["users", "add", "lee", "--role", "tenant", "--participant", "T01",
                               "--password-stdin", *base], input="long-enough-2\n").exit_code == 0
    short = runner.invoke(app, ["users", "add", "park", "--role", "analyst", "--password-stdin", *base], input="x\n")
    assert short.exit_code == 2 and "8 characters" in short.output
    assert runner.invoke(app, ["users", "add", "kim", "--role", "manager", "--password-stdin", *base],
                         input="long-enough-3\n").exit_code == 2  # exists
    listed = runner.invoke(app, ["users", "list", *base])
    assert "kim" in listed.output and "T01" in listed.output and "scrypt" not in listed.output
    assert runner.invoke(app, ["users", "passwd", "kim", "--password-stdin", *base], input="changed-pass\n").exit_code == 0
    store = UserStore(tmp_path / "ui_users.sqlite")
    assert store.authenticate("kim", "changed-pass") and not store.authenticate("kim", "long-enough-1")
    assert runner.invoke(app, ["users", "remove", "lee", *base]).exit_code == 0
    assert runner.invoke(app, ["users", "remove", "lee", *base]).exit_code == 2
    assert [user.username for user in store.users()] == ["kim"]
    assert oct((tmp_path / "ui_users.sqlite").stat().st_mode & 0o777) == "0o600"


def test_ui_command_bad_park_exits_2(tmp_path):
    outcome = CliRunner().invoke(app, ["ui", "--park", str(tmp_path / "missing.toml"), "--results", str(tmp_path)])
    assert outcome.exit_code == 2
