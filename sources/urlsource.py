"""Collecting one URL source end to end.

``collect_url`` makes a conditional GET with the validators remembered from
the last poll (a 304 costs no parsing), remembers the new URL after a
permanent redirect (301/308), marks the source gone on a 410, honours
Retry-After on 429 and 503, then has the feed or page read into items
(``sources.parsing``: decoding, ``sources.remote``, ``sources.webpage``) and,
with ``full_text = true``, each new article's main text added
(``sources.fulltext``).

``Fetcher`` is what that needs for a run, opened once with ``async with``: the
HTTP client (``sources.http``, which knows nothing but HTTP), the parsing pool,
and what the caller knows: ``known_urls`` (the article URLs already stored, so
that full text is fetched once per article) and ``prepare`` (work done on the
items where they are parsed; its result comes back in ``Fetched.prepared``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Any

from sources.base import Collected, Context, SourceSpec, SourceState
from sources.errors import FetchError, ParseError
from sources.fulltext import KnownUrls, add_full_text
from sources.guard import Resolver
from sources.http import (
    RETRY_STATUSES,
    FetchSettings,
    HttpClient,
    Response,
    max_age,
    retry_after,
    status_line,
)
from sources.parsing import Document, ParsePool, Prepare
from sources.remote import FeedResult

__all__ = ["Fetched", "Fetcher", "collect_url"]


@dataclass(slots=True)
class Fetched(Collected):
    """What collecting a URL source gave, with ``prepared``: the Fetcher's ``prepare``
    applied to ``items`` (empty when there is no prepare, or the items changed
    after parsing, as with full text)."""

    prepared: list[Any] = field(default_factory=list)


class Fetcher:
    """What collecting URL sources needs for a run; use ``async with``.

    ``client`` is the run's ``HttpClient`` (with ``resolver``, default: the
    system's, cached for the run) and ``parser`` its ``ParsePool``
    (``settings.parse_processes`` workers, applying ``prepare``). ``known_urls``,
    when given, tells which article URLs are already stored, so that
    ``full_text`` sources fetch only new articles.
    """

    def __init__(
        self,
        settings: FetchSettings,
        *,
        known_urls: KnownUrls | None = None,
        resolver: Resolver | None = None,
        prepare: Prepare | None = None,
    ) -> None:
        self.settings = settings
        self.known_urls = known_urls
        self.client = HttpClient(settings, resolver=resolver)
        self.parser = ParsePool(settings.parse_processes, prepare=prepare)

    async def __aenter__(self) -> Fetcher:
        await self.client.__aenter__()
        try:
            self.parser.__enter__()
        except BaseException:
            await self.client.__aexit__()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc: BaseException | None = None,
        tb: TracebackType | None = None,
    ) -> None:
        try:
            await self.client.__aexit__(exc_type, exc, tb)
        finally:
            self.parser.__exit__(exc_type, exc, tb)

    async def get(
        self,
        url: str,
        *,
        source: str,
        allow_private: bool = False,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """``HttpClient.get``: GET a URL, following guarded redirects."""
        return await self.client.get(
            url, source=source, allow_private=allow_private, headers=headers
        )


def _conditional(state: SourceState) -> dict[str, str]:
    headers: dict[str, str] = {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


async def collect_url(spec: SourceSpec, ctx: Context, fetcher: Fetcher) -> Collected:
    """Collect one URL source; raises a SourceError when nothing could be collected.

    HTTP answers that are not a success (304, 410, 429, 503, other 4xx/5xx)
    come back as a Collected with the ``status``, the problem in ``errors`` and
    the ``state`` to remember, so that the poll is recorded with them.
    """
    assert spec.url is not None
    state = ctx.states.get(spec.name) or SourceState()
    url = state.moved_to or spec.url
    if state.gone:
        return Collected(
            status=410,
            state=state,
            errors=[FetchError(spec.name, f"{url}: gone (HTTP 410 earlier): not polled")],
        )
    response = await fetcher.client.get(
        url, source=spec.name, allow_private=spec.allow_private, headers=_conditional(state)
    )
    moved = response.moved_to or state.moved_to
    interval = max_age(response.headers)
    if response.status == 304:
        kept = replace(
            state,
            etag=response.headers.get("etag") or state.etag,
            last_modified=response.headers.get("last-modified") or state.last_modified,
            moved_to=moved,
        )
        return Collected(status=304, not_modified=True, state=kept, min_interval=interval)
    if response.status == 410:
        return Collected(
            status=410,
            state=SourceState(moved_to=moved, gone=True),
            errors=[
                FetchError(
                    spec.name,
                    f"{response.url}: HTTP 410 Gone: the source is marked gone and will not be "
                    "polled again (remove it from the configuration, or give it a new url)",
                )
            ],
        )
    if response.status >= 300:
        wait = retry_after(response.headers.get("retry-after"), ctx.now)
        if response.status in RETRY_STATUSES:
            wait = wait if wait is not None else spec.every
            message = f"{response.url}: {status_line(response)}; retry after {wait:g} s"
        else:
            message = f"{response.url}: {status_line(response)}"
            wait = None
        return Collected(
            status=response.status,
            state=replace(state, moved_to=moved),
            retry_after=wait,
            errors=[FetchError(spec.name, message)],
        )
    result, response, prepared = await _parse_response(spec, ctx, fetcher, response, state)
    if spec.full_text:
        await add_full_text(spec, fetcher.client, result, fetcher.known_urls)
        prepared = []
    validators = not result.errors
    new_state = SourceState(
        etag=response.headers.get("etag") if validators else None,
        last_modified=response.headers.get("last-modified") if validators else None,
        moved_to=response.moved_to or moved,
    )
    intervals = [v for v in (interval, result.ttl) if v is not None]
    return Fetched(
        items=result.items,
        errors=result.errors,
        notices=result.notices,
        status=response.status,
        state=new_state,
        min_interval=max(intervals) if intervals else None,
        prepared=prepared,
    )


async def _parse_response(
    spec: SourceSpec, ctx: Context, fetcher: Fetcher, response: Response, state: SourceState
) -> tuple[FeedResult, Response, list[Any]]:
    """Parse a 2xx response as a page (selectors), a discovered feed, or a feed."""
    document = await _read(fetcher, response, spec, ctx, spec.selectors)
    if document.kind == "html":
        advertised = document.advertised
        if advertised is None:
            raise ParseError(
                spec.name,
                f"{response.url}: an HTML page where a feed was expected, and it advertises no "
                "feed (give the feed's url, or selectors to read the page)",
            )
        if not spec.discover:
            raise ParseError(
                spec.name,
                f"{response.url}: an HTML page where a feed was expected; it advertises "
                f"{advertised}: use that url, or set discover = true",
            )
        found = await fetcher.client.get(
            advertised, source=spec.name, allow_private=spec.allow_private
        )
        if found.status != 200:
            raise FetchError(spec.name, f"{advertised}: {status_line(found)} (discovered feed)")
        # Remember the feed itself: later polls go to it, with its validators.
        response = replace(found, moved_to=found.moved_to or advertised)
        document = await _read(fetcher, response, spec, ctx)
        if document.kind == "html":
            raise ParseError(spec.name, f"{found.url}: the advertised feed is an HTML page")
    if document.kind == "error":
        raise document.errors()[0]
    result = FeedResult(
        list(document.items), document.errors(), list(document.notices), document.ttl
    )
    return result, response, list(document.prepared)


async def _read(
    fetcher: Fetcher,
    response: Response,
    spec: SourceSpec,
    ctx: Context,
    selectors: tuple[tuple[str, str], ...] = (),
) -> Document:
    return await fetcher.parser.read(
        response.content,
        declared=response.charset,
        url=response.url,
        source=spec.name,
        tz=ctx.tz,
        now=ctx.now,
        selectors=selectors,
    )
