"""Word bulletins (``.docx``): several stories in one document, read with python-docx.

The document becomes the blocks of a bulletin (``sources.bulletin.Block``), one
per paragraph in document order (paragraphs inside tables, cell by cell, and
inside content controls included; page headers, footers, footnotes, comments
and deleted text are not read), and the bulletin rules (``parse_blocks``: a
header, separators, numbering, datelines, a closing line) make the stories.
What the document marks decides headlines:

- a paragraph whose style is ``Title`` or a heading, by outline level (on the
  paragraph or its style, inherited through ``basedOn``) or by style name
  (``Heading 1``, ``heading 2``, ``Title`` and their Arabic names «عنوان 1»…)
  is a headline when its level is the document's headline level or above
  (``headline_level``: the shallowest heading level used more than once), and a
  subheading inside the story when it is deeper (``Heading 3`` under
  ``Heading 1`` headlines);
- a short paragraph (at most ``HEADLINE_MAX_WORDS`` words) whose visible text
  is all bold (``w:b``, or ``w:bCs`` which Word sets on right-to-left runs; on
  the run, its character style or the paragraph's style) is a headline;
- a table cell's paragraph is body text; a list paragraph (Word numbering, a
  «List Paragraph», «List Bullet» or «List Number» style) is an item of the
  story's list;
- a short paragraph that is all italic is a byline: right after a headline it
  names the story's author;
- any other paragraph is classified by the rules of plain-text bulletins.

A line break inside a paragraph (Shift+Enter) separates paragraphs as a line
does in a text bulletin; inside a headline it is a space. Text is kept as
written: right-to-left runs, Arabic-Indic digits, tashkeel.

What is not a readable Word document is one ``ParseError`` naming the file,
before python-docx opens it: an OLE container (a password-protected document
or an old binary ``.doc``), bytes that are not a zip, a zip that holds no
Word document, an encrypted zip, or one whose parts unpack to more than the
file size limit (a zip bomb; what a member declares bounds what is read).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any, Literal

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.text.paragraph import Paragraph
from lxml import etree

from sources.base import Context, Parsed
from sources.bulletin import HEADLINE_MAX_WORDS, Block, parse_blocks
from sources.errors import ParseError
from sources.records import RecordContext

__all__ = [
    "MAX_PARTS",
    "TITLE_LEVEL",
    "bold_headline",
    "docx_blocks",
    "headline_level",
    "parse_docx",
    "read_docx",
]

MAX_PARTS = 10_000
"""Most parts (zip members) a Word document may have."""

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FALSE = frozenset({"0", "false", "off"})
_HEADING_IDS = frozenset({"title", "heading1", "heading2", "heading3"})
_HEADING_NAMES = frozenset(
    {
        "title",
        "heading 1",
        "heading 2",
        "heading 3",
        "عنوان",
        "العنوان",
        "عنوان رئيسي",
        "عنوان 1",
        "عنوان 2",
        "عنوان 3",
        "العنوان 1",
        "العنوان 2",
        "العنوان 3",
    }
)
_NUMBERED_HEADING = re.compile(r"(?:heading|عنوان|العنوان) ?([4-9])")
"""Headings of lower levels: subheadings, classified by the text rules."""
TITLE_LEVEL = -1
"""The ``Title`` style: above every heading, and not counted for the headlines' level."""
_LIST_STYLES = frozenset({"list paragraph", "listparagraph", "فقرة القائمة", "سرد الفقرات"})
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_BASED_ON_DEPTH = 16


def _w(name: str) -> str:
    return f"{{{_W}}}{name}"


def bold_headline(text: str) -> bool | None:
    """What a paragraph that is all bold (or all ``<b>``/``<strong>``) is: a
    headline when short, otherwise for the text rules to classify."""
    return True if len(text.split()) <= HEADLINE_MAX_WORDS else None


# -- the container -------------------------------------------------------------


def _refuse_container(data: bytes, origin: str, limit: int) -> None:
    """A ParseError for bytes python-docx must not open (see the module docstring)."""
    if data.startswith(_OLE):
        if "EncryptionInfo".encode("utf-16-le") in data:
            what = "a password-protected Word document: save it without a password"
        elif "WordDocument".encode("utf-16-le") in data:
            what = "an old Word 97-2003 document (.doc): save it as .docx"
        else:
            what = "an OLE compound file, not a Word .docx document"
        raise ParseError(origin, f"cannot read {what}")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ParseError(
            origin, "not a Word document: a .docx is a zip archive, and this is not one"
        ) from exc
    if len(members) > MAX_PARTS:
        raise ParseError(origin, f"refused: a Word document of more than {MAX_PARTS:,} parts")
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("word/") for n in names):
        raise ParseError(origin, "a zip archive, not a Word document (no word/ part)")
    if any(member.flag_bits & 0x1 for member in members):
        raise ParseError(origin, "cannot read an encrypted zip archive")
    unpacked = sum(member.file_size for member in members)
    if unpacked > limit:
        raise ParseError(
            origin,
            f"refused: the document unpacks to {unpacked:,} bytes, "
            f"more than the limit of {limit:,} bytes",
        )


def _open(data: bytes, origin: str, limit: int) -> Any:
    _refuse_container(data, origin, limit)
    try:
        return docx.Document(io.BytesIO(data))
    except PackageNotFoundError as exc:
        raise ParseError(origin, f"not a Word document: {exc}") from exc
    except ValueError as exc:  # a template, a macro document, a foreign main part
        raise ParseError(origin, f"not a Word document: {exc}") from exc
    except (
        KeyError,
        AttributeError,
        TypeError,
        zipfile.BadZipFile,
        OSError,
        EOFError,
        etree.LxmlError,
    ) as exc:
        raise ParseError(origin, f"corrupt Word document: {type(exc).__name__}: {exc}") from exc


# -- styles ------------------------------------------------------------------------


def _on(element: Any | None) -> bool | None:
    """A toggle property (``<w:b/>``, ``<w:b w:val="0"/>``): None when absent."""
    if element is None:
        return None
    return element.get(_w("val"), "true").lower() not in _FALSE


_BOLD = ("b", "bCs")
_ITALIC = ("i", "iCs")


def _bold(rpr: Any | None, tags: tuple[str, str] = _BOLD) -> bool | None:
    """Whether run properties make text bold (``w:b``, or ``w:bCs`` for right-to-left
    and complex-script runs; ``w:i``/``w:iCs`` with ``_ITALIC``), None when they say nothing."""
    if rpr is None:
        return None
    flags = [_on(rpr.find(_w(tag))) for tag in tags]
    if True in flags:
        return True
    return False if False in flags else None


class _Styles:
    """The document's styles by id, read from ``styles.xml`` once."""

    def __init__(self, document: Any) -> None:
        try:
            root = document.styles.element
        except (KeyError, AttributeError, ValueError):  # no styles part
            root = None
        self._by_id: dict[str, Any] = {}
        if root is not None:
            for style in root.iter(_w("style")):
                self._by_id.setdefault(style.get(_w("styleId"), ""), style)
        self._default_paragraph = next(
            (
                style_id
                for style_id, style in self._by_id.items()
                if style.get(_w("type")) == "paragraph" and _on(style.find(_w("default")))
            ),
            None,
        )

    def chain(self, style_id: str | None, *, paragraph: bool = False) -> Iterator[Any]:
        """The style and those it is based on, nearest first."""
        if style_id is None and paragraph:
            style_id = self._default_paragraph
        seen: set[str] = set()
        while style_id and style_id not in seen and len(seen) < _BASED_ON_DEPTH:
            seen.add(style_id)
            style = self._by_id.get(style_id)
            if style is None:
                return
            yield style
            based = style.find(_w("basedOn"))
            style_id = based.get(_w("val")) if based is not None else None

    def bold(
        self, style_id: str | None, *, paragraph: bool = False, tags: tuple[str, str] = _BOLD
    ) -> bool | None:
        for style in self.chain(style_id, paragraph=paragraph):
            found = _bold(style.find(_w("rPr")), tags)
            if found is not None:
                return found
        return None

    def level(self, style_id: str | None) -> int | None:
        """The outline level of a paragraph style (0 for Heading 1 and Title), None
        when it is not a heading."""
        for style in self.chain(style_id, paragraph=True):
            level = _outline_level(style.find(_w("pPr")))
            if level is not None:
                return level
            name = style.find(_w("name"))
            shown = (name.get(_w("val"), "") if name is not None else "").translate(_DIGITS)
            own_id = (style.get(_w("styleId")) or "").lower()
            named = " ".join(shown.casefold().split())
            if named in _HEADING_NAMES or own_id in _HEADING_IDS:
                if named[-1:].isdigit():
                    return int(named[-1]) - 1
                return int(own_id[-1]) - 1 if own_id[-1:].isdigit() else TITLE_LEVEL
            numbered = _NUMBERED_HEADING.fullmatch(named)
            if numbered is not None:
                return int(numbered.group(1)) - 1
        return None


def _outline_level(ppr: Any | None) -> int | None:
    if ppr is None:
        return None
    level = ppr.find(_w("outlineLvl"))
    value = level.get(_w("val"), "") if level is not None else ""
    return int(value) if value.isdigit() else None


def _style_id(props: Any | None, tag: str) -> str | None:
    if props is None:
        return None
    style = props.find(_w(tag))
    return style.get(_w("val")) if style is not None else None


# -- paragraphs --------------------------------------------------------------------


def _paragraphs(body: Any) -> Iterator[Any]:
    """Every ``w:p`` of the body in document order, tables and content controls
    included; a text box's paragraphs once (not again from the fallback copy
    older Word versions keep)."""
    for p in body.iter(_w("p")):
        if not any(etree.QName(a).localname == "Fallback" for a in p.iterancestors(f"{{{_MC}}}*")):
            yield p


def _own_runs(p: Any) -> Iterator[Any]:
    """The runs of a paragraph, in hyperlinks and insertions too, not in text boxes."""
    for run in p.iter(_w("r")):
        if next(run.iterancestors(_w("p")), None) is p:
            yield run


def _all_bold(
    p: Any, styles: _Styles, paragraph_style: str | None, tags: tuple[str, str] = _BOLD
) -> bool:
    """Whether every run with visible text in the paragraph is bold (italic with ``_ITALIC``)."""
    style_bold = styles.bold(paragraph_style, paragraph=True, tags=tags)
    seen = False
    for run in _own_runs(p):
        text = "".join(t.text or "" for t in run.iter(_w("t")))
        if not text.strip():
            continue
        seen = True
        rpr = run.find(_w("rPr"))
        bold = _bold(rpr, tags)
        if bold is None:
            bold = styles.bold(_style_id(rpr, "rStyle"), tags=tags)
        if bold is None:
            bold = style_bold
        if not bold:
            return False
    return seen


def _level(p: Any, styles: _Styles) -> int | None:
    ppr = p.find(_w("pPr"))
    level = _outline_level(ppr)
    return styles.level(_style_id(ppr, "pStyle")) if level is None else level


def headline_level(levels: list[int]) -> int | None:
    """The heading level of a document's headlines: the shallowest level used
    more than once (a bulletin's name may be the one ``Heading 1`` above
    ``Heading 2`` headlines), else the shallowest; None without headings.
    Deeper headings are subheadings inside a story."""
    counted = sorted(level for level in levels if level >= 0)
    repeated = [level for level in counted if counted.count(level) > 1]
    found = repeated or counted
    return found[0] if found else None


def _in_table(p: Any) -> bool:
    """A table cell's paragraph: body text."""
    return any(etree.QName(a).localname == "tc" for a in p.iterancestors(f"{{{_W}}}*"))


def _list_kind(p: Any, styles: _Styles) -> Literal["ul", "ol"] | None:
    """A list paragraph (Word numbering on it or its style, a «List Paragraph»,
    «List Bullet» or «List Number» style): ``ol`` when its style names numbers,
    else ``ul``; None for any other paragraph."""
    ppr = p.find(_w("pPr"))
    numbered = ppr is not None and ppr.find(_w("numPr")) is not None
    names = []
    for style in styles.chain(_style_id(ppr, "pStyle"), paragraph=True):
        name = style.find(_w("name"))
        names.append(
            " ".join((name.get(_w("val"), "") if name is not None else "").casefold().split())
        )
        style_ppr = style.find(_w("pPr"))
        numbered = numbered or (style_ppr is not None and style_ppr.find(_w("numPr")) is not None)
    listed = any(name in _LIST_STYLES or _LIST_NAME.match(name) for name in names)
    if not (numbered or listed):
        return None
    return "ol" if any(_NUMBER_NAME.search(name) for name in names) else "ul"


_LIST_NAME = re.compile(r"list(?: (?:bullet|number|continue))?(?: \d)?$|قائمة|تعداد")
_NUMBER_NAME = re.compile(r"number|رقمي|ترقيم")
_BYLINE_WORDS = 6


def _blocks_of(
    p: Any, parent: Any, styles: _Styles, line: int, level: int | None, top: int | None
) -> list[Block]:
    text = Paragraph(p, parent).text
    lines = [" ".join(part.split()) for part in text.split("\n")]
    lines = [part for part in lines if part]
    if not lines:
        return []
    whole = " ".join(lines)
    if level is not None and top is not None and level > top:
        return [Block(whole, headline=None, line=line, subheading=True)]
    if level is not None:
        return [Block(whole, headline=True, line=line)]
    paragraph_style = _style_id(p.find(_w("pPr")), "pStyle")
    if _all_bold(p, styles, paragraph_style):
        marked = bold_headline(whole)
        if marked:
            return [Block(whole, headline=True, line=line)]
    if _in_table(p):
        return [Block(part, headline=False, line=line) for part in lines]
    item = _list_kind(p, styles)
    if item is not None:
        return [Block(part, headline=False, line=line, item=item) for part in lines]
    if (
        len(lines) == 1
        and len(whole.split()) <= _BYLINE_WORDS
        and not whole.rstrip().endswith((".", "!", "?", "؟", "…"))
        and _all_bold(p, styles, paragraph_style, _ITALIC)
    ):
        return [Block(whole, headline=None, line=line, byline=True)]
    return [Block(part, headline=None, line=line) for part in lines]


def docx_blocks(document: Any) -> list[Block]:
    """The blocks of an opened Word document, numbered by paragraph from 1."""
    styles = _Styles(document)
    body = document.element.body
    parent = document._body  # the paragraphs' parent: it resolves styles through the part
    paragraphs = [(p, _level(p, styles)) for p in _paragraphs(body)]
    top = headline_level([level for _, level in paragraphs if level is not None])
    blocks: list[Block] = []
    for number, (p, level) in enumerate(paragraphs, start=1):
        blocks.extend(_blocks_of(p, parent, styles, number, level, top))
    return blocks


def read_docx(data: bytes, origin: str, limit: int) -> list[Block]:
    """The blocks of a Word document's bytes; ``ParseError`` for what is not one."""
    document = _open(data, origin, limit)
    try:
        return docx_blocks(document)
    except (KeyError, AttributeError, ValueError, etree.LxmlError) as exc:
        raise ParseError(origin, f"corrupt Word document: {type(exc).__name__}: {exc}") from exc


def parse_docx(data: bytes, rctx: RecordContext, ctx: Context) -> Parsed:
    """The stories of a Word bulletin (see the module docstring)."""
    blocks = read_docx(data, rctx.origin, ctx.max_bytes)
    items = parse_blocks(
        blocks,
        source=rctx.source,
        origin=rctx.origin,
        words=ctx.words,
        now=ctx.now,
        tz=ctx.tz,
    )
    return Parsed(items=list(items))
