"""The plain-text bulletin segmenter (``sources.bulletin``) and its word table.

Fixtures live in ``tests/data/bulletins/`` (see the README there for where the
text comes from). Files are read as bytes and decoded here, so that CRLF line
endings reach the segmenter as they are in the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sources.arabic import strip_controls
from sources.bulletin import (
    Block,
    Story,
    is_separator,
    opens_continuation,
    parse_bulletin,
    segment,
    story_html,
    summary_of,
    title_from,
    topic_shift,
)
from sources.bulletin_words import DEFAULT_WORDS, BulletinWords

BULLETINS = Path(__file__).parent / "data" / "bulletins"


def read(name: str) -> str:
    return (BULLETINS / name).read_bytes().decode("utf-8")


def titles(text: str, words: BulletinWords = DEFAULT_WORDS) -> list[str]:
    return [story.title for story in segment(text, words)]


def kinds(story: Story) -> str:
    return "".join(block.kind for block in story.blocks)


# --- the user's sample ----------------------------------------------------------


def test_sample_gives_three_stories() -> None:
    text = read("bulletin-libya.txt")
    lines = text.split("\n")
    eu, qatar, pakistan = segment(text)

    assert eu.title == "الاتحاد الأوروبي يجدد التزامه بدعم إدارة الهجرة في ليبيا"
    assert eu.line == 1
    assert eu.blocks == tuple(Block("p", line) for line in lines[1:5])

    assert qatar.title == "ليبيا توجه تهنئة رسمية لدولة قطر بمناسبة «اليوم الوطني»"
    assert qatar.line == 6
    assert qatar.blocks == (Block("p", lines[6]), Block("p", lines[8]), Block("p", lines[9]))
    assert qatar.blocks[0].text.startswith("وجّهت وزارة الخارجية")
    assert qatar.blocks[-1].text.endswith("ويدعم الاستقرار والتعاون الإقليمي.")

    assert pakistan.line == 11
    assert pakistan.title == (
        "بينما تتشابك التحديات الأمنية في المنطقة، اختارت «ليبيا وباكستان» "
        "فتح صفحة جديدة من «التعاون العسكري»…"
    )
    assert pakistan.blocks == (
        Block("p", lines[10].removeprefix("وفي سياق اخر، ")),
        Block("h", "توقيع عسكري رسمي"),
        Block("p", lines[12]),
        Block("p", lines[13]),
    )


def test_sample_html_keeps_the_subheading() -> None:
    *_, pakistan = segment(read("bulletin-libya.txt"))
    body = story_html(pakistan).split("\n")
    assert body[1] == "<h3>توقيع عسكري رسمي</h3>"
    assert body[0].startswith("<p>بينما تتشابك التحديات الأمنية")
    assert "وفي سياق" not in story_html(pakistan)
    assert all(part.startswith("<p>") for i, part in enumerate(body) if i != 1)


# --- more bulletins -------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    titles: list[str]
    lines: list[int]
    kinds: list[str]


FIXTURES = {
    "maroc-crlf.txt": Expected(
        titles=[
            "كوريا الجنوبية تؤكد دعمها لجهود الأمم المتحدة بشأن الصحراء",
            "هل يصل القطار فائق السرعة إلى مراكش وأكادير؟",
            "الدواء الأمريكي «زولجنسما»: أغلى علاج في التاريخ",
            "وقعت صباح اليوم الخميس مجزرة بشرية بضواحي مدينة أكادير أسفرت عن مصرع ستة أشخاص من…",
        ],
        lines=[1, 13, 27, 37],
        kinds=["pppp", "ppphpp", "ppp", "pppp"],
    ),
    "topic-shifts.txt": Expected(
        titles=[
            "كشفت مصادر دبلوماسية أن المصالح الدبلوماسية الإسبانية تسابق الزمن لجدولة لقاء"
            " بين الملك محمد السادس…",
            "أعلن مكتب التحقيقات الفدرالي الأميركي (إف بي آي)، الجمعة، القبض على سجين بقي"
            " متواريا منذ…",
            "ذكرت قناة «تي إن تي» سبورت الأرجنتينية، أن نجم برشلونة، ليونيل ميسي، سدد قيمة"
            " الكفالة…",
            "قالت الشرطة البلجيكية أنها عثرت على جثة مغربي سجل إختفاؤه في ظروف غامضة، قبل ما…",
            "أفادت المديرية العامة للأرصاد الجوية بأنه من المرتقب تسجيل طقس حار بعدد من"
            " مناطق المملكة…",
            "أعلنت وزارة إصلاح الإدارة والوظيفة العمومية في بيان لها، اليوم الاثنين، أنه"
            " تقرر أن تعطل…",
        ],
        lines=[1, 5, 8, 11, 14, 19],
        kinds=["pphp", "ppp", "ppp", "ppp", "pp", "pp"],
    ),
    "no-headline.txt": Expected(
        titles=[
            "أكدت مصادر من داخل الشركة المكلفة باستغلال طرامواي الرباط وسلا، لـ”كود”، أن"
            " الاحتجاجات التي قام…",
            "عاينت “كود” قبل قليل بمركب الأمير مولاي عبد الله، استنفارا أمنيا غير مسبوق،"
            " وذلك استعدادا…",
            "تسبب انهيار جزء من منزل وسط العاصمة الرباط، في حدود الساعة الثامنة والنصف من مساء…",
        ],
        lines=[1, 6, 10],
        kinds=["ppp", "ppp", "ppp"],
    ),
    "subheadings.txt": Expected(
        titles=[
            "الريسوني يدخل يومه الثامن والسبعين من الإضراب عن الطعام",
            "محامون متطوعون في خدمة مغاربة العالم",
            "مشادات في البرلمان بسبب «التخربيق والبسالة»!",
            "المغربية للألعاب توقع شراكة مع يانصيب غينيا بيساو",
        ],
        lines=[1, 8, 12, 18],
        kinds=["hpphp", "pp", "pphpp", "pphp"],
    ),
}


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_fixture_stories(name: str) -> None:
    stories = segment(read(name))
    expected = FIXTURES[name]
    assert [story.title for story in stories] == expected.titles
    assert [story.line for story in stories] == expected.lines
    assert [kinds(story) for story in stories] == expected.kinds


@pytest.mark.parametrize("name", [*sorted(FIXTURES), "bulletin-libya.txt"])
def test_line_endings_do_not_matter(name: str) -> None:
    text = read(name).replace("\r\n", "\n")
    assert segment(text.replace("\n", "\r\n")) == segment(text) == segment(read(name))
    assert segment(text.replace("\n", "\r")) == segment(text)


def test_crlf_fixture_really_has_crlf() -> None:
    raw = (BULLETINS / "maroc-crlf.txt").read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n") > 0


def test_crlf_leaves_no_carriage_return_in_text() -> None:
    for story in segment(read("maroc-crlf.txt")):
        assert "\r" not in story.title
        assert all("\r" not in block.text for block in story.blocks)


def test_waw_root_verbs_open_new_stories() -> None:
    leads = {
        next(block for block in story.blocks if block.kind == "p").text.split()[0]
        for name in ("bulletin-libya.txt", "maroc-crlf.txt", "subheadings.txt")
        for story in segment(read(name))
    }
    assert {"وجّهت", "وافقت", "وصل", "وضعت", "وجّه", "وقّع"} <= leads


def test_continuation_line_without_period_is_not_a_headline() -> None:
    # «وحسب مصادرنا، … وآيت اعميرة» is short and ends without a period.
    accident = segment(read("maroc-crlf.txt"))[-1]
    assert accident.blocks[1].text.startswith("وحسب مصادرنا")
    assert kinds(accident) == "pppp"


def test_trailing_short_line_before_separator_is_a_paragraph() -> None:
    first = segment(read("no-headline.txt"))[0]
    assert first.blocks[-1] == Block("p", "كود/الرباط")


def test_marker_only_line_is_dropped_and_ends_the_story() -> None:
    text = read("topic-shifts.txt")
    assert "في خبر آخر..." in text
    stories = segment(text)
    assert all("في خبر آخر" not in story_html(story) for story in stories)
    assert stories[-2].blocks[-1].text.startswith("وأوضحت المديرية")


# --- the rules, one by one --------------------------------------------------------

HEADLINE = "وزير الخارجية يصل إلى الرباط في زيارة رسمية"
LEDE = "وصل وزير الخارجية إلى الرباط صباح اليوم في زيارة رسمية تستمر يومين."
MORE = "وأضاف الوزير أن الزيارة تهدف إلى تعزيز التعاون الثنائي بين البلدين."
OTHER_HEADLINE = "الحكومة تصادق على مشروع قانون المالية"
OTHER_LEDE = "صادق مجلس الحكومة، اليوم الخميس، على مشروع قانون المالية للسنة المقبلة."


def test_separators_end_stories() -> None:
    for separator in ("---", "***", "###", "* * *", "- - - - -", "##########", "  ___  "):
        text = f"{LEDE}\n{separator}\n{OTHER_LEDE}"
        assert len(segment(text)) == 2, separator
        assert is_separator(separator)


@pytest.mark.parametrize("line", ["--", "# عنوان", "-- خبر --", "...", "…"])
def test_not_separators(line: str) -> None:
    assert not is_separator(line)


def test_repeated_separators_make_no_empty_story() -> None:
    text = f"---\n\n***\n{HEADLINE}\n{LEDE}\n---\n---\n{OTHER_HEADLINE}\n{OTHER_LEDE}\n***\n"
    assert titles(text) == [HEADLINE, OTHER_HEADLINE]


def test_headline_needs_a_non_continuation_paragraph_after_it() -> None:
    text = f"{HEADLINE}\n{LEDE}\n{MORE}\n{OTHER_HEADLINE}\n{OTHER_LEDE}"
    assert titles(text) == [HEADLINE, OTHER_HEADLINE]


@pytest.mark.parametrize(
    "headline",
    [
        "هل تنجح المفاوضات في إنهاء الأزمة؟",
        "Is the deal done?",
        "الإفراج عن الصحافي بعد عامين!",
        "ليبيا توجه تهنئة رسمية لدولة قطر بمناسبة «اليوم الوطني»",
        "وزير الصحة: «لا وفيات بسبب الكلوروكين»",
        "الخارجية: تعاون مستمر مع قطر",
        "عشرون كلمة بالتمام: " + " ".join(["كلمة"] * 17),
    ],
)
def test_headline_shapes(headline: str) -> None:
    text = f"{LEDE}\n{headline}\n{OTHER_LEDE}"
    assert titles(text)[1] == headline


@pytest.mark.parametrize(
    "line",
    [
        "الوزير يصل إلى الرباط.",
        "قال الوزير: «نحن متفائلون.»",
        "الوزير يصل إلى الرباط…",
        "وأوضح الوزير ما يلي:",
        "الوزير يصل إلى الرباط؛",
        "الوزير يصل إلى الرباط،",
        "the minister arrives,",
        "the minister arrives;",
        "واحد وعشرون كلمة: " + " ".join(["كلمة"] * 18),
    ],
)
def test_not_headline_shapes(line: str) -> None:
    text = f"{LEDE}\n{line}\n{OTHER_LEDE}"
    assert titles(text) == [title_from(LEDE)]


@pytest.mark.parametrize(
    "paragraph",
    [
        MORE,
        "كما أكد الوزير أن الزيارة تهدف إلى تعزيز التعاون.",
        "من جهته، رحب نظيره المغربي بالزيارة.",
        "ومن جانبها، أعربت الوزارة عن ارتياحها.",
        "في سياق متصل، أعلنت الوزارة عن زيارة مقبلة.",
        "وفي سياق متصل، أعلنت الوزارة عن زيارة مقبلة.",
        "وفي التفاصيل، التقى الوزير نظيره المغربي.",
        "يذكر أن الوزير زار المغرب العام الماضي.",
        "وأكدت الوزارة أن الزيارة ناجحة.",
        "وقالوا إن الاتفاق سيوقع قريبا.",
        "و أضاف الوزير أن الزيارة ناجحة.",
        "فقال الوزير إن الزيارة ناجحة.",
        "إلى ذلك، أعلنت الوزارة عن زيارة مقبلة.",
        "بدوره، أشاد السفير بالعلاقات الثنائية.",
        "وَأَضَافَ الْوَزِيرُ أَنَّ الزِّيَارَةَ نَاجِحَةٌ.",
    ],
)
def test_short_line_before_continuation_is_a_subheading(paragraph: str) -> None:
    text = f"{HEADLINE}\n{LEDE}\nتفاصيل الزيارة\n{paragraph}"
    (story,) = segment(text)
    assert story.blocks == (Block("p", LEDE), Block("h", "تفاصيل الزيارة"), Block("p", paragraph))
    assert opens_continuation(paragraph)


@pytest.mark.parametrize(
    "lede",
    [
        "وجّهت الوزارة تهنئة رسمية إلى حكومة وشعب دولة قطر.",
        "وقّع البلدان اتفاقية تعاون عسكري.",
        "وصل وزير الخارجية إلى الرباط صباح اليوم.",
        "وافقت الحكومة على مشروع القانون.",
        "وضعت الوزارة لائحة بأسماء المحامين المتطوعين.",
        "وزير الخارجية يستقبل نظيره الإسباني.",
        "وزارة الصحة تعلن عن حالات جديدة.",
        "ووقعت الحادثة في حدود الساعة الثامنة.",
        "قال الوزير إن الزيارة ناجحة.",
        "بينما تتشابك التحديات الأمنية في المنطقة، اختار البلدان التعاون.",
    ],
)
def test_waw_root_words_are_not_continuations(lede: str) -> None:
    assert not opens_continuation(lede)
    text = f"{LEDE}\n{OTHER_HEADLINE}\n{lede}"
    assert titles(text) == [title_from(LEDE), OTHER_HEADLINE]


def test_short_line_at_start_or_after_separator_is_a_headline() -> None:
    text = f"{HEADLINE}\n{MORE}\n---\n{OTHER_HEADLINE}\n{MORE}"
    stories = segment(text)
    assert titles(text) == [HEADLINE, OTHER_HEADLINE]
    assert all(story.blocks == (Block("p", MORE),) for story in stories)


def test_deck_after_headline_stays_in_the_story() -> None:
    deck = "الزيارة تستمر يومين وتشمل لقاءات مع مسؤولين"
    text = f"{LEDE}\n{HEADLINE}\n{deck}\n{OTHER_LEDE}"
    second = segment(text)[1]
    assert second.title == HEADLINE
    assert second.blocks == (Block("h", deck), Block("p", OTHER_LEDE))


def test_short_line_at_end_is_a_paragraph() -> None:
    text = f"{HEADLINE}\n{LEDE}\nالمصدر: وكالة الأنباء الليبية"
    (story,) = segment(text)
    assert story.blocks[-1] == Block("p", "المصدر: وكالة الأنباء الليبية")


def test_single_short_line_is_a_story() -> None:
    (story,) = segment(HEADLINE)
    assert story.title == HEADLINE
    assert story.blocks == (Block("p", HEADLINE),)


@pytest.mark.parametrize(
    "marker",
    [
        "وفي سياق آخر،",
        "وفي سياق اخر،",
        "في سياق آخر،",
        "وَفِي سِيَاقٍ آخَرَ،",
        "وفي سياق أخر:",
        "في سياق منفصل،",
        "من جهة أخرى،",
        "ومن جهة اخرى،",
        "على صعيد آخر،",
        "وعلى صعيد آخر -",
        "في شأن آخر،",
        "من ناحية أخرى،",
        "في خبر آخر،",
        "وفي موضوع آخر،",
        "و في سياق آخر،",
    ],
)
def test_topic_shift_markers(marker: str) -> None:
    text = f"{HEADLINE}\n{LEDE}\n{marker} {OTHER_LEDE}\n{MORE}"
    first, second = segment(text)
    assert first.blocks == (Block("p", LEDE),)
    assert second.title == title_from(OTHER_LEDE)
    assert second.blocks == (Block("p", OTHER_LEDE), Block("p", MORE))
    assert second.line == 3
    assert topic_shift(f"{marker} {OTHER_LEDE}") == OTHER_LEDE


@pytest.mark.parametrize(
    "paragraph",
    [
        "في سياق متصل، أعلنت الوزارة عن زيارة مقبلة.",
        "وفي سياق متصل، أعلنت الوزارة عن زيارة مقبلة.",
        "في سياق الزيارة، التقى الوزير نظيره.",
        "وفي السياق آخر الأخبار عن الزيارة.",
        OTHER_LEDE,
    ],
)
def test_not_topic_shifts(paragraph: str) -> None:
    assert topic_shift(paragraph) is None
    assert len(segment(f"{HEADLINE}\n{LEDE}\n{paragraph}")) == 1


def test_topic_shift_right_after_headline_stays_in_that_story() -> None:
    text = f"{LEDE}\n{OTHER_HEADLINE}\nوفي سياق آخر، {OTHER_LEDE}"
    second = segment(text)[1]
    assert second.title == OTHER_HEADLINE
    assert second.blocks == (Block("p", OTHER_LEDE),)


def test_marker_only_line_after_headline_is_dropped() -> None:
    text = f"{HEADLINE}\nفي سياق آخر\n{LEDE}"
    (story,) = segment(text)
    assert story.blocks == (Block("p", LEDE),)


def test_marker_only_line_starts_a_new_story() -> None:
    text = f"{HEADLINE}\n{LEDE}\nمن جهة أخرى:\n{OTHER_HEADLINE}\n{MORE}"
    assert titles(text) == [HEADLINE, OTHER_HEADLINE]


def test_blank_lines_and_whitespace() -> None:
    text = f"\n\n   {HEADLINE}   \n\n\n\t{LEDE}\n \n{MORE}\n\n"
    (story,) = segment(text)
    assert story.title == HEADLINE
    assert story.line == 3
    assert story.blocks == (Block("p", LEDE), Block("p", MORE))


def test_controls_are_stripped_from_titles_only() -> None:
    text = f"\ufeff\u202b{HEADLINE}\u202c\u200f\n\u200f{LEDE}"
    (story,) = segment(text)
    assert story.title == HEADLINE
    assert story.blocks == (Block("p", f"\u200f{LEDE}"),)


def test_invisible_lines_are_blank() -> None:
    assert segment("\u200f\n\ufeff\n \u200c \n") == []
    assert segment("") == []


@pytest.mark.parametrize(
    ("paragraph", "title"),
    [
        (LEDE, LEDE.removesuffix(".")),
        ("هل تنجح المفاوضات؟ الجواب عند الوزير.", "هل تنجح المفاوضات؟"),
        ("بلغت الكفالة 1.6 مليون دولار. ودفعها أحد البنوك.", "بلغت الكفالة 1.6 مليون دولار"),
        (
            "قال الوزير إن الاجتماع، الذي عقد في العاصمة طرابلس بحضور ممثلين عن عدد من الوزارات،"
            " كان مثمرا.",
            "قال الوزير إن الاجتماع، الذي عقد في العاصمة طرابلس بحضور ممثلين عن عدد من الوزارات…",
        ),
        ("...", "..."),
        ("\u202bخبر عاجل\u202c", "خبر عاجل"),
    ],
)
def test_title_from(paragraph: str, title: str) -> None:
    assert title_from(paragraph) == title


def test_title_from_is_at_most_fifteen_words() -> None:
    long = " ".join(f"كلمة{i}" for i in range(40))
    title = title_from(long)
    assert title.endswith("…")
    assert len(title.removesuffix("…").split()) == 15


# --- output -----------------------------------------------------------------------


def test_story_html_escapes() -> None:
    story = Story("عنوان", (Block("h", "أ < ب & ج"), Block("p", 'قال: "نعم" <b>')), 1)
    assert story_html(story) == ('<h3>أ &lt; ب &amp; ج</h3>\n<p>قال: "نعم" &lt;b&gt;</p>')


def test_summary_is_the_first_paragraph() -> None:
    story = Story("عنوان", (Block("h", "عنوان فرعي"), Block("p", LEDE), Block("p", MORE)), 1)
    assert summary_of(story) == LEDE


def test_summary_is_cut_at_a_word_boundary() -> None:
    story = Story("عنوان", (Block("p", MORE),), 1)
    for limit in range(1, len(MORE) + 1):
        summary = summary_of(story, limit)
        assert len(summary) <= limit
        if limit < len(MORE):
            assert summary.endswith("…")
            head = summary.removesuffix("…")
            assert MORE.startswith(head)
            if " " in MORE[1:limit]:
                assert MORE[len(head)] == " "


def test_summary_of_story_without_paragraph_is_empty() -> None:
    assert summary_of(Story("عنوان", (Block("h", "عنوان فرعي"),), 1)) == ""
    with pytest.raises(ValueError):
        summary_of(Story("عنوان", (Block("p", LEDE),), 1), 0)


def test_parse_bulletin_items() -> None:
    items = parse_bulletin(read("bulletin-libya.txt"), source="libya", origin="libya.txt")
    assert [item.title for item in items] == titles(read("bulletin-libya.txt"))
    for item, story in zip(items, segment(read("bulletin-libya.txt")), strict=True):
        assert item.body == story_html(story)
        assert item.summary == summary_of(story)
        assert item.source == "libya"
        assert item.origin == "libya.txt"
        assert item.published is None
        assert item.language == "ar"
        assert len(item.summary) <= 280
    assert items[0].summary.startswith("أكد رئيس بعثة الاتحاد الأوروبي")


# --- the word table ---------------------------------------------------------------


def test_extended_words() -> None:
    words = DEFAULT_WORDS.extended(
        topic_markers=["وفي الشأن الرياضي", "  ", "في سياق آخر"],
        continuations=["وعلى هامش"],
    )
    assert words.topic_markers[-1] == "وفي الشأن الرياضي"
    assert words.topic_markers.count("في سياق آخر") == 1
    assert "  " not in words.topic_markers
    assert DEFAULT_WORDS.extended() == DEFAULT_WORDS
    assert "وفي الشأن الرياضي" not in DEFAULT_WORDS.topic_markers

    shift = f"{HEADLINE}\n{LEDE}\nوفي الشأن الرياضي، {OTHER_LEDE}"
    assert len(segment(shift)) == 1
    assert len(segment(shift, words)) == 2

    aside = "وعلى هامش الزيارة، التقى الوزير بأفراد الجالية."
    assert not opens_continuation(aside)
    assert opens_continuation(aside, words)
    text = f"{HEADLINE}\n{LEDE}\nلقاء مع الجالية\n{aside}"
    assert len(segment(text)) == 2
    assert len(segment(text, words)) == 1


def test_extended_stems() -> None:
    words = DEFAULT_WORDS.extended(stems=["استطرد"])
    assert opens_continuation("واستطردت الوزيرة قائلة إن الزيارة ناجحة.", words)
    assert not opens_continuation("واستطردت الوزيرة قائلة إن الزيارة ناجحة.")


def test_word_table_is_hashable_and_stable() -> None:
    assert hash(DEFAULT_WORDS) == hash(DEFAULT_WORDS.extended())
    assert repr(DEFAULT_WORDS) == repr(DEFAULT_WORDS.extended())


# --- properties ---------------------------------------------------------------------

ARABIC = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
PUNCTUATION = st.sampled_from(' \t.،؛:؟!?…«»"”()-*#_=،,;\u200f\u200c\ufeff\u202b\u202c')
LINE_TEXT = st.text(ARABIC | PUNCTUATION, max_size=60)
REAL_LINES = [
    HEADLINE,
    LEDE,
    MORE,
    OTHER_HEADLINE,
    OTHER_LEDE,
    "توقيع عسكري رسمي",
    "ليبيا توجه تهنئة رسمية لدولة قطر بمناسبة «اليوم الوطني»",
    "هل يصل القطار فائق السرعة إلى مراكش وأكادير؟",
    "كود/الرباط",
]
OPENERS = [
    "وفي سياق اخر،",
    "وَفِي سِيَاقٍ آخَرَ",
    "من جهة أخرى:",
    "في خبر آخر",
    "في سياق متصل،",
    "وأضاف",
    "كما",
    "من جهته،",
    "وجّهت",
    "وقّع",
    "وزير",
]
SEPARATORS = ["---", "***", "###", "* * *", "- - - -"]
BLANKS = ["", "   ", "\t", "\u200f"]

LINES = st.lists(
    st.one_of(
        LINE_TEXT,
        st.sampled_from(REAL_LINES),
        st.builds(
            lambda opener, rest: f"{opener} {rest}",
            st.sampled_from(OPENERS),
            st.sampled_from(REAL_LINES) | LINE_TEXT,
        ),
        st.sampled_from(OPENERS),
        st.sampled_from(SEPARATORS),
        st.sampled_from(BLANKS),
    ),
    max_size=14,
)


def _blank(line: str) -> bool:
    return not strip_controls(line).replace("\u200c", "").replace("\u200d", "").strip()


def _pieces(lines: list[str]) -> list[tuple[int, str]]:
    """What must come out, in order: each content line, minus a removed marker
    (and minus the byte order mark that may open the file)."""
    out = []
    for number, raw in enumerate(lines, start=1):
        if _blank(raw) or is_separator(raw):
            continue
        text = (raw.removeprefix("\ufeff") if number == 1 else raw).strip()
        rest = topic_shift(text)
        piece = text if rest is None else rest
        if piece:
            out.append((number, piece))
    return out


def _readings(story: Story, pieces: list[tuple[int, str]], at: int) -> list[int]:
    """Where the next story starts if ``story`` begins at piece ``at``: as a headline
    story (the first piece is its title), as an untitled one (the first piece is its
    first paragraph), or neither (empty list)."""
    if at >= len(pieces) or pieces[at][0] != story.line:
        return []
    texts = [block.text for block in story.blocks]
    first = pieces[at][1]
    readings = []
    after = [piece for _, piece in pieces[at + 1 : at + 1 + len(texts)]]
    if story.title == " ".join(strip_controls(first).split()) and after == texts:
        readings.append(at + 1 + len(texts))
    own = [piece for _, piece in pieces[at : at + len(texts)]]
    if story.title == title_from(first) and own == texts:
        readings.append(at + len(texts))
    return readings


def _matches(stories: list[Story], pieces: list[tuple[int, str]], at: int = 0) -> bool:
    """Whether the stories hold exactly the pieces, in order (trying both readings)."""
    if not stories:
        return at == len(pieces)
    return any(_matches(stories[1:], pieces, nxt) for nxt in _readings(stories[0], pieces, at))


@settings(max_examples=200, deadline=None)
@given(LINES, st.sampled_from(["\n", "\r\n", "\n\n"]))
def test_segment_keeps_every_line_once(lines: list[str], newline: str) -> None:
    stories = segment(newline.join(lines))
    numbered = lines if newline != "\n\n" else [x for line in lines for x in (line, "")]
    assert all(story.blocks for story in stories)
    assert _matches(stories, _pieces(numbered))


@settings(max_examples=200, deadline=None)
@given(st.text(ARABIC | PUNCTUATION | st.sampled_from("\n\r\x85\u2028"), max_size=400))
def test_segment_never_raises_and_titles_are_not_empty(text: str) -> None:
    stories = segment(text)
    for story in stories:
        assert story.title.strip()
        assert story.blocks
        assert story_html(story)
        assert len(summary_of(story)) <= 280
    has_content = any(
        not _blank(line) and not is_separator(line) and topic_shift(line.strip()) != ""
        for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    )
    assert bool(stories) == has_content


def test_controls_and_noncharacters_never_reach_bulletin_items() -> None:
    text = (
        "الاتحاد الأوروبي\x01 يجدد التزامه\x7f بدعم إدارة الهجرة\ufffe\n"
        "أكد رئيس بعثة\x08 الاتحاد الأوروبي لدى ليبيا\x1b أن الاتحاد أكبر شريك للمنظمة.\uffff\n"
        "\x02\x03\n"
    )
    items = parse_bulletin(text, source="libya", origin="libya.txt")
    assert [(i.title, i.body) for i in items] == [
        (
            "الاتحاد الأوروبي يجدد التزامه بدعم إدارة الهجرة",
            "<p>أكد رئيس بعثة الاتحاد الأوروبي لدى ليبيا أن الاتحاد أكبر شريك للمنظمة.</p>",
        )
    ]
    assert (
        items[0].summary == "أكد رئيس بعثة الاتحاد الأوروبي لدى ليبيا أن الاتحاد أكبر شريك للمنظمة."
    )
