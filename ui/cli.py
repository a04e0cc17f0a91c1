"""The ``microgrid`` command line (``python -m ui.cli``; console script ``microgrid = "ui.cli:app"``).

The commands are thin: they parse options, call a use case of
:mod:`ui.workspace` (which the web app shares) and print a table. Results
are written through a temporary file, so nothing is left half-written; a
temporary file left by a killed run is removed by the next write of the
same folder.

Exit codes, the one mapping from errors to exits (:data:`EXIT_CODES`, applied
to every command by :func:`command`):

- 0: done;
- 2: bad input (:class:`~microgrid.errors.EngineInputError`: a park, orders,
  weather, meter, measurement or scenario file, a date outside the data, an
  option, a database URL or file that is not a ledger, an output path); also
  an option the command line itself cannot parse (a missing or mistyped
  option);
- 3: a day that cannot be balanced within the limits
  (:class:`~microgrid.errors.DispatchInfeasibleError`: which limit, which
  hour, by how much);
- 4: ``validate`` only: AC violations remain;
- 5: a service the run needs is unavailable
  (:class:`~microgrid.errors.ServiceUnavailableError`: a database server or
  a Dask scheduler that does not answer); nothing was written;
- 6: done, but something needs a person's attention
  (:class:`~microgrid.errors.AttentionNeededError`: ``monitor`` raised a
  critical alarm (the alarms are printed and logged), a settlement was
  refused).

An error prints exactly one line on stderr, ``error: <message>`` (naming the
file, the field or row, the value and what was expected), and no traceback.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, nullcontext
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from microgrid.errors import AttentionNeededError, DispatchInfeasibleError, EngineInputError, ServiceUnavailableError
from ui.workspace import Workspace

try:  # typer >= 0.20 carries its own copy of click
    from typer._click.exceptions import ClickException, NoArgsIsHelpError
except ImportError:  # pragma: no cover
    from click.exceptions import ClickException, NoArgsIsHelpError


class _OneLineTyper(typer.Typer):
    """A Typer app whose own usage errors (a missing or mistyped option) are one line too, exit 2.

    Only the real command line goes through ``__call__`` (``microgrid ...``, ``python -m ui.cli``);
    ``typer.testing.CliRunner`` invokes the click command directly.
    """

    def __call__(self, *args, **kwargs):
        if kwargs.get("standalone_mode", True) is False:
            return super().__call__(*args, **kwargs)
        try:
            code = super().__call__(*args, **{**kwargs, "standalone_mode": False})
        except NoArgsIsHelpError as error:
            error.show()
            sys.exit(EXIT_BAD_INPUT)
        except ClickException as error:
            _print_error(error.format_message())
            sys.exit(error.exit_code)
        except typer.Abort:
            _print_error("aborted")
            sys.exit(130)
        sys.exit(code if isinstance(code, int) else EXIT_DONE)


app = _OneLineTyper(add_completion=False, no_args_is_help=True,
                  help="Energy self-sufficiency engine for a smart green industrial park.")
console = Console()
errors = Console(stderr=True)


@app.callback()
def _group() -> None:
    """Energy self-sufficiency engine for a smart green industrial park."""


EXIT_DONE = 0
EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_VIOLATIONS = 4
EXIT_UNAVAILABLE = 5
EXIT_ATTENTION = 6

#: Exception class -> exit code (the first class the error is an instance of wins).
EXIT_CODES: dict[type[Exception], int] = {
    EngineInputError: EXIT_BAD_INPUT,
    DispatchInfeasibleError: EXIT_INFEASIBLE,
    ServiceUnavailableError: EXIT_UNAVAILABLE,
    AttentionNeededError: EXIT_ATTENTION,
}


def _print_error(message: str) -> None:
    """``error: <message>`` on stderr, on one line whatever the message holds."""
    line = " ".join(str(message).split()) or "unknown error"
    errors.print(f"[bold red]error:[/] {escape(line)}", highlight=False, soft_wrap=True)


def _fail(message: str, code: int) -> None:
    _print_error(message)
    raise typer.Exit(code)


@contextmanager
def exit_codes() -> Iterator[None]:
    """Turn an error of :data:`EXIT_CODES` into one line on stderr and its exit code."""
    try:
        yield
    except tuple(EXIT_CODES) as error:
        _fail(str(error), next(code for kind, code in EXIT_CODES.items() if isinstance(error, kind)))


def command(name: str | None = None) -> Callable[[Callable], Callable]:
    """``@app.command(name)``, the command running inside :func:`exit_codes`."""
    def register(function: Callable) -> Callable:
        @functools.wraps(function)
        def run(*args, **kwargs):
            with exit_codes():
                return function(*args, **kwargs)

        run.exit_codes = True  # every command has them (tested)
        return app.command(name)(run)

    return register


def _parse_date(value: str | None, timezone: str, option: str = "--date") -> dt.date:
    if value is None:
        from zoneinfo import ZoneInfo

        return dt.datetime.now(ZoneInfo(timezone)).date() + dt.timedelta(days=1)
    try:
        if len(value.strip()) != 10:
            raise ValueError
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise EngineInputError(f"{option} = {value!r}: expected a date YYYY-MM-DD") from None


def _blocking_file(path: Path) -> Path | None:
    """The first existing non-folder among ``path``'s parents (a file where a folder must be), if any."""
    for parent in reversed(path.absolute().parents):
        if parent.exists() and not parent.is_dir():
            return parent
    return None


def _choices(names: list[str], few: int = 12) -> str:
    """``names`` for an error message: all of them when there are few, else the first ones and a count."""
    if len(names) <= few:
        return str(names)
    return f"{names[:few]} (+{len(names) - few} more; see the park file)"


def _input_file(path: Path | None, option: str) -> Path | None:
    """``path`` (when given) is an existing, non-empty file: checked before anything slow runs or is written."""
    if path is None:
        return None
    path = Path(path)
    if not path.exists():
        raise EngineInputError(f"{option} = {str(path)!r}: does not exist; expected a file")
    if not path.is_file():
        raise EngineInputError(f"{option} = {str(path)!r}: is not a file; expected a file")
    if path.stat().st_size == 0:
        raise EngineInputError(f"{option} = {str(path)!r}: is empty; expected a file with a header and rows")
    return path


def _output_folder(path: Path, option: str) -> Path:
    """``path`` can be (or become) a folder of results: not a file, not below a file."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise EngineInputError(f"{option} = {str(path)!r}: is a file; expected a folder (or a new name)")
    blocking = _blocking_file(path)
    if blocking is not None:
        raise EngineInputError(f"{option} = {str(path)!r}: {str(blocking)!r} is a file; expected a folder")
    return path


def _output_file(path: Path, option: str, suffixes: tuple[str, ...]) -> Path:
    """``path`` can be written as a file ending in one of ``suffixes``: not a folder, not below a file."""
    path = Path(path)
    if path.is_dir():
        raise EngineInputError(f"{option} = {str(path)!r}: is a folder; expected a file name ending in "
                               f"{' or '.join(suffixes)}")
    if path.suffix not in suffixes:
        raise EngineInputError(f"{option} = {str(path)!r}: expected a file name ending in {' or '.join(suffixes)}")
    blocking = _blocking_file(path.parent)
    if blocking is not None or (path.parent.exists() and not path.parent.is_dir()):
        raise EngineInputError(f"{option} = {str(path)!r}: {str(blocking or path.parent)!r} is a file; "
                               "expected a folder")
    return path


def _operating_days(park, first: dt.date, last: dt.date | None = None, option: str = "--date") -> None:
    """Days the park's data cover, 24 hours long (:func:`microgrid.tariffs.check_operating_days`), before slow imports."""
    from microgrid.tariffs import check_operating_days

    try:
        check_operating_days(park, first, last or first)
    except EngineInputError as error:
        raise EngineInputError(f"{option}: {error}") from None


def _day_ahead(workspace: Workspace, park, day: dt.date):
    """:meth:`Workspace.day_ahead` of ``day``, with a spinner while a missing day is dispatched."""
    path = workspace.dispatch_path(day)
    missing = not path.is_file()
    with console.status(f"No {path.name}: running the dispatch of {day} ...") if missing else nullcontext():
        return workspace.day_ahead(park, day)


@command()
def dispatch(
    park_file: Optional[Path] = typer.Option(None, "--park", help="Park TOML file (default: the embedded demo park)."),
    date: Optional[str] = typer.Option(None, "--date", help="Operating day YYYY-MM-DD (default: tomorrow in the park's timezone)."),
    out: Path = typer.Option(Path("results"), "--out", help="Folder for dispatch-<date>.nc."),
    pricing_rule: Optional[str] = typer.Option(None, "--pricing-rule", help="Override the park file's pricing rule."),
    weather_file: Optional[Path] = typer.Option(None, "--weather", help="Weather file (TMY3, TMY2, EPW, KMA ASOS CSV); default: the site's synthetic weather."),
    actual: bool = typer.Option(False, "--actual", help="Dispatch on the actual weather instead of the day-ahead forecast."),
    orders_file: Optional[Path] = typer.Option(None, "--orders", help="Order book TOML to clear (default: the book stored for the day by `microgrid orders submit`, if any)."),
) -> None:
    """Run the day-ahead dispatch and clearing of direct trades for one day."""
    _input_file(weather_file, "--weather")
    workspace = Workspace(_output_folder(out, "--out"), park_file=park_file)
    park = workspace.read_park()
    day = _parse_date(date, park.park.timezone)
    _operating_days(park, day)
    # The park schema's names, which the pricing registry is keyed by (checked when it is imported):
    # a bad option costs no xarray, Pyomo or pvlib.
    from microgrid.park import PRICING_RULE_NAMES

    if pricing_rule is not None and pricing_rule not in PRICING_RULE_NAMES:
        raise EngineInputError(f"--pricing-rule = {pricing_rule!r}: expected one of {sorted(PRICING_RULE_NAMES)}")
    _input_file(orders_file, "--orders")
    _book, orders_source = workspace.order_book(park, day, orders_file)  # checked before the slow part
    from market.dispatch.summary import summarize

    with console.status(f"Forecasting {day} ...") as status:
        def progress(step: str, _fraction: float) -> None:
            if step == "run_dispatch":
                status.update(f"Optimising {day} with HiGHS ...")

        ran = workspace.run_day(park, day, kind="actual" if actual else "day_ahead", weather_file=weather_file,
                                pricing_rule=pricing_rule, progress=progress, orders_file=orders_file)
    result, path = ran.result, ran.path
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
    if orders_source is not None:
        table.add_row("Order book", str(orders_source))
        table.add_row("Matched bids: any / renewable-only",
                      f"{summary.matched_any_kwh:,.0f} / {summary.matched_renewable_kwh:,.0f} kWh")
        table.add_row("Contracts delivered (short)",
                      f"{summary.contract_delivered_kwh:,.0f} ({summary.contract_shortfall_kwh:,.0f}) kWh")
        table.add_row("Flexibility: deferred / shed",
                      f"{summary.deferrable_kwh:,.0f} / {summary.curtailed_kwh:,.0f} kWh")
    limits = summary.binding_limits
    table.add_row("Binding limits", "none" if not limits else ", ".join(
        f"{limit['limit']} {limit['element']} {limit['time'][11:16]}" for limit in limits[:6]
    ) + (f" (+{len(limits) - 6} more)" if len(limits) > 6 else ""))
    table.add_row("Solver", f"{result.dataset.attrs['solver']}: {result.dataset.attrs['solver_status']}, "
                  f"build {result.build_seconds:.2f} s, solve {result.solve_seconds:.2f} s")
    table.add_row("Result", str(path))
    console.print(table)


@command()
def forecast(
    start: str = typer.Option(..., "--start", help="First day YYYY-MM-DD."),
    end: str = typer.Option(..., "--end", help="Last day YYYY-MM-DD (inclusive)."),
    park_file: Optional[Path] = typer.Option(None, "--park", help="Park TOML file (default: the embedded demo park)."),
    weather_file: Optional[Path] = typer.Option(None, "--weather", help="Weather file; default: the site's synthetic weather."),
    actual: bool = typer.Option(False, "--actual", help="Actual weather instead of the day-ahead forecast."),
    out: Optional[Path] = typer.Option(None, "--out", help="NetCDF file (default: results/forecast-<start>-<end>.nc)."),
) -> None:
    """Forecast hourly generation per asset and load per participant for a span of days."""
    if out is not None:
        _output_file(out, "--out", (".nc",))
    _input_file(weather_file, "--weather")
    workspace = Workspace(park_file=park_file)
    park = workspace.read_park()
    first, last = _parse_date(start, park.park.timezone, "--start"), _parse_date(end, park.park.timezone, "--end")
    if last < first:
        raise EngineInputError(f"--end = {last}: expected on or after --start = {first}")
    _operating_days(park, first, last, "--start/--end")
    from market.dispatch.io import write_dataset_atomic  # after the cheap checks: xarray, pvlib
    from microgrid.forecast import forecast_park

    with console.status(f"Forecasting {first}..{last} ..."):
        result = forecast_park(park, first, last, kind="actual" if actual else "day_ahead",
                               weather_file=weather_file)
    path = write_dataset_atomic(result, out or workspace.forecast_path(first, last))
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


@command()
def settle(
    date: str = typer.Option(..., "--date", help="Operating day YYYY-MM-DD."),
    park_file: Optional[Path] = typer.Option(None, "--park", help="Park TOML file (default: the embedded demo park)."),
    db: Optional[str] = typer.Option(None, "--db", help="Ledger SQLAlchemy URL or SQLite path (default: RESULTS/ledger.sqlite)."),
    results: Path = typer.Option(Path("results"), "--results", help="Folder with dispatch-<date>.nc."),
    metered: Optional[Path] = typer.Option(None, "--metered", help="Metered CSV: timestamp,participant,asset,energy_kwh."),
) -> None:
    """Settle one day on the ledger (runs the dispatch first when its result is missing)."""
    workspace = Workspace(_output_folder(results, "--results"), db, park_file=park_file)
    park, rules = workspace.read_park(rules=True)
    day = _parse_date(date, park.park.timezone)
    _operating_days(park, day)
    _input_file(metered, "--metered")
    from market.settlement import read_metered  # after the cheap checks (it imports the dispatch)

    dataset = _day_ahead(workspace, park, day)
    contracts = {participant.name: participant.contract_power_kw for participant in park.participants}
    measured = read_metered(metered, dataset, contracts) if metered is not None else None
    both = workspace.settle_day(park, rules, day, dataset, measured, metered)
    settled, basic = both.day, both.basic
    stats = settled.stats
    current = both.postings[both.postings["posting"] == "settlement"].iloc[-1]
    booked = f", booked {current.booked_on} (month closed: adjustment)" if current.booked_on != current.period_start else ""
    posted = {0: "unchanged: nothing written", 1: "first version"}.get(
        both.posted, f"reversal of v{current.version - 1} and new version ({json.loads(current.meta)['reason']})")
    table = Table(title=f"{park.name} - settlement {day}", show_header=False)
    table.add_row("Entries of the day", f"{len(settled.entries)} (sum {sum(e.amount_krw for e in settled.entries)} KRW)")
    table.add_row("Ledger version", f"v{current.version}: {posted}{booked}")
    table.add_row("Park net cost (grid-only)", f"₩{stats.net_cost_krw.sum():,.0f} (₩{stats.grid_only_bill_krw.sum():,.0f})")
    table.add_row("Imbalance settled", "yes" if measured is not None else "no metered data")
    table.add_row("Basic charge of the month (re-settled)", f"₩{basic.bills.basic_krw.sum():,.0f}")
    table.add_row("Ledger", workspace.ledger_url)
    console.print(table)


@command()
def statement(
    participant: str = typer.Option(..., "--participant", help="Participant name, e.g. T01."),
    month: str = typer.Option(..., "--month", help="Month YYYY-MM."),
    out: Optional[Path] = typer.Option(None, "--out", help="CSV file (an .html is written next to it)."),
    park_file: Optional[Path] = typer.Option(None, "--park", help="Park TOML file (default: the embedded demo park)."),
    db: Optional[str] = typer.Option(None, "--db", help="Ledger URL or SQLite path (default: RESULTS/ledger.sqlite)."),
    results: Path = typer.Option(Path("results"), "--results", help="Folder of the default ledger."),
    language: str = typer.Option("ko", "--lang", help="Language of the printable page: ko or en."),
) -> None:
    """Write a participant's monthly statement: the ledger lines as CSV and a KEPCO-style page that prints on A4."""
    from market.settlement.statement import monthly_statement
    from ui.statement_print import write_printable_statement

    if language not in ("ko", "en"):
        raise EngineInputError(f"--lang = {language!r}: expected ko or en")

    workspace = Workspace(_output_folder(results, "--results"), db, park_file=park_file)
    park, rules = workspace.read_park(rules=True)
    if out is not None:
        _output_file(out, "--out", (".csv",))
    made = monthly_statement(workspace.open_ledger(), park, rules, participant, month)
    if made.lines.empty:
        raise EngineInputError(f"--month = {month!r}: the ledger {workspace.ledger_url!r} has no entries of "
                               f"{participant} in {month}; settle its days first (`microgrid settle --date ...`)")
    csv_path, html_path = write_printable_statement(made, park, out or workspace.statement_path(participant, month),
                                                    language)
    # One sign with the app's bill and the printed page: + = the participant pays, - = it receives.
    console.print(f"{participant} {month}: net {-made.net_krw:,} KRW to pay (+ pays, - receives) over "
                  f"{len(made.lines)} ledger lines -> {csv_path}, {html_path}")


@command()
def income(
    quarter: str = typer.Option(..., "--quarter", help="Quarter YYYY-Qn."),
    park_file: Optional[Path] = typer.Option(None, "--park", help="Park TOML file (default: the embedded demo park)."),
    db: Optional[str] = typer.Option(None, "--db", help="Ledger URL or SQLite path (default: RESULTS/ledger.sqlite)."),
    results: Path = typer.Option(Path("results"), "--results", help="Folder of the default ledger and the statement."),
) -> None:
    """Collect and pay a quarter's sunlight income; writes income-<quarter>.csv (per tenant and per worker)."""
    from market.income import settle_income
    from market.settlement.statement import atomic_write_text

    workspace = Workspace(_output_folder(results, "--results"), db, park_file=park_file)
    park, rules = workspace.read_park(rules=True)
    register = workspace.worker_register()  # None: workers paid per head into participant:<P>:workers
    settled = settle_income(workspace.open_ledger(), park, rules, quarter, register)
    path = workspace.income_path(quarter)
    atomic_write_text(path, settled.table.to_csv(index=False))
    if settled.workers is not None:
        atomic_write_text(path.with_name(f"{path.stem}-workers.csv"), settled.workers.to_csv(index=False))
    table = Table(title=f"{park.name} - sunlight income {quarter}")
    for column in ("participant", "contribution KRW", "tenant KRW", "heads", "per worker KRW"):
        table.add_column(column)
    for row in settled.table.itertuples(index=False):
        if row.contribution_krw or row.tenant_krw or row.workers_krw:
            table.add_row(row.participant, f"{row.contribution_krw:,}", f"{row.tenant_krw:,}", str(row.heads),
                          f"{row.per_worker_krw:,.0f}")
    console.print(table)
    console.print(f"Fund inflow ₩{settled.inflow_krw:,}, paid out ₩{settled.paid_krw:,} -> {path}")
    if settled.workers is not None:
        paid = settled.workers[settled.workers["krw"] > 0]
        console.print(f"Registered workers paid: {len(paid)} of {len(settled.workers)}, ₩{int(paid['krw'].sum()):,} "
                      f"into their own accounts (worker:<id>)")


workers_app = typer.Typer(no_args_is_help=True, help="The worker register of the sunlight income (RESULTS/workers.csv).")
app.add_typer(workers_app, name="workers")


@workers_app.command("import")
def workers_import(
    register_file: Path = typer.Argument(..., help="Worker register CSV: worker_id,employer,start_date,weight"
                                                   "[,eligibility_lag_quarters][,end_date]."),
    park_file: Optional[Path] = typer.Option(None, "--park", help="Park TOML file (default: the embedded demo park)."),
    results: Path = typer.Option(Path("results"), "--results", help="Folder the register is stored in."),
) -> None:
    """Check a worker register against the park and store it; `income` then pays each eligible worker."""
    with exit_codes():
        workspace = Workspace(_output_folder(results, "--results"), None, park_file=park_file)
        _register, meta = workspace.import_workers(register_file)
        console.print(f"{meta['workers']} workers of {len(meta['employers'])} employers -> "
                      f"{workspace.worker_register_path()}")


@workers_app.command("list")
def workers_list(
    park_file: Optional[Path] = typer.Option(None, "--park", help="Park TOML file (default: the embedded demo park)."),
    results: Path = typer.Option(Path("results"), "--results", help="Folder of the stored register."),
) -> None:
    """The stored register: id, employer, start date, weight, lag, end date."""
    with exit_codes():
        workspace = Workspace(_output_folder(results, "--results"), None, park_file=park_file)
        register = workspace.worker_register()
        if register is None:
            raise EngineInputError(f"{workspace.worker_register_path()}: no worker register; "
                                   f"import one with `microgrid workers import FILE`")
        table = Table("worker", "employer", "start", "weight", "lag [quarters]", "end")
        for worker in register.workers:
            table.add_row(worker.worker_id, worker.employer, worker.start_date.isoformat(), f"{worker.weight:g}",
                          "" if worker.eligibility_lag_quarters is None else str(worker.eligibility_lag_quarters),
                          worker.end_date.isoformat() if worker.end_date else "")
        console.print(table)


@workers_app.command("statement")
def workers_statement(
    worker_id: str = typer.Argument(..., help="The worker's id in the register."),
    year: int = typer.Option(..., "--year", help="Year of the statement."),
    language: str = typer.Option("ko", "--lang", help="ko or en."),
    park_file: Optional[Path] = typer.Option(None, "--park", help="Park TOML file (default: the embedded demo park)."),
    db: Optional[str] = typer.Option(None, "--db", help="Ledger URL or SQLite path (default: RESULTS/ledger.sqlite)."),
    results: Path = typer.Option(Path("results"), "--results", help="Folder of the register, ledger and statement."),
) -> None:
    """Write one worker's sunlight-income statement for a year (printable HTML; only that worker's account)."""
    from market.income.workers import worker_statement
    from market.settlement.statement import atomic_write_text
    from ui.statement_print import worker_statement_html

    with exit_codes():
        if language not in ("ko", "en"):
            raise EngineInputError(f"--lang = {language!r}: expected ko or en")
        workspace = Workspace(_output_folder(results, "--results"), db, park_file=park_file)
        _park, rules = workspace.read_park(rules=True)
        register = workspace.worker_register()
        if register is None:
            raise EngineInputError(f"{workspace.worker_register_path()}: no worker register; "
                                   f"import one with `microgrid workers import FILE`")
        made = worker_statement(workspace.open_ledger(), register, worker_id, year,
                                rules.income.eligibility_lag_quarters)
        path = workspace.worker_statement_path(worker_id, year)
        atomic_write_text(path, worker_statement_html(made, language))
        console.print(f"{worker_id} {year}: paid ₩{made.total_krw:,}; next payment "
                      f"{made.next_payment or '(left)'} -> {path}")


@command()
def close(
    month: str = typer.Option(..., "--month", help="Month YYYY-MM to close."),
    park_file: Optional[Path] = typer.Option(None, "--park", help="Park TOML file (default: the embedded demo park)."),
    db: Optional[str] = typer.Option(None, "--db", help="Ledger URL or SQLite path (default: RESULTS/ledger.sqlite)."),
    results: Path = typer.Option(Path("results"), "--results", help="Folder of the default ledger."),
) -> None:
    """Close a month: its entries never change again; a later change of its days is an adjustment in the first open month."""
    from market.settlement.monthly import parse_month

    parse_month(month)  # before the ledger is opened (or created)
    workspace = Workspace(_output_folder(results, "--results"), db, park_file=park_file)
    park = workspace.read_park()
    closed = workspace.close_month(park, month)
    state = "closed" if closed.newly_closed else "already closed"
    console.print(f"{park.name} {month}: {state} at {closed.closed_at:%Y-%m-%d %H:%M} UTC; "
                  f"{closed.summary['entries']} entries booked, sha256 {closed.summary['entries_sha256'][:16]}...")


# --- batch and report (issue 5): rolling year, scenario sweeps on Dask, analyst's report -------------


@command()
def batch(
    year: int = typer.Option(..., "--year", help="Year to dispatch day by day (365/366 rolling days)."),
    park_file: Optional[Path] = typer.Option(None, "--park", help="Park TOML file (default: the embedded demo park)."),
    weather_file: Optional[Path] = typer.Option(None, "--weather", help="Weather file; default: the site's synthetic weather."),
    scenarios_file: Optional[Path] = typer.Option(None, "--scenarios", help="Scenarios TOML ([[scenarios]] with overrides)."),
    workers: int = typer.Option(2, "--workers", help="Processes: a sweep's LocalCluster workers; one scenario's days split between them (0 or 1: sequential, no Dask)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Address of a running Dask scheduler."),
    actual: bool = typer.Option(False, "--actual", help="Dispatch on the actual weather instead of the day-ahead forecast."),
    out: Path = typer.Option(Path("results/batch"), "--out", help="Batch folder (scenarios/<name>.nc and the index batch.json; checkpoints while it runs)."),
    settle_days: bool = typer.Option(False, "--settle", help="Settle every scenario day by day on its own ledger, OUT/ledgers/<scenario>.sqlite (resumable)."),
    perfect_foresight: bool = typer.Option(False, "--perfect-foresight", help="Also solve each month as one LP and report the cost of day-ahead myopia."),
    start: Optional[str] = typer.Option(None, "--start", help="First day (default: 1 January of --year)."),
    end: Optional[str] = typer.Option(None, "--end", help="Last day (default: 31 December of --year)."),
    engine: str = typer.Option("compiled", "--engine", help="compiled (one LP per scenario, re-solved) or pyomo (rebuilt daily)."),
    lookahead_hours: int = typer.Option(0, "--lookahead-hours", help="Hours past midnight each day's LP also plans, not committed (0-168) [h]."),
) -> None:
    """Rolling day-ahead dispatch of a year for every scenario, resumable; results with a scenario dimension."""
    import json

    from microgrid.park import demo_park_path

    if not 0 <= lookahead_hours <= 168:
        raise EngineInputError(f"--lookahead-hours = {lookahead_hours}: expected 0 to 168 hours")
    _input_file(weather_file, "--weather")
    _input_file(scenarios_file, "--scenarios")
    park = Workspace(park_file=park_file).read_park()
    source = str(park_file if park_file is not None else demo_park_path())
    if not 1 <= year <= 9999:
        raise EngineInputError(f"--year = {year}: expected a year such as 2026")
    first = _parse_date(start, "Asia/Seoul", "--start") if start else dt.date(year, 1, 1)
    last = _parse_date(end, "Asia/Seoul", "--end") if end else dt.date(year, 12, 31)
    for option, day in (("--start", first), ("--end", last)):
        if day.year != year:
            raise EngineInputError(f"{option} = {day}: outside --year = {year}; expected a day of {year}")
    if last < first:
        raise EngineInputError(f"--end = {last}: expected on or after {first}")
    if workers < 0:
        raise EngineInputError(f"--workers = {workers}: expected 0 (no Dask, sequential) or more worker processes")
    _operating_days(park, first, last, "--year" if not (start or end) else "--start/--end")
    _output_folder(out, "--out")

    from market.batch import BatchConfig, run_batch
    from market.batch.rolling import ENGINES
    from market.batch.scenarios import read_scenarios
    from market.batch.settle import read_figures

    if engine not in ENGINES:
        raise EngineInputError(f"--engine = {engine!r}: expected one of {list(ENGINES)}")
    scenarios = read_scenarios(scenarios_file)
    config = BatchConfig(park, source, scenarios, first, last, out, "actual" if actual else "day_ahead",
                         str(weather_file) if weather_file else None, workers, scheduler, engine=engine,
                         progress=True, settle=settle_days,
                         lookahead_hours=lookahead_hours)
    store = run_batch(config)
    settled = [read_figures(out, s.name) for s in scenarios] if settle_days and store is not None else []
    if perfect_foresight:
        from market.batch.foresight_run import foresight_report

        rows = foresight_report(config)
        (out / "foresight.json").write_text(json.dumps(rows, indent=2))
        for row in rows:
            console.print(f"{row['scenario']}: rolling ₩{row['rolling_cost_krw']:,.0f}, perfect foresight "
                          f"₩{row['foresight_cost_krw']:,.0f}, myopia ₩{row['myopia_krw']:,.0f}")
    console.print(f"Batch of {len(scenarios)} scenario(s) {first}..{last} -> {store}")
    if settled:
        console.print(_settled_table(settled))


def _settled_table(settled: list) -> Table:
    """Annual figures of settled batch scenarios, one column per scenario."""
    table = Table(title=f"Settled {settled[0].first_day}..{settled[0].last_day} (one ledger per scenario)")
    table.add_column("figure")
    table.add_column("unit")
    for row in settled:
        table.add_column(row.scenario, justify="right")
    lines = [
        ("Days settled (written this run)", "days", lambda r: f"{r.days_settled} ({r.days_written})"),
        ("Basic-charge months / income quarters", "-", lambda r: f"{r.months_billed} / {r.quarters_paid}"),
        ("KEPCO bill", "KRW", lambda r: f"{r.kepco_bill_krw:,}"),
        ("  energy (adders, fund, VAT)", "KRW", lambda r: f"{r.kepco_energy_krw:,}"),
        ("  basic charge (fund, VAT)", "KRW", lambda r: f"{r.kepco_basic_krw:,}"),
        ("Grid import billed", "kWh", lambda r: f"{r.grid_import_kwh:,.0f}"),
        ("Direct trades paid to sellers", "KRW", lambda r: f"{r.trade_krw:,}"),
        ("Energy traded", "kWh", lambda r: f"{r.traded_kwh:,.0f}"),
        ("Platform fees", "KRW", lambda r: f"{r.fees_krw:,}"),
        ("Exports (SMP + REC)", "KRW", lambda r: f"{r.export_krw:,}"),
        ("Sunlight fund inflow / paid out", "KRW", lambda r: f"{r.sunlight_fund_inflow_krw:,} / {r.sunlight_paid_krw:,}"),
        ("Rounding remainders", "KRW", lambda r: f"{r.rounding_krw:,}"),
        ("Settling time (last run)", "s", lambda r: f"{r.settle_seconds:,.1f}"),
        ("Ledger", "", lambda r: r.ledger),
    ]
    for label, unit, cell in lines:
        table.add_row(label, unit, *[cell(row) for row in settled])
    return table


@command()
def report(
    batch_dir: Path = typer.Option(..., "--batch", help="Batch folder written by `microgrid batch`."),
    out: Optional[Path] = typer.Option(None, "--out", help="Report folder (default: BATCH/report)."),
) -> None:
    """Annual summary per scenario and plots of a batch, as one self-contained HTML file."""
    from market.report import write_report

    if out is not None:
        _output_folder(out, "--out")
    if not any((batch_dir / name).exists() for name in ("batch.json", "batch.zarr", "batch.nc")):
        raise EngineInputError(f"--batch {str(batch_dir)!r}: no batch.json (nor an earlier engine's batch.zarr or "
                               "batch.nc); run `microgrid batch` first")
    from market.batch.runner import open_batch

    open_batch(batch_dir).close()  # a store that cannot be read is refused before the report folder is made
    try:
        path = write_report(batch_dir, out)
    except (KeyError, IndexError) as error:  # a store that opens but lacks what a batch writes
        raise EngineInputError(f"--batch {str(batch_dir)!r}: the batch store lacks {error}; expected a store "
                               "written by `microgrid batch` (run it again)") from None
    console.print(f"Report -> {path}")


# --- The web app (issue 6) -----------------------------------------------------------------------
# (Imports are lazy, inside the command; see ui/README.md.)


@command("ui")
def ui_command(
    park_file: Optional[Path] = typer.Option(None, "--park", help="Park TOML file (default: the embedded demo park)."),
    db: Optional[str] = typer.Option(None, "--db", help="Ledger URL or SQLite path (default: RESULTS/ledger.sqlite)."),
    results: Path = typer.Option(Path("results"), "--results", help="Folder with dispatch-<date>.nc (and batch*/)."),
    port: int = typer.Option(8501, "--port", help="Port of the web app."),
    address: str = typer.Option("127.0.0.1", "--address",
                                help="Address to listen on (default: this machine only; see ui/README.md)."),
    users: Optional[str] = typer.Option(None, "--users", help="Accounts URL or SQLite path (default: RESULTS/ui_users.sqlite)."),
    demo: bool = typer.Option(False, "--demo", help="Create the published demo accounts (this machine only)."),
) -> None:
    """Start the web app: settles the dispatch results found (or demo days), then serves ui/app.py behind the log-in."""
    import os
    import subprocess

    from ui.auth import UserStore, seed_demo_users
    from ui.bootstrap import prepare_demo_data
    from ui.config import ENV, make_config

    if demo and address not in ("127.0.0.1", "localhost", "::1"):
        raise EngineInputError(f"--demo with --address {address!r}: the demo accounts' passwords are published; "
                               "serve them on 127.0.0.1 only")
    settings = make_config(str(park_file) if park_file else None, db, str(results), users)
    with console.status("Preparing the data the app shows ..."):
        prepare_demo_data(settings.park_file, settings.db, settings.results,
                          progress=lambda message: console.print(message, highlight=False))
    for private in ([Path(settings.db)] if "://" not in settings.db else []):
        if private.is_file():  # the ledger holds every tenant's money: owner-only, like the accounts and the key
            private.chmod(0o600)
    store = UserStore(settings.users)
    try:
        if demo:
            park = Workspace(park_file=settings.park_file).read_park()
            created = seed_demo_users(store, [p.name for p in park.participants if p.kind == "tenant"])
            if created:
                console.print(f"Demo mode: {created} demo accounts created (ui/README.md).")
        elif store.count() == 0:
            console.print("No accounts yet: create one with `microgrid users add NAME --role manager` "
                          "(or try `microgrid ui --demo`).")
    finally:
        store.close()
    # The settings (a ledger URL may hold a password) go through the environment, never the command line.
    environment = {**os.environ, ENV["db"]: settings.db, ENV["results"]: settings.results, ENV["users"]: settings.users}
    if settings.park_file:
        environment[ENV["park"]] = settings.park_file
    else:
        environment.pop(ENV["park"], None)
    argv = [sys.executable, "-m", "ui.server", "--port", str(port), "--address", address]
    console.print(f"Park app on http://{address}:{port}; Ctrl+C stops it.")
    raise typer.Exit(subprocess.call(argv, env=environment))


users_app = typer.Typer(no_args_is_help=True, help="The web app's accounts (RESULTS/ui_users.sqlite or --users URL).")
app.add_typer(users_app, name="users")


def _user_store(results: Path, users: Optional[str]):
    from ui.auth import UserStore
    from ui.config import make_config

    return UserStore(make_config(results=str(results), users=users).users)


def _new_password(password_stdin: bool) -> str:
    """A password from stdin (one line) or an interactive prompt: never a command-line argument."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 8:
        raise EngineInputError("the password is shorter than 8 characters")
    return password


_RESULTS_OPTION = typer.Option(Path("results"), "--results", help="Folder of the app (its ui_users.sqlite).")
_USERS_OPTION = typer.Option(None, "--users", help="Accounts URL or SQLite path (default: RESULTS/ui_users.sqlite).")
_STDIN_OPTION = typer.Option(False, "--password-stdin", help="Read the password from stdin (scripts).")


@users_app.command("add")
def users_add(
    username: str = typer.Argument(..., help="User name."),
    role: str = typer.Option(..., "--role", help="manager, analyst, tenant or worker."),
    participant: Optional[str] = typer.Option(None, "--participant", help="A tenant's participant (e.g. T01) or a worker's id in the register."),
    results: Path = _RESULTS_OPTION, users: Optional[str] = _USERS_OPTION, password_stdin: bool = _STDIN_OPTION,
) -> None:
    """Create an account (the password is prompted for, or read from stdin)."""
    with exit_codes():
        store = _user_store(results, users)
        try:
            if store.password_hash(username) is not None:
                raise EngineInputError(f"user {username!r} exists (use `microgrid users passwd`)")
            try:
                store.set_user(username, _new_password(password_stdin), role, participant)
            except ValueError as error:
                raise EngineInputError(str(error)) from None
        finally:
            store.close()
        console.print(f"Added {username} ({role}{', ' + participant if participant else ''}).")


@users_app.command("passwd")
def users_passwd(username: str = typer.Argument(...), results: Path = _RESULTS_OPTION,
                 users: Optional[str] = _USERS_OPTION, password_stdin: bool = _STDIN_OPTION) -> None:
    """Change a password (the user's open sessions end at their next click)."""
    with exit_codes():
        store = _user_store(results, users)
        try:
            found = next((user for user in store.users() if user.username == username), None)
            if found is None:
                raise EngineInputError(f"no user {username!r}")
            store.set_user(username, _new_password(password_stdin), found.role, found.participant)
        finally:
            store.close()
        console.print(f"Password of {username} changed.")


@users_app.command("remove")
def users_remove(username: str = typer.Argument(...), results: Path = _RESULTS_OPTION,
                 users: Optional[str] = _USERS_OPTION) -> None:
    """Remove an account (its open sessions end at their next click)."""
    with exit_codes():
        store = _user_store(results, users)
        try:
            if not store.remove_user(username):
                raise EngineInputError(f"no user {username!r}")
        finally:
            store.close()
        console.print(f"Removed {username}.")


@users_app.command("list")
def users_list(results: Path = _RESULTS_OPTION, users: Optional[str] = _USERS_OPTION) -> None:
    """The accounts: user name, role, participant (never the password hashes)."""
    with exit_codes():
        store = _user_store(results, users)
        try:
            table = Table("user", "role", "participant")
            for user in store.users():
                table.add_row(user.username, user.role, user.participant or "")
        finally:
            store.close()
        console.print(table)


# --- Safety: AC validation, monitoring and alarms, intraday re-dispatch (issue #7) ---------------
# Lazy imports inside each command (pandapower is slow to import). Exit codes: see the module docstring.


def _inputs_of(dataset):
    from market.dispatch.inputs import DispatchInputs

    return DispatchInputs(time=dataset.indexes["time"], available_generation=dataset["available_generation"],
                          load=dataset["load"])


@command()
def validate(
    date: str = typer.Option(..., "--date", help="Operating day YYYY-MM-DD."),
    park_file: Optional[Path] = typer.Option(None, "--park", help="Park TOML file (default: the embedded demo park)."),
    results: Path = typer.Option(Path("results"), "--results", help="Folder with dispatch-<date>.nc (run when missing)."),
    tighten: bool = typer.Option(False, "--tighten", help="Lower violated kW limits and re-solve until clean."),
    max_rounds: int = typer.Option(5, "--max-rounds", min=1, help="Largest number of tightening rounds."),
) -> None:
    """Check every hour of a dispatch with an AC power flow; writes violations-<date>.csv."""
    workspace = Workspace(_output_folder(results, "--results"), park_file=park_file)
    park = workspace.read_park()
    day = _parse_date(date, park.park.timezone)
    _operating_days(park, day)
    from market.dispatch.io import write_dataset_atomic  # after the cheap checks (pandapower is slow)
    from market.dispatch.results import DispatchResult
    from market.safety.tighten import validate_and_tighten
    from market.settlement.statement import atomic_write_text

    dataset = _day_ahead(workspace, park, day)
    with console.status(f"AC power flow of {day} ..."):
        outcome = validate_and_tighten(park, _inputs_of(dataset), tighten=tighten, max_rounds=max_rounds,
                                       first=DispatchResult(dataset=dataset),
                                       pricing_rule=str(dataset.attrs.get("pricing_rule")))
    frame = outcome.report.frame()
    csv_path = workspace.violations_path(day)
    atomic_write_text(csv_path, frame.to_csv(index=False))
    if outcome.rounds:
        plan = write_dataset_atomic(outcome.result.dataset, workspace.tightened_path(day))
    checked = outcome.report.results
    table = Table(title=f"{park.name} - AC validation {day}", show_header=False)
    table.add_row("Result", outcome.message)
    table.add_row("Lowest / highest bus voltage", f"{float(checked['vm_pu'].min()):.3f} / "
                  f"{float(checked['vm_pu'].max()):.3f} pu")
    table.add_row("Worst cable / transformer loading", f"{float(checked['line_loading'].max()):.1f} / "
                  f"{float(checked['transformer_loading'].max()):.1f} %")
    table.add_row("Largest losses", f"{float(checked['losses_kw'].max()):,.0f} kW")
    for override in outcome.overrides:
        table.add_row(f"Round {override.round}: {override.limit} {override.element}",
                      f"{override.old_kw:,.0f} -> {override.new_kw:,.0f} kW")
    for violation in outcome.report.violations[:8]:
        table.add_row("Violation", violation.describe())
    table.add_row("Violations table", str(csv_path))
    if outcome.rounds:
        table.add_row("Tightened plan", str(plan))
    console.print(table)
    if not outcome.clean:
        raise typer.Exit(EXIT_VIOLATIONS)


@command()
def monitor(
    date: str = typer.Option(..., "--date", help="Operating day YYYY-MM-DD."),
    measurements: Path = typer.Option(..., "--measurements", help="CSV: timestamp,element,quantity,value,unit."),
    park_file: Optional[Path] = typer.Option(None, "--park", help="Park TOML file (default: the embedded demo park)."),
    results: Path = typer.Option(Path("results"), "--results", help="Folder with dispatch-<date>.nc (run when missing)."),
    db: Optional[str] = typer.Option(None, "--db", help="Ledger URL or SQLite path (default: RESULTS/ledger.sqlite)."),
) -> None:
    """Compare measurements with the schedule and limits; log the alarms in the ledger database."""
    workspace = Workspace(_output_folder(results, "--results"), db, park_file=park_file)
    park = workspace.read_park()
    day = _parse_date(date, park.park.timezone)
    _operating_days(park, day)
    _input_file(measurements, "--measurements")
    from market.safety.alarm_log import log_alarms  # after the cheap checks
    from market.safety.alarms import raise_alarms
    from market.safety.measurements import day_steps, read_measurements

    dataset = _day_ahead(workspace, park, day)
    measured = read_measurements(measurements, park, day_steps(dataset))
    alarms = raise_alarms(park, dataset, measured)
    written = log_alarms(workspace.open_ledger(), park.name, alarms, str(measurements))
    table = Table(title=f"{park.name} - alarms {day} ({written} logged)")
    for column in ("time", "severity", "element", "message", "suggested action"):
        table.add_column(column)
    for alarm in alarms[:30]:
        table.add_row(f"{alarm.time:%H:%M}", alarm.severity, alarm.element, alarm.message, alarm.suggested_action)
    console.print(table)
    critical = [alarm for alarm in alarms if alarm.severity == "critical"]
    if critical:
        first = critical[0]
        raise AttentionNeededError(f"{len(critical)} critical alarm(s) on {day}, the first at {first.time:%H:%M}: "
                                   f"{first.element}: {first.message} (logged; needs a person's attention)")


@command()
def redispatch(
    date: str = typer.Option(..., "--date", help="Operating day YYYY-MM-DD."),
    from_time: str = typer.Option(..., "--from", help="First step to re-optimise, HH:MM."),
    outage: list[str] = typer.Option([], "--outage", help="Asset or feeder out of service (repeatable)."),
    soc: list[str] = typer.Option([], "--soc", help="Measured SOC at --from, STORAGE=KWH (repeatable)."),
    park_file: Optional[Path] = typer.Option(None, "--park", help="Park TOML file (default: the embedded demo park)."),
    results: Path = typer.Option(Path("results"), "--results", help="Folder with dispatch-<date>.nc (run when missing)."),
    db: Optional[str] = typer.Option(None, "--db", help="Ledger URL or SQLite path (default: RESULTS/ledger.sqlite)."),
) -> None:
    """Re-optimise the rest of a day; writes redispatch-<date>.nc and settles the change as a correction."""
    import math

    workspace = Workspace(_output_folder(results, "--results"), db, park_file=park_file)
    park, rules = workspace.read_park(rules=True)
    day = _parse_date(date, park.park.timezone)
    _operating_days(park, day)
    try:
        hour = dt.time.fromisoformat(from_time)
    except ValueError:
        raise EngineInputError(f"--from = {from_time!r}: expected HH:MM") from None
    # names checked against the park file before Pyomo and pandapower load
    feeders, assets = [feeder.name for feeder in park.network.feeders], [asset.name for asset in park.assets]
    for name in outage:
        if name not in feeders + assets:
            raise EngineInputError(f"--outage = {name!r}: not an asset or feeder of the park; expected a feeder "
                                   f"{_choices(feeders)} or one of its {len(assets)} assets {_choices(assets)}")
    storages = [asset.name for asset in park.assets_of_role("storage")]
    measured = {}
    for item in soc:
        name, _, value = item.partition("=")
        try:
            measured[name.strip()] = float(value)
        except ValueError:
            raise EngineInputError(f"--soc = {item!r}: expected STORAGE=KWH") from None
        if name.strip() not in storages:
            raise EngineInputError(f"--soc = {item!r}: {name.strip()!r} is not a storage of the park; expected "
                                   f"one of {_choices(storages)}")
        if not math.isfinite(measured[name.strip()]) or measured[name.strip()] < 0:
            raise EngineInputError(f"--soc = {item!r}: expected a finite state of charge >= 0 kWh")

    import pandas as pd

    from market.dispatch.io import write_dataset_atomic
    from market.redispatch.correction import require_settled_day, settle_correction
    from market.redispatch.intraday import redispatch as run_redispatch

    with closing(workspace.open_ledger()) as ledger:
        require_settled_day(ledger, day)  # before anything is computed or written
    dataset = _day_ahead(workspace, park, day)
    start = pd.Timestamp(dt.datetime.combine(day, hour))
    with console.status(f"Re-dispatching {day} from {hour:%H:%M} ..."):
        revised = run_redispatch(park, dataset, start, outages=outage, soc_kwh=measured)
    path = write_dataset_atomic(revised.dataset, workspace.redispatch_path(day))
    correction = settle_correction(workspace.open_ledger(), park, dataset, revised.dataset, rules)
    before, after = dataset, revised.dataset
    table = Table(title=f"{park.name} - re-dispatch {day} from {hour:%H:%M}", show_header=False)
    table.add_row("Outages", ", ".join(outage) or "none")
    table.add_row("Grid import (day-ahead -> revised)",
                  f"{float(before['grid_import'].sum()):,.0f} -> {float(after['grid_import'].sum()):,.0f} kWh")
    table.add_row("Storage discharge", f"{float(before['discharge'].sum()):,.0f} -> {float(after['discharge'].sum()):,.0f} kWh")
    table.add_row("Energy not served (outaged feeders)", f"{revised.unserved_kwh:,.0f} kWh")
    table.add_row("Correction entries", f"{len(correction.entries)} (sum {correction.total_krw} KRW) as {correction.key}")
    table.add_row("Result", str(path))
    console.print(table)


ORDER_ACTIONS = ("validate", "show", "submit")


@command()
def orders(
    action: str = typer.Argument(..., help="validate | show | submit"),
    file: Optional[Path] = typer.Argument(None, help="Order book TOML (show: default the stored book of --date)."),
    date: str = typer.Option(..., "--date", help="Delivery day YYYY-MM-DD."),
    park_file: Optional[Path] = typer.Option(None, "--park", help="Park TOML file (default: the embedded demo park)."),
    results: Path = typer.Option(Path("results"), "--results", help="Folder holding orders/orders-<date>.toml."),
) -> None:
    """Check, show or submit a day's order book (offers, bids, contracts, flexibility; format in market/orders/schema.py)."""
    from market.orders.reader import read_orders, store_orders

    if action not in ORDER_ACTIONS:
        raise EngineInputError(f"ACTION = {action!r}: expected one of {list(ORDER_ACTIONS)}")
    workspace = Workspace(_output_folder(results, "--results"), park_file=park_file)
    park = workspace.read_park()
    day = _parse_date(date, park.park.timezone)
    stored = workspace.orders_path(day)
    if file is None and action != "show":
        raise EngineInputError(f"FILE: missing; expected an order book TOML for {action}")
    path = _input_file(file, "FILE") if file is not None else stored
    if file is None and not stored.is_file():
        raise EngineInputError(f"--date = '{day}': no order book submitted ({stored} does not exist)")
    book, meta = read_orders(path, park, date=day, gate=None if file is None else park.market.gate_closure)
    if action == "submit":
        target = store_orders(path, stored.parent)
        console.print(f"Submitted {path} as {target}")
    table = Table(title=f"{park.name} - orders for {day}")
    for column in ("kind", "participant", "hours", "kWh/h", "price KRW/kWh", "detail"):
        table.add_column(column)
    for o in book.offers:
        table.add_row("offer", o.participant, f"{o.hours[0]}-{o.hours[-1]}", f"{o.max_kwh:,.0f}",
                      f">= {o.min_price_krw_per_kwh:,.1f}", ", ".join(o.assets))
    for b in book.bids:
        detail = b.product.value + (f"; preferred {b.preferred}" if b.preferred else "") + \
            (f"; excluded {b.excluded}" if b.excluded else "")
        table.add_row("bid", b.participant, f"{b.hours[0]}-{b.hours[-1]}", f"{b.max_kwh:,.0f}",
                      f"<= {b.max_price_krw_per_kwh:,.1f}", detail)
    for c in book.contracts:
        shape = f"{c.share_of_output:.0%} of output" if c.share_of_output else f"{sum(c.kwh_per_hour):,.0f} kWh/day"
        table.add_row("contract", f"{c.seller} -> {c.buyer}", "0-23", shape, f"{c.price_krw_per_kwh:,.1f}",
                      f"{c.name}, {c.source.value}, {c.start}..{c.end}, shortfall {c.shortfall.value}")
    for d in book.deferrable:
        table.add_row("deferrable", d.participant, f"{d.window[0]}-{d.window[1]}", f"{d.min_kw:,.0f}-{d.max_kw:,.0f} kW",
                      "", f"{d.name}: {d.energy_kwh:,.0f} kWh")
    for c in book.curtailable:
        table.add_row("curtailable", c.participant, f"{c.hours[0]}-{c.hours[-1]}", f"{c.max_kwh:,.0f}",
                      f"VoLL {c.voll_krw_per_kwh:,.1f}", c.name)
    console.print(table)
    console.print(f"{action}: {meta['source']} is valid (gate closure {meta['gate_closure'] or 'not checked'})")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
