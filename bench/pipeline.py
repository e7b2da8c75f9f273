"""Benchmark: `nashra once` over a generated corpus of Arabic source files.

    python bench/pipeline.py [--files 1000] [--stories 20] [--out bench/out/pipeline]

Generates FILES source files (bulletins, with every tenth a JSON Lines file) holding
STORIES stories each, from real Arabic sentences shipped in the repository, then runs
`nashra once` twice in a subprocess: a first run (everything new) and a second run with
nothing changed. Prints wall time, stories per second and peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NASHRA = str(Path(sys.executable).with_name("nashra"))


def sentences() -> list[str]:
    """Real Arabic sentences from the repository's examples and fixtures."""
    texts = [(ROOT / "examples" / "bulletin-libya.txt").read_text("utf-8")]
    for line in (ROOT / "examples" / "goud.jsonl").read_text("utf-8").splitlines():
        texts.append(json.loads(line)["body"])
    for path in sorted((ROOT / "tests" / "data" / "bulletins").glob("*.txt")):
        texts.append(path.read_text("utf-8"))
    found: list[str] = []
    for text in texts:
        for part in re.split(r"(?<=[.!؟])\s+", text):
            words = part.split()
            if 8 <= len(words) <= 60 and part.endswith((".", "؟", "!")) and "سياق" not in part:
                found.append(" ".join(words))
    return sorted(set(found))


def make_corpus(folder: Path, files: int, stories: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    pool = sentences()
    folder.mkdir(parents=True)
    total = 0
    for f in range(files):
        records = []
        for s in range(stories):
            words = rng.choice(pool).split()[:9]
            headline = " ".join(words).rstrip(".،,؛:") + f" {f}-{s}"
            paragraphs = [" ".join(rng.sample(pool, 2)) for _ in range(rng.randint(2, 4))]
            records.append((headline, paragraphs))
            total += 1
        if f % 10 == 9:
            lines = [
                json.dumps(
                    {"id": f"{f}-{s}", "title": h, "body": "\n\n".join(p)}, ensure_ascii=False
                )
                for s, (h, p) in enumerate(records)
            ]
            (folder / f"feed-{f:04d}.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
        else:
            blocks = [h + "\n" + "\n".join(p) for h, p in records]
            (folder / f"bulletin-{f:04d}.txt").write_text("\n---\n".join(blocks) + "\n", "utf-8")
    return total


CONFIG = """\
[site]
title = "نشرة القياس"
base_url = "https://bench.example.org/"
timezone = "Africa/Tripoli"

[[sources]]
name = "bulletins"
path = "corpus/*.txt"

[[sources]]
name = "records"
path = "corpus/*.jsonl"

[[feeds]]
name = "all"
title = "كل الأخبار"
sources = "*"

[[feeds]]
name = "bulletins"
title = "النشرات"
sources = ["bulletins"]
"""


def run(site: Path) -> tuple[float, int, str]:
    """Run `nashra once`; return wall seconds, peak RSS in KiB and the summary line."""
    started = time.perf_counter()
    proc = subprocess.Popen([NASHRA, "once", "-q"], cwd=site, stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    out = proc.stdout.read() if proc.stdout else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"nashra once failed: {out}")
    return elapsed, usage.ru_maxrss, out.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--stories", type=int, default=20)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "pipeline")
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    total = make_corpus(args.out / "corpus", args.files, args.stories)
    (args.out / "nashra.toml").write_text(CONFIG, "utf-8")
    print(f"corpus: {args.files} files, {total} stories")
    rows = []
    for label in ("first run (all new)", "second run (unchanged)"):
        seconds, rss_kib, summary = run(args.out)
        rows.append((label, seconds, total / seconds, rss_kib / 1024))
        print(f"  {label}: {summary}")
    print()
    print(f"{'run':<24} {'wall s':>8} {'stories/s':>10} {'peak RSS MB':>12}")
    for label, seconds, rate, rss in rows:
        print(f"{label:<24} {seconds:>8.2f} {rate:>10.0f} {rss:>12.1f}")
    print(f"{'second/first':<24} {rows[1][1] / rows[0][1]:>8.3f}")


if __name__ == "__main__":
    main()
