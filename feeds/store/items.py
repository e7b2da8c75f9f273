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

from feeds.dedup import Decision, Mode, Outcome, Policy, decide
from feeds.identity import Entry
from feeds.near import Fingerprint, packed
from feeds.store import clusters, corrections
from feeds.store.base import Base, boundary
from feeds.store.changes import touch_stories
from feeds.store.clusters import near_key
from feeds.store.database import chunks, marks
from feeds.store.files import save_files
from feeds.store.scope import by_date, feed_select
from feeds.store.tables import binder, content_of, dedup_keys, encode_enclosures, items
from feeds.store.tables import sources as sources_table
from feeds.store.topics import file_stories
from feeds.topics import NO_TOPICS, Topics
from sources.base import FileState
from sources.item import Enclosure


@dataclass(frozen=True, slots=True)
class AlsoReported:
    """Another outlet's copy of a story: a member of the story's near-duplicate
    cluster, listed under the published entry ("also reported by")."""

    source: str
    """The outlet: the member's source name."""
    title: str
    url: str | None
    first_seen: datetime


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
    also: tuple[AlsoReported, ...] = ()
    """The other outlets' copies of this story, first seen first."""
    withdrawn_at: datetime | None = None
    """When the story disappeared from the file that still holds its siblings."""
    enclosures: tuple[Enclosure, ...] = ()
    """Media files (audio, video…) that pass through from the source."""


@dataclass(frozen=True, slots=True)
class BatchResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate: int = 0
    """Exact copies: a known id, canonical URL or normalised title and body."""
    merged: int = 0
    """Near-duplicates of stored stories, kept as members of their clusters."""
    withdrawn: int = 0
    """Stories no longer in a file read again (neither there nor corrected)."""


DEFAULT_POLICY = Policy()


class Items(Base):
    @boundary("save {source} in the store")
    def save_batch(
        self,
        source: str,
        entries: Sequence[Entry],
        file_states: Sequence[FileState] = (),
        *,
        now: datetime,
        policy: Policy = DEFAULT_POLICY,
        topics: Topics = NO_TOPICS,
    ) -> tuple[BatchResult, list[Decision]]:
        """Store one source's entries and file fingerprints in one transaction,
        filing the new and edited stories under the ``topics`` they match."""

        def write(conn: Connection) -> tuple[BatchResult, list[Decision]]:
            return save_batch(conn, source, entries, file_states, now, policy, topics)

        return self._retrying(write)

    @boundary("read the store")
    def latest(
        self, source_names: Sequence[str], limit: int, feed: str | None = None
    ) -> list[StoredItem]:
        """The newest entries of these sources (or of the topic or tag feed ``feed``,
        read from its index), newest first: withdrawn stories left out, a
        near-duplicate cluster once (see ``feeds.store.clusters``)."""
        if (not source_names and feed is None) or limit <= 0:
            return []
        rows: list[Any] = []
        clusters: set[str] = set()
        with self.engine.connect() as conn:
            dated = feed is None and by_date(len(source_names), _source_count(conn))
            query = feed_select([items], source_names, feed, dated=dated)
            offset = 0
            while len(rows) < limit:
                page = [r._mapping for r in conn.execute(query.limit(limit).offset(offset))]
                offset += limit
                for row in page:
                    root = row["cluster"] or row["id"]
                    if root not in clusters and len(rows) < limit:
                        clusters.add(root)
                        rows.append(row)
                if len(page) < limit:
                    break
            return with_clusters(conn, rows)

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
        """How many stories the store holds (of these sources)."""
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
    policy: Policy = DEFAULT_POLICY,
    topics: Topics = NO_TOPICS,
) -> tuple[BatchResult, list[Decision]]:
    """Decide and store one source's entries, and its file fingerprints, in ``conn``'s
    transaction: exact decisions first, then corrections of the files read again,
    then near-duplicates of the new stories; last, the withdrawals. The new and
    edited stories are filed under the ``topics`` they match (``feeds.store.topics``)."""
    if policy.mode is Mode.OFF:  # only the id decides: everything else is published
        entries = [replace(e, keys=e.keys[:1]) for e in entries]
    decisions = _decide(conn, entries)
    near = policy.mode is Mode.NEAR
    changed = [d.entry.id for d in decisions if d.outcome in (Outcome.NEW, Outcome.UPDATED)]
    # exact and off sources fingerprint only what a file's corrections compare
    fps = (
        clusters.fingerprints([d.entry for d in decisions], changed) if near or file_states else {}
    )
    if near:
        clusters.lock_bands(conn, fps.values())
        clusters.keep_bands(conn, now, policy.window)
    decisions = _claim(conn, decisions, now)
    gone = corrections.vanished(conn, source, decisions, file_states) if file_states else []
    if gone:
        decisions, gone = corrections.correct(conn, decisions, gone, fps)
    if near:
        decisions = _merge(conn, decisions, fps, now, policy)
    counts = {o: 0 for o in Outcome}
    new_rows: list[tuple[Any, ...]] = []
    bands: list[clusters.BandRow] = []
    touched: set[str] = set()
    edited: list[str] = []
    for position, d in enumerate(decisions):
        counts[d.outcome] += 1
        fp = fps.get(d.entry.id)
        if d.outcome in (Outcome.NEW, Outcome.MERGED):
            cluster = d.duplicate_of if d.outcome is Outcome.MERGED else None
            new_rows.append((*_values(d.entry, now, fp, policy), position, cluster))
            if fp is not None and near:
                bands.extend(clusters.band_values(d.entry.id, fp, now))
            if d.outcome is Outcome.MERGED and d.duplicate_of:
                touched.add(d.duplicate_of)
        elif d.outcome is Outcome.UPDATED:
            clusters.replace_bands(conn, d.entry.id, fp, near)
            cluster = _update(conn, d.entry, now, fp, policy)
            if cluster is not None:
                touched.add(cluster)
            else:  # a representative's edit shows in its members' entries too
                edited.append(d.entry.id)
    _insert_items(conn, new_rows)
    filed = [d.entry.id for d in decisions if d.outcome in (Outcome.NEW, Outcome.MERGED)]
    filed += [d.entry.id for d in decisions if d.outcome is Outcome.UPDATED]
    file_stories(conn, filed, topics)
    clusters.insert_bands(conn, bands)
    clusters.show_changed(conn, touched, now)
    # the change tokens of every story written, and of every version of the clusters
    # whose entries changed (these before a withdrawal hands a cluster on)
    clusters.touch_clusters(conn, [*touched, *edited])
    withdrawn = corrections.withdraw(conn, gone, now)
    touch_stories(conn, filed)
    save_files(conn, source, file_states, now)
    result = BatchResult(
        new=counts[Outcome.NEW],
        updated=counts[Outcome.UPDATED],
        unchanged=counts[Outcome.UNCHANGED],
        duplicate=counts[Outcome.DUPLICATE],
        merged=counts[Outcome.MERGED],
        withdrawn=withdrawn,
    )
    return result, decisions


def _merge(
    conn: Connection,
    decisions: list[Decision],
    fps: dict[str, Fingerprint],
    now: datetime,
    policy: Policy,
) -> list[Decision]:
    """The new stories that are near-duplicates of a stored story (or of one earlier in
    the batch) become members of its cluster."""
    since = now - policy.window
    fresh = [fps[d.entry.id] for d in decisions if d.outcome is Outcome.NEW and d.entry.id in fps]
    stored = clusters.candidates(conn, fresh, since)
    # per band: the batch's new stories having it (only they are compared)
    batch: dict[int, list[clusters.Candidate]] = {}
    settled: list[Decision] = []
    for d in decisions:
        fp = fps.get(d.entry.id)
        if d.outcome is not Outcome.NEW or fp is None:
            settled.append(d)
            continue
        bands = dict.fromkeys(fp.bands)
        pool: list[clusters.Candidate] = []  # band by band: stored first, then the batch's
        for band in bands:
            if band in stored:
                pool += stored[band]
            if band in batch:
                pool += batch[band]
        found = clusters.best_match(fp, pool)
        root = d.entry.id if found is None else found.root
        mate = clusters.Candidate(d.entry.id, root, fp.shingles)
        for band in bands:
            batch.setdefault(band, []).append(mate)
        settled.append(d if found is None else Decision(d.entry, Outcome.MERGED, found.root))
    return settled


def _decide(conn: Connection, entries: Sequence[Entry]) -> list[Decision]:
    """Exact decisions. A story whose id another story of the same source owns (a
    corrected story's new headline made a new id) is that story."""
    sources_of = {e.item.source for e in entries}
    revs: dict[str, str] = {}
    ids = list({e.id for e in entries})
    for chunk in chunks(ids):
        sql = f"SELECT id, rev, source FROM items WHERE id IN ({marks(conn, len(chunk))})"
        # a story another source brought first stays that source's: here it is a
        # duplicate (through its id key), not an edit that would move it between feeds
        revs.update(
            (i, rev) for i, rev, src in conn.exec_driver_sql(sql, tuple(chunk)) if src in sources_of
        )
    unknown = [e for e in entries if e.id not in revs]
    # resolving ids keeps every entry's keys: their owners are read once, here
    owners = _owners(conn, list({k for e in entries for k in e.keys}))
    aliases = {e.keys[0]: owners[e.keys[0]] for e in unknown if e.keys[0] in owners}
    others = {aliases[e.keys[0]] for e in unknown if aliases.get(e.keys[0], e.id) != e.id}
    known: dict[str, Any] = {}
    for chunk in chunks(sorted(others)):
        query = select(items.c.id, items.c.rev, items.c.slug, items.c.source)
        known.update((r.id, r) for r in conn.execute(query.where(items.c.id.in_(chunk))))
    resolved: list[Entry] = []
    for e in entries:
        row = known.get(aliases.get(e.keys[0], "")) if e.id not in revs else None
        if row is not None and row.source in sources_of:
            revs[row.id] = row.rev
            e = replace(e, id=row.id, slug=row.slug)
        resolved.append(e)
    return decide(resolved, revs, owners)


def _owners(conn: Connection, keys: Sequence[str]) -> dict[str, str]:
    owners: dict[str, str] = {}
    for chunk in chunks(keys):
        sql = f'SELECT "key", item_id FROM dedup_keys WHERE "key" IN ({marks(conn, len(chunk))})'
        owners.update((key, owner) for key, owner in conn.exec_driver_sql(sql, tuple(chunk)))
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
    created = binder(dedup_keys, ("created_at",), conn.dialect)((now,))[0]
    taken: set[str] = set()
    for chunk in chunks(sorted(wanted), CLAIM_ROWS):
        values = ", ".join([f"({marks(conn, 3)})"] * len(chunk))
        sql = (
            f'INSERT INTO dedup_keys ("key", item_id, created_at) VALUES {values} '
            'ON CONFLICT DO NOTHING RETURNING "key"'
        )
        params = tuple(v for k in chunk for v in (k, wanted[k], created))
        taken.update(conn.exec_driver_sql(sql, params).scalars())
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


def _update(
    conn: Connection, entry: Entry, now: datetime, fp: Fingerprint | None, policy: Policy
) -> str | None:
    """Store an edit; returns the representative of the story's cluster, whose entry
    shows it too, if the story is a member of one."""
    old = conn.execute(
        select(items.c.first_seen, items.c.published, items.c.cluster).where(items.c.id == entry.id)
    ).one()
    row = _row(entry, old.first_seen, fp, policy)
    row.pop("first_seen")
    row.pop("id")
    row["updated"] = entry.item.updated or now
    if entry.item.published is None:
        row["published"] = old.published
        row["sort_date"] = old.published or old.first_seen
    conn.execute(update(items).where(items.c.id == entry.id).values(**row))
    return str(old.cluster) if old.cluster else None


ROW_COLUMNS = (
    "id",
    "source",
    "origin",
    "title",
    "summary",
    "body",
    "url",
    "author",
    "tags",
    "language",
    "image",
    "enclosures",
    "published",
    "updated",
    "first_seen",
    "sort_date",
    "rev",
    "content_key",
    "slug",
    "shingles",
    "near_key",
    "priority",
)
"""The ``items`` columns a story's own content fills (``_values``), new or edited."""
INSERT_COLUMNS = (*ROW_COLUMNS, "position", "cluster")
CLAIM_ROWS = 300
"""Dedup keys claimed per statement (three parameters each)."""


def _values(
    entry: Entry,
    first_seen: datetime,
    fp: Fingerprint | None = None,
    policy: Policy = DEFAULT_POLICY,
) -> tuple[Any, ...]:
    """A story's ``ROW_COLUMNS``, as Python values."""
    item = entry.item
    return (
        entry.id,
        item.source,
        item.origin,
        item.title,
        item.summary,
        item.body,
        item.url,
        item.author,
        json.dumps(list(item.tags), ensure_ascii=False),
        item.language,
        item.image,
        encode_enclosures(item.enclosures),
        item.published,
        item.updated,
        first_seen,
        item.published or first_seen,
        entry.rev,
        entry.content_key,
        entry.slug,
        packed(fp) if fp is not None else None,
        near_key(entry.id) if fp is not None and policy.mode is Mode.NEAR else None,
        policy.priority or None,
    )


def _row(
    entry: Entry,
    first_seen: datetime,
    fp: Fingerprint | None = None,
    policy: Policy = DEFAULT_POLICY,
) -> dict[str, Any]:
    return dict(zip(ROW_COLUMNS, _values(entry, first_seen, fp, policy), strict=True))


def _insert_items(conn: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert new stories (``INSERT_COLUMNS`` values) with one driver call: the
    values converted as SQLAlchemy would (``tables.binder``), without its work per row."""
    if not rows:
        return
    bind = binder(items, INSERT_COLUMNS, conn.dialect)
    sql = (
        f"INSERT INTO items ({', '.join(INSERT_COLUMNS)}) "
        f"VALUES ({marks(conn, len(INSERT_COLUMNS))})"
    )
    conn.exec_driver_sql(sql, [bind(row) for row in rows])


def stored(row: Any) -> StoredItem:
    """A StoredItem from an ``items`` row's mapping (its own story: ``with_clusters``
    adds its cluster)."""
    published = row["published"] or row["first_seen"]
    return StoredItem(
        id=row["id"],
        **content_of(row),
        published=published,
        updated=max(row["updated"] or published, published),
        first_seen=row["first_seen"],
        slug=row["slug"],
        rev=clusters.effective_rev(row["rev"], row["shown_rev"]),
        page_rev=row["page_rev"],
        withdrawn_at=row["withdrawn_at"],
    )


def with_clusters(conn: Connection, rows: Sequence[Any]) -> list[StoredItem]:
    """StoredItems of ``items`` rows' mappings, each with its cluster: the content its
    entry shows and the other outlets' versions (``also``)."""
    found = [stored(row) for row in rows]
    roots = {row["cluster"] or row["id"] for row in rows}
    known = {row["id"]: row for row in rows}
    versions = clusters.versions_of(conn, roots, known) if roots else {}
    out: list[StoredItem] = []
    for row, item in zip(rows, found, strict=True):
        cluster = versions.get(row["cluster"] or row["id"], [])
        if len(cluster) > 1 or (cluster and cluster[0]["id"] != row["id"]):
            item = clusters.as_entry(item, row, cluster)
        out.append(item)
    return out


def _source_count(conn: Connection) -> int:
    """How many sources the store knows (``by_date`` weighs a feed's share of them)."""
    return int(conn.execute(select(func.count()).select_from(sources_table)).scalar_one())
