"""Fetching URL sources: one HTTP client per run, polite, bounded and guarded.

``Fetcher`` holds one ``httpx.AsyncClient`` with connection pooling, a global
limit on requests in flight and a limit per host, connect and read timeouts
plus a deadline for a whole response (a server trickling bytes cannot hold a
source past it), a size cap enforced while the body streams (on the decoded
bytes, so a compressed bomb is stopped too), gzip, deflate and brotli, and a
User-Agent naming the site. Redirects are followed here, not by httpx, so that
every hop is checked by the address guard (``sources.guard``) and loops are
seen; at most ``max_redirects`` hops.

``collect_url`` collects one URL source end to end: a conditional GET with the
validators remembered from the last poll (a 304 costs no parsing), the new
URL after a permanent redirect (301/308), a 410 marking the source gone,
Retry-After on 429 and 503, then the feed or page parsed into items
(``sources.remote``, ``sources.webpage``) and, with ``full_text = true``, each
new article's page fetched once and its main text extracted.

Foreign exceptions (httpx, the resolver, the guard) are translated into
``FetchError`` once, in ``translate``; ``TRANSLATIONS`` lists every httpx
exception, which a test checks.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import re
import ssl
import zlib
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import partial
from importlib.metadata import PackageNotFoundError, version
from types import TracebackType
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import brotli
import certifi
import httpcore
import httpx

from sources.base import Collected, Context, SourceSpec, SourceState
from sources.errors import FetchError, ParseError, SourceError
from sources.guard import ALLOW_PRIVATE, BlockedAddress, GuardedBackend, Resolver
from sources.inflate import TooLarge, UnsupportedEncoding, inflater
from sources.item import Item
from sources.remote import FeedResult, decode_remote, parse_feed, sniff
from sources.webpage import discover_feed, extract_article, parse_page

log = logging.getLogger(__name__)

__all__ = [
    "TRANSLATIONS",
    "FetchSettings",
    "Fetched",
    "Fetcher",
    "Response",
    "collect_url",
    "translate",
    "user_agent",
]

try:
    VERSION = version("nashra")
except PackageNotFoundError:  # running from a source tree that was never installed
    VERSION = "0"

REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT = frozenset({301, 308})
RETRY_STATUSES = frozenset({429, 503})
_DRAIN_BYTES = 64 * 1024
_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)", re.IGNORECASE)
_NO_STORE = re.compile(r"(?:^|[,\s])no-(?:store|cache)\b", re.IGNORECASE)
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)


def user_agent(base_url: str | None = None) -> str:
    """``nashra/<version> (+<site base_url>)``."""
    return f"nashra/{VERSION} (+{base_url})" if base_url else f"nashra/{VERSION}"


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """Limits of fetching, from the ``[fetch]`` table and the site's base_url."""

    concurrency: int = 32
    """Requests in flight at once, all hosts together."""
    per_host: int = 2
    """Requests in flight at once to one host."""
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    """Longest wait for a read; a whole response must also arrive within
    connect_timeout + read_timeout."""
    max_bytes: int = 15 * 1024 * 1024
    """Largest response body, decoded."""
    max_redirects: int = 5
    user_agent: str = field(default_factory=lambda: user_agent())
    parse_processes: int = 0
    """Worker processes that decode and parse fetched documents (0: in the event
    loop's thread). Worth it for many sources on a machine with several cores."""

    @property
    def deadline(self) -> float:
        return self.connect_timeout + self.read_timeout


@dataclass(frozen=True, slots=True)
class Response:
    """A fetched response after redirects: status, final URL, headers and body."""

    url: str
    status: int
    headers: httpx.Headers
    content: bytes = b""
    moved_to: str | None = None
    """Where a chain of permanent redirects from the requested URL leads."""

    @property
    def charset(self) -> str | None:
        return _charset(self.headers.get("content-type", ""))

    @property
    def content_type(self) -> str:
        value: str = self.headers.get("content-type", "")
        return value.split(";")[0].strip().lower()


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


Prepare = Callable[[Sequence[Item]], list[Any]]
"""Work on parsed items done where they are parsed (see ``Fetcher``)."""


@dataclass(slots=True)
class Fetched(Collected):
    """What collecting a URL source gave, with ``prepared``: ``Fetcher.prepare``
    applied to ``items`` (empty when there is no prepare, or the items changed
    after parsing, as with full text)."""

    prepared: list[Any] = field(default_factory=list)


class _TooLarge(Exception):
    """A response body over the size cap."""


# Every httpx exception, most specific first, with what it means for the operator.
TRANSLATIONS: tuple[tuple[type[Exception], str], ...] = (
    (httpx.ConnectTimeout, "timed out connecting"),
    (httpx.ReadTimeout, "timed out waiting for data"),
    (httpx.WriteTimeout, "timed out sending the request"),
    (httpx.PoolTimeout, "timed out waiting for a free connection"),
    (httpx.TimeoutException, "timed out"),
    (httpx.ConnectError, "cannot connect"),
    (httpx.ReadError, "connection broken while reading"),
    (httpx.WriteError, "connection broken while sending"),
    (httpx.CloseError, "connection broken while closing"),
    (httpx.NetworkError, "network error"),
    (httpx.RemoteProtocolError, "the server broke the HTTP protocol"),
    (httpx.LocalProtocolError, "invalid HTTP request"),
    (httpx.ProtocolError, "HTTP protocol error"),
    (httpx.ProxyError, "proxy error"),
    (httpx.UnsupportedProtocol, "unsupported URL scheme (only http and https)"),
    (httpx.DecodingError, "cannot decompress the response"),
    (httpx.TooManyRedirects, "too many redirects"),
    (httpx.TransportError, "transport error"),
    (httpx.HTTPStatusError, "HTTP error status"),
    (httpx.RequestError, "request failed"),
    (httpx.HTTPError, "HTTP error"),
    (httpx.InvalidURL, "invalid URL"),
    (httpx.CookieConflict, "conflicting cookies"),
    (httpx.StreamConsumed, "response stream read twice"),
    (httpx.StreamClosed, "response stream closed"),
    (httpx.ResponseNotRead, "response not read"),
    (httpx.RequestNotRead, "request not read"),
    (httpx.StreamError, "response stream error"),
)


def translate(exc: BaseException, source: str, url: str, settings: FetchSettings) -> FetchError:
    """The one-line FetchError for a foreign exception met while fetching ``url``."""
    if isinstance(exc, BlockedAddress):
        return FetchError(
            source,
            f"{url}: refused: {exc} (URL sources may reach only public addresses; "
            "set allow_private = true on this source to allow it)",
        )
    if isinstance(exc, _TooLarge):
        return FetchError(
            source, f"{url}: the response is larger than the limit of {settings.max_bytes:,} bytes"
        )
    if isinstance(exc, TimeoutError):
        return FetchError(
            source, f"{url}: timed out: no complete response within {settings.deadline:g} s"
        )
    if isinstance(exc, UnsupportedEncoding):
        return FetchError(source, f"{url}: {exc}")
    if isinstance(exc, UnicodeError):  # a host name IDNA cannot encode
        return FetchError(source, f"{url}: invalid host name ({exc})")
    if isinstance(exc, ValueError):
        return FetchError(source, f"{url}: invalid URL ({exc})")
    if isinstance(exc, OSError):  # the resolver: socket.gaierror and friends
        reason = exc.strerror or str(exc) or type(exc).__name__
        return FetchError(source, f"{url}: cannot resolve the host: {reason}")
    for kind, meaning in TRANSLATIONS:
        if isinstance(exc, kind):
            detail = str(exc).strip()
            return FetchError(source, f"{url}: {meaning}" + (f" ({detail})" if detail else ""))
    return FetchError(source, f"{url}: {type(exc).__name__}: {exc}")


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a connection pool that connects through the guard."""

    def __init__(self, limits: httpx.Limits, backend: httpcore.AsyncNetworkBackend) -> None:
        context = ssl.create_default_context(cafile=certifi.where())
        super().__init__(verify=context, limits=limits, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )


class Fetcher:
    """One HTTP client for a run, shared by every URL source; use ``async with``.

    ``known_urls``, when given, tells which article URLs are already stored, so
    that ``full_text`` sources fetch only new articles. ``resolver`` resolves
    and checks host names (default: the system's resolver, cached for the run).
    ``prepare``, a picklable function, is applied to the items of each document
    where it is parsed (in a worker process when there are some): the pipeline
    computes the items' identities there; the result comes back in
    ``Fetched.prepared``.
    """

    def __init__(
        self,
        settings: FetchSettings,
        *,
        known_urls: Callable[[Sequence[str]], set[str]] | None = None,
        resolver: Resolver | None = None,
        prepare: Prepare | None = None,
    ) -> None:
        self.settings = settings
        self.known_urls = known_urls
        self.prepare = prepare
        self._resolver = resolver or Resolver()
        self._global = asyncio.Semaphore(settings.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._client: httpx.AsyncClient | None = None
        self._pool: ProcessPoolExecutor | None = None

    async def __aenter__(self) -> Fetcher:
        s = self.settings
        limits = httpx.Limits(
            max_connections=s.concurrency,
            max_keepalive_connections=s.concurrency,
            keepalive_expiry=30.0,
        )
        self._client = httpx.AsyncClient(
            transport=_GuardedTransport(limits, GuardedBackend(self._resolver)),
            timeout=httpx.Timeout(
                connect=s.connect_timeout,
                read=s.read_timeout,
                write=s.read_timeout,
                pool=s.deadline,
            ),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": s.user_agent, "Accept": _ACCEPT},
        )
        if s.parse_processes > 0:
            self._pool = self._new_pool()
        return self

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.settings.parse_processes, mp_context=multiprocessing.get_context("spawn")
        )

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc: BaseException | None = None,
        tb: TracebackType | None = None,
    ) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    async def read(
        self,
        response: Response,
        spec: SourceSpec,
        ctx: Context,
        *,
        selectors: tuple[tuple[str, str], ...] = (),
    ) -> Document:
        """Decode and parse a response (``read_document``), in the pool if there is one."""
        job = partial(
            read_document,
            response.content,
            declared=response.charset,
            url=response.url,
            source=spec.name,
            tz=ctx.tz,
            now=ctx.now,
            selectors=selectors,
            prepare=self.prepare,
        )
        if self._pool is None:
            return job()
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, job)
        except BrokenProcessPool:
            # a worker died (killed, out of memory): start a new pool for the next
            # documents, and read this one here
            log.error("a parsing worker process died; starting new ones")
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool()
            return job()

    async def get(
        self,
        url: str,
        *,
        source: str,
        allow_private: bool = False,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """GET a URL, following redirects (each hop guarded); raises FetchError.

        Bodies are read only for 2xx answers; a 3xx, 304 or error status comes
        back without its body.
        """
        seen: set[str] = set()
        current = url
        moved_to: str | None = None
        permanent = True
        for _hop in range(self.settings.max_redirects + 1):
            try:
                scheme = urlsplit(current).scheme.lower()
            except ValueError as exc:
                raise FetchError(source, f"{current}: invalid URL ({exc})") from exc
            if scheme not in ("http", "https"):
                raise FetchError(source, f"{current}: only http and https URLs are fetched")
            if current in seen:
                raise FetchError(source, f"{url}: redirect loop back to {current}")
            seen.add(current)
            response = await self._request(current, source, allow_private, headers)
            location = response.headers.get("location")
            if response.status not in REDIRECTS or not location:
                return replace(response, moved_to=moved_to)
            try:
                target = urljoin(current, location.strip())
            except ValueError as exc:
                raise FetchError(source, f"{current}: invalid redirect to {location!r}") from exc
            if permanent and response.status in PERMANENT:
                moved_to = target
            else:
                permanent = False
            current = target
        raise FetchError(
            source, f"{url}: more than {self.settings.max_redirects} redirects (last to {current})"
        )

    def _host_limit(self, host: str) -> asyncio.Semaphore:
        limit = self._hosts.get(host)
        if limit is None:
            limit = self._hosts[host] = asyncio.Semaphore(self.settings.per_host)
        return limit

    async def _request(
        self, url: str, source: str, allow_private: bool, headers: dict[str, str] | None
    ) -> Response:
        if self._client is None:
            raise RuntimeError("use the Fetcher in 'async with'")
        token = ALLOW_PRIVATE.set(allow_private)
        try:
            host = (urlsplit(url).hostname or "").lower()
            if not host:
                raise FetchError(source, f"{url}: no host in the URL")
            async with self._host_limit(host), self._global:
                async with asyncio.timeout(self.settings.deadline):
                    await self._resolver.check(host, allow_private)
                    return await self._send(url, headers)
        except SourceError:
            raise
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, httpx.CookieConflict) as exc:
            raise translate(exc, source, url, self.settings) from exc
        except (BlockedAddress, _TooLarge, TimeoutError, OSError, ValueError) as exc:
            raise translate(exc, source, url, self.settings) from exc
        finally:
            ALLOW_PRIVATE.reset(token)

    async def _send(self, url: str, headers: dict[str, str] | None) -> Response:
        assert self._client is not None
        request = self._client.build_request("GET", url, headers=headers)
        response = await self._client.send(request, stream=True)
        try:
            content = b""
            if 200 <= response.status_code < 300:
                content = await self._read_capped(response)
            else:
                await self._drain(response)
            return Response(
                url=str(response.url),
                status=response.status_code,
                headers=response.headers,
                content=content,
            )
        finally:
            await response.aclose()

    async def _drain(self, response: httpx.Response) -> None:
        """Read a small unwanted body (a 304, a redirect, an error page) so that the
        connection goes back to the pool; a large one is dropped with its connection."""
        size = 0
        async for chunk in response.aiter_raw():
            size += len(chunk)
            if size > _DRAIN_BYTES:
                return

    async def _read_capped(self, response: httpx.Response) -> bytes:
        """The body, decompressed with the cap applied to what it expands to."""
        limit = self.settings.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _TooLarge()  # a compressed body never grows smaller
        decoder = inflater(response.headers.get("content-encoding"))
        chunks: list[bytes] = []
        size = 0
        try:
            async for raw in response.aiter_raw():
                chunk = decoder.feed(raw, limit - size)
                size += len(chunk)
                chunks.append(chunk)
            chunks.append(decoder.finish(limit - size))
        except TooLarge:
            raise _TooLarge() from None
        except (zlib.error, brotli.error) as exc:
            raise httpx.DecodingError(f"cannot decompress the response: {exc}") from exc
        return b"".join(chunks)


# -- collecting one URL source ------------------------------------------------------


def _conditional(state: SourceState) -> dict[str, str]:
    headers: dict[str, str] = {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


def retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def max_age(headers: httpx.Headers) -> float | None:
    """Seconds from ``Cache-Control: max-age``, or None."""
    value = headers.get("cache-control", "")
    if _NO_STORE.search(value):
        return None
    found = _MAX_AGE.search(value)
    return float(found.group(1)) if found and int(found.group(1)) > 0 else None


def _status_line(response: Response) -> str:
    try:
        from http import HTTPStatus

        return f"HTTP {response.status} {HTTPStatus(response.status).phrase}"
    except ValueError:
        return f"HTTP {response.status}"


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
    response = await fetcher.get(
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
            message = f"{response.url}: {_status_line(response)}; retry after {wait:g} s"
        else:
            message = f"{response.url}: {_status_line(response)}"
            wait = None
        return Collected(
            status=response.status,
            state=replace(state, moved_to=moved),
            retry_after=wait,
            errors=[FetchError(spec.name, message)],
        )
    result, response, prepared = await _parse_response(spec, ctx, fetcher, response, state)
    if spec.full_text:
        await _add_full_text(spec, fetcher, result)
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
        status=response.status,
        state=new_state,
        min_interval=max(intervals) if intervals else None,
        prepared=prepared,
    )


@dataclass(frozen=True, slots=True)
class Document:
    """What reading one fetched document gave; it crosses from parsing worker processes."""

    kind: str
    """``feed``, ``page`` (read with selectors), ``html`` (a page, no selectors) or ``error``."""
    items: tuple[Item, ...] = ()
    problems: tuple[SourceError, ...] = ()
    ttl: float | None = None
    advertised: str | None = None
    """For ``html``: the feed the page advertises, if any."""
    prepared: tuple[Any, ...] = ()

    def errors(self) -> list[SourceError]:
        return list(self.problems)


def read_document(
    data: bytes,
    *,
    declared: str | None,
    url: str,
    source: str,
    tz: ZoneInfo,
    now: datetime,
    selectors: tuple[tuple[str, str], ...] = (),
    prepare: Prepare | None = None,
) -> Document:
    """Decode and parse fetched bytes: a page read with selectors, a feed, or an HTML
    page (with the feed it advertises). Pure CPU work, run in a worker process when
    the Fetcher has a pool; never raises a SourceError (it comes back as ``error``)."""
    try:
        text, decoding = decode_remote(data, source=source, declared=declared)
        if selectors:
            kind = "page"
            result = parse_page(
                text, url=url, selectors=dict(selectors), source=source, tz=tz, now=now
            )
        elif sniff(text) == "html":
            return Document(
                "html",
                problems=tuple(decoding),
                advertised=discover_feed(text, url),
            )
        else:
            kind = "feed"
            result = parse_feed(text, url=url, source=source, tz=tz, now=now)
    except SourceError as exc:
        return Document("error", problems=(exc,))
    errors = [*decoding, *result.errors]
    prepared = tuple(prepare(result.items)) if prepare is not None and result.items else ()
    return Document(kind, tuple(result.items), tuple(errors), result.ttl, None, prepared)


async def _parse_response(
    spec: SourceSpec, ctx: Context, fetcher: Fetcher, response: Response, state: SourceState
) -> tuple[FeedResult, Response, list[Any]]:
    """Parse a 2xx response as a page (selectors), a discovered feed, or a feed."""
    document = await fetcher.read(response, spec, ctx, selectors=spec.selectors)
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
        found = await fetcher.get(advertised, source=spec.name, allow_private=spec.allow_private)
        if found.status != 200:
            raise FetchError(spec.name, f"{advertised}: {_status_line(found)} (discovered feed)")
        # Remember the feed itself: later polls go to it, with its validators.
        response = replace(found, moved_to=found.moved_to or advertised)
        document = await fetcher.read(response, spec, ctx)
        if document.kind == "html":
            raise ParseError(spec.name, f"{found.url}: the advertised feed is an HTML page")
    if document.kind == "error":
        raise document.errors()[0]
    result = FeedResult(list(document.items), document.errors(), document.ttl)
    return result, response, list(document.prepared)


async def _add_full_text(spec: SourceSpec, fetcher: Fetcher, result: FeedResult) -> None:
    """Replace each new item's body by the main text of its page, fetched once.

    Items already stored are dropped from the batch: their page was fetched
    when they were new, and without it their body would look edited.
    """
    urls = [item.url for item in result.items if item.url]
    known = fetcher.known_urls(urls) if fetcher.known_urls and urls else set()
    linked = [item for item in result.items if item.url and item.url not in known]

    async def fill(item: Item) -> Item | SourceError:
        assert item.url is not None
        try:
            page = await fetcher.get(item.url, source=spec.name, allow_private=spec.allow_private)
            if page.status != 200:
                return FetchError(spec.name, f"{item.url}: {_status_line(page)} (article page)")
            text, _ = decode_remote(page.content, source=spec.name, declared=page.charset)
            body = await asyncio.to_thread(extract_article, text, page.url)
        except SourceError as exc:
            return exc
        if not body:
            return item
        return replace(item, body=body)

    jobs: list[Awaitable[Item | SourceError]] = [fill(item) for item in linked]
    items: list[Item] = []
    for original, outcome in zip(linked, await asyncio.gather(*jobs), strict=True):
        if isinstance(outcome, SourceError):
            result.errors.append(outcome)
            items.append(original)
        else:
            items.append(outcome)
    result.items = items + [item for item in result.items if not item.url]
