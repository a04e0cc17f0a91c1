"""Start-up of the command from a cold interpreter (target: one demo day under 2.5 s).

Times, each in a new interpreter, ``import ui.cli``, ``microgrid --help`` and
``microgrid dispatch --date 2026-07-01 --out DIR`` (the embedded demo park, a
fresh folder per run): wall time and the child's CPU time (user + system, less
sensitive to other work on a shared machine), min and median of ``--runs``
runs. Several source trees can be compared in one session (``--root``, e.g.
the main checkout and a branch): the runs are interleaved tree by tree, so a
busy spell of the machine costs each tree alike. For every tree, one more
dispatch run under ``python -X importtime`` gives the import costs: the top
packages by their own import time and the heaviest top-level imports. The
demo day's dispatch files of the trees are compared (every variable,
coordinate and attribute but the ``history`` line) and the result is printed.
Writes ``benchmarks/results/startup.json`` (or ``--out``).

    python benchmarks/bench_startup.py --root /work/main --root .

Each tree runs as ``python -m ui.cli`` with ``PYTHONPATH=<tree>`` and the
interpreter given by ``--python`` (default: this one).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DAY = "2026-07-01"
TARGET_DISPATCH_S = 2.5

#: Workload name -> the interpreter's arguments (``{out}``: a fresh folder for the run).
WORKLOADS = {
    "import_ui_cli": ["-c", "import ui.cli"],
    "help": ["-m", "ui.cli", "--help"],
    "dispatch_day": ["-m", "ui.cli", "dispatch", "--date", DAY, "--out", "{out}"],
}


def _environment(root: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "0", "COLUMNS": "100"}


def run_once(python: str, root: Path, arguments: list[str], out: Path, extra: tuple[str, ...] = ()) -> dict:
    """One cold run: wall and CPU seconds [s], and the process's stderr (the import-time log under -X importtime)."""
    command = [python, *extra, *[part.format(out=out) for part in arguments]]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=root, env=_environment(root), capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} in {root} exited {done.returncode}: {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": wall, "cpu_s": cpu, "stderr": done.stderr}


def parse_importtime(log: str) -> list[tuple[str, int, int, int]]:
    """``python -X importtime`` lines as (module, depth, self [us], cumulative [us])."""
    rows = []
    for line in log.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line[len("import time:"):].split("|", 2)
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        rows.append((name.strip(), depth, int(own), int(cumulative)))
    return rows


def import_costs(rows: list[tuple[str, int, int, int]], top: int = 15) -> dict:
    """Own import time summed per top-level package, and the heaviest imports made at the top level [s]."""
    per_package: dict[str, int] = defaultdict(int)
    for name, _depth, own, _cumulative in rows:
        per_package[name.split(".")[0]] += own
    packages = sorted(per_package.items(), key=lambda item: -item[1])[:top]
    outermost = sorted(((name, cumulative) for name, depth, _own, cumulative in rows if depth == 0),
                       key=lambda item: -item[1])[:top]
    return {
        "total_s": round(sum(own for _name, _depth, own, _cumulative in rows) / 1e6, 3),
        "by_package_s": {name: round(us / 1e6, 3) for name, us in packages},
        "top_level_imports_s": {name: round(us / 1e6, 3) for name, us in outermost},
    }


def _summary(values: list[float]) -> dict:
    return {"min": round(min(values), 3), "median": round(statistics.median(values), 3),
            "runs": [round(value, 3) for value in values]}


def same_dispatch(first: Path, second: Path) -> str:
    """``"identical"`` when the two dispatch files hold the same variables, coordinates and attributes."""
    import xarray as xr

    with xr.open_dataset(first) as a, xr.open_dataset(second) as b:
        a.attrs.pop("history", None)
        b.attrs.pop("history", None)
        try:
            xr.testing.assert_identical(a.load(), b.load())
        except AssertionError as difference:
            return f"different: {str(difference)[:500]}"
    return "identical"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", action="append", type=Path, help="source tree (repeat to compare; default: this one)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "startup.json")
    options = parser.parse_args()
    roots = [root.resolve() for root in (options.root or [ROOT])]
    scratch = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    times: dict[str, dict[str, dict[str, list[float]]]] = {
        str(root): {name: {"wall_s": [], "cpu_s": []} for name in WORKLOADS} for root in roots}
    for run in range(options.runs):
        for name, arguments in WORKLOADS.items():
            for number, root in enumerate(roots):
                measured = run_once(options.python, root, arguments, scratch / f"{number}-{name}-{run}")
                for key in ("wall_s", "cpu_s"):
                    times[str(root)][name][key].append(measured[key])
    report = {"day": DAY, "runs": options.runs, "python": options.python, "target_dispatch_s": TARGET_DISPATCH_S,
              "trees": {}}
    for number, root in enumerate(roots):
        log = run_once(options.python, root, WORKLOADS["dispatch_day"], scratch / f"{number}-importtime",
                       extra=("-X", "importtime"))["stderr"]
        report["trees"][str(root)] = {
            **{name: {key: _summary(values) for key, values in measured.items()}
               for name, measured in times[str(root)].items()},
            "dispatch_imports": import_costs(parse_importtime(log)),
        }
    files = [scratch / f"{number}-dispatch_day-0" / f"dispatch-{DAY}.nc" for number in range(len(roots))]
    report["dispatch_files"] = {"compared": [str(path) for path in files],
                                "result": "only one tree" if len(files) < 2 else
                                ", ".join(same_dispatch(files[0], other) for other in files[1:])}
    for root, tree in report["trees"].items():
        print(f"{root}")
        for name in WORKLOADS:
            wall, cpu = tree[name]["wall_s"], tree[name]["cpu_s"]
            print(f"  {name:14s} wall min {wall['min']:5.2f} s median {wall['median']:5.2f} s | "
                  f"cpu min {cpu['min']:5.2f} s median {cpu['median']:5.2f} s")
        imports = tree["dispatch_imports"]
        print(f"  dispatch imports (-X importtime, one run): {imports['total_s']:.2f} s; by package: "
              + ", ".join(f"{name} {seconds:.2f}" for name, seconds in list(imports["by_package_s"].items())[:10]))
    print(f"dispatch files: {report['dispatch_files']['result']} (target: one day under {TARGET_DISPATCH_S} s)")
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {options.out}")


if __name__ == "__main__":
    main()
