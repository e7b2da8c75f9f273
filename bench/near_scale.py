"""Benchmark: near-duplicate detection at scale, in a SQLite store.

    python bench/near_scale.py [--stories 1000000] [--batch 50] [--group 2000]
                               [--near-fraction 0.1] [--seed S] [--out DIR]
                               [--skip-exact] [--skip-pairwise]

Generates a stream of Arabic stories with planted near-duplicates (bench/near_corpus.py:
real articles recombined, copies edited as an outlet republishing them would, first seen
over months from ~200 outlets), polls of ``--batch`` stories prepared by parse workers
(identities and fingerprints, as the pipeline's workers do), and saves them as nashra's
writer does: each time it is free, the polls prepared meanwhile in one transaction (up to
``--group`` stories; ``--group 1``: a poll a transaction), into a fresh store with
``dedup = "near"`` and, group for group, into a second one with ``dedup = "exact"`` (same
stories, same process, so that both meet the same load on a shared machine). Per
``--slice`` stories it prints, for each store:

- stories/s: the slice's stories over the time spent identifying them and saving them;
- ms/story: the time to check and store one new story, per transaction (save time over
  its stories), median and 99th percentile; st/txn: stories a transaction; and the time
  of polls of one story (``--singles`` of them saved one by one when the slice ends);
- merged and duplicate stories the store counted;
- cpu ms: the writer's CPU time per story (its thread's, saving: unlike ms/story, not
  inflated by other processes on a shared machine), and KB/st: the bytes the writer
  wrote to the database's files per story (WAL and checkpoints: the pages a
  transaction dirtied);
- memory: the process's resident set now and its peak (VmHWM);
- the database's size (file, WAL and shared memory);
- near/exact: the near store's time over the exact store's.

Then the planted copies the near store merged (recall) and the stories it merged that
were no planted copy (false merges); the distinct stories of a sample that the engine
itself takes for near-duplicates (should be none); and the pairwise baseline: on a
``--pairwise-sample`` of consecutive stories, the time to fingerprint them and to compare
every pair with the real resemblance, extrapolated to all pairs of the sample and to
checking one new story against a 7-day window and against the whole store, beside the
store's measured cost. ``--profile-slice K`` runs the K-th slice of the near store
under cProfile and prints its top functions (that slice's times are then inflated).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

from bench.near_corpus import (  # noqa: E402
    PER_DAY,
    SEED,
    SOURCES,
    Batch,
    Story,
    stream,
)
from feeds import near  # noqa: E402
from feeds.dedup import Mode, Policy  # noqa: E402
from feeds.identity import Entry, identify, with_fingerprints  # noqa: E402
from feeds.near import read_lines  # noqa: E402
from feeds.pipeline import GROUP_STORIES  # noqa: E402
from feeds.store import BatchResult, PollBatch, PollRecord, Store  # noqa: E402
from sources.html import html_to_text  # noqa: E402
from sources.item import Item  # noqa: E402

MODES = ("near", "exact")
WINDOW_DAYS = 7


# -- saving ------------------------------------------------------------------


def items_of(batch: Batch, stories: Sequence[Story] | None = None) -> list[Item]:
    return [
        Item(
            title=s.title,
            body=s.body_html(),
            source=batch.source,
            url=s.url(batch.source),
            published=s.at,
            origin=f"https://{batch.source}.example/feed",
        )
        for s in (batch.stories if stories is None else stories)
    ]


def entries_of(batch: Batch, stories: Sequence[Story] | None = None) -> list[Entry]:
    return [identify(item) for item in items_of(batch, stories)]


@dataclass(frozen=True, slots=True)
class Prepared:
    """A poll's entries as a parse worker prepares them (``feeds.identity.prepare``),
    with the worker's time to identify them and to fingerprint them."""

    entries: list[Entry]
    identify_s: float
    fingerprint_s: float


def prepare_poll(batch: Batch) -> Prepared:
    """What the pipeline's parse worker does with a feed's items
    (``feeds.identity.prepare``), timed in two parts: identities (the bodies' lines
    read and normalised once, for the content key and the fingerprint), then the
    batch's fingerprints (a sign-off shared by the feed's stories left out)."""
    started = time.perf_counter()
    items = items_of(batch)
    texts = [html_to_text(item.body) for item in items]
    read = [read_lines(text) if text else ((), "") for text in texts]
    entries = [
        identify(item, text, key) for item, text, (_, key) in zip(items, texts, read, strict=True)
    ]
    identified = time.perf_counter()
    entries = with_fingerprints(entries, [lines for lines, _ in read])
    return Prepared(entries, identified - started, time.perf_counter() - identified)


def prepared_groups(
    polls: Iterator[Batch], workers: int, group_stories: int, cut_every: int, per_poll: int = 50
) -> Iterator[list[tuple[Batch, Prepared]]]:
    """The polls with their prepared entries, in groups as the pipeline's writer
    meets them (``feeds.pipeline.save_outcomes``): each time it is free, the polls
    prepared meanwhile, in order: at least one, at most ``group_stories`` stories
    (up to ``per_poll``: a poll a transaction), never across a multiple of ``cut_every`` stories (a
    table row). Prepared in ``workers`` processes (at most enough polls in flight to
    fill a group, so memory stays flat), or here when 0 (one poll a group then)."""
    done = 0

    def fits(size: int, batch: Batch) -> bool:
        after = size + len(batch.stories)
        return after <= group_stories and (done + after - 1) // cut_every == done // cut_every

    if workers <= 0:
        for polled in polls:
            yield [(polled, prepare_poll(polled))]
            done += len(polled.stories)
        return
    ahead = max(4 * workers, group_stories // max(1, per_poll) + 1)
    with ProcessPoolExecutor(workers) as pool:
        pending: deque[tuple[Batch, Future[Prepared]]] = deque()
        source = iter(polls)

        def refill() -> None:
            while len(pending) < ahead:
                batch = next(source, None)
                if batch is None:
                    return
                pending.append((batch, pool.submit(prepare_poll, batch)))

        refill()
        while pending:
            batch, future = pending.popleft()
            group = [(batch, future.result())]  # the writer waits for one poll at least
            size = len(batch.stories)
            while pending and pending[0][1].done() and fits(size, pending[0][0]):
                batch, future = pending.popleft()
                group.append((batch, future.result()))
                size += len(batch.stories)
            refill()
            yield group
            done += size


def poll_of(batch: Batch) -> PollRecord:
    return PollRecord(
        name=batch.source,
        kind="url",
        location=f"https://{batch.source}.example/feed",
        every=300.0,
        at=batch.at,
        outcome="ok",
    )


def save(store: Store, entries: list[Entry], poll: PollRecord, mode: str) -> BatchResult:
    """One poll saved as a source with ``dedup = mode`` is."""
    return store.save_poll(entries, (), poll, policy=Policy(mode=Mode(mode)))


def save_group(
    store: Store, group: Sequence[tuple[Batch, Prepared]], mode: str
) -> list[BatchResult]:
    """Polls saved together (one transaction), as the pipeline's writer does."""
    policy = Policy(mode=Mode(mode))
    if len(group) == 1:
        batch, prepared = group[0]
        return [save(store, prepared.entries, poll_of(batch), mode)]
    return store.save_polls([PollBatch(p.entries, poll_of(b), (), policy) for b, p in group])


# -- measuring ---------------------------------------------------------------


def memory_mb() -> tuple[float, float]:
    """The process's resident set now and at its peak, in MB."""
    values: dict[str, float] = {}
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def written_bytes() -> int:
    """Bytes the process has passed to ``write`` calls (``wchar``): what SQLite wrote
    to the WAL and, at checkpoints, to the database."""
    with open("/proc/self/io", encoding="ascii") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key == "wchar":
                return int(rest)
    return 0


def db_mb(path: Path) -> float:
    return (
        sum(
            p.stat().st_size for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()
        )
        / 2**20
    )


def quantile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass(slots=True)
class Tally:
    """One store's measures over one slice."""

    seconds: float = 0.0
    cpu_s: float = 0.0
    """The writer thread's CPU time saving the polls."""
    written: int = 0
    """Bytes the process wrote (``wchar``) saving the polls."""
    stories: int = 0
    """Stories saved in polls of ``batch`` (the singles are apart)."""
    per_story: list[float] = field(default_factory=list)
    singles: list[float] = field(default_factory=list)
    merged: int = 0
    duplicate: int = 0
    new: int = 0
    commits: int = 0
    """Transactions the slice's polls (the singles apart) were saved in."""

    def add(self, result: BatchResult) -> None:
        self.merged += int(getattr(result, "merged", 0))
        self.duplicate += result.duplicate
        self.new += result.new


@dataclass(slots=True)
class Row:
    stored: int
    mode: str
    stories: int
    rate: float
    prepare_ms: float
    """Worker time per story (identify, and fingerprint for near)."""
    median_ms: float
    p99_ms: float
    per_commit: float
    """Stories a transaction (the polls prepared while the writer wrote)."""
    single_ms: float
    single_p99_ms: float
    cpu_ms: float
    """The writer's CPU time per story (its thread's, saving)."""
    kb_written: float
    """Bytes written to the store's files per story, in KB."""
    merged: int
    duplicate: int
    rss: float
    peak: float
    db: float
    ratio: float | None


HEADER = (
    f"{'stored':>9} {'store':<5} {'stories/s':>9} {'prep ms':>7} {'ms/story':>8} {'p99':>6} "
    f"{'st/txn':>6} "
    f"{'1-story':>7} {'p99':>6} {'cpu ms':>6} {'KB/st':>5} {'merged':>7} {'dup':>5} "
    f"{'RSS MB':>7} {'peak MB':>7} "
    f"{'DB MB':>7} {'near/exact':>10}"
)


def show(row: Row) -> str:
    ratio = f"{row.ratio:>10.2f}" if row.ratio is not None else f"{'':>10}"
    return (
        f"{row.stored:>9,} {row.mode:<5} {row.rate:>9,.0f} {row.prepare_ms:>7.3f} "
        f"{row.median_ms:>8.3f} "
        f"{row.p99_ms:>6.2f} {row.per_commit:>6.0f} {row.single_ms:>7.2f} {row.single_p99_ms:>6.2f} "
        f"{row.cpu_ms:>6.3f} {row.kb_written:>5.1f} {row.merged:>7,} {row.duplicate:>5,} "
        f"{row.rss:>7,.0f} {row.peak:>7,.0f} "
        f"{row.db:>7,.0f} {ratio}"
    )


# -- the run -----------------------------------------------------------------


@dataclass(slots=True)
class Outcome:
    """What a run measured, for the summary and the tests."""

    rows: list[Row] = field(default_factory=list)
    planted: int = 0
    stories: int = 0
    sample: list[Story] = field(default_factory=list)
    paths: dict[str, Path] = field(default_factory=dict)
    totals: dict[str, Tally] = field(default_factory=dict)
    profile: str = ""
    copies: bytearray = field(default_factory=bytearray)
    """1 at the index of each planted copy."""
    originals: dict[int, int] = field(default_factory=dict)
    """Copy index → the index of the story it copies."""


def run(
    stories: int,
    out: Path,
    *,
    batch: int = 50,
    near_fraction: float = 0.1,
    seed: int = SEED,
    modes: Sequence[str] = MODES,
    slice_size: int = 100_000,
    singles: int = 100,
    sample: int = 10_000,
    profile_slice: int = 0,
    workers: int = 0,
    group_stories: int = GROUP_STORIES,
    echo: bool = True,
) -> Outcome:
    """Ingest the stream into one fresh store per mode, in ``out``."""
    outcome = Outcome()
    stores: dict[str, Store] = {}
    for mode in modes:
        path = out / f"{mode}.db"
        for old in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            old.unlink(missing_ok=True)
        stores[mode] = Store.open(f"sqlite:///{path}")
        outcome.paths[mode] = path
    totals = {mode: Tally() for mode in modes}
    outcome.totals = totals
    sample_from = max(0, min(stories - sample, stories // 2))
    if echo:
        print(HEADER, flush=True)
    profiler: cProfile.Profile | None = None
    try:
        done = 0
        slice_no = 1
        tallies = {mode: Tally() for mode in modes}
        prep = Prep(workers)
        pending_singles = 0
        polls = stream(stories, batch=batch, near_fraction=near_fraction, seed=seed)
        for group in prepared_groups(polls, workers, group_stories, slice_size, batch):
            saving: list[tuple[Batch, Prepared]] = []
            for polled, prepared in group:
                for s in polled.stories:
                    outcome.planted += s.copy_of is not None
                    outcome.copies.append(s.copy_of is not None)
                    if s.copy_of is not None:
                        outcome.originals[s.index] = s.copy_of
                    if sample_from <= s.index < sample_from + sample:
                        outcome.sample.append(s)
                if pending_singles:
                    # polls of one story, timed apart: the latency of a lone new story
                    for s in polled.stories:
                        entries = entries_of(polled, [s])
                        single = replace(polled, stories=(s,))
                        for mode in modes:
                            started = time.perf_counter()
                            result = save(stores[mode], entries, poll_of(single), mode)
                            tallies[mode].singles.append(time.perf_counter() - started)
                            tallies[mode].add(result)
                            totals[mode].add(result)
                    pending_singles = max(0, pending_singles - len(polled.stories))
                    done += len(polled.stories)
                    if pending_singles == 0:
                        _close_slice(outcome, tallies, prep, done, stores, echo)
                        tallies = {mode: Tally() for mode in modes}
                        prep = Prep(workers)
                        slice_no += 1
                    continue
                saving.append((polled, prepared))
                prep.identify_s += prepared.identify_s
                prep.fingerprint_s += prepared.fingerprint_s
            if not saving:
                continue
            if profile_slice == slice_no and profiler is None:
                profiler = cProfile.Profile()
            count = sum(len(p.entries) for _, p in saving)
            for mode in modes:
                wrote, cpu = written_bytes(), time.thread_time()
                started = time.perf_counter()
                if profiler is not None and mode == "near":
                    profiler.enable()
                results = save_group(stores[mode], saving, mode)
                if profiler is not None and mode == "near":
                    profiler.disable()
                took = time.perf_counter() - started
                tally = tallies[mode]
                tally.cpu_s += time.thread_time() - cpu
                tally.written += written_bytes() - wrote
                tally.seconds += took
                tally.stories += count
                tally.commits += 1
                tally.per_story.append(took / count)
                for result in results:
                    tally.add(result)
                    totals[mode].add(result)
            done += sum(len(b.stories) for b, _ in saving)
            if done >= slice_no * slice_size or done == stories:
                if profiler is not None and profile_slice == slice_no:
                    outcome.profile = _top(profiler)
                    profiler = None
                if done == stories or singles <= 0:
                    _close_slice(outcome, tallies, prep, done, stores, echo)
                    tallies = {mode: Tally() for mode in modes}
                    prep = Prep(workers)
                    slice_no += 1
                else:
                    pending_singles = singles
        if pending_singles:
            _close_slice(outcome, tallies, prep, done, stores, echo)
        outcome.stories = done
    finally:
        for store in stores.values():
            store.close()
    return outcome


@dataclass(slots=True)
class Prep:
    """The parse workers' time over one slice (CPU seconds, all workers)."""

    workers: int
    identify_s: float = 0.0
    fingerprint_s: float = 0.0

    def rate(self, mode: str, stories: int, save_s: float) -> float:
        """Stories a second through the writer (``save_s``) and the workers: with
        workers, they run in parallel and the slower side sets the rate (an exact
        source's worker only identifies); without, one after the other."""
        prepare_s = self.identify_s + (self.fingerprint_s if mode == "near" else 0.0)
        if not save_s:
            return float("nan")
        if self.workers > 0:
            return stories / max(save_s, prepare_s / self.workers)
        return stories / (save_s + prepare_s)

    def per_story_ms(self, mode: str, stories: int) -> float:
        prepare_s = self.identify_s + (self.fingerprint_s if mode == "near" else 0.0)
        return prepare_s / stories * 1000 if stories else float("nan")


def _close_slice(
    outcome: Outcome,
    tallies: dict[str, Tally],
    prep: Prep,
    done: int,
    stores: dict[str, Store],
    echo: bool,
) -> None:
    rss, peak = memory_mb()
    rows: dict[str, Row] = {}
    for mode, tally in tallies.items():
        counted = tally.stories
        rows[mode] = Row(
            stored=done,
            mode=mode,
            stories=counted,
            rate=prep.rate(mode, counted, tally.seconds),
            prepare_ms=prep.per_story_ms(mode, counted),
            median_ms=statistics.median(tally.per_story) * 1000 if tally.per_story else 0.0,
            p99_ms=quantile(tally.per_story, 0.99) * 1000,
            per_commit=counted / tally.commits if tally.commits else float("nan"),
            single_ms=statistics.median(tally.singles) * 1000 if tally.singles else float("nan"),
            single_p99_ms=quantile(tally.singles, 0.99) * 1000,
            cpu_ms=tally.cpu_s / counted * 1000 if counted else float("nan"),
            kb_written=tally.written / counted / 1024 if counted else float("nan"),
            merged=tally.merged,
            duplicate=tally.duplicate,
            rss=rss,
            peak=peak,
            db=db_mb(Path(str(stores[mode].engine.url.database))),
            ratio=None,
        )
    if "near" in rows and "exact" in rows and tallies["exact"].seconds:
        rows["near"].ratio = tallies["near"].seconds / tallies["exact"].seconds
    for row in rows.values():
        outcome.rows.append(row)
        if echo:
            print(show(row), flush=True)


def _top(profiler: cProfile.Profile, count: int = 10) -> str:
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("tottime").print_stats(count)
    return text.getvalue()


# -- what the near store merged ----------------------------------------------


@dataclass(frozen=True, slots=True)
class Merges:
    """The near store's decisions against the planted truth."""

    planted: int
    """Planted copies in the stream."""
    merged: int
    """Planted copies stored as members of their original's cluster."""
    exact: int
    """Planted copies taken for exact duplicates (only spelling or tashkeel changed: the
    normalised title and body are the original's), not stored."""
    wrong: int
    """Planted copies merged into another story's cluster."""
    false: int
    """Distinct stories merged into a cluster or not stored: false merges."""
    missed: tuple[int, ...]
    """Indices of planted copies stored as stories of their own (the first hundred)."""

    @property
    def recall(self) -> float:
        """Planted copies that did not become entries of their own."""
        return (self.merged + self.exact) / self.planted if self.planted else float("nan")


def _index(url: str) -> int:
    return int(url.rsplit("/", 1)[1])


def merges(path: Path, copies: bytearray, originals: dict[int, int] | None = None) -> Merges:
    """What the store at ``path`` made of the stream: its stories are identified by
    their URLs (``Story.url``), a merged one by its ``cluster`` (the id, here the URL,
    of its cluster's representative). ``originals``: copy index → original index, to
    tell merges into the wrong cluster (without it, any merge of a copy counts)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = {
            _index(url): cluster for url, cluster in db.execute("SELECT url, cluster FROM items")
        }
    planted = merged = exact = wrong = false = 0
    missed: list[int] = []
    for i, copy in enumerate(copies):
        kept = i in rows
        cluster = rows.get(i)
        if copy:
            planted += 1
            if not kept:
                exact += 1
            elif cluster is None:
                if len(missed) < 100:
                    missed.append(i)
            elif originals is None or _index(cluster) == originals.get(i):
                merged += 1
            else:
                wrong += 1
        elif not kept or cluster is not None:
            false += 1
    return Merges(planted, merged, exact, wrong, false, tuple(missed))


# -- pairwise baseline and distinctness ---------------------------------------


@dataclass(frozen=True, slots=True)
class Pairwise:
    sample: int
    fingerprint_ms: float
    """Time to fingerprint one story of the sample."""
    compared: int
    """Stories of the sample compared pair by pair."""
    pair_us: float
    """Time to compare one pair with the real resemblance."""
    distinct_pairs: int
    distinct_over: int
    """Pairs of different stories (neither a planted copy of the other, nor copies
    of one story) at or above the threshold: should be none."""
    distinct_max: float
    planted_pairs: int
    planted_over: int

    def all_pairs_s(self, n: int) -> float:
        return n * (n - 1) / 2 * self.pair_us / 1e6

    def one_story_ms(self, against: int) -> float:
        return self.fingerprint_ms + against * self.pair_us / 1000


def pairwise(sample: Sequence[Story], compared: int = 2000) -> Pairwise:
    """Fingerprint the sample, then compare every pair of its first ``compared`` stories."""
    started = time.perf_counter()
    prints = [near.fingerprint(s.text) for s in sample]
    fingerprint_ms = (time.perf_counter() - started) / max(len(sample), 1) * 1000
    head = [(s, fp) for s, fp in zip(sample, prints, strict=True) if fp is not None][:compared]
    shingles = [fp.shingles for _, fp in head]
    started = time.perf_counter()
    scores: list[tuple[int, int, float]] = []
    for i, a in enumerate(shingles):
        len_a = len(a)
        for j in range(i + 1, len(shingles)):
            b = shingles[j]
            shared = len(a & b)
            score = shared / (len_a + len(b) - shared)
            if score >= 0.05:
                scores.append((i, j, score))
    seconds = time.perf_counter() - started
    pairs = len(head) * (len(head) - 1) // 2
    planted_pairs = planted_over = distinct_over = 0
    distinct_max = 0.0
    related = {(i, j) for i, j in _planted_pairs([s for s, _ in head])}
    planted_pairs = len(related)
    for i, j, score in scores:
        if (i, j) in related:
            planted_over += score >= near.THRESHOLD
        else:
            distinct_over += score >= near.THRESHOLD
            distinct_max = max(distinct_max, score)
    return Pairwise(
        sample=len(sample),
        fingerprint_ms=fingerprint_ms,
        compared=len(head),
        pair_us=seconds / max(pairs, 1) * 1e6,
        distinct_pairs=pairs - planted_pairs,
        distinct_over=distinct_over,
        distinct_max=distinct_max,
        planted_pairs=planted_pairs,
        planted_over=planted_over,
    )


def _planted_pairs(stories: Sequence[Story]) -> Iterator[tuple[int, int]]:
    """Positions (i < j) of pairs of one story: a copy and its original, or two copies."""
    root = {s.index: s.copy_of if s.copy_of is not None else s.index for s in stories}
    groups: dict[int, list[int]] = {}
    for position, s in enumerate(stories):
        groups.setdefault(root[s.index], []).append(position)
    for members in groups.values():
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                yield members[a], members[b]


# -- the report --------------------------------------------------------------


def summary(
    outcome: Outcome, found: Merges | None, base: Pairwise | None, slice_size: int
) -> list[str]:
    lines: list[str] = []
    near_rows = [r for r in outcome.rows if r.mode == "near"]
    if len(near_rows) >= 2:
        first, last = near_rows[0], near_rows[-1]
        lines.append(
            f"per-story cost, near: {last.median_ms:.3f} ms at {last.stored:,} stored, "
            f"{first.median_ms:.3f} ms at {first.stored:,}: "
            f"{last.median_ms / first.median_ms:.2f}x (goal <= 1.3x)"
        )
    if near_rows:
        rate = statistics.fmean(r.rate for r in near_rows)
        lines.append(
            f"throughput, near: {near_rows[-1].rate:,.0f} stories/s in the last slice, "
            f"{rate:,.0f} on average over slices (goal >= 2,000)"
        )
        lines.append(f"peak memory: {max(r.peak for r in outcome.rows):,.0f} MB (goal < 2,048)")
    if found is not None:
        lines.append(
            f"planted copies: {found.planted:,}; merged into their original's cluster "
            f"{found.merged:,}, exact duplicates {found.exact:,}, merged into another "
            f"story {found.wrong:,}, published apart {found.planted - found.merged - found.exact - found.wrong:,}: "
            f"recall {found.recall:.4f}; distinct stories merged (false merges): {found.false:,}"
        )
        if found.missed:
            lines.append(f"first missed copies: {list(found.missed[:10])}")
    if base is not None:
        window = WINDOW_DAYS * PER_DAY
        lsh = near_rows[-1].median_ms if near_rows else float("nan")
        lines += [
            f"pairwise baseline on {base.sample:,} consecutive stories: fingerprint "
            f"{base.fingerprint_ms:.3f} ms a story; one pair {base.pair_us:.2f} us "
            f"(measured on all {base.compared * (base.compared - 1) // 2:,} pairs of "
            f"{base.compared:,}); all pairs of {base.sample:,}: "
            f"{base.all_pairs_s(base.sample):,.0f} s (extrapolated)",
            f"  one new story vs a {WINDOW_DAYS}-day window ({window:,} stories): "
            f"{base.one_story_ms(window):,.1f} ms pairwise vs {lsh:.3f} ms in the store (LSH)",
            f"  one new story vs the whole store ({outcome.stories:,}): "
            f"{base.one_story_ms(outcome.stories):,.1f} ms pairwise",
            f"  distinctness: {base.distinct_over} of {base.distinct_pairs:,} pairs of distinct "
            f"stories at or above {near.THRESHOLD} (highest {base.distinct_max:.3f}); "
            f"planted pairs at or above: {base.planted_over} of {base.planted_pairs}",
        ]
    if outcome.profile:
        lines += [
            "",
            "cProfile (near store, identify + save_poll), top by own time:",
            outcome.profile,
        ]
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=50, help="stories a poll")
    parser.add_argument("--near-fraction", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, help="keep the stores in this folder")
    parser.add_argument("--skip-exact", action="store_true")
    parser.add_argument("--skip-pairwise", action="store_true")
    parser.add_argument("--slice", type=int, default=100_000, help="stories a table row")
    parser.add_argument(
        "--singles", type=int, default=100, help="one-story polls a slice (whole polls of --batch)"
    )
    parser.add_argument("--pairwise-sample", type=int, default=10_000)
    parser.add_argument("--pairwise-compared", type=int, default=2000)
    parser.add_argument("--profile-slice", type=int, default=0)
    parser.add_argument(
        "--group",
        type=int,
        default=GROUP_STORIES,
        help="stories of the polls prepared meanwhile saved in one transaction, at most, "
        "as nashra's writer does (--group 1: one poll a transaction)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=max(1, (os.cpu_count() or 2) - 1),
        help="parse workers preparing entries, as the pipeline's (0: in the writer's process)",
    )
    args = parser.parse_args(argv)
    modes = ("near",) if args.skip_exact else MODES
    out = args.out or Path(tempfile.mkdtemp(prefix="near-scale-"))
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    print(
        f"{args.stories:,} stories, {args.near_fraction:.0%} planted copies, polls of "
        f"{args.batch} from {SOURCES} outlets, {PER_DAY:,} a day "
        f"({args.stories / PER_DAY:,.0f} days), seed {args.seed}; load average "
        f"{_load()}",
        flush=True,
    )
    try:
        outcome = run(
            args.stories,
            out,
            batch=args.batch,
            near_fraction=args.near_fraction,
            seed=args.seed,
            modes=modes,
            slice_size=args.slice,
            singles=args.singles,
            sample=0 if args.skip_pairwise else args.pairwise_sample,
            profile_slice=args.profile_slice,
            workers=args.workers,
            group_stories=args.group,
        )
        found = merges(outcome.paths["near"], outcome.copies, outcome.originals)
        base = None if args.skip_pairwise else pairwise(outcome.sample, args.pairwise_compared)
        print()
        for line in summary(outcome, found, base, args.slice):
            print(line)
        print(f"\ntotal {time.perf_counter() - started:,.0f} s; load average {_load()}")
    finally:
        if args.out is None:
            shutil.rmtree(out, ignore_errors=True)


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text(encoding="ascii").split(" ", 3)[:3].__str__()
    except OSError:
        return "?"


if __name__ == "__main__":
    main()
