"""Producing the data the app shows: run and settle a day; the demo data set.

Used by ``microgrid ui`` (before Streamlit starts), by the Park today page
(the manager's "run" button) and by the tests and the benchmark.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

DEMO_DAYS = (dt.date(2026, 6, 30), dt.date(2026, 7, 1))  # the last day of Q2 and the first of Q3

Progress = Callable[[str, float], None]


def _quiet(_step: str, _fraction: float) -> None:
    return None


def run_and_settle_day(park_file: str | None, db: str, results: str | Path, day: dt.date,
                       progress: Progress | None = None, *, dispatch: bool = True) -> Path:
    """Dispatch ``day`` (unless ``dispatch`` is False and its file exists), then settle it and its month's basic charge.

    ``progress(step, fraction)`` is called with the i18n keys ``run_forecast``,
    ``run_dispatch``, ``run_write``, ``run_settle`` and ``run_done``.
    Returns the dispatch file.
    """
    from market.dispatch import run_dispatch
    from market.dispatch.io import read_dispatch, write_dataset_atomic
    from market.ledger import open_ledger
    from market.settlement import rules_for, settle_basic_charge, settle_day
    from microgrid.park import read_park
    from microgrid.forecast import day_inputs

    progress = progress or _quiet
    park = read_park(park_file)
    rules = rules_for(park)
    path = Path(results) / f"dispatch-{day.isoformat()}.nc"
    if dispatch or not path.is_file():
        progress("run_forecast", 0.05)
        inputs = day_inputs(park, day)
        progress("run_dispatch", 0.35)
        result = run_dispatch(park, inputs)
        progress("run_write", 0.65)
        write_dataset_atomic(result.dataset, path)
    progress("run_settle", 0.75)
    ledger = open_ledger(db)
    try:
        settle_day(ledger, park, read_dispatch(path), rules)
        settle_basic_charge(ledger, park, f"{day:%Y-%m}")
    finally:
        ledger.close()
    progress("run_done", 1.0)
    return path


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
    from market.ledger import open_ledger
    from market.settlement import rules_for
    from microgrid.park import read_park

    say = progress or (lambda _message: None)
    results = Path(results)
    files = sorted(results.glob("dispatch-*.nc"))
    days = []
    for file in files:
        try:
            days.append(dt.date.fromisoformat(file.stem.removeprefix("dispatch-")))
        except ValueError:
            continue
    ledger = open_ledger(db)
    try:
        settled = set(ledger.settlements(kind="day")["period_start"])
    finally:
        ledger.close()
    todo = [day for day in days if day not in settled] if days else list(DEMO_DAYS)
    for day in todo:
        say(f"{'settling' if day in days else 'dispatching and settling'} {day}")
        run_and_settle_day(park_file, db, results, day, dispatch=day not in days)
    park = read_park(park_file)
    rules = rules_for(park)
    ledger = open_ledger(db)
    try:
        if ledger.settlements(kind="income").empty:
            quarters = sorted({f"{day.year}-Q{(day.month - 1) // 3 + 1}"
                               for day in ledger.settlements(kind="day")["period_start"]})
            for quarter in quarters:
                say(f"paying sunlight income {quarter}")
                settle_income(ledger, park, rules, quarter)
    finally:
        ledger.close()
    return todo
