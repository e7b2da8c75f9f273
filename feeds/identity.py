"""Identity of a story: its id, its dedup keys and its revision.

- ``id``: the source's own id (namespaced by source unless it is already a URI),
  else the canonical URL, else a stable id derived from the source, the file it
  came from and the normalised title (so an edit of the body keeps the id, and
  tomorrow's bulletin with a recurring headline is a story of its own). Ids never change across runs; an edited story keeps its id
  and only its revision changes.
- keys: the id, the canonical URL and the normalised title+body; any one of
  them already known means the story is already stored.
- ``rev``: a hash of everything displayed, to detect edits.

Keys are versioned hashes of canonical JSON, so a change of normalisation can
be rolled out by bumping ``KEY_VERSION``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from urllib.parse import quote

from feeds.near import Fingerprint, Lines, batch_fingerprints, lines_of, read_lines
from sources.arabic import normalize_key
from sources.html import html_to_text
from sources.item import Item
from sources.urls import canonical_url, iri_to_uri

KEY_VERSION = "1"


_CANONICAL = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
"""``json.dumps(..., ensure_ascii=False, separators=(",", ":"))``, made once: ``dumps``
with options builds an encoder each call, several times a story."""


def _digest(*parts: object, size: int = 32) -> str:
    payload = _CANONICAL.encode([KEY_VERSION, *parts])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:size]


@dataclass(frozen=True, slots=True)
class Entry:
    """An item with its identity, ready to be stored."""

    id: str
    item: Item
    keys: tuple[str, ...]
    """Dedup keys, the id's own key first."""
    content_key: str
    rev: str
    slug: str
    fingerprint: Fingerprint | None = None
    """The body's near-duplicate fingerprint, when ``fingerprinted`` (None: too
    short to have one)."""
    fingerprinted: bool = False
    """Whether ``fingerprint`` was computed (by ``prepare``, where the source was
    parsed) or is left to the store."""


_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[\x21-\x7e]+$")
ID_SCHEMES = frozenset({"http", "https", "urn", "tag"})
"""Schemes an id may keep as it is: readers take an id for a link at worst, so a
``javascript:`` or ``data:`` id is never published as it came."""


def own_id(source: str, raw: str) -> str:
    """The source's own id as a valid URI: kept when it is already an absolute ASCII
    URI of one of ``ID_SCHEMES`` (http URLs percent-encoded), else
    ``urn:nashra:<source>:<percent-encoded id>``."""
    own = raw.strip()
    if own.lower().startswith(("http://", "https://")):
        return iri_to_uri(own)
    scheme = own.split(":", 1)[0].lower()
    if _URI.match(own) and scheme in ID_SCHEMES and not own.lower().startswith("urn:nashra:"):
        return own
    return f"urn:nashra:{source}:{quote(own, safe='-._~')}"


def item_id(item: Item, canonical: str | None = None) -> str:
    """The story's id (``canonical``: its URL's ``canonical_url``, when the caller has it)."""
    if item.id:
        return own_id(item.source, item.id)
    if item.url:
        return canonical or canonical_url(item.url)
    digest = _digest(item.source, item.origin, normalize_key(item.title), size=24)
    return f"urn:nashra:{item.source}:{digest}"


def content_key(item: Item, body_text: str | None = None, body_key: str | None = None) -> str:
    """The key of the story's normalised title and body (``body_text``: the body
    as text, ``body_key``: its ``normalize_key``, when the caller has them already)."""
    if body_key is None:
        body_key = normalize_key(html_to_text(item.body) if body_text is None else body_text)
    return _digest(normalize_key(item.title), body_key)


def revision(item: Item) -> str:
    return _digest(
        item.title,
        item.body,
        item.summary,
        item.url,
        item.author,
        list(item.tags),
        item.image,
        item.language,
        item.published.isoformat() if item.published else None,
        item.updated.isoformat() if item.updated else None,
        # only when there are some: the revisions of stories without stay as they were
        *([[(e.url, e.type, e.length) for e in item.enclosures]] if item.enclosures else []),
    )


def identify(item: Item, body_text: str | None = None, body_key: str | None = None) -> Entry:
    """The story's identity (``body_text``, ``body_key``: see ``content_key``)."""
    canonical = canonical_url(item.url) if item.url else None
    ident = item_id(item, canonical)
    own = _digest(ident)
    keys = [f"id:{own}"]
    if canonical is not None:
        keys.append(f"url:{_digest(canonical)}")
    ckey = content_key(item, body_text, body_key)
    keys.append(f"text:{ckey}")
    return Entry(
        id=ident,
        item=item,
        keys=tuple(dict.fromkeys(keys)),
        content_key=ckey,
        rev=revision(item),
        slug=own[:16],  # _digest(ident, size=16)
    )


def body_lines(entry: Entry, body_text: str | None = None) -> tuple[tuple[str, str], ...]:
    """The lines of the entry's body as text, with their keys (``near.lines_of``)."""
    if body_text is None:
        body_text = html_to_text(entry.item.body) if entry.item.body else ""
    return lines_of(body_text) if body_text else ()


def prepare(items: Sequence[Item]) -> list[Entry]:
    """The identities and near-duplicate fingerprints of one batch of a source's
    items. Run where the source is parsed (a worker process for URL sources), so
    that the store's write transaction only looks up and writes."""
    texts = [html_to_text(item.body) if item.body else "" for item in items]
    read = [read_lines(text) if text else ((), "") for text in texts]
    entries = [
        identify(item, text, key) for item, text, (_, key) in zip(items, texts, read, strict=True)
    ]
    return with_fingerprints(entries, [lines for lines, _ in read])


def identify_texts(items: Sequence[Item], texts: Sequence[str]) -> list[Entry]:
    """The identities of items whose bodies are already read as ``texts``."""
    return [identify(item, text) for item, text in zip(items, texts, strict=True)]


def fingerprinted(entries: Sequence[Entry], texts: Sequence[str]) -> list[Entry]:
    """One batch's entries with their fingerprints (``texts``: their bodies as text)."""
    return with_fingerprints(
        entries, [body_lines(e, text) for e, text in zip(entries, texts, strict=True)]
    )


def with_fingerprints(entries: Sequence[Entry], lines: Sequence[Lines]) -> list[Entry]:
    """One batch's entries with their fingerprints (``lines``: their bodies' ``lines_of``)."""
    fps = batch_fingerprints([(e.item.origin, ls) for e, ls in zip(entries, lines, strict=True)])
    return [
        replace(e, fingerprint=fp, fingerprinted=True) for e, fp in zip(entries, fps, strict=True)
    ]
