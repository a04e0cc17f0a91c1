"""Benchmark: a rolling year of the demo park, end to end, against a raw-HiGHS loop of the same LPs.

Measures (issue 5 targets): the year end to end through ``run_batch``
(forecast, 365 dispatches with SOC carried, checkpoints, scenario file and
batch.zarr; target < 20 s on 2 cores), and the same year as the command
``microgrid batch --year`` from a cold interpreter (``year_cli_s``); the same year's daily LPs solved by a
raw highspy loop (matrices compiled once from the Pyomo model of day 1, then
only costs/bounds/right-hand sides changed; no result Dataset), and the ratio
(target < 3); optionally a 10-scenario sweep (``--sweep``, target < 180 s);
peak resident memory of the driver and the growth of memory over the year.

Run: ``python benchmarks/bench_batch.py [--year 2026] [--days 365] [--sweep] [--out benchmarks/results/batch.json]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def raw_highs_year(park, forecast, start, end) -> dict:
    """Every day's LP through a persistent highspy model.

    The reference loop does only what any implementation must: cut the day's
    numbers out of the year's data, set them in the LP, solve from the day
    before's basis, read the SOC to carry. No result Dataset, no checkpoints.
    """
    from market.batch.engine import CompiledDayEngine
    from market.batch.rolling import day_steps, inputs_for_steps
    from market.dispatch.inputs import build_dispatch_data, sub_window

    started = time.perf_counter()
    span = build_dispatch_data(park, inputs_for_steps(forecast, slice(None), {}))
    days = day_steps(span.time)
    engine = CompiledDayEngine(park, inputs_for_steps(forecast, days[start], {}))
    highs = engine.highs
    soc_positions = engine.primal_positions["soc"][-1]
    soc, basis = {}, None
    for day, steps in days.items():
        if not start <= day <= end:
            continue
        data = sub_window(span, steps, soc)
        highs.passModel(engine.window_lp(data))
        if basis is not None:
            highs.setBasis(basis)
        highs.run()
        basis = highs.getBasis()
        values = np.asarray(highs.getSolution().col_value)
        soc = {name: float(values[column]) for name, column in zip(data.storages, soc_positions)}
    return {"seconds": time.perf_counter() - started}


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    from market.batch import BatchConfig, Scenario, run_batch
    from market.batch.scenarios import apply_overrides
    from microgrid.park import demo_park_path, read_park
    from microgrid.forecast import forecast_park

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "batch.json")
    args = parser.parse_args()
    raw, source = read_park(None), str(demo_park_path())
    start = dt.date(args.year, 1, 1)
    end = start + dt.timedelta(days=args.days - 1)
    folder = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    figures = {"machine": {"python": platform.python_version(), "processor": platform.machine()},
               "start": start.isoformat(), "end": end.isoformat()}
    try:
        started = time.perf_counter()
        run_batch(BatchConfig(raw, source, [Scenario()], start, end, folder / "year", workers=0))
        figures["year_end_to_end_s"] = time.perf_counter() - started
        figures["year_target_s"] = 20
        # The command a user types, from a cold interpreter (imports, park file, forecast,
        # 365 solves, checkpoints, scenario file, batch.zarr), default --workers 2.
        started = time.perf_counter()
        subprocess.run([str(Path(sys.executable).with_name("microgrid")), "batch", "--year", str(args.year),
                        "--start", start.isoformat(), "--end", end.isoformat(), "--out", str(folder / "cli")],
                       check=True, capture_output=True)
        figures["year_cli_s"] = time.perf_counter() - started
        park = apply_overrides(raw, Scenario(), source)
        forecast = forecast_park(park, start, end)
        raw_result = raw_highs_year(park, forecast, start, end)
        figures["raw_highs"] = raw_result
        figures["ratio_end_to_end_over_raw"] = figures["year_end_to_end_s"] / raw_result["seconds"]
        if args.sweep:
            scenarios = [Scenario(f"s{k}", {"battery_scale": 0.5 * k % 2.5, "pv_scale": 1 + 0.1 * k}) for k in range(10)]
            started = time.perf_counter()
            run_batch(BatchConfig(raw, source, scenarios, start, end, folder / "sweep", workers=args.workers))
            figures["sweep_10_scenarios_s"] = time.perf_counter() - started
        figures["driver_peak_rss_mb"] = rss_mb()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
