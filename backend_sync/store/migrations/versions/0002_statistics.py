"""Statistics: sessions, transactions and offline periods per kiosk and day.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stat_session",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kiosk_id", sa.String(64), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("started_at", sa.String(32), nullable=False),
        sa.Column("seconds", sa.Float, nullable=False),
        sa.Column("end_reason", sa.String(32), nullable=False),
    )
    op.create_index("ix_stat_session_day", "stat_session", ["day"])
    op.create_table(
        "stat_transaction",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kiosk_id", sa.String(64), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("ok", sa.Boolean, nullable=False),
        sa.Column("reason", sa.String(64), nullable=False),
        sa.Column("offline", sa.Boolean, nullable=False),
    )
    op.create_index("ix_stat_transaction_day", "stat_transaction", ["day"])
    op.create_table(
        "stat_offline",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kiosk_id", sa.String(64), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("started_at", sa.String(32), nullable=False),
        sa.Column("seconds", sa.Float, nullable=False),
    )
    op.create_index("ix_stat_offline_day", "stat_offline", ["day"])


def downgrade() -> None:
    for table in ("stat_offline", "stat_transaction", "stat_session"):
        op.drop_index(f"ix_{table}_day", table)
        op.drop_table(table)
