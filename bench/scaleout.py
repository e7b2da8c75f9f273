"""Benchmark: `nashra run` workers sharing PostgreSQL, against the embedded SQLite store.

    python bench/scaleout.py                     # 20,000 sources
    python bench/scaleout.py --sources 4000 --window 20

N URL sources (RSS feeds of 5 real Arabic stories each, bench/steady.py's) are
served as static files by nginx on loopback (bench/steady.py's helpers, imported).
``nashra once`` polls every source once into an embedded SQLite store (its time
is printed); ``nashra migrate`` copies that store into a fresh PostgreSQL
database (NASHRA_TEST_POSTGRES's server, or --postgres). Then three runs, each
from the same state: once the nodes have started (nothing due yet), every
source's next poll is set evenly over the next ``--window`` seconds (a demand of
N / window polls per second, above what the nodes can do: the runs measure the
ceiling) and its interval to an hour (each source is polled once per run, nginx
answers 304):

  sqlite      one `nashra run` (role all) on the embedded store;
  postgres×1  one `nashra run --role worker` on PostgreSQL;
  postgres×2  two `nashra run --role worker` processes on the same database.

Printed per run: polls, polls per second (all workers, and per worker; from the
log lines' times of the first 95 % of the polls, so that a few failed polls
retried later do not stretch the run),
transactions per poll on PostgreSQL (``pg_stat_database`` xact_commit +
xact_rollback deltas: each is at least one round trip), CPU milliseconds per poll
of the workers and of the PostgreSQL backends serving them (from /proc, counted
from each one's first poll: start-up is not polling), p50/p99
scheduling lag (actual start minus planned start, from the poll log lines: with
demand above the ceiling it is the backlog's wait, growing through the run), and
the ratio of the 2-worker to the 1-worker throughput; last, how busy the
machine's cores were, which says what bounds the run.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

from sqlalchemy import bindparam, create_engine, func, select, text, update

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from feeds.store.tables import nodes, sources  # noqa: E402

NASHRA = str(Path(sys.executable).with_name("nashra"))
OUT = ROOT / "bench" / "out" / "scaleout"
HOUR = 3600


def _steady() -> ModuleType:
    """bench/steady.py: the feeds, nginx, the CPU readings."""
    spec = importlib.util.spec_from_file_location("bench_steady", ROOT / "bench" / "steady.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


steady = _steady()


@dataclass
class Run:
    name: str
    workers: int
    polls: int
    seconds: float
    lags: list[float]
    cpu: float
    """CPU seconds of the nashra processes."""
    nginx_cpu: float
    db_cpu: float | None
    """CPU seconds of the PostgreSQL backends serving them."""
    transactions: int | None
    wall: float

    @property
    def rate(self) -> float:
        return self.polls / self.seconds if self.seconds else 0.0


def with_database(toml: str, url: str) -> str:
    return toml.replace("[site]\n", f'[site]\ndatabase = "{url}"\n', 1)


def with_fetch(toml: str, in_flight: int, per_host: int) -> str:
    """``in_flight`` requests at once, at most ``per_host`` per loopback host (8
    hosts stand for thousands of outlets: nashra's default politeness limit of 2
    per host caps a node at 16 requests in flight here)."""
    fetch = f"[fetch]\nconcurrency = {in_flight}\nper_host = {per_host}\n\n"
    return toml.replace("\n[[feeds]]", f"\n{fetch}[[feeds]]", 1)


def in_flight(args: argparse.Namespace) -> int:
    return int(min(args.workers, args.per_host * steady.HOSTS))


def reset_schedule(url: str, count: int, window: float, *, later: bool = False) -> None:
    """Every source due once over the next ``window`` seconds (or, ``later``, in
    an hour: nothing due while the nodes start), its interval an hour, no lease:
    the same demand for every run."""
    engine = create_engine(url)
    start = datetime.now(UTC) + timedelta(seconds=HOUR if later else 1)
    try:
        with engine.begin() as conn:
            names = sorted(
                conn.execute(sources.select().with_only_columns(sources.c.name)).scalars()
            )
            rows = [
                {"b_name": name, "b_next": start + timedelta(seconds=window * i / max(count, 1))}
                for i, name in enumerate(names)
            ]
            conn.execute(
                update(sources)
                .where(sources.c.name == bindparam("b_name"))
                .values(
                    next_poll_at=bindparam("b_next", type_=sources.c.next_poll_at.type),
                    every=float(HOUR), leased_until=None, leased_by=None,
                ),
                rows,
            )  # fmt: skip
    finally:
        engine.dispose()


def pg_counters(admin_url: str, database: str) -> tuple[int, list[int]]:
    """Transactions so far in ``database``, and the process ids of its backends."""
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_stat_clear_snapshot()"))
            done = conn.execute(
                text("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = :d"),
                {"d": database},
            ).scalar_one()
            pids = conn.execute(
                text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = :d AND pid <> pg_backend_pid()"
                ),
                {"d": database},
            ).scalars()
            return int(done), list(pids)
    finally:
        engine.dispose()


def nodes_up(url: str) -> int:
    """How many nodes have written their heartbeat."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(nodes)).scalar_one())
    finally:
        engine.dispose()


def backend_cpu(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:13]) / steady.TICKS
        except (OSError, IndexError):
            pass
    return total


def run_nodes(
    name: str,
    folder: Path,
    count: int,
    args: argparse.Namespace,
    extra: list[str],
    pg: tuple[str, str] | None,
    nginx: int,
) -> Run:
    """Start ``count`` nashra processes in ``folder`` with nothing due; once they
    have started, make every source due over the window; wait until 95 % of the
    sources were polled (or the window plus ``--drain`` seconds passed); read
    their logs."""
    url = pg_url_of(pg) if pg else f"sqlite:///{folder / '.state' / 'nashra.db'}"
    reset_schedule(url, args.sources, args.window, later=True)
    logs = [folder / f"{name}-{i}.log" for i in range(count)]
    wall = time.monotonic()
    procs = []
    for log_path in logs:
        with log_path.open("w") as log:
            procs.append(
                subprocess.Popen(
                    [
                        NASHRA,
                        "--log-format",
                        "json",
                        "run",
                        "--workers",
                        str(args.workers),
                        "--tick",
                        "0.5",
                        *extra,
                    ],
                    cwd=folder,
                    stdout=subprocess.DEVNULL,
                    stderr=log,
                )
            )
    tails = [steady.LogTail(path) for path in logs]
    while nodes_up(url) < count:  # a node's first heartbeat: it has synced the sources
        time.sleep(0.5)
        if any(proc.poll() is not None for proc in procs) or time.monotonic() - wall > 600:
            raise SystemExit(f"{name}: a node did not start; see {logs}")
    time.sleep(2)  # past the start-up render
    before_tx = pg_counters(*pg)[0] if pg else None
    reset_schedule(url, args.sources, args.window)
    target = int(args.sources * 0.95)
    polls: list[tuple[float, float]] = []  # (when polled, lag)
    cpu: list[float | None] = [None] * count
    """Each node's CPU seconds since its first poll (start-up is not polling)."""
    cpu_from: list[float | None] = [None] * count
    backends: dict[int, tuple[float, float]] = {}  # pid: (CPU at the first poll, now)
    nginx_from: float | None = None
    deadline = time.monotonic() + args.window + args.drain
    try:
        while time.monotonic() < deadline and len(polls) < target:
            time.sleep(0.5)
            for index, (proc, tail) in enumerate(zip(procs, tails, strict=True)):
                if proc.poll() is not None:
                    raise SystemExit(
                        f"{name}: a node exited ({proc.returncode}); see {logs[index]}"
                    )
                now_cpu = steady.proc_cpu(proc.pid)
                seen = [r for r in tail.records() if r.get("event") == "poll"]
                if seen and cpu_from[index] is None:
                    cpu_from[index] = now_cpu
                    if nginx_from is None:
                        nginx_from = steady.proc_cpu(nginx)
                if cpu_from[index] is not None:
                    cpu[index] = now_cpu - (cpu_from[index] or 0.0)
                polls += [(when(r), float(r.get("lag") or 0.0)) for r in seen]
            if pg and polls:
                first_look = not backends
                for pid in pg_counters(*pg)[1]:
                    used = backend_cpu([pid])
                    # a backend that started after polling began counts from 0
                    known = backends.get(pid, (used if first_look else 0.0, used))
                    backends[pid] = (known[0], used)
        nginx_cpu = steady.proc_cpu(nginx) - (nginx_from or 0.0)
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
    transactions = None
    if pg and before_tx is not None:
        time.sleep(1.5)  # backends report their counts when they end
        transactions = pg_counters(*pg)[0] - before_tx
    polls.sort()
    polls = polls[:target]  # up to the moment the CPU was read
    first = polls[0][0] if polls else 0.0
    last = polls[-1][0] if polls else 0.0
    return Run(
        name=name,
        workers=count,
        polls=len(polls),
        seconds=max(last - first, 1e-9),
        lags=[lag for _, lag in polls],
        cpu=sum(c or 0.0 for c in cpu),
        nginx_cpu=nginx_cpu,
        db_cpu=sum(now - first for first, now in backends.values()) if pg else None,
        transactions=transactions,
        wall=time.monotonic() - wall,
    )


def when(record: dict[str, object]) -> float:
    """A log line's time, in seconds since 1970."""
    return datetime.fromisoformat(str(record["time"])).timestamp()


def pg_url_of(pg: tuple[str, str]) -> str:
    admin, database = pg
    return admin.rsplit("/", 1)[0] + f"/{database}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", type=int, default=20_000)
    parser.add_argument(
        "--window", type=float, default=10.0, help="seconds over which every source falls due"
    )
    parser.add_argument(
        "--drain", type=float, default=40.0, help="seconds after the window to finish"
    )
    parser.add_argument("--workers", type=int, default=64, help="polls running at once per node")
    parser.add_argument(
        "--per-host", type=int, default=2, help="requests in flight per host ([fetch] per_host)"
    )
    parser.add_argument("--postgres", default=os.environ.get("NASHRA_TEST_POSTGRES", ""))
    args = parser.parse_args()
    if not args.postgres:
        raise SystemExit("no PostgreSQL: pass --postgres URL or set NASHRA_TEST_POSTGRES")
    if not os.path.exists(steady.NGINX):
        raise SystemExit("nginx is missing")

    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    feeds = steady.Feeds(OUT / "www", args.sources)
    for n in range(args.sources):
        feeds.write(n)
    prefix = OUT / "nginx"
    prefix.mkdir()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)  # nginx caches 20,000 files
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))
    nginx, port = steady.start_nginx(prefix, OUT / "www")
    database = f"nashra_scaleout_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    pg_url = args.postgres.rsplit("/", 1)[0] + f"/{database}"
    lite = OUT / "sqlite"
    shared = OUT / "postgres"
    runs: list[Run] = []
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{database}"'))
        toml = with_fetch(steady.config(args.sources, port, HOUR), args.workers, args.per_host)
        for folder, url in ((lite, ""), (shared, pg_url)):
            folder.mkdir()
            (folder / "nashra.toml").write_text(with_database(toml, url) if url else toml, "utf-8")
        started = time.monotonic()
        subprocess.run(
            [NASHRA, "--log-level", "warning", "once", "-q"], cwd=lite, check=False,
            stdout=subprocess.DEVNULL, timeout=3600,
        )  # fmt: skip
        seeded = time.monotonic() - started
        lite_url = f"sqlite:///{lite / '.state' / 'nashra.db'}"
        started = time.monotonic()
        subprocess.run(
            [NASHRA, "migrate", "--from", lite_url, "--to", pg_url], check=True,
            stdout=subprocess.DEVNULL, timeout=3600,
        )  # fmt: skip
        migrated = time.monotonic() - started
        print(
            f"seeded {args.sources} sources with `nashra once` in {seeded:.0f} s; "
            f"`nashra migrate` into PostgreSQL in {migrated:.0f} s"
        )
        pg = (args.postgres, database)
        worker = ["--role", "worker"]
        runs.append(run_nodes("sqlite", lite, 1, args, [], None, nginx.pid))
        runs.append(run_nodes("postgres×1", shared, 1, args, worker, pg, nginx.pid))
        runs.append(run_nodes("postgres×2", shared, 2, args, worker, pg, nginx.pid))
    finally:
        nginx.send_signal(signal.SIGQUIT)
        nginx.wait(timeout=10)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()
    report(args, runs)


def report(args: argparse.Namespace, runs: list[Run]) -> None:
    demand = args.sources / args.window
    print(
        f"\n{args.sources} sources due over {args.window:.0f} s (demand {demand:.0f} polls/s), "
        "the first 95 % of their polls counted, "
        f"nginx on loopback answering 304, {os.cpu_count()} cores, {in_flight(args)} requests "
        f"in flight per node ({args.per_host} per host)\n"
    )
    head = (
        "run", "nodes", "polls", "polls/s", "per node", "tx/poll", "CPU ms/poll",
        "PG ms/poll", "nginx ms/poll", "p50 lag s", "p99 lag s",
    )  # fmt: skip
    rows = []
    for run in runs:
        polls = max(run.polls, 1)
        rows.append(
            (
                run.name, str(run.workers), str(run.polls), f"{run.rate:.0f}",
                f"{run.rate / run.workers:.0f}",
                "-" if run.transactions is None else f"{run.transactions / polls:.2f}",
                f"{run.cpu * 1000 / polls:.2f}",
                "-" if run.db_cpu is None else f"{run.db_cpu * 1000 / polls:.2f}",
                f"{run.nginx_cpu * 1000 / polls:.2f}",
                f"{steady.percentile(run.lags, 0.5):.1f}", f"{steady.percentile(run.lags, 0.99):.1f}",
            )
        )  # fmt: skip
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for row in [head, *rows]:
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)))
    by = {run.name: run for run in runs}
    one, two, lite = by.get("postgres×1"), by.get("postgres×2"), by.get("sqlite")
    if one and two and one.rate:
        print(f"\n2 workers / 1 worker throughput: {two.rate / one.rate:.2f}")
    if lite and one and lite.rate:
        print(f"PostgreSQL 1 worker / embedded SQLite: {one.rate / lite.rate:.2f}")
    load = os.getloadavg()[0]
    for run in runs:
        ours = run.cpu / run.seconds
        busy = (run.cpu + (run.db_cpu or 0.0) + run.nginx_cpu) / run.seconds
        print(
            f"{run.name}: the nashra processes used {ours:.2f} cores, with PostgreSQL and "
            f"nginx {busy:.2f} of {os.cpu_count()} while polling"
        )
    print(f"load average at the end: {load:.1f} (other processes share the cores)")


if __name__ == "__main__":
    main()
