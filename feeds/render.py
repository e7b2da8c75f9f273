"""Rendering a feed's stories as RSS 2.0 and Atom 1.0 (with feedgen) and JSON
Feed 1.1 (written directly from the same data: feedgen has no JSON Feed). An
Atom document's entries are written directly as escaped text, byte for byte as
feedgen's were once read back and completed (``atom_entries``): a first publish
renders tens of thousands of archive entries, and feedgen's entries read back
cost several times as much.

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

Delivery (``FeedMeta`` beyond the basics; each is left out when not set, so a
feed without them renders as it always did):

- WebSub hubs: ``atom:link rel="hub"`` in RSS and Atom, ``hubs`` in JSON Feed;
- ``ttl_minutes``: RSS ``<ttl>`` and the syndication module's
  ``sy:updatePeriod``/``sy:updateFrequency`` saying the same (``update_schedule``:
  the shortest period of hourly, daily, weekly, monthly, yearly that is at least
  the ttl, polled ``period // ttl`` times in it: 5 minutes is 12 times hourly,
  90 minutes 16 times daily: never more often than the ttl allows);
- ``icon`` and ``logo``: RSS ``<image>`` (the logo, else the icon, titled and
  linked like the channel), Atom ``<icon>`` and ``<logo>``, JSON Feed
  ``favicon`` (icon) and ``icon`` (logo); ``rights``: RSS ``<copyright>``,
  Atom ``<rights>``;
- media (``media_files``): a story's audio, video and other enclosures, then
  its image. RSS has one ``<enclosure>`` per item, the first of them (so
  podcast clients find the audio); the others are Media RSS ``media:content``
  with their ``medium``. Atom has a ``link rel="enclosure"`` for each; JSON Feed
  the image as ``image`` and the others as ``attachments``. A type the store
  does not know comes from the file's extension (``sources.urls.MEDIA_TYPES``),
  else ``image/jpeg`` for the image (the common news photo) and
  ``application/octet-stream`` for the rest; RSS's required ``length`` is the
  size when known, else ``0`` as the RSS Advisory Board's profile says;
- attribution: a story from a source with a URL (``meta.sources``) carries RSS
  ``<source url="…">name</source>`` and Atom ``<source>`` with its ``title``
  and ``link rel="self"``;
- ``stylesheet``: RSS and Atom start with an ``xml-stylesheet`` processing
  instruction (``type="text/xsl"``) for browsers;
- ``archive`` (RFC 5005): ``link rel="current"``, ``"prev-archive"`` and
  ``"next-archive"`` (Atom links, ``atom:link`` in RSS), and ``fh:archive`` in
  an archive document. JSON Feed has no vocabulary for archives and nashra's
  archives are Atom documents, so a JSON Feed says nothing of them (its
  ``next_url`` is for JSON Feed pages).

Links are published in Unicode normalisation form C (``safe_link``): the W3C
validator wants URIs in canonical form, and a decomposed hamza (alef then
U+0654) in an Arabic URL is not. Ids are published as stored, never
normalised: a reader knows a story by its id, and a changed id is a new story.
Plain-text summaries are HTML-escaped in RSS ``<description>``, which readers
decode as HTML: «AT&T» must not be read as an entity.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from itertools import pairwise
from urllib.parse import quote

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from feeds.identity import ID_SCHEMES
from feeds.store import AlsoReported, StoredItem
from sources.build import enclosure_at, headline
from sources.dates import format_rfc3339
from sources.html import html_to_text, sanitize
from sources.item import Enclosure
from sources.text import clean_text
from sources.urls import guess_media_type, iri_to_uri, web_link

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM = f"{{{ATOM_NS}}}"
"""What the name of an Atom element starts with in lxml (``{namespace}``)."""
MEDIA_NS = "http://search.yahoo.com/mrss/"
SYNDICATION_NS = "http://purl.org/rss/1.0/modules/syndication/"
HISTORY_NS = "http://purl.org/syndication/history/1.0"
"""RFC 5005 (Feed Paging and Archiving): ``fh:archive``."""
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
    hubs: tuple[str, ...] = ()
    """WebSub hubs to advertise (``[site] hubs``)."""
    ttl_minutes: int = 0
    """How long readers may cache the feed (RSS ``ttl``, ``sy:updatePeriod``/
    ``sy:updateFrequency``); 0: not said."""
    icon: str = ""
    logo: str = ""
    rights: str = ""
    stylesheet: str = ""
    """The href of the XSL stylesheet browsers use to show RSS and Atom (relative
    to the feed), or empty for none."""
    archive: ArchiveLinks | None = None
    """RFC 5005 links: on the subscription feed (``prev-archive``) and on each
    archive document (``current``, ``prev-archive``, ``next-archive``)."""
    sources: tuple[SourceInfo, ...] = ()
    """The configured sources' display names and feed URLs, for attribution."""


@dataclass(frozen=True, slots=True)
class ArchiveLinks:
    """RFC 5005 (archived feeds) links of one document. ``is_archive``: the
    document is an archive (``fh:archive``); else it is the subscription feed."""

    current: str
    prev: str | None = None
    next: str | None = None
    is_archive: bool = False


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """A configured source as published: its name (slug), display name, and
    the URL of the remote feed or page it reads (None for files)."""

    name: str
    title: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Story:
    """A stored story with its link resolved (its own URL or its permalink page)."""

    item: StoredItem
    link: str


@lru_cache(maxsize=1 << 15)
def safe_link(value: str | None) -> str | None:
    """``value`` as a URL fit to publish (absolute ``http``/``https``, IRI
    percent-encoded in Unicode normalisation form C), or None. Remembered: a
    publish asks again for every link of every entry of every format."""
    link = web_link(value)
    return iri_to_uri(link, nfc=True) if link else None


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
    ident = _clean(ident)
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
    tags = tuple(tag for tag in (_clean(t).strip() for t in item.tags) if tag)
    also = tuple(
        AlsoReported(
            source=_clean(member.source).strip() or UNTITLED,
            title=_clean(member.title).strip(),
            url=safe_link(member.url),
            first_seen=member.first_seen,
        )
        for member in item.also
    )
    summary = _clean(item.summary)
    body = sanitize(item.body)  # cleans before and after: it decodes ``&#27;``
    image = safe_link(item.image)
    return replace(
        item,
        id=published_id(item.id),
        source=_clean(item.source),
        title=_title(_clean(item.title), summary, body),
        summary=summary,
        body=body,
        url=safe_link(item.url),
        author=_clean(item.author).strip() or None,
        tags=tags,
        language=_clean(item.language),
        image=image,
        enclosures=_publishable_enclosures(item.enclosures, image),
        also=also,
    )


def _publishable_enclosures(
    enclosures: Sequence[Enclosure], image: str | None
) -> tuple[Enclosure, ...]:
    """Enclosures with web links only, one per URL, not the image again, by the
    sources' rule for types and sizes (``enclosure_at``)."""
    kept: dict[str, Enclosure] = {}
    for enclosure in enclosures:
        url = safe_link(enclosure.url)
        if url is None or url == image or url in kept:
            continue
        kept[url] = enclosure_at(url, enclosure)
    return tuple(kept.values())


@dataclass(frozen=True, slots=True)
class MediaFile:
    """A media file as the feeds publish it: its type always said."""

    url: str
    type: str
    length: int | None
    medium: str
    """Media RSS ``medium``: ``image``, ``audio``, ``video``, or empty."""


_MEDIUMS = ("image", "audio", "video")


def _media_file(url: str, kind: str, length: int | None, fallback: str) -> MediaFile:
    kind = kind or guess_media_type(url) or fallback
    medium = kind.split("/", 1)[0]
    return MediaFile(url, kind, length, medium if medium in _MEDIUMS else "")


def media_files(item: StoredItem) -> tuple[MediaFile, ...]:
    """A publishable story's media files in the order the feeds give them: its
    enclosures (audio, video…) first, then its image."""
    files = [
        _media_file(e.url, e.type, e.length, "application/octet-stream") for e in item.enclosures
    ]
    if item.image:
        guessed = guess_media_type(item.image) or ""
        kind = guessed if guessed.startswith("image/") else "image/jpeg"
        files.append(_media_file(item.image, kind, None, kind))
    return tuple(files)


def publishable_story(story: Story, base_url: str) -> Story:
    """A story made safe to publish; its link kept only when it is a web link,
    else its permalink page under ``base_url``."""
    link = safe_link(story.link) or permalink(story.item, base_url)
    return Story(publishable(story.item), link)


def _clean(text: str | None) -> str:
    return clean_text(text) if text else ""


def wrap_rtl(body: str, language: str) -> str:
    """The body in a ``<div>`` carrying its direction and language, which readers keep."""
    return f'<div dir="{direction(language)}" lang="{html.escape(language)}">{body}</div>'


def also_html(also: Sequence[AlsoReported]) -> str:
    """The "also reported by" block for a publishable story's ``also``: each
    outlet's name, linked to its copy when it has a web link (the copy's title as
    the link's title); empty when no other outlet reported the story."""
    return _also_html(tuple(also)) if also else ""


@lru_cache(maxsize=4096)
def _also_html(also: tuple[AlsoReported, ...]) -> str:
    # remembered: each format of each feed listing the story asks for it again
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


class _Namespaces(BaseExtension):  # type: ignore[misc]
    """Declares on the feed's root the namespaces of the elements added to
    feedgen's tree afterwards (``prefixes``), and only those."""

    def __init__(self) -> None:
        self.prefixes: dict[str, str] = {}

    def extend_ns(self) -> dict[str, str]:
        return self.prefixes


UPDATE_PERIODS = (
    ("hourly", 60),
    ("daily", 24 * 60),
    ("weekly", 7 * 24 * 60),
    ("monthly", 30 * 24 * 60),
    ("yearly", 365 * 24 * 60),
)
"""The syndication module's periods, in minutes (a month taken as 30 days)."""


def update_schedule(minutes: int) -> tuple[str, int]:
    """``sy:updatePeriod`` and ``sy:updateFrequency`` for a ttl of ``minutes``
    (at least 1): the shortest period at least as long as the ttl, and how many
    times in it (``period // ttl``: never more often than the ttl allows)."""
    if minutes < 1:
        raise ValueError(f"minutes must be at least 1, got {minutes}")
    for period, length in UPDATE_PERIODS:
        if minutes <= length:
            return period, length // minutes
    return "yearly", 1


def changed_at(item: StoredItem) -> datetime:
    """When a story last changed what a feed shows: its source's date, or the time
    nashra first saw it when later (a story dated this morning that arrives now
    changes the feed now)."""
    return max(item.updated, item.first_seen)


def _updated(meta: FeedMeta, stories: Sequence[Story]) -> datetime:
    """The feed's own date (``lastBuildDate``, ``updated``): when its newest change
    came, so that readers comparing it see every new story; from the store, never
    the clock, so that an unchanged feed renders to the same bytes."""
    return max((changed_at(s.item) for s in stories), default=meta.fallback_updated)


@dataclass(frozen=True, slots=True)
class _Delivery:
    """What ``FeedMeta`` asks of a feed beyond its stories, made safe to publish."""

    hubs: tuple[str, ...]
    icon: str | None
    logo: str | None
    rights: str
    stylesheet: str | None
    archive: tuple[tuple[str, str], ...]
    """RFC 5005 links as (rel, href)."""
    is_archive: bool
    sources: Mapping[str, tuple[str, str]]
    """Source name -> (display name, URL), for sources with a web URL."""


@lru_cache(maxsize=8)
def _source_links(infos: tuple[SourceInfo, ...]) -> tuple[tuple[str, tuple[str, str]], ...]:
    """Each source with a web URL: name -> (display name, URL). Cached: every feed
    and archive of a site with many feeds names the same sources."""
    found: dict[str, tuple[str, str]] = {}
    for info in infos:
        url = safe_link(info.url)
        if url:
            found[info.name] = (_clean(info.title).strip() or _clean(info.name), url)
    return tuple(found.items())


def _delivery(meta: FeedMeta) -> _Delivery:
    def link(value: str | None) -> str | None:
        return safe_link(web_link(value, meta.home_url)) if value else None

    archive: list[tuple[str, str]] = []
    if meta.archive is not None:
        for rel, value in (
            ("current", meta.archive.current),
            ("prev-archive", meta.archive.prev),
            ("next-archive", meta.archive.next),
        ):
            href = link(value)
            if href:
                archive.append((rel, href))
    sources = dict(_source_links(meta.sources))
    return _Delivery(
        hubs=tuple(dict.fromkeys(h for h in map(safe_link, meta.hubs) if h)),
        icon=link(meta.icon),
        logo=link(meta.logo),
        rights=_clean(meta.rights).strip(),
        stylesheet=_stylesheet_href(meta.stylesheet),
        archive=tuple(archive),
        is_archive=meta.archive is not None and meta.archive.is_archive,
        sources=sources,
    )


def _stylesheet_href(value: str) -> str | None:
    """The stylesheet's href as a URI reference: relative (to the feed) or an
    ``http``/``https`` URL; anything else (``javascript:``…) is not published."""
    value = clean_text(value).strip()
    if not value:
        return None
    if _SCHEME.match(value) and web_link(value) is None:
        return None
    return iri_to_uri(value, nfc=True)


def _generator(
    meta: FeedMeta,
    stories: Sequence[Story],
    delivery: _Delivery,
    *,
    rss: bool,
    updated: datetime | None = None,
    with_also: bool | None = None,
) -> FeedGenerator:
    """``stories`` already made publishable; ``rss``: for RSS, else for Atom.
    ``updated`` and ``with_also`` (whether the ``nashra`` namespace is declared)
    are the stories' own unless given: a document assembled from entries rendered
    apart (``atom_document``) says what all of its entries would."""
    fg = FeedGenerator()
    fg.load_extension("dc")
    if with_also is None:
        with_also = any(story.item.also for story in stories)
    if with_also:  # feeds without clusters stay as they were
        fg.register_extension("nashra", _NashraFeed, _NashraEntry)
    prefixes = _prefixes(meta, stories, delivery, rss=rss)
    if prefixes:
        fg.register_extension("delivery", _Namespaces, None)
        fg.delivery.prefixes = prefixes
    fg.id(meta.home_url + meta.name + "/")
    fg.title(_clean(meta.title))
    fg.subtitle(_clean(meta.description or meta.title))
    fg.description(_clean(meta.description or meta.title))
    fg.language(meta.language)
    fg.author(name=_clean(meta.author))
    if rss:
        fg.link(href=meta.rss_url, rel="self", type="application/rss+xml")
    else:
        fg.link(href=meta.atom_url, rel="self", type="application/atom+xml")
    fg.link(href=meta.home_url, rel="alternate", type="text/html")  # last link: RSS <link>
    fg.generator("nashra")
    fg.docs("https://www.rssboard.org/rss-specification")
    if rss and (delivery.logo or delivery.icon):
        fg.image(url=delivery.logo or delivery.icon, title=_clean(meta.title), link=meta.home_url)
    elif not rss:
        if delivery.icon:
            fg.icon(delivery.icon)
        if delivery.logo:
            fg.logo(delivery.logo)
    if delivery.rights:
        fg.rights(delivery.rights)
    if meta.ttl_minutes > 0:
        fg.ttl(meta.ttl_minutes)
    if updated is None:
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
        if item.summary:  # plain text; readers take RSS's description for HTML
            fe.description(html.escape(item.summary, quote=False))
        fe.content(content_html(item), type="CDATA")
        if item.author:
            fe.author(name=item.author)
            fe.dc.dc_creator(item.author)
        for tag in item.tags:
            fe.category(term=tag)
    return fg


def _prefixes(
    meta: FeedMeta, stories: Sequence[Story], delivery: _Delivery, *, rss: bool
) -> dict[str, str]:
    """The namespaces the delivery elements of this feed use."""
    prefixes: dict[str, str] = {}
    if rss and meta.ttl_minutes > 0:
        prefixes["sy"] = SYNDICATION_NS
    if rss and any(len(media_files(story.item)) > 1 for story in stories):
        prefixes["media"] = MEDIA_NS
    if delivery.is_archive:
        prefixes["fh"] = HISTORY_NS
    return prefixes


def _reparse(data: bytes, *, cdata: bool) -> etree._Element:
    """feedgen's output read back to add what it has no option for; blank text is
    dropped so that the tree is indented anew. ``cdata``: CDATA sections stay
    (RSS's ``content:encoded``); else they become escaped text (Atom's content)."""
    parser = etree.XMLParser(remove_blank_text=True, strip_cdata=not cdata, resolve_entities=False)
    return etree.fromstring(data, parser)


def _serialize(root: etree._Element, stylesheet: str | None) -> bytes:
    if stylesheet:
        instruction = etree.ProcessingInstruction(
            "xml-stylesheet", f'type="text/xsl" href="{html.escape(stylesheet)}"'
        )
        root.addprevious(instruction)
    document = root.getroottree()
    return bytes(
        etree.tostring(document, pretty_print=True, xml_declaration=True, encoding="UTF-8")
    )


def _atom_link(tag: str, rel: str, href: str) -> etree._Element:
    return etree.Element(tag, href=href, rel=rel)


def render_rss(meta: FeedMeta, stories: Sequence[Story]) -> bytes:
    stories = [publishable_story(s, meta.home_url) for s in stories]
    delivery = _delivery(meta)
    fg = _generator(meta, stories, delivery, rss=True)
    root = _reparse(fg.rss_str(pretty=False), cdata=True)
    channel = root[0]
    anchor = channel.find(f"{{{ATOM_NS}}}link")  # the self link
    assert anchor is not None
    for rel, href in reversed(_feed_links(delivery)):
        anchor.addnext(_atom_link(f"{{{ATOM_NS}}}link", rel, href))
    head: list[etree._Element] = []
    if meta.ttl_minutes > 0:
        period, frequency = update_schedule(meta.ttl_minutes)
        head.append(_text_element(f"{{{SYNDICATION_NS}}}updatePeriod", period))
        head.append(_text_element(f"{{{SYNDICATION_NS}}}updateFrequency", str(frequency)))
    if delivery.is_archive:
        head.append(etree.Element(f"{{{HISTORY_NS}}}archive"))
    items = channel.findall("item")
    for element in head:
        if items:
            items[0].addprevious(element)
        else:
            channel.append(element)
    for element, story in zip(items, stories, strict=True):
        _rss_item_media(element, story.item)
        source = delivery.sources.get(story.item.source)
        if source is not None:
            _text_element("source", source[0], element).set("url", source[1])
    return _serialize(root, delivery.stylesheet)


def _feed_links(delivery: _Delivery) -> list[tuple[str, str]]:
    """The feed's WebSub hubs and RFC 5005 links, as (rel, href)."""
    return [("hub", hub) for hub in delivery.hubs] + list(delivery.archive)


def _text_element(tag: str, text: str, parent: etree._Element | None = None) -> etree._Element:
    element = etree.Element(tag) if parent is None else etree.SubElement(parent, tag)
    element.text = text
    return element


def _rss_item_media(element: etree._Element, item: StoredItem) -> None:
    """The item's one ``<enclosure>`` (its first media file) and a
    ``media:content`` for each other."""
    files = media_files(item)
    if not files:
        return
    first, *others = files
    enclosure = etree.SubElement(element, "enclosure", url=first.url)
    enclosure.set("length", str(first.length or 0))
    enclosure.set("type", first.type)
    for media in others:
        content = etree.SubElement(element, f"{{{MEDIA_NS}}}content", url=media.url)
        content.set("type", media.type)
        if media.medium:
            content.set("medium", media.medium)
        if media.length is not None:
            content.set("fileSize", str(media.length))


def render_atom(meta: FeedMeta, stories: Sequence[Story]) -> bytes:
    return atom_document(meta, atom_entries(meta, stories))


@dataclass(frozen=True, slots=True)
class AtomEntry:
    """One entry of an Atom document as it is serialized there (``render_atom``),
    and what the document's head says because of it."""

    data: bytes
    """From the indentation of its ``<entry>`` to the line end after ``</entry>``."""
    changed_at: datetime
    """``changed_at`` of its story: the document's ``updated`` is the latest."""
    source: str = ""
    """The name of the source its story is from (of the version it shows)."""
    attributed: tuple[str, str] | None = None
    """The ``<source>`` it names (display name, URL), as ``attribution`` gave it
    for ``source``: the same story in another feed has the same entry if that
    feed attributes the source alike (and has the same ``home_url``)."""

    @property
    def with_also(self) -> bool:
        """Whether it has ``nashra:also`` elements (its text is escaped: a story
        cannot fake one)."""
        return _ALSO_ELEMENT in self.data


_ENTRY_START = b"\n  <entry"
_FEED_END = b"</feed>\n"
_ALSO_ELEMENT = b"<nashra:also "


def split_atom(data: bytes) -> tuple[bytes, list[bytes], bytes]:
    """An Atom document ``render_atom`` made, cut into its head (to the line end
    before its first entry), its entries (each as ``AtomEntry.data``) and its tail
    (``</feed>``): their concatenation is the document. An entry is a child of
    the root, indented by two spaces; its text and attributes are escaped, so that
    ``<entry`` at a line start is an entry's start and nothing else."""
    if not data.endswith(_FEED_END):
        raise ValueError("not an Atom document rendered by nashra")
    body = data[: -len(_FEED_END)]
    cuts = []
    at = body.find(_ENTRY_START)
    while at >= 0:
        cuts.append(at + 1)
        at = body.find(_ENTRY_START, at + 1)
    if not cuts:
        return body, [], _FEED_END
    bounds = [*cuts, len(body)]
    entries = [body[a:b] for a, b in pairwise(bounds)]
    return body[: cuts[0]], entries, _FEED_END


def atom_entries(meta: FeedMeta, stories: Sequence[Story]) -> list[AtomEntry]:
    """The entries ``render_atom(meta, stories)`` has, one per story in their order,
    each as it is serialized there: an entry depends on its story, the feed's
    ``home_url`` and its ``sources``, not on the other entries.

    Written directly as text (``_atom_entry``), escaped as lxml serializes: the
    bytes feedgen's entry gave once read back and completed, at a fraction of the
    cost (no feedgen entry, no parsing its output back, no tree)."""
    stories = [publishable_story(s, meta.home_url) for s in stories]
    sources = attribution(meta)
    entries = []
    for story in stories:
        attributed = sources.get(story.item.source)
        data = _atom_entry(story, attributed).encode("utf-8")
        entries.append(AtomEntry(data, changed_at(story.item), story.item.source, attributed))
    return entries


def attribution(meta: FeedMeta) -> Mapping[str, tuple[str, str]]:
    """How the feed names each source in its entries' ``<source>``: its name ->
    (display name, URL), for the sources with a web URL."""
    return dict(_source_links(meta.sources))


def atom_document(meta: FeedMeta, entries: Sequence[AtomEntry]) -> bytes:
    """The Atom document of ``meta`` with these entries, rendered apart
    (``atom_entries``): the bytes ``render_atom`` gives for their stories."""
    updated = max((e.changed_at for e in entries), default=meta.fallback_updated)
    shell = _atom_shell(meta, updated=updated, with_also=any(e.with_also for e in entries))
    head, _none, tail = split_atom(shell)
    return b"".join([head, *(e.data for e in entries), tail])


def _atom_shell(meta: FeedMeta, *, updated: datetime, with_also: bool) -> bytes:
    """The Atom document of ``meta`` without entries (feedgen's, patched): its
    head says ``updated`` and declares the ``nashra`` prefix if ``with_also``."""
    delivery = _delivery(meta)
    fg = _generator(meta, [], delivery, rss=False, updated=updated, with_also=with_also)
    tree = _reparse(fg.atom_str(pretty=False), cdata=False)
    tree.set(XML_LANG, meta.language)
    anchor = tree.findall(f"{ATOM}link")[-1]
    for rel, href in reversed(_feed_links(delivery)):
        anchor.addnext(_atom_link(f"{ATOM}link", rel, href))
    if delivery.is_archive:
        tree.append(etree.Element(f"{{{HISTORY_NS}}}archive"))
    return _serialize(tree, delivery.stylesheet)


def _atom_entry(story: Story, source: tuple[str, str] | None) -> str:
    """A publishable story's ``<entry>`` as ``atom_entries`` gives it (indented as a
    child of the root, to the line end after ``</entry>``), written as text: element
    for element, attribute for attribute, escaped as libxml2 escapes (``_text``,
    ``_attr``), what feedgen's Atom entry read back and patched was: ``id``,
    ``title``, ``updated``, ``author``, ``content`` (HTML, escaped), the alternate
    link (feedgen gave it its ``href`` only) then the related and enclosure links,
    ``category`` per tag, ``published``, ``dc:creator``, ``nashra:also`` per
    outlet, ``source``. What feedgen made was read back, an empty text as none
    (``<x/>``, ``_element``); what was added afterwards (``<source>``'s title) was
    not (``<title></title>``).

    Every text of a publishable story is XML's (``clean_text``, ``sanitize``) but
    its links, which are checked (``_legal``): one lxml refuses is refused alike."""
    item = story.item
    if not (item.id and item.title):  # feedgen's rule for an entry
        raise ValueError("Required fields not set")
    files = media_files(item)
    _legal(story.link, *(f.url for f in files), *(m.url or "" for m in item.also))
    parts = [
        f'  <entry xml:lang="{_attr(item.language)}">\n',
        _element("id", _text(item.id)),
        _element("title", _text(item.title)),
        _element("updated", _isoformat(item.updated)),
    ]
    if item.author:
        parts.append(f"    <author>\n  {_element('name', _text(item.author))}    </author>\n")
    content = content_html(item)
    if "\r" in content:  # feedgen's CDATA read back: line ends became line feeds
        content = content.replace("\r\n", "\n").replace("\r", "\n")
    parts.append(_element("content", _text(content), ' type="html"'))
    parts.append(f'    <link href="{_attr(story.link)}"/>\n')
    related = {m.url: m for m in item.also if m.url and m.url != story.link}
    for url, member in related.items():
        title = f' title="{_attr(member.title)}"' if member.title else ""
        parts.append(f'    <link href="{_attr(url)}" rel="related" type="text/html"{title}/>\n')
    for media in files:
        length = "" if media.length is None else f' length="{media.length}"'
        parts.append(
            f'    <link href="{_attr(media.url)}" rel="enclosure"'
            f' type="{_attr(media.type)}"{length}/>\n'
        )
    parts.extend(f'    <category term="{_attr(tag)}"/>\n' for tag in item.tags)
    parts.append(_element("published", _isoformat(item.published)))
    if item.author:
        parts.append(_element("dc:creator", _text(item.author)))
    for member in item.also:
        href = f' href="{_attr(member.url)}"' if member.url else ""
        attributes = (
            f' source="{_attr(member.source)}"{href}'
            f' first-seen="{format_rfc3339(member.first_seen)}"'
        )
        parts.append(_element("nashra:also", _text(member.title), attributes))
    if source is not None:
        _legal(source[1])
        parts.append(
            f"    <source>\n      <title>{_text(source[0])}</title>\n"
            f'      <link href="{_attr(source[1])}" rel="self"/>\n    </source>\n'
        )
    parts.append("  </entry>\n")
    return "".join(parts)


def _element(tag: str, text: str, attributes: str = "") -> str:
    """A child of an entry with (escaped) ``text``, as feedgen's read back: none when empty."""
    if not text:
        return f"    <{tag}{attributes}/>\n"
    return f"    <{tag}{attributes}>{text}</{tag}>\n"


def _text(value: str) -> str:
    """``value`` as libxml2 writes an element's text: ``&``, ``<``, ``>`` and
    carriage return escaped (a parser would read a bare CR as a line feed)."""
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def _attr(value: str) -> str:
    """``value`` as libxml2 writes an attribute's: as text, and ``"``, line feed
    and tab escaped too (a parser would read them as a space)."""
    return _text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""What lxml refuses in a text or attribute: characters XML 1.0 does not allow."""


def _legal(*values: str) -> None:
    """Refuse, as lxml does, values with characters XML does not allow: a link made
    by ``safe_link`` is percent-encoded but in its host part, and a permalink is
    the site's URL and the story's slug as stored."""
    for value in values:
        if not value.isprintable() and _NOT_XML.search(value):
            raise ValueError(
                "All strings must be XML compatible: Unicode or ASCII, no NULL bytes or "
                "control characters"
            )


def _isoformat(when: datetime) -> str:
    """An Atom date as feedgen writes it (``isoformat``), which wants an aware datetime."""
    if when.tzinfo is None:
        raise ValueError("Datetime object has no timezone info")
    return when.isoformat()


def render_json(meta: FeedMeta, stories: Sequence[Story]) -> bytes:
    delivery = _delivery(meta)
    feed: dict[str, object] = {
        "version": JSON_FEED_VERSION,
        "title": _clean(meta.title),
        "home_page_url": meta.home_url,
        "feed_url": meta.json_url,
        "description": _clean(meta.description or meta.title),
    }
    if delivery.logo:
        feed["icon"] = delivery.logo
    if delivery.icon:
        feed["favicon"] = delivery.icon
    feed["language"] = _clean(meta.language)
    feed["authors"] = [{"name": _clean(meta.author)}]
    if delivery.hubs:
        feed["hubs"] = [{"type": "WebSub", "url": hub} for hub in delivery.hubs]
    feed["items"] = [_json_item(publishable_story(s, meta.home_url)) for s in stories]
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
    attachments = [_json_attachment(m) for m in media_files(item) if m.url != item.image]
    if attachments:
        out["attachments"] = attachments
    if item.also:
        out["_nashra"] = {"about": NASHRA_NS, "also": [_json_also(m) for m in item.also]}
    return out


def _json_attachment(media: MediaFile) -> dict[str, object]:
    out: dict[str, object] = {"url": media.url, "mime_type": media.type}
    if media.length is not None:
        out["size_in_bytes"] = media.length
    return out


def _json_also(member: AlsoReported) -> dict[str, str]:
    out = {"source": member.source, "title": member.title}
    if member.url:
        out["url"] = member.url
    out["first_seen"] = format_rfc3339(member.first_seen)
    return out
