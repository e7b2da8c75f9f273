"""Scale-out (#11): several `nashra run` nodes, in real subprocesses, sharing one
PostgreSQL store; loopback feeds of real Arabic articles (Goud.ma, MArSum corpus,
CC BY 4.0) served by a test HTTP server that logs when each request came.

Two workers and publishers: every source polled once per interval (no two polls
of one source closer than its interval), every story published exactly once,
identical bytes from two publishers; a worker killed with SIGKILL loses nothing
and its sources are polled again after its lease; a private PostgreSQL stopped
for 10 s: the nodes log it, back off and go on without a restart.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import POSTGRES, postgres_database
from tests.feedcheck import assert_valid_feed
from tests.httpserver import Request, Route, TestServer
from tests.test_daemon import Daemon
from tests.test_topics import articles

pytestmark = pytest.mark.skipif(
    not POSTGRES, reason="NASHRA_TEST_POSTGRES is not set (.ci/run sets it)"
)

SOURCES = 6
EVERY = 2.0
LEASE = 3.0
FIRST = 3
"""Stories each source serves from the start."""


class LoggingServer(TestServer):
    """The test server, each request kept with when it came (``time.monotonic``)."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[tuple[str, float]] = []

    def record(self, request: Request) -> None:
        super().record(request)
        with self._lock:
            self.times.append((request.path, time.monotonic()))

    def polls(self, path: str, after: float = 0.0) -> list[float]:
        with self._lock:
            return [t for p, t in self.times if p == path and t >= after]


class Wire:
    """SOURCES feeds, each its own slice of the articles; ``add`` gives one more
    story to every feed (a new body and ETag)."""

    def __init__(self, server: LoggingServer) -> None:
        self.server = server
        self.count = [FIRST] * SOURCES
        self.pool = articles()
        for index in range(SOURCES):
            self._serve(index)

    def story(self, source: int, number: int) -> dict[str, str]:
        return self.pool[source * 40 + number]

    def titles(self) -> list[str]:
        return [
            " ".join(self.story(s, n)["title"].split())
            for s in range(SOURCES)
            for n in range(self.count[s])
        ]

    def add(self) -> None:
        for index in range(SOURCES):
            self.count[index] += 1
            self._serve(index)

    def _serve(self, source: int) -> None:
        items = []
        for number in range(self.count[source] - 1, -1, -1):
            story = self.story(source, number)
            stamp = f"Mon, 30 Nov 2026 {8 + number:02d}:{source:02d}:00 GMT"
            items.append(
                f"<item><title>{html.escape(story['title'])}</title>"
                f"<link>https://goud.example/{source}/{number}</link>"
                f'<guid isPermaLink="false">{source}-{number}</guid><pubDate>{stamp}</pubDate>'
                f"<description>{html.escape(story['body'])}</description></item>"
            )
        body = (
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>مصدر {source}</title><link>https://goud.example/</link>"
            f"<description>أخبار</description>{''.join(items)}</channel></rss>\n"
        )
        etag = f'"{source}-{self.count[source]}"'
        self.server.route(f"/s{source}.xml", Route(body=body.encode(), etag=etag))


def site_toml(url: str, port: int, public: str) -> str:
    sources = "".join(
        f'\n[[sources]]\nname = "s{i}"\nurl = "http://127.0.0.1:{port}/s{i}.xml"\n'
        f'every = "{int(EVERY)}s"\nallow_private = true\n'
        for i in range(SOURCES)
    )
    return (
        '[site]\ntitle = "نشرة العقد"\nbase_url = "https://news.example.org/"\n'
        f'timezone = "Africa/Tripoli"\ndatabase = "{url}"\npublic_dir = "{public}"\n'
        f'{sources}\n[[feeds]]\nname = "all"\ntitle = "كل الأخبار"\nsources = "*"\nlimit = 500\n'
    )


class Cluster:
    """A folder per node (its nashra.toml naming its own public/), one store."""

    def __init__(self, root: Path, url: str, port: int) -> None:
        self.root, self.url, self.port = root, url, port
        self.nodes: list[Daemon] = []

    def start(self, name: str, *args: str) -> Daemon:
        folder = self.root / name
        folder.mkdir(exist_ok=True)
        (folder / "nashra.toml").write_text(site_toml(self.url, self.port, "public"), "utf-8")
        node = Daemon(folder, "--lease", str(LEASE), *args)
        self.nodes.append(node)
        return node

    def public(self, name: str) -> Path:
        return self.root / name / "public"

    def stop(self) -> None:
        for node in self.nodes:
            if node.proc.poll() is None:
                node.proc.send_signal(signal.SIGTERM)
        for node in self.nodes:
            try:
                node.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                node.proc.kill()
                node.proc.wait()
            node.close()


@pytest.fixture
def wire() -> Iterator[Wire]:
    with LoggingServer() as server:
        yield Wire(server)


@pytest.fixture
def cluster(tmp_path: Path, wire: Wire) -> Iterator[Cluster]:
    with postgres_database() as url:
        nodes = Cluster(tmp_path, url, wire.server.port)
        try:
            yield nodes
        finally:
            nodes.stop()


def published(public: Path) -> list[str]:
    """The titles of the entries of the feed ``all`` (JSON Feed), in order."""
    path = public / "all" / "feed.json"
    if not path.exists():
        return []
    return [" ".join(item["title"].split()) for item in json.loads(path.read_bytes())["items"]]


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def assert_polled_once_per_interval(server: LoggingServer, after: float, until: float) -> None:
    """No two polls of a source closer than its interval (a double poll would be
    milliseconds apart), and every source polled all along."""
    for index in range(SOURCES):
        times = server.polls(f"/s{index}.xml", after)
        times = [t for t in times if t <= until]
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert gaps and min(gaps) >= EVERY * 0.75, (index, gaps)  # time to first byte varies
        assert len(times) >= (until - after) / (EVERY * 3), (index, gaps)


def assert_published_once(public: Path, wire: Wire) -> None:
    shown = published(public)
    assert sorted(shown) == sorted(wire.titles())  # each once, none missing
    assert_valid_feed(public / "all" / "rss.xml")


def served(folder: Path) -> dict[str, bytes]:
    """Every file a server would serve: all but ``.nashra/``, the publisher's own
    bookkeeping (it records, e.g., its folder's modification time)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).parts[0] != ".nashra"
    }


def test_two_workers_poll_each_source_once_per_interval_and_publishers_agree(
    cluster: Cluster, wire: Wire
) -> None:
    workers = [cluster.start(f"worker{i}", "--role", "worker") for i in (1, 2)]
    publishers = [
        cluster.start(f"publisher{i}", "--role", "publisher", "--publish-every", "30")
        for i in (1, 2)
    ]
    started = time.monotonic()
    for node in workers + publishers:
        node.wait_for(lambda n=node: bool(n.events("start")), timeout=30)
    for _ in range(2):
        time.sleep(3)
        wire.add()
    time.sleep(4)
    until = time.monotonic()
    for node in publishers:
        public = cluster.public(node.root.name)
        wait_until(lambda p=public: len(published(p)) == len(wire.titles()), 20, "the stories")
    polled = 0
    for node in workers:
        assert node.stop() == 0
        polled += len(node.events("poll"))
        assert not node.events("render")
        assert not cluster.public(node.root.name).exists()  # a worker never renders
    # whichever worker claims first takes every due source (SKIP LOCKED): on a busy
    # machine one of the two may poll them all, which the checks below allow
    assert polled
    assert_polled_once_per_interval(wire.server, started + 2, until)
    both = [cluster.public(node.root.name) for node in publishers]
    for public in both:
        assert_published_once(public, wire)
    for node in publishers:
        assert node.stop() == 0
        assert not node.events("poll")
    first, second = (served(public) for public in both)
    assert first.keys() == second.keys() and len(first) > 10
    assert [name for name in first if first[name] != second[name]] == []


def test_a_worker_killed_mid_run_loses_nothing(cluster: Cluster, wire: Wire) -> None:
    survivor = cluster.start("worker1", "--role", "worker")
    doomed = cluster.start("worker2", "--role", "worker")
    publisher = cluster.start("publisher", "--role", "publisher", "--publish-every", "30")
    for node in (survivor, doomed, publisher):
        node.wait_for(lambda n=node: bool(n.events("start")), timeout=30)
    doomed.wait_for(lambda: len(doomed.events("poll")) >= 3, timeout=20)
    killed = time.monotonic()
    doomed.proc.send_signal(signal.SIGKILL)
    doomed.proc.wait(timeout=10)
    wire.add()  # stories only the survivor can bring
    time.sleep(LEASE + EVERY * 2.5)
    until = time.monotonic()
    public = cluster.public("publisher")
    wait_until(lambda: len(published(public)) == len(wire.titles()), 20, "the stories")
    assert_published_once(public, wire)
    for index in range(SOURCES):  # every source, the killed worker's too, polled again
        after = wire.server.polls(f"/s{index}.xml", killed + LEASE)
        assert [t for t in after if t <= until], index
    assert_polled_once_per_interval(wire.server, killed, until)
    assert survivor.stop() == 0 and publisher.stop() == 0


# ------------------------------------------------------------ the database goes away


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivatePostgres:
    """A PostgreSQL cluster of this test's own (initdb, pg_ctl) on a free port, in
    a folder of its own (owned by the ``postgres`` user when the tests run as root,
    which PostgreSQL refuses to run as)."""

    def __init__(self, root: Path) -> None:
        bin_dir = Path(os.environ.get("NASHRA_PG_BIN", "/usr/lib/postgresql/bin"))
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.root = root
        self.pg_ctl, self.data, self.port = str(bin_dir / "pg_ctl"), root / "pg", free_port()
        self.socket_dir = root / "sock"
        self.socket_dir.mkdir()
        if self.as_user:
            for folder in (root, self.socket_dir):
                shutil.chown(folder, "postgres", "postgres")
        subprocess.run(
            [*self.as_user, str(bin_dir / "initdb"), "-D", str(self.data), "-U", "postgres",
             "--auth=trust", "--no-sync", "-E", "UTF8"],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            [*self.as_user, self.pg_ctl, "-D", str(self.data), "-o", options, "-l",
             str(self.data / "log"), "-w", "start"],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip

    def stop(self) -> None:
        subprocess.run(
            [*self.as_user, self.pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "stop"],
            capture_output=True, timeout=60,
        )  # fmt: skip


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    if not Path(os.environ.get("NASHRA_PG_BIN", "/usr/lib/postgresql/bin"), "initdb").exists():
        pytest.skip("no initdb (NASHRA_PG_BIN)")
    root = Path(tempfile.mkdtemp(prefix="nashra-pg-"))
    try:
        db = PrivatePostgres(root)
        db.start()
        try:
            yield db
        finally:
            db.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_the_nodes_ride_out_the_database_going_away(tmp_path: Path, wire: Wire) -> None:
    with private_postgres() as db:
        nodes = Cluster(tmp_path, db.url, wire.server.port)
        try:
            worker = nodes.start("worker", "--role", "worker")
            publisher = nodes.start("publisher", "--role", "publisher", "--publish-every", "5")
            public = nodes.public("publisher")
            wait_until(lambda: len(published(public)) == len(wire.titles()), 30, "the stories")
            db.stop()
            down = time.monotonic()
            wire.add()  # news while the database is away
            time.sleep(10)
            db.start()
            wait_until(lambda: len(published(public)) == len(wire.titles()), 40, "the news")
            for node in (worker, publisher):
                assert node.proc.poll() is None  # never restarted
                failed = node.events("store_down")
                errors = [line["message"] for line in node.lines if line.get("level") == "error"]
                assert failed and node.events("store_up"), (node.root.name, errors[-5:])
                delays = [line["retry_in"] for line in failed]
                assert delays == sorted(delays) and delays[-1] > delays[0]  # backing off
            assert_published_once(public, wire)
            for index in range(SOURCES):  # polled again once the store answers
                assert wire.server.polls(f"/s{index}.xml", down + 10), index
            assert worker.stop() == 0 and publisher.stop() == 0
        finally:
            nodes.stop()
