"""Rendered feeds: golden files from the sample bulletin, then parsed back.

Regenerate the golden files after an intended change with
``NASHRA_REGEN_GOLDEN=1 python -m pytest tests/test_render.py``.
"""

from __future__ import annotations

import html
import json
import os
import random
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import feedparser
import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from feeds import render as rendering
from feeds.pipeline import run_once
from feeds.render import (
    UPDATE_PERIODS,
    ArchiveLinks,
    FeedMeta,
    SourceInfo,
    Story,
    atom_document,
    atom_entries,
    render_atom,
    render_json,
    render_rss,
    split_atom,
    update_schedule,
)
from feeds.store import AlsoReported, Store, StoredItem
from sources.item import Enclosure
from sources.text import clean_text, strip_illegal, valid_unicode
from sources.urls import iri_to_uri
from tests.conftest import DATA, NOW, Site
from tests.feedcheck import check_atom, check_json_feed, check_rss
from tests.httpserver import Route, TestServer

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


# --------------------------------------------------------------- "also reported by"

# The cluster's text is a real article from Goud.ma (MArSum corpus, CC BY 4.0);
# the other outlets' headlines are rewrites of it, their names and links made up.
RESCUE_BODY = (
    "<p>تمكن الانقاذ البحري الاسباني من انجاد اثنين وعشرون شخصا ، كانوا على متن قارب "
    "مطاطي على بعد 33 ميلًا من كابي ترافلغار الاسبانية. وقالت متحدثة باسم الانقاذ البحري "
    "لوكالة اوروبا بريس، إن الذين تم إنقاذهم هم 19 رجلاً وثلاثة قاصر من أصل مغاربي.</p>"
)
FIRST_SEEN = datetime(2026, 11, 29, 8, tzinfo=UTC)
RESCUE = replace(
    _stored("الانقاذ البحري دالصبليون نقذ 22 حراك مغاربي حدا قادس", RESCUE_BODY),
    id="urn:nashra:goud:99",
    source="goud",
    slug="9a1c0e77d2b4f310",
    updated=datetime(2026, 11, 29, 11, 40, tzinfo=UTC),
    also=(
        AlsoReported(
            source="رصد",
            title="إنقاذ 22 مهاجرا مغاربيا قبالة كابو ترافالغار",
            url="https://rasd.example.org/أخبار/2026/11/انقاذ-مهاجرين",
            first_seen=datetime(2026, 11, 29, 9, 15, tzinfo=UTC),
        ),
        AlsoReported(
            source="نشرة الساحل",
            title="الإنقاذ البحري الإسباني ينقذ 22 شخصا قرب قادس",
            url=None,
            first_seen=datetime(2026, 11, 29, 10, 5, tzinfo=UTC),
        ),
        AlsoReported(
            source="المرصد المغاربي",
            title="",
            url="https://marsad.example.net/news/8841",
            first_seen=datetime(2026, 11, 29, 11, 40, tzinfo=UTC),
        ),
    ),
)
ALONE = replace(
    _stored("تسجيل أول إصابة بفيروس كورونا فطاطا", "<p>عرفات “كود” من مصادر محلية.</p>"),
    id="urn:nashra:goud:106",
    source="goud",
    slug="2f6b8d10c4e9a755",
)
CLUSTER_STORIES = [
    Story(RESCUE, "https://e.org/stories/9a1c0e77d2b4f310.html"),
    Story(ALONE, "https://e.org/stories/2f6b8d10c4e9a755.html"),
]
NASHRA = "https://nashra.invalid/ns/1.0"
RASD = "https://rasd.example.org/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/2026/11/%D8%A7%D9%86%D9%82%D8%A7%D8%B0-%D9%85%D9%87%D8%A7%D8%AC%D8%B1%D9%8A%D9%86"
MARSAD = "https://marsad.example.net/news/8841"


@pytest.mark.parametrize("name", FILES)
def test_cluster_golden(name: str) -> None:
    """A feed with a cluster: golden files ``cluster-<name>``, regenerated like the others."""
    data = _feeds(CLUSTER_STORIES)[
        {"rss.xml": "rss", "atom.xml": "atom", "feed.json": "json"}[name]
    ]
    golden = GOLDEN / f"cluster-{name}"
    if os.environ.get("NASHRA_REGEN_GOLDEN"):
        golden.write_text(data, "utf-8")
    assert data == golden.read_text("utf-8")


def _also_block(content: str) -> lxml.html.HtmlElement:
    """The "also reported by" block at the end of an entry's content."""
    fragment = lxml.html.fragment_fromstring(content, create_parent="div")
    blocks = fragment.xpath("./div[last()]")
    assert blocks and blocks[0].get("dir") == "rtl" and blocks[0].get("lang") == "ar"
    return blocks[0]


def _assert_also_block(content: str) -> None:
    assert content.index("تمكن الانقاذ البحري") < content.index("ورد هذا الخبر أيضا في:")
    block = _also_block(content)
    assert block.text_content() == "ورد هذا الخبر أيضا في: رصد، نشرة الساحل، المرصد المغاربي"
    links = [(a.text, a.get("href"), a.get("title")) for a in block.iter("a")]
    assert links == [
        ("رصد", RASD, "إنقاذ 22 مهاجرا مغاربيا قبالة كابو ترافالغار"),
        ("المرصد المغاربي", MARSAD, None),
    ]


def test_atom_lists_the_other_outlets_as_related_links_and_elements() -> None:
    data = render_atom(META, CLUSTER_STORIES)
    parsed = feedparser.parse(data)
    assert not parsed.bozo
    rescue, alone = parsed.entries
    related = [(link.href, link.get("title")) for link in rescue.links if link.rel == "related"]
    assert related == [(RASD, "إنقاذ 22 مهاجرا مغاربيا قبالة كابو ترافالغار"), (MARSAD, None)]
    assert [link.rel for link in alone.links] == ["alternate"]
    _assert_also_block(rescue.content[0].value)
    assert "ورد هذا الخبر" not in alone.content[0].value
    first, second = etree.fromstring(data).findall(f"{{{ATOM}}}entry")
    members = first.findall(f"{{{NASHRA}}}also")
    assert [(m.get("source"), m.get("href"), m.get("first-seen"), m.text) for m in members] == [
        ("رصد", RASD, "2026-11-29T09:15:00Z", "إنقاذ 22 مهاجرا مغاربيا قبالة كابو ترافالغار"),
        ("نشرة الساحل", None, "2026-11-29T10:05:00Z", "الإنقاذ البحري الإسباني ينقذ 22 شخصا قرب قادس"),
        ("المرصد المغاربي", MARSAD, "2026-11-29T11:40:00Z", None),
    ]  # fmt: skip
    assert second.findall(f"{{{NASHRA}}}also") == []


def test_rss_lists_the_other_outlets_in_the_nashra_namespace() -> None:
    data = render_rss(META, CLUSTER_STORIES)
    tree = etree.fromstring(data)
    assert tree.nsmap["nashra"] == NASHRA
    first, second = tree.findall("channel/item")
    members = first.findall(f"{{{NASHRA}}}also")
    assert [(m.get("source"), m.get("href"), m.get("first-seen")) for m in members] == [
        ("رصد", RASD, "2026-11-29T09:15:00Z"),
        ("نشرة الساحل", None, "2026-11-29T10:05:00Z"),
        ("المرصد المغاربي", MARSAD, "2026-11-29T11:40:00Z"),
    ]
    assert members[1].text == "الإنقاذ البحري الإسباني ينقذ 22 شخصا قرب قادس"
    assert second.findall(f"{{{NASHRA}}}also") == []
    # the block ends the item's HTML (description when there is no summary)
    _assert_also_block(first.findtext("description") or "")
    parsed = feedparser.parse(data)
    assert not parsed.bozo
    assert parsed.namespaces["nashra"] == NASHRA
    assert parsed.entries[0].get("nashra_also") is not None


def test_json_feed_lists_the_other_outlets_in_a_nashra_extension() -> None:
    feed = json.loads(render_json(META, CLUSTER_STORIES))
    rescue, alone = feed["items"]
    assert rescue["_nashra"] == {
        "about": NASHRA,
        "also": [
            {"source": "رصد", "title": "إنقاذ 22 مهاجرا مغاربيا قبالة كابو ترافالغار",
             "url": RASD, "first_seen": "2026-11-29T09:15:00Z"},
            {"source": "نشرة الساحل", "title": "الإنقاذ البحري الإسباني ينقذ 22 شخصا قرب قادس",
             "first_seen": "2026-11-29T10:05:00Z"},
            {"source": "المرصد المغاربي", "title": "", "url": MARSAD,
             "first_seen": "2026-11-29T11:40:00Z"},
        ],
    }  # fmt: skip
    assert "_nashra" not in alone
    _assert_also_block(rescue["content_html"])


def test_the_entry_is_dated_by_its_last_update_when_an_outlet_joins() -> None:
    """The store moves ``updated`` when an outlet joins the cluster; every format shows it."""
    out = _feeds(CLUSTER_STORIES)
    atom = feedparser.parse(out["atom"].encode("utf-8"))
    assert atom.entries[0].updated == "2026-11-29T11:40:00+00:00"
    assert atom.feed.updated == "2026-11-29T11:40:00+00:00"
    assert json.loads(out["json"])["items"][0]["date_modified"] == "2026-11-29T11:40:00Z"
    rss = etree.fromstring(out["rss"].encode("utf-8"))
    assert rss.findtext("channel/lastBuildDate") == "Sun, 29 Nov 2026 11:40:00 +0000"


def test_a_feed_without_clusters_declares_no_nashra_namespace() -> None:
    out = _feeds([CLUSTER_STORIES[1]])
    assert all(NASHRA not in text and "_nashra" not in text for text in out.values())


def test_hostile_outlets_reach_no_feed_as_markup_or_links() -> None:
    """What a store holds about the other outlets is published by the same rule as the story."""
    hostile = replace(
        RESCUE,
        also=(
            AlsoReported(
                source="رصد<script>alert(1)</script>\x1b",
                title='"><img src=x onerror=alert(1)>\x85',
                url='https://rasd.example.org/a?x="><script>',
                first_seen=FIRST_SEEN,
            ),
            AlsoReported(
                source="الساحل\ufffe",
                title="خبر\udfff",
                url=" jAvAsCrIpT:alert(2)",
                first_seen=FIRST_SEEN,
            ),
        ),
    )
    out = _feeds([Story(hostile, "https://e.org/stories/9a1c0e77d2b4f310.html")])
    for text in out.values():
        assert not FORBIDDEN.search(text)
        assert not FOREIGN_SCHEME.search(text)
    contents = [
        feedparser.parse(out["atom"].encode("utf-8")).entries[0].content[0].value,
        etree.fromstring(out["rss"].encode("utf-8")).findtext("channel/item/description") or "",
        json.loads(out["json"])["items"][0]["content_html"],
    ]
    for content in contents:
        block = _also_block(content)
        assert not block.xpath(".//script|.//img|.//@onerror")
        assert block.text_content() == "ورد هذا الخبر أيضا في: رصد<script>alert(1)</script>، الساحل"
        assert [a.get("href") for a in block.iter("a")] == [
            "https://rasd.example.org/a?x=%22%3E%3Cscript%3E"
        ]
    atom = etree.fromstring(out["atom"].encode("utf-8"))
    related = atom.xpath("//a:link[@rel='related']/@href", namespaces={"a": ATOM})
    assert related == ["https://rasd.example.org/a?x=%22%3E%3Cscript%3E"]
    for name, data in (("rss", out["rss"]), ("atom", out["atom"]), ("json", out["json"])):
        check = {"rss": check_rss, "atom": check_atom, "json": check_json_feed}[name]
        assert check(data.encode("utf-8")) == []


# ------------------------------------------------------------------------------ delivery

# A feed with everything FeedMeta can say (issue #8) and a story with audio, video and an
# image. Texts are Goud.ma articles (MArSum corpus, CC BY 4.0); the media and hub made up.
GOUD = SourceInfo(name="goud", title="كود", url="https://www.goud.ma/feed/")
DELIVERY = replace(
    META,
    hubs=("https://websub.example.net/",),
    ttl_minutes=15,
    icon="/icon-64.png",
    logo="https://e.org/static/logo.png",
    rights="© 2026 نشرة، المحتوى تحت رخصة CC BY 4.0",
    stylesheet="../feed.xsl",
    archive=ArchiveLinks(
        current="https://e.org/all/atom.xml",
        prev="https://e.org/all/archive/2026-10.xml",
        next="https://e.org/all/archive/2026-12.xml",
        is_archive=True,
    ),
    sources=(GOUD, SourceInfo(name="files", title="نشرات", url=None)),
)
PODCAST = replace(
    _stored("لحريگ لسبتة: السلطات تدخلات هاد المرة", "<p>ذكرت تقارير إخبارية، أن القوات "
            "المغربية المكلفة بحماية المنفذ الحدودي منعات عشرات المهاجرين.</p>",
            url="https://www.goud.ma/lhrig-sebta/"),
    id="https://www.goud.ma/lhrig-sebta/",
    source="goud",
    slug="77aa01c9d0e2f3b4",
    image="https://www.goud.ma/img/لحريگ.jpg",
    enclosures=(
        Enclosure("https://www.goud.ma/audio/lhrig.mp3", "audio/mpeg", 4821337),
        Enclosure("https://www.goud.ma/video/lhrig", "", None),
    ),
)  # fmt: skip
DELIVERY_STORIES = [
    Story(PODCAST, "https://www.goud.ma/lhrig-sebta/"),
    Story(replace(ALONE, source="files"), "https://e.org/stories/2f6b8d10c4e9a755.html"),
]
AUDIO = "https://www.goud.ma/audio/lhrig.mp3"
VIDEO = "https://www.goud.ma/video/lhrig"
PHOTO = "https://www.goud.ma/img/%D9%84%D8%AD%D8%B1%D9%8A%DA%AF.jpg"
SY = "http://purl.org/rss/1.0/modules/syndication/"
MEDIA = "http://search.yahoo.com/mrss/"
FH = "http://purl.org/syndication/history/1.0"


def _delivered(
    meta: FeedMeta = DELIVERY, stories: list[Story] = DELIVERY_STORIES
) -> dict[str, bytes]:
    return {
        "rss.xml": render_rss(meta, stories),
        "atom.xml": render_atom(meta, stories),
        "feed.json": render_json(meta, stories),
    }


@pytest.mark.parametrize("name", FILES)
def test_delivery_golden(name: str) -> None:
    """Golden files ``delivery-<name>``, regenerated like the others; rendering is pure."""
    data = _delivered()[name]
    assert data == _delivered()[name]
    golden = GOLDEN / f"delivery-{name}"
    if os.environ.get("NASHRA_REGEN_GOLDEN"):
        golden.write_bytes(data)
    assert data == golden.read_bytes()


def test_delivery_feeds_are_valid_and_parse_back() -> None:
    out = _delivered()
    assert check_rss(out["rss.xml"]) == []
    assert check_atom(out["atom.xml"]) == []
    assert check_json_feed(out["feed.json"]) == []
    for name in ("rss.xml", "atom.xml"):
        assert not feedparser.parse(out[name]).bozo
        root = etree.fromstring(out[name])
        instruction = root.getprevious()
        assert isinstance(instruction, etree._ProcessingInstruction)
        assert instruction.target == "xml-stylesheet"
        assert instruction.get("type") == "text/xsl" and instruction.get("href") == "../feed.xsl"
        assert out[name].startswith(
            b"<?xml version='1.0' encoding='UTF-8'?>\n"
            b'<?xml-stylesheet type="text/xsl" href="../feed.xsl"?>\n'
        )


def test_rss_says_hubs_ttl_image_rights_archive_media_and_source() -> None:
    data = _delivered()["rss.xml"]
    channel = etree.fromstring(data).find("channel")
    assert channel is not None
    links = [(link.get("rel"), link.get("href")) for link in channel.findall(f"{{{ATOM}}}link")]
    assert links == [
        ("self", "https://e.org/all/rss.xml"),
        ("hub", "https://websub.example.net/"),
        ("current", "https://e.org/all/atom.xml"),
        ("prev-archive", "https://e.org/all/archive/2026-10.xml"),
        ("next-archive", "https://e.org/all/archive/2026-12.xml"),
    ]
    assert channel.findtext("ttl") == "15"
    assert channel.findtext(f"{{{SY}}}updatePeriod") == "hourly"
    assert channel.findtext(f"{{{SY}}}updateFrequency") == "4"
    assert channel.find(f"{{{FH}}}archive") is not None
    assert channel.findtext("copyright") == "© 2026 نشرة، المحتوى تحت رخصة CC BY 4.0"
    assert [channel.findtext(f"image/{tag}") for tag in ("url", "title", "link")] == [
        "https://e.org/static/logo.png", "كل الأخبار", "https://e.org/",
    ]  # fmt: skip
    podcast, alone = channel.findall("item")
    assert [dict(e.attrib) for e in podcast.findall("enclosure")] == [
        {"url": AUDIO, "length": "4821337", "type": "audio/mpeg"}
    ]
    assert [dict(m.attrib) for m in podcast.findall(f"{{{MEDIA}}}content")] == [
        {"url": VIDEO, "type": "application/octet-stream"},
        {"url": PHOTO, "type": "image/jpeg", "medium": "image"},
    ]
    source = podcast.find("source")
    assert source is not None and source.get("url") == "https://www.goud.ma/feed/"
    assert source.text == "كود"
    assert alone.find("source") is None and alone.find("enclosure") is None  # a file source

    parsed = feedparser.parse(data)
    assert {link.rel for link in parsed.feed.links} >= {"self", "hub", "prev-archive"}
    assert parsed.feed.ttl == "15" and parsed.feed.sy_updatefrequency == "4"
    assert parsed.feed.image.href == "https://e.org/static/logo.png"
    assert parsed.feed.rights == "© 2026 نشرة، المحتوى تحت رخصة CC BY 4.0"
    entry = parsed.entries[0]
    assert [(e.href, e.type, e.length) for e in entry.enclosures] == [
        (AUDIO, "audio/mpeg", "4821337")
    ]
    assert [m["url"] for m in entry.media_content] == [VIDEO, PHOTO]
    assert entry.source.title == "كود" and entry.source.href == "https://www.goud.ma/feed/"


def test_atom_says_hubs_icons_rights_archive_enclosures_and_source() -> None:
    data = _delivered()["atom.xml"]
    parsed = feedparser.parse(data)
    assert not parsed.bozo
    assert [(link.rel, link.href) for link in parsed.feed.links] == [
        ("self", "https://e.org/all/atom.xml"),
        ("alternate", "https://e.org/"),
        ("hub", "https://websub.example.net/"),
        ("current", "https://e.org/all/atom.xml"),
        ("prev-archive", "https://e.org/all/archive/2026-10.xml"),
        ("next-archive", "https://e.org/all/archive/2026-12.xml"),
    ]
    assert parsed.feed.icon == "https://e.org/icon-64.png"  # relative: under the site
    assert parsed.feed.logo == "https://e.org/static/logo.png"
    assert parsed.feed.rights == "© 2026 نشرة، المحتوى تحت رخصة CC BY 4.0"
    podcast, alone = parsed.entries
    assert [(e.href, e.type, e.get("length")) for e in podcast.enclosures] == [
        (AUDIO, "audio/mpeg", "4821337"),
        (VIDEO, "application/octet-stream", None),
        (PHOTO, "image/jpeg", None),
    ]
    assert podcast.link == "https://www.goud.ma/lhrig-sebta/"
    assert podcast.source.title == "كود"
    assert podcast.source.links[0].rel == "self"
    assert podcast.source.links[0].href == "https://www.goud.ma/feed/"
    assert "source" not in alone and alone.enclosures == []
    root = etree.fromstring(data)
    assert root.find(f"{{{FH}}}archive") is not None
    assert root.index(root.find(f"{{{FH}}}archive")) < root.index(root.find(f"{{{ATOM}}}entry"))


def test_json_feed_says_hubs_icons_and_attachments_and_no_archive() -> None:
    feed = json.loads(_delivered()["feed.json"])
    assert feed["hubs"] == [{"type": "WebSub", "url": "https://websub.example.net/"}]
    assert feed["icon"] == "https://e.org/static/logo.png"
    assert feed["favicon"] == "https://e.org/icon-64.png"
    podcast, alone = feed["items"]
    assert podcast["image"] == PHOTO
    assert podcast["attachments"] == [
        {"url": AUDIO, "mime_type": "audio/mpeg", "size_in_bytes": 4821337},
        {"url": VIDEO, "mime_type": "application/octet-stream"},
    ]
    assert "attachments" not in alone
    assert "archive" not in json.dumps(feed) and "next_url" not in feed


def test_an_image_alone_is_the_rss_enclosure_with_length_zero() -> None:
    photo = replace(ALONE, image="https://www.goud.ma/img/fatata", enclosures=())
    item = etree.fromstring(render_rss(META, [Story(photo, "https://e.org/s.html")])).find(
        "channel/item"
    )
    assert item is not None
    assert [dict(e.attrib) for e in item.findall("enclosure")] == [
        {"url": "https://www.goud.ma/img/fatata", "length": "0", "type": "image/jpeg"}
    ]
    assert item.find(f"{{{MEDIA}}}content") is None


@pytest.mark.parametrize(
    ("minutes", "period", "frequency"),
    [
        (5, "hourly", 12),
        (7, "hourly", 8),
        (60, "hourly", 1),
        (90, "daily", 16),
        (24 * 60, "daily", 1),
        (2 * 24 * 60, "weekly", 3),
        (10 * 24 * 60, "monthly", 3),
        (400 * 24 * 60, "yearly", 1),
    ],
)
def test_update_schedule_never_asks_more_often_than_the_ttl(
    minutes: int, period: str, frequency: int
) -> None:
    assert update_schedule(minutes) == (period, frequency)
    length = dict(UPDATE_PERIODS)[period]
    assert length / frequency >= minutes or period == "yearly"


def test_a_feed_without_delivery_settings_says_none_of_them() -> None:
    for data in _delivered(META, [Story(ALONE, "https://e.org/s.html")]).values():
        text = data.decode("utf-8")
        for word in ("xml-stylesheet", "<ttl>", "hub", "sy:", "media:", "fh:", "enclosure",
                     "<source", "<image>", "<icon>", "copyright", "rights", "favicon"):  # fmt: skip
            assert word not in text, word


def test_two_hubs_are_both_advertised() -> None:
    meta = replace(META, hubs=("https://websub.example.net/", "https://hub.example.org/ws"))
    out = _delivered(meta, [Story(ALONE, "https://e.org/s.html")])
    for name in ("rss.xml", "atom.xml"):
        links = feedparser.parse(out[name]).feed.links
        assert [link.href for link in links if link.rel == "hub"] == list(meta.hubs)
    assert [h["url"] for h in json.loads(out["feed.json"])["hubs"]] == list(meta.hubs)
    assert check_rss(out["rss.xml"]) == []


def test_hostile_delivery_values_are_not_published() -> None:
    meta = replace(
        DELIVERY,
        hubs=("javascript:alert(1)", "https://websub.example.net/"),
        icon="data:image/png;base64,iVBOR",
        logo="vbscript:msgbox(1)",
        stylesheet='x.xsl"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x',
        rights="حقوق\x1b محفوظة",
        sources=(SourceInfo("goud", "كود<script>", "file:///etc/passwd"),),
    )
    hostile = replace(
        PODCAST,
        enclosures=(Enclosure(" JaVaScRiPt:alert(1)", "audio/mpeg", 1),
                    Enclosure("https://www.goud.ma/a.mp3", "<script>", -4)),
    )  # fmt: skip
    out = _delivered(meta, [Story(hostile, "https://www.goud.ma/lhrig-sebta/")])
    for data in out.values():
        assert not FOREIGN_SCHEME.search(data.decode("utf-8"))
        assert b"<!DOCTYPE" not in data and b"<!ENTITY" not in data and b"<script" not in data
    assert check_rss(out["rss.xml"]) == [] and check_atom(out["atom.xml"]) == []
    assert check_json_feed(out["feed.json"]) == []
    rss = etree.fromstring(out["rss.xml"])
    instruction = rss.getprevious()
    assert isinstance(instruction, etree._ProcessingInstruction)
    href = instruction.get("href") or ""
    assert href.startswith("x.xsl%22?%3E%3C!DOCTYPE%20x%20%5B%3C!ENTITY")
    assert not set('"<>') & set(href)
    assert rss.find("channel/source") is None and rss.find("channel/item/source") is None
    assert rss.find("channel/image") is None
    assert rss.findtext("channel/copyright") == "حقوق محفوظة"
    assert [dict(e.attrib) for e in rss.findall("channel/item/enclosure")] == [
        {"url": "https://www.goud.ma/a.mp3", "length": "0", "type": "audio/mpeg"}
    ]
    parsed = feedparser.parse(out["atom.xml"])
    assert [link.href for link in parsed.feed.links if link.rel == "hub"] == [
        "https://websub.example.net/"
    ]
    assert "icon" not in parsed.feed and "logo" not in parsed.feed
    json_feed = json.loads(out["feed.json"])
    assert "icon" not in json_feed and "favicon" not in json_feed
    assert json_feed["hubs"] == [{"type": "WebSub", "url": "https://websub.example.net/"}]


def test_a_javascript_stylesheet_is_not_published() -> None:
    meta = replace(META, stylesheet="javascript:alert(1)")
    assert b"xml-stylesheet" not in render_rss(meta, [])
    absolute = replace(META, stylesheet="https://e.org/static/نشرة.xsl")
    assert b'href="https://e.org/static/%D9%86%D8%B4%D8%B1%D8%A9.xsl"' in render_atom(absolute, [])


# -------------------------------------------------------------------- plain-text summaries


@pytest.mark.parametrize(
    "summary",
    [
        "أعلنت أرامكو &amp; شركاؤها عن أرباح الربع الثالث",  # a literal "&amp;" in the text
        "سهم AT&T يرتفع 3% في بورصة نيويورك",
        "مؤشر <مازي> يغلق على ارتفاع &copy بعد قرار المركزي",
    ],
)
def test_plain_text_summaries_read_back_as_the_same_text_in_rss(summary: str) -> None:
    """Readers take RSS's description for HTML: the summary is escaped so that decoding
    it as HTML gives the text back, entities and angle brackets included."""
    item = replace(ALONE, summary=summary)
    data = render_rss(META, [Story(item, "https://e.org/s.html")])
    assert check_rss(data) == []
    described = etree.fromstring(data).findtext("channel/item/description") or ""
    assert lxml.html.fragment_fromstring(described, create_parent="p").text_content() == summary
    parsed = feedparser.parse(data)
    assert not parsed.bozo
    value = parsed.entries[0].summary
    assert lxml.html.fragment_fromstring(value, create_parent="p").text_content() == summary
    assert (
        json.loads(render_json(META, [Story(item, "https://e.org/s.html")]))["items"][0]["summary"]
        == summary
    )  # JSON Feed's summary is plain text: as it is


# ------------------------------------------------------------------ canonical (NFC) links

# A Goud.ma link as a CMS wrote it: hamzas decomposed (alef + U+0655, waw + U+0654).
DECOMPOSED = (
    "https://www.goud.ma/\u0627\u0655\u0646\u0642\u0627\u0630-\u0633\u0648\u0654\u0627\u0644"
)
NFC_LINK = "https://www.goud.ma/%D8%A5%D9%86%D9%82%D8%A7%D8%B0-%D8%B3%D8%A4%D8%A7%D9%84"


def test_links_are_published_in_nfc_and_ids_as_stored() -> None:
    stored_id = iri_to_uri(DECOMPOSED)  # the identity the store gave it, long published
    assert stored_id != NFC_LINK
    item = replace(ALONE, id=stored_id, url=DECOMPOSED, image=DECOMPOSED + ".jpg")
    out = _delivered(META, [Story(item, DECOMPOSED)])
    rss = etree.fromstring(out["rss.xml"]).find("channel/item")
    assert rss is not None
    assert rss.findtext("link") == NFC_LINK
    guid = rss.find("guid")
    assert guid is not None and guid.text == stored_id
    assert guid.get("isPermaLink") == "false"  # no longer the very link
    assert rss.find("enclosure").get("url") == NFC_LINK + ".jpg"  # type: ignore[union-attr]
    atom = feedparser.parse(out["atom.xml"]).entries[0]
    assert atom.id == stored_id and atom.link == NFC_LINK
    entry = json.loads(out["feed.json"])["items"][0]
    assert entry["id"] == stored_id and entry["url"] == NFC_LINK
    assert entry["image"] == NFC_LINK + ".jpg"


# ---------------------------------------------------------- from a remote feed to the feeds


def test_a_remote_feeds_media_reach_every_format_through_the_store(
    site: Site, database_url: str
) -> None:
    """An RSS feed served on loopback, collected, stored (each real database) and
    published: its audio enclosure, video and photo reach RSS, Atom and JSON Feed."""
    feed = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
<title>كود</title><link>https://www.goud.ma/</link><description>أخبار</description>
<item><title>لحريگ لسبتة: السلطات تدخلات هاد المرة</title>
<link>https://www.goud.ma/lhrig-sebta/</link><guid>https://www.goud.ma/lhrig-sebta/</guid>
<description>ذكرت تقارير إخبارية، أن القوات المغربية منعات عشرات المهاجرين.</description>
<pubDate>Sat, 28 Nov 2026 09:00:00 +0000</pubDate>
<enclosure url="https://www.goud.ma/audio/lhrig.mp3" length="4821337" type="audio/mpeg"/>
<media:content url="https://www.goud.ma/video/lhrig.mp4" type="video/mp4" fileSize="9123"/>
<media:thumbnail url="https://www.goud.ma/img/lhrig.jpg"/>
</item></channel></rss>"""
    with TestServer() as server:
        url = server.route("/rss.xml", Route(body=feed.encode("utf-8")))
        site.config_path.write_text(
            f'[site]\ntitle = "نشرة"\nbase_url = "https://news.example.org/"\n'
            f'database = "{database_url}"\n\n[[sources]]\nname = "goud"\nurl = "{url}"\n'
            'allow_private = true\n\n[[feeds]]\nname = "all"\ntitle = "كل الأخبار"\n'
            'sources = "*"\n',
            "utf-8",
        )
        store = Store.open(database_url)
        try:
            report = run_once(site.config(), store, now=NOW)
        finally:
            store.close()
    assert not report.failed
    public = site.public / "all"
    audio = ("https://www.goud.ma/audio/lhrig.mp3", "audio/mpeg", "4821337")
    video = ("https://www.goud.ma/video/lhrig.mp4", "video/mp4", "9123")
    rss = feedparser.parse((public / "rss.xml").read_bytes())
    assert [(e.href, e.type, e.length) for e in rss.entries[0].enclosures] == [audio]
    assert [(m["url"], m.get("medium")) for m in rss.entries[0].media_content] == [
        (video[0], "video"), ("https://www.goud.ma/img/lhrig.jpg", "image"),
    ]  # fmt: skip
    atom = feedparser.parse((public / "atom.xml").read_bytes())
    assert [(e.href, e.type, e.get("length")) for e in atom.entries[0].enclosures] == [
        audio, video, ("https://www.goud.ma/img/lhrig.jpg", "image/jpeg", None),
    ]  # fmt: skip
    item = json.loads((public / "feed.json").read_text("utf-8"))["items"][0]
    assert item["image"] == "https://www.goud.ma/img/lhrig.jpg"
    assert item["attachments"] == [
        {"url": audio[0], "mime_type": "audio/mpeg", "size_in_bytes": 4821337},
        {"url": video[0], "mime_type": "video/mp4", "size_in_bytes": 9123},
    ]
    for name, check in (
        ("rss.xml", check_rss),
        ("atom.xml", check_atom),
        ("feed.json", check_json_feed),
    ):
        assert check((public / name).read_bytes()) == []


# ------------------------------------------------------- entries rendered apart (archives)

# An archive page rendered again reuses the entries of its stories that did not change
# (feeds.archive): a document assembled from entries rendered apart must be, byte for
# byte, the one rendered whole, whatever the stories and the feed's settings.
PAGE_META = replace(DELIVERY, stylesheet="../../feed.xsl")
HOSTILE = replace(
    _stored("عنوان فيه \n  <entry> و</feed>", "<p>نص يذكر </feed>\n  <entry xml:lang='ar'></p>"),
    id="urn:nashra:t:hostile",
    summary="</entry>\n  <entry",
)
APART_STORIES = [
    *CLUSTER_STORIES,
    DELIVERY_STORIES[0],
    Story(replace(DELIVERY_STORIES[1].item, id="urn:nashra:files:7"), DELIVERY_STORIES[1].link),
    Story(HOSTILE, "https://e.org/stories/s.html"),
]


@pytest.mark.parametrize("meta", [META, DELIVERY, PAGE_META], ids=["plain", "delivery", "page"])
@pytest.mark.parametrize(
    "chosen", [[], [0], [1], [0, 1], [2, 3], [4, 1, 3], [0, 1, 2, 3, 4], [3, 4, 2, 0]]
)
def test_a_document_assembled_from_entries_rendered_apart_is_the_whole_one(
    meta: FeedMeta, chosen: list[int]
) -> None:
    stories = [APART_STORIES[i] for i in chosen]
    whole = render_atom(meta, stories)
    one_by_one = [entry for story in stories for entry in atom_entries(meta, [story])]
    assert atom_document(meta, one_by_one) == whole
    assert atom_document(meta, atom_entries(meta, stories)) == whole
    head, entries, tail = split_atom(whole)
    assert head + b"".join(entries) + tail == whole
    assert entries == [e.data for e in one_by_one]
    assert [e.with_also for e in one_by_one] == [bool(s.item.also) for s in stories]
    assert check_atom(whole) == []


def test_a_document_of_no_entries_is_dated_by_the_store() -> None:
    assert atom_document(PAGE_META, []) == render_atom(PAGE_META, [])
    updated = etree.fromstring(atom_document(META, [])).findtext(f"{{{ATOM}}}updated")
    assert updated == META.fallback_updated.isoformat()


def test_what_nashra_did_not_render_is_not_cut_into_entries() -> None:
    with pytest.raises(ValueError):
        split_atom(b"<feed xmlns='http://www.w3.org/2005/Atom'/>")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.text(), st.text(), st.booleans()), max_size=4))
def test_any_stories_assemble_to_the_document_rendered_whole(
    texts: list[tuple[str, str, bool]],
) -> None:
    stories = [
        Story(
            replace(
                RESCUE if clustered else ALONE,
                id=f"urn:nashra:t:{number}",
                title=title,
                body=f"<p>{body}</p>",
            ),
            f"https://e.org/stories/{number}.html",
        )
        for number, (title, body, clustered) in enumerate(texts)
    ]
    whole = render_atom(PAGE_META, stories)
    apart = [entry for story in stories for entry in atom_entries(PAGE_META, [story])]
    assert atom_document(PAGE_META, apart) == whole


# ------------------------------------------- entries written directly against feedgen's

# render_atom's entries are written directly as escaped text (feeds.render._atom_entry),
# no longer through feedgen and a parse of its output. What they replaced is kept here as
# the reference: feedgen's whole document read back and completed, as render_atom did
# up to #10; both must give the same bytes for every story and every feed.


def feedgen_atom(meta: FeedMeta, stories: list[Story]) -> bytes:
    """The Atom document of ``stories`` (publishable) as feedgen made it, read back
    and completed: render_atom before its entries were written directly."""
    delivery = rendering._delivery(meta)
    fg = rendering._generator(meta, stories, delivery, rss=False)
    tree = rendering._reparse(fg.atom_str(pretty=False), cdata=False)
    tree.set(XML_LANG, meta.language)
    anchor = tree.findall(f"{{{ATOM}}}link")[-1]
    for rel, href in reversed(rendering._feed_links(delivery)):
        anchor.addnext(etree.Element(f"{{{ATOM}}}link", href=href, rel=rel))
    entries = tree.findall(f"{{{ATOM}}}entry")
    if delivery.is_archive:
        archive = etree.Element(f"{{{FH}}}archive")
        if entries:
            entries[0].addprevious(archive)
        else:
            tree.append(archive)
    for entry, story in zip(entries, stories, strict=True):
        entry.set(XML_LANG, story.item.language)
        content = entry.find(f"{{{ATOM}}}content")
        if content is not None:
            content.set("type", "html")
        _feedgen_entry_links(entry, story)
        source = delivery.sources.get(story.item.source)
        if source is not None:
            element = etree.SubElement(entry, f"{{{ATOM}}}source")
            etree.SubElement(element, f"{{{ATOM}}}title").text = source[0]
            element.append(etree.Element(f"{{{ATOM}}}link", href=source[1], rel="self"))
    return rendering._serialize(tree, delivery.stylesheet)


def _feedgen_entry_links(entry: etree._Element, story: Story) -> None:
    anchor = entry.findall(f"{{{ATOM}}}link")[-1]
    links: list[etree._Element] = []
    related = {m.url: m for m in story.item.also if m.url and m.url != story.link}
    for url, member in related.items():
        link = etree.Element(f"{{{ATOM}}}link", href=url, rel="related")
        link.set("type", "text/html")
        if member.title:
            link.set("title", member.title)
        links.append(link)
    for media in rendering.media_files(story.item):
        link = etree.Element(f"{{{ATOM}}}link", href=media.url, rel="enclosure")
        link.set("type", media.type)
        if media.length is not None:
            link.set("length", str(media.length))
        links.append(link)
    for link in reversed(links):
        anchor.addnext(link)


def assert_as_feedgen(meta: FeedMeta, stories: list[Story]) -> None:
    """render_atom and atom_entries give feedgen's bytes (feedgen_atom)."""
    expected = feedgen_atom(meta, [rendering.publishable_story(s, meta.home_url) for s in stories])
    assert render_atom(meta, stories) == expected
    _head, entries, _tail = split_atom(expected)
    assert [e.data for e in atom_entries(meta, stories)] == entries


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ODD = (
    "AT&T <b>غليظ</b> ]]> \u200f\u202bعربي\u202c\u200e x\ty\r\nz \x00\x1b\x85 \ufdd0 \U0001f1f2\U0001f1e6"
    " &amp; &#27; \"'"
)
"""Characters an entry must escape, keep or drop alike: markup, a CDATA terminator,
RTL marks and embeddings, tab and CR LF, control characters (dropped), a noncharacter
XML allows, an astral flag, references."""
SAMPLE_FEED = replace(
    PAGE_META,
    sources=(
        GOUD,
        SourceInfo(name="", title="  ", url="https://www.hespress.com/feed"),
        SourceInfo(name="files", title="نشرات", url=None),
        SourceInfo(name="odd", title=ODD, url="https://odd.example.org/فيد?a=1&b=2"),
    ),
)
SAMPLE_METAS = {
    "plain": META,
    "delivery": DELIVERY,
    "page": SAMPLE_FEED,
    "subscription": replace(
        SAMPLE_FEED,
        archive=ArchiveLinks(current="https://e.org/all/atom.xml", prev="archive/2026-10.xml"),
        stylesheet="",
        language="ar-MA",
    ),
}


def _sample_stories() -> list[Story]:
    """Stories of the 400 real Goud.ma articles (MArSum, CC BY 4.0) and the ANS
    headlines (Apache-2.0; bench/data/samples/README.md), each given a different mix
    of what an entry may carry, chosen by a seeded generator."""
    samples = DATA.parents[1] / "bench" / "data" / "samples"
    lines = (samples / "news-articles.jsonl").read_text("utf-8").splitlines()
    articles = [json.loads(line) for line in lines]
    pairs = (samples / "headline-pairs.jsonl").read_text("utf-8").splitlines()[:400]
    headlines = [json.loads(line)["b"] for line in pairs]
    rng = random.Random(10)
    base = datetime(2026, 11, 29, 8, tzinfo=UTC)
    stories = []
    for number, article in enumerate(articles):
        paragraphs = article["body"].split("\n")
        body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
        odd = rng.random() < 0.15
        shape = rng.randrange(6)
        title = article["title"] + (ODD if odd else "")
        summary = ""
        if shape == 0:  # no body
            body = ""
        elif shape == 1:  # a summary only, no title
            summary, body, title = paragraphs[0][:200] + (ODD if odd else ""), "", ""
        elif shape == 2:
            body = (
                f"<p>{ODD}</p>{body}<p><a href='https://e.org/x?a=1&b=2' title=']]>'>رابط</a></p>"
            )
        published = base - timedelta(minutes=7 * number, microseconds=rng.choice([0, 1234]))
        zone = timezone(timedelta(hours=rng.choice([0, 1, -5])))
        also = tuple(
            AlsoReported(
                source=rng.choice(["رصد", "", "  هسبريس\u200f ", ODD]),
                title=rng.choice([headlines[(number + k) % len(headlines)], "", " ", ODD]),
                url=rng.choice(
                    [
                        f"https://rasd.example.org/أخبار/{number}-{k}",
                        None,
                        "javascript:x()",
                        "https://marsad.example.net/news/8841",
                        f"https://e.org/s/{number}.html",
                    ]
                ),
                first_seen=published + timedelta(hours=k),
            )
            for k in range(rng.choice([0, 0, 1, 3]))
        )
        item = StoredItem(
            id=rng.choice(
                [
                    f"urn:nashra:goud:{number}",
                    f"https://www.goud.ma/{number}/",
                    f"javascript:alert({number})",
                    f"tag:goud.ma,2026:{number}&x",
                ]
            ),
            source=rng.choice(["goud", "", "files", "odd", "unknown"]),
            title=title,
            summary=summary,
            body=body,
            url=rng.choice([None, f"https://www.goud.ma/مقال/{number}", "ftp://x/y"]),
            author=rng.choice([None, "", "  ", "كود", ODD]),
            tags=tuple(rng.sample(["المغرب", "", " ", "هجرة", ODD, "سبتة"], rng.randrange(4))),
            language=rng.choice(["ar", "ar-MA", "en", ""]),
            image=rng.choice(
                [None, f"https://www.goud.ma/img/{number}.png", "data:x", "https://x/y"]
            ),
            published=published.astimezone(zone),
            updated=(published + timedelta(hours=rng.choice([0, 2]))).astimezone(zone),
            first_seen=published,
            slug=f"s{number}",
            rev="r",
            page_rev=None,
            also=also,
            withdrawn_at=rng.choice([None, published + timedelta(days=1)]),
            enclosures=tuple(
                rng.sample(
                    [
                        Enclosure(f"https://www.goud.ma/a/{number}.mp3", "audio/mpeg", 4821337),
                        Enclosure("https://www.goud.ma/v/clip", "", None),
                        Enclosure("https://x/y", "", 0),
                        Enclosure("file:///etc/passwd", "", 1),
                    ],
                    rng.randrange(3),
                )
            ),
        )
        link = item.url or f"https://e.org/stories/s{number}.html"
        stories.append(Story(item, link))
    return stories


SAMPLE_STORIES = _sample_stories()


@pytest.mark.parametrize("meta", list(SAMPLE_METAS.values()), ids=list(SAMPLE_METAS))
def test_entries_written_directly_are_feedgens_for_real_stories(meta: FeedMeta) -> None:
    assert_as_feedgen(meta, SAMPLE_STORIES)
    said = [story for story in SAMPLE_STORIES[:80] if story.item.language]  # xml:lang="" is not
    assert check_atom(render_atom(meta, said)) == []


def test_the_sample_stories_carry_what_an_entry_may_carry() -> None:
    """The stories compared with feedgen's have each kind of element and oddity."""
    data = render_atom(SAMPLE_FEED, SAMPLE_STORIES).decode("utf-8")
    for needle in (
        'rel="related"', 'rel="enclosure"', "<category ", "<dc:creator>", "<nashra:also ",
        "<source>", "<fh:archive/>", "&#13;", "]]&gt;", "\u200f", "&amp;amp;", "<author>",
    ):  # fmt: skip
        assert needle in data, needle
    assert re.search(r"<nashra:also [^>]*/>", data)  # an outlet without a title
    assert "<title></title>" in data  # a source of no name, said as it was


@pytest.mark.parametrize("meta", [META, SAMPLE_FEED], ids=["plain", "page"])
def test_documents_without_entries_are_feedgens(meta: FeedMeta) -> None:
    assert_as_feedgen(meta, [])


TEXT = st.text(st.characters(codec="utf-8"), max_size=30)
MARKUP = st.text(st.sampled_from("&<>\"'\t\n\r \x01]#?=;/\u200fع"), max_size=12)
"""What attribute values must escape: markup, quotes, tab, line feed, CR (and a
control character, which no publishable text keeps)."""
SAFE_MARKUP = MARKUP.filter(lambda text: "\x01" not in text)
URL = st.builds(
    "".join,
    st.tuples(
        st.sampled_from(["https://", "http://", "javascript:", ""]),
        SAFE_MARKUP,
        st.sampled_from(["@r.example/", ".example/", "r.example/"]),
        MARKUP,
        st.sampled_from(["", "?a=1&b=2", "#x"]),
    ),
)
"""Links with markup, quotes and whitespace wherever a URL may keep them: its user
part is not percent-encoded (no control character there: lxml refuses it)."""


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.tuples(TEXT, TEXT, TEXT, TEXT, TEXT, st.lists(TEXT, max_size=3)),
            st.tuples(URL, URL, URL, MARKUP | TEXT, SAFE_MARKUP),
            st.lists(st.tuples(TEXT | MARKUP, TEXT | MARKUP, URL | st.none()), max_size=3),
        ),
        min_size=1,
        max_size=3,
    ),
    st.tuples(MARKUP | TEXT, URL),
    st.sampled_from(list(SAMPLE_METAS.values())),
)
def test_any_field_written_directly_is_feedgens(
    drawn: list[
        tuple[
            tuple[str, str, str, str, str, list[str]],
            tuple[str, str, str, str, str],
            list[tuple[str, str, str | None]],
        ]
    ],
    attributed: tuple[str, str],
    meta: FeedMeta,
) -> None:
    """Every text and attribute value of an entry, of any characters: the id, title,
    summary, body, author, language and tags; the story's link (or its slug in the
    permalink), image, enclosure and its type; each outlet's name, title and link;
    the name and URL of the attributed source."""
    name, url = attributed
    meta = replace(meta, sources=(*meta.sources, SourceInfo(name="x", title=name, url=url)))
    stories = []
    for number, (texts, links, also) in enumerate(drawn):
        ident, title, summary, body, author, tags = texts
        link, image, enclosure, kind, slug = links
        item = replace(
            RESCUE,
            id=f"urn:nashra:t:{number}{ident}",
            title=title,
            summary=summary,
            body=body,
            author=author,
            language=summary[:4],
            tags=tuple(tags),
            url=link,
            image=image,
            slug=f"{number}{slug}",
            source=["x", "goud", "odd", ""][number % 4],
            enclosures=(Enclosure(enclosure, kind, number or None),),
            also=tuple(
                AlsoReported(source=s, title=t, url=u, first_seen=FIRST_SEEN) for s, t, u in also
            ),
        )
        stories.append(Story(item, link))
    assert_as_feedgen(meta, stories)


def test_a_link_lxml_refuses_is_refused_alike() -> None:
    """A control character in the user part of a URL, which ``safe_link`` keeps:
    feedgen's lxml refused the entry, and so does the entry written directly."""
    for story in (
        Story(replace(RESCUE, url="https://us\x01er@e.org/x"), "https://us\x01er@e.org/x"),
        Story(replace(RESCUE, image="https://e\x1f.org/i.jpg"), "https://e.org/s.html"),
        Story(replace(RESCUE, slug="s\x0b"), "javascript:x()"),
    ):
        ready = [rendering.publishable_story(story, PAGE_META.home_url)]
        with pytest.raises(ValueError):
            feedgen_atom(PAGE_META, ready)
        with pytest.raises(ValueError):
            render_atom(PAGE_META, [story])
        with pytest.raises(ValueError):
            atom_entries(PAGE_META, [story])


LEGAL_XML = [
    chunk
    for start in range(0, 0x110000, 0x1000)
    if (
        chunk := "".join(
            chr(c)
            for c in range(start, start + 0x1000)
            if c in (9, 10, 13) or 0x20 <= c < 0xD800 or 0xE000 <= c < 0xFFFE or c > 0xFFFF
        )
    )
]
"""Every character XML 1.0 allows, in 272 pieces."""


def test_text_and_attributes_are_escaped_as_lxml_escapes_every_character() -> None:
    root = etree.fromstring(f'<feed xmlns="{ATOM}"/>')
    for chunk in LEGAL_XML:
        element = etree.SubElement(root, f"{{{ATOM}}}x", a=chunk)
        element.text = chunk
        written = etree.tostring(element, encoding="UTF-8")
        root.remove(element)
        expected = f'<x xmlns="{ATOM}" a="{rendering._attr(chunk)}">{rendering._text(chunk)}</x>'
        assert written == expected.encode("utf-8")


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(TEXT, TEXT, TEXT, st.lists(TEXT, max_size=3), st.lists(TEXT, max_size=3)),
        min_size=1,
        max_size=3,
    ),
    st.sampled_from(list(SAMPLE_METAS.values())),
)
def test_any_entry_written_directly_is_feedgens(
    texts: list[tuple[str, str, str, list[str], list[str]]], meta: FeedMeta
) -> None:
    stories = [
        Story(
            replace(
                RESCUE,
                id=f"urn:nashra:t:{number}{title[:3]}",
                title=title,
                body=f"<p>{body}</p>",
                author=author,
                source=["goud", "odd", ""][number % 3],
                tags=tuple(tags),
                also=tuple(
                    AlsoReported(
                        source=name,
                        title=name[::-1],
                        url=f"https://r.example/{name}",
                        first_seen=FIRST_SEEN,
                    )
                    for name in also
                ),
            ),
            f"https://e.org/stories/{number}.html",
        )
        for number, (title, body, author, tags, also) in enumerate(texts)
    ]
    assert_as_feedgen(meta, stories)


@given(
    st.text(
        st.characters()
        | st.sampled_from(
            ["\ud800", "\udfff", "\ufffe", "\uffff", "\x85", "\x7f", "\x00", "\t", "\r", "\u200f"]
        )
    )
)
def test_text_printable_already_is_cleaned_as_clean_text_cleans(text: str) -> None:
    """``clean_text``'s shortcut for clean text (printable: returned as it is) gives
    what its whole work gives, and so does the render's ``_clean``."""
    assert clean_text(text) == strip_illegal(valid_unicode(text))
    assert rendering._clean(text) == clean_text(text)
