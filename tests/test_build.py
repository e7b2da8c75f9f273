"""The item builder: one set of rules for the items of every kind of source
(Unicode repair, control characters, link schemes, future dates, headlines and
summaries)."""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sources.build import (
    FUTURE_SKEW,
    MAX_ENCLOSURES,
    MAX_MARKUP_DEPTH,
    SUMMARY_CHARS,
    TITLE_CHARS,
    TITLE_WORDS,
    Built,
    Extracted,
    ItemProblem,
    build,
    headline,
    summary,
)
from sources.item import Enclosure, Item
from tests.conftest import NOW

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
LEDE = (
    "أكد رئيس بعثة الاتحاد الأوروبي لدى ليبيا، نيكولا أورلاندو، أن الاتحاد الأوروبي يُعد "
    "أكبر شريك للمنظمة الدولية للهجرة."
)


def make(found: Extracted, base: str | None = None) -> Built:
    return build(found, source="libya", origin="libya.jsonl", now=NOW, base=base)


def strings(item: Item) -> list[str]:
    out: list[str] = []
    for f in fields(item):
        value = getattr(item, f.name)
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, tuple):
            for part in value:
                out.extend([part.url, part.type] if isinstance(part, Enclosure) else [part])
    return out


# -- Unicode and control characters -----------------------------------------------


def test_lone_surrogates_become_replacement_characters_in_every_field() -> None:
    built = make(
        Extracted(
            title="ليبيا \udc80 وقطر",
            body_text="نص \udbff الخبر",
            summary="ملخص \udfff",
            id="id-\ud83d",
            author="\udc00\ud800قسم الأخبار",  # reversed: two lone surrogates
            tags=("ليبيا\udc01", "\ud83d\ude00"),  # a valid pair stays one character
            language="ar\udc80",
            url="https://news.example.org/\udc80",
        )
    )
    item = built.item
    assert item.title == "ليبيا \ufffd وقطر"
    assert item.body == "<p>نص \ufffd الخبر</p>"
    assert item.summary == "ملخص \ufffd"
    assert item.id == "id-\ufffd"
    assert item.author == "\ufffd\ufffdقسم الأخبار"
    assert item.tags == ("ليبيا\ufffd", "😀")
    assert item.language == "ar"  # not a language tag any more: the default
    assert item.url == "https://news.example.org/\ufffd"
    for text in strings(item):
        text.encode("utf-8")


def test_controls_and_noncharacters_never_reach_a_field() -> None:
    item = make(
        Extracted(
            title="حوار\x01 بنّاء\x7f\ufffe",
            body_html="<p>تعزيز\x08 التعاون&#1;&#x7f;&#xFFFF;</p>",
            author="قسم\x1b الأخبار\x85",
            tags=("ليبيا\x0c",),
            id="\x00lib-4",
        )
    ).item
    assert item.title == "حوار بنّاء"
    assert item.body == "<p>تعزيز التعاون</p>"
    assert (item.author, item.tags, item.id) == ("قسم الأخبار", ("ليبيا",), "lib-4")


def test_titles_lose_bidi_and_zero_width_controls_but_keep_joiners() -> None:
    item = make(Extracted(title="\u202eخبر\u202c \u200bعاجل می\u200cخواهم")).item
    assert item.title == "خبر عاجل می\u200cخواهم"


# -- links ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        "JavaScript:alert(1)",
        "  \tjavascript:alert(1)",
        "java\nscript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "//evil.example/x",  # no base to resolve it against
        "/ليبيا/1",
    ],
)
def test_only_web_links_are_kept_and_the_others_are_named(link: str) -> None:
    built = make(Extracted(title="ليبيا وقطر", body_text=LEDE, url=link, image=link))
    assert built.item.url is None and built.item.image is None
    assert len(built.warnings) == 2
    assert built.warnings[0].startswith("url ") and built.warnings[1].startswith("image ")
    assert all("«ليبيا وقطر»" in w and "http and https" in w for w in built.warnings)


def test_relative_links_are_resolved_against_the_base_and_tracking_removed() -> None:
    built = make(
        Extracted(title="خبر", url="/n/1?utm_source=x&id=2", image="img/1.jpg"),
        base="https://www.goud.ma/feed/",
    )
    assert built.item.url == "https://www.goud.ma/n/1?id=2"
    assert built.item.image == "https://www.goud.ma/n/img/1.jpg"  # against the item's url
    assert built.warnings == ()


def test_a_dropped_link_names_a_derived_title() -> None:
    built = make(Extracted(body_text=LEDE, url="vbscript:msgbox(1)"))
    assert built.warnings == (
        "url 'vbscript:msgbox(1)' dropped from «" + headline(LEDE) + "»: "
        "only http and https links are published",
    )


# -- enclosures ------------------------------------------------------------------------


def test_enclosures_are_resolved_cleaned_and_kept_once() -> None:
    built = make(
        Extracted(
            title="نشرة الأخبار الصوتية",
            url="https://www.goud.ma/podcast/12",
            image="https://www.goud.ma/img/12.jpg",
            enclosures=(
                Enclosure("audio/نشرة-12.mp3", "Audio/MPEG", 1_200_000),
                Enclosure("https://www.goud.ma/podcast/audio/نشرة-12.mp3", "audio/mpeg", None),
                Enclosure("https://www.goud.ma/img/12.jpg", "image/jpeg", 10),  # the image
                Enclosure("https://cdn.goud.ma/v/12", "video", -5),
                Enclosure("javascript:alert(1)", "audio/mpeg", 1),
            ),
        ),
        base="https://www.goud.ma/feed/",
    )
    assert built.item.enclosures == (
        Enclosure("https://www.goud.ma/podcast/audio/نشرة-12.mp3", "audio/mpeg", 1_200_000),
        Enclosure("https://cdn.goud.ma/v/12", "", None),  # no type the bytes or name prove
    )
    assert built.warnings == (
        "enclosure 'javascript:alert(1)' dropped from «نشرة الأخبار الصوتية»: "
        "only http and https links are published",
    )


def test_a_feed_listing_thousands_of_media_files_keeps_a_few() -> None:
    many = tuple(Enclosure(f"https://www.goud.ma/a/{n}.mp3") for n in range(5000))
    built = make(Extracted(title="خبر", enclosures=many))
    assert len(built.item.enclosures) == MAX_ENCLOSURES
    assert built.item.enclosures[0] == Enclosure("https://www.goud.ma/a/0.mp3", "audio/mpeg")


# -- markup ----------------------------------------------------------------------------


def test_body_is_sanitised_and_summary_comes_from_the_description() -> None:
    item = make(
        Extracted(
            title="خبر",
            body_html='<p onclick="x()">نص</p><script>alert(1)</script>',
            summary_html="<p>وصف <b>قصير</b></p>",
        )
    ).item
    assert item.body == "<p>نص</p>"
    assert item.summary == "وصف قصير"


@pytest.mark.parametrize("tag", ["div", "blockquote", "section"])
def test_deeply_nested_markup_is_refused_quickly(tag: str) -> None:
    deep = f"<{tag}>" * 50_000 + "نص"
    with pytest.raises(ItemProblem, match="HTML nested too deeply"):
        make(Extracted(title="خبر", body_html=deep))
    shallow = f"<{tag}>" * MAX_MARKUP_DEPTH + "نص"
    assert "نص" in make(Extracted(title="خبر", body_html=shallow)).item.body


# -- dates ------------------------------------------------------------------------------


def test_dates_beyond_the_skew_are_dropped_for_every_source() -> None:
    near = NOW + FUTURE_SKEW - timedelta(seconds=1)
    far = NOW + FUTURE_SKEW + timedelta(seconds=1)
    item = make(Extracted(title="خبر", published=far, updated=near)).item
    assert item.published is None and item.updated == near


# -- titles and summaries -------------------------------------------------------------


def test_headline_is_the_first_sentence_without_its_full_stop() -> None:
    assert headline(LEDE + " وقال مسؤول إن الاتفاقية تشمل التدريب.") == (
        "أكد رئيس بعثة الاتحاد الأوروبي لدى ليبيا، نيكولا أورلاندو، أن الاتحاد الأوروبي يُعد "
        "أكبر شريك…"
    )
    assert headline("هل تنجح المفاوضات؟ الجواب عند الوزير.") == "هل تنجح المفاوضات؟"
    assert headline("\n\nوقّعت ليبيا وباكستان اتفاقية.\nسطر آخر") == "وقّعت ليبيا وباكستان اتفاقية"


def test_headline_limits_words_and_characters() -> None:
    words = headline(" ".join(f"كلمة{i}" for i in range(40)))
    assert len(words.removesuffix("…").split()) == TITLE_WORDS and words.endswith("…")
    long = headline("ب" * 500)
    assert len(long) == TITLE_CHARS and long.endswith("…")


def test_summary_is_cut_at_a_word_boundary() -> None:
    text = " ".join([LEDE] * 5)
    cut = summary(text)
    assert len(cut) <= SUMMARY_CHARS and cut.endswith("…")
    head = cut.removesuffix("…")
    assert text.startswith(head) and text[len(head)] in " ،"  # a word ends there
    assert summary(LEDE) == LEDE
    with pytest.raises(ValueError):
        summary(LEDE, 0)


def test_untitled_items_take_the_headline_and_explicit_summaries_are_cut() -> None:
    item = make(Extracted(body_text=LEDE + "\n\nفقرة ثانية.", summary="ملخص " * 100)).item
    assert item.title == headline(LEDE)
    assert len(item.summary) <= SUMMARY_CHARS and item.summary.startswith("ملخص ملخص")


def test_no_title_and_no_text_is_a_problem() -> None:
    with pytest.raises(ItemProblem, match=r"^no title and no text$"):
        make(Extracted(title=" \u200f\x01 ", body_text="\x02"))
    with pytest.raises(ItemProblem, match=r"^no title and no link$"):
        build(
            Extracted(body_text=LEDE, url="javascript:x"),
            source="goud",
            origin="https://www.goud.ma/feed/",
            now=NOW,
            title_needs_link=True,
        )


# -- whatever a source sends ------------------------------------------------------------

ANY_TEXT = st.lists(
    st.characters(codec=None, categories=None)
    | st.sampled_from("\ud800\udc80\udfff\x00\x01\x1b\x7f\x85\ufffe\uffff\u202e\n\t<>&\"' ")
    | st.sampled_from(["javascript:", "JavaScript:", " data:", "vbscript:", "<div>", "ليبيا"]),
    max_size=16,
).map("".join)
ANY_LINK = st.one_of(
    st.none(),
    ANY_TEXT,
    st.builds(
        lambda s, rest: s + rest, st.sampled_from(["https://a.example/", "java\tscript:"]), ANY_TEXT
    ),
)
ANY_DATE = st.one_of(
    st.none(),
    st.datetimes(
        min_value=datetime(1990, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.just(UTC),
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    title=st.one_of(st.none(), ANY_TEXT),
    body_html=st.one_of(st.none(), ANY_TEXT),
    body_text=st.one_of(st.none(), ANY_TEXT),
    summary_text=st.one_of(st.none(), ANY_TEXT),
    summary_html=st.one_of(st.none(), ANY_TEXT),
    url=ANY_LINK,
    image=ANY_LINK,
    ident=st.one_of(st.none(), ANY_TEXT),
    author=st.one_of(st.none(), ANY_TEXT),
    tags=st.lists(ANY_TEXT, max_size=4).map(tuple),
    language=st.one_of(st.none(), ANY_TEXT),
    published=ANY_DATE,
    base=st.sampled_from([None, "https://www.goud.ma/feed/"]),
)
def test_any_record_gives_a_clean_item_or_a_problem(
    title: str | None,
    body_html: str | None,
    body_text: str | None,
    summary_text: str | None,
    summary_html: str | None,
    url: str | None,
    image: str | None,
    ident: str | None,
    author: str | None,
    tags: tuple[str, ...],
    language: str | None,
    published: datetime | None,
    base: str | None,
) -> None:
    found = Extracted(
        title=title,
        body_html=body_html,
        body_text=body_text,
        summary=summary_text,
        summary_html=summary_html,
        url=url,
        image=image,
        id=ident,
        author=author,
        tags=tags,
        language=language,
        published=published,
    )
    try:
        built = make(found, base=base)
    except ItemProblem as exc:
        assert str(exc).startswith("no title and no text")
        return
    item = built.item
    assert item.title.strip()
    for text in [*strings(item), *built.warnings]:
        text.encode("utf-8")
        assert not FORBIDDEN.search(text), text
    for link in (item.url, item.image):
        assert link is None or link.startswith(("http://", "https://"))
    assert item.published is None or item.published <= NOW + FUTURE_SKEW
    assert len(item.summary) <= SUMMARY_CHARS
