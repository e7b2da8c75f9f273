"""The item builder: what a source extracted becomes an ``Item`` here, and only here.

Every kind of source (bulletins, Markdown, JSON Lines and JSON files, RSS, Atom
and JSON Feeds, web pages read with selectors) hands what it found to ``build``
as an ``Extracted``, so that the rules below hold for all of them alike:

- text: every field (title, body, summary, id, author, tags, language, links)
  is made valid Unicode without the characters XML and HTML forbid
  (``sources.text.clean_text``: a lone surrogate becomes U+FFFD; C0 and C1
  controls, DEL, U+FFFE and U+FFFF are removed), before and after the body is
  sanitised; titles also lose bidi and zero-width controls (they allow
  spoofing);
- links: the item's ``url``, ``image`` and enclosures are published only when
  they are ``http``/``https`` (relative ones resolved against the item's base,
  ``sources.urls.web_link``); anything else (``javascript:``, ``data:``,
  ``vbscript:``, ``file:``…) is dropped and a warning names it; tracking
  parameters are removed from the url;
- enclosures (audio, video and other media files of remote items): at most
  ``MAX_ENCLOSURES``, one per URL, not the item's image again; a declared
  media type that is not ``type/subtype`` is replaced by the one the file's
  extension gives (``sources.urls.guess_media_type``) or left empty, a size
  that is not a whole number of bytes is dropped;
- markup: a body is sanitised with an allow-list (``sources.html.sanitize``);
  a body nested more than ``MAX_MARKUP_DEPTH`` elements deep is refused (its
  sanitising time grows with the square of the depth);
- dates: a date further than ``FUTURE_SKEW`` in the future is dropped, so the
  story is dated when first seen;
- titles and summaries: one headline rule (``headline``: the first sentence,
  at most ``TITLE_WORDS`` words and ``TITLE_CHARS`` characters) for items
  without a title, and one summary rule (``summary``: the first paragraph, cut
  at a word boundary to ``SUMMARY_CHARS`` characters).

An item that cannot be built (no title and no text) raises ``ItemProblem``; a
part that is dropped (a link) is reported in ``Built.warnings`` and the item is
still published without it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sources.arabic import strip_controls
from sources.html import html_to_text, markup_depth, sanitize, text_to_html
from sources.item import Enclosure, Item, language_tag
from sources.text import clean_text
from sources.urls import clean_media_type, guess_media_type, strip_tracking, web_link

log = logging.getLogger(__name__)

__all__ = [
    "FUTURE_SKEW",
    "MAX_ENCLOSURES",
    "MAX_MARKUP_DEPTH",
    "SUMMARY_CHARS",
    "TITLE_CHARS",
    "TITLE_WORDS",
    "Built",
    "Extracted",
    "ItemProblem",
    "build",
    "enclosure_at",
    "headline",
    "summary",
]

FUTURE_SKEW = timedelta(minutes=10)
"""A date further in the future than this is replaced by the time first seen."""
TITLE_WORDS = 15
TITLE_CHARS = 200
SUMMARY_CHARS = 280
MAX_MARKUP_DEPTH = 1000
"""Deepest element nesting accepted in a body (real articles stay under 30)."""
MAX_ENCLOSURES = 20
"""Media files kept per item (a podcast episode has one; a hostile feed may list thousands)."""

_CLOSERS = "»\"”’')]}›"
_SENTENCE_END = re.compile(r"[.!?؟…]+[" + re.escape(_CLOSERS) + r"]*(?=\s|$)")
_TRAILING_CUT = " \t:؛;،,.…-–—(«“‘"
_SHOWN = 60


class ItemProblem(ValueError):
    """What a source extracted cannot become an item (no title and no text, a
    field of the wrong type, a body nested too deeply)."""


@dataclass(frozen=True, slots=True)
class Extracted:
    """What a source found for one item, as it found it: nothing is trusted yet.

    ``title``, ``summary``, ``body_text``, ``author`` and ``tags`` are plain
    text; ``body_html`` and ``summary_html`` are HTML to sanitise. ``url``,
    ``image`` and the enclosures' URLs may be relative (to the item's base).
    Dates are already read.
    """

    title: str | None = None
    body_html: str | None = None
    body_text: str | None = None
    """Plain-text body, used when there is no ``body_html``."""
    summary: str | None = None
    summary_html: str | None = None
    """A feed's description: the summary when there is a body, else the body."""
    url: str | None = None
    image: str | None = None
    id: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    author: str | None = None
    tags: tuple[str, ...] = ()
    language: str | None = None
    enclosures: tuple[Enclosure, ...] = ()
    """Audio, video and other media files (not the image), as the source gives them."""


@dataclass(frozen=True, slots=True)
class Built:
    """The item, and what was dropped from it (one line each, naming the item)."""

    item: Item
    warnings: tuple[str, ...] = ()


# -- text rules -------------------------------------------------------------------


def plain(text: str | None) -> str:
    """One line of display text: clean Unicode, no bidi controls, single spaces."""
    if not text:
        return ""
    return " ".join(strip_controls(clean_text(text)).split())


def _field(text: str | None) -> str | None:
    """A short text field (id, author, language): clean, trimmed, None when empty."""
    if text is None:
        return None
    return clean_text(text).strip() or None


def _cut(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, ``…`` included."""
    if len(text) <= limit:
        return text
    room = limit - 1  # keeps a place for "…"
    space = text.rfind(" ", 0, room + 1)
    cut = text[:space] if space > 0 else text[:room]
    return (cut.rstrip(_TRAILING_CUT) or text[:room]) + "…"


def headline(text: str) -> str:
    """A title from text: the first sentence of its first line, without a final
    full stop, cut to ``TITLE_WORDS`` words and ``TITLE_CHARS`` characters
    (``…`` marks a cut)."""
    # the first line with something to read: bidi controls and spaces alone are not
    clean = next((line for line in map(plain, clean_text(text).split("\n")) if line), "")
    end = _SENTENCE_END.search(clean)
    sentence = clean[: end.end()] if end else clean
    sentence = sentence.rstrip(".").rstrip() or clean
    words = sentence.split()
    if len(words) > TITLE_WORDS:
        cut = " ".join(words[:TITLE_WORDS]).rstrip(_TRAILING_CUT)
        sentence = (cut or words[0]) + "…"
    return _cut(sentence, TITLE_CHARS)


def summary(text: str, limit: int = SUMMARY_CHARS) -> str:
    """A summary from text: one line, cut at a word boundary to ``limit``
    characters (``…`` included when cut)."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    return _cut(plain(text), limit)


def _show(value: str) -> str:
    return repr(value if len(value) <= _SHOWN else value[: _SHOWN - 1] + "…")


# -- the builder ------------------------------------------------------------------


def _link(name: str, value: str | None, base: str | None, dropped: list[str]) -> str | None:
    if value is None:
        return None
    raw = clean_text(value).strip()
    if not raw:
        return None
    link = web_link(raw, base)
    if link is None:
        dropped.append(f"{name} {_show(raw)}")
    return link


def _enclosures(
    found: tuple[Enclosure, ...], base: str | None, image: str | None, dropped: list[str]
) -> tuple[Enclosure, ...]:
    kept: dict[str, Enclosure] = {}
    for enclosure in found:
        if len(kept) >= MAX_ENCLOSURES:
            break
        url = _link("enclosure", enclosure.url, base, dropped)
        if url is None or url == image or url in kept:
            continue
        kept[url] = enclosure_at(url, enclosure)
    return tuple(kept.values())


def enclosure_at(url: str, found: Enclosure) -> Enclosure:
    """``found`` at ``url`` (a web link already): its declared type when it is
    ``type/subtype``, else the one its extension gives, else empty; its size when
    a whole number of bytes. The one rule for sources and feeds alike."""
    kind = clean_media_type(clean_text(found.type)) or guess_media_type(url) or ""
    length = found.length
    size = length if isinstance(length, int) and not isinstance(length, bool) else None
    return Enclosure(url, kind, size if size is not None and size >= 0 else None)


def _markup(fragment: str, base: str | None) -> str:
    depth = markup_depth(fragment)
    if depth > MAX_MARKUP_DEPTH:
        raise ItemProblem(f"HTML nested too deeply ({depth} levels, at most {MAX_MARKUP_DEPTH})")
    return sanitize(fragment, base_url=base)  # cleans before and after itself


def _date(name: str, value: datetime | None, now: datetime, title: str) -> datetime | None:
    if value is not None and value > now + FUTURE_SKEW:
        log.info("%s %s of «%s» is in the future: dated when first seen", name, value, title)
        return None
    return value


def build(
    found: Extracted,
    *,
    source: str,
    origin: str,
    now: datetime,
    base: str | None = None,
    title_needs_link: bool = False,
) -> Built:
    """The item from what a source found (see the module docstring for the rules).

    ``base`` resolves relative links (a feed's or a page's URL; None for files,
    whose relative links are dropped). ``title_needs_link``: an item with
    neither a title nor a link is refused (feeds), rather than titled by its
    first sentence.
    """
    dropped: list[str] = []
    title = plain(found.title)
    url = _link("url", found.url, base, dropped)
    url = strip_tracking(url) if url else None
    item_base = url or base
    image = _link("image", found.image, item_base, dropped)
    body = ""
    if found.body_html:
        body = _markup(found.body_html, item_base)
    elif found.body_text:
        body = text_to_html(clean_text(found.body_text))
    described = ""
    if found.summary_html and found.summary_html != found.body_html:  # often the same
        summary_html = _markup(found.summary_html, item_base)
        if body:
            described = html_to_text(summary_html)
        else:
            body = summary_html
    body_text = html_to_text(body)
    given = plain(found.summary)
    if not title:
        if title_needs_link and url is None:
            raise ItemProblem("no title and no link")
        lead = body_text or described or given
        if not plain(lead):
            raise ItemProblem(f"no title and no text ({url})" if url else "no title and no text")
        title = headline(lead)
    item = Item(
        title=title,
        body=body,
        source=source,
        summary=summary(given or described or body_text.split("\n\n")[0]),
        url=url,
        id=_field(found.id),
        published=_date("date", found.published, now, title),
        updated=_date("updated", found.updated, now, title),
        author=_field(found.author),
        tags=tuple(dict.fromkeys(t for t in (plain(tag) for tag in found.tags) if t)),
        language=language_tag(_field(found.language)),
        image=image,
        enclosures=_enclosures(found.enclosures, item_base, image, dropped),
        origin=origin,
    )
    warnings = tuple(
        f"{what} dropped from «{title}»: only http and https links are published"
        for what in dropped
    )
    return Built(item, warnings)
