"""KEPCO bills checked against hand calculations."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from market.settlement import billing_demand_kw, energy_bill, settle_basic_charge, settle_day
from market.settlement.statement import monthly_statement
from market.settlement.config import default_rules
from microgrid.calendar import is_public_holiday
from microgrid.tariffs import load_tariff

from tests.market.settlement.helpers import TARIFF, hand_park, make_dataset


def test_billing_demand_rule_by_hand():
    peaks = {"2025-08": 800.0, "2025-12": 950.0, "2026-03": 1200.0, "2026-04": 700.0}
    # April 2026: window 2025-05..2026-04; counted: Aug 2025 (800), Dec 2025 (950), April itself (700);
    # March (1200) is neither Dec-Feb, Jul-Sep nor the current month. Floor 30 % x 3000 = 900.
    assert billing_demand_kw(peaks, "2026-04", 3000.0, 0.30) == 950.0
    # Floor 30 % x 4000 = 1200 is higher than every counted peak.
    assert billing_demand_kw(peaks, "2026-04", 4000.0, 0.30) == 1200.0
    # The current month always counts, whatever its season.
    assert billing_demand_kw(peaks, "2026-03", 1000.0, 0.30) == 1200.0
    # September 2026: window 2025-10..2026-09, so Aug 2025 has left the window; Dec 2025 (950) remains.
    assert billing_demand_kw({"2025-08": 1500.0, "2025-12": 950.0}, "2026-09", 1000.0, 0.30) == 950.0
    assert billing_demand_kw({}, "2026-09", 1000.0, 0.30) == 300.0


def test_one_month_kepco_bill_of_a_hand_built_tenant_matches_hand_calculation(ledger):
    """T01 draws 100 kWh every hour of July 2026 from KEPCO (summer season).

    July 2026: 22 weekdays, 4 Saturdays (4, 11, 18, 25), 4 Sundays (5, 12, 19, 26) and
    Constitution Day, Friday 17 July, a public holiday again from 2026 (the calendar says so).
    Weekday bands: light 22-08 (10 h), mid 08-15 and 21-22 (8 h), peak 15-21 (6 h);
    Saturday: peak billed as mid (light 10 h, mid 14 h); Sunday/holiday: 24 h light.
      light = 100 x (10 x 22 + 10 x 4 + 24 x 5) = 38,000 kWh x 116.0 = 4,408,000 KRW
      mid   = 100 x ( 8 x 22 + 14 x 4)          = 23,200 kWh x 163.8 = 3,800,160 KRW
      peak  = 100 x ( 6 x 22)                   = 13,200 kWh x 229.0 = 3,022,800 KRW
      total 74,400 kWh; energy charge 11,230,960 KRW
      climate-environment 74,400 x 9.0 = 669,600; fuel-cost 74,400 x 5.0 = 372,000
      electricity charge (energy + adders) = 12,272,560 KRW
      power-industry fund 2.7 % = 331,359.12; VAT 10 % = 1,227,256
    Basic charge: peak demand 100 kW, contract 1,000 kW -> billing demand = floor 300 kW
      300 x 8,320 = 2,496,000; fund 67,392; VAT 249,600.
    """
    assert is_public_holiday(dt.date(2026, 7, 17))
    assert not any(is_public_holiday(dt.date(2026, 7, d)) for d in range(1, 32) if d != 17)
    park = hand_park(("T01",), contract_kw=1000.0)
    time = pd.date_range("2026-07-01", "2026-07-31 23:00", freq="h", tz="Asia/Seoul")
    bill = energy_bill(load_tariff(TARIFF), time, np.full(len(time), 100.0))
    assert bill.kwh_by_band == {"light": 38_000.0, "mid": 23_200.0, "peak": 13_200.0}
    assert bill.energy_krw_by_band == pytest.approx({"light": 4_408_000.0, "mid": 3_800_160.0, "peak": 3_022_800.0})
    assert (bill.climate_krw, bill.fuel_krw) == pytest.approx((669_600.0, 372_000.0))
    assert bill.fund_krw == pytest.approx(331_359.12)
    assert bill.vat_krw == pytest.approx(1_227_256.0)

    for day in range(1, 32):
        settle_day(ledger, park, make_dataset(f"2026-07-{day:02d}", ["T01"], np.full((24, 1), 100.0)))
    settle_basic_charge(ledger, park, "2026-07")
    lines = monthly_statement(ledger, park, default_rules(), "T01", "2026-07").lines
    by = lines.groupby(["kind", "detail"])["amount_krw"].sum()
    assert by[("kepco_energy", "light")] == -4_408_000
    assert by[("kepco_energy", "mid")] == -3_800_160
    assert by[("kepco_energy", "peak")] == -3_022_800
    assert by[("kepco_climate", "")] == -669_600
    assert by[("kepco_fuel", "")] == -372_000
    # fund and VAT are rounded per day (half to even): at most 0.5 KRW per day off the monthly figure
    assert abs(by[("kepco_fund", "")] + 331_359.12) <= 31 * 0.5
    assert by[("kepco_vat", "")] == -1_227_256
    assert by[("kepco_basic", "300.0 kW")] == -2_496_000
    assert by[("kepco_fund", "basic")] == -67_392
    assert by[("kepco_vat", "basic")] == -249_600
    assert ledger.entries()["amount_krw"].sum() == 0
