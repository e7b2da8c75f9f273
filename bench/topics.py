"""Benchmark: publishing 200 topic feeds against publishing one feed, over one store.

    python bench/topics.py [--stories 100000] [--feeds 200] [--per-day 1000] [--seed S]

Fills a SQLite store with ``--stories`` generated stories (bench/near_corpus.py: real
Arabic articles recombined, from 200 outlets, ``--per-day`` a day), each filed under the
topic feeds it matches as it is saved (``feeds.store.topics``). The ``--feeds`` topic
feeds are queries made of the articles' own words (single words, ``OR``, AND, phrases,
``-word``, half of them with ``stem = "light"``). Then, for a site of one of these topic
feeds and for a site of all of them, each over its own copy of the store (a story page
records the site it was rendered for), it prints the time of:

- the first publish (every feed, story page, the index and the OPML written);
- a publish with nothing new (what a daemon's publish costs most of the time);
- a publish after one poll of 50 new stories;
- a publish after one poll of 1 new story;

and their ratio (all the topic feeds over one), with how many of the topic feeds were
rendered again (their bytes changed) and what each cost beyond the single feed's
publish. Also: the time to save a story (matching
it against every topic feed included) and the part matching takes, and the time to
index every topic feed again over the whole store (what changing all 200 queries at
once costs at the next publish). Compare two ``--stories`` to see which costs grow
with the store (the topic feeds' should not) and which with the number of feeds.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

from bench.near_corpus import DATA, SEED, Batch, Material, stream  # noqa: E402
from bench.near_scale import entries_of, poll_of  # noqa: E402
from feeds.config import Config, parse_config  # noqa: E402
from feeds.dedup import Mode, Policy  # noqa: E402
from feeds.publish import publish  # noqa: E402
from feeds.store import Store  # noqa: E402
from feeds.topics import StoryText  # noqa: E402
from sources.arabic import normalize_key  # noqa: E402

EXACT = Policy(mode=Mode.EXACT)
OUTLETS = 200


def topic_queries(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """``count`` (query, stem) pairs made of words found in 2% to 15% of the articles."""
    with (DATA / "news-articles.jsonl").open(encoding="utf-8") as f:
        bodies = [json.loads(line)["body"] for line in f]
    df = Counter(w for b in bodies for w in set(b.split()) if len(normalize_key(w)) > 3)
    words = sorted(w for w, n in df.items() if 0.02 * len(bodies) <= n <= 0.15 * len(bodies))
    tokens = [w for b in bodies for w in b.split()]
    found: list[tuple[str, str]] = []
    for index in range(count):
        pick = rng.sample(words, 3)
        kind = index % 10
        if kind < 4:
            query = pick[0]
        elif kind < 6:
            query = f"{pick[0]} OR {pick[1]}"
        elif kind < 8:
            query = f"{pick[0]} {pick[1]}"
        elif kind < 9:
            start = rng.randrange(len(tokens) - 2)
            query = '"' + " ".join(tokens[start : start + 2]).replace('"', "") + '"'
        else:
            query = f"({pick[0]} OR {pick[1]}) -{pick[2]}"
        found.append((query, "light" if index % 2 else ""))
    return found


def site_config(root: Path, feeds: list[dict[str, object]]) -> Config:
    data = {
        "site": {"title": "نشرة", "base_url": "https://news.example.org/", "public_dir": "public"},
        "sources": [
            {"name": f"outlet-{i:03d}", "url": f"https://outlet-{i:03d}.example/feed"}
            for i in range(OUTLETS)
        ],
        "feeds": feeds,
    }
    return parse_config(data, str(root / "nashra.toml"))


def timed(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--per-day", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=None, help="keep the sites here")
    args = parser.parse_args()
    work = args.out or Path(tempfile.mkdtemp(prefix="nashra-topics-"))
    rng = random.Random(args.seed)
    queries = topic_queries(args.feeds, rng)
    topic_feeds = [
        {"name": f"topic-{i:03d}", "title": f"موضوع {i}", "match": q, **({"stem": s} if s else {})}
        for i, (q, s) in enumerate(queries)
    ]
    one = site_config(work / "one", topic_feeds[:1])
    many = site_config(work / "many", topic_feeds)
    for config in (one, many):
        Path(config.base_dir).mkdir(parents=True, exist_ok=True)
    topics = many.topics()
    store = Store.open(f"sqlite:///{work / 'store.db'}")
    material = Material()
    polls = list(
        stream(args.stories + 50, near_fraction=0.05, per_day=args.per_day, material=material)
    )
    last: Batch = polls.pop()
    single = replace(last, stories=last.stories[:1])
    last = replace(last, stories=last.stories[1:])
    saving = matching = 0.0
    sample: list[StoryText] = []
    for batch in polls:
        entries, poll = entries_of(batch), poll_of(batch)
        started = time.perf_counter()
        store.save_poll(entries, (), poll, policy=EXACT, topics=topics)
        saving += time.perf_counter() - started
        if len(sample) < 2000:
            sample += [StoryText.of(batch.source, s.title, "", s.text, ()) for s in batch.stories]
    matching = timed(lambda: [topics.keys_of(t) for t in sample]) / len(sample) * args.stories
    stored = store.count()
    reindex = timed(lambda: store.index_topics(topics))
    filed = store.feed_counts([f"topic-{i:03d}" for i in range(args.feeds)])
    store.close()
    # each site its own copy of the store: a page records the site it was rendered for
    shutil.copy(work / "store.db", work / "store-one.db")
    alone = Store.open(f"sqlite:///{work / 'store-one.db'}")
    store = Store.open(f"sqlite:///{work / 'store.db'}")
    rows: list[tuple[str, float, float, int]] = []

    def both(label: str) -> None:
        changed: list[int] = []
        a = timed(lambda: publish(one, alone))
        b = timed(lambda: changed.append(len(publish(many, store).changed)))
        rows.append((label, a, b, changed[0]))

    for label in ("first publish", "publish, nothing new"):
        both(label)
    for label, batch in ((f"after {len(last.stories)} new", last), ("after 1 new", single)):
        for target in (alone, store):
            target.save_poll(entries_of(batch), (), poll_of(batch), policy=EXACT, topics=topics)
        both(f"publish {label}")
    alone.close()
    store.close()
    print(f"{stored:,} stories, {args.feeds} topic feeds; work folder {work}")
    print(
        f"saving: {saving / stored * 1000:.2f} ms/story; matching all {args.feeds} feeds "
        f"adds {matching / stored * 1000:.2f} ms/story; indexing all {args.feeds} feeds "
        f"again over the store: {reindex:.1f} s"
    )
    sizes = sorted(filed.values())
    print(
        f"stories a topic feed holds: median {sizes[len(sizes) // 2]:,}, "
        f"max {sizes[-1]:,}, empty {sum(1 for n in sizes if n == 0)}"
    )
    print()
    print(
        f"{'':24}{'1 topic feed':>14}{f'{args.feeds} topic feeds':>18}{'ratio':>8}"
        f"{'feeds rendered':>16}{'per feed':>10}"
    )
    for label, a, b, n in rows:
        each = f"{(b - a) / n * 1000:>8.0f}ms" if n else f"{'':>10}"
        print(f"{label:24}{a:>13.2f}s{b:>17.2f}s{b / a:>8.2f}{n:>16}{each}")
    if args.out is None:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
