"""Benchmark: one day-ahead dispatch, model build and solve timed separately.

Parks: the embedded demo park and synthetic parks of 100 and 300 tenants.
For each, the median of ``--repeat`` runs of: building the data and the
Pyomo model, the solve (compile to matrix form, HiGHS, load back), HiGHS'
own run time, and the share of wall time spent inside HiGHS. Targets
(issue 2): demo under 1 s build + solve; 300 tenants under 5 s; time
outside HiGHS no more than the time inside it.

Run: ``python benchmarks/bench_dispatch.py [--repeat 3] [--out benchmarks/results/dispatch.json]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import statistics
import time
from pathlib import Path

from market.dispatch import build_dispatch_data, create_model, solve_model
from market.dispatch.results import build_dataset
from microgrid.forecast import day_inputs
from microgrid.park import read_park
from microgrid.park.synthetic import synthetic_inputs, synthetic_park

DAY = dt.date(2026, 7, 1)


def time_one(park, inputs) -> dict:
    started = time.perf_counter()
    data = build_dispatch_data(park, inputs)
    model = create_model(data)
    build = time.perf_counter() - started
    outcome = solve_model(model)
    started = time.perf_counter()
    build_dataset(model, data, outcome, park.market.pricing_rule)
    results = time.perf_counter() - started
    return {
        "build_s": build,
        "solve_s": outcome.wall_seconds,
        "highs_s": outcome.highs_seconds,
        "results_s": results,
        "rows": model.nconstraints(),
        "columns": model.nvariables(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "dispatch.json")
    args = parser.parse_args()
    cases = [("demo park (31 participants)", read_park(), None)]
    for size in (100, 300):
        park = synthetic_park(size, seed=1)
        cases.append((f"synthetic {size} tenants", park, synthetic_inputs(park, DAY.isoformat(), seed=1)))
    figures = []
    for label, park, inputs in cases:
        inputs = inputs or day_inputs(park, DAY)
        runs = [time_one(park, inputs) for _ in range(args.repeat)]
        median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        total = median["build_s"] + median["solve_s"]
        inside = median["highs_s"]
        row = {
            "case": label,
            "participants": len(park.participants),
            **{key: round(value, 4) for key, value in median.items()},
            "build_plus_solve_s": round(total, 4),
            "outside_highs_s": round(total - inside, 4),
            "share_inside_highs": round(inside / total, 3),
        }
        figures.append(row)
        print(f"{label:32s} build {row['build_s']:.3f} s  solve {row['solve_s']:.3f} s  "
              f"(HiGHS {row['highs_s']:.3f} s)  build+solve {total:.3f} s  "
              f"inside HiGHS {row['share_inside_highs']:.0%}  rows {row['rows']} cols {row['columns']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "benchmark": "dispatch", "day": DAY.isoformat(), "repeat": args.repeat,
        "machine": {"python": platform.python_version(), "processor": platform.processor() or platform.machine()},
        "results": figures,
    }, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
