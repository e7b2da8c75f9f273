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
    every: float = 300.0
    """Polling interval in seconds."""
    format: str | None = None
    """Overrides detection: ``bulletin``, ``markdown``, ``jsonl``, ``json``…"""
    allow_private: bool = False
    discover: bool = False
    full_text: bool = False
    selectors: tuple[tuple[str, str], ...] = ()

    @property
    def location(self) -> str:
        return self.url or self.path or ""


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
    """

    items: list[Item] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)
    files: list[FileState] = field(default_factory=list)
    unchanged: int = 0


class Collector(Protocol):
    """One kind of source. Returns what it collected; raises SourceError only when
    nothing of the source could be read at all."""

    def __call__(self, spec: SourceSpec, ctx: Context) -> Collected: ...


@dataclass(slots=True)
class Parsed:
    """What parsing one file gave: its items and the problems with parts of it."""

    items: list[Item] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)
