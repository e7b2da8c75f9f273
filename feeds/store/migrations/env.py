"""Alembic's environment for the store's migrations: they run in the connection
(and the transaction) that ``feeds.store.migrate`` gives, never from a file of
settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from feeds.store.tables import metadata

connection = context.config.attributes["connection"]
assert isinstance(connection, Connection)
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
