"""Settling a finished batch scenario on its own ledger (``microgrid batch --settle``).

Scenarios are alternative worlds: each one is settled on its own ledger,
``<out>/ledgers/<scenario>.sqlite`` by default, and a ledger that already
holds days of another scenario (or days settled outside a batch) is
refused, so two worlds never mix in one ledger.

What is settled, in this order, from the scenario file
``<out>/scenarios/<scenario>.nc`` and the scenario's park
(:func:`market.batch.scenarios.apply_overrides`):

1. every day of the file with :func:`market.settlement.settle_day`: one
   ledger settlement ``day:YYYY-MM-DD`` written in one transaction; a batch
   has no metered data, so no imbalance is settled (``metered=None``);
2. the basic charge of every month the days touch
   (:func:`market.settlement.settle_basic_charge`; a month only partly
   inside the span is billed on the peaks of its settled days, as
   ``microgrid settle`` does after any single day);
3. the sunlight income of every quarter wholly inside the span
   (:func:`market.income.settle_income`); a partial quarter pays nothing.

Resuming: :func:`market.settlement.settle_day` writes nothing for a day
settled with the same content, and a reversal and a new version for a day
whose content changed (the ledger is append-only), so settling a day twice
never duplicates money. On top of that, every day records its
scenario and its LP objective (``day_objective`` of the scenario file) in the
settlement's ``meta``; a later run skips the days already settled from the
same dispatch and writes only the missing ones (a run killed mid-way
continues after the last committed day; a day whose dispatch changed is
settled again). The months and quarters are settled again on every run, all
in one transaction; unchanged ones write nothing, so a run killed between
its days and their months is completed by the next one, and a finished
ledger is left untouched by a second run. Changed settlement rules
(``[settlement]``/``[income]`` tables, tariff data files) are not detected
for the skipped days: delete the ledger to settle again under new rules.

Figures (:class:`ScenarioSettlement`, integer KRW as on the ledger) are
summed from the ledger itself, restricted to the settlements that overlap the
scenario file's span, and written next to the ledger as
``<scenario>.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import time as clock
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr
from market.batch.checkpoint import scenario_path
from market.batch.rolling import ScenarioJob, run_scenario
from market.batch.scenarios import Scenario, apply_overrides
from market.dispatch.io import atomic_path, from_file_form
from market.income import settle_income
from market.ledger import AccountName, Ledger, LegKind, SettlementKind, open_ledger
from market.ledger.store import settled_day_count  # noqa: F401 - re-exported for the batch runner's progress bar
from market.settlement import day_key, settle_basic_charge, settle_day
from market.settlement.config import SettlementRules, rules_for
from microgrid.errors import EngineInputError
from microgrid.park import Park

#: Folder of the scenario ledgers inside the batch folder.
LEDGER_DIR = "ledgers"


def ledger_path(out: str | Path, scenario: str) -> Path:
    """Default ledger of ``scenario``: ``<out>/ledgers/<scenario>.sqlite``."""
    return Path(out) / LEDGER_DIR / f"{scenario}.sqlite"


def figures_path(out: str | Path, scenario: str) -> Path:
    """The scenario's settled figures as JSON, next to its ledger."""
    return Path(out) / LEDGER_DIR / f"{scenario}.json"


@dataclass(frozen=True)
class ScenarioSettlement:
    """One scenario's settled span, summed from its ledger.

    Attributes
    ----------
    scenario : str
    ledger : str
        Path of the SQLite ledger.
    first_day, last_day : str
        Span of the scenario file, ``YYYY-MM-DD`` (inclusive).
    days_settled : int
        Days of the span settled on the ledger [days].
    days_written : int
        Days written by the last run (0 when it found them all settled) [days].
    months_billed, quarters_paid : int
        Basic-charge months and sunlight-income quarters on the ledger.
    kepco_energy_krw : int
        KEPCO energy bills: energy, adders, power-industry fund, VAT [KRW].
    kepco_basic_krw : int
        KEPCO basic charges with their fund and VAT [KRW].
    grid_import_kwh : float
        Energy the KEPCO energy bills are for [kWh].
    trade_krw : int
        Paid by buyers to sellers for direct trades, without fees [KRW].
    traded_kwh : float
        Energy traded directly [kWh].
    fees_krw : int
        Platform fees paid to ``park:operator_fees`` [KRW].
    export_krw : int
        Received for exports: SMP and REC [KRW].
    sunlight_fund_inflow_krw, sunlight_paid_krw : int
        Paid into and out of ``park:sunlight_fund`` [KRW].
    rounding_krw : int
        Balance of ``park:rounding`` (rounding remainders) [KRW].
    entries : int
        Ledger entries of the span.
    settle_seconds : float
        Wall time of the last run [s].
    """

    scenario: str
    ledger: str
    first_day: str
    last_day: str
    days_settled: int
    days_written: int
    months_billed: int
    quarters_paid: int
    kepco_energy_krw: int
    kepco_basic_krw: int
    grid_import_kwh: float
    trade_krw: int
    traded_kwh: float
    fees_krw: int
    export_krw: int
    sunlight_fund_inflow_krw: int
    sunlight_paid_krw: int
    rounding_krw: int
    entries: int
    settle_seconds: float = 0.0

    @property
    def kepco_bill_krw(self) -> int:
        """Whole KEPCO bill: energy and basic charges [KRW]."""
        return self.kepco_energy_krw + self.kepco_basic_krw

    def as_dict(self) -> dict:
        return {**asdict(self), "kepco_bill_krw": self.kepco_bill_krw}


def _day_settlements(ledger: Ledger) -> dict[str, dict]:
    frame = ledger.settlements(kind=SettlementKind.DAY)
    return {key: json.loads(meta or "{}") for key, meta in zip(frame["key"], frame["meta"])}


def _check_owner(settled: dict[str, dict], scenario: str, where: str | Path) -> None:
    for key, meta in settled.items():
        owner = meta.get("scenario")
        if owner != scenario:
            found = f"scenario {owner!r}" if owner is not None else "a day settled outside a batch"
            raise EngineInputError(f"ledger {str(where)!r} holds {found} ({key}), not scenario {scenario!r}: "
                                   f"scenarios never share a ledger")


def settle_scenario(out: str | Path, scenario: Scenario, park: Park, park_source: str = "<park>",
                    rules: SettlementRules | None = None, *, ledger: str | Path | None = None,
                    stop_after_days: int | None = None,
                    on_day: Callable[[int, int], None] | None = None) -> ScenarioSettlement:
    """Settle a finished scenario file day by day on the scenario's own ledger (resumable).

    Parameters
    ----------
    out : str or Path
        Batch folder holding ``scenarios/<scenario>.nc``.
    scenario : Scenario
    park : Park
        The park as read by :func:`microgrid.park.read_park`; the scenario's
        overrides apply to it.
    park_source : str
        Name of the park file, for messages.
    rules : SettlementRules, optional
        Default: :func:`market.settlement.rules_for` of the scenario's park
        (the park file's ``[income]`` and ``[settlement]`` tables).
    ledger : str or Path, optional
        SQLAlchemy URL or SQLite path (default :func:`ledger_path`).
    stop_after_days : int, optional
        Stop (as if killed) after writing this many days; for tests.
    on_day : callable, optional
        Called as ``on_day(days_done, days_total)`` after each day.

    Returns
    -------
    ScenarioSettlement
        Also written to :func:`figures_path` (only when the run finishes).

    Raises
    ------
    EngineInputError
        No scenario file, or a ledger that holds another scenario.
    """
    started = clock.perf_counter()
    source = scenario_path(out, scenario.name)
    if not source.is_file():
        raise EngineInputError(f"scenario file {str(source)!r} does not exist: run the batch before settling it")
    park = apply_overrides(park, scenario, park_source)
    rules = rules or rules_for(park)
    where = ledger if ledger is not None else ledger_path(out, scenario.name)
    if ledger is None:  # the batch's own folder of ledgers (a ledger named by the caller needs its folder)
        Path(where).parent.mkdir(parents=True, exist_ok=True)
    book = open_ledger(where)
    try:
        settled = _day_settlements(book)
        _check_owner(settled, scenario.name, where)
        with xr.open_dataset(source, engine="netcdf4") as opened:
            days = [dt.date.fromisoformat(str(day)) for day in opened["day"].values]
            objectives = [float(value) for value in opened["day_objective"].values]
            stamps = opened["time"].values
            steps = opened.drop_vars([name for name, var in opened.variables.items() if "day" in var.dims])
            written = 0
            for done, (day, objective) in enumerate(zip(days, objectives), start=1):
                meta = {"scenario": scenario.name, "day_objective_krw": objective, "source": "microgrid batch"}
                previous = settled.get(day_key(day), {})
                if previous.get("scenario") == scenario.name and previous.get("day_objective_krw") == objective:
                    if on_day:
                        on_day(done, len(days))
                    continue
                if stop_after_days is not None and written >= stop_after_days:
                    return _figures(book, scenario.name, where, days, written, clock.perf_counter() - started)
                first = np.searchsorted(stamps, np.datetime64(day, "ns"))
                last = np.searchsorted(stamps, np.datetime64(day + dt.timedelta(days=1), "ns"))
                dataset = from_file_form(steps.isel(time=slice(first, last)).load())
                dataset.attrs["date"] = day.isoformat()
                settle_day(book, park, dataset, rules, None, meta=meta)
                written += 1
                if on_day:
                    on_day(done, len(days))
        # Months and quarters are settled again on every run, in one transaction: an unchanged one
        # writes nothing (the ledger compares content), and a run killed after its days but
        # before their months is finished by the next run, whichever days it still writes.
        with book.transaction():
            for month in sorted({f"{day:%Y-%m}" for day in days}):
                settle_basic_charge(book, park, month)
            for quarter in pd.period_range(days[0], days[-1], freq="Q"):
                name = f"{quarter.year}-Q{quarter.quarter}"
                if quarter.start_time.date() >= days[0] and quarter.end_time.date() <= days[-1]:
                    settle_income(book, park, rules, name)
        result = _figures(book, scenario.name, where, days, written, clock.perf_counter() - started)
    finally:
        book.close()
    if ledger is None:
        _write_json(figures_path(out, scenario.name), result.as_dict())
    return result


def _figures(book: Ledger, scenario: str, where: str | Path, days: list[dt.date], written: int,
             seconds: float) -> ScenarioSettlement:
    """Sum the ledger's entries of the settlements overlapping ``days``."""
    first, last = days[0], days[-1]
    totals = book.totals_by_account_and_kind(first, last)
    settlements = book.settlement_counts(first, last)
    money: dict[str, int] = {}
    energy: dict[str, float] = {}

    def add(name: str, amount: int, kwh: float = 0.0) -> None:
        money[name] = money.get(name, 0) + int(amount)
        energy[name] = energy.get(name, 0.0) + float(kwh)

    entries = 0
    for account, kind, amount, kwh, count in totals.itertuples(index=False):
        entries += count
        participant = AccountName.is_participant(account)
        if account == AccountName.KEPCO and kind in (LegKind.KEPCO_BILL, LegKind.KEPCO_BASIC):
            add(kind, amount, kwh)
        elif participant and kind == LegKind.TRADE_SALE:
            add("trade", amount, kwh)
        elif account == AccountName.OPERATOR_FEES and kind == LegKind.TRADE_FEE:
            add("fees", amount)
        elif participant and kind in (LegKind.EXPORT_SMP, LegKind.EXPORT_REC):
            add("export", amount)
        elif account == AccountName.SUNLIGHT_FUND and kind == LegKind.INCOME_CONTRIBUTION:
            add("inflow", amount)
        elif account == AccountName.SUNLIGHT_FUND and kind in (LegKind.INCOME_TENANT, LegKind.INCOME_WORKERS):
            add("paid", -amount)
        elif account == AccountName.ROUNDING:
            add("rounding", amount)
    return ScenarioSettlement(
        scenario=scenario, ledger=str(where), first_day=first.isoformat(), last_day=last.isoformat(),
        days_settled=int(settlements.get(SettlementKind.DAY, 0)), days_written=written,
        months_billed=int(settlements.get(SettlementKind.BASIC, 0)),
        quarters_paid=int(settlements.get(SettlementKind.INCOME, 0)),
        kepco_energy_krw=money.get(LegKind.KEPCO_BILL, 0), kepco_basic_krw=money.get(LegKind.KEPCO_BASIC, 0),
        grid_import_kwh=energy.get(LegKind.KEPCO_BILL, 0.0), trade_krw=money.get("trade", 0),
        traded_kwh=energy.get("trade", 0.0), fees_krw=money.get("fees", 0), export_krw=money.get("export", 0),
        sunlight_fund_inflow_krw=money.get("inflow", 0), sunlight_paid_krw=money.get("paid", 0),
        rounding_krw=money.get("rounding", 0), entries=int(entries), settle_seconds=seconds)


def _write_json(path: Path, payload: dict) -> None:
    with atomic_path(path) as temporary:
        temporary.write_text(json.dumps(payload, indent=2), encoding="utf-8")


def read_figures(out: str | Path, scenario: str) -> ScenarioSettlement:
    """The figures the last settlement run of ``scenario`` wrote (EngineInputError when missing)."""
    path = figures_path(out, scenario)
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EngineInputError(f"{str(path)!r} does not exist: settle the batch first (--settle)") from None
    payload.pop("kepco_bill_krw", None)
    return ScenarioSettlement(**payload)


def scenario_task(job: ScenarioJob, settle: bool = False, rules: SettlementRules | None = None,
                  on_day: Callable[[int], None] | None = None,
                  on_settled: Callable[[int, int], None] | None = None) -> str:
    """One scenario's task: dispatch its span (:func:`run_scenario`), then settle it when asked.

    Runs inside a Dask worker (or the driver with ``workers=0``), so the
    scenarios of a sweep are settled in parallel, each on its own ledger.

    Parameters
    ----------
    job : ScenarioJob
    settle : bool
    rules : SettlementRules, optional
        Default: :func:`market.settlement.rules_for` of the scenario's park.
    on_day : callable, optional
        Called with the number of days dispatched so far (progress bars).
    on_settled : callable, optional
        Called with (days settled so far, days in the span).

    Returns
    -------
    str
        The scenario file, or ``""`` when the dispatch stopped early.
    """
    path = run_scenario(job, on_day=on_day)
    if path and settle:
        settle_scenario(job.out, job.scenario, job.park, job.park_source, rules, on_day=on_settled)
    return path
