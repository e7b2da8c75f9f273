"""Topic and tag feeds: the ``feed_items`` index of the stories each feed with
``tags``, ``match`` or ``exclude`` lists, and the fingerprint of the selection
each was made by (``topic_feeds``). Both start empty: publishing indexes the
stored stories of every topic feed whose fingerprint is missing.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feed_items",
        sa.Column("feed", sa.Text, primary_key=True),
        sa.Column("item_id", sa.Text, primary_key=True),
        sa.Column("sort_date", sa.DateTime(timezone=False), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_index(
        "ix_feed_items_order", "feed_items", ["feed", "sort_date", "position", "item_id"]
    )
    op.create_index("ix_feed_items_item", "feed_items", ["item_id"])
    op.create_table(
        "topic_feeds",
        sa.Column("feed", sa.Text, primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("topic_feeds")
    op.drop_index("ix_feed_items_item", "feed_items")
    op.drop_index("ix_feed_items_order", "feed_items")
    op.drop_table("feed_items")
