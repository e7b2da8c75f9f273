"""The store's change tokens (``feeds.store.changes``) and the publisher that reads
no feed whose tokens are those it last rendered it from (``feeds.publish``).
Real Arabic articles (Goud.ma, MArSum corpus, CC BY 4.0), real SQLite and PostgreSQL.
"""

from __future__ import annotations

import filecmp
import json
import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import feedparser
import lxml.html
import pytest

from feeds.dedup import Mode, Policy
from feeds.pipeline import run_once
from feeds.publish import publish
from feeds.store import Store
from feeds.store.changes import EVERYTHING, source_key
from feeds.topics import Topics, compile_topic
from tests.conftest import NOW, Site
from tests.test_topics import SAHARA, _entry, _topic_site, articles, published_topic_site

NEAR = Policy(mode=Mode.NEAR)

# ------------------------------------------------------------------- the tokens


def test_a_new_story_changes_its_source_and_the_feeds_it_is_filed_under(store: Store) -> None:
    assert store.change_tokens() == {}
    store.save_batch("goud", [_entry(26, "goud")], now=NOW, topics=SAHARA)  # names the UN
    first = store.change_tokens()
    assert set(first) == {source_key("goud"), "sahara"}
    store.save_batch("goud", [_entry(26, "goud")], now=NOW, topics=SAHARA)  # the same again
    assert store.change_tokens() == first
    store.save_batch("hespress", [_entry(1, "hespress")], now=NOW, topics=SAHARA)  # no UN
    after = store.change_tokens()
    assert after[source_key("goud")] == first[source_key("goud")]
    assert after["sahara"] == first["sahara"] and source_key("hespress") in after


def test_an_edit_that_takes_a_story_out_of_a_topic_changes_the_topic(store: Store) -> None:
    store.save_batch("goud", [_entry(0, "goud")], now=NOW, topics=SAHARA)
    before = store.change_tokens()
    edited = _entry(0, "goud", body=articles()[1]["body"])  # the same story, other words
    store.save_batch("goud", [edited], now=NOW + timedelta(hours=1), topics=SAHARA)
    assert store.latest(["goud"], 50, "sahara") == []
    after = store.change_tokens()
    assert after["sahara"] != before["sahara"]
    assert after[source_key("goud")] != before[source_key("goud")]


def test_a_copy_joining_a_cluster_changes_every_version_s_source(store: Store) -> None:
    store.save_batch("goud", [_entry(97, "goud")], now=NOW, policy=NEAR)
    body = articles()[97]["body"] + " المصدر: وكالات."
    store.save_batch("wire", [_entry(97, "wire", body=body)], now=NOW, policy=NEAR)
    before = store.change_tokens()
    third = _entry(97, "lana", title="عنوان آخر للخبر نفسه", body=body + " (لانا)")
    result, _ = store.save_batch("lana", [third], now=NOW + timedelta(minutes=9), policy=NEAR)
    assert result.merged == 1
    after = store.change_tokens()
    # both earlier versions show the cluster's list of outlets, which grew
    for name in ("goud", "wire"):
        assert after[source_key(name)] != before[source_key(name)], name


def test_a_copy_joining_a_cluster_changes_the_topics_of_its_versions(store: Store) -> None:
    """The topic feed an earlier version is filed under lists the cluster's entry
    too: a new copy from a source the topic does not take changes it."""
    store.save_batch("goud", [_entry(26, "goud")], now=NOW, policy=NEAR, topics=SAHARA)
    body = articles()[26]["body"] + " المصدر: وكالات."
    before = store.change_tokens()
    copy = _entry(26, "wire", title="نسخة الوكالة", body=body)
    result, _ = store.save_batch("wire", [copy], now=NOW + timedelta(hours=1), policy=NEAR)
    assert result.merged == 1
    after = store.change_tokens()
    assert after["sahara"] != before["sahara"]
    assert after[source_key("goud")] != before[source_key("goud")]


def test_retention_and_a_feed_indexed_again_change_everything(store: Store) -> None:
    store.save_batch("goud", [_entry(i, "goud") for i in (0, 1, 2)], now=NOW, topics=SAHARA)
    store.index_topics(SAHARA)
    before = store.change_tokens()[EVERYTHING]
    store.index_topics(Topics((compile_topic("sahara", match="ترامب"),)))
    indexed = store.change_tokens()[EVERYTHING]
    assert indexed != before
    store.expire(NOW - timedelta(days=30), NOW)  # nothing that old: nothing changes
    assert store.change_tokens()[EVERYTHING] == indexed
    store.expire(NOW + timedelta(days=10), NOW)
    assert store.change_tokens()[EVERYTHING] != indexed


# ------------------------------------------------------------------ publishing


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """Record the feed of every ``Store.latest`` call (a real store underneath)."""
    calls: list[str | None] = []
    real: Callable[..., object] = Store.latest

    def latest(self: Store, names: object, limit: int, feed: str | None = None) -> object:
        calls.append(feed)
        return real(self, names, limit, feed)

    monkeypatch.setattr(Store, "latest", latest)
    return calls


@pytest.fixture
def published(site: Site) -> Site:
    return published_topic_site(site)


def _records(site: Site) -> list[dict[str, object]]:
    path = site.sources / "goud.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def _rewrite(site: Site, records: list[dict[str, object]]) -> None:
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    (site.sources / "goud.jsonl").write_text("\n".join(lines) + "\n", "utf-8")


def test_a_publish_with_nothing_new_reads_no_feed_no_page_and_writes_nothing(
    published: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _counting(monkeypatch)
    due: list[str] = []
    real_due: Callable[..., object] = Store.pages_due
    monkeypatch.setattr(
        Store, "pages_due", lambda self, *a: due.append("pages") or real_due(self, *a)
    )
    real_tags: Callable[..., object] = Store.tags_with
    monkeypatch.setattr(
        Store, "tags_with", lambda self, *a: due.append("tags") or real_tags(self, *a)
    )
    store = published.store()
    try:
        result = publish(published.config(), store)
    finally:
        store.close()
    assert calls == [] and result.written == [] and result.changed == {}
    assert due == []  # no story changed: no page is looked for, no tag counted


def test_only_the_feeds_a_new_story_reaches_are_read_again(
    published: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = _records(published)
    a = articles()[5]
    body = a["body"] + " وجددت الأمم المتحدة دعوتها إلى الحوار."  # reaches the UN topics
    records.insert(0, {"id": "goud-5", "title": a["title"], "body": body,
                       "url": "https://goud.example/5", "date": (NOW).isoformat()})  # fmt: skip
    _rewrite(published, records)
    untouched = {p: p.stat().st_mtime_ns for p in (published.public / "nothing").iterdir()}
    calls = _counting(monkeypatch)
    store = published.store()
    try:
        report = run_once(published.config(), store, now=NOW + timedelta(minutes=5))
    finally:
        store.close()
    # the feeds of the source's stories and the two UN topics are rendered; «nothing»
    # is read once, for its section of the front page; the tag feed is not read
    assert sorted(calls, key=str) == sorted(
        [None, None, "sahara", "sahara-light", "nothing"], key=str
    )
    assert set(report.published.changed) == {"all", "sahara", "sahara-light"}
    assert {p: p.stat().st_mtime_ns for p in untouched} == untouched
    parsed = feedparser.parse((published.public / "sahara" / "atom.xml").read_bytes())
    assert "https://goud.example/5" in {e.link for e in parsed.entries}


def _same_trees(left: Path, right: Path) -> list[str]:
    """The files that differ (or are in one tree only) between two folders."""
    found: list[str] = []

    def walk(cmp: filecmp.dircmp[str], at: str) -> None:
        found.extend(f"{at}{n}" for n in cmp.left_only + cmp.right_only + cmp.diff_files)
        found.extend(f"{at}{n}" for n in cmp.funny_files)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{at}{name}/")

    walk(filecmp.dircmp(left, right, ignore=[]), "")
    return found


def test_publishing_only_what_changed_writes_what_a_full_publish_writes(
    published: Site,
) -> None:
    """After an edit, a withdrawal and a new story, the tree published run by run
    is byte for byte the tree one publish from scratch writes from the same store."""
    records = _records(published)
    records[0]["title"] = str(records[0]["title"]) + " (محدث)"  # a correction
    del records[3]  # a story gone from the file: withdrawn
    a = articles()[30]
    records.append({"id": "goud-30", "title": a["title"], "body": a["body"],
                    "url": "https://goud.example/30", "date": NOW.isoformat()})  # fmt: skip
    _rewrite(published, records)
    store = published.store()
    try:
        report = run_once(published.config(), store, now=NOW + timedelta(minutes=5))
        assert report.published.changed  # something was rendered again
        incremental = published.root / "incremental"
        shutil.copytree(published.public, incremental)
        (published.public / ".nashra" / "feeds.json").unlink()  # forget every mark
        again = publish(published.config(), store)  # every feed rendered from the store
    finally:
        store.close()
    assert again.changed == {}  # the same bytes: nothing to write
    assert _same_trees(published.public, incremental) == []


def test_beyond_twelve_feeds_the_front_page_lists_topic_feeds_by_name(site: Site) -> None:
    _topic_site(site)
    words = ["المغرب", "الحكومة", "البرلمان", "الانتخابات", "الاقتصاد", "الرياضة", "الثقافة",
             "التعليم", "الصحة", "الأمن", "الطاقة"]  # fmt: skip
    extra = "".join(
        f'\n[[feeds]]\nname = "topic-{n}"\ntitle = "موضوع {word}"\nmatch = "{word}"\n'
        for n, word in enumerate(words)
    )
    site.config_path.write_text(site.config_path.read_text("utf-8") + extra, "utf-8")
    store = site.store()
    try:
        run_once(site.config(), store, now=NOW)
    finally:
        store.close()
    page = lxml.html.fromstring((site.public / "index.html").read_bytes())
    sections = page.xpath("//section[@class='feed']/@id")
    assert sections == ["feed-all", "feed-libya"]  # the feeds of sources only
    listed = page.xpath("//section[@id='topics']//li/a[1]/text()")
    assert listed[:3] == ["الصحراء والأمم المتحدة", "الصحراء", "لا شيء"]
    assert len(listed) == 3 + len(words) and "موضوع الطاقة" in listed
    hrefs = page.xpath("//section[@id='topics']//li/a[1]/@href")
    assert hrefs[0] == "sahara/rss.xml"
