"""Benchmark: how well bulletins as newsrooms write them come back as stories.

    python bench/bulletins.py [--seed 13] [--bulletins 12] [--out DIR] [--show-failures N]

Generates bulletins from real stories (``bench/bulletin_corpus.py``): BULLETINS
of each convention and three times as many random mixes, each written as
``.txt``, ``.docx`` and ``.html``, parses every file with
``sources.files.parse_file`` and prints, per convention and format:

- ``stories``: stories in the bulletins, ``found``: items the parser gave;
- ``recall``: share of the stories found, ``precision``: share of the items that
  are a story. An item *is* a story when the tokens of its body, normalised with
  ``sources.arabic.normalize_key``, overlap those of the story's body with a
  Jaccard index of at least ``MATCH`` (0.8); each item matches one story at
  most, best overlaps first;
- ``titles``: share of the found stories whose title is clean: equal to the
  headline after ``normalize_key`` (so without numbering, bullet or dateline),
  or, for a headline-less story, a start of its lead without the dateline (the
  headline rule may cut it: a final ``…`` is set aside);
- ``bodies``: share of the found stories whose body text equals the story's
  paragraphs after ``normalize_key`` (dateline kept, topic-shift phrase gone,
  nothing of a header, separator, headline or closing line in it);
- ``dated``: share of the found stories with a date (a dateline's, else the
  header's) that got that day; ``credited``: share of those with a dateline
  whose author names its agency ("-": none in the row);
- ``errors``: files the parser refused (a format it does not read yet is such
  an error, never a crash of the benchmark).

The goal is every figure at least 0.95 on the mixes, and the sample bulletin
still giving its three stories: both are checked and printed at the end.
``--out`` keeps the generated files (and ``truth.jsonl``) for inspection;
``--show-failures N`` prints N misses, expected against got. The exit status
is 1 when the sample bulletin does not give its three stories.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository is the import root
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bulletin_corpus import (
    CONVENTIONS,
    FORMATS,
    SAMPLES,
    TZ,
    Bulletin,
    Truth,
    Written,
    load_pool,
    make_bulletins,
    sample_truth,
    write,
)
from sources.arabic import normalize_key
from sources.base import Context
from sources.errors import NashraError
from sources.files import parse_file
from sources.html import html_to_text
from sources.item import Item

MATCH = 0.8
"""Least token Jaccard index between an item's body and a story's for them to match."""
GOAL = 0.95
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
"""The clock of the run: every generated bulletin is older."""

# -- scoring --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Got:
    """What the parser gave for one item, as text."""

    title: str
    body: str
    author: str | None = None
    day: date | None = None


def got_of(item: Item) -> Got:
    published = item.published.astimezone(TZ).date() if item.published else None
    return Got(item.title, html_to_text(item.body), item.author, published)


def tokens(text: str) -> frozenset[str]:
    return frozenset(normalize_key(text).split())


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def truth_body(truth: Truth) -> str:
    return "\n\n".join(truth.paragraphs)


def match(truths: Sequence[Truth], gots: Sequence[Got]) -> list[tuple[int, int]]:
    """Pairs (story, item) whose bodies overlap by ``MATCH`` or more, one-to-one, best first."""
    wanted = [tokens(truth_body(t)) for t in truths]
    given = [tokens(g.body) for g in gots]
    pairs = sorted(
        (
            (-jaccard(w, g), i, j)
            for i, w in enumerate(wanted)
            for j, g in enumerate(given)
            if jaccard(w, g) >= MATCH
        ),
    )
    used_t: set[int] = set()
    used_g: set[int] = set()
    out = []
    for _, i, j in pairs:
        if i not in used_t and j not in used_g:
            used_t.add(i)
            used_g.add(j)
            out.append((i, j))
    return sorted(out)


def clean_title(truth: Truth, got: Got) -> bool:
    """The headline after ``normalize_key``; for a headline-less story, a start of its
    lead (dateline and topic-shift phrase left out) on a word boundary."""
    title = normalize_key(got.title)
    if truth.title is not None:
        return title == normalize_key(truth.title)
    cut = normalize_key(got.title.rstrip().removesuffix("…"))
    lead = normalize_key(truth.lead)
    return bool(cut) and (lead == cut or lead.startswith(cut + " "))


def right_body(truth: Truth, got: Got) -> bool:
    return normalize_key(got.body) == normalize_key(truth_body(truth))


@dataclass(slots=True)
class Score:
    """Counts over bulletins; the figures are shares of them."""

    files: int = 0
    stories: int = 0
    found: int = 0
    matched: int = 0
    clean: int = 0
    right: int = 0
    to_date: int = 0
    dated: int = 0
    to_credit: int = 0
    credited: int = 0
    errors: int = 0
    first_error: str = ""

    def add(self, other: Score) -> None:
        for name in (
            "files",
            "stories",
            "found",
            "matched",
            "clean",
            "right",
            "to_date",
            "dated",
            "to_credit",
            "credited",
            "errors",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.first_error = self.first_error or other.first_error

    @staticmethod
    def share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def recall(self) -> float | None:
        return self.share(self.matched, self.stories)

    @property
    def precision(self) -> float | None:
        return self.share(self.matched, self.found)

    @property
    def titles(self) -> float | None:
        return self.share(self.clean, self.matched)

    @property
    def bodies(self) -> float | None:
        return self.share(self.right, self.matched)

    @property
    def figures(self) -> tuple[float | None, ...]:
        return (self.recall, self.precision, self.titles, self.bodies)


@dataclass(frozen=True, slots=True)
class Failure:
    """One miss: what was expected and what came out."""

    kind: str
    """``missed`` story, ``extra`` item, unclean ``title``, wrong ``body``, ``error``."""
    file: str
    expected: str
    got: str


def score(
    truths: Sequence[Truth], gots: Sequence[Got], file: str = ""
) -> tuple[Score, list[Failure]]:
    """The score of one parsed bulletin, and its failures."""
    pairs = match(truths, gots)
    out = Score(files=1, stories=len(truths), found=len(gots), matched=len(pairs))
    failures: list[Failure] = []
    for i, j in pairs:
        truth, got = truths[i], gots[j]
        if clean_title(truth, got):
            out.clean += 1
        else:
            expected = truth.title if truth.title is not None else f"(from lead) {truth.lead}"
            failures.append(Failure("title", file, _short(expected), got.title))
        if right_body(truth, got):
            out.right += 1
        else:
            failures.append(Failure("body", file, *_difference(truth_body(truth), got.body)))
        if truth.day is not None:
            out.to_date += 1
            out.dated += got.day == truth.day
        if truth.agency is not None:
            out.to_credit += 1
            out.credited += bool(got.author) and normalize_key(truth.agency) in normalize_key(
                got.author or ""
            )
    found_t = {i for i, _ in pairs}
    found_g = {j for _, j in pairs}
    for i, truth in enumerate(truths):
        if i not in found_t:
            best = max(
                gots, key=lambda g: jaccard(tokens(g.body), tokens(truth_body(truth))), default=None
            )
            closest = f"{best.title} | {_short(best.body)}" if best else "(no item)"
            expected = f"{truth.title or '(no headline)'} | {_short(truth_body(truth))}"
            failures.append(Failure("missed", file, expected, f"closest: {closest}"))
    for j, got in enumerate(gots):
        if j not in found_g:
            failures.append(
                Failure("extra", file, "(no such story)", f"{got.title} | {_short(got.body)}")
            )
    return out, failures


def _short(text: str, words: int = 12) -> str:
    parts = " ".join(text.split()).split(" ")
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _difference(expected: str, got: str, context: int = 5) -> tuple[str, str]:
    """Where two texts first differ, a few words either side (compared normalised)."""
    a, b = normalize_key(expected).split(), normalize_key(got).split()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag != "equal":
            start_a, start_b = max(i1 - context, 0), max(j1 - context, 0)
            return (
                f"…{' '.join(a[start_a : i2 + context])}… ({tag} at word {i1})",
                f"…{' '.join(b[start_b : j2 + context])}…",
            )
    return ("", "")


# -- running -----------------------------------------------------------------------------


@dataclass(slots=True)
class Results:
    """Scores and failures by (convention, format)."""

    scores: dict[tuple[str, str], Score] = field(default_factory=dict)
    failures: dict[tuple[str, str], list[Failure]] = field(default_factory=dict)


def run_one(written: Written, ctx: Context, out: Path) -> tuple[Score, list[Failure]]:
    shown = (
        str(written.path.relative_to(out))
        if written.path.is_relative_to(out)
        else str(written.path)
    )
    try:
        parsed = parse_file(str(written.path), ctx)
    except NashraError as exc:
        message = str(exc)
        return _failed(written.bulletin, message), [Failure("error", shown, "", message)]
    except Exception as exc:  # a crash of the parser is a result, not the end of the bench
        message = f"crash: {type(exc).__name__}: {exc}"
        return _failed(written.bulletin, message), [Failure("error", shown, "", message)]
    result, failures = score(written.bulletin.stories, [got_of(i) for i in parsed.items], shown)
    if parsed.errors:
        result.first_error = str(parsed.errors[0])
        failures.append(Failure("error", shown, "", result.first_error))
    return result, failures


def _failed(bulletin: Bulletin, message: str) -> Score:
    return Score(files=1, stories=len(bulletin.stories), errors=1, first_error=message)


def run(bulletins: Sequence[Bulletin], out: Path, formats: Sequence[str]) -> Results:
    ctx = Context(tz=TZ, now=NOW, base_dir=str(out))
    titles = [s.title for b in bulletins for s in b.stories if s.title]
    results = Results()
    truth_file = (out / "truth.jsonl").open("w", encoding="utf-8")
    with truth_file:
        for number, bulletin in enumerate(bulletins):
            others = [titles[(number * 7 + k * 13) % len(titles)] for k in range(5)]
            truth_file.write(json.dumps(_truth_record(bulletin), ensure_ascii=False) + "\n")
            for fmt in formats:
                key = (bulletin.convention, fmt)
                written = write(bulletin, out, fmt, others)
                result, failures = run_one(written, ctx, out)
                results.scores.setdefault(key, Score()).add(result)
                results.failures.setdefault(key, []).extend(failures)
    return results


def _truth_record(bulletin: Bulletin) -> dict[str, object]:
    return {
        "name": bulletin.name,
        "convention": bulletin.convention,
        "style": asdict(bulletin.style),
        "stories": [
            {**asdict(s), "day": s.day.isoformat() if s.day else None} for s in bulletin.stories
        ],
    }


# -- printing ----------------------------------------------------------------------------

_HEAD = (
    f"{'convention':<14}{'format':<7}{'files':>6}{'stories':>8}{'found':>7}"
    f"{'recall':>8}{'precis.':>8}{'titles':>8}{'bodies':>8}{'dated':>7}{'credit':>7}{'errors':>7}"
)


def _fig(value: float | None, width: int = 8) -> str:
    return f"{'-' if value is None else f'{value:.2f}':>{width}}"


def row(name: str, fmt: str, s: Score) -> str:
    line = (
        f"{name:<14}{fmt:<7}{s.files:>6}{s.stories:>8}{s.found:>7}"
        + "".join(_fig(v) for v in s.figures)
        + _fig(Score.share(s.dated, s.to_date), 7)
        + _fig(Score.share(s.credited, s.to_credit), 7)
        + f"{s.errors:>7}"
    )
    if s.errors == s.files and s.files:
        line += f"  error: {s.first_error[:70]}"
    return line


def table(results: Results, formats: Sequence[str]) -> list[str]:
    lines = [_HEAD, "-" * len(_HEAD)]
    for convention in (*CONVENTIONS, "mix"):
        for fmt in formats:
            s = results.scores.get((convention, fmt))
            if s is not None:
                lines.append(row(convention, fmt, s))
        if convention == "mix":
            total = Score()
            for fmt in formats:
                total.add(results.scores.get(("mix", fmt), Score()))
            lines.append(row("mix", "all", total))
    return lines


def goal(results: Results, formats: Sequence[str]) -> list[str]:
    out = []
    for fmt in formats:
        s = results.scores.get(("mix", fmt))
        if s is None:
            continue
        low = [
            name
            for name, value in zip(
                ("recall", "precision", "titles", "bodies"), s.figures, strict=True
            )
            if value is None or value < GOAL
        ]
        verdict = "met" if not low else "not met (" + ", ".join(low) + f" < {GOAL})"
        out.append(f"goal on mixes, {fmt}: {verdict}")
    return out


def sample_check(samples: Path, out: Path) -> tuple[bool, list[str]]:
    """The sample bulletin must still give its three stories, with clean titles and right bodies."""
    path = samples / "bulletin-libya.txt"
    truths = sample_truth(path)
    ctx = Context(tz=TZ, now=NOW, base_dir=str(out))
    try:
        items = parse_file(str(path), ctx).items
    except NashraError as exc:
        return False, [f"sample bulletin: error: {exc}"]
    gots = [got_of(i) for i in items]
    result, _ = score(truths, gots, path.name)
    ok = len(gots) == 3 and result.matched == result.clean == result.right == 3
    lines = [
        f"sample bulletin {path.name}: {len(gots)} stories (3 expected), "
        f"{result.matched} found, {result.clean} clean titles, {result.right} right bodies: "
        + ("OK" if ok else "FAILED")
    ]
    lines += [f"  {n}. {g.title}  [{len(g.body.split())} words]" for n, g in enumerate(gots, 1)]
    return ok, lines


def show_failures(results: Results, count: int) -> list[str]:
    """``count`` failures, taken in turn from each (convention, format), mixes first."""
    keys = sorted(results.failures, key=lambda k: (k[0] != "mix", k))
    queues = {k: _one_error(results.failures[k]) for k in keys}
    lines: list[str] = []
    while len(lines) < count and any(queues.values()):
        for key in keys:
            if queues[key] and len(lines) < count:
                f = queues[key].pop(0)
                lines.append(
                    f"[{key[0]}/{key[1]}] {f.kind} in {f.file}\n"
                    f"    expected: {f.expected}\n    got:      {f.got}"
                )
    return lines


def _one_error(failures: list[Failure]) -> list[Failure]:
    """The failures with only the first file error: the others repeat it."""
    errors = [f for f in failures if f.kind == "error"]
    return [f for f in failures if f.kind != "error"] + errors[:1]


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--bulletins", type=int, default=12, help="bulletins per convention (mixes: three times)"
    )
    parser.add_argument("--out", type=Path, help="keep the generated files in this folder")
    parser.add_argument("--show-failures", type=int, default=0, metavar="N")
    parser.add_argument("--samples", type=Path, default=SAMPLES, help="the folder of real samples")
    parser.add_argument("--formats", default=",".join(FORMATS), help="comma-separated")
    args = parser.parse_args(list(argv) if argv is not None else None)
    formats = [f for f in args.formats.split(",") if f]
    started = time.monotonic()
    pool = load_pool(args.samples)
    bulletins = make_bulletins(pool, CONVENTIONS, args.bulletins, args.seed)
    bulletins += make_bulletins(pool, ("mix",), 3 * args.bulletins, args.seed + 1)
    with tempfile.TemporaryDirectory(prefix="bulletins-") as scratch:
        out = args.out or Path(scratch)
        out.mkdir(parents=True, exist_ok=True)
        results = run(bulletins, out.resolve(), formats)
        ok, sample = sample_check(args.samples, out)
    print(
        f"{len(bulletins)} bulletins × {len(formats)} formats from {len(pool)} real stories, "
        f"seed {args.seed}; a story is found when its body's tokens overlap an item's by ≥ {MATCH}"
    )
    print("\n".join(table(results, formats)))
    print()
    print("\n".join(goal(results, formats)))
    print("\n".join(sample))
    if args.show_failures:
        print(f"\nfailures ({args.show_failures} shown):")
        print("\n".join(show_failures(results, args.show_failures)))
    if args.out:
        print(f"\nfiles and truth.jsonl kept in {args.out}")
    print(f"\n{time.monotonic() - started:.1f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
