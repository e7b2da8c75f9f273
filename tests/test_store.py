from __future__ import annotations

import inspect
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from feeds.identity import identify
from feeds.store import SCHEMA_VERSION, PollBatch, PollRecord, PublishRecord, Store
from sources.errors import StoreError
from sources.item import Item

NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)


def _entry(title: str, **kw: object):  # type: ignore[no-untyped-def]
    fields: dict[str, object] = {"title": title, "body": f"<p>{title} نص الخبر</p>", "source": "s"}
    fields.update(kw)
    return identify(Item(**fields))  # type: ignore[arg-type]


def test_batch_round_trip_keeps_arabic_and_dates(store: Store) -> None:
    when = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
    result, _ = store.save_batch(
        "s", [_entry("خبر أول", published=when), _entry("خبر ثان")], now=NOW
    )
    assert result.new == 2
    latest = store.latest(["s"], 10)
    assert [i.title for i in latest] == [
        "خبر ثان",
        "خبر أول",
    ]  # undated = first seen (now) is newest
    assert latest[1].published == when and latest[0].published == NOW
    assert latest[0].published.tzinfo is not None


def test_second_save_is_unchanged_and_first_seen_is_kept(store: Store) -> None:
    store.save_batch("s", [_entry("خبر")], now=NOW)
    result, _ = store.save_batch("s", [_entry("خبر")], now=NOW + timedelta(days=1))
    assert result.unchanged == 1 and result.new == 0
    assert store.latest(["s"], 1)[0].published == NOW


def test_batch_is_one_transaction(store: Store) -> None:
    good = _entry("خبر سليم")
    bad = _entry("خبر آخر")
    object.__setattr__(bad, "id", None)  # NOT NULL violation halfway through the batch
    with pytest.raises(StoreError):
        store.save_batch("s", [good, bad], now=NOW)
    assert store.count() == 0


def test_schema_version_is_recorded_and_newer_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    Store.open(url).close()
    engine = create_engine(url)
    with engine.begin() as conn:
        assert conn.execute(
            text("select value from meta where key='schema_version'")
        ).scalar() == str(SCHEMA_VERSION)
        conn.execute(text("update meta set value='99' where key='schema_version'"))
    engine.dispose()
    with pytest.raises(StoreError, match="newer than this nashra"):
        Store.open(url)


def test_sqlite_uses_wal(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 's.db'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    store.close()


def test_relative_sqlite_path_is_under_base_dir(tmp_path: Path) -> None:
    Store.open("sqlite:///state/x.db", base_dir=str(tmp_path)).close()
    assert (tmp_path / "state" / "x.db").exists()
    Store.open("", base_dir=str(tmp_path)).close()
    assert (tmp_path / ".state" / "nashra.db").exists()


def _spec(name: str, every: float = 60, path: str = "a.txt"):  # type: ignore[no-untyped-def]
    from sources.base import SourceSpec

    return SourceSpec(name=name, path=path, every=every)


def test_claim_due_leases_sources_once_until_the_lease_expires(store: Store) -> None:
    store.sync_sources([_spec("a"), _spec("b"), _spec("c")], NOW)
    first = [name for name, _ in store.claim_due(NOW, limit=2, lease=30)]
    assert len(first) == 2
    second = [name for name, planned in store.claim_due(NOW, limit=10, lease=30) if planned == NOW]
    assert set(first) | set(second) == {"a", "b", "c"} and not set(first) & set(second)
    assert store.claim_due(NOW + timedelta(seconds=10), limit=10, lease=30) == []
    # a killed worker's lease expires and the source is claimed again
    assert [n for n, _ in store.claim_due(NOW + timedelta(seconds=31), limit=10, lease=30)] == [
        "a",
        "b",
        "c",
    ]


def test_leases_of_a_killed_process_of_this_machine_are_taken_back_at_once(
    store: Store, database_url: str
) -> None:
    import subprocess
    import sys

    from sqlalchemy import create_engine, text

    from feeds.node import HOST, holder

    store.sync_sources([_spec("mine"), _spec("dead"), _spec("remote")], NOW)
    assert len(store.claim_due(NOW, limit=10, lease=300)) == 3
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          check=True, capture_output=True, text=True)  # fmt: skip
    other_host = "0" * 8 if HOST != "0" * 8 else "1" * 8
    marks = {"dead": f"{HOST}:{int(done.stdout)}", "remote": f"{other_host}:{int(done.stdout)}"}
    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            for name, mark in marks.items():
                conn.execute(
                    text("UPDATE sources SET leased_by = :m WHERE name = :n"),
                    {"m": mark, "n": name},
                )
            held = dict(conn.execute(text("SELECT name, leased_by FROM sources")).all())
    finally:
        engine.dispose()
    assert held["mine"] == holder()  # claims say who holds them
    assert store.release_orphans() == ["dead"]  # gone here; alive; another machine's: wait
    assert [n for n, _ in store.claim_due(NOW, limit=10, lease=300)] == ["dead"]
    assert store.release_orphans() == []


def test_record_poll_plans_the_next_poll_and_clears_the_lease(store: Store) -> None:
    from feeds.store import PollRecord

    store.sync_sources([_spec("a", every=60)], NOW)
    assert store.claim_due(NOW, 10, 300) == [("a", NOW)]
    poll = PollRecord(name="a", kind="file", location="a.txt", every=60, at=NOW, outcome="ok")
    assert store.record_poll(poll, jitter=0) == NOW + timedelta(seconds=60)
    assert store.claim_due(NOW + timedelta(seconds=59), 10, 300) == []
    assert store.claim_due(NOW + timedelta(seconds=60), 10, 300) == [
        ("a", NOW + timedelta(seconds=60))
    ]
    failed = PollRecord(
        name="a",
        kind="file",
        location="a.txt",
        every=60,
        at=NOW,
        outcome="failed",
        error="x",
        failed=True,
    )
    assert store.record_poll(failed, jitter=0) == NOW + timedelta(seconds=60)
    assert store.record_poll(failed, jitter=0) == NOW + timedelta(seconds=120)
    assert store.next_poll_of("a") == NOW + timedelta(seconds=120)
    assert store.next_poll_of("nowhere") is None
    assert store.source_rows()[0]["failures"] == 2
    assert store.record_poll(poll, jitter=0) == NOW + timedelta(seconds=60)
    assert store.source_rows()[0]["failures"] == 0


def test_sync_sources_adds_changes_and_removes(store: Store) -> None:
    store.sync_sources([_spec("a"), _spec("b")], NOW)
    store.claim_due(NOW, 10, 1)
    from feeds.store import PollRecord

    for name in ("a", "b"):
        store.record_poll(PollRecord(name, "file", "a.txt", 60, NOW, "ok"), jitter=0)
    later = NOW + timedelta(seconds=5)
    store.sync_sources([_spec("a", path="moved.txt"), _spec("c")], later)
    rows = {r["name"]: r for r in store.source_rows()}
    assert rows["b"]["active"] is False
    assert rows["a"]["location"] == "moved.txt" and rows["a"]["next_poll_at"] == later
    assert sorted(n for n, _ in store.claim_due(later, 10, 30)) == ["a", "c"]


def test_sync_sources_writes_nothing_when_the_configuration_is_unchanged(store: Store) -> None:
    from sqlalchemy import event

    specs = [_spec("wafa", every=300), _spec("lana", every=600), _spec("spa")]
    store.sync_sources([*specs, _spec("retired")], NOW)
    store.sync_sources(specs, NOW)  # "retired" leaves the configuration
    written: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if not statement.lstrip().upper().startswith(("SELECT", "BEGIN", "COMMIT")):
            written.append(statement)

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        store.sync_sources(specs, NOW + timedelta(minutes=3))
        assert written == []
        store.sync_sources([_spec("wafa", every=120), *specs[1:]], NOW + timedelta(minutes=4))
        assert len(written) == 1 and written[0].lstrip().upper().startswith("UPDATE")
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)
    rows = {r["name"]: r for r in store.source_rows()}
    assert rows["wafa"]["every"] == 120 and rows["retired"]["active"] is False


def test_gone_source_is_never_claimed(store: Store) -> None:
    from feeds.store import PollRecord
    from sources.base import SourceState

    store.sync_sources([_spec("a")], NOW)
    store.record_poll(
        PollRecord("a", "url", "http://x/", 60, NOW, "gone", state=SourceState(gone=True))
    )
    assert store.claim_due(NOW + timedelta(days=365), 10, 30) == []


def test_expire_keeps_dedup_keys_longer_than_stories(store: Store) -> None:
    old = datetime(2026, 1, 1, tzinfo=UTC)
    entry = _entry("خبر قديم", published=old)
    store.save_batch("s", [entry], now=old)
    assert store.expire(stories_before=NOW - timedelta(days=30), keys_before=old) == (1, 0)
    assert store.count() == 0
    result, _ = store.save_batch("s", [entry], now=NOW)
    assert result.new == 0 and result.duplicate + result.unchanged == 1
    assert store.expire(stories_before=NOW - timedelta(days=30), keys_before=NOW)[1] == len(
        entry.keys
    )


def test_expire_keeps_a_back_catalogue_and_what_feeds_still_list(store: Store) -> None:
    """Stories dated long ago but seen today stay; a quiet feed keeps the stories it
    lists however old; the rest of the old ones go."""
    spring = datetime(2026, 4, 1, 8, tzinfo=UTC)
    archive = [
        _entry(f"أرشيف الحصاد رقم {n}", published=spring + timedelta(days=n), source="hasad")
        for n in range(6)
    ]
    store.save_batch("hasad", archive, now=NOW)  # a back catalogue imported today
    cutoff = NOW - timedelta(days=30)
    assert store.expire(cutoff, cutoff) == (0, 0)
    assert store.count(["hasad"]) == 6

    quiet = [
        _entry(f"بلدية غات تعلن رقم {n}", published=spring + timedelta(days=n), source="ghat")
        for n in range(5)
    ]
    store.save_batch("ghat", quiet, now=spring + timedelta(days=5))  # seen in spring
    later = NOW + timedelta(days=60)
    gone, _ = store.expire(
        later - timedelta(days=30), cutoff, [(["ghat"], 2, None), (["hasad"], 1, None)]
    )
    assert gone == 3 + 5  # all but the feeds' two newest and one newest
    assert [i.title for i in store.latest(["ghat"], 10)] == [
        "بلدية غات تعلن رقم 4",
        "بلدية غات تعلن رقم 3",
    ]
    assert [i.title for i in store.latest(["hasad"], 10)] == ["أرشيف الحصاد رقم 5"]


def test_many_new_sources_are_spread_over_their_interval(store: Store) -> None:
    store.sync_sources([_spec(f"s{n:04d}", every=300) for n in range(1000)], NOW)
    due_now = store.claim_due(NOW, limit=5000, lease=3600)
    assert 1 <= len(due_now) <= 5
    due_later = store.claim_due(NOW + timedelta(seconds=150), limit=5000, lease=3600)
    assert 480 <= len(due_later) <= 505
    assert len(store.claim_due(NOW + timedelta(seconds=300), limit=5000, lease=3600)) == 1000 - len(
        due_now
    ) - len(due_later)


def test_a_story_stays_with_the_source_that_brought_it(store: Store) -> None:
    url = "https://news.example.org/ليبيا/1"
    main = _entry("ليبيا توقع اتفاقية", url=url, summary="من الموجز العام")
    section = _entry("ليبيا توقع اتفاقية", url=url, summary="من قسم السياسة", source="politics")
    store.save_batch("s", [main], now=NOW)
    result, _ = store.save_batch("politics", [section], now=NOW + timedelta(hours=1))
    assert result.duplicate == 1 and result.updated == 0
    assert [i.source for i in store.latest(["s", "politics"], 10)] == ["s"]


def test_publish_outcome_keeps_the_last_attempt_and_the_last_success(store: Store) -> None:
    assert store.last_publish() is None
    store.record_publish(NOW, None)
    assert store.last_publish() == PublishRecord(at=NOW, error=None, ok_at=NOW)
    later = NOW + timedelta(minutes=5)
    store.record_publish(later, "public/index.html: لا يمكن الكتابة (Permission denied)")
    record = store.last_publish()
    assert record is not None
    assert record.at == later and record.ok_at == NOW
    assert record.error == "public/index.html: لا يمكن الكتابة (Permission denied)"
    store.record_publish(later + timedelta(minutes=1), None)
    assert store.last_publish() == PublishRecord(
        at=later + timedelta(minutes=1), error=None, ok_at=later + timedelta(minutes=1)
    )


ROOT = Path(__file__).parents[1]


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://nashra:s3cret@db.example/akhbar",
        "postgresql+psycopg://nashra:s3cret@db.example/akhbar",
        "postgres://nashra:s3cret@db.example/akhbar",
    ],
)
def test_postgresql_without_its_driver_says_how_to_install_it(url: str) -> None:
    # a real import failure: psycopg cannot be imported in this process
    program = (
        "import sys\n"
        "sys.modules['psycopg'] = None\n"
        "from feeds.store import Store\n"
        "from sources.errors import StoreError\n"
        "try:\n"
        f"    Store.open({url!r})\n"
        "except StoreError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stderr == ""
    message = done.stdout.strip()
    assert message.endswith("PostgreSQL needs its driver: pip install 'nashra[postgres]'")
    assert "db.example/akhbar" in message and "s3cret" not in message
    assert "\n" not in message


def test_unreachable_postgresql_is_a_store_error_without_the_password() -> None:
    url = "postgresql+psycopg://nashra:s3cret@127.0.0.1:1/akhbar"
    with pytest.raises(StoreError) as caught:
        Store.open(url)
    message = str(caught.value)
    assert message.startswith(
        "cannot open the store postgresql+psycopg://nashra:***@127.0.0.1:1/akhbar: "
    )
    assert "s3cret" not in message and "\n" not in message


def test_a_store_in_a_folder_that_cannot_exist_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "حالة"
    blocker.write_text("ملف عادي وليس مجلدا", encoding="utf-8")
    with pytest.raises(StoreError, match=r"^cannot open the store sqlite:///.*/حالة/nashra\.db: "):
        Store.open(f"sqlite:///{blocker / 'nashra.db'}")


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "nashra.db"
    path.write_bytes("نشرة الأخبار\n".encode() * 200)
    with pytest.raises(StoreError) as caught:
        Store.open(f"sqlite:///{path}")
    assert str(caught.value) == f"cannot open the store sqlite:///{path}: file is not a database"


def test_a_locked_database_is_a_store_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "nashra.db"
    store = Store.open(f"sqlite:///{path}?timeout=0.2")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        poll = PollRecord("wire", "url", "https://wire.example/", 60, NOW, "ok")
        writes = [
            lambda: store.save_poll([_entry("خبر عاجل")], [], poll),
            lambda: store.save_batch("s", [_entry("خبر عاجل")], now=NOW),
            lambda: store.record_poll(poll),
            lambda: store.record_publish(NOW, None),
            lambda: store.sync_sources([_spec("a")], NOW),
            lambda: store.claim_due(NOW, 10, 30),
            lambda: store.mark_pages([("x", "y")]),
            lambda: store.expire(NOW, NOW),
        ]
        for write in writes:
            with pytest.raises(StoreError) as caught:
                write()
            assert str(caught.value).startswith("cannot ")
            assert str(caught.value).endswith(
                f" the store sqlite:///{path}?timeout=0.2: database is locked"
            )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        store.close()


def _public_methods() -> list[str]:
    """Every public method of Store, from whichever part of the store it comes."""
    return sorted(
        name
        for name, value in inspect.getmembers(Store, callable)
        if not name.startswith("_") and name not in ("open", "errors")
    )


def test_every_public_store_method_is_behind_the_error_boundary() -> None:
    public = _public_methods()
    assert len(public) >= 20
    assert [name for name in public if not hasattr(getattr(Store, name), "__wrapped__")] == []


def test_every_public_store_method_says_store_error_when_the_database_fails(
    database_url: str,
) -> None:
    """Called on a store whose tables are gone, each method raises one StoreError
    naming the store, never the database library's own error."""
    poll = PollRecord("wire", "url", "https://wire.example/", 60, NOW, "ok")
    calls: dict[str, Callable[[Store], object]] = {
        "claim": lambda s: s.claim(NOW, 10, 30),
        "claim_due": lambda s: s.claim_due(NOW, 10, 30),
        "count": lambda s: s.count(),
        "created_at": lambda s: s.created_at(),
        "expire": lambda s: s.expire(NOW, NOW),
        "file_fingerprints": lambda s: s.file_fingerprints(),
        "known_urls": lambda s: s.known_urls(["https://wire.example/1"]),
        "last_publish": lambda s: s.last_publish(),
        "latest": lambda s: s.latest(["s"], 10),
        "listing": lambda s: s.listing(["s"]),
        "listed_stories": lambda s: s.listed_stories(["x"]),
        "stored_ids": lambda s: s.stored_ids(["x"]),
        "mark_pages": lambda s: s.mark_pages([("x", "y")]),
        "next_poll_of": lambda s: s.next_poll_of("wire"),
        "not_due": lambda s: s.not_due(NOW),
        "pages_due": lambda s: list(s.pages_due("f", set())),
        "record_poll": lambda s: s.record_poll(poll),
        "record_polls": lambda s: s.record_polls([poll]),
        "record_publish": lambda s: s.record_publish(NOW, None),
        "release": lambda s: s.release(["wire"]),
        "release_orphans": lambda s: s.release_orphans(),
        "save_batch": lambda s: s.save_batch("s", [_entry("خبر عاجل")], now=NOW),
        "save_poll": lambda s: s.save_poll([_entry("خبر عاجل")], [], poll),
        "save_polls": lambda s: s.save_polls([PollBatch([_entry("خبر عاجل")], poll)]),
        "source_rows": lambda s: s.source_rows(),
        "source_states": lambda s: s.source_states(),
        "sync_sources": lambda s: s.sync_sources([_spec("a")], NOW),
        "index_topics": lambda s: s.index_topics(),
        "feed_counts": lambda s: s.feed_counts(["topic"]),
        "tags_with": lambda s: s.tags_with(1),
        "change_tokens": lambda s: s.change_tokens(),
    }
    # closing and migrating do not read the tables: the boundary test above covers them
    assert sorted([*calls, "close", "migrate"]) == _public_methods()
    store = Store.open(database_url)
    try:
        with store.engine.begin() as conn:
            for table in (
                "items", "dedup_keys", "files", "sources", "publishes", "meta", "feed_items",
                "topic_feeds", "changes",
            ):  # fmt: skip
                conn.execute(text(f"DROP TABLE {table}"))
        for name, call in calls.items():
            with pytest.raises(StoreError) as caught:
                call(store)
            message = str(caught.value)
            assert message.startswith("cannot ") and f" the store {store.name}: " in message, name
            assert "\n" not in message, name
    finally:
        store.close()


def test_reading_a_store_whose_tables_are_gone_is_a_store_error(database_url: str) -> None:
    store = Store.open(database_url)
    try:
        with store.engine.begin() as conn:
            conn.execute(text("drop table items"))
        with pytest.raises(
            StoreError, match=r"^cannot read the store (sqlite|postgresql)\S*: .*items"
        ):
            store.latest(["s"], 10)
        with pytest.raises(
            StoreError, match=r"^cannot read the store (sqlite|postgresql)\S*: .*items"
        ):
            list(store.pages_due("f", set()))
    finally:
        store.close()


def _url_spec(name: str, every: float = 60):  # type: ignore[no-untyped-def]
    from sources.base import SourceSpec

    return SourceSpec(name=name, url=f"https://{name}.example.ma/rss.xml", every=every)


def _not_modified(name: str, at: datetime, etag: str) -> PollRecord:
    from sources.base import SourceState

    return PollRecord(
        name=name, kind="url", location=f"https://{name}.example.ma/rss.xml", every=60, at=at,
        outcome="not-modified", status=304, state=SourceState(etag=etag, last_modified="x"),
    )  # fmt: skip


def _commits(store: Store) -> list[int]:
    """A list that grows by one at each commit of the store's engine."""
    from sqlalchemy import event

    seen: list[int] = []
    event.listen(store.engine, "commit", lambda _conn: seen.append(1))
    return seen


def test_claim_gives_each_source_the_state_it_remembered(store: Store) -> None:
    from sources.base import SourceState

    store.sync_sources([_url_spec("hespress"), _url_spec("goud")], NOW)
    # polled five minutes ago: due again
    store.record_polls([_not_modified("hespress", NOW - timedelta(minutes=5), '"h-7"')])
    claims = {c.name: c for c in store.claim(NOW, limit=10, lease=300)}
    assert claims["hespress"].state == SourceState(etag='"h-7"', last_modified="x")
    assert claims["goud"].state == SourceState()
    assert claims["goud"].planned == NOW
    assert store.claim(NOW, limit=10, lease=300) == []  # leased


def test_record_polls_writes_many_polls_in_one_commit(store: Store) -> None:
    store.sync_sources([_url_spec("hespress"), _url_spec("goud"), _url_spec("alyaoum24")], NOW)
    assert len(store.claim(NOW, limit=10, lease=300)) == 3
    failed = PollRecord(
        name="alyaoum24", kind="url", location="https://alyaoum24.example.ma/rss.xml",
        every=60, at=NOW, outcome="failed", error="تعذر الاتصال", status=503, failed=True,
    )  # fmt: skip
    commits = _commits(store)
    upcoming = store.record_polls(
        [_not_modified("hespress", NOW, '"h-8"'), failed, _not_modified("goud", NOW, '"g-2"')]
    )
    assert len(commits) == 1
    assert all(u is not None and u >= NOW + timedelta(seconds=60) for u in upcoming)
    rows = {r["name"]: r for r in store.source_rows()}
    assert [rows[n]["etag"] for n in ("hespress", "goud")] == ['"h-8"', '"g-2"']
    assert {rows[n]["leased_by"] for n in rows} == {None}
    assert [rows[n]["failures"] for n in ("hespress", "goud", "alyaoum24")] == [0, 0, 1]
    assert rows["alyaoum24"]["last_error"] == "تعذر الاتصال"
    # the next success clears the failures; the 304's next poll is one interval away
    [when] = store.record_polls([_not_modified("alyaoum24", NOW, '"a-1"')])
    assert when is not None and NOW + timedelta(seconds=60) <= when <= NOW + timedelta(seconds=66)
    assert {r["name"]: r["failures"] for r in store.source_rows()}["alyaoum24"] == 0


def test_record_polls_creates_the_row_of_a_source_not_yet_configured(store: Store) -> None:
    store.record_polls([_not_modified("febrayer", NOW, '"f-1"')])
    [row] = store.source_rows()
    assert (row["name"], row["etag"], row["last_status"]) == ("febrayer", '"f-1"', 304)


def test_listing_read_through_the_driver_gives_what_sqlalchemy_reads(store: Store) -> None:
    from feeds.store.archives import Listed
    from feeds.store.clusters import effective_rev
    from feeds.store.scope import feed_select
    from feeds.store.tables import items

    dates = [datetime(2026, 11, d, 7, 15, 30, 250_000 * (d % 2), tzinfo=UTC) for d in (3, 9, 21)]
    for source, titles in {
        "wafa": ("خبر من رام الله", "بيان وزارة الصحة"),
        "lana": ("طقس طرابلس",),
    }.items():
        entries = [_entry(t, source=source, published=dates[len(t) % 3]) for t in titles]
        store.save_batch(source, entries, now=NOW)
    names = ["wafa", "lana", "spa"]  # a source with no story yet
    columns = [items.c.id, items.c.cluster, items.c.rev, items.c.shown_rev, items.c.sort_date]
    with store.engine.connect() as conn:
        expected = [
            Listed(r.id, r.cluster or r.id, effective_rev(r.rev, r.shown_rev), r.sort_date)
            for r in conn.execute(feed_select(columns, names))
        ]
    listed = store.listing(names)
    assert listed == expected and len(listed) == 3
    assert all(item.date.tzinfo is UTC for item in listed)
    assert {item.date for item in listed} <= set(dates)


def test_a_feed_of_many_sources_reads_by_date_and_lists_what_reading_by_source_lists(
    store: Store,
) -> None:
    from feeds.store.scope import by_date, feed_select
    from feeds.store.tables import items

    outlets = [f"outlet-{n:02d}" for n in range(30)]
    store.sync_sources([_spec(name) for name in outlets], NOW)
    headlines = ["وزير الخارجية يستقبل نظيره", "ارتفاع أسعار النفط", "افتتاح معرض الكتاب"]
    for n, name in enumerate(outlets):
        entries = [
            # a few stories share a date: their order is their source's
            _entry(f"{headline} {n}", source=name, published=NOW - timedelta(hours=(n * k) % 7))
            for k, headline in enumerate(headlines)
        ]
        store.save_batch(name, entries, now=NOW)
    assert by_date(len(outlets), 30) and by_date(2, 30) and not by_date(1, 30)
    with store.engine.connect() as conn:
        for names in (outlets, outlets[:2], outlets[:1], [*outlets[5:], "gone"]):
            columns = [items.c.id, items.c.sort_date, items.c.position]
            rows = [conn.execute(feed_select(columns, names, dated=d)).all() for d in (True, False)]
            assert rows[0] == rows[1] and len(rows[0]) == 3 * len(set(names) & set(outlets))
    newest = store.latest(outlets, 10)  # by date: all 30 of the 30 sources
    assert len(newest) == 10 and all(item.published == NOW for item in newest[:3])
    assert [i.id for i in newest] == [i.id for i in store.latest(outlets, 40)[:10]]
    one = store.latest(outlets[:1], 10)  # by source: 1 of 30
    assert [i.source for i in one] == ["outlet-00"] * 3
