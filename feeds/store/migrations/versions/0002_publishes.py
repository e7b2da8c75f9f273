"""The outcome of the last publish (``nashra status``).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publishes",
        sa.Column("name", sa.String(16), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("ok_at", sa.DateTime(timezone=False)),
    )


def downgrade() -> None:
    op.drop_table("publishes")
