"""Bulletins: several Arabic news stories in one document, split into stories.

A bulletin reaches the reader as ``Block`` values, one per paragraph: a text
file gives one block per non-blank line (``\\r\\n`` and ``\\r`` count as line
breaks, a BOM and trailing spaces are dropped); a Word or HTML document gives
its paragraphs, with ``headline=True`` for those it marks as headings. All go
through the same rules (``read_blocks``), each block taken for one of:

header
    At the top, before any story: the bulletin's name (a short line opening
    with a word of ``BulletinWords.header_words``: «نشرة أخبار الساعة
    الثامنة»، «موجز الأنباء»), a date line (``sources.dates.parse_date``
    reads it), a name and a date apart («أخبار كود اليوم | الجمعة 13 دجنبر
    2024») or a byline («بقلم: قسم الأخبار · الأربعاء 18 ديسمبر 2024م»); also
    any block of short lines at the top that ends with a line holding a date,
    when a story starts after it («وكالة الأنباء السعودية» / «النشرة…» / «الأحد
    14 ربيع الآخر 1442هـ الموافق 29 نوفمبر 2020م»). Not a story; its date
    dates the stories that carry none. A broadcast script's intro after it (a
    greeting or «أهم العناوين:», the headlines read out as a list, «وإليكم
    التفاصيل:») is left out; the stories below it, when they have no headlines,
    are split where the paragraphs tell what each read-out headline says, and
    take those headlines as titles.
separator
    A line of punctuation, symbols and tatweel only, spaced or not («ـــــ»،
    «* * *»، «●●●»، «. . .»; Unicode categories P and S): ends the story. So
    do the wire's end mark («//انتهى//»، «-انتهى-»، «ـ (انتهى) ـ») and the time
    stamp and serial number lines after it («14:10ت م»، «0050»).
boilerplate
    Left out wherever it is: a line wholly in brackets (a stage direction
    «(تقرير مصوّر – المدة 1:20)», a credit «(Reporting by …; Editing by …)»),
    a newsletter's own lines («اقرأ المزيد ←»، «Read more»، «View this email in
    your browser»، unsubscribe and copyright lines). A speaker label opening a
    paragraph («المذيع:»، «مراسلنا في غزة:») is removed.
closing
    A short line opening with a word of ``closings`` («انتهت النشرة»،
    «تابعونا على…»), and short lines after the last one: not part of a story.
    At the end of the bulletin, lines shaped like a closing count too
    (``_closing_shape``: «انتهى/انتهت/نهاية» then «نشرة/موجز»، «كانت هذه…»،
    «وفي الختام…»، «شكرا…», a farewell word such as «متابعتكم»، «موعدكم»،
    «نلتقي»، «مع تحيات»; a call to follow, join or share «للمزيد… تابعونا»،
    «انضموا لقناتنا»، «شاركوا النشرة»; the issuer, editors or sources «صادر
    عن…»، «المصادر:»، «إعداد:»; a bare link).
headline
    A line numbered («1.»، «٢-»، «(3)»، «أولا:»، «الخبر الأول:»، «(أ)»، «ب-») or bulleted
    («■»، «•»، «-»، «»»، «›») starts a story (the numbering is not part of the
    title); so does a block the document marks as a heading. A line that is
    only a number («- 1 -»، «(2)») ends the story before it, like a separator. A *short line* (at most 20 words,
    not ending in ``. : … ؛ ، , ;`` once closing quotes and brackets are set
    aside) that does not open with a continuation word is a headline when the
    next paragraph does not open with a continuation word either. At the start
    or after a separator a short line is always a headline.
list item
    A numbered or bulleted line inside a story with a body, after a line ending
    with «:» or another item (unless it carries the headlines' bullet or their
    next number), or numbered again from below the last headline's number with
    the next item after it («1-»، «2-» inside story 3): the story's list
    (``<ul>``/``<ol>``). So are a label and a figure after a line ending with
    «:» («مازي: 10.214,32 نقطة (+0,84%)») and the list items a document marks;
    table cells are body text.
byline
    Right after a headline, a line «كتب: …»، «بقلم: …»، «إعداد: …»، «تقرير -
    …» or «name | date», or a line the document sets apart (Word: short, all
    italic): the story's author (and date), not its body.
subheading
    A heading the document puts below its headlines' level; or a short line
    followed by a continuation paragraph («وأضاف…»، «في سياق
    متصل…»), or a short line right after a headline (a deck). By the
    bulletin's own pattern (``_Pattern``), a short line inside a story of at
    least two paragraphs is a subheading when all the bulletin's sure headlines
    are numbered and it is not, or all are followed by a dateline or a byline
    and the paragraph after it has neither.
topic shift
    A paragraph opening with a topic-shift marker («وفي سياق آخر، …»), or with
    one by shape («وعلى الصعيد الرياضي،»، «أما في الشأن الاقتصادي، فـ…»،
    «وبالانتقال إلى أخبار الطقس،»: ``_shift_shape``) starts a new story; the
    marker is removed. Right after a headline it is that story's
    first paragraph. A line holding only a marker ends the story.
dateline
    A paragraph opening with a dateline («طرابلس - (وكالات) -»، «القاهرة، 1
    ديسمبر (رويترز) -»، «دمشق-سانا:»، «القاهرة في 5 ديسمبر/أ ش أ/»، «الكويت –
    5 – 12 (كونا) --») starts a story (or is the first paragraph of the
    headline before it). Datelines are read by shape: an agency the table does
    not know counts when shaped like one (``_agency_shaped``: «(سونا)»، «- واما
    -»، «- الوكالة الوطنية للإعلام -»), and in a paragraph that is not
    headline-shaped a place alone before a spaced dash («الرباط – أفادت…») is a
    dateline without agency. The dateline stays in the body; a story without
    a headline takes its title from the words after it; its agency is the
    story's author and its date the story's date.
paragraph
    Anything else: the story's body. A story without a headline takes its
    title from its first sentence (``sources.build.headline``).

A "story" with no body (a title alone, a short line alone, a label over a
list of figures) is not a story: its lines are kept out of the result.

Everything here is pure, text in and stories out; ``parse_blocks`` and
``parse_bulletin`` turn the stories into items through the item builder, and
``explain`` tells, line by line, what each line was taken for and why.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sources.arabic import normalize_key, strip_controls
from sources.build import SUMMARY_CHARS, TITLE_WORDS, Extracted, build, headline, plain, summary
from sources.bulletin_words import DEFAULT_WORDS, BulletinWords
from sources.dates import GREGORIAN_MONTHS, parse_date
from sources.item import Item
from sources.text import clean_text

__all__ = [
    "HEADLINE_MAX_WORDS",
    "Block",
    "Dateline",
    "Note",
    "Part",
    "Reading",
    "Story",
    "dateline",
    "explain",
    "is_separator",
    "numbering",
    "opens_continuation",
    "parse_blocks",
    "parse_bulletin",
    "read_blocks",
    "segment",
    "story_html",
    "summary_of",
    "text_blocks",
    "title_from",
    "topic_shift",
]

HEADLINE_MAX_WORDS = 20
HEADER_MAX_WORDS = 12
CLOSING_MAX_WORDS = 25
TITLE_MAX_WORDS = TITLE_WORDS
SUMMARY_MAX_CHARS = SUMMARY_CHARS

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CLOSERS = "»\"”’')]}›"
_NOT_HEADLINE_END = ".:…؛،,;"
_AFTER_MARKER = " \t:؛;،,.…-–—"
_TATWEEL = "\u0640"

NoteKind = Literal[
    "header",
    "headline",
    "separator",
    "paragraph",
    "dateline",
    "closing",
    "topic shift",
    "subheading",
    "list item",
    "byline",
    "boilerplate",
    "blank",
]


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph of a bulletin as its document gives it.

    ``headline``: True when the document marks it as a heading (a Word heading
    style, an HTML ``h1``–``h3``, a wholly bold short paragraph), False when it
    says it is body text, None to let the text decide. ``line`` is where it
    is (a 1-based line or paragraph number) for stories and messages.
    """

    text: str
    headline: bool | None = None
    line: int = 0
    subheading: bool = False
    """A heading below the document's headline level (a Word ``Heading 3`` under
    ``Heading 1`` headlines, an ``h3`` under ``h2``): a subheading in the story."""
    item: Literal["ul", "ol"] | None = None
    """An item of a list the document marks (a Word «List Bullet» or «List Number»
    paragraph): part of the story's list, never a headline."""
    byline: bool = False
    """The document sets it apart as a byline (a short, wholly italic paragraph under
    a heading): right after a headline, the story's author."""
    date: str | None = None
    """A date the document gives this paragraph (an HTML ``<time datetime>``)."""


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a story's body: a paragraph (``p``), a subheading (``h``), or an
    item of a bulleted (``ul``) or numbered (``ol``) list."""

    kind: Literal["p", "h", "ul", "ol"]
    text: str


@dataclass(frozen=True, slots=True)
class Story:
    """One story of a bulletin; ``line`` is the line (block) where it starts.

    ``date`` and ``agency`` come from the dateline of its first paragraph: the
    date as written, the agency's name from the word table."""

    title: str
    blocks: tuple[Part, ...]
    line: int
    date: str | None = None
    agency: str | None = None
    author: str | None = None
    """The byline under the headline («كتب: …»، «بقلم: …»، «الاسم | التاريخ»)."""


@dataclass(frozen=True, slots=True)
class Note:
    """What one line was taken for, and why (``nashra parse --explain``)."""

    line: int
    kind: NoteKind
    reason: str
    text: str = ""
    story: int = 0
    """The story (1-based) the line went into, 0 for none."""


@dataclass(frozen=True, slots=True)
class Reading:
    """A bulletin read: its stories, the header's date as written, and a note per block."""

    stories: tuple[Story, ...]
    date: str | None
    notes: tuple[Note, ...]


@dataclass(frozen=True, slots=True)
class Dateline:
    """A dateline opening a paragraph: its text, the date and agency it names."""

    text: str
    date: str | None
    agency: str | None


# --- text helpers -------------------------------------------------------------


def _visible(text: str) -> str:
    """The text without whitespace and invisible controls (empty: a blank line)."""
    return strip_controls(text).replace("\u200c", "").replace("\u200d", "").strip()


def _words(text: str) -> int:
    return len(text.split())


# --- word tables --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Tables:
    """``BulletinWords`` normalised for matching: phrases as tuples of words."""

    markers: frozenset[tuple[str, ...]]
    continuations: frozenset[tuple[str, ...]]
    stems: frozenset[str]
    suffixes: tuple[str, ...]
    longest: int
    headers: frozenset[tuple[str, ...]]
    closings: frozenset[tuple[str, ...]]
    agencies: dict[str, str]
    """Agency spellings without spaces (normalised) → the agency's name."""


def _phrases(entries: tuple[str, ...]) -> frozenset[tuple[str, ...]]:
    """Each entry as normalised words, plus the same with و attached to the first."""
    out: set[tuple[str, ...]] = set()
    for entry in entries:
        words = tuple(normalize_key(entry).split())
        if words:
            out.add(words)
            out.add(("و" + words[0], *words[1:]))
    return frozenset(out)


def _agency_key(text: str) -> str:
    return "".join(normalize_key(text).split())


def _agencies(entries: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for entry in entries:
        name, _, variants = entry.partition("=")
        name = " ".join(name.split())
        for spelling in (name, *variants.split("|")):
            key = _agency_key(spelling)
            if key and name:
                out.setdefault(key, name)
    return out


@functools.lru_cache(maxsize=8)
def _tables(words: BulletinWords) -> _Tables:
    markers = _phrases(words.topic_markers)
    continuations = _phrases(words.continuations)
    headers = _phrases(words.header_words)
    closings = _phrases(words.closings)
    return _Tables(
        markers=markers,
        continuations=continuations,
        stems=frozenset(s for s in (normalize_key(stem) for stem in words.stems) if s),
        suffixes=("", *(normalize_key(s) for s in words.suffixes)),
        longest=max((len(p) for p in markers | continuations | headers | closings), default=1),
        headers=headers,
        closings=closings,
        agencies=_agencies(words.agencies),
    )


def _join_conjunction(words: list[str]) -> list[str]:
    """A detached conjunction is joined to the next word: «و أضاف» reads «وأضاف»."""
    if len(words) > 1 and words[0] in ("و", "ف"):
        return [words[0] + words[1], *words[2:]]
    return words


def _first_words(text: str, count: int) -> list[str]:
    """The first ``count`` normalised words of a paragraph (only its opening is
    normalised: paragraphs are long and this runs for every line)."""
    opening = " ".join(text.split(maxsplit=2 * count + 2)[: 2 * count + 2])
    return _join_conjunction(normalize_key(opening).split()[: count + 1])[:count]


def _said(text: str, phrase: str) -> str:
    """The words of ``text`` a normalised ``phrase`` matched, as written."""
    return " ".join(text.split()[: len(phrase.split())]).rstrip(_AFTER_MARKER)


def _opening(words: list[str], phrases: frozenset[tuple[str, ...]]) -> tuple[str, ...] | None:
    """The phrase of ``phrases`` the words open with (the shortest), or None."""
    for n in range(1, len(words) + 1):
        if tuple(words[:n]) in phrases:
            return tuple(words[:n])
    return None


def _is_stem_form(word: str, tables: _Tables) -> bool:
    """و or ف, then a known stem, then an optional suffix: «وأضافت»، «فقالوا»."""
    if word[0] not in ("و", "ف"):
        return False
    core = word[1:]
    return any(
        core.endswith(suffix) and core[: len(core) - len(suffix)] in tables.stems
        for suffix in tables.suffixes
    )


def _continuation(text: str, tables: _Tables) -> str | None:
    """The continuation word or phrase a paragraph opens with (no topic marker), or None."""
    first = _first_words(text, tables.longest)
    if not first or _opening(first, tables.markers):
        return None
    phrase = _opening(first, tables.continuations)
    if phrase:
        return " ".join(phrase)
    return first[0] if _is_stem_form(first[0], tables) else None


def opens_continuation(text: str, words: BulletinWords = DEFAULT_WORDS) -> bool:
    """Whether a paragraph opens with a continuation word (and no topic marker)."""
    return _continuation(text, _tables(words)) is not None


_WRITTEN_WORD = re.compile(r"[^\s،,؛;:.!؟?()«»\"'\-–—]+")
"""A word as written: spaces and punctuation end it (marks and tatweel do not)."""


def topic_shift(text: str, words: BulletinWords = DEFAULT_WORDS) -> str | None:
    """The paragraph without its opening topic-shift marker, or None if it has none.

    The marker and the punctuation after it are removed; an empty string means
    the line is only a marker. The cut is made on the original text, so the
    rest keeps its spelling and tashkeel.
    """
    tables = _tables(words)
    seen: list[str] = []
    for token in _WRITTEN_WORD.finditer(text):  # «من ناحية أخرى،الرضيعة»: the comma splits too
        seen.extend(normalize_key(token.group()).split())
        joined = _join_conjunction(seen)
        if len(joined) > tables.longest:
            break
        if tuple(joined) in tables.markers:
            rest = text[token.end() :].lstrip(_AFTER_MARKER).strip()
            return rest if _visible(rest) else ""
    return _shift_shape(text)


_SHIFT_HEAD = re.compile(r"\s*(?P<head>[^،,:؛;.!؟?\n]{2,60}?)\s*[،,:؛;]\s*")


def _keys(*words: str) -> frozenset[str]:
    return frozenset(normalize_key(word) for word in words)


_SHIFT_ON = _keys("على", "وعلى", "في", "وفي")
_SHIFT_FIELDS = _keys("صعيد", "الصعيد", "مستوى", "المستوى", "شأن", "الشأن", "أخبار", "ملف", "الملف")
_SHIFT_SAME = _keys("متصل", "ذاته", "ذاتها", "نفسه", "نفسها", "ذي", "ذلك", "هذا")
_SHIFT_MOVES = _keys("بالانتقال", "انتقالا", "ننتقل", "نعرج", "نعود")
_SHIFT_TO = _keys("إلى", "لـ", "نحو")
_SHIFT_CONTRAST = _keys("في", "على", "عن", "بالنسبة")
_AMMA = normalize_key("أما")
_SHIFT_MAX_WORDS = 6


def _shift_shape(text: str) -> str | None:
    """A topic shift by its shape, not from the table: a paragraph opening with
    «على الصعيد X،» / «في الشأن X،» / «في أخبار X،», «أما في/على … ،ف…» or
    «وبالانتقال إلى …،» (one to six words before the comma); what follows, with
    the ف that answers أما removed («أما في الشأن الاقتصادي، فقد صادقت…» →
    «صادقت…»). None when the paragraph has no such opening."""
    match = _SHIFT_HEAD.match(text)
    if match is None:
        return None
    head = _join_conjunction(normalize_key(match.group("head")).split())
    if not 2 <= len(head) <= _SHIFT_MAX_WORDS:
        return None
    first = head[0].removeprefix("و") if head[0] != "و" else head[0]
    rest = text[match.end() :].strip()
    if head[0] in _SHIFT_ON and head[1] in _SHIFT_FIELDS and len(head) <= 4:
        if len(head) < 3 or head[2] in _SHIFT_SAME:
            return None
    elif first == _AMMA and head[1] in _SHIFT_CONTRAST:
        rest = re.sub(r"^ف(?:قد\s+)?", "", rest)
    elif not (first in _SHIFT_MOVES and head[1] in _SHIFT_TO):
        return None
    return rest if _visible(rest) else ""


# --- line shapes --------------------------------------------------------------


def _ignorable(char: str) -> bool:
    """Spaces, controls and marks: they neither make nor break a separator."""
    return char.isspace() or unicodedata.category(char)[0] in "CMZ"


def is_separator(line: str) -> bool:
    """Whether a line is a separator: only punctuation, symbols and tatweel (at
    least one), spaced or not: «ـــــ»، «* * *»، «●●●»، «=====»، «. . .»."""
    marks = [char for char in line if not _ignorable(char)]
    return bool(marks) and all(
        char == _TATWEEL or unicodedata.category(char)[0] in "PS" for char in marks
    )


_DIGIT = "[0-9\u0660-\u0669\u06f0-\u06f9]"
_NUMBER = re.compile(
    rf"\(\s*{_DIGIT}{{1,3}}\s*\)|\[\s*{_DIGIT}{{1,3}}\s*\]"
    rf"|{_DIGIT}{{1,3}}\s*[-–—.)/:]"
    rf"(?!\s*{_DIGIT})"
)
_LETTER_NUMBER = re.compile(r"\(\s*(?:هـ|[أابجدهوزحطي])\s*\)|(?:هـ|[أبجدوزحطي])\s*[).\-–—](?=\s)")
"""Arabic letters in abjad order as numbering: «(أ)»، «ب)»، «ج-»، «(هـ)»."""
_ORDINALS = (
    "اولا",
    "ثانيا",
    "ثالثا",
    "رابعا",
    "خامسا",
    "سادسا",
    "سابعا",
    "ثامنا",
    "تاسعا",
    "عاشرا",
)
_ORDINAL_WORDS = (
    "الاول",
    "الثاني",
    "الثالث",
    "الرابع",
    "الخامس",
    "السادس",
    "السابع",
    "الثامن",
    "التاسع",
    "العاشر",
)
"""«الخبر الأول:»، «الخبر الثاني -»: a broadcast script's story numbers."""
_ABJAD = "ابجدهوزحطي"
_ORDINAL = re.compile(r"(\S+?)\s*[:\-–—]")
_STORY_ORDINAL = re.compile(r"(?:ال)?(?:خبر|قصة|موضوع)\s+(\S+?)\s*[:\-–—]")
_BULLET_MARKS = "•*·‣⁃∙◦»›"
"""Besides symbols and dashes: «»» and «›» (guillemets as arrows)."""
_MAX_BULLETS = 3


def _is_bullet(char: str) -> bool:
    category = unicodedata.category(char)
    return category in ("So", "Sm", "Pd") or char in _BULLET_MARKS


def numbering(text: str) -> tuple[str, str] | None:
    """The number, ordinal or bullet opening a line and the rest, or None.

    «1. عنوان» → («1.», «عنوان»); «(٣) عنوان»، «أولاً: عنوان»، «■ عنوان» likewise.
    A bullet is one to three symbols or dashes before a space, or one before a
    letter; quotes, brackets and «#» are not bullets."""
    stripped = text.strip()
    match = _NUMBER.match(stripped) or _LETTER_NUMBER.match(stripped)
    if match is None:
        ordinal = _ORDINAL.match(stripped)
        if ordinal and normalize_key(ordinal.group(1)).removeprefix("و") in _ORDINALS:
            match = ordinal
        story = _STORY_ORDINAL.match(stripped)
        if story and normalize_key(story.group(1)) in _ORDINAL_WORDS:
            match = story
    if match is not None:
        return match.group().strip(), stripped[match.end() :].strip()
    run = 0
    while run < len(stripped) and run < _MAX_BULLETS and _is_bullet(stripped[run]):
        run += 1
    if run == 0 or run == len(stripped):
        return None
    following = stripped[run]
    if following.isspace() or (run == 1 and following.isalpha()):
        return stripped[:run], stripped[run:].strip()
    return None


def _number_only(text: str) -> bool:
    """«1 -»، «(12)»: a number of at most three digits with punctuation and nothing else."""
    marks = [char for char in text if not _ignorable(char)]
    digits = sum(char.isdigit() for char in marks)
    return 1 <= digits <= 3 and all(
        char.isdigit() or unicodedata.category(char)[0] in "PS" for char in marks
    )


def _mark_value(mark: str) -> int | None:
    """What a numbering counts: «3.» → 3, «(ج)» → 3, «ثانيا:» → 2; None for a bullet."""
    digits = "".join(char for char in _digits(mark) if char.isdigit())
    if digits:
        return int(digits)
    key = normalize_key(mark).removeprefix("و")
    if key in _ORDINALS:
        return _ORDINALS.index(key) + 1
    last = key.split()[-1] if key.split() else ""
    if " " in key and last in _ORDINAL_WORDS:
        return _ORDINAL_WORDS.index(last) + 1
    return _ABJAD.index(key) + 1 if len(key) == 1 and key in _ABJAD else None


def _mark_style(mark: str) -> str:
    """A numbering's shape: «12)» and «٣)» are «0)», «(أ)» is «(a)», «•» is «•»."""
    shape = "".join(
        "0" if char.isdigit() else "a" if char.isalpha() else char
        for char in mark
        if not char.isspace() and unicodedata.category(char)[0] != "M" and char != _TATWEEL
    )
    return re.sub(r"0+", "0", re.sub(r"a+", "a", shape))


def _is_short(text: str) -> bool:
    """Headline-shaped: few words, and no sentence punctuation before closing quotes."""
    bare = _visible(text).rstrip(_CLOSERS + " \t")
    return bool(bare) and bare[-1] not in _NOT_HEADLINE_END and _words(text) <= HEADLINE_MAX_WORDS


# --- dates, headers, closings, datelines ---------------------------------------------

_UTC = ZoneInfo("UTC")
_HAS_DIGIT = re.compile(_DIGIT)
_DATE_PARTS = re.compile(r"\s+[-–—|/·•]\s+|[|،,:·•]\s*")


def _date_of(text: str) -> str | None:
    """``text`` itself when it is a date ``sources.dates`` reads, else None."""
    text = text.strip(" \t-–—|،,:()")
    if not text or not _HAS_DIGIT.search(text):
        return None
    return text if parse_date(text, tz=_UTC) is not None else None


def _date_in(text: str) -> str | None:
    """A date in a header line: the whole line, one of its parts («… - الأحد 1
    نوفمبر 2020»), or its last words («موجز الأنباء ليوم الأحد 1 نوفمبر 2020»)."""
    if not _HAS_DIGIT.search(text):
        return None
    parts = [p for p in _DATE_PARTS.split(text) if p.strip()]
    words = text.split()
    tails = [" ".join(words[-n:]) for n in range(min(len(words) - 1, 6), 1, -1)]
    for candidate in (text, *parts, *tails):
        found = _date_of(candidate)
        if found:
            return found
    return None


def _header(text: str, tables: _Tables) -> tuple[str, str | None] | None:
    """Why a top line is the bulletin's header, and the date it gives; None if it is not."""
    if _words(text) > HEADER_MAX_WORDS or text.rstrip(_CLOSERS).endswith("."):
        return None
    name = _opening(_first_words(text, tables.longest), tables.headers)
    if name:
        return f"bulletin name («{_said(text, ' '.join(name))}»)", _date_in(text)
    date = _date_of(text)
    if date:
        return "date line", date
    if normalize_key("".join(c if c.isalpha() else " " for c in text)) in _WEEKDAYS:
        return "day line", None
    first = _first_words(text, 1)
    if first and first[0] in _BYLINES:
        return f"byline («{_said(text, first[0])}»)", _date_in(text)
    parts = [p for p in _DATE_PARTS.split(text) if p.strip()]
    dated = next((d for d in map(_date_of, parts[1:]) if d), None)
    if dated:
        return "a name and a date", dated
    return None


_WEEKDAYS = _keys(
    "السبت", "الأحد", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة"
)
_BYLINES = _keys("بقلم", "كتب", "كتبه", "إعداد", "تحرير", "تقديم", "بواسطة", "المحرر")
"""First words of a byline under a bulletin's name («بقلم: قسم الأخبار · …»)."""


_CLOSING_WORDS = _keys(
    "متابعتكم",
    "لمتابعتكم",
    "موعدكم",
    "موعدنا",
    "نلتقي",
    "نلتقيكم",
    "نلقاكم",
    "تحيات",
    "تحياتي",
    "طابت",
    "دمتم",
    "تصبحون",
    "نستودعكم",
)
_CLOSING_ENDS = _keys(
    "انتهى", "انتهت", "نهاية", "تنتهي", "ينتهي", "اختتام", "ختام", "ننهي", "نختم", "نختتم"
)
_CLOSING_HERE = _keys("الى", "هنا", "بهذا", "وبهذا")
_CLOSING_WHAT = ("نشر", "النشر", "موجز", "الموجز", "حصاد", "الحصاد", "نشرت", "موجزن")
_CLOSING_THIS = _keys("كانت", "كان", "هذه", "هذا")
_CLOSING_LAST = (_keys("في", "وفي"), normalize_key("الختام"))
_CLOSING_FIRST_WORDS = 8


def _closing_shape(text: str) -> str | None:
    """Why a line at the end of a bulletin reads as its closing line, by shape:
    «انتهى/انتهت/نهاية» then «نشرة/موجز»، «كانت هذه…»، «وفي الختام…», «شكرا…»,
    or a word of farewell («متابعتكم»، «موعدكم»، «نلتقي»، «مع تحيات»، «طابت»). None otherwise."""
    if _words(text) > CLOSING_MAX_WORDS:
        return None
    words = _join_conjunction(normalize_key(text).split()[:_CLOSING_FIRST_WORDS])
    if not words:
        return None
    bare = [word.removeprefix("و") if len(word) > 3 else word for word in words]
    lead = 0
    while lead < 2 and lead < len(bare) - 1 and bare[lead] in _CLOSING_HERE:
        lead += 1  # «وإلى هنا ينتهي موجز الأنباء»
    if bare[lead] in _CLOSING_ENDS and any(
        w.startswith(_CLOSING_WHAT) for w in bare[lead + 1 : lead + 4]
    ):
        return "the bulletin's end"
    if len(bare) > 1 and bare[0] in _CLOSING_THIS and bare[1] in _CLOSING_THIS:
        return "«كانت هذه…»"
    if (words[0] in _CLOSING_LAST[0] and words[1:2] == [_CLOSING_LAST[1]]) or bare[0] == "ختاما":
        return "«في الختام…»"
    if any(word.startswith("شكرا") or word in _CLOSING_WORDS for word in bare):
        return "a word of farewell"
    if any(word in _PROMO_WORDS for word in bare[:_PROMO_FIRST_WORDS]):
        return "a call to follow, join or share"
    if bare[0] in _ISSUER_WORDS and _words(text) <= HEADLINE_MAX_WORDS:
        return "the bulletin's issuer, editors or sources"
    if _LINK.search(text) and _words(_LINK.sub("", text)) <= _LINK_MAX_WORDS:
        return "a link"
    return None


_PROMO_WORDS = _keys(
    "تابعونا",
    "تابعوا",
    "انضموا",
    "انضم",
    "شاركوا",
    "شارك",
    "اشتركوا",
    "اشترك",
    "حملوا",
    "حمّلوا",
    "زوروا",
    "راسلونا",
    "تواصلوا",
    "للمزيد",
    "لمزيد",
    "لمتابعة",
    "للاشتراك",
    "للمراسلة",
    "لمشاهدة",
)
"""Words of a call to action at the end of a bulletin («للمزيد… تابعونا على موقعنا»،
«انضموا لقناتنا»، «شاركوا النشرة»)."""
_PROMO_FIRST_WORDS = 6
_ISSUER_WORDS = _keys(
    "صادر", "صادرة", "المصادر", "المصدر", "مصادر", "إعداد", "تحرير", "التحرير", "تدقيق", "حقوق"
)
_LINK = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|\b(?:t\.me|wa\.me)/\S+", re.IGNORECASE)
_LINK_MAX_WORDS = 3


def _closing(text: str, tables: _Tables) -> str | None:
    """The closing phrase a line opens with, or None."""
    if _words(text) > CLOSING_MAX_WORDS:
        return None
    phrase = _opening(_first_words(text, tables.longest), tables.closings)
    return " ".join(phrase) if phrase else None


_WORD = r"(?:[^\W\d_]|[\u064b-\u065f\u0670])+"
_PLACE = rf"{_WORD}(?:\s+{_WORD}){{0,2}}(?:\s*\({_WORD}(?:\s+{_WORD})?\))?"
"""«الخرطوم»، «كالينينغراد (روسيا)»: a place, with its country in brackets."""
_AGENCY = r"[^\W\d_][^()\d\-–—:،,/]{0,40}?"
_NUMERIC_DATE = rf"{_DIGIT}{{1,4}}(?:[-/.]{_DIGIT}{{1,4}}){{2}}\s*م?"
"""«21-7-2020م»، «2020/7/21»: a numeric date, its year marked «م» or not."""
_WHEN = (
    rf"(?:(?:في|يوم)\s+)?(?:[^\W\d_]+\s*[،,]?\s*)?"
    rf"(?:{_NUMERIC_DATE}(?=\s*[(\-–—/])|{_DIGIT}[^()\-–—:/]{{0,30}}?)"
)
_END = r"\s*[-–—:]+\s*"
_DATELINES = tuple(
    re.compile(pattern)
    for pattern in (
        # «بنغازي (وال) –»، «طرابلس - (وكالات) -»، «القاهرة، 1 ديسمبر (رويترز) -»
        rf"(?P<place>{_PLACE})\s*(?:[،,]?\s*(?P<date>{_WHEN}))?\s*[-–—]?\s*"
        rf"\(\s*(?P<agency>{_AGENCY})\s*\){_END}",
        # «الكويت – 5 – 12 (كونا) --»: day and month
        rf"(?P<place>{_PLACE})\s*[-–—]\s*(?P<day>{_DIGIT}{{1,2}})\s*[-–—/]\s*"
        rf"(?P<month>{_DIGIT}{{1,2}})\s*[-–—]?\s*\(\s*(?P<agency>{_AGENCY})\s*\){_END}",
        # «القاهرة في 5 ديسمبر/أ ش أ/»، «أبوظبي في 5 ديسمبر / وام /»
        rf"(?P<place>{_PLACE})\s*(?:[،,]?\s*(?P<date>{_WHEN}))?\s*/\s*"
        rf"(?P<agency>{_AGENCY})\s*/(?:{_END}|\s*)",
        # «الرباط - و م ع -»، «دمشق-سانا:»، «الرياض 5 نوفمبر - واس -»
        rf"(?P<place>{_PLACE})\s*(?:[،,]?\s*(?P<date>{_WHEN}))?\s*[-–—]\s*"
        rf"(?P<agency>{_AGENCY}){_END}",
        # «(رويترز) -»
        rf"\(\s*(?P<agency>{_AGENCY})\s*\){_END}",
        # «بيروت، 5 نوفمبر 2020 -»
        rf"(?P<place>{_PLACE})\s*[،,]\s*(?P<date>{_WHEN}){_END}",
        # «بركان – 1 شتنبر 2020 –»: a date between dashes
        rf"(?P<place>{_PLACE})\s*[-–—]\s*(?P<date>{_WHEN})\s*[-–—]+\s*",
    )
)
_BARE_DATE_WORDS = 14
_BARE_PLACE_WORDS = 3


def _bare_dateline(text: str, tables: _Tables) -> Dateline | None:
    """«الرباط 14 ربيع الآخر 1442 هـ الموافق 29 نوفمبر 2020 م واس»: a place, a
    date and an agency the table knows, with no punctuation between them (the
    wire style of SPA and other Gulf agencies)."""
    words = text.split(maxsplit=_BARE_PLACE_WORDS + _BARE_DATE_WORDS + 4)
    for place in range(1, _BARE_PLACE_WORDS + 1):
        if place >= len(words) or not _HAS_DIGIT.match(words[place]):
            continue
        if any(_HAS_DIGIT.search(word) for word in words[:place]):
            return None
        for end in range(place + 1, min(len(words), place + _BARE_DATE_WORDS + 1)):
            for size in (1, 2, 3):
                name = tables.agencies.get(_agency_key(" ".join(words[end : end + size])))
                if name is None or end + size >= len(words):
                    continue
                date = _date_of(" ".join(words[place:end]))
                if date is None:
                    continue
                opening = " ".join(words[: end + size])
                return Dateline(opening, date, name)
    return None


_PLACE_ONLY = re.compile(rf"(?P<place>{_WORD}(?:\s+{_WORD})?)\s+[-–—]\s+(?=\S)")
"""«الرباط – أفادت…»: a place and a spaced dash, no agency, no date (not «ليبيا -
تونس: …», where a colon soon after makes it a pair of names)."""
_MONTHS = GREGORIAN_MONTHS
_AGENCY_WORDS = _keys("وكالة", "الوكالة", "للأنباء", "أنباء", "الأنباء", "للإعلام", "برس", "نيوز")
_NOT_AGENCIES = _keys("خاص", "عاجل", "تقرير", "متابعة", "صور", "فيديو", "محدث", "حصري")
_ACRONYM_LETTERS = 4
_AGENCY_MAX_WORDS = 5


def _agency_shaped(raw: str) -> str | None:
    """An agency the table does not know, by its shape: letters spelled apart
    («أ ش أ»، «و.م.ع»), an acronym of at most four letters without «ال» («سونا»،
    «واما»), a name with an agency word («الوكالة الوطنية للإعلام»), or a Latin
    name («AFP»). The name as written, or None."""
    name = " ".join(raw.split())
    words = name.replace(".", " ").split()
    keys = [normalize_key(word) for word in words]
    if not words or len(words) > _AGENCY_MAX_WORDS or not all(keys):
        return None
    if any(key in _NOT_AGENCIES for key in keys):
        return None
    if len(words) > 1 and all(len(key) == 1 for key in keys):
        return name
    if any(key in _AGENCY_WORDS for key in keys):
        return name
    if len(keys) == 1 and 2 <= len(keys[0]) <= _ACRONYM_LETTERS and not keys[0].startswith("ال"):
        return name
    if all(word.isascii() and word.isalpha() for word in words) and len(words) <= 3:
        return name
    return None


def _dateline(text: str, tables: _Tables, *, long: bool = True) -> Dateline | None:
    """The dateline ``text`` opens with. ``long``: the paragraph is not shaped like
    a headline, so an agency the table does not know (``_agency_shaped``) and a
    place alone before a dash («الرباط – أفادت…») count too."""
    for pattern in _DATELINES:
        match = pattern.match(text)
        if match is None:
            continue
        groups = match.groupdict()
        raw = groups.get("agency") or ""
        agency = tables.agencies.get(_agency_key(raw))
        if agency is None and raw and long and not match.group().rstrip().endswith(":"):
            agency = _agency_shaped(raw)  # «ليبيا - تونس: اتفاق…» is not a dateline
        if groups.get("day"):
            day, month = int(_digits(groups["day"])), int(_digits(groups["month"]))
            date = f"{day} {_MONTHS[month - 1]}" if 1 <= day <= 31 and 1 <= month <= 12 else None
        else:
            date = _date_of(groups.get("date") or "")
        if raw and agency is None:
            continue  # «أعلنت الوزارة (الليبية) -»: not an agency: not a dateline
        if agency is None and date is None:
            continue
        rest = text[match.end() :]
        if not _visible(rest) or is_separator(rest):
            continue
        return Dateline(match.group().strip(), date, agency)
    if long:
        bare = _bare_dateline(text, tables)
        if bare is not None and text.startswith(bare.text):
            return bare
        match = _PLACE_ONLY.match(text)
        after = text[match.end() :].split() if match else []
        if (
            match
            and len(after) >= _PLACE_ONLY_MIN_WORDS
            and ":" not in " ".join(after[:3])
            and _continuation(text, tables) is None
            and not _opening(_first_words(text, tables.longest), tables.markers)
        ):
            return Dateline(match.group().strip(), None, None)
    return None


_PLACE_ONLY_MIN_WORDS = 3


def _dateline_alone(text: str, tables: _Tables) -> Dateline | None:
    """«واشنطن – واع»، «بغداد (واع)»: a place and an agency on a line of their own."""
    text = text.strip()
    if _words(text) > _BARE_PLACE_WORDS + _AGENCY_MAX_WORDS:
        return None
    found = _dateline(text.rstrip(" -–—:") + " – نص", tables)
    if found is None or found.agency is None:
        return None
    place = text[: text.find(found.agency)] if found.agency in text else text
    if any(normalize_key(word) in _PLACE_NOT for word in _WRITTEN_WORD.findall(place)):
        return None  # «وكالة الأنباء العراقية (واع)»: the issuer's name, not a place
    known = tables.agencies.get(_agency_key(found.agency)) is not None
    keys = [normalize_key(word) for word in found.agency.replace(".", " ").split()]
    shaped = (len(keys) == 1 and len(keys[0]) <= _ACRONYM_LETTERS) or all(len(k) == 1 for k in keys)
    return Dateline(text, found.date, found.agency) if known or shaped else None


_PLACE_NOT = _keys(
    "وكالة", "الوكالة", "وزارة", "الوزارة", "إذاعة", "صحيفة", "جريدة", "نشرة", "موجز"
)
_TO_ASCII = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def _digits(text: str) -> str:
    return text.translate(_TO_ASCII)


def dateline(text: str, words: BulletinWords = DEFAULT_WORDS) -> Dateline | None:
    """The dateline a paragraph opens with («بنغازي (وال) –»), or None (a
    headline-shaped line opens with one only when the table knows its agency)."""
    text = text.strip()
    return _dateline(text, _tables(words), long=not _is_short(text))


def _after_dateline(text: str, tables: _Tables) -> str:
    found = _dateline(text, tables, long=not _is_short(text))
    return text.strip()[len(found.text) :].strip() if found else text


def title_from(text: str, words: BulletinWords = DEFAULT_WORDS) -> str:
    """A title from a paragraph, after its dateline if it has one: its first
    sentence, at most 15 words (``…`` if cut), without the continuation phrase
    or the urgency tag it opens with."""
    tables = _tables(words)
    return _derived_title(_after_dateline(text, tables), tables)


_TAG = re.compile(
    r"\s*[^\w\s#]{0,2}\s*#?\s*(?:عاجل|خاص|هام|حصري|بالفيديو|بالصور|فيديو|صور|شاهد)"
    r"\s*[^\w\s#]{0,2}\s*[|｜:：]\s*(?=\S)"
)
"""«#عاجل | …»، «🔴 عاجل: …»، «بالفيديو | …»: an urgency or media tag before a title."""


def _untagged(text: str) -> str:
    """A title without the urgency or media tag it opens with."""
    match = _TAG.match(text)
    return text[match.end() :] if match else text


def _title(text: str) -> str:
    """A headline as a title: one line, no tag before it, no final full stop."""
    text = _untagged(plain(text))
    return text.rstrip(".:：؛;،, ").rstrip() or text


_PHRASE_OPENERS = _keys("في", "وفي", "على", "وعلى", "إلى", "وإلى", "من", "ومن", "بعد", "وبعد")
_PHRASE_HEAD = re.compile(r"\s*(?:[^\s،,:؛;.!؟?]+\s+){1,5}?[^\s،,:؛;.!؟?]+\s*[،,:؛;]\s*(?=\S)")
"""«وفي سياق متصل بالوباء، »: a continuation phrase's words up to the comma."""


def _derived_title(text: str, tables: _Tables) -> str:
    """A title from a story's first paragraph (after its dateline): without the
    continuation phrase it opens with («وفي سياق متصل بالوباء، …»، «إلى ذلك، …»،
    «في غضون ذلك قال…»), as after a topic-shift marker."""
    phrase = _continuation(text, tables)
    if phrase is not None:
        head = _PHRASE_HEAD.match(text)
        opener = normalize_key(text.split(maxsplit=1)[0])
        if head is not None and (" " in phrase or opener in _PHRASE_OPENERS):
            rest = text[head.end() :]
        elif " " in phrase:
            rest = text.strip()[len(_said(text, phrase)) :].lstrip(_AFTER_MARKER)
        else:
            rest = ""
        if any(char.isalpha() for char in rest):
            text = rest
    return headline(_untagged(text))


# --- wire marks, asides, bylines, figures -------------------------------------

_END_WORDS = _keys("انتهى", "انتهي", "انتهت")
_END_MARK_MAX_CHARS = 20


def _end_mark(text: str) -> bool:
    """«//انتهى//»، «-انتهى-»، «ـ (انتهى) ـ»، «انتهى»: the wire's end of a story."""
    if len(text) > _END_MARK_MAX_CHARS:
        return False
    letters = "".join(char for char in text if char.isalpha() and char != _TATWEEL)
    return normalize_key(letters) in _END_WORDS


_STAMP = re.compile(
    rf"(?:{_DIGIT}{{1,2}}\s*[:.]\s*{_DIGIT}{{2}}\s*(?:[^\W\d_]{{1,3}}\.?\s*){{0,3}}"
    rf"|{_DIGIT}{{4,8}})"
)
"""«14:10ت م»، «09.45 GMT»، «0050»: a wire story's time stamp or serial number."""


def _stamp(text: str) -> bool:
    return _STAMP.fullmatch(text.strip()) is not None


_LETTER = r"[^\W\d_]"
_INITIALS = re.compile(rf"{_LETTER}(?:\s*[./]?\s*{_LETTER}(?![^\W\d_])){{1,8}}\.?")
"""«ع.ف»، «م.ل»، «ع ن ب / ه ب ع»: the editors' initials that close wire copy."""
_ROUTING = re.compile(rf"{_LETTER}{{2,8}}{_DIGIT}{{4,}}(?:\s+\S+){{0,4}}")
"""«كونا101230 جمت يناير 21»: a wire's routing code (agency, serial, date)."""


def _wire_code(text: str) -> bool:
    """The editors' initials or a routing code closing wire copy: not the story's text."""
    text = text.strip()
    if _ROUTING.fullmatch(text):
        return True
    letters = [char for char in text if char.isalpha()]
    spaced = re.fullmatch(rf"{_LETTER}(?:[\s./]+{_LETTER})+\.?", text) is not None
    return _INITIALS.fullmatch(text) is not None and spaced and 2 <= len(letters) <= 9


_ASIDE = re.compile(r"[(\[（][^()\[\]（）]+[)\]）]")
_ASIDE_MAX_WORDS = 15


def _aside(text: str) -> bool:
    """A line wholly in brackets: a stage direction («(تقرير مصوّر – المدة 1:20)»)
    or a credit («(Reporting by …; Editing by …)»): not the story's text."""
    return _ASIDE.fullmatch(text.strip()) is not None and _words(text) <= _ASIDE_MAX_WORDS


_CHROME = re.compile(
    r"^\W*(?:اقرأ|اقرا|إقرأ|إقرا)\s+(?:المزيد|التفاصيل|أيضا|أيضاً|ايضا)"
    r"|^\W*(?:read|continue reading|read the full|see more|more)\b(?:\s+more)?\W*$"
    r"|in your browser|view (?:it|this email|this message)? ?online|في المتصفح"
    r"|لا (?:تظهر|يظهر) (?:هذه )?(?:الرسالة|البريد)|unsubscribe|إلغاء الاشتراك"
    r"|^\W*(?:copyright|©)|جميع الحقوق محفوظة|all rights reserved"
    r"|our mailing address|you are receiving this|update (?:your )?preferences"
    r"|تصلك هذه الرسالة|لا ترغب في تلقي|تحديث تفضيلات",
    re.IGNORECASE,
)
_CHROME_MAX_WORDS = 15


def _chrome(text: str) -> bool:
    """A newsletter's or a web page's own line: «اقرأ المزيد ←»، «Read more»،
    «View this email in your browser»، «لا تظهر الرسالة بشكل جيد؟»، a copyright."""
    return _words(text) <= _CHROME_MAX_WORDS and _CHROME.search(text) is not None


_SPEAKER = re.compile(
    r"(?:ال)?(?:مذيع|مذيعة|مراسل|مراسلة|مراسلنا|مراسلتنا|مقدم|مقدمة|معلق|صوت)"
    r"(?:\s+[^\W\d_]+){0,2}\s*[:：]\s*(?=\S)"
)
"""«المذيع:»، «المراسل:»، «مراسلنا في غزة:»: a broadcast script's speaker label."""


def _unlabelled(text: str) -> str:
    """A paragraph without the speaker label it opens with."""
    match = _SPEAKER.match(text)
    return text[match.end() :] if match else text


_FIGURE = re.compile(rf"[^:：\n]{{1,40}}[:：]\s*[-+−(]?\s*{_DIGIT}")
_FIGURE_MAX_WORDS = 10


def _figure(text: str) -> bool:
    """«مازي: 10.214,32 نقطة (+0,84%)»، «الدولار/درهم: 9,71»: a label and a figure."""
    return _words(text) <= _FIGURE_MAX_WORDS and _FIGURE.match(text.strip()) is not None


_BYLINE_WORDS = _keys(
    "كتب", "كتبت", "كتبه", "بقلم", "إعداد", "تقرير", "متابعة", "بواسطة", "تحرير", "حوار"
)
_BYLINE_PARTS = re.compile(r"\s+[-–—|·•]\s+|\s*[|·•]\s*")
_BYLINE_MAX_WORDS = 10
_NAME_MAX_WORDS = 5
_UNMARKED_NAME_WORDS = 3


def _byline(text: str) -> tuple[str, str | None] | None:
    """The author (and date) of a byline line: «كتب: يونس الخراشي»، «بقلم: محمد
    سموني – 5 مايو 2020»، «ليلى بنعلي | 20 مايو 2018». None for any other line."""
    text = text.strip()
    if _words(text) > _BYLINE_MAX_WORDS or text.rstrip(_CLOSERS).endswith((".", "؟", "?", "!")):
        return None
    first = text.split(maxsplit=1)[0]
    lead = normalize_key(first)
    marked = lead in _BYLINE_WORDS
    if marked:
        rest = text[len(first) :].lstrip(" \t:：-–—")
        marks = (":", "：", "-", "–", "—")
        unmarked = not first.endswith(marks) and text[len(first) :].lstrip()[:1] not in marks
        if unmarked and _words(rest) > _UNMARKED_NAME_WORDS:
            return None  # «كتب الرئيس على تويتر»: a sentence, not a byline
    else:
        rest = text
    parts = [part.strip() for part in _BYLINE_PARTS.split(rest) if part.strip()]
    if not parts:
        return None
    name, others = parts[0], parts[1:]
    date = next((found for found in map(_date_of, others) if found), None)
    if not marked and (date is None or len(others) != 1):
        return None
    if _words(name) > _NAME_MAX_WORDS or _HAS_DIGIT.search(name):
        return None
    return name.strip(" :،,"), date


def _document_byline(text: str, date: str | None) -> tuple[str, str | None]:
    """The author and date of a line the document sets apart as a byline
    («بقلم: أنس العمري»، «بقلم: يوسف بنعلي 2020-02-13», «2020-02-13»): the author
    without its marker word nor the date (``""`` when it names none); ``date``,
    the document's own, wins over the one written."""
    found = _byline(text)
    if found is None:
        words = text.split()
        cut = next((k for k in range(len(words)) if _date_of(" ".join(words[k:]))), len(words))
        name = " ".join(words[:cut]).strip(" \t:：-–—|،,")
        found = name, _date_of(" ".join(words[cut:])) if cut < len(words) else None
    name, written = found
    first = name.split(maxsplit=1)[0] if name.split() else ""
    if normalize_key(first.rstrip(":：")) in _BYLINE_WORDS:
        name = name[len(first) :].strip(" \t:：-–—")
    return name, date or written


# --- lines --------------------------------------------------------------------

Shape = Literal[
    "separator",
    "closing",
    "shift",
    "numbered",
    "heading",
    "subheading",
    "plain",
    "header",
    "drop",
]


@dataclass(frozen=True, slots=True)
class _Line:
    """One non-blank block, classified once."""

    number: int
    text: str
    shape: Shape
    reason: str = ""
    rest: str = ""
    """Numbered: the text after the numbering; shift: after the marker ("" if none)."""
    continues: bool = False
    short: bool = False
    """Shaped like a headline: few words, no sentence punctuation at the end."""
    dateline: Dateline | None = None
    document: bool | None = None
    """What the document said: a heading (True), body text (False), nothing (None)."""
    item: Literal["ul", "ol"] | None = None
    """A list item the document marks."""
    byline: tuple[str, str | None] | None = None
    """Shaped like a byline: the author and the date it names."""
    title: str | None = None
    """A title announced for the story this line starts (a teaser of the intro)."""
    starts: bool = False
    """Starts a story although nothing in the line says so (the intro's teasers do)."""
    alone: Dateline | None = None
    """A dateline alone on its line («واشنطن – واع»): under a headline, the story's
    agency and date, not its text."""

    @property
    def ends(self) -> bool:
        """A separator or closing line: nothing after it continues the story."""
        return self.shape in ("separator", "closing", "header")


def _classify(block: Block, tables: _Tables, words: BulletinWords) -> _Line:
    number, text = block.line, block.text.strip()
    if not block.headline:
        text = _unlabelled(text)
    if is_separator(text):
        return _Line(number, text, "separator", "only punctuation, symbols or tatweel")
    if _end_mark(text):
        return _Line(number, text, "separator", "the wire's end of a story («انتهى»)")
    if _stamp(text):
        return _Line(number, text, "separator", "only a time stamp or a serial number")
    if _wire_code(text) and not block.headline:
        return _Line(number, text, "separator", "the editors' initials or a wire's routing code")
    if _chrome(text) and not block.headline:
        return _Line(number, text, "drop", "a newsletter's or page's own line")
    closing = _closing(text, tables)
    if closing:
        return _Line(number, text, "closing", f"closing phrase «{_said(text, closing)}»")
    shift = topic_shift(text, words)
    if shift is not None:
        shift = "" if is_separator(shift) else shift
        marker = (text[: text.rfind(shift)] if shift else text).strip(_AFTER_MARKER)
        return _Line(
            number,
            text,
            "shift",
            f"«{marker}»",
            rest=shift,
            dateline=_dateline(shift, tables, long=not _is_short(shift)),
        )
    numbered = numbering(text) if block.headline is not False else None
    if numbered is not None:
        mark, rest = numbered
        if not _visible(rest) or is_separator(rest) or _number_only(rest):
            return _Line(number, text, "separator", f"numbering «{text}» and no text")
        why = f"numbered «{mark}»" if _mark_value(mark) is not None else "bulleted"
        return _Line(number, text, "numbered", why, rest)
    if block.subheading:
        return _Line(number, text, "subheading", "a heading below the headlines' level", text)
    if block.headline:
        return _Line(number, text, "heading", "marked as a heading", text)
    if _aside(text):
        return _Line(number, text, "drop", "wholly in brackets: a stage direction or a credit")
    if block.item is not None:
        return _Line(number, text, "plain", "a list item in the document", item=block.item)
    found = _dateline(text, tables, long=not _is_short(text))
    continuation = None if found else _continuation(text, tables)
    short = block.headline is None and continuation is None and found is None
    return _Line(
        number,
        text,
        "plain",
        f"opens with «{_said(text, continuation)}»" if continuation else "",
        continues=continuation is not None,
        short=short and _is_short(text),
        dateline=found,
        document=block.headline,
        byline=_document_byline(text, block.date) if block.byline else _byline(text),
        alone=None if found else _dateline_alone(text, tables),
    )


def _mark_header(lines: list[_Line], tables: _Tables) -> tuple[list[_Line], str | None]:
    """Header lines at the top (separators between them allowed) and the header's date.

    Besides the lines ``_header`` knows, a block of short lines at the top that
    ends with a line holding a date, before any story's body, is the header
    («وكالة الأنباء السعودية» / «النشرة…» / «الأحد 14 ربيع الآخر…»)."""
    date: str | None = None
    out = list(lines)
    index = 0
    while index < len(out):
        line = out[index]
        if line.shape in ("separator", "drop"):
            index += 1
            continue
        text = line.rest if line.shape in ("numbered", "heading") else line.text
        found = _header(text, tables) if line.shape != "shift" else None
        if found is None and _above_name(out, index, tables):
            found = "short line above the bulletin's name", None
        if found is None:
            above = _dated_block(out, index)
            if above is None:
                break
            end, when = above
            for k in range(index, end + 1):
                if out[k].shape not in ("separator", "drop"):
                    why = "date line" if k == end else "short line above the header's date line"
                    out[k] = replace(out[k], shape="header", reason=f"{why}, date {when}")
            date = date or when
            index = end + 1
            continue
        reason, said = found
        date = date or said
        out[index] = replace(
            line, shape="header", reason=reason + (f", date {said}" if said else "")
        )
        index += 1
    return out, date


_HEADER_RUN = 6


def _above_name(lines: list[_Line], index: int, tables: _Tables) -> bool:
    """A short line right above a line naming the bulletin («وكالة الأنباء… – وفا»
    / «النشرة الإخبارية»): the issuer's name, part of the header."""
    line = lines[index]
    if line.shape not in ("plain", "heading") or not _is_short(line.text):
        return False
    if line.dateline is not None or line.continues or _words(line.text) > HEADER_MAX_WORDS:
        return False
    following = next((n for n in lines[index + 1 :] if n.shape not in ("separator", "drop")), None)
    if following is None or following.shape not in ("plain", "heading"):
        return False
    return _opening(_first_words(following.text, tables.longest), tables.headers) is not None


def _dated_block(lines: list[_Line], start: int) -> tuple[int, str] | None:
    """Where a block of short lines from ``start`` that holds a date line ends
    (the date line) and its date, when what follows it starts a story; None otherwise."""
    end: tuple[int, str] | None = None
    seen = 0
    index = start
    while index < len(lines) and seen < _HEADER_RUN:
        line = lines[index]
        if line.shape in ("separator", "drop"):
            index += 1
            continue
        if (
            not (line.shape == "plain" or (line.shape == "heading" and index == start))
            or line.item is not None
            or line.dateline is not None
            or line.continues
            or _words(line.text) > HEADER_MAX_WORDS
            or not _is_short(line.text)
        ):
            break
        seen += 1
        when = _date_in(line.text)
        if when:
            end = (index, when)
        index += 1
    if end is None:
        return None
    following = next(
        (line for line in lines[end[0] + 1 :] if line.shape not in ("separator", "drop")), None
    )
    if (
        following is not None
        and following.shape == "plain"
        and not following.short
        and following.dateline is None
        and not following.text.rstrip(_CLOSERS).endswith((":", "："))
    ):
        return None  # a headline and its dated byline, then the story's body
    return end


def _mark_trailer(lines: list[_Line]) -> list[_Line]:
    """Closing-shaped lines at the end (``_closing_shape``) are closing lines, and
    short lines after the last closing line are closing lines too (credits, links)."""
    lines = list(lines)
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if line.shape in ("separator", "drop"):
            continue
        if line.shape == "header":
            break
        if line.shape == "closing":
            continue
        why = _closing_shape(line.text)
        if why is None:
            break
        lines[index] = replace(line, shape="closing", reason=f"closing line at the end: {why}")
    last = max((i for i, line in enumerate(lines) if line.shape == "closing"), default=None)
    if last is None:
        return lines
    after = lines[last + 1 :]
    if not all(
        line.shape in ("separator", "drop") or _words(line.text) <= HEADLINE_MAX_WORDS
        for line in after
    ):
        return lines
    return [
        *lines[: last + 1],
        *(
            line
            if line.shape in ("separator", "drop")
            else replace(line, shape="closing", reason="after the closing line")
            for line in after
        ),
    ]


_GREETINGS = _keys(
    "أعزائي", "عزيزي", "أعزاءنا", "مستمعينا", "مشاهدينا", "سيداتي", "حضرات", "أهلا", "مرحبا"
)
_ANNOUNCED = _keys("العناوين", "عناوين", "عناوينها", "أبرز", "أهم")
_DETAILS = _keys("تفاصيل", "التفاصيل", "إليكم", "واليكم", "وإليكم", "البداية", "نبدأ")
_MIN_TEASERS = 2


_BARE_NAME = re.compile(rf"{_WORD}(?:\s+{_WORD}){{1,2}}")


def _mark_bare_bylines(lines: list[_Line]) -> list[_Line]:
    """A bare name («هديل غبون»: two or three words, nothing else) right under a
    marked headline, before the story's first paragraph, is the story's byline
    when another story of the bulletin has a byline under its headline."""

    def under(index: int) -> _Line | None:
        following = lines[index + 1] if index + 1 < len(lines) else None
        return following if lines[index].shape in ("numbered", "heading") else None

    bylined = [index for index in range(len(lines)) if (line := under(index)) and line.byline]
    if not bylined:
        return lines
    out = list(lines)
    for index in range(len(lines) - 2):
        line, after = under(index), lines[index + 2]
        if (
            line is not None
            and line.shape == "plain"
            and line.byline is None
            and line.dateline is None
            and not line.continues
            and _BARE_NAME.fullmatch(line.text) is not None
            and after.shape == "plain"
            and not after.short
        ):
            out[index + 1] = replace(line, byline=(line.text, None), short=False)
    return out


def _mark_intro(lines: list[_Line]) -> list[_Line]:
    """A broadcast script's intro after the header: a greeting or «أهم العناوين:»,
    the headlines read out as a list (teasers), then «وإليكم التفاصيل:», over
    stories without headlines. The intro is left out; the stories are split where
    the teasers say (``_split_by_teasers``) and take them as titles."""
    start = next(
        (i for i, line in enumerate(lines) if line.shape not in ("header", "separator", "drop")),
        None,
    )
    if start is None or lines[start].shape != "plain":
        return lines
    words = _join_conjunction(normalize_key(lines[start].text).split())
    opens = bool(words) and words[0] in _GREETINGS
    announces = lines[start].text.rstrip().endswith((":", "：")) and bool(set(words) & _ANNOUNCED)
    if not (opens or announces):
        return lines
    index = start + 1
    teasers: list[int] = []
    while index < len(lines) and lines[index].shape == "numbered":
        teasers.append(index)
        index += 1
    if len(teasers) < _MIN_TEASERS:
        return lines
    ends = [start, *teasers]
    if index < len(lines) and lines[index].shape == "plain":
        head = _join_conjunction(normalize_key(lines[index].text).split())[:4]
        if set(head) & _DETAILS and _words(lines[index].text) <= HEADER_MAX_WORDS:
            ends.append(index)
            index += 1
    out = list(lines)
    for at in ends:
        what = "a teaser: a headline read out" if at in teasers else "the intro before the stories"
        out[at] = replace(out[at], shape="header", reason=f"{what}; left out")
    return _split_by_teasers(out, index, [lines[i].rest for i in teasers])


def _stem_words(text: str) -> set[str]:
    """Words of at least three letters, without ال and one-letter prefixes, cut to
    four letters: enough to see that a paragraph tells what a teaser says."""
    out = set()
    for word in normalize_key(text).split():
        word = word.removeprefix("و")
        for prefix in ("بال", "لل", "ال", "ب", "ل"):
            if word.startswith(prefix) and len(word) - len(prefix) >= 3:
                word = word[len(prefix) :]
                break
        if len(word) >= 3:
            out.add(word[:4])
    return out


def _split_by_teasers(lines: list[_Line], start: int, teasers: list[str]) -> list[_Line]:
    """Mark where the stories after an intro start: at the paragraphs (not opening
    with a continuation) that tell best, in order, what each teaser says."""
    end = next((i for i in range(start, len(lines)) if lines[i].ends), len(lines))
    section = range(start, end)
    if not section or any(
        lines[i].shape != "plain" or lines[i].short or lines[i].dateline for i in section
    ):
        return lines  # the stories have headlines or datelines of their own
    candidates = [i for i in section if not lines[i].continues and i != start]
    chosen: list[int] = []
    for number, teaser in enumerate(teasers[1:], start=1):
        left = len(teasers) - 1 - number
        pool = [i for i in candidates if not chosen or i > chosen[-1]]
        pool = pool[: len(pool) - left] if left else pool
        if not pool:
            break
        said = _stem_words(teaser)
        chosen.append(max(pool, key=lambda i: (len(said & _stem_words(lines[i].text)), -i)))
    out = list(lines)
    out[start] = replace(out[start], title=teasers[0])
    for number, index in enumerate(chosen, start=1):
        out[index] = replace(out[index], starts=True, title=teasers[number])
    return out


def text_blocks(text: str) -> list[Block]:
    """The non-blank lines of a text bulletin as blocks, numbered from 1 (a BOM is dropped)."""
    return [
        Block(raw.strip(), None, number)
        for number, raw in enumerate(_LINE_BREAK.split(text.removeprefix("\ufeff")), start=1)
        if _visible(raw)
    ]


# --- segmentation -------------------------------------------------------------


@dataclass(slots=True)
class _Draft:
    title: str
    line: int
    parts: list[Part] = field(default_factory=list)
    date: str | None = None
    agency: str | None = None
    untitled: bool = False
    author: str | None = None
    lone: bool = False
    """Started by a short line with nothing after it: a title without a body."""

    @property
    def has_paragraph(self) -> bool:
        return any(part.kind != "h" for part in self.parts)

    @property
    def bodiless(self) -> bool:
        """No body to publish: a title alone, or a label ending with «:» over a list
        of figures («مؤشرات اليوم:» / «مازي: 10.214 نقطة»)."""
        paragraphs = [part.text for part in self.parts if part.kind == "p"]
        if self.lone or not any(part.kind != "h" for part in self.parts):
            return True
        if len(self.parts) == 1 and paragraphs and _is_short(paragraphs[0]):
            return True  # one headline-shaped line: a title alone
        return bool(paragraphs) and all(
            _words(text) <= _LABEL_MAX_WORDS and text.rstrip().endswith((":", "："))
            for text in paragraphs
        )

    def story(self) -> Story:
        parts = self.parts or [Part("p", self.title)]
        return Story(self.title, tuple(parts), self.line, self.date, self.agency, self.author)


_LABEL_MAX_WORDS = 6


@dataclass(frozen=True, slots=True)
class _Pattern:
    """How a bulletin marks its sure headlines (the first story's, those after a
    separator, numbered ones, the document's headings): all numbered or bulleted,
    or all followed by a dateline or a byline. A short line inside a long story
    that lacks what its headlines have is a subheading."""

    numbered: bool = False
    marked: bool = False


_PATTERN_MIN = 2


def _pattern(lines: list[_Line]) -> _Pattern:
    sure: list[int] = []
    fresh = True  # at the start, or after a separator or the header
    for index, line in enumerate(lines):
        if line.shape in ("separator", "header", "closing"):
            fresh = True
            continue
        if line.shape == "drop":
            continue
        marked = line.shape in ("numbered", "heading") and _words(line.rest) <= HEADLINE_MAX_WORDS
        if marked or (fresh and line.shape == "plain" and line.short):
            sure.append(index)
        fresh = False
    if len(sure) < _PATTERN_MIN:
        return _Pattern()
    numbered = all(lines[i].shape == "numbered" for i in sure)
    marked = True
    for index in sure:
        following = [
            line
            for line in lines[index + 1 : index + 4]
            if line.shape != "drop" and not (line.shape == "plain" and line.byline)
        ]
        bylined = any(
            line.shape == "plain" and line.byline for line in lines[index + 1 : index + 3]
        )
        if not (bylined or (following and following[0].dateline is not None)):
            marked = False
            break
    return _Pattern(numbered=numbered, marked=marked)


_LONG_STORY = 2
"""Paragraphs a story has before a short line can be read as its subheading by
the bulletin's pattern."""


class _Segmenter:
    """Feeds lines one by one (with the next line in view) into stories."""

    def __init__(self, tables: _Tables, pattern: _Pattern | None = None) -> None:
        self.tables = tables
        self.pattern = pattern or _Pattern()
        self.stories: list[Story] = []
        self.current: _Draft | None = None
        self.notes: list[Note] = []
        self.list_open = False
        """The last part was a paragraph ending with «:» or a list item: a list may follow."""
        self.headline_style: str | None = None
        self.last_number: int | None = None
        """The shape and count of the last numbered headline («2)» → «0)», 2)."""

    def note(self, line: _Line, kind: NoteKind, reason: str) -> None:
        story = len(self.stories) + 1 if self.current is not None else 0
        self.notes.append(Note(line.number, kind, reason, line.text, story))

    def close(self) -> None:
        """End the current story; one with no body is not a story (its lines say why)."""
        draft, self.current = self.current, None
        if draft is None:
            return
        if draft.bodiless:
            number = len(self.stories) + 1
            self.notes = [
                replace(note, story=0, reason=f"{note.reason}; no body: not a story")
                if note.story == number
                else note
                for note in self.notes
            ]
            return
        self.stories.append(draft.story())

    def start(self, title: str, line: int) -> None:
        """Start a story under a headline."""
        self.close()
        self.current = _Draft(_title(title), line)

    def paragraph(self, line: _Line, text: str, found: Dateline | None) -> None:
        """A paragraph of the current story (its first gets the dateline's date and agency)."""
        assert self.current is not None
        if found is not None and not self.current.has_paragraph:
            self.current.date = found.date
            self.current.agency = found.agency
        self.current.parts.append(Part("p", text))
        self.list_open = text.rstrip(_CLOSERS + " \t").endswith((":", "："))

    def start_untitled(self, line: _Line, text: str, found: Dateline | None) -> None:
        self.close()
        after = text[len(found.text) :].strip() if found and text.startswith(found.text) else text
        title = _title(line.title) if line.title else _derived_title(after, self.tables)
        self.current = _Draft(title, line.number, untitled=True)
        self.paragraph(line, text, found)

    def dateline_note(self, line: _Line, found: Dateline, first: str) -> None:
        what = [f"dateline «{found.text}»"]
        if found.agency:
            what.append(f"agency {found.agency}")
        if found.date:
            what.append(f"date {found.date}")
        self.note(line, "dateline", f"{', '.join(what)}; {first}")

    def feed(self, line: _Line, after: _Line | None) -> None:
        if line.shape == "drop":
            self.note(line, "boilerplate", line.reason + ": left out")
            return
        opened, self.list_open = self.list_open, False
        awaiting = self.current is not None and not self.current.has_paragraph
        if line.alone is not None and awaiting and line.shape == "plain":
            assert self.current is not None
            found = line.alone
            self.current.agency = self.current.agency or found.agency
            self.current.date = self.current.date or found.date
            what = f"agency {found.agency}" + (f", date {found.date}" if found.date else "")
            self.note(line, "byline", f"a dateline alone under the headline: {what}")
            return
        if awaiting and line.shape == "plain" and line.byline and not line.dateline:
            assert self.current is not None
            author, when = line.byline
            self.current.author = self.current.author or author or None
            self.current.date = self.current.date or when
            self.note(line, "byline", f"byline under the headline: author {author}")
            return
        body = self.current is not None and self.current.has_paragraph
        if body and line.shape == "plain" and (line.item or (opened and _figure(line.text))):
            assert self.current is not None
            self.current.parts.append(Part(line.item or "ul", line.text))
            self.list_open = True
            why = line.reason if line.item else "a label and a figure after a line ending with «:»"
            self.note(line, "list item", f"{why}: part of the story's list")
            return
        if line.starts and self.current is not None and line.shape == "plain":
            self.start_untitled(line, line.text, line.dateline)
            self.note(line, "paragraph", "starts a story the intro announced")
            return
        if line.shape == "numbered" and self.is_item(line, after, opened):
            kind: Literal["ul", "ol"] = "ol" if _numbered_mark(line)[1] is not None else "ul"
            assert self.current is not None
            self.current.parts.append(Part(kind, line.rest))
            self.list_open = True
            why = "after a line ending with «:»" if opened else "its numbering starts again"
            self.note(line, "list item", f"{line.reason}, {why}: part of the story")
        elif line.shape == "header":
            self.note(line, "header", line.reason)
        elif line.shape == "separator":
            self.close()
            self.note(line, "separator", line.reason + ": ends the story")
        elif line.shape == "closing":
            self.close()
            self.note(line, "closing", line.reason)
        elif line.shape == "shift":
            self.feed_shift(line)
        elif line.shape == "subheading" and self.current is not None:
            self.current.parts.append(Part("h", line.rest))
            self.note(line, "subheading", line.reason)
        elif line.shape in ("numbered", "heading", "subheading"):
            self.feed_headline(line)
        elif line.dateline is not None:
            self.feed_dateline(line, line.text, line.dateline)
        elif line.short:
            self.feed_short(line, after)
        elif self.current is None:
            self.start_untitled(line, line.text, None)
            self.note(line, "paragraph", "first paragraph of a story without headline: its title")
        else:
            self.paragraph(line, line.text, None)
            self.note(line, "paragraph", self.why_paragraph(line))

    def is_item(self, line: _Line, after: _Line | None, opened: bool) -> bool:
        """A numbered or bulleted line inside a story with a body is a list item when
        it follows a line ending with «:» or another item, unless it is the next
        headline (the headlines' bullet, or their numbering one more), or when its
        number is not past the last headline's and the next line is the next item
        («1.» then «2.» inside story 3)."""
        if self.current is None or not self.current.has_paragraph:
            return False
        style, value = _numbered_mark(line)
        last = self.last_number
        next_headline = style == self.headline_style and (
            value is None or (last is not None and value == last + 1)
        )
        if opened:
            return not next_headline
        if value is None or last is None or value > last or after is None:
            return False
        return after.shape == "numbered" and _numbered_mark(after) == (style, value + 1)

    def why_paragraph(self, line: _Line) -> str:
        if line.continues:
            return f"continues the story ({line.reason})"
        if line.document is False:
            return "body text in the document"
        if line.short:
            return "short line with no paragraph after it"
        return "not headline-shaped (long, or ends with sentence punctuation)"

    def feed_dateline(self, line: _Line, text: str, found: Dateline) -> None:
        if self.current is not None and not self.current.has_paragraph:
            self.paragraph(line, text, found)
            self.dateline_note(line, found, "first paragraph of the headline's story")
        else:
            self.start_untitled(line, text, found)
            self.dateline_note(line, found, "starts a story")

    def feed_headline(self, line: _Line) -> None:
        rest = line.rest
        awaiting = self.current is not None and not self.current.has_paragraph
        if line.shape == "numbered" and awaiting and _words(rest) > HEADLINE_MAX_WORDS:
            self.paragraph(line, line.text, _dateline(line.text, self.tables))
            self.note(line, "paragraph", f"{line.reason}, too long for a headline: first paragraph")
        elif _words(rest) > HEADLINE_MAX_WORDS:
            found = _dateline(rest, self.tables)
            self.start_untitled(line, rest, found)
            self.note(line, "paragraph", f"{line.reason}, too long for a headline: starts a story")
        else:
            self.start(rest, line.number)
            self.note(line, "headline", f"{line.reason}: starts a story")
        if line.shape == "numbered":
            self.headline_style, self.last_number = _numbered_mark(line)

    def feed_shift(self, line: _Line) -> None:
        awaiting = self.current is not None and not self.current.has_paragraph
        rest = line.rest
        if awaiting and rest:
            self.paragraph(line, rest, line.dateline)
            self.note(line, "topic shift", f"{line.reason} right after a headline: removed")
        elif rest:
            self.start_untitled(line, rest, line.dateline)
            self.note(line, "topic shift", f"{line.reason}: removed, starts a story")
        elif not awaiting:
            self.close()
            self.note(line, "topic shift", f"{line.reason} alone: ends the story")
        else:
            self.note(line, "topic shift", f"{line.reason} alone right after a headline: dropped")

    def feed_short(self, line: _Line, after: _Line | None) -> None:
        followed = after is not None and not after.ends
        if self.current is None:
            if followed:
                self.start(line.text, line.number)
                self.note(line, "headline", "short line at the start of a story")
            else:
                self.start_untitled(line, line.text, None)
                assert self.current is not None
                self.current.lone = True
                self.note(line, "paragraph", "short line alone, a title without a body")
        elif not self.current.has_paragraph:
            self.current.parts.append(Part("h", line.text))
            self.note(line, "subheading", "short line right after a headline (a deck)")
        elif not followed:
            self.paragraph(line, line.text, None)
            self.note(line, "paragraph", "short line with no paragraph after it")
        elif after is not None and after.continues:
            self.current.parts.append(Part("h", line.text))
            self.note(line, "subheading", f"short line before a continuation ({after.reason})")
        elif why := self.subheading_by_pattern(after):
            self.current.parts.append(Part("h", line.text))
            self.note(line, "subheading", why)
        else:
            self.start(line.text, line.number)
            self.note(line, "headline", "short line, the next paragraph does not continue")

    def subheading_by_pattern(self, after: _Line | None) -> str | None:
        """Why a short line inside a long story is a subheading by the bulletin's own
        pattern (``_Pattern``), or None."""
        assert self.current is not None
        paragraphs = sum(part.kind == "p" for part in self.current.parts)
        if after is None or after.shape != "plain" or paragraphs < _LONG_STORY:
            return None
        if self.pattern.numbered:
            return "short line inside a story of a bulletin whose headlines are numbered"
        if self.pattern.marked and after.dateline is None and not after.byline:
            return "short line inside a story; the bulletin's headlines have datelines or bylines"
        return None


def _numbered_mark(line: _Line) -> tuple[str, int | None]:
    """The shape and count of a numbered line's numbering."""
    mark = line.text[: len(line.text) - len(line.rest)].strip()
    return _mark_style(mark), _mark_value(mark)


def _lookahead(lines: list[_Line]) -> list[_Line | None]:
    """For each line, the next line that is not a lone marker (None at the end)."""
    ahead: list[_Line | None] = []
    following: _Line | None = None
    for line in reversed(lines):
        ahead.append(following)
        if not (line.shape == "shift" and line.rest == "") and line.shape != "drop":
            following = line
    return ahead[::-1]


def read_blocks(blocks: Sequence[Block], words: BulletinWords = DEFAULT_WORDS) -> Reading:
    """Split a bulletin's blocks into stories, in order (see the module docstring)."""
    tables = _tables(words)
    lines = [_classify(block, tables, words) for block in blocks if _visible(block.text)]
    lines, date = _mark_header(lines, tables)
    lines = _mark_trailer(lines)
    lines = _mark_intro(lines)
    lines = _mark_bare_bylines(lines)
    segmenter = _Segmenter(tables, _pattern(lines))
    for line, after in zip(lines, _lookahead(lines), strict=True):
        before = segmenter.current
        segmenter.feed(line, after)
        started = segmenter.current
        if started is not None and started is not before:
            last = segmenter.notes[-1]
            reason = f"{last.reason}, titled «{started.title}»"
            segmenter.notes[-1] = replace(last, reason=reason)
    segmenter.close()
    return Reading(tuple(segmenter.stories), date, tuple(segmenter.notes))


def segment(text: str, words: BulletinWords = DEFAULT_WORDS) -> list[Story]:
    """Split a text bulletin into stories, in file order (see the module docstring)."""
    return list(read_blocks(text_blocks(text), words).stories)


def explain(text: str, words: BulletinWords = DEFAULT_WORDS) -> list[Note]:
    """What each line of a text bulletin was taken for and why, blank lines included."""
    notes = {note.line: note for note in read_blocks(text_blocks(clean_text(text)), words).notes}
    lines = _LINE_BREAK.split(clean_text(text).removeprefix("\ufeff"))
    return [
        notes.get(number, Note(number, "blank", "blank line", raw.strip()))
        for number, raw in enumerate(lines, start=1)
        if number in notes or number < len(lines) or raw.strip()
    ]


# --- output -------------------------------------------------------------------


def story_html(story: Story) -> str:
    """The body as HTML: ``<p>`` for paragraphs, ``<h3>`` for subheadings, a
    ``<ul>`` or ``<ol>`` for each run of list items."""
    out: list[str] = []
    tags = {"p": "p", "h": "h3"}
    for index, part in enumerate(story.blocks):
        text = html.escape(part.text, quote=False)
        if part.kind in tags:
            out.append(f"<{tags[part.kind]}>{text}</{tags[part.kind]}>")
            continue
        before = story.blocks[index - 1].kind if index else None
        after = story.blocks[index + 1].kind if index + 1 < len(story.blocks) else None
        item = f"<li>{text}</li>"
        if before != part.kind:
            item = f"<{part.kind}>" + item
        if after != part.kind:
            item += f"</{part.kind}>"
        out.append(item)
    return "\n".join(out)


def summary_of(story: Story, limit: int = SUMMARY_MAX_CHARS) -> str:
    """The first paragraph, cut at a word boundary to ``limit`` characters (``…`` if cut)."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    first = next((part.text for part in story.blocks if part.kind == "p"), "")
    return summary(first, limit)


def parse_blocks(
    blocks: Sequence[Block],
    *,
    source: str,
    origin: str,
    words: BulletinWords = DEFAULT_WORDS,
    now: datetime | None = None,
    tz: ZoneInfo | None = None,
    date: str | None = None,
) -> list[Item]:
    """One ``Item`` per story of a bulletin given as blocks (a text file's lines,
    a document's paragraphs), through the item builder.

    A story is dated by its dateline, else by ``date`` (the document's own
    publication date, when its format records one), else by the bulletin's
    header, else not at all (the store stamps it); dates without a zone are read in ``tz``
    (default UTC), dates without a year count back from the header's date (or
    from ``now``). A dateline's
    agency is the story's author."""
    when = now or datetime.now(UTC)
    zone = tz or _UTC
    reading = read_blocks([replace(block, text=clean_text(block.text)) for block in blocks], words)
    bulletin_date = _read_date(date, zone, when) or _read_date(reading.date, zone, when)
    base = bulletin_date + timedelta(days=1) if bulletin_date else when
    items = []
    for story in reading.stories:
        found = Extracted(
            title=story.title,
            body_html=story_html(story),
            summary=summary_of(story),
            published=_read_date(story.date, zone, min(base, when)) or bulletin_date,
            author=story.author or story.agency,
            language="ar",
        )
        items.append(build(found, source=source, origin=origin, now=when).item)
    return items


def _read_date(text: str | None, tz: ZoneInfo, now: datetime) -> datetime | None:
    return parse_date(text, tz=tz, relative_base=now) if text else None


def parse_bulletin(
    text: str,
    *,
    source: str,
    origin: str,
    words: BulletinWords = DEFAULT_WORDS,
    now: datetime | None = None,
    tz: ZoneInfo | None = None,
) -> list[Item]:
    """One ``Item`` per story of a text bulletin (see ``parse_blocks``).

    The text is made valid Unicode without control characters before it is
    split into lines."""
    return parse_blocks(
        text_blocks(clean_text(text)), source=source, origin=origin, words=words, now=now, tz=tz
    )
