"""The manager's day, as pure functions (no Streamlit): state of the day, alarm order, TOU bands,
trades by source, peak demand against the billing-demand ratchet.

The page (``ui/views/park_today.py``) draws what these return; the data layer
(``ui/data_access.py``) feeds them from the ledger and the result files.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Mapping
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from market.safety.alarms import SEVERITIES
from market.settlement.kepco import billing_demand_kw


# --- today and the state of the day ---------------------------------------------------------------


def today_in(timezone: str, now: dt.datetime | None = None) -> dt.date:
    """The calendar day in ``timezone`` (the park's, e.g. Asia/Seoul) at ``now`` (tz-aware; default: now).

    Not the server's day and not UTC's: at 2026-06-30 16:00 UTC it is already 2026-07-01 in Seoul.
    """
    now = dt.datetime.now(dt.timezone.utc) if now is None else now
    if now.tzinfo is None:
        raise ValueError(f"now = {now!r}: expected a timezone-aware time")
    return now.astimezone(ZoneInfo(timezone)).date()


class DayStep(StrEnum):
    """How far a day has come, in order; each later step implies the earlier ones."""

    FORECAST = "forecast"  # nothing run yet (a forecast can be made)
    DISPATCHED = "dispatched"  # RESULTS/dispatch-<day>.nc exists
    SETTLED = "settled"  # day:<day> on the ledger (on the schedule)
    METERED = "metered"  # the day settlement used metered energy (imbalance settled)
    CLOSED = "closed"  # a closing settlement covers the day: no more changes

    @property
    def label(self) -> str:
        """i18n key of the step."""
        return f"state_{self.value}"


@dataclass(frozen=True)
class DayState:
    """When each step of a day happened (park time), None where it has not.

    ``redispatched``: the re-dispatch correction (an event, not a step: a
    settled day may be corrected any number of times before it is closed).
    """

    dispatched: pd.Timestamp | None
    settled: pd.Timestamp | None
    metered: pd.Timestamp | None
    closed: pd.Timestamp | None
    redispatched: pd.Timestamp | None

    @property
    def step(self) -> DayStep:
        """The furthest step reached."""
        for step, when in ((DayStep.CLOSED, self.closed), (DayStep.METERED, self.metered),
                           (DayStep.SETTLED, self.settled), (DayStep.DISPATCHED, self.dispatched)):
            if when is not None:
                return step
        return DayStep.FORECAST

    @property
    def settled_or_later(self) -> bool:
        """Re-running this day would replace ledger entries (the run needs a confirmation)."""
        return self.step in (DayStep.SETTLED, DayStep.METERED, DayStep.CLOSED)

    def when(self, step: DayStep) -> pd.Timestamp | None:
        return {DayStep.FORECAST: None, DayStep.DISPATCHED: self.dispatched, DayStep.SETTLED: self.settled,
                DayStep.METERED: self.metered, DayStep.CLOSED: self.closed}[step]


def _meta(value) -> dict:
    if isinstance(value, dict):
        return value
    try:
        parsed = json.loads(value) if value else {}
    except (TypeError, ValueError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def day_state(day: dt.date, settlements: pd.DataFrame, dispatched_at: pd.Timestamp | None,
              redispatch_file_at: pd.Timestamp | None = None,
              to_local=lambda stamp: stamp) -> DayState:
    """The state of ``day`` from the ledger's settlements and the result files.

    Parameters
    ----------
    day : datetime.date
    settlements : pandas.DataFrame
        The ledger's ``ledger_settlements`` (key, kind, period_start, period_end, created_at, meta).
    dispatched_at : pandas.Timestamp or None
        When the day's dispatch file was written (None: no file).
    redispatch_file_at : pandas.Timestamp or None
        When a re-dispatch file of the day was written (None: none).
    to_local : callable
        Ledger time (naive UTC) -> park time.
    """
    from market.ledger.vocabulary import SettlementKind

    def created(key: str):
        rows = settlements[settlements["key"] == key]
        return to_local(rows["created_at"].iloc[0]) if not rows.empty else None

    day_key = SettlementKind.DAY.key(day.isoformat())
    settled = created(day_key)
    rows = settlements[settlements["key"] == day_key]
    metered = settled if settled is not None and _meta(rows["meta"].iloc[0]).get("metered") is True else None
    # a closing (a period closed by the ledger: kind "close"/"closing"/"closed") whose period covers the day
    kinds = settlements["kind"].astype(str).str.lower()
    closing = settlements[kinds.str.startswith("clos") & (settlements["period_start"] <= day)
                          & (settlements["period_end"] >= day)]
    closed = to_local(closing["created_at"].max()) if not closing.empty else None
    corrected = created(SettlementKind.CORRECTION.key(day.isoformat()))
    return DayState(dispatched=dispatched_at, settled=settled, metered=metered, closed=closed,
                    redispatched=corrected if corrected is not None else redispatch_file_at)


# --- alarms ---------------------------------------------------------------------------------------

#: Rank of a severity: critical 0, warning 1, info 2 (``market.safety.alarms.SEVERITIES`` is mildest first).
SEVERITY_RANK = {severity: rank for rank, severity in enumerate(reversed(SEVERITIES))}


def order_alarms(frame: pd.DataFrame) -> pd.DataFrame:
    """Alarms as the manager reads them: critical first, then warning, then info (unknown last);
    within a severity the open ones (not acknowledged) before the acknowledged, then by time."""
    if frame.empty:
        return frame.reset_index(drop=True)
    rank = frame["severity"].map(SEVERITY_RANK).fillna(len(SEVERITY_RANK))
    acknowledged = frame["acknowledged_by"].notna() if "acknowledged_by" in frame else False
    ordered = frame.assign(_rank=rank, _ack=acknowledged, _time=pd.to_datetime(frame["time"], utc=True))
    return (ordered.sort_values(["_rank", "_ack", "_time"], kind="stable")
            .drop(columns=["_rank", "_ack", "_time"]).reset_index(drop=True))


# --- TOU bands -------------------------------------------------------------------------------------

#: KEPCO band names in the tariff files, cheapest first.
TOU_BANDS = ("light", "mid", "peak")


def tou_spans(tariff, day: dt.date, timezone: str, step_hours: float = 1.0) -> pd.DataFrame:
    """The day's time-of-use bands as spans of hours: columns ``start_hour``, ``end_hour`` [h] and
    ``band`` (light/mid/peak); consecutive steps of one band are merged.

    ``tariff`` is a :class:`microgrid.tariffs.Tariff` (the version in force on ``day``); Saturdays bill
    peak hours as mid, Sundays and holidays are all light (:meth:`~microgrid.tariffs.Tariff.bands`).
    """
    steps = int(round(24 / step_hours))
    start = pd.Timestamp(day).tz_localize(timezone)
    index = pd.date_range(start, periods=steps, freq=pd.Timedelta(hours=step_hours))
    bands = list(tariff.bands(index))
    rows = []
    for position, band in enumerate(bands):
        hour = position * step_hours
        if rows and rows[-1]["band"] == band:
            rows[-1]["end_hour"] = hour + step_hours
        else:
            rows.append({"start_hour": hour, "end_hour": hour + step_hours, "band": str(band)})
    return pd.DataFrame(rows, columns=["start_hour", "end_hour", "band"])


# --- trades by product or by source ----------------------------------------------------------------


def trades_by_source(trades: pd.DataFrame, production: pd.DataFrame) -> pd.DataFrame:
    """Traded energy per step split by what the sellers produced [kWh].

    A trade's origin is its seller's production mix in that step (own generation by source kind plus
    storage discharge), the rule of :mod:`market.re100.attribution`. When the trades carry a
    ``product`` column (any / renewable), they are grouped by it instead.

    Parameters
    ----------
    trades : pandas.DataFrame
        time, seller, buyer, energy_kwh [kWh] (:func:`ui.data_access.trade_frame`).
    production : pandas.DataFrame
        time, seller, source, energy_kwh [kWh]: each seller's production by source kind in each step.

    Returns
    -------
    pandas.DataFrame
        time, source, energy_kwh [kWh]; per step the sources add up to the traded energy. A seller with
        no recorded production in a step counts as ``unknown``.
    """
    columns = ["time", "source", "energy_kwh"]
    if trades.empty:
        return pd.DataFrame(columns=columns)
    if "product" in trades:
        grouped = trades.groupby(["time", "product"], as_index=False)["energy_kwh"].sum()
        return grouped.rename(columns={"product": "source"})[columns]
    sold = trades.groupby(["time", "seller"], as_index=False)["energy_kwh"].sum()
    production = production.astype({"energy_kwh": float})
    mix = production[production["energy_kwh"] > 0]
    totals = mix.groupby(["time", "seller"])["energy_kwh"].transform("sum")
    mix = mix.assign(share=mix["energy_kwh"] / totals)[["time", "seller", "source", "share"]]
    joined = sold.merge(mix, on=["time", "seller"], how="left")
    joined["source"] = joined["source"].fillna("unknown")
    joined["share"] = joined["share"].astype(float).fillna(1.0)
    joined["energy_kwh"] = joined["energy_kwh"] * joined["share"]
    return joined.groupby(["time", "source"], as_index=False)["energy_kwh"].sum()[columns]


# --- peak demand against the ratchet -------------------------------------------------------------------


def peak_against_ratchet(day: dt.date, stats: pd.DataFrame, contract_power_kw: Mapping[str, float],
                         floor_fraction: Mapping[str, float],
                         billed_kw: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Each participant's peak demand of ``day`` against its billing-demand ratchet [kW].

    KEPCO's billing demand (:func:`market.settlement.kepco.billing_demand_kw`) is the highest
    mid/peak-hour demand of the current month and of the Dec-Feb and Jul-Sep months of the last 12,
    never below the floor share of contract power. The *ratchet* is that figure from the earlier
    months alone (what the tenant pays whatever it does this month); a day whose peak is above it
    raises the month's bill.

    Parameters
    ----------
    day : datetime.date
    stats : pandas.DataFrame
        The ledger's day statistics (participant, day, peak_demand_kw [kW]) of the 12 months up to ``day``.
    contract_power_kw, floor_fraction : mapping
        Per participant: contract power [kW] and the tariff's floor share [-].
    billed_kw : mapping, optional
        Per participant: the billing demand the ledger's basic-charge settlement of the month billed [kW].

    Returns
    -------
    pandas.DataFrame
        participant, day_peak_kw, month_peak_kw (settled days of the month up to ``day``), ratchet_kw,
        billing_demand_kw (with this month so far), billed_kw (ledger; NaN when not settled),
        headroom_kw (ratchet - day peak; negative: the day raised the billing demand), sets_new (bool).
    """
    month = str(pd.Period(day, freq="M"))
    frame = stats[pd.to_datetime(stats["day"]) <= pd.Timestamp(day)].copy()
    frame["month"] = [str(pd.Period(d, freq="M")) for d in frame["day"]]
    rows = []
    for participant, contract in contract_power_kw.items():
        own = frame[frame["participant"] == participant]
        monthly = own.groupby("month")["peak_demand_kw"].max().to_dict()
        today = own.loc[pd.to_datetime(own["day"]) == pd.Timestamp(day), "peak_demand_kw"]
        day_peak = float(today.max()) if not today.empty else np.nan
        earlier = {key: value for key, value in monthly.items() if key != month}
        ratchet = billing_demand_kw(earlier, month, contract, floor_fraction[participant])
        demand = billing_demand_kw(monthly, month, contract, floor_fraction[participant])
        billed = float(billed_kw[participant]) if billed_kw and participant in billed_kw else np.nan
        rows.append({"participant": participant, "day_peak_kw": day_peak,
                     "month_peak_kw": float(monthly.get(month, np.nan)), "ratchet_kw": ratchet,
                     "billing_demand_kw": demand, "billed_kw": billed, "headroom_kw": ratchet - day_peak,
                     "sets_new": bool(day_peak > ratchet + 1e-9)})
    columns = ["participant", "day_peak_kw", "month_peak_kw", "ratchet_kw", "billing_demand_kw", "billed_kw",
               "headroom_kw", "sets_new"]
    return pd.DataFrame(rows, columns=columns)


# --- re-dispatch corrections -------------------------------------------------------------------------

#: Correction items by the ledger's leg kind (the prefix of an entry's detail, ``kind:counterpart``).
CORRECTION_ITEMS = {"trade_purchase": "bill_trade_bought", "trade_sale": "bill_trade_sold",
                    "trade_fee": "bill_platform_fee", "imbalance_short": "bill_imbalance",
                    "imbalance_long": "bill_imbalance", "export_smp": "bill_export", "export_rec": "bill_export"}
KEPCO_ITEM = "bill_kepco_part"
OTHER_ITEM = "bill_other"


def corrections_by_participant(frame: pd.DataFrame) -> pd.DataFrame:
    """A re-dispatch correction per participant and item [KRW, ledger sign: + received, - paid].

    ``frame``: participant, detail (``<leg kind>:<counterpart>``), quantity_kwh, amount_krw
    (:meth:`ui.data_access.DataAccess.corrections`). Returns one row per participant with a column per
    item (i18n keys of :data:`CORRECTION_ITEMS`, KEPCO's charges together as ``bill_kepco_part``) and
    ``total_krw``, largest change first.
    """
    if frame.empty:
        return pd.DataFrame(columns=["participant", "total_krw"])
    kinds = frame["detail"].astype(str).str.split(":").str[0]
    items = [CORRECTION_ITEMS.get(kind, KEPCO_ITEM if kind.startswith("kepco") else OTHER_ITEM) for kind in kinds]
    table = frame.assign(item=items).pivot_table(index="participant", columns="item", values="amount_krw",
                                                 aggfunc="sum", fill_value=0)
    order = [item for item in dict.fromkeys([*CORRECTION_ITEMS.values(), KEPCO_ITEM, OTHER_ITEM]) if item in table]
    table = table[order]
    table["total_krw"] = table.sum(axis=1)
    table = table.reindex(table["total_krw"].abs().sort_values(ascending=False, kind="stable").index)
    return table.reset_index().rename_axis(columns=None)
