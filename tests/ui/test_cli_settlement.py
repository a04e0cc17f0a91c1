"""The settle, statement and income commands."""

from __future__ import annotations

from typer.testing import CliRunner

from market.dispatch.io import write_dataset_atomic
from microgrid.park.synthetic import synthetic_park_dict
from ui.cli import app


def _toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def _park_toml(raw: dict) -> str:
    lines = []
    for table in ("park", "market"):
        lines.append(f"[{table}]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in raw[table].items()]
    lines.append("[network.transformer]")
    lines += [f"{k} = {_toml_value(v)}" for k, v in raw["network"]["transformer"].items()]
    for array, items in (("network.feeders", raw["network"]["feeders"]), ("participants", raw["participants"]),
                         ("assets", raw["assets"])):
        for item in items:
            lines.append(f"[[{array}]]")
            lines += [f"{k} = {_toml_value(v)}" for k, v in item.items()]
    lines += ["[income]", "eligibility_lag_quarters = 0"]
    return "\n".join(lines) + "\n"


def test_settle_statement_and_income_commands(tmp_path, dispatched):
    park_file = tmp_path / "park.toml"
    park_file.write_text(_park_toml(synthetic_park_dict(4, seed=0)), encoding="utf-8")
    results = tmp_path / "results"
    write_dataset_atomic(dispatched[("shared_savings", "2026-07-01")], results / "dispatch-2026-07-01.nc")
    runner = CliRunner()
    settled = runner.invoke(app, ["settle", "--date", "2026-07-01", "--park", str(park_file),
                                  "--results", str(results)])
    assert settled.exit_code == 0, settled.output
    assert (results / "ledger.sqlite").is_file()
    statement = runner.invoke(app, ["statement", "--participant", "T001", "--month", "2026-07", "--park",
                                    str(park_file), "--results", str(results), "--out", str(tmp_path / "s.csv")])
    assert statement.exit_code == 0, statement.output
    assert (tmp_path / "s.csv").read_text().startswith("key,day,kind")
    assert "<table" in (tmp_path / "s.html").read_text()
    income = runner.invoke(app, ["income", "--quarter", "2026-Q3", "--park", str(park_file),
                                 "--results", str(results)])
    assert income.exit_code == 0, income.output
    assert (results / "income-2026-Q3.csv").is_file()


def test_bad_input_exits_2_with_one_line(tmp_path):
    runner = CliRunner()
    for arguments in (["settle", "--date", "2026-02-30", "--results", str(tmp_path)],
                      ["statement", "--participant", "T01", "--month", "July", "--results", str(tmp_path)],
                      ["income", "--quarter", "2026-Q5", "--results", str(tmp_path)]):
        result = runner.invoke(app, arguments)
        assert result.exit_code == 2, (arguments, result.output)
        assert "error:" in result.output
