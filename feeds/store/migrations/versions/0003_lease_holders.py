"""Who holds a source's lease, so that a restart takes back its killed predecessor's.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("leased_by", sa.String(40)))


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("leased_by")
