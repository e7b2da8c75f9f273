"""Group commits: what many polls write, one transaction.

A poll that brought nothing new (a 304, the usual answer of a feed) still has to
be recorded: its next poll time, its validators, the end of its lease. One
transaction per such poll makes the database's commit the largest part of its
cost. ``Grouped`` gathers what arrives within ``window`` seconds (at most
``most`` of it, by ``weight``) and writes it with one call of ``write`` (one
transaction), in a worker thread; each caller waits for its group's commit, so a
poll is reported only once it is written. ``GroupRecorder`` groups poll records
(``Store.record_polls``); the daemon groups the polls that bring stories the
same way (``feeds.pipeline.save_outcomes``), each with its record.

Why it is safe (the kill -9 guarantee): a group lost before it commits holds
records, and stories stored with their own poll's record in the same
transaction: the sources stay leased to the dead process, and are polled again
(validators and all, as the records were lost) when a restarted daemon takes
back its orphans, or when the leases end. A story's id makes storing it again
impossible, so no story is stored twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

from feeds.store import PollRecord

WINDOW = 0.05
"""Seconds a group stays open after its first element."""
MOST = 500
"""Records in one group at most; a full group is written at once."""

T = TypeVar("T")
R = TypeVar("R")


class Grouped(Generic[T, R]):
    """Writes what the polls give in groups, one ``write`` call (one transaction)
    each; ``write`` returns one result per element, in order."""

    def __init__(
        self,
        write: Callable[[Sequence[T]], Sequence[R]],
        *,
        window: float = WINDOW,
        most: int = MOST,
        weight: Callable[[T], int] | None = None,
    ) -> None:
        self._write, self.window, self.most = write, window, most
        self.weight = weight
        """What an element counts for toward ``most`` (None: 1)."""
        self._group: list[tuple[T, asyncio.Future[R]]] = []
        self._size = 0
        self._timer: asyncio.TimerHandle | None = None
        self._flushing: set[asyncio.Task[None]] = set()
        self.groups = 0
        """Groups written so far (one transaction each)."""

    async def add(self, element: T) -> R:
        """Write ``element`` with its group; returns its result once committed.
        Raises what ``write`` raised (the whole group failed)."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[R] = loop.create_future()
        done.add_done_callback(_retrieved)
        self._group.append((element, done))
        self._size += 1 if self.weight is None else max(1, self.weight(element))
        if self._size >= self.most:
            self._flush()
        elif self._timer is None:
            self._timer = loop.call_later(self.window, self._flush)
        return await asyncio.shield(done)  # a cancelled poll's part is still written

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
        group, self._group, self._size = self._group, [], 0
        task = asyncio.get_running_loop().create_task(self._write_group(group))
        self._flushing.add(task)
        task.add_done_callback(self._flushing.discard)

    async def _write_group(self, group: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            results = await asyncio.to_thread(self._write, [element for element, _ in group])
        except Exception as exc:
            for _, done in group:
                if not done.done():
                    done.set_exception(exc)
            return
        self.groups += 1
        for (_, done), result in zip(group, results, strict=True):
            if not done.done():
                done.set_result(result)


class GroupRecorder(Grouped[PollRecord, datetime | None]):
    """Poll records in groups (``Store.record_polls``: one transaction each)."""

    async def record(self, poll: PollRecord) -> datetime | None:
        """Record a poll with its group; returns its next poll time once committed."""
        return await self.add(poll)


def _retrieved(done: asyncio.Future[Any]) -> None:
    """Mark a failed record's error as seen: its poll may have been cancelled."""
    if not done.cancelled():
        done.exception()
