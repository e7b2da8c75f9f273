"""Publishing only what changed (``feeds.publish`` marks, ``feeds.store.changes``
tokens): after each kind of change, and after a run that stopped half-way, the
tree published run by run is byte for byte the tree a publish from scratch
(``.nashra/feeds.json`` deleted) writes from the same store. Real articles
(Goud.ma, MArSum corpus, CC BY 4.0)."""

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


# ------------------------------------------------------------------- clusters


def _copy_of(index: int, prefix: str, *, hours: int = 0) -> dict[str, object]:
    a = articles()[index]
    return _record(
        index,
        prefix,
        hours=hours,
        title=a["title"] + " (وكالات)",
        body=a["body"] + " المصدر: وكالات.",
    )


def test_a_higher_priority_copy_joins_a_cluster(site: Site) -> None:
    _site(site)
    assert (
        _compare(site, lambda s: _write(s.root / "wire" / "a.jsonl", [_copy_of(97, "wire")])) == []
    )


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


def test_a_source_removed_from_the_config(site: Site) -> None:
    _site(site)
    _write(site.root / "wire" / "a.jsonl", [_record(60, "wire", tags=["الصحراء"])])
    step = _edit_config(WIRE, "")
    assert _compare(site, step) == []


def test_a_topic_query_changed(site: Site) -> None:
    _site(site)
    step = _edit_config('match = "زلزال OR بركان"', 'match = "ترامب"')
    assert _compare(site, step) == []


def test_a_tag_feed_crosses_the_minimum(site: Site) -> None:
    _site(site)

    def sport(s: Site) -> None:
        _write(s.root / "wire" / "a.jsonl", [_record(62, "wire", tags=["Sport"])])

    assert _compare(site, sport) == []


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
        recs = [*_read(s.root / "wire" / "a.jsonl"), _record(72, "wire"), _record(73, "wire")]
        _write(s.root / "wire" / "a.jsonl", recs)

    assert _compare(site, first, more) == []


# ---------------------------------------------------------- files deleted by hand


def _deleting(relative: str) -> Callable[[Site], None]:
    def step(site: Site) -> None:
        path = site.public / relative
        assert path.is_file(), relative
        path.unlink()

    return step


def test_the_archive_state_deleted_by_hand(site: Site) -> None:
    _site(site)
    _write(
        site.root / "wire" / "a.jsonl", [_record(i, "wire", hours=24 * 40 + i) for i in (70, 71)]
    )
    step0 = _edit_config('sources = ["wire"]\n', 'sources = ["wire"]\nlimit = 1\n')
    _run(site, 0)
    step0(site)
    assert _compare(site, _deleting(".nashra/archives.json")) == []


def test_clusters_really_merge(site: Site) -> None:
    """Sanity for the cluster scenarios: the copy joins goud-97's cluster."""
    _site(site)
    _run(site, 0)
    _write(site.root / "wire" / "a.jsonl", [_copy_of(97, "wire"), _copy_of(26, "wire")])
    _run(site, 5)
    store = site.store()
    try:
        listed = store.latest(["records", "wire"], 50)
    finally:
        store.close()
    merged = [i for i in listed if i.also]
    assert len(merged) == 2, [(i.id, i.title) for i in listed]


def _archiving_wire(site: Site) -> tuple[Path, list[bytes], Callable[[Site], None]]:
    """A wire feed of limit 1 whose older stories are archived; the archive state's
    path, the copies of it saved, and a step adding a story (saving the state first)."""
    _site(site)
    _write(site.root / "wire" / "a.jsonl",
           [_record(70, "wire", hours=24 * 70), _record(71, "wire", hours=24 * 40)])  # fmt: skip
    text = site.config_path.read_text("utf-8")
    site.config_path.write_text(
        text.replace('sources = ["wire"]\n', 'sources = ["wire"]\nlimit = 1\n'), "utf-8"
    )
    state = site.public / ".nashra" / "archives.json"
    saved: list[bytes] = []

    def new_story_then_crash(s: Site) -> None:
        saved.append(state.read_bytes())
        recs = [*_read(s.root / "wire" / "a.jsonl"), _record(72, "wire")]
        _write(s.root / "wire" / "a.jsonl", recs)

    return state, saved, new_story_then_crash


def test_a_crash_between_the_marks_and_the_archive_state(site: Site) -> None:
    """The process dies after ``ledger.save()`` (feeds.json, manifest) and before
    ``archives.json`` is written: the disk holds the last run's archive state.
    Simulated by putting that file back; then nothing new, one more run."""
    state, saved, new_story_then_crash = _archiving_wire(site)

    def restore_old_state(s: Site) -> None:
        assert state.read_bytes() != saved[0]  # the run did change it
        state.write_bytes(saved[0])

    assert _compare(site, new_story_then_crash, restore_old_state) == []


def test_after_the_crash_the_next_change_heals_the_archives(site: Site) -> None:
    """Control for the test above: once the feed's tokens move, all agrees again."""
    state, saved, new_story_then_crash = _archiving_wire(site)

    def restore_old_state(s: Site) -> None:
        state.write_bytes(saved[0])

    def edit_archived(s: Site) -> None:
        recs = _read(s.root / "wire" / "a.jsonl")
        recs[0]["title"] = str(recs[0]["title"]) + " (محدث)"
        _write(s.root / "wire" / "a.jsonl", recs)

    assert _compare(site, new_story_then_crash, restore_old_state, edit_archived) == []


# ------------------------------------------------- nashra migrate (feeds.store.transfer)


def test_a_catch_up_copy_brings_stories_without_moving_tokens(
    site: Site, database_url: str
) -> None:
    """The documented migrate flow: the old node keeps running while the copy is
    made, the new store is published from, then ``nashra migrate`` is run again
    to bring the stories stored since: they arrive, but the target's ``changes``
    rows are not replaced (insert-or-ignore), so the new node keeps every feed."""
    from feeds.store import Store
    from feeds.store.transfer import transfer

    _site(site)
    _run(site, 0)  # the old node (embedded SQLite)
    source = f"sqlite:///{site.root / '.state' / 'nashra.db'}"
    target = database_url  # PostgreSQL, what the copy is for (and SQLite)
    assert transfer(source, target).verified
    # the old node stores (and publishes) one more story before it is stopped
    goud = site.sources / "goud.jsonl"  # a source the copy already has a token of
    _write(goud, [_record(66, "goud"), *_read(goud)])
    _run(site, 5)

    def publish_from_target() -> None:
        store = Store.open(target)
        try:
            publish(site.config(), store)
        finally:
            store.close()

    publish_from_target()  # the new node's first publish: without the new story yet
    done = transfer(source, target)  # the catch-up copy brings it
    assert done.verified and done.copied > 0
    publish_from_target()
    incremental = site.root / "incremental"
    shutil.copytree(site.public, incremental)
    (site.public / ".nashra" / "feeds.json").unlink()
    publish_from_target()
    assert _same_trees(site.public, incremental) == []


def test_a_crash_between_the_marks_and_the_manifest(site: Site) -> None:
    """``_Ledger.save`` writes feeds.json, then the manifest: the process dies in
    between (simulated by putting the last run's manifest back); then nothing
    new, one more run. The kept feeds are recorded as the stale manifest has them."""
    _site(site)
    manifest = site.public / ".nashra" / "manifest.json"
    saved: list[bytes] = []

    def new_story_then_crash(s: Site) -> None:
        saved.append(manifest.read_bytes())
        goud = s.sources / "goud.jsonl"
        _write(goud, [_record(67, "goud"), *_read(goud)])

    def restore_old_manifest(s: Site) -> None:
        assert manifest.read_bytes() != saved[0]
        manifest.write_bytes(saved[0])

    assert _compare(site, new_story_then_crash, restore_old_manifest) == []


def test_a_bulletin_corrected_and_a_story_withdrawn(site: Site) -> None:
    """Bulletin stories have no URL: pages, and the «libya» feed (limit 2) archives."""
    _site(site)
    bulletin = site.copy("bulletins/bulletin-libya.txt", "libya.txt")
    lines = bulletin.read_text("utf-8").splitlines()

    def correct(s: Site) -> None:
        fixed = list(lines)
        assert "أكبر شريك" in fixed[1]
        fixed[1] = fixed[1].replace("أكبر شريك", "أهم شريك")
        bulletin.write_text("\n".join(fixed) + "\n", "utf-8")

    def withdraw(s: Site) -> None:
        kept = lines[:5] + lines[11:]  # the second story gone
        kept[1] = kept[1].replace("أكبر شريك", "أهم شريك")
        bulletin.write_text("\n".join(kept) + "\n", "utf-8")

    assert _compare(site, correct, withdraw) == []


def test_a_representative_edited_changes_its_members_entries(site: Site) -> None:
    """goud-97 (records) leads a cluster that wire's copy joined; the «wire» feed
    (without records) lists the copy standing in, with goud's version in its
    «also reported by» list. Then goud's headline is corrected."""
    _site(site)

    def copy(s: Site) -> None:
        _write(s.root / "wire" / "a.jsonl", [_copy_of(97, "wire")])

    def edit_rep(s: Site) -> None:
        path = s.sources / "goud.jsonl"
        recs = _read(path)
        for r in recs:
            if r["id"] == "goud-97":
                r["title"] = str(r["title"]) + " (تحديث)"
        _write(path, recs)

    assert _compare(site, copy, edit_rep) == []


def test_a_source_renamed_and_a_feed_removed(site: Site) -> None:
    _site(site)
    _write(site.root / "wire" / "a.jsonl", [_record(68, "wire", tags=["Sport"])])
    rename = _edit_config(
        'name = "wire"\ntitle = "وكالة الأنباء"', 'name = "agency"\ntitle = "وكالة الأنباء"'
    )

    def rename_and_drop(s: Site) -> None:
        rename(s)
        text = s.config_path.read_text("utf-8").replace(
            'sources = ["wire"]', 'sources = ["agency"]'
        )
        drop = '[[feeds]]\nname = "nothing"\ntitle = "لا شيء"\nmatch = "زلزال OR بركان"\n'
        assert drop in text
        s.config_path.write_text(text.replace(drop, ""), "utf-8")

    assert _compare(site, rename_and_drop) == []
