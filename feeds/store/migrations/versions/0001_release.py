"""The store of the first release: stories, dedup keys, file fingerprints, sources.

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    meta = op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "items",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("author", sa.Text),
        sa.Column("tags", sa.Text, nullable=False),
        sa.Column("language", sa.String(35), nullable=False),
        sa.Column("image", sa.Text),
        sa.Column("published", sa.DateTime(timezone=False)),
        sa.Column("updated", sa.DateTime(timezone=False)),
        sa.Column("first_seen", sa.DateTime(timezone=False), nullable=False),
        sa.Column("sort_date", sa.DateTime(timezone=False), nullable=False),
        sa.Column("rev", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("content_key", sa.String(64), nullable=False),
        sa.Column("slug", sa.String(64), nullable=False, unique=True),
        sa.Column("page_rev", sa.String(64)),
    )
    op.create_index("ix_items_source_date", "items", ["source", "sort_date"])
    op.create_index("ix_items_sort_date", "items", ["sort_date"])
    op.create_table(
        "dedup_keys",
        sa.Column("key", sa.String(80), primary_key=True),
        sa.Column("item_id", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=False), nullable=False),
    )
    op.create_table(
        "files",
        sa.Column("path", sa.Text, primary_key=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=False), nullable=False),
    )
    op.create_table(
        "sources",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("location", sa.Text, nullable=False),
        sa.Column("every", sa.Float, nullable=False),
        sa.Column("next_poll_at", sa.DateTime(timezone=False)),
        sa.Column("leased_until", sa.DateTime(timezone=False)),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("moved_to", sa.Text),
        sa.Column("gone", sa.Boolean, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_poll_at", sa.DateTime(timezone=False)),
        sa.Column("last_outcome", sa.String(32)),
        sa.Column("last_status", sa.Integer),
        sa.Column("last_error", sa.Text),
        sa.Column("last_new", sa.Integer, nullable=False),
        sa.Column("last_duration", sa.Float),
    )
    op.create_index("ix_sources_next_poll", "sources", ["next_poll_at"])
    op.bulk_insert(
        meta,
        [
            {"key": "schema_version", "value": "1"},
            {"key": "created_at", "value": datetime.now(UTC).isoformat()},
        ],
    )


def downgrade() -> None:
    for table in ("sources", "files", "dedup_keys", "items", "meta"):
        op.drop_table(table)
