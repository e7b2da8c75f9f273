"""Retention: old stories leave the working set; their dedup keys stay longer.

A story leaves once both its date and the time nashra first saw it are older
than the cut-off (a back catalogue imported today stays ``keep_days``, long
enough to be published and archived), and never while a feed still lists it
(nor the other outlets' copies it shows): a quiet feed keeps its last stories."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import and_, or_, select

from feeds.store.base import Base, boundary
from feeds.store.changes import touch_all
from feeds.store.clusters import drop_bands
from feeds.store.tables import dedup_keys, feed_items, items

if TYPE_CHECKING:
    from feeds.store.items import StoredItem


class Retention(Base):
    if TYPE_CHECKING:  # the Store's (feeds.store.items.Items)

        def latest(
            self, source_names: Sequence[str], limit: int, feed: str | None = None
        ) -> list[StoredItem]: ...

    @boundary("expire old stories in the store")
    def expire(
        self,
        stories_before: datetime,
        keys_before: datetime,
        feeds: Sequence[tuple[Sequence[str], int, str | None]] = (),
    ) -> tuple[int, int]:
        """Drop stories older than ``stories_before`` (dated and first seen before it)
        from the working set, except those that ``feeds`` (each a feed's sources,
        limit, and key for a topic or tag feed, else None) list now; and dedup keys older than ``keys_before`` whose story is
        gone (keys outlive stories so an old story re-appearing upstream is not new
        again)."""
        listed = sorted({i.id for names, n, key in feeds for i in self.latest(names, n, key)})
        with self._write() as conn:
            aged = and_(items.c.sort_date < stories_before, items.c.first_seen < stories_before)
            if listed:
                # NULL-safe: a story outside any cluster is not kept by its cluster
                in_cluster = and_(items.c.cluster.is_not(None), items.c.cluster.in_(listed))
                kept = or_(items.c.id.in_(listed), in_cluster)
                aged = and_(aged, ~kept)
            old = select(items.c.id, items.c.first_seen, items.c.shingles).where(
                aged, items.c.near_key.is_not(None)
            )
            drop_bands(conn, conn.execute(old).all())
            gone_items = conn.execute(items.delete().where(aged)).rowcount
            if gone_items:
                touch_all(conn)  # clusters may list fewer versions
            live = select(items.c.id)
            conn.execute(feed_items.delete().where(feed_items.c.item_id.not_in(live)))
            gone_keys = conn.execute(
                dedup_keys.delete().where(
                    dedup_keys.c.created_at < keys_before, dedup_keys.c.item_id.not_in(live)
                )
            ).rowcount
        return int(gone_items or 0), int(gone_keys or 0)
