"""One export price: what the LP values an export at is what settlement pays for it.

An export earns SMP, plus the REC value (73 KRW/kWh, microgrid/data/settlement/rec_price.toml) on
min(export, PV generated, PV available less own load) where the seller holds the certificates and
the park sells them with the export. Hand figures: SMP on 2026-07-01 = 123.0 (July mean) x the hour
shape of smp_2025.toml; 10:00 and 11:00 are mid hours (import 182.60 KRW/kWh < SMP + REC).
"""

from __future__ import annotations

import tomllib
from importlib import resources

import numpy as np
import pytest

from market.dispatch import run_dispatch
from market.ledger.vocabulary import LegKind
from market.settlement import day_legs
from market.settlement.accounts import cash
from tests.market.dispatch.small_parks import TARIFF, make_inputs, make_park

REC = 73.0
SMP_JULY = 123.0


def _figures():
    data = resources.files("microgrid.data")
    rec = tomllib.loads(data.joinpath("settlement", "rec_price.toml").read_text(encoding="utf-8"))
    smp = tomllib.loads(data.joinpath("prices", "smp_2025.toml").read_text(encoding="utf-8"))
    assert rec["rec_price_krw_per_kwh"] == REC and smp["monthly_mean_krw_per_kwh"][6] == SMP_JULY
    return np.array([SMP_JULY * smp["hourly_shape"][10], SMP_JULY * smp["hourly_shape"][11]])


def _seller_day(*, holds_recs=True, retained=False, load=0.0):
    seller = {"name": "S", "feeder": "F1", "contract_power_kw": 300.0, "tariff": TARIFF, "holds_recs": holds_recs}
    park = make_park([seller], [{"name": "PV", "kind": "pv", "owner": "S", "feeder": "F1", "dc_capacity_kw": 2000.0}])
    park = park.model_copy(update={"settlement": park.settlement.model_copy(update={"rec_retained_on_export": retained})})
    inputs = make_inputs("2026-07-01 10:00", 2, available={"PV": 100.0}, load={"S": load})
    return park, run_dispatch(park, inputs)


def _paid_per_kwh(park, dataset) -> tuple[float, float]:
    """Settlement's export payment to S [KRW] and the kWh exported."""
    legs = [leg for leg in day_legs(park, dataset).legs if leg.account == cash("S")
            and leg.kind in (LegKind.EXPORT_SMP, LegKind.EXPORT_REC)]
    exported = float(dataset["grid_export"].sel(participant="S").sum())
    return sum(leg.amount for leg in legs), exported


@pytest.mark.parametrize("holds_recs, retained, rec", [(True, False, REC), (False, False, 0.0), (True, True, 0.0)],
                         ids=["holder", "no-certificates", "park-retains"])
def test_the_lp_values_an_export_at_what_settlement_pays(holds_recs, retained, rec):
    """No load, no buyer: all 200 kWh are exported; the objective is minus the export's value."""
    smp = _figures()
    park, result = _seller_day(holds_recs=holds_recs, retained=retained)
    ds = result.dataset
    np.testing.assert_allclose(ds["grid_export"].sel(participant="S").values, [100.0, 100.0], atol=1e-6)
    lp_value = -ds.attrs["objective_krw"] / 200.0
    paid, exported = _paid_per_kwh(park, ds)
    assert exported == pytest.approx(200.0)
    hand = float((100.0 * (smp + rec)).sum()) / 200.0
    assert lp_value == pytest.approx(hand, rel=1e-9)
    assert paid / exported == pytest.approx(lp_value, rel=1e-9)


def test_a_holder_does_not_export_its_own_load_for_the_rec():
    """PV 100, own load 60 per hour: SMP + REC (about 194) beats the 182.60 import price, but only the
    40 kWh of surplus carry a REC; exporting the other 60 and importing them would earn SMP alone,
    so the holder uses them itself. The LP's value of the export equals what settlement pays."""
    smp = _figures()
    park, result = _seller_day(load=60.0)
    ds = result.dataset
    np.testing.assert_allclose(ds["grid_export"].sel(participant="S").values, [40.0, 40.0], atol=1e-6)
    np.testing.assert_allclose(ds["grid_import"].sel(participant="S").values, [0.0, 0.0], atol=1e-6)
    paid, exported = _paid_per_kwh(park, ds)
    assert paid == pytest.approx(float((40.0 * (smp + REC)).sum()), rel=1e-9)
    assert -ds.attrs["objective_krw"] == pytest.approx(paid, rel=1e-9)  # no import, no other cost
