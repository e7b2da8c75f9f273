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
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.engine import Connection

from feeds.store.base import Base, boundary
from feeds.store.database import chunks, upserting
from feeds.store.tables import changes, feed_items, items

SOURCE_PREFIX = "source:"
"""The token key of a source's stories (``source:`` and its name)."""


def source_key(name: str) -> str:
    """The token key of the stories of the source ``name``."""
    return SOURCE_PREFIX + name


_PENDING = "nashra.changes"
"""``Connection.info`` key: the keys touched by the open write transaction."""


def begin(conn: Connection) -> None:
    """A write transaction begins on ``conn``: nothing touched yet."""
    conn.info[_PENDING] = set()


def touch_keys(conn: Connection, keys: Iterable[str]) -> None:
    """Give these keys (sources' and feeds') a new token when the transaction
    commits (``flush``)."""
    pending: set[str] = conn.info.setdefault(_PENDING, set())
    pending.update(keys)


def flush(conn: Connection) -> None:
    """Write the new tokens of every key the transaction touched: once, last, in
    key order, so that two transactions touching the same keys take their row
    locks in the same order and hold them only until they commit."""
    ordered = sorted(conn.info.pop(_PENDING, ()))
    if ordered:
        token = uuid.uuid4().hex
        rows = [{"key": key, "token": token} for key in ordered]
        conn.execute(upserting(conn, changes, "key", ["token"]), rows)


def touch_stories(conn: Connection, ids: Iterable[str]) -> None:
    """New tokens for the sources of these stories and the feeds they are filed under."""
    keys: set[str] = set()
    for chunk in chunks(sorted(set(ids))):
        query = select(items.c.source).where(items.c.id.in_(chunk)).distinct()
        keys.update(source_key(name) for name in conn.execute(query).scalars())
        filed = select(feed_items.c.feed).where(feed_items.c.item_id.in_(chunk)).distinct()
        keys.update(conn.execute(filed).scalars())
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
