"""``public/feeds.opml``: every feed of the site as an OPML 2.0 subscription list,
read back with lxml and followed to the feeds it names."""

from __future__ import annotations

import feedparser
from lxml import etree

from feeds.manifest import load as load_manifest
from feeds.pipeline import run_once
from feeds.publish import publish
from feeds.store import Store
from tests.conftest import NOW, Site

BASE = "https://news.example.org/"


def test_the_opml_list_names_every_feed(site: Site, store: Store) -> None:
    site.copy("bulletins/bulletin-libya.txt")
    run_once(site.config(), store, now=NOW)
    path = site.public / "feeds.opml"
    root = etree.parse(str(path)).getroot()
    assert (root.tag, root.get("version")) == ("opml", "2.0")
    assert root.findtext("head/title") == "نشرة الاختبار"
    outlines = root.findall("body/outline")
    assert [dict(o.attrib) for o in outlines] == [
        {
            "text": "كل الأخبار",
            "title": "كل الأخبار",
            "type": "rss",
            "version": "RSS2",
            "xmlUrl": f"{BASE}all/rss.xml",
            "htmlUrl": BASE,
            "language": "ar",
            "description": "جميع الأخبار",
        },
        {
            "text": "أخبار ليبيا",
            "title": "أخبار ليبيا",
            "type": "rss",
            "version": "RSS2",
            "xmlUrl": f"{BASE}libya/rss.xml",
            "htmlUrl": BASE,
            "language": "ar",
        },
    ]
    # each xmlUrl is a published RSS feed of that title
    for outline in outlines:
        local = site.public / outline.get("xmlUrl", "").removeprefix(BASE)
        feed = feedparser.parse(local.read_bytes())
        assert feed.version == "rss20" and feed.feed.title == outline.get("title")
    assert load_manifest(site.public).files["feeds.opml"].content_type == (
        "text/x-opml; charset=utf-8"
    )

    data = path.read_bytes()
    publish(site.config(), store)  # nothing depends on the time of the run
    assert path.read_bytes() == data


def test_a_feed_added_or_renamed_shows_in_the_list(site: Site, store: Store) -> None:
    run_once(site.config(), store, now=NOW)
    text = site.config_path.read_text("utf-8")
    site.config_path.write_text(
        text.replace('title = "أخبار ليبيا"', 'title = "ليبيا اليوم"')
        + '\n[[feeds]]\nname = "docs"\ntitle = "وثائق ومقالات"\nsources = ["docs"]\n',
        "utf-8",
    )
    publish(site.config(), store)
    root = etree.parse(str(site.public / "feeds.opml")).getroot()
    assert [(o.get("text"), o.get("xmlUrl")) for o in root.iter("outline")] == [
        ("كل الأخبار", f"{BASE}all/rss.xml"),
        ("ليبيا اليوم", f"{BASE}libya/rss.xml"),
        ("وثائق ومقالات", f"{BASE}docs/rss.xml"),
    ]
