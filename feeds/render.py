"""Rendering a feed's stories as RSS 2.0, Atom 1.0 (both with feedgen) and JSON
Feed 1.1 (written directly from the same data: feedgen has no JSON Feed).

Output is deterministic: the feed's ``lastBuildDate``/``updated`` is the newest
story's time, never the time of the run, so unchanged input renders to the same
bytes. Characters XML 1.0 forbids are removed from every text first; nothing
else of the text is altered. feedgen stays behind this module.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from feedgen.feed import FeedGenerator
from lxml import etree

from feeds.store import StoredItem
from sources.dates import format_rfc3339
from sources.html import strip_xml_illegal
from sources.urls import iri_to_uri

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ATOM_NS = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


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


def _clean(text: str | None) -> str:
    return strip_xml_illegal(text or "")


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
        fe.title(_clean(item.title))
        fe.link(href=story.link, rel="alternate", type="text/html")
        fe.published(item.published)
        fe.updated(item.updated)
        if item.summary:
            fe.description(_clean(item.summary))
        fe.content(_clean(wrap_rtl(item.body, item.language)), type="CDATA")
        if item.author:
            fe.author(name=_clean(item.author))
            fe.dc.dc_creator(_clean(item.author))
        for tag in item.tags:
            fe.category(term=_clean(tag))
    return fg


def render_rss(meta: FeedMeta, stories: Sequence[Story]) -> bytes:
    fg = _generator(meta, stories, meta.rss_url, "application/rss+xml")
    return bytes(fg.rss_str(pretty=True))


def render_atom(meta: FeedMeta, stories: Sequence[Story]) -> bytes:
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
        "title": meta.title,
        "home_page_url": meta.home_url,
        "feed_url": meta.json_url,
        "description": meta.description or meta.title,
        "language": meta.language,
        "authors": [{"name": meta.author}],
        "items": [_json_item(s) for s in stories],
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
        out["image"] = iri_to_uri(item.image)
    out["date_published"] = format_rfc3339(item.published)
    out["date_modified"] = format_rfc3339(item.updated)
    if item.author:
        out["authors"] = [{"name": item.author}]
    if item.tags:
        out["tags"] = list(item.tags)
    out["language"] = item.language
    return out
