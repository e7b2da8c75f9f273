"""Corrections and withdrawals in file sources (feeds/store/corrections.py), on
SQLite and PostgreSQL.

Articles: Goud.ma (bench/data/samples/news-articles.jsonl: MArSum corpus, CC BY 4.0:
K. Gaanoun, A. M. Naira, A. Allak, I. Benelallam, CBI 2022).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from feeds.dedup import Version, is_correction
from feeds.identity import Entry, identify
from feeds.store import Store
from sources.base import FileState
from sources.item import Item

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = [
    json.loads(line)
    for line in (ROOT / "bench/data/samples/news-articles.jsonl").read_text("utf-8").splitlines()
]
LONG = [a for a in ARTICLES if len(a["body"].split()) >= 120]
NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)
LATER = NOW + timedelta(hours=3)
FILE = "bulletins/today.txt"
LINE = "وقال المتحدث باسم المجلس إن الجلسة ستستأنف صباح الغد."


def _story(title: str, body: str = LINE, origin: str = FILE) -> Entry:
    return identify(Item(title=title, body=f"<p>{body}</p>", source="bulletin", origin=origin))


def _read(store: Store, stories: list[Entry], when: datetime, files: tuple[str, ...] = (FILE,)):  # type: ignore[no-untyped-def]
    states = [FileState(path, f"fingerprint-{when.isoformat()}") for path in files]
    return store.save_batch("bulletin", stories, states, now=when)[0]


def test_a_headline_typo_fixed_is_one_entry_updated(store: Store) -> None:
    other = _story("افتتاح معرض الكتاب في طرابلس", "يشارك في المعرض ناشرون من عشرين بلدا.")
    _read(store, [_story("البرلمن يصادق على الميزانية"), other], NOW)
    [first] = [i for i in store.latest(["bulletin"], 10) if i.title.startswith("البرل")]
    result = _read(store, [_story("البرلمان يصادق على الميزانية"), other], LATER)
    assert (result.updated, result.new, result.withdrawn) == (1, 0, 0)
    entries = store.latest(["bulletin"], 10)
    assert len(entries) == 2
    [fixed] = [i for i in entries if i.title.startswith("البرل")]
    assert (fixed.id, fixed.slug) == (first.id, first.slug)
    assert fixed.title == "البرلمان يصادق على الميزانية" and fixed.updated == LATER
    # read again (another story edited): the corrected story is known under its new headline
    again = _read(
        store,
        [_story("البرلمان يصادق على الميزانية"), _story("أمطار غزيرة", "تتوقع الأرصاد أمطارا.")],
        LATER + timedelta(hours=1),
    )
    assert (again.unchanged, again.new, again.updated, again.withdrawn) == (1, 1, 0, 1)


def test_a_long_story_with_a_new_headline_and_a_few_words_changed_is_updated(store: Store) -> None:
    body = LONG[0]["body"]
    _read(store, [_story(LONG[0]["title"], body)], NOW)
    words = body.split()
    edited = " ".join(["تصحيح" if i % 25 == 0 else w for i, w in enumerate(words)])
    result = _read(store, [_story("عنوان مصحح تماما", edited)], LATER)
    assert (result.updated, result.new, result.withdrawn) == (1, 0, 0)
    assert [i.title for i in store.latest(["bulletin"], 10)] == ["عنوان مصحح تماما"]


def test_a_story_gone_from_a_file_read_again_is_withdrawn(store: Store) -> None:
    kept, dropped = _story("خبر باق"), _story("خبر سيسحب", "نص مختلف تماما عن غيره")
    _read(store, [kept, dropped], NOW)
    store.mark_pages([(dropped.id, "rendered")])
    result = _read(store, [kept], LATER)
    assert result.withdrawn == 1
    assert [i.title for i in store.latest(["bulletin"], 10)] == ["خبر باق"]
    assert store.count() == 2
    due = list(store.pages_due("settings", {f"{kept.slug}.html", f"{dropped.slug}.html"}))
    assert [(i.id, i.withdrawn_at) for i in due if i.id == dropped.id] == [(dropped.id, LATER)]


def test_a_withdrawn_story_never_rendered_needs_no_page(store: Store) -> None:
    kept, dropped = _story("خبر باق"), _story("خبر سيسحب", "نص مختلف تماما عن غيره")
    _read(store, [kept, dropped], NOW)
    _read(store, [kept], LATER)
    assert dropped.id not in {i.id for i in store.pages_due("settings", set())}


def test_a_file_not_read_withdraws_nothing(store: Store) -> None:
    _read(
        store,
        [_story("خبر الأمس", origin="bulletins/yesterday.txt")],
        NOW,
        ("bulletins/yesterday.txt",),
    )
    result = _read(store, [_story("خبر اليوم")], LATER)  # yesterday's file was rotated away
    assert result.withdrawn == 0
    assert len(store.latest(["bulletin"], 10)) == 2


def test_another_story_in_its_place_is_not_a_correction(store: Store) -> None:
    _read(store, [_story("الحكومة تعلن رفع الأسعار", "")], NOW)
    result = _read(store, [_story("الحكومة تنفي رفع الأسعار", "")], LATER)
    assert (result.new, result.withdrawn, result.updated) == (1, 1, 0)
    assert [i.title for i in store.latest(["bulletin"], 10)] == ["الحكومة تنفي رفع الأسعار"]


def test_is_correction_rules() -> None:
    def v(title: str, body: str = "") -> Version:
        return Version(title, body, None)

    assert is_correction(v("البرلمان يصادق", LINE), v("مجلس النواب يصادق", LINE), 0.5)
    assert is_correction(v("عنوان", LINE + " اليوم"), v("عنوان", LINE), 0.5)
    assert not is_correction(v("عنوان", "نص آخر لا علاقة له"), v("عنوان", LINE), 0.5)
    assert is_correction(v("امتحانات الباكالوريا"), v("امتحانات البكالوريا"), 0.5)
    assert not is_correction(v("الحكومة تعلن رفع الأسعار"), v("الحكومة تنفي رفع الأسعار"), 0.5)
    assert not is_correction(v("", ""), v("", ""), 0.5)


def test_a_correction_of_a_story_another_outlet_published_first(store: Store) -> None:
    """The bulletin's copy of an agency story is a member of the cluster the wire's
    copy leads; correcting its headline updates the member (same id), the cluster
    stays one entry, and its "also reported by" shows the new headline."""
    body = LONG[3]["body"]
    wire = identify(
        Item(
            title=LONG[3]["title"],
            body=f"<p>{body}</p>",
            source="wire",
            url="https://wire.example/ar/1",
            origin="https://wire.example/ar/rss.xml",
        )
    )
    store.save_batch("wire", [wire], now=NOW)
    ours = _story("نسخة النشرة من خبر الوكالة", body)
    first = _read(store, [ours], NOW + timedelta(minutes=5))
    assert (first.new, first.merged) == (0, 1)

    fixed = _story("نسخة النشرة المصححة من خبر الوكالة", body)
    again = _read(store, [fixed], LATER)
    assert (again.updated, again.new, again.merged, again.withdrawn) == (1, 0, 0, 0)
    assert store.count(["bulletin"]) == 1  # the same story, under its first id
    [entry] = store.latest(["wire", "bulletin"], 10)
    assert entry.id == wire.id
    assert [m.title for m in entry.also] == ["نسخة النشرة المصححة من خبر الوكالة"]
    assert [m.source for m in entry.also] == ["bulletin"]
    assert entry.updated >= LATER  # the entry shows something new
