"""The nodes sharing a store: their heartbeats, the lock one publisher holds while
it renders a ``public/`` tree, and the source list they agree on.

Everything here stands on the database's own primitives: a row per node written
by its heartbeat, a PostgreSQL advisory lock (released by the server when its
holder's connection goes, so a killed publisher never leaves it held), and a
``meta`` row with the digest of the shared source list. On SQLite (one machine)
the render lock is nothing: one process renders a tree, and its writes are
atomic anyway.

``Nodes`` stands beside the ``Store`` (``Nodes(store)``) rather than in it: what
it keeps is about the processes, not the stories. Its methods raise StoreError
like the store's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection

from feeds.node import NodeInfo
from feeds.store.base import Base
from feeds.store.database import insert_ignoring, upserting
from feeds.store.tables import meta, nodes, sources

PRUNE_AFTER = timedelta(days=1)
"""A node silent this long is taken out of the table by the next heartbeat."""

SOURCE_LIST = "source_list"
"""The ``meta`` key of the digest of the source list the nodes share."""

_SOURCE_LIST_LOCK = 0x6E617369
"""PostgreSQL advisory lock held while a node checks or sets the source list."""


@dataclass(frozen=True, slots=True)
class NodeRow:
    """A node as the store knows it, with the leases it holds."""

    id: str
    role: str
    host: str
    pid: int
    started: datetime
    heartbeat: datetime
    polls: int
    """Polls it finished in the minute before its heartbeat."""
    leases: int
    """Sources leased to it (leases still running)."""


def lock_number(key: str) -> int:
    """A signed 64-bit advisory lock number for ``key``."""
    digest = hashlib.sha256(f"nashra-render\0{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class Nodes:
    """The ``nodes`` table, the render lock and the shared source list of ``store``."""

    def __init__(self, store: Base) -> None:
        self.store = store

    def beat(self, node: NodeInfo, now: datetime, polls: int) -> None:
        """Write the node's row (made at its first beat) with its heartbeat at
        ``now`` and its polls of the last minute; take out nodes silent for longer
        than ``PRUNE_AFTER``."""
        row = {
            "id": node.id,
            "role": node.role,
            "host": node.host,
            "pid": node.pid,
            "started": node.started,
            "heartbeat": now,
            "polls": polls,
        }
        columns = ["role", "host", "pid", "started", "heartbeat", "polls"]
        with (
            self.store.errors(f"record the heartbeat of {node.id} in the store"),
            self.store._write() as conn,
        ):
            conn.execute(upserting(conn, nodes, "id", columns), [row])
            conn.execute(delete(nodes).where(nodes.c.heartbeat < now - PRUNE_AFTER))

    def leave(self, node_id: str) -> None:
        """A node that stops takes its row out."""
        with (
            self.store.errors(f"remove the node {node_id} from the store"),
            self.store._write() as conn,
        ):
            conn.execute(delete(nodes).where(nodes.c.id == node_id))

    def rows(self, now: datetime) -> list[NodeRow]:
        """Every node, oldest first, with the leases it holds at ``now``."""
        held = (
            select(sources.c.leased_by, func.count())
            .where(sources.c.leased_by.is_not(None), sources.c.leased_until > now)
            .group_by(sources.c.leased_by)
        )
        with self.store.errors("read the store"), self.store.engine.connect() as conn:
            leases = {mark: int(count) for mark, count in conn.execute(held)}
            found = conn.execute(select(nodes).order_by(nodes.c.started, nodes.c.id)).all()
        return [
            NodeRow(
                r.id, r.role, r.host, r.pid, r.started, r.heartbeat, r.polls, leases.get(r.id, 0)
            )
            for r in found
        ]

    @contextmanager
    def render_lock(self, key: str) -> Iterator[None]:
        """Hold the lock of ``key`` (a ``public/`` tree) while the block runs: on
        PostgreSQL a session advisory lock, waited for, on a connection of its
        own; elsewhere nothing. Two publishers writing the same tree take turns."""
        engine = self.store.engine
        if engine.dialect.name != "postgresql":
            yield
            return
        number = lock_number(key)
        with self.store.errors("take the render lock in"):
            conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            try:
                conn.execute(select(func.pg_advisory_lock(number)))
            except Exception:
                conn.close()
                raise
        try:
            yield
        finally:
            try:  # a connection that is gone has released its lock
                conn.execute(select(func.pg_advisory_unlock(number)))
                conn.close()
            except Exception:
                conn.invalidate()

    def agree_sources(self, digest: str, *, adopt: bool = False) -> str | None:
        """Record ``digest`` as the shared source list if there is none yet (or if
        ``adopt``); returns the stored digest when it differs from ``digest`` (and
        is not adopted), else None."""
        with self.store.errors("check the source list in the store"), self.store._write() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(select(func.pg_advisory_xact_lock(_SOURCE_LIST_LOCK)))
            stored = stored_source_list(conn)
            if stored == digest:
                return None
            if stored is not None and not adopt:
                return stored
            if stored is None:
                conn.execute(insert_ignoring(conn, meta), [{"key": SOURCE_LIST, "value": digest}])
            else:
                conn.execute(update(meta).where(meta.c.key == SOURCE_LIST).values(value=digest))
            return None


def stored_source_list(conn: Connection) -> str | None:
    """The digest of the shared source list (None: no node recorded one)."""
    value = conn.execute(select(meta.c.value).where(meta.c.key == SOURCE_LIST)).scalar()
    return None if value is None else str(value)
