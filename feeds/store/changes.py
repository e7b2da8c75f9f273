"""Which feeds may show something new: a token per source and per topic or tag
feed (``changes``), replaced in the transaction that changes one of its stories.

A publisher renders a feed from its sources' tokens (or its index key's token)
and keeps them; at the next publish, a feed whose tokens are the same shows the
same stories and is not read again (``feeds.publish``). So publishing many feeds
when little changed costs little more than publishing one, and since the tokens
live in the store, any number of publishers on one database see the same thing.

Tokens are random, not counters: a key that is dropped and made again never
comes back to a value a publisher remembers. Every write that changes what a
feed lists, or what one of its entries shows, replaces the tokens of the stories
involved: a story stored, edited or withdrawn (``touch_stories``), every member
of a cluster that gained, lost or edited a version (``clusters.touch``), a story
filed under a topic or tag or taken out of one (``touch_keys``), and everything
after retention or a topic feed indexed again (``touch_all``).

Publishers on other processes learn of a change without asking for it: on
PostgreSQL the transaction that writes new tokens also sends a notification on
the channel ``nashra_changes`` (delivered when, and only if, it commits), which a
publisher waits for with ``LISTEN`` (``ChangeWatch``); elsewhere (SQLite: one
machine) a waiting publisher reads the tokens again every few seconds.
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from feeds.store.base import Base, boundary
from feeds.store.database import chunks, marks, reason
from feeds.store.tables import changes
from sources.errors import StoreError

SOURCE_PREFIX = "source:"
"""The token key of a source's stories (``source:`` and its name)."""


def source_key(name: str) -> str:
    """The token key of the stories of the source ``name``."""
    return SOURCE_PREFIX + name


CHANNEL = "nashra_changes"
"""The PostgreSQL notification channel a write that changed tokens notifies."""

_PENDING = "nashra.changes"
"""``Connection.info`` key: the keys touched by the open write transaction."""


_CLUSTERS = "nashra.clusters"
"""``Connection.info`` key: the clusters whose versions' keys the open write
transaction touched (``feeds.store.clusters.touch_clusters``)."""


def begin(conn: Connection) -> None:
    """A write transaction begins on ``conn``: nothing touched yet."""
    conn.info[_PENDING] = set()
    conn.info[_CLUSTERS] = set()


def clusters_touched(conn: Connection) -> set[str]:
    """The clusters (by representative) whose versions' keys the open write
    transaction touched already."""
    done: set[str] = conn.info.setdefault(_CLUSTERS, set())
    return done


def touch_keys(conn: Connection, keys: Iterable[str]) -> None:
    """Give these keys (sources' and feeds') a new token when the transaction
    commits (``flush``)."""
    pending: set[str] = conn.info.setdefault(_PENDING, set())
    pending.update(keys)


_UPSERT = (
    'INSERT INTO changes ("key", token) VALUES ({marks}) '
    'ON CONFLICT ("key") DO UPDATE SET token = excluded.token'
)
"""Standard enough for both databases; sent to the driver as it is, since a
cluster's edit may touch hundreds of keys, where SQLAlchemy's parameter
building per row cost more than the upsert."""


def flush(conn: Connection) -> None:
    """Write the new tokens of every key the transaction touched: once, last, in
    key order, so that two transactions touching the same keys take their row
    locks in the same order and hold them only until they commit."""
    ordered = sorted(conn.info.pop(_PENDING, ()))
    if ordered:
        token = uuid.uuid4().hex
        conn.exec_driver_sql(_UPSERT.format(marks=marks(conn, 2)), [(k, token) for k in ordered])
        if conn.dialect.name == "postgresql":  # sent when the transaction commits
            conn.execute(select(func.pg_notify(CHANNEL, token)))


def touch_stories(conn: Connection, ids: Iterable[str]) -> None:
    """New tokens for the sources of these stories and the feeds they are filed under."""
    keys: set[str] = set()
    for chunk in chunks(sorted(set(ids))):  # sent as they are: a save's hot path
        ask = marks(conn, len(chunk))
        sources = f"SELECT DISTINCT source FROM items WHERE id IN ({ask})"
        keys.update(
            source_key(name) for name in conn.exec_driver_sql(sources, tuple(chunk)).scalars()
        )
        filed = f"SELECT DISTINCT feed FROM feed_items WHERE item_id IN ({ask})"
        keys.update(conn.exec_driver_sql(filed, tuple(chunk)).scalars())
    touch_keys(conn, keys)


EVERYTHING = "*"
"""The key every feed's tokens include: replaced when anything may have changed."""


def touch_all(conn: Connection) -> None:
    """A new token for every feed (retention, a topic feed indexed again)."""
    touch_keys(conn, [EVERYTHING])


class Changes(Base):
    @boundary("read the store")
    def change_tokens(self) -> dict[str, str]:
        """Every key's token: ``source:<name>`` per source, a topic or tag feed's key."""
        with self.engine.connect() as conn:
            return {k: t for k, t in conn.execute(select(changes.c.key, changes.c.token))}


class ChangeWatch:
    """Waits until a write changes some token, from any process on the store.

    On PostgreSQL it holds one connection of its own that ``LISTEN``s on
    ``CHANNEL``; a connection lost (the database restarted) is made again at the
    next wait, which then says "changed" since notifications may have been missed.
    Elsewhere it compares a digest of every token every ``every`` seconds.
    Errors are the store's (``StoreError``); the next ``wait`` tries again."""

    def __init__(self, store: Changes, every: float = 2.0) -> None:
        self.store, self.every = store, every
        self._listening: Connection | None = None
        self._digest: str | None = None
        self._next_read = 0.0
        """When (``time.monotonic``) the tokens are read next (SQLite)."""
        self._closed = threading.Event()

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds; whether something changed meanwhile."""
        if self.store.engine.dialect.name == "postgresql":
            with self.store.errors("wait for changes in"):
                return self._notified(timeout)
        return self._polled(timeout)

    def close(self) -> None:
        self._closed.set()
        listening, self._listening = self._listening, None
        if listening is not None:
            try:
                listening.close()
            except Exception:  # a connection that is already gone
                listening.invalidate()

    def _notified(self, timeout: float) -> bool:
        if self._listening is None:
            conn = self.store.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            try:
                conn.exec_driver_sql(f"LISTEN {CHANNEL}")
            except Exception:
                conn.invalidate()
                conn.close()
                raise
            self._listening = conn
            return True  # what changed while nobody listened is unknown
        driver: Any = self._listening.connection.driver_connection
        dbapi: Any = self.store.engine.dialect.dbapi
        try:
            got = sum(1 for _ in driver.notifies(timeout=timeout, stop_after=1))
            if got:  # the others that came meanwhile are the same news
                got += sum(1 for _ in driver.notifies(timeout=0))
            return got > 0
        except dbapi.Error as exc:  # the driver's own, raw
            listening, self._listening = self._listening, None
            listening.invalidate()
            listening.close()
            raise StoreError(
                f"cannot wait for changes in {self.store.name}: {reason(exc)}"
            ) from exc

    def _polled(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            ahead = self._next_read - time.monotonic()
            if ahead > 0:  # the tokens are read every ``every`` seconds, not every wait
                left = deadline - time.monotonic()
                if self._closed.wait(max(min(ahead, left), 0.0)) or ahead > left:
                    return False
            tokens = sorted(self.store.change_tokens().items())
            self._next_read = time.monotonic() + self.every
            digest = hashlib.sha256(repr(tokens).encode()).hexdigest()
            changed, self._digest = self._digest is not None and digest != self._digest, digest
            if changed:
                return True
            if time.monotonic() >= deadline:
                return False
