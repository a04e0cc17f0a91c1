"""Where a park's results live, and the use cases the command line and the app share.

A :class:`Workspace` names the results folder, the ledger, the UI's user
accounts and the park file, and owns the names of the files written there:
``dispatch-<date>.nc`` is spelled once, in :meth:`Workspace.dispatch_path`.
Its methods are the use cases behind ``microgrid dispatch / settle / close /
validate / monitor / redispatch / ui`` and the app's "run" button:

- :meth:`Workspace.read_park`: the park file (and its settlement rules), the
  one place the interfaces read a park;
- :meth:`Workspace.run_day`: forecast, dispatch, write ``dispatch-<date>.nc``
  atomically;
- :meth:`Workspace.day_ahead`: the day's dispatch file, run (and written)
  when it is missing;
- :meth:`Workspace.settle_day`: settle a day on the ledger and re-settle its
  month's basic charge, in one transaction, recording the files' hashes;
- :meth:`Workspace.close_month`: close a month of the ledger;
- :meth:`Workspace.open_ledger`.

Imports of the engine are lazy (inside the methods), so that the command
line starts fast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from microgrid.errors import EngineInputError

if TYPE_CHECKING:
    import xarray as xr

    from market.dispatch.results import DispatchResult
    from market.ledger import Ledger
    from market.settlement import BasicSettlement, DaySettlement

#: ``progress(step, fraction)``; the steps are the i18n keys ``run_forecast``, ``run_dispatch``,
#: ``run_write`` (and, from :func:`ui.bootstrap.run_and_settle_day`, ``run_settle``, ``run_done``).
Progress = Callable[[str, float], None]

LEDGER_FILE = "ledger.sqlite"
USERS_FILE = "ui_users.sqlite"
WORKERS_FILE = "workers.csv"
DISPATCH_PREFIX = "dispatch-"


def _quiet(_step: str, _fraction: float) -> None:
    return None


@dataclass(frozen=True)
class DispatchedDay:
    """A day just dispatched: the result (with solver timings) and the file written."""

    result: DispatchResult
    path: Path


@dataclass(frozen=True)
class SettledDay:
    """A day just settled: the day's settlement and its month's re-settled basic charge."""

    day: DaySettlement
    basic: BasicSettlement
    #: the day's postings after this settle (:meth:`market.ledger.Ledger.postings`), oldest first
    postings: Any = None
    #: postings this settle wrote for the day (0: unchanged inputs, 1: first version, 2: reversal + version)
    posted: int = 0


@dataclass(frozen=True)
class Workspace:
    """Where things live.

    Attributes
    ----------
    results : Path
        Folder of the dispatch results, statements, income tables, violations.
    ledger_url : str
        Ledger SQLAlchemy URL or SQLite path; default ``RESULTS/ledger.sqlite``.
    users_url : str
        UI accounts URL or SQLite path; default ``RESULTS/ui_users.sqlite``.
    park_file : str or Path or None
        Park TOML file; None means the embedded demo park.
    """

    results: Path = Path("results")
    ledger_url: str | None = None
    users_url: str | None = None
    park_file: str | Path | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "results", Path(self.results))
        if self.ledger_url is None:
            object.__setattr__(self, "ledger_url", str(self.results / LEDGER_FILE))
        if self.users_url is None:
            object.__setattr__(self, "users_url", str(self.results / USERS_FILE))

    # -- file names ---------------------------------------------------------------------------------
    def dispatch_path(self, day: dt.date) -> Path:
        """``RESULTS/dispatch-<date>.nc``: the day-ahead dispatch of ``day``."""
        return self.results / f"{DISPATCH_PREFIX}{day.isoformat()}.nc"

    def orders_path(self, day: dt.date) -> Path:
        """``RESULTS/orders/orders-<date>.toml``: the order book submitted for delivery ``day``."""
        return self.results / "orders" / f"orders-{day.isoformat()}.toml"

    def tightened_path(self, day: dt.date) -> Path:
        """``RESULTS/dispatch-<date>-tightened.nc``: the plan re-solved under tightened limits."""
        return self.results / f"{DISPATCH_PREFIX}{day.isoformat()}-tightened.nc"

    def redispatch_path(self, day: dt.date) -> Path:
        """``RESULTS/redispatch-<date>.nc``: the intraday re-dispatch of ``day``."""
        return self.results / f"redispatch-{day.isoformat()}.nc"

    def violations_path(self, day: dt.date) -> Path:
        """``RESULTS/violations-<date>.csv``: the AC validation of ``day``."""
        return self.results / f"violations-{day.isoformat()}.csv"

    def statement_path(self, participant: str, month: str) -> Path:
        """``RESULTS/statement-<participant>-<YYYY-MM>.csv`` (its .html is written next to it)."""
        return self.results / f"statement-{participant}-{month}.csv"

    def worker_register_path(self) -> Path:
        """``RESULTS/workers.csv``: the worker register ``microgrid workers import`` stored (0600)."""
        return self.results / WORKERS_FILE

    def worker_register(self):
        """The stored worker register checked against the park, or None when none was imported."""
        from market.income.workers import read_worker_register

        path = self.worker_register_path()
        if not path.is_file():
            return None
        return read_worker_register(path, self.read_park())[0]

    def import_workers(self, source: Path):
        """Check the register ``source`` against the park and store it (atomically, 0600); returns (register, meta)."""
        from market.income.workers import read_worker_register
        from ui.session import write_private

        register, meta = read_worker_register(source, self.read_park())
        write_private(self.worker_register_path(), Path(source).read_bytes())
        return register, meta

    def worker_statement_path(self, worker_id: str, year: int) -> Path:
        """``RESULTS/worker-<id>-<year>.html``: a worker's sunlight-income statement."""
        return self.results / f"worker-{worker_id}-{year}.html"

    def income_path(self, quarter: str) -> Path:
        """``RESULTS/income-<YYYY-Qn>.csv``: a quarter's sunlight income per tenant and worker."""
        return self.results / f"income-{quarter}.csv"

    def forecast_path(self, first: dt.date, last: dt.date) -> Path:
        """``RESULTS/forecast-<first>-<last>.nc``."""
        return self.results / f"forecast-{first.isoformat()}-{last.isoformat()}.nc"

    def dispatched_days(self) -> list[dt.date]:
        """Days with a ``dispatch-<date>.nc`` in the results folder, oldest first.

        Other files starting with ``dispatch-`` (``dispatch-<date>-tightened.nc``) are not days.
        """
        days = []
        for file in self.results.glob(f"{DISPATCH_PREFIX}*.nc"):
            try:
                days.append(dt.date.fromisoformat(file.stem.removeprefix(DISPATCH_PREFIX)))
            except ValueError:
                continue
        return sorted(days)

    # -- reading ------------------------------------------------------------------------------------
    def read_park(self, *, rules: bool = False) -> Any:
        """The park of this workspace; with ``rules=True``, ``(park, settlement_rules)``.

        The one place the interfaces read a park file (the merge of the single
        park reader changes only this method).
        """
        from microgrid.park import read_park

        park = read_park(self.park_file)
        if rules:
            from market.settlement import rules_for

            return park, rules_for(park)
        return park

    def open_ledger(self) -> Ledger:
        """The ledger at :attr:`ledger_url` (created or upgraded on first use).

        The default ledger, ``RESULTS/ledger.sqlite``, creates the results folder; a ledger named
        by the user (``--db``) must be in an existing folder.
        """
        from market.ledger import open_ledger

        if self.ledger_url == str(self.results / LEDGER_FILE):
            self.results.mkdir(parents=True, exist_ok=True)
        return open_ledger(self.ledger_url)

    # -- use cases ----------------------------------------------------------------------------------
    def order_book(self, park, day: dt.date, orders_file: str | Path | None = None):
        """The order book a dispatch of ``day`` clears, and the file it came from (``(None, None)``: none).

        ``orders_file`` (``--orders``) is read and checked against the gate closure; without it
        the book stored for the day (:meth:`orders_path`, written by ``microgrid orders submit``,
        already checked) is used when there is one.
        """
        from market.orders.reader import read_orders

        if orders_file is not None:
            return read_orders(orders_file, park, date=day, gate=park.market.gate_closure)[0], Path(orders_file)
        stored = self.orders_path(day)
        if stored.is_file():
            return read_orders(stored, park, date=day, gate=None)[0], stored
        return None, None

    def run_day(self, park, day: dt.date, *, kind: str = "day_ahead", weather_file: str | Path | None = None,
                pricing_rule: str | None = None, progress: Progress | None = None,
                orders_file: str | Path | None = None) -> DispatchedDay:
        """Forecast ``day``, dispatch it (with its order book, :meth:`order_book`) and write
        :meth:`dispatch_path` atomically (replacing it).

        The demand charge's billing floors come from the ledger's days settled
        before ``day`` when a ledger is present (:meth:`peaks_before`), else
        from the park file.
        """
        from market.dispatch import run_dispatch
        from market.dispatch.io import write_dataset_atomic
        from microgrid.forecast import day_inputs

        progress = progress or _quiet
        book, _source = self.order_book(park, day, orders_file)
        progress("run_forecast", 0.05)
        inputs = day_inputs(park, day, kind=kind, weather_file=weather_file)
        peaks = self.peaks_before(day)
        progress("run_dispatch", 0.35)
        result = run_dispatch(park, inputs, pricing_rule=pricing_rule, orders=book, monthly_peak_kw=peaks)
        progress("run_write", 0.65)
        return DispatchedDay(result, write_dataset_atomic(result.dataset, self.dispatch_path(day)))

    def peaks_before(self, day: dt.date) -> dict[str, dict[str, float]] | None:
        """The months' peak demand [kW] per participant of the days settled before ``day``
        (:func:`market.settlement.monthly.peaks_before`); None without a ledger (none is created)."""
        if self.ledger_url == str(self.results / LEDGER_FILE) and not (self.results / LEDGER_FILE).is_file():
            return None
        from market.settlement.monthly import peaks_before

        with closing(self.open_ledger()) as ledger:
            return peaks_before(ledger, day)

    def day_ahead(self, park, day: dt.date, *, rerun: bool = False, progress: Progress | None = None) -> xr.Dataset:
        """The day-ahead dispatch of ``day`` as read from its file.

        The day is dispatched first (:meth:`run_day`, day-ahead forecast, the
        park's pricing rule) when its file is missing, or always with ``rerun``.
        """
        from market.dispatch.io import read_dispatch

        path = self.dispatch_path(day)
        if rerun or not path.is_file():
            self.run_day(park, day, progress=progress)
        return read_dispatch(path)

    def settle_day(self, park, rules, day: dt.date, dataset: xr.Dataset, metered=None,
                   metered_file: str | Path | None = None) -> SettledDay:
        """Settle ``day`` (its dispatch ``dataset``) on the ledger, then re-settle its month's basic charge.

        ``metered`` (:func:`market.settlement.read_metered`, read from ``metered_file``) settles the
        imbalance too. The SHA-256 of ``dispatch-<date>.nc`` and of the metered file are recorded
        with the settlement (``meta["inputs"]``). A changed day posts a reversal and a new version
        (booked in the first open month when its month is closed); an unchanged one writes nothing.
        """
        from market.settlement import day_key, settle_basic_charge, settle_day
        from market.settlement.sources import file_sha256

        found = str(dataset.attrs.get("date", ""))
        if found != day.isoformat():
            # a copied or renamed file would otherwise overwrite the books of the day it really holds
            raise EngineInputError(f"{self.dispatch_path(day)}: attribute date = {found!r}; expected "
                                   f"{day.isoformat()} (the --date being settled)")
        path = self.dispatch_path(day)
        source = {"dispatch_file": path.name, "dispatch_file_sha256": file_sha256(path) if path.is_file() else None}
        if metered_file is not None:
            source |= {"metered_file": Path(metered_file).name, "metered_file_sha256": file_sha256(metered_file)}
        # one transaction: a crash between the day and its month's basic charge leaves neither
        with closing(self.open_ledger()) as ledger, ledger.transaction():
            before = len(ledger.postings(day_key(day)))
            settled = settle_day(ledger, park, dataset, rules, metered, meta={"inputs": source})
            basic = settle_basic_charge(ledger, park, f"{day:%Y-%m}")
            postings = ledger.postings(day_key(day))
        return SettledDay(settled, basic, postings, len(postings) - before)

    def close_month(self, park, month: str):
        """Close ``month`` (YYYY-MM) on the ledger (:meth:`market.ledger.Ledger.close_month`): a later
        change of its days or charges is booked as an adjustment in the first open month."""
        with closing(self.open_ledger()) as ledger:
            return ledger.close_month(month, park.name)
