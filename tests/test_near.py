"""Near-duplicate fingerprints (feeds/near.py).

The articles are the five Goud.ma articles of examples/goud.jsonl (MArSum corpus,
CC BY 4.0: K. Gaanoun, A. M. Naira, A. Allak, I. Benelallam, CBI 2022). The headline
pairs marked ANS come from the ANS corpus (repository latynt/ans, Apache-2.0; J. Khouja,
FEVER workshop at ACL 2020).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feeds import near
from feeds.near import Fingerprint, fingerprint, is_near_duplicate, resemblance
from sources.arabic import normalize_key

ROOT = Path(__file__).resolve().parents[1]
RECORDS = [
    json.loads(line) for line in (ROOT / "examples" / "goud.jsonl").read_text("utf-8").splitlines()
]
ARTICLES = [record["body"] for record in RECORDS]
TITLES = [record["title"] for record in RECORDS]
BODY = ARTICLES[3]  # 125 words, one paragraph
LONG = ARTICLES[4]  # 398 words
VOCABULARY = sorted({w for body in ARTICLES for w in body.split()})
TASHKEEL = [chr(c) for c in range(0x064B, 0x0653)]


def fp(text: str) -> Fingerprint:
    found = fingerprint(text)
    assert found is not None, text[:80]
    return found


WORDS = [w for w in VOCABULARY if any("\u0621" <= c <= "\u064a" for c in w)]
"""Words with an Arabic letter: punctuation alone is no word once cleaned."""


def arabic_texts(min_words: int = near.MIN_TOKENS) -> st.SearchStrategy[str]:
    # distinct words: a text of one word repeated is one line said again and again,
    # which the fingerprint drops as boilerplate (it then has too few words)
    words = st.lists(st.sampled_from(WORDS), min_size=min_words, max_size=300, unique=True)
    return words.map(" ".join)


# -- properties ---------------------------------------------------------------


@settings(max_examples=200)
@given(st.text())
def test_any_text_fingerprints_the_same_twice(text: str) -> None:
    assert fingerprint(text) == fingerprint(text)


@settings(max_examples=100)
@given(arabic_texts())
def test_fingerprint_deterministic_and_bands_fit_bigint(text: str) -> None:
    a, b = fp(text), fp(text)
    assert a == b
    assert len(a.bands) == near.BANDS
    assert all(0 <= band < 2**63 for band in a.bands)
    assert all(0 <= h < 2**32 for h in a.shingles)


@settings(max_examples=100)
@given(arabic_texts(), arabic_texts())
def test_resemblance_symmetric_in_unit_range(x: str, y: str) -> None:
    a, b = fp(x), fp(y)
    assert resemblance(a, b) == resemblance(b, a)
    assert 0.0 <= resemblance(a, b) <= 1.0
    assert resemblance(a, a) == 1.0
    assert is_near_duplicate(a, a)


@settings(max_examples=100)
@given(st.sampled_from(ARTICLES), st.integers(min_value=0))
def test_spelling_variants_are_near_duplicates(body: str, seed: int) -> None:
    rnd = random.Random(seed)
    swaps = {"ا": "أ", "أ": "ا", "إ": "ا", "ة": "ه", "ى": "ي", "ي": "ى"}
    out = []
    for ch in body:
        if ch in swaps and rnd.random() < 0.4:
            ch = swaps[ch]
        out.append(ch)
        if "\u0621" <= ch <= "\u064a":
            if rnd.random() < 0.3:
                out.append(rnd.choice(TASHKEEL))
            if rnd.random() < 0.1:
                out.append("ـ" * rnd.randint(1, 3))
    variant = "".join(out)
    assert resemblance(fp(body), fp(variant)) == 1.0


@settings(max_examples=50)
@given(st.sampled_from(ARTICLES), st.sampled_from(TITLES), st.sampled_from(TITLES))
def test_a_headline_change_alone_is_a_near_duplicate(body: str, h1: str, h2: str) -> None:
    assert is_near_duplicate(fp(h1 + "\n" + body), fp(h2 + "\n" + body))
    assert is_near_duplicate(fp(body), fp(h2 + "\n" + body))


def test_different_sample_articles_are_not_near_duplicates() -> None:
    for a, b in combinations(ARTICLES, 2):
        assert resemblance(fp(a), fp(b)) < 0.1
        assert not is_near_duplicate(fp(a), fp(b))


# -- the edits of an outlet republishing a story ------------------------------


@pytest.mark.parametrize(
    "dateline",
    [
        "طرابلس - (وكالات) - ",
        "الرباط (رويترز) - ",
        "القاهرة - أ ش أ: ",
        "(وام) - ",
        "بيروت ـ «القدس العربي»: ",
        "الدار البيضاء، 12 مارس (ومع) - ",
    ],
)
def test_a_dateline_is_dropped(dateline: str) -> None:
    assert resemblance(fp(BODY), fp(dateline + BODY)) == 1.0


def test_small_edits_truncation_and_reordering_stay_near_duplicates() -> None:
    words = LONG.split()
    edited = [*words[:50], "رسميا", *words[50:120], *words[121:300], "فالمغرب", *words[301:]]
    assert is_near_duplicate(fp(LONG), fp(" ".join(edited)))
    assert is_near_duplicate(fp(LONG), fp(" ".join(words[: int(len(words) * 0.8)])))
    paragraphs = ARTICLES[2].split("\n")
    reordered = "\n".join(reversed(paragraphs))
    assert resemblance(fp(ARTICLES[2]), fp(reordered)) == 1.0


def test_a_trailing_read_also_block_is_dropped_even_with_long_headlines() -> None:
    long_headline = " ".join(ARTICLES[0].split()[:45])  # Goud.ma headlines run that long
    block = "\n".join(["إقرأ أيضاً", long_headline, ARTICLES[1].split(".")[0]])
    assert resemblance(fp(BODY), fp(BODY + "\n" + block)) == 1.0


def test_read_also_in_the_middle_keeps_the_story_that_follows() -> None:
    first, rest = LONG[: len(LONG) // 2], LONG[len(LONG) // 2 :]
    text = first + "\nاقرأ ايضا: " + ARTICLES[1].split(".")[0] + "\n" + rest
    assert resemblance(fp(LONG.replace(first, first + "\n")), fp(text)) > 0.95


def test_boilerplate_sign_offs_are_dropped() -> None:
    sign_off = (
        "تابعونا على فيسبوك وتويتر وإنستغرام ليصلكم جديد الأخبار أولا بأول\n"
        "جميع الحقوق محفوظة © 2024 لموقع النشرة الإخبارية\n"
        "شارك هذا الخبر مع أصدقائك. حمل تطبيق الموقع الآن."
    )
    assert resemblance(fp(BODY), fp(BODY + "\n" + sign_off)) == 1.0
    glued = BODY + " تابعونا على فيسبوك وتويتر. جميع الحقوق محفوظة للناشر."
    assert resemblance(fp(BODY), fp(glued)) == 1.0


def test_a_long_shared_sign_off_does_not_merge_short_stories() -> None:
    sign_off = (
        "تابعونا على فيسبوك وتويتر وإنستغرام ويوتيوب وتيك توك لتصلكم آخر الأخبار العاجلة "
        "والتقارير الحصرية من مراسلينا في كل المدن\n"
        "حمل تطبيق الموقع على هاتفك الذكي واشترك في نشرتنا البريدية اليومية المجانية\n"
        "كل الحقوق محفوظة لشبكة الأخبار المغاربية ولا يجوز إعادة النشر دون إذن مكتوب"
    )
    stories = [" ".join(body.split()[:45]) + "\n" + sign_off for body in ARTICLES]
    for a, b in combinations(stories, 2):
        assert not is_near_duplicate(fp(a), fp(b))


def test_a_bulletin_sign_off_without_markers_is_dropped_as_shared_lines() -> None:
    sign_off = (
        "وكانت هذه النشرة قد أعدتها هيئة التحرير بالتعاون مع المراسلين المعتمدين في مختلف "
        "المدن، وهي تصدر كل صباح ومساء وتنقل ما تيسر من أخبار المملكة والعالم بكل أمانة "
        "وموضوعية، ونرحب بملاحظاتكم واقتراحاتكم عبر البريد أو الهاتف طيلة أيام الأسبوع"
    )
    stories = [" ".join(body.split()[:15]) + "\n" + sign_off for body in ARTICLES]
    assert is_near_duplicate(fp(stories[0]), fp(stories[1]))  # the sign-off alone merges them
    shared = near.shared_lines(stories)
    assert shared == {normalize_key(sign_off)}
    assert [fingerprint(s, shared) for s in stories] == [None] * len(stories)  # too short now


# -- what never merges ---------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("الحكومة تعلن رفع الأسعار", "الحكومة تنفي رفع الأسعار"),
        # ANS, stance "disagree": the same headline reporting the opposite news.
        (
            "ارتفاع على النفط عالميا والسبب الخام الأميركي",
            "الخام الاميركي يسبب انخفاضا في اسعار النفط",
        ),
        (
            "هجوم صاروخي يستهدف مطار في طرابلس ويجبر ليبيا على تغيير مسار الرحلات الجوية",
            "هدوء الاشتباكات فى طرابلس",
        ),
    ],
)
def test_a_headline_and_one_line_gets_no_fingerprint(a: str, b: str) -> None:
    line = ARTICLES[0].split(".")[0]
    assert fingerprint(a) is None
    assert fingerprint(a + "\n" + line) is None
    assert fingerprint(b + "\n" + line) is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t\n",
        "تابعونا على فيسبوك\nجميع الحقوق محفوظة\n" * 30,
        "اقرأ أيضا\n" + "\n".join(body.split(".")[0] for body in ARTICLES),
        "\ud800\x00\x1f" * 100,
        "新闻" * 5000,
    ],
)
def test_empty_boilerplate_and_odd_text_get_no_fingerprint(text: str) -> None:
    assert fingerprint(text) is None


def test_latin_and_mixed_scripts() -> None:
    english = (
        "The central bank kept its main interest rate unchanged on Tuesday, saying inflation "
        "had eased for a third month while growth remained weak, and it signalled that it "
        "could cut rates later in the year if prices kept falling and the labour market held."
    )
    other = (
        "Heavy rain flooded several districts of the capital overnight, cutting power to "
        "thousands of homes and closing schools, as rescue teams evacuated families from "
        "low-lying neighbourhoods and the weather service warned of more storms this week, "
        "urging residents to stay indoors."
    )
    assert resemblance(fp(english), fp(english.upper())) == 1.0
    assert not is_near_duplicate(fp(english), fp(other))
    mixed = BODY + " COVID-19 Operation Warp Speed " + "новости 新闻 🙂 " * 5
    assert is_near_duplicate(fp(BODY), fp(mixed))
    assert not is_near_duplicate(fp(mixed), fp(english + " " + other))


def test_huge_bodies_are_capped_and_fast() -> None:
    huge = "\n".join(ARTICLES) * 2000  # about 1.5 million words
    start = time.perf_counter()
    found = fp(huge)
    assert time.perf_counter() - start < 1.0
    assert len(found.shingles) <= near.MAX_TOKENS
    assert is_near_duplicate(found, fp(huge[: near.MAX_CHARS]))


def test_adversarial_read_also_lines_stay_linear() -> None:
    text = "اقرأ أيضا\n" * 6000 + " ".join(VOCABULARY[:80])
    start = time.perf_counter()
    fingerprint(text)
    assert time.perf_counter() - start < 0.5


LINE_BREAKS = ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x85"]


@settings(max_examples=200)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(VOCABULARY),
            st.sampled_from([*LINE_BREAKS, " ", "\t", "،", "ـ", "َ", "\x00", "\u200f", "-", "٣"]),
        ),
        max_size=200,
    ).map("".join)
)
def test_the_lines_keys_make_the_whole_texts_key(text: str) -> None:
    """``read_lines`` normalises a body once, line by line: its key is the whole
    text's ``normalize_key`` whatever the line breaks, controls and marks."""
    lines, key = near.read_lines(text)
    assert key == normalize_key(text)
    assert lines == near.lines_of(text)
    assert all(line and line_key == normalize_key(line) for line, line_key in lines)


def test_a_body_longer_than_the_lines_read_keeps_its_whole_key() -> None:
    text = "\n".join([LONG] * (near.MAX_CHARS // len(LONG) + 2))
    lines, key = near.read_lines(text)
    assert key == normalize_key(text)
    assert sum(len(line) for line, _ in lines) <= near.MAX_CHARS


# -- what the store keeps ---------------------------------------------------------


@settings(max_examples=100)
@given(st.frozensets(st.integers(min_value=0, max_value=2**32 - 1), max_size=500))
def test_pack_round_trip(shingles: frozenset[int]) -> None:
    data = near.pack(shingles)
    assert len(data) == 4 * len(shingles)
    assert near.unpack(data) == shingles


def test_a_fingerprint_carries_its_packed_shingles() -> None:
    found = fp(LONG)
    assert found.packed == near.pack(found.shingles)
    bare = Fingerprint(found.shingles, found.bands)
    assert bare == found and near.packed(bare) == found.packed


def test_unpack_refuses_a_torn_value() -> None:
    with pytest.raises(ValueError, match="7 bytes"):
        near.unpack(b"\x00" * 7)


def test_bands_are_stable_across_processes() -> None:
    """The store keeps band values: they must not depend on the process or hash seed."""
    code = (
        "import json, sys; from feeds.near import fingerprint; "
        "print(json.dumps(list(fingerprint(sys.stdin.read()).bands)))"
    )
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", code],
            input=BODY,
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env=env,
        )
        outputs.add(done.stdout.strip())
    assert outputs == {json.dumps(list(fp(BODY).bands))}


def test_bands_are_pinned() -> None:
    """A change of shingling or banding invalidates every stored band row: it must be a
    deliberate, migrated change."""
    assert fp(" ".join(VOCABULARY[:60])).bands[:3] == PINNED_BANDS


PINNED_BANDS = (3025426083563110190, 8098530999979896464, 8891667024528313249)


def test_bands_are_found_again_from_the_stored_shingles() -> None:
    """The store keeps a story's shingles, not its bands: deleting its band rows (an
    edit, retention) recomputes them."""
    for body in (BODY, LONG):
        stored = near.unpack(near.pack(fp(body).shingles))
        assert near.bands_of(stored) == fp(body).bands


def test_lines_normalised_once_give_the_same_fingerprint() -> None:
    body = "الرباط - (و م ع) - " + BODY + "\nجميع الحقوق محفوظة لوكالة الأنباء"
    lines = near.lines_of(body)
    assert near.fingerprint(lines) == near.fingerprint(body)
    assert near.shared_lines([lines, lines]) == near.shared_lines([body, body])


def test_same_values_in_different_bands_hash_apart() -> None:
    hashes = [0] * 100  # every bin gets the same minimum
    bands = near.bands_of(hashes)
    assert len(set(bands)) == near.BANDS


def test_threshold_is_a_parameter() -> None:
    a = fp(LONG)
    b = fp(" ".join(LONG.split()[: len(LONG.split()) * 6 // 10]))
    assert 0.5 < resemblance(a, b) < 0.7
    assert is_near_duplicate(a, b, threshold=0.5)
    assert not is_near_duplicate(a, b, threshold=0.7)


@pytest.mark.parametrize("first", ["قال الوزيـــر: ", "أكدت الوزارة في بيـان لها: "])
def test_a_stretched_word_before_a_colon_is_not_a_dateline(first: str) -> None:
    plain = first.replace("ـ", "") + BODY
    assert resemblance(fp(plain), fp(first + BODY)) == 1.0
    assert len(fp(plain).shingles) == len(fp(BODY).shingles) + len(first.split())
