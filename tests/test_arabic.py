from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sources.arabic import normalize_key, reference_key, strip_controls

ARABIC = (
    st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
    | st.characters(min_codepoint=0xFB50, max_codepoint=0xFDFF)
    | st.characters(min_codepoint=0xFE70, max_codepoint=0xFEFF)
    | st.sampled_from(" \n\t.,!?«»\u200f\u200e\u202b\u202c\u2067\u2069\u200c0123456789abcXYZ")
)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("الإتحادُ الأوروبيّ", "الاتحاد الاوروبي"),
        ("آخرُ الأخبار", "اخر الاخبار"),
        ("مستشفى", "مستشفي"),
        ("المدرسة", "المدرسه"),
        ("مؤتمر", "موتمر"),
        ("رئيس", "رييس"),
        ("جمـــيل", "جميل"),
        ("هٰذا", "هاذا"),
        ("٢٩ نوفمبر ۲۰۲۶", "29 نوفمبر 2026"),
        ("\u202bليبيا\u202c\u200f", "ليبيا"),
        ("ﻟﻴﺒﻴﺎ", "ليبيا"),
        ("وفي سياق اخر، بينما", "وفي سياق اخر بينما"),
        ("«اليوم الوطني»؛ قطر؟", "اليوم الوطني قطر"),
        ("COVID-19  News", "covid 19 news"),
    ],
)
def test_normalize_key(text: str, key: str) -> None:
    assert normalize_key(text) == key


@settings(max_examples=300)
@given(st.text(ARABIC, max_size=80))
def test_normalize_key_is_idempotent(text: str) -> None:
    once = normalize_key(text)
    assert normalize_key(once) == once


@settings(max_examples=200)
@given(
    st.text(
        st.sampled_from([chr(c) for c in range(0x0621, 0x064B) if c != 0x0640]),
        min_size=1,
        max_size=40,
    )
)
def test_normalize_key_never_empties_arabic_letters(text: str) -> None:
    assert normalize_key(text)


def test_real_headlines_keep_their_words() -> None:
    from pathlib import Path

    sample = (Path(__file__).parent / "data" / "bulletins" / "bulletin-libya.txt").read_text(
        "utf-8"
    )
    for line in sample.splitlines():
        if line.strip():
            assert len(normalize_key(line).split()) >= len(line.split()) // 2


def test_strip_controls_removes_bidi_only() -> None:
    assert strip_controls("\u202eليبيا\u202c\u200f 2026") == "ليبيا 2026"


@settings(max_examples=400)
@given(
    st.lists(
        st.text(ARABIC | st.sampled_from("\u2028\x85\x1c\u064b\u0640 ،«»ﻷﷲ"), max_size=40),
        max_size=8,
    )
)
def test_each_lines_key_is_its_whole_text_key(lines: list[str]) -> None:
    """Line by line, the word-by-word key is the whole-text key, whatever the line
    holds (line separators, tashkeel, tatweel, presentation forms included)."""
    assert [normalize_key(line) for line in lines] == [reference_key(line) for line in lines]


def test_keys_of_real_articles() -> None:
    import json
    from pathlib import Path

    samples = Path(__file__).resolve().parents[1] / "bench/data/samples/news-articles.jsonl"
    bodies = [json.loads(row)["body"] for row in samples.read_text("utf-8").splitlines()]
    lines = [line for body in bodies for line in body.splitlines() if line.strip()]
    assert len(lines) > 500
    assert [normalize_key(line) for line in lines] == [reference_key(line) for line in lines]
    assert [normalize_key(body) for body in bodies] == [reference_key(body) for body in bodies]


ODD = st.sampled_from(
    "\u00a0\u2007\u202f\u3000\u1680\u2028\u2029\x1c\x1d\x85\u00b4\u00a8\u0301\u0654\u0655"
    "\ufe70\ufe72\ufe74\ufe76\u200b\u200d\u0640\u064b\u0651ΣσςİI\ufdf2\ufefb\ufb50 \t\n"
)


@settings(max_examples=1000)
@given(st.text(ARABIC | ODD | st.characters(max_codepoint=0x2FFF), max_size=60))
def test_word_by_word_keys_are_the_whole_texts(text: str) -> None:
    """normalize_key folds word by word with a cache; the key is the one the
    whole text folded at once gives (spaces of every kind, presentation forms that
    decompose to a space and a mark, combining marks after a space, final sigma)."""
    assert normalize_key(text) == reference_key(text)
