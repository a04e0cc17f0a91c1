"""Benchmark: peak memory of a rolling batch against the number of days (issue 5: "peak memory under 2 GB
for a year; memory that does not grow with the number of days").

Each span (30, 90, 180, 365 days of the demo park by default; one scenario,
``workers=0``: in-process, no Dask cluster) runs through ``run_batch`` in a
*fresh* Python subprocess, so ``ru_maxrss`` is that span's own peak resident
set. In the subprocess a background thread samples ``VmRSS`` from
``/proc/self/status`` every 0.2 s together with the number of checkpointed
days and the phase (solving days, writing the scenario file, combining into
``batch.zarr``); from that timeline the RSS right after each checkpoint chunk
is taken, which shows whether memory grows *during* the year too.

A sweep case measures the driver of a Dask run: 4 scenarios x 90 days with
``workers=2`` (a ``LocalCluster`` of worker processes; the driver gathers the
scenario file paths and combines the scenario files into ``batch.zarr``).
The driver's peak is its own ``ru_maxrss``; the largest worker's peak is
``RUSAGE_CHILDREN`` after the cluster has closed (the workers are the
driver's child processes).

Criterion ("flat"): the least-squares slope of peak RSS against the span,
in MB per 100 days, over the spans of at least 180 days (``LONG_SPAN_DAYS``;
all spans when fewer than two are that long), is below 5 % of the 30-day
(shortest span's) peak RSS. Fixed costs are reached within the first months
(imports, the first chunk loaded when the scenario file is begun, block-sized
buffers of the combined store: about four weeks per block), so the slope over
all spans mixes them in; what the issue asks, whether a longer span costs
more memory, is the slope between long spans (both slopes are reported).
The issue's target is met when memory is flat *and* the year's (longest
span's) peak is below 2 GB; both are reported separately. The same 5 %
rule is applied to the RSS after each checkpoint chunk within the longest
span (slope against days solved), which is reported as a second, finer sign.

What grows is seen in the phase columns: ``solve`` (the day loop), ``open``
(after the last checkpoint, before the scenario file is begun; until
2026-11-22 every chunk was opened at once there, ``read_chunks``, about 2 MB
each), ``scen.nc`` (the scenario file joined chunk by chunk,
``join_chunks``) and ``combine`` (``batch.zarr``). RSS never
shrinks back to the OS, so a phase's figure includes the earlier phases'
high-water mark. ``--checkpoint-days 5`` (or 1) shows the dependence on the
number of chunk files.

Run: ``python benchmarks/bench_batch_memory.py [--spans 30 90 180 365] [--no-sweep]
[--out benchmarks/results/batch_memory.json]``. One span alone (what the
parent runs in each subprocess): ``--child span --days 90 --result file.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

TARGET_PEAK_MB = 2048.0
FLAT_FRACTION = 0.05  # slope per 100 days below 5 % of the shortest span's peak
LONG_SPAN_DAYS = 180  # spans this long or longer decide "flat" (fixed costs are reached by then)
SAMPLE_SECONDS = 0.2


def vm_rss_mb() -> float:
    """Current resident set of this process [MB] (``VmRSS``)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident set [MB] (``ru_maxrss`` is in KiB on Linux)."""
    return resource.getrusage(who).ru_maxrss / 1024.0


class Sampler(threading.Thread):
    """Samples (seconds, VmRSS MB, days checkpointed, phase) until stopped."""

    def __init__(self, out: Path, names: list[str], start: dt.date, total_days: int):
        super().__init__(daemon=True)
        self.out, self.names, self.start_day, self.total_days = out, names, start, total_days
        self.samples: list[tuple[float, float, int, str]] = []
        self._stop_event = threading.Event()
        self._t0 = time.perf_counter()

    def _state(self) -> tuple[int, str]:
        from market.batch.checkpoint import days_done, scenario_path

        done = sum(days_done(self.out, name, self.start_day) for name in self.names)
        if (self.out / "batch.zarr").exists() or (self.out / ".batch.zarr.tmp").exists():
            return done, "combine"
        if all(scenario_path(self.out, name).is_file() for name in self.names):
            return done, "combine"
        scenarios = self.out / "scenarios"
        if scenarios.is_dir() and any(path.name.endswith(".tmp") for path in scenarios.iterdir()):
            return done, "scenario_file"
        # every day checkpointed, scenario file not begun yet
        return done, "read_chunks" if done >= self.total_days else "solve"

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                done, phase = self._state()
            except OSError:  # a file renamed under us
                done, phase = (self.samples[-1][2], self.samples[-1][3]) if self.samples else (0, "solve")
            self.samples.append((round(time.perf_counter() - self._t0, 3), round(vm_rss_mb(), 1), done, phase))
            self._stop_event.wait(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def after_each_chunk(samples) -> list[dict]:
    """The first sample after each increase of the checkpointed days while solving: RSS right after each chunk
    (the last chunk is followed at once by the opening of all chunks, so it is not a solving sample)."""
    rows, seen = [], 0
    for seconds, rss, done, phase in samples:
        if done > seen and phase == "solve":
            rows.append({"days_done": done, "seconds": seconds, "rss_mb": rss})
            seen = done
    return rows


def phase_peaks(samples) -> dict:
    peaks: dict[str, float] = {}
    for _seconds, rss, _done, phase in samples:
        peaks[phase] = max(peaks.get(phase, 0.0), rss)
    return peaks


def slope_per_100_days(days, values) -> float | None:
    """Least-squares slope [MB per 100 days]; None with fewer than two distinct points."""
    days, values = np.asarray(days, dtype=float), np.asarray(values, dtype=float)
    if len(np.unique(days)) < 2:
        return None
    return float(np.polyfit(days, values, 1)[0] * 100.0)


def child(kind: str, days: int, workers: int, scenarios: int, checkpoint_days: int, year: int,
          result: Path) -> None:
    """One run in this (fresh) process; writes its figures to ``result``."""
    base_before_imports = vm_rss_mb()
    from market.batch import BatchConfig, Scenario, run_batch
    from microgrid.park import demo_park_path, read_park

    raw, source = read_park(None), str(demo_park_path())
    start = dt.date(year, 1, 1)
    end = start + dt.timedelta(days=days - 1)
    if kind == "span":
        chosen = [Scenario()]
    else:
        chosen = [Scenario(f"s{k}", {"battery_scale": 0.5 * k % 2.5, "pv_scale": 1 + 0.1 * k})
                  for k in range(scenarios)]
    folder = Path(tempfile.mkdtemp(prefix="bench-batch-memory-"))
    out = folder / "batch"
    out.mkdir()
    base_after_imports = vm_rss_mb()
    sampler = Sampler(out, [s.name for s in chosen], start, days * len(chosen))
    sampler.start()
    started = time.perf_counter()
    try:
        store = run_batch(BatchConfig(raw, source, chosen, start, end, out, workers=workers,
                                      checkpoint_days=checkpoint_days))
        seconds = time.perf_counter() - started
    finally:
        sampler.stop()
        shutil.rmtree(folder, ignore_errors=True)
    figures = {
        "kind": kind, "days": days, "scenarios": len(chosen), "workers": workers,
        "checkpoint_days": checkpoint_days, "chunk_files": -(-days // checkpoint_days), "start": start.isoformat(), "end": end.isoformat(),
        "store": store.name if store else None, "seconds": round(seconds, 2),
        "rss_before_imports_mb": round(base_before_imports, 1),
        "rss_after_imports_mb": round(base_after_imports, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "sampled_peak_by_phase_mb": phase_peaks(sampler.samples),
        "rss_after_each_chunk": after_each_chunk(sampler.samples),
        "final_rss_mb": round(vm_rss_mb(), 1),
        "timeline": sampler.samples,
    }
    if workers:
        # Worker processes are children of the driver (LocalCluster's nannies), waited for at close.
        figures["largest_worker_peak_rss_mb"] = round(peak_rss_mb(resource.RUSAGE_CHILDREN), 1)
    result.write_text(json.dumps(figures))


def run_child(kind: str, days: int, *, workers: int = 0, scenarios: int = 1, checkpoint_days: int = 30,
              year: int = 2026) -> dict:
    """Run one case in a fresh interpreter and return its figures."""
    with tempfile.TemporaryDirectory(prefix="bench-batch-memory-result-") as scratch:
        result = Path(scratch) / "result.json"
        command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--days", str(days),
                   "--workers", str(workers), "--scenarios", str(scenarios),
                   "--checkpoint-days", str(checkpoint_days), "--year", str(year), "--result", str(result)]
        env = dict(os.environ, PYTHONWARNINGS="ignore")
        completed = subprocess.run(command, check=False, env=env, capture_output=True, text=True)
        if completed.returncode != 0 or not result.is_file():
            raise RuntimeError(f"{kind} {days} days failed (exit {completed.returncode}):\n{completed.stderr[-4000:]}")
        return json.loads(result.read_text())


def verdict(spans: list[dict]) -> dict:
    days = [s["days"] for s in spans]
    peaks = [s["peak_rss_mb"] for s in spans]
    shortest, longest = spans[int(np.argmin(days))], spans[int(np.argmax(days))]
    slope = slope_per_100_days(days, peaks)
    limit = FLAT_FRACTION * shortest["peak_rss_mb"]
    chunks = longest["rss_after_each_chunk"]
    within = slope_per_100_days([c["days_done"] for c in chunks], [c["rss_mb"] for c in chunks]) \
        if len(chunks) >= 2 else None
    long_spans = [s for s in spans if s["days"] >= LONG_SPAN_DAYS]
    beyond = slope_per_100_days([s["days"] for s in long_spans], [s["peak_rss_mb"] for s in long_spans]) \
        if len(long_spans) >= 2 else None
    deciding = beyond if beyond is not None else slope
    return {
        "criterion": f"flat when the least-squares slope of peak RSS vs days over the spans of at least "
                     f"{LONG_SPAN_DAYS} days (all spans if fewer than two) < {FLAT_FRACTION:.0%} of the "
                     f"{shortest['days']}-day peak per 100 days; target peak < {TARGET_PEAK_MB:.0f} MB "
                     f"for the {longest['days']}-day span",
        "slope_mb_per_100_days": None if slope is None else round(slope, 1),
        "slope_from_long_spans_mb_per_100_days": None if beyond is None else round(beyond, 1),
        "flat_limit_mb_per_100_days": round(limit, 1),
        "flat": None if deciding is None else bool(deciding < limit),
        "within_longest_span_slope_mb_per_100_days": None if within is None else round(within, 1),
        "within_longest_span_flat": None if within is None else bool(within < limit),
        "longest_span_peak_mb": longest["peak_rss_mb"],
        "under_target": bool(longest["peak_rss_mb"] < TARGET_PEAK_MB),
    }


def print_table(spans: list[dict], summary: dict, sweep: dict | None) -> None:
    nan = float("nan")
    print("peak RSS [MB] per span (fresh process each); sampled peaks per phase; RSS after the first/last chunk")
    print(f"{'days':>5} {'chunks':>6} {'seconds':>8} {'peak':>7} {'imports':>8} {'solve':>7} {'open':>7} "
          f"{'scen.nc':>8} {'combine':>8} {'1st chunk':>10} {'last chunk':>10}")
    for span in spans:
        phases = span["sampled_peak_by_phase_mb"]
        chunks = span["rss_after_each_chunk"]
        print(f"{span['days']:>5} {span['chunk_files']:>6} {span['seconds']:>8.1f} {span['peak_rss_mb']:>7.1f} "
              f"{span['rss_after_imports_mb']:>8.1f} {phases.get('solve', nan):>7.1f} "
              f"{phases.get('read_chunks', nan):>7.1f} {phases.get('scenario_file', nan):>8.1f} "
              f"{phases.get('combine', nan):>8.1f} {chunks[0]['rss_mb'] if chunks else nan:>10.1f} "
              f"{chunks[-1]['rss_mb'] if chunks else nan:>10.1f}")
    print(f"slope of peak RSS: {summary['slope_mb_per_100_days']} MB / 100 days over all spans, "
          f"{summary['slope_from_long_spans_mb_per_100_days']} MB / 100 days over spans >= {LONG_SPAN_DAYS} days "
          f"(flat limit {summary['flat_limit_mb_per_100_days']}); within the longest span, RSS after each chunk: "
          f"{summary['within_longest_span_slope_mb_per_100_days']} MB / 100 days")
    print(f"verdict: {'flat' if summary['flat'] else 'GROWS'} with days; longest span peak "
          f"{summary['longest_span_peak_mb']:.0f} MB {'<' if summary['under_target'] else '>='} "
          f"{TARGET_PEAK_MB:.0f} MB target; target {'met' if summary['flat'] and summary['under_target'] else 'NOT met'}")
    if sweep:
        print(f"sweep {sweep['scenarios']} scenarios x {sweep['days']} days, workers={sweep['workers']}: "
              f"driver peak {sweep['peak_rss_mb']:.1f} MB (after imports {sweep['rss_after_imports_mb']:.1f}, "
              f"combine phase sampled {sweep['sampled_peak_by_phase_mb'].get('combine', nan):.1f}), largest worker "
              f"{sweep.get('largest_worker_peak_rss_mb', nan):.1f} MB, {sweep['seconds']:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spans", type=int, nargs="+", default=[30, 90, 180, 365, 730])
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--checkpoint-days", type=int, default=30)
    parser.add_argument("--no-sweep", action="store_true", help="skip the 4-scenario x 90-day Dask case")
    parser.add_argument("--sweep-scenarios", type=int, default=4)
    parser.add_argument("--sweep-days", type=int, default=90)
    parser.add_argument("--sweep-workers", type=int, default=2)
    parser.add_argument("--timeline", action="store_true", help="keep the 0.2 s RSS timelines in the JSON")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "batch_memory.json")
    parser.add_argument("--child", choices=["span", "sweep"], help=argparse.SUPPRESS)
    parser.add_argument("--days", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--scenarios", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.days, args.workers, args.scenarios, args.checkpoint_days, args.year, args.result)
        return
    spans = []
    for days in sorted(args.spans):
        spans.append(run_child("span", days, checkpoint_days=args.checkpoint_days, year=args.year))
        print(f"{days} days: peak {spans[-1]['peak_rss_mb']:.1f} MB in {spans[-1]['seconds']:.1f} s", flush=True)
    summary = verdict(spans)
    sweep = None
    if not args.no_sweep:
        sweep = run_child("sweep", args.sweep_days, workers=args.sweep_workers, scenarios=args.sweep_scenarios,
                          checkpoint_days=args.checkpoint_days, year=args.year)
    if not args.timeline:
        for case in spans + ([sweep] if sweep else []):
            case.pop("timeline", None)
    figures = {"machine": {"python": platform.python_version(), "processor": platform.machine(),
                           "cpus": os.cpu_count()},
               "target_peak_mb": TARGET_PEAK_MB, "spans": spans, "summary": summary, "sweep": sweep}
    print_table(spans, summary, sweep)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2))
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
