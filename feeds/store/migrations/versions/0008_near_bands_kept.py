"""An index of the near-duplicate bands by first-seen time: the rows of stories
that fell out of the window are dropped (``feeds.store.clusters.keep_bands``), so
that the index holds what a new story may be compared with and no more.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_near_bands_first_seen", "near_bands", ["first_seen"])


def downgrade() -> None:
    op.drop_index("ix_near_bands_first_seen", table_name="near_bands")
