"""Topic feeds: which stories a ``[[feeds]]`` entry with ``tags``, ``match`` or
``exclude`` lists, decided once per story when it is stored (``feeds.store.topics``
keeps the answers in the ``feed_items`` index).

A query is words, quoted phrases, ``OR``, ``-term`` (not) and parentheses; terms
side by side must all be there (AND), OR binds looser than AND::

    query  := any EOF
    any    := all ("OR" all)*
    all    := unary+
    unary  := "-" unary | atom
    atom   := WORD | '"' words '"' | "(" any ")"

The parser is a small recursive descent rather than pyparsing or lark: the
grammar is five rules, implicit AND between terms is awkward in both libraries'
operator helpers, and an error must name the character position in the feed's
own words ("unbalanced '(' at character 7"), which a hand-written parser says
directly where a library's messages would have to be translated.

Words and text are compared after ``sources.arabic.normalize_key`` (hamza and
alef forms, ta marbuta, alef maqsura, tashkeel, tatweel, Arabic-Indic digits,
Latin case), whole word against whole word; a phrase is its words in a row.
With ``stem = "light"`` a query word also matches the text's words made of it
behind the definite article and the clitics و ف ب ل (``والاقتصاد``,
``للاقتصاد``, ``بالاقتصاد``), and a query word written with the article
(``الاقتصاد``) matches without it too.

Tags are compared as slugs: a tag's normalised words joined by "-", which is
also the name of its tag feed (``public/tags/<slug>/``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from sources.arabic import normalize_key
from sources.errors import ConfigError

STEMS = ("", "light")
"""``[[feeds]] stem``: none, or the light clitic stripping."""
INDEX_VERSION = "1"
"""Changes when matching changes meaning: every topic feed's index is built again."""
TAG_PREFIX = "#"
"""The ``feed_items`` key of a tag feed is this and the tag's slug (a feed's name
is a slug of ASCII letters, so they never meet)."""
MAX_SLUG = 80
"""Characters of a tag slug at most (on disk: a folder name of 160 bytes)."""

ARTICLE = ("ال",)
CLITICS = ("و", "ف", "ب", "ل", "ك")
_PREFIXES = tuple(
    sorted(
        {
            *ARTICLE,
            *CLITICS,
            *(c + a for c in ("و", "ف", "ب", "ك") for a in ARTICLE),
            "لل",  # ل + ال: the alef falls
            *(c + d for c in ("و", "ف") for d in ("ب", "ل", "ك")),
            *(c + d + a for c in ("و", "ف") for d in ("ب", "ك") for a in ARTICLE),
            "ولل",
            "فلل",
        },
        key=len,
        reverse=True,
    )
)
"""Clitic prefixes the light stem takes off the text's words (longest first)."""
MIN_STEM = 2
"""Letters a word keeps at least once its prefix is taken off."""


def tag_slug(tag: str) -> str:
    """A tag's normalised words joined by "-" (empty when it has none)."""
    return "-".join(normalize_key(tag).split())[:MAX_SLUG].strip("-")


@lru_cache(maxsize=1 << 12)
def article_stripped(word: str) -> str:
    """A query word without its definite article (``الاقتصاد`` → ``اقتصاد``)."""
    for prefix in ("وال", "فال", "بال", "كال", "لل", "ال"):
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_STEM:
            return word[len(prefix) :]
    return word


@lru_cache(maxsize=1 << 16)
def stem_forms(word: str) -> frozenset[str]:
    """What a text word may be behind its clitics: itself and itself without each
    prefix it starts with (keeping ``MIN_STEM`` letters)."""
    prefixes = _BY_LETTER.get(word[:1], ())
    return frozenset(
        [word]
        + [
            word[len(p) :]
            for p in prefixes
            if word.startswith(p) and len(word) - len(p) >= MIN_STEM
        ]
    )


_BY_LETTER = {
    letter: tuple(p for p in _PREFIXES if p[0] == letter) for letter in {p[0] for p in _PREFIXES}
}
"""The prefixes by their first letter: most words start with none of them."""


# ------------------------------------------------------------------------ queries


@dataclass(frozen=True, slots=True)
class Term:
    """A word, or a phrase (its words in a row), normalised."""

    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Not:
    node: Node


@dataclass(frozen=True, slots=True)
class AllOf:
    nodes: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    nodes: tuple[Node, ...]


Node = Term | Not | AllOf | AnyOf


class QueryError(ValueError):
    """A query that cannot be read: what is wrong and at which character (1-based)."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at character {position}")
        self.position = position


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "word", "phrase", "(", ")", "-", "OR", "end"
    text: str
    position: int  # 1-based


def _tokens(query: str) -> list[_Token]:
    found: list[_Token] = []
    i = 0
    while i < len(query):
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            found.append(_Token(ch, ch, i + 1))
            i += 1
        elif ch == '"':
            end = query.find('"', i + 1)
            if end < 0:
                raise QueryError("unclosed '\"'", i + 1)
            found.append(_Token("phrase", query[i + 1 : end], i + 1))
            i = end + 1
        elif ch == "-":  # at the start of a term: not
            found.append(_Token("-", ch, i + 1))
            i += 1
        else:
            start = i
            while i < len(query) and not query[i].isspace() and query[i] not in '()"':
                i += 1
            word = query[start:i]
            found.append(_Token("OR" if word == "OR" else "word", word, start + 1))
    found.append(_Token("end", "", len(query) + 1))
    return found


class _Parser:
    def __init__(self, query: str) -> None:
        self.tokens = _tokens(query)
        self.at = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.at]

    def take(self) -> _Token:
        token = self.token
        self.at += 1
        return token

    def query(self) -> Node:
        if self.token.kind == "end":
            raise QueryError("empty query", self.token.position)
        node = self.any()
        if self.token.kind == ")":
            raise QueryError("unbalanced ')'", self.token.position)
        return node

    def any(self) -> Node:
        nodes = [self.all()]
        while self.token.kind == "OR":
            self.take()
            nodes.append(self.all())
        return nodes[0] if len(nodes) == 1 else AnyOf(tuple(nodes))

    def all(self) -> Node:
        nodes: list[Node] = []
        while self.token.kind not in ("OR", ")", "end"):
            nodes.append(self.unary())
        if not nodes:
            token = self.token
            what = {"OR": "OR", ")": "')'", "end": "the end"}[token.kind]
            raise QueryError(f"a term is missing before {what}", token.position)
        return nodes[0] if len(nodes) == 1 else AllOf(tuple(nodes))

    def unary(self) -> Node:
        token = self.take()
        if token.kind == "-":
            if self.token.kind in ("OR", ")", "end"):
                raise QueryError("'-' must be followed by a term", token.position)
            return Not(self.unary())
        if token.kind == "(":
            if self.token.kind == ")":
                raise QueryError("empty parentheses", token.position)
            node = self.any()
            if self.take().kind != ")":
                raise QueryError("unbalanced '('", token.position)
            return node
        words = tuple(normalize_key(token.text).split())
        if not words:
            raise QueryError(f"nothing to match in {token.text!r}", token.position)
        return Term(words)


def parse_query(query: str) -> Node:
    """The query's tree; QueryError when it cannot be read."""
    return _Parser(query).query()


# ----------------------------------------------------------------------- matching


@dataclass
class StoryText:
    """A story's words as matching compares them, worked out once for every feed."""

    words: tuple[str, ...]
    tags: frozenset[str]
    source: str

    @classmethod
    def of(cls, source: str, title: str, summary: str, body: str, tags: Iterable[str]) -> StoryText:
        text = normalize_key(f"{title}\n{summary}\n{body}")
        return cls(tuple(text.split()), frozenset(filter(None, map(tag_slug, tags))), source)

    @cached_property
    def plain(self) -> frozenset[str]:
        return frozenset(self.words)

    @cached_property
    def padded(self) -> str:
        return f" {' '.join(self.words)} "

    @cached_property
    def forms(self) -> tuple[frozenset[str], ...]:
        return tuple(stem_forms(w) for w in self.words)

    @cached_property
    def stemmed(self) -> frozenset[str]:
        return frozenset().union(*map(stem_forms, self.plain))  # each word once


def _has(term: Term, text: StoryText, stem: bool) -> bool:
    words = term.words
    if not stem:
        if len(words) == 1:
            return words[0] in text.plain
        return f" {' '.join(words)} " in text.padded
    wanted = tuple(article_stripped(w) for w in words)
    if len(wanted) == 1:
        return wanted[0] in text.stemmed or words[0] in text.plain
    if not all(w in text.stemmed for w in wanted):
        return False
    forms, n = text.forms, len(wanted)
    return any(all(wanted[k] in forms[i + k] for k in range(n)) for i in range(len(forms) - n + 1))


def evaluate(node: Node, text: StoryText, stem: bool = False) -> bool:
    """Whether the story's text satisfies the query."""
    if isinstance(node, Term):
        return _has(node, text, stem)
    if isinstance(node, Not):
        return not evaluate(node.node, text, stem)
    if isinstance(node, AllOf):
        return all(evaluate(n, text, stem) for n in node.nodes)
    return any(evaluate(n, text, stem) for n in node.nodes)


@dataclass(frozen=True, slots=True)
class Topic:
    """A feed's selection, compiled: its sources, tags and queries."""

    key: str
    """Its key in the index: the feed's name, or ``#`` and a tag's slug."""
    sources: tuple[str, ...] = ("*",)
    tags: frozenset[str] = frozenset()
    match: Node | None = None
    exclude: Node | None = None
    stem: bool = False
    definition: str = field(default="", compare=False)
    """What the selection was made from, canonically: its fingerprint's input."""

    def matches(self, text: StoryText) -> bool:
        if "*" not in self.sources and text.source not in self.sources:
            return False
        if self.tags and not (self.tags & text.tags):
            return False
        if self.match is not None and not evaluate(self.match, text, self.stem):
            return False
        return self.exclude is None or not evaluate(self.exclude, text, self.stem)

    @property
    def fingerprint(self) -> str:
        """Changes when what the feed selects may change (its index is built again)."""
        data = f"{INDEX_VERSION}\n{self.key}\n{self.definition}".encode()
        return hashlib.sha256(data).hexdigest()[:32]


def compile_topic(
    key: str,
    *,
    sources: Sequence[str] = ("*",),
    tags: Sequence[str] = (),
    match: str = "",
    exclude: str = "",
    stem: str = "",
) -> Topic:
    """A feed's selection; QueryError (its ``position`` 1-based in the query) when
    ``match`` or ``exclude`` cannot be read. An empty ``match``/``exclude`` is
    none (the config refuses one given empty)."""
    definition = json.dumps(
        [sorted(sources), sorted({tag_slug(t) for t in tags}), match, exclude, stem],
        ensure_ascii=False,
    )
    return Topic(
        key=key,
        sources=tuple(sources),
        tags=frozenset(filter(None, map(tag_slug, tags))),
        match=parse_query(match) if match else None,
        exclude=parse_query(exclude) if exclude else None,
        stem=stem == "light",
        definition=definition,
    )


def check_query(path: str, key: str, query: str) -> None:
    """Raise ConfigError naming ``key`` and the character when ``query`` cannot be read."""
    try:
        parse_query(query)
    except QueryError as exc:
        raise ConfigError(path, f"cannot read the query: {exc}", key=key) from exc


@dataclass(frozen=True, slots=True)
class Topics:
    """Every topic feed of a configuration, and whether tags are indexed."""

    feeds: tuple[Topic, ...] = ()
    tags: bool = True
    """Index each story's tags (``#<slug>`` keys) for tag feeds."""

    def keys_of(self, text: StoryText) -> list[str]:
        """The index keys the story belongs under."""
        found = [t.key for t in self.feeds if t.matches(text)]
        if self.tags:
            found += sorted(TAG_PREFIX + tag for tag in text.tags)
        return found

    @property
    def tags_fingerprint(self) -> str:
        return hashlib.sha256(f"{INDEX_VERSION}\ntags".encode()).hexdigest()[:32]


NO_TOPICS = Topics(tags=False)
