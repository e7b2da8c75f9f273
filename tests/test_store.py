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
