"""The HTTP client of URL sources: one per run, polite, bounded and guarded.

``HttpClient`` holds one ``httpx.AsyncClient`` with connection pooling, a
global limit on requests in flight and a limit per host, connect and read
timeouts plus a deadline for a whole response (a server trickling bytes
cannot hold a source past it), a size cap enforced while the body streams (on
the decoded bytes, so a compressed bomb is stopped too), gzip, deflate and
brotli, and a User-Agent naming the site. Redirects are followed here, not by
httpx, so that every hop is checked by the address guard (``sources.guard``)
and loops are seen; at most ``max_redirects`` hops. It knows HTTP only: what a
response means for a source is ``sources.urlsource``'s business.

Foreign exceptions (httpx, the resolver, the guard) are translated into
``FetchError`` once, in ``translate``; ``TRANSLATIONS`` lists every httpx
exception, which a test checks.
"""

from __future__ import annotations

import asyncio
import re
import ssl
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import cache
from http import HTTPStatus
from importlib.metadata import PackageNotFoundError, version
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import brotli
import certifi
import httpcore
import httpx

from sources.errors import FetchError, SourceError
from sources.guard import ALLOW_PRIVATE, BlockedAddress, GuardedBackend, Resolver
from sources.inflate import TooLarge, UnsupportedEncoding, inflater

__all__ = [
    "PERMANENT",
    "REDIRECTS",
    "RETRY_STATUSES",
    "TRANSLATIONS",
    "FetchSettings",
    "HttpClient",
    "Response",
    "max_age",
    "retry_after",
    "status_line",
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
KEEPALIVE_SECONDS = 30.0
"""How long an idle connection is kept for the next request to its host."""
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
    loop's thread). Worth it for many sources on a machine with several cores.
    Read by ``sources.parsing``, not by the client."""

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
    """httpx's transport over connection pools that connect through the guard."""

    def __init__(self, settings: FetchSettings, backend: httpcore.AsyncNetworkBackend) -> None:
        # httpx's own pool is replaced below, never used: it gets a bare TLS context
        # rather than one that reads a CA bundle (28 ms of CPU at every start)
        unused = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        super().__init__(verify=unused, limits=httpx.Limits(max_connections=1), trust_env=False)

        @cache
        def verified() -> ssl.SSLContext:  # made when the first https origin is met
            return ssl.create_default_context(cafile=certifi.where())

        def pool(scheme: bytes) -> httpcore.AsyncConnectionPool:
            return httpcore.AsyncConnectionPool(
                ssl_context=verified() if scheme == b"https" else None,
                max_connections=settings.per_host,
                max_keepalive_connections=settings.per_host,
                keepalive_expiry=KEEPALIVE_SECONDS,
                network_backend=backend,
            )

        self._pool = _PoolPerOrigin(pool, keep=settings.concurrency)  # type: ignore[assignment]


class _PoolPerOrigin:
    """One httpcore connection pool per origin (scheme, host, port), for at most
    ``keep`` origins at a time beyond those with requests in flight.

    httpcore's pool looks through all of its connections and waiting requests
    each time a request starts or ends, which was an eighth of the CPU of a run
    of 304s with one pool of 32 connections; a pool per origin holds at most
    ``per_host`` connections (the per-host limit is ``HttpClient``'s). The
    least recently used origins whose connections are all idle are closed once
    more than ``keep`` are open, so a run over many hosts keeps a bounded number
    of idle connections, as one pool of ``concurrency`` connections did."""

    def __init__(self, pool: Callable[[bytes], httpcore.AsyncConnectionPool], keep: int) -> None:
        self._new = pool
        self._keep = keep
        self._pools: OrderedDict[tuple[bytes, bytes, int | None], httpcore.AsyncConnectionPool]
        self._pools = OrderedDict()

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        origin = (request.url.scheme, request.url.host, request.url.port)
        pool = self._pools.get(origin)
        if pool is None:
            pool = self._pools[origin] = self._new(request.url.scheme)
            await self._close_idle()
        else:
            self._pools.move_to_end(origin)
        return await pool.handle_async_request(request)

    async def _close_idle(self) -> None:
        for origin, pool in list(self._pools.items())[: max(0, len(self._pools) - self._keep)]:
            # a pool without connections holds nothing, and may be one whose first
            # request has not reached it yet: left alone
            connections = pool.connections
            if connections and all(c.is_idle() or c.is_closed() for c in connections):
                del self._pools[origin]
                await pool.aclose()

    async def __aenter__(self) -> _PoolPerOrigin:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            await pool.aclose()


class HttpClient:
    """One HTTP client for a run, shared by every URL source; use ``async with``.

    ``resolver`` resolves and checks host names (default: the system's
    resolver, cached for the run).
    """

    def __init__(self, settings: FetchSettings, *, resolver: Resolver | None = None) -> None:
        self.settings = settings
        self._resolver = resolver or Resolver()
        self._global = asyncio.Semaphore(settings.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> HttpClient:
        s = self.settings
        self._client = httpx.AsyncClient(
            transport=_GuardedTransport(s, GuardedBackend(self._resolver)),
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
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc: BaseException | None = None,
        tb: TracebackType | None = None,
    ) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

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
            raise RuntimeError("use the HttpClient in 'async with'")
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


# -- what response headers ask for ------------------------------------------------


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


def status_line(response: Response) -> str:
    try:
        return f"HTTP {response.status} {HTTPStatus(response.status).phrase}"
    except ValueError:
        return f"HTTP {response.status}"
