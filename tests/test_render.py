"""Rendered feeds: golden files from the sample bulletin, then parsed back.

Regenerate the golden files after an intended change with
``NASHRA_REGEN_GOLDEN=1 python -m pytest tests/test_render.py``.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from feeds.pipeline import run_once
from feeds.render import FeedMeta, Story, render_atom, render_rss
from feeds.store import Store, StoredItem
from tests.conftest import DATA, NOW, Site

GOLDEN = DATA / "golden"
FILES = ("rss.xml", "atom.xml", "feed.json")


@pytest.fixture
def published(site: Site, database_url: str) -> Path:
    """The sample bulletin published through each real database: same bytes from both."""
    text = site.config_path.read_text("utf-8")
    site.config_path.write_text(
        text.replace(
            'timezone = "Africa/Tripoli"',
            f'timezone = "Africa/Tripoli"\ndatabase = "{database_url}"',
        ),
        "utf-8",
    )
    site.copy("bulletins/bulletin-libya.txt")
    store = Store.open(database_url)
    try:
        run_once(site.config(), store, now=NOW)
    finally:
        store.close()
    return site.public / "all"


@pytest.mark.parametrize("name", FILES)
def test_golden(published: Path, name: str) -> None:
    data = (published / name).read_bytes()
    golden = GOLDEN / name
    if os.environ.get("NASHRA_REGEN_GOLDEN"):
        golden.write_bytes(data)
    assert data == golden.read_bytes()


def test_rss_metadata(published: Path) -> None:
    tree = etree.parse(str(published / "rss.xml"))
    channel = tree.find("channel")
    assert channel is not None
    assert channel.findtext("language") == "ar"
    self_link = channel.find("{http://www.w3.org/2005/Atom}link")
    assert self_link is not None and self_link.get("rel") == "self"
    assert self_link.get("href") == "https://news.example.org/all/rss.xml"
    assert channel.findtext("lastBuildDate") == "Sun, 29 Nov 2026 12:00:00 +0000"
    for guid in channel.iter("guid"):
        assert (
            guid.get("isPermaLink") == "false" and guid.text and guid.text.startswith("urn:nashra:")
        )


def test_atom_language_on_feed_and_entries(published: Path) -> None:
    tree = etree.parse(str(published / "atom.xml")).getroot()
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    atom = "{http://www.w3.org/2005/Atom}"
    assert tree.get(lang) == "ar"
    entries = tree.findall(f"{atom}entry")
    assert len(entries) == 3 and all(e.get(lang) == "ar" for e in entries)
    rels = {link.get("rel") for link in tree.findall(f"{atom}link")}
    assert rels == {"self", "alternate"}
    parsed = feedparser.parse((published / "atom.xml").read_bytes())
    assert parsed.entries[0].content[0].language == "ar"


def test_json_feed_fields(published: Path) -> None:
    feed = json.loads((published / "feed.json").read_text("utf-8"))
    assert feed["feed_url"] == "https://news.example.org/all/feed.json"
    assert feed["home_page_url"] == "https://news.example.org/"
    for item in feed["items"]:
        assert item["date_published"] == "2026-11-29T12:00:00Z"
        assert item["content_html"].startswith('<div dir="rtl" lang="ar">')
        assert item["url"].startswith("https://news.example.org/stories/")


def _stored(title: str, body: str, url: str | None = None) -> StoredItem:
    when = datetime(2026, 11, 29, 8, tzinfo=UTC)
    return StoredItem(
        id="urn:nashra:t:1", source="t", title=title, summary="", body=body, url=url, author=None,
        tags=(), language="ar", image=None, published=when, updated=when, first_seen=when,
        slug="s", rev="r", page_rev=None,
    )  # fmt: skip


META = FeedMeta(
    name="all", title="كل الأخبار", description="", language="ar", home_url="https://e.org/",
    rss_url="https://e.org/all/rss.xml", atom_url="https://e.org/all/atom.xml",
    json_url="https://e.org/all/feed.json", author="نشرة", fallback_updated=datetime(2026, 1, 1, tzinfo=UTC),
)  # fmt: skip


def test_xml_illegal_characters_are_removed_and_nothing_else() -> None:
    item = _stored("ليبيا\x00 و\x1fقطر", "<p>نص\x0b عربي</p>")
    stories = [Story(item, "https://e.org/ليبيا")]
    for render in (render_rss, render_atom):
        parsed = feedparser.parse(render(META, stories))
        assert not parsed.bozo
        assert parsed.entries[0].title == "ليبيا وقطر"
        entry = parsed.entries[0]
        body = entry.content[0].value if "content" in entry else entry.summary
        assert "نص عربي" in body


def test_empty_feed_is_dated_by_the_store_not_the_clock() -> None:
    parsed = feedparser.parse(render_atom(META, []))
    assert parsed.feed.updated == "2026-01-01T00:00:00+00:00"
