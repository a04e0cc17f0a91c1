"""Append-only ledger: re-settling posts a reversal and a new version; the database refuses edits;
closed months are never booked into again; migrations are one transaction."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import re

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from market.ledger import open_ledger, store
from market.settlement import settle_basic_charge, settle_day
from market.settlement.sources import dataset_sha256
from microgrid.errors import EngineInputError

JULY1 = dt.date(2026, 7, 1)


def net(ledger, key=None):
    """The net of every posting per (period, account, kind, detail), zero lines dropped [KRW]."""
    frame = ledger.entries(key=key)
    summed = frame.groupby(["key", "account", "kind", "detail"])["amount_krw"].sum()
    return sorted((*index, int(value)) for index, value in summed.items() if value != 0)


def lines(frame):
    frame = frame.assign(quantity_kwh=frame["quantity_kwh"].astype(float).fillna(0.0) + 0.0)  # -0.0 == 0.0
    return sorted(frame[["account", "kind", "detail", "quantity_kwh", "amount_krw"]].itertuples(index=False, name=None),
                  key=str)


def settle_with_month(ledger, park, dataset):
    """What ``microgrid settle`` does: the day and its month's basic charge in one transaction."""
    with ledger.transaction():
        settle_day(ledger, park, dataset)
        settle_basic_charge(ledger, park, dataset.attrs["date"][:7])


def test_resettling_a_changed_day_posts_a_reversal_and_a_new_version_with_its_sources(ledger, small_park,
                                                                                      dispatched):
    first, second = dispatched[("shared_savings", "2026-07-01")], dispatched[("marginal", "2026-07-01")]
    settle_day(ledger, small_park, first)
    v1 = ledger.posting_entries("day:2026-07-01")
    settle_day(ledger, small_park, second)
    postings = ledger.postings("day:2026-07-01")
    assert list(postings["posting_key"]) == ["day:2026-07-01", "day:2026-07-01~v1-reversal", "day:2026-07-01~v2"]
    assert list(postings["version"]) == [1, 1, 2]
    assert list(postings["posting"]) == ["settlement", "reversal", "settlement"]
    assert postings["reverses"].iloc[1] == "day:2026-07-01"
    # the reversal is the first version with every amount and quantity negated, line by line
    reversal = ledger.posting_entries("day:2026-07-01~v1-reversal")
    assert lines(reversal) == lines(v1.assign(amount_krw=-v1["amount_krw"], quantity_kwh=-v1["quantity_kwh"]))
    meta = json.loads(postings["meta"].iloc[2])
    assert meta["version"] == 2 and meta["supersedes"] == "day:2026-07-01"
    assert "pricing_rule" in meta["reason"] and "inputs.dispatch_sha256" in meta["reason"]
    old_inputs = json.loads(postings["meta"].iloc[0])["inputs"]
    assert old_inputs["dispatch_sha256"] == dataset_sha256(first) != meta["inputs"]["dispatch_sha256"]
    assert meta["inputs"]["dispatch_sha256"] == dataset_sha256(second)
    assert len(meta["inputs"]["rules_sha256"]) == 64 and meta["inputs"]["tariffs"]
    assert json.loads(postings["meta"].iloc[1])["reason"] == meta["reason"]
    # the net is the new version, and the current settlement is v2
    fresh = open_ledger("sqlite://")
    settle_day(fresh, small_park, second)
    assert net(ledger) == net(fresh)
    assert ledger.settlements()[["key", "version"]].values.tolist() == [["day:2026-07-01", 2]]
    # unchanged inputs: nothing new
    version = ledger.version()
    settle_day(ledger, small_park, second)
    assert ledger.version() == version and len(ledger.postings()) == 3
    # and back to the first inputs: a third version, never an edit of the first
    settle_day(ledger, small_park, first)
    assert list(ledger.postings("day:2026-07-01")["version"]) == [1, 1, 2, 2, 3]
    assert lines(ledger.posting_entries("day:2026-07-01")) == lines(v1)


def test_the_database_refuses_to_update_or_delete_ledger_rows(ledger, small_park, dispatched):
    settle_day(ledger, small_park, dispatched[("shared_savings", "2026-07-01")])
    before = net(ledger)
    for statement in ("UPDATE ledger_entries SET amount_krw = amount_krw + 1",
                      "DELETE FROM ledger_entries",
                      "UPDATE ledger_settlements SET meta = '{}'",
                      "DELETE FROM ledger_settlements",
                      "DELETE FROM ledger_day_stats",
                      "UPDATE ledger_accounts SET name = 'x'"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with ledger.engine.begin() as connection:
                connection.execute(sa.text(statement))
    assert net(ledger) == before


def test_the_store_has_no_update_or_delete():
    source = inspect.getsource(store)
    assert not re.search(r"\b(delete|update)\(", source)
    assert not re.search(r"\b(UPDATE|DELETE)\s", source.replace("UPDATE/DELETE", ""))


def test_a_change_after_close_is_an_adjustment_in_the_first_open_month(ledger, small_park, dispatched):
    first, second = dispatched[("shared_savings", "2026-07-01")], dispatched[("marginal", "2026-07-01")]
    settle_with_month(ledger, small_park, first)
    closed = ledger.close_month("2026-07", small_park.name)
    assert closed.newly_closed and closed.summary["entries"] == len(ledger.entries())
    july = ledger.entries(start=JULY1, end=dt.date(2026, 7, 31))
    settle_with_month(ledger, small_park, first)  # unchanged: fine, nothing written
    assert len(ledger.postings()) == 2
    settle_with_month(ledger, small_park, second)
    # the closed month reads exactly as it did when closed
    assert ledger.entries(start=JULY1, end=dt.date(2026, 7, 31)).equals(july)
    later = ledger.postings().iloc[2:]
    assert set(later["booked_on"]) == {dt.date(2026, 8, 1)}
    assert all(json.loads(meta)["adjusts_month"] == "2026-07" for meta in later["meta"])
    # the basic charge is adjusted too exactly when the changed day bills another demand (fresh ledgers decide)
    alone = [open_ledger("sqlite://"), open_ledger("sqlite://")]
    for book, dataset in zip(alone, (first, second)):
        settle_with_month(book, small_park, dataset)
    basic_changed = net(alone[0], "basic:2026-07") != net(alone[1], "basic:2026-07")
    assert set(later["key"]) == ({"day:2026-07-01", "basic:2026-07"} if basic_changed else {"day:2026-07-01"})
    august = ledger.entries(start=dt.date(2026, 8, 1), end=dt.date(2026, 8, 31))
    assert len(august) > 0 and august["amount_krw"].sum() == 0
    # July as closed plus August's adjustment is the changed day, as a fresh ledger settles it
    fresh = open_ledger("sqlite://")
    settle_with_month(fresh, small_park, second)
    assert net(ledger) == net(fresh)
    # two months closed: the adjustment goes to the first open one after them
    ledger.close_month("2026-08", small_park.name)
    before_september = len(ledger.postings())  # 2 + a reversal and a version per adjusted period
    assert before_september == 2 + 2 * len(set(later["key"]))
    settle_with_month(ledger, small_park, first)
    assert len(ledger.postings()) > before_september
    assert set(ledger.postings().iloc[before_september:]["booked_on"]) == {dt.date(2026, 9, 1)}
    again = ledger.close_month("2026-07", small_park.name)
    assert not again.newly_closed and again.summary == closed.summary
    assert ledger.closed_months() == ["2026-07", "2026-08"]


def test_closing_a_month_without_settled_days_or_of_another_park_is_refused(ledger, small_park, dispatched):
    with pytest.raises(EngineInputError, match="nothing is booked"):
        ledger.close_month("2026-07", small_park.name)
    with pytest.raises(EngineInputError, match="expected YYYY-MM"):
        ledger.close_month("2026-7", small_park.name)
    settle_day(ledger, small_park, dispatched[("shared_savings", "2026-07-01")])
    with pytest.raises(EngineInputError, match="belongs to park"):
        ledger.close_month("2026-07", "Another park")
    assert ledger.closed_months() == []


def _config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", store._migrations_folder())
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def test_a_ledger_of_revision_0002_upgrades_with_its_settlements_as_version_1(ledger_url, small_park, dispatched):
    engine = sa.create_engine(ledger_url)
    with engine.begin() as connection:
        config = _config(ledger_url)
        config.attributes["connection"] = connection
        command.upgrade(config, "0002_safety_alarms")
        connection.execute(sa.text("INSERT INTO ledger_accounts (name, kind, participant) VALUES "
                                   "('participant:T01:cash', 'participant', 'T01'), ('park:kepco', 'park', NULL)"))
        connection.execute(sa.text("INSERT INTO ledger_settlements (key, kind, period_start, period_end, park, "
                                   "created_at, meta) VALUES ('day:2026-07-01', 'day', '2026-07-01', '2026-07-01', "
                                   ":park, '2026-07-02 00:00:00', '{}')"), {"park": small_park.name})
        connection.execute(sa.text(
            "INSERT INTO ledger_entries (settlement_id, account_id, day, kind, detail, quantity_kwh, amount_krw) "
            "SELECT s.id, a.id, s.period_start, 'kepco_energy', 'x', 1.0, "
            "CASE WHEN a.kind = 'park' THEN 700 ELSE -700 END FROM ledger_settlements s, ledger_accounts a "
            "ORDER BY a.id"))
    engine.dispose()
    upgraded = open_ledger(ledger_url)
    try:
        assert upgraded.settlements()[["key", "version"]].values.tolist() == [["day:2026-07-01", 1]]
        assert upgraded.entries(key="day:2026-07-01")["amount_krw"].tolist() == [-700, 700]
        settle_day(upgraded, small_park, dispatched[("shared_savings", "2026-07-01")])
        assert list(upgraded.postings()["posting_key"]) == ["day:2026-07-01", "day:2026-07-01~v1-reversal",
                                                            "day:2026-07-01~v2"]
        fresh = open_ledger("sqlite://")
        settle_day(fresh, small_park, dispatched[("shared_savings", "2026-07-01")])
        assert net(upgraded) == net(fresh)
    finally:
        upgraded.close()


def test_a_failing_migration_leaves_the_database_as_it_was(ledger_url):
    """Revision 0004 adds columns, then creates ledger_closures; a table of that name already there makes
    it fail half-way, and the columns it added must be gone (transactional DDL, SQLite included)."""
    engine = sa.create_engine(ledger_url)
    with engine.begin() as connection:
        config = _config(ledger_url)
        config.attributes["connection"] = connection
        command.upgrade(config, "0002_safety_alarms")
        connection.execute(sa.text("CREATE TABLE ledger_closures (id INTEGER PRIMARY KEY)"))
    with engine.connect() as connection:
        before = [column["name"] for column in sa.inspect(connection).get_columns("ledger_settlements")]
    engine.dispose()
    with pytest.raises(EngineInputError, match="ledger_closures|already exists"):
        open_ledger(ledger_url)
    engine = sa.create_engine(ledger_url)
    with engine.connect() as connection:
        after = [column["name"] for column in sa.inspect(connection).get_columns("ledger_settlements")]
        revision = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
    engine.dispose()
    assert after == before and "period_key" not in after
    assert revision == "0002_safety_alarms"
