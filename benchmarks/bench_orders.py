"""Benchmark: the demo day dispatched without and with the demo order book.

Measures model build and solve time (best of ``--repeat``) of ``run_dispatch`` on the demo
park's day-ahead forecast of ``--date``, with no book and with
``market/orders/data/demo_orders.toml``, and the LP's size (columns, rows) both ways.

Run: ``python benchmarks/bench_orders.py [--date 2026-07-01] [--repeat 3] [--out benchmarks/results/orders.json]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", default="2026-07-01")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/orders.json"))
    args = parser.parse_args()

    from market.dispatch import run_dispatch
    from market.dispatch.inputs import build_dispatch_data
    from market.dispatch.lp import CompiledLp
    from market.dispatch.model import create_model
    from market.orders.reader import demo_orders_path, read_orders
    from microgrid.forecast import day_inputs
    from microgrid.park.loader import demo_park_path
    from microgrid.park import read_park

    park = read_park(demo_park_path())
    day = dt.date.fromisoformat(args.date)
    book, _meta = read_orders(demo_orders_path(), park, gate=None)
    inputs = day_inputs(park, day)
    report = {"date": args.date, "machine": platform.platform(), "python": platform.python_version(), "cases": {}}
    for label, orders in (("no_book", None), ("demo_book", book)):
        runs = [run_dispatch(park, inputs, orders=orders) for _ in range(args.repeat)]
        shape = CompiledLp(create_model(build_dispatch_data(park, inputs, orders=orders))).shape
        last = runs[-1].dataset
        report["cases"][label] = {
            "build_s": min(r.build_seconds for r in runs), "solve_s": min(r.solve_seconds for r in runs),
            "rows": int(shape[0]), "columns": int(shape[1]),
            "matched_any_kwh": float(last["matched_any"].sum()),
            "matched_renewable_kwh": float(last["matched_renewable"].sum()),
            "contract_delivered_kwh": float(last["contract_delivered"].sum()),
            "deferrable_kwh": float(last["deferrable_load"].sum()),
            "objective_krw": float(last.attrs["objective_krw"]),
        }
    for label, case in report["cases"].items():
        print(f"{label:10s} build {case['build_s']:.3f} s  solve {case['solve_s']:.3f} s  "
              f"LP {case['rows']} rows x {case['columns']} columns")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1))
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
