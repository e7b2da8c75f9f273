"""The daemon's jobs on APScheduler: every APScheduler call lives in this module.

``feeds.daemon`` only exposes plain async jobs (dispatch, housekeeping, render,
the heartbeat, a publisher's periodic rebuild)
and asks for a rebuild through the ``Jobs`` interface; this adapter times them
with APScheduler 3 (in-memory job store, asyncio executor). A publisher gets no
dispatch and no retention; a worker no periodic rebuild, nor a node that follows
no other node's changes.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any

from feeds.daemon import Daemon, DaemonSettings


class ApsJobs:
    """The daemon's jobs on APScheduler 3 (in-memory job store, asyncio executor)."""

    def __init__(self, daemon: Daemon, settings: DaemonSettings) -> None:
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        self.daemon = daemon
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        common: dict[str, Any] = {"max_instances": 1, "coalesce": True, "replace_existing": True}
        now = datetime.now(UTC)
        if settings.role.polls:
            self.scheduler.add_job(
                daemon.dispatch, "interval", seconds=settings.tick, id="dispatch",
                misfire_grace_time=max(30, int(settings.tick * 10)), next_run_time=now, **common,
            )  # fmt: skip
            self.scheduler.add_job(
                daemon.housekeeping, "interval", seconds=settings.housekeeping, id="housekeeping",
                misfire_grace_time=int(settings.housekeeping), next_run_time=now, **common,
            )  # fmt: skip
        if settings.role.renders and daemon.changes is not None:  # follows other nodes
            self.scheduler.add_job(
                daemon.publish_due, "interval", seconds=settings.publish_every, id="publish",
                misfire_grace_time=max(1, int(settings.publish_every)), **common,
            )  # fmt: skip
        self.scheduler.add_job(
            daemon.heartbeat, "interval", seconds=settings.heartbeat, id="heartbeat",
            misfire_grace_time=max(1, int(settings.heartbeat)), **common,
        )  # fmt: skip

    def start(self) -> None:
        self.scheduler.start()

    def shutdown(self) -> None:
        self.scheduler.shutdown(wait=False)

    def render_soon(self, delay: float) -> None:
        """Run ``Daemon.render`` once after ``delay`` seconds, unless already pending.

        A rebuild asked for while one runs may come due before it ends: it then
        waits for it (``Daemon.render`` runs one at a time and coalesces), hence
        two instances. With one, APScheduler would skip it, and the stories that
        asked for it would wait for the next ones to arrive after the running
        rebuild ended: for ever, under a steady stream of changes."""
        from apscheduler.jobstores.base import ConflictingIdError

        when = datetime.now(UTC) + timedelta(seconds=delay)
        with contextlib.suppress(ConflictingIdError):  # a rebuild is already pending
            self.scheduler.add_job(
                self.daemon.render, "date", run_date=when, id="render", misfire_grace_time=3600,
                max_instances=2,
            )  # fmt: skip
