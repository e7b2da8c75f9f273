"""The production path of docs/deploy.md: deploy/nginx.conf run by a real nginx
(Debian's, in the foreground on a loopback port, its folder and port the only
changes: ``bench.serve.nginx_site``) and deploy/nashra.service checked by
``systemd-analyze verify``. Skipped where nginx or systemd-analyze is missing
(.ci/run installs nginx and its brotli_static module)."""

from __future__ import annotations

import email.utils
import gzip
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import brotli
import feedparser
import pytest

from bench.serve import BROTLI_MODULE, NGINX, SHIPPED, SHIPPED_ROOT, nginx, nginx_site
from feeds.publish import nginx_gone_map
from feeds.serve import Listen
from tests.test_serve import Answer, Client, Public, headlines, html, rss

pytestmark = pytest.mark.skipif(
    not Path(NGINX).exists(), reason="nginx is not installed (apt-get install nginx)"
)

UNIT = Path(__file__).parents[1] / "deploy" / "nashra.service"
NASHRA = str(Path(sys.executable).with_name("nashra"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Public:
    root = tmp_path_factory.mktemp("deploy")
    (root / "secret.txt").write_text("كلمة السر\n", "utf-8")
    public = Public(root / "public")
    public.write("news/rss.xml", rss(headlines(60, 10)), cors=True)
    public.write("news/atom.xml", b'<feed xmlns="http://www.w3.org/2005/Atom"/>', cors=True)
    public.write("news/feed.json", b'{"version": "https://jsonfeed.org/version/1.1"}')
    public.write("news/archive/2026-11.xml", b'<feed xmlns="http://www.w3.org/2005/Atom"/>')
    public.write("feeds.opml", b'<opml version="2.0"/>')
    public.write("index.html", html(headlines(70, 1)[0]))
    public.write("stories/c3d4.html", html(headlines(71, 1)[0]), copies=False, listed=False)
    (public.root / "news" / ".rss.xml.nashra-host-1-x.tmp").write_bytes(b"half written")
    public.gone = {"sport/rss.xml"}
    public.save_manifest()
    # what nginx reads for 410s, as the publisher writes it
    (public.root / ".nashra" / "gone.map").write_bytes(nginx_gone_map(public.gone))
    return public


@pytest.fixture(scope="module")
def get(site: Public) -> Iterator[Client]:
    with nginx(site.root) as server:
        yield Client(server.port)


def test_the_shipped_file_is_what_runs() -> None:
    shipped = SHIPPED.read_text("utf-8")
    made = nginx_site(shipped, Path("/srv/x"), 8123, brotli=True)
    assert SHIPPED_ROOT in shipped and "listen 80;" in shipped
    assert made.replace("/srv/x", SHIPPED_ROOT).replace(
        "listen 127.0.0.1:8123;", "listen 80;"
    ) == shipped.replace("    listen [::]:80;\n", "")


@pytest.mark.parametrize(
    ("path", "content_type", "cors"),
    [
        ("/news/rss.xml", "application/rss+xml; charset=utf-8", True),
        ("/news/atom.xml", "application/atom+xml; charset=utf-8", True),
        ("/news/archive/2026-11.xml", "application/atom+xml; charset=utf-8", True),
        ("/news/feed.json", "application/feed+json; charset=utf-8", True),
        ("/feeds.opml", "text/x-opml; charset=utf-8", True),
        ("/", "text/html; charset=utf-8", False),
        ("/stories/c3d4.html", "text/html; charset=utf-8", False),
    ],
)
def test_types_cache_and_cors_headers(
    get: Client, path: str, content_type: str, cors: bool
) -> None:
    got = get(path)
    assert got.status == 200
    assert got.headers["content-type"] == content_type
    assert got.headers["cache-control"] == "public, max-age=300"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers.get("access-control-allow-origin") == ("*" if cors else None)
    assert got.headers["etag"].startswith('"')


def test_the_compressed_copies_are_sent(site: Public, get: Client) -> None:
    original = (site.root / "news" / "rss.xml").read_bytes()
    plain = get("/news/rss.xml")
    assert plain.body == original and "content-encoding" not in plain.headers
    packed = get("/news/rss.xml", Accept_Encoding="gzip")
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.headers["vary"] == "Accept-Encoding"
    assert gzip.decompress(packed.body) == original
    parsed = feedparser.parse(gzip.decompress(packed.body))
    assert [e.title for e in parsed.entries] == headlines(60, 10)
    if not BROTLI_MODULE.exists():
        pytest.skip("nginx's brotli_static module is not installed")
    both = get("/news/rss.xml", Accept_Encoding="gzip, deflate, br")
    assert both.headers["content-encoding"] == "br"
    assert brotli.decompress(both.body) == original
    assert both.headers["etag"] != packed.headers["etag"] != plain.headers["etag"]


def test_304_for_a_matching_etag_or_an_unchanged_date(get: Client) -> None:
    for accept in ("", "gzip", "br"):
        first = get("/news/rss.xml", Accept_Encoding=accept)
        again = get("/news/rss.xml", Accept_Encoding=accept, If_None_Match=first.headers["etag"])
        assert again.status == 304 and again.body == b""
        assert again.headers["etag"] == first.headers["etag"]
        assert again.headers["cache-control"] == "public, max-age=300"
        assert again.headers["access-control-allow-origin"] == "*"
    assert get("/news/rss.xml", If_None_Match='"e0e0"').status == 200
    modified = get("/news/rss.xml").headers["last-modified"]
    later = email.utils.formatdate(
        email.utils.parsedate_to_datetime(modified).timestamp() + 60, usegmt=True
    )
    assert get("/news/rss.xml", If_Modified_Since=modified).status == 304
    assert get("/news/rss.xml", If_Modified_Since=later).status == 304


def _refused(got: Answer) -> bool:
    return got.status in (400, 404) and "كلمة".encode() not in got.body


@pytest.mark.parametrize(
    "path",
    [
        "/.nashra/manifest.json",
        "/.nashra/gone.map",
        "/%2enashra/manifest.json",
        "/news/.rss.xml.nashra-host-1-x.tmp",
        "/news/rss.xml.gz",
        "/news/rss.xml.br",
        "/news/",
        "/stories/",
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/news/..%2f..%2fsecret.txt",
        "/missing.xml",
    ],
)
def test_dotfiles_copies_folders_and_the_outside_are_refused(get: Client, path: str) -> None:
    got = get(path)
    assert _refused(got), (path, got.status)
    assert b"half written" not in got.body


def test_files_of_removed_feeds_are_410(get: Client) -> None:
    assert get("/sport/rss.xml").status == 410
    assert get("/sport/atom.xml").status == 404


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is missing")
def test_the_unit_file_verifies(tmp_path: Path) -> None:
    shipped = UNIT.read_text("utf-8")
    assert "ExecStart=/opt/nashra/.venv/bin/nashra " in shipped
    unit = tmp_path / "nashra.service"  # the command where this checkout installed it
    unit.write_text(shipped.replace("/opt/nashra/.venv/bin/nashra", NASHRA), "utf-8")
    done = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "nashra.service" not in done.stderr, done.stderr
    command = next(line for line in shipped.splitlines() if line.startswith("ExecStart="))
    args = command.split()[1:]
    at = args.index("--serve")
    assert Listen.parse(args[at + 1]) == Listen("127.0.0.1", 8080)
    helped = subprocess.run([NASHRA, *args[:at], "--help"], capture_output=True, text=True)
    assert helped.returncode == 0 and "--serve HOST:PORT" in helped.stdout
