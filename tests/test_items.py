"""Saving stories with driver-level statements (``feeds.store.items``): the rows hold
exactly what SQLAlchemy's own statements would write, on every database, so that
stores written before and after read back the same and compare the same.

The text is the repository's benchmark sample: bench/data/samples/news-articles.jsonl
(articles of Goud.ma from the MArSum corpus, CC BY 4.0).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from feeds.dedup import Mode, Policy
from feeds.identity import prepare
from feeds.store import PollRecord, Store
from feeds.store.items import INSERT_COLUMNS, _row
from feeds.store.tables import dedup_keys, items
from sources.html import text_to_html
from sources.item import Enclosure, Item

SAMPLES = Path(__file__).resolve().parents[1] / "bench" / "data" / "samples"
ARTICLES = [
    json.loads(line)
    for line in (SAMPLES / "news-articles.jsonl").read_text("utf-8").splitlines()[:40]
]
LONG = [a for a in ARTICLES if len(a["body"].split()) >= 120]
NOW = datetime(2026, 12, 1, 9, 30, 0, tzinfo=UTC)  # whole seconds: dates stored without a fraction


def _poll(name: str, at: datetime) -> PollRecord:
    return PollRecord(
        name=name,
        kind="url",
        location=f"https://{name}.example/feed",
        every=300.0,
        at=at,
        outcome="ok",
    )


def test_a_saved_story_is_the_row_sqlalchemy_would_write(store: Store) -> None:
    """Every column of a story saved by the store equals the same story's row written
    through SQLAlchemy (dates with and without a fraction of a second, tags, media,
    packed shingles, priority), read back raw from the driver."""
    article = LONG[0]
    item = Item(
        title=article["title"],
        body=text_to_html(article["body"]),
        source="hespress",
        url="https://hespress.example/news/1",
        published=NOW - timedelta(hours=2),
        updated=NOW - timedelta(hours=1, microseconds=250),
        tags=("المغرب", "اقتصاد"),
        enclosures=(Enclosure("https://hespress.example/a.mp3", "audio/mpeg", 1200),),
    )
    (entry,) = prepare([item])
    policy = Policy(mode=Mode.NEAR, priority=3)
    result = store.save_poll([entry], (), _poll("hespress", NOW), policy=policy)
    assert result.new == 1
    assert entry.fingerprint is not None
    twin = {**_row(entry, NOW, entry.fingerprint, policy), "position": 0, "cluster": None}
    twin.update(id="twin", slug="twin-slug")
    with store.engine.begin() as conn:
        conn.execute(items.insert(), [twin])
        columns = ", ".join(c for c in INSERT_COLUMNS if c not in ("id", "slug"))
        saved, made = (
            tuple(conn.exec_driver_sql(f"SELECT {columns} FROM items WHERE id = '{i}'").one())
            for i in (entry.id, "twin")
        )
    assert saved == made
    assert store.latest(["hespress"], 1)[0].updated == item.updated


def test_claimed_keys_are_the_rows_sqlalchemy_would_write(store: Store) -> None:
    at = NOW.replace(microsecond=0)
    items_ = [
        Item(title=a["title"], body=text_to_html(a["body"]), source="goud", url=f"https://g.ex/{n}")
        for n, a in enumerate(LONG[:3])
    ]
    entries = prepare(items_)
    store.save_poll(entries, (), _poll("goud", at), policy=Policy(mode=Mode.EXACT))
    with store.engine.begin() as conn:
        conn.execute(dedup_keys.insert(), [{"key": "twin", "item_id": "x", "created_at": at}])
        created = {
            row[0] for row in conn.exec_driver_sql("SELECT DISTINCT created_at FROM dedup_keys")
        }
        owners = {k: i for k, i in conn.execute(select(dedup_keys.c.key, dedup_keys.c.item_id))}
    assert len(created) == 1  # the twin's, written by SQLAlchemy, is the same value
    assert {k: owners[k] for e in entries for k in e.keys} == {
        k: e.id for e in entries for k in e.keys
    }


def test_a_copy_first_seen_at_the_windows_start_is_still_compared(store: Store) -> None:
    """The window's start bound as the stored dates are (``first_seen >= since``): a
    story first seen exactly a window before takes a copy, one a second earlier not."""
    window = timedelta(days=2)
    policy = Policy(mode=Mode.NEAR, window=window)
    first, second = LONG[1], LONG[2]
    originals = prepare(
        [
            Item(title=first["title"], body=text_to_html(first["body"]), source="a", url="https://a.ex/1"),
            Item(title=second["title"], body=text_to_html(second["body"]), source="a", url="https://a.ex/2"),
        ]
    )  # fmt: skip
    store.save_poll(originals[:1], (), _poll("a", NOW - window), policy=policy)
    store.save_poll(
        originals[1:], (), _poll("a", NOW - window - timedelta(seconds=1)), policy=policy
    )
    copies = prepare(
        [
            Item(title="نسخة", body=text_to_html(first["body"] + " انتهى"), source="b", url="https://b.ex/1"),
            Item(title="نسخة", body=text_to_html(second["body"] + " انتهى"), source="b", url="https://b.ex/2"),
        ]
    )  # fmt: skip
    result = store.save_poll(copies, (), _poll("b", NOW), policy=policy)
    assert (result.merged, result.new) == (1, 1)
    shown = {s.url: s for s in store.latest(["a", "b"], 10)}
    assert [a.url for a in shown["https://a.ex/1"].also] == ["https://b.ex/1"]
    assert "https://b.ex/2" in shown
