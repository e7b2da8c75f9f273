"""Near-duplicate clusters in the store: the persistent LSH index, merging a new
story into the cluster of a stored one, and reading a cluster back as one entry.

Every story of a ``near`` source with a fingerprint (``feeds.near``) has its
``BANDS`` band values as rows of ``near_bands`` (keyed by time bucket, band,
first-seen second and the story's integer ``near_key``) and its shingle set packed in
``items.shingles`` (the bands are a function of it). Stories of ``exact`` and
``off`` sources get no band rows: a ``near`` source finds copies of the stories of
``near`` sources only. A poll's new stories find their candidates in one query
over all their bands (chunked), the stories sharing a band with them first seen
within the source's window, and one query for those stories' shingles; each
candidate is confirmed with the real resemblance, and the best one at or above
``THRESHOLD`` wins. The new story
is then stored as a member of the candidate's cluster: ``items.cluster`` is the
representative's id (members of members do not exist: a candidate that is a
member leads to its representative).

The entry of a cluster keeps the representative's id and permalink (what readers
already have). It shows the representative's story, unless a member came from a
source of higher priority: then it shows that member's story (the highest
priority, then the first seen), still under the representative's id. The other
versions are its ``also`` list. A member is published on its own only in a feed
that does not include its representative's source.

The index holds only what a new story may be compared with: the band rows of
stories first seen within the window, a day more, and what is left of the
oldest bucket (``keep_bands``, run as a near source's batch is saved: a bucket of
older rows dropped at a time). So checking a new story costs the same in a store
of a thousand stories and in one of millions, and the index stays small enough to
stay in the database's cache. Its key leads with a bucket of first-seen time
(``BUCKET_SECONDS``): a transaction's new rows land in the newest bucket, so what
it writes grows with its stories and not with the index (whose every page random
band values would otherwise reach); a lookup seeks each band in each bucket of
the window (two for the default window).
When the window grows, the rows it now reaches are made again from the stored
shingles.

Two writers merging near-copies at the same moment: on SQLite the write lock is
taken when the transaction begins; on PostgreSQL the writer takes advisory locks
on its stories' band buckets (sorted, so writers never wait in a cycle) before it
looks for candidates, so the second writer sees the first's story.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from feeds.identity import Entry, body_lines
from feeds.near import (
    THRESHOLD,
    Fingerprint,
    bands_of,
    batch_fingerprints,
    jaccard,
    unpack,
    unpacked,
)
from feeds.store.changes import clusters_touched, source_key, touch_keys
from feeds.store.database import chunks, insert_rows, marks, upserting
from feeds.store.tables import binder, content_of, items, meta
from sources.html import html_to_text

BUCKETS = 256
"""PostgreSQL advisory locks a writer may take: band value modulo this."""
_LOCK_SPACE = 0x6E6E
_MASK63 = (1 << 63) - 1
"""The first key of the two-key advisory locks on band buckets."""


@dataclass(frozen=True, slots=True)
class Candidate:
    id: str
    root: str
    """The representative of the candidate's cluster (itself if it is one)."""
    shingles: frozenset[int] | Sequence[int]
    """Its shingles: a set, or the distinct shingles a stored story's packed bytes
    hold (``near.unpacked``: most candidates are compared once, a set is not worth
    making)."""


def body_text(body: str) -> str:
    return html_to_text(body) if body else ""


def fingerprints(entries: Sequence[Entry], wanted: Iterable[str]) -> dict[str, Fingerprint]:
    """Fingerprints of the ``wanted`` entries (by id) of a batch: those ``prepare``
    computed where the batch was parsed, else computed here (``batch_fingerprints``:
    a sign-off that several bodies of one file or feed share is left out). Short
    bodies have none."""
    wanted = set(wanted)
    if not wanted:
        return {}
    if all(e.fingerprinted for e in entries):
        return {e.id: e.fingerprint for e in entries if e.id in wanted and e.fingerprint}
    lines: dict[str, tuple[tuple[str, str], ...]] = {}
    for e in entries:
        if e.item.body not in lines:
            lines[e.item.body] = body_lines(e)
    fps = batch_fingerprints([(e.item.origin, lines[e.item.body]) for e in entries])
    out: dict[str, Fingerprint] = {}
    for e, fp in zip(entries, fps, strict=True):
        if e.id in wanted and e.id not in out and fp is not None:
            out[e.id] = fp
    return out


def lock_bands(conn: Connection, fps: Iterable[Fingerprint]) -> None:
    """PostgreSQL: hold the advisory locks of these fingerprints' band buckets until
    the transaction ends (SQLite holds the write lock already)."""
    if conn.dialect.name != "postgresql":
        return
    for lock in sorted({band % BUCKETS for fp in fps for band in fp.bands}):
        conn.execute(select(func.pg_advisory_xact_lock(_LOCK_SPACE, lock)))


BUCKET_SECONDS = 7 * 86400
"""Seconds of first-seen time a bucket of the band index spans, a week: the default
7-day window is then always two buckets to look in, two seeks a band (shorter
buckets: more seeks a story; two days measured slower); the newest bucket, a few
days of rows, is what a transaction's new rows are written to. Changing it needs a
migration of the stored rows."""


def bucket_of(first_seen: int) -> int:
    """The band index's bucket of a first-seen second."""
    return first_seen // BUCKET_SECONDS


def near_key(ident: str) -> int:
    """A story's integer key in ``near_bands``: 63 bits of a hash of its id (a rare
    collision only adds a candidate, which the resemblance then judges)."""
    digest = hashlib.blake2b(ident.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") & _MASK63


KEPT_BEYOND = timedelta(days=1)
"""Band rows are kept for stories first seen this long before the window's start
(and the rest of their bucket)."""
PRUNE_STEP = BUCKET_SECONDS
"""Seconds of first-seen time whose band rows one save drops at most: one bucket,
the rows at the start of the index's key (a store that has not pruned for long
catches up over several saves)."""
PRUNE_EVERY = 6 * 3600
"""Seconds between prunings once caught up."""
KEPT_SINCE = "near_bands_since"
"""``meta``: the first-seen second before which band rows were dropped."""
PRUNED_AT = "near_bands_pruned_at"
"""``meta``: when the band rows were last found pruned up to the window."""


def keep_bands(conn: Connection, now: datetime, window: timedelta) -> None:
    """Keep the band index to the stories a story saved ``now`` may be compared
    with: drop the buckets of stories first seen more than ``window`` and
    ``KEPT_BEYOND`` ago (one bucket at a time, every ``PRUNE_EVERY``), and make
    again from the stored shingles the rows a grown window reaches."""
    sql = f'SELECT "key", value FROM meta WHERE "key" IN ({marks(conn, 2)})'
    state = {key: int(value) for key, value in conn.exec_driver_sql(sql, (KEPT_SINCE, PRUNED_AT))}
    at = int(now.timestamp())
    need = int((now - window).timestamp())
    kept = state.get(KEPT_SINCE)
    changed: dict[str, int] = {}
    if kept is not None and need < kept:
        restore_bands(conn, need, kept)
        kept = changed[KEPT_SINCE] = need
    if at - state.get(PRUNED_AT, 0) >= PRUNE_EVERY:
        # the buckets before this one end before the cutoff
        limit = bucket_of(need - int(KEPT_BEYOND.total_seconds()))
        oldest = conn.exec_driver_sql("SELECT MIN(bucket) FROM near_bands").scalar()
        if oldest is not None and int(oldest) < limit:
            conn.exec_driver_sql(
                f"DELETE FROM near_bands WHERE bucket = {marks(conn, 1)}", (int(oldest),)
            )
            upto = (int(oldest) + 1) * BUCKET_SECONDS
        else:
            upto = limit * BUCKET_SECONDS
        if kept is None or upto > kept:
            changed[KEPT_SINCE] = upto
        if upto >= limit * BUCKET_SECONDS:
            changed[PRUNED_AT] = at
    if changed:
        rows = [{"key": key, "value": str(value)} for key, value in changed.items()]
        conn.execute(upserting(conn, meta, "key", ["value"]), rows)


def restore_bands(conn: Connection, since: int, until: int) -> None:
    """The band rows of the stories first seen from ``since`` to ``until`` (epoch
    seconds), made again from their shingles (a grown window reaches them)."""
    query = select(items.c.id, items.c.first_seen, items.c.shingles).where(
        items.c.near_key.is_not(None),
        items.c.shingles.is_not(None),
        items.c.withdrawn_at.is_(None),
        items.c.first_seen >= datetime.fromtimestamp(since, UTC),
        items.c.first_seen < datetime.fromtimestamp(until, UTC),
    )
    # an edited story's rows may be there already (``replace_bands``)
    sql = (
        f"INSERT INTO near_bands ({', '.join(BAND_COLUMNS)}) "
        f"VALUES ({marks(conn, len(BAND_COLUMNS))}) "
        "ON CONFLICT DO NOTHING"
    )
    found = conn.execute(query.execution_options(yield_per=1000))
    for part in found.partitions():
        rows = stored_band_values(part)
        if rows:
            conn.exec_driver_sql(sql, rows)


PER_BAND = 16
"""Stories a band proposes at most in each bucket of the index (two for the default
window): the newest first seen. A band value that many stories of the window share
comes from text they have in common (an outlet's boilerplate paragraph, a quoted
statement) rather than from one story copied: its stories would all be read and
compared with every new story having it, a cost that grows with the window. A
copy shares several bands with its original (``BANDS`` × resemblance², four at the
threshold, most of them at higher resemblance), and copies of a story arrive
within hours of it: the newest ``PER_BAND`` of a band are those it would be found
through."""

SEEKS_A_QUERY = 256
"""(band, bucket) seeks one lookup query makes at most: SQLite takes up to 500
parts in one compound ``SELECT``."""


def candidates(
    conn: Connection, fps: Iterable[Fingerprint], since: datetime
) -> dict[int, list[Candidate]]:
    """Per band of these fingerprints: the stored, not withdrawn stories having it,
    first seen since ``since``, at most the newest ``PER_BAND`` of each bucket. A
    few queries, whatever the number of stories (sent to the driver as they are:
    the band lists are long): the band rows, each band sought in each bucket from
    ``since``'s to the newest (``_newest``), then the stories they name."""
    wanted = sorted({band for fp in fps for band in fp.bands})
    after = int(since.timestamp())
    keys_of: dict[int, list[int]] = {}
    buckets = _buckets(conn, after) if wanted else []
    for band, key in _newest(conn, wanted, buckets, after):
        keys_of.setdefault(band, []).append(key)
    stories: dict[int, list[Candidate]] = {}
    seen_since = binder(items, ("first_seen",), conn.dialect)((since,))[0]
    for chunk in chunks(sorted({key for keys in keys_of.values() for key in keys})):
        sql = (
            "SELECT id, cluster, shingles, near_key FROM items "
            f"WHERE near_key IN ({marks(conn, len(chunk))}) AND first_seen >= {marks(conn, 1)} "
            "AND withdrawn_at IS NULL AND shingles IS NOT NULL"
        )
        for ident, cluster, shingles, key in conn.exec_driver_sql(sql, (*chunk, seen_since)):
            found = Candidate(ident, cluster or ident, unpacked(shingles))
            stories.setdefault(key, []).append(found)
    return {
        band: [c for key in keys for c in stories.get(key, ())] for band, keys in keys_of.items()
    }


def _newest(
    conn: Connection, bands: Sequence[int], buckets: Sequence[int], after: int
) -> Iterator[tuple[int, int]]:
    """(band, story key) of the newest ``PER_BAND`` rows of each band in each bucket,
    first seen at ``after`` or later. Each (band, bucket) is one part of a
    ``UNION ALL``, read backwards along the index from its newest row and stopped at
    the cap: a band that hundreds of stories share costs what a rare one does.
    (Ranking the rows of all the bands with a window function reads every row:
    7 times slower on an index of such bands, 1.3 to 1.6 times faster on one of
    rare bands.) The bands go in pieces of a power of two, so that few distinct
    statements are ever prepared."""
    if not buckets:
        return
    mark = marks(conn, 1)
    part = (
        "SELECT * FROM (SELECT band, item_key FROM near_bands "
        f"WHERE bucket = {mark} AND band = {mark} AND first_seen >= {mark} "
        f"ORDER BY first_seen DESC, item_key DESC LIMIT {PER_BAND}) AS hits"
    )
    width = max(1, SEEKS_A_QUERY // len(buckets))
    start = 0
    while start < len(bands):
        size = min(width, 1 << ((len(bands) - start).bit_length() - 1))
        piece = bands[start : start + size]
        start += size
        sql = " UNION ALL ".join([part] * (size * len(buckets)))
        params = tuple(v for band in piece for bucket in buckets for v in (bucket, band, after))
        yield from conn.exec_driver_sql(sql, params)


def _buckets(conn: Connection, after: int) -> list[int]:
    """The buckets holding rows first seen at ``after`` or later: from its bucket (or
    the oldest kept) to the newest, each found with one seek."""
    oldest, newest = conn.exec_driver_sql(
        "SELECT (SELECT MIN(bucket) FROM near_bands), (SELECT MAX(bucket) FROM near_bands)"
    ).one()
    if newest is None:
        return []
    return list(range(max(bucket_of(after), int(oldest)), int(newest) + 1))


def best_match(
    fp: Fingerprint, found: Iterable[Candidate], threshold: float = THRESHOLD
) -> Candidate | None:
    """The candidate most like ``fp``, if it resembles it at least ``threshold``."""
    best: tuple[float, Candidate] | None = None
    seen: set[str] = set()
    size = len(fp.shingles)
    for candidate in found:
        if candidate.id in seen:
            continue
        seen.add(candidate.id)
        other = len(candidate.shingles)
        if size and other and min(size, other) / max(size, other) < threshold:
            continue  # the resemblance is at most this ratio of the sizes: below
        score = jaccard(fp.shingles, candidate.shingles)  # ``resemblance``
        if score >= threshold and (best is None or score > best[0]):
            best = (score, candidate)
    return best[1] if best else None


BAND_COLUMNS = ("bucket", "band", "first_seen", "item_key")
BandRow = tuple[int, int, int, int]
"""A ``near_bands`` row's ``BAND_COLUMNS`` as plain values."""


def band_values(ident: str, fp: Fingerprint, first_seen: datetime) -> list[BandRow]:
    """The ``near_bands`` rows of a story as plain values (``insert_bands``)."""
    key, seen = near_key(ident), int(first_seen.timestamp())
    bucket = bucket_of(seen)
    return [(bucket, band, seen, key) for band in dict.fromkeys(fp.bands)]


def insert_bands(conn: Connection, rows: Sequence[BandRow]) -> None:
    """Insert band rows in the index's order: the rows landing on one page of it
    come one after the other, while the page is at hand."""
    insert_rows(conn, "near_bands", BAND_COLUMNS, sorted(rows))


def stored_band_values(rows: Iterable[Any]) -> list[BandRow]:
    """The ``near_bands`` rows of these ``items`` rows (id, first_seen, shingles),
    made from their stored shingles (the bands are a function of them)."""
    return [
        values
        for row in rows
        if row.shingles
        for values in band_values(
            row.id, Fingerprint(frozenset(), bands_of(unpack(row.shingles))), row.first_seen
        )
    ]


def drop_bands(conn: Connection, rows: Iterable[Any]) -> None:
    """Delete the band rows of these ``items`` rows (id, first_seen, shingles): their
    bands are found again from their shingles."""
    old = stored_band_values(rows)
    if old:
        where = " AND ".join(f"{column} = {marks(conn, 1)}" for column in BAND_COLUMNS)
        conn.exec_driver_sql(f"DELETE FROM near_bands WHERE {where}", old)


def replace_bands(conn: Connection, ident: str, fp: Fingerprint | None, near: bool) -> None:
    """An edited story's bands (its first-seen date stays); none unless ``near``."""
    row = conn.execute(
        select(items.c.id, items.c.first_seen, items.c.shingles, items.c.near_key).where(
            items.c.id == ident
        )
    ).one_or_none()
    if row is None:
        return
    if row.near_key is not None:
        drop_bands(conn, [row])
    if near and fp is not None:
        insert_bands(conn, band_values(ident, fp, row.first_seen))


def touch(conn: Connection, ids: Iterable[str], now: datetime) -> None:
    """The entries of these stories show something new (a member joined or left, a
    member was edited, a withdrawal): a new shown revision and ``updated``."""
    ids = set(ids)
    show_changed(conn, ids, now)
    touch_clusters(conn, ids)


def show_changed(conn: Connection, ids: Iterable[str], now: datetime) -> None:
    """A new shown revision and ``updated`` for these stories' entries (``touch``
    without the change tokens, which the caller gives with others at once)."""
    updated = binder(items, ("updated",), conn.dialect)((now,))[0]
    for chunk in chunks(sorted(set(ids))):
        sql = f"UPDATE items SET shown_rev = {marks(conn, 1)}, updated = {marks(conn, 1)} "
        sql += f"WHERE id IN ({marks(conn, len(chunk))})"
        conn.exec_driver_sql(sql, (uuid.uuid4().hex, updated, *chunk))


def touch_clusters(conn: Connection, roots: Iterable[str]) -> None:
    """New change tokens for the feeds of every version of these clusters (each
    version's entry, where it stands in for its cluster, lists the others): the
    versions' sources and the feeds they are filed under, in one pass over the
    clusters' versions (a cluster of hundreds of copies is not listed story by
    story), and once a transaction: what a cluster's versions touch is the same
    when another copy joins it later in the transaction (that copy's own source
    and feeds are touched as a story written)."""
    done = clusters_touched(conn)
    wanted = sorted(set(roots) - done)
    done.update(wanted)
    keys: set[str] = set()
    for chunk in chunks(wanted):
        sql = (
            "SELECT DISTINCT i.source, f.feed FROM items i "
            "LEFT JOIN feed_items f ON f.item_id = i.id "
            f"WHERE i.id IN ({marks(conn, len(chunk))}) OR i.cluster IN ({marks(conn, len(chunk))})"
        )
        for source, feed in conn.exec_driver_sql(sql, (*chunk, *chunk)):
            keys.add(source_key(source))
            if feed is not None:
                keys.add(feed)
    touch_keys(conn, keys)


def roots_of(conn: Connection, ids: Iterable[str]) -> set[str]:
    """The representatives of these stories' clusters (a story not in a cluster is its own)."""
    roots: set[str] = set()
    for chunk in chunks(sorted(set(ids))):
        query = select(items.c.id, items.c.cluster).where(items.c.id.in_(chunk))
        roots.update(row.cluster or row.id for row in conn.execute(query))
    return roots


def effective_rev(rev: str, shown_rev: str | None) -> str:
    """The revision of what an entry shows: its story's, and its cluster's changes."""
    if not shown_rev:
        return rev
    return hashlib.sha256(f"{rev}:{shown_rev}".encode()).hexdigest()[:32]


def promote(conn: Connection, withdrawn: str, now: datetime) -> None:
    """A withdrawn representative hands its cluster to its first-seen member."""
    members = conn.execute(
        select(items.c.id)
        .where(items.c.cluster == withdrawn, items.c.withdrawn_at.is_(None))
        .order_by(items.c.first_seen, items.c.id)
    ).scalars()
    heir = next(iter(members), None)
    if heir is None:
        return
    conn.execute(update(items).where(items.c.cluster == withdrawn).values(cluster=heir))
    conn.execute(update(items).where(items.c.id == heir).values(cluster=None))
    touch(conn, [heir], now)


# -- reading ---------------------------------------------------------------------------


def versions_of(
    conn: Connection, roots: Iterable[str], known: Mapping[str, Any] | None = None
) -> dict[str, list[Any]]:
    """Per representative: the not withdrawn rows of its cluster, itself included.
    ``known``: ``items`` rows' mappings already read, by id: a representative
    among them is not read again (most stories are their own cluster)."""
    known = known or {}
    wanted = sorted(set(roots))
    out: dict[str, list[Any]] = {}
    live = items.c.withdrawn_at.is_(None)
    for chunk in chunks(wanted):
        for member in conn.execute(select(items).where(items.c.cluster.in_(chunk) & live)):
            out.setdefault(member.cluster, []).append(member._mapping)
    for chunk in chunks([root for root in wanted if root not in known]):
        for read in conn.execute(select(items).where(items.c.id.in_(chunk) & live)):
            out.setdefault(read.cluster or read.id, []).append(read._mapping)
    for root in wanted:
        row = known.get(root)
        if row is not None and row["withdrawn_at"] is None:
            out.setdefault(row["cluster"] or root, []).append(row)
    for rows in out.values():
        rows.sort(key=lambda r: (r["first_seen"], r["id"]))
    return out


def lead(rep: Mapping[str, Any], versions: Sequence[Mapping[str, Any]]) -> Mapping[str, Any]:
    """The version a cluster's entry shows: the representative, unless a member's
    source has a higher priority (then the highest, first seen first)."""
    shown = rep
    for row in versions:
        if (row["priority"] or 0) > (shown["priority"] or 0):
            shown = row
    return shown


def as_entry(item: Any, rep: Mapping[str, Any], versions: Sequence[Mapping[str, Any]]) -> Any:
    """``item`` (the StoredItem of ``rep`` or of a member standing in for its cluster)
    with the cluster's content and ``also`` list."""
    from feeds.store.items import AlsoReported

    standing_in = rep["cluster"] is not None or rep["withdrawn_at"] is not None
    shown = rep if standing_in else lead(rep, versions)
    also = tuple(
        AlsoReported(row["source"], row["title"], row["url"], row["first_seen"])
        for row in versions
        if row["id"] != shown["id"]
    )
    if shown is rep:
        return replace(item, also=also)
    return replace(
        item,
        **content_of(shown),
        updated=max(item.updated, shown["updated"] or item.updated),
        also=also,
    )
