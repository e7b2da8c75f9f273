from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feeds.schedule import BACKOFF_CAP, PollOutcome, delay, next_poll_at

NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)


def test_success_is_one_interval_plus_forward_jitter() -> None:
    assert delay(PollOutcome(every=300, failures=0), 0.0) == 300
    assert delay(PollOutcome(every=300, failures=0), 0.999) == pytest.approx(329.97)


def test_server_asking_for_less_frequent_polls_wins() -> None:
    assert delay(PollOutcome(every=60, failures=0, min_interval=1800), 0) == 1800
    assert delay(PollOutcome(every=600, failures=0, min_interval=60), 0) == 600
    assert delay(PollOutcome(every=60, failures=1, retry_after=900), 0) == 900


def test_failures_back_off_exponentially_up_to_the_cap_and_recover() -> None:
    delays = [delay(PollOutcome(every=60, failures=n), 0) for n in range(1, 10)]
    assert delays[:4] == [60, 120, 240, 480]
    assert max(delays) == BACKOFF_CAP and delays[-1] == BACKOFF_CAP
    assert delay(PollOutcome(every=60, failures=0), 0) == 60
    assert delay(PollOutcome(every=7200, failures=5), 0) == 7200  # never less than the interval


def test_gone_is_never_polled_again() -> None:
    assert next_poll_at(NOW, PollOutcome(every=60, failures=0, gone=True), 0.5) is None


@given(
    every=st.floats(1, 86400),
    failures=st.integers(0, 50),
    jitter=st.floats(0, 1, exclude_max=True),
    retry=st.none() | st.floats(0, 86400),
)
def test_next_poll_is_always_in_the_future_and_bounded(
    every: float, failures: int, jitter: float, retry: float | None
) -> None:
    when = next_poll_at(NOW, PollOutcome(every, failures, retry_after=retry), jitter)
    assert when is not None and when > NOW
    bound = max(every, BACKOFF_CAP, min(retry or 0, 86400)) * (1 + 0.1)
    assert when - NOW <= timedelta(seconds=bound) + timedelta(microseconds=1)


def test_jitter_spreads_sources_configured_alike() -> None:
    import random

    rng = random.Random(1)
    starts = sorted(
        delay(PollOutcome(every=300, failures=0), rng.random()) or 0 for _ in range(1000)
    )
    assert starts[0] >= 300 and starts[-1] <= 330
    assert starts[500] - starts[0] > 10  # not bunched at one instant


def test_what_a_server_asks_is_capped_at_a_day() -> None:
    from feeds.schedule import SERVER_DELAY_CAP

    assert delay(PollOutcome(every=60, failures=0, min_interval=1e12), 0) == SERVER_DELAY_CAP
    assert delay(PollOutcome(every=60, failures=3, retry_after=1e15), 0) == SERVER_DELAY_CAP
    assert next_poll_at(NOW, PollOutcome(every=60, failures=0, min_interval=1e300), 0.5) is not None
