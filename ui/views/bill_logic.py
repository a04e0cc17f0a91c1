"""A tenant's monthly bill laid out like KEPCO's, from its ledger entries (pure, no Streamlit).

Sign convention (one for the whole bill): **+ = the tenant pays, − = the tenant receives** [KRW].
The ledger records the tenant's cash account, where a payment is negative, so every bill amount
is ``-amount_krw`` of the ledger. The KEPCO part (요금적용전력 … 청구금액) covers only the legs of
kinds KEPCO bills; the park part covers everything else on the tenant's cash account (direct
trades, platform fees, imbalance, export, sunlight income, corrections, rounding). The net is the
sum of both and equals minus the sum of the tenant's ledger entries of the month, to the won.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from market.ledger.vocabulary import LegKind

BANDS = ("light", "mid", "peak")  # 경부하, 중간부하, 최대부하

#: Park items in display order: (label key, ledger kinds).
PARK_ITEMS = (
    ("bill_trade_bought", (LegKind.TRADE_PURCHASE,)),
    ("bill_trade_sold", (LegKind.TRADE_SALE,)),
    ("bill_platform_fee", (LegKind.TRADE_FEE,)),
    ("bill_export", (LegKind.EXPORT_SMP, LegKind.EXPORT_REC)),
    ("bill_imbalance", (LegKind.IMBALANCE_SHORT, LegKind.IMBALANCE_LONG)),
    ("bill_sunlight", (LegKind.INCOME_CONTRIBUTION, LegKind.INCOME_TENANT, LegKind.INCOME_WORKERS)),
    ("bill_correction", (LegKind.CORRECTION,)),
    ("bill_rounding", (LegKind.ROUNDING,)),
)
KEPCO_KINDS = {LegKind.KEPCO_BASIC, LegKind.KEPCO_ENERGY, LegKind.KEPCO_CLIMATE, LegKind.KEPCO_FUEL,
               LegKind.KEPCO_FUND, LegKind.KEPCO_VAT, LegKind.KEPCO_BILL}


@dataclass(frozen=True)
class BillRow:
    """One line of the bill: ``label`` (an i18n key), optional quantity and the amount [KRW, + = pays]."""

    section: str  # "kepco", "park" or "total"
    label: str
    amount_krw: int | None
    quantity: float | None = None
    unit: str = ""  # "kW" or "kWh"
    band: str = ""


@dataclass(frozen=True)
class MonthlyBill:
    """The rows, the KEPCO total (청구금액), the park items' total and the net, all [KRW, + = pays]."""

    rows: list[BillRow]
    billed_demand_kw: float | None
    kwh_by_band: dict[str, float]
    kepco_total_krw: int
    park_total_krw: int
    net_krw: int


def _pays(frame: pd.DataFrame) -> int:
    return int(-frame["amount_krw"].sum()) if len(frame) else 0


def billed_demand_kw(entries: pd.DataFrame) -> float | None:
    """요금적용전력 [kW] from the basic-charge leg's detail (``"286.1 kW"``); None without one."""
    basic = entries[entries["kind"] == LegKind.KEPCO_BASIC]
    for detail in basic["detail"].dropna():
        found = re.match(r"\s*([0-9.]+)\s*kW", str(detail))
        if found:
            return float(found.group(1))
    return None


def monthly_bill(entries: pd.DataFrame) -> MonthlyBill:
    """The bill of one tenant and month from its cash-account ledger ``entries``.

    Parameters
    ----------
    entries : DataFrame
        Ledger entries (columns ``kind``, ``detail``, ``quantity_kwh`` [kWh], ``amount_krw``
        [KRW, ledger sign: negative = paid]) of one participant's cash account and one month.

    Returns
    -------
    MonthlyBill
        Rows in KEPCO's order, then the park's items; amounts whole won, + = the tenant pays.
    """
    kind = entries["kind"].astype(str)
    detail = entries["detail"].fillna("").astype(str)
    rows: list[BillRow] = []
    demand = billed_demand_kw(entries)
    basic = entries[kind == LegKind.KEPCO_BASIC]
    rows.append(BillRow("kepco", "bill_billed_demand", None, demand, "kW"))
    rows.append(BillRow("kepco", "bill_basic", _pays(basic)))
    kwh_by_band = {}
    for band in BANDS:
        legs = entries[(kind == LegKind.KEPCO_ENERGY) & (detail == band)]
        kwh_by_band[band] = float(legs["quantity_kwh"].fillna(0).sum())
        rows.append(BillRow("kepco", f"bill_energy_{band}", _pays(legs), round(kwh_by_band[band], 1), "kWh", band))
    other_energy = entries[(kind == LegKind.KEPCO_ENERGY) & ~detail.isin(BANDS)]
    if len(other_energy):
        rows.append(BillRow("kepco", "bill_energy_other", _pays(other_energy),
                            round(float(other_energy["quantity_kwh"].fillna(0).sum()), 1), "kWh"))
    for label, leg in (("bill_climate", LegKind.KEPCO_CLIMATE), ("bill_fuel", LegKind.KEPCO_FUEL),
                       ("bill_fund", LegKind.KEPCO_FUND), ("bill_vat", LegKind.KEPCO_VAT),
                       ("bill_kepco_other", LegKind.KEPCO_BILL)):
        legs = entries[kind == leg]
        if len(legs) or label != "bill_kepco_other":
            quantity = round(float(legs["quantity_kwh"].fillna(0).sum()), 1) if leg in (
                LegKind.KEPCO_CLIMATE, LegKind.KEPCO_FUEL) else None
            rows.append(BillRow("kepco", label, _pays(legs), quantity, "kWh" if quantity is not None else ""))
    kepco_total = _pays(entries[kind.isin(KEPCO_KINDS)])
    rows.append(BillRow("total", "bill_kepco_total", kepco_total))
    park_kinds = set()
    for label, kinds in PARK_ITEMS:
        park_kinds.update(kinds)
        legs = entries[kind.isin(kinds)]
        quantity = None
        if label in ("bill_trade_bought", "bill_trade_sold"):
            quantity = round(float(legs["quantity_kwh"].fillna(0).sum()), 1)
        if len(legs) or label in ("bill_trade_bought", "bill_trade_sold", "bill_platform_fee"):
            rows.append(BillRow("park", label, _pays(legs), quantity, "kWh" if quantity is not None else ""))
    unknown = entries[~kind.isin(KEPCO_KINDS | park_kinds)]
    if len(unknown):  # a kind added to the vocabulary later still reaches the net
        rows.append(BillRow("park", "bill_other", _pays(unknown)))
    park_total = _pays(entries[~kind.isin(KEPCO_KINDS)])
    rows.append(BillRow("total", "bill_park_total", park_total))
    net = _pays(entries)
    rows.append(BillRow("total", "bill_net", net))
    return MonthlyBill(rows, demand, kwh_by_band, kepco_total, park_total, net)


def month_entries(entries: pd.DataFrame, account: str, month: str) -> pd.DataFrame:
    """The entries of ``account`` whose day falls in ``month`` (``YYYY-MM``)."""
    days = pd.to_datetime(entries["day"]).dt.strftime("%Y-%m")
    return entries[(entries["account"] == account) & (days == month)].reset_index(drop=True)
