"""HTML bulletins (``.html``, ``.htm``): several stories on one page, read with lxml.

The page is decoded by the rules of every source file (``sources.decode``: a
BOM, then what the bytes prove over the ``<meta>`` charset), parsed with lxml's
HTML parser (no network, ``huge_tree`` off: libxml2 stops at 256 levels of
nesting, and such a page is refused with a clear error rather than read in
part) and turned into the blocks of a bulletin (``sources.bulletin.Block``), so
that the bulletin rules (``parse_blocks``: a header, separators, numbering,
datelines, a closing line) make the stories:

- what is not the bulletin is removed first: ``script``, ``style``,
  ``noscript``, ``template``, forms, frames, ``svg``, hidden elements (the
  ``hidden`` attribute, or an inline style such as ``display:none``,
  ``visibility:hidden``, ``mso-hide:all``, ``max-height:0``: an e-mail's preheader),
  ``nav``, ``aside``, the page's own ``header`` and ``footer`` (those inside an
  ``article``, ``section`` or ``main`` are kept: they hold a story's
  headline), landmarks (``role="navigation"``, ``banner``, ``contentinfo``,
  ``complementary``) and elements whose class or id names boilerplate (menu,
  breadcrumb, share, social, cookie, comments, related, sidebar, ads); only
  ``<main>`` is read when the page has one;
- headings are headlines at the page's headline level or above (the
  shallowest level used more than once: ``h2`` headlines under one ``h1``
  name) and subheadings inside the story below it (``sources.docx.headline_level``);
  a list item or table cell (``li``, ``td``, ``th``, ``dd``) is body text;
  any other block (``p``, ``blockquote``, ``pre``, a ``div`` with text…) is
  classified by the rules of plain-text bulletins; a short block whose text is
  all ``<b>``/``<strong>`` is a headline wherever it is; ``<br>`` breaks a block
  into lines as a line break does in a text bulletin (a space in a headline);
  ``<hr>`` is a separator;
- the page's publication date (``<meta property="article:published_time">``
  or a like ``<meta>``, else the first ``<time datetime>`` of the bulletin)
  dates its stories that carry no date of their own;
- the page's language (``lang`` or ``xml:lang`` of ``<html>``, else of
  ``<body>``, else ``<meta http-equiv="content-language">``) is the language
  of its stories.

Why not trafilatura (measured on ``tests/data/htmlbulletins/landmarks.html``,
three stories under a header): its main-text extraction looks for one article;
it keeps one story of the three (two with ``favor_recall``) and drops the
header's date line and the ``<hr>`` separators, where these rules keep all
three and the date. The page's own landmarks tell boilerplate apart well
enough for bulletins.

A page whose text is more than ``MAX_BLOCKS`` blocks is not a bulletin and is
refused, which bounds the time one page can take.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from sources.base import Context, Parsed
from sources.bulletin import Block, parse_blocks
from sources.decode import decode_bytes
from sources.docx import bold_headline, headline_level
from sources.errors import ParseError
from sources.item import language_tag
from sources.records import RecordContext

__all__ = ["MAX_BLOCKS", "HtmlBulletin", "html_blocks", "parse_html_bulletin"]

MAX_BLOCKS = 20_000
"""Most blocks (paragraphs, headlines, cells) a bulletin page may have."""

_DROP = (
    "script",
    "style",
    "noscript",
    "template",
    "form",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "svg",
    "math",
    "canvas",
    "button",
    "select",
    "textarea",
    "nav",
    "aside",
    "dialog",
    "menu",
)
_LANDMARKS = frozenset({"navigation", "banner", "contentinfo", "complementary", "search"})
_SECTIONING = frozenset({"article", "section", "main"})
_BOILERPLATE = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|navigation|menu|breadcrumbs?|share|sharing|social|cookies?|"
    r"comments?|related|sidebar|widget|ads?|advert|advertisement|sponsored|newsletter|"
    r"subscribe|footer|site-?header|masthead|pagination|tags)(?:$|[-_\s])",
    re.IGNORECASE,
)
_HIDDEN_STYLE = re.compile(
    r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all"
    r"|max-height\s*:\s*0(?:px|em|%)?\s*(?:!important)?\s*(?:;|$)|opacity\s*:\s*0(?:\.0+)?\s*(?:;|$))",
    re.IGNORECASE,
)
"""Inline styles that hide an element (an e-mail's preheader: ``display:none``,
``mso-hide:all``, ``max-height:0``…)."""
_PREHEADER = re.compile(r"pre-?header|preview-?text", re.IGNORECASE)
_KEEP = frozenset({"html", "body", "main", "article"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BODY_ONLY = frozenset({"li", "td", "th", "dd"})
_PUBLISHED = frozenset(
    {"article:published_time", "og:published_time", "datepublished", "date", "pubdate"}
)
_BLOCKS = _HEADINGS | {
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "caption",
    "figure",
    "figcaption",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "address",
    "center",
    "details",
    "summary",
    "body",
    "html",
}
_BOLD = frozenset({"b", "strong"})
_SEPARATOR = "* * *"
"""What an ``<hr>`` becomes: a separator line of a text bulletin."""
_TOO_DEEP = "Excessive depth"


@dataclass(frozen=True, slots=True)
class HtmlBulletin:
    """The blocks of a bulletin page and the language it declares (None: unsaid)."""

    blocks: tuple[Block, ...]
    language: str | None
    date: str | None = None
    """When the page says it was published (``article:published_time``, a
    ``<time datetime>``), as written; None when it does not."""


@dataclass(slots=True)
class _Line:
    pieces: list[tuple[str, bool]] = field(default_factory=list)
    """Text as found, each piece with whether it is bold."""

    def add(self, text: str | None, bold: bool) -> None:
        if text:
            self.pieces.append((text, bold))

    def text(self) -> str:
        return " ".join("".join(text for text, _ in self.pieces).split())

    def all_bold(self) -> bool:
        seen = [bold for text, bold in self.pieces if text.strip()]
        return bool(seen) and all(seen)


@dataclass(slots=True)
class _Walk:
    """The walk over the page: lines of the block being read, and the blocks made."""

    blocks: list[Block] = field(default_factory=list)
    lines: list[_Line] = field(default_factory=lambda: [_Line()])
    line: int = 0
    heading: str | None = None
    bold: int = 0
    pre: int = 0
    body: int = 0
    """Inside a list item or a table cell: body text unless bold."""
    levels: dict[int, int] = field(default_factory=dict)
    """Block index → heading level (0 for ``h1``)."""
    time: str | None = None
    """The ``<time datetime>`` in the block being read: a story's own date."""

    def text(self, text: str | None) -> None:
        if not text:
            return
        if self.pre:
            first, *rest = text.split("\n")
            self.lines[-1].add(first, self.bold > 0)
            for part in rest:
                self.lines.append(_Line())
                self.lines[-1].add(part, self.bold > 0)
        else:
            self.lines[-1].add(text, self.bold > 0)

    def flush(self) -> None:
        """End the block being read: its lines become blocks."""
        lines = [line for line in self.lines if line.text()]
        self.lines = [_Line()]
        time, self.time = self.time, None
        if not lines:
            return
        whole = " ".join(line.text() for line in lines)
        if time is not None and self.heading is None and len(whole.split()) <= _META_WORDS:
            # «بقلم: يوسف بنعلي <time datetime=…>»: the story's byline and its date
            self.blocks.append(Block(whole, line=self.line, byline=True, date=time))
            return
        if self.heading is not None:
            whole = " ".join(line.text() for line in lines)
            self.levels[len(self.blocks)] = int(self.heading[1]) - 1
            self.blocks.append(Block(whole, headline=True, line=self.line))
        elif all(line.all_bold() for line in lines) and bold_headline(
            whole := " ".join(line.text() for line in lines)
        ):
            self.blocks.append(Block(whole, headline=True, line=self.line))
        else:
            body = False if self.body else None
            self.blocks.extend(Block(line.text(), headline=body, line=self.line) for line in lines)
        if len(self.blocks) > MAX_BLOCKS:
            raise _TooMany


_META_WORDS = 10
"""Most words of a line with a ``<time>`` read as a story's byline and date."""


class _TooMany(Exception):
    pass


def _parse(text: str, origin: str) -> etree._Element:
    parser = lxml.html.HTMLParser(
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
        no_network=True,
        huge_tree=False,
    )
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ParseError(origin, f"not an HTML page: {exc}") from exc
    if any(_TOO_DEEP in error.message for error in parser.error_log):
        raise ParseError(origin, "refused: HTML nested more than 255 elements deep")
    return root


def _language(root: etree._Element) -> str | None:
    body = root.find("body")
    for element in (root, body):
        if element is None:
            continue
        lang = element.get("lang") or element.get("{http://www.w3.org/XML/1998/namespace}lang")
        if lang and lang.strip():
            return lang.strip()
    for meta in root.iter("meta"):
        if (meta.get("http-equiv") or "").lower() == "content-language" and meta.get("content"):
            return str(meta.get("content")).split(",")[0].strip() or None
    return None


def _boilerplate(element: etree._Element) -> bool:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _KEEP:
        return False
    if tag in _DROP or element.get("hidden") is not None:
        return True
    if (element.get("aria-hidden") or "").lower() == "true":
        return True
    if _HIDDEN_STYLE.search(element.get("style") or ""):
        return True
    if (element.get("role") or "").lower() in _LANDMARKS:
        return True
    if tag in ("header", "footer") and not any(
        a.tag in _SECTIONING for a in element.iterancestors()
    ):
        return True
    names = f"{element.get('class') or ''} {element.get('id') or ''}"
    return bool(names.strip()) and (
        _BOILERPLATE.search(names) is not None or _PREHEADER.search(names) is not None
    )


def _strip(root: etree._Element) -> None:
    doomed = [el for el in root.iter() if not isinstance(el.tag, str) or _boilerplate(el)]
    for element in doomed:
        parent = element.getparent()
        if parent is None:
            continue
        if element.tail:  # the text after it stays
            previous = element.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + element.tail
            else:
                parent.text = (parent.text or "") + element.tail
        parent.remove(element)


def _container(root: etree._Element) -> etree._Element:
    main = root.find(".//main")
    if main is None:
        main = next((el for el in root.iter() if (el.get("role") or "") == "main"), None)
    if main is not None:
        return main
    body = root.find("body")
    return body if body is not None else root


def html_blocks(text: str, origin: str) -> HtmlBulletin:
    """The blocks of a decoded bulletin page, numbered by their source line."""
    root = _parse(text, origin)
    language = _language(root)
    _strip(root)
    walk = _Walk()
    container = _container(root)
    date = _published(root, container)
    try:
        for event, element in etree.iterwalk(container, events=("start", "end")):
            tag = element.tag if isinstance(element.tag, str) else ""
            if event == "start":
                _start(walk, element, tag)
            else:
                _end(walk, element, tag)
        walk.flush()
    except _TooMany:
        raise ParseError(
            origin, f"refused: more than {MAX_BLOCKS:,} paragraphs, not a bulletin"
        ) from None
    return HtmlBulletin(_leveled(walk), language, date)


def _leveled(walk: _Walk) -> tuple[Block, ...]:
    """Headings below the page's headline level are subheadings (``headline_level``)."""
    top = headline_level(list(walk.levels.values()))
    return tuple(
        dataclasses.replace(block, headline=None, subheading=True)
        if top is not None and walk.levels.get(index, top) > top
        else block
        for index, block in enumerate(walk.blocks)
    )


def _published(root: etree._Element, container: etree._Element) -> str | None:
    """The page's publication date: a ``<meta>`` that names it, else the first
    ``<time datetime>`` of the bulletin."""
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in _PUBLISHED and (meta.get("content") or "").strip():
            return str(meta.get("content")).strip()
    for time in container.iter("time"):
        value = (time.get("datetime") or "").strip()
        if value:
            return value
    return None


def _line(element: etree._Element, default: int) -> int:
    line = element.sourceline
    return line if isinstance(line, int) and line > 0 else default


def _start(walk: _Walk, element: etree._Element, tag: str) -> None:
    if tag in _BLOCKS:
        walk.flush()
        walk.line = _line(element, walk.line)
        if tag in _HEADINGS and walk.heading is None:
            walk.heading = tag
    if tag == "br":
        if walk.heading is not None:
            walk.text(" ")
        else:
            walk.lines.append(_Line())
    elif tag == "hr":
        walk.flush()
        walk.blocks.append(Block(_SEPARATOR, headline=None, line=_line(element, walk.line)))
    elif tag in _BOLD:
        walk.bold += 1
    elif tag == "pre":
        walk.pre += 1
    elif tag in _BODY_ONLY:
        walk.body += 1
    elif tag == "time" and (element.get("datetime") or "").strip():
        walk.time = str(element.get("datetime")).strip()
    walk.text(element.text)


def _end(walk: _Walk, element: etree._Element, tag: str) -> None:
    if tag in _BLOCKS:
        walk.flush()
        if tag == walk.heading:
            walk.heading = None
    if tag in _BOLD:
        walk.bold -= 1
    elif tag == "pre":
        walk.pre -= 1
    elif tag in _BODY_ONLY:
        walk.body -= 1
    walk.text(element.tail)


def parse_html_bulletin(data: bytes, rctx: RecordContext, ctx: Context) -> Parsed:
    """The stories of an HTML bulletin (see the module docstring)."""
    text = decode_bytes(data, source=rctx.origin)
    page = html_blocks(text, rctx.origin)
    items = parse_blocks(
        page.blocks,
        source=rctx.source,
        origin=rctx.origin,
        words=ctx.words,
        now=ctx.now,
        tz=ctx.tz,
        date=page.date,
    )
    if page.language is not None:
        language = language_tag(page.language)
        items = [dataclasses.replace(item, language=language) for item in items]
    return Parsed(items=list(items))
