"""One run of the whole pipeline: collect every source, store and deduplicate
the sources' batches, then publish.

File sources are collected one after the other; URL sources all at once, in
one event loop with one ``Fetcher`` (its limits keep the run polite). A poll is
stored with its record in one transaction; the polls that arrive while the
writer is busy are stored together, in one transaction (``save_outcomes``, a
group commit), so that a run killed midway keeps the sources it finished but for
the last group. A source marked gone (HTTP 410) is not polled again; one that
moved (301/308) is fetched at its new URL (both remembered in the store).

One broken source never stops the others: its error is recorded in its report
and the run goes on (a group that cannot be stored is stored poll by poll);
what was already stored and published is kept.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from feeds.config import Config
from feeds.dedup import Mode, Policy
from feeds.identity import Entry, identify, prepare
from feeds.outcome import PollStatus, failed_whole, poll_status
from feeds.publish import PublishResult, publish
from feeds.store import BatchResult, PollBatch, PollRecord, Store
from feeds.topics import NO_TOPICS, Topics
from sources import Collected, Context, SourceSpec, collector_for
from sources.errors import SourceError, StoreError
from sources.http import FetchSettings, user_agent
from sources.item import Item
from sources.text import clean_text
from sources.urlsource import Fetched, Fetcher, collect_url

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SourceReport:
    """What happened to one source in a run."""

    name: str
    batch: BatchResult = field(default_factory=BatchResult)
    errors: tuple[SourceError, ...] = ()
    unchanged_files: int = 0
    duration: float = 0.0
    status: int | None = None
    """The HTTP status of a URL source's last response."""
    outcome: PollStatus = PollStatus.OK
    """The status recorded for the poll (see ``feeds.outcome``)."""
    notices: tuple[SourceError, ...] = ()
    """Problems that leave the source healthy (a glob that matches no file yet)."""
    waiting: int = 0
    """Files left for the next poll: they are still being written."""

    @property
    def failed(self) -> bool:
        """Nothing of the source could be collected or stored."""
        return self.outcome is PollStatus.FAILED

    @property
    def has_errors(self) -> bool:
        """The source failed, or part of it had errors (``partial``)."""
        return bool(self.errors)

    @property
    def problems(self) -> tuple[SourceError, ...]:
        """Errors, then notices: what the poll's line and log show."""
        return (*self.errors, *self.notices)


@dataclass(slots=True)
class RunReport:
    sources: list[SourceReport] = field(default_factory=list)
    published: PublishResult = field(default_factory=PublishResult)

    @property
    def failed(self) -> list[SourceReport]:
        return [s for s in self.sources if s.failed]

    @property
    def partial(self) -> list[SourceReport]:
        return [s for s in self.sources if s.outcome is PollStatus.PARTIAL]

    @property
    def has_errors(self) -> bool:
        return any(s.has_errors for s in self.sources)

    def total(self, outcome: str) -> int:
        return sum(int(getattr(s.batch, outcome)) for s in self.sources)


def context_for(config: Config, store: Store, now: datetime, source: str | None = None) -> Context:
    """The context collectors run in: for every source, or for one (the daemon)."""
    return Context(
        tz=config.site.tz,
        now=now,
        base_dir=config.base_dir,
        max_bytes=config.site.max_file_bytes,
        words=config.words,
        known=store.file_fingerprints(source),
        states=store.source_states(source),
    )


def collect_source(
    spec: SourceSpec, ctx: Context, store: Store, topics: Topics = NO_TOPICS
) -> SourceReport:
    """Collect one (file) source and store its batch, filing its new and edited
    stories under the ``topics`` they match; never raises."""
    spec, outcome, duration = collect_file_source(spec, ctx)
    return save_outcome(spec, outcome, ctx, store, duration, topics)


def collect_file_source(spec: SourceSpec, ctx: Context) -> Polled:
    """Collect one (file) source, storing nothing; never raises."""
    started = time.monotonic()
    try:
        outcome: Collected | SourceError = collector_for(spec)(spec, ctx)
    except SourceError as exc:
        outcome = exc
    except Exception as exc:  # a bug met by one source must not stop the others
        outcome = unexpected(spec, exc, "collecting")
    return spec, outcome, time.monotonic() - started


def unexpected(spec: SourceSpec, exc: BaseException, doing: str = "collecting") -> SourceError:
    """An exception nashra did not expect, as the source's error (traceback logged)."""
    log.error("unexpected error %s %s", doing, spec.name, exc_info=exc)
    return SourceError(
        spec.name, f"unexpected error (a bug in nashra): {type(exc).__name__}: {exc}"
    )


def save_outcome(
    spec: SourceSpec,
    outcome: Collected | SourceError,
    ctx: Context,
    store: Store,
    duration: float,
    topics: Topics = NO_TOPICS,
) -> SourceReport:
    """Store what collecting a source gave and record the poll, in one transaction,
    filing the new and edited stories under the ``topics`` (the configuration's
    topic feeds and tags, ``Config.topics``) they match. Shared by file and URL
    sources, by ``once`` and by the daemon.

    Never raises: when the batch cannot be stored (the store failed, or anything
    unexpected while identifying or writing the stories), the poll is recorded as
    failed on its own, so that ``nashra status`` shows it and the source backs off;
    the other sources go on."""
    try:
        return _save(spec, outcome, ctx, store, duration, topics)
    except StoreError as exc:
        log.error("%s", exc)
        error = SourceError(spec.name, str(exc))
    except Exception as exc:  # e.g. text the database driver cannot encode
        error = unexpected(spec, exc, "storing")
    earlier = list(outcome.errors) if isinstance(outcome, Collected) else []
    status = outcome.status if isinstance(outcome, Collected) else None
    return _record_failure(spec, [error, *earlier], ctx, store, duration, status)


def _save(
    spec: SourceSpec,
    outcome: Collected | SourceError,
    ctx: Context,
    store: Store,
    duration: float,
    topics: Topics,
) -> SourceReport:
    batch = _batch(spec, outcome, ctx, duration)
    result = store.save_poll(
        batch.entries, batch.file_states, batch.poll, policy=batch.policy, topics=topics
    )
    return source_report(spec, outcome, duration, result)


def _batch(
    spec: SourceSpec, outcome: Collected | SourceError, ctx: Context, duration: float
) -> PollBatch:
    """What to store of a poll: its stories' identities, its files, its record."""
    entries: list[Entry] = []
    collected = outcome if isinstance(outcome, Collected) else Collected()
    if collected.items:
        entries = prepared_entries(collected) or identify_all(collected.items)
    poll = poll_record(spec, outcome, ctx.now, duration)
    return PollBatch(entries, poll, collected.files, policy_for(spec))


Polled = tuple[SourceSpec, Collected | SourceError, float]
"""A source, what polling it gave, and how long that took."""

GROUP_STORIES = 2000
"""Stories of several polls saved in one transaction at most (``save_outcomes``)."""
GROUP_POLLS = 200
"""Polls saved in one transaction at most."""
GROUP_WAIT = 1.0
"""Seconds a collected file source waits for others to be saved with: a run shows
its progress, and a run killed midway keeps what it collected before."""


def save_outcomes(
    group: Sequence[Polled],
    ctx: Context | Sequence[Context],
    store: Store,
    topics: Topics = NO_TOPICS,
) -> list[SourceReport]:
    """Store several polls' outcomes in one transaction (a group commit: the writer
    of a busy run saves what arrived while it wrote, with one commit); when that
    fails, each on its own (``save_outcome`` records the failure of the one at
    fault, and the others are stored). ``ctx``: the polls' context, or each
    poll's (the daemon's polls each have their time). Where several writers run
    side by side (``Store.one_writer`` false: PostgreSQL), each poll has its own
    transaction. Never raises."""
    contexts = [ctx] * len(group) if isinstance(ctx, Context) else list(ctx)
    polls = list(zip(group, contexts, strict=True))

    def one_by_one() -> list[SourceReport]:
        return [save_outcome(spec, o, c, store, d, topics) for (spec, o, d), c in polls]

    if len(group) == 1 or not store.one_writer:  # see Store.one_writer
        return one_by_one()
    try:
        results = store.save_polls([_batch(s, o, c, d) for (s, o, d), c in polls], topics=topics)
    except Exception as exc:  # each poll again on its own: save_outcome reports the one at fault
        log.warning("cannot store %d polls together, one by one: %s", len(group), exc)
        return one_by_one()
    return [
        source_report(spec, outcome, duration, result)
        for (spec, outcome, duration), result in zip(group, results, strict=True)
    ]


def stories_of(polled: Sequence[Polled]) -> int:
    """How many stories these polls gave."""
    return sum(len(o.items) for _, o, _ in polled if isinstance(o, Collected))


def take_group(pending: list[Polled]) -> list[Polled]:
    """The polls of ``pending`` to save together, in order: up to ``GROUP_STORIES``
    stories and ``GROUP_POLLS`` polls (at least one poll); they are taken out of
    ``pending``."""
    stories = 0
    taken = 0
    for polled in pending:
        size = stories_of([polled])
        if taken and (stories + size > GROUP_STORIES or taken == GROUP_POLLS):
            break
        stories += size
        taken += 1
    group = pending[:taken]
    del pending[:taken]
    return group


def poll_record(
    spec: SourceSpec, outcome: Collected | SourceError, now: datetime, duration: float
) -> PollRecord:
    """The record of a poll (before its batch is stored: ``new`` is the store's)."""
    collected = outcome if isinstance(outcome, Collected) else Collected()
    errors = [outcome] if isinstance(outcome, SourceError) else collected.errors
    return PollRecord(
        name=spec.name,
        kind=spec.kind,
        location=spec.location,
        every=spec.every,
        at=now,
        outcome=poll_status(outcome).value,
        error=_first_line([*errors, *collected.notices]),
        duration=duration,
        status=collected.status,
        state=collected.state,
        retry_after=collected.retry_after,
        min_interval=collected.min_interval,
        failed=failed_whole(outcome),
    )


def source_report(
    spec: SourceSpec,
    outcome: Collected | SourceError,
    duration: float,
    batch: BatchResult | None = None,
) -> SourceReport:
    """What a poll came to, once it is recorded (``batch``: what storing its
    stories gave; None for a poll that had none)."""
    collected = outcome if isinstance(outcome, Collected) else Collected()
    errors = [outcome] if isinstance(outcome, SourceError) else collected.errors
    return SourceReport(
        spec.name,
        batch or BatchResult(),
        tuple(errors),
        collected.unchanged,
        duration,
        collected.status,
        outcome=poll_status(outcome),
        notices=tuple(collected.notices),
        waiting=len(collected.waiting),
    )


def nothing_to_store(outcome: Collected | SourceError) -> bool:
    """A poll whose only write is its record: a 304 (no stories, no files)."""
    return (
        isinstance(outcome, Collected)
        and outcome.not_modified
        and not outcome.items
        and not outcome.files
        and not outcome.errors
    )


def policy_for(spec: SourceSpec) -> Policy:
    """How the source's batches are deduplicated (``dedup``, ``priority``, the window)."""
    return Policy(
        mode=Mode(spec.dedup),
        priority=spec.priority,
        window=timedelta(seconds=spec.near_window),
    )


def _record_failure(
    spec: SourceSpec,
    errors: list[SourceError],
    ctx: Context,
    store: Store,
    duration: float,
    status: int | None,
) -> SourceReport:
    """Record a poll whose batch could not be stored as failed: nothing of it is
    kept, not even the validators (the next poll fetches everything again)."""
    poll = PollRecord(
        name=spec.name,
        kind=spec.kind,
        location=spec.location,
        every=spec.every,
        at=ctx.now,
        outcome=PollStatus.FAILED.value,
        error=_first_line(errors),
        duration=duration,
        status=status,
        failed=True,
    )
    try:
        store.record_poll(poll)
    except Exception as exc:  # the store is down: the report still says what happened
        log.error(
            "cannot record the failed poll of %s: %s",
            spec.name,
            exc,
            exc_info=None if isinstance(exc, StoreError) else exc,
        )
    return SourceReport(
        spec.name, errors=tuple(errors), duration=duration, status=status,
        outcome=PollStatus.FAILED,
    )  # fmt: skip


def _first_line(errors: Sequence[SourceError]) -> str | None:
    """The error a poll records: the first, made storable whatever it quotes."""
    return clean_text(str(errors[0])) if errors else None


IN_FLIGHT_PER_REQUEST = 4
"""Sources collected at once, per request the Fetcher may have in flight."""
PARALLEL_PARSING_FROM = 20
"""With this many URL sources or more, feeds are parsed in worker processes."""
MAX_PARSE_PROCESSES = 4


def parse_processes(configured: int, url_sources: int) -> int:
    """Worker processes for parsing: as configured, or (-1) one per core beyond the
    first, up to four, when there are enough URL sources to be worth it."""
    if configured >= 0:
        return configured
    if url_sources < PARALLEL_PARSING_FROM:
        return 0
    return max(0, min(MAX_PARSE_PROCESSES, (os.cpu_count() or 1) - 1))


def identify_all(items: Sequence[Item]) -> list[Entry]:
    """The identities of items (their fingerprints are left to the store, which
    computes only those of new and changed stories)."""
    return [identify(item) for item in items]


def prepared_entries(collected: Collected) -> list[Entry]:
    """The identities a Fetcher computed alongside parsing, if they match the items."""
    if not isinstance(collected, Fetched) or len(collected.prepared) != len(collected.items):
        return []
    entries = [e for e in collected.prepared if isinstance(e, Entry)]
    if len(entries) != len(collected.items):
        return []
    return entries


def fetch_settings(config: Config, url_sources: int = 0) -> FetchSettings:
    """The Fetcher's settings from the ``[fetch]`` table and the site's base_url."""
    f = config.fetch
    return FetchSettings(
        concurrency=f.concurrency,
        per_host=f.per_host,
        connect_timeout=f.connect_timeout,
        read_timeout=f.read_timeout,
        max_bytes=f.max_bytes,
        max_redirects=f.max_redirects,
        user_agent=user_agent(config.site.base_url),
        parse_processes=parse_processes(f.parse_processes, url_sources),
    )


def open_fetcher(config: Config, store: Store, url_sources: int) -> Fetcher:
    """The Fetcher for a run or a daemon: settings from the configuration, story URLs
    already stored (full_text fetches each article page once), identities computed
    where feeds are parsed."""
    return Fetcher(
        fetch_settings(config, url_sources), known_urls=store.known_urls, prepare=prepare
    )


async def fetch_source(spec: SourceSpec, ctx: Context, fetcher: Fetcher) -> Polled:
    """Collect one URL source; never raises. Returns what to give ``save_outcome``."""
    started = time.monotonic()
    try:
        outcome: Collected | SourceError = await collect_url(spec, ctx, fetcher)
    except SourceError as exc:
        outcome = exc
    except Exception as exc:  # a bug met by one source must not stop the others
        outcome = unexpected(spec, exc, "collecting")
    return spec, outcome, time.monotonic() - started


async def collect_urls(
    specs: Sequence[SourceSpec],
    ctx: Context,
    store: Store,
    fetcher: Fetcher,
    on_source: Callable[[SourceReport], None] | None = None,
    topics: Topics = NO_TOPICS,
) -> list[SourceReport]:
    """Collect URL sources concurrently, storing each one as it arrives.

    At most ``IN_FLIGHT_PER_REQUEST`` times the Fetcher's concurrency are being
    collected at once, so that memory stays bounded when the store is slower than
    the network. Stores are written one at a time, in a thread of their own, so
    that fetching goes on while the database works. A source marked gone is
    skipped (reported ``skipped-gone``, nothing recorded).
    """
    reports: list[SourceReport] = []
    waiting: list[SourceSpec] = []
    for spec in specs:
        state = ctx.states.get(spec.name)
        if state is not None and state.gone:
            report = SourceReport(spec.name, status=410, outcome=PollStatus.SKIPPED_GONE)
            reports.append(report)
            if on_source is not None:
                on_source(report)
        else:
            waiting.append(spec)
    waiting.reverse()
    window = max(IN_FLIGHT_PER_REQUEST * fetcher.settings.concurrency, 1)
    running: set[asyncio.Task[Polled]] = set()

    def start() -> None:
        while waiting and len(running) < window:
            running.add(asyncio.create_task(fetch_source(waiting.pop(), ctx, fetcher)))

    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nashra-store")
    loop = asyncio.get_running_loop()
    unchanged: list[Polled] = []
    changed: list[Polled] = []

    def done_with(report: SourceReport) -> None:
        reports.append(report)
        if on_source is not None:
            on_source(report)

    try:
        start()
        while running:
            done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            running.difference_update(done)
            start()
            for task in done:
                spec, outcome, duration = task.result()
                if nothing_to_store(outcome):  # recorded with others, in one transaction
                    unchanged.append((spec, outcome, duration))
                else:
                    changed.append((spec, outcome, duration))
            while changed:  # what arrived while the writer wrote, in one transaction
                for report in await loop.run_in_executor(
                    writer, save_outcomes, take_group(changed), ctx, store, topics
                ):
                    done_with(report)
            if len(unchanged) >= GROUP or (unchanged and not running):
                group, unchanged = unchanged, []
                for report in await loop.run_in_executor(
                    writer, record_unchanged, group, ctx, store
                ):
                    done_with(report)
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        writer.shutdown(wait=True)
    return reports


GROUP = 200
"""Unchanged sources (304) of ``nashra once`` recorded in one transaction."""


def record_unchanged(
    group: Sequence[Polled],
    ctx: Context,
    store: Store,
) -> list[SourceReport]:
    """Record polls that stored nothing (304s) in one transaction; when that
    fails, each on its own (``save_outcome`` records a failure it meets)."""
    try:
        store.record_polls([poll_record(spec, o, ctx.now, d) for spec, o, d in group])
    except StoreError as exc:
        log.warning("cannot record %d polls together, one by one: %s", len(group), exc)
        return [save_outcome(spec, o, ctx, store, d) for spec, o, d in group]
    return [source_report(spec, o, d) for spec, o, d in group]


async def _collect_all_urls(
    config: Config,
    specs: Sequence[SourceSpec],
    ctx: Context,
    store: Store,
    on_source: Callable[[SourceReport], None] | None,
) -> list[SourceReport]:
    async with open_fetcher(config, store, len(specs)) as fetcher:
        return await collect_urls(specs, ctx, store, fetcher, on_source, config.topics())


def run_once(
    config: Config,
    store: Store,
    *,
    now: datetime | None = None,
    on_source: Callable[[SourceReport], None] | None = None,
    due_only: bool = False,
) -> RunReport:
    """Collect all sources (``due_only``: those whose next poll has come, as the
    daemon would), then publish. ``on_source`` is called after each source:
    file sources first, in order, then URL sources as they finish."""
    when = now or datetime.now(UTC)
    store.sync_sources(config.sources, when)  # first: a changed URL forgets the old state
    ctx = context_for(config, store, when)
    report = RunReport()
    waiting = store.not_due(when) if due_only else set()
    specs = [spec for spec in config.sources if spec.name not in waiting]
    topics = config.topics()
    collected: list[Polled] = []
    since = time.monotonic()

    def store_collected(every: bool) -> None:
        """Save the collected file sources in groups: all of them (``every``), or
        those that make a full group or waited ``GROUP_WAIT``."""
        while collected and (
            every
            or stories_of(collected) >= GROUP_STORIES
            or len(collected) >= GROUP_POLLS
            or time.monotonic() - since >= GROUP_WAIT
        ):
            for source_report in save_outcomes(take_group(collected), ctx, store, topics):
                report.sources.append(source_report)
                if on_source is not None:
                    on_source(source_report)

    for spec in specs:
        if spec.url is None:
            if not collected:
                since = time.monotonic()
            collected.append(collect_file_source(spec, ctx))
            store_collected(every=False)
    store_collected(every=True)
    url_specs = [spec for spec in specs if spec.url is not None]
    if url_specs:
        report.sources.extend(
            asyncio.run(_collect_all_urls(config, url_specs, ctx, store, on_source))
        )
    report.published = publish(config, store)
    return report
