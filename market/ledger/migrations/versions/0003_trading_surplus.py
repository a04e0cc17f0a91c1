"""Day statistics carry each participant's trading surplus, the sunlight fund's base.

Revision ID: 0003_trading_surplus
Revises: 0002_safety_alarms
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_trading_surplus"
down_revision = "0002_safety_alarms"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite adds the column inside the migration's transaction like PostgreSQL does
    with op.batch_alter_table("ledger_day_stats") as table:
        table.add_column(sa.Column("trading_surplus_krw", sa.Float, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ledger_day_stats") as table:
        table.drop_column("trading_surplus_krw")
