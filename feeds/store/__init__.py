"""The store: stories, dedup keys, file fingerprints, per-source state and the
last publish.

SQLAlchemy 2 Core, portable SQL only: SQLite (WAL) by default, PostgreSQL by
URL. One module per concern: ``tables`` (the schema), ``migrate`` and
``migrations/`` (Alembic: creating and upgrading a store when it opens),
``items`` (saving a batch, dedup keys, reading stories), ``files`` (file
fingerprints), ``schedule`` (sources, claims, polls), ``retention``, ``pages``,
``publishes``, ``changes`` (which feeds a write changed), ``transfer`` (copying an
installation into another store: ``nashra migrate``); ``database`` (URLs, engines, dialects) and ``base`` (write
transactions and the error boundary). Times are stored as naive UTC and read
back aware. A source's batch is written in one transaction; on SQLite a write
transaction takes the write lock when it begins (``BEGIN IMMEDIATE``).
"""

from feeds.store.api import PollBatch, Store
from feeds.store.base import SAVE_ATTEMPTS
from feeds.store.database import DRIVER_HINT, SQLITE_TIMEOUT, default_database
from feeds.store.items import AlsoReported, BatchResult, StoredItem
from feeds.store.pages import page_rev
from feeds.store.publishes import PublishRecord
from feeds.store.schedule import SPREAD_ABOVE, PollRecord, first_poll_at
from feeds.store.tables import SCHEMA_VERSION

__all__ = [
    "DRIVER_HINT",
    "SAVE_ATTEMPTS",
    "SCHEMA_VERSION",
    "SPREAD_ABOVE",
    "SQLITE_TIMEOUT",
    "AlsoReported",
    "BatchResult",
    "PollBatch",
    "PollRecord",
    "PublishRecord",
    "Store",
    "StoredItem",
    "default_database",
    "first_poll_at",
    "page_rev",
]
