"""What ``stem = "light"`` adds to a topic query, on real text.

    python bench/topics_stem.py

For each query word (30 topic nouns a newsroom would filter on, then 40 frequent
words drawn at random from the articles), over the 400 real articles of
bench/data/samples/news-articles.jsonl: the articles the word matches without
stemming, those stemming adds, and the text forms that brought them. Whether an
added form is the word behind clitics or another word is judged by reading them:
``WRONG`` lists the forms judged another word (``كمال`` is a name, not ك+مال;
``واحد`` "one" is not و+احد), and the table counts the articles they added.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

from feeds.topics import stem_forms  # noqa: E402
from sources.arabic import normalize_key  # noqa: E402

DATA = ROOT / "bench" / "data" / "samples" / "news-articles.jsonl"
TOPICS = [
    "دولة",
    "وزير",
    "حكومة",
    "مغرب",
    "شرطة",
    "أمن",
    "صحراء",
    "انتخابات",
    "اقتصاد",
    "فيروس",
    "كورونا",
    "مدينة",
    "محكمة",
    "سجن",
    "رئيس",
    "ملك",
    "تعليم",
    "صحة",
    "حزب",
    "برلمان",
    "عمل",
    "ماء",
    "حرب",
    "بحر",
    "مال",
    "جامعة",
    "مستشفى",
    "قانون",
    "شركة",
    "سيارة",
]
WRONG = {("مال", "كمال"), ("احد", "واحد"), ("احد", "الاحد")}
"""(query word, text form) judged another word by reading (``الاحد`` is Sunday)."""


def measure(words: list[str], docs: list[set[str]]) -> tuple[int, int, int, list[str]]:
    exact = added = wrong = 0
    shown: list[str] = []
    for word in words:
        w = normalize_key(word)
        forms: Counter[str] = Counter()
        for doc in docs:
            if w in doc:
                exact += 1
                continue
            hits = [t for t in doc if w in stem_forms(t)]
            if hits:
                added += 1
                wrong += all((w, t) in WRONG for t in hits)
                forms.update(hits)
        bad = [f"{t}×{n}" for t, n in forms.items() if (w, t) in WRONG]
        if bad:
            shown.append(f"{w}: {' '.join(bad)}")
    return exact, added, wrong, shown


def main() -> None:
    with DATA.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    docs = [set(normalize_key(f"{r['title']} {r['body']}").split()) for r in rows]
    df = Counter(w for d in docs for w in d)
    frequent = [w for w, n in df.most_common() if n >= 8 and not w.startswith("ال") and len(w) >= 3]
    sample = random.Random(1).sample([w for w in frequent[:400] if not w.isascii()], 40)
    print(
        f"{'query words':34}{'exact':>7}{'+stem':>7}{'wrong':>7}{'recall×':>9}{'prec. of added':>16}"
    )
    for label, words in (("30 topic nouns", TOPICS), ("40 random frequent words", sample)):
        exact, added, wrong, shown = measure(words, docs)
        gain = (exact + added - wrong) / exact
        print(
            f"{label:34}{exact:>7}{added:>7}{wrong:>7}{gain:>9.2f}{(added - wrong) / added:>16.1%}"
        )
        for line in shown:
            print(f"    wrong: {line}")
    print("(article matches summed over the words; recall× = right matches with stem / without)")


if __name__ == "__main__":
    main()
