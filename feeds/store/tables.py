"""The store's tables as this nashra reads and writes them (the newest schema).

The database gets them from the migrations (``migrations/versions/``), never from
these definitions: a migration is a frozen copy of what changed, these are what
the code queries. ``tests/test_migrations.py`` checks that both agree on every
database.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Dialect,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeDecorator

SCHEMA_VERSION = 3
"""The number of the newest migration (``migrations/versions/0002_….py``), also
recorded as ``schema_version`` in the ``meta`` table, where releases before the
migrations read it (and refuse a store newer than themselves)."""


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; naive UTC in the database."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
"""``schema_version`` and ``created_at``."""

items = Table(
    "items",
    metadata,
    Column("id", Text, primary_key=True),
    Column("source", String(64), nullable=False),
    Column("origin", Text, nullable=False, default=""),
    Column("title", Text, nullable=False),
    Column("summary", Text, nullable=False, default=""),
    Column("body", Text, nullable=False, default=""),
    Column("url", Text),
    Column("author", Text),
    Column("tags", Text, nullable=False, default="[]"),
    Column("language", String(35), nullable=False, default="ar"),
    Column("image", Text),
    Column("published", UTCDateTime),
    Column("updated", UTCDateTime),
    Column("first_seen", UTCDateTime, nullable=False),
    Column("sort_date", UTCDateTime, nullable=False),
    Column("rev", String(64), nullable=False),
    Column("position", Integer, nullable=False, default=0),
    Column("content_key", String(64), nullable=False),
    Column("slug", String(64), nullable=False, unique=True),
    Column("page_rev", String(64)),
    Index("ix_items_source_date", "source", "sort_date"),
    Index("ix_items_sort_date", "sort_date"),
)

dedup_keys = Table(
    "dedup_keys",
    metadata,
    Column("key", String(80), primary_key=True),
    Column("item_id", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

files = Table(
    "files",
    metadata,
    Column("path", Text, primary_key=True),
    Column("source", String(64), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("seen_at", UTCDateTime, nullable=False),
)

sources = Table(
    "sources",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("location", Text, nullable=False),
    Column("every", Float, nullable=False),
    Column("next_poll_at", UTCDateTime),
    Column("leased_until", UTCDateTime),
    Column("leased_by", String(40)),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("moved_to", Text),
    Column("gone", Boolean, nullable=False, default=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("failures", Integer, nullable=False, default=0),
    Column("last_poll_at", UTCDateTime),
    Column("last_outcome", String(32)),
    Column("last_status", Integer),
    Column("last_error", Text),
    Column("last_new", Integer, nullable=False, default=0),
    Column("last_duration", Float),
    Index("ix_sources_next_poll", "next_poll_at"),
)

publishes = Table(
    "publishes",
    metadata,
    Column("name", String(16), primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("error", Text),
    Column("ok_at", UTCDateTime),
)
"""One row (``site``): when the site was last published, how, and when it last worked."""
