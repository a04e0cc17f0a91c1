"""Initial ledger schema: accounts, settlements, entries, day statistics.

Revision ID: 0001_initial
Revises:
Create Date: 2026-05-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(160), nullable=False, unique=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("participant", sa.String(80), nullable=True),
    )
    op.create_table(
        "ledger_settlements",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(80), nullable=False, unique=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("park", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("meta", sa.Text, nullable=False),
    )
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("settlement_id", sa.Integer, sa.ForeignKey("ledger_settlements.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("ledger_accounts.id"), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("detail", sa.String(120), nullable=False),
        sa.Column("quantity_kwh", sa.Float, nullable=True),
        sa.Column("amount_krw", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_ledger_entries_settlement_id", "ledger_entries", ["settlement_id"])
    op.create_index("ix_ledger_entries_account_id", "ledger_entries", ["account_id"])
    op.create_index("ix_ledger_entries_day", "ledger_entries", ["day"])
    columns = [sa.Column(name, sa.Float, nullable=False) for name in (
        "load_kwh", "grid_import_kwh", "grid_export_kwh", "bought_kwh", "sold_kwh", "peak_demand_kw",
        "grid_only_bill_krw", "net_cost_krw", "renewable_own_kwh", "renewable_bought_kwh",
        "renewable_storage_kwh", "nonrenewable_onsite_kwh", "renewable_claimed_kwh", "hourly_matched_kwh",
    )]
    op.create_table(
        "ledger_day_stats",
        sa.Column("settlement_id", sa.Integer, sa.ForeignKey("ledger_settlements.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("participant", sa.String(80), primary_key=True),
        sa.Column("day", sa.Date, nullable=False),
        *columns,
    )
    op.create_index("ix_ledger_day_stats_day", "ledger_day_stats", ["day"])


def downgrade() -> None:
    op.drop_table("ledger_day_stats")
    op.drop_table("ledger_entries")
    op.drop_table("ledger_settlements")
    op.drop_table("ledger_accounts")
