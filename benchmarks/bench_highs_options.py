"""Benchmark: HiGHS strategies on the same large-park LPs (one build, many solves).

For synthetic parks of ``--sizes`` tenants (seed 1, 2026-07-01), the day's LP
is built and compiled once (:class:`market.dispatch.lp.CompiledLp`), then
solved by HiGHS under each strategy of :data:`STRATEGIES` on top of
``market.dispatch.solve.HIGHS_OPTIONS``: HiGHS' run time (min and median of
``--repeat``) and the process' CPU time of the solve (steadier than wall time on a
loaded machine: HiGHS runs on one thread), simplex and IPM iterations, the objective and its relative
difference from the default's, and the largest difference of the pool
balance's duals (the clearing price [KRW/kWh]). Also the LP's shape: rows,
columns, non-zeros and its longest rows, to see what grows with the tenants.

Run: ``python benchmarks/bench_highs_options.py [--sizes 300 1000] [--repeat 3]
[--out benchmarks/results/highs_options.json]``
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

import highspy
import numpy as np

from market.dispatch import build_dispatch_data, create_model
from market.dispatch.lp import CompiledLp
from market.dispatch.solve import HIGHS_OPTIONS
from microgrid.park.synthetic import synthetic_inputs, synthetic_park

DAY = "2026-07-01"
#: Strategies tried: name -> options on top of HIGHS_OPTIONS.
STRATEGIES = {
    "engine default (dual simplex, devex)": {},
    "HiGHS' own pricing choice (before)": {"simplex_dual_edge_weight_strategy": -1},
    "presolve off": {"presolve": "off"},
    "primal simplex": {"simplex_strategy": 4},
    "interior point (ipx) + crossover": {"solver": "ipm"},
    "interior point, no crossover": {"solver": "ipm", "run_crossover": "off"},
}


def solve(compiled: CompiledLp, options: dict) -> dict:
    highs = highspy.Highs()
    for option, value in {**HIGHS_OPTIONS, **options}.items():
        highs.setOptionValue(option, value)
    highs.passModel(compiled.highs_lp())
    started, started_cpu = time.perf_counter(), time.process_time()
    highs.run()
    wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    info = highs.getInfo()
    solution = highs.getSolution()
    return {"highs_s": float(highs.getRunTime()), "wall_s": wall, "cpu_s": cpu,
            "status": highs.modelStatusToString(highs.getModelStatus()),
            "objective": float(info.objective_function_value), "simplex_iterations": int(info.simplex_iteration_count),
            "ipm_iterations": int(info.ipm_iteration_count), "row_dual": np.asarray(solution.row_dual)}


def shape(compiled: CompiledLp) -> dict:
    lp = compiled.highs_lp()
    starts = np.asarray(lp.a_matrix_.start_)
    index = np.asarray(lp.a_matrix_.index_)
    row_lengths = np.bincount(index, minlength=lp.num_row_)
    return {"rows": int(lp.num_row_), "columns": int(lp.num_col_), "nonzeros": int(starts[-1]),
            "longest_rows": sorted(row_lengths.tolist())[-5:], "rows_over_100": int((row_lengths > 100).sum()),
            "nonzeros_in_rows_over_100": int(row_lengths[row_lengths > 100].sum())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--strategies", nargs="*", default=list(STRATEGIES))
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "highs_options.json")
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        park = synthetic_park(size, seed=1)
        data = build_dispatch_data(park, synthetic_inputs(park, DAY, seed=1))
        compiled = CompiledLp(create_model(data))
        pool_rows = [position for position, (constraint, _) in enumerate(compiled.rows)
                     if constraint.parent_component().name == "pool_balance"]
        lp = compiled.highs_lp()
        lengths = np.bincount(np.asarray(lp.a_matrix_.index_), minlength=lp.num_row_)
        dense = sorted({compiled.rows[row][0].parent_component().name for row in np.flatnonzero(lengths > 100)})
        print(f"{size} tenants: {shape(compiled)}; constraints with rows over 100 entries: {dense}", flush=True)
        reference = None
        # Interleaved (A B C A B C ...): on a shared machine a strategy run first, or all runs of
        # one strategy in a row, would carry the machine's drift into the comparison.
        by_strategy = {name: [] for name in args.strategies}
        for _ in range(args.repeat):
            for name in args.strategies:
                by_strategy[name].append(solve(compiled, STRATEGIES[name]))
        for name in args.strategies:
            runs = by_strategy[name]
            first = runs[0]
            if reference is None:
                reference = first
            row = {"tenants": size, "strategy": name, "options": STRATEGIES[name], **shape(compiled),
                   "highs_s_min": round(min(r["highs_s"] for r in runs), 4),
                   "highs_s_median": round(statistics.median(r["highs_s"] for r in runs), 4),
                   "cpu_s_min": round(min(r["cpu_s"] for r in runs), 4),
                   "cpu_s_median": round(statistics.median(r["cpu_s"] for r in runs), 4),
                   "status": first["status"], "objective_krw": first["objective"],
                   "objective_rel_diff": abs(first["objective"] - reference["objective"]) / abs(reference["objective"]),
                   "simplex_iterations": first["simplex_iterations"], "ipm_iterations": first["ipm_iterations"],
                   "pool_dual_max_diff": float(np.abs(first["row_dual"][pool_rows]
                                                      - reference["row_dual"][pool_rows]).max())}
            rows.append(row)
            print(f"  {name:38s} HiGHS {row['highs_s_median']:.3f} s (min {row['highs_s_min']:.3f})  "
                  f"CPU {row['cpu_s_median']:.3f} s (min {row['cpu_s_min']:.3f})  "
                  f"simplex it {row['simplex_iterations']}  ipm it {row['ipm_iterations']}  "
                  f"objective rel diff {row['objective_rel_diff']:.1e}  pool dual diff {row['pool_dual_max_diff']:.2e}",
                  flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"benchmark": "highs_options", "day": DAY, "repeat": args.repeat,
                                    "machine": {"python": platform.python_version(),
                                                "processor": platform.processor() or platform.machine()},
                                    "results": rows}, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
