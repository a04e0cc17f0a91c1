"""The only way pages reach data: every call goes through the logged-in principal.

:class:`DataAccess` is built from a :class:`ui.auth.Principal`; a tenant's
calls are pinned to its own participant (asking for another raises
:class:`AccessDenied`), park-wide views need the manager or analyst role, and
running a day needs the manager. Pages never read query parameters and never
open the ledger or the result files themselves.

Consistency: ledger figures come from a :class:`LedgerSnapshot`, all of whose
tables are read in ONE database transaction, so a page sees a settled day
whole or not at all even while the manager re-settles it (SQLite in WAL
mode; settlements are written in one transaction). The hourly trade detail
comes from the day's dispatch file and is shown only when its totals agree
with the settled ledger entries of that day.

Caching: loaders are process-wide, lock-protected functions (:func:`memo`, :data:`IO_LOCK`) keyed on the dispatch
file's (path, mtime, size) and on the ledger's version (entry count, largest
entry id, newest settlement time), so a new dispatch or settlement shows at
the next rerun; cached objects are shared read-only between sessions and the
per-principal filtering happens after the cache.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr
from market.dispatch.trades import trade_pairs
from market.income.sunlight import worker_heads
from market.ledger.vocabulary import PARTICIPANT_PREFIX as PARTICIPANT_ACCOUNTS
from market.ledger.vocabulary import WORKER_PREFIX
from market.ledger.vocabulary import AccountName, LegKind, SettlementKind
from ui.auth import Principal
from ui.config import UiConfig
from ui.workspace import Workspace


class AccessDenied(PermissionError):
    """The principal may not see or do this."""


# --- process-wide loaders (shared between sessions; never filtered by principal here) -----------------
#
# HDF5 (behind netCDF4) is not thread-safe and Streamlit runs each session's script in its own thread:
# every read of a result file in this process goes through IO_LOCK and loads the data into memory, so
# no HDF5 call ever runs in two threads at once (the same lock is held while the manager's run writes a
# file). The ledger is opened once per process (its Alembic upgrade runs once, under the lock). These
# caches are module-level dictionaries, not ``st.cache_resource``: a client's "clear cache" message
# (also dropped by the gate, ui/server.py) cannot empty them under running pages.

IO_LOCK = threading.RLock()


def memo(max_entries: int):
    """Keep the results of the last ``max_entries`` distinct calls, computed under :data:`IO_LOCK`."""

    def wrap(function):
        store: OrderedDict = OrderedDict()

        @functools.wraps(function)
        def cached(*args):
            with IO_LOCK:
                if args in store:
                    store.move_to_end(args)
                    return store[args]
                value = function(*args)
                store[args] = value
                while len(store) > max_entries:
                    store.popitem(last=False)
                return value

        cached.cache_clear = store.clear
        return cached

    return wrap


@memo(4)
def _park_and_rules(park_file: str | None, mtime_ns: int):
    return Workspace(park_file=park_file).read_park(rules=True)


@memo(4)
def _ledger(db: str):
    from market.ledger import open_ledger

    return open_ledger(db)


@memo(16)
def _dispatch(path: str, mtime_ns: int, size: int) -> xr.Dataset:
    from market.dispatch.io import read_dispatch

    return read_dispatch(path)


@memo(8)
def _snapshot(db: str, version: tuple) -> "LedgerSnapshot":
    return LedgerSnapshot.read(_ledger(db))


@memo(8)
def _batch(path: str, mtime_ns: int) -> xr.Dataset:
    return open_batch_result(Path(path)).load()


@memo(8)
def _batch_tables(path: str, mtime_ns: int, fund_share: float) -> "BatchTables":
    return batch_tables(_batch(path, mtime_ns), fund_share)


def _is_batch_index(path: Path) -> bool:
    """``batch.json`` as this engine writes it (an earlier engine's manifest sat beside ``batch.zarr``)."""
    import json

    try:
        return "layout" in json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return False


@memo(64)
def _has_scenarios(path: str, mtime_ns: int) -> bool:
    try:
        with xr.open_dataset(path, engine="netcdf4") as opened:
            return "scenario" in opened.dims
    except (OSError, ValueError):
        return False


class _AckReader:
    """Alarm acknowledgements, in the UI's own account database (one store per process)."""

    def __init__(self):
        self._stores = {}
        self._lock = threading.Lock()

    def store(self, url: str):
        from ui.auth import UserStore

        with self._lock:
            if url not in self._stores:
                self._stores[url] = UserStore(url)
            return self._stores[url]

    def __call__(self, url: str) -> dict:
        return self.store(url).acknowledgements()


_acks = _AckReader()


def clear_caches() -> None:
    """Forget every loaded file and ledger snapshot of this process (tests)."""
    for function in (_park_and_rules, _dispatch, _snapshot, _batch, _batch_tables, _has_scenarios):
        function.cache_clear()


def open_batch_result(path: Path) -> xr.Dataset:
    """A batch result with a ``scenario`` dimension: a batch's index ``batch.json`` (its scenario files
    opened together, :func:`market.batch.open_batch`), ``batch.zarr`` / ``batch.nc`` of an earlier engine
    (lazy), a scenario file ``scenarios/<name>.nc`` (one scenario), or another NetCDF file with a
    ``scenario`` dimension."""
    from market.dispatch.io import from_file_form

    if path.name == "batch.json":
        from market.batch import open_batch

        return open_batch(path.parent)  # time already tz-aware
    if path.suffix == ".zarr":
        return from_file_form(xr.open_zarr(path, consolidated=True))
    with xr.open_dataset(path, engine="netcdf4") as opened:
        dataset = from_file_form(opened.load())
    if "scenario" not in dataset.dims:
        dataset = dataset.expand_dims(scenario=[str(dataset.attrs.get("scenario", path.stem))])
    return dataset


@dataclass(frozen=True)
class BatchTables:
    """What the Year page shows of a batch result.

    ``totals``: one row per scenario, one column per numeric variable,
    aggregated over its span as its declaration says (:func:`market.figures.aggregate`:
    energy and money summed, prices and SOC averaged); ``labels``: variable ->
    (readable name, units). ``figures``: :func:`market.figures.span_figures` per
    scenario (rows: figures, columns: scenarios), or None when the file lacks the
    dispatch variables; ``figure_labels``: figure -> (readable name, units).
    """

    totals: pd.DataFrame
    labels: dict
    figures: pd.DataFrame | None
    figure_labels: dict


def batch_tables(dataset: xr.Dataset, fund_share: float) -> BatchTables:
    from market.dispatch.variables import declared
    from market.figures import FIGURES, aggregate, span_figures

    scenarios = [str(s) for s in dataset["scenario"].values]
    totals = pd.DataFrame({"scenario": scenarios})
    labels = {}
    for name, variable in dataset.data_vars.items():
        if "scenario" not in variable.dims or variable.dtype.kind not in "fiu":
            continue
        spec = declared(str(name))
        totals[name] = aggregate(variable, str(name)).transpose("scenario").values
        labels[name] = (spec.long_name if spec else variable.attrs.get("long_name", name),
                        variable.attrs.get("units", spec.units if spec else "-"))
    figures = None
    needed = ("load", "grid_import", "grid_export", "import_price", "export_price", "grid_only_cost",
              "energy_cost", "asset_generation", "asset_renewable", "trade", "transformer_flow")
    if all(name in dataset for name in needed) and "time" in dataset.dims:
        rows = {scenario: span_figures(dataset.sel(scenario=scenario).load(), fund_share=fund_share).as_dict()
                for scenario in scenarios}
        figures = pd.DataFrame(rows)
    return BatchTables(totals, labels, figures, {f.name: (f.long_name, f.units) for f in FIGURES.values()})


def _file_key(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return str(path), stat.st_mtime_ns, stat.st_size


def ledger_version(ledger) -> tuple:
    """Changes whenever a settlement is written or replaced (:meth:`market.ledger.Ledger.version`)."""
    return ledger.version()


# --- a consistent read of the ledger --------------------------------------------------------------


@dataclass(frozen=True)
class LedgerSnapshot:
    """Entries, day statistics and settlements read in one transaction.

    Offers the reading methods of :class:`market.ledger.Ledger` that the
    statement and RE100 reports use, so they run on the snapshot.
    """

    entry_frame: pd.DataFrame
    stats_frame: pd.DataFrame
    settlement_frame: pd.DataFrame

    @classmethod
    def read(cls, ledger) -> "LedgerSnapshot":
        """One transaction (:meth:`market.ledger.Ledger.read_tables`)."""
        tables = ledger.read_tables()
        return cls(tables.entries, tables.day_stats, tables.settlements)

    def entries(self, *, key=None, kind=None, start=None, end=None, account_prefix=None) -> pd.DataFrame:
        frame = self.entry_frame
        mask = pd.Series(True, index=frame.index)
        if key is not None:
            mask &= frame["key"] == key
        if kind is not None:
            keys = set(self.settlement_frame.loc[self.settlement_frame["kind"] == kind, "key"])
            mask &= frame["key"].isin(keys)
        if start is not None:
            mask &= frame["day"] >= start
        if end is not None:
            mask &= frame["day"] <= end
        if account_prefix is not None:
            mask &= frame["account"].str.startswith(account_prefix)
        return frame[mask].reset_index(drop=True)

    def day_stats(self, start: dt.date, end: dt.date) -> pd.DataFrame:
        frame = self.stats_frame
        return frame[(frame["day"] >= start) & (frame["day"] <= end)].reset_index(drop=True)

    def balance(self, account: str) -> int:
        return int(self.entry_frame.loc[self.entry_frame["account"] == account, "amount_krw"].sum())

    def settlements(self, kind: str | None = None) -> pd.DataFrame:
        """Settled periods (of ``kind`` only, when given), as :meth:`market.ledger.Ledger.settlements`."""
        frame = self.settlement_frame
        return (frame if kind is None else frame[frame["kind"] == kind]).reset_index(drop=True)


# --- what pages get ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParkDay:
    """A dispatched day of the whole park: the Dataset, its summary, and when it was settled (or None)."""

    day: dt.date
    dataset: xr.Dataset
    summary: object
    settled_at: dt.datetime | None


@dataclass(frozen=True)
class TradesView:
    """A participant's trades of a settled day.

    ``hourly``: time, counterpart, direction (buy/sell), energy_kwh, price
    [KRW/kWh], amount_krw (+ received / - paid), fee_krw; empty when
    ``detail_ok`` is False (the dispatch file no longer matches the ledger).
    ``totals``: the settled ledger lines of that day (kind, detail, kWh, KRW).
    """

    participant: str
    day: dt.date
    hourly: pd.DataFrame
    totals: pd.DataFrame
    detail_ok: bool


class DataAccess:
    """Data of the park as the logged-in ``principal`` may see it."""

    def __init__(self, principal: Principal, config: UiConfig):
        if not isinstance(principal, Principal):
            raise AccessDenied("log-in required")
        self.principal = principal
        self.config = config
        park_path = Path(config.park_file) if config.park_file else None
        self.park, self.rules = _park_and_rules(config.park_file, park_path.stat().st_mtime_ns if park_path else 0)
        self._names = [p.name for p in self.park.participants]
        if principal.role == "tenant" and principal.participant not in self._names:
            raise AccessDenied(f"participant {principal.participant!r} is not in this park")
        self._register = None
        if principal.role == "worker":
            self._register = config.workspace.worker_register()
            if self._register is None or self._register.get(principal.worker_id) is None:
                raise AccessDenied(f"worker {principal.worker_id!r} is not in this park's worker register")

    # -- who ---------------------------------------------------------------------------------------
    def participants(self) -> list[str]:
        """Participants the principal may look at."""
        if self.principal.role == "worker":
            return []  # a worker sees its own sunlight income only (worker_statement)
        return [self.principal.participant] if self.principal.role == "tenant" else list(self._names)

    def participant(self, requested: str | None = None) -> str:
        """The participant a call is about: a tenant's own, whatever is asked; never for a worker."""
        if self.principal.role == "worker":
            raise AccessDenied(f"{self.principal.username} (a worker) sees only its own sunlight income")
        if self.principal.role == "tenant":
            if requested not in (None, self.principal.participant):
                raise AccessDenied(f"{self.principal.username} may not see {requested!r}")
            return self.principal.participant
        if requested not in self._names:
            raise AccessDenied(f"unknown participant {requested!r}")
        return requested

    def display_name(self, name: str) -> str:
        """A participant's display name; only for participants the principal may see."""
        self.participant(name)
        return self.park.participant(name).display_name or name

    def _require_park(self) -> None:
        if not self.principal.sees_park:
            raise AccessDenied(f"{self.principal.username} may not see the whole park")

    # -- sources -----------------------------------------------------------------------------------
    def _results(self) -> Path:
        return Path(self.config.results)

    def _dispatch_path(self, day: dt.date) -> Path:
        return self.config.workspace.dispatch_path(day)

    def _snapshot(self) -> LedgerSnapshot:
        ledger = _ledger(self.config.db)
        return _snapshot(self.config.db, ledger_version(ledger))

    # -- days ------------------------------------------------------------------------------------------
    def settled_days(self) -> list[dt.date]:
        """Days settled on the ledger, newest first."""
        frame = self._snapshot().settlement_frame
        return sorted(frame.loc[frame["kind"] == SettlementKind.DAY, "period_start"], reverse=True)

    def dispatch_days(self) -> list[dt.date]:
        """Days with a dispatch file, newest first (park view only)."""
        self._require_park()
        return sorted(self.config.workspace.dispatched_days(), reverse=True)

    # -- the park -----------------------------------------------------------------------------------
    def park_day(self, day: dt.date) -> ParkDay:
        """The whole park's dispatch of ``day`` (manager and analyst)."""
        from market.dispatch.summary import summarize

        self._require_park()
        dataset = _dispatch(*_file_key(self._dispatch_path(day)))
        settlements = self._snapshot().settlement_frame
        match = settlements[settlements["key"] == SettlementKind.DAY.key(day.isoformat())]
        return ParkDay(day, dataset, summarize(dataset), match["created_at"].iloc[0] if not match.empty else None)

    def run_day(self, day: dt.date, progress=None) -> Path:
        """Dispatch and settle ``day`` (manager only)."""
        from ui.bootstrap import run_and_settle_day

        if not self.principal.may_run:
            raise AccessDenied(f"{self.principal.username} may not run the dispatch")
        with IO_LOCK:  # writes a NetCDF file and opens the ledger: never alongside another HDF5 call
            return run_and_settle_day(self.config.park_file, self.config.db, self.config.results, day, progress)

    # -- the manager's day ----------------------------------------------------------------------------
    def today(self) -> dt.date:
        """Today in the park's timezone (not the server's, not UTC): :func:`ui.views.today_logic.today_in`."""
        from ui.views.today_logic import today_in

        return today_in(self.park.park.timezone)

    def local_time(self, moment) -> pd.Timestamp | None:
        """A ledger time (naive UTC) in the park's timezone."""
        if moment is None or pd.isna(moment):
            return None
        stamp = pd.Timestamp(moment)
        stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
        return stamp.tz_convert(self.park.park.timezone)

    def day_state(self, day: dt.date):
        """Where ``day`` stands (:func:`ui.views.today_logic.day_state`): forecast, dispatched, settled,
        metered, closed, and the re-dispatch correction; times in the park's timezone."""
        from ui.views.today_logic import day_state

        self._require_park()

        def written(path: Path):
            return (pd.Timestamp(path.stat().st_mtime, unit="s", tz="UTC").tz_convert(self.park.park.timezone)
                    if path.is_file() else None)

        workspace = self.config.workspace
        return day_state(day, self._snapshot().settlement_frame, written(self._dispatch_path(day)),
                         written(workspace.redispatch_path(day)), self.local_time,
                         _ledger(self.config.db).closure_times())

    def hourly_plan(self, day: dt.date) -> pd.DataFrame:
        """The park's plan of ``day`` hour by hour (times in the park's timezone, kWh per hour, KRW/kWh)."""
        dataset = self.park_day(day).dataset
        times = pd.DatetimeIndex(dataset.indexes["time"]).tz_convert(self.park.park.timezone)

        def park_sum(name):
            variable = dataset[name]
            return variable.sum([d for d in variable.dims if d != "time"]).values if name in dataset else np.nan
        frame = pd.DataFrame({
            "time": times, "load_kwh": park_sum("load"), "generation_kwh": park_sum("generation"),
            "traded_kwh": traded_per_step(dataset), "grid_import_kwh": park_sum("grid_import"),
            "grid_export_kwh": park_sum("grid_export"), "storage_charge_kwh": park_sum("storage_charge"),
            "storage_discharge_kwh": park_sum("storage_discharge"), "soc_kwh": park_sum("soc"),
            "transformer_flow_kwh": park_sum("transformer_flow"),
            "clearing_price_krw_per_kwh": dataset["clearing_price"].mean("feeder").values,
            "energy_cost_krw": park_sum("energy_cost"),
        })
        return frame

    def plan_file(self, day: dt.date, form: str) -> bytes:
        """The hourly plan as ``csv`` or ``parquet`` bytes (made when the manager or analyst asks)."""
        import io

        frame = self.hourly_plan(day)
        if form == "csv":
            return frame.assign(time=frame["time"].astype(str)).to_csv(index=False).encode("utf-8-sig")
        if form == "parquet":
            buffer = io.BytesIO()
            frame.to_parquet(buffer, index=False)
            return buffer.getvalue()
        raise ValueError(f"form = {form!r}: expected csv or parquet")

    def alarms(self, day: dt.date) -> pd.DataFrame:
        """The alarms ``microgrid monitor`` logged for ``day``: critical first, then warning, info; each with
        its key and who acknowledged it when."""
        from ui.views.today_logic import order_alarms

        self._require_park()
        with IO_LOCK:
            frame = _ledger(self.config.db).alarms(day, day)
        if frame.empty:
            return frame.assign(key=[], acknowledged_by=[], acknowledged_at=[])
        frame = frame.copy()
        frame["key"] = [hashlib.sha256("|".join(map(str, (row.day, row.time, row.kind, row.element, row.message,
                                                          row.source))).encode()).hexdigest()[:32]
                        for row in frame.itertuples()]
        acks = _acks(self.config.users)
        frame["acknowledged_by"] = [acks.get(key, (None, None))[0] for key in frame["key"]]
        frame["acknowledged_at"] = [self.local_time(acks.get(key, (None, None))[1]) for key in frame["key"]]
        frame["time"] = [self.local_time(value) if pd.Timestamp(value).tzinfo else
                         pd.Timestamp(value).tz_localize(self.park.park.timezone) for value in frame["time"]]
        return order_alarms(frame)

    def acknowledge(self, alarm_key: str) -> None:
        """Acknowledge an alarm (manager only; the alarm log itself is never edited)."""
        if not self.principal.may_run:
            raise AccessDenied(f"{self.principal.username} may not acknowledge alarms")
        _acks.store(self.config.users).acknowledge(alarm_key, self.principal.username)

    def corrections(self, day: dt.date) -> pd.DataFrame:
        """The re-dispatch correction of ``day`` per participant: KRW and kWh (empty: no re-dispatch settled)."""
        self._require_park()
        entries = self._snapshot().entries(key=SettlementKind.CORRECTION.key(day.isoformat()),
                                           account_prefix=PARTICIPANT_ACCOUNTS)
        if entries.empty:
            return pd.DataFrame(columns=["participant", "detail", "quantity_kwh", "amount_krw"])
        entries = entries.assign(participant=entries["account"].str.split(":").str[1])
        return (entries.groupby(["participant", "detail"])[["quantity_kwh", "amount_krw"]].sum()
                .reset_index().sort_values(["participant", "detail"]).reset_index(drop=True))

    def tou_spans(self, day: dt.date) -> tuple[str, pd.DataFrame]:
        """The KEPCO time-of-use bands of ``day`` (:func:`ui.views.today_logic.tou_spans`) of the tariff most
        of the park's participants are on, in the version in force that day: (tariff name, spans)."""
        from collections import Counter

        from microgrid.tariffs import load_tariff
        from ui.views.today_logic import tou_spans

        self._require_park()
        name = Counter(p.tariff for p in self.park.participants).most_common(1)[0][0]
        tariff = load_tariff(name, day)
        step = float(self.park_day(day).dataset.attrs.get("step_hours", 1.0)) if self._dispatch_path(day).is_file() \
            else 1.0
        return tariff.title or name, tou_spans(tariff, day, self.park.park.timezone, step)

    def trades_by_source(self, day: dt.date) -> pd.DataFrame:
        """The park's direct trades of ``day`` per step by product, or by the sellers' source kind
        (:func:`ui.views.today_logic.trades_by_source`): time (park time), source, energy_kwh [kWh]."""
        from ui.views.today_logic import trades_by_source

        dataset = self.park_day(day).dataset
        kinds = {asset.name: str(asset.kind) for asset in self.park.assets}
        frame = trades_by_source(trade_frame(dataset), production_by_source(dataset, kinds))
        if not frame.empty:
            frame["time"] = pd.DatetimeIndex(frame["time"]).tz_convert(self.park.park.timezone)
        return frame

    def peak_against_ratchet(self, day: dt.date) -> pd.DataFrame:
        """Each tenant's peak demand of ``day`` against its billing-demand ratchet [kW]
        (:func:`ui.views.today_logic.peak_against_ratchet`), from the ledger's day statistics; ``billed_kw``
        and ``basic_krw`` (+ = the tenant pays) from the month's basic-charge settlement on the ledger."""
        from microgrid.tariffs import load_tariff
        from ui.views.today_logic import peak_against_ratchet

        self._require_park()
        snapshot = self._snapshot()
        month = pd.Period(day, freq="M")
        stats = snapshot.day_stats((month - 11).start_time.date(), day)
        tenants = [p for p in self.park.participants if p.kind == "tenant"]
        basic = snapshot.entries(key=SettlementKind.BASIC.key(str(month)), account_prefix=PARTICIPANT_ACCOUNTS)
        basic = basic[basic["kind"] == LegKind.KEPCO_BASIC]
        basic = basic.assign(participant=basic["account"].str.split(":").str[1])
        billed = {row.participant: float(str(row.detail).split()[0]) for row in basic.itertuples()
                  if str(row.detail).endswith(" kW")}
        frame = peak_against_ratchet(
            day, stats, {p.name: p.contract_power_kw for p in tenants},
            {p.name: load_tariff(p.tariff, day).billing_demand_floor_fraction for p in tenants}, billed)
        charged = -basic.groupby("participant")["amount_krw"].sum()
        frame["basic_krw"] = frame["participant"].map(charged)
        return frame

    # -- a participant's trades and bills -------------------------------------------------------------
    def trades(self, day: dt.date, participant: str | None = None) -> TradesView:
        """Hour-by-hour trades of a settled day of one participant."""
        name = self.participant(participant)
        snapshot = self._snapshot()
        lines = snapshot.entries(key=SettlementKind.DAY.key(day.isoformat()), account_prefix=AccountName.cash(name))
        totals = lines[["kind", "detail", "quantity_kwh", "amount_krw"]].reset_index(drop=True)
        hourly = pd.DataFrame(columns=["time", "counterpart", "direction", "energy_kwh", "price_krw_per_kwh",
                                       "amount_krw", "fee_krw"])
        path = self._dispatch_path(day)
        if lines.empty or not path.is_file():
            return TradesView(name, day, hourly, totals, False)
        dataset = _dispatch(*_file_key(path))
        hourly = _participant_trades(dataset, name)
        settled = lines[lines["kind"].isin([LegKind.TRADE_PURCHASE, LegKind.TRADE_SALE])]
        settled = settled.groupby(["detail", "kind"])["quantity_kwh"].sum()
        found = hourly.assign(kind=np.where(hourly["direction"] == "buy", str(LegKind.TRADE_PURCHASE), str(LegKind.TRADE_SALE))) \
            .groupby(["counterpart", "kind"])["energy_kwh"].sum() if not hourly.empty else pd.Series(dtype=float)
        found.index = found.index.set_names(["detail", "kind"]) if not hourly.empty else found.index
        joined = pd.concat([settled.rename("ledger"), found.rename("file")], axis=1).fillna(0.0)
        detail_ok = bool(np.allclose(joined["ledger"], joined["file"], rtol=1e-6, atol=0.01)) if len(joined) else True
        return TradesView(name, day, hourly if detail_ok else hourly.iloc[0:0], totals, detail_ok)

    def daily_bills(self, month: str, participant: str | None = None) -> pd.DataFrame:
        """Per settled day of ``month`` (YYYY-MM): net cost and grid-only bill [KRW] (energy part, VAT incl.)."""
        name = self.participant(participant)
        period = pd.Period(month, freq="M")
        stats = self._snapshot().day_stats(period.start_time.date(), period.end_time.date())
        own = stats[stats["participant"] == name].sort_values("day")
        frame = own[["day", "net_cost_krw", "grid_only_bill_krw", "bought_kwh", "sold_kwh", "load_kwh"]].copy()
        frame["saving_krw"] = frame["grid_only_bill_krw"] - frame["net_cost_krw"]
        return frame.reset_index(drop=True)

    def months(self) -> list[str]:
        """Months (YYYY-MM) with a settled day, newest first."""
        return sorted({f"{day:%Y-%m}" for day in self.settled_days()}, reverse=True)

    def monthly_bill(self, month: str, participant: str | None = None):
        """The KEPCO-style bill of ``month`` (:func:`ui.views.bill_logic.monthly_bill`, + = pays)."""
        from ui.views.bill_logic import month_entries, monthly_bill

        name = self.participant(participant)
        entries = self._snapshot().entries(account_prefix=f"{PARTICIPANT_ACCOUNTS}{name}:")
        return monthly_bill(month_entries(entries, f"{PARTICIPANT_ACCOUNTS}{name}:cash", month))

    def statement(self, month: str, participant: str | None = None, language: str = "ko"):
        """The monthly statement and its CSV and printable-page bytes in ``language``: (Statement, csv, html)."""
        import tempfile

        from market.settlement.statement import monthly_statement
        from ui.statement_print import write_printable_statement

        name = self.participant(participant)
        made = monthly_statement(self._snapshot(), self.park, self.rules, name, month)
        with tempfile.TemporaryDirectory() as folder:
            csv_path, html_path = write_printable_statement(made, self.park, Path(folder) / f"statement-{name}-{month}.csv",
                                                            language)
            return made, csv_path.read_bytes(), html_path.read_bytes()

    # -- RE100 -------------------------------------------------------------------------------------
    def re100_by_month(self, year: int, participant: str | None = None) -> pd.DataFrame:
        """RE100 figures of each settled month of ``year`` (period ``month``) and the year to date (``ytd``)."""
        from market.re100.report import COLUMNS, re100_report

        name = self.participant(participant)
        snapshot = self._snapshot()
        months = sorted({f"{day:%Y-%m}" for day in self.settled_days() if day.year == year})
        rows = []
        for month in months:
            report = re100_report(snapshot, self.rules, month, [name])
            rows.append(report.row(name, "month").rename(None).to_frame().T.assign(period=month))
        if months:
            report = re100_report(snapshot, self.rules, months[-1], [name])
            rows.append(report.row(name, "ytd").rename(None).to_frame().T.assign(period="ytd"))
        return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=COLUMNS)

    def years(self) -> list[int]:
        return sorted({day.year for day in self.settled_days()}, reverse=True)

    # -- sunlight income ------------------------------------------------------------------------------
    def income_history(self) -> pd.DataFrame:
        """Per quarter, the park's fund: inflow, paid to tenants and to workers [KRW] (aggregate figures)."""
        entries = self._snapshot().entries(kind=SettlementKind.INCOME, account_prefix=AccountName.SUNLIGHT_FUND)
        if entries.empty:
            return pd.DataFrame(columns=["quarter", "inflow_krw", "tenants_krw", "workers_krw", "kept_krw"])
        entries = entries.assign(quarter=entries["key"].str.removeprefix(SettlementKind.INCOME.key("")))
        table = entries.pivot_table(index="quarter", columns="kind", values="amount_krw", aggfunc="sum", fill_value=0)
        frame = pd.DataFrame({
            "quarter": table.index,
            "inflow_krw": table.get(LegKind.INCOME_CONTRIBUTION, 0),
            "tenants_krw": -table.get(LegKind.INCOME_TENANT, 0),
            "workers_krw": -table.get(LegKind.INCOME_WORKERS, 0),
        }).reset_index(drop=True)
        frame["kept_krw"] = frame["inflow_krw"] - frame["tenants_krw"] - frame["workers_krw"]
        return frame

    def income_by_participant(self) -> pd.DataFrame:
        """Per quarter and participant: contribution, tenant payout, workers' payout, heads, per worker [KRW].

        A tenant gets its own rows only.
        """
        snapshot = self._snapshot()
        entries = snapshot.entries(kind=SettlementKind.INCOME, account_prefix=PARTICIPANT_ACCOUNTS)
        # registered workers are paid into worker:<id>, the leg's detail naming "<quarter> <employer>"
        registered = snapshot.entries(kind=SettlementKind.INCOME, account_prefix=WORKER_PREFIX)
        registered_employer = registered["detail"].fillna("").str.split(" ").str[-1]
        heads_by_key = worker_heads(snapshot.settlement_frame)
        rows = []
        for name in self.participants():
            own = pd.concat([entries[entries["account"].str.startswith(AccountName.of_participant(name))],
                             registered[registered_employer == name]])
            for key, lines in own.groupby("key"):
                workers = lines[lines["kind"] == LegKind.INCOME_WORKERS]
                heads = heads_by_key.get(key, {}).get(name, 0) if not workers.empty else 0
                workers_krw = int(workers["amount_krw"].sum())
                rows.append({"quarter": key.removeprefix(SettlementKind.INCOME.key("")), "participant": name,
                             "contribution_krw": -int(lines.loc[lines["kind"] == LegKind.INCOME_CONTRIBUTION,
                                                                "amount_krw"].sum()),
                             "tenant_krw": int(lines.loc[lines["kind"] == LegKind.INCOME_TENANT, "amount_krw"].sum()),
                             "workers_krw": workers_krw, "heads": heads,
                             "per_worker_krw": workers_krw / heads if heads else 0.0})
        columns = ["quarter", "participant", "contribution_krw", "tenant_krw", "workers_krw", "heads", "per_worker_krw"]
        return pd.DataFrame(rows, columns=columns).sort_values(["quarter", "participant"]).reset_index(drop=True)

    def worker_statement(self, year: int, language: str = "ko"):
        """A worker's own statement of ``year`` and its printable page: (WorkerStatement, html bytes).

        Only the logged-in worker's own ledger account is read; any other role is refused.
        """
        from market.income.workers import worker_statement
        from ui.statement_print import worker_statement_html

        if self.principal.role != "worker":
            raise AccessDenied(f"{self.principal.username} is not a worker account")
        made = worker_statement(self._snapshot(), self._register, self.principal.worker_id, year,
                                self.rules.income.eligibility_lag_quarters)
        return made, worker_statement_html(made, language).encode("utf-8")

    def fund_balance(self) -> int:
        return self._snapshot().balance(AccountName.SUNLIGHT_FUND)

    # -- batch results (Year) -------------------------------------------------------------------------
    def batch_files(self) -> list[Path]:
        """What ``microgrid batch`` writes under RESULTS/batch*/ (park view only).

        ``batch.json`` (the batch's index: every scenario, read from the scenario
        files), ``batch.zarr`` or ``batch.nc`` of an earlier engine,
        ``scenarios/<name>.nc`` (one scenario each), and other NetCDF files with
        a ``scenario`` dimension; never the checkpoint chunks.
        """
        self._require_park()
        found = []
        for folder in sorted(self._results().glob("batch*")):
            if not folder.is_dir():
                continue
            found += [folder / name for name in ("batch.json", "batch.zarr", "batch.nc") if (folder / name).exists()
                      and (name != "batch.json" or _is_batch_index(folder / name))]
            found += sorted((folder / "scenarios").glob("*.nc"))
            for file in sorted(folder.rglob("*.nc")):
                parts = file.relative_to(folder).parts
                if file in found or "checkpoints" in parts or ".zarr" in "".join(parts) or parts[0] == "report":
                    continue
                if _has_scenarios(str(file), file.stat().st_mtime_ns):
                    found.append(file)
        return found

    def _batch_key(self, path: Path) -> tuple[str, int]:
        self._require_park()
        if Path(path) not in self.batch_files():
            raise AccessDenied(f"{path} is not a batch result")
        return str(path), Path(path).stat().st_mtime_ns

    def batch(self, path: Path) -> xr.Dataset:
        """A batch result with a ``scenario`` dimension (:func:`open_batch_result`)."""
        return _batch(*self._batch_key(path))

    def batch_tables(self, path: Path) -> BatchTables:
        """The Year page's tables of a batch result (:func:`batch_tables`)."""
        from market.batch.summary import batch_fund_share

        return _batch_tables(*self._batch_key(path), batch_fund_share(self.batch(path)))


TRADE_COLUMNS = ["time", "seller", "buyer", "energy_kwh", "price_krw_per_kwh"]


def trade_frame(dataset: xr.Dataset) -> pd.DataFrame:
    """Every direct trade of a dispatch result, one row per (time, seller, buyer) with energy > 0.

    THE one place the app reads trades from a dispatch Dataset, through the sparse ``trade_pair`` reader
    (:func:`market.dispatch.trades.trade_pairs`): columns time (interval
    start, as stored), seller, buyer, energy_kwh [kWh], price_krw_per_kwh [KRW/kWh, excl. platform fee],
    and ``product`` (any / renewable) when the result has one.
    """
    # Sparse pairs (market.dispatch.trades): seller and buyer are participant positions.
    pairs = trade_pairs(dataset)
    kept = pairs.kwh > 1e-6
    times = pd.DatetimeIndex(dataset.indexes["time"])
    participants = np.asarray(dataset["participant"].values, dtype=str)
    frame = pd.DataFrame({
        "time": times[pairs.step[kept]], "seller": participants[pairs.seller[kept]],
        "buyer": participants[pairs.buyer[kept]],
        "energy_kwh": np.asarray(pairs.kwh[kept], dtype=float),
        "price_krw_per_kwh": np.asarray(pairs.price[kept], dtype=float),
    }, columns=TRADE_COLUMNS)
    return frame[frame["seller"] != frame["buyer"]].reset_index(drop=True)


def traded_per_step(dataset: xr.Dataset) -> np.ndarray:
    """The park's traded energy of each step [kWh] (from :func:`trade_frame`)."""
    frame = trade_frame(dataset)
    times = pd.DatetimeIndex(dataset.indexes["time"])
    return frame.groupby("time")["energy_kwh"].sum().reindex(times, fill_value=0.0).to_numpy()


def production_by_source(dataset: xr.Dataset, kinds: dict[str, str]) -> pd.DataFrame:
    """Each participant's production per step by source kind [kWh]: its assets' generation by ``kinds``
    (asset -> pv/orc/wind/...) and its storage discharge as ``battery``. Columns time, seller, source,
    energy_kwh (``seller``: the owning participant)."""
    times = pd.DatetimeIndex(dataset.indexes["time"])
    parts = []
    generation = dataset["asset_generation"].transpose("time", "asset")
    for position, asset in enumerate(str(a) for a in dataset["asset"].values):
        parts.append(pd.DataFrame({"time": times, "seller": str(dataset["asset_owner"].values[position]),
                                   "source": kinds.get(asset, "other"),
                                   "energy_kwh": generation.values[:, position]}))
    if "discharge" in dataset and dataset.sizes.get("storage", 0):
        discharge = dataset["discharge"].transpose("time", "storage")
        for position in range(dataset.sizes["storage"]):
            parts.append(pd.DataFrame({"time": times, "seller": str(dataset["storage_owner"].values[position]),
                                       "source": "battery", "energy_kwh": discharge.values[:, position]}))
    if not parts:
        return pd.DataFrame(columns=["time", "seller", "source", "energy_kwh"])
    frame = pd.concat(parts, ignore_index=True)
    return frame.groupby(["time", "seller", "source"], as_index=False)["energy_kwh"].sum()


def _participant_trades(dataset: xr.Dataset, name: str) -> pd.DataFrame:
    trades = trade_frame(dataset)
    fee = float(dataset.attrs.get("trade_fee_krw_per_kwh", 0.0))
    bought = trades[trades["buyer"] == name]
    sold = trades[trades["seller"] == name]
    amount = bought["energy_kwh"] * bought["price_krw_per_kwh"]
    frame = pd.concat([
        pd.DataFrame({"time": bought["time"], "counterpart": bought["seller"], "direction": "buy",
                      "energy_kwh": bought["energy_kwh"], "price_krw_per_kwh": bought["price_krw_per_kwh"],
                      "amount_krw": -amount, "fee_krw": bought["energy_kwh"] * fee}),
        pd.DataFrame({"time": sold["time"], "counterpart": sold["buyer"], "direction": "sell",
                      "energy_kwh": sold["energy_kwh"], "price_krw_per_kwh": sold["price_krw_per_kwh"],
                      "amount_krw": sold["energy_kwh"] * sold["price_krw_per_kwh"], "fee_krw": 0.0}),
    ], ignore_index=True)
    frame = frame[["time", "counterpart", "direction", "energy_kwh", "price_krw_per_kwh", "amount_krw", "fee_krw"]]
    return frame.sort_values(["time", "direction", "counterpart"]).reset_index(drop=True)
