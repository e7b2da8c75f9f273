"""Group commits of poll records (``feeds.recorder``) on a real store: polls that
end together are written in one transaction, each poll learns its next poll time,
a failed group fails every poll in it, and closing writes what waits."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, text

from feeds.recorder import GroupRecorder
from feeds.store import PollRecord, Store
from sources.base import SourceSpec, SourceState
from sources.errors import StoreError
from tests.conftest import Site

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
OUTLETS = ("hespress", "goud", "alyaoum24", "febrayer", "le360", "barlamane")


def _spec(name: str) -> SourceSpec:
    return SourceSpec(name=name, url=f"https://{name}.example.ma/feed", every=120)


def _poll(name: str) -> PollRecord:
    return PollRecord(
        name=name, kind="url", location=f"https://{name}.example.ma/feed", every=120, at=NOW,
        outcome="not-modified", status=304, state=SourceState(etag=f'"{name}-3"'),
    )  # fmt: skip


def _commits(store: Store) -> list[int]:
    seen: list[int] = []
    event.listen(store.engine, "commit", lambda _conn: seen.append(1))
    return seen


def test_polls_ending_together_are_recorded_in_one_transaction(store: Store) -> None:
    store.sync_sources([_spec(n) for n in OUTLETS], NOW)
    assert len(store.claim(NOW, limit=10, lease=300)) == len(OUTLETS)
    commits = _commits(store)

    async def scenario() -> tuple[list[datetime | None], int]:
        recorder = GroupRecorder(store.record_polls, window=0.2)
        upcoming = await asyncio.gather(*(recorder.record(_poll(n)) for n in OUTLETS))
        return list(upcoming), recorder.groups

    upcoming, groups = asyncio.run(scenario())
    assert groups == 1 and len(commits) == 1
    assert all(
        when is not None and NOW + timedelta(seconds=120) <= when <= NOW + timedelta(seconds=132)
        for when in upcoming
    )
    rows = {r["name"]: r for r in store.source_rows()}
    assert {rows[n]["etag"] for n in OUTLETS} == {f'"{n}-3"' for n in OUTLETS}
    assert {rows[n]["leased_until"] for n in OUTLETS} == {None}
    assert store.claim(NOW + timedelta(seconds=100), limit=10, lease=300) == []


def test_a_full_group_is_written_without_waiting_for_the_window(store: Store) -> None:
    store.sync_sources([_spec(n) for n in OUTLETS], NOW)

    async def scenario() -> int:
        recorder = GroupRecorder(store.record_polls, window=3600, most=3)
        await asyncio.wait_for(
            asyncio.gather(*(recorder.record(_poll(n)) for n in OUTLETS)), timeout=60
        )
        return recorder.groups

    assert asyncio.run(scenario()) == 2


def test_closing_writes_the_group_still_open(store: Store) -> None:
    store.sync_sources([_spec("goud")], NOW)

    async def scenario() -> datetime | None:
        recorder = GroupRecorder(store.record_polls, window=3600)
        waiting = asyncio.create_task(recorder.record(_poll("goud")))
        await asyncio.sleep(0)
        await recorder.close()
        return await asyncio.wait_for(waiting, timeout=60)

    assert asyncio.run(scenario()) is not None
    assert store.source_rows()[0]["etag"] == '"goud-3"'


def test_a_group_that_cannot_be_written_fails_every_poll_in_it(store: Store) -> None:
    store.sync_sources([_spec(n) for n in OUTLETS[:3]], NOW)
    with store.engine.begin() as conn:  # the store breaks under the daemon
        conn.execute(text("DROP TABLE sources"))

    async def scenario() -> list[object]:
        recorder = GroupRecorder(store.record_polls, window=0.05)
        return await asyncio.gather(
            *(recorder.record(_poll(n)) for n in OUTLETS[:3]), return_exceptions=True
        )

    outcomes = asyncio.run(scenario())
    assert len(outcomes) == 3
    assert all(isinstance(o, StoreError) and "record the polls" in str(o) for o in outcomes)


@pytest.mark.parametrize("cancel_after", [0.0, 0.01])
def test_a_cancelled_poll_is_still_recorded(store: Store, cancel_after: float) -> None:
    store.sync_sources([_spec("le360")], NOW)

    async def scenario() -> None:
        recorder = GroupRecorder(store.record_polls, window=0.05)
        waiting = asyncio.create_task(recorder.record(_poll("le360")))
        await asyncio.sleep(cancel_after)
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
        await recorder.close()

    asyncio.run(scenario())
    assert store.source_rows()[0]["etag"] == '"le360-3"'


# -- polls that bring stories: stored together too (the daemon's writer) -----------------

FORMATS = ("goud-rss2.xml", "goud-atom10.xml", "goud-feed11.json")
"""The same Goud.ma stories in three formats (tests/data/remote/README.md)."""


def test_polls_bringing_stories_at_once_are_stored_in_one_transaction(
    site: Site, database_url: str
) -> None:
    """Three outlets' feeds answered at the same moment: one transaction stores them
    (on SQLite; on PostgreSQL, where writers run side by side, one each),
    with the decisions poll-by-poll saving gives (the first outlet's stories are
    new, the others' the same stories: duplicates), and each poll's record."""
    from feeds.daemon import InProcessPoller
    from feeds.pipeline import open_fetcher
    from tests.httpserver import TestServer

    with TestServer() as server:
        blocks = [
            f'[[sources]]\nname = "outlet{n}"\nurl = "{server.fixture(f"/{name}", name)}"\n'
            "allow_private = true\n"
            for n, name in enumerate(FORMATS)
        ]
        site.config_path.write_text(
            '[site]\ntitle = "نشرة"\nbase_url = "https://news.example.org/"\n\n'
            + "\n".join(blocks)
            + '\n[[feeds]]\nname = "all"\ntitle = "كل الأخبار"\nsources = "*"\n',
            encoding="utf-8",
        )
        config = site.config()
        together = Store.open(database_url, base_dir=str(site.root))
        apart = Store.open(f"sqlite:///{site.root / 'apart.db'}")
        commits = _commits(together)

        async def scenario(store: Store, at_once: bool) -> tuple[list[Any], int]:
            async with open_fetcher(config, store, len(config.sources)) as fetcher:
                poller = InProcessPoller(store, fetcher)
                if at_once:  # one group: written when the third poll joins it
                    poller.saver.window, poller.saver.most = 60.0, 3
                    poller.saver.weight = lambda _: 1
                store.sync_sources(config.sources, NOW)
                del commits[:]
                polls = [poller.poll(spec, config, NOW) for spec in config.sources]
                if at_once:
                    reports = list(await asyncio.gather(*polls))
                else:
                    reports = [await poll for poll in polls]
                await poller.close()
                return reports, poller.saver.groups

        try:
            reports, groups = asyncio.run(scenario(together, at_once=True))
            # one commit where one writer runs at a time; else one per poll (Store.one_writer)
            assert groups == 1 and len(commits) == (1 if together.one_writer else 3)
            alone, groups = asyncio.run(scenario(apart, at_once=False))
            assert groups == 3
            rows = {row["name"]: row for row in together.source_rows()}
            stored = [
                sorted(e.id for e in s.latest(["outlet0", "outlet1", "outlet2"], 50))
                for s in (together, apart)
            ]
        finally:
            together.close()
            apart.close()
    # the group stores the polls in the order they arrived: the same totals
    for count in ("new", "duplicate", "merged"):
        assert sum(getattr(r.batch, count) for r in reports) == sum(
            getattr(r.batch, count) for r in alone
        )
    assert all(r.status == 200 and r.batch.new + r.batch.duplicate > 0 for r in reports)
    assert sum(r.batch.duplicate for r in reports) > 0  # the outlets share stories
    assert len(stored[0]) == len(stored[1]) > 0  # ids depend on which outlet came first
    assert all(rows[f"outlet{n}"]["last_status"] == 200 for n in range(3))
