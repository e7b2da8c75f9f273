"""Near-duplicate clusters, corrections and withdrawals.

Per story: its packed shingles, the cluster it merged into (the representative's
id), the priority of its source, a revision of what its entry shows beyond its own
story (the stories merged into it, a withdrawal), and when it was withdrawn. The
LSH bands of every story are rows of ``near_bands`` (band, first-seen second, the
story's integer ``near_key``), whose primary key is their only index.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("shingles", sa.LargeBinary))
        batch.add_column(sa.Column("cluster", sa.Text))
        batch.add_column(sa.Column("priority", sa.Integer))
        batch.add_column(sa.Column("shown_rev", sa.String(64)))
        batch.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=False)))
        batch.add_column(sa.Column("near_key", sa.BigInteger))
        batch.create_index("ix_items_cluster", ["cluster"])
        batch.create_index("ix_items_source_origin", ["source", "origin"])
        batch.create_index("ix_items_near_key", ["near_key"])
    op.create_table(
        "near_bands",
        sa.Column("band", sa.BigInteger, primary_key=True, autoincrement=False),
        # seconds since 1970, UTC
        sa.Column("first_seen", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("item_key", sa.BigInteger, primary_key=True, autoincrement=False),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("near_bands")
    with op.batch_alter_table("items") as batch:
        batch.drop_index("ix_items_near_key")
        batch.drop_index("ix_items_source_origin")
        batch.drop_index("ix_items_cluster")
        for column in ("near_key", "withdrawn_at", "shown_rev", "priority", "cluster", "shingles"):
            batch.drop_column(column)
