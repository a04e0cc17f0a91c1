"""RE100 and Scope-2 figures per participant, for a month and the year to date.

From the settled days' statistics (``ledger_day_stats``), which hold the
hourly origin attribution of :mod:`market.re100.attribution` summed per day:

* renewable share by source: own PV/wind, storage pass-through, purchases;
  waste-heat (ORC) power is in the denominator only;
* annual match = min(sum G, sum L) / sum L;
* hourly match (EnergyTag CFE score) = sum_h min(G_h, L_h) / sum L;
* gap to the target share: target x sum L - min(sum G, sum L) [kWh], with the
  number of RECs (1 REC = 1 MWh, rounded up) and the cost of closing the gap
  with RECs or green premium [KRW];
* Scope 2, location-based: grid import x grid factor; market-based:
  unclaimed consumption (sum L - min(sum G, sum L)) x residual-mix factor
  (the grid factor, as Korea publishes no residual mix) [tCO2eq].
  Power from the park's own network (PV, wind, ORC) carries no grid factor
  in the location-based figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from market.ledger import Ledger
from market.settlement.config import SettlementRules
from market.settlement.monthly import parse_month

COLUMNS = ["participant", "period", "load_kwh", "renewable_own_kwh", "renewable_storage_kwh",
           "renewable_bought_kwh", "nonrenewable_onsite_kwh", "grid_import_kwh", "share_own", "share_storage",
           "share_bought", "annual_match", "hourly_match", "target", "gap_kwh", "recs_needed", "rec_cost_krw",
           "green_premium_cost_krw", "location_tco2eq", "market_tco2eq"]


@dataclass(frozen=True)
class Re100Report:
    """RE100 figures: one row per participant and period (``month`` or ``ytd``), columns ``COLUMNS``."""

    month: str
    table: pd.DataFrame

    def row(self, participant: str, period: str = "month") -> pd.Series:
        match = self.table[(self.table.participant == participant) & (self.table.period == period)]
        if match.empty:
            raise KeyError((participant, period))
        return match.iloc[0]


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else 0.0


def _figures(participant: str, period: str, stats: pd.DataFrame, rules: SettlementRules) -> dict:
    load = float(stats["load_kwh"].sum())
    claimed = float(stats["renewable_claimed_kwh"].sum())
    matched_annual = min(claimed, load)
    target = rules.target(participant)
    gap = max(target * load - matched_annual, 0.0)
    return {
        "participant": participant, "period": period, "load_kwh": load,
        "renewable_own_kwh": float(stats["renewable_own_kwh"].sum()),
        "renewable_storage_kwh": float(stats["renewable_storage_kwh"].sum()),
        "renewable_bought_kwh": float(stats["renewable_bought_kwh"].sum()),
        "nonrenewable_onsite_kwh": float(stats["nonrenewable_onsite_kwh"].sum()),
        "grid_import_kwh": float(stats["grid_import_kwh"].sum()),
        "share_own": min(_ratio(float(stats["renewable_own_kwh"].sum()), load), 1.0),
        "share_storage": min(_ratio(float(stats["renewable_storage_kwh"].sum()), load), 1.0),
        "share_bought": min(_ratio(float(stats["renewable_bought_kwh"].sum()), load), 1.0),
        "annual_match": _ratio(matched_annual, load),
        "hourly_match": min(_ratio(float(stats["hourly_matched_kwh"].sum()), load), 1.0),
        "target": target, "gap_kwh": gap, "recs_needed": math.ceil(gap / 1000.0 - 1e-9) if gap > 0 else 0,
        "rec_cost_krw": gap * rules.rec_price_krw_per_kwh,
        "green_premium_cost_krw": gap * rules.green_premium_krw_per_kwh,
        "location_tco2eq": float(stats["grid_import_kwh"].sum()) / 1000.0 * rules.grid_tco2eq_per_mwh,
        "market_tco2eq": (load - matched_annual) / 1000.0 * rules.residual_mix_tco2eq_per_mwh,
    }


def re100_report(ledger: Ledger, rules: SettlementRules, month: str,
                 participants: list[str] | None = None) -> Re100Report:
    """RE100 and Scope-2 figures of ``month`` and of the year to its end."""
    period = parse_month(month)
    ytd = ledger.day_stats(pd.Period(f"{period.year}-01", freq="M").start_time.date(), period.end_time.date())
    rows = []
    names = participants if participants is not None else sorted(set(ytd["participant"])) if not ytd.empty else []
    for name in names:
        own = ytd[ytd["participant"] == name] if not ytd.empty else ytd
        in_month = own[[pd.Timestamp(day).to_period("M") == period for day in own["day"]]] if not own.empty else own
        for label, frame in (("month", in_month), ("ytd", own)):
            rows.append(_figures(name, label, frame if not frame.empty else _empty(), rules))
    return Re100Report(month, pd.DataFrame(rows, columns=COLUMNS))


def _empty() -> pd.DataFrame:
    columns = ["load_kwh", "renewable_claimed_kwh", "renewable_own_kwh", "renewable_storage_kwh",
               "renewable_bought_kwh", "nonrenewable_onsite_kwh", "grid_import_kwh", "hourly_matched_kwh"]
    return pd.DataFrame({column: pd.Series(dtype=float) for column in columns})
