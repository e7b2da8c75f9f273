"""What a feed's archives are made of (RFC 5005, see ``feeds.archive``): the
stories a feed lists, in its order, and the content of some of them.

The listing lists a feed's stories as ``Items.latest`` does: withdrawn stories
left out, a near-duplicate cluster once (its representative when the feed
includes its source), newest first, stories of one date in their source's order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from feeds.store.base import Base, boundary
from feeds.store.clusters import effective_rev
from feeds.store.database import chunks, driver_statement, utc
from feeds.store.items import StoredItem, with_clusters
from feeds.store.scope import feed_select
from feeds.store.tables import items


@dataclass(frozen=True, slots=True)
class Listed:
    """A story a feed lists, without its content: enough to place it in the
    feed or in an archive month, and to tell whether it changed."""

    id: str
    root: str
    """Its cluster's representative (itself when it is one)."""
    rev: str
    """What its entry shows (its own revision and its cluster's changes)."""
    date: datetime
    """The date a feed sorts it by: its published date, else when it was first seen."""


class Archives(Base):
    @boundary("read the store")
    def listing(self, source_names: Sequence[str], feed: str | None = None) -> list[Listed]:
        """Every story a feed of these sources (or the topic or tag feed ``feed``)
        lists, newest first, a cluster once: the first ``limit`` are what
        ``latest(source_names, limit, feed)`` gives."""
        if not source_names and feed is None:
            return []
        columns = [items.c.id, items.c.cluster, items.c.rev, items.c.shown_rev, items.c.sort_date]
        query = feed_select(columns, source_names, feed)
        found: list[Listed] = []
        roots: set[str] = set()
        with self.engine.connect() as conn:
            # every story of the feed, each publish that changes it: through the
            # driver, without SQLAlchemy's work on each row
            sql, params = driver_statement(conn, query)
            for ident, cluster, rev, shown_rev, date in conn.exec_driver_sql(sql, params):
                root = cluster or ident
                if root not in roots:
                    roots.add(root)
                    found.append(Listed(ident, root, effective_rev(rev, shown_rev), utc(date)))
        return found

    @boundary("read the store")
    def listed_stories(self, ids: Sequence[str]) -> list[StoredItem]:
        """The stories ``listing`` gave (each standing for its cluster in its feed),
        not withdrawn since, in no order, each with its cluster's content and the
        other outlets that also reported it. Read by id alone: a feed of all of
        100,000 sources would otherwise send their names with every read."""
        rows: list[Any] = []
        with self.engine.connect() as conn:
            for chunk in chunks(sorted(set(ids))):
                query = select(items).where(items.c.id.in_(chunk), items.c.withdrawn_at.is_(None))
                rows += [row._mapping for row in conn.execute(query)]
            return with_clusters(conn, rows)

    @boundary("read the store")
    def stored_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of these stories the store still holds (withdrawn or not): the
        others were removed by retention (``keep_days``)."""
        found: set[str] = set()
        with self.engine.connect() as conn:
            for chunk in chunks(sorted(set(ids))):
                query = select(items.c.id).where(items.c.id.in_(chunk))
                found.update(conn.execute(query).scalars())
        return found
