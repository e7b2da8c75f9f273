"""Fetching URL sources against a real HTTP server on 127.0.0.1: validators,
statuses, redirects, limits, timeouts, the address guard and error messages."""

from __future__ import annotations

import asyncio
import gzip
import inspect
import logging
import socket
import ssl
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import certifi
import httpx
import pytest
import trustme

from sources import Collected, Context, Fetcher, FetchSettings, SourceSpec, collect_url
from sources.base import SourceState
from sources.errors import FetchError
from sources.guard import BlockedAddress, Resolver, address_kind
from sources.http import TRANSLATIONS, retry_after, translate, user_agent
from tests.conftest import NOW
from tests.httpserver import DATA, Route, TestServer

FAST = FetchSettings(connect_timeout=1.0, read_timeout=0.5, max_bytes=64 * 1024)
RSS = (DATA / "goud-rss2.xml").read_bytes()


@pytest.fixture
def server() -> Iterator[TestServer]:
    with TestServer() as running:
        yield running


def spec_for(url: str, **fields: object) -> SourceSpec:
    return SourceSpec(name="goud", url=url, allow_private=True, **fields)  # type: ignore[arg-type]


def collect(
    spec: SourceSpec,
    ctx: Context,
    settings: FetchSettings = FAST,
    resolver: Resolver | None = None,
) -> Collected:
    async def run() -> Collected:
        async with Fetcher(settings, resolver=resolver) as fetcher:
            return await collect_url(spec, ctx, fetcher)

    return asyncio.run(run())


def with_state(ctx: Context, state: SourceState) -> Context:
    return Context(tz=ctx.tz, now=ctx.now, base_dir=ctx.base_dir, states={"goud": state})


def fails(spec: SourceSpec, ctx: Context, **kwargs: object) -> str:
    with pytest.raises(FetchError) as caught:
        collect(spec, ctx, **kwargs)  # type: ignore[arg-type]
    message = str(caught.value)
    assert message.startswith("goud: ") and "\n" not in message
    return message


# -- a good answer --------------------------------------------------------------------


def test_feed_is_fetched_with_user_agent_and_compression(server: TestServer, ctx: Context) -> None:
    settings = FetchSettings(user_agent=user_agent("https://news.example.org/"))
    url = server.route(
        "/feed.xml", Route(body=RSS, etag='"v1"', headers={"Cache-Control": "max-age=600"})
    )
    collected = collect(spec_for(url), ctx, settings)
    sent = server.last("/feed.xml").headers
    assert (
        sent["user-agent"].startswith("nashra/")
        and "(+https://news.example.org/)" in sent["user-agent"]
    )
    assert {"gzip", "deflate", "br"} <= {e.strip() for e in sent["accept-encoding"].split(",")}
    assert "if-none-match" not in sent
    assert collected.status == 200 and not collected.errors
    assert len(collected.items) == 4
    assert collected.state == SourceState(etag='"v1"')
    assert collected.min_interval == 1800.0  # the feed's ttl (30 min) beats max-age (600 s)


def test_conditional_get_gives_304_with_nothing_parsed(server: TestServer, ctx: Context) -> None:
    stamp = "Sun, 29 Nov 2026 08:00:00 GMT"
    url = server.route("/feed.xml", Route(body=RSS, etag='"v1"', last_modified=stamp))
    first = collect(spec_for(url), ctx)
    assert first.state == SourceState(etag='"v1"', last_modified=stamp)
    second = collect(spec_for(url), with_state(ctx, first.state))
    sent = server.last("/feed.xml").headers
    assert sent["if-none-match"] == '"v1"' and sent["if-modified-since"] == stamp
    assert second.status == 304 and second.not_modified
    assert second.items == [] and second.errors == []
    assert second.state == first.state


def test_last_modified_alone_is_enough(server: TestServer, ctx: Context) -> None:
    stamp = "Sun, 29 Nov 2026 08:00:00 GMT"
    url = server.route("/feed.xml", Route(body=RSS, last_modified=stamp))
    again = collect(spec_for(url), with_state(ctx, SourceState(last_modified=stamp)))
    assert again.not_modified and again.state == SourceState(last_modified=stamp)


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("goud-cp1256.xml", "application/rss+xml; charset=windows-1256"),
        ("goud-cp1256-declared.xml", "text/xml"),
        ("goud-cp1256.xml", "application/rss+xml"),
        ("goud-iso-8859-6.xml", "application/rss+xml; charset=ISO-8859-6"),
        ("goud-iso-8859-6-declared.xml", "text/xml"),
        ("goud-iso-8859-6.xml", "application/octet-stream"),
    ],
)
def test_legacy_arabic_feeds_over_http(
    server: TestServer, ctx: Context, name: str, content_type: str
) -> None:
    url = server.fixture("/feed.xml", name, content_type=content_type)
    collected = collect(spec_for(url), ctx)
    assert collected.errors == []
    assert [i.title for i in collected.items] == [
        "كوريا داعمة المغرب على الصحرا ديالو",
        "الجامعة المغربية لحماية المستهلك كتستنكر المصادقة على مشروع القانون",
    ]


FRENCH_RSS = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Actualités</title>'
    "<link>https://example.org/</link><description>Le fil</description>"
    "<item><title>À Béjaïa, les pêcheurs dénoncent la flambée du gasoil</title>"
    "<link>https://example.org/bejaia</link><description>Les pêcheurs de Béjaïa "
    "réclament une aide de l'État.</description></item>"
    "<item><title>Économie : l'inflation recule à 5,2 % en février</title>"
    "<link>https://example.org/inflation</link><description>Selon l'Institut "
    "national de la statistique, l'inflation a reculé.</description></item>"
    "</channel></rss>"
)  # written for these tests


@pytest.mark.parametrize("codec", ["cp1252", "iso8859-1"])
def test_undeclared_latin_feed_is_read_as_latin_over_http(
    server: TestServer, ctx: Context, codec: str
) -> None:
    url = server.route("/fr.xml", Route(body=FRENCH_RSS.encode(codec), content_type="text/xml"))
    collected = collect(spec_for(url), ctx)
    assert collected.errors == []
    assert [i.title for i in collected.items] == [
        "À Béjaïa, les pêcheurs dénoncent la flambée du gasoil",
        "Économie : l'inflation recule à 5,2 % en février",
    ]


def test_utf8_feed_under_a_wrong_legacy_charset_is_read_as_utf8(
    server: TestServer, ctx: Context, caplog: pytest.LogCaptureFixture
) -> None:
    url = server.route(
        "/feed.xml", Route(body=RSS, content_type="application/rss+xml; charset=ISO-8859-6")
    )
    with caplog.at_level(logging.WARNING):
        collected = collect(spec_for(url), ctx)
    assert collected.errors == []
    assert collected.items[0].title == "كوريا داعمة المغرب على الصحرا ديالو"
    assert "goud: the declared charset says ISO-8859-6 but the text is UTF-8" in caplog.text


def test_json_feed_is_detected_from_the_bytes(server: TestServer, ctx: Context) -> None:
    url = server.fixture("/feed", "goud-feed11.json", content_type="text/plain")
    assert len(collect(spec_for(url), ctx).items) == 2


# -- statuses -------------------------------------------------------------------------


def test_429_honours_retry_after_seconds(server: TestServer, ctx: Context) -> None:
    url = server.route("/feed.xml", Route(status=429, headers={"Retry-After": "120"}))
    collected = collect(spec_for(url), ctx)
    assert collected.status == 429 and collected.retry_after == 120.0
    assert [str(e) for e in collected.errors] == [
        f"goud: {url}: HTTP 429 Too Many Requests; retry after 120 s"
    ]


def test_503_honours_retry_after_date(server: TestServer, ctx: Context) -> None:
    url = server.route(
        "/feed.xml", Route(status=503, headers={"Retry-After": "Sun, 29 Nov 2026 12:05:00 GMT"})
    )
    collected = collect(spec_for(url), ctx)  # ctx.now is 12:00 UTC
    assert collected.status == 503 and collected.retry_after == 300.0
    assert "HTTP 503 Service Unavailable" in str(collected.errors[0])


def test_retry_after_forms() -> None:
    assert retry_after("30", NOW) == 30.0
    assert retry_after("Sun, 29 Nov 2026 11:00:00 GMT", NOW) == 0.0
    assert retry_after("soon", NOW) is None
    assert retry_after(None, NOW) is None


@pytest.mark.parametrize(("status", "phrase"), [(404, "Not Found"), (500, "Internal Server Error")])
def test_error_status_is_one_line_with_status(
    server: TestServer, ctx: Context, status: int, phrase: str
) -> None:
    url = server.route("/feed.xml", Route(status=status, body=b"<html>oops</html>"))
    collected = collect(spec_for(url), ctx)
    assert collected.status == status and collected.items == []
    assert [str(e) for e in collected.errors] == [f"goud: {url}: HTTP {status} {phrase}"]


def test_410_marks_the_source_gone(server: TestServer, ctx: Context) -> None:
    url = server.route("/feed.xml", Route(status=410))
    collected = collect(spec_for(url), ctx)
    assert collected.status == 410 and collected.state == SourceState(gone=True)
    assert "HTTP 410 Gone" in str(collected.errors[0])
    again = collect(spec_for(url), with_state(ctx, collected.state))
    assert server.hits("/feed.xml") == 1  # a gone source is not fetched again
    assert again.state == collected.state


# -- redirects --------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 308])
def test_permanent_redirect_is_remembered(server: TestServer, ctx: Context, status: int) -> None:
    new = server.route("/new.xml", Route(body=RSS))
    old = server.route("/old.xml", Route(status=status, headers={"Location": "/new.xml"}))
    collected = collect(spec_for(old), ctx)
    assert len(collected.items) == 4
    assert collected.state is not None and collected.state.moved_to == new
    collect(spec_for(old), with_state(ctx, collected.state))
    assert server.hits("/old.xml") == 1 and server.hits("/new.xml") == 2


@pytest.mark.parametrize("status", [302, 303, 307])
def test_temporary_redirect_is_followed_not_remembered(
    server: TestServer, ctx: Context, status: int
) -> None:
    server.route("/new.xml", Route(body=RSS))
    old = server.route("/old.xml", Route(status=status, headers={"Location": "/new.xml"}))
    collected = collect(spec_for(old), ctx)
    assert len(collected.items) == 4 and collected.state is not None
    assert collected.state.moved_to is None


def test_permanent_after_temporary_is_not_remembered(server: TestServer, ctx: Context) -> None:
    server.route("/c.xml", Route(body=RSS))
    server.route("/b.xml", Route(status=301, headers={"Location": "/c.xml"}))
    a = server.route("/a.xml", Route(status=302, headers={"Location": "/b.xml"}))
    collected = collect(spec_for(a), ctx)
    assert collected.state is not None and collected.state.moved_to is None


def test_redirect_loop_is_one_clear_error(server: TestServer, ctx: Context) -> None:
    a = server.route("/a.xml", Route(status=302, headers={"Location": "/b.xml"}))
    server.route("/b.xml", Route(status=302, headers={"Location": "/a.xml"}))
    assert fails(spec_for(a), ctx) == f"goud: {a}: redirect loop back to {a}"


def test_more_than_five_redirects_is_refused(server: TestServer, ctx: Context) -> None:
    for hop in range(7):
        server.route(f"/r{hop}", Route(status=307, headers={"Location": f"/r{hop + 1}"}))
    message = fails(spec_for(server.url("/r0")), ctx)
    assert "more than 5 redirects" in message
    assert server.hits("/r6") == 0


def test_redirect_to_an_invalid_url(server: TestServer, ctx: Context) -> None:
    url = server.route("/a.xml", Route(status=302, headers={"Location": "http://[bad/"}))
    assert fails(spec_for(url), ctx) == f"goud: {url}: invalid redirect to 'http://[bad/'"


def test_redirect_to_another_scheme_is_refused(server: TestServer, ctx: Context) -> None:
    url = server.route("/a.xml", Route(status=301, headers={"Location": "file:///etc/passwd"}))
    assert "only http and https" in fails(spec_for(url), ctx)


# -- limits and timeouts ----------------------------------------------------------------


def test_body_over_the_cap_is_refused(server: TestServer, ctx: Context) -> None:
    url = server.route("/big.xml", Route(body=b"<rss>" + b" " * 70_000, compress=False))
    assert fails(spec_for(url), ctx) == (
        f"goud: {url}: the response is larger than the limit of 65,536 bytes"
    )


def test_compressed_body_over_the_cap_is_stopped_while_streaming(
    server: TestServer, ctx: Context
) -> None:
    bomb = gzip.compress(b"<rss>" + b" " * 5_000_000)
    url = server.route(
        "/bomb.xml", Route(body=bomb, compress=False, headers={"Content-Encoding": "gzip"})
    )
    assert len(bomb) < 10_000
    assert "larger than the limit of 65,536 bytes" in fails(spec_for(url), ctx)


def test_slow_server_trickling_bytes_times_out(server: TestServer, ctx: Context) -> None:
    url = server.route("/slow.xml", Route(body=RSS, trickle=0.05, chunk=16, compress=False))
    started = time.monotonic()
    assert fails(spec_for(url), ctx) == f"goud: {url}: timed out: no complete response within 1.5 s"
    assert time.monotonic() - started < 5


def test_server_silent_past_the_read_timeout(server: TestServer, ctx: Context) -> None:
    url = server.route("/late.xml", Route(body=RSS, delay=2.0))
    message = fails(spec_for(url), ctx)
    assert message.startswith(f"goud: {url}: timed out")


def test_refused_connection(ctx: Context) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nobody listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/feed.xml"
    assert fails(spec_for(url), ctx).startswith(f"goud: {url}: cannot connect")


def test_truncated_body_is_an_error(server: TestServer, ctx: Context) -> None:
    url = server.route("/cut.xml", Route(body=RSS[:500], length=len(RSS), compress=False))
    assert "the server broke the HTTP protocol" in fails(spec_for(url), ctx)


class _NoNames(Resolver):
    """A resolver that knows no name, failing as the system's does (no DNS query leaves
    the machine in tests); IP literals resolve to themselves."""

    async def resolve(self, host: str) -> list[str]:
        if host.replace(".", "").isdigit():
            return [host]
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


def test_dns_failure_names_the_url(ctx: Context) -> None:
    url = "http://feeds.goud.invalid/rss"
    assert fails(spec_for(url), ctx, resolver=_NoNames()) == (
        f"goud: {url}: cannot resolve the host: Name or service not known"
    )


# -- the address guard -----------------------------------------------------------------


def test_loopback_is_refused_without_allow_private(server: TestServer, ctx: Context) -> None:
    url = server.route("/feed.xml", Route(body=RSS))
    spec = SourceSpec(name="goud", url=url)
    assert fails(spec, ctx) == (
        f"goud: {url}: refused: 127.0.0.1 resolves to 127.0.0.1, a loopback address "
        "(URL sources may reach only public addresses; set allow_private = true on this "
        "source to allow it)"
    )
    assert server.hits("/feed.xml") == 0


class _Recording(Resolver):
    """The system resolver, recording each host checked; ``refuse`` plays a host whose
    name resolves to a private address."""

    def __init__(self, refuse: str | None = None) -> None:
        super().__init__()
        self.checked: list[str] = []
        self.refuse = refuse

    async def check(self, host: str, allow_private: bool) -> list[str]:
        self.checked.append(host)
        if host == self.refuse:
            raise BlockedAddress(host, "10.1.2.3", "private")
        return await super().check(host, allow_private)


def test_every_redirect_hop_is_checked(server: TestServer, ctx: Context) -> None:
    server.route("/c.xml", Route(body=RSS))
    server.route("/b.xml", Route(status=302, headers={"Location": server.url("/c.xml")}))
    a = server.route(
        "/a.xml", Route(status=302, headers={"Location": f"http://localhost:{server.port}/b.xml"})
    )
    resolver = _Recording()
    assert len(collect(spec_for(a), ctx, resolver=resolver).items) == 4
    hops = [h for i, h in enumerate(resolver.checked) if i == 0 or resolver.checked[i - 1] != h]
    assert hops == ["127.0.0.1", "localhost", "127.0.0.1"]  # before each hop and each connection

    refusing = _Recording(refuse="localhost")
    message = fails(spec_for(a), ctx, resolver=refusing)
    assert "localhost resolves to 10.1.2.3, a private address" in message
    assert server.hits("/b.xml") == 1  # only the first, allowed run reached it


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::ffff:127.0.0.1", "loopback"),
        ("100.64.0.1", "non-public"),
        ("240.0.0.1", "private"),
        ("93.184.216.34", None),
        ("2606:4700::1111", None),
    ],
)
def test_address_kinds(address: str, kind: str | None) -> None:
    assert address_kind(address) == kind


# -- translation of foreign exceptions -------------------------------------------------


def test_every_httpx_exception_is_translated() -> None:
    classes = {
        obj
        for _, obj in inspect.getmembers(httpx, inspect.isclass)
        if issubclass(obj, Exception) and obj.__module__.startswith("httpx")
    }
    assert classes <= {kind for kind, _ in TRANSLATIONS}
    meanings = dict(TRANSLATIONS)
    for kind in classes:
        exc = kind.__new__(kind)  # constructors differ; the message is what matters
        Exception.__init__(exc, "detail")
        assert str(translate(exc, "goud", "https://a/", FAST)) == (
            f"goud: https://a/: {meanings[kind]} (detail)"
        )


def test_translation_order_puts_subclasses_first() -> None:
    kinds = [kind for kind, _ in TRANSLATIONS]
    for index, kind in enumerate(kinds):
        for later in kinds[index + 1 :]:
            assert not issubclass(later, kind), f"{later.__name__} is shadowed by {kind.__name__}"


def test_resolver_answers_expire_after_their_ttl() -> None:
    """A long-running daemon follows a host that moves: answers are reused for a while only."""
    import asyncio

    now = [0.0]
    resolver = Resolver(ttl=300, clock=lambda: now[0])
    calls: list[str] = []

    async def fake_getaddrinfo(host: str, *_: object, **__: object) -> list[tuple[object, ...]]:
        calls.append(host)
        return [(0, 0, 0, "", ("127.0.0.1", 0))]

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        loop.getaddrinfo = fake_getaddrinfo  # type: ignore[method-assign,assignment]
        assert await resolver.resolve("news.example") == ["127.0.0.1"]
        now[0] = 299
        await resolver.resolve("news.example")
        now[0] = 301
        await resolver.resolve("news.example")

    asyncio.run(scenario())
    assert calls == ["news.example", "news.example"]


def test_a_cancelled_lookup_does_not_cancel_the_others_waiting_on_it() -> None:
    import asyncio

    async def scenario() -> BaseException | list[str]:
        resolver = Resolver()
        started = asyncio.Event()

        async def slow_getaddrinfo(host: str, *_: object, **__: object) -> list[tuple[object, ...]]:
            started.set()
            await asyncio.sleep(10)
            return []

        asyncio.get_running_loop().getaddrinfo = slow_getaddrinfo  # type: ignore[method-assign,assignment]
        first = asyncio.create_task(resolver.resolve("news.example"))
        await started.wait()
        second = asyncio.create_task(resolver.resolve("news.example"))
        await asyncio.sleep(0)
        first.cancel()
        try:
            return await second
        except BaseException as exc:
            return exc

    outcome = asyncio.run(scenario())
    assert isinstance(outcome, OSError) and "abandoned" in str(outcome)


# -- the pool's connections: reused while open, dropped once the server closed them -------


def test_readable_tells_an_idle_connection_from_one_the_server_closed() -> None:
    from sources.guard import readable

    ours, theirs = socket.socketpair()
    try:
        assert not readable(ours)  # idle: nothing to read
        theirs.sendall("مرحبا".encode())
        assert readable(ours)
        ours.recv(64)
        theirs.close()  # the server's end: the next read would return b""
        assert readable(ours)
    finally:
        ours.close()
    assert readable(ours) and readable(None)  # gone: its next read ends


async def _keep_alive(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    body: bytes,
    until: Callable[[int], bool] = lambda _answered: False,
) -> None:
    """Answer every request of a kept-alive connection with ``body`` until the client
    goes or ``until`` (given the answers sent) says to close the connection."""
    answered = 0
    try:
        while True:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml; charset=utf-8\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            await writer.drain()
            answered += 1
            if until(answered):
                break
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


def test_keep_alive_connection_is_reused_and_a_closed_one_replaced(ctx: Context) -> None:
    """A loopback HTTP/1.1 server that keeps connections open, except that it closes
    the first one after its second answer: the third request finds it closed while
    idle and opens a new one instead of failing."""
    body = (DATA / "goud-rss2.xml").read_bytes()
    connections: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        first = len(connections) == 1
        await _keep_alive(reader, writer, body, until=lambda answered: first and answered == 2)

    async def scenario() -> list[int]:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        spec = SourceSpec(name="goud", url=f"http://127.0.0.1:{port}/rss.xml", allow_private=True)
        statuses = []
        try:
            async with Fetcher(FetchSettings(connect_timeout=2, read_timeout=2)) as fetcher:
                for _ in range(2):
                    statuses.append((await collect_url(spec, ctx, fetcher)).status or 0)
                await asyncio.sleep(0.2)  # the server closes the first connection meanwhile
                statuses.append((await collect_url(spec, ctx, fetcher)).status or 0)
        finally:
            server.close()
            await server.wait_closed()
        return statuses

    assert asyncio.run(scenario()) == [200, 200, 200]
    assert len(connections) == 2


def test_connections_are_kept_per_origin_for_a_bounded_number_of_origins(ctx: Context) -> None:
    """Four loopback origins (one port each), fetched with room for two idle
    origins: a second fetch from the same origin reuses its connection, and the
    least recently used idle origin is closed when a third one opens, so its next
    fetch connects again and no more than two idle origins stay connected."""
    body = (DATA / "goud-rss10.rdf").read_bytes()
    opened: dict[int, int] = {}
    open_now: set[tuple[int, int]] = set()

    def handler(
        index: int,
    ) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            opened[index] = opened.get(index, 0) + 1
            me = (index, opened[index])
            open_now.add(me)
            try:
                await _keep_alive(reader, writer, body)
            finally:
                open_now.discard(me)

        return handle

    async def scenario() -> tuple[list[int], int]:
        servers = [await asyncio.start_server(handler(i), "127.0.0.1", 0) for i in range(4)]
        ports = [s.sockets[0].getsockname()[1] for s in servers]
        specs = [
            SourceSpec(name=f"o{i}", url=f"http://127.0.0.1:{port}/rss.xml", allow_private=True)
            for i, port in enumerate(ports)
        ]
        statuses = []
        settings = FetchSettings(connect_timeout=2, read_timeout=2, concurrency=2, per_host=1)
        try:
            async with Fetcher(settings) as fetcher:
                for index in (0, 0, 1, 2, 3, 0):
                    statuses.append((await collect_url(specs[index], ctx, fetcher)).status or 0)
                await asyncio.sleep(0.2)  # the servers see the closed connections
                still_open = len(open_now)
        finally:
            for server in servers:
                server.close()
                await server.wait_closed()
        return statuses, still_open

    statuses, still_open = asyncio.run(scenario())
    assert statuses == [200] * 6
    assert opened == {0: 2, 1: 1, 2: 1, 3: 1}  # o0 reused once, then closed and opened again
    assert still_open <= 3  # two idle origins, plus the one just used


def test_https_origins_are_verified_against_the_ca_bundle_read_when_first_needed(
    ctx: Context, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A loopback TLS server with a certificate of a throw-away authority (trustme):
    refused with a certificate error under the CA bundle nashra ships with
    (certifi's), read only when the first https origin is met (a run of http
    sources never reads it); accepted when the bundle holds that authority."""
    authority = trustme.CA()
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(tls)
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    body = (DATA / "goud-rss10.rdf").read_bytes()
    asked: list[str] = []
    real_where = certifi.where

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _keep_alive(reader, writer, body)

    async def fetch(trusted: bool) -> Collected | str:
        def where() -> str:
            asked.append("bundle")
            return str(bundle) if trusted else real_where()

        monkeypatch.setattr(certifi, "where", where)
        server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=tls)
        port = server.sockets[0].getsockname()[1]
        spec = SourceSpec(name="tls", url=f"https://127.0.0.1:{port}/rss.xml", allow_private=True)
        plain = SourceSpec(name="plain", url="http://127.0.0.1:9/rss.xml", allow_private=True)
        try:
            async with Fetcher(FetchSettings(connect_timeout=2, read_timeout=2)) as fetcher:
                with pytest.raises(FetchError):  # nothing listens: refused, over plain HTTP
                    await collect_url(plain, ctx, fetcher)
                assert asked == []
                try:
                    return await collect_url(spec, ctx, fetcher)
                except FetchError as exc:
                    return str(exc)
        finally:
            server.close()
            await server.wait_closed()

    refused = asyncio.run(fetch(trusted=False))
    assert isinstance(refused, str) and "certificate" in refused.lower(), refused
    asked.clear()
    accepted = asyncio.run(fetch(trusted=True))
    assert isinstance(accepted, Collected) and accepted.status == 200
    assert asked == ["bundle"]
