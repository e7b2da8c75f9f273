"""What every kind of source shares: its configuration, the context it runs in,
what it returns, and the Protocol a collector implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from sources.bulletin_words import DEFAULT_WORDS, BulletinWords
from sources.errors import SourceError
from sources.item import Item

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """One ``[[sources]]`` entry of the configuration."""

    name: str
    path: str | None = None
    url: str | None = None
    title: str = ""
    """The outlet's name as readers see it (``also reported by``, pages); the
    ``name`` when empty."""
    every: float = 300.0
    """Polling interval in seconds."""
    format: str | None = None
    """Overrides detection: ``bulletin``, ``markdown``, ``jsonl``, ``json``…"""
    allow_private: bool = False
    discover: bool = False
    full_text: bool = False
    selectors: tuple[tuple[str, str], ...] = ()
    dedup: str = "near"
    """``near``, ``exact`` or ``off``: how the source's new stories are deduplicated."""
    priority: int = 0
    """A near-duplicate from a source of higher priority is what its cluster shows."""
    near_window: float = 7 * 86400.0
    """Seconds: near-duplicates are looked for among stories first seen this recently
    (``[site] near_window``, the same for every source)."""

    @property
    def location(self) -> str:
        return self.url or self.path or ""

    @property
    def kind(self) -> str:
        """``url`` or ``file``."""
        return "url" if self.url else "file"


@dataclass(frozen=True, slots=True)
class SourceState:
    """What a URL source remembers between polls (kept in the store)."""

    etag: str | None = None
    last_modified: str | None = None
    moved_to: str | None = None
    """The new URL after a permanent redirect (301/308)."""
    gone: bool = False
    """The server answered 410: the source is no longer polled."""


@dataclass(frozen=True, slots=True)
class Context:
    """What a collector needs from the run: time zone, clock, limits, word tables.

    ``known`` maps a file path to the fingerprint it had when last collected,
    so that an unchanged file is not parsed again.
    """

    tz: ZoneInfo
    now: datetime
    base_dir: str = "."
    max_bytes: int = DEFAULT_MAX_BYTES
    words: BulletinWords = DEFAULT_WORDS
    known: dict[str, str] = field(default_factory=dict)
    states: dict[str, SourceState] = field(default_factory=dict)
    """Per source name: validators and redirects remembered from the last poll."""


@dataclass(frozen=True, slots=True)
class FileState:
    """A file that was read: its path and the fingerprint of its bytes and parser."""

    path: str
    fingerprint: str


@dataclass(slots=True)
class Collected:
    """What collecting one source gave: items, problems, and files read.

    ``errors`` are problems with part of the source (one file of a glob, one
    line of a JSON Lines file); the rest of the source is still collected.
    ``unchanged`` counts files skipped because their fingerprint is known.
    ``notices`` are problems that leave the source healthy: they are shown with
    its errors (the poll is partial) but never count as a failure (a glob that
    matches no file yet). ``waiting`` names files left for the next poll because
    they are still being written; they are neither problems nor fingerprinted.
    URL sources also report the HTTP ``status``, whether the server answered
    ``not_modified`` (304), the ``state`` to remember for the next poll, and
    the server's wish about the next poll (``retry_after`` seconds from
    Retry-After, ``min_interval`` seconds from ttl or Cache-Control).
    """

    items: list[Item] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)
    files: list[FileState] = field(default_factory=list)
    unchanged: int = 0
    notices: list[SourceError] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    status: int | None = None
    not_modified: bool = False
    state: SourceState | None = None
    retry_after: float | None = None
    min_interval: float | None = None


class Collector(Protocol):
    """One kind of source. Returns what it collected; raises SourceError only when
    nothing of the source could be read at all."""

    def __call__(self, spec: SourceSpec, ctx: Context) -> Collected: ...


@dataclass(slots=True)
class Parsed:
    """What parsing one file gave: its items, the problems with parts of it, and
    notices: things dropped from items that are still published (a script link),
    said once when the file is read and not counted against it."""

    items: list[Item] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)
    notices: list[SourceError] = field(default_factory=list)
