"""Benchmark: an archive's Atom entries written directly against feedgen's.

    python bench/atom_entries.py [--stories 2000 10000] [--repeat 3]

For each count, that many stories (titles and paragraphs of 400 real Goud.ma
articles, MArSum corpus, CC BY 4.0: bench/data/samples/README.md; a third of them
also reported by other outlets, a quarter with an image, some with tags and an
author) are rendered as the Atom entries of an archive page with attributed sources
(``feeds.render.atom_entries``) in two ways, in the same run, checked to give the
same bytes:

  feedgen   the document built by feedgen, read back and completed, cut into
            entries (what ``atom_entries`` did before #10: the reference of
            tests/test_render.py, ``feedgen_atom``);
  direct    ``atom_entries`` as it is: each entry written as escaped text.

Both include making the stories publishable (``publishable_story``: cleaning and
sanitising again); its share is timed apart (``publishable``). Caches are
cleared before each run; the best of REPEAT runs is kept. Prints a table: wall
time per run, per entry, feedgen/direct, and feedgen/direct without the
publishable share (what writing the entries costs).
"""

from __future__ import annotations

import argparse
import html
import json
import random
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

from feeds import render  # noqa: E402
from feeds.render import (  # noqa: E402
    ArchiveLinks,
    FeedMeta,
    SourceInfo,
    Story,
    atom_entries,
    publishable_story,
    split_atom,
)
from feeds.store import AlsoReported, StoredItem  # noqa: E402
from tests.test_render import feedgen_atom  # noqa: E402

SAMPLES = ROOT / "bench" / "data" / "samples" / "news-articles.jsonl"
NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
META = FeedMeta(
    name="all",
    title="كل الأخبار",
    description="",
    language="ar",
    home_url="https://news.example.org/",
    rss_url="https://news.example.org/all/rss.xml",
    atom_url="https://news.example.org/all/atom.xml",
    json_url="https://news.example.org/all/feed.json",
    author="نشرة",
    fallback_updated=NOW,
    stylesheet="../../feed.xsl",
    archive=ArchiveLinks(
        current="https://news.example.org/all/atom.xml",
        prev="2026-10.xml",
        next="2026-12.xml",
        is_archive=True,
    ),
    sources=tuple(
        SourceInfo(name=f"s{n}", title=f"مصدر {n}", url=f"https://s{n}.example.org/feed")
        for n in range(20)
    ),
)


def stories(count: int) -> list[Story]:
    """``count`` stories drawn from the real articles, seeded."""
    articles = [json.loads(line) for line in SAMPLES.read_text("utf-8").splitlines()]
    rng = random.Random(count)
    made = []
    for number in range(count):
        article = articles[number % len(articles)]
        body = "".join(f"<p>{html.escape(p)}</p>" for p in article["body"].split("\n"))
        when = NOW - timedelta(minutes=number)
        also = tuple(
            AlsoReported(
                source=f"مصدر {k}",
                title=articles[(number + k) % len(articles)]["title"],
                url=f"https://s{k}.example.org/{number}",
                first_seen=when,
            )
            for k in range(rng.choice([0, 0, 1, 3]))
        )
        item = StoredItem(
            id=f"urn:nashra:s{number % 20}:{number}",
            source=f"s{number % 20}",
            title=article["title"],
            summary="",
            body=body,
            url=f"https://s{number % 20}.example.org/مقال/{number}",
            author=rng.choice([None, None, "كود"]),
            tags=tuple(rng.sample(["المغرب", "هجرة", "سبتة"], rng.randrange(3))),
            language="ar",
            image=rng.choice([None, None, None, f"https://img.example.org/{number}.jpg"]),
            published=when,
            updated=when,
            first_seen=when,
            slug=f"{number:016x}",
            rev="r",
            page_rev=None,
            also=also,
        )
        made.append(Story(item, item.url or ""))
    return made


def _clear() -> None:
    for cached in (render.publishable, render.safe_link, render._also_html):
        cached.cache_clear()


def via_feedgen(meta: FeedMeta, given: list[Story]) -> list[bytes]:
    ready = [publishable_story(s, meta.home_url) for s in given]
    return split_atom(feedgen_atom(meta, ready))[1]


def direct(meta: FeedMeta, given: list[Story]) -> list[bytes]:
    return [entry.data for entry in atom_entries(meta, given)]


def publishable(meta: FeedMeta, given: list[Story]) -> list[bytes]:
    return [publishable_story(s, meta.home_url).item.body.encode() for s in given]


def best(
    run: Callable[[FeedMeta, list[Story]], list[bytes]], given: list[Story], repeat: int
) -> float:
    times = []
    for _ in range(repeat):
        _clear()
        start = time.perf_counter()
        run(META, given)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(
        f"{'stories':>8} {'feedgen s':>10} {'direct s':>9} {'publishable s':>14}"
        f" {'feedgen µs/entry':>17} {'direct µs/entry':>16} {'feedgen/direct':>15}"
        f" {'without publishable':>20}"
    )
    for count in args.stories:
        given = stories(count)
        _clear()
        if via_feedgen(META, given) != direct(META, given):
            raise SystemExit(f"{count} stories: the entries differ")
        old = best(via_feedgen, given, args.repeat)
        new = best(direct, given, args.repeat)
        clean = best(publishable, given, args.repeat)
        print(
            f"{count:>8} {old:>10.3f} {new:>9.3f} {clean:>14.3f}"
            f" {old / count * 1e6:>17.1f} {new / count * 1e6:>16.1f} {old / new:>15.2f}"
            f" {(old - clean) / (new - clean):>20.2f}"
        )
    one = replace(META, archive=None, stylesheet="")
    _clear()
    if via_feedgen(one, stories(50)) != direct(one, stories(50)):
        raise SystemExit("a subscription feed's entries differ")


if __name__ == "__main__":
    main()
