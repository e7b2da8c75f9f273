"""A stream of generated Arabic news stories with planted near-duplicates, for
bench/near_scale.py.

    python bench/near_corpus.py [--stories N] [--seed S]   # print a few stories

The text is real Arabic news cut up and recombined: bench/data/samples/news-articles.jsonl
(400 articles of Goud.ma, MArSum corpus, CC BY 4.0) gives a token stream; a story is
a run of phrases (4–12 consecutive words from a random place in it, one word of most
phrases swapped for another word of the articles) cut into paragraphs, as long as a
real article (at least ``MIN_WORDS``), under a headline of the ANS corpus
(headline-pairs.jsonl, Apache-2.0) with one word swapped. Two distinct stories then
share no more than a common phrase here and there, as two different real stories
do (``distinctness`` checks it with the engine's own measure).

A known share of the stories (``near_fraction``) are planted copies: a story first
seen up to ``COPY_DAYS`` earlier, republished by another outlet with the edits of
bench/near_data.py (a new headline, a few words changed, a dateline, hamza/alef
spellings, tashkeel, tatweel, a sign-off, a «اقرأ أيضا» block, reordered or cut
paragraphs). Stories are first seen at a steady ``per_day`` rate, so that a million
of them span months and the 7-day window matters; a poll brings ``batch``
consecutive stories of one of ``sources`` outlets.

Everything is deterministic for a seed: the same arguments give the same stream.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

from bench.near_data import (  # noqa: E402
    DATELINES,
    SIGNOFFS,
    add_tashkeel,
    add_tatweel,
    edit_words,
    read_also,
    reorder,
    respell,
    truncate,
    word_edits,
)

DATA = ROOT / "bench" / "data" / "samples"
SEED = 20240611
MIN_WORDS = 60
"""Shorter stories are lengthened: the engine fingerprints bodies of 40 words and more
(shorter ones merge only on exact keys), and every planted copy must be one it can find."""
MAX_WORDS = 1000
PER_DAY = 5000
"""Stories first seen a day: a big aggregator's ~200 outlets."""
COPY_DAYS = 3.0
"""A planted copy republishes a story first seen at most this many days earlier."""
SOURCES = 200
START = datetime(2024, 1, 1, tzinfo=UTC)
_PHRASE = (4, 12)
_PARAGRAPH = (25, 70)


@dataclass(frozen=True, slots=True)
class Story:
    index: int
    """Position in the stream (0-based): the story's URL ends with it."""
    title: str
    text: str
    """Plain text, one paragraph a line."""
    at: datetime
    """When it is first seen (and published)."""
    copy_of: int | None = None
    """The index of the story this one is a planted copy of."""

    def url(self, source: str) -> str:
        return f"https://{source}.example/news/{self.index}"

    def body_html(self) -> str:
        return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in self.text.split("\n"))


@dataclass(frozen=True, slots=True)
class Batch:
    """One poll: consecutive stories of one outlet."""

    source: str
    at: datetime
    stories: tuple[Story, ...]


class Material:
    """The real text stories are made of."""

    def __init__(self) -> None:
        with (DATA / "news-articles.jsonl").open(encoding="utf-8") as f:
            articles = [json.loads(line) for line in f]
        with (DATA / "headline-pairs.jsonl").open(encoding="utf-8") as f:
            pairs = [json.loads(line) for line in f]
        self.tokens = [w for a in articles for w in a["body"].split()]
        self.vocabulary = sorted({w for w in self.tokens if len(w) > 2})
        self.lengths = [min(max(len(a["body"].split()), MIN_WORDS), MAX_WORDS) for a in articles]
        headlines = {a["title"].strip() for a in articles}
        headlines.update(p[k].strip() for p in pairs for k in ("a", "b"))
        self.headlines = sorted(h for h in headlines if len(h.split()) >= 3)


def new_story(material: Material, rng: random.Random, index: int, at: datetime) -> Story:
    """A distinct story: phrases of the articles, recombined."""
    tokens, vocabulary = material.tokens, material.vocabulary
    length = rng.choice(material.lengths)
    last = len(tokens) - _PHRASE[1]
    words: list[str] = []
    while len(words) < length:
        start = rng.randrange(last)
        phrase = tokens[start : start + rng.randint(*_PHRASE)]
        if rng.random() < 0.7:
            phrase[rng.randrange(len(phrase))] = rng.choice(vocabulary)
        words.extend(phrase)
    paragraphs = []
    at_word = 0
    while at_word < len(words):
        size = rng.randint(*_PARAGRAPH)
        paragraphs.append(" ".join(words[at_word : at_word + size]))
        at_word += size
    title = rng.choice(material.headlines).split()
    title[rng.randrange(len(title))] = rng.choice(vocabulary)
    return Story(index, " ".join(title), "\n".join(paragraphs), at)


def planted_copy(
    material: Material, rng: random.Random, index: int, at: datetime, original: Story
) -> Story:
    """Another outlet's copy of ``original``, edited as bench/near_data.py does."""
    text = original.text
    title = original.title
    if rng.random() < 0.8:
        title = rng.choice(material.headlines)
    if rng.random() < 0.6:
        text = edit_words(text, rng, material.vocabulary, word_edits(text))
    if rng.random() < 0.3:
        text = respell(text, rng)
    if rng.random() < 0.15:
        text = add_tashkeel(text, rng)
    if rng.random() < 0.15:
        text = add_tatweel(text, rng)
    if rng.random() < 0.1:
        text = reorder(text, rng)
    if rng.random() < 0.1:
        text = truncate(text, rng.uniform(0.8, 0.95))
    if rng.random() < 0.4:
        text = rng.choice(DATELINES) + text
    if rng.random() < 0.15:
        text = read_also(text, rng, material.headlines)
    if rng.random() < 0.3 or (text == original.text and title == original.title):
        text = text + "\n" + rng.choice(SIGNOFFS)
    return Story(index, title, text, at, copy_of=original.index)


def stream(
    stories: int,
    *,
    batch: int = 50,
    near_fraction: float = 0.1,
    seed: int = SEED,
    per_day: int = PER_DAY,
    sources: int = SOURCES,
    material: Material | None = None,
) -> Iterator[Batch]:
    """``stories`` stories in polls of ``batch``, first seen at ``per_day`` a day."""
    material = material or Material()
    rng = random.Random(seed)
    outlets = [f"outlet-{i:03d}" for i in range(sources)]
    step = timedelta(days=1) / per_day
    window = timedelta(days=COPY_DAYS)
    recent: deque[Story] = deque()
    for first in range(0, stories, batch):
        source = rng.choice(outlets)
        made: list[Story] = []
        for index in range(first, min(first + batch, stories)):
            at = START + index * step
            while recent and recent[0].at < at - window:
                recent.popleft()
            # copies come from earlier polls (stories already stored)
            earlier = len(recent) - sum(1 for s in made if s.copy_of is None)
            if earlier > 0 and rng.random() < near_fraction:
                original = recent[rng.randrange(earlier)]
                made.append(planted_copy(material, rng, index, at, original))
            else:
                story = new_story(material, rng, index, at)
                recent.append(story)
                made.append(story)
        yield Batch(source, made[-1].at, tuple(made))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=3)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--near-fraction", type=float, default=0.5)
    args = parser.parse_args()
    for b in stream(args.stories, batch=args.stories, near_fraction=args.near_fraction,
                    seed=args.seed):  # fmt: skip
        for story in b.stories:
            kind = f"copy of {story.copy_of}" if story.copy_of is not None else "distinct"
            print(f"# {story.index} ({kind}) {story.at:%Y-%m-%d %H:%M}\n{story.title}\n")
            print(story.text, end="\n\n")


if __name__ == "__main__":
    main()
