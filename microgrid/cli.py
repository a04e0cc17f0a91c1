"""The ``microgrid`` command line.

Every command turns bad input into one line on stderr and a non-zero exit
(2 for bad input, 3 for a day that cannot be balanced), and writes its
results through a temporary file, so nothing is left half-written.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from microgrid.errors import DispatchInfeasibleError, EngineInputError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Energy self-sufficiency engine for a smart green industrial park.")
console = Console()
errors = Console(stderr=True)

@app.callback()
def _group() -> None:
    """Energy self-sufficiency engine for a smart green industrial park."""


EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3


def _fail(message: str, code: int) -> None:
    errors.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _parse_date(value: str | None, timezone: str) -> dt.date:
    if value is None:
        from zoneinfo import ZoneInfo

        return dt.datetime.now(ZoneInfo(timezone)).date() + dt.timedelta(days=1)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise EngineInputError(f"--date = {value!r}: expected a date YYYY-MM-DD") from None


@app.command()
def dispatch(
    park_file: Optional[Path] = typer.Option(None, "--park", help="Park TOML file (default: the embedded demo park)."),
    date: Optional[str] = typer.Option(None, "--date", help="Operating day YYYY-MM-DD (default: tomorrow in the park's timezone)."),
    out: Path = typer.Option(Path("results"), "--out", help="Folder for dispatch-<date>.nc."),
    pricing_rule: Optional[str] = typer.Option(None, "--pricing-rule", help="Override the park file's pricing rule."),
) -> None:
    """Run the day-ahead dispatch and clearing of direct trades for one day."""
    from market.dispatch import run_dispatch
    from market.dispatch.io import write_dataset_atomic
    from market.dispatch.summary import summarize
    from market.pricing import PRICING_RULES
    from microgrid.forecast import day_inputs
    from microgrid.park import read_park

    try:
        park = read_park(park_file)
        day = _parse_date(date, park.park.timezone)
        if pricing_rule is not None and pricing_rule not in PRICING_RULES:
            raise EngineInputError(f"--pricing-rule = {pricing_rule!r}: expected one of {sorted(PRICING_RULES)}")
        with console.status(f"Forecasting {day} ..."):
            inputs = day_inputs(park, day)
        with console.status(f"Optimising {day} with HiGHS ..."):
            result = run_dispatch(park, inputs, pricing_rule=pricing_rule)
        path = write_dataset_atomic(result.dataset, out / f"dispatch-{day.isoformat()}.nc")
    except EngineInputError as error:
        _fail(str(error), EXIT_BAD_INPUT)
    except DispatchInfeasibleError as error:
        _fail(str(error), EXIT_INFEASIBLE)
    summary = summarize(result.dataset)
    table = Table(title=f"{park.name} - day-ahead dispatch {day} ({result.dataset.attrs['pricing_rule']})",
                  show_header=False)
    table.add_row("Load", f"{summary.load_kwh:,.0f} kWh")
    table.add_row("On-site generation delivered", f"{summary.generation_kwh:,.0f} kWh")
    table.add_row("Curtailed", f"{summary.curtailment_kwh:,.0f} kWh")
    table.add_row("Self-sufficiency", f"{summary.self_sufficiency:.1%}")
    table.add_row("Energy traded directly", f"{summary.traded_kwh:,.0f} kWh")
    table.add_row("Grid import / export", f"{summary.grid_import_kwh:,.0f} / {summary.grid_export_kwh:,.0f} kWh")
    table.add_row("Energy cost (grid-only)", f"₩{summary.cost_krw:,.0f} (₩{summary.grid_only_cost_krw:,.0f})")
    table.add_row("Saving against grid-only", f"₩{summary.saving_krw:,.0f} ({summary.saving_share:.1%})")
    limits = summary.binding_limits
    table.add_row("Binding limits", "none" if not limits else ", ".join(
        f"{limit['limit']} {limit['element']} {limit['time'][11:16]}" for limit in limits[:6]
    ) + (f" (+{len(limits) - 6} more)" if len(limits) > 6 else ""))
    table.add_row("Solver", f"{result.dataset.attrs['solver']}: {result.dataset.attrs['solver_status']}, "
                  f"build {result.build_seconds:.2f} s, solve {result.solve_seconds:.2f} s")
    table.add_row("Result", str(path))
    console.print(table)


def main() -> None:  # pragma: no cover - entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
