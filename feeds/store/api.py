"""The Store: one object with every part's methods, opened with ``Store.open``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from feeds.dedup import Policy
from feeds.identity import Entry
from feeds.store.archives import Archives
from feeds.store.base import boundary
from feeds.store.changes import Changes
from feeds.store.database import connect
from feeds.store.files import Files
from feeds.store.items import DEFAULT_POLICY, BatchResult, Items, save_batch
from feeds.store.migrate import upgrade
from feeds.store.pages import Pages
from feeds.store.publishes import Publishes
from feeds.store.retention import Retention
from feeds.store.schedule import PollRecord, Schedule, record_poll
from feeds.store.tables import meta
from feeds.store.topics import TopicIndex
from feeds.topics import NO_TOPICS, Topics
from sources.base import FileState
from sources.errors import StoreError


@dataclass(frozen=True, slots=True)
class PollBatch:
    """One poll to save together with others (``Store.save_polls``)."""

    entries: Sequence[Entry]
    poll: PollRecord
    file_states: Sequence[FileState] = ()
    policy: Policy = DEFAULT_POLICY


def _save(conn: Connection, batch: PollBatch, jitter: float | None, topics: Topics) -> BatchResult:
    """One poll's batch and its record, in ``conn``'s transaction."""
    result = BatchResult()
    poll = batch.poll
    if batch.entries or batch.file_states:
        result, _ = save_batch(
            conn, poll.name, batch.entries, batch.file_states, poll.at, batch.policy, topics
        )
    record_poll(conn, replace(poll, new=result.new), jitter)
    return result


class Store(Items, Files, Schedule, Retention, Pages, Publishes, Archives, TopicIndex, Changes):
    """Reads and writes the store. Open with ``Store.open(url)``.

    Every public method raises ``StoreError`` (naming the database, without its
    password) when the database cannot be opened, read or written."""

    @classmethod
    def open(cls, url: str, *, base_dir: str = ".") -> Store:
        """Open (creating or upgrading) the store at a SQLAlchemy URL; a relative
        SQLite path is under ``base_dir``, and its folder is created."""
        engine, name = connect(url, base_dir)
        store = cls(engine, name)
        try:
            store.migrate()
        except StoreError:
            engine.dispose()
            raise
        return store

    @boundary("close the store")
    def close(self) -> None:
        self.engine.dispose()

    @boundary("open the store")
    def migrate(self) -> None:
        """Create the tables of a new store or upgrade an older one (see
        ``feeds.store.migrate``). Safe when several processes open a store at
        once: one creates or upgrades, the others wait and find it done."""
        with self._write() as conn:
            upgrade(conn, self.name)

    _created_at: datetime | None = None

    @boundary("read the store")
    def created_at(self) -> datetime:
        """When the store was made (read once: it never changes). Every feed's
        date before it has stories, so a publish asks it once per feed."""
        if self._created_at is None:
            with self.engine.connect() as conn:
                value = conn.execute(
                    select(meta.c.value).where(meta.c.key == "created_at")
                ).scalar_one()
            self._created_at = datetime.fromisoformat(value)
        return self._created_at

    @boundary("save {poll.name} in the store")
    def save_poll(
        self,
        entries: Sequence[Entry],
        file_states: Sequence[FileState],
        poll: PollRecord,
        *,
        jitter: float | None = None,
        policy: Policy = DEFAULT_POLICY,
        topics: Topics = NO_TOPICS,
    ) -> BatchResult:
        """A poll's batch and its record (counters, validators, next poll) in one
        transaction: one commit per poll. New and edited stories are filed under
        the ``topics`` they match."""
        batch = PollBatch(entries, poll, file_states, policy)
        return self._retrying(lambda conn: _save(conn, batch, jitter, topics))

    @property
    def one_writer(self) -> bool:
        """Whether the database lets one write transaction run at a time (SQLite's
        lock), so that a group of polls can never wait on another writer in a cycle.
        Where writers run side by side (PostgreSQL: several nodes), each poll's
        transaction takes its locks in one order (keys, band buckets, tokens
        sorted), but a group's polls one after the other would not: there, polls
        are saved one transaction each."""
        return self.engine.dialect.name == "sqlite"

    @boundary("save a group of polls in the store")
    def save_polls(
        self, batches: Sequence[PollBatch], *, topics: Topics = NO_TOPICS
    ) -> list[BatchResult]:
        """Several polls' batches and records in one transaction, in order (a group
        commit: one commit, and the index pages their stories share written once).
        A later poll sees the stories of the earlier ones: a copy of a story stored
        by an earlier poll of the group merges with it as it would a poll later.
        All or nothing: when it fails, save the polls one by one (``save_poll``) so
        that only the poll at fault fails."""
        return self._retrying(lambda conn: [_save(conn, b, None, topics) for b in batches])
