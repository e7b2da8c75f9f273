"""Exact deduplication decisions: pure, no I/O.

Given a batch of entries and what the store already knows (the revision of
each known id, the owner id of each known key), decide for each entry:

- ``new``: no key is known; store it.
- ``updated``: its id is known with another revision; an edit, keep the id.
- ``unchanged``: its id is known with the same revision.
- ``duplicate``: another story owns one of its keys (same canonical URL, or the
  same normalised title and body under another id), its own keys outlived it
  (an expired story re-appearing upstream is not new again), or it repeats an
  entry earlier in the same batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from feeds.identity import Entry


class Outcome(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate"


@dataclass(frozen=True, slots=True)
class Decision:
    entry: Entry
    outcome: Outcome
    duplicate_of: str | None = None


def decide(
    entries: Iterable[Entry], revs: Mapping[str, str], owners: Mapping[str, str]
) -> list[Decision]:
    """``revs``: known id → revision; ``owners``: known key → id owning it."""
    decisions: list[Decision] = []
    batch_owner: dict[str, str] = {}
    batch_ids: set[str] = set()
    for entry in entries:
        outcome, other = _decide_one(entry, revs, owners, batch_owner, batch_ids)
        decisions.append(Decision(entry, outcome, other))
        if outcome is not Outcome.DUPLICATE:
            batch_ids.add(entry.id)
            for key in entry.keys:
                batch_owner.setdefault(key, entry.id)
    return decisions


def _decide_one(
    entry: Entry,
    revs: Mapping[str, str],
    owners: Mapping[str, str],
    batch_owner: Mapping[str, str],
    batch_ids: set[str],
) -> tuple[Outcome, str | None]:
    if entry.id in batch_ids:
        return Outcome.DUPLICATE, entry.id
    for key in entry.keys:
        other = batch_owner.get(key)
        if other is not None and other != entry.id:
            return Outcome.DUPLICATE, other
    known_rev = revs.get(entry.id)
    if known_rev is not None:
        return (Outcome.UNCHANGED if known_rev == entry.rev else Outcome.UPDATED), None
    for key in entry.keys:
        other = owners.get(key)
        if other is not None:  # another story's key, or this story's after it expired
            return Outcome.DUPLICATE, other
    return Outcome.NEW, None
