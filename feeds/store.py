"""The store: stories, dedup keys, file fingerprints and per-source state.

SQLAlchemy 2 Core, portable SQL only: SQLite (WAL) by default, PostgreSQL by
URL. The schema (``feeds.schema``) is versioned in the ``meta`` table and
created or upgraded when the store opens, by one process at a time. Times are
stored as naive UTC and read back aware. A source's batch is written in one
transaction.

Many writers may save at once (threads, processes, both databases): a writer
claims a story's dedup keys with insert-or-ignore before storing it, so that of
two sources bringing the same story at the same moment one stores it and the
other counts a duplicate. On SQLite a write transaction also takes the write
lock when it begins (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

import functools
import inspect
import json
import random
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from sqlalchemy import Engine, Table, bindparam, create_engine, event, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.sql.dml import Insert

from feeds.dedup import Decision, Outcome, decide
from feeds.identity import Entry
from feeds.schedule import PollOutcome, next_poll_at
from feeds.schema import (
    SCHEMA_VERSION,
    dedup_keys,
    files,
    items,
    meta,
    metadata,
    publishes,
    sources,
)
from sources.base import FileState, SourceSpec, SourceState
from sources.errors import StoreError


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


@dataclass(frozen=True, slots=True)
class PublishRecord:
    """The outcome of publishing the site (see ``Store.record_publish``)."""

    at: datetime
    """The last attempt."""
    error: str | None
    """Why the last attempt failed; None: it worked."""
    ok_at: datetime | None
    """The last attempt that worked; None: none has yet."""


def _chunks(values: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def default_database(base_dir: str) -> str:
    return f"sqlite:///{Path(base_dir) / '.state' / 'nashra.db'}"


DRIVER_HINT = "PostgreSQL needs its driver: pip install 'nashra[postgres]'"
SAVE_ATTEMPTS = 5
"""A batch that meets a deadlock or a serialization failure is written again, this often."""
_WRITE = "nashra_write"
"""Execution option of a write transaction (SQLite: ``BEGIN IMMEDIATE``)."""
_SCHEMA_LOCK = 0x6E617368
"""PostgreSQL advisory lock held while the schema is created or upgraded."""
_SITE = "site"

P = ParamSpec("P")
R = TypeVar("R")


def _boundary(
    what: str,
) -> Callable[[Callable[Concatenate[Store, P], R]], Callable[Concatenate[Store, P], R]]:
    """Translate database and file errors of a public Store method into one StoreError
    naming the database; ``what`` (formatted with the call's arguments) says what was
    being done. Generators are guarded while they run."""

    def wrap(method: Callable[Concatenate[Store, P], R]) -> Callable[Concatenate[Store, P], R]:
        signature = inspect.signature(method)

        def doing(store: Store, args: Any, kwargs: Any) -> str:
            return what.format(**signature.bind(store, *args, **kwargs).arguments)

        if inspect.isgeneratorfunction(method):

            @functools.wraps(method)
            def generate(store: Store, *args: P.args, **kwargs: P.kwargs) -> Any:
                with store.errors(doing(store, args, kwargs)):
                    yield from cast(Iterator[Any], method(store, *args, **kwargs))

            return cast("Callable[Concatenate[Store, P], R]", generate)

        @functools.wraps(method)
        def call(store: Store, *args: P.args, **kwargs: P.kwargs) -> R:
            with store.errors(doing(store, args, kwargs)):
                return method(store, *args, **kwargs)

        return cast("Callable[Concatenate[Store, P], R]", call)

    return wrap


class Store:
    """Reads and writes the store. Open with ``Store.open(url)``.

    Every public method raises ``StoreError`` (naming the database, without its
    password) when the database cannot be opened, read or written."""

    def __init__(self, engine: Engine, name: str | None = None) -> None:
        self.engine = engine
        self.name = name or engine.url.render_as_string(hide_password=True)

    @classmethod
    def open(cls, url: str, *, base_dir: str = ".") -> Store:
        """Open (creating or upgrading) the store at a SQLAlchemy URL; a relative
        SQLite path is under ``base_dir``, and its folder is created."""
        url = _driver_url(url or default_database(base_dir))
        name = _safe(url)
        try:
            parsed = make_url(url)
            database = parsed.database or ""
            if parsed.get_backend_name() == "sqlite" and database not in ("", ":memory:"):
                path = Path(base_dir, database)
                parsed = parsed.set(database=str(path))
                query = url.split("?", 1)[1] if "?" in url else ""
                name = f"sqlite:///{path}" + (f"?{query}" if query else "")
                path.parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(parsed, **_engine_options(parsed))
        except ImportError as exc:
            hint = DRIVER_HINT if url.startswith("postgresql") else f"no driver ({exc.name})"
            raise StoreError(f"cannot open the store {name}: {hint}") from exc
        except NoSuchModuleError as exc:
            raise StoreError(
                f"cannot open the store {name}: not a kind of database nashra knows "
                "(sqlite:///PATH or postgresql://USER@HOST/NAME)"
            ) from exc
        except (SQLAlchemyError, OSError) as exc:
            raise StoreError(f"cannot open the store {name}: {_reason(exc)}") from exc
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", _sqlite_begin)
        store = cls(engine, name)
        try:
            store.migrate()
        except StoreError:
            engine.dispose()
            raise
        return store

    @contextmanager
    def errors(self, doing: str) -> Iterator[None]:
        """The error boundary: database and file errors become one StoreError."""
        try:
            yield
        except (SQLAlchemyError, OSError) as exc:
            raise StoreError(f"cannot {doing} {self.name}: {_reason(exc)}") from exc

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction. On SQLite it holds the write lock from its start
        (``BEGIN IMMEDIATE``), so what it reads stays true until it commits."""
        with self.engine.connect() as conn:
            conn.execution_options(**{_WRITE: True})
            with conn.begin():
                yield conn

    @_boundary("close the store")
    def close(self) -> None:
        self.engine.dispose()

    # -- schema -------------------------------------------------------------
    @_boundary("open the store")
    def migrate(self) -> None:
        """Create the tables of a new store or upgrade an older one. Safe when
        several processes open a new store at once: one creates, the others wait."""
        with self._write() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(select(func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
            metadata.create_all(conn, tables=[meta])
            row = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).first()
            version = int(row[0]) if row else 0
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"the store {self.name} has schema version {version}, newer than this "
                    f"nashra ({SCHEMA_VERSION}): upgrade nashra"
                )
            if version == SCHEMA_VERSION:
                return
            metadata.create_all(conn)  # every table of a new store, or those added since
            if version == 0:
                conn.execute(meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
                now = datetime.now(UTC).isoformat()
                conn.execute(meta.insert().values(key="created_at", value=now))
            else:
                conn.execute(
                    update(meta)
                    .where(meta.c.key == "schema_version")
                    .values(value=str(SCHEMA_VERSION))
                )

    @_boundary("read the store")
    def created_at(self) -> datetime:
        with self.engine.connect() as conn:
            value = conn.execute(
                select(meta.c.value).where(meta.c.key == "created_at")
            ).scalar_one()
        return datetime.fromisoformat(value)

    # -- publishing -----------------------------------------------------------
    @_boundary("record the publish in the store")
    def record_publish(self, at: datetime, error: str | None) -> None:
        """Record an attempt to publish the site: ``error`` None when it worked."""
        with self._write() as conn:
            conn.execute(
                _insert_ignoring(conn, publishes).values(name=_SITE, at=at, error=error, ok_at=None)
            )
            values: dict[str, Any] = {"at": at, "error": error}
            if error is None:
                values["ok_at"] = at
            conn.execute(update(publishes).where(publishes.c.name == _SITE).values(**values))

    @_boundary("read the store")
    def last_publish(self) -> PublishRecord | None:
        """The last attempt to publish the site and the last that worked; None: never."""
        query = select(publishes.c.at, publishes.c.error, publishes.c.ok_at).where(
            publishes.c.name == _SITE
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else PublishRecord(row.at, row.error, row.ok_at)

    # -- files --------------------------------------------------------------
    @_boundary("read the store")
    def file_fingerprints(self, source: str | None = None) -> dict[str, str]:
        """Path → fingerprint of the files read before (of one source, or all)."""
        query = select(files.c.path, files.c.fingerprint)
        if source is not None:
            query = query.where(files.c.source == source)
        with self.engine.connect() as conn:
            return {row.path: row.fingerprint for row in conn.execute(query)}

    # -- writing a batch ------------------------------------------------------
    @_boundary("save {source} in the store")
    def save_batch(
        self,
        source: str,
        entries: Sequence[Entry],
        file_states: Sequence[FileState] = (),
        *,
        now: datetime,
    ) -> tuple[BatchResult, list[Decision]]:
        """Store one source's entries and file fingerprints in one transaction."""

        def write(conn: Connection) -> tuple[BatchResult, list[Decision]]:
            return self._save_batch(conn, source, entries, file_states, now)

        return self._retrying(write)

    @_boundary("save {poll.name} in the store")
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

        def write(conn: Connection) -> BatchResult:
            result = BatchResult()
            if entries or file_states:
                result, _ = self._save_batch(conn, poll.name, entries, file_states, poll.at)
            self._record_poll(conn, replace(poll, new=result.new), jitter)
            return result

        return self._retrying(write)

    def _retrying(self, write: Callable[[Connection], R]) -> R:
        """Run ``write`` in a write transaction; again, a bounded number of times, when
        the database chose it as the victim of a deadlock or serialization failure."""
        for attempt in range(1, SAVE_ATTEMPTS + 1):
            try:
                with self._write() as conn:
                    return write(conn)
            except DBAPIError as exc:
                if attempt == SAVE_ATTEMPTS or not _transient(exc):
                    raise
                time.sleep(random.uniform(0, 0.05 * attempt))
        raise AssertionError("unreachable")

    def _save_batch(
        self,
        conn: Connection,
        source: str,
        entries: Sequence[Entry],
        file_states: Sequence[FileState],
        now: datetime,
    ) -> tuple[BatchResult, list[Decision]]:
        decisions = self._claim(conn, self._decide(conn, entries), now)
        counts = {o: 0 for o in Outcome}
        new_rows: list[dict[str, Any]] = []
        for position, d in enumerate(decisions):
            counts[d.outcome] += 1
            if d.outcome is Outcome.NEW:
                new_rows.append({**_row(d.entry, now), "position": position})
            elif d.outcome is Outcome.UPDATED:
                self._update(conn, d.entry, now)
        if new_rows:
            conn.execute(items.insert(), new_rows)
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
        for chunk in _chunks(ids):
            query = select(items.c.id, items.c.rev, items.c.source).where(items.c.id.in_(chunk))
            # a story another source brought first stays that source's: here it is a
            # duplicate (through its id key), not an edit that would move it between feeds
            revs.update((r.id, r.rev) for r in conn.execute(query) if r.source in sources_of)
        return decide(entries, revs, self._owners(conn, keys))

    def _owners(self, conn: Connection, keys: Sequence[str]) -> dict[str, str]:
        owners: dict[str, str] = {}
        for chunk in _chunks(keys):
            query = select(dedup_keys.c.key, dedup_keys.c.item_id).where(
                dedup_keys.c.key.in_(chunk)
            )
            owners.update((r[0], r[1]) for r in conn.execute(query))
        return owners

    def _claim(self, conn: Connection, decisions: list[Decision], now: datetime) -> list[Decision]:
        """Claim the dedup keys of the new and edited stories: insert-or-ignore, in key
        order (concurrent batches then never wait on each other in a cycle). A new
        story is stored only if every one of its keys is this batch's; a story whose
        key another writer took meanwhile (the same story from another source, at the
        same moment) becomes a duplicate of it, and gives back the keys it took."""
        wanted: dict[str, str] = {}
        for d in decisions:
            if d.outcome in (Outcome.NEW, Outcome.UPDATED):
                for key in d.entry.keys:
                    wanted.setdefault(key, d.entry.id)
        if not wanted:
            return decisions
        rows = [{"key": k, "item_id": wanted[k], "created_at": now} for k in sorted(wanted)]
        claim = _insert_ignoring(conn, dedup_keys).returning(dedup_keys.c.key)
        taken = set(conn.execute(claim, rows).scalars())
        lost = {
            d.entry.id: d
            for d in decisions
            if d.outcome is Outcome.NEW and not all(k in taken for k in d.entry.keys)
        }
        if not lost:
            return decisions
        owners = self._owners(
            conn, [k for d in lost.values() for k in d.entry.keys if k not in taken]
        )
        give_back = [k for d in lost.values() for k in d.entry.keys if k in taken]
        for chunk in _chunks(give_back):
            conn.execute(dedup_keys.delete().where(dedup_keys.c.key.in_(chunk)))
        settled: list[Decision] = []
        for d in decisions:
            if d.outcome is Outcome.NEW and d.entry.id in lost:
                other = next((owners[k] for k in d.entry.keys if k in owners), None)
                d = replace(d, outcome=Outcome.DUPLICATE, duplicate_of=other)
            settled.append(d)
        return settled

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
    @_boundary("record the poll of {poll.name} in the store")
    def record_poll(self, poll: PollRecord, *, jitter: float | None = None) -> datetime | None:
        """Record the outcome of polling a source: counters, validators, the next
        poll time (see ``feeds.schedule``) and the end of its lease. The source's
        row is created if new. Returns the next poll time (None: never again)."""
        with self._write() as conn:
            return self._record_poll(conn, poll, jitter)

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
        # a source polled before it is configured (``nashra once``) gets its row here,
        # whoever else records it at the same moment; the row is then locked (where
        # the database can) so that consecutive failures are counted once each
        conn.execute(
            _insert_ignoring(conn, sources).values(
                name=poll.name,
                kind=poll.kind,
                location=poll.location,
                every=poll.every,
                active=True,
                failures=0,
                gone=False,
            )
        )
        row = conn.execute(
            select(sources.c.failures, sources.c.gone)
            .where(sources.c.name == poll.name)
            .with_for_update()
        ).one()
        failures = row.failures + 1 if poll.failed else 0
        gone = poll.state.gone if poll.state is not None else bool(row.gone)
        outcome = PollOutcome(
            every=poll.every,
            failures=failures,
            gone=gone,
            retry_after=poll.retry_after,
            min_interval=poll.min_interval,
        )
        upcoming = next_poll_at(poll.at, outcome, random.random() if jitter is None else jitter)
        values.update(failures=failures, next_poll_at=upcoming)
        conn.execute(update(sources).where(sources.c.name == poll.name).values(**values))
        return upcoming

    @_boundary("update the sources in the store")
    def sync_sources(self, specs: Sequence[SourceSpec], now: datetime) -> None:
        """Make the sources table match the configuration: new sources are due now,
        a changed location starts afresh, removed sources stop being polled."""
        wanted = {spec.name: spec for spec in specs}
        with self._write() as conn:
            rows = {row.name: row for row in conn.execute(select(sources))}
            added = [spec for name, spec in wanted.items() if name not in rows]
            if added:  # another process syncing at the same moment may add them first
                conn.execute(
                    _insert_ignoring(conn, sources),
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

    @_boundary("claim due sources in the store")
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
        with self._write() as conn:
            rows = conn.execute(claim).all()
        claimed = [(row.name, row.next_poll_at) for row in rows]  # aware: UTCDateTime
        return sorted(claimed, key=lambda pair: (pair[1], pair[0]))

    @_boundary("read the store")
    def not_due(self, now: datetime) -> set[str]:
        """Sources whose next poll is still ahead (their interval, a server's
        Retry-After or ttl, a backoff), or that are gone."""
        query = select(sources.c.name).where(
            or_(sources.c.gone.is_(True), sources.c.next_poll_at > now)
        )
        with self.engine.connect() as conn:
            return set(conn.execute(query).scalars())

    @_boundary("release sources in the store")
    def release(self, names: Sequence[str]) -> None:
        """Give back leases without polling (a stopping daemon)."""
        with self._write() as conn:
            for chunk in _chunks(list(names)):
                conn.execute(
                    update(sources).where(sources.c.name.in_(chunk)).values(leased_until=None)
                )

    @_boundary("read the store")
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
    @_boundary("expire old stories in the store")
    def expire(self, stories_before: datetime, keys_before: datetime) -> tuple[int, int]:
        """Drop stories older than ``stories_before`` from the working set, and dedup
        keys older than ``keys_before`` whose story is gone (keys outlive stories so
        an old story re-appearing upstream is not new again)."""
        with self._write() as conn:
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

    @_boundary("read the store")
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
    @_boundary("read the store")
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

    @_boundary("read the store")
    def known_urls(self, urls: Sequence[str]) -> set[str]:
        """Which of these story URLs the store already holds."""
        found: set[str] = set()
        with self.engine.connect() as conn:
            for chunk in _chunks(list(dict.fromkeys(urls))):
                query = select(items.c.url).where(items.c.url.in_(chunk))
                found.update(url for url in conn.execute(query).scalars() if url)
        return found

    @_boundary("read the store")
    def count(self, source_names: Sequence[str] | None = None) -> int:
        query = select(func.count()).select_from(items)
        if source_names is not None:
            query = query.where(items.c.source.in_(list(source_names)))
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    @_boundary("read the store")
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

    @_boundary("record written pages in the store")
    def mark_pages(self, done: Sequence[tuple[str, str]]) -> None:
        """Record (id, page_rev) for pages written."""
        if not done:
            return
        statement = (
            update(items)
            .where(items.c.id == bindparam("ident"))
            .values(page_rev=bindparam("new_page_rev"))
        )
        with self._write() as conn:
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


SQLITE_TIMEOUT = 30.0
"""Seconds a SQLite writer waits for another's lock (``?timeout=`` in the URL to change)."""


def _engine_options(url: URL) -> dict[str, Any]:
    if url.get_backend_name() == "sqlite" and "timeout" not in url.query:
        # sqlite3's timeout is set when connecting: a second process opening a new
        # store waits for the first instead of failing
        return {"connect_args": {"timeout": SQLITE_TIMEOUT}}
    return {}


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # nashra begins transactions itself (``_sqlite_begin``)
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # a writer takes the write lock before it reads what it decides on; a reader
    # does not wait for writers (WAL)
    write = conn.get_execution_options().get(_WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _insert_ignoring(conn: Connection, table: Table) -> Insert:
    """``INSERT … ON CONFLICT DO NOTHING`` in the connection's database."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    if conn.dialect.name == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing()
    raise StoreError(f"{conn.dialect.name} databases are not supported (SQLite, PostgreSQL)")


_RETRY_STATES = {"40001", "40P01", "23505"}
"""PostgreSQL: serialization failure, deadlock detected, unique violation."""


def _transient(exc: DBAPIError) -> bool:
    """Whether writing the same transaction again may succeed."""
    return getattr(exc.orig, "sqlstate", None) in _RETRY_STATES


def _reason(exc: BaseException) -> str:
    """The first line of what the database (or the file system) said."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        exc = exc.orig
    if isinstance(exc, OSError) and exc.strerror:
        text = f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    else:
        text = str(exc).split("(Background on this error")[0]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def _driver_url(url: str) -> str:
    """PostgreSQL URLs without a driver name use psycopg, the driver of the
    ``postgres`` extra."""
    for bare in ("postgresql://", "postgres://"):
        if url.startswith(bare):
            return "postgresql+psycopg://" + url.removeprefix(bare)
    return url


def _safe(url: str) -> str:
    """A database URL without its password, for messages."""
    return re.sub(r"^([^:/]+://[^:/@]*):[^@/]*@", r"\1:***@", url)
