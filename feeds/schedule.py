"""When to poll a source next: pure decisions, no clock and no I/O.

After a success the next poll is one interval away (the source's ``every``, or
longer when the server asks for less frequent polling through ``ttl``,
``Cache-Control: max-age`` or ``Retry-After``), plus a forward-only jitter of up
to 10 % of the interval so that sources configured alike spread out. After a
failure the delay doubles with each consecutive failure, from the interval up
to a cap (an hour, or the interval if that is longer), and a ``Retry-After``
is honoured (what a server asks is capped at a day); the next success returns to the plain interval. A gone source
(HTTP 410) is not polled again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

JITTER = 0.10
BACKOFF_CAP = 3600.0
SERVER_DELAY_CAP = 86400.0
"""A server's ttl, max-age or Retry-After is honoured up to a day."""


@dataclass(frozen=True, slots=True)
class PollOutcome:
    """What the schedule needs to know about the poll that just ended."""

    every: float
    failures: int
    """Consecutive failures including this poll (0 after a success)."""
    gone: bool = False
    retry_after: float | None = None
    min_interval: float | None = None


def delay(outcome: PollOutcome, jitter: float) -> float | None:
    """Seconds until the next poll, or None when the source must not be polled
    again. ``jitter`` is a number in [0, 1) (random in production)."""
    if outcome.gone:
        return None
    asked = min(max(outcome.min_interval or 0.0, 0.0), SERVER_DELAY_CAP)
    retry = min(max(outcome.retry_after or 0.0, 0.0), SERVER_DELAY_CAP)
    if outcome.failures > 0:
        cap = max(BACKOFF_CAP, outcome.every)
        doubling: float = 2.0 ** min(outcome.failures - 1, 64)
        base = min(outcome.every * doubling, cap)
    else:
        base = max(outcome.every, asked)
    base = max(base, retry)
    return base + base * JITTER * min(max(jitter, 0.0), 1.0)


def next_poll_at(now: datetime, outcome: PollOutcome, jitter: float) -> datetime | None:
    seconds = delay(outcome, jitter)
    return None if seconds is None else now + timedelta(seconds=seconds)
