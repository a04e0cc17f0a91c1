"""Producing the data the app shows: run and settle a day; the demo data set.

Built on the use cases of :mod:`ui.workspace`, which the command line shares.

Used by ``microgrid ui`` (before Streamlit starts), by the Park today page
(the manager's "run" button) and by the tests and the benchmark.
"""

from __future__ import annotations

import datetime as dt
from contextlib import closing
from pathlib import Path
from typing import Callable

from ui.workspace import Progress, Workspace

DEMO_DAYS = (dt.date(2026, 6, 30), dt.date(2026, 7, 1))  # the last day of Q2 and the first of Q3


def _quiet(_step: str, _fraction: float) -> None:
    return None


def run_and_settle_day(park_file: str | None, db: str, results: str | Path, day: dt.date,
                       progress: Progress | None = None, *, dispatch: bool = True) -> Path:
    """Dispatch ``day`` (unless ``dispatch`` is False and its file exists), then settle it and its month's basic charge.

    ``progress(step, fraction)`` is called with the i18n keys ``run_forecast``,
    ``run_dispatch``, ``run_write``, ``run_settle`` and ``run_done``.
    Returns the dispatch file.
    """
    progress = progress or _quiet
    workspace = Workspace(Path(results), db, park_file=park_file)
    park, rules = workspace.read_park(rules=True)
    dataset = workspace.day_ahead(park, day, rerun=dispatch, progress=progress)
    progress("run_settle", 0.75)
    workspace.settle_day(park, rules, day, dataset)
    progress("run_done", 1.0)
    return workspace.dispatch_path(day)


def prepare_demo_data(park_file: str | None, db: str, results: str | Path,
                      progress: Callable[[str], None] | None = None) -> list[dt.date]:
    """Make sure the app has something to show.

    Every ``results/dispatch-*.nc`` (what ``make demo`` / ``microgrid dispatch``
    produced) that the ledger has not settled is settled. When there is no
    dispatch file at all, :data:`DEMO_DAYS` are dispatched and settled. When
    the ledger holds no sunlight-income settlement, the quarters of the
    settled days are paid (``microgrid income``). Returns the days settled now.
    """
    from market.income import settle_income

    say = progress or (lambda _message: None)
    workspace = Workspace(Path(results), db, park_file=park_file)
    days = workspace.dispatched_days()
    with closing(workspace.open_ledger()) as ledger:
        settled = set(ledger.settlements(kind="day")["period_start"])
    todo = [day for day in days if day not in settled] if days else list(DEMO_DAYS)
    for day in todo:
        say(f"{'settling' if day in days else 'dispatching and settling'} {day}")
        run_and_settle_day(park_file, db, results, day, dispatch=day not in days)
    park, rules = workspace.read_park(rules=True)
    if not workspace.worker_register_path().is_file():  # the demo's workers: generated from the headcounts
        import tempfile

        from market.income.workers import demo_register_csv

        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "workers.csv"
            source.write_text(demo_register_csv(park), encoding="utf-8")
            workspace.import_workers(source)
    register = workspace.worker_register()
    with closing(workspace.open_ledger()) as ledger:
        if ledger.settlements(kind="income").empty:
            quarters = sorted({f"{day.year}-Q{(day.month - 1) // 3 + 1}"
                               for day in ledger.settlements(kind="day")["period_start"]})
            for quarter in quarters:
                say(f"paying sunlight income {quarter}")
                settle_income(ledger, park, rules, quarter, register)
    return todo
