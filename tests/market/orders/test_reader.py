"""The order-book reader: the demo book reads, every bad input is one line naming field and value."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest
from hypothesis import given, settings, strategies as st

from market.orders import Product, demo_orders_path, parse_orders, read_orders
from market.orders.reader import gate_closure, store_orders
from microgrid.errors import EngineInputError
from microgrid.park import read_park

PARK = read_park()
DEMO = tomllib.loads(demo_orders_path().read_text(encoding="utf-8"))


def test_demo_book_reads_with_every_kind_of_order():
    book, meta = read_orders(demo_orders_path(), PARK, date=dt.date(2026, 7, 1))
    assert meta["gate_closure"] == "2026-06-30T10:00:00"
    assert {b.product for b in book.bids} == {Product.ANY, Product.RENEWABLE}
    assert sum(b.product is Product.RENEWABLE for b in book.bids) >= 2
    assert book.contracts and book.deferrable and book.curtailable and book.offers
    assert book.contracts[0].active_on(dt.date(2026, 7, 1))
    assert not book.contracts[0].active_on(dt.date(2027, 1, 1))


def _with(table: str, row: int, **changes) -> dict:
    raw = {key: ([dict(r) for r in value] if isinstance(value, list) else dict(value))
           for key, value in DEMO.items()}
    raw[table][row].update(changes)
    return raw


BAD = [
    (("bids", 0, {"participant": "T99"}), "bids[0].participant = 'T99': unknown participant"),
    (("bids", 0, {"max_price_krw_per_kwh": -1.0}), "bids[0].max_price_krw_per_kwh = -1.0"),
    (("bids", 0, {"product": "green"}), "bids[0].product = 'green'"),
    (("bids", 0, {"hours": [3, 24]}), "hour 24 outside 0-23"),
    (("bids", 1, {"preferred": ["T29"]}), "'T29' both preferred and excluded"),
    (("bids", 2, {"preferred": ["T77"]}), "bids[2].preferred = 'T77': unknown participant"),
    (("offers", 0, {"assets": ["PV-T02-roof"]}), "not owned by T01"),
    (("offers", 0, {"colour": "red"}), "offers[0].colour = 'red': Extra inputs are not permitted"),
    (("offers", 0, {"max_kwh": float("nan")}), "offers[0].max_kwh"),
    (("contracts", 0, {"kwh_per_hour": [1.0] * 24}), "exactly one of kwh_per_hour or share_of_output"),
    (("contracts", 0, {"end": dt.date(2025, 1, 1)}), "end 2025-01-01 before start 2026-01-01"),
    (("contracts", 0, {"buyer": "OPERATOR"}), "seller and buyer are the same participant"),
    (("contracts", 0, {"seller": "T29", "buyer": "T05"}), "owns no renewable asset"),
    (("deferrable", 0, {"energy_kwh": 5000.0}), "energy_kwh 5000.0 exceeds max_kw x 6 h = 3000.0"),
    (("deferrable", 0, {"window": [15, 10]}), "ends before it starts"),
    (("curtailable", 0, {"voll_krw_per_kwh": 0}), "curtailable[0].voll_krw_per_kwh = 0"),
]


@pytest.mark.parametrize(("change", "expected"), BAD, ids=[e for _, e in BAD])
def test_bad_order_is_one_line_naming_field_and_value(change, expected):
    table, row, fields = change
    with pytest.raises(EngineInputError) as raised:
        parse_orders(_with(table, row, **fields), PARK, "orders.toml")
    message = str(raised.value)
    assert message.startswith("orders.toml: ")
    assert expected in message
    assert "\n" not in message


def test_gate_closure_refuses_a_late_book(tmp_path):
    late = demo_orders_path().read_text(encoding="utf-8").replace(
        'submitted = "2026-06-30T09:30:00"', 'submitted = "2026-06-30T10:01:00"')
    path = tmp_path / "late.toml"
    path.write_text(late, encoding="utf-8")
    with pytest.raises(EngineInputError, match=r"after the gate closure 2026-06-30T10:00:00"):
        read_orders(path, PARK)
    book, meta = read_orders(path, PARK, gate=None)  # a stored book read back is not re-gated
    assert meta["gate_closure"] is None and book.date == dt.date(2026, 7, 1)
    assert gate_closure(dt.date(2026, 7, 1), "D-2 17:30") == dt.datetime(2026, 6, 29, 17, 30)
    with pytest.raises(EngineInputError, match="expected 'D-<days> HH:MM'"):
        gate_closure(dt.date(2026, 7, 1), "yesterday")


def test_wrong_day_missing_file_and_bad_toml(tmp_path):
    with pytest.raises(EngineInputError, match="expected the delivery day 2026-07-02"):
        read_orders(demo_orders_path(), PARK, date=dt.date(2026, 7, 2))
    with pytest.raises(EngineInputError, match="no such order file"):
        read_orders(tmp_path / "none.toml", PARK)
    broken = tmp_path / "broken.toml"
    broken.write_text("[orders\n", encoding="utf-8")
    with pytest.raises(EngineInputError, match="broken.toml: not valid TOML"):
        read_orders(broken, PARK)


def test_store_writes_the_day_file_atomically(tmp_path):
    target = store_orders(demo_orders_path(), tmp_path / "orders")
    assert target.name == "orders-2026-07-01.toml"
    assert target.read_text(encoding="utf-8") == demo_orders_path().read_text(encoding="utf-8")
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary left behind


NAMES = [p.name for p in PARK.participants]
hours = st.lists(st.integers(0, 23), min_size=1, max_size=24, unique=True)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(NAMES), hours, st.floats(0.1, 1e4), st.floats(0, 1e3),
                          st.sampled_from(["any", "renewable"])), max_size=8))
def test_random_valid_books_read_back_exactly(bids):
    raw = {"orders": {"date": dt.date(2026, 7, 1)},
           "bids": [{"participant": p, "hours": h, "max_kwh": q, "max_price_krw_per_kwh": c, "product": k}
                    for p, h, q, c, k in bids]}
    book = parse_orders(raw, PARK)
    assert len(book.bids) == len(bids)
    for bid, (p, h, q, c, k) in zip(book.bids, bids):
        assert (bid.participant, bid.hours, bid.max_kwh, bid.max_price_krw_per_kwh, bid.product.value) == \
            (p, sorted(h), q, c, k)
    assert book.participants() == {p for p, *_ in bids}
