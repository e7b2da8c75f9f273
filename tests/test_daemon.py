"""`nashra run`: the real daemon in a subprocess, with second-level intervals."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import feedparser
import pytest

from sources.files import SETTLE_SECONDS
from tests.conftest import Site
from tests.feedcheck import assert_valid_feed, feed_files

NASHRA = str(Path(sys.executable).with_name("nashra"))

DAEMON_TOML = """\
[site]
title = "نشرة الاختبار"
base_url = "https://news.example.org/"
timezone = "Africa/Tripoli"

[[sources]]
name = "inbox"
path = "sources/*.txt"
every = "1s"

[[feeds]]
name = "all"
title = "كل الأخبار"
sources = "*"
"""


def bulletin(n: int) -> str:
    return (
        f"وزارة الصحة تعلن نتائج الحملة الوطنية رقم {n}\n"
        f"أعلنت وزارة الصحة نتائج الحملة الوطنية رقم {n}، مؤكدة أن الفرق الطبية زارت المدن والقرى.\n"
        "وأضافت الوزارة أن الحملة ستتواصل حتى نهاية الشهر الجاري.\n"
    )


class Daemon:
    """`nashra run` in a subprocess; its JSON log lines collected by a thread."""

    def __init__(self, root: Path, *args: str) -> None:
        self.root = root
        self.proc = subprocess.Popen(
            [NASHRA, "--log-format", "json", "run", "--tick", "0.2", "--debounce", "1", *args],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[dict[str, Any]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            try:
                self.lines.append(json.loads(line))
            except json.JSONDecodeError:
                self.lines.append({"message": line.strip(), "level": "raw"})

    def events(self, kind: str) -> list[dict[str, Any]]:
        return [line for line in list(self.lines) if line.get("event") == kind]

    def wait_for(self, check: Callable[[], bool], timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            if self.proc.poll() is not None:
                raise AssertionError(f"daemon exited {self.proc.returncode}: {self.lines[-5:]}")
            time.sleep(0.1)
        raise AssertionError(f"timed out; last log lines: {self.lines[-8:]}")

    def signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def stop(self, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=timeout)
        self.close()
        return code

    def close(self) -> None:
        self._reader.join(timeout=5)
        if self.proc.stderr is not None:
            self.proc.stderr.close()


@pytest.fixture
def daemon_site(site: Site) -> Site:
    site.config_path.write_text(DAEMON_TOML, encoding="utf-8")
    return site


@pytest.fixture
def start(daemon_site: Site) -> Iterator[Callable[..., Daemon]]:
    started: list[Daemon] = []

    def _start(*args: str) -> Daemon:
        d = Daemon(daemon_site.root, *args)
        started.append(d)
        return d

    yield _start
    for d in started:
        if d.proc.poll() is None:
            d.proc.kill()
            d.proc.wait()
        d.close()


def titles(site: Site) -> list[str]:
    path = site.public / "all" / "atom.xml"
    if not path.exists():
        return []
    return [e.title for e in feedparser.parse(path.read_bytes()).entries]


def status(site: Site, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NASHRA, "status", *args], cwd=site.root, capture_output=True, text=True, timeout=60
    )


def test_new_stories_appear_within_the_interval_and_sigterm_exits_0(
    daemon_site: Site, start: Callable[..., Daemon]
) -> None:
    daemon_site.write("a.txt", bulletin(1))
    d = start()
    d.wait_for(lambda: len(titles(daemon_site)) == 1)
    written = time.monotonic()
    daemon_site.write("b.txt", bulletin(2))
    d.wait_for(lambda: len(titles(daemon_site)) == 2, timeout=10)
    # interval (1 s + jitter) + debounce (1 s) + tick, with room for a loaded machine
    assert time.monotonic() - written < 8
    polls = d.events("poll")
    assert polls and {"source", "outcome", "new", "duplicate", "duration", "lag"} <= set(polls[0])
    assert d.stop() == 0
    assert not list(daemon_site.public.rglob("*.tmp"))
    for path in feed_files(daemon_site.public):
        assert_valid_feed(path)


def test_one_rebuild_per_burst_not_one_per_source(
    daemon_site: Site, start: Callable[..., Daemon]
) -> None:
    many = "".join(
        f'\n[[sources]]\nname = "desk-{n}"\npath = "sources/desk-{n}.txt"\nevery = "1s"\n'
        for n in range(6)
    )
    alone = DAEMON_TOML.replace('path = "sources/*.txt"', 'path = "sources/inbox-*.txt"')
    daemon_site.config_path.write_text(alone + many, "utf-8")
    for n in range(6):
        daemon_site.write(f"desk-{n}.txt", bulletin(n))
    d = start()
    d.wait_for(lambda: len(titles(daemon_site)) == 6)
    time.sleep(2.5)  # longer than the debounce: any further rebuild would have happened
    new_polls = [p for p in d.events("poll") if p["new"]]
    rebuilds = [r for r in d.events("render") if r["written"]]
    assert len(new_polls) == 6  # six sources brought new stories...
    # ...and the feeds were written once for the whole burst (plus the start-up render
    # if it raced the first poll), not once per source
    assert 1 <= len(rebuilds) <= 2
    assert d.stop() == 0


def test_failing_source_backs_off_and_recovers(
    daemon_site: Site, start: Callable[..., Daemon]
) -> None:
    daemon_site.config_path.write_text(
        DAEMON_TOML.replace('path = "sources/*.txt"', 'path = "sources/late.txt"'), "utf-8"
    )
    d = start()
    d.wait_for(
        lambda: sum(1 for p in d.events("poll") if p["outcome"] == "failed") >= 3, timeout=30
    )
    failed = [p for p in d.events("poll") if p["outcome"] == "failed"]
    gaps = [_seconds(b["time"]) - _seconds(a["time"]) for a, b in itertools.pairwise(failed)]
    assert gaps[1] > gaps[0] * 1.5  # 1 s, then 2 s: doubling
    # each failed poll's line says when the next try is: the time, and in how long
    for line in failed:
        waits = _seconds(line["next_poll"]) - _seconds(line["time"])
        assert 0.5 < waits < 10 and abs(line["retry_in"] - waits) < 1.5
        assert f"next try in {line['retry_in']:.0f} s" in line["message"]
    assert failed[1]["retry_in"] > failed[0]["retry_in"]
    health = status(daemon_site, "--json", "--max-failures", "2")
    assert health.returncode == 1 and json.loads(health.stdout)["unhealthy"] == ["inbox"]
    daemon_site.write("late.txt", bulletin(7))
    d.wait_for(
        lambda: any(p["outcome"] == "ok" and p["new"] == 1 for p in d.events("poll")), timeout=20
    )
    healthy = status(daemon_site, "--json", "--max-failures", "2")
    assert healthy.returncode == 0
    assert json.loads(healthy.stdout)["sources"][0]["failures"] == 0
    assert d.stop() == 0


def _seconds(stamp: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(stamp).timestamp()


def test_sighup_adds_a_source_and_rejects_a_bad_config(
    daemon_site: Site, start: Callable[..., Daemon]
) -> None:
    daemon_site.write("a.txt", bulletin(1))
    extra = daemon_site.root / "extra"
    extra.mkdir()
    (extra / "news.jsonl").write_text(
        '{"id": "x1", "title": "افتتاح معرض طرابلس الدولي للكتاب", "body": "انطلقت فعاليات المعرض."}\n',
        "utf-8",
    )
    d = start()
    d.wait_for(lambda: len(titles(daemon_site)) == 1)
    good = DAEMON_TOML + '\n[[sources]]\nname = "extra"\npath = "extra/*.jsonl"\nevery = "1s"\n'
    daemon_site.config_path.write_text(good.replace("[[feeds]]", "[[feedz]]"), "utf-8")
    d.signal(signal.SIGHUP)
    d.wait_for(lambda: any("configuration rejected" in line.get("message", "") for line in d.lines))
    assert d.proc.poll() is None
    daemon_site.config_path.write_text(good, "utf-8")
    d.signal(signal.SIGHUP)
    d.wait_for(lambda: "افتتاح معرض طرابلس الدولي للكتاب" in titles(daemon_site))
    assert d.stop() == 0


def test_status_while_running(daemon_site: Site, start: Callable[..., Daemon]) -> None:
    daemon_site.write("a.txt", bulletin(1))
    d = start()
    d.wait_for(lambda: len(titles(daemon_site)) == 1)
    shown = status(daemon_site)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0].split()[:3] == ["source", "last", "poll"]
    assert lines[1].startswith("inbox") and " ok " in lines[1]
    assert any(line.startswith("all ") for line in lines)
    data = json.loads(status(daemon_site, "--json").stdout)
    assert data["sources"][0]["total"] == 1 and data["feeds"][0]["items"] == 1
    assert set(data["feeds"][0]["files"]) == {"rss.xml", "atom.xml", "feed.json"}
    assert d.stop() == 0


def test_kill_9_then_restart_no_duplicates_no_losses(
    daemon_site: Site, start: Callable[..., Daemon]
) -> None:
    for n in range(150):
        daemon_site.write(f"b{n:03d}.txt", bulletin(n) + "---\n" + bulletin(1000 + n))
    time.sleep(SETTLE_SECONDS + 0.5)  # complete files: the first poll reads them at once
    d = start()
    time.sleep(1.0)  # mid-way: collecting, storing or writing pages
    os.kill(d.proc.pid, signal.SIGKILL)
    d.proc.wait(timeout=10)
    d.close()
    assert not d._reader.is_alive()  # no child of the killed daemon holds its log open
    again = start()
    again.wait_for(lambda: any(p["outcome"] == "ok" for p in again.events("poll")), timeout=60)
    again.wait_for(lambda: len(again.events("render")) >= 1)
    time.sleep(1.5)
    assert again.stop() == 0
    store = daemon_site.store()
    try:
        assert store.count(["inbox"]) == 300
    finally:
        store.close()
    pages = list((daemon_site.public / "stories").glob("*.html"))
    assert len(pages) == 300
    ids = [
        e.id
        for e in feedparser.parse((daemon_site.public / "all" / "atom.xml").read_bytes()).entries
    ]
    assert len(ids) == len(set(ids)) == 50


def test_url_source_polled_conditionally_backs_off_and_recovers(
    daemon_site: Site, start: Callable[..., Daemon]
) -> None:
    from tests.httpserver import DATA as REMOTE
    from tests.httpserver import Route, TestServer

    with TestServer() as server:
        legacy = (REMOTE / "goud-cp1256.xml").read_bytes()  # windows-1256, no ttl
        url = server.route("/wire.xml", Route(body=legacy, etag='"v1"', content_type="text/xml"))
        daemon_site.config_path.write_text(
            DAEMON_TOML
            + f'\n[[sources]]\nname = "wire"\nurl = "{url}"\nevery = "1s"\nallow_private = true\n',
            "utf-8",
        )
        d = start()
        d.wait_for(lambda: any(p["source"] == "wire" and p["new"] for p in d.events("poll")))
        first = len(titles(daemon_site))
        d.wait_for(
            lambda: (
                len(titles(daemon_site)) >= first
                and any(p["source"] == "wire" and p["status"] == 304 for p in d.events("poll"))
            )
        )
        assert server.last("/wire.xml").headers.get("if-none-match") == '"v1"'
        # the server fails: the source backs off (1 s, then 2 s) and shows in status
        server.route("/wire.xml", Route(status=503, body=b"busy"))
        d.wait_for(
            lambda: (
                sum(
                    1
                    for p in d.events("poll")
                    if p["source"] == "wire" and p["outcome"] == "failed"
                )
                >= 2
            )
        )
        # the server comes back with a new story: the source recovers, the story is published
        server.route(
            "/wire.xml", Route(body=(REMOTE / "goud-atom10.xml").read_bytes(), etag='"v2"')
        )
        d.wait_for(
            lambda: any(
                p["source"] == "wire" and p["outcome"] == "ok" and p["new"]
                for p in d.events("poll")[-3:]
            ),
            timeout=20,
        )
        d.wait_for(lambda: len(titles(daemon_site)) > first)
        assert d.stop() == 0


def test_feed_ttl_asks_for_less_frequent_polling(
    daemon_site: Site, start: Callable[..., Daemon]
) -> None:
    from datetime import datetime, timedelta

    from tests.httpserver import DATA as REMOTE
    from tests.httpserver import Route, TestServer

    with TestServer() as server:  # goud-rss2.xml says <ttl>30</ttl>: 30 minutes
        url = server.route("/slow.xml", Route(body=(REMOTE / "goud-rss2.xml").read_bytes()))
        daemon_site.config_path.write_text(
            DAEMON_TOML
            + f'\n[[sources]]\nname = "slow"\nurl = "{url}"\nevery = "1s"\nallow_private = true\n',
            "utf-8",
        )
        d = start()
        d.wait_for(lambda: any(p["source"] == "slow" for p in d.events("poll")))
        time.sleep(3)
        assert server.hits("/slow.xml") == 1
        row = next(
            s
            for s in json.loads(status(daemon_site, "--json").stdout)["sources"]
            if s["name"] == "slow"
        )
        planned = datetime.fromisoformat(row["next_poll"]) - datetime.fromisoformat(
            row["last_poll"]
        )
        assert timedelta(minutes=30) <= planned <= timedelta(minutes=33)
        assert d.stop() == 0


# -- the daemon's decisions, in-process, with a recording job scheduler -------------------


class _Jobs:
    def __init__(self) -> None:
        self.asked: list[float] = []

    def render_soon(self, delay: float) -> None:
        self.asked.append(delay)


class _FlakyPoller:
    """Renders fail the first ``failures`` times."""

    def __init__(self, failures: int) -> None:
        self.failures, self.renders = failures, 0

    async def poll(self, spec: Any, config: Any, now: Any, state: Any = None) -> Any:
        raise AssertionError("not polled in these tests")

    async def close(self) -> None: ...

    async def render(self, config: Any) -> Any:
        from feeds.publish import PublishResult
        from sources.errors import PublishError

        self.renders += 1
        if self.failures:
            self.failures -= 1
            raise PublishError("public/all/rss.xml", "cannot write: No space left on device")
        return PublishResult()


class _NoQueue:
    def sync(self, specs: Any, now: Any) -> None: ...

    def claim(self, now: Any, limit: int) -> list[Any]:
        return []

    def release(self, names: Any) -> None: ...

    def release_orphans(self) -> list[str]:
        return []

    def next_poll(self, name: str) -> Any:
        return None


def test_a_failed_rebuild_is_asked_for_again_not_forgotten(daemon_site: Site) -> None:
    import asyncio

    from feeds.daemon import Daemon as Runner
    from feeds.daemon import DaemonSettings

    async def scenario() -> tuple[list[float], int]:
        poller, jobs = _FlakyPoller(failures=1), _Jobs()
        runner = Runner(
            daemon_site.config(), _NoQueue(), poller, DaemonSettings(workers=1, debounce=2)
        )
        runner.jobs = jobs
        runner._mark_dirty()  # new stories arrived
        await runner.render()  # fails: asks for another rebuild
        await runner.render()  # succeeds: asks for nothing more
        return jobs.asked, poller.renders

    asked, renders = asyncio.run(scenario())
    assert asked == [2, 2] and renders == 2


def test_stories_arriving_during_a_rebuild_get_their_own(daemon_site: Site) -> None:
    import asyncio

    from feeds.daemon import Daemon as Runner
    from feeds.daemon import DaemonSettings
    from feeds.publish import PublishResult

    class _Slow(_FlakyPoller):
        arrived: Callable[[], None] = staticmethod(lambda: None)

        async def render(self, config: Any) -> Any:
            self.renders += 1
            if self.renders == 1:
                self.arrived()  # a poll finds new stories while this rebuild runs
            await asyncio.sleep(0)
            return PublishResult()

    poller, jobs = _Slow(failures=0), _Jobs()

    async def scenario() -> None:
        runner = Runner(daemon_site.config(), _NoQueue(), poller, DaemonSettings(workers=1))
        runner.jobs = jobs
        poller.arrived = runner._mark_dirty
        runner._mark_dirty()
        await runner.render()
        await runner.render()

    asyncio.run(scenario())
    assert poller.renders == 2 and len(jobs.asked) == 2


# -- watched folders: a file dropped in is published within seconds ------------------------

WATCHED_TOML = DAEMON_TOML.replace(
    'path = "sources/*.txt"\nevery = "1s"', 'path = "drop"\nevery = "1h"'
)


def test_a_file_dropped_into_a_watched_folder_is_published_within_seconds(
    daemon_site: Site, start: Callable[..., Daemon]
) -> None:
    drop = daemon_site.root / "drop"
    drop.mkdir()  # empty: a healthy source with nothing yet
    daemon_site.config_path.write_text(WATCHED_TOML, "utf-8")
    d = start()
    d.wait_for(lambda: any(e["message"].startswith("watching 1 folders") for e in d.lines))
    d.wait_for(lambda: len(d.events("poll")) == 1)
    assert d.events("poll")[0]["outcome"] == "ok"  # an empty folder is not a failure
    # written under a partial name, then renamed into place: read once, complete
    partial = drop / ".bulletin.txt.part"
    partial.write_text(bulletin(41), "utf-8")
    dropped = time.monotonic()
    partial.rename(drop / "bulletin.txt")
    d.wait_for(lambda: len(titles(daemon_site)) == 1, timeout=20)
    # the watch's quiet period (3 s) + debounce (1 s), far inside the hour of the interval
    assert time.monotonic() - dropped < 10
    # copied slowly: the poll waits until the copy has ended, nothing truncated is published
    slow = drop / "slow.txt"
    text = bulletin(42)
    with slow.open("w", encoding="utf-8") as handle:
        handle.write(text[:25])
        handle.flush()
        time.sleep(1.5)
        handle.write(text[25:])
    d.wait_for(lambda: len(titles(daemon_site)) == 2, timeout=20)
    time.sleep(4)  # another poll, had one read the half file, would have published it
    assert sorted(titles(daemon_site)) == sorted(
        [text.splitlines()[0], bulletin(41).splitlines()[0]]
    )
    stopping = time.monotonic()
    assert d.stop() == 0
    assert time.monotonic() - stopping < 10


def test_a_fifo_in_a_source_folder_neither_blocks_nor_stops_the_daemon(
    daemon_site: Site, start: Callable[..., Daemon]
) -> None:
    os.mkfifo(daemon_site.sources / "pipe.txt")
    daemon_site.write("a.txt", bulletin(3))
    d = start()
    d.wait_for(lambda: len(titles(daemon_site)) == 1)
    errors = [p["error"] for p in d.events("poll") if p.get("error")]
    assert (
        errors and errors[0] == "sources/pipe.txt: skipped: a named pipe (FIFO), not a regular file"
    )
    stopping = time.monotonic()
    assert d.stop(timeout=20) == 0
    assert time.monotonic() - stopping < 10


# -- a 304 costs one small write: no read before the fetch, no parsing, one UPDATE -------


def test_a_304_polled_from_its_claim_costs_one_small_write(
    daemon_site: Site, database_url: str
) -> None:
    import asyncio
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import event

    from feeds.daemon import InProcessPoller
    from feeds.pipeline import open_fetcher
    from feeds.store import Store
    from tests.httpserver import TestServer

    now = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)
    with TestServer() as server:
        url = server.fixture("/hespress.xml", "goud-rss10.rdf", etag='"v9"')
        daemon_site.config_path.write_text(
            DAEMON_TOML.replace(
                'path = "sources/*.txt"', f'url = "{url}"\nallow_private = true'
            ).replace('every = "1s"', 'every = "5m"'),
            encoding="utf-8",
        )
        config = daemon_site.config()
        [spec] = config.sources
        store = Store.open(database_url, base_dir=str(daemon_site.root))
        statements: list[str] = []

        async def scenario() -> tuple[Any, Any, list[str]]:
            async with open_fetcher(config, store, 1) as fetcher:
                poller = InProcessPoller(store, fetcher)
                store.sync_sources(config.sources, now)
                [claim] = store.claim(now, limit=5, lease=300)
                first = await poller.poll(spec, config, now, claim.state)
                later = now + timedelta(minutes=6)
                [claim] = store.claim(later, limit=5, lease=300)
                event.listen(
                    store.engine,
                    "before_cursor_execute",
                    lambda _c, _cur, sql, *_: statements.append(sql.split()[0].upper()),
                )
                second = await poller.poll(spec, config, later, claim.state)
                await poller.close()
                return first, second, list(statements)

        try:
            first, second, during = asyncio.run(scenario())
            rows = store.source_rows()
        finally:
            store.close()
    assert (first.status, second.status, second.outcome.value) == (200, 304, "not-modified")
    assert first.batch.new > 0 and second.batch.new == 0
    assert server.last("/hespress.xml").headers["if-none-match"] == '"v9"'
    assert [s for s in during if s not in ("BEGIN", "COMMIT")] == ["UPDATE"]
    [row] = rows
    assert (row["last_status"], row["leased_by"], row["failures"]) == (304, None, 0)
    assert row["next_poll_at"] >= datetime(2026, 12, 1, 7, 41, tzinfo=UTC)


# -- rebuilds keep to their share of the time -----------------------------------------------


def test_stories_arriving_during_a_rebuild_are_published_on_the_real_scheduler(
    daemon_site: Site,
) -> None:
    """The rebuild asked for while one runs comes due before it ends: APScheduler
    must not skip it (one instance of a job at a time), or the feeds would wait
    for the next story to come after the running rebuild ends, under a steady
    stream of stories for ever."""
    import asyncio

    from feeds.daemon import Daemon as Runner
    from feeds.daemon import DaemonSettings
    from feeds.jobs import ApsJobs
    from feeds.publish import PublishResult

    class _Slow(_FlakyPoller):
        arrived: Callable[[], None] = staticmethod(lambda: None)

        async def render(self, config: Any) -> Any:
            self.renders += 1
            if self.renders == 1:
                await asyncio.sleep(0.1)
                self.arrived()  # a poll finds new stories while this rebuild runs
                await asyncio.sleep(0.5)  # the rebuild asked for comes due meanwhile
            return PublishResult()

    poller = _Slow(failures=0)

    async def scenario() -> None:
        settings = DaemonSettings(workers=1, debounce=0.05, render_share=1.0)
        runner = Runner(daemon_site.config(), _NoQueue(), poller, settings)
        jobs = ApsJobs(runner, settings)
        runner.jobs = jobs
        poller.arrived = runner._mark_dirty
        jobs.start()
        try:
            runner._mark_dirty()
            for _ in range(60):
                await asyncio.sleep(0.05)
                if poller.renders >= 2 and not runner._dirty:
                    break
        finally:
            jobs.shutdown()

    asyncio.run(scenario())
    assert poller.renders == 2


def test_render_pause_keeps_rebuilds_to_their_share() -> None:
    from feeds.daemon import render_pause

    assert render_pause(3.0, 0.25) == pytest.approx(9.0)  # 3 s of every 12
    assert render_pause(3.0, 0.5) == pytest.approx(3.0)
    assert render_pause(3.0, 1.0) == 0.0
    assert render_pause(0.0, 0.25) == 0.0


def test_a_rebuild_waits_for_its_turn_unless_the_daemon_stops(daemon_site: Site) -> None:
    import asyncio

    from feeds.daemon import Daemon as Runner
    from feeds.daemon import DaemonSettings

    poller = _FlakyPoller(failures=0)

    async def scenario() -> tuple[bool, int, int]:
        runner = Runner(daemon_site.config(), _NoQueue(), poller, DaemonSettings(workers=1))
        runner.jobs = _Jobs()
        runner._render_ready = float("inf")  # the last rebuild was long: the next waits
        runner._mark_dirty()
        waiting = asyncio.create_task(runner.render())
        for _ in range(20):
            await asyncio.sleep(0)
        held = not waiting.done()
        renders_while_held = poller.renders
        runner.request_stop()  # a stopping daemon rebuilds at once
        await asyncio.wait_for(waiting, timeout=30)
        return held, renders_while_held, poller.renders

    assert asyncio.run(scenario()) == (True, 0, 1)


def test_feeds_rebuilt_in_a_process_of_their_own_and_after_close_in_a_thread(
    daemon_site: Site,
) -> None:
    import asyncio
    from datetime import UTC, datetime

    from feeds.daemon import InProcessPoller

    (daemon_site.root / "sources").mkdir(exist_ok=True)
    (daemon_site.root / "sources" / "health.txt").write_text(bulletin(7), encoding="utf-8")
    config = daemon_site.config()
    store = daemon_site.store()
    now = datetime(2026, 12, 1, 8, tzinfo=UTC)

    async def scenario() -> tuple[int, int]:
        poller = InProcessPoller(store, render_apart=True)
        store.sync_sources(config.sources, now)
        report = await poller.poll(config.sources[0], config, now)
        apart = await poller.render(config)  # in the renderer process
        await poller.close()
        (daemon_site.public / "all" / "rss.xml").unlink()
        after = await poller.render(config)  # a stopping daemon's last rebuild: a thread
        return report.batch.new, len(apart.written) and len(after.written)

    try:
        new, written = asyncio.run(scenario())
    finally:
        store.close()
    assert new == 1 and written > 0
    [entry] = feedparser.parse((daemon_site.public / "all" / "rss.xml").read_bytes()).entries
    assert entry.title == "وزارة الصحة تعلن نتائج الحملة الوطنية رقم 7"
    assert_valid_feed(daemon_site.public / "all" / "atom.xml")


def test_a_worker_and_a_publisher_share_one_sqlite_store(
    daemon_site: Site, start: Callable[..., Daemon]
) -> None:
    """On SQLite (no notifications) the publisher reads the change tokens every few
    seconds: what the worker stores is published by the publisher alone."""
    daemon_site.write("a.txt", bulletin(7))
    worker = start("--role", "worker")
    publisher = start("--role", "publisher", "--publish-every", "600")
    publisher.wait_for(lambda: len(titles(daemon_site)) == 1, timeout=30)
    daemon_site.write("b.txt", bulletin(8))
    publisher.wait_for(lambda: len(titles(daemon_site)) == 2, timeout=30)
    assert worker.events("poll") and not worker.events("render")
    assert publisher.events("render") and not publisher.events("poll")
    shown = json.loads(status(daemon_site, "--json").stdout)["nodes"]
    assert sorted(n["role"] for n in shown) == ["publisher", "worker"]
    assert {n["pid"] for n in shown} == {worker.proc.pid, publisher.proc.pid}
    assert worker.stop() == 0 and publisher.stop() == 0
    assert json.loads(status(daemon_site, "--json").stdout)["nodes"] == []  # both left
