"""The published pages in a real browser: Debian's headless Chromium, driven by
Playwright (never a browser of Playwright's own).

A site is published by the real pipeline from real Arabic text (a Libyan
bulletin, Moroccan articles, some with photos served on loopback, and an
agency's copy of a bulletin story), then its front page and a story page are
opened from disk at a phone's width (360 px) and a desktop's (1280 px): right
to left, nothing wider than the screen, no date broken over two lines, every
image loaded and within the screen, every relative link naming a file that
exists, no link sending a reader from disk to the site, no request leaving the
machine. Each test saves a full-page screenshot under its ``tmp_path``.

The feeds and an archive are opened over loopback HTTP with the published
``feed.xsl``, served as ``application/xml``: Chromium runs no XSLT for
``file://`` documents across folders, and shows ``application/rss+xml`` and
``application/atom+xml`` as plain text.
"""

from __future__ import annotations

import json
import shutil
import struct
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest
from lxml import etree
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from feeds.config import load_config
from feeds.pages import template_source
from feeds.pipeline import run_once
from feeds.store import Store
from tests.httpserver import Route, TestServer

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's Chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
)

DATA = Path(__file__).parent / "data"
BULLETIN = DATA / "bulletins" / "heldout" / "02-libya-hasad.txt"
BASE = "https://akhbar.example.ly/"
NOW = datetime(2026, 12, 2, 21, 53, tzinfo=UTC)  # 23:53 in Tripoli
WIDTHS = (360, 1280)
XSLT_TYPE = "application/xml; charset=utf-8"
"""Chromium shows ``application/rss+xml`` and ``application/atom+xml`` as plain
text and runs a feed's stylesheet only when it is served as XML."""

SITE_TOML = """\
[site]
title = "أخبار المغرب العربي"
description = "آخر أخبار ليبيا والمغرب من النشرات والمواقع"
base_url = "{base}"
timezone = "Africa/Tripoli"

[[sources]]
name = "hasad"
title = "نشرة الحصاد الليبية"
path = "sources/*.txt"

[[sources]]
name = "goud"
title = "موقع كود"
path = "sources/*.jsonl"

[[feeds]]
name = "all"
title = "كل الأخبار"
description = "جميع الأخبار من كل المصادر"

[[feeds]]
name = "libya"
title = "أخبار ليبيا"
description = "نشرة الحصاد الليبية"
sources = ["hasad"]

[[feeds]]
name = "maroc"
title = "أخبار المغرب"
description = "من موقع كود"
sources = ["goud"]
limit = 4
"""


PALETTES = (
    ((38, 92, 168), (232, 214, 170), (150, 118, 72), (52, 44, 34)),  # noon over sand
    ((60, 40, 110), (242, 150, 80), (70, 60, 70), (20, 18, 24)),  # sunset over a city
    ((90, 150, 200), (210, 230, 240), (40, 95, 130), (12, 40, 60)),  # the sea
    ((120, 130, 140), (220, 220, 215), (95, 110, 80), (40, 50, 35)),  # a cloudy field
)


def png(width: int, height: int, scene: int) -> bytes:
    """A real PNG standing in for a photo: ``width`` × ``height`` pixels of a
    sky over a horizon, in one of the ``PALETTES``."""

    def mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> bytes:
        return bytes(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))

    sky, haze, ground, shade = PALETTES[scene % len(PALETTES)]
    horizon = height * 3 // 5
    rows = bytearray()
    for y in range(height):
        if y < horizon:
            colour = mix(sky, haze, y / horizon)
        else:
            colour = mix(ground, shade, (y - horizon) / (height - horizon))
        rows += b"\0" + colour * width

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 6))
        + chunk(b"IEND", b"")
    )


def _records(photos: TestServer) -> str:
    """Moroccan articles (tests/data/bulletins/conventions/numbered.json) as JSON
    Lines, every other one with a photo (a large one: 1600 × 900) on loopback."""
    stories = json.loads((DATA / "bulletins" / "conventions" / "numbered.json").read_text("utf-8"))
    lines = []
    for number, story in enumerate(stories[:7]):
        record: dict[str, object] = {
            "id": f"goud-{number}",
            "title": story["title"],
            "body": "\n\n".join(story["paragraphs"]),
            "date": f"2026-12-02T{10 + number:02d}:15:00+01:00",
        }
        if number % 2 == 0:
            path = f"/photos/{number}.png"
            photos.route(path, Route(body=png(1600, 900, number // 2), content_type="image/png"))
            record["image"] = photos.url(path)
        lines.append(json.dumps(record, ensure_ascii=False))
    lines.append(json.dumps(_agency_copy(), ensure_ascii=False))
    return "\n".join(lines) + "\n"


def _agency_copy() -> dict[str, object]:
    """Another outlet's copy of the bulletin's first story (a new headline, a
    dateline, hamza spelled otherwise, a link of its own): one entry with the
    bulletin's, ending with «ورد هذا الخبر أيضا في: موقع كود»."""
    paragraphs = BULLETIN.read_text("utf-8").split("\n")[4:6]
    body = " ".join(paragraphs).replace("طرابلس - وال - ", "طرابلس (وكالات) - ")
    return {
        "id": "goud-eu",
        "title": "أورلاندو: الاتحاد الأوروبي أكبر شريك لمنظمة الهجرة في ليبيا",
        "body": body.replace("أكد", "اكد").replace("إيمي", "ايمي"),
        "url": "https://www.goud.ma/الهجرة-ليبيا",
        "date": "2026-12-02T09:00:00+01:00",
    }


@pytest.fixture(scope="module")
def photos() -> Iterator[TestServer]:
    with TestServer() as server:
        yield server


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory, photos: TestServer) -> Path:
    """A site published by the real pipeline: a bulletin, and articles with photos."""
    root = tmp_path_factory.mktemp("site")
    (root / "sources").mkdir()
    (root / "nashra.toml").write_text(SITE_TOML.format(base=BASE), "utf-8")
    shutil.copy(BULLETIN, root / "sources")
    (root / "sources" / "goud.jsonl").write_text(_records(photos), "utf-8")
    config = load_config(str(root / "nashra.toml"))
    store = Store.open("", base_dir=str(root))
    try:
        report = run_once(config, store, now=NOW)
    finally:
        store.close()
    assert not report.failed, report
    return config.public_path


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _story_pages(public: Path) -> list[Path]:
    """The story pages the front page links to, the one with a photo first."""
    index = lxml.html.document_fromstring((public / "index.html").read_bytes())
    hrefs = [
        a.get("href") or ""
        for li in index.iter("li")
        if "story" in (li.get("class") or "")
        for a in li.iter("a")
    ]
    pages = [public / unquote(h) for h in dict.fromkeys(hrefs) if not urlsplit(h).scheme]
    return sorted(pages, key=lambda p: b"<figure" not in p.read_bytes())


LOCAL_LINKS = """() => [...document.querySelectorAll('a[href], link[href], img[src]')].map(
    e => [e.tagName.toLowerCase(), e.getAttribute('rel') || '', e.getAttribute('href') || e.getAttribute('src')])"""
TIMES = """() => [...document.querySelectorAll('time')].map(t => {
    const r = t.getBoundingClientRect();
    const lines = new Set([...t.getClientRects()].map(box => Math.round(box.bottom)));
    return [t.textContent, lines.size, r.left, r.right];
})"""
"""Each date with the number of lines it takes (its boxes' distinct baselines:
the bidi runs of one line are boxes of their own) and its left and right."""
IMAGES = """() => [...document.images].map(i => {
    const r = i.getBoundingClientRect();
    return [i.getAttribute('alt'), i.getAttribute('loading'), i.complete && i.naturalWidth, r.left, r.right];
})"""


def _open(chromium: Browser, url: str, width: int) -> tuple[BrowserContext, Page, list[str]]:
    context = chromium.new_context(viewport={"width": width, "height": 800}, locale="ar")
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url, wait_until="load", timeout=20_000)
    # walk down the page so that every lazy image comes into view and loads
    height = page.evaluate("document.documentElement.scrollHeight")
    for top in range(0, height + 800, 400):
        page.evaluate(f"window.scrollTo(0, {top})")
        page.wait_for_timeout(30)
    page.wait_for_load_state("networkidle", timeout=20_000)
    page.evaluate("window.scrollTo(0, 0)")
    return context, page, requests


def _check_links(page_path: Path, public: Path, links: list[list[str]]) -> None:
    """Every relative link names a file of the public folder (and an element of
    it, for a fragment); nothing clickable sends a reader from disk to the site."""
    for tag, rel, href in links:
        parts = urlsplit(href)
        if parts.scheme:
            assert parts.scheme in ("http", "https"), href
            if tag == "a":
                assert not href.startswith(BASE), f"{page_path.name}: {href} leaves the folder"
            elif tag == "link":
                assert rel == "canonical" or not href.startswith(BASE), href
            continue
        target = (page_path.parent / unquote(parts.path)).resolve() if parts.path else page_path
        assert target.is_file(), f"{page_path.name}: {href} → {target}"
        assert public.resolve() in target.parents or target == public.resolve() / "index.html"
        if parts.fragment:
            tree = lxml.html.document_fromstring(target.read_bytes())
            assert tree.xpath("//*[@id=$id]", id=parts.fragment), href


def _check_layout(page: Page, requests: list[str], width: int, loopback: str) -> None:
    evaluate = page.evaluate
    assert evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert evaluate("document.documentElement.lang").startswith("ar")
    assert evaluate("document.documentElement.scrollWidth") <= evaluate("window.innerWidth")
    times = evaluate(TIMES)
    assert times
    for text, lines, left, right in times:
        assert lines == 1, f"{text!r} is broken over {lines} lines"
        assert left >= 0 and right <= width, (text, left, right)
    for alt, _loading, loaded, left, right in evaluate(IMAGES):
        assert alt, "an image without alt text"
        assert loaded, "an image did not load"
        assert left >= -0.5 and right <= width + 0.5, (alt, left, right)
    for url in requests:
        assert url.startswith(("file://", loopback)), f"a request left the machine: {url}"


@pytest.mark.parametrize("width", WIDTHS)
def test_front_page_in_chromium(
    chromium: Browser, public: Path, photos: TestServer, tmp_path: Path, width: int
) -> None:
    index = public / "index.html"
    context, page, requests = _open(chromium, index.as_uri(), width)
    try:
        _check_layout(page, requests, width, photos.url("/"))
        _check_links(index, public, page.evaluate(LOCAL_LINKS))
        images = page.evaluate(IMAGES)
        assert len(images) >= 3 and all(loading == "lazy" for _a, loading, *_ in images)
        assert any(url.startswith(photos.url("/photos/")) for url in requests)
        sections = page.locator("section.feed h2").all_inner_texts()
        assert sections == ["كل الأخبار", "أخبار ليبيا", "أخبار المغرب"]
        sources = set(page.locator(".story .source").all_inner_texts())
        assert sources == {"نشرة الحصاد الليبية", "موقع كود"}
        page.screenshot(path=str(tmp_path / f"index-{width}.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_story_page_in_chromium(
    chromium: Browser, public: Path, photos: TestServer, tmp_path: Path, width: int
) -> None:
    story = _story_pages(public)[0]
    context, page, requests = _open(chromium, story.as_uri(), width)
    try:
        _check_layout(page, requests, width, photos.url("/"))
        _check_links(story, public, page.evaluate(LOCAL_LINKS))
        home = page.locator("header .brand a")
        assert home.get_attribute("href") == "../index.html"
        canonical = page.locator("link[rel=canonical]").get_attribute("href")
        assert canonical == f"{BASE}stories/{story.name}"
        og = page.locator("meta[property='og:image']").get_attribute("content")
        assert og and og.startswith(photos.url("/photos/"))
        page.screenshot(path=str(tmp_path / f"story-{width}.png"), full_page=True)
    finally:
        context.close()


PROBE = b"""<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="probe.xsl"?><r/>"""
PROBE_XSL = b"""<?xml version="1.0"?>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:template match="/"><html><body><p id="xslt">ok</p></body></html></xsl:template>
</xsl:stylesheet>"""


def _serve(server: TestServer, public: Path) -> None:
    """The published feeds and stylesheet, as a server that lets browsers show
    them would send them."""
    for path in public.rglob("*"):
        if path.suffix in (".xml", ".xsl"):
            kind = "text/xsl" if path.suffix == ".xsl" else XSLT_TYPE
            server.route(
                "/" + path.relative_to(public).as_posix(), body=path.read_bytes(), content_type=kind
            )


@pytest.mark.parametrize(
    ("document", "subscribe"),
    [
        ("all/rss.xml", "all/rss.xml"),
        ("all/atom.xml", "all/atom.xml"),
        ("maroc/archive/2026-12.xml", "maroc/atom.xml"),  # an archive: the current feed
    ],
)
def test_feed_stylesheet_in_chromium(
    chromium: Browser, public: Path, tmp_path: Path, document: str, subscribe: str
) -> None:
    assert (public / "feed.xsl").read_text("utf-8") == template_source("feed.xsl")
    feed = (public / document).read_bytes()
    titles = etree.fromstring(feed).xpath(
        "//item/title/text() | //*[local-name()='entry']/*[local-name()='title']/text()"
    )
    with TestServer() as server:
        server.route("/probe.xml", body=PROBE, content_type=XSLT_TYPE)
        server.route("/probe.xsl", body=PROBE_XSL, content_type="text/xsl")
        _serve(server, public)
        context = chromium.new_context(viewport={"width": 360, "height": 800})
        try:
            page = context.new_page()
            page.goto(server.url("/probe.xml"), timeout=20_000)
            if page.locator("#xslt").count() == 0:
                pytest.skip("this Chromium no longer runs XSLT stylesheets")
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(server.url("/" + document), wait_until="load", timeout=20_000)
            assert page.locator("h1").inner_text() in ("كل الأخبار", "أخبار المغرب")
            assert page.locator(".feed-url code").inner_text() == BASE + subscribe
            assert page.locator(".item h3").all_inner_texts() == titles
            _check_layout(page, requests, 360, server.url("/"))
            # Chromium's own notice that it is phasing XSLT out is not part of the page
            page.evaluate("document.querySelector('xslt-warning-banner')?.remove()")
            shot = tmp_path / (document.replace("/", "-") + "-360.png")
            page.screenshot(path=str(shot), full_page=True)
        finally:
            context.close()
        assert server.hits("/feed.xsl") == 1


def test_story_links_resolve_from_every_page(public: Path) -> None:
    """Without a browser: every page of the folder links only to files that exist."""
    for path in [public / "index.html", *sorted((public / "stories").glob("*.html"))]:
        tree = lxml.html.document_fromstring(path.read_bytes())
        links = [
            [str(e.tag), e.get("rel") or "", e.get("href") or e.get("src") or ""]
            for e in tree.iter("a", "link", "img")
            if e.get("href") or e.get("src")
        ]
        _check_links(path, public, links)
