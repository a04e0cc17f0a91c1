"""Safety alarm log: one row per alarm raised by the monitoring (market/safety).

Revision ID: 0002_safety_alarms
Revises: 0001_initial
Create Date: 2026-05-20
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_safety_alarms"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "safety_alarms",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("time", sa.DateTime, nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("element", sa.String(120), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("suggested_action", sa.Text, nullable=False),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("limit_value", sa.Float, nullable=True),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("park", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_safety_alarms_day", "safety_alarms", ["day"])


def downgrade() -> None:
    op.drop_index("ix_safety_alarms_day", table_name="safety_alarms")
    op.drop_table("safety_alarms")
