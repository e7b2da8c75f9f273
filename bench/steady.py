"""Benchmark: `nashra run` in steady state, feeds served as static files by nginx.

    python bench/steady.py                      # 10,000 sources every 30 s, 3 minutes
    python bench/steady.py --long               # 10 minutes
    python bench/steady.py --sources 20000 --interval 60 --seconds 300

N URL sources (RSS feeds of 5 real Arabic stories each) are written as files and
served by Debian's nginx on 127.0.0.1 .. 127.0.0.8 (a child process with a
temporary prefix and configuration, access log on; nginx's own ETag and
Last-Modified make conditional GETs answer 304). When nginx is missing, the
Python server of bench/fetch.py is used instead, and the table says so.

First every source is polled once with ``nashra once`` (everything new, 5
stories each; its time and CPU are printed), then the sources' next polls are
spread evenly over one interval from then (``spread``), so that the timed daemon
run is in steady state from its first second. The daemon run has two phases:

  quiet   QUIET seconds where nothing changes: every poll is a 304;
  mixed   the rest: every second, 1/INTERVAL of a CHANGED share (10 %) of the
          feeds is rewritten with two new stories, so that each cycle 10 % of the
          polls find a change and 90 % answer 304.

Printed, per minute of the run: polls per second, how many were 304 and changed
(200), the CPU milliseconds per poll of the daemon and its child processes (the
feed renderer, parsers), p50/p99 scheduling lag (actual
start minus planned start), resident memory (the daemon and its children). Then the CPU cost per kind of poll:
a 304 is what the daemon's CPU (read from /proc every second) costs per poll in
the quiet phase; a changed poll is what the mixed phase costs beyond its 304s
(CPU - n304 x cost304) divided by its changed polls (the feed rebuilds a burst of
new stories asks for are counted in it). Last, whether the last minute's
throughput is within 10 % of the best minute (the goal: flat).

With demand (sources / interval) above the daemon's ceiling, polls per second is
the ceiling and lag grows; below it, polls per second is the demand.
"""

from __future__ import annotations

import argparse
import contextlib
import email.utils
import html
import importlib.util
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NASHRA = str(Path(sys.executable).with_name("nashra"))
OUT = ROOT / "bench" / "out" / "steady"
NGINX = "/usr/sbin/nginx"
HOSTS = 8
ITEMS = 5
NEW_PER_CHANGE = 2
EPOCH = 1_795_000_000
TICKS = os.sysconf("SC_CLK_TCK")


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the feeds -------------------------------------------------------------------------


class Feeds:
    """Feed files under ``root/feed/N.xml``; version v holds stories 2v .. 2v+4."""

    def __init__(self, root: Path, count: int) -> None:
        self.root, self.count = root / "feed", count
        pool: list[str] = _load("pipeline").sentences()
        self.words = sorted({w.strip(".،,؛:؟!") for line in pool for w in line.split()} - {""})
        self.versions = [0] * count
        self.added: dict[tuple[int, int], float] = {}
        self.root.mkdir(parents=True, exist_ok=True)

    def write(self, feed: int) -> None:
        version = self.versions[feed]
        entries = []
        for number in range(NEW_PER_CHANGE * version + ITEMS - 1, NEW_PER_CHANGE * version - 1, -1):
            rng = random.Random(feed * 100_003 + number)
            # distinct stories: words drawn from real Arabic sentences, so that
            # near-duplicate detection finds no cluster (one story, one outlet)
            title = " ".join(rng.sample(self.words, 9)) + f" {feed}-{number}"
            body = "".join(
                f"<p>{html.escape(' '.join(rng.sample(self.words, 30)))}.</p>" for _ in range(2)
            )
            stamp = email.utils.formatdate(self.published(feed, number), usegmt=True)
            entries.append(
                f"<item><title>{html.escape(title)}</title>"
                f"<link>https://site{feed % 97}.example/news/{feed}/{number}</link>"
                f'<guid isPermaLink="false">{feed}-{number}</guid><pubDate>{stamp}</pubDate>'
                f"<description>{html.escape(body)}</description></item>"
            )
        text = (
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>مصدر {feed}</title><link>https://site{feed % 97}.example/</link>"
            f"<description>أخبار</description><language>ar</language>{''.join(entries)}"
            "</channel></rss>\n"
        )
        path = self.root / f"{feed}.xml"
        temp = path.with_suffix(".tmp")
        temp.write_text(text, "utf-8")
        os.replace(temp, path)  # nginx never serves half a file

    def published(self, feed: int, number: int) -> float:
        """A story's date: the seed's stories spread over the days before EPOCH (a
        feed's older stories, four hours apart, each feed at its own minute of the
        day); a story added by a change, the moment it was added, as an outlet
        dates what it publishes now. New stories then land at the top of the
        feeds, and in the newest archive page of each, as in a real day."""
        if number < ITEMS:
            return EPOCH - (ITEMS - number) * 4 * 3600 - (feed * 60) % 86_400
        return self.added.setdefault((feed, number), time.time())

    def change(self, feed: int) -> None:
        self.versions[feed] += 1
        self.write(feed)


class Changer(threading.Thread):
    """Rewrites ``share`` of the feeds per ``interval``, spread evenly over time."""

    def __init__(self, feeds: Feeds, share: float, interval: float) -> None:
        super().__init__(daemon=True)
        self.feeds, self.rate = feeds, feeds.count * share / interval
        self.on = threading.Event()
        self.done = threading.Event()
        self.changed = 0

    def run(self) -> None:
        rng = random.Random(3)
        owed = 0.0
        last = time.monotonic()
        while not self.done.wait(0.2):
            now = time.monotonic()
            if self.on.is_set():
                owed += (now - last) * self.rate
                while owed >= 1:
                    self.feeds.change(rng.randrange(self.feeds.count))
                    self.changed += 1
                    owed -= 1
            last = now


# -- the servers -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def nginx_conf(prefix: Path, root: Path, port: int) -> str:
    listens = "".join(f"    listen 127.0.0.{h}:{port};\n" for h in range(1, HOSTS + 1))
    temps = "".join(
        f"  {kind}_temp_path {prefix / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"worker_processes 1;\ndaemon off;\npid {prefix / 'nginx.pid'};\n"
        f"error_log {prefix / 'error.log'} warn;\n"
        "events { worker_connections 4096; }\n"
        "http {\n"
        "  log_format bench '$msec $status';\n"
        f"  access_log {prefix / 'access.log'} bench buffer=256k flush=1s;\n"
        f"{temps}"
        "  types { application/rss+xml xml; }\n"
        "  keepalive_requests 1000000;\n  keepalive_timeout 75s;\n"
        # cached descriptors stay below the open-file limit (a cache of 20,000 with
        # 30,000 feeds ran nginx out of descriptors: HTTP 500)
        "  open_file_cache max=8000 inactive=60s;\n  open_file_cache_valid 1s;\n"
        "  server {\n"
        f"{listens}"
        f"    root {root};\n"
        "    location / { }\n"
        "  }\n"
        "}\n"
    )


def start_nginx(prefix: Path, root: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_conf(prefix, root, port))
    proc = subprocess.Popen(
        [NGINX, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc, port
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                error = (prefix / "error.log").read_text(errors="replace")[-800:]
                raise SystemExit(f"nginx did not start: {error}") from None
            time.sleep(0.05)


def config(sources: int, port: int, interval: int) -> str:
    return str(_load("scheduler").site_toml(sources, port, lambda _n: interval, width=6))


# -- reading the run -------------------------------------------------------------------


def tree(pid: int) -> list[int]:
    """A process and its descendants (the daemon and its renderer and parser processes)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            with contextlib.suppress(OSError):  # the thread or process just ended
                todo += [int(c) for c in (task / "children").read_text().split()]
    return found


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds so far of a process and its descendants (children
    that exited and were waited for included)."""
    total = 0.0
    for member in tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15]) / TICKS
        except (OSError, IndexError):
            pass
    return total


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants, in MB."""
    total = 0.0
    for member in tree(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            pass
    return total


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


@dataclass
class Second:
    """What one second of the run saw."""

    at: float
    cpu: float
    rss: float
    phase: str
    polls: Counter[str] = field(default_factory=Counter)
    lags: list[float] = field(default_factory=list)


class LogTail:
    """Reads the daemon's JSON log as it grows."""

    def __init__(self, path: Path) -> None:
        self.file = path.open("r", encoding="utf-8")
        self.rest = ""

    def records(self) -> list[dict[str, Any]]:
        self.rest += self.file.read()
        lines = self.rest.split("\n")
        self.rest = lines.pop()
        found = []
        for line in lines:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict):
                found.append(record)
        return found


def kind_of(record: dict[str, Any]) -> str:
    status = record.get("status")
    if status == 304:
        return "304"
    if status == 200:
        return "changed"
    return "other"


# -- the run ---------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", type=int, default=10_000)
    parser.add_argument("--interval", type=int, default=30, help="seconds between polls")
    parser.add_argument("--seconds", type=float, default=180.0, help="length of the run")
    parser.add_argument("--long", action="store_true", help="a 10-minute run")
    parser.add_argument("--quiet", type=float, default=20.0, help="seconds of the all-304 phase")
    parser.add_argument("--changed", type=float, default=0.10, help="share changed per cycle")
    parser.add_argument("--workers", type=int, default=64)
    parser.add_argument("--python-server", action="store_true", help="do not use nginx")
    parser.add_argument("--profile", help="py-spy record the daemon into this SVG/speedscope file")
    args = parser.parse_args()
    seconds = 600.0 if args.long else args.seconds

    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    feeds = Feeds(OUT / "www", args.sources)
    for n in range(args.sources):
        feeds.write(n)
    use_nginx = os.path.exists(NGINX) and not args.python_server
    server_note = "nginx" if use_nginx else "Python server of bench/fetch.py (nginx missing)"
    server: subprocess.Popen[bytes]
    if use_nginx:
        prefix = OUT / "nginx"
        prefix.mkdir()
        server, port = start_nginx(prefix, OUT / "www")
    else:
        print("nginx is missing: serving with the Python server of bench/fetch.py")
        options = ["--feeds", str(args.sources), "--items", str(ITEMS), "--hosts", str(HOSTS)]
        options += ["--changed", str(args.changed)]
        server, port = _load("fetch").start_server(options, OUT / "port")
    (OUT / "nashra.toml").write_text(config(args.sources, port, args.interval), "utf-8")
    first = seed(args.sources)
    spread(OUT / ".state" / "nashra.db", args.interval)
    changer = Changer(feeds, args.changed, args.interval)
    changer.start()
    log_path = OUT / "daemon.log"
    log_path.touch()
    daemon = None
    spy = None
    seconds_seen: list[Second] = []
    renders = 0
    try:
        with log_path.open("w") as log:
            daemon = subprocess.Popen(
                [NASHRA, "--log-format", "json", "run", "--workers", str(args.workers)],
                cwd=OUT, stdout=subprocess.DEVNULL, stderr=log,
            )  # fmt: skip
        if args.profile:
            spy = subprocess.Popen(
                [str(Path(sys.executable).with_name("py-spy")), "record", "-p", str(daemon.pid),
                 "-o", args.profile, "-f", "speedscope", "-r", "50", "--nonblocking"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
        tail = LogTail(log_path)
        started = time.monotonic()
        phase = "quiet"
        while (now := time.monotonic()) - started < seconds:
            time.sleep(max(0.0, 1.0 - (time.monotonic() - now)))
            if daemon.poll() is not None:
                raise SystemExit(f"the daemon exited early ({daemon.returncode}); see {log_path}")
            second = Second(
                time.monotonic() - started, proc_cpu(daemon.pid), rss_mb(daemon.pid), phase
            )
            for record in tail.records():
                if record.get("event") == "render":
                    renders += 1
                if record.get("event") != "poll":
                    continue
                second.polls[kind_of(record)] += 1
                second.lags.append(float(record.get("lag") or 0.0))
            seconds_seen.append(second)
            if phase == "quiet" and second.at >= args.quiet:
                phase = "mixed"
                changer.on.set()
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(timeout=60)
        except subprocess.TimeoutExpired:  # its last rebuild still runs: the table stands
            print("the daemon did not stop within 60 s of SIGTERM (killed)")
            daemon.kill()
    finally:
        changer.done.set()
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            spy.wait(timeout=60)
        if daemon is not None and daemon.poll() is None:
            daemon.kill()
        server.send_signal(signal.SIGTERM if not use_nginx else signal.SIGQUIT)
        server.wait(timeout=10)

    requests = Counter[str]()
    if use_nginx:
        for line in (OUT / "nginx" / "access.log").read_text().splitlines():
            requests[line.rsplit(" ", 1)[-1]] += 1
    report(args, first, seconds_seen, server_note, requests, renders, changer.changed)


def seed(sources: int) -> tuple[float, float]:
    """The first cycle, every feed new, with ``nashra once`` before the daemon starts
    (so that the timed run is steady from its first second): wall and CPU seconds."""
    started = time.monotonic()
    before = os.times()
    subprocess.run(
        [NASHRA, "--log-level", "warning", "once", "-q"], cwd=OUT, check=False,
        stdout=subprocess.DEVNULL, timeout=3600,
    )  # fmt: skip
    after = os.times()
    cpu = after.children_user - before.children_user
    cpu += after.children_system - before.children_system
    return time.monotonic() - started, cpu


STORED = "%Y-%m-%d %H:%M:%S.%f"
"""How the store (SQLite, through SQLAlchemy) writes a date: naive UTC."""


def spread(database: Path, interval: float) -> None:
    """Due times as a daemon that has run for a while has them: spread evenly over
    one interval from now. The seed polls every source within its own few minutes
    (a 100,000-source seed takes longer than a 5-minute interval), which would
    leave the daemon a backlog to drain, then a herd falling due together, instead
    of the steady state the run is timed in."""
    now = datetime.now(UTC).replace(tzinfo=None)
    with contextlib.closing(sqlite3.connect(database)) as db, db:
        names = [name for (name,) in db.execute("SELECT name FROM sources ORDER BY name")]
        rng = random.Random(len(names))
        rng.shuffle(names)  # neighbours share a host: spread them apart as well
        db.executemany(
            "UPDATE sources SET next_poll_at = ? WHERE name = ?",
            [
                ((now + timedelta(seconds=interval * i / len(names))).strftime(STORED), name)
                for i, name in enumerate(names)
            ],
        )


def report(
    args: argparse.Namespace,
    first: tuple[float, float],
    seconds: list[Second],
    server_note: str,
    requests: Counter[str],
    renders: int,
    changed_files: int,
) -> None:
    demand = args.sources / args.interval
    print(
        f"{args.sources} URL sources every {args.interval} s (demand {demand:.0f} polls/s), "
        f"{args.workers} workers, served by {server_note}, {changed_files} feed files rewritten"
    )
    if requests:
        print("requests served: " + ", ".join(f"{k}: {v}" for k, v in sorted(requests.items())))
    print(f"feed rebuilds: {renders}")
    wall, cpu = first
    print(
        f"first cycle (nashra once, all new): {wall:.1f} s, {args.sources / wall:.0f} polls/s, "
        f"{1000 * cpu / args.sources:.2f} CPU ms per poll"
    )
    print()
    print(
        f"{'minute':>6} {'phase':>12} {'polls/s':>8} {'304':>7} {'changed':>7} {'other':>6} "
        f"{'CPU ms/poll':>11} {'lag p50':>8} {'lag p99':>8} {'RSS MB':>7}"
    )
    minutes: list[float] = []
    previous_cpu = 0.0
    for start in range(0, len(seconds), 60):
        window = seconds[start : start + 60]
        polls = Counter[str]()
        lags: list[float] = []
        for s in window:
            polls.update(s.polls)
            lags.extend(s.lags)
        total = sum(polls.values())
        span = window[-1].at - (seconds[start - 1].at if start else 0.0)
        cpu = window[-1].cpu - previous_cpu
        previous_cpu = window[-1].cpu
        rate = total / span if span else 0.0
        phases = "/".join(dict.fromkeys(s.phase for s in window))
        if span >= 50:
            minutes.append(rate)
        print(
            f"{start // 60 + 1:>6} {phases:>12} {rate:>8.1f} {polls['304']:>7} "
            f"{polls['changed']:>7} {polls['other']:>6} "
            f"{1000 * cpu / total if total else float('nan'):>11.2f} "
            f"{percentile(lags, 0.5):>8.2f} {percentile(lags, 0.99):>8.2f} "
            f"{max(s.rss for s in window):>7.0f}"
        )
    print()
    per_kind = kind_costs(seconds)
    for label, value in per_kind:
        print(f"{label:<52} {value:>10.2f}")
    steady = [lag for s in seconds if s.phase != "first" for lag in s.lags]
    print(f"{'lag p50 / p99 (s)':<52} "
          f"{percentile(steady, 0.5):>10.2f} / {percentile(steady, 0.99):.2f}")  # fmt: skip
    print(f"{'peak resident memory (MB)':<52} {max(s.rss for s in seconds):>10.0f}")
    start = max(0, (len(seconds) // 60 - 1) * 60)
    last_lags = [lag for s in seconds[start : start + 60] for lag in s.lags]
    if last_lags:
        p99 = percentile(last_lags, 0.99)
        print(
            f"{'keeping up in the last full minute (p99 lag < 5 s)':<52} {p99:>10.2f}  "
            f"{'yes' if p99 < 5 else 'NO'}  (demand with 5 % mean jitter: "
            f"{args.sources / args.interval / 1.05:.0f} polls/s)"
        )
    if len(minutes) >= 2:
        best, last = max(minutes), minutes[-1]
        verdict = "yes" if last >= 0.9 * best else "NO"
        print(f"{'last full minute vs best ':<52} {last / best:>10.1%}  within 10 %: {verdict}")


def kind_costs(seconds: list[Second]) -> list[tuple[str, float]]:
    """CPU ms per 304 (quiet phase) and per changed poll (mixed phase, beyond its 304s)."""
    rows: list[tuple[str, float]] = []
    spans: dict[str, tuple[float, Counter[str]]] = {}
    previous = 0.0
    for s in seconds:
        cpu, polls = spans.get(s.phase, (0.0, Counter[str]()))
        polls.update(s.polls)
        spans[s.phase] = (cpu + s.cpu - previous, polls)
        previous = s.cpu
    if "first" in spans:
        cpu, polls = spans["first"]
        total = sum(polls.values())
        if total:
            rows.append(("CPU ms per poll, first cycle (all new)", 1000 * cpu / total))
    cost304 = float("nan")
    if "quiet" in spans:
        cpu, polls = spans["quiet"]
        total = sum(polls.values())
        if total:
            cost304 = 1000 * cpu / total
            rows.append((f"CPU ms per 304 (quiet phase, {total} polls)", cost304))
    if "mixed" in spans:
        cpu, polls = spans["mixed"]
        if polls["changed"]:
            rest = 1000 * cpu - cost304 * (polls["304"] + polls["other"])
            rows.append(
                (f"CPU ms per changed poll (mixed phase, {polls['changed']})",
                 rest / polls["changed"])
            )  # fmt: skip
    return rows


if __name__ == "__main__":
    started = datetime.now()
    main()
    print(f"(run started {started:%H:%M:%S}, {datetime.now() - started} long)")
