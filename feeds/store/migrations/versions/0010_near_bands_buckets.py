"""The near-duplicate bands by time bucket: the primary key of ``near_bands`` leads
with ``bucket``, the story's first-seen second divided by a week
(``feeds.store.clusters.BUCKET_SECONDS``), and the index by first-seen time goes.

A new story's band rows then land in the newest bucket, a small part of the index
that stays in the cache, instead of on a page anywhere in it: a transaction writes
the pages of one bucket rather than nearly every page of the index, whatever its
size. Rows that fell out of the window go a whole bucket at a time, from the start
of the key (what the first-seen index was for). Every row is kept, with its bucket.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BUCKET = 7 * 86400
"""``feeds.store.clusters.BUCKET_SECONDS`` as this migration was written (frozen here)."""


def _bands(name: str, *, bucket: bool) -> None:
    columns = [
        sa.Column("band", sa.BigInteger, primary_key=True, autoincrement=False),
        # seconds since 1970, UTC
        sa.Column("first_seen", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("item_key", sa.BigInteger, primary_key=True, autoincrement=False),
    ]
    if bucket:
        columns.insert(0, sa.Column("bucket", sa.BigInteger, primary_key=True, autoincrement=False))
    op.create_table(name, *columns, sqlite_with_rowid=False)


def upgrade() -> None:
    _bands("near_bands_by_bucket", bucket=True)
    op.execute(
        "INSERT INTO near_bands_by_bucket (bucket, band, first_seen, item_key) "
        f"SELECT first_seen / {BUCKET}, band, first_seen, item_key FROM near_bands"
    )
    op.drop_index("ix_near_bands_first_seen", table_name="near_bands")
    op.drop_table("near_bands")
    op.rename_table("near_bands_by_bucket", "near_bands")


def downgrade() -> None:
    _bands("near_bands_by_band", bucket=False)
    op.execute(
        "INSERT INTO near_bands_by_band (band, first_seen, item_key) "
        "SELECT band, first_seen, item_key FROM near_bands"
    )
    op.drop_table("near_bands")
    op.rename_table("near_bands_by_band", "near_bands")
    op.create_index("ix_near_bands_first_seen", "near_bands", ["first_seen"])
