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
import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from feeds.pipeline import run_once
from feeds.render import FeedMeta, Story, render_atom, render_json, render_rss
from feeds.store import AlsoReported, Store, StoredItem
from tests.conftest import DATA, NOW, Site
from tests.feedcheck import check_atom, check_json_feed, check_rss

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
