"""The data that flows from sources to feeds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
DEFAULT_LANGUAGE = "ar"


def language_tag(value: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """A BCP 47 language tag from what a source says (``ar_LY`` → ``ar-LY``); the
    default when it says nothing usable."""
    tag = (value or "").strip().replace("_", "-")
    return tag if _LANGUAGE_TAG.match(tag) else default


def _require_aware(name: str, value: datetime | None) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")


@dataclass(frozen=True, slots=True)
class Enclosure:
    """A media file attached to a story (a remote item's enclosure or
    ``media:content``): its absolute http(s) URL, MIME type and size in bytes
    when the source says them."""

    url: str
    type: str = ""
    length: int | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """One news story as a source yields it.

    ``body`` is sanitised HTML (never plain text); ``title`` and ``summary`` are
    plain text. ``id`` is the source's own id when it has one; identity is
    completed downstream (canonical URL, or a key derived from the text).
    ``published`` is None when the source gives no date: the store then uses the
    time the story was first seen. Datetimes are always timezone-aware.
    """

    title: str
    body: str
    source: str
    summary: str = ""
    url: str | None = None
    id: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    author: str | None = None
    tags: tuple[str, ...] = ()
    language: str = "ar"
    image: str | None = None
    enclosures: tuple[Enclosure, ...] = ()
    """Audio, video and other media files that pass through to the feeds."""
    origin: str = ""
    """Where the item came from inside its source (a file name, a URL): used in
    messages, and to keep derived ids of file stories apart."""

    def __post_init__(self) -> None:
        _require_aware("published", self.published)
        _require_aware("updated", self.updated)
        if not isinstance(self.tags, tuple):
            raise TypeError("tags must be a tuple")
