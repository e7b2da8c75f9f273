"""WebSub: telling the site's hubs (``[site] hubs``) that feeds changed, so
that they fetch them and push them to their subscribers at once.

After a publish that changed a feed's bytes, each hub gets one form-encoded
``POST`` per changed feed: ``hub.mode=publish`` and a ``hub.url`` for each of
the feed's documents that changed (RSS, Atom, JSON Feed), the form the
PubSubHubbub hubs accept. A hub that does not answer, or answers 429 or 5xx, is
asked again a bounded number of times (``Notifier``); a 4xx other than 429 is
final. A hub that still fails is one log line naming it and the feeds it was not
told about, and is not asked about the other feeds of this run: a hub down never
fails a publish, nor holds it for long.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import httpx
from tenacity import (
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential,
)

log = logging.getLogger("nashra.publish")


@dataclass(frozen=True, slots=True)
class Notifier:
    """How hubs are told: attempts per feed and hub, the wait before the second
    one (doubling, at most ``max_wait``), a request's timeout, and the time all
    attempts together may take (no new attempt starts after it)."""

    attempts: int = 3
    wait: float = 1.0
    max_wait: float = 8.0
    timeout: float = 10.0
    deadline: float = 30.0


DEFAULT_NOTIFIER = Notifier()


@dataclass(frozen=True, slots=True)
class Notice:
    """One hub told (or not) about one feed: ``error`` None when it accepted."""

    hub: str
    feed: str
    urls: tuple[str, ...]
    error: str | None = None


class _Again(Exception):
    """A hub's answer worth another attempt (429, 5xx)."""


class _Refused(Exception):
    """A hub's final refusal (another 4xx, or anything but 2xx)."""


def notify(
    hubs: Sequence[str],
    changed: Mapping[str, Sequence[str]],
    *,
    user_agent: str = "nashra",
    notifier: Notifier = DEFAULT_NOTIFIER,
) -> list[Notice]:
    """Tell every hub about every changed feed (feed name → its changed URLs).
    Never raises: failures are logged and returned."""
    wanted = {feed: tuple(urls) for feed, urls in changed.items() if urls}
    if not hubs or not wanted:
        return []
    notices: list[Notice] = []
    headers = {"User-Agent": user_agent}
    with httpx.Client(timeout=notifier.timeout, headers=headers) as client:
        for hub in hubs:
            notices.extend(_tell(client, hub, wanted, notifier))
    return notices


def _tell(
    client: httpx.Client, hub: str, changed: Mapping[str, tuple[str, ...]], notifier: Notifier
) -> list[Notice]:
    notices: list[Notice] = []
    feeds = list(changed)
    for index, feed in enumerate(feeds):
        error = _post(client, hub, changed[feed], notifier)
        if error is not None:
            untold = feeds[index:]
            log.warning(
                "websub: hub %s was not told that %s changed: %s",
                hub,
                ", ".join(untold),
                error,
                extra={"fields": {"event": "websub", "hub": hub, "feeds": untold, "error": error}},
            )
            notices.extend(Notice(hub, f, changed[f], error) for f in untold)
            return notices
        notices.append(Notice(hub, feed, changed[feed]))
    return notices


def _post(client: httpx.Client, hub: str, urls: Sequence[str], notifier: Notifier) -> str | None:
    """Tell ``hub`` that ``urls`` changed; None when it accepted, else why not."""
    retrying = Retrying(
        stop=stop_after_attempt(max(notifier.attempts, 1)) | stop_after_delay(notifier.deadline),
        wait=wait_exponential(multiplier=notifier.wait, max=notifier.max_wait),
        retry=retry_if_exception_type((httpx.TransportError, _Again)),
        reraise=True,
    )
    try:
        for attempt in retrying:
            with attempt:
                response = client.post(hub, data={"hub.mode": "publish", "hub.url": list(urls)})
                answer = f"{response.status_code} {response.reason_phrase}".strip()
                if response.status_code == 429 or response.status_code >= 500:
                    raise _Again(answer)
                if not 200 <= response.status_code < 300:
                    raise _Refused(answer)
    except (httpx.HTTPError, httpx.InvalidURL, _Again, _Refused) as exc:
        attempts = retrying.statistics.get("attempt_number", 1)
        what = f"{type(exc).__name__}: {exc}" if isinstance(exc, httpx.HTTPError) else str(exc)
        return f"{what} ({attempts} attempt{'s' if attempts != 1 else ''})"
    return None
