"""The sparse trade form and its one reader (market.dispatch.trades), against dense matrices made here."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from market.dispatch.io import read_dispatch, write_dataset_atomic
from market.dispatch.trades import (
    TradePairs,
    pair_entries,
    select_steps,
    trade_matrix,
    trade_pairs,
    trade_price_matrix,
)
from market.pricing import pro_rata_pairs

PARTICIPANTS = ["OPERATOR", "T01", "T02", "T03", "T04"]
SELLERS = ["OPERATOR", "T02", "T03"]


def _dataset(trade: np.ndarray, price: np.ndarray, *, shuffle_seed: int | None = None) -> xr.Dataset:
    """A result-shaped Dataset holding ``trade``/``price`` (time, seller, buyer) in the sparse form."""
    steps = trade.shape[0]
    time = pd.date_range("2026-07-01", periods=steps, freq="h", tz="Asia/Seoul")
    step, seller, buyer = np.nonzero(trade)
    order = np.arange(len(step))
    if shuffle_seed is not None:  # a writer may hand pairs over in any order
        order = np.random.default_rng(shuffle_seed).permutation(len(step))
    seller_participant = np.array([PARTICIPANTS.index(SELLERS[s]) for s in seller], dtype=int)
    pairs = TradePairs(step[order], seller_participant[order], buyer[order], trade[step, seller, buyer][order],
                       price[step, seller, buyer][order])
    variables, coords = pair_entries(pairs, time)
    return xr.Dataset(variables, coords={"time": time, "participant": PARTICIPANTS, "seller": SELLERS,
                                         "buyer": PARTICIPANTS, **coords})


def _matrices(steps: int):
    shape = (steps, len(SELLERS), len(PARTICIPANTS))
    energy = arrays(float, shape, elements=st.sampled_from([0.0, 0.0, 0.5, 12.25, 300.0]))
    prices = arrays(float, shape, elements=st.floats(90.0, 250.0))
    return st.tuples(energy, prices)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6).flatmap(_matrices), st.integers(0, 1000))
def test_matrix_rebuilt_from_pairs_in_any_order(matrices, seed):
    trade, price = matrices
    ds = _dataset(trade, price, shuffle_seed=seed)
    np.testing.assert_array_equal(trade_matrix(ds).values, trade)
    read_price = trade_price_matrix(ds).values
    np.testing.assert_array_equal(read_price[trade > 0], price[trade > 0])
    assert np.isnan(read_price[trade == 0]).all()
    assert (np.diff(ds["trade_time"].values.astype("int64")) >= 0).all()  # written sorted by time


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 6).flatmap(_matrices), st.data())
def test_select_steps_keeps_exactly_the_pairs_of_its_steps(matrices, data):
    trade, price = matrices
    ds = _dataset(trade, price)
    start = data.draw(st.integers(0, trade.shape[0] - 1))
    stop = data.draw(st.integers(start, trade.shape[0]))
    cut = select_steps(ds, start, stop)
    np.testing.assert_array_equal(trade_matrix(cut).values, trade[start:stop])
    assert cut.sizes["trade_pair"] == int((trade[start:stop] > 0).sum())
    # a plain isel(time=...) leaves the other steps' pairs in, but the reader skips them
    np.testing.assert_array_equal(trade_matrix(ds.isel(time=slice(start, stop))).values, trade[start:stop])


@settings(max_examples=40, deadline=None)
@given(arrays(float, (4, 5), elements=st.sampled_from([0.0, 0.0, 1e-9, 3.0, 40.0, 125.5])))
def test_pro_rata_pairs_are_the_hand_split_of_the_pool(bought):
    sold = np.zeros((4, 3))
    total = bought.sum(axis=1)
    sold[:, 0], sold[:, 2] = 0.25 * total, 0.75 * total  # two sellers share each step's pool
    step, seller, buyer, kwh = pro_rata_pairs(sold, bought)
    dense = np.zeros((4, 3, 5))
    dense[step, seller, buyer] = kwh
    by_hand = np.zeros_like(dense)
    for t in range(4):
        for s in range(3):
            for b in range(5):
                value = sold[t, s] * bought[t, b] / total[t] if total[t] > 0 else 0.0
                by_hand[t, s, b] = value if value >= 1e-7 else 0.0
    np.testing.assert_allclose(dense, by_hand, rtol=1e-12, atol=0)
    assert (kwh >= 1e-7).all() and len(kwh) == int((by_hand > 0).sum())
    assert (np.diff(step) >= 0).all()


def test_file_round_trip_and_combined_store_padding(tmp_path):
    rng = np.random.default_rng(3)
    trade = np.where(rng.random((3, 3, 5)) < 0.4, rng.random((3, 3, 5)) * 100, 0.0)
    price = 100 + rng.random((3, 3, 5)) * 50
    ds = _dataset(trade, price)
    path = write_dataset_atomic(ds.assign_attrs(step_hours=1.0), tmp_path / "d.nc")
    back = read_dispatch(path)
    np.testing.assert_array_equal(trade_matrix(back).values, trade)
    assert back["trade_seller"].dtype == np.int32 and back["trade_time"].dtype.kind == "M"
    # a sweep pads shorter scenarios with NaN (market.batch.runner.combine): the reader skips the padding
    padded = back.pad(trade_pair=(0, 7))
    assert np.isnan(padded["trade"].values[-7:]).all()
    np.testing.assert_array_equal(trade_matrix(padded).values, trade)
    assert len(trade_pairs(padded)) == back.sizes["trade_pair"]


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["marginal", "shared_savings"]), st.integers(0, 10_000))
def test_pair_prices_equal_the_rule_on_the_dense_matrix(rule_name, seed):
    """Each pair priced as its own step gives exactly the dense (time, seller, buyer) price of that cell."""
    from market.dispatch.trades import pair_prices
    from market.pricing import PRICING_RULES, PricingContext

    rng = np.random.default_rng(seed)
    steps, sellers, buyers = 4, 3, 5
    context = PricingContext(export_price=rng.uniform(80, 130, steps),
                             buyer_import_price=rng.uniform(90, 260, (steps, buyers)),
                             seller_clearing_price=rng.uniform(60, 280, (steps, sellers)), fee=3.0,
                             seller_share=float(rng.uniform(0, 1)))
    dense = np.broadcast_to(PRICING_RULES[rule_name].price(context), (steps, sellers, buyers))
    step, seller, buyer = np.nonzero(rng.random((steps, sellers, buyers)) < 0.5)
    np.testing.assert_array_equal(pair_prices(PRICING_RULES[rule_name], context, step, seller, buyer),
                                  dense[step, seller, buyer])


def test_pairs_from_matrix_keeps_the_cells_that_trade():
    from market.dispatch.trades import pairs_from_matrix

    trade = np.zeros((2, 2, 5))
    trade[0, 1, 4], trade[1, 0, 2] = 7.5, 1.25
    price = np.full(trade.shape, 140.0)
    price[0, 1, 4] = 151.0
    pairs = pairs_from_matrix(trade, price, sellers=[0, 2])
    assert pairs.step.tolist() == [0, 1] and pairs.seller.tolist() == [2, 0] and pairs.buyer.tolist() == [4, 2]
    assert pairs.kwh.tolist() == [7.5, 1.25] and pairs.price.tolist() == [151.0, 140.0]
