"""Alembic environment of the ledger; run programmatically by :func:`market.ledger.open_ledger`.

The caller passes an open SQLAlchemy connection in
``config.attributes["connection"]``; offline (SQL script) mode uses the URL.
"""

from __future__ import annotations

from alembic import context

from market.ledger.models import Base

target_metadata = Base.metadata
config = context.config


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
