"""Benchmark: `nashra once` side by side with lemon24/reader on the same loopback feeds.

    python bench/reader_side.py [--feeds 1000] [--items 50] [--changed 0.1] [--repeat 1]

FEEDS RSS feeds of ITEMS real Arabic stories each (the corpus of bench/fetch.py)
are written as files and served by Debian's nginx on 127.0.0.1 .. 127.0.0.8
(ETag and Last-Modified from nginx, so a conditional GET gets a 304; the Python
server of bench/fetch.py when nginx is missing). reader 3.26 runs in the
benchmark's own virtual environment (bench/out/reader-venv, created with
``pip install reader==3.26`` on first use), with its own database; each step is
a process of its own, timed from its start to its exit:

  all new      reader: add every feed, ``update_feeds(scheduled=False)``;
               nashra: ``nashra once`` with an empty store (fetch, parse,
               dedup, store, publish);
  unchanged    both again, nothing changed upstream (every feed answers 304);
  N % changed  a share of the feeds rewritten with 5 new stories; both again.

nashra's own modules are byte-compiled first, as installing a wheel does (and as
reader's were when pip installed it): an editable install run with
PYTHONDONTWRITEBYTECODE set would otherwise compile them at every start.

Prints the wall time of each and nashra/reader per round (goals: <= 0.5 on the
unchanged round, below 1 on the other two). With ``--repeat``, the unchanged
round is run that many times and the best time of each is kept; with ``--before
TREE``, the nashra of another source tree (a checkout of main) is timed too, in
the same run, with a store of its own.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NASHRA = str(Path(sys.executable).with_name("nashra"))
OUT = ROOT / "bench" / "out" / "reader_side"
VENV = ROOT / "bench" / "out" / "reader-venv"
READER_VERSION = "3.26"
STEP_TIMEOUT = 1800

READER_SCRIPT = """\
import sys, time
from reader import make_reader
db, urls, add = sys.argv[1], sys.argv[2], sys.argv[3] == "add"
reader = make_reader(db)
if add:
    for url in open(urls).read().split():
        reader.add_feed(url, exist_ok=True)
reader.update_feeds(scheduled=False)
counts = reader.get_entry_counts()
print(f"reader: {counts.total} entries")
"""


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def reader_python() -> str:
    """The reader venv's Python, made on first use."""
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", f"reader=={READER_VERSION}", "sgmllib3k"],
            check=True,
        )
    return str(python)


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, str]:
    """Wall seconds of a command, from its start to its exit, and its last line."""
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=cwd, stdout=subprocess.PIPE, text=True, timeout=STEP_TIMEOUT, check=False,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    lines = done.stdout.strip().splitlines()
    if done.returncode not in (0, 1) or (done.returncode and "nashra" not in command[0]):
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stdout[-2000:]}")
    return elapsed, lines[-1] if lines else ""


def byte_compile(tree: Path) -> None:
    """Compile the nashra source tree ``tree`` as an install would."""
    for package in ("feeds", "sources"):
        compileall.compile_dir(tree / package, quiet=1)
    compileall.compile_file(tree / "scheduler.py", quiet=1)


def write_feeds(corpus: Any, www: Path) -> None:
    folder = www / "feed"
    folder.mkdir(parents=True, exist_ok=True)
    for feed in range(corpus.feeds):
        path = folder / f"{feed}.xml"
        body = corpus.body(feed)[0]
        if not path.exists() or path.read_bytes() != body:
            temp = path.with_suffix(".tmp")
            temp.write_bytes(body)
            os.replace(temp, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--changed", type=float, default=0.1)
    parser.add_argument("--repeat", type=int, default=1, help="runs of the unchanged round")
    parser.add_argument(
        "--before",
        metavar="TREE",
        help="also time the nashra of this source tree (PYTHONPATH), e.g. a checkout of main",
    )
    args = parser.parse_args()
    fetch, steady = _load("fetch"), _load("steady")
    for tree in [ROOT, *([Path(args.before)] if args.before else [])]:
        byte_compile(tree)
    python = reader_python()
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    corpus = fetch.Corpus(args.feeds, args.items, steady.HOSTS, args.changed)
    write_feeds(corpus, OUT / "www")
    use_nginx = os.path.exists(steady.NGINX)
    if use_nginx:
        prefix = OUT / "nginx"
        prefix.mkdir()
        server, port = steady.start_nginx(prefix, OUT / "www")
        served = "nginx"
    else:
        options = ["--feeds", str(args.feeds), "--items", str(args.items)]
        options += ["--hosts", str(steady.HOSTS), "--changed", str(args.changed)]
        server, port = fetch.start_server(options, OUT / "port")
        served = "the Python server of bench/fetch.py (nginx missing)"
    script = OUT / "reader_update.py"
    script.write_text(READER_SCRIPT)
    urls = OUT / "urls.txt"
    urls.write_text("\n".join(corpus.url(f, port) for f in range(args.feeds)))
    (OUT / "nashra.toml").write_text(fetch._config(corpus, port), "utf-8")
    db = str(OUT / "reader.sqlite")
    nashra = [NASHRA, "--log-level", "warning", "once", "-q"]
    before = OUT / "before"
    if args.before:
        before.mkdir()
        shutil.copy(OUT / "nashra.toml", before / "nashra.toml")
    rows: list[tuple[str, float, float, float, str, str]] = []
    try:
        print(f"{args.feeds} feeds x {args.items} items served by {served}, port {port}")

        def round_(label: str, add: bool = False, times: int = 1) -> None:
            best_r = best_n = best_b = float("inf")
            out_r = out_n = ""
            for _ in range(times):
                seconds, out_r = timed(
                    [python, str(script), db, str(urls), "add" if add else ""], OUT
                )
                best_r = min(best_r, seconds)
                seconds, out_n = timed(nashra, OUT)
                best_n = min(best_n, seconds)
                if args.before:
                    seconds, _ = timed(nashra, before, {"PYTHONPATH": args.before})
                    best_b = min(best_b, seconds)
            rows.append((label, best_r, best_n, best_b, out_r, out_n))

        round_("all new", add=True)
        round_("unchanged (all 304)", times=args.repeat)
        if not use_nginx:
            import httpx

            httpx.get(f"http://127.0.0.1:{port}/round/2", timeout=10).raise_for_status()
        corpus.round = 2
        write_feeds(corpus, OUT / "www")
        round_(f"{args.changed:.0%} changed")
    finally:
        server.send_signal(signal.SIGQUIT if use_nginx else signal.SIGTERM)
        server.wait(timeout=10)

    print()
    for label, _, _, _, out_r, out_n in rows:
        print(f"  {label}: {out_r} | nashra: {out_n}")
    print()
    extra = f" {'before s':>9} {'before/reader':>14}" if args.before else ""
    print(f"{'round':<22} {'reader s':>9} {'nashra s':>9} {'nashra/reader':>14} {'goal':>6}{extra}")
    for label, r, n, b, _, _ in rows:
        goal = "<= 0.5" if label.startswith("unchanged") else "< 1"
        extra = f" {b:>9.2f} {b / r:>14.2f}" if args.before else ""
        print(f"{label:<22} {r:>9.2f} {n:>9.2f} {n / r:>14.2f} {goal:>6}{extra}")


if __name__ == "__main__":
    main()
