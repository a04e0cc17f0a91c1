"""One scenario's span split between processes, the seams reconciled exactly.

A scenario's days are coupled twice: by the batteries' SOC (a day starts
where the day before ended) and by the warm start (a day's simplex starts
from the day before's optimal basis, and where the LP has several optima the
basis decides which vertex, i.e. which split of trades and costs between
tenants, is found). A part that starts at day ``m`` from a guessed state
finds the same optimal cost as the sequential run but not always the same
vertex: measured on the demo park 2026 (cyclic rule), a part started cold on
15 January had equal SOC but other trades for 8 days (energy cost of a
tenant off by up to ₩351,000) until its basis became the sequential one; a
start on 10 February took 23 days. Running two CLI spans instead would be
wrong for a second reason: the forecast error is seeded by the span's start.

So (the caller, :func:`market.batch.rolling.run_scenario`, has forecast the
whole span once; the parts cut their days out of that one forecast):

1. :func:`plan_split` cuts the remaining days in ``parts`` runs of days;
   part 0 runs in this process from the true state, parts 1.. in worker
   processes (``fork``: they inherit the imports and the forecast, ready in
   milliseconds, where a Dask ``LocalCluster`` would start new interpreters,
   about 3 s of imports each, and ship the forecast), each starting cold
   from the span's first SOC (with the ``cyclic`` rule and no look-ahead
   every midnight's SOC is that one, exactly).
2. Part k (k >= 1) writes its chunks provisionally in
   ``checkpoints/<scenario>/part-<k>/``, which a resumed run never takes for
   finished days, at chunk ends every part shares (:meth:`SplitPlan.chunk_ends`:
   weekly over a part's first weeks, where a seam ends, then every
   ``checkpoint_days``).
3. After its own days part k-1 goes on into part k's (the seam) and, at each
   of part k's chunk ends, compares its state (every storage's SOC, the
   simplex basis, and the billing floors the months' peaks so far set for
   the months left, :func:`future_floors_kw`) with part k's (its chunk's
   SOC and basis; its peaks rebuilt from its chunks). Every part starts
   with the peaks of the days before the split; a later part lacks those
   of the parts before it until its own days' peaks supersede them. A day's result
   depends only on its inputs and the SOC and basis it starts from
   (:mod:`market.batch.engine`), so once both are equal part k's later days
   are exactly the sequential ones; part k-1 stops there. With look-ahead the
   SOC differs at the seam too; the comparison is the same (re-solve until it
   matches).
4. :func:`adopt` moves the proven chunks into the scenario's checkpoint
   folder and removes the provisional ones; whatever no seam proved (no
   match before the span's end, a part that failed) is solved in order by
   the caller from the last adopted chunk, as a resumed run would be. The
   result is the sequential year (tested to 1e-9 relative on every
   variable); only the time differs.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import multiprocessing
import shutil
import time as clock
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from market.batch.checkpoint import Resume, chunk_dir, chunk_state, chunks_in
from market.batch.engine import Basis
from market.batch.rolling import DaySolver, SpanContext, checkpointed_peaks, solve_span
from market.dispatch.inputs import billing_floors_kw

#: Fewest days a part gets [days].
MIN_PART_DAYS = 3
#: Shortest span that is split: a seam costs days solved twice and a second process's start
#: (its own compile and span data, about 0.5 s), which only a long span repays [days].
MIN_SPLIT_DAYS = 60
#: Days of seam expected before a part's state equals the sequential one (measured 5 to over 30 on the
#: demo park, plus up to a chunk to the next comparison); parts before the last get this many own
#: days fewer, so that every process has about the same work [days].
SEAM_ESTIMATE_DAYS = 21
#: A part's first chunks, where its seam with the part before can end [days each] ...
SEAM_CHUNK_DAYS = 7
#: ... and how many of them before chunks of ``checkpoint_days``.
SEAM_CHUNKS = 6
#: Largest SOC difference taken as equal at a seam [kWh] (with equal bases the days after then
#: differ by about as much, far below the 1e-9 relative the results are tested to).
SEAM_SOC_TOLERANCE_KWH = 1e-9
#: Largest billing-floor difference taken as equal at a seam [kW].
SEAM_FLOOR_TOLERANCE_KW = 1e-9
#: How often a part looks for the next part's chunk [s].
POLL_SECONDS = 0.01

DONE, FAILED, STOP = "done", "failed", "part-stop"


class SplitCancelled(RuntimeError):
    """Another part failed: this one stops (its error is the one reported)."""


@dataclass(frozen=True)
class SplitPlan:
    """Where each part starts, and the chunk ends every part shares.

    Attributes
    ----------
    starts : tuple of datetime.date
        First day of each part (part 0 first).
    end : datetime.date
        Last day of the span.
    checkpoint_days : int
        Days per chunk outside the seams [days].
    seam_chunk_days, seam_chunks : int
        A part's first ``seam_chunks`` chunks have ``seam_chunk_days`` days each.
    """

    starts: tuple
    end: dt.date
    checkpoint_days: int
    seam_chunk_days: int = SEAM_CHUNK_DAYS
    seam_chunks: int = SEAM_CHUNKS

    @property
    def parts(self) -> int:
        return len(self.starts)

    def part_of(self, day: dt.date) -> int:
        return bisect.bisect_right(self.starts, day) - 1

    def chunk_ends(self, day: dt.date, _pending: int = 0) -> bool:
        """Whether a chunk ends after ``day``: the same days for every part that solves ``day``."""
        k = self.part_of(day)
        if k + 1 < self.parts and day == self.starts[k + 1] - dt.timedelta(days=1):
            return True
        offset = (day - self.starts[k]).days + 1
        if k == 0:
            return offset % self.checkpoint_days == 0
        seam = self.seam_chunks * self.seam_chunk_days
        if offset <= seam:
            return offset % self.seam_chunk_days == 0
        return (offset - seam) % self.checkpoint_days == 0


def plan_split(first: dt.date, last: dt.date, parts: int, checkpoint_days: int) -> SplitPlan:
    """Cut ``first``..``last`` into at most ``parts`` parts of about equal work (one part: in order)."""
    days = (last - first).days + 1
    if days < MIN_SPLIT_DAYS:
        return SplitPlan((first,), last, checkpoint_days)
    parts = max(1, min(parts, days // MIN_PART_DAYS))
    seam = min(SEAM_ESTIMATE_DAYS, days // (2 * parts))
    own = (days - seam) // parts
    if parts < 2 or own < MIN_PART_DAYS:
        return SplitPlan((first,), last, checkpoint_days)
    return SplitPlan(tuple(first + dt.timedelta(days=k * own) for k in range(parts)), last, checkpoint_days,
                     SEAM_CHUNK_DAYS, SEAM_CHUNKS)


def part_dir(out: Path, scenario: str, part: int) -> Path:
    """Where part ``part`` (>= 1) of a split span writes its provisional chunks."""
    return chunk_dir(out, scenario) / f"part-{part}"


@dataclass(frozen=True)
class PartOutcome:
    """A part's last day solved, whether it ended on a seam proven equal to the next part, and the
    CPU time of its process while it ran [s]."""

    last_day: dt.date | None
    matched: bool
    cpu_seconds: float = 0.0


def future_floors_kw(park, peaks: dict, after: dt.date, end: dt.date) -> np.ndarray:
    """(month, participant) billing floors [kW] that ``peaks`` (the months' peaks through ``after``) set
    for each month from the day after ``after`` to ``end``.

    What the months' peaks carry into the days after: a day's floor is the KEPCO billing demand over
    the peaks so far (:func:`market.dispatch.inputs.billing_floors_kw`), and later days only raise
    peaks (a floor is a maximum), so two states with equal floors here give equal days after.
    """
    months, day = [], after + dt.timedelta(days=1)
    while day <= end:
        months.append(day)
        day = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    if not months:
        return np.empty((0, len(park.participants)))
    return np.array([billing_floors_kw(park, month, peaks) for month in months])


def same_state(soc: dict, basis: Basis | None, other_soc: dict, other_basis: Basis | None,
               floors_kw: np.ndarray | None = None, other_floors_kw: np.ndarray | None = None) -> bool:
    """Equal SOC (within :data:`SEAM_SOC_TOLERANCE_KWH`) of every storage, the same simplex basis, and
    equal billing floors (:func:`future_floors_kw`, within :data:`SEAM_FLOOR_TOLERANCE_KW`) when given:
    the months' peaks so far couple the days too (the demand charge above the floor)."""
    if (floors_kw is None) != (other_floors_kw is None):
        return False
    if floors_kw is not None and (np.shape(floors_kw) != np.shape(other_floors_kw)
                                  or np.any(np.abs(floors_kw - other_floors_kw) > SEAM_FLOOR_TOLERANCE_KW)):
        return False
    if set(soc) != set(other_soc):
        return False
    if any(abs(soc[name] - other_soc[name]) > SEAM_SOC_TOLERANCE_KWH for name in soc):
        return False
    if basis is None or other_basis is None:
        return basis is None and other_basis is None
    return (np.array_equal(basis.col_status, other_basis.col_status)
            and np.array_equal(basis.row_status, other_basis.row_status))


def _wait_for_chunk(folder: Path, day: dt.date, stop: Path, gone: Callable[[], bool] | None) -> Path | None:
    """The chunk of ``folder`` that ends on ``day``, once written; None if its part ended without it."""
    while True:
        ended = ((folder / DONE).exists() or (folder / FAILED).exists() or stop.exists()
                 or (gone is not None and gone()))
        for _first, last, path in chunks_in(folder):
            if last == day:
                return path
        if ended:  # a part writes its chunks before its marker: the listing after the marker is final
            return None
        clock.sleep(POLL_SECONDS)


def run_part(context: SpanContext, plan: SplitPlan, part: int, soc: dict, basis: Basis | None,
             on_day: Callable[[dt.date], None] | None = None,
             following_gone: Callable[[], bool] | None = None, peaks: dict | None = None) -> PartOutcome:
    """Solve part ``part`` from ``soc``/``basis``, then its seam into the next part until the states match.

    ``following_gone``: whether the next part's process has ended (e.g. killed without its marker).
    ``peaks``: the months' peaks [kW] of the days before the split (every part starts with them; a
    later part lacks those of the parts before it, which the seam's floor comparison catches).
    """
    start_peaks = {name: dict(months) for name, months in (peaks or {}).items()}
    solver = DaySolver(context, basis, {name: dict(months) for name, months in start_peaks.items()})
    job = context.job
    out, name = job.out, job.scenario.name
    folder = None if part == 0 else part_dir(out, name, part)
    following = part_dir(out, name, part + 1) if part + 1 < plan.parts else None
    stop = chunk_dir(out, name) / STOP
    matched = [False]

    def after_chunk(day: dt.date, day_soc: dict, day_basis: Basis | None) -> bool:
        if following is None or day < plan.starts[part + 1]:
            return False
        other = _wait_for_chunk(following, day, stop, following_gone)
        if other is None:
            return True  # the next part ended before this day: the caller solves the rest in order
        # The next part's peaks at ``day``: those it started with, plus its own chunks' through ``day``.
        theirs = {name: dict(months) for name, months in start_peaks.items()}
        own = [path for _first, last, path in chunks_in(following) if last <= day]
        for name, months in checkpointed_peaks(context.park, own).items():
            for month, value in months.items():
                theirs.setdefault(name, {})[month] = max(theirs.get(name, {}).get(month, 0.0), value)
        other_soc, other_basis = chunk_state(other)
        matched[0] = same_state(day_soc, day_basis, other_soc, other_basis,
                                future_floors_kw(context.park, solver.peaks, day, plan.end),
                                future_floors_kw(context.park, theirs, day, plan.end))
        return matched[0]

    def each_day(day: dt.date) -> None:
        if stop.exists():
            raise SplitCancelled(f"part {part} stopped: another part failed")
        if on_day is not None:
            on_day(day)

    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    cpu_started = clock.process_time()
    try:
        run = solve_span(solver, plan.starts[part], plan.end, soc, chunk_ends=plan.chunk_ends,
                         folder=folder, after_chunk=after_chunk, on_day=each_day)
    except BaseException:
        if folder is not None:
            (folder / FAILED).touch()
        raise
    if folder is not None:
        (folder / DONE).touch()
    return PartOutcome(run.last_day, matched[0], clock.process_time() - cpu_started)


_CONTEXT: SpanContext | None = None


def _install(context: SpanContext) -> None:
    """A worker's initializer: the span's context (with ``fork``, inherited, not pickled)."""
    global _CONTEXT
    _CONTEXT = context


def _run_part_in_worker(plan: SplitPlan, part: int, soc: dict, peaks: dict) -> PartOutcome:
    return run_part(_CONTEXT, plan, part, soc, None, peaks=peaks)


def _pool_context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def adopt(out: Path, scenario: str, plan: SplitPlan, outcomes: list[PartOutcome]) -> dt.date | None:
    """Move the chunks the seams proved into the scenario's checkpoint folder; drop the rest.

    Returns the last day now finished in order (None: none).
    """
    cursor = outcomes[0].last_day
    target = chunk_dir(out, scenario)
    for part in range(1, plan.parts):
        if cursor is None or cursor >= plan.end or not outcomes[part - 1].matched \
                or cursor != outcomes[part - 1].last_day or outcomes[part].last_day is None:
            break
        for first, last, path in chunks_in(part_dir(out, scenario, part)):
            if first <= cursor or last > outcomes[part].last_day:
                continue
            if first != cursor + dt.timedelta(days=1):
                break
            path.rename(target / path.name)
            cursor = last
        if cursor != outcomes[part].last_day:
            break
    clear_parts(out, scenario)
    return cursor


def clear_parts(out: Path, scenario: str) -> None:
    """Remove every provisional part folder and the stop marker of a scenario."""
    folder = chunk_dir(out, scenario)
    if folder.is_dir():
        for path in folder.glob("part-*"):
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


def run_split(context: SpanContext, resume: Resume, parts: int,
              on_day: Callable[[int], None] | None = None) -> str | None:
    """Solve the span's remaining days in ``parts`` processes; the proven chunks end up finished.

    Returns a JSON note for the scenario file's attributes (parts' first days, where each seam
    ended and whether it matched), or None when the span is too short to split.
    """
    job = context.job
    plan = plan_split(resume.next_day, job.end, parts, job.checkpoint_days)
    if plan.parts < 2:
        return None
    out, name = job.out, job.scenario.name
    chunk_dir(out, name).mkdir(parents=True, exist_ok=True)
    clear_parts(out, name)  # a killed split run's provisional chunks: never proven, never used
    total = (job.end - job.start).days + 1
    before = (resume.next_day - job.start).days
    solved = [0]

    def progress(_day: dt.date) -> None:
        solved[0] += 1
        if on_day is not None:
            others = sum((last - first).days + 1 for part in range(1, plan.parts)
                         for first, last, _path in chunks_in(part_dir(out, name, part)))
            on_day(min(total, before + solved[0] + others))

    peaks = checkpointed_peaks(context.park, resume.chunks)  # the months' peaks before the split
    started = clock.perf_counter()
    with ProcessPoolExecutor(max_workers=plan.parts - 1, mp_context=_pool_context(),
                             initializer=_install, initargs=(context,)) as pool:
        futures = [pool.submit(_run_part_in_worker, plan, part, dict(resume.soc_kwh), peaks)
                   for part in range(1, plan.parts)]
        try:
            first = run_part(context, plan, 0, dict(resume.soc_kwh), resume.basis, on_day=progress,
                             following_gone=futures[0].done, peaks=peaks)
            outcomes = [first] + [future.result() for future in futures]
        except BaseException:
            (chunk_dir(out, name) / STOP).touch()  # the other parts stop at their next day
            for future in futures:
                future.cancel()
            raise
    cursor = adopt(out, name, plan, outcomes)
    return json.dumps({
        "parts": [day.isoformat() for day in plan.starts],
        "seams": [{"part": part, "last_day": str(outcome.last_day), "matched_next": outcome.matched}
                  for part, outcome in enumerate(outcomes[:-1])],
        # CPU per part: on a quiet machine the split's wall time is about the largest of them.
        "part_cpu_seconds": [round(outcome.cpu_seconds, 3) for outcome in outcomes],
        "proven_through": str(cursor), "split_seconds": round(clock.perf_counter() - started, 3),
    })
