"""Benchmark: settling the demo park's day on the append-only ledger (SQLite, and PostgreSQL when
``MICROGRID_TEST_POSTGRES_URL`` is set: its database is emptied).

Measures the day and its month's basic charge in one transaction, as ``microgrid settle`` writes
them: a first settle, an unchanged re-settle (nothing written), a changed re-settle (the other
pricing rule: a reversal and a new version of the day and of the month), and reading the
month's net back; with the entry and posting counts.

Run: ``python benchmarks/bench_ledger.py [--repeat 3] [--out benchmarks/results/ledger.json]``
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import pandas as pd


def _timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def measure(url: str, park, datasets, repeat: int) -> dict:
    from market.ledger import open_ledger
    from market.settlement import settle_basic_charge, settle_day

    def settle(ledger, dataset):
        with ledger.transaction():
            settle_day(ledger, park, dataset)
            settle_basic_charge(ledger, park, dataset.attrs["date"][:7])

    times = {"first_s": [], "unchanged_s": [], "changed_s": [], "read_month_net_s": []}
    counts = {}
    for _ in range(repeat):
        if url.startswith("postgresql"):
            from tests.market.ledger.conftest import empty_postgres

            empty_postgres(url)
            target = url
        else:
            target = f"sqlite:///{Path(tempfile.mkdtemp()) / 'ledger.sqlite'}"
        ledger = open_ledger(target)
        try:
            times["first_s"].append(_timed(lambda: settle(ledger, datasets[0])))
            entries_first = len(ledger.entries())
            times["unchanged_s"].append(_timed(lambda: settle(ledger, datasets[0])))
            times["changed_s"].append(_timed(lambda: settle(ledger, datasets[1])))
            day = pd.Timestamp(datasets[0].attrs["date"])
            times["read_month_net_s"].append(_timed(lambda: ledger.entries(
                start=day.replace(day=1).date(), end=(day + pd.offsets.MonthEnd(0)).date())
                .groupby("account")["amount_krw"].sum()))
            counts = {"entries_after_first": entries_first, "entries_after_changed": len(ledger.entries()),
                      "postings_after_changed": len(ledger.postings())}
        finally:
            ledger.close()
    return {**{name: min(values) for name, values in times.items()}, **counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--date", default="2026-07-01")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/ledger.json"))
    args = parser.parse_args()
    from market.dispatch import run_dispatch
    from microgrid.forecast import day_inputs
    from microgrid.park import read_park

    park = read_park(None)
    day = pd.Timestamp(args.date).date()
    inputs = day_inputs(park, day)
    datasets = [run_dispatch(park, inputs, pricing_rule=rule).dataset for rule in ("shared_savings", "marginal")]
    results = {"date": args.date, "participants": len(park.participants),
               "sqlite": measure("sqlite", park, datasets, args.repeat)}
    if os.environ.get("MICROGRID_TEST_POSTGRES_URL"):
        results["postgresql"] = measure(os.environ["MICROGRID_TEST_POSTGRES_URL"], park, datasets, args.repeat)
    print(json.dumps(results, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
