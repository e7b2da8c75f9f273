"""Group commits of poll records (``feeds.recorder``) on a real store: polls that
end together are written in one transaction, each poll learns its next poll time,
a failed group fails every poll in it, and closing writes what waits."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, text

from feeds.recorder import GroupRecorder
from feeds.store import PollRecord, Store
from sources.base import SourceSpec, SourceState
from sources.errors import StoreError

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
