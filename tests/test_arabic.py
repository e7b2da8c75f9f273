from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sources.arabic import normalize_key, strip_controls

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
