"""The store: stories, dedup keys, file fingerprints and per-source state.

SQLAlchemy 2 Core, portable SQL only: SQLite (WAL) by default, PostgreSQL by
URL. The schema is versioned in the ``meta`` table and created or upgraded
when the store opens. Times are stored as naive UTC and read back aware.
A source's batch is written in one transaction.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Dialect,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    create_engine,
    event,
    func,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.types import TypeDecorator

from feeds.dedup import Decision, Outcome, decide
from feeds.identity import Entry
from sources.base import FileState, SourceState
from sources.errors import StoreError

SCHEMA_VERSION = 1


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

items = Table(
    "items",
    metadata,
    Column("id", String(1024), primary_key=True),
    Column("source", String(64), nullable=False),
    Column("origin", Text, nullable=False, default=""),
    Column("title", Text, nullable=False),
    Column("summary", Text, nullable=False, default=""),
    Column("body", Text, nullable=False, default=""),
    Column("url", Text),
    Column("author", Text),
    Column("tags", Text, nullable=False, default="[]"),
    Column("language", String(16), nullable=False, default="ar"),
    Column("image", Text),
    Column("published", UTCDateTime),
    Column("updated", UTCDateTime),
    Column("first_seen", UTCDateTime, nullable=False),
    Column("sort_date", UTCDateTime, nullable=False),
    Column("rev", String(64), nullable=False),
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
    Column("item_id", String(1024), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

files = Table(
    "files",
    metadata,
    Column("path", String(1024), primary_key=True),
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
    Column("etag", Text),
    Column("last_modified", Text),
    Column("moved_to", Text),
    Column("gone", Boolean, nullable=False, default=False),
    Column("failures", Integer, nullable=False, default=0),
    Column("last_poll_at", UTCDateTime),
    Column("last_outcome", String(32)),
    Column("last_status", Integer),
    Column("last_error", Text),
    Column("last_new", Integer, nullable=False, default=0),
    Column("last_duration", Float),
    Index("ix_sources_next_poll", "next_poll_at"),
)


@dataclass(frozen=True, slots=True)
class StoredItem:
    """A story as the store holds it, ready to render."""

    id: str
    source: str
    title: str
    summary: str
    body: str
    url: str | None
    author: str | None
    tags: tuple[str, ...]
    language: str
    image: str | None
    published: datetime
    """The source's date, or the time the story was first seen."""
    updated: datetime
    first_seen: datetime
    slug: str
    rev: str
    page_rev: str | None


@dataclass(frozen=True, slots=True)
class BatchResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate: int = 0


@dataclass(frozen=True, slots=True)
class PollRecord:
    """The outcome of collecting one source once."""

    name: str
    kind: str
    location: str
    every: float
    at: datetime
    outcome: str
    new: int = 0
    error: str | None = None
    duration: float = 0.0
    status: int | None = None
    state: SourceState | None = None
    """Validators and redirects to remember; None keeps what is stored."""


def _chunks(values: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def default_database(base_dir: str) -> str:
    return f"sqlite:///{Path(base_dir) / '.state' / 'nashra.db'}"


class Store:
    """Reads and writes the store. Open with ``Store.open(url)``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str, *, base_dir: str = ".") -> Store:
        url = url or default_database(base_dir)
        if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
            relative = url.removeprefix("sqlite:///")
            if relative and relative != ":memory:" and not os.path.isabs(relative):
                url = f"sqlite:///{Path(base_dir) / relative}"
        try:
            if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
                Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url)
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", _sqlite_pragmas)
            store = cls(engine)
            store.migrate()
        except (SQLAlchemyError, OSError) as exc:
            raise StoreError(f"cannot open the store {_safe(url)}: {exc}") from exc
        return store

    def close(self) -> None:
        self.engine.dispose()

    # -- schema -------------------------------------------------------------
    def migrate(self) -> None:
        with self.engine.begin() as conn:
            metadata.create_all(conn, tables=[meta])
            row = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).first()
            version = int(row[0]) if row else 0
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"the store has schema version {version}, newer than this nashra "
                    f"({SCHEMA_VERSION}): upgrade nashra"
                )
            if version < 1:
                metadata.create_all(conn)
                conn.execute(meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
                now = datetime.now(UTC).isoformat()
                conn.execute(meta.insert().values(key="created_at", value=now))

    def created_at(self) -> datetime:
        with self.engine.connect() as conn:
            value = conn.execute(
                select(meta.c.value).where(meta.c.key == "created_at")
            ).scalar_one()
        return datetime.fromisoformat(value)

    # -- files --------------------------------------------------------------
    def file_fingerprints(self) -> dict[str, str]:
        with self.engine.connect() as conn:
            return {row.path: row.fingerprint for row in conn.execute(select(files))}

    # -- writing a batch ------------------------------------------------------
    def save_batch(
        self,
        source: str,
        entries: Sequence[Entry],
        file_states: Sequence[FileState] = (),
        *,
        now: datetime,
    ) -> tuple[BatchResult, list[Decision]]:
        """Store one source's entries and file fingerprints in one transaction."""
        try:
            with self.engine.begin() as conn:
                decisions = self._decide(conn, entries)
                counts = {o: 0 for o in Outcome}
                new_rows: list[dict[str, Any]] = []
                new_keys: list[dict[str, Any]] = []
                for d in decisions:
                    counts[d.outcome] += 1
                    if d.outcome is Outcome.NEW:
                        new_rows.append(_row(d.entry, now))
                        new_keys.extend(
                            {"key": k, "item_id": d.entry.id, "created_at": now}
                            for k in d.entry.keys
                        )
                    elif d.outcome is Outcome.UPDATED:
                        self._update(conn, d.entry, now)
                if new_rows:
                    conn.execute(items.insert(), new_rows)
                    conn.execute(dedup_keys.insert(), new_keys)
                self._save_files(conn, source, file_states, now)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot save {source}: {exc}") from exc
        result = BatchResult(
            new=counts[Outcome.NEW],
            updated=counts[Outcome.UPDATED],
            unchanged=counts[Outcome.UNCHANGED],
            duplicate=counts[Outcome.DUPLICATE],
        )
        return result, decisions

    def _decide(self, conn: Connection, entries: Sequence[Entry]) -> list[Decision]:
        ids = list({e.id for e in entries})
        keys = list({k for e in entries for k in e.keys})
        revs: dict[str, str] = {}
        owners: dict[str, str] = {}
        for chunk in _chunks(ids):
            revs.update(
                (r[0], r[1])
                for r in conn.execute(select(items.c.id, items.c.rev).where(items.c.id.in_(chunk)))
            )
        for chunk in _chunks(keys):
            query = select(dedup_keys.c.key, dedup_keys.c.item_id).where(
                dedup_keys.c.key.in_(chunk)
            )
            owners.update((r[0], r[1]) for r in conn.execute(query))
        return decide(entries, revs, owners)

    def _update(self, conn: Connection, entry: Entry, now: datetime) -> None:
        old = conn.execute(
            select(items.c.first_seen, items.c.published).where(items.c.id == entry.id)
        ).one()
        row = _row(entry, old.first_seen)
        row.pop("first_seen")
        row.pop("id")
        row["updated"] = entry.item.updated or now
        if entry.item.published is None:
            row["published"] = old.published
            row["sort_date"] = old.published or old.first_seen
        conn.execute(update(items).where(items.c.id == entry.id).values(**row))
        known = set(
            conn.execute(select(dedup_keys.c.key).where(dedup_keys.c.key.in_(entry.keys))).scalars()
        )
        fresh = [
            {"key": k, "item_id": entry.id, "created_at": now} for k in entry.keys if k not in known
        ]
        if fresh:
            conn.execute(dedup_keys.insert(), fresh)

    def _save_files(
        self, conn: Connection, source: str, states: Sequence[FileState], now: datetime
    ) -> None:
        if not states:
            return
        paths = [s.path for s in states]
        for chunk in _chunks(paths):
            conn.execute(files.delete().where(files.c.path.in_(chunk)))
        conn.execute(
            files.insert(),
            [
                {"path": s.path, "source": source, "fingerprint": s.fingerprint, "seen_at": now}
                for s in states
            ],
        )

    # -- sources ----------------------------------------------------------------
    def record_poll(self, poll: PollRecord) -> None:
        """Record the outcome of collecting a source (its row is created if new)."""
        values = {
            "kind": poll.kind,
            "location": poll.location,
            "every": poll.every,
            "last_poll_at": poll.at,
            "last_outcome": poll.outcome,
            "last_error": poll.error,
            "last_new": poll.new,
            "last_duration": poll.duration,
            "last_status": poll.status,
        }
        if poll.state is not None:
            values.update(
                etag=poll.state.etag,
                last_modified=poll.state.last_modified,
                moved_to=poll.state.moved_to,
                gone=poll.state.gone,
            )
        try:
            with self.engine.begin() as conn:
                row = conn.execute(
                    select(sources.c.failures).where(sources.c.name == poll.name)
                ).first()
                failures = 0 if poll.error is None else (row.failures if row else 0) + 1
                if row is None:
                    conn.execute(
                        sources.insert().values(name=poll.name, failures=failures, **values)
                    )
                else:
                    conn.execute(
                        update(sources)
                        .where(sources.c.name == poll.name)
                        .values(failures=failures, **values)
                    )
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot record the poll of {poll.name}: {exc}") from exc

    def source_states(self) -> dict[str, SourceState]:
        """What each source remembered from its last poll."""
        query = select(
            sources.c.name, sources.c.etag, sources.c.last_modified, sources.c.moved_to, sources.c.gone
        )
        with self.engine.connect() as conn:
            return {
                row.name: SourceState(row.etag, row.last_modified, row.moved_to, bool(row.gone))
                for row in conn.execute(query)
            }

    # -- reading ----------------------------------------------------------------
    def latest(self, source_names: Sequence[str], limit: int) -> list[StoredItem]:
        """The newest stories of these sources, newest first."""
        if not source_names:
            return []
        query = (
            select(items)
            .where(items.c.source.in_(list(source_names)))
            .order_by(items.c.sort_date.desc(), items.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [_stored(row._mapping) for row in conn.execute(query)]

    def count(self, source_names: Sequence[str] | None = None) -> int:
        query = select(func.count()).select_from(items)
        if source_names is not None:
            query = query.where(items.c.source.in_(list(source_names)))
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def pages_due(self, fingerprint: str, existing: set[str]) -> Iterator[StoredItem]:
        """Stories without a URL whose permalink page is missing or out of date.
        ``existing``: the file names already in the stories folder."""
        light = select(items.c.id, items.c.slug, items.c.rev, items.c.page_rev).where(
            items.c.url.is_(None)
        )
        with self.engine.connect() as conn:
            due = [
                row.id
                for row in conn.execute(light)
                if row.page_rev != page_rev(row.rev, fingerprint)
                or f"{row.slug}.html" not in existing
            ]
            for chunk in _chunks(due):
                for row in conn.execute(select(items).where(items.c.id.in_(chunk))):
                    yield _stored(row._mapping)

    def mark_pages(self, done: Sequence[tuple[str, str]]) -> None:
        """Record (id, page_rev) for pages written."""
        if not done:
            return
        statement = (
            update(items)
            .where(items.c.id == bindparam("ident"))
            .values(page_rev=bindparam("new_page_rev"))
        )
        with self.engine.begin() as conn:
            conn.execute(statement, [{"ident": i, "new_page_rev": r} for i, r in done])


def page_rev(rev: str, fingerprint: str) -> str:
    """What a story's page was rendered from: its revision and the pages' settings."""
    return f"{rev[:40]}-{fingerprint[:16]}"


def _row(entry: Entry, first_seen: datetime) -> dict[str, Any]:
    item = entry.item
    return {
        "id": entry.id,
        "source": item.source,
        "origin": item.origin,
        "title": item.title,
        "summary": item.summary,
        "body": item.body,
        "url": item.url,
        "author": item.author,
        "tags": json.dumps(list(item.tags), ensure_ascii=False),
        "language": item.language,
        "image": item.image,
        "published": item.published,
        "updated": item.updated,
        "first_seen": first_seen,
        "sort_date": item.published or first_seen,
        "rev": entry.rev,
        "content_key": entry.content_key,
        "slug": entry.slug,
    }


def _stored(row: Any) -> StoredItem:
    published = row["published"] or row["first_seen"]
    return StoredItem(
        id=row["id"],
        source=row["source"],
        title=row["title"],
        summary=row["summary"],
        body=row["body"],
        url=row["url"],
        author=row["author"],
        tags=tuple(json.loads(row["tags"])),
        language=row["language"],
        image=row["image"],
        published=published,
        updated=max(row["updated"] or published, published),
        first_seen=row["first_seen"],
        slug=row["slug"],
        rev=row["rev"],
        page_rev=row["page_rev"],
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _safe(url: str) -> str:
    """A database URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url
