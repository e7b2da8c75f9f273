"""Retention: old stories leave the working set; their dedup keys stay longer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from feeds.store.base import Base, boundary
from feeds.store.clusters import drop_bands
from feeds.store.tables import dedup_keys, feed_items, items


class Retention(Base):
    @boundary("expire old stories in the store")
    def expire(self, stories_before: datetime, keys_before: datetime) -> tuple[int, int]:
        """Drop stories older than ``stories_before`` from the working set, and dedup
        keys older than ``keys_before`` whose story is gone (keys outlive stories so
        an old story re-appearing upstream is not new again)."""
        with self._write() as conn:
            old = select(items.c.id, items.c.first_seen, items.c.shingles).where(
                items.c.sort_date < stories_before, items.c.near_key.is_not(None)
            )
            drop_bands(conn, conn.execute(old).all())
            gone_items = conn.execute(
                items.delete().where(items.c.sort_date < stories_before)
            ).rowcount
            live = select(items.c.id)
            conn.execute(feed_items.delete().where(feed_items.c.item_id.not_in(live)))
            gone_keys = conn.execute(
                dedup_keys.delete().where(
                    dedup_keys.c.created_at < keys_before, dedup_keys.c.item_id.not_in(live)
                )
            ).rowcount
        return int(gone_items or 0), int(gone_keys or 0)
