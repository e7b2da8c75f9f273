"""Benchmark: quality and speed of near-duplicate detection on real Arabic news.

    python bench/near_quality.py [--skip-compare]

Runs the evaluation set of bench/near_data.py (planted variants of 400 real articles as
positives; different articles, shared sign-offs and headline-and-one-line bodies as
negatives) and prints:

1. shingling compared (word and character shingles, exact resemblance, no LSH):
   the lowest resemblance of a planted variant to its original (1st percentile and
   minimum), the highest between different stories, precision/recall at 0.5,
   the thresholds that reach precision >= 0.99 and recall >= 0.95, shingles per story
   and time to shingle a 500-word article;
2. merge decisions of feeds/near.py as the store makes them (LSH candidates, each
   confirmed with the real resemblance, the best one above the threshold wins) at
   several thresholds: precision, recall, LSH candidate recall (of the pairs the
   confirmation accepts, the share banding proposed) and candidates per query;
3. recall and false merges per kind of edit at the default threshold;
4. LSH band/row choices;
5. MinHash implementations (own one-permutation hashing, datasketch, rensa when
   installed): time per 500-word article and candidate recall;
6. time per fingerprint and bytes stored per story.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from hashlib import blake2b
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from near_data import EvaluationSet, Query, evaluation_set, load_articles  # noqa: E402

from feeds import near  # noqa: E402

THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
Shingler = Callable[[str], frozenset[int] | None]


# -- shinglers to compare -----------------------------------------------------


def _h32(data: str) -> int:
    return int.from_bytes(blake2b(data.encode("utf-8"), digest_size=4).digest(), "little")


def word_shingler(size: int) -> Shingler:
    def shingles(text: str) -> frozenset[int] | None:
        paras = near.paragraphs(text)
        if sum(len(p) for p in paras) < near.MIN_TOKENS:
            return None
        return frozenset(near.shingle_hashes(paras, size))

    return shingles


def char_shingler(size: int) -> Shingler:
    def shingles(text: str) -> frozenset[int] | None:
        paras = near.paragraphs(text)
        if sum(len(p) for p in paras) < near.MIN_TOKENS:
            return None
        out: set[int] = set()
        for words in paras:
            line = " ".join(words)
            out.update(_h32(line[i : i + size]) for i in range(max(len(line) - size + 1, 1)))
        return frozenset(out)

    return shingles


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared) if a or b else 1.0


# -- exact evaluation (no LSH) --------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scored:
    """One query: resemblance to its origin (if any) and the best resemblance to any
    other pool story (the story a wrong merge would pick)."""

    query: Query
    to_origin: float | None
    best_other: float


def score_exact(data: EvaluationSet, shingler: Shingler) -> list[Scored]:
    pools: dict[str, list[frozenset[int] | None]] = {
        name: [shingler(t) for t in texts] for name, texts in data.pools.items()
    }
    inverted: dict[str, dict[int, list[int]]] = {}
    for name, sets in pools.items():
        index: dict[int, list[int]] = defaultdict(list)
        for sid, s in enumerate(sets):
            for h in s or ():
                index[h].append(sid)
        inverted[name] = index
    scored = []
    for q in data.queries:
        qs = shingler(q.text)
        if qs is None:
            scored.append(Scored(q, 0.0 if q.origin is not None else None, 0.0))
            continue
        shared: dict[int, int] = defaultdict(int)
        for h in qs:
            for sid in inverted[q.pool].get(h, ()):
                shared[sid] += 1
        best_other = 0.0
        to_origin: float | None = None
        for sid, n in shared.items():
            other = pools[q.pool][sid]
            assert other is not None
            r = n / (len(qs) + len(other) - n)
            if sid == q.origin:
                to_origin = r
            elif sid != q.exclude:
                best_other = max(best_other, r)
        if q.origin is not None and to_origin is None:
            to_origin = 0.0
        scored.append(Scored(q, to_origin, best_other))
    return scored


def precision_recall(scored: list[Scored], t: float) -> tuple[float, float]:
    """Merge with the best story at or above ``t``: right if it is the origin."""
    tp = fp = positives = 0
    for s in scored:
        if s.query.origin is not None:
            positives += 1
        best_origin = s.to_origin if s.to_origin is not None else -1.0
        if max(best_origin, s.best_other) < t:
            continue
        if best_origin >= s.best_other:
            tp += 1
        else:
            fp += 1
    return (tp / (tp + fp) if tp + fp else 1.0), tp / positives


def good_range(scored: list[Scored]) -> str:
    ok = [t / 100 for t in range(5, 100) if _meets(scored, t / 100)]
    return f"{min(ok):.2f}–{max(ok):.2f}" if ok else "none"


def _meets(scored: list[Scored], t: float) -> bool:
    p, r = precision_recall(scored, t)
    return p >= 0.99 and r >= 0.95


def articles_of(words: int) -> list[str]:
    """Real articles of at least ``words`` words cut to exactly ``words``, paragraphs kept."""
    out = []
    for a in load_articles():
        if len(a["body"].split()) < words:
            continue
        kept, n = [], 0
        for para in a["body"].split("\n"):
            w = para.split()[: words - n]
            if w:
                kept.append(" ".join(w))
                n += len(w)
        out.append("\n".join(kept))
    return out


def per_call(fn: Callable[[str], object], texts: list[str], repeat: int = 5) -> float:
    """Best-of-``repeat`` mean seconds per call."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for t in texts:
            fn(t)
        best = min(best, (time.perf_counter() - start) / len(texts))
    return best


def compare_shingling(data: EvaluationSet, texts500: list[str]) -> None:
    print("\n1. Shingling (exact Jaccard resemblance, no LSH). pos: planted variants (of the")
    print("   articles that have a fingerprint) to their original; neg real: an article to the")
    print("   closest other article; neg max: any negative, with the unmarked sign-off shared")
    print("   by 40-60-word stories")
    header = (
        f"{'shingles':<10} {'pos p1':>7} {'pos min':>7} {'neg real':>8} {'neg max':>7} "
        f"{'P@0.5':>6} {'R@0.5':>6} {'P>=.99,R>=.95 at':>17} {'per story':>9} {'µs/500w':>8}"
    )
    print(header)
    configs = [(f"word {k}", word_shingler(k)) for k in (2, 3, 4, 5)]
    configs += [(f"char {k}", char_shingler(k)) for k in (4, 5, 7)]
    for label, shingler in configs:
        scored = score_exact(data, shingler)
        pos = sorted(s.to_origin for s in scored if s.to_origin)
        real = max(s.best_other for s in scored if s.query.kind == "different article")
        neg = max(s.best_other for s in scored)
        p, r = precision_recall(scored, 0.5)
        sizes = [len(s) for s in map(shingler, data.pools["articles"]) if s]
        us = per_call(shingler, texts500, repeat=2) * 1e6
        print(
            f"{label:<10} {pos[len(pos) // 100]:7.3f} {pos[0]:7.3f} {real:8.3f} {neg:7.3f} "
            f"{p:6.3f} {r:6.3f} {good_range(scored):>17} {statistics.mean(sizes):9.0f} {us:8.0f}"
        )


# -- merge decisions with LSH ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Decided:
    query: Query
    candidates: dict[int, float]
    """LSH candidates (self excluded) → real resemblance."""
    to_origin: float | None
    """Real resemblance to the origin, whether banding proposed it or not."""


def decide_all(
    data: EvaluationSet, fingerprint: Callable[..., near.Fingerprint | None]
) -> list[Decided]:
    shared = {
        name: near.shared_lines(texts) if name in data.bulletins else frozenset()
        for name, texts in data.pools.items()
    }
    pools = {
        name: [fingerprint(t, shared[name]) for t in texts] for name, texts in data.pools.items()
    }
    index: dict[str, dict[int, list[int]]] = {}
    for name, fps in pools.items():
        bands: dict[int, list[int]] = defaultdict(list)
        for sid, fp in enumerate(fps):
            for band in fp.bands if fp else ():
                bands[band].append(sid)
        index[name] = bands
    out = []
    for q in data.queries:
        fp = fingerprint(q.text, shared[q.pool])
        if fp is None:
            out.append(Decided(q, {}, 0.0 if q.origin is not None else None))
            continue
        ids = {sid for b in fp.bands for sid in index[q.pool].get(b, ())} - {q.exclude}
        cands = {sid: near.resemblance(fp, pools[q.pool][sid]) for sid in ids}  # type: ignore[arg-type]
        to_origin = None
        if q.origin is not None:
            origin = pools[q.pool][q.origin]
            to_origin = near.resemblance(fp, origin) if origin else 0.0
        out.append(Decided(q, cands, to_origin))
    return out


def merge_metrics(decided: list[Decided], t: float) -> tuple[float, float, float, float]:
    """precision, recall, LSH candidate recall, candidates per query."""
    tp = fp = positives = accepted = found = 0
    for d in decided:
        if d.query.origin is not None:
            positives += 1
            if d.to_origin is not None and d.to_origin >= t:
                accepted += 1
                found += d.query.origin in d.candidates
        above = {sid: r for sid, r in d.candidates.items() if r >= t}
        if not above:
            continue
        best = max(above, key=lambda sid: (above[sid], -sid))
        if best == d.query.origin:
            tp += 1
        else:
            fp += 1
    per_query = statistics.mean(len(d.candidates) for d in decided if d.query.pool == "articles")
    precision = tp / (tp + fp) if tp + fp else 1.0
    return precision, tp / positives, (found / accepted if accepted else 1.0), per_query


def merge_table(decided: list[Decided]) -> None:
    print(f"\n2. Merge decisions (LSH {near.BANDS} bands x {near.ROWS} rows + confirmation)")
    print(
        f"{'threshold':>9} {'precision':>9} {'recall':>7} {'LSH cand. recall':>16} {'cand/query':>10}"
    )
    for t in THRESHOLDS:
        p, r, c, n = merge_metrics(decided, t)
        mark = "  <- default" if t == near.THRESHOLD else ""
        print(f"{t:9.2f} {p:9.4f} {r:7.4f} {c:16.4f} {n:10.2f}{mark}")


def kinds_table(decided: list[Decided]) -> None:
    t = near.THRESHOLD
    print(f"\n3. Per kind at the default threshold {t} (res.: lowest resemblance of a variant to")
    print("   its original, or highest of a negative to any other story)")
    print(f"{'kind':<30} {'queries':>7} {'merged right':>12} {'wrong':>6} {'res.':>12}")
    by_kind: dict[str, list[Decided]] = defaultdict(list)
    for d in decided:
        by_kind[d.query.kind].append(d)
    for kind, ds in by_kind.items():
        right = wrong = 0
        for d in ds:
            above = {sid: r for sid, r in d.candidates.items() if r >= t}
            if above:
                best = max(above, key=lambda sid: above[sid])
                right += best == d.query.origin
                wrong += best != d.query.origin
        if ds[0].query.origin is not None:
            lows = [d.to_origin for d in ds if d.to_origin]  # articles too short: no fingerprint
            res = f"min {min(lows):.3f}"
        else:
            res = f"max {max(max(d.candidates.values(), default=0.0) for d in ds):.3f}"
        print(f"{kind:<30} {len(ds):7d} {right:12d} {wrong:6d} {res:>12}")


def false_candidates(decided: list[Decided]) -> float:
    """Candidates of an article among the others, per 1,000 stored stories: what banding
    makes the store confirm in vain."""
    leave_one_out = [d for d in decided if d.query.kind == "different article"]
    others = len(leave_one_out) - 1
    return 1000 * statistics.mean(len(d.candidates) for d in leave_one_out) / others


def lsh_choices(data: EvaluationSet) -> None:
    t = near.THRESHOLD
    print(f"\n4. LSH bands x rows (threshold {t}; band rows stored per story = bands; P(J): chance")
    print("   that a pair of that resemblance is a candidate, 1-(1-J^rows)^bands)")
    print(
        f"{'bands x rows':>12} {'cand. recall':>12} {'recall':>7} {'P(0.5)':>7} {'P(0.3)':>7} "
        f"{'P(0.1)':>7} {'false cand./1k stories':>22}"
    )
    for bands, rows in ((8, 2), (16, 2), (32, 2), (10, 3), (20, 3), (32, 3), (16, 4), (32, 4)):

        def fingerprint(
            text: str, shared: frozenset[str], b: int = bands, r: int = rows
        ) -> near.Fingerprint | None:
            paras = near.paragraphs(text, shared)
            if sum(len(p) for p in paras) < near.MIN_TOKENS:
                return None
            hashes = frozenset(near.shingle_hashes(paras))
            return near.Fingerprint(hashes, near.bands_of(hashes, b, r))

        decided = decide_all(data, fingerprint)
        _, r, c, _ = merge_metrics(decided, t)
        curve = [1 - (1 - j**rows) ** bands for j in (0.5, 0.3, 0.1)]
        print(
            f"{bands:>6} x {rows:<3} {c:12.4f} {r:7.4f} {curve[0]:7.3f} {curve[1]:7.3f} "
            f"{curve[2]:7.3f} {false_candidates(decided):22.2f}"
        )


def _bands_from_signature(sig: Iterable[int], bands: int, rows: int) -> tuple[int, ...]:
    values = list(sig)
    out = []
    for b in range(bands):
        data = repr((b, values[b * rows : (b + 1) * rows])).encode()
        out.append(int.from_bytes(blake2b(data, digest_size=8).digest(), "little") >> 1)
    return tuple(out)


def minhash_libraries(data: EvaluationSet, texts500: list[str]) -> None:
    print(
        f"\n5. MinHash implementations ({near.BANDS} bands x {near.ROWS} rows, threshold {near.THRESHOLD})"
    )
    print(
        f"{'implementation':<32} {'µs/500w (MinHash only)':>22} {'µs/500w (all)':>13} {'cand. recall':>12}"
    )
    perms = near.BANDS * near.ROWS

    def shingle_strings(text: str, shared: frozenset[str] = frozenset()) -> list[str] | None:
        paras = near.paragraphs(text, shared)
        if sum(len(p) for p in paras) < near.MIN_TOKENS:
            return None
        size = near.SHINGLE_WORDS
        return [" ".join(w[i : i + size]) for w in paras for i in range(max(len(w) - size + 1, 1))]

    prepared = [near.shingle_hashes(near.paragraphs(t)) for t in texts500]
    own_only = per_call(lambda h: near.bands_of(h), prepared) * 1e6  # type: ignore[arg-type]
    own_all = per_call(near.fingerprint, texts500) * 1e6
    c = merge_metrics(decide_all(data, near.fingerprint), near.THRESHOLD)[2]
    print(f"{'own one-permutation (CRC-32)':<32} {own_only:22.0f} {own_all:13.0f} {c:12.4f}")

    libraries: list[tuple[str, Callable[[list[str]], list[int]]]] = []
    if importlib.util.find_spec("datasketch"):
        import datasketch  # type: ignore[import-not-found,import-untyped,unused-ignore]

        version = importlib.metadata.version("datasketch")

        def ds_sig(strings: list[str]) -> list[int]:
            m = datasketch.MinHash(num_perm=perms, seed=1)
            m.update_batch([s.encode() for s in strings])
            return [int(v) for v in m.hashvalues]

        libraries.append((f"datasketch {version}", ds_sig))
    if importlib.util.find_spec("rensa"):
        import rensa  # type: ignore[import-not-found,import-untyped,unused-ignore]

        version = importlib.metadata.version("rensa")

        def rensa_sig(strings: list[str]) -> list[int]:
            m = rensa.RMinHash(num_perm=perms, seed=1)
            m.update(strings)
            return list(m.digest())

        libraries.append((f"rensa {version}", rensa_sig))
    for label, sig in libraries:
        strings = [shingle_strings(t) or [] for t in texts500]
        only = per_call(sig, strings) * 1e6  # type: ignore[arg-type]

        def fingerprint(
            text: str,
            shared: frozenset[str] = frozenset(),
            sig: Callable[[list[str]], list[int]] = sig,
        ) -> near.Fingerprint | None:
            s = shingle_strings(text, shared)
            if s is None:
                return None
            bands = _bands_from_signature(sig(s), near.BANDS, near.ROWS)
            return near.Fingerprint(frozenset(_h32(x) for x in s), bands)

        full = per_call(fingerprint, texts500) * 1e6
        c = merge_metrics(decide_all(data, fingerprint), near.THRESHOLD)[2]
        print(f"{label:<32} {only:22.0f} {full:13.0f} {c:12.4f}")
    if not libraries:
        print("(datasketch and rensa not installed: own implementation only)")


def speed_and_size(data: EvaluationSet, texts500: list[str]) -> None:
    print("\n6. Time and storage")
    t = per_call(near.fingerprint, texts500) * 1e6
    paras_t = per_call(near.paragraphs, texts500) * 1e6
    print(
        f"fingerprint() of a 500-word article: {t:.0f} µs (cleaning and normalising: {paras_t:.0f} µs; {len(texts500)} articles)"
    )
    huge = "\n".join(data.pools["articles"]) * 3
    start = time.perf_counter()
    near.fingerprint(huge)
    print(
        f"fingerprint() of a {len(huge.split()):,}-word body (capped at {near.MAX_TOKENS} words): {(time.perf_counter() - start) * 1e3:.1f} ms"
    )
    fps = [fp for fp in map(near.fingerprint, data.pools["articles"]) if fp]
    sizes = sorted(len(near.pack(fp.shingles)) for fp in fps)
    print(
        f"stored shingles per story (pack(), 4 bytes a shingle): mean {statistics.mean(sizes):.0f} B, "
        f"median {sizes[len(sizes) // 2]} B, max {sizes[-1]} B, cap {4 * near.MAX_TOKENS} B; "
        f"plus {near.BANDS} band rows (8-byte value each)"
    )
    none = sum(near.fingerprint(t) is None for t in data.pools["short"])
    print(f"headline-and-one-line bodies without a fingerprint: {none}/{len(data.pools['short'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-compare", action="store_true", help="only sections 2, 3 and 6")
    args = parser.parse_args()
    data = evaluation_set()
    texts500 = articles_of(500)
    positives = sum(q.origin is not None for q in data.queries)
    short = sum(near.fingerprint(t) is None for t in data.pools["articles"])
    print(
        f"{short} of the {len(data.pools['articles'])} articles are shorter than MIN_TOKENS: exact keys only"
    )
    print(
        f"{len(data.queries)} queries: {positives} planted variants of {len(data.pools['articles'])} "
        f"real articles, {len(data.queries) - positives} negatives; shingles of {near.SHINGLE_WORDS} "
        f"words, MIN_TOKENS {near.MIN_TOKENS}, THRESHOLD {near.THRESHOLD}"
    )
    if not args.skip_compare:
        compare_shingling(data, texts500)
    decided = decide_all(data, near.fingerprint)
    merge_table(decided)
    kinds_table(decided)
    if not args.skip_compare:
        lsh_choices(data)
        minhash_libraries(data, texts500)
    speed_and_size(data, texts500)


if __name__ == "__main__":
    main()
