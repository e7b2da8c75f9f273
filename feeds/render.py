"""Rendering a feed's stories as RSS 2.0, Atom 1.0 (both with feedgen) and JSON
Feed 1.1 (written directly from the same data: feedgen has no JSON Feed).

Output is deterministic: the feed's ``lastBuildDate``/``updated`` is the newest
story's time, never the time of the run, so unchanged input renders to the same
bytes. feedgen stays behind this module.

Whatever the store holds, what is published is made safe here, once, for every
output (the feeds and the HTML pages alike): ``publishable`` gives every text
the same rule as the sources' boundary (``clean_text``: valid Unicode without
control characters or noncharacters), sanitises the body again, and keeps only
``http``/``https`` links and images (``web_link``); a story whose own URL is
anything else is linked to its permalink page instead.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from urllib.parse import quote

from feedgen.feed import FeedGenerator
from lxml import etree

from feeds.identity import ID_SCHEMES
from feeds.store import StoredItem
from sources.build import headline
from sources.dates import format_rfc3339
from sources.html import html_to_text, sanitize
from sources.text import clean_text
from sources.urls import iri_to_uri, web_link

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ATOM_NS = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
STORIES_DIR = "stories"
"""The folder of permalink pages, under the public folder and under the site's URL."""


@dataclass(frozen=True, slots=True)
class FeedMeta:
    """What a rendered feed says about itself."""

    name: str
    title: str
    description: str
    language: str
    home_url: str
    rss_url: str
    atom_url: str
    json_url: str
    author: str
    fallback_updated: datetime
    """The feed's date when it has no story yet (the store's creation time)."""


@dataclass(frozen=True, slots=True)
class Story:
    """A stored story with its link resolved (its own URL or its permalink page)."""

    item: StoredItem
    link: str


def safe_link(value: str | None) -> str | None:
    """``value`` as a URL fit to publish (absolute ``http``/``https``, IRI
    percent-encoded), or None."""
    link = web_link(value)
    return iri_to_uri(link) if link else None


def permalink(item: StoredItem, base_url: str) -> str:
    """The absolute URL of the story's permalink page."""
    return f"{base_url}{STORIES_DIR}/{item.slug}.html"


def has_own_link(item: StoredItem) -> bool:
    """Whether the story is published under its own URL (else under its permalink page)."""
    return safe_link(item.url) is not None


def story_link(item: StoredItem, base_url: str) -> str:
    """The story's own URL when it is a web link, else its permalink page's URL."""
    return safe_link(item.url) or permalink(item, base_url)


_SCHEME = re.compile(r"\A([A-Za-z][A-Za-z0-9+.-]*):")


def published_id(ident: str) -> str:
    """The story's id as published: kept when it is an ``http``, ``https``,
    ``urn`` or ``tag`` URI, which readers may take for a link at worst; any other
    scheme (``javascript:``…) is published percent-encoded in nashra's own URN."""
    ident = clean_text(ident)
    scheme = _SCHEME.match(ident)
    if scheme is None or scheme.group(1).lower() in ID_SCHEMES:
        return ident
    return f"urn:nashra:id:{quote(ident, safe='-._~')}"


UNTITLED = "…"


def _title(title: str, summary: str, body: str) -> str:
    """A title for every story (Atom requires one): when nothing is left of the
    stored one, a headline from the summary or the body, by the sources' rule."""
    if title.strip():
        return title
    return headline(summary or html_to_text(body)) or UNTITLED


@lru_cache(maxsize=1024)
def publishable(item: StoredItem) -> StoredItem:
    """The story as it may be published: every text cleaned, the body sanitised,
    links and images that are not ``http``/``https`` dropped, the id without a
    foreign scheme."""
    tags = tuple(tag for tag in (clean_text(t).strip() for t in item.tags) if tag)
    summary = clean_text(item.summary)
    # sanitising decodes character references (``&#27;``): clean before and after
    body = clean_text(sanitize(clean_text(item.body)))
    return replace(
        item,
        id=published_id(item.id),
        source=clean_text(item.source),
        title=_title(clean_text(item.title), summary, body),
        summary=summary,
        body=body,
        url=safe_link(item.url),
        author=clean_text(item.author or "").strip() or None,
        tags=tags,
        language=clean_text(item.language),
        image=safe_link(item.image),
    )


def publishable_story(story: Story, base_url: str) -> Story:
    """A story made safe to publish; its link kept only when it is a web link,
    else its permalink page under ``base_url``."""
    link = safe_link(story.link) or permalink(story.item, base_url)
    return Story(publishable(story.item), link)


def _clean(text: str | None) -> str:
    return clean_text(text or "")


def wrap_rtl(body: str, language: str) -> str:
    """The body in a ``<div>`` carrying its direction and language, which readers keep."""
    return f'<div dir="{direction(language)}" lang="{html.escape(language)}">{body}</div>'


RTL_LANGUAGES = frozenset({"ar", "fa", "ur", "he", "ps", "ckb", "ug", "yi", "dv", "sd"})


def direction(language: str) -> str:
    """``rtl`` for right-to-left languages, else ``auto`` (the reader decides)."""
    return "rtl" if language.split("-")[0].lower() in RTL_LANGUAGES else "auto"


def _updated(meta: FeedMeta, stories: Sequence[Story]) -> datetime:
    return max((s.item.updated for s in stories), default=meta.fallback_updated)


def _generator(
    meta: FeedMeta, stories: Sequence[Story], self_url: str, self_type: str
) -> FeedGenerator:
    """``stories`` already made publishable."""
    fg = FeedGenerator()
    fg.load_extension("dc")
    fg.id(meta.home_url + meta.name + "/")
    fg.title(_clean(meta.title))
    fg.subtitle(_clean(meta.description or meta.title))
    fg.description(_clean(meta.description or meta.title))
    fg.language(meta.language)
    fg.author(name=_clean(meta.author))
    fg.link(href=self_url, rel="self", type=self_type)
    fg.link(href=meta.home_url, rel="alternate", type="text/html")  # last link: RSS <link>
    fg.generator("nashra")
    fg.docs("https://www.rssboard.org/rss-specification")
    updated = _updated(meta, stories)
    fg.updated(updated)
    fg.lastBuildDate(updated)
    for story in stories:
        item = story.item
        fe = fg.add_entry(order="append")
        fe.id(item.id)
        fe.guid(item.id, permalink=item.id == story.link)
        fe.title(item.title)
        fe.link(href=story.link, rel="alternate", type="text/html")
        fe.published(item.published)
        fe.updated(item.updated)
        if item.summary:
            fe.description(item.summary)
        fe.content(wrap_rtl(item.body, item.language), type="CDATA")
        if item.author:
            fe.author(name=item.author)
            fe.dc.dc_creator(item.author)
        for tag in item.tags:
            fe.category(term=tag)
    return fg


def render_rss(meta: FeedMeta, stories: Sequence[Story]) -> bytes:
    stories = [publishable_story(s, meta.home_url) for s in stories]
    fg = _generator(meta, stories, meta.rss_url, "application/rss+xml")
    return bytes(fg.rss_str(pretty=True))


def render_atom(meta: FeedMeta, stories: Sequence[Story]) -> bytes:
    stories = [publishable_story(s, meta.home_url) for s in stories]
    fg = _generator(meta, stories, meta.atom_url, "application/atom+xml")
    tree = etree.fromstring(fg.atom_str(pretty=True))
    tree.set(XML_LANG, meta.language)
    for entry, story in zip(tree.iterfind(f"{{{ATOM_NS}}}entry"), stories, strict=True):
        entry.set(XML_LANG, story.item.language)
        content = entry.find(f"{{{ATOM_NS}}}content")
        if content is not None:
            content.set("type", "html")
    return bytes(etree.tostring(tree, pretty_print=True, xml_declaration=True, encoding="UTF-8"))


def render_json(meta: FeedMeta, stories: Sequence[Story]) -> bytes:
    feed: dict[str, object] = {
        "version": JSON_FEED_VERSION,
        "title": _clean(meta.title),
        "home_page_url": meta.home_url,
        "feed_url": meta.json_url,
        "description": _clean(meta.description or meta.title),
        "language": _clean(meta.language),
        "authors": [{"name": _clean(meta.author)}],
        "items": [_json_item(publishable_story(s, meta.home_url)) for s in stories],
    }
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _json_item(story: Story) -> dict[str, object]:
    item = story.item
    out: dict[str, object] = {
        "id": item.id,
        "url": story.link,
        "title": item.title,
        "content_html": wrap_rtl(item.body, item.language),
    }
    if item.summary:
        out["summary"] = item.summary
    if item.image:
        out["image"] = item.image
    out["date_published"] = format_rfc3339(item.published)
    out["date_modified"] = format_rfc3339(item.updated)
    if item.author:
        out["authors"] = [{"name": item.author}]
    if item.tags:
        out["tags"] = list(item.tags)
    out["language"] = item.language
    return out
