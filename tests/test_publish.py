"""Publishing from a store: what any store holds is published safely, only
nashra's own temporary files are cleaned up, and each outcome is recorded."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import feedparser
import lxml.html
import pytest
from lxml import etree

from feeds.atomic import STALE_AFTER, temporary_name
from feeds.identity import Entry, identify
from feeds.pipeline import run_once
from feeds.publish import feed_meta, publish
from feeds.render import SourceInfo
from feeds.store import Store, StoredItem
from sources.errors import PublishError
from sources.item import Item
from tests.conftest import DATA, NOW, Site
from tests.feedcheck import feed_files, validate_feed_file

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
FOREIGN_SCHEME = re.compile(r"(?i)\b(javascript|vbscript|data|file)\s*:")
ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://news.example.org/"


@pytest.fixture
def opened(database_url: str) -> Iterator[Store]:
    store = Store.open(database_url)
    yield store
    store.close()


def _raw(entry: Entry, **fields: object) -> Entry:
    """The entry as a store written by an earlier version, or by hand, may hold
    it: values set past whatever checks ``Item`` makes today."""
    for name, value in fields.items():
        object.__setattr__(entry.item, name, value)
    return entry


def _entry(title: str, body: str, ident: str) -> Entry:
    return identify(Item(title=title, body=f"<p>{body}</p>", source="libya", id=ident))


def _hostile(store: Store) -> list[Entry]:
    entries = [
        replace(
            _raw(
                _entry("انطلاق معرض طرابلس الدولي", "افتتح اليوم المعرض.", "1"),
                url="JAVASCRIPT:alert(1)",
                image="data:image/svg+xml,<svg onload=alert(1)>",
            ),
            id="javascript:alert(document.cookie)",
        ),
        _raw(
            _entry("بنغازي تستقبل الوفد", "وصل الوفد إلى بنغازي.", "2"),
            url="\tvbscript:msgbox(1)",
            image="file:///etc/passwd",
            body='<p>التفاصيل <a href="javascript:alert(2)">هنا</a>'
            '<img src="data:image/gif;base64,R0lGOD"></p>',
        ),
        _raw(
            _entry("سبها\x1b تحتفل\x85 بالمهرجان\ufffe", "احتفلت\x0b سبها\x7f بالمهرجان.", "3"),
            summary="ملخص\x1b المهرجان",
            author="مراسل\x85 الجنوب",
            tags=("ثقافة\x7f",),
        ),
    ]
    store.save_batch("libya", entries, now=NOW)
    return entries


def _published(public: Path) -> list[Path]:
    """Every file published to be read as it is: not its compressed copies, not
    nashra's own records (``.nashra/``)."""
    return sorted(
        path
        for path in public.rglob("*")
        if path.is_file()
        and path.suffix not in (".gz", ".br")
        and ".nashra" not in path.relative_to(public).parts
    )


def _links(public: Path) -> dict[Path, list[str]]:
    """Every link and image URL in every file published, by file."""
    found: dict[Path, list[str]] = {}
    for path in _published(public):
        if path.suffix == ".opml":
            found[path] = etree.parse(str(path)).xpath("//@xmlUrl | //@htmlUrl")
        elif path.suffix == ".html":  # relative links, read as a browser would
            page = lxml.html.document_fromstring(path.read_bytes())
            page.make_links_absolute(BASE + path.relative_to(public).as_posix())
            found[path] = [value for _e, _a, value, _p in page.iterlinks()]
        elif path.suffix == ".xml":
            tree = etree.parse(str(path))
            found[path] = [
                *tree.xpath("//@href | //@url | //link/text()"),
                *tree.xpath("//guid[not(@isPermaLink='false')]/text()"),
                *tree.xpath("//*[local-name()='entry']/*[local-name()='id']/text()"),
            ]
        elif path.suffix == ".json":
            feed = json.loads(path.read_text("utf-8"))
            keys = ("url", "external_url", "image", "banner_image")
            found[path] = [feed["home_page_url"], feed["feed_url"]] + [
                item[key] for item in feed["items"] for key in keys if key in item
            ]
    return found


def test_script_links_in_a_store_are_never_published(site: Site, opened: Store) -> None:
    entries = _hostile(opened)
    publish(site.config(), opened)
    found = _links(site.public)
    assert {p.name for p in found} >= {"index.html", "rss.xml", "atom.xml", "feed.json"}
    for path, links in found.items():
        assert links, path
        for link in links:
            assert link.startswith(("https://", "urn:")), (path, link)
        assert not FOREIGN_SCHEME.search(path.read_text("utf-8")), path
    # the stories whose own URL may not be published link to their pages, which exist
    for entry in entries:
        page = site.public / "stories" / f"{entry.slug}.html"
        assert page.is_file()
        assert (
            f"https://news.example.org/stories/{entry.slug}.html"
            in found[site.public / "index.html"]
        )


def test_control_characters_in_a_store_reach_no_output(site: Site, opened: Store) -> None:
    entries = _hostile(opened)
    publish(site.config(), opened)
    for path in _published(site.public):
        assert not FORBIDDEN.search(path.read_text("utf-8")), path
    index = lxml.html.document_fromstring((site.public / "index.html").read_bytes())
    assert "سبها تحتفل بالمهرجان" in index.xpath("//li//h3/a/text()")
    page = site.public / "stories" / f"{entries[2].slug}.html"
    story = lxml.html.document_fromstring(page.read_bytes())
    assert story.findtext(".//h1") == "سبها تحتفل بالمهرجان"
    assert story.findtext(".//article/p") == "احتفلت سبها بالمهرجان."
    assert "مراسل الجنوب" in story.text_content()
    rss = etree.parse(str(site.public / "all" / "rss.xml"))
    assert "سبها تحتفل بالمهرجان" in rss.xpath("//item/title/text()")
    feed = json.loads((site.public / "all" / "feed.json").read_text("utf-8"))
    sabha = next(i for i in feed["items"] if i["title"] == "سبها تحتفل بالمهرجان")
    assert sabha["summary"] == "ملخص المهرجان" and sabha["tags"] == ["ثقافة"]


FOREIGN = (".x.tmp", ".feed.xml.tmp", "foo.tmp", ".index.html.k2j4h5g6.tmp", "rss.xml.tmp")


def test_a_publish_removes_only_its_own_stale_temporaries(site: Site, opened: Store) -> None:
    old = time.time() - STALE_AFTER - 60
    theirs: list[Path] = []
    for folder in (site.public, site.public / "all", site.public / "mirror" / "deep"):
        folder.mkdir(parents=True, exist_ok=True)
        for name in FOREIGN:
            (folder / name).write_text("ملف برنامج آخر", "utf-8")
            os.utime(folder / name, (old, old))
            theirs.append(folder / name)
    not_a_file = site.public / "mirror" / ".a.tmp"
    not_a_file.mkdir()
    (not_a_file / "keep.txt").write_text("محفوظ", "utf-8")
    os.utime(not_a_file, (old, old))
    stale = site.public / "all" / temporary_name("rss.xml")
    stale.write_bytes(b"<rss")
    os.utime(stale, (old, old))
    in_flight = site.public / "all" / temporary_name("atom.xml")
    in_flight.write_bytes(b"<feed")

    _hostile(opened)
    publish(site.config(), opened)
    assert all(p.read_text("utf-8") == "ملف برنامج آخر" for p in theirs)
    assert (not_a_file / "keep.txt").read_text("utf-8") == "محفوظ"
    assert not stale.exists()
    assert in_flight.exists()
    assert (site.public / "all" / "rss.xml").is_file()


def test_publish_records_its_outcome(site: Site, opened: Store) -> None:
    assert opened.last_publish() is None
    blocker = site.root / "blocked"
    blocker.write_text("ملف عادي وليس مجلدا", "utf-8")
    text = site.config_path.read_text("utf-8")
    site.config_path.write_text(
        text.replace("[site]\n", '[site]\npublic_dir = "blocked/public"\n'), "utf-8"
    )
    with pytest.raises(PublishError) as caught:
        publish(site.config(), opened, now=NOW)
    failed = opened.last_publish()
    assert failed is not None and failed.at == NOW and failed.ok_at is None
    assert failed.error == str(caught.value)
    assert str(blocker / "public") in failed.error

    site.config_path.write_text(text, "utf-8")
    later = NOW.replace(hour=13)
    publish(site.config(), opened, now=later)
    done = opened.last_publish()
    assert done is not None and done.error is None and done.at == done.ok_at == later


# ------------------------------------------------ clusters and withdrawals, end to end

BULLETIN = (DATA / "bulletins" / "bulletin-libya.txt").read_text("utf-8")
EU_HEADLINE = "الاتحاد الأوروبي يجدد التزامه بدعم إدارة الهجرة في ليبيا"
SHIFT = "وفي سياق اخر، "
"""The bulletin's topic-shift marker: its last story starts there."""
PAKISTAN = "«ليبيا وباكستان»"


def _agency_copy() -> str:
    """Another outlet's copy of the bulletin's first story: a new headline, a
    dateline, hamza and alef spelled differently, and a web link."""
    body = BULLETIN.split("\n")[1:5]
    text = "طرابلس (وكالات) - " + " ".join(body).replace("أكد", "اكد").replace("إدارة", "ادارة")
    record = {
        "id": "wafa-eu-1",
        "title": "أورلاندو: الاتحاد الأوروبي أكبر شريك لمنظمة الهجرة في ليبيا",
        "body": text,
        "url": "https://records.example.org/ليبيا/الهجرة",
    }
    return json.dumps(record, ensure_ascii=False) + "\n"


def test_a_story_other_outlets_reported_is_published_once_with_them(
    site: Site, opened: Store
) -> None:
    site.copy("bulletins/bulletin-libya.txt")
    run_once(site.config(), opened, now=NOW)
    site.write("agency.jsonl", _agency_copy())
    run_once(site.config(), opened, now=NOW + timedelta(hours=1))

    folder = site.public / "all"
    for path in feed_files(site.public):
        assert validate_feed_file(path).errors == [], path
        assert validate_feed_file(path).warnings == [], path
    atom = feedparser.parse((folder / "atom.xml").read_bytes())
    eu = [e for e in atom.entries if EU_HEADLINE in e.title]
    assert len(eu) == 1 and len(atom.entries) == 3
    related = [link.href for link in eu[0].links if link.rel == "related"]
    assert related == [
        "https://records.example.org/%D9%84%D9%8A%D8%A8%D9%8A%D8%A7/%D8%A7%D9%84%D9%87%D8%AC%D8%B1%D8%A9"
    ]
    assert "ورد هذا الخبر أيضا في:" in eu[0].content[0].value
    assert eu[0].updated == "2026-11-29T13:00:00+00:00"  # the copy joined: the entry moved
    rss = etree.parse(str(folder / "rss.xml"))
    members = rss.xpath(
        "//item[contains(title, 'الاتحاد الأوروبي')]/n:also",
        namespaces={"n": "https://nashra.invalid/ns/1.0"},
    )
    assert [m.get("source") for m in members] == ["records"]
    feed = json.loads((folder / "feed.json").read_text("utf-8"))
    (item,) = [i for i in feed["items"] if EU_HEADLINE in i["title"]]
    assert [m["source"] for m in item["_nashra"]["also"]] == ["records"]
    page = lxml.html.document_fromstring(
        (site.public / "stories" / item["url"].split("/")[-1]).read_bytes()
    )
    assert "ورد هذا الخبر أيضا في: records" in page.text_content()


def test_a_withdrawn_story_leaves_the_feeds_and_its_page_says_so(site: Site, opened: Store) -> None:
    bulletin = site.copy("bulletins/bulletin-libya.txt")
    run_once(site.config(), opened, now=NOW)
    feed = json.loads((site.public / "all" / "feed.json").read_text("utf-8"))
    (withdrawn,) = [i for i in feed["items"] if PAKISTAN in i["content_html"]]
    page = site.public / "stories" / withdrawn["url"].split("/")[-1]
    assert page.is_file()

    bulletin.write_text(BULLETIN[: BULLETIN.index(SHIFT)], "utf-8")  # the file stays
    run_once(site.config(), opened, now=NOW + timedelta(hours=10))  # 22:00 UTC, 00:00 in Tripoli

    for path in [*feed_files(site.public), site.public / "index.html"]:
        assert PAKISTAN not in path.read_text("utf-8"), path
        # the index links pages relatively: look for the page's own name
        assert withdrawn["url"].rsplit("/", 1)[-1] not in path.read_text("utf-8"), path
    feed = json.loads((site.public / "all" / "feed.json").read_text("utf-8"))
    assert len(feed["items"]) == 2
    story = lxml.html.document_fromstring(page.read_bytes())
    assert story.xpath("//meta[@name='robots']/@content") == ["noindex"]
    assert story.findtext(".//h1") == withdrawn["title"]
    assert "سُحب هذا الخبر في 30 نوفمبر 2026، 00:00." in story.text_content()
    assert "عاصم منير" not in story.text_content()  # its text is no longer published
    assert not story.xpath("//article")


def test_a_withdrawn_story_a_store_still_lists_is_not_published(site: Site, opened: Store) -> None:
    """Defensive: publishing leaves out a withdrawn story even if the store lists it."""
    stories = _hostile(opened)

    class Listing(Store):
        def latest(
            self, source_names: Sequence[str], limit: int, feed: str | None = None
        ) -> list[StoredItem]:
            found = super().latest(source_names, limit, feed)
            return [replace(i, withdrawn_at=NOW) if i.slug == stories[2].slug else i for i in found]

    listing = Listing(opened.engine, opened.name)
    publish(site.config(), listing)
    for path in [*feed_files(site.public), site.public / "index.html"]:
        assert "سبها" not in path.read_text("utf-8"), path


# ------------------------------------------------ what a feed says about its delivery

DELIVERY = """\
[site]
title = "نشرة الاختبار"
base_url = "https://news.example.org/"
icon = "icon.png"
logo = "https://cdn.example.org/شعار.png"
rights = "© نشرة الاختبار 2026"
HUBS

[[sources]]
name = "libya"
title = "وكالة الأنباء الليبية"
path = "sources/*.txt"
every = "90s"

[[sources]]
name = "wafa"
url = "https://agency.example/ar/rss.xml"
every = "1h"

[[feeds]]
name = "all"
title = "كل الأخبار"
sources = "*"

[[feeds]]
name = "libya"
title = "أخبار ليبيا"
sources = ["libya"]
limit = 2
"""


def test_feed_meta_says_how_each_feed_is_delivered(site: Site, opened: Store) -> None:
    site.config_path.write_text(
        DELIVERY.replace(
            "HUBS", 'hubs = ["https://hub.example.org/", "https://push.example.net/"]'
        ),
        "utf-8",
    )
    config = site.config()
    everything, libya = (feed_meta(config, feed, opened) for feed in config.feeds)
    assert everything.hubs == ("https://hub.example.org/", "https://push.example.net/")
    assert everything.ttl_minutes == libya.ttl_minutes == 2  # 90 s, rounded up
    assert everything.icon == "https://news.example.org/icon.png"
    assert everything.logo == "https://cdn.example.org/شعار.png"
    assert everything.rights == "© نشرة الاختبار 2026"
    assert everything.stylesheet == "../feed.xsl"
    assert everything.archive is None
    assert everything.sources == (
        SourceInfo("libya", "وكالة الأنباء الليبية", None),
        SourceInfo("wafa", "wafa", "https://agency.example/ar/rss.xml"),
    )
    assert libya.sources == (SourceInfo("libya", "وكالة الأنباء الليبية", None),)
    slower = DELIVERY.replace("HUBS", "").replace('every = "90s"', 'every = "3h"')
    site.config_path.write_text(slower, "utf-8")
    config = site.config()
    assert [feed_meta(config, feed, opened).ttl_minutes for feed in config.feeds] == [60, 180]


def test_feeds_and_archives_point_to_the_stylesheet(site: Site, opened: Store) -> None:
    site.config_path.write_text(DELIVERY.replace("HUBS", ""), "utf-8")
    _hostile(opened)  # three stories: the libya feed lists two and archives one
    publish(site.config(), opened)
    stylesheet = site.public / "feed.xsl"
    assert (
        etree.parse(str(stylesheet)).getroot().tag
        == "{http://www.w3.org/1999/XSL/Transform}stylesheet"
    )
    for path, href in [
        (site.public / "libya" / "rss.xml", "../feed.xsl"),
        (site.public / "libya" / "atom.xml", "../feed.xsl"),
        (site.public / "libya" / "archive" / "2026-11.xml", "../../feed.xsl"),
    ]:
        tree = etree.parse(str(path))
        pis = [
            n
            for n in tree.getroot().itersiblings(preceding=True)
            if isinstance(n, etree._ProcessingInstruction)
        ]
        assert [pi.get("href") for pi in pis] == [href], path
        assert (path.parent / href).resolve() == stylesheet.resolve()
    rss = etree.parse(str(site.public / "libya" / "rss.xml"))
    assert rss.findtext("channel/ttl") == "2"
    assert rss.findtext("channel/copyright") == "© نشرة الاختبار 2026"
