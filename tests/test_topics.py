"""Topic and tag feeds (#12): queries read and matched after Arabic normalisation,
the store's index of what each feed lists, and the feeds published from it.

Regenerate the golden topic feeds after an intended change with
``NASHRA_REGEN_GOLDEN=1 python -m pytest tests/test_topics.py``.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from functools import cache
from pathlib import Path
from urllib.parse import quote

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from sqlalchemy import func, select

from feeds.dedup import Mode, Policy
from feeds.identity import Entry, identify
from feeds.pipeline import run_once
from feeds.status import read_status, status_json, status_lines
from feeds.store import Store
from feeds.store.tables import feed_items
from feeds.topics import (
    AllOf,
    AnyOf,
    Not,
    QueryError,
    StoryText,
    Term,
    Topics,
    article_stripped,
    compile_topic,
    parse_query,
    tag_slug,
)
from sources.arabic import normalize_key
from sources.item import Item
from tests.conftest import DATA, NOW, Site
from tests.feedcheck import assert_valid_feed, feed_files

ARTICLES = Path(__file__).parents[1] / "bench" / "data" / "samples" / "news-articles.jsonl"
GOLDEN = DATA / "golden"
FILES = ("rss.xml", "atom.xml", "feed.json")


@cache
def articles() -> list[dict[str, str]]:
    """400 real articles (Goud.ma, MArSum corpus, CC BY 4.0)."""
    with ARTICLES.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def _text(index: int, body: str | None = None) -> StoryText:
    a = articles()[index]
    return StoryText.of("goud", a["title"], "", a["body"] if body is None else body, ())


# ------------------------------------------------------------------------ queries


def test_queries_read_words_phrases_or_not_and_parentheses() -> None:
    assert parse_query("نفط") == Term(("نفط",))
    assert parse_query('"المصرف  المركزي"') == Term(("المصرف", "المركزي"))
    assert parse_query("نفط غاز OR كهرباء") == AnyOf(
        (AllOf((Term(("نفط",)), Term(("غاز",)))), Term(("كهرباء",)))
    )
    assert parse_query("(نفط OR غاز) -ليبيا") == AllOf(
        (AnyOf((Term(("نفط",)), Term(("غاز",)))), Not(Term(("ليبيا",))))
    )
    # words are keys: «الإقتصاد» is «الاقتصاد»; "covid-19" is a phrase of two words
    assert parse_query("الإقتصادُ") == Term(("الاقتصاد",))
    assert parse_query("COVID-19") == Term(("covid", "19"))


@pytest.mark.parametrize(
    ("query", "position"),
    [("(نفط", 1), ("نفط)", 4), ("نفط OR", 7), ("OR غاز", 1), ("", 1), ('"غاز', 1), ("()", 1)],
)
def test_a_query_error_says_the_character(query: str, position: int) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(query)
    assert caught.value.position == position
    assert str(caught.value).endswith(f"at character {position}")


def test_a_query_over_real_text() -> None:
    # article 0 names the UN and the Sahara, article 27 the Sahara and Trump
    sahara = compile_topic("sahara", match='الصحراء OR "الأمم المتحدة"', exclude="ترامب")
    assert sahara.matches(_text(0))
    assert not sahara.matches(_text(27))  # excluded
    assert not sahara.matches(_text(1))  # neither
    assert not compile_topic("x", match='"المتحدة الأمم"').matches(_text(0))  # word order


def test_tags_are_compared_as_normalised_slugs() -> None:
    topic = compile_topic("eco", tags=["الاقتصاد"])
    text = StoryText.of("goud", "عنوان", "", "نص", ["الإقتصاد", "رياضة"])
    assert topic.matches(text)
    assert not topic.matches(StoryText.of("goud", "عنوان", "", "الاقتصاد", ["اقتصاد"]))
    assert tag_slug("  الإقتصاد  الوطنيّ ") == "الاقتصاد-الوطني"
    assert compile_topic("s", sources=["other"], match="نص").matches(text) is False


def test_light_stemming_finds_the_word_behind_clitics() -> None:
    plain = compile_topic("eco", match="اقتصاد")
    light = compile_topic("eco", match="اقتصاد", stem="light")
    for form in ("والاقتصاد", "بالاقتصاد", "للاقتصاد", "فالاقتصاد", "الإقتصاد", "واقتصاد"):
        text = StoryText.of("goud", "عنوان", "", f"تحدث الوزير عن {form} اليوم", ())
        assert light.matches(text), form
        assert not plain.matches(text), form
    # a query word written with the article matches the bare word too
    bare = StoryText.of("goud", "عنوان", "", "نمو اقتصاد البلاد", ())
    assert compile_topic("e", match="الاقتصاد", stem="light").matches(bare)
    # phrases: each word behind its clitics, in a row
    phrase = compile_topic("un", match='"الأمم المتحدة"', stem="light")
    assert phrase.matches(StoryText.of("goud", "", "", "قرار للأمم المتحدة أمس", ()))
    assert not phrase.matches(StoryText.of("goud", "", "", "المتحدة للأمم", ()))


# ------------------------------------------------- planted variants (property tests)

_HAMZA = ("أ", "إ", "آ", "ٱ")
_MARKS = [chr(c) for c in range(0x064B, 0x0653)]  # tanwin, harakat, shadda, sukun
_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@cache
def _words() -> list[str]:
    """Real words of the articles that spelling variants can touch: with an alef,
    a final ة/ه or ي, or digits."""
    found = {
        w
        for a in articles()[:120]
        for w in a["body"].split()
        if w.isalnum() and len(w) >= 3 and normalize_key(w) == w.translate({0x0629: "ه"})
        and ("ا" in w or w[-1] in "ةهي" or w.isdigit())
    }  # fmt: skip
    return sorted(found)


@st.composite
def variants(draw: st.DrawFn) -> tuple[str, str]:
    """A real word and another spelling of it a reader takes for the same word."""
    word = draw(st.sampled_from(_words()))
    if word.isdigit():
        return word, word.translate(_INDIC)
    letters = list(word)
    for i, ch in enumerate(letters):
        if ch == "ا" and draw(st.booleans()):
            letters[i] = draw(st.sampled_from(_HAMZA))
    if letters[-1] in "ةه" and draw(st.booleans()):
        letters[-1] = "ه" if letters[-1] == "ة" else "ة"
    if letters[-1] == "ي" and draw(st.booleans()):
        letters[-1] = "ى"
    out = []
    for ch in letters:
        out.append(ch)
        if draw(st.integers(0, 3)) == 0:
            out.append(draw(st.sampled_from(_MARKS)))
        if draw(st.integers(0, 5)) == 0:
            out.append("\u0640")  # tatweel
    return word, "".join(out)


@settings(max_examples=300, deadline=None)
@given(pair=variants(), article=st.integers(0, 399), at=st.floats(0, 1), stem=st.booleans())
def test_every_planted_variant_is_found_and_no_story_without_the_word(
    pair: tuple[str, str], article: int, at: float, stem: bool
) -> None:
    word, variant = pair
    body = articles()[article]["body"].split()
    topic = compile_topic("t", match=word, stem="light" if stem else "")
    key = normalize_key(word)
    plain = _text(article)
    # with light stemming the query word loses its article (والوزير → وزير) and a
    # text word its clitics: the story holds the word when some form of it meets
    holds = key in plain.words or (stem and article_stripped(key) in plain.stemmed)
    assert topic.matches(plain) == holds  # without the word, never
    cut = int(at * len(body))
    planted = [*body[:cut], variant, *body[cut:]]
    assert topic.matches(_text(article, " ".join(planted))), variant
    # and the other way round: the query in the variant's spelling finds the word
    back = compile_topic("t", match=variant, stem="light" if stem else "")
    assert back.matches(_text(article, " ".join([*body, word])))


# ---------------------------------------------------------------- the store's index


def _entry(
    index: int,
    source: str,
    *,
    title: str | None = None,
    body: str | None = None,
    tags: tuple[str, ...] = (),
) -> Entry:
    a = articles()[index]
    return identify(
        Item(
            title=title or a["title"],
            body=body or a["body"],
            source=source,
            url=f"https://{source}.example/{index}",
            published=NOW - timedelta(hours=index % 48),
            tags=tags,
        )
    )


SAHARA = Topics((compile_topic("sahara", match='الصحراء OR "الأمم المتحدة"'),))
CHOSEN = (0, 1, 2, 3, 4, 26, 27, 97, 141, 169)


def _expected(topics: Topics, indexes: tuple[int, ...] = CHOSEN) -> set[str]:
    return {f"https://goud.example/{i}" for i in indexes if topics.feeds[0].matches(_text(i))}


def test_stories_are_filed_when_saved_and_read_from_the_index(store: Store) -> None:
    entries = [_entry(i, "goud") for i in CHOSEN]
    store.save_batch("goud", entries, now=NOW, topics=SAHARA)
    listed = store.latest(["goud"], 50, "sahara")
    assert {i.url for i in listed} == _expected(SAHARA) and len(listed) == 6
    assert [i.published for i in listed] == sorted((i.published for i in listed), reverse=True)
    assert store.feed_counts(["sahara", "none"]) == {"sahara": 6, "none": 0}
    assert [s.id for s in store.listing(["goud"], "sahara")] == [i.id for i in listed]


def test_an_edited_story_is_filed_again(store: Store) -> None:
    store.save_batch("goud", [_entry(0, "goud")], now=NOW, topics=SAHARA)
    assert len(store.latest(["goud"], 50, "sahara")) == 1
    edited = _entry(0, "goud", body=articles()[1]["body"])  # same story, new text
    store.save_batch("goud", [edited], now=NOW + timedelta(hours=1), topics=SAHARA)
    assert store.latest(["goud"], 50, "sahara") == []


def test_a_changed_query_is_indexed_again_over_every_story(store: Store) -> None:
    store.save_batch("goud", [_entry(i, "goud") for i in CHOSEN], now=NOW, topics=SAHARA)
    assert store.index_topics(SAHARA) == ["sahara", "#"]  # never indexed: all again
    assert store.index_topics(SAHARA) == []  # nothing changed: nothing done
    trump = Topics((compile_topic("sahara", match="ترامب"),))
    assert store.index_topics(trump) == ["sahara"]
    assert {i.url for i in store.latest(["goud"], 50, "sahara")} == _expected(trump)
    assert store.index_topics(Topics()) == []  # the feed is gone: its rows too
    assert store.feed_counts(["sahara"]) == {"sahara": 0}


def test_a_near_duplicate_cluster_is_listed_once(store: Store) -> None:
    near = Policy(mode=Mode.NEAR)
    store.save_batch("goud", [_entry(0, "goud")], now=NOW, policy=near, topics=SAHARA)
    body = articles()[0]["body"] + " المصدر: وكالات."
    copy = _entry(0, "wire", title="كوريا تدعم حلا سياسيا لقضية الصحراء", body=body)
    result, _ = store.save_batch(
        "wire", [copy], now=NOW + timedelta(minutes=5), policy=near, topics=SAHARA
    )
    assert result.merged == 1
    assert store.feed_counts(["sahara"]) == {"sahara": 2}  # both are filed
    listed = store.latest(["goud", "wire"], 50, "sahara")
    assert len(listed) == 1 and [a.source for a in listed[0].also] == ["wire"]


def test_tags_are_filed_and_counted(store: Store) -> None:
    tagged = [
        _entry(i, "goud", tags=tags)
        for i, tags in ((0, ("الإقتصاد",)), (1, ("الاقتصاد", "رياضة")), (2, ("اقتصاد",)))
    ]
    store.save_batch("goud", tagged, now=NOW, topics=Topics())
    assert store.tags_with(2) == [("الاقتصاد", 2)]
    assert store.tags_with(1) == [("اقتصاد", 1), ("الاقتصاد", 2), ("رياضه", 1)]
    assert len(store.latest(["goud"], 50, "#الاقتصاد")) == 2


def test_expired_stories_leave_the_index(store: Store) -> None:
    store.save_batch("goud", [_entry(i, "goud") for i in CHOSEN], now=NOW, topics=SAHARA)
    store.expire(NOW + timedelta(days=10), NOW)
    assert store.feed_counts(["sahara"]) == {"sahara": 0}
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(feed_items)).scalar_one() == 0


# ----------------------------------------------------------------- published feeds

TOPIC_SITE = """
[[feeds]]
name = "sahara"
title = "الصحراء والأمم المتحدة"
match = '"الأمم المتحدة" OR الصحراء'
exclude = "ترامب"

[[feeds]]
name = "sahara-light"
title = "الصحراء"
match = '"الأمم المتحدة" OR الصحراء'
exclude = "ترامب"
stem = "light"

[[feeds]]
name = "nothing"
title = "لا شيء"
match = "زلزال OR بركان"
"""
PLANTED = {
    0: ("الأمم المتحدة", "الأمـــم المتحدة"),  # tatweel
    97: ("الأمم المتحدة", "الامم المتحده"),  # bare alef, ه for ة
    141: ("الأمم المتحدة", "الأُمَم المُتَّحِدَة"),  # tashkeel
}
TAGS = {0: ["الصحراء"], 1: ["الصحراء", "Sport"], 2: ["الصّحراء"], 3: ["sport"], 4: ["ثقافة"]}


def _topic_site(site: Site, *, tag_min: int = 3) -> None:
    config = site.config_path.read_text("utf-8")
    config = config.replace(
        'timezone = "Africa/Tripoli"',
        f'timezone = "Africa/Tripoli"\ntag_feeds = true\ntag_feed_min = {tag_min}',
    )
    site.config_path.write_text(config + TOPIC_SITE, "utf-8")
    lines = []
    for n, index in enumerate((0, 1, 2, 3, 4, 26, 27, 97, 141, 169)):
        a = articles()[index]
        body = a["body"]
        if index in PLANTED:
            old, new = PLANTED[index]
            assert old in body
            body = body.replace(old, new)
        record = {
            "id": f"goud-{index}",
            "title": a["title"],
            "body": body,
            "url": f"https://goud.example/{index}",
            "date": (NOW - timedelta(hours=n)).isoformat(),
            "tags": TAGS.get(index, []),
        }
        lines.append(json.dumps(record, ensure_ascii=False))
    site.write("goud.jsonl", "\n".join(lines) + "\n")


def published_topic_site(site: Site) -> Site:
    """``site`` made a topic site (``_topic_site``) and published once."""
    _topic_site(site)
    store = site.store()
    try:
        run_once(site.config(), store, now=NOW)
    finally:
        store.close()
    return site


@pytest.fixture
def topic_site(site: Site) -> Site:
    return published_topic_site(site)


@pytest.mark.parametrize("name", FILES)
def test_golden_topic_feed(topic_site: Site, name: str) -> None:
    data = (topic_site.public / "sahara" / name).read_bytes()
    golden = GOLDEN / f"topic-{name}"
    if os.environ.get("NASHRA_REGEN_GOLDEN"):
        golden.write_bytes(data)
    assert data == golden.read_bytes()


def test_the_topic_feed_holds_the_variants_and_nothing_else(topic_site: Site) -> None:
    parsed = feedparser.parse((topic_site.public / "sahara" / "atom.xml").read_bytes())
    assert not parsed.bozo
    links = {e.link for e in parsed.entries}
    # 0, 97 and 141 spell the UN otherwise; 26 names both; 27 and 169 name Trump;
    # 4 has «والصحراء»: only the light stem finds it
    assert links == {f"https://goud.example/{i}" for i in (0, 26, 97, 141)}
    light = feedparser.parse((topic_site.public / "sahara-light" / "atom.xml").read_bytes())
    assert {e.link for e in light.entries} == links | {"https://goud.example/4"}
    rss = feedparser.parse((topic_site.public / "sahara" / "rss.xml").read_bytes())
    assert {e.link for e in rss.entries} == links
    json_feed = json.loads((topic_site.public / "sahara" / "feed.json").read_text("utf-8"))
    assert {i["url"] for i in json_feed["items"]} == links


def test_every_feed_passes_the_checks(topic_site: Site) -> None:
    files = feed_files(topic_site.public)
    assert any("tags" in p.parts for p in files) and any("nothing" in p.parts for p in files)
    for path in files:
        assert_valid_feed(path)


def test_a_feed_that_matches_nothing_is_written_empty_and_status_says_so(
    topic_site: Site,
) -> None:
    parsed = feedparser.parse((topic_site.public / "nothing" / "rss.xml").read_bytes())
    assert not parsed.bozo and parsed.entries == [] and parsed.feed.title == "لا شيء"
    json_feed = json.loads((topic_site.public / "nothing" / "feed.json").read_text("utf-8"))
    assert json_feed["items"] == []
    store = topic_site.store()
    try:
        report = read_status(topic_site.config(), store)
    finally:
        store.close()
    lines = status_lines(report, 3)
    assert any(line.startswith("feed nothing matched nothing") for line in lines)
    assert not any(line.startswith("feed sahara matched") for line in lines)
    feeds = {f["name"]: f for f in status_json(report, 3)["feeds"]}
    assert feeds["nothing"]["matched_nothing"] and feeds["sahara"]["items"] == 4
    assert not feeds["all"]["matched_nothing"]


def test_tag_feeds_have_readable_arabic_folders_and_encoded_urls(topic_site: Site) -> None:
    public = topic_site.public
    folders = sorted(p.name for p in (public / "tags").iterdir())
    assert folders == ["الصحراء"]  # 3 stories; "sport" has 2, ثقافة 1 (tag_feed_min = 3)
    encoded = quote("الصحراء")
    url = f"https://news.example.org/tags/{encoded}/rss.xml"
    parsed = feedparser.parse((public / "tags" / "الصحراء" / "rss.xml").read_bytes())
    assert len(parsed.entries) == 3 and parsed.feed.title == "الصحراء"
    assert {link.href for link in parsed.feed.links if link.rel == "self"} == {url}
    opml = etree.parse(str(public / "feeds.opml"))
    assert url in opml.xpath("//outline/@xmlUrl")
    index = (public / "index.html").read_text("utf-8")
    assert f'href="tags/{encoded}/rss.xml"' in index


def test_a_tag_under_the_threshold_loses_its_feed(topic_site: Site) -> None:
    _topic_site_min(topic_site, 4)
    store = topic_site.store()
    try:
        run_once(topic_site.config(), store, now=NOW + timedelta(minutes=10))
    finally:
        store.close()
    assert not (topic_site.public / "tags").exists()
    assert "tags/" not in (topic_site.public / "feeds.opml").read_text("utf-8")


def _topic_site_min(site: Site, tag_min: int) -> None:
    text = site.config_path.read_text("utf-8")
    site.config_path.write_text(
        text.replace("tag_feed_min = 3", f"tag_feed_min = {tag_min}"), "utf-8"
    )
