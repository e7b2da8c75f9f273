"""Web pages: article lists read with configured selectors, feed discovery, full text.

A ``[[sources]]`` entry with ``selectors`` reads an article list page the way
RSS-Bridge's CssSelector bridge does, from configuration::

    selectors = { item = "article.post", title = "h2", link = "h2 a",
                  date = "time", summary = "p.lead", image = "img" }

``item`` is required; each other selector is applied inside one item element.
A selector starting with ``/``, ``./`` or ``(`` is XPath, any other is CSS. The
link defaults to the item's first ``<a href>`` and the title to that link's
text. Dates come from a ``datetime`` or ``content`` attribute, else the text;
images from ``src``, ``data-src`` or the first ``srcset`` candidate. A page
that holds one item only (an article page) gives that item the image it
advertises (``og:image``, ``twitter:image``, ``link rel="image_src"``:
``page_image``) when the selectors find none; on a list page that image is the
site's, not a story's, and is not used.

``discover_feed`` finds the feed a page advertises (``<link rel="alternate"
type="application/rss+xml">``), and ``extract_article`` the main text of an
article page (trafilatura), for ``full_text = true``, and ``article_image`` the
image an article page advertises.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import lxml.html
from cssselect import SelectorError
from lxml import etree
from lxml.cssselect import CSSSelector

from sources.errors import ParseError
from sources.html import sanitize, text_to_html
from sources.remote import EntryProblem, FeedResult, RawEntry, build_item
from sources.text import clean_text

__all__ = [
    "FEED_TYPES",
    "SELECTOR_FIELDS",
    "article_image",
    "discover_feed",
    "extract_article",
    "page_image",
    "parse_page",
]

SELECTOR_FIELDS = ("item", "title", "link", "date", "summary", "image")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
)
_XPATH_START = ("/", "./", "(")

Matcher = etree.XPath


@dataclass(frozen=True, slots=True)
class Selectors:
    """The compiled selectors of one source."""

    item: Matcher
    fields: Mapping[str, Matcher]


def compile_selectors(selectors: Mapping[str, str], source: str) -> Selectors:
    """Compile CSS or XPath selectors; an unknown field or a bad selector is a ParseError."""
    unknown = sorted(set(selectors) - set(SELECTOR_FIELDS))
    if unknown:
        raise ParseError(
            source, f"selectors: unknown field {unknown[0]!r} (known: {', '.join(SELECTOR_FIELDS)})"
        )
    if "item" not in selectors:
        raise ParseError(source, "selectors: 'item' is required (the element of one article)")
    compiled: dict[str, Matcher] = {}
    for name, expression in selectors.items():
        try:
            if expression.strip().startswith(_XPATH_START):
                compiled[name] = etree.XPath(expression)
            else:
                compiled[name] = CSSSelector(expression)
        except (SelectorError, etree.XPathSyntaxError) as exc:
            raise ParseError(
                source, f"selectors.{name}: invalid selector {expression!r}: {exc}"
            ) from exc
    item = compiled.pop("item")
    return Selectors(item=item, fields=compiled)


def parse_html(text: str, url: str) -> etree._Element:
    """An HTML document as an lxml tree (text given as UTF-8 bytes, so that a
    ``<meta charset>`` naming another encoding is not obeyed twice)."""
    parser = lxml.html.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True)
    root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser, base_url=url)
    return root


def parse_page(
    text: str,
    *,
    url: str,
    selectors: Mapping[str, str],
    source: str,
    tz: ZoneInfo,
    now: datetime,
) -> FeedResult:
    """The items of an article list page, found with the source's selectors."""
    compiled = compile_selectors(selectors, source)
    try:
        root = parse_html(text, url)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(source, f"{url}: cannot read the page as HTML: {exc}") from exc
    try:
        found = compiled.item(root)
        elements = (
            [e for e in found if isinstance(e, etree._Element)] if isinstance(found, list) else []
        )
    except etree.XPathEvalError as exc:
        raise ParseError(source, f"selectors.item: {exc}") from exc
    result = FeedResult()
    if not elements:
        result.errors.append(
            ParseError(source, f"{url}: selectors.item {selectors['item']!r} matched nothing")
        )
        return result
    for number, element in enumerate(elements, start=1):
        try:
            raw = _raw_entry(element, compiled.fields)
            if raw.image is None and len(elements) == 1:
                raw = replace(raw, image=page_image(root, url))
            built = build_item(raw, source=source, base_url=url, tz=tz, now=now)
        except EntryProblem as exc:
            result.errors.append(ParseError(source, f"{url}: item {number}: {exc}: skipped"))
            continue
        except etree.XPathEvalError as exc:
            raise ParseError(source, f"selectors: {exc}") from exc
        result.items.append(built.item)
        result.notices.extend(
            ParseError(source, f"{url}: item {number}: {warning}") for warning in built.warnings
        )
    return result


def _first(matcher: Matcher | None, element: etree._Element) -> Any:
    if matcher is None:
        return None
    found = matcher(element)
    if isinstance(found, list):
        return found[0] if found else None
    return found


def _text_of(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, etree._Element):
        text = " ".join(str(value.xpath("string()")).split())
    else:
        text = " ".join(str(value).split())
    return text or None


def _attribute(value: Any, *names: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, etree._Element):
        return _text_of(value)
    for name in names:
        found = value.get(name)
        if found and found.strip():
            return found.strip()
    return None


def _raw_entry(element: etree._Element, fields: Mapping[str, Matcher]) -> RawEntry:
    link_node = _first(fields.get("link"), element)
    if link_node is None:
        anchors = element.xpath("self::a[@href] | .//a[@href]")
        link_node = anchors[0] if isinstance(anchors, list) and anchors else None
    link = _attribute(link_node, "href")
    if isinstance(link_node, etree._Element) and link is None:
        inner = link_node.xpath(".//a[@href]")
        link = _attribute(inner[0], "href") if isinstance(inner, list) and inner else None
    title_node = _first(fields.get("title"), element)
    title = _text_of(title_node if title_node is not None else link_node)
    date_node = _first(fields.get("date"), element)
    date = _attribute(date_node, "datetime", "content") or _text_of(date_node)
    summary = _text_of(_first(fields.get("summary"), element))
    image_node = _first(fields.get("image"), element)
    image = _attribute(image_node, "src", "data-src", "content")
    if image is None and isinstance(image_node, etree._Element):
        srcset = image_node.get("srcset") or ""
        image = srcset.split(",")[0].split()[0] if srcset.strip() else None
    summary_html = text_to_html(summary) if summary else None
    return RawEntry(
        title=title,
        link=link,
        id=None,
        published=date,
        summary_html=summary_html,
        image=image,
    )


_PAGE_IMAGE = etree.XPath(
    "//meta[@property='og:image' or @property='og:image:url' or @property='og:image:secure_url'"
    " or @name='twitter:image' or @name='twitter:image:src']/@content"
    " | //link[contains(concat(' ', normalize-space(@rel), ' '), ' image_src ')]/@href"
)
_IMAGE_ORDER = ("og:image", "og:image:url", "og:image:secure_url", "twitter:image")


def page_image(root: etree._Element, url: str) -> str | None:
    """The absolute URL of the image a page advertises for itself: its Open Graph
    ``og:image``, else ``twitter:image``, else ``link rel="image_src"``; None when
    it names none. Whether it is a web link is the item builder's to decide."""
    found: list[tuple[int, str]] = []
    values = _PAGE_IMAGE(root)
    for value in values if isinstance(values, list) else []:
        if not isinstance(value, str) or not value.strip():
            continue
        owner = value.getparent() if isinstance(value, etree._ElementUnicodeResult) else None
        name = ""
        if owner is not None:
            name = (owner.get("property") or owner.get("name") or "").lower()
        rank = next((i for i, key in enumerate(_IMAGE_ORDER) if name.startswith(key)), 9)
        found.append((rank, value.strip()))
    if not found:
        return None
    return urljoin(url, min(found, key=lambda pair: pair[0])[1])


def article_image(text: str, url: str) -> str | None:
    """The image an article page advertises (``page_image``), for a story read in
    full (``full_text = true``) that its feed or list page gave no image."""
    try:
        return page_image(parse_html(text, url), url)
    except (etree.ParserError, ValueError):
        return None


def discover_feed(text: str, url: str) -> str | None:
    """The absolute URL of the first feed a page advertises, or None."""
    try:
        root = parse_html(text, url)
    except (etree.ParserError, ValueError):
        return None
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = (link.get("href") or "").strip()
        if "alternate" in rel and kind in FEED_TYPES and href:
            return urljoin(url, href)
    return None


def extract_article(text: str, url: str) -> str | None:
    """The main text of an article page as sanitised HTML, or None if none is found."""
    import trafilatura  # ~60 ms to import: only for sources with full_text

    extracted = trafilatura.extract(
        text,
        url=url,
        output_format="html",
        include_comments=False,
        include_tables=True,
        include_links=True,
        include_images=True,
        favor_precision=True,
    )
    if not extracted:
        return None
    cleaned = clean_text(sanitize(clean_text(str(extracted)), base_url=url))
    return cleaned or None
