"""The store's tables as this nashra reads and writes them (the newest schema).

The database gets them from the migrations (``migrations/versions/``), never from
these definitions: a migration is a frozen copy of what changed, these are what
the code queries. ``tests/test_migrations.py`` checks that both agree on every
database.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeDecorator

from sources.item import Enclosure

SCHEMA_VERSION = 10
"""The number of the newest migration (``migrations/versions/0010_….py``), also
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


class EpochSeconds(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; whole seconds since 1970 in the
    database (8 bytes at most where a date text takes 26)."""

    impl = BigInteger()
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        return int(value.timestamp())

    def process_result_value(self, value: int | None, dialect: Dialect) -> datetime | None:
        return None if value is None else datetime.fromtimestamp(value, UTC)


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
    Column("enclosures", Text),  # JSON [[url, type, length], …]; NULL when none
    Column("published", UTCDateTime),
    Column("updated", UTCDateTime),
    Column("first_seen", UTCDateTime, nullable=False),
    Column("sort_date", UTCDateTime, nullable=False),
    Column("rev", String(64), nullable=False),
    Column("position", Integer, nullable=False, default=0),
    Column("content_key", String(64), nullable=False),
    Column("slug", String(64), nullable=False, unique=True),
    Column("page_rev", String(64)),
    # the body's shingle set (feeds.near.pack); NULL for a short body
    Column("shingles", LargeBinary),
    # the id of the representative this story merged into; NULL for a representative
    Column("cluster", Text),
    # the priority of the story's source when it was stored (NULL: 0)
    Column("priority", Integer),
    # changes when the entry shows more than the story's own revision: the stories
    # merged into it, another member's content, its withdrawal
    Column("shown_rev", String(64)),
    Column("withdrawn_at", UTCDateTime),
    # the story's key in near_bands (feeds.store.clusters.near_key); NULL without bands
    Column("near_key", BigInteger),
    Index("ix_items_source_date", "source", "sort_date"),
    Index("ix_items_sort_date", "sort_date"),
    Index("ix_items_cluster", "cluster"),
    Index("ix_items_source_origin", "source", "origin"),
    Index("ix_items_near_key", "near_key"),
)

near_bands = Table(
    "near_bands",
    metadata,
    Column("bucket", BigInteger, primary_key=True, autoincrement=False),
    Column("band", BigInteger, primary_key=True, autoincrement=False),
    Column("first_seen", EpochSeconds, primary_key=True, autoincrement=False),
    Column("item_key", BigInteger, primary_key=True, autoincrement=False),
    sqlite_with_rowid=False,
)
"""The LSH bands of every story of a ``near`` source with a fingerprint
(``feeds.near``): candidates of a new story are the stories sharing one of its
bands, first seen within the window. A row is four integers: the story's time
bucket (its first-seen second over ``clusters.BUCKET_SECONDS``), the band, the
first-seen second and the story's ``items.near_key`` rather than its id. The primary key is
the only index (on SQLite the table is that index), and it leads with the bucket:
a new story's rows land in the newest bucket, a few pages that stay in the cache,
rather than on pages all over the index; a lookup seeks each band in each bucket
of the window; the rows that fell out of the window go a bucket at a time, from
the start of the key (``clusters.keep_bands``)."""

feed_items = Table(
    "feed_items",
    metadata,
    Column("feed", Text, primary_key=True),
    Column("item_id", Text, primary_key=True),
    Column("sort_date", UTCDateTime, nullable=False),
    Column("position", Integer, nullable=False, default=0),
    Index("ix_feed_items_order", "feed", "sort_date", "position", "item_id"),
    Index("ix_feed_items_item", "item_id"),
)
"""The index of the topic and tag feeds (``feeds.store.topics``): which stories a
feed with ``tags``/``match``/``exclude`` lists (``feed`` its name), and which
stories have a tag (``feed`` ``#`` and the tag's slug), decided when each story
is stored. ``sort_date`` and ``position`` are the story's, so a feed's newest
are read in the index's order."""

topic_feeds = Table(
    "topic_feeds",
    metadata,
    Column("feed", Text, primary_key=True),
    Column("fingerprint", String(64), nullable=False),
)
"""The selection each feed's ``feed_items`` rows were made by: a feed whose
selection changed (or that is new) is indexed again over every stored story."""

changes = Table(
    "changes",
    metadata,
    Column("key", Text, primary_key=True),
    Column("token", String(32), nullable=False),
)
"""What a feed is made of changed (``feeds.store.changes``): per source
(``source:`` and its name) and per topic or tag feed (its ``feed_items`` key), a
new random token each time a story it lists, or could list, is stored, edited,
merged into, withdrawn or expired. A publisher compares the tokens with those it
last rendered a feed from, and renders only the feeds whose tokens changed."""

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


nodes = Table(
    "nodes",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("host", Text, nullable=False),
    Column("pid", Integer, nullable=False),
    Column("started", UTCDateTime, nullable=False),
    Column("heartbeat", UTCDateTime, nullable=False),
    Column("polls", Integer, nullable=False, default=0),
)
"""The ``nashra run`` processes sharing the store (``feeds.store.nodes``): one row
per process, ``id`` its holder mark (``feeds.node.holder``, as in a source's
``leased_by``), its role, machine and process id, when it started, its last
heartbeat and how many polls it finished in the minute before it."""


def content_of(row: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a story's content from an ``items`` row's mapping, as
    ``StoredItem`` keeps them (tags decoded from JSON)."""
    return {
        "source": row["source"],
        "title": row["title"],
        "summary": row["summary"],
        "body": row["body"],
        "url": row["url"],
        "author": row["author"],
        "tags": tuple(json.loads(row["tags"])),
        "language": row["language"],
        "image": row["image"],
        "enclosures": decode_enclosures(row["enclosures"]),
    }


def encode_enclosures(enclosures: Sequence[Enclosure]) -> str | None:
    """The ``enclosures`` column of a story: JSON, or NULL when it has none."""
    if not enclosures:
        return None
    return json.dumps([[e.url, e.type, e.length] for e in enclosures], ensure_ascii=False)


def decode_enclosures(value: str | None) -> tuple[Enclosure, ...]:
    if not value:
        return ()
    return tuple(Enclosure(url, kind, length) for url, kind, length in json.loads(value))


Binder = Callable[[Sequence[Any]], tuple[Any, ...]]
"""Turns a row of Python values (in a statement's column order) into the driver's."""


@lru_cache(maxsize=64)
def binder(table: Table, columns: tuple[str, ...], dialect: Dialect) -> Binder:
    """The values of a row for ``columns`` of ``table`` as the driver takes them,
    converted as SQLAlchemy converts them (each column's type's bind processor:
    ``UTCDateTime``'s naive UTC, SQLite's date text), for the few hot statements sent
    with ``exec_driver_sql``: the same bytes in the database, without building
    SQLAlchemy parameters row by row."""
    steps = [
        (i, process)
        for i, name in enumerate(columns)
        if (process := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None
    ]

    def bind(values: Sequence[Any]) -> tuple[Any, ...]:
        if not steps:
            return tuple(values)
        out = list(values)
        for i, process in steps:
            out[i] = process(out[i])
        return tuple(out)

    return bind
