from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from feeds.identity import identify
from feeds.store import SCHEMA_VERSION, Store
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
