"""Feeds rendered from 400 real Arabic articles, every delivery setting on, checked
by the offline validator (``tests/feedcheck.py``), feedparser and lxml.

The W3C Feed Validation Service cannot be reached from the test machines and is not
published as a package (PyPI has no ``feedvalidator``), so ``tests/feedcheck.py`` stands
in for it. The articles are Goud.ma's (MArSum corpus, CC BY 4.0, see
bench/data/samples/README.md); their links are made from their headlines, half of them
with every hamza decomposed (NFD) as some CMSs write them; every fifth story has a
photo, every seventh an audio file and a video.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import lxml.html
import pytest
from lxml import etree

from feeds.render import ArchiveLinks, SourceInfo, Story, render_atom, render_json, render_rss
from feeds.store import StoredItem
from sources.build import headline, summary
from sources.html import text_to_html
from sources.item import Enclosure
from tests.feedcheck import validate_atom, validate_json_feed, validate_rss
from tests.test_render import META

SAMPLES = Path(__file__).resolve().parent.parent / "bench" / "data" / "samples"
START = datetime(2026, 11, 1, tzinfo=UTC)


def _articles() -> list[dict[str, str]]:
    lines = (SAMPLES / "news-articles.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _story(number: int, article: dict[str, str]) -> Story:
    words = headline(article["title"]).split()[:6]
    slug = "-".join(words)
    if number % 2:
        slug = unicodedata.normalize("NFD", slug)  # أ → ا + U+0654, آ → ا + U+0653
    url = f"https://www.goud.ma/{slug}-{number}/"
    when = START + timedelta(minutes=7 * number)
    item = StoredItem(
        id=f"urn:nashra:goud:{number}", source="goud", title=article["title"],
        summary=summary(article["body"]), body=text_to_html(article["body"]), url=url,
        author=None, tags=(), language="ar",
        image=f"https://www.goud.ma/img/{slug}.jpg" if number % 5 == 0 else None,
        published=when, updated=when, first_seen=when, slug=f"{number:016x}", rev="r",
        page_rev=None,
        enclosures=(
            (Enclosure(f"https://www.goud.ma/audio/{number}.mp3", "audio/mpeg", 1000 + number),
             Enclosure(f"https://www.goud.ma/video/{number}.mp4", "", None))
            if number % 7 == 0 else ()
        ),
    )  # fmt: skip
    return Story(item, url)


META_ALL = replace(
    META,
    hubs=("https://websub.example.net/",),
    ttl_minutes=5,
    icon="/icon.png",
    logo="/logo.png",
    rights="© كود، CC BY 4.0",
    stylesheet="../feed.xsl",
    archive=ArchiveLinks(current="https://e.org/all/atom.xml", prev="https://e.org/a/1.xml"),
    sources=(SourceInfo("goud", "كود", "https://www.goud.ma/feed/"),),
)


@pytest.fixture(scope="module")
def stories() -> list[Story]:
    return [_story(n, a) for n, a in enumerate(_articles(), start=1)]


def test_the_samples_are_all_there(stories: list[Story]) -> None:
    assert len(stories) == 400
    decomposed = [s for s in stories if "\u0654" in (s.item.url or "")]
    assert len(decomposed) > 40  # the case the W3C validator warned about


@pytest.mark.parametrize(
    ("render", "validate"),
    [(render_rss, validate_rss), (render_atom, validate_atom), (render_json, validate_json_feed)],
    ids=["rss", "atom", "json"],
)
def test_real_articles_render_to_feeds_without_errors_or_warnings(
    stories: list[Story], render: object, validate: object
) -> None:
    data = render(META_ALL, stories)  # type: ignore[operator]
    report = validate(data)  # type: ignore[operator]
    assert report.errors == []
    assert report.warnings == []
    if render is not render_json:
        parsed = feedparser.parse(data)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert len(parsed.entries) == 400
        etree.fromstring(data)


def test_published_links_are_nfc_and_descriptions_decode_to_the_summaries(
    stories: list[Story],
) -> None:
    data = render_rss(META_ALL, stories)
    items = etree.fromstring(data).findall("channel/item")
    for element, story in zip(items, stories, strict=True):
        link = element.findtext("link") or ""
        assert link.isascii()
        assert "%D9%94" not in link and "%D9%93" not in link  # no combining hamza or madda
        described = element.findtext("description") or ""
        text = lxml.html.fragment_fromstring(described, create_parent="p").text_content()
        assert text == story.item.summary
