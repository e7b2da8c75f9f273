"""Media files of a story (audio, video, images given as enclosures), as JSON;
shingles hashed with CRC-32.

Stores made by development builds at schema 4 hold shingles hashed with BLAKE2b,
which no new story can share: they are dropped with their band rows (those
stories then merge only on exact keys). No release wrote them.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("enclosures", sa.Text))
    op.execute("DELETE FROM near_bands")
    op.execute("UPDATE items SET shingles = NULL, near_key = NULL WHERE shingles IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.drop_column("enclosures")
