"""A real HTTP/1.1 server on 127.0.0.1 for the URL source tests, in a thread.

Each path answers as its ``Route`` says: a status, headers and a body; an ETag
or Last-Modified that turns a matching conditional GET into a 304; gzip or
brotli when the client accepts them; a delay before the headers; a body
trickled a few bytes at a time; a declared Content-Length larger than what is
sent. Every request is recorded (path and headers) so that tests can count
fetches and check what nashra sent. Slow answers stop as soon as the client
goes away or the server closes: nothing here outlives the test.
"""

from __future__ import annotations

import gzip
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import brotli

DATA = Path(__file__).parent / "data" / "remote"


@dataclass
class Route:
    """How the server answers one path."""

    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0
    """Seconds to wait before answering."""
    trickle: float = 0.0
    """Seconds between chunks of ``chunk`` bytes of the body (0: all at once)."""
    chunk: int = 1
    compress: bool = True
    """Send gzip or brotli when the client accepts it."""
    length: int | None = None
    """Content-Length to declare instead of the body's (a lie, for truncation)."""


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]


class TestServer:
    """``with TestServer() as server: server.route("/feed.xml", Route(body=...))``."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, route: Route | None = None, /, **fields: object) -> str:
        """Answer ``path`` as ``route`` (or a Route made of ``fields``); returns its URL."""
        self.routes[path] = route if route is not None else Route(**fields)  # type: ignore[arg-type]
        return self.url(path)

    def fixture(self, path: str, name: str, **fields: object) -> str:
        """Serve the file ``tests/data/remote/<name>`` at ``path``."""
        return self.route(path, Route(body=(DATA / name).read_bytes(), **fields))  # type: ignore[arg-type]

    def hits(self, path: str) -> int:
        with self._lock:
            return Counter(r.path for r in self.requests)[path]

    def last(self, path: str) -> Request:
        with self._lock:
            return [r for r in self.requests if r.path == path][-1]

    def __enter__(self) -> TestServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # -- answering ----------------------------------------------------------------
    def record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def sleep(self, seconds: float) -> bool:
        """Wait, unless the server is closing; False if it is."""
        return not self._closing.wait(seconds)


def _handler(server: TestServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            server.record(Request(path, {k.lower(): v for k, v in self.headers.items()}))
            route = server.routes.get(self.path) or server.routes.get(path)
            if route is None:
                self._answer(404, {"Content-Type": "text/plain"}, b"not found")
                return
            if route.delay and not server.sleep(route.delay):
                return
            headers = {"Content-Type": route.content_type, **route.headers}
            if route.etag:
                headers["ETag"] = route.etag
            if route.last_modified:
                headers["Last-Modified"] = route.last_modified
            if self._not_modified(route):
                self._answer(304, {k: v for k, v in headers.items() if k != "Content-Type"}, b"")
                return
            body = route.body
            accepted = self.headers.get("Accept-Encoding", "")
            if route.compress and route.status == 200 and body:
                if "br" in accepted:
                    body, headers["Content-Encoding"] = brotli.compress(body), "br"
                elif "gzip" in accepted:
                    body, headers["Content-Encoding"] = gzip.compress(body, mtime=0), "gzip"
            self._answer(route.status, headers, body, route)

        def _not_modified(self, route: Route) -> bool:
            match = self.headers.get("If-None-Match")
            if route.etag and match is not None:
                return match == route.etag
            since = self.headers.get("If-Modified-Since")
            return bool(route.last_modified and since == route.last_modified)

        def _answer(
            self, status: int, headers: dict[str, str], body: bytes, route: Route | None = None
        ) -> None:
            self.send_response(status)
            length = route.length if route and route.length is not None else len(body)
            for name, value in headers.items():
                self.send_header(name, value)
            if status != 304:
                self.send_header("Content-Length", str(length))
            self.end_headers()
            try:
                if route is None or not route.trickle:
                    self.wfile.write(body)
                    if route is not None and route.length is not None and route.length > len(body):
                        self.close_connection = True
                    return
                for start in range(0, len(body), route.chunk):
                    self.wfile.write(body[start : start + route.chunk])
                    self.wfile.flush()
                    if not server.sleep(route.trickle):
                        return
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

    return Handler
