"""Arabic text normalisation for *keys* (dedup, ids, rule matching), never for display.

``normalize_key`` applies, in order: NFKC (folds presentation forms such as
ﻷ and ﷲ), removal of bidi and zero-width controls, removal of tashkeel
(harakat, tanwin, shadda, sukun, Quranic marks) except the superscript alef
U+0670 which becomes ا, removal of tatweel, alef forms أ إ آ ٱ → ا, ى → ي,
ة → ه, ؤ → و, ئ → ي, Arabic-Indic and Persian digits → ASCII, Arabic and
Latin punctuation → space, lower-casing of Latin letters, and whitespace
collapsed to single spaces.

It is one ``str.translate`` table after NFKC rather than a chain of pyarabic
calls: pyarabic's ``strip_tashkeel`` keeps U+0670 and its hamza/alef helpers
map ى → ا and ء forms in ways unsuited to keys (see the library notes), and a
single table is several times faster on the hot path of dedup.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TASHKEEL = [chr(c) for c in range(0x064B, 0x0660)]  # fathatan .. hamza below, incl. sukun
_QURANIC = [chr(c) for c in range(0x0610, 0x061B)] + [
    chr(c) for c in range(0x06D6, 0x06EE) if c not in (0x06DE, 0x06E9)
]
_CONTROLS = [
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u061c",
    "\u2060",
    "\ufeff",
    *[chr(c) for c in range(0x202A, 0x202F)],
    *[chr(c) for c in range(0x2066, 0x206A)],
    "\u00ad",
]

_TABLE: dict[int, str | None] = {}
for _ch in _TASHKEEL + _QURANIC + _CONTROLS + ["\u0640"]:  # U+0640 is tatweel
    _TABLE[ord(_ch)] = None
_TABLE.update(
    {
        0x0670: "ا",  # superscript alef
        ord("أ"): "ا",
        ord("إ"): "ا",
        ord("آ"): "ا",
        ord("ٱ"): "ا",
        ord("ٲ"): "ا",
        ord("ٳ"): "ا",
        ord("ى"): "ي",
        ord("ی"): "ي",  # Persian yeh
        ord("ي"): "ي",
        ord("ک"): "ك",  # Persian keheh
        ord("ة"): "ه",
        ord("ۃ"): "ه",
        ord("ؤ"): "و",
        ord("ئ"): "ي",
    }
)
for _i in range(10):
    _TABLE[0x0660 + _i] = str(_i)  # Arabic-Indic
    _TABLE[0x06F0 + _i] = str(_i)  # Persian (Extended Arabic-Indic)
for _ch in "،؛؟٪٫٬۔«»…–—‘’“”„‹›" + "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~":
    _TABLE[ord(_ch)] = " "

_SPACES = re.compile(r"\s+")


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).translate(_TABLE)
    # NFKC again: removing marks can leave sequences that compose differently.
    if not unicodedata.is_normalized("NFKC", folded):
        folded = unicodedata.normalize("NFKC", folded).translate(_TABLE)
    return folded.lower()


def reference_key(text: str) -> str:
    """``normalize_key`` computed over the whole text at once: the definition, which
    ``normalize_key`` follows word by word (the tests hold them equal)."""
    return _SPACES.sub(" ", _fold(text)).strip()


@lru_cache(maxsize=1 << 18)
def _word_key(word: str) -> str:
    return _SPACES.sub(" ", _fold(word)).strip()


def normalize_key(text: str) -> str:
    """Normalise Arabic (and Latin) text into a matching key. Idempotent.

    Word by word, each word's key cached: news repeats its words, and folding
    never joins two words (whitespace stops composition, and keeps being
    whitespace), so the key is ``reference_key``'s at a fraction of the work."""
    return " ".join([key for key in map(_word_key, text.split()) if key])


_BIDI_TABLE: dict[int, None] = {ord(c): None for c in _CONTROLS if c not in ("\u200c", "\u200d")}


def strip_controls(text: str) -> str:
    """Remove bidi and zero-width controls (for titles: they allow spoofing); ZWNJ and
    ZWJ stay, they shape letters."""
    return text.translate(_BIDI_TABLE)
