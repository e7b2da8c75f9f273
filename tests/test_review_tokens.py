"""Review scratch: after a change, an incremental publish (change tokens and marks)
must write the tree a publish from scratch writes (feeds.json deleted)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from feeds.pipeline import run_once
from feeds.publish import publish
from tests.conftest import NOW, Site
from tests.test_changes import _same_trees
from tests.test_topics import _topic_site, articles

WIRE = """
[[sources]]
name = "wire"
title = "وكالة الأنباء"
path = "wire/*.jsonl"
priority = 10

[[feeds]]
name = "wire"
title = "أخبار الوكالة"
sources = ["wire"]
"""


def _site(site: Site, extra: str = WIRE) -> Site:
    _topic_site(site)
    text = site.config_path.read_text("utf-8")
    # the [[sources]] of WIRE must come before the first [[feeds]]: append both
    # tables at the end (TOML allows arrays of tables in any order)
    site.config_path.write_text(text + extra, "utf-8")
    (site.root / "wire").mkdir(exist_ok=True)
    return site


def _record(index: int, prefix: str, *, hours: int = 0, **over: object) -> dict[str, object]:
    a = articles()[index]
    rec: dict[str, object] = {
        "id": f"{prefix}-{index}",
        "title": a["title"],
        "body": a["body"],
        "url": f"https://{prefix}.example/{index}",
        "date": (NOW - timedelta(hours=hours)).isoformat(),
    }
    rec.update(over)
    return {k: v for k, v in rec.items() if v is not None}


def _write(path: Path, records: list[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", "utf-8")


def _read(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _run(site: Site, minutes: int) -> None:
    store = site.store()
    try:
        run_once(site.config(), store, now=NOW + timedelta(minutes=minutes))
    finally:
        store.close()


def _compare(site: Site, *steps: Callable[[Site], None]) -> list[str]:
    """Publish, then for each step: change, publish incrementally. Then copy the
    tree, forget every mark, publish from scratch; the files that differ."""
    _run(site, 0)
    for n, step in enumerate(steps, start=1):
        step(site)
        _run(site, 5 * n)
    incremental = site.root / "incremental"
    shutil.copytree(site.public, incremental)
    (site.public / ".nashra" / "feeds.json").unlink()
    store = site.store()
    try:
        publish(site.config(), store)
    finally:
        store.close()
    return _same_trees(site.public, incremental)


def _edit_config(old: str, new: str) -> Callable[[Site], None]:
    def step(site: Site) -> None:
        text = site.config_path.read_text("utf-8")
        assert old in text, old
        site.config_path.write_text(text.replace(old, new, 1), "utf-8")

    return step


# ----------------------------------------------------------------- story pages

PAGE_RECORDS = [_record(i, "nolink", hours=i, url=None) for i in (40, 41, 42)]


def _with_pages(site: Site) -> Site:
    _site(site)
    _write(site.sources / "nolink.jsonl", PAGE_RECORDS)
    return site


def test_a_page_deleted_by_hand_is_written_again(site: Site) -> None:
    _with_pages(site)

    def delete_page(s: Site) -> None:
        pages = sorted((s.public / "stories").glob("*.html"))
        assert pages
        pages[0].unlink()

    assert _compare(site, delete_page) == []


def test_a_page_deleted_by_hand_then_a_new_story_elsewhere(site: Site) -> None:
    """Control: once any token moves, the deleted page is found again."""
    _with_pages(site)

    def delete_page(s: Site) -> None:
        sorted((s.public / "stories").glob("*.html"))[0].unlink()

    def new_wire_story(s: Site) -> None:
        _write(s.root / "wire" / "a.jsonl", [_record(60, "wire")])

    assert _compare(site, delete_page, new_wire_story) == []


def test_a_page_story_withdrawn(site: Site) -> None:
    _with_pages(site)
    assert _compare(site, lambda s: _write(s.sources / "nolink.jsonl", PAGE_RECORDS[1:])) == []


# ------------------------------------------------------------------- clusters


def _copy_of(index: int, prefix: str, *, hours: int = 0) -> dict[str, object]:
    a = articles()[index]
    return _record(
        index, prefix, hours=hours, title=a["title"] + " (وكالات)", body=a["body"] + " المصدر: وكالات."
    )


def test_a_higher_priority_copy_joins_a_cluster(site: Site) -> None:
    _site(site)
    assert _compare(site, lambda s: _write(s.root / "wire" / "a.jsonl", [_copy_of(97, "wire")])) == []


def test_a_representative_withdrawn_hands_its_cluster_to_an_heir(site: Site) -> None:
    _site(site)

    def copy(s: Site) -> None:
        _write(s.root / "wire" / "a.jsonl", [_copy_of(97, "wire"), _copy_of(26, "wire")])

    def withdraw_rep(s: Site) -> None:
        path = s.sources / "goud.jsonl"
        _write(path, [r for r in _read(path) if r["id"] not in ("goud-97", "goud-26")])

    assert _compare(site, copy, withdraw_rep) == []


def test_a_member_edited_then_withdrawn(site: Site) -> None:
    _site(site)

    def copy(s: Site) -> None:
        _write(s.root / "wire" / "a.jsonl", [_copy_of(97, "wire")])

    def edit(s: Site) -> None:
        rec = _copy_of(97, "wire")
        rec["body"] = str(rec["body"]) + " وأضافت الوكالة أن المحادثات ستستأنف الأسبوع المقبل."
        _write(s.root / "wire" / "a.jsonl", [rec])

    def withdraw(s: Site) -> None:
        _write(s.root / "wire" / "a.jsonl", [_record(61, "wire")])

    assert _compare(site, copy, edit, withdraw) == []


# ------------------------------------------------------------------- config


def test_a_source_title_changed(site: Site) -> None:
    _site(site)
    step = _edit_config('title = "وكالة الأنباء"', 'title = "وكالة المغرب العربي"')
    assert _compare(site, step) == []


def test_a_source_removed_from_the_config(site: Site) -> None:
    _site(site)
    _write(site.root / "wire" / "a.jsonl", [_record(60, "wire", tags=["الصحراء"])])
    step = _edit_config(WIRE, "")
    assert _compare(site, step) == []


def test_a_feed_limit_and_title_changed(site: Site) -> None:
    _site(site)
    step = _edit_config('title = "الصحراء"\n', 'title = "الصحراء الغربية"\nlimit = 2\n')
    assert _compare(site, step) == []


def test_a_site_setting_changed(site: Site) -> None:
    _site(site)
    assert _compare(site, _edit_config('title = "نشرة الاختبار"', 'title = "نشرة أخرى"')) == []


def test_a_topic_query_changed(site: Site) -> None:
    _site(site)
    step = _edit_config('match = "زلزال OR بركان"', 'match = "ترامب"')
    assert _compare(site, step) == []


def test_a_tag_feed_crosses_the_minimum(site: Site) -> None:
    _site(site)

    def sport(s: Site) -> None:
        _write(s.root / "wire" / "a.jsonl", [_record(62, "wire", tags=["Sport"])])

    assert _compare(site, sport) == []


def test_a_tag_feed_falls_under_the_minimum(site: Site) -> None:
    _site(site)

    def untag(s: Site) -> None:
        path = s.sources / "goud.jsonl"
        _write(path, [r for r in _read(path) if r["id"] != "goud-2"])

    assert _compare(site, untag) == []


def test_a_new_source_for_a_feed_of_every_source(site: Site) -> None:
    _site(site)
    more = '\n[[sources]]\nname = "more"\npath = "more/*.jsonl"\n'

    def add(s: Site) -> None:
        _write(s.root / "more" / "a.jsonl", [_record(63, "more")])
        s.config_path.write_text(s.config_path.read_text("utf-8") + more, "utf-8")

    assert _compare(site, add) == []


def test_retention_expires_stories(site: Site) -> None:
    _site(site)

    def expire(s: Site) -> None:
        store = s.store()
        try:
            store.expire(NOW - timedelta(hours=4), NOW - timedelta(days=300))
        finally:
            store.close()

    assert _compare(site, expire) == []


def test_beyond_twelve_feeds_a_new_story(site: Site) -> None:
    words = ["المغرب", "الحكومة", "البرلمان", "الانتخابات", "الاقتصاد", "الرياضة", "الثقافة",
             "التعليم", "الصحة", "الأمن", "الطاقة"]  # fmt: skip
    extra = WIRE + "".join(
        f'\n[[feeds]]\nname = "topic-{n}"\ntitle = "موضوع {word}"\nmatch = "{word}"\n'
        for n, word in enumerate(words)
    )
    _site(site, extra)

    def new(s: Site) -> None:
        _write(s.root / "wire" / "a.jsonl", [_record(64, "wire"), _record(65, "wire")])

    assert _compare(site, new) == []


def test_archives_when_stories_fall_out_of_a_feed(site: Site) -> None:
    _site(site)
    step0 = _edit_config('sources = ["wire"]\n', 'sources = ["wire"]\nlimit = 2\n')

    def first(s: Site) -> None:
        step0(s)
        recs = [_record(i, "wire", hours=24 * 40 + i) for i in (70, 71)]
        _write(s.root / "wire" / "a.jsonl", recs)

    def more(s: Site) -> None:
        recs = _read(s.root / "wire" / "a.jsonl") + [_record(72, "wire"), _record(73, "wire")]
        _write(s.root / "wire" / "a.jsonl", recs)

    assert _compare(site, first, more) == []
