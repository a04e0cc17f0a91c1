"""A participant's KEPCO bill: energy by band, adders, fund, VAT, basic charge.

Bill structure (KEPCO 산업용(을), rates from the tariff data file):

* energy charge = sum over intervals of import [kWh] x band rate [KRW/kWh]
  (band by season, hour, Saturday and Sunday/holiday rules of the tariff);
* climate-environment and fuel-cost adjustment adders [KRW/kWh] on every kWh;
* electricity charge = basic + energy + adders;
* power-industry fund = fund rate x electricity charge;
* VAT = VAT rate x electricity charge (the fund carries no VAT).

KEPCO truncates fund and VAT below 10 KRW on the monthly bill; the ledger
instead rounds each entry half to even and books the remainder to
``park:rounding`` (see :mod:`market.ledger.money`), a difference of a few KRW.
Amounts here are exact floats [KRW].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from microgrid.tariffs import BANDS, Tariff

#: Months whose peak demand counts toward billing demand besides the current month.
BILLING_DEMAND_MONTHS = (12, 1, 2, 7, 8, 9)


@dataclass(frozen=True)
class EnergyBill:
    """Energy part of a KEPCO bill.

    Attributes
    ----------
    kwh_by_band : dict
        Band -> imported energy [kWh].
    energy_krw_by_band : dict
        Band -> energy charge [KRW].
    climate_krw, fuel_krw : float
        Climate-environment and fuel-cost adders [KRW].
    fund_krw, vat_krw : float
        Power-industry fund and VAT on energy + adders [KRW].
    """

    kwh_by_band: dict[str, float]
    energy_krw_by_band: dict[str, float]
    climate_krw: float
    fuel_krw: float
    fund_krw: float
    vat_krw: float

    @property
    def kwh(self) -> float:
        """Imported energy [kWh]."""
        return sum(self.kwh_by_band.values())

    @property
    def charge_krw(self) -> float:
        """Energy charge plus adders, before fund and VAT [KRW]."""
        return sum(self.energy_krw_by_band.values()) + self.climate_krw + self.fuel_krw

    @property
    def total_krw(self) -> float:
        """Whole energy bill incl. fund and VAT [KRW]."""
        return self.charge_krw + self.fund_krw + self.vat_krw


def energy_bill(tariff: Tariff, time: pd.DatetimeIndex, import_kwh: np.ndarray, *,
                bands: np.ndarray | None = None, rates: np.ndarray | None = None) -> EnergyBill:
    """KEPCO energy bill of imports ``import_kwh`` [kWh per interval] at interval starts ``time``.

    ``bands`` and ``rates`` (``tariff.bands(time)`` and ``tariff.energy_rate(time)``
    [KRW/kWh]) may be given when known, to bill many participants on one tariff.
    """
    import_kwh = np.asarray(import_kwh, dtype=float)
    bands = tariff.bands(time) if bands is None else bands
    rates = tariff.energy_rate(time) if rates is None else rates
    kwh_by_band = {band: float(import_kwh[bands == band].sum()) for band in BANDS}
    krw_by_band = {band: float((import_kwh * rates)[bands == band].sum()) for band in BANDS}
    total_kwh = float(import_kwh.sum())
    climate = total_kwh * tariff.climate_environment_krw_per_kwh
    fuel = total_kwh * tariff.fuel_cost_adjustment_krw_per_kwh
    charge = sum(krw_by_band.values()) + climate + fuel
    return EnergyBill(kwh_by_band, krw_by_band, climate, fuel, charge * tariff.power_industry_fund_rate,
                      charge * tariff.vat_rate)


def peak_demand_kw(tariff: Tariff, time: pd.DatetimeIndex, import_kwh: np.ndarray, step_hours: float, *,
                   applies: np.ndarray | None = None) -> float:
    """Highest average import power in mid/peak intervals [kW].

    With hourly steps this is the hourly average, a lower bound of KEPCO's
    15-minute demand (approximation; 15-minute data give the exact figure).
    ``applies`` (``tariff.demand_charge_applies(time)``) may be given when known.
    """
    applies = tariff.demand_charge_applies(time) if applies is None else applies
    values = np.asarray(import_kwh, dtype=float)[applies]
    return float(values.max() / step_hours) if len(values) else 0.0


def billing_demand_kw(monthly_peak_kw: Mapping[str, float], month: str, contract_power_kw: float,
                      floor_fraction: float, set_before_kw: float | None = None) -> float:
    """Billing demand of ``month`` under KEPCO's 12-month rule [kW].

    The highest monthly peak demand (mid/peak hours) among the months of the
    12-month window ending with ``month`` that are December-February or
    July-September, and ``month`` itself; never below ``floor_fraction`` of
    the contract power. The one rule of billing demand: settlement bills the
    month's basic charge on it (:mod:`market.settlement.monthly`) and the
    dispatch takes it, on the days settled so far, as the floor above which a
    new peak costs (:func:`demand_charge_krw_per_kw`).

    Parameters
    ----------
    monthly_peak_kw : mapping
        ``"YYYY-MM"`` -> that month's peak demand in mid/peak hours [kW];
        months missing count as 0.
    month : str
        ``"YYYY-MM"``.
    contract_power_kw : float
        Contract power [kW].
    floor_fraction : float
        Floor as a share of contract power [-] (0.30 for 산업용(을)).
    set_before_kw : float, optional
        Billing demand already set before the records begin (the park file's
        ``billing_demand_kw``, from the participant's last KEPCO bill) [kW].
        It counts while the records do not reach back to the window's first
        month (``month`` - 11): a peak older than the records may still be in
        the window, and the park file does not say when it was set.

    Returns
    -------
    float
        Billing demand [kW].
    """
    current = pd.Period(month, freq="M")
    candidates = [float(monthly_peak_kw.get(str(current), 0.0))]
    for back in range(1, 12):
        period = current - back
        if period.month in BILLING_DEMAND_MONTHS:
            candidates.append(float(monthly_peak_kw.get(str(period), 0.0)))
    if set_before_kw is not None:
        recorded = [pd.Period(key, freq="M") for key in monthly_peak_kw]
        if not recorded or min(recorded) > current - 11:
            candidates.append(float(set_before_kw))
    return max(max(candidates), floor_fraction * contract_power_kw)


def months_billed(month: str) -> int:
    """Months whose basic charge a peak set in ``month`` raises, at most [months].

    A peak in a billing-demand month (December-February, July-September:
    :data:`BILLING_DEMAND_MONTHS`) counts for its own month and the next 11
    (:func:`billing_demand_kw`); a peak in another month only for that month.
    """
    return 12 if pd.Period(month, freq="M").month in BILLING_DEMAND_MONTHS else 1


def demand_charge_krw_per_kw(tariff: Tariff, month: str) -> float:
    """What one kW of peak demand above the billing demand already set costs [KRW/kW].

    ``basic charge [KRW/kW-month] x (1 + power-industry fund) x``
    :func:`months_billed` ``(month)``: the increase raises the billing demand
    of every month it will be billed in (12 for a peak in July-September or
    December-February, 1 otherwise). This is an upper bound: a higher peak
    later in the window would supersede it for the months after, which a
    day-ahead plan cannot know. VAT is left out, as in the energy price
    (recoverable input tax for a business). A peak at or under the billing
    demand already set costs nothing: the bill does not change.
    """
    return tariff.basic_charge_krw_per_kw_month * (1 + tariff.power_industry_fund_rate) * months_billed(month)


@dataclass(frozen=True)
class BasicBill:
    """Monthly basic charge [KRW] on billing demand [kW], with its fund and VAT."""

    billing_demand_kw: float
    basic_krw: float
    fund_krw: float
    vat_krw: float

    @property
    def total_krw(self) -> float:
        return self.basic_krw + self.fund_krw + self.vat_krw


def basic_bill(tariff: Tariff, billing_demand: float) -> BasicBill:
    """Basic charge of one month for ``billing_demand`` [kW]."""
    basic = billing_demand * tariff.basic_charge_krw_per_kw_month
    return BasicBill(billing_demand, basic, basic * tariff.power_industry_fund_rate, basic * tariff.vat_rate)


def rec_price_on_export(rec_price_krw_per_kwh: float, rec_retained_on_export: bool, holds_recs: bool) -> float:
    """REC value an exporter earns per kWh of REC-eligible export [KRW/kWh]: the one export-price rule.

    The seller earns the REC only where it holds the certificates of its
    generation (the park file's ``participants[].holds_recs``) and the park's
    rules sell them with the export (``[settlement] rec_retained_on_export =
    false``, the default); otherwise an export earns SMP alone. The dispatch
    values exports with it (:mod:`market.dispatch.components.export_rec`)
    and settlement pays with it (:mod:`market.settlement.day`), so what the
    LP counts on and what the seller is paid are the same.
    """
    return float(rec_price_krw_per_kwh) if holds_recs and not rec_retained_on_export else 0.0


def rec_eligible_kwh(grid_export_kwh: np.ndarray, renewable_generation_kwh: np.ndarray,
                     renewable_surplus_kwh: np.ndarray) -> np.ndarray:
    """Export that carries a REC, per step [kWh]: ``min(export, renewable generation, renewable surplus)``.

    The renewable surplus is the exporter's available PV and wind less its own
    load in the step (never below 0; from the day-ahead plan's figures): a
    certificate is sold only for renewable energy its own load could not use,
    so exporting PV while importing for its own load, or while buying from the
    pool, earns no REC on the energy that was in effect consumed (one meter
    nets), and storage discharge or ORC output exported beyond the PV
    generated earns none either (neither is renewable). A pure PV or wind
    seller exporting its surplus gets the REC on the whole export. The
    expression is a minimum of linear terms, so the dispatch LP represents it
    exactly (:mod:`market.dispatch.components.export_rec`: a variable bounded
    by each term and paid the REC value equals it at the optimum).

    Parameters
    ----------
    grid_export_kwh, renewable_generation_kwh, renewable_surplus_kwh : numpy.ndarray
        Same shape, [kWh per step].
    """
    surplus = np.maximum(np.asarray(renewable_surplus_kwh, dtype=float), 0.0)
    return np.minimum(np.minimum(np.asarray(grid_export_kwh, dtype=float),
                                 np.asarray(renewable_generation_kwh, dtype=float)), surplus)
