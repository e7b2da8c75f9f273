"""The long-running daemon behind ``nashra run``, with no job scheduler in it.

The schedule is data in the store. A periodic *dispatch tick* claims the due
sources in one transaction (with a lease) and queues them for a bounded pool
of asyncio workers; each worker polls one source and stores its batch; new
stories mark the feeds dirty and ask for one debounced rebuild per burst.

Two small interfaces keep scale-out a matter of adapters:

- ``SourceQueue`` claims due sources and gives leases back (here: the store;
  later: a PostgreSQL job queue);
- ``Poller`` polls one source and renders the feeds (here: in-process).

The timing of the jobs (the tick, the debounce, housekeeping) belongs to a
``Jobs`` implementation; APScheduler is wired in ``feeds/jobs.py`` only. The
function that polls a source (``feeds.pipeline.collect_source`` or a URL
collector) never imports a scheduler.

Folder and glob sources are also watched (``feeds.watch``): a change in one
queues a poll of that source at once, outside the schedule; the interval poll
stays the fallback.

A daemon has a role (``Role``): ``all`` polls and publishes; a ``worker`` only
polls and stores (it never renders); a ``publisher`` never polls: it renders from
the store whenever a change is announced (``ChangeFollow``: PostgreSQL's
notifications, or the tokens read again every few seconds) and every
``publish_every`` seconds in any case. Several nodes of any role share one
PostgreSQL store; each writes a heartbeat row (``NodeBoard``). When the store
cannot be reached, the daemon logs it, backs off (``Backoff``) and goes on once
it answers again: no restart is needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from feeds.config import Config, load_config
from feeds.durations import duration_text
from feeds.node import NodeInfo, source_list_digest, this_node
from feeds.pipeline import (
    GROUP_STORIES,
    Polled,
    SourceReport,
    collect_source,
    context_for,
    fetch_source,
    nothing_to_store,
    poll_record,
    save_outcomes,
    source_report,
    stories_of,
)
from feeds.publish import PublishResult, publish
from feeds.recorder import Grouped, GroupRecorder
from feeds.store import Store
from feeds.store.changes import ChangeWatch
from feeds.store.nodes import Nodes
from feeds.store.schedule import Claim
from feeds.topics import Topics
from feeds.watch import Watcher, WatcherFactory, watch_sources
from sources.base import Collected, Context, SourceSpec, SourceState
from sources.children import end_with_parent
from sources.errors import ConfigError, NashraError, SourceError
from sources.urlsource import Fetcher

Saving = tuple[Polled, Context, Topics]
"""A poll to store, with its context and the topics its stories are filed under."""

log = logging.getLogger("nashra.run")

KEEP_KEYS_DAYS = 365

POLL_WINDOW = 60.0
"""Seconds of finished polls a heartbeat counts."""

FOLLOW_WAIT = 1.0
"""Seconds a publisher waits for a change at a time (so that it stops promptly)."""


class Role(StrEnum):
    """What a ``nashra run`` node does."""

    ALL = "all"
    """Polls and publishes: one machine, or every node alike."""
    WORKER = "worker"
    """Polls and stores; never renders."""
    PUBLISHER = "publisher"
    """Renders from the store into its ``public/``; never polls."""

    @property
    def polls(self) -> bool:
        return self is not Role.PUBLISHER

    @property
    def renders(self) -> bool:
        return self is not Role.WORKER


@dataclass(frozen=True, slots=True)
class DaemonSettings:
    tick: float = 1.0
    """Seconds between dispatch ticks."""
    workers: int = 32
    """Polls running at once."""
    debounce: float = 2.0
    """Seconds from the first new story of a burst to the rebuild of the feeds."""
    grace: float = 10.0
    """Seconds a stopping daemon lets running polls finish before cancelling them."""
    lease: float = 300.0
    """Seconds a claimed source is reserved for this daemon."""
    housekeeping: float = 3600.0
    """Seconds between retention passes."""
    render_share: float = 0.25
    """Largest share of the time spent rebuilding the feeds: after a rebuild that
    took d seconds, the next one waits until d × (1 / share − 1) seconds have
    passed, so that while stories keep arriving the rebuilds (whose cost grows
    with the stories stored) never crowd out the polls."""
    role: Role = Role.ALL
    heartbeat: float = 10.0
    """Seconds between heartbeats (``nashra status`` shows the nodes)."""
    publish_every: float = 60.0
    """Seconds between a publisher's renders when no change was announced: a
    rebuild whose announcement was missed is never late by more than this."""
    follow_every: float = 2.0
    """Seconds between reads of the change tokens where the database sends no
    notifications (SQLite)."""


class Backoff:
    """Exponential backoff while something keeps failing: ``failed`` says how long
    to wait (``first``, doubling up to ``most``), ``ok`` ends the outage and says
    how long it lasted."""

    def __init__(self, first: float = 1.0, most: float = 30.0) -> None:
        self.first, self.most = first, most
        self.failures = 0
        self.since: float | None = None
        self.until = 0.0

    def failed(self, now: float) -> float:
        if self.since is None:
            self.since = now
        delay: float = min(self.first * 2.0**self.failures, self.most)
        self.failures += 1
        self.until = now + delay
        return delay

    def waiting(self, now: float) -> bool:
        return now < self.until

    def ok(self, now: float) -> float | None:
        """Seconds the outage lasted (None: there was none)."""
        since, self.since, self.failures, self.until = self.since, None, 0, 0.0
        return None if since is None else now - since


class NodeBoard(Protocol):
    """Where a node says it is alive (the store's ``nodes`` table)."""

    def beat(self, now: datetime, polls: int) -> None: ...

    def leave(self) -> None: ...


class ChangeFollow(Protocol):
    """Waits for the store's stories to change (``feeds.store.changes.ChangeWatch``)."""

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds; whether something changed."""
        ...

    def close(self) -> None: ...


class SourceQueue(Protocol):
    """Hands out due sources and takes back what was not polled."""

    def sync(self, specs: Sequence[SourceSpec], now: datetime) -> None: ...

    def claim(self, now: datetime, limit: int) -> list[Claim]:
        """Due sources, each with when it was due and its remembered state."""
        ...

    def release(self, names: Sequence[str]) -> None: ...

    def release_orphans(self) -> list[str]:
        """Take back the claims of this machine's processes that are gone."""
        ...

    def next_poll(self, name: str) -> datetime | None:
        """When the source is polled next (None: never, or unknown)."""
        ...


class Poller(Protocol):
    """Polls one source (storing what it gives) and renders the feeds."""

    async def poll(
        self, spec: SourceSpec, config: Config, now: datetime, state: SourceState | None = None
    ) -> SourceReport:
        """``state``: what the source remembered, when the claim read it (None: read it)."""
        ...

    async def render(self, config: Config) -> PublishResult: ...

    async def close(self) -> None:
        """Finish the writes still waiting (a stopping daemon)."""
        ...


class Jobs(Protocol):
    """What the daemon asks of a job scheduler."""

    def render_soon(self, delay: float) -> None:
        """Run ``Daemon.render`` once after ``delay`` seconds, unless already pending."""


class StoreQueue:
    """The SourceQueue backed by the store's sources table."""

    def __init__(self, store: Store, lease: float) -> None:
        self.store, self.lease = store, lease

    def sync(self, specs: Sequence[SourceSpec], now: datetime) -> None:
        self.store.sync_sources(specs, now)

    def claim(self, now: datetime, limit: int) -> list[Claim]:
        return self.store.claim(now, limit, self.lease)

    def release(self, names: Sequence[str]) -> None:
        self.store.release(names)

    def release_orphans(self) -> list[str]:
        return self.store.release_orphans()

    def next_poll(self, name: str) -> datetime | None:
        return self.store.next_poll_of(name)


class StoreNodes:
    """The NodeBoard backed by the store's ``nodes`` table."""

    def __init__(self, store: Store, node: NodeInfo) -> None:
        self.store, self.node = store, node

    @classmethod
    def starting(cls, store: Store, role: Role) -> StoreNodes:
        """This process, a node of ``role`` starting now."""
        return cls(store, this_node(role.value, datetime.now(UTC)))

    def beat(self, now: datetime, polls: int) -> None:
        Nodes(self.store).beat(self.node, now, polls)

    def leave(self) -> None:
        Nodes(self.store).leave(self.node.id)


def agree_sources(config: Config, store: Store, *, adopt: bool = False) -> None:
    """On a shared (PostgreSQL) store, the configuration's sources must be the list
    every node shares: the first node records it, ``adopt`` makes this one's the
    list; any other disagreement is a ConfigError naming the file. A SQLite store
    (one machine) takes any list, as before."""
    if store.engine.dialect.name != "postgresql":
        return
    digest = source_list_digest(config.sources)
    stored = Nodes(store).agree_sources(digest, adopt=adopt)
    if stored is not None:
        raise ConfigError(
            config.path,
            f"its [[sources]] differ from the list the nodes of {store.name} share "
            f"(digest {digest}, shared {stored}): give every node the same sources, or "
            "start this one once with `nashra run --adopt-sources` to make its list the "
            "shared one",
        )


def watch_store(store: Store, every: float) -> ChangeFollow:
    """What a publisher waits on: the store's announced changes (``ChangeWatch``)."""
    return ChangeWatch(store, every)


class InProcessPoller:
    """Polls in this process: file sources in a worker thread, URL sources on the
    event loop with the shared fetcher; store writes in a worker thread.

    A URL source whose state came with its claim is polled without asking the
    store anything first; a poll that stores nothing (a 304) is recorded with
    others in one transaction (``feeds.recorder``); the polls that bring stories
    are stored, each with its record, with the others that arrive within the
    same moment in one transaction too (``feeds.pipeline.save_outcomes``)."""

    def __init__(
        self,
        store: Store,
        fetcher: Fetcher | None = None,
        recorder: GroupRecorder | None = None,
        *,
        render_apart: bool = False,
    ) -> None:
        self.store, self.fetcher = store, fetcher
        self.recorder = recorder or GroupRecorder(store.record_polls)
        self.saver: Grouped[Saving, SourceReport] = Grouped(
            self._save_group, most=GROUP_STORIES, weight=lambda saving: stories_of([saving[0]])
        )
        self._topics: tuple[Config, Topics] | None = None
        self._renderer: ProcessPoolExecutor | None = None
        if render_apart:
            self._renderer = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=end_with_parent,  # a killed daemon leaves no renderer behind
            )

    def topics(self, config: Config) -> Topics:
        """The configuration's compiled topics, compiled once per configuration."""
        if self._topics is None or self._topics[0] is not config:
            self._topics = (config, config.topics())
        return self._topics[1]

    async def poll(
        self, spec: SourceSpec, config: Config, now: datetime, state: SourceState | None = None
    ) -> SourceReport:
        topics = self.topics(config)
        if spec.url is None or state is None:
            ctx = await asyncio.to_thread(context_for, config, self.store, now, spec.name)
        else:
            ctx = Context(
                tz=config.site.tz, now=now, base_dir=config.base_dir,
                max_bytes=config.site.max_file_bytes, words=config.words,
                states={spec.name: state},
            )  # fmt: skip
        if spec.url is None:
            return await asyncio.to_thread(collect_source, spec, ctx, self.store, topics)
        if self.fetcher is None:
            outcome: Collected | SourceError = SourceError(spec.name, "URL sources are not enabled")
            duration = 0.0
        else:
            _, outcome, duration = await fetch_source(spec, ctx, self.fetcher)
        if nothing_to_store(outcome):
            await self.recorder.record(poll_record(spec, outcome, now, duration))
            return source_report(spec, outcome, duration)
        return await self.saver.add(((spec, outcome, duration), ctx, topics))

    def _save_group(self, group: Sequence[Saving]) -> list[SourceReport]:
        """Store polls together (in a worker thread); the topics are the newest
        configuration's (a group spans a reload only in its last moment)."""
        polled = [p for p, _, _ in group]
        return save_outcomes(polled, [ctx for _, ctx, _ in group], self.store, group[-1][2])

    async def close(self) -> None:
        """Write the poll records still waiting for their group; stop the renderer."""
        await self.saver.close()
        await self.recorder.close()
        renderer, self._renderer = self._renderer, None  # a last rebuild runs in a thread
        if renderer is not None:
            await asyncio.to_thread(renderer.shutdown)

    async def render(self, config: Config) -> PublishResult:
        """Rebuild the feeds: in a process of its own with ``render_apart`` (the
        configuration's store opened there), so that a long rebuild never holds
        the interpreter the polls run in; else in a worker thread."""
        if self._renderer is None:
            return await asyncio.to_thread(publish_locked, config, self.store)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._renderer, publish_apart, config)


def publish_locked(config: Config, store: Store) -> PublishResult:
    """``publish``, holding the store's render lock of the ``public/`` tree, so
    that two nodes writing the same tree take turns."""
    with Nodes(store).render_lock(str(config.public_path.resolve())):
        return publish(config, store)


def publish_apart(config: Config) -> PublishResult:
    """``publish`` in a renderer process, with the configuration's store.

    The renderer ends when its daemon does, even one killed with -9 (its pool's
    initializer, ``sources.children``); a rebuild cut short is safe (files are
    replaced atomically, and the next daemon's rebuild completes it)."""
    store = Store.open(config.site.database, base_dir=config.base_dir)
    try:
        return publish_locked(config, store)
    finally:
        store.close()


def poll_line(
    report: SourceReport,
    status: int | None,
    lag: float,
    next_poll: datetime | None = None,
    now: datetime | None = None,
) -> dict[str, object]:
    """The fields of the one log line a poll writes; a failed poll's also say when
    the next try is (``next_poll``, and ``retry_in`` seconds from ``now``)."""
    batch = report.batch
    retry_in = when = None
    if next_poll is not None:
        when = next_poll.astimezone(UTC).isoformat(timespec="milliseconds")
        if now is not None:
            retry_in = round(max((next_poll - now).total_seconds(), 0.0), 1)
    return {
        "source": report.name,
        "outcome": report.outcome,
        "new": batch.new,
        "updated": batch.updated,
        "duplicate": batch.duplicate + batch.unchanged,
        "merged": batch.merged,
        "withdrawn": batch.withdrawn or None,
        "status": status,
        "duration": round(report.duration, 3),
        "lag": round(lag, 3),
        "error": str(report.problems[0]) if report.problems else None,
        "next_poll": when,
        "retry_in": retry_in,
    }


def poll_message(fields: dict[str, object]) -> str:
    """The text of a poll's log line: ``key=value`` pairs, and for a failed poll
    when it is tried again, in words."""
    text = " ".join(f"{k}={v}" for k, v in fields.items() if v is not None)
    retry_in = fields.get("retry_in")
    if isinstance(retry_in, float):
        text += f" (next try in {duration_text(retry_in)})"
    return text


def render_pause(took: float, share: float) -> float:
    """Seconds to wait after a rebuild that ``took`` seconds so that rebuilds take
    at most ``share`` of the time (a share of 1 or more: no wait)."""
    if share >= 1 or took <= 0:
        return 0.0
    return took * (1 / max(share, 0.01) - 1)


class Daemon:
    """Claims due sources each tick, polls them with a bounded pool, rebuilds the
    feeds once per burst, reloads on demand and stops gracefully; as its role
    says (``settings.role``): a worker never renders, a publisher never polls and
    renders when ``changes`` announces a change. ``nodes`` takes its heartbeats;
    ``check`` vets a configuration before it is used (the shared source list)."""

    def __init__(
        self,
        config: Config,
        queue: SourceQueue,
        poller: Poller,
        settings: DaemonSettings = DaemonSettings(),
        *,
        expire: Callable[
            [datetime, datetime, list[tuple[list[str], int, str | None]]], tuple[int, int]
        ]
        | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        watch: WatcherFactory | None = watch_sources,
        nodes: NodeBoard | None = None,
        changes: ChangeFollow | None = None,
        check: Callable[[Config], None] | None = None,
    ) -> None:
        self.config = config
        self.expire = expire
        self.nodes, self.changes, self.check = nodes, changes, check
        self.role = settings.role
        self._finished: deque[float] = deque()
        """When (``time.monotonic``) each poll of the last minute ended."""
        self._outage = Backoff()
        """The store's: failures to reach it, and when to try again."""
        self._render_failures = 0
        self._follower: asyncio.Task[None] | None = None
        self.queue, self.poller, self.settings, self.clock = queue, poller, settings, clock
        self.jobs: Jobs | None = None
        self._specs = {spec.name: spec for spec in config.sources}
        self._pending: asyncio.Queue[tuple[str, datetime, SourceState | None]] = asyncio.Queue()
        self._queued: set[str] = set()
        self._running: dict[str, asyncio.Task[None]] = {}
        self._again: set[str] = set()
        self._watch = watch
        self._watcher: Watcher | None = None
        self._stopping = False
        self._claiming = False
        self._saturated = False
        self._background: set[asyncio.Task[None]] = set()
        self._dirty = False
        self._render_lock = asyncio.Lock()
        self._render_ready = 0.0
        """When (``time.monotonic``) the next rebuild may start."""
        self._workers: list[asyncio.Task[None]] = []
        self.stopped = asyncio.Event()
        self.renders = 0

    # -- lifecycle --------------------------------------------------------------
    async def start(self, jobs: Jobs) -> None:
        """Say this node is alive; a polling node syncs the schedule with the
        configuration and starts the workers; a rendering one renders once and
        follows the changes."""
        self.jobs = jobs
        if self.role.polls:
            await asyncio.to_thread(self.queue.sync, self.config.sources, self.clock())
            orphans = await asyncio.to_thread(self.queue.release_orphans)
            if orphans:
                log.info(
                    "took back %d sources claimed by a nashra process that is gone: %s",
                    len(orphans),
                    ", ".join(orphans[:10]),
                    extra={"fields": {"event": "orphans", "sources": orphans}},
                )
            self._workers = [
                asyncio.create_task(self._worker()) for _ in range(self.settings.workers)
            ]
            self._start_watching()
        if self.nodes is not None:
            await asyncio.to_thread(self.nodes.beat, self.clock(), 0)
        if self.role.renders:
            if self.changes is not None:
                self._follower = asyncio.create_task(self._follow())
            self._dirty = True
            await self.render()

    def request_stop(self) -> None:
        """Stop claiming sources; ``stop()`` finishes the work."""
        self._stopping = True
        self.stopped.set()

    async def stop(self) -> None:
        """Let running polls finish within the grace period, cancel the rest, give
        back the leases of queued sources, rebuild if needed."""
        self._stopping = True
        await self._stop_watching()
        self._again.clear()
        waiting = list(self._queued)
        self._queued.clear()
        while not self._pending.empty():
            self._pending.get_nowait()
        running = dict(self._running)
        if running:
            _, late = await asyncio.wait(running.values(), timeout=self.settings.grace)
            waiting += [name for name, task in running.items() if task in late]
            for task in late:
                task.cancel()
            if late:
                await asyncio.gather(*late, return_exceptions=True)
                log.warning(
                    "cancelled %d polls still running after %.0fs", len(late), self.settings.grace
                )
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        try:
            await self.poller.close()
        except NashraError as exc:  # their leases expire: those sources are polled again
            log.error("cannot record the last polls: %s", exc)
        if waiting:
            try:
                await asyncio.to_thread(self.queue.release, waiting)
            except NashraError as exc:  # their leases expire instead
                log.error("cannot give back the leases of %d sources: %s", len(waiting), exc)
        follower, self._follower = self._follower, None
        if follower is not None:
            await asyncio.gather(follower, return_exceptions=True)
        if self.changes is not None:
            await asyncio.to_thread(self.changes.close)
        if self._dirty and self.role.renders:
            await self.render()
        if self.nodes is not None:
            try:
                await asyncio.to_thread(self.nodes.leave)
            except NashraError as exc:  # its row ages into "gone"
                log.error("cannot take this node out of the store: %s", exc)

    # -- jobs ---------------------------------------------------------------------
    async def dispatch(self) -> None:
        """One tick: claim due sources to fill the queue (twice the workers). Workers
        that drain the queue call it again between ticks, so throughput is bounded by
        the workers, not by the tick."""
        if self._stopping or self._claiming or not self.role.polls:
            return
        if self._outage.waiting(time.monotonic()):
            return
        free = self.settings.workers * 2 - len(self._queued) - len(self._running)
        if free <= 0:
            return
        self._claiming = True
        try:
            claimed = await asyncio.to_thread(self.queue.claim, self.clock(), free)
        except NashraError as exc:
            self._store_failed("claim due sources", exc)
            return
        finally:
            self._claiming = False
        self._store_ok()
        if self._stopping:  # stop() began while claiming: give the leases back
            with contextlib.suppress(NashraError):  # else they expire
                await asyncio.to_thread(self.queue.release, [c.name for c in claimed])
            return
        for claim in claimed:
            if claim.name in self._queued or claim.name in self._running:
                continue  # its lease ran out while this daemon still polls it
            self._queued.add(claim.name)
            self._pending.put_nowait((claim.name, claim.planned, claim.state))
        self._saturated = len(claimed) == free

    def _refill(self) -> None:
        """After a poll: when the last claim was full and the queue runs low, claim
        again now rather than at the next tick."""
        if self._saturated and not self._claiming and len(self._queued) < self.settings.workers:
            self._saturated = False
            task = asyncio.create_task(self.dispatch())
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    async def render(self) -> None:
        """Rebuild the feeds if new stories arrived since the last rebuild. One
        rebuild at a time; stories that arrive during it (``_mark_dirty``) and a
        failed rebuild ask for another one."""
        async with self._render_lock:
            if not self._dirty:
                return
            wait = self._render_ready - time.monotonic()
            if wait > 0 and not self._stopping:  # keep rebuilds to their share of the time
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stopped.wait(), timeout=wait)
            self._dirty = False
            started = time.monotonic()
            try:
                result = await self.poller.render(self.config)
            except Exception as exc:  # a failed rebuild is retried, never forgotten
                self._dirty = True
                retry = min(self.settings.debounce * 2**self._render_failures, 60.0)
                self._render_failures += 1
                log.error(
                    "render failed: %s (next try in %s)", exc, duration_text(retry),
                    exc_info=not isinstance(exc, NashraError),
                )  # fmt: skip
                if not self._stopping and self.jobs is not None:
                    self.jobs.render_soon(retry)
            else:
                self._render_failures = 0
                self.renders += 1
                self._render_ready = time.monotonic() + render_pause(
                    time.monotonic() - started, self.settings.render_share
                )
                log.info(
                    "rendered feeds: %d files and %d pages written in %.2fs",
                    len(result.written),
                    result.pages,
                    time.monotonic() - started,
                    extra={
                        "fields": {
                            "event": "render",
                            "written": len(result.written),
                            "pages": result.pages,
                        }
                    },
                )

    async def publish_due(self) -> None:
        """A rendering node's periodic rebuild: what changed since the last one is
        published even if its announcement was missed (unchanged feeds are not
        read again, see ``feeds.publish``)."""
        if self.role.renders and not self._stopping:
            self._dirty = True
            await self.render()

    async def heartbeat(self) -> None:
        """Tell the store this node is alive, with its polls of the last minute."""
        if self.nodes is None or self._stopping:
            return
        try:
            await asyncio.to_thread(self.nodes.beat, self.clock(), self.polls_last_minute())
        except NashraError as exc:
            log.warning("cannot write the heartbeat: %s", exc)

    def polls_last_minute(self) -> int:
        """Polls this node finished in the last ``POLL_WINDOW`` seconds."""
        since = time.monotonic() - POLL_WINDOW
        while self._finished and self._finished[0] < since:
            self._finished.popleft()
        return len(self._finished)

    async def housekeeping(self) -> None:
        """Retention: stories older than keep_days leave the working set."""
        if not self.role.polls:
            return
        now = self.clock()
        stories_before = now - timedelta(days=self.config.site.keep_days)
        keys_before = now - timedelta(days=max(KEEP_KEYS_DAYS, self.config.site.keep_days * 2))
        if self.expire is None:
            return
        listed = [
            (self.config.feed_sources(f), f.limit, f.name if f.is_topic else None)
            for f in self.config.feeds
        ]
        try:
            dropped, keys = await asyncio.to_thread(
                self.expire, stories_before, keys_before, listed
            )
        except NashraError as exc:  # tried again at the next pass
            log.error("retention failed: %s", exc)
            return
        if dropped or keys:
            log.info("retention: %d stories and %d dedup keys expired", dropped, keys)
            self._mark_dirty()

    async def reload(self, path: str) -> bool:
        """Load the configuration again; an invalid one is rejected and the old one kept."""
        try:
            config = await asyncio.to_thread(load_config, path)
            if self.check is not None:
                await asyncio.to_thread(self.check, config)
        except NashraError as exc:
            log.error("configuration rejected, keeping the running one: %s", exc)
            return False
        self.config = config
        self._specs = {spec.name: spec for spec in config.sources}
        if self.role.polls:
            await asyncio.to_thread(self.queue.sync, config.sources, self.clock())
        if not self._stopping and self.jobs is not None and self.role.polls:
            await self._stop_watching()  # started: watch the new folders
            self._start_watching()
        log.info(
            "configuration reloaded: %d sources, %d feeds", len(config.sources), len(config.feeds)
        )
        self._mark_dirty()
        return True

    # -- watched folders ----------------------------------------------------------
    def _start_watching(self) -> None:
        if self._watch is not None:
            self._watcher = self._watch(self.config.sources, self.config.base_dir, self.poll_soon)
            self._watcher.start()

    async def _stop_watching(self) -> None:
        watcher, self._watcher = self._watcher, None
        if watcher is not None:
            await watcher.stop()

    def poll_soon(self, name: str) -> None:
        """Poll a source now, outside its schedule (a file landed in its folder);
        if it is being polled, once more when that poll ends."""
        if self._stopping or name in self._queued:
            return
        if name in self._running:
            self._again.add(name)
            return
        self._queued.add(name)
        self._pending.put_nowait((name, self.clock(), None))

    # -- workers ------------------------------------------------------------------
    def _mark_dirty(self) -> None:
        if not self.role.renders:
            return
        first = not self._dirty
        self._dirty = True
        if first and self.jobs is not None:
            self.jobs.render_soon(self.settings.debounce)

    async def _worker(self) -> None:
        while True:
            name, planned, state = await self._pending.get()
            if name not in self._queued:  # dropped by stop()
                continue
            self._queued.discard(name)
            task = asyncio.create_task(self._poll(name, planned, state))
            self._running[name] = task
            try:
                await asyncio.shield(task)
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if current is not None and current.cancelling():
                    raise  # this worker is being stopped
                log.error("poll of %s was cancelled from inside", name)
            finally:
                self._running.pop(name, None)
            if name in self._again:
                self._again.discard(name)
                self.poll_soon(name)
            self._refill()

    async def _poll(self, name: str, planned: datetime, state: SourceState | None) -> None:
        spec = self._specs.get(name)
        if spec is None:  # removed from the configuration since it was claimed
            await asyncio.to_thread(self.queue.release, [name])
            return
        now = self.clock()
        lag = (now - planned).total_seconds()
        try:
            report = await self.poller.poll(spec, self.config, now, state)
        except NashraError as exc:  # the store failed: the lease expires, the poll is retried
            log.error("poll of %s failed: %s", name, exc)
            return
        except Exception:  # a bug met by one source must not stop the worker
            log.exception("unexpected error polling %s", name)
            return
        self._finished.append(time.monotonic())
        next_poll = None
        if report.failed:
            try:
                next_poll = await asyncio.to_thread(self.queue.next_poll, name)
            except Exception as exc:  # the line is still written, without the time
                log.error("cannot read when %s is polled next: %s", name, exc)
        fields = poll_line(report, report.status, lag, next_poll, self.clock())
        level = logging.WARNING if report.problems else logging.INFO
        log.log(level, poll_message(fields), extra={"fields": {"event": "poll", **fields}})
        if report.batch.new or report.batch.updated:
            self._mark_dirty()

    # -- following the store -------------------------------------------------------
    async def _follow(self) -> None:
        """A rendering node: wait for announced changes and rebuild (debounced)."""
        assert self.changes is not None
        while not self._stopping:
            try:
                changed = await asyncio.to_thread(self.changes.wait, FOLLOW_WAIT)
            except Exception as exc:  # the store, or a bug: never stop following
                if isinstance(exc, NashraError):
                    delay = self._store_failed("wait for changes", exc)
                else:
                    log.exception("unexpected error waiting for changes")
                    delay = self._outage.failed(time.monotonic())
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stopped.wait(), timeout=delay)
                continue
            self._store_ok()
            if changed:
                self._mark_dirty()

    def _store_failed(self, doing: str, exc: NashraError) -> float:
        """Log that the store failed and back off; the seconds to wait."""
        delay = self._outage.failed(time.monotonic())
        log.error(
            "cannot %s: %s; trying again in %s", doing, exc, duration_text(delay),
            extra={"fields": {"event": "store_down", "retry_in": delay}},
        )  # fmt: skip
        return delay

    def _store_ok(self) -> None:
        lasted = self._outage.ok(time.monotonic())
        if lasted is not None:
            log.info(
                "the store answers again after %s", duration_text(lasted),
                extra={"fields": {"event": "store_up", "after": round(lasted, 1)}},
            )  # fmt: skip


async def run_daemon(daemon: Daemon, jobs: Jobs) -> None:
    """Start, wait for a stop request, stop."""
    await daemon.start(jobs)
    await daemon.stopped.wait()
    with contextlib.suppress(asyncio.CancelledError):
        await daemon.stop()
