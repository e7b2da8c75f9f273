"""Benchmark: `nashra serve` against nginx serving the same public/ folder.

    python bench/serve.py [--duration 10] [--connections 64] [--threads 2] [--out bench/out/serve]

Publishes a site whose feed holds 100 stories of real Arabic news
(bench/data/samples/news-articles.jsonl) with `nashra once`, then loads, one
after the other on loopback with wrk: `nashra serve` and Debian's nginx running
the shipped deploy/nginx.conf (only its folder and port changed), each for
(a) 200s of rss.xml with `Accept-Encoding: gzip` and (b) 304s for
`If-None-Match` with the ETag each server gave. Prints requests per second and
the 99th-percentile latency of each, and the ratio nashra/nginx.

The nginx harness (``nginx_site``, ``Nginx``) is also what tests/test_deploy.py
starts: the shipped file is the one tested.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NASHRA = str(Path(sys.executable).with_name("nashra"))
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SHIPPED = ROOT / "deploy" / "nginx.conf"
SHIPPED_ROOT = "/var/lib/nashra/public"
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
SAMPLES = ROOT / "bench" / "data" / "samples" / "news-articles.jsonl"

CONFIG = """\
[site]
title = "نشرة القياس"
base_url = "https://bench.example.org/"
timezone = "Africa/Tripoli"

[[sources]]
name = "news"
path = "news.jsonl"

[[feeds]]
name = "news"
title = "أخبار"
sources = "*"
limit = 100
"""


# -- nginx with the shipped configuration ----------------------------------------------


def nginx_site(shipped: str, public: Path, port: int, *, brotli: bool) -> str:
    """The shipped server block for a test: its folder and port replaced (listening on
    127.0.0.1 only), the brotli_static line dropped when the module is not loaded.
    Everything else is the shipped text."""
    text = shipped.replace(SHIPPED_ROOT, str(public))
    text = re.sub(r"^(\s*)listen 80;", rf"\1listen 127.0.0.1:{port};", text, flags=re.M)
    text = re.sub(r"^\s*listen \[::\]:80;\n", "", text, flags=re.M)
    if not brotli:
        text = re.sub(r"^\s*brotli_static on;\n", "", text, flags=re.M)
    return text


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"exited {proc.returncode} before listening on {port}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port} after {timeout:.0f} s")


@dataclass
class Nginx:
    """nginx in the foreground with a temporary prefix, running the shipped server
    block; ``url`` is where it listens."""

    port: int
    folder: Path
    proc: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        path = self.folder / "error.log"
        return path.read_text("utf-8", "replace") if path.exists() else ""


@contextmanager
def nginx(public: Path, *, workers: int = 1, shipped: Path = SHIPPED) -> Iterator[Nginx]:
    """Start nginx serving ``public`` with the shipped configuration; stop it after."""
    folder = Path(tempfile.mkdtemp(prefix="nashra-nginx-"))
    port = free_port()
    brotli = BROTLI_MODULE.exists()
    (folder / "nashra.conf").write_text(
        nginx_site(shipped.read_text("utf-8"), public, port, brotli=brotli), "utf-8"
    )
    temps = "\n".join(
        f"    {name}_temp_path {folder / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = f"""\
daemon off;
worker_processes {workers};
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
{f"load_module {BROTLI_MODULE};" if brotli else ""}
{"user root;" if os.geteuid() == 0 else ""}
events {{ worker_connections 1024; }}
http {{
    access_log off;
{temps}
    include {folder / "nashra.conf"};
}}
"""
    (folder / "nginx.conf").write_text(main, "utf-8")
    check = subprocess.run(
        [NGINX, "-t", "-q", "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", "stderr"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if check.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"nginx -t: {check.stderr.strip()}")
    proc = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", "stderr"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, proc)
        yield Nginx(port, folder, proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def nashra_serve(site: Path) -> Iterator[str]:
    """`nashra serve` for the site; its URL."""
    port = free_port()
    proc = subprocess.Popen(
        [NASHRA, "serve", "--port", str(port)],
        cwd=site,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


# -- the site ------------------------------------------------------------------------------


def publish_site(site: Path) -> list[str]:
    """A site whose feed holds 100 stories of real Arabic news, published by `nashra
    once`; gzip and brotli copies written beside the feed files where the publisher
    wrote none. The names of the copies the bench wrote."""
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    shutil.copy(SAMPLES, site / "news.jsonl")
    (site / "nashra.toml").write_text(CONFIG, "utf-8")
    done = subprocess.run([NASHRA, "once", "-q"], cwd=site, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"nashra once failed: {done.stderr.strip()}")
    notes = []
    for path in sorted((site / "public" / "news").glob("*")):
        if path.suffix in (".gz", ".br") or not path.is_file():
            continue
        data = path.read_bytes()
        for suffix, compress in ((".gz", _gzip), (".br", _brotli)):
            copy = path.with_name(path.name + suffix)
            if not copy.exists():
                copy.write_bytes(compress(data))
                notes.append(copy.name)
    return notes


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def _brotli(data: bytes) -> bytes:
    import brotli

    return bytes(brotli.compress(data, quality=11))


def head(url: str, **headers: str) -> dict[str, str]:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as answer:
        answer.read()
        return {k.lower(): v for k, v in answer.headers.items()}


# -- wrk -------------------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p99_ms: float
    statuses_ok: bool


def wrk(url: str, headers: dict[str, str], args: argparse.Namespace) -> Load:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s"]
    command += ["--latency", "--timeout", "5s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=args.duration + 60
    ).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    if rps is None or p99 is None:
        raise SystemExit(f"cannot read wrk's output:\n{out}")
    bad = "Non-2xx or 3xx" in out or "Socket errors" in out
    return Load(float(rps[1]), float(p99[1]) * _UNITS[p99[2]], not bad)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per load")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--nginx-workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "serve")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    site = args.out / "site"
    notes = publish_site(site)
    public = site / "public"
    rss = public / "news" / "rss.xml"
    print(
        f"rss.xml: {rss.stat().st_size} bytes, gzip copy "
        f"{(public / 'news' / 'rss.xml.gz').stat().st_size} bytes; "
        f"{args.duration} s per load, {args.connections} connections, {args.threads} wrk threads, "
        f"nginx {args.nginx_workers} workers, nashra serve 1 process, {os.cpu_count()} cores"
    )
    if notes:
        print(f"copies written by the bench (the publisher wrote none): {', '.join(notes)}")
    rows: dict[tuple[str, str], Load] = {}
    with nashra_serve(site) as nashra_url, nginx(public, workers=args.nginx_workers) as server:
        for name, base in (("nashra", nashra_url), ("nginx", server.url)):
            url = f"{base}/news/rss.xml"
            got = head(url, **{"Accept-Encoding": "gzip"})
            if got.get("content-encoding") != "gzip":
                raise SystemExit(f"{name} did not send the gzip copy: {got}")
            rows[(name, "200 gzip")] = wrk(url, {"Accept-Encoding": "gzip"}, args)
            conditional = {"Accept-Encoding": "gzip", "If-None-Match": got["etag"]}
            rows[(name, "304")] = wrk(url, conditional, args)
    print()
    print(f"{'load':<10} {'server':<8} {'req/s':>10} {'p99 ms':>8}  {'nashra/nginx':>12}")
    for load in ("200 gzip", "304"):
        for name in ("nashra", "nginx"):
            row = rows[(name, load)]
            ratio = (
                rows[("nashra", load)].requests_per_second
                / rows[("nginx", load)].requests_per_second
            )
            flag = "" if row.statuses_ok else "  (errors or unexpected statuses)"
            shown = f"{ratio:>12.2f}" if name == "nashra" else ""
            print(
                f"{load:<10} {name:<8} {row.requests_per_second:>10.0f} {row.p99_ms:>8.2f}  {shown}{flag}"
            )


if __name__ == "__main__":
    main()
