"""Plain-text bulletins: one text file, several Arabic news stories, no markup.

``segment`` splits a bulletin into stories. Each line is a paragraph (blank
lines between them are optional; ``\r\n`` and ``\r`` count as line breaks);
the first words of each paragraph, looked up in ``sources.bulletin_words``,
decide where one story ends and the next begins:

1. A separator line (three or more of ``- * # = _ ~ — –``, spaces allowed)
   always ends the story.
2. A *short line* (at most 20 words, not ending in ``. : … ؛ ، , ;`` once
   closing quotes and brackets are set aside; ``؟ ? !`` are fine) that does
   not itself open with a continuation word is a headline when the next
   paragraph does not open with a continuation word: it starts a new story.
3. A short line followed by a continuation paragraph is a subheading of the
   current story. At the start of the file or after a separator, a short line
   is always a headline; right after a headline (before the story has a
   paragraph) it is a subheading (a deck). A short line with no paragraph
   after it (end of file, separator) is an ordinary paragraph.
4. A paragraph opening with a topic-shift marker («وفي سياق آخر، …») starts a
   new story; the marker and the punctuation after it are removed. Right after
   a headline it is that story's first paragraph instead. A line holding only
   a marker ends the story like a separator (right after a headline it is
   simply dropped) and is skipped when looking at "the next paragraph".
5. A story without a headline takes its title from its first sentence, by
   the headline rule every source shares (``sources.build.headline``: at most
   15 words, ``…`` marks a cut).

Titles and summaries are plain text without bidi or zero-width controls; body
blocks keep the line as written, trimmed. Everything is pure: text in, stories
out, and every line of text ends up in exactly one story (as its headline or a
block), except separators and removed markers. ``parse_bulletin`` makes the
text valid Unicode without control characters first, and turns the stories
into items through the item builder.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from sources.arabic import normalize_key, strip_controls
from sources.build import SUMMARY_CHARS, TITLE_WORDS, Extracted, build, headline, plain, summary
from sources.bulletin_words import DEFAULT_WORDS, BulletinWords
from sources.item import Item
from sources.text import clean_text

HEADLINE_MAX_WORDS = 20
TITLE_MAX_WORDS = TITLE_WORDS
SUMMARY_MAX_CHARS = SUMMARY_CHARS

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SEPARATOR = re.compile(r"[-*#=_~—–](?:\s*[-*#=_~—–]){2,}")
_CLOSERS = "»\"”’')]}›"
_NOT_HEADLINE_END = ".:…؛،,;"
_AFTER_MARKER = " \t:؛;،,.…-–—"


@dataclass(frozen=True, slots=True)
class Block:
    """One block of a story's body: a paragraph (``p``) or a subheading (``h``)."""

    kind: Literal["p", "h"]
    text: str


@dataclass(frozen=True, slots=True)
class Story:
    """One story of a bulletin; ``line`` is the 1-based line where it starts."""

    title: str
    blocks: tuple[Block, ...]
    line: int


# --- text helpers -------------------------------------------------------------


def _visible(text: str) -> str:
    """The text without whitespace and invisible controls (empty: a blank line)."""
    return strip_controls(text).replace("\u200c", "").replace("\u200d", "").strip()


# --- word tables --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Tables:
    """``BulletinWords`` normalised for matching: phrases as tuples of words."""

    markers: frozenset[tuple[str, ...]]
    continuations: frozenset[tuple[str, ...]]
    stems: frozenset[str]
    suffixes: tuple[str, ...]
    longest: int


def _phrases(entries: tuple[str, ...]) -> frozenset[tuple[str, ...]]:
    """Each entry as normalised words, plus the same with و attached to the first."""
    out: set[tuple[str, ...]] = set()
    for entry in entries:
        words = tuple(normalize_key(entry).split())
        if words:
            out.add(words)
            out.add(("و" + words[0], *words[1:]))
    return frozenset(out)


@functools.lru_cache(maxsize=8)
def _tables(words: BulletinWords) -> _Tables:
    markers = _phrases(words.topic_markers)
    continuations = _phrases(words.continuations)
    return _Tables(
        markers=markers,
        continuations=continuations,
        stems=frozenset(s for s in (normalize_key(stem) for stem in words.stems) if s),
        suffixes=("", *(normalize_key(s) for s in words.suffixes)),
        longest=max((len(p) for p in markers | continuations), default=1),
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


def _opens_with(words: list[str], phrases: frozenset[tuple[str, ...]]) -> bool:
    return any(tuple(words[:n]) in phrases for n in range(1, len(words) + 1))


def _is_stem_form(word: str, tables: _Tables) -> bool:
    """و or ف, then a known stem, then an optional suffix: «وأضافت»، «فقالوا»."""
    if word[0] not in ("و", "ف"):
        return False
    core = word[1:]
    return any(
        core.endswith(suffix) and core[: len(core) - len(suffix)] in tables.stems
        for suffix in tables.suffixes
    )


def opens_continuation(text: str, words: BulletinWords = DEFAULT_WORDS) -> bool:
    """Whether a paragraph opens with a continuation word (and no topic marker)."""
    tables = _tables(words)
    first = _first_words(text, tables.longest)
    if not first or _opens_with(first, tables.markers):
        return False
    return _opens_with(first, tables.continuations) or _is_stem_form(first[0], tables)


def topic_shift(text: str, words: BulletinWords = DEFAULT_WORDS) -> str | None:
    """The paragraph without its opening topic-shift marker, or None if it has none.

    The marker and the punctuation after it are removed; an empty string means
    the line is only a marker. The cut is made on the original text, so the
    rest keeps its spelling and tashkeel.
    """
    tables = _tables(words)
    seen: list[str] = []
    for token in re.finditer(r"\S+", text):
        seen.extend(normalize_key(token.group()).split())
        joined = _join_conjunction(seen)
        if len(joined) > tables.longest:
            return None
        if tuple(joined) in tables.markers:
            rest = text[token.end() :].lstrip(_AFTER_MARKER).strip()
            return rest if _visible(rest) else ""
    return None


# --- lines --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Line:
    """One non-blank line of the file, classified once."""

    number: int
    text: str
    separator: bool = False
    shift: str | None = None
    """The text after a topic-shift marker ("" for a marker-only line)."""
    continues: bool = False
    short: bool = False
    """Shaped like a headline: few words, no sentence punctuation at the end."""


def _is_short(text: str) -> bool:
    """Headline-shaped: few words, and no sentence punctuation before closing quotes."""
    bare = _visible(text).rstrip(_CLOSERS + " \t")
    return (
        bool(bare) and bare[-1] not in _NOT_HEADLINE_END and len(text.split()) <= HEADLINE_MAX_WORDS
    )


def is_separator(line: str) -> bool:
    """Whether a line is a separator: three or more of ``- * # = _ ~ — –``, spaces allowed."""
    return _SEPARATOR.fullmatch(line.strip()) is not None


def _classify(number: int, text: str, words: BulletinWords) -> _Line:
    if is_separator(text):
        return _Line(number, text, separator=True)
    shift = topic_shift(text, words)
    if shift is not None:
        return _Line(number, text, shift=shift)
    continues = opens_continuation(text, words)
    return _Line(number, text, continues=continues, short=not continues and _is_short(text))


def _lines(text: str, words: BulletinWords) -> list[_Line]:
    """The non-blank lines, numbered from 1; a leading BOM is dropped."""
    return [
        _classify(number, raw.strip(), words)
        for number, raw in enumerate(_LINE_BREAK.split(text.removeprefix("\ufeff")), start=1)
        if _visible(raw)
    ]


# --- titles -------------------------------------------------------------------


def title_from(text: str) -> str:
    """A title from a paragraph: its first sentence, at most 15 words (``…`` if cut)."""
    return headline(text)


# --- segmentation -------------------------------------------------------------


@dataclass(slots=True)
class _Draft:
    title: str
    line: int
    blocks: list[Block] = field(default_factory=list)

    @property
    def has_paragraph(self) -> bool:
        return any(block.kind == "p" for block in self.blocks)

    def story(self) -> Story:
        return Story(self.title, tuple(self.blocks), self.line)


class _Segmenter:
    """Feeds lines one by one (with the next line in view) into stories."""

    def __init__(self) -> None:
        self.stories: list[Story] = []
        self.current: _Draft | None = None

    def close(self) -> None:
        if self.current is not None:
            self.stories.append(self.current.story())
            self.current = None

    def start(self, title: str, line: int, first: str | None = None) -> None:
        """Start a story; without ``first`` the title is a headline, not body text."""
        self.close()
        self.current = _Draft(plain(title), line)
        if first is not None:
            self.current.blocks.append(Block("p", first))

    def start_untitled(self, text: str, line: int) -> None:
        self.start(title_from(text), line, first=text)

    def add(self, kind: Literal["p", "h"], text: str) -> None:
        assert self.current is not None
        self.current.blocks.append(Block(kind, text))

    def feed(self, line: _Line, after: _Line | None) -> None:
        if line.separator:
            self.close()
        elif line.shift is not None:
            self.feed_shift(line)
        elif line.short:
            self.feed_short(line, after)
        elif self.current is None:
            self.start_untitled(line.text, line.number)
        else:
            self.add("p", line.text)

    def feed_shift(self, line: _Line) -> None:
        assert line.shift is not None
        awaiting_paragraph = self.current is not None and not self.current.has_paragraph
        if awaiting_paragraph and line.shift:
            self.add("p", line.shift)
        elif line.shift:
            self.start_untitled(line.shift, line.number)
        elif not awaiting_paragraph:
            self.close()

    def feed_short(self, line: _Line, after: _Line | None) -> None:
        followed = after is not None and not after.separator
        if self.current is None:
            if followed:
                self.start(line.text, line.number)
            else:
                self.start_untitled(line.text, line.number)
        elif not self.current.has_paragraph:
            self.add("h", line.text)
        elif not followed:
            self.add("p", line.text)
        elif after is not None and after.continues:
            self.add("h", line.text)
        else:
            self.start(line.text, line.number)


def _lookahead(lines: list[_Line]) -> list[_Line | None]:
    """For each line, the next line that is not a lone marker (None at the end)."""
    ahead: list[_Line | None] = []
    following: _Line | None = None
    for line in reversed(lines):
        ahead.append(following)
        if line.shift != "":
            following = line
    return ahead[::-1]


def segment(text: str, words: BulletinWords = DEFAULT_WORDS) -> list[Story]:
    """Split a bulletin into stories, in file order (see the module docstring)."""
    lines = _lines(text, words)
    segmenter = _Segmenter()
    for line, after in zip(lines, _lookahead(lines), strict=True):
        segmenter.feed(line, after)
    segmenter.close()
    return segmenter.stories


# --- output -------------------------------------------------------------------


def story_html(story: Story) -> str:
    """The body as HTML: ``<p>`` for paragraphs, ``<h3>`` for subheadings."""
    tags = {"p": "p", "h": "h3"}
    return "\n".join(
        f"<{tags[block.kind]}>{html.escape(block.text, quote=False)}</{tags[block.kind]}>"
        for block in story.blocks
    )


def summary_of(story: Story, limit: int = SUMMARY_MAX_CHARS) -> str:
    """The first paragraph, cut at a word boundary to ``limit`` characters (``…`` if cut)."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    first = next((block.text for block in story.blocks if block.kind == "p"), "")
    return summary(first, limit)


def parse_bulletin(
    text: str,
    *,
    source: str,
    origin: str,
    words: BulletinWords = DEFAULT_WORDS,
    now: datetime | None = None,
) -> list[Item]:
    """One ``Item`` per story of the bulletin (no dates: the store stamps them).

    The text is made valid Unicode without control characters before it is
    split, and each story becomes an item through the item builder."""
    when = now or datetime.now(UTC)
    items = []
    for story in segment(clean_text(text), words):
        found = Extracted(
            title=story.title,
            body_html=story_html(story),
            summary=summary_of(story),
            language="ar",
        )
        items.append(build(found, source=source, origin=origin, now=when).item)
    return items
