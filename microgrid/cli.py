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
    weather_file: Optional[Path] = typer.Option(None, "--weather", help="Weather file (TMY3, TMY2, EPW, KMA ASOS CSV); default: the site's synthetic weather."),
    actual: bool = typer.Option(False, "--actual", help="Dispatch on the actual weather instead of the day-ahead forecast."),
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
            inputs = day_inputs(park, day, kind="actual" if actual else "day_ahead", weather_file=weather_file)
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


@app.command()
def forecast(
    start: str = typer.Option(..., "--start", help="First day YYYY-MM-DD."),
    end: str = typer.Option(..., "--end", help="Last day YYYY-MM-DD (inclusive)."),
    park_file: Optional[Path] = typer.Option(None, "--park", help="Park TOML file (default: the embedded demo park)."),
    weather_file: Optional[Path] = typer.Option(None, "--weather", help="Weather file; default: the site's synthetic weather."),
    actual: bool = typer.Option(False, "--actual", help="Actual weather instead of the day-ahead forecast."),
    out: Optional[Path] = typer.Option(None, "--out", help="NetCDF file (default: results/forecast-<start>-<end>.nc)."),
) -> None:
    """Forecast hourly generation per asset and load per participant for a span of days."""
    from market.dispatch.io import write_dataset_atomic
    from microgrid.forecast import forecast_park
    from microgrid.park import read_park

    try:
        park = read_park(park_file)
        first, last = _parse_date(start, park.park.timezone), _parse_date(end, park.park.timezone)
        with console.status(f"Forecasting {first}..{last} ..."):
            result = forecast_park(park, first, last, kind="actual" if actual else "day_ahead",
                                   weather_file=weather_file)
        path = write_dataset_atomic(result, out or Path("results") / f"forecast-{first}-{last}.nc")
    except EngineInputError as error:
        _fail(str(error), EXIT_BAD_INPUT)
    generation = result["available_generation"].sum("time")
    load = result["load"].sum("time")
    table = Table(title=f"{park.name} - {result.attrs['kind']} forecast {first}..{last}")
    table.add_column("Kind")
    table.add_column("Energy [kWh]", justify="right")
    for kind in sorted({asset.kind for asset in park.assets_of_role("generator")}):
        names = [asset.name for asset in park.assets_of_role("generator") if asset.kind == kind]
        table.add_row(f"generation: {kind}", f"{float(generation.sel(asset=names).sum()):,.0f}")
    table.add_row("load: all participants", f"{float(load.sum()):,.0f}")
    console.print(table)
    console.print(f"Weather: {result.attrs['weather_source']}\nResult: {path}")


# --- Settlement, statements and sunlight income -------------------------------------------------
# (Imports are lazy, inside each command, so the dispatch commands start fast.)


def _default_db(results: Path) -> str:
    return str(results / "ledger.sqlite")


@app.command()
def settle(
    date: str = typer.Option(..., "--date", help="Operating day YYYY-MM-DD."),
    park_file: Optional[Path] = typer.Option(None, "--park", help="Park TOML file (default: the embedded demo park)."),
    db: Optional[str] = typer.Option(None, "--db", help="Ledger SQLAlchemy URL or SQLite path (default: RESULTS/ledger.sqlite)."),
    results: Path = typer.Option(Path("results"), "--results", help="Folder with dispatch-<date>.nc."),
    metered: Optional[Path] = typer.Option(None, "--metered", help="Metered CSV: timestamp,participant,asset,energy_kwh."),
) -> None:
    """Settle one day on the ledger (runs the dispatch first when its result is missing)."""
    from market.dispatch import run_dispatch
    from market.dispatch.io import read_dispatch, write_dataset_atomic
    from market.ledger import open_ledger
    from market.settlement import read_metered, read_park_with_rules, settle_basic_charge, settle_day
    from microgrid.forecast import day_inputs

    try:
        park, rules = read_park_with_rules(park_file)
        day = _parse_date(date, park.park.timezone)
        path = results / f"dispatch-{day.isoformat()}.nc"
        if not path.is_file():
            with console.status(f"No {path.name}: running the dispatch of {day} ..."):
                write_dataset_atomic(run_dispatch(park, day_inputs(park, day)).dataset, path)
        dataset = read_dispatch(path)
        measured = read_metered(metered, dataset) if metered is not None else None
        ledger = open_ledger(db or _default_db(results))
        settled = settle_day(ledger, park, dataset, rules, measured)
        basic = settle_basic_charge(ledger, park, f"{day:%Y-%m}")
    except EngineInputError as error:
        _fail(str(error), EXIT_BAD_INPUT)
    except DispatchInfeasibleError as error:
        _fail(str(error), EXIT_INFEASIBLE)
    stats = settled.stats
    table = Table(title=f"{park.name} - settlement {day}", show_header=False)
    table.add_row("Entries written", f"{len(settled.entries)} (sum {sum(e.amount_krw for e in settled.entries)} KRW)")
    table.add_row("Park net cost (grid-only)", f"₩{stats.net_cost_krw.sum():,.0f} (₩{stats.grid_only_bill_krw.sum():,.0f})")
    table.add_row("Imbalance settled", "yes" if measured is not None else "no metered data")
    table.add_row("Basic charge of the month (re-settled)", f"₩{basic.bills.basic_krw.sum():,.0f}")
    table.add_row("Ledger", str(db or _default_db(results)))
    console.print(table)


@app.command()
def statement(
    participant: str = typer.Option(..., "--participant", help="Participant name, e.g. T01."),
    month: str = typer.Option(..., "--month", help="Month YYYY-MM."),
    out: Optional[Path] = typer.Option(None, "--out", help="CSV file (an .html is written next to it)."),
    park_file: Optional[Path] = typer.Option(None, "--park", help="Park TOML file (default: the embedded demo park)."),
    db: Optional[str] = typer.Option(None, "--db", help="Ledger URL or SQLite path (default: RESULTS/ledger.sqlite)."),
    results: Path = typer.Option(Path("results"), "--results", help="Folder of the default ledger."),
) -> None:
    """Write a participant's monthly statement (CSV + printable HTML)."""
    from market.ledger import open_ledger
    from market.settlement import read_park_with_rules
    from market.settlement.statement import monthly_statement, write_statement

    try:
        park, rules = read_park_with_rules(park_file)
        ledger = open_ledger(db or _default_db(results))
        made = monthly_statement(ledger, park, rules, participant, month)
        csv_path, html_path = write_statement(made, out or results / f"statement-{participant}-{month}.csv")
    except EngineInputError as error:
        _fail(str(error), EXIT_BAD_INPUT)
    console.print(f"{participant} {month}: net {made.net_krw:,} KRW over {len(made.lines)} lines -> {csv_path}, {html_path}")


@app.command()
def income(
    quarter: str = typer.Option(..., "--quarter", help="Quarter YYYY-Qn."),
    park_file: Optional[Path] = typer.Option(None, "--park", help="Park TOML file (default: the embedded demo park)."),
    db: Optional[str] = typer.Option(None, "--db", help="Ledger URL or SQLite path (default: RESULTS/ledger.sqlite)."),
    results: Path = typer.Option(Path("results"), "--results", help="Folder of the default ledger and the statement."),
) -> None:
    """Collect and pay a quarter's sunlight income; writes income-<quarter>.csv (per tenant and per worker)."""
    from market.income import settle_income
    from market.ledger import open_ledger
    from market.settlement import read_park_with_rules
    from market.settlement.statement import _atomic_write

    try:
        park, rules = read_park_with_rules(park_file)
        ledger = open_ledger(db or _default_db(results))
        settled = settle_income(ledger, park, rules, quarter)
    except EngineInputError as error:
        _fail(str(error), EXIT_BAD_INPUT)
    path = results / f"income-{quarter}.csv"
    _atomic_write(path, settled.table.to_csv(index=False))
    table = Table(title=f"{park.name} - sunlight income {quarter}")
    for column in ("participant", "contribution KRW", "tenant KRW", "heads", "per worker KRW"):
        table.add_column(column)
    for row in settled.table.itertuples(index=False):
        if row.contribution_krw or row.tenant_krw or row.workers_krw:
            table.add_row(row.participant, f"{row.contribution_krw:,}", f"{row.tenant_krw:,}", str(row.heads),
                          f"{row.per_worker_krw:,.0f}")
    console.print(table)
    console.print(f"Fund inflow ₩{settled.inflow_krw:,}, paid out ₩{settled.paid_krw:,} -> {path}")


def main() -> None:  # pragma: no cover - entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
