"""One run of the whole pipeline: collect every source, store and deduplicate
each source's batch in its own transaction, then publish.

One broken source never stops the others: its error is recorded in its report
and the run goes on; what was already stored and published is kept.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from feeds.config import Config
from feeds.identity import identify
from feeds.publish import PublishResult, publish
from feeds.store import BatchResult, PollRecord, Store
from sources import Collected, Context, SourceSpec, collector_for, kind_of
from sources.errors import SourceError


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

    @property
    def failed(self) -> bool:
        return bool(self.errors)


@dataclass(slots=True)
class RunReport:
    sources: list[SourceReport] = field(default_factory=list)
    published: PublishResult = field(default_factory=PublishResult)

    @property
    def failed(self) -> list[SourceReport]:
        return [s for s in self.sources if s.failed]

    def total(self, outcome: str) -> int:
        return sum(int(getattr(s.batch, outcome)) for s in self.sources)


def context_for(config: Config, store: Store, now: datetime) -> Context:
    return Context(
        tz=config.site.tz,
        now=now,
        base_dir=config.base_dir,
        max_bytes=config.site.max_file_bytes,
        words=config.words,
        known=store.file_fingerprints(),
        states=store.source_states(),
    )


def collect_source(spec: SourceSpec, ctx: Context, store: Store) -> SourceReport:
    """Collect one (file) source and store its batch; never raises a SourceError."""
    started = time.monotonic()
    try:
        outcome: Collected | SourceError = collector_for(spec)(spec, ctx)
    except SourceError as exc:
        outcome = exc
    return save_outcome(spec, outcome, ctx, store, time.monotonic() - started)


def save_outcome(
    spec: SourceSpec,
    outcome: Collected | SourceError,
    ctx: Context,
    store: Store,
    duration: float,
) -> SourceReport:
    """Store what collecting a source gave (its batch in one transaction) and record
    the poll. Shared by file and URL sources, by ``once`` and by the daemon."""
    batch = BatchResult()
    if isinstance(outcome, SourceError):
        errors: list[SourceError] = [outcome]
        collected = Collected()
    else:
        collected = outcome
        errors = list(collected.errors)
        if collected.items or collected.files:
            entries = [identify(item) for item in collected.items]
            batch, _ = store.save_batch(spec.name, entries, collected.files, now=ctx.now)
    store.record_poll(
        PollRecord(
            name=spec.name,
            kind=kind_of(spec),
            location=spec.location,
            every=spec.every,
            at=ctx.now,
            outcome=_outcome_word(collected, errors),
            new=batch.new,
            error=str(errors[0]) if errors else None,
            duration=duration,
            status=collected.status,
            state=collected.state,
            retry_after=collected.retry_after,
            min_interval=collected.min_interval,
        )
    )
    return SourceReport(
        spec.name, batch, tuple(errors), collected.unchanged, duration, collected.status
    )


def _outcome_word(collected: Collected, errors: list[SourceError]) -> str:
    if errors:
        return "failed"
    if collected.state is not None and collected.state.gone:
        return "gone"
    return "not-modified" if collected.not_modified else "ok"


def run_once(
    config: Config,
    store: Store,
    *,
    now: datetime | None = None,
    on_source: Callable[[SourceReport], None] | None = None,
) -> RunReport:
    """Collect all sources, then publish. ``on_source`` is called after each source."""
    ctx = context_for(config, store, now or datetime.now(UTC))
    report = RunReport()
    for spec in config.sources:
        source_report = collect_source(spec, ctx, store)
        report.sources.append(source_report)
        if on_source is not None:
            on_source(source_report)
    report.published = publish(config, store)
    return report
