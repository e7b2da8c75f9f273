"""Benchmark: `nashra once` over 1,000 remote Arabic RSS feeds on a local server,
against a naive fetch-and-parse baseline.

    python bench/fetch.py [--feeds 1000] [--items 50] [--hosts 8] [--changed 0.1]

A server process (this file with --serve) listens on 127.0.0.1 .. 127.0.0.<hosts>
and serves FEEDS generated RSS 2.0 feeds of ITEMS items each, made of real Arabic
sentences shipped in the repository, with ETag and Last-Modified (a conditional GET
gets a 304). Then, in one run, each step in its own process:

  (a) baseline: one httpx.AsyncClient GETs every feed (32 at a time) and
      feedparser.parse()s each body as it arrives; nothing else;
  (b) `nashra once` over the FEEDS sources with an empty store: fetch, parse,
      sanitise, dedup, store, publish;
  (c) `nashra once` again, nothing changed upstream (every feed answers 304);
  (d) `nashra once` after a share CHANGED of the feeds got 5 new items each.

Prints wall time, feeds per second and peak resident memory of each step, and
the ratios b/a and c/b (goals: b/a <= 1.0, c/b <= 0.15). Also compares the two
feed parsers on the same feed bytes (feedparser, fastfeedparser). Everything
runs on the loopback interface and is bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import email.utils
import html
import importlib.util
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NASHRA = str(Path(sys.executable).with_name("nashra"))
OUT = ROOT / "bench" / "out" / "fetch"
STEP_TIMEOUT = 900
EPOCH = 1_795_000_000  # 2026-11-18: item dates are spread back from here


def _sentences() -> list[str]:
    spec = importlib.util.spec_from_file_location("bench_pipeline", ROOT / "bench" / "pipeline.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    found: list[str] = module.sentences()
    return found


# -- the feeds -------------------------------------------------------------------------


class Corpus:
    """Feed bodies, generated on demand from (feed, round)."""

    def __init__(self, feeds: int, items: int, hosts: int, changed: float) -> None:
        self.feeds, self.items, self.hosts = feeds, items, hosts
        self.pool = _sentences()
        rng = random.Random(11)
        self.changed = set(rng.sample(range(feeds), int(feeds * changed)))
        self.round = 1
        self._cache: dict[tuple[int, int], tuple[bytes, str, str]] = {}

    def version(self, feed: int) -> int:
        return 2 if self.round >= 2 and feed in self.changed else 1

    def body(self, feed: int) -> tuple[bytes, str, str]:
        """The feed's bytes, ETag and Last-Modified for the current round."""
        key = (feed, self.version(feed))
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._render(*key)
        return cached

    def published(self, feed: int, number: int) -> int:
        """A story's date: the first round's an hour apart back from EPOCH, each feed
        at its own minute; a story added in round 2, after every story of round 1
        (ten minutes apart, each feed at its own second), as outlets date what
        they publish now: new stories land at the top of every feed."""
        if number < self.items:
            return EPOCH - feed * 60 - number * 3600
        return EPOCH + (number - self.items + 1) * 600 - feed % 600

    def _render(self, feed: int, version: int) -> tuple[bytes, str, str]:
        extra = 5 if version == 2 else 0
        entries = []
        for n in range(self.items + extra):
            number = self.items + extra - 1 - n if n < extra else n - extra  # new ones on top
            rng = random.Random(feed * 1000 + number)
            words = rng.choice(self.pool).split()[:9]
            title = " ".join(words).rstrip(".،,؛:") + f" {feed}-{number}"
            body = "".join(
                f'<p dir="rtl">{html.escape(rng.choice(self.pool))}</p>' for _ in range(3)
            )
            stamp = email.utils.formatdate(self.published(feed, number), usegmt=True)
            link = f"https://site{feed % 97}.example/news/{feed}/{number}?utm_source=rss"
            entries.append(
                f"<item><title>{html.escape(title)}</title><link>{html.escape(link)}</link>"
                f'<guid isPermaLink="false">{feed}-{number}</guid><pubDate>{stamp}</pubDate>'
                f"<description>{html.escape(body)}</description></item>"
            )
        modified = email.utils.formatdate(EPOCH + version * 60, usegmt=True)
        text = (
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>مصدر {feed}</title><link>https://site{feed % 97}.example/</link>"
            f"<description>أخبار</description><language>ar</language>{''.join(entries)}"
            "</channel></rss>\n"
        )
        return text.encode("utf-8"), f'"{feed}-{version}"', modified

    def url(self, feed: int, port: int) -> str:
        return f"http://127.0.0.{1 + feed % self.hosts}:{port}/feed/{feed}.xml"


# -- the server process -------------------------------------------------------------------


async def _handle(
    corpus: Corpus, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            path = lines[0].split(" ")[1]
            headers = {
                k.strip().lower(): v.strip()
                for k, _, v in (line.partition(":") for line in lines[1:] if line)
            }
            if path.startswith("/round/"):
                corpus.round = int(path.rsplit("/", 1)[1])
                status, extra, body = "200 OK", "", b"ok"
            elif path.startswith("/feed/"):
                feed = int(path.rsplit("/", 1)[1].split(".")[0])
                body, etag, modified = corpus.body(feed)
                extra = f"ETag: {etag}\r\nLast-Modified: {modified}\r\n"
                extra += "Content-Type: application/rss+xml; charset=utf-8\r\n"
                if headers.get("if-none-match") == etag:
                    status, body = "304 Not Modified", b""
                else:
                    status = "200 OK"
            else:
                status, extra, body = "404 Not Found", "", b"not found"
            writer.write(
                f"HTTP/1.1 {status}\r\n{extra}Content-Length: {len(body)}\r\n\r\n".encode() + body
            )
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionResetError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def _serve(corpus: Corpus, port_file: Path, lifetime: float) -> None:
    servers = []
    port = 0
    for host in range(1, corpus.hosts + 1):
        server = await asyncio.start_server(
            lambda r, w: _handle(corpus, r, w), f"127.0.0.{host}", port, backlog=1024
        )
        port = server.sockets[0].getsockname()[1]
        servers.append(server)
    port_file.write_text(str(port))
    await asyncio.sleep(lifetime)  # bounded: the server stops by itself


# -- the steps -----------------------------------------------------------------------------


async def _baseline(urls: list[str]) -> int:
    """GET every URL with one client and parse each body with feedparser as it comes.

    At most 32 requests in flight, as nashra by default: with all 1,000 requests
    given to httpx at once its connection pool spends ~18 s more queueing them (measured),
    which would flatter nashra.
    """
    import feedparser
    import httpx

    entries = 0
    limit = asyncio.Semaphore(32)
    async with httpx.AsyncClient(timeout=60) as client:

        async def one(url: str) -> int:
            async with limit:
                response = await client.get(url)
            return len(feedparser.parse(response.content).entries)

        for count in await asyncio.gather(*(one(u) for u in urls)):
            entries += count
    return entries


def _measure(command: list[str], cwd: Path) -> tuple[float, float, str]:
    """Run a command; return wall seconds, peak RSS in MB and its last output line."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + STEP_TIMEOUT
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            raise SystemExit(f"timed out: {' '.join(command)}")
        time.sleep(0.01)
    elapsed = time.perf_counter() - started
    out = proc.stdout.read() if proc.stdout else ""
    code = os.waitstatus_to_exitcode(status)
    lines = out.strip().splitlines()
    if code not in (0, 1) or not lines:
        raise SystemExit(f"{' '.join(command)} failed ({code}): {out[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024, lines[-1]


def _config(corpus: Corpus, port: int) -> str:
    parts = [
        '[site]\ntitle = "نشرة القياس"\nbase_url = "https://bench.example.org/"\n'
        'timezone = "Africa/Casablanca"\n'
    ]
    for feed in range(corpus.feeds):
        parts.append(
            f'\n[[sources]]\nname = "feed-{feed:04d}"\nurl = "{corpus.url(feed, port)}"\n'
            "allow_private = true\n"
        )
    parts.append('\n[[feeds]]\nname = "all"\ntitle = "كل الأخبار"\nsources = "*"\nlimit = 100\n')
    for group in range(10):
        names = ", ".join(f'"feed-{f:04d}"' for f in range(group, corpus.feeds, 10))
        parts.append(
            f'\n[[feeds]]\nname = "group-{group}"\ntitle = "مجموعة {group}"\nsources = [{names}]\n'
        )
    return "".join(parts)


def _compare_parsers(corpus: Corpus) -> list[tuple[str, float, int]]:
    import fastfeedparser
    import feedparser

    bodies = [corpus.body(f)[0] for f in range(min(corpus.feeds, 50))]
    rows = []
    for name, parse in (
        ("feedparser.parse", feedparser.parse),
        ("fastfeedparser.parse", fastfeedparser.parse),
    ):
        parse(bodies[0])
        started = time.perf_counter()
        entries = sum(len(parse(body)["entries"]) for body in bodies)
        rows.append((name, (time.perf_counter() - started) / len(bodies) * 1000, entries))
    return rows


def _get(url: str) -> None:
    import httpx

    httpx.get(url, timeout=10).raise_for_status()


def start_server(
    options: list[str], port_file: Path, timeout: float = 60
) -> tuple[subprocess.Popen[bytes], int]:
    """Start this file's feed server (a process of its own) and wait for its port."""
    server = subprocess.Popen([sys.executable, __file__, *options, "--serve", str(port_file)])
    deadline = time.monotonic() + timeout
    while not port_file.exists() or not port_file.read_text():
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            raise SystemExit("the feed server did not start")
        time.sleep(0.05)
    return server, int(port_file.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--hosts", type=int, default=8, help="loopback addresses to serve on")
    parser.add_argument("--changed", type=float, default=0.1, help="share changed in round 2")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--baseline", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    corpus = Corpus(args.feeds, args.items, args.hosts, args.changed)

    if args.serve:  # the server process
        asyncio.run(_serve(corpus, args.serve, lifetime=STEP_TIMEOUT * 4))
        return
    if args.baseline:  # step (a), in its own process
        urls = args.baseline.read_text().split()
        entries = asyncio.run(_baseline(urls))
        print(f"baseline: {len(urls)} feeds, {entries} entries")
        return

    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    port_file = OUT / "port"
    common = ["--feeds", str(args.feeds), "--items", str(args.items), "--hosts", str(args.hosts)]
    common += ["--changed", str(args.changed)]
    server, port = start_server(common, port_file)
    try:
        urls = [corpus.url(f, port) for f in range(args.feeds)]
        (OUT / "urls.txt").write_text("\n".join(urls))
        (OUT / "nashra.toml").write_text(_config(corpus, port), "utf-8")
        print(
            f"{args.feeds} feeds x {args.items} items on {args.hosts} loopback hosts, port {port}"
        )

        steps: list[tuple[str, float, float, str]] = []
        baseline = [sys.executable, __file__, *common, "--baseline", str(OUT / "urls.txt")]
        steps.append(("(a) baseline httpx+feedparser", *_measure(baseline, OUT)))
        steps.append(
            (
                "(b) nashra once, all new",
                *_measure([NASHRA, "--log-level", "warning", "once", "-q"], OUT),
            )
        )
        steps.append(
            (
                "(c) nashra once, unchanged",
                *_measure([NASHRA, "--log-level", "warning", "once", "-q"], OUT),
            )
        )
        _get(f"http://127.0.0.1:{port}/round/2")
        label = f"(d) nashra once, {args.changed:.0%} changed"
        steps.append((label, *_measure([NASHRA, "--log-level", "warning", "once", "-q"], OUT)))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)

    print()
    for label, _, _, summary in steps:
        print(f"  {label}: {summary}")
    print()
    print(f"{'step':<32} {'wall s':>8} {'feeds/s':>8} {'peak RSS MB':>12}")
    for label, seconds, rss, _ in steps:
        print(f"{label:<32} {seconds:>8.2f} {args.feeds / seconds:>8.0f} {rss:>12.1f}")
    a, b, c = steps[0][1], steps[1][1], steps[2][1]
    print(f"{'b/a (goal <= 1.0)':<32} {b / a:>8.3f}")
    print(f"{'c/b (goal <= 0.15)':<32} {c / b:>8.3f}")
    print()
    print("parsers on the same feed bytes (first 50 feeds):")
    for name, ms, entries in _compare_parsers(corpus):
        print(f"  {name:<24} {ms:>8.2f} ms per feed  ({entries} entries)")


if __name__ == "__main__":
    main()
