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

A story that other outlets also reported (``StoredItem.also``, its near-duplicate
cluster) ends its content with a short Arabic block linking to them, and says
so machine-readably: Atom ``link rel="related"`` per outlet with a link, a
``nashra:also`` element per outlet in RSS and Atom (namespace ``NASHRA_NS``)
and a ``_nashra`` object on the JSON Feed item (see docs/namespace.md).
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

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from feeds.identity import ID_SCHEMES
from feeds.store import AlsoReported, StoredItem
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
NASHRA_NS = "https://nashra.invalid/ns/1.0"
"""nashra's XML namespace (prefix ``nashra``) and the ``about`` of its JSON Feed
extension ``_nashra``; documented in docs/namespace.md. Never changes: a new
version of the vocabulary gets a new URI."""
ALSO_LABEL = "ورد هذا الخبر أيضا في:"
"""The start of the "also reported by" block."""


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
    foreign scheme; the other outlets (``also``) by the same rule."""
    tags = tuple(tag for tag in (clean_text(t).strip() for t in item.tags) if tag)
    also = tuple(
        AlsoReported(
            source=clean_text(member.source).strip() or UNTITLED,
            title=clean_text(member.title).strip(),
            url=safe_link(member.url),
            first_seen=member.first_seen,
        )
        for member in item.also
    )
    summary = clean_text(item.summary)
    body = sanitize(item.body)  # cleans before and after: it decodes ``&#27;``
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
        also=also,
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


def also_html(also: Sequence[AlsoReported]) -> str:
    """The "also reported by" block for a publishable story's ``also``: each
    outlet's name, linked to its copy when it has a web link (the copy's title as
    the link's title); empty when no other outlet reported the story."""
    if not also:
        return ""
    names = []
    for member in also:
        name = html.escape(member.source)
        if member.url:
            title = f' title="{html.escape(member.title)}"' if member.title else ""
            name = f'<a href="{html.escape(member.url)}"{title}>{name}</a>'
        names.append(name)
    block = f"<p>{html.escape(ALSO_LABEL)} {'، '.join(names)}</p>"
    return sanitize(f'<div dir="rtl" lang="ar">{block}</div>')


def content_html(item: StoredItem) -> str:
    """A publishable story's content as every output carries it: its body in a
    ``<div>`` with its direction and language, then the "also reported by" block."""
    return wrap_rtl(item.body, item.language) + also_html(item.also)


RTL_LANGUAGES = frozenset({"ar", "fa", "ur", "he", "ps", "ckb", "ug", "yi", "dv", "sd"})


def direction(language: str) -> str:
    """``rtl`` for right-to-left languages, else ``auto`` (the reader decides)."""
    return "rtl" if language.split("-")[0].lower() in RTL_LANGUAGES else "auto"


class _NashraFeed(BaseExtension):  # type: ignore[misc]
    """Declares the ``nashra`` namespace on the feed's root."""

    def extend_ns(self) -> dict[str, str]:
        return {"nashra": NASHRA_NS}


class _NashraEntry(BaseEntryExtension):  # type: ignore[misc]
    """An entry's ``nashra:also`` elements, one per outlet that also reported it:
    ``<nashra:also source="…" href="…" first-seen="…">title</nashra:also>``."""

    def __init__(self) -> None:
        self.members: tuple[AlsoReported, ...] = ()

    def extend_rss(self, entry: etree._Element) -> etree._Element:
        for member in self.members:
            element = etree.SubElement(entry, f"{{{NASHRA_NS}}}also")
            element.set("source", member.source)
            if member.url:
                element.set("href", member.url)
            element.set("first-seen", format_rfc3339(member.first_seen))
            element.text = member.title
        return entry

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        return self.extend_rss(entry)


def _updated(meta: FeedMeta, stories: Sequence[Story]) -> datetime:
    return max((s.item.updated for s in stories), default=meta.fallback_updated)


def _generator(
    meta: FeedMeta, stories: Sequence[Story], self_url: str, self_type: str
) -> FeedGenerator:
    """``stories`` already made publishable."""
    fg = FeedGenerator()
    fg.load_extension("dc")
    if any(story.item.also for story in stories):  # feeds without clusters stay as they were
        fg.register_extension("nashra", _NashraFeed, _NashraEntry)
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
        if item.also:
            fe.nashra.members = item.also
        fe.published(item.published)
        fe.updated(item.updated)
        if item.summary:
            fe.description(item.summary)
        fe.content(content_html(item), type="CDATA")
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
        _related_links(entry, story)
    return bytes(etree.tostring(tree, pretty_print=True, xml_declaration=True, encoding="UTF-8"))


def _related_links(entry: etree._Element, story: Story) -> None:
    """An Atom ``link rel="related"`` per outlet that also reported the story and
    has a web link, after the entry's alternate link (written here: feedgen drops
    the attributes of an entry's links)."""
    anchor = entry.findall(f"{{{ATOM_NS}}}link")[-1]  # every entry has its alternate link
    related = {m.url: m for m in story.item.also if m.url and m.url != story.link}
    for url, member in reversed(related.items()):
        link = etree.Element(f"{{{ATOM_NS}}}link", href=url, rel="related", type="text/html")
        if member.title:
            link.set("title", member.title)
        link.tail = anchor.tail
        anchor.addnext(link)


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
        "content_html": content_html(item),
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
    if item.also:
        out["_nashra"] = {"about": NASHRA_NS, "also": [_json_also(m) for m in item.also]}
    return out


def _json_also(member: AlsoReported) -> dict[str, str]:
    out = {"source": member.source, "title": member.title}
    if member.url:
        out["url"] = member.url
    out["first_seen"] = format_rfc3339(member.first_seen)
    return out
