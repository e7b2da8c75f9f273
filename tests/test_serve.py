"""`nashra serve`: the public folder over real HTTP on 127.0.0.1.

The server is the one `nashra run --serve` starts (``ServerThread``: uvicorn in a
thread of its own) or the `nashra` command itself in a subprocess. Requests go
out through ``http.client`` so that a path reaches the server exactly as written
(no client tidies ``..`` or percent-escapes away). The public folders are built
here from real Arabic headlines (bench/data/samples/headline-pairs.jsonl), with
gzip and brotli copies and a manifest, or published by nashra itself.
"""

from __future__ import annotations

import email.utils
import gzip
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape

import brotli
import feedparser
import pytest

from feeds.manifest import MANIFEST, Manifest, Published, dumps, etag_of
from feeds.serve import (
    Files,
    Listen,
    ServerThread,
    accepted_codings,
    choose_encoding,
    entity_tags,
    http_date,
    safe_path,
)
from tests.conftest import Site
from tests.feedcheck import assert_valid_feed
from tests.test_daemon import DAEMON_TOML

HEADLINES = Path(__file__).parents[1] / "bench" / "data" / "samples" / "headline-pairs.jsonl"
NASHRA = str(Path(sys.executable).with_name("nashra"))
MODIFIED = 1_795_000_000.0  # 2026-11-18, as the manifest records it
SELF = "https://news.example.org/news/rss.xml"
HUB = "https://hub.example.org/"


def headlines(start: int, count: int) -> list[str]:
    lines = HEADLINES.read_text("utf-8").splitlines()[start : start + count]
    return [json.loads(line)["a"] for line in lines]


def rss(titles: list[str]) -> bytes:
    items = "".join(
        f"<item><title>{escape(t)}</title><link>https://news.example.org/{n}</link>"
        f"<guid>https://news.example.org/{n}</guid></item>"
        for n, t in enumerate(titles)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        "<title>أخبار</title><link>https://news.example.org/</link>"
        f"<description>أخبار ليبيا</description><language>ar</language>{items}"
        "</channel></rss>"
    ).encode()


def html(text: str) -> bytes:
    return f'<!doctype html><html lang="ar" dir="rtl"><body><p>{escape(text)}</p></body></html>'.encode()


class Public:
    """A public folder written by hand, as the publisher leaves it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.rows: dict[str, Published] = {}
        self.gone: set[str] = set()
        root.mkdir(parents=True, exist_ok=True)

    def write(
        self, rel: str, data: bytes, *, copies: bool = True, listed: bool = True, **row: object
    ) -> Published:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)  # as the publisher writes: a new inode
        encodings: tuple[str, ...] = ()
        if copies:
            path.with_name(path.name + ".gz").write_bytes(gzip.compress(data, mtime=0))
            path.with_name(path.name + ".br").write_bytes(brotli.compress(data))
            encodings = ("br", "gzip")
        entry = Published(
            rel, etag_of(data), len(data), float(row.pop("modified", MODIFIED)),
            encodings=encodings, **row,  # type: ignore[arg-type]
        )  # fmt: skip
        if listed:
            self.rows[rel] = entry
        return entry

    def save_manifest(self) -> None:
        target = self.root / MANIFEST
        target.parent.mkdir(exist_ok=True)
        tmp = target.with_name(".manifest.tmp")
        tmp.write_bytes(dumps(Manifest(dict(self.rows), frozenset(self.gone))))
        os.replace(tmp, target)


@pytest.fixture
def public(tmp_path: Path) -> Public:
    site = Public(tmp_path / "public")
    (tmp_path / "secret.txt").write_text("كلمة السر\n", "utf-8")  # beside public/, never served
    site.write(
        "news/rss.xml",
        rss(headlines(0, 12)),
        max_age=600,
        links=(("self", SELF), ("hub", HUB)),
        cors=True,
    )
    site.write("news/atom.xml", b'<feed xmlns="http://www.w3.org/2005/Atom"/>', cors=True)
    site.write("news/feed.json", b'{"version": "https://jsonfeed.org/version/1.1"}', cors=True)
    site.write("feeds.opml", b'<opml version="2.0"/>', cors=True)
    site.write("index.html", html(headlines(12, 1)[0]), max_age=120)
    site.write("stories/a1b2.html", html(headlines(13, 1)[0]), copies=False, listed=False)
    site.save_manifest()
    return site


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    lists: dict[str, list[str]]
    body: bytes


class Client:
    def __init__(self, port: int) -> None:
        self.port = port

    def __call__(self, path: str, method: str = "GET", **headers: str) -> Answer:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            for name, value in headers.items():
                conn.putheader(name.replace("_", "-"), value)
            conn.endheaders()
            response = conn.getresponse()
            body = response.read()
            lists: dict[str, list[str]] = {}
            for name, value in response.getheaders():
                lists.setdefault(name.lower(), []).append(value)
            return Answer(response.status, {k: ", ".join(v) for k, v in lists.items()}, lists, body)
        finally:
            conn.close()


@pytest.fixture
def serve(public: Public) -> Iterator[Client]:
    server = ServerThread(public.root, Listen("127.0.0.1", 0), recheck=0.0)
    server.start()
    try:
        yield Client(server.sock.getsockname()[1])
    finally:
        server.stop()


# -- headers from the manifest -----------------------------------------------------------


def test_a_feed_goes_out_with_the_headers_its_manifest_row_gives(
    public: Public, serve: Client
) -> None:
    got = serve("/news/rss.xml")
    row = public.rows["news/rss.xml"]
    assert got.status == 200
    assert got.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert got.headers["etag"] == row.etag
    assert got.headers["last-modified"] == email.utils.formatdate(MODIFIED, usegmt=True)
    assert got.headers["cache-control"] == "public, max-age=600"
    assert got.lists["link"] == [f'<{SELF}>; rel="self"', f'<{HUB}>; rel="hub"']
    assert got.headers["access-control-allow-origin"] == "*"
    assert got.headers["vary"] == "Accept-Encoding, Accept"
    assert "content-encoding" not in got.headers
    assert int(got.headers["content-length"]) == len(got.body) == row.size
    parsed = feedparser.parse(got.body)
    assert not parsed.bozo and [e.title for e in parsed.entries] == headlines(0, 12)


@pytest.mark.parametrize(
    ("path", "content_type", "cors"),
    [
        ("/news/atom.xml", "application/atom+xml; charset=utf-8", True),
        ("/news/feed.json", "application/feed+json; charset=utf-8", True),
        ("/feeds.opml", "text/x-opml; charset=utf-8", True),
        ("/", "text/html; charset=utf-8", False),
        ("/index.html", "text/html; charset=utf-8", False),
        ("/stories/a1b2.html", "text/html; charset=utf-8", False),
    ],
)
def test_content_types_and_cors(serve: Client, path: str, content_type: str, cors: bool) -> None:
    got = serve(path)
    assert got.status == 200
    assert got.headers["content-type"] == content_type
    assert ("access-control-allow-origin" in got.headers) is cors


@pytest.mark.parametrize(
    ("path", "feed_type"),
    [("/news/atom.xml", "application/atom+xml"), ("/news/rss.xml", "application/rss+xml")],
)
def test_a_browser_gets_rss_and_atom_as_xml_it_styles(
    serve: Client, path: str, feed_type: str
) -> None:
    """A browser navigating to a feed (``Accept: text/html…``) gets it typed
    ``application/xml``, which it renders with the feed's stylesheet; the same
    bytes, ETag and caching. A feed reader keeps the feed type."""
    chromium = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    browser = serve(path, Accept=chromium, Accept_Encoding="gzip, deflate, br")
    reader = serve(path, Accept="application/atom+xml, application/rss+xml;q=0.9, */*;q=0.1")
    assert browser.status == reader.status == 200
    assert browser.headers["content-type"] == "application/xml; charset=utf-8"
    assert reader.headers["content-type"] == f"{feed_type}; charset=utf-8"
    assert browser.headers["vary"] == reader.headers["vary"] == "Accept-Encoding, Accept"
    assert browser.headers["content-encoding"] == "br"
    assert browser.headers["etag"].strip('"').removesuffix("-br") == reader.headers["etag"].strip(
        '"'
    )
    json_feed = serve("/news/feed.json", Accept=chromium)
    assert json_feed.headers["content-type"] == "application/feed+json; charset=utf-8"
    assert json_feed.headers["vary"] == "Accept-Encoding"


def test_a_file_the_manifest_does_not_list_is_hashed_and_dated_by_the_disk(
    public: Public, serve: Client
) -> None:
    page = public.root / "stories" / "a1b2.html"
    got = serve("/stories/a1b2.html")
    assert got.headers["etag"] == etag_of(page.read_bytes())
    assert got.headers["last-modified"] == email.utils.formatdate(
        int(page.stat().st_mtime), usegmt=True
    )
    assert got.headers["cache-control"] == "public, max-age=300"
    assert "link" not in got.headers
    withdrawn = html("سحب هذا الخبر")
    public.write("stories/a1b2.html", withdrawn, copies=False, listed=False)
    again = serve("/stories/a1b2.html")
    assert again.body == withdrawn and again.headers["etag"] == etag_of(withdrawn)


# -- compressed copies ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, ""),
        ("", ""),
        ("gzip", "gzip"),
        ("x-gzip", "gzip"),
        ("br", "br"),
        ("gzip, deflate, br, zstd", "br"),
        ("gzip;q=1.0, br;q=0.5", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("GZIP;Q=0.8", "gzip"),
        ("*", "br"),
        ("*;q=0.5, gzip", "gzip"),
        ("identity", ""),
        ("gzip;q=0, br;q=0", ""),
        ("deflate", ""),
        ("gzip;q=bogus, br", "br"),
        ("gzip;q=0.2, identity;q=0.5", ""),
        ("*;q=0", ""),
    ],
)
def test_the_copy_sent_follows_accept_encoding(
    public: Public, serve: Client, accept: str | None, expected: str
) -> None:
    headers = {} if accept is None else {"Accept-Encoding": accept}
    got = serve("/news/rss.xml", **headers)
    original = (public.root / "news" / "rss.xml").read_bytes()
    identity = public.rows["news/rss.xml"].etag
    assert got.status == 200
    assert got.headers.get("content-encoding", "") == expected
    assert got.headers["vary"] == "Accept-Encoding, Accept"
    if expected == "gzip":
        assert gzip.decompress(got.body) == original
        assert got.headers["etag"] == identity[:-1] + '-gz"'
    elif expected == "br":
        assert brotli.decompress(got.body) == original
        assert got.headers["etag"] == identity[:-1] + '-br"'
    else:
        assert got.body == original and got.headers["etag"] == identity
    assert int(got.headers["content-length"]) == len(got.body)


def test_a_copy_left_behind_by_a_rewrite_is_never_sent(public: Public, serve: Client) -> None:
    stale_gz = (public.root / "news" / "rss.xml.gz").read_bytes()
    fresh = rss(headlines(20, 5))
    public.write("news/rss.xml", fresh, copies=False, max_age=600)
    (public.root / "news" / "rss.xml.gz").write_bytes(stale_gz)  # the old content
    (public.root / "news" / "rss.xml.br").write_bytes(b"not brotli at all")
    public.save_manifest()
    got = serve("/news/rss.xml", Accept_Encoding="br, gzip")
    assert "content-encoding" not in got.headers
    assert got.body == fresh and got.headers["etag"] == etag_of(fresh)


def test_a_file_that_is_not_in_memory_is_streamed(
    public: Public, serve: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("feeds.serve.MEMORY_FILE", 1000)
    monkeypatch.setattr("feeds.serve.CHUNK", 700)
    data = rss(headlines(30, 40))
    public.write("news/archive/2026-11.xml", data)
    public.save_manifest()
    plain = serve("/news/archive/2026-11.xml")
    assert plain.body == data and plain.headers["etag"] == etag_of(data)
    assert plain.headers["content-type"] == "application/atom+xml; charset=utf-8"
    packed = serve("/news/archive/2026-11.xml", Accept_Encoding="gzip")
    assert gzip.decompress(packed.body) == data


def test_a_streamed_file_replaced_since_it_was_looked_at_is_sent_as_it_is_now(
    public: Public, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("feeds.serve.MEMORY_FILE", 1000)
    first, second = rss(headlines(80, 30)), rss(headlines(110, 35))
    public.write("news/archive/2026-10.xml", first, copies=False, listed=False)
    server = ServerThread(public.root, Listen("127.0.0.1", 0), recheck=3600.0)
    server.start()
    try:
        client = Client(server.sock.getsockname()[1])
        assert client("/news/archive/2026-10.xml").body == first
        public.write("news/archive/2026-10.xml", second, copies=False, listed=False)
        got = client("/news/archive/2026-10.xml")  # the disk is not looked at for an hour…
        assert got.body == second  # …but a streamed file is opened, and found changed
        assert got.headers["etag"] == etag_of(second)
    finally:
        server.stop()


def test_a_fifo_is_not_waited_on(public: Public, serve: Client) -> None:
    os.mkfifo(public.root / "news" / "pipe.xml")
    (public.root / "news" / "feed.json.br").unlink()
    os.mkfifo(public.root / "news" / "feed.json.br")  # in place of a copy
    assert serve("/news/pipe.xml").status == 404
    got = serve("/news/feed.json", Accept_Encoding="br")
    assert got.status == 200 and "content-encoding" not in got.headers


# -- conditional requests ------------------------------------------------------------------


def test_if_none_match_answers_304_for_any_representation_of_the_content(
    public: Public, serve: Client
) -> None:
    tag = public.rows["news/rss.xml"].etag
    gz, br = tag[:-1] + '-gz"', tag[:-1] + '-br"'
    for sent, accept, expected in [
        (tag, "", tag),
        (gz, "gzip", gz),
        (gz, "br", br),  # the reader moved from gzip to brotli: same content
        (f"W/{tag}", "", tag),
        (f'"e0e0", {br}', "gzip", gz),
        ("*", "br", br),
    ]:
        got = serve("/news/rss.xml", If_None_Match=sent, Accept_Encoding=accept)
        assert got.status == 304, sent
        assert got.body == b""
        assert got.headers["etag"] == expected
        assert got.headers["cache-control"] == "public, max-age=600"
        assert got.headers["vary"] == "Accept-Encoding, Accept"
        assert len(got.lists["link"]) == 2
        assert "content-length" not in got.headers or got.headers["content-length"] == "0"
    for other in ('"e0e0"', tag.strip('"'), '"' + "0" * 32 + '-gz"', ""):
        assert serve("/news/rss.xml", If_None_Match=other).status == 200, other


def test_if_modified_since_counts_only_without_if_none_match(serve: Client) -> None:
    at = email.utils.formatdate(MODIFIED, usegmt=True)
    later = email.utils.formatdate(MODIFIED + 3600, usegmt=True)
    before = email.utils.formatdate(MODIFIED - 1, usegmt=True)
    assert serve("/news/rss.xml", If_Modified_Since=at).status == 304
    assert serve("/news/rss.xml", If_Modified_Since=later).status == 304
    assert serve("/news/rss.xml", If_Modified_Since=before).status == 200
    assert serve("/news/rss.xml", If_Modified_Since="yesterday").status == 200
    mixed = serve("/news/rss.xml", If_Modified_Since=later, If_None_Match='"e0e0"')
    assert mixed.status == 200


def test_head_sends_the_headers_of_get_without_a_body(public: Public, serve: Client) -> None:
    got = serve("/news/rss.xml", Accept_Encoding="br")
    head = serve("/news/rss.xml", "HEAD", Accept_Encoding="br")
    assert head.status == 200 and head.body == b""
    for name in ("content-type", "content-length", "etag", "cache-control", "content-encoding"):
        assert head.headers[name] == got.headers[name]
    tag = public.rows["news/rss.xml"].etag
    assert serve("/news/rss.xml", "HEAD", If_None_Match=tag).status == 304


# -- what is not served ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/news/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/news/..%2f..%2fsecret.txt",
        "/%252e%252e%252fsecret.txt",
        "/..%5csecret.txt",
        "/news\\..\\..\\secret.txt",
        "/news/rss.xml%00",
        "/news/rss.xml%00.html",
        "/.nashra/manifest.json",
        "/%2enashra/manifest.json",
        "/news/.rss.xml.tmp",
        "/news/rss.xml.gz",
        "/news/rss.xml.br",
        "/outside.txt",
        "/news",
        "/stories/",
        "/news/./rss.xml",
        "//news/rss.xml",
        "/news//rss.xml",
        "/missing.xml",
        "/%D8%B9%D8%A7%D8%AC%D9%84.html",
    ],
)
def test_nothing_outside_the_published_files_is_reachable(
    public: Public, serve: Client, path: str
) -> None:
    (public.root / "outside.txt").symlink_to(public.root.parent / "secret.txt")
    (public.root / "news" / ".rss.xml.tmp").write_bytes(b"half written")
    got = serve(path)
    assert got.status == 404, path
    assert "كلمة".encode() not in got.body and b"half" not in got.body


def test_a_folder_is_its_index_or_nothing(public: Public, serve: Client) -> None:
    assert serve("/news/").status == 404
    public.write("news/index.html", html("أخبار ليبيا"), copies=False, listed=False)
    got = serve("/news/")
    assert got.status == 200 and "أخبار ليبيا".encode() in got.body


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"])
def test_methods_other_than_get_and_head_are_405(serve: Client, method: str) -> None:
    got = serve("/news/rss.xml", method)
    assert got.status == 405 and got.headers["allow"] == "GET, HEAD"


def test_files_of_removed_feeds_are_410_and_the_manifest_is_read_again(
    public: Public, serve: Client
) -> None:
    assert serve("/sport/rss.xml").status == 404
    public.gone = {"sport/rss.xml", "sport/atom.xml"}
    del public.rows["news/atom.xml"]
    public.write("news/rss.xml", rss(headlines(40, 3)), max_age=900, links=(("self", SELF),))
    public.save_manifest()
    assert serve("/sport/rss.xml").status == 410
    assert serve("/sport/atom.xml", "HEAD").status == 410
    got = serve("/news/rss.xml", Accept_Encoding="gzip")
    assert got.headers["cache-control"] == "public, max-age=900"
    assert got.headers["etag"] == public.rows["news/rss.xml"].etag[:-1] + '-gz"'
    assert got.lists["link"] == [f'<{SELF}>; rel="self"']
    unlisted = serve("/news/atom.xml")  # no longer listed: served with headers of its own
    assert unlisted.status == 200 and unlisted.headers["cache-control"] == "public, max-age=300"


def test_without_a_manifest_files_are_served_with_their_own_hashes(tmp_path: Path) -> None:
    folder = Public(tmp_path / "bare")
    data = rss(headlines(50, 4))
    folder.write("news/rss.xml", data)
    server = ServerThread(folder.root, Listen("127.0.0.1", 0))
    server.start()
    try:
        client = Client(server.sock.getsockname()[1])
        got = client("/news/rss.xml", Accept_Encoding="gzip")
        assert got.headers["etag"] == etag_of(data)[:-1] + '-gz"'
        assert got.headers["access-control-allow-origin"] == "*"
        assert got.headers["cache-control"] == "public, max-age=300"
        assert client("/news/rss.xml", If_None_Match=etag_of(data)).status == 304
    finally:
        server.stop()


def test_the_memory_held_stays_within_its_budget(public: Public) -> None:
    for n in range(20):
        public.write(f"stories/p{n}.html", html(" ".join(headlines(n, 5))), listed=False)
    files = Files(public.root, budget=8000)
    for n in range(20):
        entry = files.get(f"stories/p{n}.html")
        assert entry is not None and entry.variants[""].body is not None
        assert files.memory <= 8000
    assert files.get("stories/p19.html") is not None


# -- the parts, one by one ------------------------------------------------------------------


def test_safe_path_names_the_file_or_nothing() -> None:
    assert safe_path("/") == "index.html"
    assert safe_path("/news/") == "news/index.html"
    assert safe_path("/news/rss.xml") == "news/rss.xml"
    assert safe_path("/stories/عاجل.html") == "stories/عاجل.html"
    for bad in ("", "news", "/a/../b", "/a/%2e", "/.well-known/x", "/a\\b", "/a\x00", "/a\nb"):
        assert safe_path(bad) is None, bad


def test_header_parsers() -> None:
    assert accepted_codings("gzip;q=0.5, br , *;q=0") == {"gzip": 0.5, "br": 1.0, "*": 0.0}
    assert accepted_codings("gzip;q=2, br;q=-1") == {}
    assert choose_encoding("gzip, br", ("gzip",)) == "gzip"
    assert choose_encoding("br", ()) == ""
    assert choose_encoding("identity;q=0, gzip;q=0.1", ("br", "gzip")) == "gzip"
    assert entity_tags(' "a", W/"b,c" ,"d"') == frozenset({'"a"', '"b,c"', '"d"'})
    assert entity_tags("*") is None
    assert entity_tags("a, b") == frozenset()
    assert http_date("Sun, 06 Nov 1994 08:49:37 GMT") == 784111777.0
    assert http_date("Sunday") is None


def test_listen_reads_host_and_port() -> None:
    assert Listen.parse("127.0.0.1:8080") == Listen("127.0.0.1", 8080)
    assert Listen.parse("[::1]:9000") == Listen("::1", 9000)
    assert Listen.parse(":9000") == Listen("127.0.0.1", 9000)
    assert str(Listen("::1", 80)) == "[::1]:80"
    for bad in ("8080", "host:", "host:http", "::1:80", "h:70000"):
        with pytest.raises(ValueError):
            Listen.parse(bad)


# -- served from a real publish and from the commands ----------------------------------------


def _publish(site: Site) -> None:
    from feeds.pipeline import run_once
    from feeds.publish import publish

    config = site.config()
    store = site.store()
    try:
        run_once(config, store)
        publish(config, store)
    finally:
        store.close()


def _decoded(got: Answer) -> bytes:
    coding = got.headers.get("content-encoding", "")
    decode = {"br": brotli.decompress, "gzip": gzip.decompress}.get(coding)
    return decode(got.body) if decode else got.body


def test_what_nashra_publishes_is_served(site: Site) -> None:
    """A real publish: every feed goes out as the publisher's manifest describes it,
    with its compressed copies, and a feed removed from the configuration is 410."""
    from feeds.manifest import load

    site.copy("bulletins/bulletin-libya.txt")
    site.write(
        "a.md", "---\ntitle: افتتاح معرض الكتاب في طرابلس\ndate: 2026-11-28\n---\nافتتح المعرض.\n"
    )
    _publish(site)
    manifest = load(site.public)
    server = ServerThread(site.public, Listen("127.0.0.1", 0))
    server.start()
    try:
        client = Client(server.sock.getsockname()[1])
        for feed in ("all", "libya"):
            for name in ("rss.xml", "atom.xml", "feed.json"):
                rel = f"{feed}/{name}"
                on_disk = (site.public / rel).read_bytes()
                row = manifest.files[rel]
                assert row.etag == etag_of(on_disk)
                got = client(f"/{rel}", Accept_Encoding="br;q=0.9, gzip;q=0.8")
                assert got.status == 200
                coding = "br" if "br" in row.encodings else ""
                assert got.headers.get("content-encoding", "") == coding
                tag = row.etag[:-1] + '-br"' if coding else row.etag
                assert got.headers["etag"] == tag
                assert got.headers["last-modified"] == email.utils.formatdate(
                    int(row.modified), usegmt=True
                )
                assert got.headers["cache-control"] == f"public, max-age={row.max_age}"
                assert got.lists.get("link", []) == [f'<{u}>; rel="{r}"' for r, u in row.links]
                assert got.headers["access-control-allow-origin"] == "*"
                assert _decoded(got) == on_disk
                assert_valid_feed(site.public / rel)
                revalidated = client(f"/{rel}", If_None_Match=row.etag)
                assert revalidated.status == 304 and revalidated.headers["etag"] == row.etag
        index = client("/", Accept_Encoding="gzip")
        assert index.status == 200 and "نشرة الاختبار".encode() in _decoded(index)
        pages = sorted((site.public / "stories").glob("*.html"))
        assert pages
        assert client(f"/stories/{pages[0].name}").body == pages[0].read_bytes()

        text = site.config_path.read_text("utf-8")
        site.config_path.write_text(text.split('[[feeds]]\nname = "libya"')[0], "utf-8")
        _publish(site)
        assert client("/libya/rss.xml").status == 410
        assert client("/libya/feed.json", "HEAD").status == 410
        assert client("/all/rss.xml").status == 200
    finally:
        server.stop()


SERVE_TOML = """\
[site]
title = "نشرة"
base_url = "https://news.example.org/"

[[sources]]
name = "inbox"
path = "sources/*.txt"

[[feeds]]
name = "news"
title = "أخبار"
sources = "*"
"""


class Command:
    """A `nashra` command in a subprocess, its stderr read by a thread (a full pipe
    would stop it)."""

    def __init__(self, *args: str, cwd: Path) -> None:
        self.proc = subprocess.Popen([NASHRA, *args], cwd=cwd, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)

    def port(self, timeout: float = 30) -> int:
        """The port of the URL the command logs that it serves on."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            for line in list(self.lines):
                found = re.search(r"serv.* on http://127\.0\.0\.1:(\d+)", line)
                if found:
                    return int(found[1])
            time.sleep(0.05)
        raise AssertionError(f"no serving line: {self.lines}")

    def stop(self, sig: int = signal.SIGTERM) -> str:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=60)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self._reader.join(timeout=5)
            if self.proc.stderr is not None:
                self.proc.stderr.close()
        return "".join(self.lines)


def test_nashra_serve_serves_until_sigterm_then_exits_0(public: Public, tmp_path: Path) -> None:
    (tmp_path / "nashra.toml").write_text(SERVE_TOML, "utf-8")
    for sig in (signal.SIGTERM, signal.SIGINT):
        command = Command("serve", "--port", "0", cwd=tmp_path)
        try:
            got = Client(command.port())("/news/rss.xml", Accept_Encoding="gzip")
            assert got.status == 200 and got.headers["content-encoding"] == "gzip"
        finally:
            log = command.stop(sig)
        assert command.proc.returncode == 0, log
        assert "nashra serve: stopped" in log


def test_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "nashra.toml").write_text(SERVE_TOML, "utf-8")
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        done = subprocess.run(
            [NASHRA, "serve", "--port", str(port)],
            cwd=tmp_path, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 1
        assert done.stderr.strip().splitlines() == [
            f"error: cannot listen on 127.0.0.1:{port}: Address already in use"
        ]
        run = subprocess.run(
            [NASHRA, "run", "--serve", f"127.0.0.1:{port}"],
            cwd=tmp_path, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert run.returncode == 1 and run.stderr.strip().endswith("Address already in use")
    bad = subprocess.run(
        [NASHRA, "run", "--serve", "localhost"], cwd=tmp_path, capture_output=True, text=True
    )
    assert bad.returncode == 2 and "HOST:PORT" in bad.stderr


def test_nashra_run_serves_what_it_publishes_from_its_own_process(site: Site) -> None:
    from tests.test_cli import settle

    site.config_path.write_text(DAEMON_TOML, encoding="utf-8")
    site.write("first.txt", "وزارة الصحة تعلن نتائج الحملة الوطنية\nأعلنت الوزارة نتائج الحملة.\n")
    settle(site.sources)
    command = Command(
        "run", "--tick", "0.2", "--debounce", "0.5", "--serve", "127.0.0.1:0", cwd=site.root
    )
    try:
        deadline = time.monotonic() + 60
        port = command.port()
        client = Client(port)

        def titles() -> list[str]:
            got = client("/all/atom.xml")
            return (
                [e.title for e in feedparser.parse(got.body).entries] if got.status == 200 else []
            )

        while "وزارة الصحة تعلن نتائج الحملة الوطنية" not in titles():
            assert time.monotonic() < deadline and command.proc.poll() is None
            time.sleep(0.2)
        before = client("/all/atom.xml").headers["etag"]
        site.write("second.txt", "افتتاح معرض طرابلس الدولي للكتاب\nافتتح المعرض أبوابه للزوار.\n")
        while "افتتاح معرض طرابلس الدولي للكتاب" not in titles():
            assert time.monotonic() < deadline and command.proc.poll() is None
            time.sleep(0.2)
        after = client("/all/atom.xml")
        assert after.headers["etag"] != before
        assert after.headers["etag"] == etag_of((site.public / "all" / "atom.xml").read_bytes())
    finally:
        log = command.stop()
    assert command.proc.returncode == 0, log
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_an_arabic_tag_feed_path_is_served(public: Public, serve: Client) -> None:
    """Tag feeds live under Arabic folder names (``tags/<slug>/``): asked for
    percent-encoded, as readers send them, they are served like any feed."""
    data = rss(headlines(40, 3))
    public.write("tags/النفط-الليبي/rss.xml", data)
    path = "/tags/" + quote("النفط-الليبي") + "/rss.xml"
    got = serve(path)
    assert got.status == 200 and got.body == data
    assert got.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert serve(path, If_None_Match=got.headers["etag"]).status == 304
    assert serve("/tags/" + quote("النفط") + "/rss.xml").status == 404
