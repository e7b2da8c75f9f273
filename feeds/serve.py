"""``nashra serve``: the public folder over HTTP, as a feed reader expects it.

An ASGI application (``PublicApp``) run by uvicorn (httptools and uvloop when
installed). It serves what the publisher wrote and nothing else:

- every answer is decided from the request path alone (``safe_path``): ``..``,
  dot segments, dotfiles and the ``.nashra/`` folder, backslashes, NUL, control
  characters, ``%`` (a double-encoded path), empty segments and compressed
  copies asked by name are 404 before the disk is touched; a file whose real
  path (symlinks followed) leaves the public folder is 404 too;
- a strong ``ETag`` is the hash of the bytes served (``feeds.manifest.etag_of``,
  the same the publisher records in the manifest), computed once per version of
  a file, known by its (inode, mtime, size): never a date;
- gzip and brotli come from the copies the publisher wrote beside each file
  (``rss.xml.gz``, ``rss.xml.br``), chosen by ``Accept-Encoding`` (q-values, br
  first when equal), never compressed per request; a copy is used only when its
  content is the file's current content (checked once per version), and its
  ETag is the file's with ``-br``/``-gz`` inside the quotes;
- ``If-None-Match`` (weak comparison, any representation's tag) and, without
  it, ``If-Modified-Since`` answer 304;
- type, ``Cache-Control``, ``Link`` (self, hub) and CORS headers come from the
  manifest (``public/.nashra/manifest.json``), reloaded when its file changes;
  its ``gone`` paths answer 410.

Small files are held in memory (bounded, least recently used first out); a
request costs one ``stat`` (the manifest's) and no read, and each file is looked
at on disk again at most once a second (``RECHECK``).
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import gc
import hashlib
import logging
import os
import re
import signal
import socket
import stat
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import brotli

from feeds.manifest import MANIFEST, Manifest, Published, content_type, etag_of, load
from sources.errors import NashraError

if TYPE_CHECKING:
    import uvicorn

log = logging.getLogger("nashra.serve")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_MAX_AGE = 300
"""Seconds a reader may cache a file the manifest does not list (story pages)."""
MEMORY_FILE = 4 << 20
"""Files up to this size are held in memory; larger ones are streamed."""
MEMORY_BUDGET = 64 << 20
"""Bytes of file content held in memory at most."""
RECHECK = 1.0
"""Seconds a file is served without looking at the disk again (a file the manifest
lists is looked at again as soon as the manifest changes)."""
CHUNK = 256 << 10
FEED_NAMES = frozenset({"rss.xml", "atom.xml", "feed.json"})
"""Files sent with ``Access-Control-Allow-Origin: *`` when no manifest says."""
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
"""Compressed copies looked for beside a file, in order of preference."""

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Header = tuple[bytes, bytes]
Signature = tuple[int, int, int] | None
"""(inode, mtime_ns, size) of a file, None when it is absent."""


class ServeError(NashraError):
    """The server cannot listen where it was asked to."""


# -- the request path --------------------------------------------------------------

_UNSAFE = re.compile(r"[\\\x00-\x1f\x7f%]")


def safe_path(path: str) -> str | None:
    """The file a decoded request path names, relative to the public folder, or None
    when it must not be served: it climbs, names a dotfile or ``.nashra/``, a
    compressed copy, or holds a backslash, NUL, control character or ``%`` (what
    is left of a double-encoded path). ``/`` and ``/news/`` name their index.html."""
    if not path.startswith("/") or _UNSAFE.search(path):
        return None
    rel = path[1:]
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    parts = rel.split("/")
    for part in parts:
        if not part or part[0] == "." or part in ("..", "."):
            return None
    if parts[-1].endswith((".gz", ".br")):
        return None
    return rel


# -- request headers ---------------------------------------------------------------

_CODING = re.compile(r"^\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*(?:;\s*q\s*=\s*([0-9.]+)\s*)?$", re.I)
_TAG = re.compile(r'\s*(?:W/)?("[^"]*")\s*(?:,|$)')


def accepted_codings(header: str) -> dict[str, float]:
    """The q-value of each coding an ``Accept-Encoding`` value names (``x-gzip`` is
    gzip); an element with a malformed q-value is left out."""
    found: dict[str, float] = {}
    for element in header.split(","):
        if not element.strip():
            continue
        match = _CODING.match(element)
        if match is None:
            continue
        coding = match[1].lower()
        coding = "gzip" if coding == "x-gzip" else coding
        try:
            q = float(match[2]) if match[2] is not None else 1.0
        except ValueError:
            continue
        if 0.0 <= q <= 1.0:
            found[coding] = q
    return found


def choose_encoding(header: str | None, available: tuple[str, ...]) -> str:
    """The content coding to send (``br``, ``gzip``, or ``""`` for the file itself)
    among the ``available`` copies: the highest q-value, br before gzip before the
    file itself when equal. The file itself, when the header does not name it (nor
    ``*``), is acceptable but comes after any coding asked for (RFC 9110 12.5.3:
    ``gzip;q=0.8`` asks for gzip). No header, or nothing acceptable: the file itself."""
    if header is None:
        return ""
    accepted = accepted_codings(header)
    wildcard = accepted.get("*")
    best, best_q = "", accepted.get("identity", _LAST if wildcard is None else wildcard)
    for coding in reversed(available):  # preferred last, so it wins ties (>=)
        q = accepted.get(coding, wildcard if wildcard is not None else 0.0)
        if q > 0 and q >= best_q:
            best, best_q = coding, q
    return best


_LAST = 0.0001
"""Below any q-value a header can give (three decimals): chosen only alone."""


def entity_tags(header: str) -> frozenset[str] | None:
    """The opaque tags of an ``If-None-Match`` value (``W/`` dropped: a 304 uses
    the weak comparison); None for ``*``. A malformed value yields no tags."""
    if header.strip() == "*":
        return None
    tags: set[str] = set()
    position = 0
    while position < len(header):
        match = _TAG.match(header, position)
        if match is None:
            return frozenset(tags)
        tags.add(match[1])
        position = match.end()
    return frozenset(tags)


def http_date(header: str) -> float | None:
    """The time an HTTP-date names (seconds since 1970), None if it is not one."""
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return when.timestamp()


class _Parsed:
    """Parsed header values by their bytes: clients send a handful of distinct
    ones, so each is parsed once (the table is emptied when it grows large)."""

    LIMIT = 1024

    def __init__(self) -> None:
        self.tags: dict[bytes, frozenset[str] | None] = {}
        self.dates: dict[bytes, float | None] = {}
        self.codings: dict[tuple[bytes, tuple[str, ...]], str] = {}

    def entity_tags(self, value: bytes) -> frozenset[str] | None:
        try:
            return self.tags[value]
        except KeyError:
            if len(self.tags) > self.LIMIT:
                self.tags.clear()
            found = self.tags[value] = entity_tags(value.decode("latin-1"))
            return found

    def http_date(self, value: bytes) -> float | None:
        try:
            return self.dates[value]
        except KeyError:
            if len(self.dates) > self.LIMIT:
                self.dates.clear()
            found = self.dates[value] = http_date(value.decode("latin-1"))
            return found

    def encoding(self, value: bytes | None, available: tuple[str, ...]) -> str:
        if value is None or not available:
            return ""
        key = (value, available)
        try:
            return self.codings[key]
        except KeyError:
            if len(self.codings) > self.LIMIT:
                self.codings.clear()
            found = self.codings[key] = choose_encoding(value.decode("latin-1"), available)
            return found


# -- files as they are served --------------------------------------------------------


def signature(path: str) -> Signature:
    """What identifies a version of a file: (inode, mtime_ns, size); None if absent."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


@dataclass(frozen=True, slots=True)
class Variant:
    """One representation of a file: the file itself or a compressed copy."""

    encoding: str
    path: str
    signature: tuple[int, int, int]
    """(inode, mtime_ns, size) of the version described."""
    body: bytes | None
    """The content, or None: streamed from ``path`` (a large file)."""
    ok: tuple[Header, ...]
    """Headers of a 200."""
    not_modified: tuple[Header, ...]
    """Headers of a 304."""
    ok_for_browser: tuple[Header, ...] | None = None
    """Headers of a 200 to a browser (``Accept: text/html``) for an RSS or Atom
    document: typed ``application/xml``, the only XML type browsers style with its
    ``<?xml-stylesheet?>`` (they show ``application/rss+xml`` as raw text)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """A file of the public folder as served: its versions on disk (itself and its
    compressed copies, by signature), the tags that match it and its variants."""

    path: str
    signatures: tuple[Signature, ...]
    """Of the file, then each of ``ENCODINGS``' copies (stale or not)."""
    tags: frozenset[str]
    """Every ETag of the file's representations (an If-None-Match on any is a 304)."""
    modified: int
    """``Last-Modified`` in whole seconds."""
    variants: Mapping[str, Variant]
    available: tuple[str, ...]
    """Codings of the copies that hold the file's current content, preferred first."""
    memory: int


def _open(path: str) -> tuple[BinaryIO, tuple[int, int, int]]:
    """Open a regular file for reading, and its signature. Never waits: a FIFO or a
    device is refused (OSError) rather than blocking the server."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise IsADirectoryError(path) if stat.S_ISDIR(st.st_mode) else OSError(path)
    return os.fdopen(fd, "rb"), (st.st_ino, st.st_mtime_ns, st.st_size)


def _read(path: str, limit: int) -> tuple[tuple[int, int, int], bytes | None, str]:
    """Read a regular file: its signature, its bytes when at most ``limit``, and the
    ETag of its content (hashed in chunks when it is not kept)."""
    handle, sig = _open(path)
    with handle:
        if sig[2] <= limit:
            data = handle.read()
            return sig, data, etag_of(data)
        digest = hashlib.sha256()
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
        return sig, None, f'"{digest.hexdigest()[:32]}"'


def _copy_of(path: str, encoding: str, size: int, etag: str) -> tuple[Signature, bytes | None]:
    """The signature of a compressed copy (None: there is none) and its bytes if it
    holds the content tagged ``etag`` (of ``size`` bytes), else None: stale, broken
    or unreadable. Decompression is bounded to one byte more than the file."""
    try:
        handle, sig = _open(path)
    except OSError:
        return None, None
    try:
        with handle:
            data = handle.read()
        if encoding == "gzip":
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            out = inflater.decompress(data, size + 1)
            done = inflater.eof
        else:
            decompressor = brotli.Decompressor()
            out = decompressor.process(data, output_buffer_limit=size + 1)
            done = decompressor.is_finished()
    except (OSError, zlib.error, brotli.error):
        return sig, None
    return sig, (data if done and len(out) == size and etag_of(out) == etag else None)


def _current(entry: Entry) -> bool:
    """Whether the file and its copies are still the versions the entry was made of."""
    sigs = entry.signatures
    return signature(entry.path) == sigs[0] and all(
        signature(entry.path + suffix) == sigs[i] for i, (_, suffix) in enumerate(ENCODINGS, 1)
    )


def _variant_etag(etag: str, encoding: str) -> str:
    suffix = {"br": "-br", "gzip": "-gz"}.get(encoding, "")
    return f"{etag[:-1]}{suffix}{etag[-1]}" if suffix else etag


class Files:
    """The files of a public folder as served, known by their path under it.

    The manifest is looked at on every request: when it changes, the entries of
    the files it lists (or listed) are forgotten, so a feed is served fresh as
    soon as the publisher has recorded it. Any other entry is rebuilt when the
    file or one of its copies changed on disk, looked at once per ``recheck``
    seconds (each look is three ``stat`` calls: the request path stays short)."""

    def __init__(
        self, public: Path, *, budget: int = MEMORY_BUDGET, recheck: float = RECHECK
    ) -> None:
        self.root = os.path.realpath(public)
        self.budget = budget
        self.recheck = recheck
        self.memory = 0
        self._checked: dict[str, float] = {}
        self.manifest = Manifest()
        self._manifest_path = os.path.join(self.root, str(MANIFEST))
        self._manifest_sig: Signature = None
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self.refresh()

    # -- the manifest --------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the manifest if its file changed; forget the entries it described."""
        sig = signature(self._manifest_path)
        if sig == self._manifest_sig:
            return
        old = self.manifest
        self.manifest = load(Path(self.root)) if sig is not None else Manifest()
        self._manifest_sig = sig
        for rel in set(old.files) | set(self.manifest.files):
            self.forget(rel)

    # -- entries ---------------------------------------------------------------------
    def get(self, rel: str) -> Entry | None:
        """The entry of a file, current with the disk (within ``recheck`` seconds);
        None if it cannot be served."""
        entry = self._entries.get(rel)
        now = time.monotonic()
        if entry is not None:
            if now - self._checked[rel] < self.recheck:
                self._entries.move_to_end(rel)
                return entry
            if _current(entry):
                self._checked[rel] = now
                self._entries.move_to_end(rel)
                return entry
            self.forget(rel)
        entry = self._build(rel, os.path.join(self.root, rel))
        if entry is not None and entry.memory <= self.budget:
            self._entries[rel] = entry
            self._checked[rel] = now
            self.memory += entry.memory
            while self.memory > self.budget:
                self.forget(next(iter(self._entries)))
        return entry

    def forget(self, rel: str) -> None:
        entry = self._entries.pop(rel, None)
        if entry is not None:
            del self._checked[rel]
            self.memory -= entry.memory

    def _inside(self, full: str) -> bool:
        real = os.path.realpath(full)
        return real.startswith(self.root + os.sep)

    def _build(self, rel: str, full: str) -> Entry | None:
        if not self._inside(full):
            return None
        try:
            sig, body, etag = _read(full, MEMORY_FILE)
        except OSError:
            return None
        published = self.manifest.files.get(rel)
        if published is not None and published.etag == etag:
            modified = int(published.modified)
        else:  # not listed, or the manifest is behind the file: the file's own time (its
            # max-age, links and CORS still come from the manifest: they are the feed's)
            modified = sig[1] // 1_000_000_000
        common = _common_headers(rel, modified, published)
        variants = {"": _make_variant("", full, sig, body, etag, rel, common)}
        signatures: list[Signature] = [sig]
        available: list[str] = []
        memory = len(body) if body is not None else 0
        for encoding, suffix in ENCODINGS:
            copy = full + suffix
            copy_sig, compressed = _copy_of(copy, encoding, sig[2], etag)
            signatures.append(copy_sig)
            if copy_sig is None or compressed is None or not self._inside(copy):
                continue  # none, stale or broken: the file itself is served instead
            keep = compressed if len(compressed) <= MEMORY_FILE else None
            variants[encoding] = _make_variant(encoding, copy, copy_sig, keep, etag, rel, common)
            available.append(encoding)
            memory += len(compressed) if keep is not None else 0
        tags = frozenset(_variant_etag(etag, e) for e in ("", "br", "gzip"))
        return Entry(full, tuple(signatures), tags, modified, variants, tuple(available), memory)


def _common_headers(rel: str, modified: int, published: Published | None) -> list[Header]:
    """Headers every answer about the file carries, 200 or 304."""
    max_age = published.max_age if published is not None else DEFAULT_MAX_AGE
    cors = published.cors if published is not None else rel.rsplit("/", 1)[-1] in FEED_NAMES
    headers: list[Header] = [
        (b"last-modified", email.utils.formatdate(modified, usegmt=True).encode("ascii")),
        (b"cache-control", f"public, max-age={max_age}".encode("ascii")),
        (b"vary", b"Accept-Encoding, Accept" if _styled(rel) else b"Accept-Encoding"),
    ]
    if published is not None:
        for rel_name, url in published.links:
            headers.append((b"link", f'<{url}>; rel="{rel_name}"'.encode()))
    if cors:
        headers.append((b"access-control-allow-origin", b"*"))
    return headers


def _make_variant(
    encoding: str,
    path: str,
    sig: tuple[int, int, int],
    body: bytes | None,
    etag: str,
    rel: str,
    common: list[Header],
) -> Variant:
    tag = (b"etag", _variant_etag(etag, encoding).encode("ascii"))
    ok: list[Header] = [
        (b"content-type", content_type(rel).encode("ascii")),
        (b"content-length", str(sig[2]).encode("ascii")),
        tag,
        *common,
        (b"x-content-type-options", b"nosniff"),
    ]
    if encoding:
        ok.append((b"content-encoding", encoding.encode("ascii")))
    browser = None
    if _styled(rel):
        browser = tuple((name, BROWSER_XML if name == b"content-type" else v) for name, v in ok)
    return Variant(encoding, path, sig, body, tuple(ok), (tag, *common), browser)


BROWSER_XML = b"application/xml; charset=utf-8"
_STYLED = ("application/rss+xml", "application/atom+xml")


def _styled(rel: str) -> bool:
    """Whether the file is an RSS or Atom document (which carries the stylesheet)."""
    return content_type(rel).startswith(_STYLED)


def wants_html(accept: bytes | None) -> bool:
    """Whether a request comes from a browser navigating to the URL: its ``Accept``
    names ``text/html`` (feed readers ask for feed types, XML or anything)."""
    return accept is not None and b"text/html" in accept.lower()


# -- the application -----------------------------------------------------------------


def _plain(status: int, text: str, *extra: Header) -> tuple[int, tuple[Header, ...], bytes]:
    body = f"{status} {text}\n".encode("ascii")
    headers = (
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode("ascii")),
        (b"cache-control", b"no-cache"),
        (b"x-content-type-options", b"nosniff"),
        *extra,
    )
    return status, headers, body


NOT_FOUND = _plain(404, "Not Found")
GONE = _plain(410, "Gone")
NOT_ALLOWED = _plain(405, "Method Not Allowed", (b"allow", b"GET, HEAD"))


class PublicApp:
    """The ASGI application serving a public folder (HTTP only; a lifespan is
    answered, websockets are refused)."""

    def __init__(self, public: Path, *, recheck: float = RECHECK) -> None:
        self.files = Files(public, recheck=recheck)
        self._parsed = _Parsed()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, send)
        elif kind == "lifespan":
            await _lifespan(receive, send)
        # anything else (websocket): not answered, the server closes it

    async def _http(self, scope: Scope, send: Send, *, again: bool = True) -> None:
        method = scope["method"]
        head = method == "HEAD"
        if method != "GET" and not head:
            return await _answer(send, NOT_ALLOWED, head)
        rel = safe_path(scope["path"])
        if rel is None:
            return await _answer(send, NOT_FOUND, head)
        files = self.files
        files.refresh()
        if rel in files.manifest.gone:
            return await _answer(send, GONE, head)
        entry = files.get(rel)
        if entry is None:
            return await _answer(send, NOT_FOUND, head)
        accept = none_match = since = types = None
        for name, value in scope["headers"]:
            if name == b"accept":
                types = value
            elif name == b"accept-encoding":
                accept = value if accept is None else accept + b"," + value
            elif name == b"if-none-match":
                none_match = value if none_match is None else none_match + b"," + value
            elif name == b"if-modified-since":
                since = value
        variant = entry.variants[self._parsed.encoding(accept, entry.available)]
        if none_match is not None:
            tags = self._parsed.entity_tags(none_match)
            fresh = tags is None or not tags.isdisjoint(entry.tags)
        elif since is not None:
            when = self._parsed.http_date(since)
            fresh = when is not None and entry.modified <= when
        else:
            fresh = False
        if fresh:
            await send(
                {"type": "http.response.start", "status": 304, "headers": variant.not_modified}
            )
            await send({"type": "http.response.body", "body": b""})
            return None
        if variant.body is None and not head:  # streamed: the version described, or anew
            handle = _reopen(variant)
            if handle is None:
                files.forget(rel)
                if again:
                    return await self._http(scope, send, again=False)
                return await _answer(send, NOT_FOUND, head)  # changing faster than read
            with handle:
                await send({"type": "http.response.start", "status": 200, "headers": variant.ok})
                await _stream(handle, variant.signature[2], send)
            return None
        ok = variant.ok
        if variant.ok_for_browser is not None and wants_html(types):
            ok = variant.ok_for_browser
        await send({"type": "http.response.start", "status": 200, "headers": ok})
        await send({"type": "http.response.body", "body": b"" if head else variant.body})
        return None


async def _answer(send: Send, answer: tuple[int, tuple[Header, ...], bytes], head: bool) -> None:
    status, headers, body = answer
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else body})


def _reopen(variant: Variant) -> BinaryIO | None:
    """The file of a streamed variant, open, if it is still the version described."""
    try:
        handle, sig = _open(variant.path)
    except OSError:
        return None
    if sig != variant.signature:
        handle.close()
        return None
    return handle


async def _stream(handle: BinaryIO, size: int, send: Send) -> None:
    """Send a large file in chunks."""
    sent = 0
    while sent < size:
        chunk = handle.read(min(CHUNK, size - sent))
        if not chunk:
            break
        sent += len(chunk)
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


# -- listening -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Listen:
    """Where to listen: a host name or address and a port (0: any free port)."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT

    @classmethod
    def parse(cls, text: str) -> Listen:
        """``HOST:PORT``, ``[IPv6]:PORT`` or ``:PORT`` (the default host)."""
        host, sep, port = text.rpartition(":")
        if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
            raise ValueError(f"{text!r} is not HOST:PORT (e.g. 127.0.0.1:8080)")
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        elif ":" in host:
            raise ValueError(f"{text!r}: write an IPv6 address in brackets, e.g. [::1]:8080")
        return cls(host or DEFAULT_HOST, int(port))

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def bind(listen: Listen) -> socket.socket:
    """A listening socket, so that a port in use is one line before anything starts."""
    try:
        infos = socket.getaddrinfo(
            listen.host, listen.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
        family = infos[0][0]
        address = infos[0][4]
        sock = socket.create_server(address[:2], family=family, backlog=2048)
    except OSError as exc:
        number = exc.errno or 0  # getaddrinfo's are negative
        reason = os.strerror(number) if number > 0 else (exc.strerror or str(exc))
        raise ServeError(f"cannot listen on {listen}: {reason}") from exc
    sock.set_inheritable(True)
    return sock


def address_of(sock: socket.socket) -> str:
    """``http://host:port`` of a listening socket (the port chosen for port 0)."""
    host, port = sock.getsockname()[:2]
    return f"http://{f'[{host}]' if ':' in host else host}:{port}"


def make_server(public: Path, *, recheck: float = RECHECK) -> uvicorn.Server:
    """A uvicorn server for the public folder, with its fastest parts when installed
    (httptools, uvloop) and without its own signal handling: ``nashra serve`` and
    the daemon stop it themselves (uvicorn's would raise the signal again after a
    clean stop)."""
    import uvicorn  # here: every other command starts without it

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield

    config = uvicorn.Config(
        PublicApp(public, recheck=recheck),
        lifespan="off",
        ws="none",
        access_log=logging.getLogger("uvicorn.access").isEnabledFor(logging.INFO),
        log_config=None,
        server_header=False,
        proxy_headers=False,
        timeout_graceful_shutdown=5,
    )
    return Server(config)


def _loop_factory(server: uvicorn.Server) -> Callable[[], asyncio.AbstractEventLoop] | None:
    return server.config.get_loop_factory()


def serve(public: Path, listen: Listen) -> None:
    """Serve the public folder until SIGTERM or SIGINT (a second SIGINT stops at once)."""
    sock = bind(listen)
    server = make_server(public)
    _warn_if_missing(public)
    log.info(
        "nashra serve: %s on %s",
        public,
        address_of(sock),
        extra={"fields": {"event": "serve", "public": str(public), "url": address_of(sock)}},
    )

    async def main() -> None:
        loop = asyncio.get_running_loop()

        def stop(sig: int) -> None:
            if server.should_exit and sig == signal.SIGINT:
                server.force_exit = True
            server.should_exit = True

        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop, sig)
        await server.serve(sockets=[sock])

    gc.freeze()  # what startup made lives on: collections skip it (a shorter p99)
    with sock, asyncio.Runner(loop_factory=_loop_factory(server)) as runner:
        runner.run(main())
    log.info("nashra serve: stopped")


def _warn_if_missing(public: Path) -> None:
    if not public.is_dir():
        log.warning("%s does not exist yet: every path is 404 until nashra publishes", public)


class ServerThread:
    """The server in a thread of its own (its own event loop), for ``nashra run
    --serve``: one process polls, publishes and serves. ``start`` binds first, so
    a port in use fails before the daemon starts; ``stop`` lets answers in flight
    finish (a few seconds at most)."""

    def __init__(self, public: Path, listen: Listen, *, recheck: float = RECHECK) -> None:
        self.public = public
        self.sock = bind(listen)
        self.server = make_server(public, recheck=recheck)
        self.url = address_of(self.sock)
        self._thread = threading.Thread(target=self._run, name="nashra-serve", daemon=True)

    def _run(self) -> None:
        try:
            with asyncio.Runner(loop_factory=_loop_factory(self.server)) as runner:
                runner.run(self.server.serve(sockets=[self.sock]))
        except Exception:  # the daemon goes on publishing; the log says why
            log.exception("the server stopped")

    def start(self) -> None:
        _warn_if_missing(self.public)
        self._thread.start()
        log.info(
            "nashra run: serving %s on %s",
            self.public,
            self.url,
            extra={"fields": {"event": "serve", "public": str(self.public), "url": self.url}},
        )

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout)
        if self._thread.is_alive():
            self.server.force_exit = True
            self._thread.join(timeout)
        self.sock.close()
