"""Schedule against metered energy: imbalance quantities and prices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from market.settlement import day_legs, read_metered
from market.settlement.metered import metered_from_frame
from microgrid.errors import EngineInputError

from tests.market.settlement.helpers import hand_park, make_dataset

H = 24


def _schedule():
    trade = np.zeros((H, 1, 2))
    trade[:, 0, 1] = 10.0
    load = np.column_stack([np.zeros(H), np.full(H, 30.0)])
    return make_dataset("2026-07-01", ["S", "B"], load, assets=[("PV-S", "S", True, np.full(H, 10.0))],
                        sellers=["S"], trade=trade, grid_import=np.column_stack([np.zeros(H), np.full(H, 20.0)]),
                        sold=np.column_stack([np.full(H, 10.0), np.zeros(H)]),
                        bought=np.column_stack([np.zeros(H), np.full(H, 10.0)]))


def _legs(frame):
    park = hand_park(("S", "B"))
    dataset = _schedule()
    legs = day_legs(park, dataset, metered=metered_from_frame(frame, dataset)).legs
    return dataset, {(leg.account, leg.kind): leg for leg in legs}


def test_short_seller_pays_its_buyers_grid_price_and_long_buyer_sells_at_export_price():
    frame = pd.DataFrame({
        "timestamp": ["2026-07-01T12:00:00+09:00", "2026-07-01T13:00:00"],
        "participant": ["S", "B"], "asset": ["PV-S", ""], "energy_kwh": [4.0, 25.0],
    })
    dataset, legs = _legs(frame)
    noon = dataset["import_price"].sel(participant="B").values[12]
    short = legs[("participant:S:cash", "imbalance_short")]
    assert short.quantity_kwh == pytest.approx(6.0)
    assert short.amount == pytest.approx(-6.0 * noon)
    assert legs[("park:kepco", "imbalance_short")].amount == pytest.approx(6.0 * noon)
    long = legs[("participant:B:cash", "imbalance_long")]
    assert long.quantity_kwh == pytest.approx(5.0)
    assert long.amount == pytest.approx(5.0 * 120.0)
    assert ("participant:B:cash", "imbalance_short") not in legs


def test_buyer_taking_more_buys_from_the_grid_at_its_own_price():
    frame = pd.DataFrame({"timestamp": ["2026-07-01T16:00:00+09:00"], "participant": ["B"], "asset": [""],
                          "energy_kwh": [32.5]})
    dataset, legs = _legs(frame)
    price = dataset["import_price"].sel(participant="B").values[16]
    assert legs[("participant:B:cash", "imbalance_short")].amount == pytest.approx(-2.5 * price)


def test_metered_equal_to_schedule_settles_no_imbalance():
    frame = pd.DataFrame({"timestamp": ["2026-07-01T05:00:00+09:00"], "participant": ["B"], "asset": [""],
                          "energy_kwh": [30.0]})
    _, legs = _legs(frame)
    assert not any(kind.startswith("imbalance") for _, kind in legs)


@pytest.mark.parametrize("line, message", [
    ("2026-07-02T00:00:00+09:00,B,,1.0", "not an interval start"),
    ("2026-07-01T00:00:00+09:00,X,,1.0", "unknown participant"),
    ("2026-07-01T00:00:00+09:00,B,PV-S,1.0", "belongs to"),
    ("2026-07-01T00:00:00+09:00,B,,-1", "finite energy"),
    ("yesterday,B,,1", "ISO 8601"),
])
def test_bad_metered_rows_are_one_line_errors(tmp_path, line, message):
    path = tmp_path / "metered.csv"
    path.write_text("timestamp,participant,asset,energy_kwh\n" + line + "\n", encoding="utf-8")
    with pytest.raises(EngineInputError, match=message):
        read_metered(path, _schedule())


def test_implausible_reading_is_refused_naming_the_line_and_limit(tmp_path):
    # 500 kW contract, 1 h steps: at most 10 x 500 x 1 = 5,000 kWh; 1e7 kWh is a meter fault, not load.
    path = tmp_path / "metered.csv"
    path.write_text("timestamp,participant,asset,energy_kwh\n"
                    "2026-07-01T00:00:00+09:00,B,,30\n"
                    "2026-07-01T01:00:00+09:00,B,,1e7\n", encoding="utf-8")
    with pytest.raises(EngineInputError, match=r"line 3: energy_kwh = .*implausible.*at most 5000 kWh") as caught:
        read_metered(path, _schedule(), {"S": 500.0, "B": 500.0})
    assert "\n" not in str(caught.value)


def test_reading_at_the_plausibility_limit_is_accepted_and_used():
    frame = pd.DataFrame({"timestamp": ["2026-07-01T01:00:00+09:00"], "participant": ["B"], "asset": [""],
                          "energy_kwh": [5000.0]})
    metered = metered_from_frame(frame, _schedule(), contract_power_kw={"B": 500.0})
    assert float(metered.load.sel(participant="B").values[1]) == 5000.0
    # one kWh above the limit is refused
    frame.loc[0, "energy_kwh"] = 5001.0
    with pytest.raises(EngineInputError, match="implausible"):
        metered_from_frame(frame, _schedule(), contract_power_kw={"B": 500.0})
