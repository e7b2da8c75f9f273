"""Benchmark: `nashra run` polling 10,000 loopback URL sources on 1–5 minute intervals.

    python bench/scheduler.py [--sources 10000] [--seconds 300] [--items 5]
    python bench/scheduler.py --sources 2000 --every 5 15 --seconds 600   # memory soak

Starts the local feed server of bench/fetch.py (a separate process on 127.0.0.1 ..
127.0.0.8, answering 304 to conditional requests) and the daemon with SOURCES URL
sources whose intervals are spread between 60 and 300 seconds, for a bounded time.
Midway, a share of the feeds gets new items. Reads the daemon's JSON log (one line per
poll) and prints: polls per second, scheduling lag (actual minus planned start, p50 /
p99), daemon CPU time and peak resident memory, and resident memory sampled over the
run (it should stay flat). Goals: p99 lag < 2 s, resident memory < 300 MB.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NASHRA = str(Path(sys.executable).with_name("nashra"))
OUT = ROOT / "bench" / "out" / "scheduler"
HOSTS = 8


def config(sources: int, port: int, every: tuple[int, int], seed: int = 5) -> str:
    rng = random.Random(seed)
    return site_toml(sources, port, lambda _n: rng.randint(*every), width=5)


def site_toml(sources: int, port: int, every_of: Callable[[int], int], *, width: int) -> str:
    """A nashra.toml of SOURCES URL sources on the local feed server (source ``n``
    polled every ``every_of(n)`` seconds) and one feed of them all."""
    parts = [
        "[site]",
        'title = "نشرة القياس"',
        'base_url = "https://bench.example.org/"',
        'timezone = "Africa/Tripoli"',
        "",
    ]
    for n in range(sources):
        parts += [
            "[[sources]]",
            f'name = "feed-{n:0{width}d}"',
            f'url = "http://127.0.0.{1 + n % HOSTS}:{port}/feed/{n}.xml"',
            f'every = "{every_of(n)}s"',
            "allow_private = true",
            "",
        ]
    parts += ["[[feeds]]", 'name = "all"', 'title = "كل الأخبار"', 'sources = "*"', ""]
    return "\n".join(parts)


def _fetch_bench() -> Any:
    """bench/fetch.py, whose feed server this benchmark polls."""
    spec = importlib.util.spec_from_file_location("bench_fetch", ROOT / "bench" / "fetch.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--items", type=int, default=5)
    parser.add_argument("--workers", type=int, default=64)
    parser.add_argument(
        "--every",
        type=int,
        nargs=2,
        default=(60, 300),
        metavar=("MIN", "MAX"),
        help="interval range in seconds (short ranges make a memory soak of many cycles)",
    )
    args = parser.parse_args()
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    port_file = OUT / "port"
    options = ["--feeds", str(args.sources), "--items", str(args.items)]
    options += ["--hosts", str(HOSTS), "--changed", "0.05"]
    server, port = _fetch_bench().start_server(options, port_file)
    daemon = None
    samples: list[tuple[float, float]] = []
    try:
        (OUT / "nashra.toml").write_text(config(args.sources, port, tuple(args.every)), "utf-8")
        log = (OUT / "daemon.log").open("w")
        started = time.monotonic()
        daemon = subprocess.Popen(
            [NASHRA, "--log-format", "json", "run", "--workers", str(args.workers)],
            cwd=OUT, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
        changed = False
        while time.monotonic() - started < args.seconds:
            time.sleep(5)
            samples.append((time.monotonic() - started, rss_mb(daemon.pid)))
            if not changed and time.monotonic() - started > args.seconds / 2:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/round/2", timeout=10).read()
                changed = True
            if daemon.poll() is not None:
                raise SystemExit(f"the daemon exited early ({daemon.returncode})")
        daemon.send_signal(signal.SIGTERM)
        _, status, usage = os.wait4(daemon.pid, 0)
        elapsed = time.monotonic() - started
        log.close()
    finally:
        if daemon is not None and daemon.poll() is None:
            daemon.kill()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)

    polls, lags, renders, outcomes = [], [], 0, {}
    for line in (OUT / "daemon.log").read_text("utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if record.get("event") == "poll":
            polls.append(record)
            lags.append(float(record["lag"]))
            key = f"{record['outcome']} {record.get('status')}"
            outcomes[key] = outcomes.get(key, 0) + 1
        elif record.get("event") == "render":
            renders += 1
    cpu = usage.ru_utime + usage.ru_stime
    print(
        f"{args.sources} URL sources, intervals {args.every[0]}-{args.every[1]} s, "
        f"{elapsed:.0f} s run, exit {os.waitstatus_to_exitcode(status)}"
    )
    print(f"poll outcomes: {outcomes}; feed rebuilds: {renders}")
    print()
    print(f"{'metric':<34} {'value':>12} {'goal':>10}")
    print(f"{'polls':<34} {len(polls):>12}")
    print(f"{'polls per second':<34} {len(polls) / elapsed:>12.1f}")
    print(f"{'lag p50 (s)':<34} {percentile(lags, 0.50):>12.3f}")
    print(f"{'lag p99 (s)':<34} {percentile(lags, 0.99):>12.3f} {'< 2':>10}")
    print(f"{'lag max (s)':<34} {max(lags, default=float('nan')):>12.3f}")
    print(f"{'daemon CPU (s)':<34} {cpu:>12.1f}")
    print(f"{'daemon CPU share of one core':<34} {cpu / elapsed:>12.1%}")
    print(f"{'peak resident memory (MB)':<34} {usage.ru_maxrss / 1024:>12.1f} {'< 300':>10}")
    if samples:
        print("resident memory over the run (s: MB):")
        step = max(1, len(samples) // 8)
        print("  " + "  ".join(f"{t:.0f}: {mb:.0f}" for t, mb in samples[::step]))


if __name__ == "__main__":
    main()
