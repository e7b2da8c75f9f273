"""Near-duplicate clusters in the store (feeds/store/clusters.py), on SQLite and
PostgreSQL.

The articles are real Moroccan news articles from Goud.ma (bench/data/samples/
news-articles.jsonl: MArSum corpus, CC BY 4.0: K. Gaanoun, A. M. Naira, A. Allak,
I. Benelallam, CBI 2022); the headline pairs come from the ANS corpus
(bench/data/samples/headline-pairs.jsonl: repository latynt/ans, Apache-2.0;
J. Khouja, FEVER workshop at ACL 2020).
"""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from feeds.dedup import Mode, Policy
from feeds.identity import Entry, identify
from feeds.store import BatchResult, PollBatch, PollRecord, Store
from feeds.store.clusters import BUCKET_SECONDS, PRUNE_STEP
from sources.errors import StoreError
from sources.item import Item

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "bench" / "data" / "samples"
ARTICLES = [
    json.loads(line) for line in (SAMPLES / "news-articles.jsonl").read_text("utf-8").splitlines()
]
DISAGREE = [
    pair
    for pair in map(json.loads, (SAMPLES / "headline-pairs.jsonl").read_text("utf-8").splitlines())
    if pair["stance"] == "disagree"
]
NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)
LONG = [a for a in ARTICLES if len(a["body"].split()) >= 120]


def _entry(source: str, title: str, body: str, **kw: object) -> Entry:
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n") if p.strip())
    fields: dict[str, object] = {"title": title, "body": paragraphs, "source": source}
    fields.update(kw)
    return identify(Item(**fields))  # type: ignore[arg-type]


def _agency_copy(body: str) -> str:
    """Another outlet's edit of an agency story: a dateline, tashkeel and tatweel, a
    changed hamza, the last sentence dropped."""
    words = body.split()
    words = [
        w.replace("أ", "ا").replace("ك", "كـ", 1) if i % 7 == 0 else w for i, w in enumerate(words)
    ]
    text = " ".join(words[: int(len(words) * 0.9)])
    return "الرباط - (وكالات) - " + text.replace("الم", "المَ", 3)


def test_another_outlets_copy_is_merged_into_the_first(store: Store) -> None:
    article = LONG[0]
    first = _entry("agency", article["title"], article["body"], url="https://agency.example/1")
    copy = _entry("outlet", "عنوان آخر للخبر نفسه", _agency_copy(article["body"]))
    store.save_batch("agency", [first], now=NOW)
    before = store.latest(["agency", "outlet"], 10)[0]
    result, decisions = store.save_batch("outlet", [copy], now=NOW + timedelta(hours=2))
    assert result == BatchResult(merged=1)
    assert decisions[0].duplicate_of == first.id
    [entry] = store.latest(["agency", "outlet"], 10)
    assert entry.id == first.id and entry.title == article["title"]
    assert [(a.source, a.title) for a in entry.also] == [("outlet", "عنوان آخر للخبر نفسه")]
    assert entry.updated == NOW + timedelta(hours=2) and entry.rev != before.rev
    assert store.count() == 2  # the copy is kept


def test_a_copy_in_the_same_batch_is_merged(store: Store) -> None:
    article = LONG[1]
    batch = [
        _entry("wire", article["title"], article["body"]),
        _entry("wire", "نسخة أخرى", _agency_copy(article["body"])),
    ]
    result, _ = store.save_batch("wire", batch, now=NOW)
    assert (result.new, result.merged) == (1, 1)
    assert len(store.latest(["wire"], 10)) == 1


def test_different_articles_are_never_merged(store: Store) -> None:
    result, _ = store.save_batch(
        "a", [_entry("a", a["title"], a["body"]) for a in ARTICLES[:60]], now=NOW
    )
    result2, _ = store.save_batch(
        "b", [_entry("b", a["title"], a["body"]) for a in ARTICLES[60:120]], now=NOW
    )
    assert result.merged == result2.merged == 0
    assert result.new + result2.new == 120 - result.duplicate - result2.duplicate


def test_a_headline_alone_never_merges(store: Store) -> None:
    """Pairs of headlines that report opposite news, over the same short line."""
    line = "وأفادت مصادر مطلعة بأن القرار سيعلن رسميا في وقت لاحق من اليوم."
    for number, pair in enumerate(DISAGREE[:40]):
        a = _entry("a", pair["a"], line, id=f"a{number}")
        b = _entry("b", pair["b"], line, id=f"b{number}")
        store.save_batch("a", [a], now=NOW)
        result, _ = store.save_batch("b", [b], now=NOW)
        assert result.merged == 0, pair


def test_the_entry_of_a_higher_priority_copy_keeps_the_first_id(store: Store) -> None:
    article = LONG[2]
    first = _entry("blog", article["title"], article["body"])
    copy = _entry(
        "agency", "عنوان الوكالة", _agency_copy(article["body"]), url="https://w.example/2"
    )
    store.save_batch("blog", [first], now=NOW)
    result, _ = store.save_batch(
        "agency", [copy], now=NOW + timedelta(hours=1), policy=Policy(priority=5)
    )
    assert result.merged == 1
    [entry] = store.latest(["blog", "agency"], 10)
    assert entry.id == first.id and entry.slug == first.slug
    assert (entry.title, entry.url, entry.source) == (
        "عنوان الوكالة",
        "https://w.example/2",
        "agency",
    )
    assert [(a.source, a.title) for a in entry.also] == [("blog", article["title"])]


def test_a_feed_without_the_first_source_shows_its_own_copy(store: Store) -> None:
    article = LONG[3]
    store.save_batch("a", [_entry("a", article["title"], article["body"])], now=NOW)
    store.save_batch("b", [_entry("b", "نسخة ب", _agency_copy(article["body"]))], now=NOW)
    [own] = store.latest(["b"], 10)
    assert own.title == "نسخة ب" and [a.source for a in own.also] == ["a"]


@pytest.mark.parametrize("mode", [Mode.EXACT, Mode.OFF])
def test_exact_and_off_sources_do_not_merge_near_copies(store: Store, mode: Mode) -> None:
    article = LONG[4]
    store.save_batch("a", [_entry("a", article["title"], article["body"])], now=NOW)
    copy = _entry("b", "نسخة", _agency_copy(article["body"]))
    result, _ = store.save_batch("b", [copy], now=NOW, policy=Policy(mode=mode))
    assert (result.new, result.merged) == (1, 0)


def test_off_publishes_exact_copies_under_other_ids(store: Store) -> None:
    article = LONG[5]
    same = [_entry("a", article["title"], article["body"], id=str(n)) for n in range(3)]
    result, _ = store.save_batch("a", same, now=NOW, policy=Policy(mode=Mode.OFF))
    assert result.new == 3
    again, _ = store.save_batch("a", same, now=NOW, policy=Policy(mode=Mode.OFF))
    assert again.unchanged == 3
    # an off source's stories get no band rows: a near source does not find them
    exact, _ = store.save_batch(
        "b", [_entry("b", article["title"], article["body"], id="x")], now=NOW
    )
    assert (exact.new, exact.duplicate, exact.merged) == (1, 0, 0)


def test_a_story_older_than_the_window_does_not_take_a_new_copy(store: Store) -> None:
    article = LONG[6]
    store.save_batch("a", [_entry("a", article["title"], article["body"])], now=NOW)
    later = NOW + timedelta(days=8)
    result, _ = store.save_batch(
        "b", [_entry("b", "نسخة", _agency_copy(article["body"]))], now=later
    )
    assert result.new == 1
    article = LONG[7]
    store.save_batch("a", [_entry("a", article["title"], article["body"])], now=NOW)
    result, _ = store.save_batch(
        "b",
        [_entry("b", "نسخة ثانية", _agency_copy(article["body"]))],
        now=later,
        policy=Policy(window=timedelta(days=9)),
    )
    assert result.merged == 1


def test_a_withdrawn_representative_hands_its_cluster_on(store: Store) -> None:
    article = LONG[8]
    first = _entry("a", article["title"], article["body"], origin="a.txt")
    store.save_batch("a", [first], now=NOW)
    store.save_batch("b", [_entry("b", "نسخة ب", _agency_copy(article["body"]))], now=NOW)
    from sources.base import FileState

    result, _ = store.save_batch("a", [], [FileState("a.txt", "f2")], now=NOW + timedelta(hours=1))
    assert result.withdrawn == 1
    [shown] = store.latest(["a", "b"], 10)
    assert shown.title == "نسخة ب" and shown.also == ()


BAD_BODIES = {
    "english": " ".join(["The ministry said on Monday that the new budget will be debated."] * 12),
    "mixed": " ".join(["أعلنت الوزارة that the budget سيناقش next week في البرلمان"] * 10),
    "empty": "",
    "huge": " ".join(a["body"] for a in ARTICLES[:120]),
    "boilerplate": "\n".join(["تابعونا على فيسبوك وتويتر", "جميع الحقوق محفوظة ©"] * 30),
    "digits": " ".join(str(n) for n in range(500)),
}


def test_bad_bodies_never_crash_nor_merge_unrelated_stories(store: Store) -> None:
    stories = [_entry("a", f"خبر {name}", body) for name, body in BAD_BODIES.items()]
    stories += [_entry("a", a["title"], a["body"]) for a in ARTICLES[200:205]]
    result, _ = store.save_batch("a", stories, now=NOW)
    assert result.merged == 0 and result.new == len(stories)
    unrelated = [_entry("b", f"خبر آخر {name}", body + " ") for name, body in BAD_BODIES.items()]
    again, _ = store.save_batch(
        "b", [_entry("b", a["title"], a["body"]) for a in ARTICLES[300:305]], now=NOW
    )
    assert again.merged == 0
    assert store.save_batch("b", unrelated, now=NOW)[0].new >= 0  # never raises


def test_a_bulletins_long_shared_sign_off_does_not_merge_its_stories(store: Store) -> None:
    sign_off = (
        "\nكانت هذه نشرة الأخبار من إذاعة ليبيا الوطنية، تابعونا في النشرة القادمة على "
        "الموجة المتوسطة وعلى موقعنا، ونذكركم بأن البرامج تبث يوميا من السادسة صباحا حتى منتصف الليل "
        "وأن بإمكانكم مراسلتنا على العنوان المعروف لدى جميع المستمعين الكرام في كل مكان"
    ) * 2
    short = [a for a in ARTICLES if 45 <= len(a["body"].split()) <= 70][:6]
    stories = [_entry("radio", a["title"], a["body"] + sign_off, origin="b.txt") for a in short]
    result, _ = store.save_batch("radio", stories, now=NOW)
    assert result.merged == 0 and result.new == len(stories)


def _save_at_once(stores: list[Store], article: dict[str, str]) -> list[BatchResult]:
    """Each store's source saves its copy of the article at the same moment."""
    barrier = threading.Barrier(len(stores))
    results: list[BatchResult] = []

    def save(worker: int) -> None:
        body = _agency_copy(article["body"]) if worker % 2 else article["body"]
        entry = _entry(f"s{worker}", f"{article['title']} {worker}", body)
        barrier.wait()
        results.append(stores[worker].save_batch(f"s{worker}", [entry], now=NOW)[0])

    threads = [threading.Thread(target=save, args=(w,)) for w in range(len(stores))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_sources_bringing_near_copies_at_once_make_one_entry(database_url: str) -> None:
    stores = [Store.open(database_url) for _ in range(4)]
    try:
        rounds = LONG[10:16]
        for number, article in enumerate(rounds):
            results = _save_at_once(stores, article)
            assert sum(r.new for r in results) == 1, number
            assert sum(r.merged for r in results) == len(stores) - 1
        assert len(stores[0].latest([f"s{w}" for w in range(4)], 100)) == len(rounds)
    finally:
        for s in stores:
            s.close()


def _poll(source: str, at: datetime) -> PollRecord:
    location = f"https://{source}.example/rss"
    return PollRecord(name=source, kind="url", location=location, every=300.0, at=at, outcome="ok")


def test_polls_saved_together_merge_a_copy_stored_by_an_earlier_poll_of_the_group(
    store: Store,
) -> None:
    """A group commit (``save_polls``) decides as the polls one after the other would:
    the second outlet's copy of the first's story, in the same transaction, merges."""
    article, other = LONG[2], LONG[3]
    first = _entry("agency", article["title"], article["body"], url="https://agency.example/2")
    copy = _entry("outlet", "الخبر بعنوان المنبر الثاني", _agency_copy(article["body"]))
    alone = _entry("outlet", other["title"], other["body"])
    results = store.save_polls(
        [
            PollBatch([first], _poll("agency", NOW)),
            PollBatch([copy, alone], _poll("outlet", NOW)),
            PollBatch([], _poll("quiet", NOW)),  # a poll that brought nothing is recorded too
        ]
    )
    assert results == [BatchResult(new=1), BatchResult(new=1, merged=1), BatchResult()]
    entries = store.latest(["agency", "outlet"], 10)
    assert sorted(e.id for e in entries) == sorted([first.id, alone.id])
    [merged] = [e for e in entries if e.id == first.id]
    assert [a.title for a in merged.also] == ["الخبر بعنوان المنبر الثاني"]
    rows = {row["name"]: row for row in store.source_rows()}
    assert rows["outlet"]["total"] == 2 and rows["agency"]["total"] == 1  # the copy is kept
    assert rows["quiet"]["last_poll_at"] == NOW and rows["quiet"]["last_outcome"] == "ok"


def test_a_group_that_cannot_be_stored_leaves_nothing_of_any_of_its_polls(store: Store) -> None:
    """All or nothing: the caller then saves each poll on its own."""
    good = _entry("agency", LONG[4]["title"], LONG[4]["body"])
    bad = _entry("outlet", "عنوان معطوب", LONG[5]["body"])
    # a lone low surrogate, which the database driver cannot encode
    bad = replace(bad, item=replace(bad.item, title="عنوان \udfff معطوب"))
    with pytest.raises((StoreError, UnicodeEncodeError)):  # as the driver says it
        store.save_polls(
            [PollBatch([good], _poll("agency", NOW)), PollBatch([bad], _poll("outlet", NOW))]
        )
    assert store.count() == 0 and store.source_rows() == []


# -- the band index holds the window, and no more -----------------------------------------


def _bands(store: Store) -> list[tuple[int, int]]:
    """(first-seen second, story key) of every band row."""
    with store.engine.connect() as conn:
        return [
            tuple(r) for r in conn.exec_driver_sql("SELECT first_seen, item_key FROM near_bands")
        ]


def _days(store: Store, first: int, last: int, start: datetime) -> list[Entry]:
    """One outlet's story a day, from article ``first`` to ``last``."""
    saved = []
    for day, article in enumerate(LONG[first:last]):
        entry = _entry("daily", article["title"], article["body"])
        store.save_batch("daily", [entry], now=start + timedelta(days=day))
        saved.append(entry)
    return saved


def test_bands_of_stories_out_of_the_window_are_dropped(store: Store) -> None:
    """Checking a new story costs the same however many stories are stored: the
    index keeps the window (7 days), a day more and the rest of the oldest bucket,
    each row in its first-seen time's bucket."""
    start = NOW - timedelta(days=20)
    _days(store, 20, 41, start)  # 21 days of stories
    last = start + timedelta(days=20)
    oldest = min(seen for seen, _ in _bands(store))
    assert oldest >= int((last - timedelta(days=8, hours=1)).timestamp()) - BUCKET_SECONDS
    kept_stories = {key for _, key in _bands(store)}
    most = 8 + BUCKET_SECONDS // 86400 + 1
    assert 8 <= len(kept_stories) <= most and store.count() == 21  # the stories stay
    with store.engine.connect() as conn:
        rows = list(conn.exec_driver_sql("SELECT bucket, first_seen FROM near_bands"))
    assert {bucket for bucket, seen in rows} == {seen // BUCKET_SECONDS for bucket, seen in rows}
    assert all(bucket == seen // BUCKET_SECONDS for bucket, seen in rows)
    # a copy of a story of the window still merges
    copy = _entry("weekly", "نسخة من خبر الأمس", _agency_copy(LONG[39]["body"]))
    result, _ = store.save_batch("weekly", [copy], now=last + timedelta(hours=1))
    assert result.merged == 1


def test_a_store_that_did_not_prune_for_long_catches_up_in_steps(store: Store) -> None:
    # the last of the four a bucket and more before the window's start and its day
    start = NOW - timedelta(days=10, seconds=4 * PRUNE_STEP)
    for step, article in enumerate(LONG[45:49]):  # four stories a step apart, long ago
        entry = _entry("archive", article["title"], article["body"])
        store.save_batch(
            "archive",
            [entry],
            now=start + timedelta(seconds=step * PRUNE_STEP),
            policy=Policy(window=timedelta(days=60)),  # nothing pruned meanwhile
        )
    assert len({key for _, key in _bands(store)}) == 4
    fresh = [_entry("daily", a["title"], a["body"]) for a in LONG[50:54]]
    left = []
    for entry in fresh:  # each save drops one more step of the old rows
        store.save_batch("daily", [entry], now=NOW)
        left.append(
            len({seen for seen, _ in _bands(store) if seen < int(NOW.timestamp()) - 86400 * 9})
        )
    assert left == [3, 2, 1, 0]


def test_a_grown_window_reaches_stories_whose_bands_were_dropped(store: Store) -> None:
    """The rows are made again from the stored shingles: a copy of a 15-day-old
    story merges once the window is 30 days."""
    start = NOW - timedelta(days=20)
    saved = _days(store, 60, 81, start)
    last = start + timedelta(days=20)
    old = LONG[60 + 5]  # first seen on day 5: 15 days before the last
    assert saved[5].item.title == old["title"]
    assert int((start + timedelta(days=5)).timestamp()) not in {s for s, _ in _bands(store)}
    copy = _entry("weekly", "إعادة نشر خبر قديم", _agency_copy(old["body"]))
    result, decisions = store.save_batch(
        "weekly", [copy], now=last + timedelta(hours=2), policy=Policy(window=timedelta(days=30))
    )
    assert result.merged == 1 and decisions[0].duplicate_of == saved[5].id
    assert min(s for s, _ in _bands(store)) <= int((start + timedelta(days=1)).timestamp())


def test_a_stored_candidate_half_the_size_matches_at_the_threshold() -> None:
    """A candidate read from its packed shingles is compared as a set would be, and
    one whose size alone caps the resemblance below the threshold is passed over:
    a stored story holding exactly half the new one's shingles still matches."""
    from feeds.near import THRESHOLD, Fingerprint, pack, unpacked
    from feeds.store.clusters import Candidate, best_match

    probe = Fingerprint(frozenset(range(1000, 1200)), ())
    half = Candidate("half", "half", unpacked(pack(frozenset(range(1000, 1100)))))
    short = Candidate("short", "short", frozenset(range(1000, 1099)))
    assert THRESHOLD == 0.5
    found = best_match(probe, [short, half])
    assert found is not None and found.id == "half"
    assert best_match(probe, [short]) is None


def test_a_band_that_many_stories_share_proposes_only_its_newest(store: Store) -> None:
    """An outlet that ends every story with the same long paragraph (not shared
    within one poll, so no poll's fingerprints leave it out) gives its stories
    bands in common. A band proposes its newest ``PER_BAND`` stories only, and a
    copy of the outlet's first story, pushed out of those bands' newest, is still
    found through the bands of its own text."""
    from feeds.near import fingerprint, lines_of
    from feeds.store.clusters import PER_BAND, candidates

    sign_off = " ".join(LONG[-1]["body"].split()[:150])
    stories = LONG[2 : 2 + PER_BAND + 12]
    saved = []
    for minute, article in enumerate(stories):
        entry = _entry("daily", article["title"], f"{article['body']}\n{sign_off}")
        store.save_batch("daily", [entry], now=NOW + timedelta(minutes=minute))
        saved.append(entry)
    with store.engine.connect() as conn:
        shared = conn.exec_driver_sql(
            f"SELECT band, COUNT(*) FROM near_bands GROUP BY band HAVING COUNT(*) > {PER_BAND}"
        ).all()
        assert shared, "the sign-off gives no band to many stories: the test tests nothing"
        probe = fingerprint(lines_of(f"{LONG[-2]['body']}\n{sign_off}"))
        assert probe is not None
        proposed = candidates(conn, [probe], NOW - timedelta(days=1))
    assert {band for band, _count in shared} & set(proposed)
    assert all(len(found) <= PER_BAND for found in proposed.values())
    copy = _entry("outlet", "نسخة منقولة", _agency_copy(stories[0]["body"]))
    result, decisions = store.save_batch("outlet", [copy], now=NOW + timedelta(hours=1))
    assert result.merged == 1 and decisions[0].duplicate_of == saved[0].id


def test_candidates_of_many_bands_are_each_bands_newest_in_each_bucket(store: Store) -> None:
    """Hundreds of bands looked up at once (several statements, in pieces of a
    power of two) over two weeks of the index: per band, exactly the newest
    ``PER_BAND`` stories of each week, as read row by row."""
    from feeds.near import fingerprint, lines_of
    from feeds.store.clusters import PER_BAND, candidates, near_key

    start = NOW - timedelta(days=6)
    saved = []
    for hour, article in enumerate(LONG[:70]):
        entry = _entry(f"outlet{hour % 3}", article["title"], article["body"])
        store.save_batch(entry.item.source, [entry], now=start + timedelta(hours=hour * 2))
        saved.append(entry)
    probes = [fingerprint(lines_of(a["body"])) for a in LONG[:70:2]]
    fps = [fp for fp in probes if fp is not None]
    since = start - timedelta(days=1)
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT bucket, band, first_seen, item_key FROM near_bands"
        ).all()
        proposed = candidates(conn, fps, since)
    assert len({r[0] for r in rows}) == 2 and len({b for fp in fps for b in fp.bands}) > 300
    newest: dict[int, set[int]] = {}
    for bucket, band in {(r[0], r[1]) for r in rows}:
        ranked = sorted((r for r in rows if r[0] == bucket and r[1] == band), reverse=True)
        newest.setdefault(band, set()).update(r[3] for r in ranked[:PER_BAND])
    keys = {near_key(e.id): e.id for e in saved}
    for fp in fps:
        for band in fp.bands:
            assert {keys[near_key(c.id)] for c in proposed.get(band, [])} == {
                keys[k] for k in newest.get(band, set())
            }
