"""Concurrent writers of one store: threads and processes on SQLite and PostgreSQL.

Agency copies are the normal case: many sources bring the same story at the same
moment, in different orders, under different ids and URL spellings. Every save
must succeed; each story is stored once; the others count it as a duplicate.
"""

from __future__ import annotations

import multiprocessing
import random
import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from feeds.identity import Entry, identify
from feeds.store import PollRecord, Store
from feeds.store.tables import SCHEMA_VERSION, dedup_keys, meta
from sources.errors import StoreError
from sources.item import Item
from tests.conftest import POSTGRES, postgres_database

NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)
STORIES = 30
"""Stories per round; each saver brings about two thirds of them."""

HEADLINES = (
    "مجلس النواب يناقش مشروع الموازنة العامة",
    "افتتاح معرض الكتاب الدولي في طرابلس",
    "ارتفاع أسعار النفط في الأسواق العالمية",
    "وزارة الصحة تطلق حملة تطعيم وطنية",
    "المنتخب الوطني يتأهل إلى الدور النهائي",
    "هطول أمطار غزيرة على المناطق الساحلية",
)
PLACES = ("طرابلس", "بنغازي", "مصراتة", "سبها", "الزاوية")


def _story(index: int) -> tuple[str, str]:
    """A distinct headline and body for each index."""
    headline = HEADLINES[index % len(HEADLINES)]
    place = PLACES[(index // len(HEADLINES)) % len(PLACES)]
    edition = index // (len(HEADLINES) * len(PLACES))
    title = f"{headline} في {place} - العدد {edition}"
    return title, f"<p>{title}. قالت مصادر رسمية إن الخبر مؤكد.</p>"


def _entry(worker: int, index: int) -> Entry:
    """Story ``index`` as saver ``worker``'s source brings it: three kinds of copies."""
    title, body = _story(index)
    source = f"w{worker:02d}"
    kind = index % 3
    if kind == 0:
        # no id of its own; the same URL under another spelling: the same id
        url = f"https://Wire.Example:443/ar/{index}?utm_source={source}#top"
        return identify(Item(title=title, body=body, source=source, url=url))
    if kind == 1:
        # its own id in each source; the same canonical URL
        url = f"https://wire.example/ar/{index}" + ("?utm_medium=rss" if worker % 2 else "")
        return identify(
            Item(title=title, body=body, source=source, url=url, id=f"{worker}-{index}")
        )
    # no URL: another id in each source; the same headline and text
    return identify(Item(title=title, body=body, source=source, origin=f"{source}.jsonl"))


def _picked(worker: int, round_: int) -> list[int]:
    """The overlapping stories saver ``worker`` brings in a round, in its own order."""
    rng = random.Random(worker * 1000 + round_)
    first = round_ * STORIES
    picked = rng.sample(range(first, first + STORIES), k=STORIES * 2 // 3)
    rng.shuffle(picked)
    return picked


def _poll(worker: int) -> PollRecord:
    return PollRecord(
        name=f"w{worker:02d}", kind="url", location="https://wire.example/", every=10, at=NOW,
        outcome="ok",
    )  # fmt: skip


Counts = tuple[int, int, int, int]
"""Entries brought, new, duplicate, other outcomes (updated, unchanged)."""


def _save_rounds(store: Store, worker: int, rounds: int, wait: Callable[[], Any]) -> list[Counts]:
    counts: list[Counts] = []
    for round_ in range(rounds):
        entries = [_entry(worker, index) for index in _picked(worker, round_)]
        wait()
        result = store.save_poll(entries, [], _poll(worker), jitter=0)
        counts.append(
            (len(entries), result.new, result.duplicate, result.updated + result.unchanged)
        )
    return counts


def _process_saver(url: str, worker: int, rounds: int, barrier: Any, results: Any) -> None:
    """Runs in a spawned process: its own store, the same database."""
    try:
        store = Store.open(url)
        try:
            results.put((worker, _save_rounds(store, worker, rounds, barrier.wait)))
        finally:
            store.close()
    except BaseException as exc:  # reported to the test, which fails on it
        results.put((worker, f"{type(exc).__name__}: {exc}"))


def _check(store: Store, workers: int, rounds: int, counts: list[Counts]) -> None:
    wanted = {i for w in range(workers) for r in range(rounds) for i in _picked(w, r)}
    titles = [item.title for item in store.latest([f"w{w:02d}" for w in range(workers)], 10_000)]
    assert sorted(titles) == sorted(_story(i)[0] for i in wanted)  # each story exactly once
    assert sum(c[1] for c in counts) == len(wanted)
    assert sum(c[0] for c in counts) == sum(c[1] + c[2] for c in counts)
    assert all(c[3] == 0 for c in counts)
    # a saver that lost a race gave back the keys it took: only stored stories own keys
    kept = sum(len(_entry(0, i).keys) for i in wanted)
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(dedup_keys)).scalar_one() == kept


def test_many_threads_save_the_same_stories_at_once(database_url: str) -> None:
    workers, rounds = 12, 3
    store = Store.open(database_url)
    barrier = threading.Barrier(workers)
    counts: list[Counts] = []
    errors: list[BaseException] = []

    def run(worker: int) -> None:
        try:
            counts.extend(_save_rounds(store, worker, rounds, barrier.wait))
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(w,)) for w in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    try:
        assert errors == []
        assert len(counts) == workers * rounds
        _check(store, workers, rounds, counts)
    finally:
        store.close()


def test_several_processes_save_the_same_stories_at_once(database_url: str) -> None:
    workers, rounds = 4, 4
    Store.open(database_url).close()
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(workers)
    results = spawn.Queue()
    processes = [
        spawn.Process(target=_process_saver, args=(database_url, w, rounds, barrier, results))
        for w in range(workers)
    ]
    for process in processes:
        process.start()
    outcomes = dict(results.get(timeout=180) for _ in processes)
    for process in processes:
        process.join(timeout=60)
    failed = {w: o for w, o in outcomes.items() if isinstance(o, str)}
    assert failed == {}
    store = Store.open(database_url)
    try:
        _check(store, workers, rounds, [c for o in outcomes.values() for c in o])
    finally:
        store.close()


def _process_opener(url: str, barrier: Any, results: Any) -> None:
    try:
        barrier.wait()
        Store.open(url).close()
        results.put("ok")
    except BaseException as exc:
        results.put(f"{type(exc).__name__}: {exc}")


def _open_at_once(url: str, processes: int = 4) -> list[str]:
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(processes)
    results = spawn.Queue()
    started = [
        spawn.Process(target=_process_opener, args=(url, barrier, results))
        for _ in range(processes)
    ]
    for process in started:
        process.start()
    outcomes = [results.get(timeout=180) for _ in started]
    for process in started:
        process.join(timeout=60)
    return outcomes


def _schema_version(url: str) -> str:
    store = Store.open(url)
    try:
        with store.engine.connect() as conn:
            rows = conn.execute(select(meta.c.key, meta.c.value)).all()
    finally:
        store.close()
    assert sorted(key for key, _ in rows) == ["created_at", "schema_version"]
    return dict(rows)["schema_version"]


def test_first_runs_at_once_on_a_new_sqlite_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh' / 'nashra.db'}"
    assert _open_at_once(url) == ["ok"] * 4
    assert _schema_version(url) == str(SCHEMA_VERSION)


@pytest.mark.skipif(not POSTGRES, reason="NASHRA_TEST_POSTGRES is not set (.ci/run sets it)")
def test_first_runs_at_once_on_a_new_postgres_store() -> None:
    with postgres_database() as url:
        assert _open_at_once(url) == ["ok"] * 4
        assert _schema_version(url) == str(SCHEMA_VERSION)


def _at_once(workers: int, job: Callable[[int], Any]) -> list[BaseException]:
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def run(worker: int) -> None:
        try:
            barrier.wait()
            job(worker)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_failed_polls_of_a_new_source_recorded_at_once_are_each_counted(
    database_url: str,
) -> None:
    from sources.base import SourceSpec

    store = Store.open(database_url)
    failed = PollRecord(
        name="wakala", kind="url", location="https://wakala.example/rss", every=60, at=NOW,
        outcome="failed", error="انتهت المهلة", failed=True,
    )  # fmt: skip
    specs = [SourceSpec(name=f"s{n}", url=f"https://s{n}.example/", every=60) for n in range(5)]
    try:
        assert _at_once(8, lambda _: store.record_poll(failed, jitter=0)) == []
        assert _at_once(6, lambda _: store.sync_sources(specs, NOW)) == []
        rows = {row["name"]: row for row in store.source_rows()}
        assert rows["wakala"]["failures"] == 8
        assert sorted(rows) == ["s0", "s1", "s2", "s3", "s4", "wakala"]
    finally:
        store.close()


def test_opening_waits_for_a_writer_of_a_store_not_yet_in_wal(tmp_path: Path) -> None:
    """SQLite refuses the switch to WAL at once (no waiting) while another connection
    writes to a store still in rollback-journal mode, as when several processes
    create a store together: opening waits for the writer instead."""
    path = tmp_path / "nashra.db"
    setup = sqlite3.connect(path, isolation_level=None)
    setup.execute("CREATE TABLE مسودة (نص TEXT)")
    setup.close()
    writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO مسودة VALUES ('خبر قيد الكتابة')")
    done = threading.Timer(0.5, lambda: writer.execute("COMMIT"))
    done.start()
    try:
        store = Store.open(f"sqlite:///{path}?timeout=10")
    finally:
        done.join()
        writer.close()
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("SELECT count(*) FROM مسودة").scalar() == 1
    finally:
        store.close()


def test_opening_a_store_locked_longer_than_the_timeout_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "nashra.db"
    setup = sqlite3.connect(path, isolation_level=None)
    setup.execute("CREATE TABLE مسودة (نص TEXT)")
    setup.close()
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match=r"^cannot open the store .*: database is locked$"):
            Store.open(f"sqlite:///{path}?timeout=0.3")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
