"""The ledger tests run on both backends: SQLite (embedded, the default) and PostgreSQL (production).

PostgreSQL needs ``MICROGRID_TEST_POSTGRES_URL`` (``.ci/run`` starts Debian's postgresql and exports
it); without it the PostgreSQL cases are skipped with that reason. Each PostgreSQL case starts on an
empty ``public`` schema of that (test-only) database.
"""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from market.ledger import open_ledger

POSTGRES_URL = os.environ.get("MICROGRID_TEST_POSTGRES_URL", "")


def empty_postgres(url: str) -> None:
    """Drop everything in the test database's ``public`` schema."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_url(request, tmp_path):
    """A URL of a new, empty ledger database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL: MICROGRID_TEST_POSTGRES_URL is not set (.ci/run sets it)")
    empty_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture()
def ledger(ledger_url):
    opened = open_ledger(ledger_url)
    yield opened
    opened.close()
