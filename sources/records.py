"""Turning a loosely-typed record (front matter, a JSON object) into an Item.

The field table follows JSON Feed / RSS naming with the aliases real exports
use; both Markdown front matter and JSON records go through it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sources.arabic import strip_controls
from sources.dates import parse_date
from sources.html import first_sentence, html_to_text, sanitize, shorten, text_to_html
from sources.item import Item, language_tag

TITLE_WORDS = 15
SUMMARY_CHARS = 280

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


class RecordProblem(ValueError):
    """A field of a record has the wrong type or an unreadable value."""


@dataclass(frozen=True, slots=True)
class RecordContext:
    source: str
    origin: str
    tz: ZoneInfo
    relative_base: datetime


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
    if isinstance(value, list):
        names = [a for a in (_author(v) for v in value) if a]
        return ", ".join(names) or None
    if isinstance(value, Mapping):
        return _text(value.get("name"), "author.name")
    return _text(value, "author")


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
    parsed = parse_date(value, tz=ctx.tz, relative_base=ctx.relative_base)
    if parsed is None:
        raise RecordProblem(f"cannot read {name} {str(value)[:60]!r}")
    return parsed


def item_from_record(
    record: Mapping[str, Any], ctx: RecordContext, *, body_html: str | None = None
) -> Item:
    """Build an Item from a record. ``body_html`` (already rendered, e.g. from
    Markdown) wins over the record's own content fields."""
    url = _text(pick(record, "url"), "url")
    if body_html is None:
        raw_html = _text(pick(record, "html"), "content_html")
        if raw_html is not None:
            body_html = sanitize(raw_html, base_url=url)
        else:
            body_html = text_to_html(_text(pick(record, "text"), "body") or "")
    else:
        body_html = sanitize(body_html, base_url=url)
    body_text = html_to_text(body_html)
    summary = _text(pick(record, "summary"), "summary") or ""
    title = _text(pick(record, "title"), "title")
    if title is None:
        lead = body_text or summary
        if not lead:
            raise RecordProblem("no title and no text")
        title = shorten(first_sentence(lead), 200, words=TITLE_WORDS)
    if not summary:
        summary = shorten(body_text.split("\n\n")[0], SUMMARY_CHARS) if body_text else ""
    return Item(
        title=strip_controls(" ".join(title.split())),
        body=body_html,
        source=ctx.source,
        summary=summary,
        url=url,
        id=_text(pick(record, "id"), "id"),
        published=_date(pick(record, "published"), "date", ctx),
        updated=_date(pick(record, "updated"), "updated", ctx),
        author=_author(pick(record, "author")),
        tags=_tags(pick(record, "tags")),
        language=language_tag(_text(pick(record, "language"), "language")),
        image=_text(pick(record, "image"), "image"),
        origin=ctx.origin,
    )
