"""Sources and their schedule: the configured sources, claims (leases) of due
sources by workers, and the record of each poll (counters, validators, next poll)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.engine import Connection

from feeds.node import holder, holder_gone
from feeds.schedule import PollOutcome, next_poll_at
from feeds.store.base import Base, boundary
from feeds.store.database import chunks, insert_ignoring
from feeds.store.tables import items, sources
from sources.base import SourceSpec, SourceState

SPREAD_ABOVE = 100
"""More sources than this added at once have their first polls spread over their interval."""


@dataclass(frozen=True, slots=True)
class PollRecord:
    """The outcome of collecting one source once."""

    name: str
    kind: str
    location: str
    every: float
    at: datetime
    outcome: str
    new: int = 0
    error: str | None = None
    duration: float = 0.0
    status: int | None = None
    state: SourceState | None = None
    """Validators and redirects to remember; None keeps what is stored."""
    retry_after: float | None = None
    min_interval: float | None = None
    failed: bool = False
    """Nothing could be collected: counts as a consecutive failure and backs off.
    A poll with partial problems keeps them in ``error`` but is not a failure."""


@dataclass(frozen=True, slots=True)
class Claim:
    """A due source claimed for polling: when it was due, and what it remembered
    from its last poll (its validators), read in the claim itself so that a poll
    asks the store nothing before it fetches."""

    name: str
    planned: datetime
    state: SourceState


class Schedule(Base):
    @boundary("record the polls in the store")
    def record_polls(self, polls: Sequence[PollRecord]) -> list[datetime | None]:
        """Record several polls in one transaction (a group commit): one commit for
        many polls that stored no stories (304s, failures). Returns each poll's
        next poll time, in order. A success that knows its state (a 304) is one
        small ``UPDATE`` of the source's row; the rest go through ``record_poll``.

        Losing such a batch (the process killed before it commits) loses no story:
        the sources stay leased to the dead process and are polled again once
        ``release_orphans`` or the lease's end gives them back."""
        with self._write() as conn:
            return record_polls(conn, polls)

    @boundary("record the poll of {poll.name} in the store")
    def record_poll(self, poll: PollRecord, *, jitter: float | None = None) -> datetime | None:
        """Record the outcome of polling a source: counters, validators, the next
        poll time (see ``feeds.schedule``) and the end of its lease. The source's
        row is created if new. Returns the next poll time (None: never again)."""
        with self._write() as conn:
            return record_poll(conn, poll, jitter)

    @boundary("update the sources in the store")
    def sync_sources(self, specs: Sequence[SourceSpec], now: datetime) -> None:
        """Make the sources table match the configuration: new sources are due now,
        a changed location starts afresh, removed sources stop being polled."""
        wanted = {spec.name: spec for spec in specs}
        c = sources.c
        known = select(
            c.name, c.kind, c.location, c.every, c.active, c.gone, c.next_poll_at, c.last_poll_at
        )
        with self._write() as conn:
            rows = {row.name: row for row in conn.execute(known)}
            added = [spec for name, spec in wanted.items() if name not in rows]
            if added:  # another process syncing at the same moment may add them first
                conn.execute(
                    insert_ignoring(conn, sources),
                    [
                        {
                            "name": spec.name,
                            "kind": spec.kind,
                            "location": spec.location,
                            "every": spec.every,
                            "next_poll_at": first_poll_at(now, spec.every, index, len(added)),
                            "active": True,
                            "failures": 0,
                            "gone": False,
                        }
                        for index, spec in enumerate(added)
                    ],
                )
            for name, spec in wanted.items():
                row = rows.get(name)
                if row is None:
                    continue
                values: dict[str, Any] = {"active": True, "every": spec.every, "kind": spec.kind}
                moved = row.location != spec.location
                if moved:
                    values.update(
                        location=spec.location,
                        next_poll_at=now,
                        etag=None,
                        last_modified=None,
                        moved_to=None,
                        gone=False,
                        failures=0,
                    )
                elif row.next_poll_at is None and not row.gone:
                    values["next_poll_at"] = now
                elif row.next_poll_at is not None and row.every != spec.every:
                    # a shorter interval takes effect now rather than after the old one
                    values["next_poll_at"] = min(
                        row.next_poll_at, (row.last_poll_at or now) + timedelta(seconds=spec.every)
                    )
                # a source configured as before is not written: a start with an
                # unchanged configuration writes nothing
                if moved or any(getattr(row, key) != value for key, value in values.items()):
                    conn.execute(update(sources).where(c.name == name).values(**values))
            removed = [name for name, row in rows.items() if name not in wanted and row.active]
            for chunk in chunks(removed):
                conn.execute(update(sources).where(sources.c.name.in_(chunk)).values(active=False))

    @boundary("claim due sources in the store")
    def claim_due(self, now: datetime, limit: int, lease: float) -> list[tuple[str, datetime]]:
        """``claim``: the names of the claimed sources and when each was due."""
        return [(c.name, c.planned) for c in self.claim(now, limit, lease)]

    @boundary("claim due sources in the store")
    def claim(self, now: datetime, limit: int, lease: float) -> list[Claim]:
        """Claim up to ``limit`` due sources for ``lease`` seconds, most overdue first,
        with the state each remembered from its last poll.

        One ``UPDATE … RETURNING`` in one transaction; the inner SELECT locks with
        ``FOR UPDATE SKIP LOCKED`` where the database has it (PostgreSQL), so
        several workers never claim the same source. A lease left by a killed
        process expires and the source is claimed again.
        """
        due = (
            select(sources.c.name)
            .where(
                sources.c.active.is_(True),
                sources.c.gone.is_(False),
                sources.c.next_poll_at.is_not(None),
                sources.c.next_poll_at <= now,
                or_(sources.c.leased_until.is_(None), sources.c.leased_until < now),
            )
            .order_by(sources.c.next_poll_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claim = (
            update(sources)
            .where(sources.c.name.in_(due.scalar_subquery()))
            .values(leased_until=now + timedelta(seconds=lease), leased_by=holder())
            .returning(
                sources.c.name,
                sources.c.next_poll_at,
                sources.c.etag,
                sources.c.last_modified,
                sources.c.moved_to,
                sources.c.gone,
            )
        )
        with self._write() as conn:
            rows = conn.execute(claim).all()
        claimed = [
            Claim(
                row.name,
                row.next_poll_at,  # aware: UTCDateTime
                SourceState(row.etag, row.last_modified, row.moved_to, bool(row.gone)),
            )
            for row in rows
        ]
        return sorted(claimed, key=lambda c: (c.planned, c.name))

    @boundary("read the store")
    def not_due(self, now: datetime) -> set[str]:
        """Sources whose next poll is still ahead (their interval, a server's
        Retry-After or ttl, a backoff), or that are gone."""
        query = select(sources.c.name).where(
            or_(sources.c.gone.is_(True), sources.c.next_poll_at > now)
        )
        with self.engine.connect() as conn:
            return set(conn.execute(query).scalars())

    @boundary("release sources in the store")
    def release(self, names: Sequence[str]) -> None:
        """Give back leases without polling (a stopping daemon)."""
        with self._write() as conn:
            for chunk in chunks(list(names)):
                conn.execute(
                    update(sources)
                    .where(sources.c.name.in_(chunk))
                    .values(leased_until=None, leased_by=None)
                )

    @boundary("release sources in the store")
    def release_orphans(self) -> list[str]:
        """Give back the leases of processes of this machine that are gone (a daemon
        killed mid-poll), so that a restart polls their sources at once instead of
        waiting for the leases to expire. Leases of other machines are left to
        expire. Returns the sources released."""
        held = select(sources.c.name, sources.c.leased_by).where(sources.c.leased_by.is_not(None))
        with self.engine.connect() as conn:
            orphans = [
                (r.name, r.leased_by) for r in conn.execute(held) if holder_gone(r.leased_by)
            ]
        if not orphans:
            return []
        with self._write() as conn:
            for name, mark in orphans:  # only if still held by the same gone process
                conn.execute(
                    update(sources)
                    .where(sources.c.name == name, sources.c.leased_by == mark)
                    .values(leased_until=None, leased_by=None)
                )
        return [name for name, _ in orphans]

    @boundary("read the store")
    def next_poll_of(self, name: str) -> datetime | None:
        """When the source is polled next (None: never, or not in the store)."""
        query = select(sources.c.next_poll_at).where(sources.c.name == name)
        with self.engine.connect() as conn:
            when = conn.execute(query).scalar_one_or_none()
        return when if isinstance(when, datetime) else None

    @boundary("read the store")
    def source_rows(self) -> list[dict[str, Any]]:
        """Every source row with its stored item count (for ``nashra status``)."""
        counts = dict(
            (r[0], r[1])
            for r in self._all(select(items.c.source, func.count()).group_by(items.c.source))
        )
        rows = []
        for row in self._all(select(sources).order_by(sources.c.name)):
            data = dict(row._mapping)
            data["total"] = int(counts.get(row.name, 0))
            rows.append(data)
        return rows

    @boundary("read the store")
    def source_states(self, source: str | None = None) -> dict[str, SourceState]:
        """What each source (or one) remembered from its last poll."""
        query = select(
            sources.c.name,
            sources.c.etag,
            sources.c.last_modified,
            sources.c.moved_to,
            sources.c.gone,
        )
        if source is not None:
            query = query.where(sources.c.name == source)
        with self.engine.connect() as conn:
            return {
                row.name: SourceState(row.etag, row.last_modified, row.moved_to, bool(row.gone))
                for row in conn.execute(query)
            }


def record_poll(conn: Connection, poll: PollRecord, jitter: float | None) -> datetime | None:
    """Record a poll in ``conn``'s transaction (see ``Schedule.record_poll``)."""
    values: dict[str, Any] = {
        "kind": poll.kind,
        "location": poll.location,
        "every": poll.every,
        "last_poll_at": poll.at,
        "last_outcome": poll.outcome,
        "last_error": poll.error,
        "last_new": poll.new,
        "last_duration": poll.duration,
        "last_status": poll.status,
        "leased_until": None,
        "leased_by": None,
    }
    if poll.state is not None:
        values.update(
            etag=poll.state.etag,
            last_modified=poll.state.last_modified,
            moved_to=poll.state.moved_to,
            gone=poll.state.gone,
        )
    # a source polled before it is configured (``nashra once``) gets its row here,
    # whoever else records it at the same moment; the row is then locked (where
    # the database can) so that consecutive failures are counted once each
    conn.execute(
        insert_ignoring(conn, sources).values(
            name=poll.name,
            kind=poll.kind,
            location=poll.location,
            every=poll.every,
            active=True,
            failures=0,
            gone=False,
        )
    )
    row = conn.execute(
        select(sources.c.failures, sources.c.gone)
        .where(sources.c.name == poll.name)
        .with_for_update()
    ).one()
    failures = row.failures + 1 if poll.failed else 0
    gone = poll.state.gone if poll.state is not None else bool(row.gone)
    outcome = PollOutcome(
        every=poll.every,
        failures=failures,
        gone=gone,
        retry_after=poll.retry_after,
        min_interval=poll.min_interval,
    )
    upcoming = next_poll_at(poll.at, outcome, random.random() if jitter is None else jitter)
    values.update(failures=failures, next_poll_at=upcoming)
    conn.execute(update(sources).where(sources.c.name == poll.name).values(**values))
    return upcoming


_QUICK = (
    update(sources)
    .where(sources.c.name == bindparam("b_name"))
    .values(
        kind=bindparam("b_kind"),
        location=bindparam("b_location"),
        every=bindparam("b_every"),
        last_poll_at=bindparam("b_at", type_=sources.c.last_poll_at.type),
        last_outcome=bindparam("b_outcome"),
        last_error=bindparam("b_error"),
        last_new=bindparam("b_new"),
        last_duration=bindparam("b_duration"),
        last_status=bindparam("b_status"),
        leased_until=None,
        leased_by=None,
        etag=bindparam("b_etag"),
        last_modified=bindparam("b_last_modified"),
        moved_to=bindparam("b_moved_to"),
        gone=bindparam("b_gone"),
        failures=0,
        next_poll_at=bindparam("b_next", type_=sources.c.next_poll_at.type),
    )
)
"""A successful poll that knows its state: no read of the row is needed (its
failures go back to 0, its gone flag is the state's), one ``UPDATE``."""


def record_polls(conn: Connection, polls: Sequence[PollRecord]) -> list[datetime | None]:
    """Record polls in ``conn``'s transaction (see ``Schedule.record_polls``)."""
    upcoming: list[datetime | None] = []
    quick: list[dict[str, Any]] = []
    slow: list[int] = []
    for index, poll in enumerate(polls):
        state = poll.state
        if poll.failed or state is None or state.gone:
            slow.append(index)
            upcoming.append(None)
            continue
        outcome = PollOutcome(
            every=poll.every, failures=0, retry_after=poll.retry_after,
            min_interval=poll.min_interval,
        )  # fmt: skip
        when = next_poll_at(poll.at, outcome, random.random())
        upcoming.append(when)
        quick.append(
            {
                "b_name": poll.name,
                "b_kind": poll.kind,
                "b_location": poll.location,
                "b_every": poll.every,
                "b_at": poll.at,
                "b_outcome": poll.outcome,
                "b_error": poll.error,
                "b_new": poll.new,
                "b_duration": poll.duration,
                "b_status": poll.status,
                "b_etag": state.etag,
                "b_last_modified": state.last_modified,
                "b_moved_to": state.moved_to,
                "b_gone": False,
                "b_next": when,
            }
        )
    for values in quick:  # one row each; a row that is missing is created below
        if conn.execute(_QUICK, values).rowcount != 1:
            slow.append(next(i for i, p in enumerate(polls) if p.name == values["b_name"]))
    for index in slow:
        upcoming[index] = record_poll(conn, polls[index], None)
    return upcoming


def first_poll_at(now: datetime, every: float, index: int, count: int) -> datetime:
    """When a newly configured source is first polled: now, unless many sources were
    added together, whose first polls are then spread evenly over their interval so
    that thousands of new sources do not all fall due in the same second."""
    if count <= SPREAD_ABOVE:
        return now
    return now + timedelta(seconds=every * index / count)
