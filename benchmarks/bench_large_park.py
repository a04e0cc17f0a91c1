"""Benchmark: one day of a large synthetic park, from build to a written result file.

For synthetic parks (``microgrid.park.synthetic``, seed 1, 2026-07-01) of
``--sizes`` tenants, each run in a fresh child process (so peak memory is
that run's own): building the data and the Pyomo model, the solve (compile,
HiGHS, load back) and HiGHS' own time, the result Dataset (pricing and the
trades' form), writing the NetCDF file, the process' peak resident memory
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``), its CPU time (whole process, imports
included, and per stage: on a loaded machine CPU time is steadier than wall time) and
the file's size. ``--repeat`` runs per size; min and median are reported.

Before/after: run the same script with ``PYTHONPATH`` pointing at another
checkout (e.g. main's dense trades) and ``--label``; the script uses only
functions both have. ``--highs option=value`` (repeatable) sets a HiGHS
option on top of ``market.dispatch.solve.HIGHS_OPTIONS`` to compare solver
strategies; the objective is reported to check they agree.

Run: ``python benchmarks/bench_large_park.py [--sizes 300 1000] [--repeat 3] [--label after]
[--highs solver=ipm] [--out benchmarks/results/large_park.json]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

DAY = "2026-07-01"
MEASURED = ("build_s", "solve_s", "highs_s", "results_s", "write_s", "total_s", "cpu_s", "build_cpu_s", "solve_cpu_s",
            "results_cpu_s", "write_cpu_s", "peak_rss_mb", "file_mb")


def _option_value(text: str):
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(text.lower(), text)


def child(size: int, options: dict) -> dict:
    """One run in this process: build, solve, results, write; the figures as a dict."""
    import resource
    import time

    started_cpu = time.process_time()
    from market.dispatch import build_dispatch_data, create_model, solve_model
    from market.dispatch import solve as solve_module
    from market.dispatch.io import write_dataset_atomic
    from market.dispatch.results import build_dataset
    from microgrid.park.synthetic import synthetic_inputs, synthetic_park

    solve_module.HIGHS_OPTIONS.update(options)
    park = synthetic_park(size, seed=1)
    inputs = synthetic_inputs(park, DAY, seed=1)
    cpu = [time.process_time()]
    started = time.perf_counter()
    data = build_dispatch_data(park, inputs)
    model = create_model(data)
    build = time.perf_counter() - started
    cpu.append(time.process_time())
    outcome = solve_model(model)
    cpu.append(time.process_time())
    if not outcome.optimal:
        raise SystemExit(f"{size} tenants: solver status {outcome.status}")
    started = time.perf_counter()
    dataset, _ = build_dataset(model, data, outcome, park.market.pricing_rule)
    results = time.perf_counter() - started
    cpu.append(time.process_time())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"dispatch-{DAY}.nc"
        started = time.perf_counter()
        write_dataset_atomic(dataset, path)
        write = time.perf_counter() - started
        cpu.append(time.process_time())
        size_bytes = path.stat().st_size
    trade = dataset["trade"]
    return {
        "build_s": build, "solve_s": outcome.wall_seconds, "highs_s": outcome.highs_seconds,
        "results_s": results, "write_s": write, "total_s": build + outcome.wall_seconds + results + write,
        "cpu_s": time.process_time() - started_cpu,
        **{f"{stage}_cpu_s": cpu[k + 1] - cpu[k] for k, stage in enumerate(("build", "solve", "results", "write"))},
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "file_mb": size_bytes / 1e6, "objective_krw": outcome.objective_krw,
        "rows": model.nconstraints(), "columns": model.nvariables(),
        "trade_dims": list(trade.dims), "trade_values": int(trade.size),
        "participants": len(park.participants),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--label", default="this checkout")
    parser.add_argument("--highs", action="append", default=[], metavar="OPTION=VALUE")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "large_park.json")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    options = dict(item.split("=", 1) for item in args.highs)
    options = {key: _option_value(value) for key, value in options.items()}
    if args.child:
        print(json.dumps(child(args.child, options)))
        return
    rows = []
    for size in args.sizes:
        runs = []
        for _ in range(args.repeat):
            command = [sys.executable, __file__, "--child", str(size), *[f"--highs={item}" for item in args.highs]]
            done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy())
            if done.returncode:
                raise SystemExit(f"{size} tenants failed:\n{done.stderr[-2000:]}")
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        row = {"tenants": size, "label": args.label, "highs_options": options,
               **{f"{key}_min": round(min(run[key] for run in runs), 4) for key in MEASURED},
               **{f"{key}_median": round(statistics.median(run[key] for run in runs), 4) for key in MEASURED},
               **{key: runs[0][key] for key in ("participants", "rows", "columns", "trade_dims", "trade_values")},
               "objective_krw": [run["objective_krw"] for run in runs]}
        rows.append(row)
        print(f"{args.label}: {size} tenants  build {row['build_s_median']:.2f} s  solve {row['solve_s_median']:.2f} s "
              f"(HiGHS {row['highs_s_median']:.2f} s)  results {row['results_s_median']:.2f} s  "
              f"write {row['write_s_median']:.2f} s  total {row['total_s_median']:.2f} s (min {row['total_s_min']:.2f})  "
              f"CPU {row['cpu_s_median']:.2f} s (build {row['build_cpu_s_median']:.2f}, solve {row['solve_cpu_s_median']:.2f}, "
              f"results {row['results_cpu_s_median']:.2f}, write {row['write_cpu_s_median']:.2f})  peak {row['peak_rss_mb_median']:.0f} MB  "
              f"file {row['file_mb_median']:.1f} MB  rows {row['rows']} cols {row['columns']}  "
              f"objective {row['objective_krw'][0]:.6f}", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "benchmark": "large_park", "day": DAY, "repeat": args.repeat, "label": args.label,
        "machine": {"python": platform.python_version(), "processor": platform.processor() or platform.machine(),
                    "cpus": os.cpu_count()},
        "results": rows,
    }, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
