"""The index of the topic and tag feeds (``feed_items``): each story is matched
against every topic feed once, when it is stored or edited (``file_stories``),
and its tags filed under ``#<slug>``; a feed whose selection changed is indexed
again over every stored story, in batches, when the site is published
(``Topic.index``). Publishing a topic feed then reads its rows in the index's
order, whatever the number of feeds and stories.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.engine import Connection

from feeds.store.base import Base, boundary
from feeds.store.changes import touch_all, touch_keys
from feeds.store.database import chunks, insert_ignoring
from feeds.store.tables import feed_items, items, topic_feeds
from feeds.topics import NO_TOPICS, TAG_PREFIX, StoryText, Topics

INDEX_BATCH = 2000
"""Stories matched per transaction when a feed is indexed again."""
TAGS_KEY = TAG_PREFIX
"""The ``topic_feeds`` row of the tag index."""
_COLUMNS = (
    items.c.id,
    items.c.source,
    items.c.title,
    items.c.summary,
    items.c.body,
    items.c.tags,
    items.c.sort_date,
    items.c.position,
)


def _rows(found: Sequence[Any], topics: Topics) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for r in found:
        text = StoryText.of(r.source, r.title, r.summary, r.body, json.loads(r.tags))
        rows.extend(
            {"feed": key, "item_id": r.id, "sort_date": r.sort_date, "position": r.position}
            for key in topics.keys_of(text)
        )
    return rows


def file_stories(conn: Connection, ids: Sequence[str], topics: Topics) -> None:
    """File these stored stories (new or edited) under the topic feeds they match
    and their tags, replacing what they were filed under before."""
    if not ids or (not topics.feeds and not topics.tags):
        return
    keys = [t.key for t in topics.feeds]
    for chunk in chunks(list(ids)):
        mine: ColumnElement[bool] = feed_items.c.feed.in_(keys)
        if topics.tags:
            mine = mine | feed_items.c.feed.startswith(TAG_PREFIX, autoescape=True)
        filed = select(feed_items.c.feed).where(feed_items.c.item_id.in_(chunk), mine)
        touched = set(conn.execute(filed.distinct()).scalars())  # the feeds they leave
        conn.execute(feed_items.delete().where(feed_items.c.item_id.in_(chunk), mine))
        found = conn.execute(select(*_COLUMNS).where(items.c.id.in_(chunk))).all()
        rows = _rows(found, topics)
        if rows:
            conn.execute(insert_ignoring(conn, feed_items), rows)
        touch_keys(conn, touched | {row["feed"] for row in rows})


class TopicIndex(Base):
    @boundary("index the topic feeds of the store")
    def index_topics(self, topics: Topics = NO_TOPICS) -> list[str]:
        """Index again every feed of ``topics`` whose selection changed since it
        was indexed (and the tags, never indexed yet), over every stored story;
        forget the feeds no longer configured. Returns the keys indexed again."""
        with self.engine.connect() as conn:
            known = dict(conn.execute(select(topic_feeds.c.feed, topic_feeds.c.fingerprint)).all())
        stale = tuple(t for t in topics.feeds if known.get(t.key) != t.fingerprint)
        tags = topics.tags and known.get(TAGS_KEY) != topics.tags_fingerprint
        gone = [k for k in known if k != TAGS_KEY and k not in {t.key for t in topics.feeds}]
        if gone or (not topics.tags and TAGS_KEY in known):
            with self._write() as conn:  # stories are not filed under them any more
                for chunk in chunks(gone):
                    conn.execute(feed_items.delete().where(feed_items.c.feed.in_(chunk)))
                    conn.execute(topic_feeds.delete().where(topic_feeds.c.feed.in_(chunk)))
                if not topics.tags and TAGS_KEY in known:
                    tagged = feed_items.c.feed.startswith(TAG_PREFIX, autoescape=True)
                    conn.execute(feed_items.delete().where(tagged))
                    conn.execute(topic_feeds.delete().where(topic_feeds.c.feed == TAGS_KEY))
                touch_all(conn)
        if not stale and not tags:
            return []
        todo = Topics(stale, tags)
        keys = [t.key for t in stale]
        with self._write() as conn:
            for chunk in chunks(keys):
                conn.execute(feed_items.delete().where(feed_items.c.feed.in_(chunk)))
                conn.execute(topic_feeds.delete().where(topic_feeds.c.feed.in_(chunk)))
        after = ""
        while True:  # in batches, each its own transaction: writers are not held up
            with self._write() as conn:
                query = select(*_COLUMNS).where(items.c.id > after).order_by(items.c.id)
                found = conn.execute(query.limit(INDEX_BATCH)).all()
                rows = _rows(found, todo)
                if rows:
                    conn.execute(insert_ignoring(conn, feed_items), rows)
            if len(found) < INDEX_BATCH:
                break
            after = found[-1].id
        done = [{"feed": t.key, "fingerprint": t.fingerprint} for t in stale]
        if tags:
            done.append({"feed": TAGS_KEY, "fingerprint": topics.tags_fingerprint})
        with self._write() as conn:
            conn.execute(
                topic_feeds.delete().where(topic_feeds.c.feed.in_([d["feed"] for d in done]))
            )
            conn.execute(topic_feeds.insert(), done)
            touch_all(conn)
        return [*keys, *([TAGS_KEY] if tags else [])]

    @boundary("read the store")
    def feed_counts(self, keys: Sequence[str]) -> dict[str, int]:
        """How many stories (not withdrawn) each topic or tag feed's index holds."""
        counts = dict.fromkeys(keys, 0)
        with self.engine.connect() as conn:
            for chunk in chunks(list(keys)):
                query = (
                    select(feed_items.c.feed, func.count())
                    .join(items, items.c.id == feed_items.c.item_id)
                    .where(feed_items.c.feed.in_(chunk), items.c.withdrawn_at.is_(None))
                    .group_by(feed_items.c.feed)
                )
                counts.update((k, int(n)) for k, n in conn.execute(query))
        return counts

    @boundary("read the store")
    def tags_with(self, at_least: int) -> list[tuple[str, int]]:
        """The slugs of the tags at least ``at_least`` stored stories (not
        withdrawn) have, with their counts, in slug order."""
        query = (
            select(feed_items.c.feed, func.count())
            .join(items, items.c.id == feed_items.c.item_id)
            .where(feed_items.c.feed.startswith(TAG_PREFIX, autoescape=True))
            .where(items.c.withdrawn_at.is_(None))
            .group_by(feed_items.c.feed)
            .having(func.count() >= at_least)
            .order_by(feed_items.c.feed)
        )
        with self.engine.connect() as conn:
            return [(k.removeprefix(TAG_PREFIX), int(n)) for k, n in conn.execute(query)]
