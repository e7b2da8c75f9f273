"""The near-duplicate evaluation set: real Arabic articles, planted variants, negatives.

    python bench/near_data.py   # build the set and count its queries

bench/data/samples/ holds the real text (see its README for sources and licences):
``news-articles.jsonl`` (400 Moroccan news articles from Goud.ma, MArSum corpus, CC BY 4.0)
and ``headline-pairs.jsonl`` (Arabic headline pairs of the ANS corpus, Apache-2.0). ``evaluation_set``
builds, deterministically (fixed seed), the queries that bench/near_quality.py runs:

- positives: each article edited as an outlet republishing it would (a new headline line,
  a few words changed/added/removed, a dateline, hamza/alef spellings, tashkeel, tatweel,
  paragraphs or sentences reordered, a trailing «اقرأ أيضا» block, a sign-off, the first
  80 %, and combinations); each must merge with its original;
- negatives: every article against the 399 others (same-topic pairs among them: daily
  COVID-19 tallies, the same celebrity, the same ministry), short stories sharing a long
  sign-off, and headline-and-one-line bodies whose headlines report the opposite news;
  none may merge.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "samples"
SEED = 20240607

DATELINES = [
    "طرابلس - (وكالات) - ",
    "الرباط (رويترز) - ",
    "القاهرة - أ ش أ: ",
    "(وام) - ",
    "بيروت ـ «القدس العربي»: ",
    "الدار البيضاء، 12 مارس (ومع) - ",
    "تونس - (د ب أ) - ",
]
READ_ALSO = ["اقرأ أيضا:", "إقرأ أيضاً", "اقرأ ايضا :", "مواضيع ذات صلة:"]
SIGNOFFS = [
    "تابعونا على فيسبوك وتويتر وإنستغرام ليصلكم جديد الأخبار أولا بأول\n"
    "جميع الحقوق محفوظة © 2024 لموقع النشرة الإخبارية",
    "حمل تطبيق الموقع الآن على هاتفك لتصلك الأخبار العاجلة\n"
    "تابعوا صفحتنا الرسمية على فيسبوك\nكل الحقوق محفوظة لشبكة الأخبار المغاربية",
    "شارك هذا الخبر مع أصدقائك. اشترك في نشرتنا البريدية اليومية. جميع الحقوق محفوظة للناشر.",
]
LONG_SIGNOFF = (
    "تابعونا على فيسبوك وتويتر وإنستغرام ويوتيوب وتيك توك لتصلكم آخر الأخبار العاجلة "
    "والتقارير الحصرية من مراسلينا في كل المدن والجهات\n"
    "حمل تطبيق الموقع على هاتفك الذكي واشترك في نشرتنا البريدية اليومية المجانية\n"
    "جميع الحقوق محفوظة © 2024 لشبكة الأخبار المغاربية ولا يجوز إعادة النشر دون إذن "
    "مكتوب من إدارة التحرير"
)
"""Three boilerplate lines, 60 words: what a bulletin appends to every story."""
PLAIN_SIGNOFF = (
    "وكانت هذه النشرة قد أعدتها هيئة التحرير بالتعاون مع المراسلين المعتمدين في مختلف "
    "المدن، وهي تصدر كل صباح ومساء وتنقل ما تيسر من أخبار المملكة والعالم بكل أمانة "
    "وموضوعية، ونرحب بملاحظاتكم واقتراحاتكم عبر البريد"
)
"""A 37-word sign-off that names no boilerplate marker: only its share of the text limits it."""

_TASHKEEL = [chr(c) for c in range(0x064B, 0x0653)]
_ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")
_SENTENCE = re.compile(r"(?<=[.!؟?])\s+")


@dataclass(frozen=True, slots=True)
class Query:
    """A story to check against the pool's index. ``origin``: the pool story it must merge
    with (None: none); ``exclude``: its own source story, left out of the index."""

    kind: str
    pool: str
    text: str
    origin: int | None
    exclude: int | None = None


@dataclass(frozen=True, slots=True)
class EvaluationSet:
    pools: dict[str, list[str]]
    queries: list[Query]
    bulletins: frozenset[str] = frozenset()
    """Pools whose stories come in bulletins: lines they share are dropped
    (``near.shared_lines``), as the store does for the stories of one file."""


def load_articles() -> list[dict[str, str]]:
    with (DATA / "news-articles.jsonl").open(encoding="utf-8") as f:
        return [
            {"title": a["title"], "body": a["body"], "source": a["source"]}
            for a in map(json.loads, f)
        ]


def load_headlines() -> list[dict[str, str]]:
    """300 "disagree" and 300 "agree" pairs of the ANS corpus, in file order."""
    with (DATA / "headline-pairs.jsonl").open(encoding="utf-8") as f:
        pairs = [json.loads(line) for line in f]
    return [p for p in pairs if p["stance"] == "disagree"][:300] + [
        p for p in pairs if p["stance"] == "agree"
    ][:300]


# -- edits -------------------------------------------------------------------


def edit_words(text: str, rng: random.Random, vocabulary: list[str], edits: int) -> str:
    """``edits`` random word changes, insertions or deletions, paragraphs kept."""
    paras = [p.split() for p in text.split("\n")]
    for _ in range(edits):
        para = rng.choice([p for p in paras if p])
        i = rng.randrange(len(para))
        action = rng.choice(("change", "add", "remove"))
        if action == "change":
            para[i] = rng.choice(vocabulary)
        elif action == "add":
            para.insert(i, rng.choice(vocabulary))
        elif len(para) > 1:
            del para[i]
    return "\n".join(" ".join(p) for p in paras)


def respell(text: str, rng: random.Random) -> str:
    """Hamza/alef, ta marbuta and alef maqsura spelt the other way, at random."""
    swaps = {"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي"}
    out = []
    for i, ch in enumerate(text):
        if ch in swaps and rng.random() < 0.6:
            out.append(swaps[ch])
        elif ch == "ا" and (i == 0 or text[i - 1] == " ") and rng.random() < 0.3:
            out.append(rng.choice("أإ"))
        elif ch == "ي" and (i + 1 == len(text) or text[i + 1] == " ") and rng.random() < 0.3:
            out.append("ى")
        else:
            out.append(ch)
    return "".join(out)


def add_tashkeel(text: str, rng: random.Random) -> str:
    return "".join(
        ch + rng.choice(_TASHKEEL) if _ARABIC_LETTER.match(ch) and rng.random() < 0.35 else ch
        for ch in text
    )


def add_tatweel(text: str, rng: random.Random) -> str:
    def stretch(word: str) -> str:
        if len(word) < 3 or not _ARABIC_LETTER.match(word[0]) or rng.random() > 0.25:
            return word
        i = rng.randrange(1, len(word) - 1)
        return word[:i] + "ـ" * rng.randint(1, 3) + word[i:]

    return "\n".join(" ".join(stretch(w) for w in p.split(" ")) for p in text.split("\n"))


def reorder(text: str, rng: random.Random) -> str:
    """Paragraphs shuffled; a one-paragraph text has its sentences shuffled instead."""
    paras = text.split("\n")
    if len(paras) > 1:
        rng.shuffle(paras)
        return "\n".join(paras)
    sentences = _SENTENCE.split(text)
    rng.shuffle(sentences)
    return " ".join(sentences)


def truncate(text: str, share: float = 0.8) -> str:
    cut = int(len(text) * share)
    while cut < len(text) and not text[cut].isspace():
        cut += 1
    return text[:cut].rstrip()


def read_also(text: str, rng: random.Random, titles: list[str]) -> str:
    return "\n".join([text, rng.choice(READ_ALSO), *rng.sample(titles, 3)])


def word_edits(text: str) -> int:
    """A few words: one edit per 40 words, at least 2."""
    return max(2, len(text.split()) // 40)


# -- the set -----------------------------------------------------------------


def evaluation_set(seed: int = SEED) -> EvaluationSet:
    rng = random.Random(seed)
    articles = load_articles()
    headlines = load_headlines()
    bodies = [a["body"] for a in articles]
    titles = [a["title"] for a in articles]
    new_headlines = [h["b"] for h in headlines]
    vocabulary = sorted({w for b in bodies for w in b.split() if len(w) > 2})
    queries: list[Query] = []

    def positive(kind: str, i: int, text: str) -> None:
        queries.append(Query(kind, "articles", text, i))

    for i, body in enumerate(bodies):
        others = titles[:i] + titles[i + 1 :]
        n = word_edits(body)
        positive("headline", i, rng.choice(new_headlines) + "\n" + body)
        positive("words", i, edit_words(body, rng, vocabulary, n))
        positive("dateline", i, rng.choice(DATELINES) + body)
        positive("hamza/alef", i, respell(body, rng))
        positive("tashkeel", i, add_tashkeel(body, rng))
        positive("tatweel", i, add_tatweel(body, rng))
        positive("reordered", i, reorder(body, rng))
        positive("read-also", i, read_also(body, rng, others))
        positive("sign-off", i, body + "\n" + rng.choice(SIGNOFFS))
        positive("first 80%", i, truncate(body))
        agency = edit_words(respell(body, rng), rng, vocabulary, n)
        agency = add_tashkeel(add_tatweel(agency, rng), rng) if rng.random() < 0.5 else agency
        agency = rng.choice(DATELINES) + agency
        agency = rng.choice(new_headlines) + "\n" + read_also(agency, rng, others)
        positive("combined", i, agency + "\n" + rng.choice(SIGNOFFS))
        harsh = truncate(reorder(edit_words(body, rng, vocabulary, n), rng))
        positive("80%+reorder+words", i, rng.choice(DATELINES) + harsh)
        # negatives: the article itself against all the others
        queries.append(Query("different article", "articles", body, None, exclude=i))

    # Short stories (the first 40-60 words of each article) that share a long sign-off.
    signed: list[str] = []
    plain: list[str] = []
    for body in bodies:
        words = body.split()
        short = " ".join(words[: rng.randint(40, 60)])
        signed.append(short + "\n" + LONG_SIGNOFF)
        plain.append(short + "\n" + PLAIN_SIGNOFF)
    for i, text in enumerate(signed):
        queries.append(Query("shared boilerplate sign-off", "signed", text, None, exclude=i))
    for i, text in enumerate(plain):
        queries.append(Query("shared plain sign-off", "plain", text, None, exclude=i))
        queries.append(Query("same, with shared_lines()", "plain bulletin", text, None, exclude=i))

    # A headline and one line: opposite news with the same line must never merge.
    lines = [s for b in bodies for s in _SENTENCE.split(b) if 8 <= len(s.split()) <= 25]
    disagree = [h for h in headlines if h["stance"] == "disagree"][:300]
    short_a: list[str] = []
    for pair in disagree:
        line = rng.choice(lines)
        short_a.append(pair["a"] + "\n" + line)
        queries.append(Query("headline + one line", "short", pair["b"] + "\n" + line, None))
    return EvaluationSet(
        {
            "articles": bodies,
            "signed": signed,
            "plain": plain,
            "plain bulletin": plain,
            "short": short_a,
        },
        queries,
        bulletins=frozenset({"plain bulletin"}),
    )


def main() -> None:
    argparse.ArgumentParser(description=__doc__.split("\n")[0]).parse_args()
    built = evaluation_set()
    print(f"{len(built.queries)} queries from {DATA}")


if __name__ == "__main__":
    main()
