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

Near-duplicates (``feeds.near``) are decided in the store, which holds the index:
``Policy`` says how a source's stories are deduplicated (``[[sources]] dedup``
and ``priority``, ``[site] near_window``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from difflib import SequenceMatcher
from enum import StrEnum

from feeds.identity import Entry
from feeds.near import Fingerprint, resemblance
from sources.arabic import normalize_key


class Outcome(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate"
    MERGED = "merged"
    """A near-duplicate of a stored story: kept as a member of its cluster."""


class Mode(StrEnum):
    """``[[sources]] dedup``: how a source's new stories are deduplicated."""

    NEAR = "near"
    """Exact keys, then near-duplicates (another outlet's copy of a story)."""
    EXACT = "exact"
    """Exact keys only: the same id, canonical URL, or normalised title and body."""
    OFF = "off"
    """Only the id: everything the source gives is published (ids stay unique)."""


NEAR_WINDOW = timedelta(days=7)
"""``[site] near_window``: candidates are stories first seen this recently."""


@dataclass(frozen=True, slots=True)
class Policy:
    """How one source's batch is deduplicated."""

    mode: Mode = Mode.NEAR
    priority: int = 0
    """A copy from a source of higher priority is what its cluster's entry shows."""
    window: timedelta = NEAR_WINDOW


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


TYPO_RATIO = 0.75
"""A changed headline word is a correction when it is this close to the old one
(«الباكالوريا» → «البكالوريا»), not another word («تعلن» → «تنفي»)."""
SHORT_BODY_RATIO = 0.8
"""A short body under the same headline is a correction when it is this close."""


@dataclass(frozen=True, slots=True)
class Version:
    """What a correction is judged on: a story's headline, body text and fingerprint."""

    title: str
    body_text: str
    fingerprint: Fingerprint | None


def is_correction(new: Version, old: Version, threshold: float) -> bool:
    """Whether ``new`` is ``old`` corrected, both from the same file (``old`` is no
    longer in it): resemblance of long bodies at least ``threshold``; for short
    bodies, the same body under another headline, the same headline over a slightly
    changed body, or (no body) a headline with one word's spelling fixed."""
    if new.fingerprint is not None and old.fingerprint is not None:
        return resemblance(new.fingerprint, old.fingerprint) >= threshold
    new_body, old_body = normalize_key(new.body_text), normalize_key(old.body_text)
    new_title, old_title = normalize_key(new.title), normalize_key(old.title)
    if new_body and new_body == old_body:
        return True
    if new_title == old_title:
        return bool(new_body and old_body) and (
            SequenceMatcher(None, old_body, new_body, autojunk=False).ratio() >= SHORT_BODY_RATIO
        )
    if new_body or old_body:
        return False
    return _one_word_fixed(old_title.split(), new_title.split())


def _one_word_fixed(old: list[str], new: list[str]) -> bool:
    if len(old) != len(new):
        return False
    changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    return len(changed) == 1 and (
        SequenceMatcher(None, *changed[0], autojunk=False).ratio() >= TYPO_RATIO
    )
