"""Near-duplicate stories: fingerprints of normalised bodies, pure, no I/O.

A story's body is cleaned (a leading dateline such as «طرابلس - (وكالات) -» and
boilerplate lines such as «تابعونا على…», «جميع الحقوق محفوظة» or a trailing
«اقرأ أيضا» block are dropped), normalised with ``normalize_key`` (hamza and alef
forms, ta marbuta, tashkeel, tatweel, digits, punctuation), cut into words and
shingled: every run of ``SHINGLE_WORDS`` consecutive words inside a paragraph
(so reordered paragraphs keep their shingles). Each shingle is hashed once with
CRC-32 (stable across processes, platforms and Python versions; computed in C).

The fingerprint keeps:

- ``shingles``: the set of 32-bit shingle hashes, for the real resemblance
  (Jaccard: shared shingles over all shingles) that confirms every candidate;
  ``pack``/``unpack`` store it as 4 bytes a shingle;
- ``bands``: ``BANDS`` locality-sensitive hashes. One-permutation MinHash
  (each shingle's hash picks one of ``BANDS * ROWS`` bins and competes for its
  minimum; empty bins borrow from the next full one) is cut into ``BANDS`` bands
  of ``ROWS`` bins; each band is hashed with its index into a non-negative
  63-bit integer, fit for an indexed BIGINT column. Two stories sharing any band
  value are candidates; ``is_near_duplicate`` decides.

Bodies with fewer than ``MIN_TOKENS`` words once cleaned (a headline and a line,
boilerplate alone) get no fingerprint: they merge only on exact keys. A headline
is never part of the fingerprint: callers pass the body.
"""

from __future__ import annotations

import re
import struct
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from hashlib import blake2b
from zlib import crc32

from sources.arabic import normalize_key
from sources.text import clean_text

SHINGLE_WORDS = 3
"""Words per shingle (measured against 2, 4, 5 words and 4–7 character shingles)."""
MIN_TOKENS = 40
"""Bodies with fewer words (after cleaning) merge only on exact keys."""
MAX_TOKENS = 2000
"""Only the first words of a huge body are shingled."""
MAX_CHARS = 60_000
"""Only the first characters of a huge body are read (room for tashkeel and tatweel)."""
SHARED_LINE_WORDS = 5
"""Shorter lines are never taken for a shared sign-off (a subheading may repeat)."""
THRESHOLD = 0.5
"""Default Jaccard resemblance of shingle sets to merge two stories: the middle of the
range (0.33–0.68) where merges of real Arabic articles and their planted variants reach
precision >= 0.99 and recall >= 0.95 (bench/near_quality.py)."""
BANDS = 16
"""LSH bands: stored rows per story. A pair at resemblance 0.5 is a candidate with
probability 1 - (1 - 0.5**ROWS)**BANDS = 0.99, at 0.1 with 0.15."""
ROWS = 2
"""MinHash values per band. Changing BANDS, ROWS or the shingling changes every band
value: stored rows must then be recomputed."""

_EMPTY = 1 << 64
_MASK32 = (1 << 32) - 1
_MIX = 0x9E3779B1
_MASK63 = (1 << 63) - 1


@dataclass(frozen=True, slots=True)
class Fingerprint:
    shingles: frozenset[int]
    """CRC-32 of the body's shingles (at most ``MAX_TOKENS`` of them)."""
    bands: tuple[int, ...]
    """``BANDS`` LSH band values, each in [0, 2**63)."""
    packed: bytes = field(default=b"", compare=False, repr=False)
    """``pack(shingles)`` when ``fingerprint`` made it (where the story was parsed,
    so that the store's writer need not sort the shingles), else empty: see
    ``packed``."""


# -- cleaning ----------------------------------------------------------------

_WORD = r"[^\s()«»\"\-–—:،,.]+"
_PLACE = rf"{_WORD}(?:\s+{_WORD}){{0,3}}"
_AGENCY = r"[(«\"][^()«»\"\n]{1,40}[)»\"]"
_DATE = r"(?:[،,]\s*[^\n()«»\-–—:]{1,30}?)?"
_DASH = r"(?:\s*[-–—:]+\s*|\s+ـ+\s+)"  # a tatweel is a dash only standing alone
_AFTER = r"\s*(?:[-–—:]+|ـ+)"
_DATELINE = re.compile(
    rf"^\s*(?:{_PLACE}\s*{_DATE}{_DASH}?\s*{_AGENCY}{_AFTER}"  # طرابلس - (وكالات) -
    rf"|{_AGENCY}{_AFTER}"  # (وام) -
    rf"|{_PLACE}\s*{_DATE}{_DASH}[^\s:]{{1,12}}(?:\s+[^\s:]{{1,3}}){{0,3}}\s*:)\s*"  # القاهرة - أ ش أ:
)
_SENTENCE = re.compile(r"(?<=[.!?؟…])\s+")

# Matched against normalize_key(...) of a line or sentence.
_BOILERPLATE = re.compile(
    r"تابعونا|تابعوا (?:صفحتنا|قناتنا|حسابنا|موقعنا|اخبار)|follow us|"
    r"(?:جميع|كل|كافه) الحقوق|حقوق (?:النشر|الطبع|الملكيه)|all rights reserved|copyright|©|"
    r"اشترك(?:وا)? (?:في|ب|الان)|للاشتراك|subscribe|"
    r"(?:حمل|حملوا|نزل|نزلوا|حملو) تطبيق|download (?:our|the) app|"
    r"شارك(?:وا)? (?:هذا|الخبر|المقال)|share this|اضغط هنا|انقر هنا|click here|"
    r"^(?:المصدر|source)\b.{0,60}$"
)
_READ_ALSO = re.compile(
    r"^(?:اقرا|طالع|شاهد|انظر|اقرؤوا|اقراوا)(?: ايضا| كذلك| المزيد)|"
    r"^(?:للمزيد|مواضيع ذات صله|اخبار ذات صله|مقالات ذات صله|ذات صله|read (?:more|also)|see also|related)"
)
_TRIGGERS = frozenset(
    {
        *("تابعونا", "تابعوا", "follow", "الحقوق", "حقوق", "rights", "copyright"),
        *("اشترك", "اشتركوا", "للاشتراك", "subscribe", "تطبيق", "app"),
        *("شارك", "شاركوا", "share", "اضغط", "انقر", "click", "المصدر", "source"),
    }
)
"""Words without which no line is boilerplate (a cheap test before the expression)."""
_BOILERPLATE_WORDS = 30
"""A line or sentence that long or longer is text, whatever words it has."""
_READ_ALSO_WORDS = 20
"""After «اقرأ أيضا» in the middle of a story, shorter lines are the headlines it lists."""
_TRAILING_WORDS = 60
"""«اقرأ أيضا» followed only by lines shorter than this ends the story."""


Lines = tuple[tuple[str, str], ...]
"""A body's non-empty lines, each with its ``normalize_key``: normalised once, read
by ``shared_lines`` and ``fingerprint`` alike."""


def lines_of(body_text: str) -> Lines:
    """The body's non-empty lines (of its first ``MAX_CHARS`` characters) and their keys."""
    return _lines(clean_text(body_text[:MAX_CHARS]))


def _lines(cleaned: str) -> Lines:
    stripped = (line.strip() for line in cleaned.splitlines())
    return tuple((line, normalize_key(line)) for line in stripped if line)


def read_lines(body_text: str) -> tuple[Lines, str]:
    """``lines_of(body_text)`` and ``normalize_key(body_text)``, the text normalised
    once: ``normalize_key`` goes word by word, and a line break always separates two
    words, so the text's key is its lines' keys joined, whenever the lines hold the
    whole text (no more than ``MAX_CHARS``, nothing ``clean_text`` removes)."""
    cleaned = clean_text(body_text[:MAX_CHARS])
    lines = _lines(cleaned)
    if cleaned == body_text:
        return lines, " ".join([key for _, key in lines if key])
    return lines, normalize_key(body_text)


def paragraphs(body: str | Lines, boilerplate: frozenset[str] = frozenset()) -> list[list[str]]:
    """The normalised words of the body's paragraphs, dateline and boilerplate dropped
    (lines whose key is in ``boilerplate`` too), at most ``MAX_TOKENS`` words in all."""
    pairs = list(lines_of(body) if isinstance(body, str) else body)
    if pairs:
        first = _DATELINE.sub("", pairs[0][0], count=1)
        if first != pairs[0][0]:
            pairs[0] = (first, normalize_key(first))
    lines = [line for line, _ in pairs]
    last_long = max(
        (i for i, line in enumerate(lines) if len(line.split()) >= _TRAILING_WORDS), default=-1
    )
    kept: list[list[str]] = []
    total = 0
    skipping = False
    for i, (line, key) in enumerate(pairs):
        if key in boilerplate:
            continue
        words = key.split()
        if _READ_ALSO.search(key):
            if i > last_long:
                break  # a trailing block of headlines
            skipping = True
            continue
        if skipping and len(words) < _READ_ALSO_WORDS:
            continue
        skipping = False
        if not _TRIGGERS.isdisjoint(words) or "©" in key:
            words = _without_boilerplate(line) if _BOILERPLATE.search(key) else words
        if not words:
            continue
        kept.append(words[: MAX_TOKENS - total])
        total += len(kept[-1])
        if total >= MAX_TOKENS:
            break
    return kept


def shared_lines(bodies: Iterable[str | Lines], min_count: int = 2) -> frozenset[str]:
    """Keys of the lines (of ``SHARED_LINE_WORDS`` words or more) found in at least
    ``min_count`` of ``bodies``: the sign-off that the stories of one bulletin or one
    batch of a source share, which no marker names. Pass them to ``fingerprint``."""
    counts: Counter[str] = Counter()
    for body in bodies:
        keys = {key for _, key in (lines_of(body) if isinstance(body, str) else body)}
        counts.update(k for k in keys if len(k.split()) >= SHARED_LINE_WORDS)
    return frozenset(k for k, n in counts.items() if n >= min_count)


def _without_boilerplate(line: str) -> list[str]:
    words: list[str] = []
    for sentence in _SENTENCE.split(line):
        key = normalize_key(sentence)
        part = key.split()
        if len(part) < _BOILERPLATE_WORDS and _BOILERPLATE.search(key):
            continue
        words.extend(part)
    return words


# -- fingerprints ------------------------------------------------------------


def shingle_hashes(paras: list[list[str]], size: int = SHINGLE_WORDS) -> list[int]:
    """CRC-32 of the UTF-8 ``size``-word shingles of each paragraph (a shorter
    paragraph is one shingle), in order. CRC-32 runs in C over a whole paragraph's
    shingles (``map``), several times faster than a cryptographic hash per shingle;
    its linearity does no harm here: ``bands_of`` mixes the values before MinHash."""
    hashes: list[int] = []
    for words in paras:
        data = " ".join(words).encode("utf-8").split()
        if len(data) < size:
            hashes.append(crc32(b" ".join(data)))
        else:
            runs = zip(*(data[i : len(data) - size + 1 + i] for i in range(size)), strict=True)
            hashes.extend(map(crc32, map(b" ".join, runs)))
    return hashes


def fingerprint(body: str | Lines, boilerplate: frozenset[str] = frozenset()) -> Fingerprint | None:
    """The body's fingerprint (from its text or its ``lines_of``), or None when it has
    fewer than ``MIN_TOKENS`` words once cleaned (such stories merge only on exact
    keys). ``boilerplate``: keys of lines to drop as well, such as ``shared_lines`` of
    the stories of one bulletin."""
    paras = paragraphs(body, boilerplate)
    if sum(len(words) for words in paras) < MIN_TOKENS:
        return None
    shingles = frozenset(shingle_hashes(paras))
    return Fingerprint(shingles, bands_of(shingles), pack(shingles))


def batch_fingerprints(bodies: Sequence[tuple[str, Lines]]) -> list[Fingerprint | None]:
    """The fingerprints of one batch's bodies, given as (origin, ``lines_of`` the
    body): the lines that several different bodies of one origin (a file, a feed)
    share, a sign-off, are left out of them."""
    by_origin: dict[str, dict[Lines, None]] = {}
    for origin, lines in bodies:
        by_origin.setdefault(origin, {})[lines] = None
    shared = {origin: shared_lines(found) for origin, found in by_origin.items()}
    return [fingerprint(lines, shared[origin]) for origin, lines in bodies]


def bands_of(shingles: Iterable[int], bands: int = BANDS, rows: int = ROWS) -> tuple[int, ...]:
    """LSH band values of a set of 32-bit shingle hashes (one-permutation MinHash with
    rotation densification). They depend on the shingle set alone, so the bands of a
    stored story are found again from its stored shingles."""
    bins = bands * rows
    mins = [_EMPTY] * bins
    for h in shingles:
        h = (h * _MIX) & _MASK32  # an odd multiplier spreads CRC-32's linear bits
        b = h % bins
        v = h // bins  # low bits pick the bin, the others compete for it
        if v < mins[b]:
            mins[b] = v
    if _EMPTY in mins:
        mins = _densify(mins)
    out: list[int] = []
    for band in range(bands):
        values = mins[band * rows : (band + 1) * rows]
        digest = blake2b(struct.pack(f"<{rows + 1}Q", band, *values), digest_size=8).digest()
        out.append(int.from_bytes(digest, "little") & _MASK63)
    return tuple(out)


def _densify(mins: list[int]) -> list[int]:
    """An empty bin takes the value of the next full bin to its right (circularly),
    offset by the distance so that borrowed values differ from the donor's own."""
    bins = len(mins)
    if all(v == _EMPTY for v in mins):
        return [0] * bins
    out = list(mins)
    for i, v in enumerate(mins):
        if v != _EMPTY:
            continue
        step = 1
        while mins[(i + step) % bins] == _EMPTY:
            step += 1
        out[i] = mins[(i + step) % bins] + (step << 32)
    return out


def resemblance(a: Fingerprint, b: Fingerprint) -> float:
    """Jaccard resemblance of the shingle sets: 1.0 for the same text, 0.0 for none shared."""
    return jaccard(a.shingles, b.shingles)


def jaccard(a: frozenset[int], b: frozenset[int] | Sequence[int]) -> float:
    """Shared shingles over all shingles of the two sets (1.0 for two empty sets);
    ``b`` may be a sequence of distinct shingles (``unpacked``)."""
    if not a and not b:
        return 1.0
    shared = len(a.intersection(b))
    return shared / (len(a) + len(b) - shared)


def is_near_duplicate(a: Fingerprint, b: Fingerprint, threshold: float = THRESHOLD) -> bool:
    """True when the two stories are the same text give or take small edits."""
    return resemblance(a, b) >= threshold


def pack(shingles: frozenset[int]) -> bytes:
    """The shingle set as bytes to store: 4 bytes a shingle, sorted, little-endian."""
    return struct.pack(f"<{len(shingles)}I", *sorted(shingles))


def packed(fp: Fingerprint) -> bytes:
    """``pack(fp.shingles)``, made once: by ``fingerprint``, or here."""
    return fp.packed or pack(fp.shingles)


_LITTLE = sys.byteorder == "little" and struct.calcsize("I") == 4
"""The machine's own unsigned ints are ``pack``'s: bytes are read as they are."""


def unpack(data: bytes) -> frozenset[int]:
    """The shingle set stored by ``pack``."""
    return frozenset(unpacked(data))


def unpacked(data: bytes) -> Sequence[int]:
    """The shingles stored by ``pack``, as a sequence (distinct, sorted) rather than a
    set: what ``jaccard`` compares a set with, without making a set of it."""
    if len(data) % 4:
        raise ValueError(f"packed shingles: {len(data)} bytes is not a multiple of 4")
    if _LITTLE:  # read in place: no tuple, no copy
        return memoryview(data).cast("I")
    return struct.unpack(f"<{len(data) // 4}I", data)
