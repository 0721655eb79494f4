"""The reconciliation list: staff mark a rejected entry as resolved, with a note.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite cannot add a NOT NULL column with a server default to every engine
    # version the same way; a batch rebuild is the portable path.
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("resolved_at", sa.String(32), nullable=False, server_default=""))
        batch.add_column(sa.Column("resolved_note", sa.Text, nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("resolved_note")
        batch.drop_column("resolved_at")
