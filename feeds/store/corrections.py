"""Corrections and withdrawals in file sources.

A file read again (its fingerprint changed) holds the complete set of its stories.
A story stored from it that is no longer in it is either corrected or withdrawn:

- corrected, when a new story of the same file (its exact keys unknown) is it with
  a few words changed (``feeds.dedup.is_correction``): the new story updates the
  old one, which keeps its id and permalink; the new story's keys lead to it;
- withdrawn otherwise: marked with the time, kept in the store, left out of the
  feeds; its page (if it has one) is written again to say so.

A file that was not read (deleted, unchanged, still being written, or read with
errors) withdraws nothing: only the ``FileState``s of this poll count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from feeds.dedup import Decision, Outcome, Version, is_correction
from feeds.near import THRESHOLD, Fingerprint
from feeds.store.clusters import body_text, promote, roots_of, touch
from feeds.store.database import chunks
from feeds.store.tables import dedup_keys, items
from sources.base import FileState


def vanished(
    conn: Connection, source: str, decisions: Sequence[Decision], files: Sequence[FileState]
) -> list[Any]:
    """The stories stored from the files read this poll that are no longer in them."""
    read = sorted({f.path for f in files})
    present = {d.entry.id for d in decisions} | {
        d.duplicate_of for d in decisions if d.duplicate_of
    }
    gone: list[Any] = []
    for chunk in chunks(read):
        query = (
            select(
                items.c.id, items.c.slug, items.c.origin, items.c.title, items.c.body,
                items.c.shingles, items.c.cluster,
            )
            .where(items.c.source == source, items.c.origin.in_(chunk))
            .where(items.c.withdrawn_at.is_(None))
            .order_by(items.c.position, items.c.id)
        )  # fmt: skip
        gone.extend(row for row in conn.execute(query) if row.id not in present)
    return gone


def correct(
    conn: Connection,
    decisions: list[Decision],
    gone: list[Any],
    fps: dict[str, Fingerprint],
) -> tuple[list[Decision], list[Any]]:
    """Turn the new stories that correct a vanished one into updates of it. Returns the
    decisions and the vanished stories left (to withdraw)."""
    from feeds.near import unpack

    left = list(gone)
    settled: list[Decision] = []
    for d in decisions:
        origin = d.entry.item.origin
        if d.outcome is not Outcome.NEW or not any(row.origin == origin for row in left):
            settled.append(d)
            continue
        new = Version(d.entry.item.title, body_text(d.entry.item.body), fps.get(d.entry.id))
        match = None
        for row in left:
            if row.origin != origin:
                continue
            old_fp = Fingerprint(unpack(row.shingles), ()) if row.shingles else None
            old = Version(row.title, body_text(row.body), old_fp)
            if is_correction(new, old, THRESHOLD):
                match = row
                break
        if match is None:
            settled.append(d)
            continue
        left.remove(match)
        if d.entry.id in fps:
            fps[match.id] = fps.pop(d.entry.id)
        conn.execute(
            update(dedup_keys).where(dedup_keys.c.item_id == d.entry.id).values(item_id=match.id)
        )
        entry = replace(d.entry, id=match.id, slug=match.slug)
        settled.append(Decision(entry, Outcome.UPDATED))
    return settled, left


def withdraw(conn: Connection, gone: Sequence[Any], now: datetime) -> int:
    """Mark these stories withdrawn; a representative hands its cluster on, and the
    cluster of a withdrawn member shows one version less."""
    if not gone:
        return 0
    ids = [row.id for row in gone]
    for chunk in chunks(ids):
        conn.execute(update(items).where(items.c.id.in_(chunk)).values(withdrawn_at=now))
    touch(conn, ids, now)
    for row in gone:
        if row.cluster is None:
            promote(conn, row.id, now)
    members_of = roots_of(conn, [row.id for row in gone if row.cluster is not None])
    touch(conn, members_of, now)
    return len(ids)
