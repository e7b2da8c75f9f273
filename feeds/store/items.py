"""Stories and their dedup keys: saving a source's batch (deciding, for each story,
new, updated, unchanged or duplicate) and reading stories back.

Many writers may save at once (threads, processes, both databases): a writer
claims a story's dedup keys with insert-or-ignore before storing it, so that of
two sources bringing the same story at the same moment one stores it and the
other counts a duplicate.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from feeds.dedup import Decision, Outcome, decide
from feeds.identity import Entry
from feeds.store.base import Base, boundary
from feeds.store.database import chunks, insert_ignoring
from feeds.store.files import save_files
from feeds.store.tables import dedup_keys, items
from sources.base import FileState


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


class Items(Base):
    @boundary("save {source} in the store")
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
            return save_batch(conn, source, entries, file_states, now)

        return self._retrying(write)

    @boundary("read the store")
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
            return [stored(row._mapping) for row in conn.execute(query)]

    @boundary("read the store")
    def known_urls(self, urls: Sequence[str]) -> set[str]:
        """Which of these story URLs the store already holds."""
        found: set[str] = set()
        with self.engine.connect() as conn:
            for chunk in chunks(list(dict.fromkeys(urls))):
                query = select(items.c.url).where(items.c.url.in_(chunk))
                found.update(url for url in conn.execute(query).scalars() if url)
        return found

    @boundary("read the store")
    def count(self, source_names: Sequence[str] | None = None) -> int:
        query = select(func.count()).select_from(items)
        if source_names is not None:
            query = query.where(items.c.source.in_(list(source_names)))
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())


def save_batch(
    conn: Connection,
    source: str,
    entries: Sequence[Entry],
    file_states: Sequence[FileState],
    now: datetime,
) -> tuple[BatchResult, list[Decision]]:
    """Decide and store one source's entries, and its file fingerprints, in ``conn``'s
    transaction."""
    decisions = _claim(conn, _decide(conn, entries), now)
    counts = {o: 0 for o in Outcome}
    new_rows: list[dict[str, Any]] = []
    for position, d in enumerate(decisions):
        counts[d.outcome] += 1
        if d.outcome is Outcome.NEW:
            new_rows.append({**_row(d.entry, now), "position": position})
        elif d.outcome is Outcome.UPDATED:
            _update(conn, d.entry, now)
    if new_rows:
        conn.execute(items.insert(), new_rows)
    save_files(conn, source, file_states, now)
    result = BatchResult(
        new=counts[Outcome.NEW],
        updated=counts[Outcome.UPDATED],
        unchanged=counts[Outcome.UNCHANGED],
        duplicate=counts[Outcome.DUPLICATE],
    )
    return result, decisions


def _decide(conn: Connection, entries: Sequence[Entry]) -> list[Decision]:
    ids = list({e.id for e in entries})
    sources_of = {e.item.source for e in entries}
    keys = list({k for e in entries for k in e.keys})
    revs: dict[str, str] = {}
    for chunk in chunks(ids):
        query = select(items.c.id, items.c.rev, items.c.source).where(items.c.id.in_(chunk))
        # a story another source brought first stays that source's: here it is a
        # duplicate (through its id key), not an edit that would move it between feeds
        revs.update((r.id, r.rev) for r in conn.execute(query) if r.source in sources_of)
    return decide(entries, revs, _owners(conn, keys))


def _owners(conn: Connection, keys: Sequence[str]) -> dict[str, str]:
    owners: dict[str, str] = {}
    for chunk in chunks(keys):
        query = select(dedup_keys.c.key, dedup_keys.c.item_id).where(dedup_keys.c.key.in_(chunk))
        owners.update((r[0], r[1]) for r in conn.execute(query))
    return owners


def _claim(conn: Connection, decisions: list[Decision], now: datetime) -> list[Decision]:
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
    claim = insert_ignoring(conn, dedup_keys).returning(dedup_keys.c.key)
    taken = set(conn.execute(claim, rows).scalars())
    lost = {
        d.entry.id: d
        for d in decisions
        if d.outcome is Outcome.NEW and not all(k in taken for k in d.entry.keys)
    }
    if not lost:
        return decisions
    owners = _owners(conn, [k for d in lost.values() for k in d.entry.keys if k not in taken])
    give_back = [k for d in lost.values() for k in d.entry.keys if k in taken]
    for chunk in chunks(give_back):
        conn.execute(dedup_keys.delete().where(dedup_keys.c.key.in_(chunk)))
    settled: list[Decision] = []
    for d in decisions:
        if d.outcome is Outcome.NEW and d.entry.id in lost:
            other = next((owners[k] for k in d.entry.keys if k in owners), None)
            d = replace(d, outcome=Outcome.DUPLICATE, duplicate_of=other)
        settled.append(d)
    return settled


def _update(conn: Connection, entry: Entry, now: datetime) -> None:
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


def stored(row: Any) -> StoredItem:
    """A StoredItem from an ``items`` row's mapping."""
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
