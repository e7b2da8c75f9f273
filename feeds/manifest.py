"""What nashra published into the public folder, as ``nashra serve`` and the
publisher read it: ``public/.nashra/manifest.json``.

The publisher records every feed-level file it writes (feeds, archives, the
index, the OPML list, the stylesheet) with the hash of its bytes computed when it
wrote them (the strong ``ETag``), its type, how long readers may cache it and
the ``Link`` headers it goes out with; and the paths of files it published for
feeds that are no longer configured (``gone``: answered ``410 Gone``, and the
files themselves deleted). Story pages are not listed one by one (there may be
hundreds of thousands): a server hashes them when first asked.

The file is written atomically; a server reloads it when it changes. A missing
or unreadable manifest is an empty one: the server still serves files, with
hashes of its own.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MANIFEST = Path(".nashra") / "manifest.json"
"""The manifest's path under the public folder (never served)."""
VERSION = 1

CONTENT_TYPES: Mapping[str, str] = {
    "rss.xml": "application/rss+xml; charset=utf-8",
    "atom.xml": "application/atom+xml; charset=utf-8",
    "feed.json": "application/feed+json; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".xsl": "text/xsl; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
}
"""Content types by file name (feeds) or suffix."""
ATOM_ARCHIVE_TYPE = "application/atom+xml; charset=utf-8"


def content_type(path: str) -> str:
    """The ``Content-Type`` of a published file, by its name, then its suffix; an
    Atom archive (``<feed>/archive/<YYYY-MM>.xml``) is Atom."""
    name = path.rsplit("/", 1)[-1]
    if name in CONTENT_TYPES:
        return CONTENT_TYPES[name]
    if "/archive/" in f"/{path}" and name.endswith(".xml"):
        return ATOM_ARCHIVE_TYPE
    suffix = name[name.rfind(".") :] if "." in name else ""
    return CONTENT_TYPES.get(suffix, "application/octet-stream")


def etag_of(data: bytes) -> str:
    """The strong entity tag of a file's bytes, quoted as HTTP sends it."""
    return f'"{hashlib.sha256(data).hexdigest()[:32]}"'


@dataclass(frozen=True, slots=True)
class Published:
    """One file the publisher wrote, by its path under the public folder."""

    path: str
    """POSIX path relative to the public folder (``news/rss.xml``)."""
    etag: str
    """``etag_of`` its bytes."""
    size: int
    modified: float
    """When its bytes last changed (seconds since 1970): ``Last-Modified``."""
    max_age: int = 300
    """Seconds a reader or cache may keep it (``Cache-Control: max-age``)."""
    links: tuple[tuple[str, str], ...] = ()
    """``Link`` headers: (rel, absolute URL), e.g. ("self", …), ("hub", …)."""
    cors: bool = False
    """Sent with ``Access-Control-Allow-Origin: *`` (feeds)."""
    encodings: tuple[str, ...] = ()
    """Compressed copies beside it: ``br`` (``.br``), ``gzip`` (``.gz``)."""

    @property
    def content_type(self) -> str:
        return content_type(self.path)


@dataclass(frozen=True, slots=True)
class Manifest:
    files: Mapping[str, Published] = field(default_factory=dict)
    gone: frozenset[str] = frozenset()
    """Paths of files published for feeds no longer configured: ``410 Gone``."""


def load(public: Path) -> Manifest:
    """The manifest of a public folder; empty when it has none or it is unreadable."""
    try:
        data = json.loads((public / MANIFEST).read_text("utf-8"))
        if data.get("version") != VERSION:
            return Manifest()
        files = {
            row["path"]: Published(
                path=row["path"],
                etag=row["etag"],
                size=int(row["size"]),
                modified=float(row["modified"]),
                max_age=int(row.get("max_age", 300)),
                links=tuple((str(rel), str(url)) for rel, url in row.get("links", ())),
                cors=bool(row.get("cors", False)),
                encodings=tuple(row.get("encodings", ())),
            )
            for row in data.get("files", ())
        }
        return Manifest(files, frozenset(data.get("gone", ())))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Manifest()


def dumps(manifest: Manifest) -> bytes:
    """The manifest's bytes (sorted, so that an unchanged manifest is unchanged)."""
    rows: list[dict[str, Any]] = []
    for path in sorted(manifest.files):
        entry = manifest.files[path]
        rows.append(
            {
                "path": entry.path,
                "etag": entry.etag,
                "size": entry.size,
                "modified": entry.modified,
                "max_age": entry.max_age,
                "links": [list(link) for link in entry.links],
                "cors": entry.cors,
                "encodings": list(entry.encodings),
            }
        )
    data = {"version": VERSION, "files": rows, "gone": sorted(manifest.gone)}
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
