"""Benchmark: a rolling year of the demo park, end to end, against a raw-HiGHS loop of the same LPs.

Measures (issue 16 targets): the year as the command ``microgrid batch --year``
from a cold interpreter at ``--workers 0`` (in order) and ``--workers N`` (its
days split between N processes), ``--runs`` times each: wall and CPU seconds
(all child processes), the batch folder's size and the year's objective (min
and median; target under 8 s on 2 cores, same objective to 1e-9 relative);
the year end to end through ``run_batch`` in this process; the same year's daily LPs solved by a
raw highspy loop (matrices compiled once from the Pyomo model of day 1, then
only costs/bounds/right-hand sides changed; no result Dataset), and the ratio
(target < 1.3); optionally a 4-scenario sweep at 1 and N Dask workers
(``--small-sweep DAYS``) and the 10-scenario sweep (``--sweep``); peak resident memory of the driver.
Side by side with another checkout: run the same script with ``PYTHONPATH=<checkout>`` (the command
it starts inherits it; ``code`` in the JSON says which code ran).

Run: ``python benchmarks/bench_batch.py [--year 2026] [--days 365] [--runs 3] [--command-only]
[--small-sweep 14] [--sweep] [--out benchmarks/results/batch.json]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
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


def folder_mb(folder: Path) -> float:
    """Bytes of every file under ``folder`` [MB]: what a batch leaves on disk."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def timed_command(arguments: list[str], out: Path) -> dict:
    """One run of ``microgrid batch`` from a cold interpreter: wall and CPU (every child process) [s]."""
    shutil.rmtree(out, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name("microgrid")), "batch", *arguments, "--out", str(out)],
                   check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": wall, "cpu_s": cpu, "out_mb": folder_mb(out)}


def summary(runs: list[dict]) -> dict:
    """Min and median of each figure over the runs, and the runs themselves."""
    keys = [key for key, value in runs[0].items() if isinstance(value, (int, float))]
    return {**{f"{key}_min": min(r[key] for r in runs) for key in keys},
            **{f"{key}_median": statistics.median(r[key] for r in runs) for key in keys}, "runs": runs}


def objective_of(out: Path) -> float:
    """The span's total LP objective [KRW] (sum of the days' objectives) of a batch folder's scenario ``base``."""
    import netCDF4

    with netCDF4.Dataset(out / "scenarios" / "base.nc") as stored:
        return float(np.sum(stored["day_objective"][:]))


def split_cpu(out: Path, run: dict) -> None:
    """A split run's CPU per part (the scenario file's ``day_split``) and the critical path: the
    command's CPU with the parts run side by side instead of summed [s] (the wall time on a quiet
    machine with a core per part; on a loaded one the wall time says little)."""
    import netCDF4

    with netCDF4.Dataset(out / "scenarios" / "base.nc") as stored:
        note = stored.getncattr("day_split") if "day_split" in stored.ncattrs() else None
    if note is None:
        run["critical_path_cpu_s"] = run["cpu_s"]
        return
    note = json.loads(note)
    parts = note["part_cpu_seconds"]
    run["part_cpu_s"] = parts
    run["seam_last_day"] = note["seams"][0]["last_day"]
    run["critical_path_cpu_s"] = run["cpu_s"] - sum(parts) + max(parts)


def main() -> None:
    from market.batch import BatchConfig, Scenario, run_batch
    from market.batch.scenarios import apply_overrides
    from microgrid.park import demo_park_path, read_park
    from microgrid.forecast import forecast_park

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--first", type=dt.date.fromisoformat, default=None,
                        help="first day (default 1 January of --year); the span must stay inside --year")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3, help="runs of each command (min and median reported)")
    parser.add_argument("--command-only", action="store_true",
                        help="only the command at --workers 0 and N (no in-process year, no raw loop)")
    parser.add_argument("--sweep", action="store_true", help="the 10-scenario sweep of the span")
    parser.add_argument("--skip-command", action="store_true", help="leave out the command's year runs")
    parser.add_argument("--small-sweep", type=int, default=0, metavar="DAYS",
                        help="a 4-scenario sweep of DAYS days at 1 and --workers workers (Dask scaling)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "batch.json")
    args = parser.parse_args()
    raw, source = read_park(None), str(demo_park_path())
    start = args.first or dt.date(args.year, 1, 1)
    end = start + dt.timedelta(days=args.days - 1)
    folder = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    import market

    figures = {"machine": {"python": platform.python_version(), "processor": platform.machine(),
                           "cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()},
               "code": str(Path(market.__file__).resolve().parent.parent),
               "start": start.isoformat(), "end": end.isoformat()}
    try:
        # The command a user types, from a cold interpreter (imports, park file, forecast,
        # the solves, checkpoints, scenario file), sequential and on N processes.
        span = ["--year", str(args.year), "--start", start.isoformat(), "--end", end.isoformat()]
        for workers in () if args.skip_command else (0, args.workers):
            runs = []
            for _ in range(args.runs):
                out = folder / f"cli-{workers}"
                runs.append(timed_command([*span, "--workers", str(workers)], out))
                runs[-1]["objective_krw"] = objective_of(out)
                split_cpu(out, runs[-1])
            figures[f"year_cli_workers_{workers}"] = summary(runs)
        objectives = [r["objective_krw"] for key in figures if key.startswith("year_cli_") for r in figures[key]["runs"]]
        if objectives:
            figures["objective_max_relative_difference"] = (max(objectives) - min(objectives)) / abs(min(objectives))
        figures["year_cli_target_s"] = 8
        if not args.command_only:
            started = time.perf_counter()
            run_batch(BatchConfig(raw, source, [Scenario()], start, end, folder / "year", workers=0))
            figures["year_end_to_end_s"] = time.perf_counter() - started
            park = apply_overrides(raw, Scenario(), source)
            forecast = forecast_park(park, start, end)
            raw_result = raw_highs_year(park, forecast, start, end)
            figures["raw_highs"] = raw_result
            figures["ratio_end_to_end_over_raw"] = figures["year_end_to_end_s"] / raw_result["seconds"]
        if args.small_sweep:
            small_end = start + dt.timedelta(days=args.small_sweep - 1)
            scenarios = [Scenario(f"s{k}", {"battery_scale": 0.5 * k % 2.5, "pv_scale": 1 + 0.1 * k}) for k in range(4)]
            for workers in (1, args.workers):
                runs = []
                for _ in range(args.runs):
                    out = folder / f"small-sweep-{workers}"
                    shutil.rmtree(out, ignore_errors=True)
                    before = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
                    started = time.perf_counter()
                    run_batch(BatchConfig(raw, source, scenarios, start, small_end, out, workers=workers))
                    wall = time.perf_counter() - started
                    after = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
                    cpu = sum(a.ru_utime - b.ru_utime + a.ru_stime - b.ru_stime for a, b in zip(after, before))
                    runs.append({"wall_s": wall, "cpu_s": cpu})  # cpu: driver and its (ended) worker processes
                figures[f"sweep_4_scenarios_{args.small_sweep}_days_workers_{workers}"] = summary(runs)
        if args.sweep:
            scenarios = [Scenario(f"s{k}", {"battery_scale": 0.5 * k % 2.5, "pv_scale": 1 + 0.1 * k}) for k in range(10)]
            started = time.perf_counter()
            run_batch(BatchConfig(raw, source, scenarios, start, end, folder / "sweep", workers=args.workers))
            figures["sweep_10_scenarios_s"] = time.perf_counter() - started
        figures["driver_peak_rss_mb"] = rss_mb()
        figures["machine"]["load_average_at_end"] = os.getloadavg()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
