"""Rendered feeds: golden files from the sample bulletin, then parsed back.

Regenerate the golden files after an intended change with
``NASHRA_REGEN_GOLDEN=1 python -m pytest tests/test_render.py``.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from feeds.pipeline import run_once
from feeds.render import FeedMeta, Story, render_atom, render_json, render_rss
from feeds.store import Store, StoredItem
from tests.conftest import DATA, NOW, Site

GOLDEN = DATA / "golden"
ATOM = "http://www.w3.org/2005/Atom"
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


FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
FOREIGN_SCHEME = re.compile(r"(?i)\b(javascript|vbscript|data|file)\s*:")


def _item(**fields: object) -> StoredItem:
    return replace(_stored("عنوان", "<p>نص</p>"), **fields)  # type: ignore[arg-type]


def _feeds(stories: list[Story]) -> dict[str, str]:
    """Every format, decoded: a lone surrogate could not have been encoded."""
    return {
        "rss": render_rss(META, stories).decode("utf-8"),
        "atom": render_atom(META, stories).decode("utf-8"),
        "json": render_json(META, stories).decode("utf-8"),
    }


def test_control_characters_and_lone_surrogates_reach_no_feed() -> None:
    item = _item(
        title="مصراتة\x1b تستضيف\x85 المعرض\ufffe \udfff",
        summary="ملخص\x7f الخبر\x0c",
        body="<p>استضافت\x1b مصراتة\x9f المعرض\udfff.</p>",
        author="مراسل\x0b الوكالة",
        tags=("اقتصاد\x85", "\x1b"),
    )
    out = _feeds([Story(item, "https://e.org/stories/s.html")])
    for text in out.values():
        assert not FORBIDDEN.search(text)
    for name in ("rss", "atom"):
        parsed = feedparser.parse(out[name].encode("utf-8"))
        assert not parsed.bozo, parsed.bozo_exception
        entry = parsed.entries[0]
        assert entry.title == "مصراتة تستضيف المعرض \ufffd"
        assert entry.author == "مراسل الوكالة"
        assert [t.term for t in entry.tags] == ["اقتصاد"]
        assert "استضافت مصراتة المعرض\ufffd." in entry.content[0].value
        etree.fromstring(out[name].encode("utf-8"))
    feed = json.loads(out["json"])["items"][0]
    assert feed["title"] == "مصراتة تستضيف المعرض \ufffd"
    assert feed["summary"] == "ملخص الخبر"
    assert feed["authors"] == [{"name": "مراسل الوكالة"}]
    assert feed["tags"] == ["اقتصاد"]


def test_script_links_and_images_reach_no_feed() -> None:
    scripted = _item(
        id="VBScript:msgbox(1)",
        url="  JaVaScRiPt:alert(1)",
        image="data:image/png;base64,iVBORw0KGgo=",
        body='<p><a href="javascript:alert(2)">رابط</a> <img src="data:image/gif;base64,R0l"></p>',
    )
    out = _feeds([Story(scripted, "JaVaScRiPt:alert(1)")])
    permalink = "https://e.org/stories/s.html"
    for text in out.values():
        assert not FOREIGN_SCHEME.search(text)
    rss = etree.fromstring(out["rss"].encode("utf-8"))
    assert rss.findtext("channel/item/link") == permalink
    assert rss.find("channel/item/guid").get("isPermaLink") == "false"
    atom = etree.fromstring(out["atom"].encode("utf-8"))
    assert atom.xpath("//a:entry/a:link/@href", namespaces={"a": ATOM}) == [permalink]
    item = json.loads(out["json"])["items"][0]
    assert item["url"] == permalink and "image" not in item and "external_url" not in item


def test_a_web_url_and_image_are_published_as_uris() -> None:
    item = _item(url="https://alwasat.ly/news/ليبيا", image="https://alwasat.ly/صور/1.jpg")
    out = _feeds([Story(item, "https://alwasat.ly/news/ليبيا")])
    feed = json.loads(out["json"])["items"][0]
    assert feed["url"] == "https://alwasat.ly/news/%D9%84%D9%8A%D8%A8%D9%8A%D8%A7"
    assert feed["image"] == "https://alwasat.ly/%D8%B5%D9%88%D8%B1/1.jpg"


@settings(max_examples=40, deadline=None)
@given(st.text(), st.text(), st.text())
def test_any_text_renders_to_well_formed_feeds(title: str, summary: str, author: str) -> None:
    item = _item(title=title, summary=summary, author=author or None, tags=(summary,))
    out = _feeds([Story(item, "https://e.org/stories/s.html")])
    for name in ("rss", "atom"):
        etree.fromstring(out[name].encode("utf-8"))
    json.loads(out["json"])
    assert not any(FORBIDDEN.search(text) for text in out.values())


def test_character_references_to_control_characters_are_removed_too() -> None:
    item = _item(body="<p>بيان&#27; الحكومة&#x7F;&#1;&#xFFFF; الليبية</p>")
    for text in _feeds([Story(item, "https://e.org/stories/s.html")]).values():
        assert "بيان الحكومة الليبية" in text
        assert not re.search(r"(?i)&#(x0*1b|0*27|x0*7f|0*1|x0*ffff);", text)


def test_a_title_of_control_characters_only_gets_a_headline_from_the_text() -> None:
    item = _item(title="\x1b\x0b\x7f", body="<p>وصل الوفد إلى طرابلس صباح اليوم. وعقد لقاءات.</p>")
    out = _feeds([Story(item, "https://e.org/stories/s.html")])
    atom = feedparser.parse(out["atom"].encode("utf-8"))
    assert not atom.bozo
    assert atom.entries[0].title == "وصل الوفد إلى طرابلس صباح اليوم"
    assert json.loads(out["json"])["items"][0]["title"] == "وصل الوفد إلى طرابلس صباح اليوم"
