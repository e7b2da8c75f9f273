"""Benchmark: rebuilding archive pages, entries reused against entries rendered.

    python bench/archives.py [--stories 20000] [--new 500] [--days 60] [--out DIR]

STORIES stories of two JSON Lines sources (titles and paragraphs drawn from 400 real
Goud.ma articles, MArSum corpus, CC BY 4.0: bench/data/samples/README.md), dated over
DAYS days, are collected into a SQLite store and published twice, into two folders
of the same site: feeds ``all`` (both sources), ``a`` and ``b`` (one each), 100 stories
in each feed, the rest in monthly archive pages. Then NEW stories arrive, half of them
dated now (they push older ones out of the feeds, into the newest pages) and half late,
dated anywhere in the period (they land in pages across the archive), and the store
is published again into each folder:

  reuse    as nashra does: each page rendered again takes the entries of its
           unchanged stories from its file (``public/.nashra/archives/``), and a
           story in two feeds is rendered once;
  render   the same, each page's index deleted first and nothing shared: every
           entry of a page rendered again is rendered (what nashra did before).

Both folders end byte-identical (checked). Prints, per step, the publish's wall time,
pages written and entries rendered in each folder, and render/reuse.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

from feeds import archive  # noqa: E402
from feeds.archive import INDEXES  # noqa: E402
from feeds.config import Config, load_config  # noqa: E402
from feeds.pipeline import run_once  # noqa: E402
from feeds.publish import publish  # noqa: E402
from feeds.store import Store  # noqa: E402

SAMPLES = ROOT / "bench" / "data" / "samples" / "news-articles.jsonl"
NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
PER_FILE = 1000
CONFIG = """\
[site]
title = "قياس الأرشيف"
base_url = "https://news.example.org/"
timezone = "Africa/Casablanca"
public_dir = "PUBLIC"

[[sources]]
name = "a"
path = "sources/a/*.jsonl"
dedup = "exact"

[[sources]]
name = "b"
path = "sources/b/*.jsonl"
dedup = "exact"

[[feeds]]
name = "all"
title = "كل الأخبار"
sources = "*"
limit = 100

[[feeds]]
name = "a"
title = "المصدر أ"
sources = ["a"]
limit = 100

[[feeds]]
name = "b"
title = "المصدر ب"
sources = ["b"]
limit = 100
"""


class Corpus:
    """Distinct stories made of real sentences: no two alike, so none is merged."""

    def __init__(self) -> None:
        articles = [json.loads(line) for line in SAMPLES.read_text("utf-8").splitlines()]
        self.sentences = [
            s.strip() + "."
            for a in articles
            for s in str(a["body"]).replace("\n", " ").split(".")
            if len(s.split()) >= 6
        ]
        self.words = sorted({w for a in articles for w in str(a["title"]).split()})
        self.records: dict[str, list[dict[str, str]]] = {"a": [], "b": []}

    def add(self, number: int, when: datetime) -> None:
        rng = random.Random(number)
        source = "a" if number % 2 else "b"
        paragraphs = [" ".join(rng.sample(self.sentences, 2)) for _ in range(3)]
        self.records[source].append(
            {
                "id": f"{source}-{number}",
                "title": " ".join(rng.sample(self.words, 8)) + f" ({number})",
                "body": "\n".join(paragraphs),
                "date": when.isoformat(),
                "url": f"https://{source}.example.org/news/{number}",  # no permalink page
            }
        )

    def write(self, sources: Path) -> None:
        """One file per ``PER_FILE`` stories (a source file has a size limit)."""
        for name, records in self.records.items():
            folder = sources / name
            folder.mkdir(parents=True, exist_ok=True)
            for start in range(0, len(records), PER_FILE):
                lines = [
                    json.dumps(r, ensure_ascii=False) for r in records[start : start + PER_FILE]
                ]
                path = folder / f"stories-{start // PER_FILE:04d}.jsonl"
                text = "\n".join(lines) + "\n"
                if not path.exists() or path.read_text("utf-8") != text:
                    path.write_text(text, "utf-8")


class Counted:
    """Counts the archive entries rendered (``feeds.archive.atom_entries``)."""

    def __init__(self) -> None:
        self.count = 0
        self._render = archive.atom_entries

        def counted(meta: Any, stories: Any) -> Any:
            self.count += len(stories)
            return self._render(meta, stories)

        archive.atom_entries = counted  # type: ignore[assignment]


def config(root: Path, public: str) -> Config:
    path = root / f"{public}.toml"
    path.write_text(CONFIG.replace("PUBLIC", public), "utf-8")
    return load_config(str(path))


def collect(cfg: Config, store: Store, at: datetime) -> None:
    report = run_once(cfg, store, now=at)
    errors = [e for s in report.sources for e in s.errors]
    if errors:
        raise SystemExit(f"collecting failed: {errors[0]}")


def timed_publish(
    store: Store, cfg: Config, counter: Counted, at: datetime, *, reuse: bool
) -> tuple[float, int, int]:
    """Wall seconds, files written and entries rendered of one publish."""
    public = cfg.public_path
    shared = archive.SHARED_BYTES
    if not reuse:
        shutil.rmtree(public / INDEXES, ignore_errors=True)
        archive.SHARED_BYTES = 0
    counter.count = 0
    started = time.perf_counter()
    try:
        result = publish(cfg, store, now=at)
    finally:
        archive.SHARED_BYTES = shared
    return time.perf_counter() - started, len(result.written), counter.count


def same_trees(one: Path, other: Path) -> bool:
    files = sorted(p.relative_to(one) for p in one.rglob("*.xml"))
    theirs = sorted(p.relative_to(other) for p in other.rglob("*.xml"))
    return files == theirs and all(
        (one / f).read_bytes() == (other / f).read_bytes() for f in files
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=20_000)
    parser.add_argument("--new", type=int, default=500)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--out", help="folder to work in (default: a temporary one)")
    args = parser.parse_args()
    root = Path(args.out or tempfile.mkdtemp(prefix="nashra-archives-"))
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    corpus = Corpus()
    span = timedelta(days=args.days).total_seconds()
    rng = random.Random(5)
    for number in range(args.stories):
        corpus.add(number, NOW - timedelta(seconds=span * (1 - number / args.stories)))
    corpus.write(root / "sources")
    store = Store.open(f"sqlite:///{root / 'store.sqlite'}")
    counter = Counted()
    rows: list[tuple[str, tuple[float, int, int], tuple[float, int, int]]] = []
    try:
        started = time.perf_counter()
        collect(config(root, "collect"), store, NOW)
        collected = time.perf_counter() - started
        reuse, render = config(root, "reuse"), config(root, "render")
        first_reuse = timed_publish(store, reuse, counter, NOW, reuse=True)
        first_render = timed_publish(store, render, counter, NOW, reuse=False)
        rows.append(("first publish", first_reuse, first_render))
        later = NOW + timedelta(hours=1)
        for index in range(args.new):
            number = args.stories + index
            if index % 2:
                corpus.add(number, later - timedelta(minutes=index))
            else:
                corpus.add(number, NOW - timedelta(seconds=rng.uniform(0, span)))
        corpus.write(root / "sources")
        collect(config(root, "collect"), store, later)
        again_reuse = timed_publish(store, reuse, counter, later, reuse=True)
        again_render = timed_publish(store, render, counter, later, reuse=False)
        rows.append((f"{args.new} new stories", again_reuse, again_render))
        identical = same_trees(reuse.public_path, render.public_path)
    finally:
        store.close()
    print(
        f"{args.stories} stories over {args.days} days in 3 feeds (SQLite), collected in "
        f"{collected:.1f} s; the two folders byte-identical: {'yes' if identical else 'NO'}"
    )
    print()
    print(
        f"{'publish':<20} {'reuse s':>8} {'files':>6} {'entries':>8} "
        f"{'render s':>9} {'files':>6} {'entries':>8} {'render/reuse':>13}"
    )
    for label, (rs, rf, re_), (ns, nf, ne) in rows:
        print(
            f"{label:<20} {rs:>8.2f} {rf:>6} {re_:>8} {ns:>9.2f} {nf:>6} {ne:>8} {ns / rs:>13.2f}"
        )
    if not args.out:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
