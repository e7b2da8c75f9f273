"""Remote feeds: RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed 1.0/1.1, from bytes to Items.

What the bytes are is decided from the bytes (a JSON object, an XML document
whose root is ``rss``, ``RDF`` or ``feed``, or an HTML page), not only from the
Content-Type. Text is decoded first by ``sources.decode`` (a BOM, then what the
bytes prove over what the HTTP charset or XML declaration claims, then the
Arabic or Latin code page the text plausibly is) and handed to the parsers as
UTF-8, so a legacy feed without a declaration is read right.

XML is parsed first with lxml, entity expansion, DTD loading and network access
off; a document that declares entities (billion laughs, ``SYSTEM`` entities
pointing at ``file:///etc/passwd`` or ``http://…``) is refused before any
parser sees it. A well-formed feed is then read with fastfeedparser; one that
is not well-formed (a bare ``&``, ``&nbsp;`` without a DTD, a truncated
download) or that uses ``xml:base`` is read with feedparser's lenient parser,
which recovers what it can, and the problem is reported. JSON Feeds are read
with ``json``.

Media: an entry's image (``media:thumbnail``, an image ``media:content`` or
enclosure, JSON Feed ``image``) becomes the item's ``image``; its other media
files (RSS ``<enclosure>``, Atom ``link rel="enclosure"``, ``media:content``,
also inside ``media:group``, JSON Feed ``attachments``) pass through as the
item's ``enclosures``, with their type and size when the feed gives them. A
file is an image when its type or ``medium`` says so, or, saying neither, when
its extension does. For well-formed feeds they are read from the lxml tree
(fastfeedparser drops ``media:thumbnail`` and the size of Atom enclosures and
of ``media:content``).

Why two parsers, measured on the same inputs (``bench/fetch.py``: 50-item Arabic
RSS feeds, 2 cores): feedparser takes 17.5 ms a feed, fastfeedparser (lxml and
a native extractor) 0.33 ms. On the fixtures of ``tests/test_remote.py`` both
read RSS 0.91/1.0/2.0, Atom 0.3/1.0 and declared legacy encodings alike; but
fastfeedparser silently loses text on malformed input (a bare ``&`` turns
``أ & ب`` into ``أ  ب`` and ``?x=1&y=2`` into ``?x=1=2``; ``&nbsp;`` or RSS
0.91's ``&eacute;`` cut a title short), ignores ``xml:base`` and has no bozo
flag, where feedparser reads all of these right and says what was wrong. So
fastfeedparser reads what lxml has just found well-formed (the same tree), and
feedparser the rest.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

import fastfeedparser  # type: ignore[import-untyped]
import feedparser
from lxml import etree

from sources.build import FUTURE_SKEW, Built, Extracted, ItemProblem, build
from sources.dates import looks_relative, parse_date
from sources.decode import decode_remote
from sources.errors import ParseError, SourceError
from sources.html import html_to_text, text_to_html
from sources.item import Enclosure, Item
from sources.records import TOO_DEEP
from sources.text import clean_text
from sources.urls import guess_media_type, web_link

log = logging.getLogger(__name__)

__all__ = [
    "FUTURE_SKEW",
    "FeedResult",
    "RawEntry",
    "build_item",
    "decode_remote",
    "is_json_feed",
    "parse_feed",
    "sniff",
]


Kind = Literal["json", "feed", "html", "xml", "unknown"]

_ATOM10 = "http://www.w3.org/2005/Atom"
_ATOM03 = "http://purl.org/atom/ns#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RSS10 = "http://purl.org/rss/1.0/"
_DC = "http://purl.org/dc/elements/1.1/"
_MEDIA = "http://search.yahoo.com/mrss/"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_FEED_ROOTS = frozenset({"rss", "rdf", "feed", "channel"})

_ENCODING_DECL = re.compile(r"""^(\s*<\?xml[^>]*?\bencoding\s*=\s*)(["'])[^"']*\2""")
_FIRST_TAG = re.compile(r"<([A-Za-z_][\w.:-]*)")
_PROLOG_SKIP = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)
_DOCTYPE = re.compile(r"<!DOCTYPE\b", re.IGNORECASE)
_ENTITY_DECL = re.compile(r"<!ENTITY\b", re.IGNORECASE)
_CHAR_REF = re.compile(rb"&#(?:([0-9]+)|[xX]([0-9a-fA-F]+));")


@dataclass(frozen=True, slots=True)
class RawEntry:
    """One entry as a feed or a page gives it: text, before any cleaning."""

    title: str | None = None
    link: str | None = None
    id: str | None = None
    published: str | None = None
    updated: str | None = None
    author: str | None = None
    summary_html: str | None = None
    body_html: str | None = None
    tags: tuple[str, ...] = ()
    image: str | None = None
    language: str | None = None
    enclosures: tuple[Enclosure, ...] = ()
    """Media files other than images, URLs as given (possibly relative)."""


@dataclass(slots=True)
class FeedResult:
    """Items of one feed document, the problems met, and the feed's own ``ttl``."""

    items: list[Item] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)
    notices: list[SourceError] = field(default_factory=list)
    """What was dropped from items that are still published (a script link)."""
    ttl: float | None = None
    """Seconds the feed asks to wait between polls (RSS ``ttl``), if it says."""


EntryProblem = ItemProblem
"""An entry that cannot become an item (no title, no link, no text)."""


# -- decoding and sniffing ------------------------------------------------------


def sniff(text: str) -> Kind:
    """What a decoded document is, from its first characters."""
    head = text[:4096].lstrip("\ufeff \t\r\n")
    if head.startswith(("{", "[")):
        return "json"
    if not head.startswith("<"):
        return "unknown"
    position = 0
    while True:
        skipped = _PROLOG_SKIP.match(head, position)
        if skipped is None:
            break
        position = skipped.end()
    rest = head[position:]
    if rest[:14].lower().startswith("<!doctype html"):
        return "html"
    if _DOCTYPE.match(rest):
        close = _doctype_end(rest)
        rest = rest[close:] if close else rest
    tag = _FIRST_TAG.search(rest)
    if tag is None:
        return "unknown"
    name = tag.group(1).lower().split(":")[-1]
    if name in _FEED_ROOTS:
        return "feed"
    if name in ("html", "head", "body"):
        return "html"
    return "xml"


def _doctype_end(text: str) -> int:
    """The index just past a DOCTYPE declaration at the start of ``text`` (0 if unclosed)."""
    bracket = text.find("[")
    close = text.find(">")
    if bracket != -1 and (close == -1 or bracket < close):
        end = text.find("]", bracket)
        if end == -1:
            return 0
        close = text.find(">", end)
    return close + 1 if close != -1 else 0


def refuse_entities(text: str, source: str) -> None:
    """Refuse a document whose DOCTYPE declares entities (billion laughs, external entities)."""
    match = _DOCTYPE.search(text, 0, 65536)
    if match is None:
        return
    end = _doctype_end(text[match.start() :])
    subset = text[match.start() : match.start() + end] if end else text[match.start() :]
    if _ENTITY_DECL.search(subset):
        raise ParseError(
            source,
            "refused: the XML declares entities (<!ENTITY …>); entity expansion and external "
            "entities are not allowed",
        )


# -- parsing ----------------------------------------------------------------------


def parse_feed(
    text: str, *, url: str, source: str, tz: ZoneInfo, now: datetime, local: bool = False
) -> FeedResult:
    """Parse a decoded feed document (XML or JSON Feed) fetched from ``url``.

    ``local``: the document is a file (``url`` names it): relative links are
    resolved against the feed's own link (RSS ``<link>``, Atom
    ``rel="alternate"``, JSON Feed ``home_page_url``) or ``xml:base`` when it
    is a web address, and never against the file."""
    kind = sniff(text)
    if kind == "json":
        return _parse_json_feed(text, url=url, source=source, tz=tz, now=now, local=local)
    if kind == "html":
        raise ParseError(source, f"{url}: an HTML page, not a feed")
    if kind == "unknown":
        raise ParseError(source, f"{url}: neither a feed nor a web page ({_preview(text)})")
    return _parse_xml_feed(text, url=url, source=source, tz=tz, now=now, kind=kind, local=local)


def is_json_feed(data: Any) -> bool:
    """Whether decoded JSON is a JSON Feed (a ``version`` of jsonfeed.org and ``items``)."""
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        return False
    return str(data.get("version", "")).startswith("https://jsonfeed.org/version/")


def _own_base(link: Any) -> str | None:
    """A local feed's base for relative links: its own link, when a web address."""
    return web_link(link, None) if isinstance(link, str) else None


def _preview(text: str) -> str:
    return repr(" ".join(text[:60].split()))


def _parse_xml_feed(
    text: str, *, url: str, source: str, tz: ZoneInfo, now: datetime, kind: Kind, local: bool
) -> FeedResult:
    refuse_entities(text, source)
    data = _ENCODING_DECL.sub(r'\1"utf-8"', text, count=1).encode("utf-8")
    parser = etree.XMLParser(
        recover=True,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError:
        root = None
    problems = [e for e in parser.error_log if e.level >= etree.ErrorLevels.ERROR]
    if root is not None:
        dtd = root.getroottree().docinfo.internalDTD
        if dtd is not None and _declares_entities(dtd):
            raise ParseError(source, "refused: the XML declares entities (<!ENTITY …>)")
        name = etree.QName(root).localname.lower()
        if name not in _FEED_ROOTS:
            raise ParseError(source, f"{url}: XML but not a feed (root element <{name}>)")
    elif kind != "feed":
        raise ParseError(source, f"{url}: not XML and not a feed ({_preview(text)})")
    language, ttl = _feed_meta(root)
    result = FeedResult(ttl=ttl)
    base: str | None = url
    if not problems and root is not None and b"xml:base" not in data:
        try:
            parsed: Mapping[str, Any] = fastfeedparser.parse(data)
        except ValueError as exc:
            raise ParseError(source, f"{url}: not a feed: {exc}") from exc
        entries: Sequence[Mapping[str, Any]] = _with_raw_fields(parsed.get("entries") or [], root)
        if local:
            base = _own_base((parsed.get("feed") or {}).get("link"))
    else:
        try:
            lenient = feedparser.parse(
                _safe_char_refs(data),
                sanitize_html=False,
                response_headers={
                    "content-location": "" if local else url,
                    "content-type": "application/xml; charset=utf-8",
                },
            )
        except (UnicodeError, ValueError, OverflowError) as exc:
            raise ParseError(source, f"{url}: unreadable feed: {exc}") from exc
        entries = lenient.entries
        language = language or lenient.feed.get("language")
        if local:
            own = lenient.feed.get("link")
            xml_base = root.get(_XML_BASE) if root is not None else None
            base = _own_base(own) or _own_base(xml_base)
        if problems or root is None:  # not merely xml:base
            first = problems[0] if problems else None
            where = f"line {first.line}: {first.message.strip()}" if first else "malformed"
            if not entries:
                raise ParseError(source, f"{url}: malformed XML, no entry recovered ({where})")
            result.errors.append(
                ParseError(
                    source,
                    f"{url}: malformed XML ({where}); read leniently, "
                    f"{len(entries)} entries recovered",
                )
            )
    _add_entries(result, (_raw_entry(e, language) for e in entries), url, source, tz, now, base)
    return result


_PUBLISHED_TAGS = ("pubDate", "published", "issued", "date", "created")
_UPDATED_TAGS = ("updated", "modified", "lastBuildDate")


def _entry_elements(root: etree._Element) -> list[etree._Element]:
    """The item (RSS 0.9x/1.0/2.0) or entry (Atom) elements, in document order."""
    return [
        el
        for el in root.iter()
        if isinstance(el.tag, str) and etree.QName(el).localname in ("item", "entry")
    ]


def _child_text(element: etree._Element, names: Sequence[str]) -> str | None:
    for name in names:
        for child in element:
            if isinstance(child.tag, str) and etree.QName(child).localname == name:
                text = (child.text or "").strip()
                if text:
                    return text
    return None


def _with_raw_fields(
    entries: Sequence[Mapping[str, Any]], root: etree._Element
) -> Sequence[Mapping[str, Any]]:
    """fastfeedparser's entries with their dates as the feed wrote them, and
    their media files read from the tree (under ``_MEDIA_KEY``).

    fastfeedparser drops a date it cannot read itself (Arabic month names,
    Hijri, «م») and rewrites the others; ``parse_date`` reads them all, offsets
    kept. It also drops ``media:thumbnail`` and the size of Atom enclosures and
    ``media:content``."""
    elements = _entry_elements(root)
    if len(elements) != len(entries):  # cannot pair them safely: keep what it gave
        return entries
    out: list[Mapping[str, Any]] = []
    for entry, element in zip(entries, elements, strict=True):
        fixed = dict(entry.items())
        published = _child_text(element, _PUBLISHED_TAGS)
        updated = _child_text(element, _UPDATED_TAGS)
        if published is not None:
            fixed["published"] = published
        if updated is not None:
            fixed["updated"] = updated
        fixed[_MEDIA_KEY] = _element_media(element)
        if not fixed.get("media_thumbnail"):
            thumbnails = element.iterfind(f".//{{{_MEDIA}}}thumbnail")
            fixed["media_thumbnail"] = [{"url": t.get("url")} for t in thumbnails if t.get("url")]
        out.append(fixed)
    return out


_MEDIA_KEY = "nashra:media"
"""The key of an entry's media files read from the tree (a tuple of ``_Media``)."""

_Media = tuple[Any, Any, Any, Any]
"""One media file as a feed gives it: URL, type, size, Media RSS ``medium``."""


def _element_media(element: etree._Element) -> tuple[_Media, ...]:
    """The media files of an item or entry element: RSS ``<enclosure>``, Atom
    ``link rel="enclosure"``, ``media:content`` (also in ``media:group``)."""
    found: list[_Media] = []
    for child in element.iter():
        if not isinstance(child.tag, str) or child is element:
            continue
        name = etree.QName(child)
        if name.localname == "enclosure" and name.namespace in (None, _RSS10):
            found.append((child.get("url"), child.get("type"), child.get("length"), None))
        elif name.localname == "link" and name.namespace in (_ATOM10, _ATOM03):
            if child.get("rel") == "enclosure":
                found.append((child.get("href"), child.get("type"), child.get("length"), None))
        elif name.localname == "content" and name.namespace == _MEDIA:
            found.append(
                (child.get("url"), child.get("type"), child.get("fileSize"), child.get("medium"))
            )
    return tuple(found)


def _entry_media(entry: Mapping[str, Any]) -> tuple[_Media, ...]:
    """The media files of a parsed entry (feedparser's or fastfeedparser's fields)."""
    if _MEDIA_KEY in entry:
        media: tuple[_Media, ...] = entry[_MEDIA_KEY]
        return media
    found: list[_Media] = []
    for link in entry.get("links") or []:
        if isinstance(link, Mapping) and link.get("rel") == "enclosure":
            found.append((link.get("href"), link.get("type"), link.get("length"), None))
    for enclosure in entry.get("enclosures") or []:
        if isinstance(enclosure, Mapping):
            url = enclosure.get("href") or enclosure.get("url")
            found.append((url, enclosure.get("type"), enclosure.get("length"), None))
    for content in entry.get("media_content") or []:
        if isinstance(content, Mapping):
            size = content.get("filesize") or content.get("fileSize")
            found.append((content.get("url"), content.get("type"), size, content.get("medium")))
    return tuple(found)


def _is_image(url: str, kind: str, medium: str) -> bool:
    if kind or medium:
        return kind.startswith("image/") or medium == "image"
    return (guess_media_type(url) or "").startswith("image/")


def _media_files(media: Iterable[_Media]) -> tuple[Enclosure, ...]:
    """The media files that are not images, one per URL, in the feed's order."""
    kept: dict[str, Enclosure] = {}
    for url, kind, size, medium in media:
        link = _text(url) if isinstance(url, str) else None
        if link is None or link in kept:
            continue
        declared = (_text(kind) or "").lower()
        if _is_image(link, declared, (_text(medium) or "").lower()):
            continue
        length = _text(size)
        kept[link] = Enclosure(link, declared, int(length) if length and length.isdigit() else None)
    return tuple(kept.values())


def _safe_char_refs(data: bytes) -> bytes:
    """The document with character references to what is not a character (a
    lone surrogate ``&#xD800;``, a code point past U+10FFFF) turned into U+FFFD:
    feedparser's lenient parser fails on them."""
    if b"&#" not in data:
        return data
    return _CHAR_REF.sub(_char_ref, data)


def _char_ref(match: re.Match[bytes]) -> bytes:
    decimal, hexadecimal = match.groups()
    digits = (decimal or hexadecimal).lstrip(b"0")
    if len(digits) > 8:
        return b"&#xFFFD;"
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return b"&#xFFFD;"
    return match.group()


def _declares_entities(dtd: Any) -> bool:
    """Whether an internal DTD declares entities (lxml-stubs lack ``iterentities``)."""
    return next(iter(dtd.iterentities()), None) is not None


def _feed_meta(root: etree._Element | None) -> tuple[str | None, float | None]:
    """The feed's language and RSS ``ttl`` (in seconds), read from the lxml tree."""
    if root is None:
        return None, None
    language = root.get(_XML_LANG)
    ttl: float | None = None
    channel = root.find("channel")
    if channel is None:
        channel = root.find(f"{{{_RSS10}}}channel")
    if channel is not None:
        lang = channel.findtext("language") or channel.findtext(f"{{{_DC}}}language")
        language = (lang or "").strip() or language
        raw_ttl = (channel.findtext("ttl") or "").strip()
        if raw_ttl.isdigit() and int(raw_ttl) > 0:
            ttl = int(raw_ttl) * 60.0
    return language, ttl


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value).strip() or None
    return None


def _raw_entry(parsed: Mapping[str, Any], language: str | None) -> RawEntry:
    """An entry of fastfeedparser or feedparser (both give feedparser's field names).

    Read as a plain dict: feedparser's dict maps missing keys to others
    (``updated`` to ``published``) with a deprecation warning.
    """
    entry: dict[str, Any] = dict(parsed.items())
    content = entry.get("content") or []
    body = _text(content[0].get("value")) if content and isinstance(content[0], Mapping) else None
    summary = _text(entry.get("summary")) or _text(entry.get("description"))
    published = _text(entry.get("published"))
    updated = _text(entry.get("updated"))
    tags = tuple(
        t for t in (_text(tag.get("term")) for tag in entry.get("tags") or []) if t is not None
    )
    return RawEntry(
        title=_text(entry.get("title")),
        link=_text(entry.get("link")),
        id=_text(entry.get("id")),
        published=published or updated,
        updated=updated if published else None,
        author=_text(entry.get("author")),
        summary_html=summary,
        body_html=body,
        tags=tuple(dict.fromkeys(tags)),
        image=_image(entry),
        language=language,
        enclosures=_media_files(_entry_media(entry)),
    )


def _image(entry: Mapping[str, Any]) -> str | None:
    for key in ("media_thumbnail", "media_content"):
        for media in entry.get(key) or []:
            kind = str(media.get("type") or media.get("medium") or "image")
            if kind.startswith("image") and _text(media.get("url")):
                return _text(media.get("url"))
    links = [link for link in entry.get("links") or [] if link.get("rel") == "enclosure"]
    for enclosure in [*(entry.get("enclosures") or []), *links]:
        if str(enclosure.get("type") or "").startswith("image/"):
            found = _text(enclosure.get("href")) or _text(enclosure.get("url"))
            if found:
                return found
    return _text(entry.get("image"))


def _parse_json_feed(
    text: str, *, url: str, source: str, tz: ZoneInfo, now: datetime, local: bool = False
) -> FeedResult:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(source, f"{url}: invalid JSON at line {exc.lineno}: {exc.msg}") from exc
    except RecursionError as exc:  # the decoder recurses once per level
        raise ParseError(source, f"{url}: JSON {TOO_DEEP}") from exc
    if not is_json_feed(data):
        raise ParseError(source, f"{url}: JSON but not a JSON Feed (no version and items)")
    language = _text(data.get("language"))
    raw: list[RawEntry] = []
    for record in data["items"]:
        if not isinstance(record, dict):
            continue
        authors = record.get("authors") or ([record["author"]] if record.get("author") else [])
        names = [_text(a.get("name")) for a in authors if isinstance(a, dict)]
        tags: list[Any] = record["tags"] if isinstance(record.get("tags"), list) else []
        raw.append(
            RawEntry(
                title=_text(record.get("title")),
                link=_text(record.get("url")) or _text(record.get("external_url")),
                id=_text(record.get("id")),
                published=_text(record.get("date_published")),
                updated=_text(record.get("date_modified")),
                author=", ".join(n for n in names if n) or None,
                summary_html=_escape_text(_text(record.get("summary"))),
                body_html=_text(record.get("content_html"))
                or (text_to_html(_text(record.get("content_text")) or "") or None),
                tags=tuple(t for t in (_text(t) for t in tags) if t),
                image=_text(record.get("image")) or _text(record.get("banner_image")),
                language=_text(record.get("language")) or language,
                enclosures=_media_files(_attachments(record.get("attachments"))),
            )
        )
    result = FeedResult()
    base = _own_base(data.get("home_page_url")) if local else url
    _add_entries(result, raw, url, source, tz, now, base)
    return result


def _attachments(value: Any) -> Iterable[_Media]:
    """A JSON Feed item's ``attachments`` as media files."""
    for attachment in value if isinstance(value, list) else []:
        if isinstance(attachment, dict):
            size = attachment.get("size_in_bytes")
            yield (attachment.get("url"), attachment.get("mime_type"), size, None)


def _escape_text(text: str | None) -> str | None:
    return text_to_html(text) if text else None


def _add_entries(
    result: FeedResult,
    entries: Iterable[RawEntry],
    url: str,
    source: str,
    tz: ZoneInfo,
    now: datetime,
    base: str | None,
) -> None:
    count = 0
    for number, raw in enumerate(entries, start=1):
        count += 1
        try:
            built = build_item(raw, source=source, base_url=base, tz=tz, now=now, origin=url)
        except EntryProblem as exc:
            result.errors.append(ParseError(source, f"{url}: entry {number}: {exc}: skipped"))
            continue
        result.items.append(built.item)
        result.notices.extend(
            ParseError(source, f"{url}: entry {number}: {warning}") for warning in built.warnings
        )
    if count == 0:
        result.errors.append(ParseError(source, f"{url}: the feed has no entries"))


# -- entries to items --------------------------------------------------------------


def build_item(
    raw: RawEntry,
    *,
    source: str,
    base_url: str | None,
    tz: ZoneInfo,
    now: datetime,
    origin: str | None = None,
) -> Built:
    """The item of a raw entry, through the item builder (``sources.build``):
    links resolved against the feed's URL and kept only when http(s), HTML
    sanitised, dates read (relative or unreadable ones dropped, future ones
    too).

    An entry without a title is titled by its first sentence; one with neither
    a title nor a link, or with a link but no title and no text, is refused.
    """
    found = Extracted(
        title=html_to_text(raw.title) if raw.title else None,
        body_html=raw.body_html,
        summary_html=raw.summary_html,
        url=raw.link,
        image=raw.image,
        id=raw.id,
        published=_date(raw.published, tz, now),
        updated=_date(raw.updated, tz, now),
        author=raw.author,
        tags=raw.tags,
        language=raw.language,
        enclosures=raw.enclosures,
    )
    return build(
        found,
        source=source,
        origin=(base_url or "") if origin is None else origin,
        now=now,
        base=base_url,
        title_needs_link=True,
    )


def _date(value: str | None, tz: ZoneInfo, now: datetime) -> datetime | None:
    """A feed or page date; None (dated when first seen) when missing, unreadable
    or relative (it would read differently at every poll). Future dates are the
    item builder's to drop."""
    if not value:
        return None
    value = clean_text(value)
    if looks_relative(value):
        return None
    parsed = parse_date(value, tz=tz, relative_base=now)
    if parsed is None:
        log.debug("unreadable date %r", value)
    return parsed
