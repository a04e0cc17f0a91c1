"""Sparse trades settle to the same money as the dense pro-rata matrix, on a real dispatch file.

The dispatch file is written by ``microgrid dispatch`` (the real producer). The dense
reference is computed here by hand, independently of the engine's allocation and pricing
code: the pro-rata split of each hour's pool from the file's ``sold`` and ``bought``, the
pricing rule's formula from the file's prices, and the legs a dense settlement makes (one
per seller and buyer: energy and money summed over the day). Settlement of the sparse file
(:func:`market.settlement.day.day_legs`) must agree to 1e-9.
"""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from market.dispatch.io import read_dispatch
from market.dispatch.trades import trade_matrix, trade_price_matrix
from market.ledger.vocabulary import LegKind
from market.settlement import accounts
from market.settlement.day import day_legs
from microgrid.park import read_park

DAY = "2026-07-01"
#: The engine drops pairs below this energy as solver round-off (README, the result Dataset) [kWh].
ROUND_OFF_KWH = 1e-7


@pytest.fixture(scope="module", params=["shared_savings", "marginal"])
def dispatched(request, tmp_path_factory):
    from ui.cli import app

    out = tmp_path_factory.mktemp(f"dispatch-{request.param}")
    result = CliRunner().invoke(app, ["dispatch", "--date", DAY, "--out", str(out), "--pricing-rule", request.param])
    assert result.exit_code == 0, result.output
    return request.param, read_dispatch(out / f"dispatch-{DAY}.nc")


def _dense_reference(ds, rule: str, park) -> tuple[np.ndarray, np.ndarray]:
    """Pro-rata trade [kWh] and price [KRW/kWh] as (time, seller, buyer), by hand from the file."""
    participants = [str(p) for p in ds["participant"].values]
    sellers = [participants.index(str(s)) for s in ds["seller"].values]
    sold, bought = ds["sold"].values, ds["bought"].values
    steps, count = bought.shape
    trade = np.zeros((steps, len(sellers), count))
    price = np.zeros((steps, len(sellers), count))
    export = ds["export_price"].values
    import_price = ds["import_price"].values
    clearing = ds["clearing_price"].values
    feeders = [str(f) for f in ds["feeder"].values]
    feeder_of = [feeders.index(str(f)) for f in ds["participant_feeder"].values]
    fee, share = park.market.trade_fee_krw_per_kwh, park.market.seller_share
    for t in range(steps):
        pool = bought[t].sum()
        for i, s in enumerate(sellers):
            for b in range(count):
                kwh = sold[t, s] * bought[t, b] / pool if pool > 0 else 0.0
                trade[t, i, b] = kwh if kwh >= ROUND_OFF_KWH else 0.0
                ceiling = max(import_price[t, b] - fee, export[t])
                if rule == "shared_savings":
                    price[t, i, b] = export[t] + share * (ceiling - export[t])
                else:
                    price[t, i, b] = min(max(clearing[t, feeder_of[s]], export[t]), ceiling)
    return trade, price


def test_sparse_file_rebuilds_the_hand_made_dense_matrix(dispatched):
    rule, ds = dispatched
    park = read_park()
    trade, price = _dense_reference(ds, rule, park)
    assert ds["trade"].dims == ("trade_pair",) and 0 < ds.sizes["trade_pair"] < trade.size
    assert (trade > 0).sum() == ds.sizes["trade_pair"]  # exactly the pairs that trade are stored
    np.testing.assert_allclose(trade_matrix(ds).values, trade, rtol=1e-9, atol=1e-9)
    read_price = trade_price_matrix(ds).values
    traded = trade > 0
    np.testing.assert_allclose(read_price[traded], price[traded], rtol=1e-9)
    assert np.isnan(read_price[~traded]).all()


def test_settlement_of_sparse_pairs_equals_the_dense_reference_to_1e_9(dispatched):
    rule, ds = dispatched
    park = read_park()
    trade, price = _dense_reference(ds, rule, park)
    participants = [str(p) for p in ds["participant"].values]
    sellers = [str(s) for s in ds["seller"].values]
    fee = park.market.trade_fee_krw_per_kwh
    energy, paid = trade.sum(axis=0), (trade * price).sum(axis=0)
    expected_sales = {(sellers[s], participants[b]): (paid[s, b], energy[s, b]) for s, b in zip(*np.nonzero(energy))}
    legs = day_legs(park, ds).legs
    sales = {(leg.account.split(":")[1], leg.detail): (leg.amount, leg.quantity_kwh) for leg in legs
             if leg.kind == LegKind.TRADE_SALE}
    purchases = {(leg.detail, leg.account.split(":")[1]): (-leg.amount, leg.quantity_kwh) for leg in legs
                 if leg.kind == LegKind.TRADE_PURCHASE}
    assert len(expected_sales) > 100 and set(sales) == set(expected_sales) == set(purchases)
    for pair, (amount, kwh) in expected_sales.items():
        assert sales[pair][0] == pytest.approx(amount, rel=1e-9, abs=1e-9), pair
        assert sales[pair][1] == pytest.approx(kwh, rel=1e-9, abs=1e-9), pair
        assert purchases[pair] == pytest.approx((amount, kwh), rel=1e-9, abs=1e-9), pair
    fees = sum(leg.amount for leg in legs if leg.kind == LegKind.TRADE_FEE and leg.account == accounts.OPERATOR_FEES)
    assert fees == pytest.approx(fee * trade.sum(), rel=1e-9)
    # each participant's energy cost in the file: grid bill - export + purchases with fee - sales + fuel
    paid_by_buyer = (trade * (price + fee)).sum(axis=1)
    earned = np.zeros_like(paid_by_buyer)
    earned[:, [participants.index(s) for s in sellers]] = (trade * price).sum(axis=2)
    cost = (ds["grid_import"].values * ds["import_price"].values
            - ds["grid_export"].values * ds["export_price"].values[:, None]
            + paid_by_buyer - earned + ds["generation_cost"].values)
    np.testing.assert_allclose(ds["energy_cost"].values, cost, rtol=1e-9, atol=1e-6)


def test_a_file_with_the_old_dense_matrix_is_refused_in_one_line(dispatched):
    from market.settlement.day import check_dataset
    from microgrid.errors import EngineInputError

    _rule, ds = dispatched
    dense = ds.drop_vars(["trade", "trade_price", "trade_time", "trade_seller", "trade_buyer"])
    dense["trade"] = trade_matrix(ds)
    dense["trade_price"] = trade_price_matrix(ds).fillna(0.0)
    dense = dense.assign_coords(trade_time=("trade_pair", []), trade_seller=("trade_pair", []),
                                trade_buyer=("trade_pair", []))
    with pytest.raises(EngineInputError, match=r"trade has dims \('time', 'seller', 'buyer'\).*dispatch the day again"):
        check_dataset(read_park(), dense)
