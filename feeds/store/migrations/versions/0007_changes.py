"""The ``changes`` tokens (``feeds.store.changes``): what each source's and each
topic or tag feed's stories last changed by. Starts empty: a publisher that finds
no token for a feed renders it, as before.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "changes",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("token", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("changes")
