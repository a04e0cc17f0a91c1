"""The ledger: schema by migration, balanced days, idempotent re-settling, atomicity, isolation."""

from __future__ import annotations

import datetime as dt
import threading
from importlib import resources

import numpy as np
import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from hypothesis import given, settings
from hypothesis import strategies as st

from market.ledger import Leg, Ledger, open_ledger, round_legs
from market.ledger.money import ROUNDING_ACCOUNT, round_half_even
from market.settlement import settle_day
from microgrid.errors import EngineInputError


def rows(ledger, key=None):
    frame = ledger.entries(key=key)
    return sorted(map(tuple, frame[["key", "day", "account", "kind", "detail", "amount_krw"]].astype(str).values))


def net(ledger, key=None):
    """The net of every posting per (period, account, kind, detail), zero lines dropped [KRW]."""
    frame = ledger.entries(key=key)
    summed = frame.groupby(["key", "account", "kind", "detail"])["amount_krw"].sum()
    return sorted((*index, int(value)) for index, value in summed.items() if value != 0)


def test_open_ledger_migrates_to_head_and_reopens(tmp_path):
    url = f"sqlite:///{tmp_path / 'l.sqlite'}"
    open_ledger(url).close()
    ledger = open_ledger(url)
    with ledger.engine.connect() as connection:
        head = ScriptDirectory(f"{resources.files('market.ledger').joinpath('migrations')}").get_current_head()
        assert connection.execute(sa.text("select version_num from alembic_version")).scalar_one() == head
        tables = set(sa.inspect(connection).get_table_names())
    assert {"ledger_accounts", "ledger_settlements", "ledger_entries", "ledger_day_stats"} <= tables


def test_round_half_even_rule():
    assert [round_half_even(v) for v in (0.5, 1.5, 2.5, -0.5, -1.5, 2.4999, 2.5001)] == [0, 2, 2, 0, -2, 2, 3]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), st.floats(0, 1e7, allow_nan=False)), min_size=1,
                max_size=30))
def test_rounded_legs_always_sum_to_zero_and_remainder_is_explicit(transfers):
    legs = []
    for source, target, amount in transfers:
        legs += [Leg(f"a{source}", "x", "", -amount), Leg(f"b{target}", "y", "", amount * 0.3),
                 Leg(f"c{target}", "z", "", amount * 0.7)]
    rounded = round_legs(legs)
    assert sum(value for _, value in rounded) == 0
    others = [value for leg, value in rounded if leg.account != ROUNDING_ACCOUNT]
    remainders = [value for leg, value in rounded if leg.account == ROUNDING_ACCOUNT]
    assert remainders == ([-sum(others)] if sum(others) else [])
    # each aggregated leg is its exact sum rounded half to even: never more than 0.5 KRW off
    for leg, value in rounded:
        if leg.account != ROUNDING_ACCOUNT:
            assert abs(value - leg.amount) <= 0.5 + 1e-6


def test_unbalanced_legs_are_refused(ledger):
    with pytest.raises(ValueError, match="do not balance"):
        ledger.replace_settlement("day:x", "day", dt.date(2026, 7, 1), dt.date(2026, 7, 1), "p",
                                  [Leg("a", "x", "", -10.0), Leg("b", "x", "", 9.0)])
    assert ledger.entries().empty


def test_every_settled_day_sums_to_zero(ledger, small_park, dispatched):
    for dataset in dispatched.values():
        settle_day(ledger, small_park, dataset)
        frame = ledger.entries(key=f"day:{dataset.attrs['date']}")
        assert len(frame) > 10
        assert frame["amount_krw"].sum() == 0
        assert frame["amount_krw"].dtype == np.int64
    assert ledger.entries().groupby("key")["amount_krw"].sum().eq(0).all()


def test_settling_twice_equals_settling_once(tmp_path, small_park, dispatched):
    dataset = dispatched[("shared_savings", "2026-07-01")]
    once, twice = open_ledger(tmp_path / "once.sqlite"), open_ledger(tmp_path / "twice.sqlite")
    settle_day(once, small_park, dataset)
    settle_day(twice, small_park, dataset)
    settle_day(twice, small_park, dataset)
    assert rows(once) == rows(twice)
    assert len(twice.settlements()) == 1
    assert twice.day_stats(*(2 * [dataset.attrs["date"]])).shape[0] == len(small_park.participants)


def test_resettling_nets_to_the_new_figures_and_keeps_the_old_ones(ledger, small_park, dispatched):
    first, second = dispatched[("shared_savings", "2026-07-01")], dispatched[("marginal", "2026-07-01")]
    settle_day(ledger, small_park, first)
    before, written = net(ledger), rows(ledger)
    settle_day(ledger, small_park, second)
    assert net(ledger) != before
    assert set(written) <= set(rows(ledger))  # the first version's entries are all still there
    fresh = open_ledger("sqlite://")
    settle_day(fresh, small_park, second)
    assert net(ledger) == net(fresh)
    assert ledger.day_stats(dt.date(2026, 7, 1), dt.date(2026, 7, 1)).sort_values("participant").reset_index(
        drop=True).equals(fresh.day_stats(dt.date(2026, 7, 1), dt.date(2026, 7, 1)).sort_values(
        "participant").reset_index(drop=True))


def test_crash_mid_write_leaves_ledger_unchanged(ledger, small_park, dispatched, monkeypatch):
    settle_day(ledger, small_park, dispatched[("shared_savings", "2026-07-01")])
    settle_day(ledger, small_park, dispatched[("shared_savings", "2026-01-10")])
    before = rows(ledger)
    stats_before = ledger.day_stats(*(2 * [dispatched[("shared_savings", "2026-07-01")].attrs["date"]]))
    original = Ledger._entry_rows

    def half_then_crash(settlement_id, day, accounts, written):
        built = original(settlement_id, day, accounts, written)
        raise RuntimeError(f"killed after building {len(built)} rows, reversal already written")

    monkeypatch.setattr(Ledger, "_entry_rows", staticmethod(half_then_crash))
    with pytest.raises(RuntimeError, match="killed"):
        settle_day(ledger, small_park, dispatched[("marginal", "2026-07-01")])  # re-settle: the reversal is written first
    monkeypatch.undo()
    assert rows(ledger) == before
    assert ledger.day_stats(*(2 * [dispatched[("shared_savings", "2026-07-01")].attrs["date"]])).equals(stats_before)


def test_crash_while_writing_statistics_leaves_no_partial_entries(ledger, small_park, dispatched, monkeypatch):
    from market.ledger import store

    def boom(**_):
        raise RuntimeError("killed while writing statistics")

    monkeypatch.setattr(store, "DayStat", boom)
    with pytest.raises(RuntimeError, match="killed"):
        settle_day(ledger, small_park, dispatched[("shared_savings", "2026-07-01")])
    monkeypatch.undo()
    assert ledger.entries().empty and ledger.settlements().empty


def test_bad_input_leaves_ledger_unchanged(ledger, small_park, dispatched):
    good = dispatched[("shared_savings", "2026-07-01")]
    settle_day(ledger, small_park, good)
    before = rows(ledger)
    bad = good.copy(deep=True)
    bad["trade_price"][3, 0, 1] = np.nan
    with pytest.raises(EngineInputError, match="trade_price"):
        settle_day(ledger, small_park, bad)
    bad = good.drop_vars("grid_import")
    with pytest.raises(EngineInputError, match="grid_import"):
        settle_day(ledger, small_park, bad)
    assert rows(ledger) == before


def test_concurrent_reader_sees_old_or_new_day_never_a_mix(tmp_path, small_park, dispatched):
    path = tmp_path / "shared.sqlite"
    writer = open_ledger(path)
    old, new = dispatched[("shared_savings", "2026-07-01")], dispatched[("marginal", "2026-07-01")]
    settle_day(writer, small_park, old)
    snapshot_old = net(writer)
    settle_day(writer, small_park, new)
    snapshot_new = net(writer)
    assert snapshot_old != snapshot_new
    reader = open_ledger(path)  # a second engine: its own connections
    seen, errors, done = [], [], threading.Event()

    def write():
        try:
            for repeat in range(12):
                settle_day(writer, small_park, old if repeat % 2 == 0 else new)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            done.set()

    thread = threading.Thread(target=write)
    thread.start()
    while not done.is_set() or len(seen) < 5:
        seen.append(net(reader, "day:2026-07-01"))
        if done.is_set() and len(seen) >= 5:
            break
    thread.join()
    assert not errors
    assert all(snapshot in (snapshot_old, snapshot_new) for snapshot in seen)


def test_resettling_unchanged_inputs_writes_nothing_and_changed_inputs_do(ledger, small_park, dispatched):
    first, second = dispatched[("shared_savings", "2026-07-01")], dispatched[("marginal", "2026-07-01")]
    settle_day(ledger, small_park, first)
    version, created = ledger.version(), ledger.settlements()["created_at"].tolist()
    settle_day(ledger, small_park, first)
    assert ledger.version() == version  # no row rewritten: same entry ids, same settlement time
    assert ledger.settlements()["created_at"].tolist() == created
    settle_day(ledger, small_park, second)
    assert ledger.version() != version
    meta = __import__("json").loads(ledger.settlements()["meta"].iloc[0])
    assert len(meta["content_sha256"]) == 64
