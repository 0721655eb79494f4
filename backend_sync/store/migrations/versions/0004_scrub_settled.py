"""Retention: entries settled for good before this version lose their patron identifiers.

DONE entries and REJECTED ones staff resolved keep the masked card only; names, e-mail
addresses, phone numbers and PINs are dropped (backend_sync/store/retention.py). Data only:
the schema does not change. The bytes freed here are zeroed (secure_delete); free space left
by older versions is only rewritten by `kiosk privacy sweep` (VACUUM), which cannot run
inside a migration's transaction.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

from backend_sync.store.retention import scrub_settled

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    scrub_settled(op.get_bind())


def downgrade() -> None:
    """A masked card cannot be unmasked: downgrading keeps the rows as they are."""
