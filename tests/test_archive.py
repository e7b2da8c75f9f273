"""RFC 5005 archives, end to end: a JSON Lines source of real Arabic news
(MArSum, Goud.ma, CC BY 4.0: bench/data/samples/README.md) over three months,
collected into a real store and published; archives parsed back."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import feedparser
import pytest
from lxml import etree

from feeds.archive import INDEXES, month_bounds, month_of
from feeds.manifest import load as load_manifest
from feeds.pipeline import run_once
from feeds.publish import publish
from feeds.store import Store
from feeds.store.tables import items
from tests.conftest import NOW, Site
from tests.feedcheck import check_atom, check_feed_file
from tests.test_publish import EU_HEADLINE, _agency_copy

SAMPLES = Path(__file__).resolve().parents[1] / "bench/data/samples/news-articles.jsonl"
ARTICLES = [json.loads(line) for line in SAMPLES.read_text("utf-8").splitlines()]
NS = {"a": "http://www.w3.org/2005/Atom", "fh": "http://purl.org/syndication/history/1.0"}
BASE = "https://news.example.org/wire/"

CONFIG = """\
[site]
title = "نشرة الأرشيف"
base_url = "https://news.example.org/"
timezone = "Africa/Tripoli"

[[sources]]
name = "wire"
path = "sources/*.jsonl"

[[feeds]]
name = "wire"
title = "أخبار الوكالة"
sources = ["wire"]
limit = LIMIT
"""

DATES = {
    "w1": "2026-09-05T10:00:00+00:00",
    "w2": "2026-09-20T10:00:00+00:00",
    "w3": "2026-10-03T10:00:00+00:00",
    "w4": "2026-10-18T10:00:00+00:00",
    # the last half hour of October in Tripoli: archived in October (the site's month)
    "w5": "2026-10-31T23:30:00+02:00",
    "w6": "2026-11-10T10:00:00+00:00",
    "w7": "2026-11-15T10:00:00+00:00",
    "w8": "2026-11-20T10:00:00+00:00",
    "w9": "2026-11-25T10:00:00+00:00",
    "w10": "2026-11-27T10:00:00+00:00",
}
ARTICLE_OF = {ident: 20 * number for number, ident in enumerate(DATES)}  # far apart in the file


def _record(ident: str, body_extra: str = "") -> dict[str, str]:
    article = ARTICLES[ARTICLE_OF[ident]]
    return {
        "id": ident,
        "title": article["title"],
        "body": article["body"] + body_extra,
        "date": DATES[ident],
    }


def _title(ident: str) -> str:
    return str(ARTICLES[ARTICLE_OF[ident]]["title"])


class Wire:
    """A site with one source file of dated records and one feed of it."""

    def __init__(self, site: Site, store: Store, limit: int = 3) -> None:
        self.site, self.store = site, store
        self.records = {i: _record(i) for i in list(DATES)[:9]}
        self.set_limit(limit)
        self.public = site.public
        self.archive = site.public / "wire" / "archive"

    def set_limit(self, limit: int) -> None:
        self.site.config_path.write_text(CONFIG.replace("LIMIT", str(limit)), "utf-8")

    def run(self, at: datetime = NOW) -> None:
        lines = [json.dumps(r, ensure_ascii=False) for r in self.records.values()]
        self.site.write("wire.jsonl", "\n".join(lines) + "\n")
        report = run_once(self.site.config(), self.store, now=at)
        assert [s.errors for s in report.sources] == [()]

    def months(self) -> list[str]:
        return sorted(p.stem for p in self.archive.glob("*.xml"))

    def titles(self, month: str) -> list[str]:
        tree = etree.parse(str(self.archive / f"{month}.xml"))
        return [str(t) for t in tree.xpath("/a:feed/a:entry/a:title/text()", namespaces=NS)]

    def stamps(self) -> dict[str, int]:
        return {p.name: p.stat().st_mtime_ns for p in sorted(self.archive.iterdir())}


def _links(path: Path) -> dict[str, str]:
    tree = etree.parse(str(path))
    return {
        str(link.get("rel")): str(link.get("href"))
        for link in tree.xpath("/a:feed/a:link", namespaces=NS)
    }


def test_stories_out_of_the_feed_are_archived_by_month(site: Site, store: Store) -> None:
    wire = Wire(site, store)
    wire.run()

    assert wire.months() == ["2026-09", "2026-10", "2026-11"]
    assert wire.titles("2026-11") == [_title("w6")]
    assert wire.titles("2026-10") == [_title("w5"), _title("w4"), _title("w3")]
    assert wire.titles("2026-09") == [_title("w2"), _title("w1")]
    atom = feedparser.parse((site.public / "wire" / "atom.xml").read_bytes())
    assert [e.title for e in atom.entries] == [_title(i) for i in ("w9", "w8", "w7")]

    # RFC 5005: current, prev-archive and next-archive; fh:archive in each archive
    links = {month: _links(wire.archive / f"{month}.xml") for month in wire.months()}
    assert links["2026-09"]["current"] == BASE + "atom.xml"
    assert links["2026-09"]["self"] == BASE + "archive/2026-09.xml"
    assert "prev-archive" not in links["2026-09"]
    assert links["2026-09"]["next-archive"] == BASE + "archive/2026-10.xml"
    assert links["2026-10"]["prev-archive"] == BASE + "archive/2026-09.xml"
    assert links["2026-10"]["next-archive"] == BASE + "archive/2026-11.xml"
    assert links["2026-11"]["prev-archive"] == BASE + "archive/2026-10.xml"
    assert "next-archive" not in links["2026-11"]
    for month in wire.months():
        data = (wire.archive / f"{month}.xml").read_bytes()
        assert check_atom(data) == [], month
        assert etree.fromstring(data).xpath("/a:feed/fh:archive", namespaces=NS)
    subscription = _links(site.public / "wire" / "atom.xml")
    assert subscription["prev-archive"] == BASE + "archive/2026-11.xml"
    assert not etree.parse(str(site.public / "wire" / "atom.xml")).xpath(
        "//fh:archive", namespaces=NS
    )
    rss = etree.parse(str(site.public / "wire" / "rss.xml"))
    assert rss.xpath("//a:link[@rel='prev-archive']/@href", namespaces=NS) == [
        BASE + "archive/2026-11.xml"
    ]
    for name in ("rss.xml", "atom.xml", "feed.json"):
        assert check_feed_file(site.public / "wire" / name) == [], name

    # listed in the manifest as Atom, cross-origin, with compressed copies
    manifest = load_manifest(site.public)
    entry = manifest.files["wire/archive/2026-09.xml"]
    assert entry.content_type == "application/atom+xml; charset=utf-8"
    assert entry.cors and entry.encodings == ("br", "gzip")
    assert entry.links == (("self", BASE + "archive/2026-09.xml"),)


def test_months_are_the_sites_months() -> None:
    """A story of the first hours of a month in the site's zone is in that month's
    archive, though UTC still says the month before."""
    riyadh = ZoneInfo("Asia/Riyadh")
    just_after_midnight = datetime.fromisoformat("2026-12-01T00:30:00+03:00")
    assert month_of(just_after_midnight, riyadh) == "2026-12"
    assert month_of(just_after_midnight) == "2026-11"  # UTC, the default
    start, end = month_bounds("2026-12", riyadh)
    assert start == datetime(2026, 11, 30, 21, tzinfo=UTC)
    assert end == datetime(2026, 12, 31, 21, tzinfo=UTC)
    assert start <= just_after_midnight < end


def test_a_closed_month_is_written_again_only_when_a_story_in_it_changes(
    site: Site, store: Store
) -> None:
    wire = Wire(site, store)
    wire.run()
    before = wire.stamps()

    wire.run(NOW + timedelta(hours=1))  # nothing new
    assert wire.stamps() == before

    wire.records["w10"] = _record("w10")  # w7 falls out of the feed, into November
    wire.run(NOW + timedelta(hours=2))
    assert wire.titles("2026-11") == [_title("w7"), _title("w6")]
    after = wire.stamps()
    assert after["2026-11.xml"] != before["2026-11.xml"]
    assert {m: after[m] for m in ("2026-09.xml", "2026-10.xml")} == {
        m: before[m] for m in ("2026-09.xml", "2026-10.xml")
    }

    wire.records["w1"] = _record("w1", " وأضاف المصدر أن الاجتماع المقبل سيعقد في الرباط.")
    wire.run(NOW + timedelta(hours=3))
    edited = wire.stamps()
    assert edited["2026-09.xml"] != after["2026-09.xml"]
    assert edited["2026-10.xml"] == after["2026-10.xml"]
    assert edited["2026-11.xml"] == after["2026-11.xml"]
    assert "سيعقد في الرباط" in (wire.archive / "2026-09.xml").read_text("utf-8")


def test_archives_outlive_their_stories_in_the_store(site: Site, store: Store) -> None:
    wire = Wire(site, store)
    wire.run()
    september = (wire.archive / "2026-09.xml").read_bytes()
    october = (wire.archive / "2026-10.xml").read_bytes()
    before = wire.stamps()

    # retention (keep_days) removes w1, w2 and w3 from the store, once they are old
    # by their date and by the time they were first seen
    with store.engine.begin() as conn:
        conn.execute(items.update().values(first_seen=items.c.sort_date))
    dropped, _ = store.expire(datetime(2026, 10, 10, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
    assert dropped == 3
    wire.run(NOW + timedelta(hours=1))
    assert wire.stamps() == before
    assert (wire.archive / "2026-09.xml").read_bytes() == september
    assert (wire.archive / "2026-10.xml").read_bytes() == october
    manifest = load_manifest(site.public)
    assert {"wire/archive/2026-09.xml", "wire/archive/2026-10.xml"} <= set(manifest.files)
    assert not manifest.gone

    # a story of October still held is corrected: October is written again, with
    # the story the store lost (w3) kept as it was published
    wire.records["w4"] = _record("w4", " وأكد الوزير أن المفاوضات ستستأنف الأسبوع المقبل.")
    wire.run(NOW + timedelta(hours=2))
    after = wire.stamps()
    assert after["2026-10.xml"] != before["2026-10.xml"]
    assert after["2026-09.xml"] == before["2026-09.xml"]
    assert wire.titles("2026-10") == [_title("w5"), _title("w4"), _title("w3")]
    data = (wire.archive / "2026-10.xml").read_bytes()
    assert "ستستأنف الأسبوع المقبل" in data.decode("utf-8")
    assert check_atom(data) == []
    assert _links(wire.archive / "2026-10.xml")["prev-archive"] == BASE + "archive/2026-09.xml"

    # and nothing changes again while nothing changes
    wire.run(NOW + timedelta(hours=3))
    assert wire.stamps() == after

    # the feed grows to seven stories (w4 to w9, all the store holds): October keeps
    # only the story the store lost, November goes, September stays as it was
    wire.set_limit(7)
    wire.run(NOW + timedelta(hours=4))
    assert wire.months() == ["2026-09", "2026-10"]
    assert wire.titles("2026-10") == [_title("w3")]
    assert "next-archive" not in _links(wire.archive / "2026-10.xml")
    assert check_atom((wire.archive / "2026-10.xml").read_bytes()) == []
    assert (wire.archive / "2026-09.xml").read_bytes() == september
    assert load_manifest(site.public).gone == {"wire/archive/2026-11.xml"}


def test_a_withdrawn_story_leaves_its_archive(site: Site, store: Store) -> None:
    wire = Wire(site, store)
    wire.run()
    del wire.records["w4"]  # the file is read again without it
    wire.run(NOW + timedelta(hours=1))
    assert wire.titles("2026-10") == [_title("w5"), _title("w3")]
    assert _title("w4") not in (wire.archive / "2026-10.xml").read_text("utf-8")


def test_months_whose_stories_are_back_in_the_feed_are_gone(site: Site, store: Store) -> None:
    wire = Wire(site, store)
    wire.run()
    mine = wire.archive / "notes.txt"  # not nashra's: stays
    mine.write_text("ملاحظات المحرر", "utf-8")

    indexes = site.public / INDEXES / "wire"
    assert sorted(p.stem for p in indexes.glob("*.json")) == wire.months()
    wire.set_limit(7)  # w3..w9 in the feed: only September keeps stories out of it
    wire.run(NOW + timedelta(hours=1))
    assert wire.months() == ["2026-09"]
    assert sorted(p.stem for p in indexes.glob("*.json")) == ["2026-09"]
    assert not (wire.archive / "2026-10.xml.gz").exists()
    assert mine.read_text("utf-8") == "ملاحظات المحرر"
    manifest = load_manifest(site.public)
    assert {"wire/archive/2026-10.xml", "wire/archive/2026-11.xml"} <= manifest.gone
    assert "next-archive" not in _links(wire.archive / "2026-09.xml")
    assert _links(site.public / "wire" / "atom.xml")["prev-archive"] == (
        BASE + "archive/2026-09.xml"
    )

    wire.set_limit(50)  # every story in the feed: no archive at all
    wire.run(NOW + timedelta(hours=2))
    assert wire.months() == []
    assert list(indexes.glob("*.json")) == []
    assert "prev-archive" not in _links(site.public / "wire" / "atom.xml")
    assert mine.read_text("utf-8") == "ملاحظات المحرر"

    wire.set_limit(3)  # back: the months leave the gone list
    wire.run(NOW + timedelta(hours=3))
    assert wire.months() == ["2026-09", "2026-10", "2026-11"]
    assert not load_manifest(site.public).gone


def test_the_store_lists_a_feed_as_latest_does(site: Site, store: Store) -> None:
    wire = Wire(site, store)
    wire.run()
    listing = store.listing(["wire"])
    assert [s.id for s in listing[:5]] == [i.id for i in store.latest(["wire"], 5)]
    assert len(listing) == 9
    assert [s.date for s in listing] == sorted((s.date for s in listing), reverse=True)
    start, end = month_bounds("2026-10")
    october = [s for s in listing if start <= s.date < end]
    read = {i.id: i.title for i in store.listed_stories([s.id for s in october])}
    assert [read[s.id] for s in october] == [_title("w5"), _title("w4"), _title("w3")]
    assert publish(site.config(), store).written == []  # run() published it all already
    with store.engine.begin() as conn:  # withdrawn after the listing: not read
        conn.execute(items.update().where(items.c.id == october[0].id).values(withdrawn_at=NOW))
    again = store.listed_stories([s.id for s in october])
    assert sorted(i.id for i in again) == sorted(s.id for s in october[1:])
    held = store.stored_ids([listing[0].id, "urn:nashra:wire:nothing"])
    assert held == {listing[0].id}


def test_a_cluster_is_listed_once_across_feed_and_archives(site: Site, store: Store) -> None:
    text = site.config_path.read_text("utf-8")
    site.config_path.write_text(
        text.replace('sources = "*"\n', 'sources = "*"\nlimit = 1\n'), "utf-8"
    )
    site.copy("bulletins/bulletin-libya.txt")
    run_once(site.config(), store, now=NOW)
    site.write("agency.jsonl", _agency_copy())  # joins the EU story's cluster
    run_once(site.config(), store, now=NOW + timedelta(hours=1))

    names = ["libya", "docs", "records"]
    listing = store.listing(names)
    assert [s.id for s in listing] == [i.id for i in store.latest(names, 10)]
    assert len(listing) == 3 and len({s.root for s in listing}) == 3
    feed = feedparser.parse((site.public / "all" / "atom.xml").read_bytes())
    archived = [
        e
        for path in sorted((site.public / "all" / "archive").glob("*.xml"))
        for e in feedparser.parse(path.read_bytes()).entries
    ]
    titles = [e.title for e in [*feed.entries, *archived]]
    assert len(titles) == 3 and sum(EU_HEADLINE in t for t in titles) == 1
    (eu,) = [e for e in [*feed.entries, *archived] if EU_HEADLINE in e.title]
    assert [link.rel for link in eu.links].count("related") == 1  # the agency's copy


def test_a_feed_renamed_takes_its_archive_indexes_along(site: Site, store: Store) -> None:
    wire = Wire(site, store)
    wire.run()
    assert len(list((site.public / INDEXES / "wire").glob("*.json"))) == 3
    text = site.config_path.read_text("utf-8")
    renamed = 'name = "agency"\ntitle = "أخبار الوكالة"'
    site.config_path.write_text(text.replace('name = "wire"\ntitle = "أخبار الوكالة"', renamed))
    wire.run(NOW + timedelta(hours=1))
    assert not (site.public / INDEXES / "wire").exists()
    assert not (site.public / "wire" / "archive" / "2026-10.xml").exists()
    agency = sorted(p.stem for p in (site.public / INDEXES / "agency").glob("*.json"))
    assert agency == ["2026-09", "2026-10", "2026-11"]


def test_each_page_is_handed_over_as_it_is_made_not_held_to_the_end(
    site: Site, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A feed's pages may weigh more than the memory at hand: the publish records
    each as it comes, and the result keeps none of their bytes."""
    from feeds import archive as module
    from feeds import publish as publishing

    made: list[tuple[str, bytes | None]] = []
    results: list[module.FeedArchives] = []
    real = module.publish_archives

    def watched(*args: Any, **kwargs: Any) -> module.FeedArchives:
        recorded = kwargs["on_file"]

        def on_file(file: module.ArchiveFile) -> None:
            made.append((file.path, file.data))
            recorded(file)

        results.append(real(*args, **{**kwargs, "on_file": on_file}))
        return results[-1]

    monkeypatch.setattr(publishing, "publish_archives", watched)
    Wire(site, store).run()
    assert sorted(path for path, _ in made) == [
        f"wire/archive/{month}.xml" for month in ("2026-09", "2026-10", "2026-11")
    ]
    for path, data in made:
        assert data == (site.public / path).read_bytes()
    assert [f.data for r in results for f in r.files] == [None, None, None]
