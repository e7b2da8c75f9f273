"""The ``nodes`` table (``feeds.store.nodes``): every ``nashra run`` process
sharing the store, with its role and heartbeat, for ``nashra status``. Starts
empty: a node writes its row when it starts.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nodes",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("host", sa.Text, nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("started", sa.DateTime(timezone=False), nullable=False),
        sa.Column("heartbeat", sa.DateTime(timezone=False), nullable=False),
        sa.Column("polls", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("nodes")
