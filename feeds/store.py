"""The store: stories, dedup keys, file fingerprints and per-source state.

SQLAlchemy 2 Core, portable SQL only: SQLite (WAL) by default, PostgreSQL by
URL. The schema is versioned in the ``meta`` table and created or upgraded
when the store opens. Times are stored as naive UTC and read back aware.
A source's batch is written in one transaction.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
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
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.types import TypeDecorator

from feeds.dedup import Decision, Outcome, decide
from feeds.identity import Entry
from feeds.schedule import PollOutcome, next_poll_at
from sources.base import FileState, SourceSpec, SourceState
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
    retry_after: float | None = None
    min_interval: float | None = None
    failed: bool = False
    """Nothing could be collected: counts as a consecutive failure and backs off.
    A poll with partial problems keeps them in ``error`` but is not a failure."""


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
    def file_fingerprints(self, source: str | None = None) -> dict[str, str]:
        """Path → fingerprint of the files read before (of one source, or all)."""
        query = select(files.c.path, files.c.fingerprint)
        if source is not None:
            query = query.where(files.c.source == source)
        with self.engine.connect() as conn:
            return {row.path: row.fingerprint for row in conn.execute(query)}

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
                return self._save_batch(conn, source, entries, file_states, now)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot save {source}: {exc}") from exc

    def save_poll(
        self,
        entries: Sequence[Entry],
        file_states: Sequence[FileState],
        poll: PollRecord,
        *,
        jitter: float | None = None,
    ) -> BatchResult:
        """A poll's batch and its record (counters, validators, next poll) in one
        transaction: one commit per poll."""
        for attempt in (1, 2):
            try:
                with self.engine.begin() as conn:
                    result = BatchResult()
                    if entries or file_states:
                        result, _ = self._save_batch(conn, poll.name, entries, file_states, poll.at)
                    self._record_poll(conn, replace(poll, new=result.new), jitter)
                return result
            except IntegrityError as exc:
                # another worker stored one of these stories between our decision and
                # our insert: decide again, once
                if attempt == 2:
                    raise StoreError(f"cannot save {poll.name}: {exc}") from exc
            except SQLAlchemyError as exc:
                raise StoreError(f"cannot save {poll.name}: {exc}") from exc
        raise AssertionError("unreachable")

    def _save_batch(
        self,
        conn: Connection,
        source: str,
        entries: Sequence[Entry],
        file_states: Sequence[FileState],
        now: datetime,
    ) -> tuple[BatchResult, list[Decision]]:
        decisions = self._decide(conn, entries)
        counts = {o: 0 for o in Outcome}
        new_rows: list[dict[str, Any]] = []
        new_keys: list[dict[str, Any]] = []
        for position, d in enumerate(decisions):
            counts[d.outcome] += 1
            if d.outcome is Outcome.NEW:
                new_rows.append({**_row(d.entry, now), "position": position})
                new_keys.extend(
                    {"key": k, "item_id": d.entry.id, "created_at": now} for k in d.entry.keys
                )
            elif d.outcome is Outcome.UPDATED:
                self._update(conn, d.entry, now)
        if new_rows:
            conn.execute(items.insert(), new_rows)
            conn.execute(dedup_keys.insert(), new_keys)
        self._save_files(conn, source, file_states, now)
        result = BatchResult(
            new=counts[Outcome.NEW],
            updated=counts[Outcome.UPDATED],
            unchanged=counts[Outcome.UNCHANGED],
            duplicate=counts[Outcome.DUPLICATE],
        )
        return result, decisions

    def _decide(self, conn: Connection, entries: Sequence[Entry]) -> list[Decision]:
        ids = list({e.id for e in entries})
        sources_of = {e.item.source for e in entries}
        keys = list({k for e in entries for k in e.keys})
        revs: dict[str, str] = {}
        owners: dict[str, str] = {}
        for chunk in _chunks(ids):
            query = select(items.c.id, items.c.rev, items.c.source).where(items.c.id.in_(chunk))
            # a story another source brought first stays that source's: here it is a
            # duplicate (through its id key), not an edit that would move it between feeds
            revs.update((r.id, r.rev) for r in conn.execute(query) if r.source in sources_of)
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
    def record_poll(self, poll: PollRecord, *, jitter: float | None = None) -> datetime | None:
        """Record the outcome of polling a source: counters, validators, the next
        poll time (see ``feeds.schedule``) and the end of its lease. The source's
        row is created if new. Returns the next poll time (None: never again)."""
        try:
            with self.engine.begin() as conn:
                return self._record_poll(conn, poll, jitter)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot record the poll of {poll.name}: {exc}") from exc

    def _record_poll(
        self, conn: Connection, poll: PollRecord, jitter: float | None
    ) -> datetime | None:
        values: dict[str, Any] = {
            "kind": poll.kind,
            "location": poll.location,
            "every": poll.every,
            "last_poll_at": poll.at,
            "last_outcome": poll.outcome,
            "last_error": poll.error,
            "last_new": poll.new,
            "last_duration": poll.duration,
            "last_status": poll.status,
            "leased_until": None,
        }
        if poll.state is not None:
            values.update(
                etag=poll.state.etag,
                last_modified=poll.state.last_modified,
                moved_to=poll.state.moved_to,
                gone=poll.state.gone,
            )
        row = conn.execute(
            select(sources.c.failures, sources.c.gone).where(sources.c.name == poll.name)
        ).first()
        failures = (row.failures if row else 0) + 1 if poll.failed else 0
        gone = poll.state.gone if poll.state is not None else bool(row and row.gone)
        outcome = PollOutcome(
            every=poll.every,
            failures=failures,
            gone=gone,
            retry_after=poll.retry_after,
            min_interval=poll.min_interval,
        )
        upcoming = next_poll_at(poll.at, outcome, random.random() if jitter is None else jitter)
        values.update(failures=failures, next_poll_at=upcoming)
        if row is None:
            conn.execute(sources.insert().values(name=poll.name, active=True, **values))
        else:
            conn.execute(update(sources).where(sources.c.name == poll.name).values(**values))
        return upcoming

    def sync_sources(self, specs: Sequence[SourceSpec], now: datetime) -> None:
        """Make the sources table match the configuration: new sources are due now,
        a changed location starts afresh, removed sources stop being polled."""
        wanted = {spec.name: spec for spec in specs}
        with self.engine.begin() as conn:
            rows = {row.name: row for row in conn.execute(select(sources))}
            added = [spec for name, spec in wanted.items() if name not in rows]
            if added:
                conn.execute(
                    sources.insert(),
                    [
                        {
                            "name": spec.name,
                            "kind": spec.kind,
                            "location": spec.location,
                            "every": spec.every,
                            "next_poll_at": first_poll_at(now, spec.every, index, len(added)),
                            "active": True,
                            "failures": 0,
                            "gone": False,
                        }
                        for index, spec in enumerate(added)
                    ],
                )
            for name, spec in wanted.items():
                kind = spec.kind
                row = rows.get(name)
                if row is None:
                    continue
                values: dict[str, Any] = {"active": True, "every": spec.every, "kind": kind}
                if row.location != spec.location:
                    values.update(
                        location=spec.location,
                        next_poll_at=now,
                        etag=None,
                        last_modified=None,
                        moved_to=None,
                        gone=False,
                        failures=0,
                    )
                elif row.next_poll_at is None and not row.gone:
                    values["next_poll_at"] = now
                elif row.next_poll_at is not None and row.every != spec.every:
                    # a shorter interval takes effect now rather than after the old one
                    values["next_poll_at"] = min(
                        row.next_poll_at, (row.last_poll_at or now) + timedelta(seconds=spec.every)
                    )
                conn.execute(update(sources).where(sources.c.name == name).values(**values))
            removed = [name for name in rows if name not in wanted]
            for chunk in _chunks(removed):
                conn.execute(update(sources).where(sources.c.name.in_(chunk)).values(active=False))

    def claim_due(self, now: datetime, limit: int, lease: float) -> list[tuple[str, datetime]]:
        """Claim up to ``limit`` due sources for ``lease`` seconds, most overdue first.

        One ``UPDATE … RETURNING`` in one transaction; the inner SELECT locks with
        ``FOR UPDATE SKIP LOCKED`` where the database has it (PostgreSQL), so
        several workers never claim the same source. A lease left by a killed
        process expires and the source is claimed again.
        """
        due = (
            select(sources.c.name)
            .where(
                sources.c.active.is_(True),
                sources.c.gone.is_(False),
                sources.c.next_poll_at.is_not(None),
                sources.c.next_poll_at <= now,
                or_(sources.c.leased_until.is_(None), sources.c.leased_until < now),
            )
            .order_by(sources.c.next_poll_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claim = (
            update(sources)
            .where(sources.c.name.in_(due.scalar_subquery()))
            .values(leased_until=now + timedelta(seconds=lease))
            .returning(sources.c.name, sources.c.next_poll_at)
        )
        try:
            with self.engine.begin() as conn:
                rows = conn.execute(claim).all()
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot claim due sources: {exc}") from exc
        claimed = [(row.name, row.next_poll_at) for row in rows]  # aware: UTCDateTime
        return sorted(claimed, key=lambda pair: (pair[1], pair[0]))

    def not_due(self, now: datetime) -> set[str]:
        """Sources whose next poll is still ahead (their interval, a server's
        Retry-After or ttl, a backoff), or that are gone."""
        query = select(sources.c.name).where(
            or_(sources.c.gone.is_(True), sources.c.next_poll_at > now)
        )
        with self.engine.connect() as conn:
            return set(conn.execute(query).scalars())

    def release(self, names: Sequence[str]) -> None:
        """Give back leases without polling (a stopping daemon)."""
        with self.engine.begin() as conn:
            for chunk in _chunks(list(names)):
                conn.execute(
                    update(sources).where(sources.c.name.in_(chunk)).values(leased_until=None)
                )

    def source_rows(self) -> list[dict[str, Any]]:
        """Every source row with its stored item count (for ``nashra status``)."""
        counts = dict(
            (r[0], r[1])
            for r in self._all(select(items.c.source, func.count()).group_by(items.c.source))
        )
        rows = []
        for row in self._all(select(sources).order_by(sources.c.name)):
            data = dict(row._mapping)
            data["total"] = int(counts.get(row.name, 0))
            rows.append(data)
        return rows

    def _all(self, query: Any) -> list[Any]:
        with self.engine.connect() as conn:
            return list(conn.execute(query))

    # -- retention -----------------------------------------------------------------
    def expire(self, stories_before: datetime, keys_before: datetime) -> tuple[int, int]:
        """Drop stories older than ``stories_before`` from the working set, and dedup
        keys older than ``keys_before`` whose story is gone (keys outlive stories so
        an old story re-appearing upstream is not new again)."""
        with self.engine.begin() as conn:
            gone_items = conn.execute(
                items.delete().where(items.c.sort_date < stories_before)
            ).rowcount
            live = select(items.c.id)
            gone_keys = conn.execute(
                dedup_keys.delete().where(
                    dedup_keys.c.created_at < keys_before, dedup_keys.c.item_id.not_in(live)
                )
            ).rowcount
        return int(gone_items or 0), int(gone_keys or 0)

    def source_states(self, source: str | None = None) -> dict[str, SourceState]:
        """What each source (or one) remembered from its last poll."""
        query = select(
            sources.c.name,
            sources.c.etag,
            sources.c.last_modified,
            sources.c.moved_to,
            sources.c.gone,
        )
        if source is not None:
            query = query.where(sources.c.name == source)
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
            # stories of one date keep the order their source gave (a bulletin's lead first)
            .order_by(items.c.sort_date.desc(), items.c.position, items.c.id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [_stored(row._mapping) for row in conn.execute(query)]

    def known_urls(self, urls: Sequence[str]) -> set[str]:
        """Which of these story URLs the store already holds."""
        found: set[str] = set()
        with self.engine.connect() as conn:
            for chunk in _chunks(list(dict.fromkeys(urls))):
                query = select(items.c.url).where(items.c.url.in_(chunk))
                found.update(url for url in conn.execute(query).scalars() if url)
        return found

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


SPREAD_ABOVE = 100
"""More sources than this added at once have their first polls spread over their interval."""


def first_poll_at(now: datetime, every: float, index: int, count: int) -> datetime:
    """When a newly configured source is first polled: now, unless many sources were
    added together, whose first polls are then spread evenly over their interval so
    that thousands of new sources do not all fall due in the same second."""
    if count <= SPREAD_ABOVE:
        return now
    return now + timedelta(seconds=every * index / count)


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
