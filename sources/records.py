"""Turning a loosely-typed record (front matter, a JSON object) into an Item.

The field table follows JSON Feed / RSS naming with the aliases real exports
use; both Markdown front matter and JSON records go through it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sources.build import Built, Extracted, ItemProblem, build
from sources.dates import parse_date
from sources.text import clean_text

MAX_DEPTH = 64
"""Deepest nesting of arrays and objects accepted in a record (JSON, front matter)."""
TOO_DEEP = f"nested too deeply (more than {MAX_DEPTH} levels of arrays and objects)"

# field -> accepted keys, first present wins
FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "guid", "uid"),
    "title": ("title", "headline"),
    "url": ("url", "link", "permalink"),
    "published": ("date", "published", "pubDate", "date_published", "pubdate"),
    "updated": ("updated", "modified", "date_modified", "lastmod"),
    "author": ("author", "authors", "byline"),
    "summary": ("summary", "description", "excerpt"),
    "html": ("content_html", "html"),
    "text": ("body", "text", "content", "content_text"),
    "tags": ("tags", "categories", "keywords"),
    "image": ("image", "banner_image", "thumbnail"),
    "language": ("language", "lang"),
}


RecordProblem = ItemProblem
"""A field of a record has the wrong type or an unreadable value."""


@dataclass(frozen=True, slots=True)
class RecordContext:
    """Where records come from: the source, the file, and how to read its dates.

    ``relative_base`` reads relative dates (the file's modification time);
    ``now`` is the time of the run, for dropping future dates (the clock when
    None)."""

    source: str
    origin: str
    tz: ZoneInfo
    relative_base: datetime
    now: datetime | None = None


def deeper_than(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether arrays and objects nest more than ``limit`` levels in ``value``.

    Level by level, each container visited once: a structure that refers to
    itself (YAML aliases) is deeper than any limit, and one that repeats an
    alias many times is not walked once per repetition.
    """
    level: list[Any] = [value]
    for _ in range(limit + 1):
        seen: dict[int, Any] = {}
        for node in level:
            children = node.values() if isinstance(node, Mapping) else node
            if isinstance(node, Mapping | list | tuple):
                for child in children:
                    if isinstance(child, Mapping | list | tuple):
                        seen.setdefault(id(child), child)
        if not seen:
            return False
        level = list(seen.values())
    return True


def pick(record: Mapping[str, Any], name: str) -> Any:
    for key in FIELDS[name]:
        value = record.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def _text(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value).strip() or None
    raise RecordProblem(f"{name} must be text, got {type(value).__name__}")


def _author(value: Any) -> str | None:
    """An author: text, ``{"name": …}``, or a list of either (not nested further)."""
    items = value if isinstance(value, list) else [value]
    names = []
    for one in items:
        if isinstance(one, Mapping):
            names.append(_text(one.get("name"), "author.name"))
        else:
            names.append(_text(one, "author"))
    return ", ".join(n for n in names if n) or None


def _tags(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        parts = [t.strip() for t in value.replace("،", ",").split(",")]
    elif isinstance(value, list):
        parts = [str(_text(t, "tags") or "") for t in value]
    else:
        raise RecordProblem(f"tags must be a list or text, got {type(value).__name__}")
    return tuple(dict.fromkeys(t for t in parts if t))


def _date(value: Any, name: str, ctx: RecordContext) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str | int | float | datetime | date) or isinstance(value, bool):
        raise RecordProblem(f"{name} must be a date, got {type(value).__name__}")
    if isinstance(value, str):
        value = clean_text(value)
    parsed = parse_date(value, tz=ctx.tz, relative_base=ctx.relative_base)
    if parsed is None:
        raise RecordProblem(f"cannot read {name} {str(value)[:60]!r}")
    return parsed


def item_from_record(
    record: Mapping[str, Any], ctx: RecordContext, *, body_html: str | None = None
) -> Built:
    """The item of a record (and what was dropped from it). ``body_html``
    (already rendered, e.g. from Markdown) wins over the record's own content
    fields."""
    if deeper_than(record):
        raise RecordProblem(TOO_DEEP)
    if body_html is None:
        body_html = _text(pick(record, "html"), "content_html")
    found = Extracted(
        title=_text(pick(record, "title"), "title"),
        body_html=body_html,
        body_text=_text(pick(record, "text"), "body"),
        summary=_text(pick(record, "summary"), "summary"),
        url=_text(pick(record, "url"), "url"),
        image=_text(pick(record, "image"), "image"),
        id=_text(pick(record, "id"), "id"),
        published=_date(pick(record, "published"), "date", ctx),
        updated=_date(pick(record, "updated"), "updated", ctx),
        author=_author(pick(record, "author")),
        tags=_tags(pick(record, "tags")),
        language=_text(pick(record, "language"), "language"),
    )
    now = ctx.now or datetime.now(UTC)
    return build(found, source=ctx.source, origin=ctx.origin, now=now)
