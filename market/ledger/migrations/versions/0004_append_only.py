"""Append-only ledger: versioned postings, reversals, closed months, and a database guard.

* ``ledger_settlements`` rows become *postings*: ``period_key`` is the settled
  period (``day:2026-07-01``), ``version`` its settlement version (1, 2, ...),
  ``posting`` ``settlement`` or ``reversal`` (a reversal carries the version it
  reverses and ``reverses_id``), ``booked_on`` the day its entries are booked
  on (the period's first day, or the first day of the first open month when
  the period's month is closed). ``key`` stays unique: the posting's own key
  (``day:2026-07-01`` for version 1, ``day:2026-07-01~v2``,
  ``day:2026-07-01~v1-reversal``), so rows written by revision 0002 are
  version 1 of their period unchanged.
* ``ledger_closures``: one row per closed month.
* Triggers refuse UPDATE and DELETE on the ledger's tables: a correction is a
  new posting, never an edit.

Columns are added with ALTER TABLE ADD COLUMN (no table is rebuilt: a rebuild
of ``ledger_settlements`` would cascade-delete its entries on SQLite).

Revision ID: 0004_append_only
Revises: 0003_trading_surplus
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_append_only"
down_revision = "0003_trading_surplus"
branch_labels = None
depends_on = None

#: Tables whose rows are never updated or deleted.
APPEND_ONLY = ("ledger_accounts", "ledger_settlements", "ledger_entries", "ledger_day_stats", "ledger_closures",
               "safety_alarms")


def upgrade() -> None:
    op.add_column("ledger_settlements", sa.Column("period_key", sa.String(80), nullable=True))
    op.add_column("ledger_settlements", sa.Column("version", sa.Integer, nullable=False, server_default="1"))
    op.add_column("ledger_settlements", sa.Column("posting", sa.String(16), nullable=False,
                                                  server_default="settlement"))
    op.add_column("ledger_settlements", sa.Column("reverses_id", sa.Integer, nullable=True))
    op.add_column("ledger_settlements", sa.Column("booked_on", sa.Date, nullable=True))
    op.execute("UPDATE ledger_settlements SET period_key = key, booked_on = period_start")
    op.create_index("ix_ledger_settlements_period_key", "ledger_settlements", ["period_key"])
    # a posting is reversed at most once, and a period has one posting per (version, kind):
    # two writers racing on the same period cannot both succeed
    op.create_index("ux_ledger_settlements_reverses", "ledger_settlements", ["reverses_id"], unique=True)
    op.create_index("ux_ledger_settlements_version", "ledger_settlements", ["period_key", "version", "posting"],
                    unique=True)
    op.create_table(
        "ledger_closures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("month", sa.String(7), nullable=False, unique=True),
        sa.Column("park", sa.String(200), nullable=False),
        sa.Column("closed_at", sa.DateTime, nullable=False),
        sa.Column("meta", sa.Text, nullable=False),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in APPEND_ONLY:
            for action in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, 'ledger is append-only: {action} on {table} refused'); END")
    elif dialect == "postgresql":
        op.execute("CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                   "RAISE EXCEPTION 'ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME; END $$")
        for table in APPEND_ONLY:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION ledger_append_only()")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in APPEND_ONLY:
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
    elif dialect == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS ledger_append_only()")
    op.drop_table("ledger_closures")
    op.drop_index("ux_ledger_settlements_version", table_name="ledger_settlements")
    op.drop_index("ux_ledger_settlements_reverses", table_name="ledger_settlements")
    op.drop_index("ix_ledger_settlements_period_key", table_name="ledger_settlements")
    for column in ("booked_on", "reverses_id", "posting", "version", "period_key"):
        op.drop_column("ledger_settlements", column)
