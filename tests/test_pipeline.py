"""The whole pipeline on real files: collect → dedup → store → publish, parsed back."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest

from feeds.outcome import PollStatus
from feeds.pipeline import GROUP_POLLS, run_once, save_outcome, save_outcomes, take_group
from feeds.store import Store
from sources.base import Collected, Context, SourceSpec
from sources.item import Item
from tests.conftest import NOW, TRIPOLI, Site
from tests.feedcheck import assert_valid_feed, feed_files

LIBYA_TITLES = [
    "الاتحاد الأوروبي يجدد التزامه بدعم إدارة الهجرة في ليبيا",
    "ليبيا توجه تهنئة رسمية لدولة قطر بمناسبة «اليوم الوطني»",
]

GOUD = (
    '{"id": "goud-1", "title": "كوريا داعمة المغرب على الصحرا ديالو", '
    '"body": "أكدت جمهورية كوريا دعمها لجهود هيأة الأمم المتحدة للتوصل إلى حل سياسي لقضية الصحراء.", '
    '"date": "29 نوفمبر 2026 09:30"}\n'
)


ODD_IDS = "".join(
    json.dumps({"id": ident, "title": f"خبر رقم {n}", "text": f"نص الخبر {n}", "url": url}, ensure_ascii=False)
    + "\n"
    for n, (ident, url) in enumerate(
        [("خبر-1", ""), ("a/b", ""), ("same id", "https://news.example.org/أخبار/ليبيا?utm_source=x"),
         ("2026-11-29:1", "")]
    )
)  # fmt: skip


def _run(site: Site, now: datetime = NOW):  # type: ignore[no-untyped-def]
    store = site.store()
    try:
        return run_once(site.config(), store, now=now)
    finally:
        store.close()


def test_sample_bulletin_becomes_three_stories_in_every_format(site: Site) -> None:
    site.copy("bulletins/bulletin-libya.txt")
    report = _run(site)
    first = report.sources[0]
    assert (first.name, first.batch.new, first.failed) == ("libya", 3, False)

    rss = feedparser.parse((site.public / "all" / "rss.xml").read_bytes())
    atom = feedparser.parse((site.public / "all" / "atom.xml").read_bytes())
    feed = json.loads((site.public / "all" / "feed.json").read_text("utf-8"))
    assert not rss.bozo and not atom.bozo
    for path in feed_files(site.public):
        assert_valid_feed(path)
    assert rss.feed.language == "ar"
    assert atom.feed.language == "ar"
    assert feed["language"] == "ar" and feed["version"] == "https://jsonfeed.org/version/1.1"
    titles = {e.title for e in rss.entries}
    assert set(LIBYA_TITLES) <= titles and len(titles) == 3
    assert {e.title for e in atom.entries} == titles == {i["title"] for i in feed["items"]}
    # ids agree across formats, and each story links to its permalink page
    assert (
        [e.id for e in rss.entries]
        == [e.id for e in atom.entries]
        == [i["id"] for i in feed["items"]]
    )
    for entry in atom.entries:
        assert entry.link.startswith("https://news.example.org/stories/")
        page = site.public / entry.link.removeprefix("https://news.example.org/")
        html = page.read_text("utf-8")
        assert 'lang="ar" dir="rtl"' in html
        assert entry.title in html
        assert entry.content[0].value.startswith('<div dir="rtl" lang="ar">')


def test_second_run_with_nothing_new_touches_no_file(site: Site) -> None:
    site.copy("bulletins/bulletin-libya.txt")
    _run(site)
    files = sorted(p for p in site.public.rglob("*") if p.is_file())
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    report = _run(site, NOW + timedelta(hours=1))
    assert report.total("new") == 0 and report.published.written == []
    assert sorted(p for p in site.public.rglob("*") if p.is_file()) == files
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == before


def test_feed_date_is_its_newest_change_not_run_time(site: Site) -> None:
    """The feed's date is when its newest story arrived (or its source's date if
    later), never the time of a run: a run with nothing new leaves the bytes
    alone, and a story dated earlier than those listed still moves the date."""
    site.write("goud.jsonl", GOUD)
    _run(site, NOW)
    rss_path = site.public / "all" / "rss.xml"
    rss = feedparser.parse(rss_path.read_bytes())
    assert rss.feed.updated_parsed[:5] == (NOW.year, NOW.month, NOW.day, NOW.hour, NOW.minute)
    # 09:30 in Tripoli (UTC+2) is 07:30 UTC: the story keeps its own date
    assert rss.entries[0].published_parsed[:5] == (2026, 11, 29, 7, 30)
    first = rss_path.read_bytes()
    _run(site, NOW + timedelta(hours=1))
    assert rss_path.read_bytes() == first

    older = GOUD.replace("goud-1", "goud-0").replace("09:30", "06:15")
    older = older.replace("كوريا داعمة المغرب على الصحرا ديالو", "البرلمان يصادق على قانون المالية")
    older = older.replace("أكدت جمهورية كوريا", "صادق مجلس النواب بالأغلبية")
    site.write("goud.jsonl", GOUD + older)
    later = NOW + timedelta(hours=2)
    _run(site, later)
    rss = feedparser.parse(rss_path.read_bytes())
    assert len(rss.entries) == 2
    assert rss.feed.updated_parsed[:4] == (later.year, later.month, later.day, later.hour)


def test_undated_story_keeps_first_seen_time(site: Site) -> None:
    site.copy("bulletins/bulletin-libya.txt")
    _run(site, NOW)
    later = NOW + timedelta(days=2)
    os.utime(site.sources / "bulletin-libya.txt")  # touched, not changed
    (site.sources / "bulletin-libya.txt").write_bytes(
        (site.sources / "bulletin-libya.txt").read_bytes()
    )
    _run(site, later)
    atom = feedparser.parse((site.public / "all" / "atom.xml").read_bytes())
    for entry in atom.entries:
        assert datetime(*entry.published_parsed[:6], tzinfo=UTC) == NOW


def test_same_story_in_two_files_is_stored_once(site: Site) -> None:
    site.copy("bulletins/bulletin-libya.txt")
    site.copy("bulletins/bulletin-libya.txt", "copy-of-bulletin.txt")
    report = _run(site)
    libya = report.sources[0]
    assert libya.batch.new == 3 and libya.batch.duplicate == 3


def test_edited_story_keeps_its_id_and_gets_updated(site: Site) -> None:
    path = site.copy("bulletins/bulletin-libya.txt")
    _run(site, NOW)
    before = feedparser.parse((site.public / "all" / "atom.xml").read_bytes())
    text = path.read_text("utf-8").replace("أكبر شريك", "الشريك الأكبر")
    path.write_text(text, "utf-8")
    later = NOW + timedelta(hours=3)
    report = _run(site, later)
    assert report.sources[0].batch.updated == 1 and report.sources[0].batch.new == 0
    after = feedparser.parse((site.public / "all" / "atom.xml").read_bytes())
    assert {e.id for e in after.entries} == {e.id for e in before.entries}
    edited = next(e for e in after.entries if e.title == LIBYA_TITLES[0])
    assert "الشريك الأكبر" in edited.content[0].value
    assert datetime(*edited.updated_parsed[:6], tzinfo=UTC) == later
    assert datetime(*edited.published_parsed[:6], tzinfo=UTC) == NOW


def test_feed_limit_and_source_selection(site: Site) -> None:
    site.copy("bulletins/bulletin-libya.txt")
    site.write("goud.jsonl", GOUD)
    site.write("odd-ids.jsonl", ODD_IDS)
    _run(site)
    for path in feed_files(site.public):
        assert_valid_feed(path)
    libya = json.loads((site.public / "libya" / "feed.json").read_text("utf-8"))
    everything = json.loads((site.public / "all" / "feed.json").read_text("utf-8"))
    assert len(libya["items"]) == 2
    assert len(everything["items"]) == 8


def test_one_broken_source_never_stops_the_others(site: Site) -> None:
    site.copy("bulletins/bulletin-libya.txt")
    site.write("broken.jsonl", '{"title": "خبر"\n')
    site.write("empty.md", b"")
    report = _run(site)
    by_name = {s.name: s for s in report.sources}
    assert by_name["libya"].batch.new == 3 and by_name["libya"].outcome is PollStatus.OK
    assert by_name["records"].failed and "broken.jsonl:1" in str(by_name["records"].errors[0])
    assert by_name["docs"].failed and "empty.md" in str(by_name["docs"].errors[0])
    assert (site.public / "all" / "rss.xml").exists()


def test_stored_and_published_items_survive_a_source_turning_bad(site: Site) -> None:
    site.write("goud.jsonl", GOUD)
    _run(site)
    site.write("goud.jsonl", b"\x00\x01\x02binary\x00")
    report = _run(site, NOW + timedelta(hours=1))
    assert report.failed
    feed = json.loads((site.public / "all" / "feed.json").read_text("utf-8"))
    assert [i["id"] for i in feed["items"]] == ["urn:nashra:records:goud-1"]


def test_partial_problems_are_reported_but_do_not_back_off_the_source(site: Site) -> None:
    site.copy("bulletins/bulletin-libya.txt")
    site.write("empty.txt", b"")  # same source (sources/*.txt), one broken file
    report = _run(site)
    libya = report.sources[0]
    assert libya.batch.new == 3 and libya.outcome == "partial"
    assert libya.outcome is PollStatus.PARTIAL and libya.has_errors and not libya.failed
    assert libya in report.partial and report.failed == []
    store = site.store()
    try:
        row = next(r for r in store.source_rows() if r["name"] == "libya")
    finally:
        store.close()
    assert row["failures"] == 0 and row["last_outcome"] == "partial"
    assert "empty.txt: empty file" in row["last_error"]


def test_a_bug_met_by_one_source_does_not_stop_the_others(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sources.files

    site.copy("bulletins/bulletin-libya.txt")
    site.write("a.md", "---\ntitle: خبر\n---\nنص.\n")
    real = sources.files.PARSERS["markdown"]

    def broken(*args: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setitem(sources.files.PARSERS, "markdown", broken)
    report = _run(site)
    monkeypatch.setitem(sources.files.PARSERS, "markdown", real)
    by_name = {s.name: s for s in report.sources}
    assert by_name["libya"].batch.new == 3
    assert "unexpected error (a bug in nashra): RuntimeError: boom" in str(
        by_name["docs"].errors[0]
    )
    assert (site.public / "all" / "rss.xml").exists()


def test_stories_seen_together_keep_the_order_of_their_bulletin(site: Site) -> None:
    site.copy("bulletins/bulletin-libya.txt")
    _run(site)
    feed = json.loads((site.public / "all" / "feed.json").read_text("utf-8"))
    assert [i["title"] for i in feed["items"]][:2] == LIBYA_TITLES


def test_once_due_polls_only_sources_whose_time_has_come(site: Site) -> None:
    site.copy("bulletins/bulletin-libya.txt")
    site.write("goud.jsonl", GOUD)
    _run(site, NOW)
    store = site.store()
    try:
        soon = run_once(site.config(), store, now=NOW + timedelta(seconds=30), due_only=True)
        later = run_once(site.config(), store, now=NOW + timedelta(minutes=6), due_only=True)
    finally:
        store.close()
    assert soon.sources == []  # every source polled 30 s ago, interval 5 minutes
    assert {s.name for s in later.sources} == {"libya", "docs", "records"}


def _collected(source: str, title: str) -> Collected:
    """A real item, built directly: what a collector would hand over, without the
    cleaning the source boundary does."""
    body = "<p>أعلنت وزارة الصحة نتائج الحملة الوطنية للتطعيم في المنطقة الشرقية.</p>"
    return Collected(items=[Item(title=title, body=body, source=source, origin="crafted")])


def test_a_story_the_database_cannot_encode_fails_its_source_alone_and_is_recorded(
    store: Store,
) -> None:
    ctx = Context(tz=TRIPOLI, now=NOW)
    wire, other = SourceSpec("wire", path="wire/*.jsonl"), SourceSpec("other", path="o.md")
    # a low surrogate alone (as a JSON "\\udc9a" escape gives), in the middle of a title
    bad = save_outcome(wire, _collected("wire", "وزارة الصحة \udc9a تعلن النتائج"), ctx, store, 0.1)
    good = save_outcome(other, _collected("other", "وزارة الصحة تعلن النتائج"), ctx, store, 0.1)
    assert bad.outcome is PollStatus.FAILED and bad.batch.new == 0
    assert str(bad.errors[0]).startswith("wire: ")
    assert good.outcome is PollStatus.OK and good.batch.new == 1
    rows = {row["name"]: row for row in store.source_rows()}
    assert rows["wire"]["last_outcome"] == "failed" and rows["wire"]["failures"] == 1
    assert rows["wire"]["last_poll_at"] == NOW and rows["wire"]["last_error"].startswith("wire: ")
    assert rows["wire"]["total"] == 0 and rows["other"]["total"] == 1
    assert rows["other"]["last_outcome"] == "ok" and rows["other"]["failures"] == 0


def test_a_failed_store_write_keeps_no_validators(store: Store) -> None:
    """A URL source whose batch could not be stored must fetch everything again:
    remembering its ETag would make the next poll a 304 and lose the stories."""
    from sources.base import SourceState

    spec = SourceSpec("agency", url="https://agency.example/ar/rss.xml")
    collected = _collected("agency", "خبر \ud83d عاجل")  # a high surrogate without its pair
    collected.state = SourceState(etag='"v1"')
    collected.status = 200
    report = save_outcome(spec, collected, Context(tz=TRIPOLI, now=NOW), store, 0.2)
    assert report.outcome is PollStatus.FAILED and report.status == 200
    assert store.source_states("agency").get("agency", SourceState()).etag is None


def test_polls_stored_together_fall_back_one_by_one_when_one_cannot_be_stored(
    store: Store,
) -> None:
    """A group commit that fails is saved again poll by poll: only the poll at
    fault fails (recorded as such), the others are stored, reports keep the order."""
    ctx = Context(tz=TRIPOLI, now=NOW)
    specs = [SourceSpec(name, path=f"{name}.md") for name in ("north", "south", "east")]
    titles = ["افتتاح معرض الكتاب في بنغازي", "سقوط \ud800 الأمطار", "تعليق الدراسة في درنة"]
    group = [(spec, _collected(spec.name, t), 0.1) for spec, t in zip(specs, titles, strict=True)]
    reports = save_outcomes(group, ctx, store)
    assert [r.name for r in reports] == ["north", "south", "east"]
    assert [r.outcome for r in reports] == [PollStatus.OK, PollStatus.FAILED, PollStatus.OK]
    assert [r.batch.new for r in reports] == [1, 0, 1]
    rows = {row["name"]: row for row in store.source_rows()}
    assert rows["south"]["last_outcome"] == "failed" and rows["south"]["total"] == 0
    assert rows["north"]["total"] == 1 and rows["east"]["total"] == 1


def test_polls_stored_together_give_what_one_by_one_gives(tmp_path: Path) -> None:
    """Same stories, same decisions, same stored ids: the group commit changes
    nothing but the number of commits (real Arabic bulletin text, two sources
    bringing the same story and one of them a story of its own)."""
    ctx = Context(tz=TRIPOLI, now=NOW)
    wire, daily = SourceSpec("wire", path="w.md"), SourceSpec("daily", path="d.md")
    group = [
        (wire, _collected("wire", LIBYA_TITLES[0]), 0.1),
        (daily, _collected("daily", LIBYA_TITLES[0]), 0.1),  # the same story: a duplicate
        (daily, _collected("daily", LIBYA_TITLES[1]), 0.1),
    ]
    together, apart = (Store.open(f"sqlite:///{tmp_path / n}.db") for n in ("together", "apart"))
    try:
        reports = save_outcomes(group, ctx, together)
        alone = [save_outcome(spec, o, ctx, apart, d) for spec, o, d in group]
        assert [r.batch for r in reports] == [r.batch for r in alone]
        assert [r.batch.duplicate for r in reports] == [0, 1, 0]
        ids = [sorted(e.id for e in s.latest(["wire", "daily"], 10)) for s in (together, apart)]
        assert ids[0] == ids[1] and len(ids[0]) == 2
    finally:
        together.close()
        apart.close()


def test_a_group_takes_polls_in_order_up_to_its_stories() -> None:
    def polled(name: str, stories: int) -> tuple[SourceSpec, Collected, float]:
        items = [Item(title=f"خبر {n}", body="", source=name) for n in range(stories)]
        return SourceSpec(name, path=f"{name}.md"), Collected(items=items), 0.0

    pending = [polled("a", 1500), polled("b", 400), polled("c", 300), polled("d", 5000)]
    assert [p[0].name for p in take_group(pending)] == ["a", "b"]  # 1,900; c would pass 2,000
    assert [p[0].name for p in take_group(pending)] == ["c"]
    assert [p[0].name for p in take_group(pending)] == ["d"]  # one poll alone may be larger
    assert pending == [] and take_group(pending) == []
    quiet = [polled(f"q{n}", 0) for n in range(GROUP_POLLS + 5)]  # polls that stored nothing
    assert len(take_group(quiet)) == GROUP_POLLS and len(take_group(quiet)) == 5
