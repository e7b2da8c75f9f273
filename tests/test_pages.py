"""The HTML pages: a story's permalink page and the index, parsed back.

Whatever a store holds, the pages carry only text without control characters
and only http(s) links, by the same rule as the feeds.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

import lxml.html
from hypothesis import given
from hypothesis import strategies as st

from feeds.pages import RULES, pages_fingerprint, render_index, render_story, template_source
from feeds.render import FeedMeta, Story
from feeds.store import AlsoReported, StoredItem
from tests.conftest import TRIPOLI

WHEN = datetime(2026, 11, 29, 8, tzinfo=UTC)
HOME = "https://news.example.org/"
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
FOREIGN_SCHEME = re.compile(r"(?i)\b(javascript|vbscript|data|file)\s*:")

META = FeedMeta(
    name="libya",
    title="أخبار\x1b ليبيا",
    description="",
    language="ar",
    home_url=HOME,
    rss_url=HOME + "libya/rss.xml",
    atom_url=HOME + "libya/atom.xml",
    json_url=HOME + "libya/feed.json",
    author="نشرة",
    fallback_updated=WHEN,
)


def _item(**fields: object) -> StoredItem:
    values: dict[str, object] = dict(
        id="urn:nashra:libya:1",
        source="libya",
        title="افتتاح معرض طرابلس الدولي",
        summary="",
        body="<p>افتتح اليوم معرض طرابلس الدولي.</p>",
        url=None,
        author=None,
        tags=(),
        language="ar",
        image=None,
        published=WHEN,
        updated=WHEN,
        first_seen=WHEN,
        slug="acd5ed27110aabf3",
        rev="r",
        page_rev=None,
    )
    values.update(fields)
    return StoredItem(**values)  # type: ignore[arg-type]


CONTROLLED = _item(
    title="افتتاح\x0b معرض\x1b طرابلس\x7f الدولي\x85\ufffe \udc00",
    summary="ملخص\x1b الخبر",
    body="<p>افتتح\x0b اليوم\x9f معرض\uffff طرابلس\udc00.</p>",
    author="وكالة\x1b الأنباء\x85",
    tags=("اقتصاد\x1b", "\x0b"),
)


def _page(data: bytes) -> lxml.html.HtmlElement:
    text = data.decode("utf-8")  # a lone surrogate could not have been encoded
    assert not FORBIDDEN.search(text)
    return lxml.html.document_fromstring(data)


def _links(page: lxml.html.HtmlElement) -> list[str]:
    return [value for _element, _attribute, value, _pos in page.iterlinks()]


def test_story_page_has_no_control_characters() -> None:
    page = _page(
        render_story(
            CONTROLLED, HOME + "stories/x.html", site_title="نشرة\x1b", home_url=HOME, tz=TRIPOLI
        )
    )
    assert page.findtext(".//h1") == "افتتاح معرض طرابلس الدولي \ufffd"
    assert page.findtext(".//title") == "افتتاح معرض طرابلس الدولي \ufffd — نشرة"
    assert page.findtext(".//article/p") == "افتتح اليوم معرض طرابلس\ufffd."
    assert "وكالة الأنباء" in page.text_content()


def test_index_has_no_control_characters() -> None:
    stories = [Story(CONTROLLED, HOME + "stories/acd5ed27110aabf3.html")]
    data = render_index(
        [(META, stories)],
        site_title="نشرة\x7f الاختبار",
        description="أخبار\x85 للاختبار",
        language="ar",
        tz=TRIPOLI,
    )
    page = _page(data)
    assert page.findtext(".//h1") == "نشرة الاختبار"
    assert page.findtext(".//h2") == "أخبار ليبيا"
    assert page.findtext(".//li/a") == "افتتاح معرض طرابلس الدولي \ufffd"


SCRIPTED = _item(
    url=" VBScript:msgbox(1)",
    image="data:image/svg+xml,<svg onload=alert(1)>",
    body='<p>انظر <a href="jAvAscript:alert(2)">هنا</a><img src="file:///etc/passwd"></p>',
)


def test_story_page_links_are_http_only() -> None:
    page = _page(
        render_story(SCRIPTED, "javascript:alert(3)", site_title="نشرة", home_url=HOME, tz=TRIPOLI)
    )
    links = _links(page)
    assert links and all(link.startswith("https://") for link in links)
    assert page.xpath("//link[@rel='canonical']/@href") == [HOME + "stories/acd5ed27110aabf3.html"]
    assert "الرابط الأصلي" not in page.text_content()  # no own URL to point to
    assert not FOREIGN_SCHEME.search(lxml.html.tostring(page, encoding="unicode"))


def test_index_links_are_http_only() -> None:
    data = render_index(
        [(META, [Story(SCRIPTED, "vbscript:msgbox(4)")])],
        site_title="نشرة",
        description="",
        language="ar",
        tz=TRIPOLI,
    )
    page = _page(data)
    assert page.xpath("//li/a/@href") == [HOME + "stories/acd5ed27110aabf3.html"]
    assert all(link.startswith("https://") for link in _links(page))
    assert not FOREIGN_SCHEME.search(data.decode("utf-8"))


def test_a_story_with_a_web_url_keeps_it_as_its_original_link() -> None:
    item = _item(url="https://libyaobserver.ly/ar/أخبار/1")
    page = _page(
        render_story(item, HOME + "stories/x.html", site_title="نشرة", home_url=HOME, tz=TRIPOLI)
    )
    assert page.xpath("//footer//a/@href") == [
        "https://libyaobserver.ly/ar/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/1"
    ]


@given(st.text(), st.text())
def test_any_title_and_author_render_to_a_page_without_forbidden_characters(
    title: str, author: str
) -> None:
    item = _item(title=title, author=author)
    _page(render_story(item, HOME + "stories/x.html", site_title=title, home_url=HOME, tz=TRIPOLI))
    _page(
        render_index(
            [(META, [Story(item, "x")])],
            site_title=author,
            description=title,
            language="ar",
            tz=TRIPOLI,
        )
    )


# A story reported by several outlets (its near-duplicate cluster), and one withdrawn.
CLUSTERED = _item(
    title="بلدية بنغازي تعلن خطة لصيانة الطرق",
    body="<p>أعلنت بلدية بنغازي خطة لصيانة الطرق الرئيسية خلال الشهر المقبل.</p>",
    also=(
        AlsoReported(
            source="بوابة الوسط",
            title="خطة بلدية لصيانة طرق بنغازي",
            url="https://alwasat.example.ly/news/ليبيا/1",
            first_seen=WHEN,
        ),
        AlsoReported(source="نشرة برقة", title="صيانة الطرق في بنغازي", url=None, first_seen=WHEN),
        AlsoReported(
            source="وكالة\x1b<b>الأنباء</b>",
            title="<script>alert(1)</script>",
            url="javascript:alert(1)",
            first_seen=WHEN,
        ),
    ),
)


def test_story_page_ends_with_the_other_outlets() -> None:
    data = render_story(
        CLUSTERED, HOME + "stories/x.html", site_title="نشرة", home_url=HOME, tz=TRIPOLI
    )
    page = _page(data)
    (block,) = page.xpath("//article/following-sibling::div")
    assert (block.get("dir"), block.get("lang")) == ("rtl", "ar")
    assert block.text_content() == (
        "ورد هذا الخبر أيضا في: بوابة الوسط، نشرة برقة، وكالة<b>الأنباء</b>"
    )
    assert [(a.text, a.get("href"), a.get("title")) for a in block.iter("a")] == [
        (
            "بوابة الوسط",
            "https://alwasat.example.ly/news/%D9%84%D9%8A%D8%A8%D9%8A%D8%A7/1",
            "خطة بلدية لصيانة طرق بنغازي",
        )
    ]
    assert not page.xpath("//script|//b")
    assert not FOREIGN_SCHEME.search(data.decode("utf-8"))
    assert not page.xpath("//meta[@name='robots']")


WITHDRAWN = _item(
    title="انقطاع الكهرباء عن أحياء في سبها",
    body="<p>انقطعت الكهرباء عن عدة أحياء في مدينة سبها مساء اليوم.</p>",
    also=CLUSTERED.also,
    # 23:10 UTC is already the next day in Tripoli (UTC+2)
    withdrawn_at=datetime(2026, 11, 29, 23, 10, tzinfo=UTC),
)


def test_withdrawn_story_page_says_so_and_is_not_indexed() -> None:
    page = _page(
        render_story(
            WITHDRAWN, HOME + "stories/x.html", site_title="نشرة", home_url=HOME, tz=TRIPOLI
        )
    )
    assert page.xpath("//meta[@name='robots']/@content") == ["noindex"]
    assert page.findtext(".//h1") == "انقطاع الكهرباء عن أحياء في سبها"
    assert page.findtext(".//title") == "انقطاع الكهرباء عن أحياء في سبها — نشرة"
    (notice,) = page.xpath("//p[@role='status']")
    assert notice.text_content() == "سُحب هذا الخبر في 30 نوفمبر 2026، 01:10."
    assert notice.xpath("time/@datetime") == ["2026-11-29T23:10:00Z"]
    text = page.text_content()
    assert "انقطعت الكهرباء" not in text  # the withdrawn text is no longer published
    assert "ورد هذا الخبر أيضا" not in text
    assert not page.xpath("//article")


def test_pages_are_rendered_again_under_new_rules() -> None:
    """The rules behind a page changed (withdrawn pages, the outlets' block):
    the fingerprint of the previous rules no longer matches."""
    before = hashlib.sha256(
        "\0".join(["2", template_source("story.html"), "نشرة", HOME, TRIPOLI.key]).encode("utf-8")
    ).hexdigest()
    assert RULES != "2"
    assert pages_fingerprint("نشرة", HOME, TRIPOLI) != before
