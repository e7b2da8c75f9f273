"""Group commits of poll records: many polls that stored no stories, one transaction.

A poll that brought nothing new (a 304, the usual answer of a feed) still has to
be recorded: its next poll time, its validators, the end of its lease. One
transaction per such poll makes the database's commit the largest part of its
cost. ``GroupRecorder`` gathers the records that arrive within ``window``
seconds (at most ``most`` of them) and writes them with one call of ``write``
(``Store.record_polls``: one transaction), in a worker thread; each poll waits
for its group's commit, so a poll is reported only once it is recorded.

Why it is safe (the kill -9 guarantee): a group lost before it commits holds no
story, only records; the sources stay leased to the dead process, and are
polled again when a restarted daemon takes back its orphans, or when the
leases end. A story is stored with its own poll's record in one transaction,
never here, so it is never stored twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime

from feeds.store import PollRecord

WINDOW = 0.05
"""Seconds a group stays open after its first record."""
MOST = 500
"""Records in one group at most; a full group is written at once."""


class GroupRecorder:
    """Writes poll records in groups, one ``write`` call (one transaction) each."""

    def __init__(
        self,
        write: Callable[[Sequence[PollRecord]], list[datetime | None]],
        *,
        window: float = WINDOW,
        most: int = MOST,
    ) -> None:
        self._write, self.window, self.most = write, window, most
        self._group: list[tuple[PollRecord, asyncio.Future[datetime | None]]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._flushing: set[asyncio.Task[None]] = set()
        self.groups = 0
        """Groups written so far (one transaction each)."""

    async def record(self, poll: PollRecord) -> datetime | None:
        """Record a poll with its group; returns its next poll time once committed.
        Raises what ``write`` raised (the whole group failed)."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[datetime | None] = loop.create_future()
        done.add_done_callback(_retrieved)
        self._group.append((poll, done))
        if len(self._group) >= self.most:
            self._flush()
        elif self._timer is None:
            self._timer = loop.call_later(self.window, self._flush)
        return await asyncio.shield(done)  # a cancelled poll's record is still written

    async def close(self) -> None:
        """Write what is waiting and wait for the groups being written."""
        self._flush()
        while self._flushing:
            await asyncio.gather(*list(self._flushing), return_exceptions=True)

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._group:
            return
        group, self._group = self._group, []
        task = asyncio.get_running_loop().create_task(self._write_group(group))
        self._flushing.add(task)
        task.add_done_callback(self._flushing.discard)

    async def _write_group(
        self, group: list[tuple[PollRecord, asyncio.Future[datetime | None]]]
    ) -> None:
        try:
            upcoming = await asyncio.to_thread(self._write, [poll for poll, _ in group])
        except Exception as exc:
            for _, done in group:
                if not done.done():
                    done.set_exception(exc)
            return
        self.groups += 1
        for (_, done), when in zip(group, upcoming, strict=True):
            if not done.done():
                done.set_result(when)


def _retrieved(done: asyncio.Future[datetime | None]) -> None:
    """Mark a failed record's error as seen: its poll may have been cancelled."""
    if not done.cancelled():
        done.exception()
