"""The worker register: who shares the workers' part of the sunlight income, and from when.

A register is a CSV file (UTF-8, one header line, one worker per row)::

    worker_id,employer,start_date,weight,eligibility_lag_quarters,end_date
    W0001,T01,2025-03-02,1.0,,
    W0002,T01,2026-05-11,1.0,2,
    W0003,T05,2024-01-15,2.0,,2026-08-31

- ``worker_id``: letters, digits, ``_ . -`` (at most 40), unique in the file;
- ``employer``: a tenant of the park (the participant name);
- ``start_date``: first day of employment, ``YYYY-MM-DD``;
- ``weight``: the worker's share weight (Sinan weights heads, e.g. double for a child) [-], > 0;
- ``eligibility_lag_quarters`` (optional, empty: the park's ``[income]`` rule): whole quarters a
  newcomer works before sharing, as in Sinan;
- ``end_date`` (optional): last day of employment; a worker who left before a quarter starts gets
  nothing from that quarter.

A worker shares a quarter's payout when employed for at least its lag in whole quarters before the
quarter starts (employed on the first day of the quarter ``lag`` quarters earlier; lag 0: employed
at any time before the quarter ends) and not gone before the quarter starts; and only when the
employer itself is eligible. :func:`read_worker_register` refuses anything else with one line
naming the file, the row and the field.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from microgrid.errors import EngineInputError
from microgrid.park import Park

REQUIRED_COLUMNS = ("worker_id", "employer", "start_date", "weight")
OPTIONAL_COLUMNS = ("eligibility_lag_quarters", "end_date")
_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,40}$")
#: A weight above this is surely a typo (Sinan's heaviest weight is 2 for a child) [-].
MAX_WEIGHT = 10.0


@dataclass(frozen=True)
class Worker:
    """One row of the register (see the module docstring)."""

    worker_id: str
    employer: str
    start_date: dt.date
    weight: float
    eligibility_lag_quarters: int | None = None
    end_date: dt.date | None = None

    def eligible(self, quarter: pd.Period, default_lag: int) -> bool:
        """Whether this worker shares ``quarter``'s payout (employment dates only; the employer is checked apart)."""
        lag = default_lag if self.eligibility_lag_quarters is None else self.eligibility_lag_quarters
        # employed on the first day of the quarter ``lag`` quarters back (lag 0: at any time in the quarter)
        latest_start = (quarter - lag).start_time.date() if lag else quarter.end_time.date()
        return self.start_date <= latest_start and (self.end_date is None or self.end_date >= quarter.start_time.date())

    def first_eligible_quarter(self, default_lag: int) -> pd.Period:
        """The first quarter this worker shares (ignoring the employer's own eligibility)."""
        lag = default_lag if self.eligibility_lag_quarters is None else self.eligibility_lag_quarters
        start = pd.Period(self.start_date, freq="Q")
        # a worker who started on a quarter's first day has worked that whole quarter
        whole = start if self.start_date == start.start_time.date() else start + 1
        return whole + lag if lag else start


@dataclass(frozen=True)
class WorkerRegister:
    """The workers of a park, in file order."""

    workers: tuple[Worker, ...]

    def of(self, employer: str) -> list[Worker]:
        return [worker for worker in self.workers if worker.employer == employer]

    def get(self, worker_id: str) -> Worker | None:
        return next((worker for worker in self.workers if worker.worker_id == worker_id), None)

    def __len__(self) -> int:
        return len(self.workers)


def _date(value: str, where: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise EngineInputError(f"{where}: {field} = {value!r}: expected a date YYYY-MM-DD") from None


def read_worker_register(path: str | Path, park: Park) -> tuple[WorkerRegister, dict]:
    """Read and check a worker register against ``park``.

    Returns
    -------
    (WorkerRegister, dict)
        The register and its metadata: ``source`` (the path), ``workers`` (count), ``employers``.

    Raises
    ------
    EngineInputError
        One line naming the file, the row (line number) and the field, the value and what was expected.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise EngineInputError(f"{str(path)!r} does not exist: expected a worker register CSV") from None
    except UnicodeDecodeError:
        raise EngineInputError(f"{path}: not UTF-8 text; expected a worker register CSV") from None
    reader = csv.DictReader(text.splitlines())
    header = tuple(reader.fieldnames or ())
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    unknown = [column for column in header if column not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if missing or unknown:
        raise EngineInputError(f"{path}: header {','.join(header) or '(empty)'}: expected the columns "
                               f"{','.join(REQUIRED_COLUMNS)} and optionally {','.join(OPTIONAL_COLUMNS)}"
                               + (f" (unknown: {','.join(unknown)})" if unknown else ""))
    tenants = {p.name for p in park.participants if p.kind == "tenant"}
    workers, seen = [], {}
    for line, row in enumerate(reader, start=2):
        where = f"{path} row {line}"
        if None in row or any(value is None for value in row.values()):
            raise EngineInputError(f"{where}: {len(header)} fields expected, as in the header")
        worker_id = row["worker_id"].strip()
        if not _ID.match(worker_id):
            raise EngineInputError(f"{where}: worker_id = {worker_id!r}: expected 1-40 letters, digits, '_', '.', '-'")
        if worker_id in seen:
            raise EngineInputError(f"{where}: worker_id = {worker_id!r}: already on row {seen[worker_id]}")
        seen[worker_id] = line
        employer = row["employer"].strip()
        if employer not in tenants:
            raise EngineInputError(f"{where}: employer = {employer!r}: expected a tenant of {park.name!r}, "
                                   f"one of {sorted(tenants)[:5]}...")
        start = _date(row["start_date"].strip(), where, "start_date")
        try:
            weight = float(row["weight"])
        except ValueError:
            weight = math.nan
        if not (0 < weight <= MAX_WEIGHT):
            raise EngineInputError(f"{where}: weight = {row['weight']!r}: expected a number in (0, {MAX_WEIGHT:g}]")
        lag_text = (row.get("eligibility_lag_quarters") or "").strip()
        lag = None
        if lag_text:
            if not lag_text.isdigit() or int(lag_text) > 40:
                raise EngineInputError(f"{where}: eligibility_lag_quarters = {lag_text!r}: expected a whole number "
                                       f"of quarters 0-40, or empty for the park's rule")
            lag = int(lag_text)
        end_text = (row.get("end_date") or "").strip()
        end = _date(end_text, where, "end_date") if end_text else None
        if end is not None and end < start:
            raise EngineInputError(f"{where}: end_date = {end_text!r}: expected a date on or after start_date {start}")
        workers.append(Worker(worker_id, employer, start, weight, lag, end))
    if not workers:
        raise EngineInputError(f"{path}: no worker rows; expected one worker per line after the header")
    register = WorkerRegister(tuple(workers))
    return register, {"source": str(path), "workers": len(workers),
                      "employers": sorted({worker.employer for worker in workers})}


@dataclass(frozen=True)
class WorkerStatement:
    """A worker's sunlight income of one year, from the ledger.

    Attributes
    ----------
    worker : Worker
    year : int
    quarters : pandas.DataFrame
        One row per quarter of ``year``: ``quarter`` (``YYYY-Qn``), ``eligible`` (by the register),
        ``settled`` (the quarter's income is on the ledger), ``paid_krw`` [KRW].
    total_krw : int
        Paid in the year [KRW].
    lag_quarters : int
        The eligibility lag that applies to this worker [quarters].
    first_eligible : str
        First quarter this worker shares (``YYYY-Qn``).
    next_payment : str
        The next quarter whose payout this worker can expect (``YYYY-Qn``), paid when that quarter
        is settled after it ends; empty when the worker has left.
    """

    worker: Worker
    year: int
    quarters: pd.DataFrame
    total_krw: int
    lag_quarters: int
    first_eligible: str
    next_payment: str


def _quarter_name(period: pd.Period) -> str:
    return f"{period.year}-Q{period.quarter}"


def worker_statement(ledger, register: WorkerRegister, worker_id: str, year: int, default_lag: int,
                     today: dt.date | None = None) -> WorkerStatement:
    """The statement of ``worker_id`` for ``year``: what the ledger paid it each quarter, and what comes next.

    Only the worker's own account ``worker:<id>`` is read.
    """
    from market.ledger.vocabulary import AccountName, LegKind, SettlementKind

    worker = register.get(worker_id)
    if worker is None:
        raise EngineInputError(f"--worker = {worker_id!r}: not in the worker register")
    account = AccountName.worker(worker_id)
    entries = ledger.entries(kind=SettlementKind.INCOME, account_prefix=account)
    entries = entries[(entries["account"] == account) & (entries["kind"] == LegKind.INCOME_WORKERS)]
    settled_keys = set(ledger.settlements(SettlementKind.INCOME)["key"])
    rows = []
    for quarter in pd.period_range(f"{year}Q1", f"{year}Q4", freq="Q"):
        name = _quarter_name(quarter)
        key = SettlementKind.INCOME.key(name)
        paid = entries.loc[entries["key"] == key, "amount_krw"].sum()
        rows.append({"quarter": name, "eligible": worker.eligible(quarter, default_lag), "settled": key in settled_keys,
                     "paid_krw": int(round(float(paid)))})
    table = pd.DataFrame(rows)
    lag = default_lag if worker.eligibility_lag_quarters is None else worker.eligibility_lag_quarters
    first = worker.first_eligible_quarter(default_lag)
    current = pd.Period(today or dt.date.today(), freq="Q")
    upcoming = max(first, current)
    gone = worker.end_date is not None and worker.end_date < upcoming.start_time.date()
    return WorkerStatement(worker, year, table, int(table["paid_krw"].sum()), lag, _quarter_name(first),
                           "" if gone else _quarter_name(upcoming))


#: The demo register's newcomers: the last share of each tenant's headcount, who joined after Q3 began [-].
DEMO_NEWCOMER_SHARE = 0.05
DEMO_LONG_STANDING_START = dt.date(2020, 3, 2)
DEMO_NEWCOMER_START = dt.date(2026, 8, 3)


def demo_worker_id(employer: str, number: int) -> str:
    """The demo register's id of worker ``number`` (1-based) of ``employer``: ``T01-W0001``."""
    return f"{employer}-W{number:04d}"


def demo_register_csv(park: Park) -> str:
    """A generated register for a demo park: every tenant's ``workers`` headcount, one row each.

    Synthetic (no real people): most have worked there since 2020-03-02; the last
    :data:`DEMO_NEWCOMER_SHARE` of each headcount joined on 2026-08-03 and waits out the lag.
    """
    lines = ["worker_id,employer,start_date,weight,eligibility_lag_quarters,end_date"]
    for participant in park.participants:
        if participant.kind != "tenant":
            continue
        newcomers = int(round(participant.workers * DEMO_NEWCOMER_SHARE))
        for number in range(1, participant.workers + 1):
            start = DEMO_NEWCOMER_START if number > participant.workers - newcomers else DEMO_LONG_STANDING_START
            lines.append(f"{demo_worker_id(participant.name, number)},{participant.name},{start.isoformat()},1,,")
    return "\n".join(lines) + "\n"
