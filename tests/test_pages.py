"""The HTML pages: a story's permalink page and the index, parsed back.

Whatever a store holds, the pages carry only text without control characters
and only http(s) links, by the same rule as the feeds.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from feeds.pages import (
    MONTHS,
    RULES,
    arabic_date,
    og_locale,
    pages_fingerprint,
    relative_link,
    render_index,
    render_story,
    story_date,
    template_source,
)
from feeds.render import FeedMeta, Story, render_atom, render_rss
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
    assert page.xpath("string(//h1)") == "نشرة الاختبار"
    assert page.findtext(".//h2") == "أخبار ليبيا"
    assert page.findtext(".//li//h3/a") == "افتتاح معرض طرابلس الدولي \ufffd"


SCRIPTED = _item(
    url=" VBScript:msgbox(1)",
    image="data:image/svg+xml,<svg onload=alert(1)>",
    body='<p>انظر <a href="jAvAscript:alert(2)">هنا</a><img src="file:///etc/passwd"></p>',
)


def _resolved(page: lxml.html.HtmlElement, url: str) -> list[str]:
    """Every link of a page, resolved as a browser would from the page's URL."""
    return [urljoin(url, link) for link in _links(page)]


def test_story_page_links_are_http_only() -> None:
    page = _page(
        render_story(SCRIPTED, "javascript:alert(3)", site_title="نشرة", home_url=HOME, tz=TRIPOLI)
    )
    own = HOME + "stories/acd5ed27110aabf3.html"
    links = _resolved(page, own)
    assert links and all(link.startswith("https://") for link in links)
    assert page.xpath("//link[@rel='canonical']/@href") == [own]
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
    assert page.xpath("//li//h3/a/@href") == ["stories/acd5ed27110aabf3.html"]
    assert all(link.startswith("https://") for link in _resolved(page, HOME))
    assert not FOREIGN_SCHEME.search(data.decode("utf-8"))


def test_a_story_with_a_web_url_keeps_it_as_its_original_link() -> None:
    item = _item(url="https://libyaobserver.ly/ar/أخبار/1")
    page = _page(
        render_story(item, HOME + "stories/x.html", site_title="نشرة", home_url=HOME, tz=TRIPOLI)
    )
    assert page.xpath("//a[@rel='external']/@href") == [
        "https://libyaobserver.ly/ar/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/1"
    ]
    assert page.xpath("//a[@rel='external']/text()") == ["الرابط الأصلي"]


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
    """The rules behind a page changed (relative links, the shared stylesheet):
    the fingerprint of the previous rules no longer matches."""
    before = hashlib.sha256(
        "\0".join(["3", template_source("story.html"), "نشرة", HOME, TRIPOLI.key]).encode("utf-8")
    ).hexdigest()
    assert RULES != "3"
    assert pages_fingerprint("نشرة", HOME, TRIPOLI) != before


# ------------------------------------------------ relative links, metadata, names, dates

LIBYA = replace(META, title="أخبار ليبيا", description="نشرة الأخبار الليبية")
ALL = replace(
    META,
    name="all",
    title="كل الأخبار",
    description="جميع الأخبار",
    rss_url=HOME + "all/rss.xml",
    atom_url=HOME + "all/atom.xml",
    json_url=HOME + "all/feed.json",
)
PICTURED = _item(
    id="urn:nashra:wasat:7",
    source="wasat",
    slug="5f1e0c9a2b7d4e61",
    title="بلدية مصراتة تطلق مشروعا لتحلية مياه البحر",
    summary="أطلقت بلدية مصراتة مشروعا لتحلية مياه البحر يغطي حاجة ثلاثة أحياء.",
    body="<p>أطلقت بلدية مصراتة اليوم مشروعا لتحلية مياه البحر بطاقة عشرة آلاف متر مكعب.</p>",
    image="https://images.example.ly/مصراتة.jpg",
)
WEB = _item(
    id="https://alwasat.example.ly/news/2",
    slug="0c4d2e9f8a7b6c51",
    title="ارتفاع أسعار الخبز في طرابلس",
    url="https://alwasat.example.ly/news/2",
)
TITLES = {"libya": "وكالة الأنباء الليبية", "wasat": "بوابة الوسط"}


@pytest.mark.parametrize(
    ("url", "depth", "expected"),
    [
        (HOME + "stories/x.html", 0, "stories/x.html"),
        (HOME + "stories/x.html", 1, "../stories/x.html"),
        (HOME + "libya/rss.xml", 1, "../libya/rss.xml"),
        (HOME, 0, "index.html"),
        (HOME, 1, "../index.html"),
        (HOME + "#feed-all", 1, "../index.html#feed-all"),
        (HOME + "a:b.html", 0, "./a:b.html"),  # not a scheme
        (HOME + "/evil.example/x", 0, HOME + "/evil.example/x"),  # not another host
        ("https://news.example.org.evil/x", 0, "https://news.example.org.evil/x"),
        ("https://alwasat.example.ly/news/2", 1, "https://alwasat.example.ly/news/2"),
    ],
)
def test_links_into_the_site_are_relative(url: str, depth: int, expected: str) -> None:
    assert relative_link(url, HOME, depth) == expected


def _index(**keywords: object) -> lxml.html.HtmlElement:
    stories = [Story(PICTURED, HOME + "stories/5f1e0c9a2b7d4e61.html"), Story(WEB, WEB.url or "")]
    data = render_index(
        [(ALL, stories), (LIBYA, stories[1:])],
        site_title="نشرة ليبيا",
        description="أخبار ليبيا من النشرات",
        language="ar",
        tz=TRIPOLI,
        **keywords,  # type: ignore[arg-type]
    )
    return _page(data)


def test_front_page_links_to_the_folder_and_announces_every_feed() -> None:
    page = _index(base_url=HOME, opml=True, source_titles=TITLES)
    assert (page.get("lang"), page.get("dir")) == ("ar", "rtl")
    alternates = [
        (link.get("type"), link.get("href")) for link in page.xpath("//head/link[@rel='alternate']")
    ]
    assert alternates == [
        ("application/rss+xml", "all/rss.xml"),
        ("application/atom+xml", "all/atom.xml"),
        ("application/feed+json", "all/feed.json"),
        ("application/rss+xml", "libya/rss.xml"),
        ("application/atom+xml", "libya/atom.xml"),
        ("application/feed+json", "libya/feed.json"),
    ]
    assert page.xpath("//link[@rel='canonical']/@href") == [HOME]
    assert page.xpath("//link[@type='text/x-opml']/@href") == ["feeds.opml"]
    assert "feeds.opml" in page.xpath("//footer//a/@href")
    (section,) = page.xpath("//section[@id='feed-all']")
    assert section.xpath(".//a[contains(@class, 'sub')]/@href") == [
        "all/rss.xml",
        "all/atom.xml",
        "all/feed.json",
    ]
    assert section.xpath(".//h3/a/@href") == [
        "stories/5f1e0c9a2b7d4e61.html",
        "https://alwasat.example.ly/news/2",  # a story's own page elsewhere stays absolute
    ]
    assert page.xpath("//nav//a/@href") == ["#feed-all", "#feed-libya"]
    assert page.xpath("//section/@id") == ["feed-all", "feed-libya"]
    assert not [href for href in _links(page) if href.startswith(HOME) and href != HOME]


def test_front_page_shows_summaries_images_and_source_names() -> None:
    page = _index(source_titles=TITLES)
    first, second = page.xpath("//section[@id='feed-all']//li")
    (image,) = first.xpath(".//img")
    assert image.get("src") == "https://images.example.ly/%D9%85%D8%B5%D8%B1%D8%A7%D8%AA%D8%A9.jpg"
    assert (image.get("alt"), image.get("loading")) == (PICTURED.title, "lazy")
    assert first.xpath("string(.//p[@class='summary'])") == PICTURED.summary
    assert first.xpath("string(.//*[@class='source'])") == "بوابة الوسط"
    assert second.xpath("string(.//*[@class='source'])") == "وكالة الأنباء الليبية"
    assert not second.xpath(".//img")
    # no summary of its own: the start of its body
    assert second.xpath("string(.//p[@class='summary'])") == "افتتح اليوم معرض طرابلس الدولي."
    assert "wasat" not in page.text_content()
    # without display names, the sources' names
    assert _index().xpath("string(//li//*[@class='source'])") == "wasat"


def _story(item: StoredItem, **keywords: object) -> lxml.html.HtmlElement:
    data = render_story(
        item,
        HOME + f"stories/{item.slug}.html",
        site_title="نشرة ليبيا",
        home_url=HOME,
        tz=TRIPOLI,
        **keywords,  # type: ignore[arg-type]
    )
    return _page(data)


def _meta(page: lxml.html.HtmlElement) -> dict[str, str]:
    return {
        (m.get("property") or m.get("name")): m.get("content")
        for m in page.xpath("//meta[@property or @name]")
        if m.get("name") != "viewport"
    }


def test_story_page_carries_social_metadata() -> None:
    page = _story(PICTURED, feeds=[ALL, LIBYA], source_titles=TITLES)
    own = HOME + "stories/5f1e0c9a2b7d4e61.html"
    image = "https://images.example.ly/%D9%85%D8%B5%D8%B1%D8%A7%D8%AA%D8%A9.jpg"
    assert _meta(page) == {
        "description": PICTURED.summary,
        "og:type": "article",
        "og:title": PICTURED.title,
        "og:description": PICTURED.summary,
        "og:url": own,
        "og:site_name": "نشرة ليبيا",
        "og:locale": "ar_AR",
        "og:image": image,
        "og:image:alt": PICTURED.title,
        "article:published_time": "2026-11-29T08:00:00Z",
        "twitter:card": "summary_large_image",
        "twitter:title": PICTURED.title,
        "twitter:description": PICTURED.summary,
        "twitter:image": image,
    }
    assert page.xpath("//link[@rel='canonical']/@href") == [own]
    assert page.xpath("//figure/img/@src") == [image]
    assert page.xpath("//figure/img/@alt") == [PICTURED.title]
    assert page.xpath("//head/link[@rel='alternate']/@href") == [
        "../all/rss.xml",
        "../all/atom.xml",
        "../all/feed.json",
        "../libya/rss.xml",
        "../libya/atom.xml",
        "../libya/feed.json",
    ]
    assert page.xpath("//header//*[@class='brand']/a/@href") == ["../index.html"]
    assert page.xpath("//nav//a/@href") == ["../index.html#feed-all", "../index.html#feed-libya"]
    assert page.xpath("string(//*[@class='kicker'])") == "بوابة الوسط"
    assert "المصدر: بوابة الوسط" in page.text_content()
    # the summary differs from the body's start: shown under the headline
    assert page.xpath("string(//*[@class='standfirst'])") == PICTURED.summary


def test_story_page_without_an_image_has_a_small_card() -> None:
    meta = _meta(_story(CLUSTERED))
    assert meta["twitter:card"] == "summary"
    assert "og:image" not in meta and "twitter:image" not in meta
    assert (
        meta["og:description"] == "أعلنت بلدية بنغازي خطة لصيانة الطرق الرئيسية خلال الشهر المقبل."
    )
    assert meta["og:locale"] == "ar_AR"
    assert og_locale("ar-LY") == "ar_LY" and og_locale("fa") == "fa_FA"


def test_other_outlets_are_named_by_their_display_names() -> None:
    item = replace(
        CLUSTERED,
        also=(
            AlsoReported(
                source="wasat",
                title="خطة بلدية لصيانة طرق بنغازي",
                url="https://alwasat.example.ly/news/1",
                first_seen=WHEN,
            ),
            AlsoReported(source="barqa", title="صيانة الطرق", url=None, first_seen=WHEN),
        ),
    )
    page = _story(item, source_titles=TITLES)
    (block,) = page.xpath("//article/following-sibling::div")
    assert block.text_content() == "ورد هذا الخبر أيضا في: بوابة الوسط، barqa"
    assert page.xpath("string(//*[@class='kicker'])") == "وكالة الأنباء الليبية"


ARABIC_DATE = re.compile(rf"^\d{{1,2}} ({'|'.join(MONTHS)}) \d{{4}}، \d\d:\d\d$")


def test_dates_are_written_one_way_everywhere() -> None:
    index = _index()
    story = _story(PICTURED)
    withdrawn = _story(WITHDRAWN)
    times = [*index.xpath("//time"), *story.xpath("//time"), *withdrawn.xpath("//time")]
    assert len(times) >= 5
    for time in times:
        assert ARABIC_DATE.match(time.text), time.text
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", time.get("datetime"))
    # 08:00 UTC is 10:00 in Tripoli, on the front page and the story's page alike
    assert story.xpath("//header//time/text()") == ["29 نوفمبر 2026، 10:00"]
    assert "29 نوفمبر 2026، 10:00" in index.xpath("//li//time/text()")
    assert arabic_date(datetime(2026, 12, 2, 21, 53, tzinfo=UTC), TRIPOLI) == "2 ديسمبر 2026، 23:53"


def test_a_story_dated_by_its_day_only_shows_no_invented_time() -> None:
    """A bulletin's header gives a day, read as midnight in the site's zone: the
    page says the day, not «00:00»; a story really published at midnight UTC is
    02:00 in Tripoli and keeps its time."""
    riyadh = ZoneInfo("Asia/Riyadh")
    header_day = datetime(2026, 11, 30, 21, tzinfo=UTC)  # 1 December, 00:00 in Riyadh
    assert story_date(header_day, riyadh) == "1 ديسمبر 2026"
    assert arabic_date(header_day, riyadh) == "1 ديسمبر 2026، 00:00"
    assert story_date(datetime(2026, 12, 1, tzinfo=UTC), TRIPOLI) == "1 ديسمبر 2026، 02:00"
    assert story_date(header_day.replace(second=1), riyadh) == "1 ديسمبر 2026، 00:00"


def test_the_pages_fingerprint_follows_what_a_page_shows() -> None:
    plain = pages_fingerprint("نشرة", HOME, TRIPOLI)
    assert plain == pages_fingerprint("نشرة", HOME, TRIPOLI, feeds=(), source_titles={})
    variants = [
        pages_fingerprint("نشرة", HOME, TRIPOLI, feeds=[LIBYA]),
        pages_fingerprint("نشرة", HOME, TRIPOLI, feeds=[ALL]),
        pages_fingerprint("نشرة", HOME, TRIPOLI, source_titles=TITLES),
        pages_fingerprint("نشرة", HOME, TRIPOLI, icon=HOME + "icon.png"),
        pages_fingerprint("نشرة", HOME, TRIPOLI, rights="© نشرة ليبيا"),
        pages_fingerprint("نشرة", HOME, ZoneInfo("Africa/Casablanca")),
    ]
    assert len({plain, *variants}) == len(variants) + 1
    # an inlined stylesheet is part of every page; a linked one is not
    linked = pages_fingerprint("نشرة", HOME, TRIPOLI, stylesheet="site.css")
    assert linked not in {plain, *variants}


def test_site_icon_and_rights_on_both_pages() -> None:
    story = _story(PICTURED, icon=HOME + "icon.png", rights="© نشرة ليبيا 2026")
    index = _index(icon="https://cdn.example.org/icon.png", rights="© نشرة ليبيا 2026")
    assert story.xpath("//link[@rel='icon']/@href") == ["../icon.png"]
    assert index.xpath("//link[@rel='icon']/@href") == ["https://cdn.example.org/icon.png"]
    for page in (story, index):
        assert page.xpath("string(//*[@class='rights'])") == "© نشرة ليبيا 2026"


def test_pages_have_no_script_and_no_foreign_stylesheet() -> None:
    for page in (_index(opml=True), _story(PICTURED, feeds=[ALL])):
        assert not page.xpath("//script | //*[@style] | //link[@rel='stylesheet'] | //iframe")
        css = page.xpath("string(//style)")
        assert "white-space: nowrap" in css and "@import" not in css and "url(" not in css
    assert css.strip() == template_source("site.css").strip()


def test_pages_can_link_the_site_stylesheet_instead() -> None:
    index = _index(stylesheet="site.css")
    story = _story(PICTURED, stylesheet="site.css")
    assert index.xpath("//link[@rel='stylesheet']/@href") == ["site.css"]
    assert story.xpath("//link[@rel='stylesheet']/@href") == ["../site.css"]
    assert not index.xpath("//style") and not story.xpath("//style")


# ------------------------------------------------ the feeds' stylesheet (feed.xsl)

ATOM_NS = "http://www.w3.org/2005/Atom"


def _feed_page(feed: bytes) -> lxml.html.HtmlElement:
    transform = etree.XSLT(etree.fromstring(template_source("feed.xsl").encode("utf-8")))
    result = transform(etree.fromstring(feed))
    return lxml.html.document_fromstring(str(result))


FEED_STORIES = [
    Story(PICTURED, HOME + "stories/5f1e0c9a2b7d4e61.html"),
    Story(replace(CLUSTERED, published=datetime(2026, 11, 28, 22, 30, tzinfo=UTC)), HOME + "x"),
    Story(WEB, WEB.url or ""),
]


@pytest.mark.parametrize("render", [render_rss, render_atom], ids=["rss", "atom"])
def test_feed_stylesheet_shows_a_feed_in_arabic(render: Callable[..., bytes]) -> None:
    feed = render(LIBYA, FEED_STORIES)
    page = _feed_page(feed)
    assert (page.get("lang"), page.get("dir")) == ("ar", "rtl")
    assert page.findtext(".//h1") == "أخبار ليبيا"
    assert page.xpath("string(//*[@class='tagline'])") == "نشرة الأخبار الليبية"
    self_url = LIBYA.rss_url if render is render_rss else LIBYA.atom_url
    assert page.xpath("//*[@class='feed-url']/code/text()") == [self_url]
    assert "انسخ هذا العنوان" in page.xpath("string(//section[@class='howto'])")
    items = page.xpath("//li[@class='item']")
    assert [i.xpath("string(h3)") for i in items] == [s.item.title for s in FEED_STORIES]
    assert [i.xpath("h3/a/@href")[0] for i in items] == [
        HOME + "stories/5f1e0c9a2b7d4e61.html",
        HOME + "x",
        "https://alwasat.example.ly/news/2",
    ]
    times = [i.xpath("string(.//time)") for i in items]
    assert times[0] == "29 نوفمبر 2026، 08:00 بتوقيت غرينتش"
    assert times[1] == "28 نوفمبر 2026، 22:30 بتوقيت غرينتش"
    assert [i.xpath(".//time/@datetime")[0] for i in items][:2] == [
        "2026-11-29T08:00:00Z",
        "2026-11-28T22:30:00Z",
    ]
    # the summary, or the start of the content's text when the feed has none
    has_summary = b"<summary" in feed or b"<description>" in feed.split(b"<item>", 1)[-1]
    assert items[0].xpath("string(p[@class='summary'])") == (
        PICTURED.summary
        if has_summary
        else "أطلقت بلدية مصراتة اليوم مشروعا لتحلية مياه البحر بطاقة عشرة آلاف متر مكعب."
    )
    assert "ورد هذا الخبر أيضا في: بوابة الوسط" in items[1].xpath("string(p[@class='summary'])")
    assert not page.xpath("//script | //*[@onload] | //*[@onclick]")


def test_feed_stylesheet_sends_an_archive_to_the_current_feed() -> None:
    tree = etree.fromstring(render_atom(LIBYA, FEED_STORIES))
    anchor = tree.find(f"{{{ATOM_NS}}}link")
    assert anchor is not None
    anchor.addnext(etree.Element(f"{{{ATOM_NS}}}link", rel="current", href=LIBYA.atom_url))
    anchor.addnext(
        etree.Element(
            f"{{{ATOM_NS}}}link", rel="prev-archive", href=HOME + "libya/archive/2026-10.xml"
        )
    )
    anchor.set("href", HOME + "libya/archive/2026-11.xml")
    anchor.addnext(etree.Element("{http://purl.org/syndication/history/1.0}archive"))
    page = _feed_page(etree.tostring(tree))
    assert page.xpath("//*[@class='feed-url']/code/text()") == [LIBYA.atom_url]
    assert "أرشيف" in page.xpath("string(//*[@class='badge'])")
    assert page.xpath("//nav[@class='archive']/a/@href") == [HOME + "libya/archive/2026-10.xml"]


@pytest.mark.parametrize(
    ("written", "iso", "text"),
    [
        ("Sun, 29 Nov 2026 10:00:00 +0200", "2026-11-29T10:00:00+02:00", "29 نوفمبر 2026، 10:00"),
        ("2 Dec 2026 23:53 GMT", "2026-12-02T23:53:00Z", "2 ديسمبر 2026، 23:53 بتوقيت غرينتش"),
        ("2026-01-05T07:09:00.25-01:00", "2026-01-05T07:09:00-01:00", "5 يناير 2026، 07:09"),
    ],
)
def test_feed_stylesheet_reads_both_date_formats(written: str, iso: str, text: str) -> None:
    rss = (
        '<rss version="2.0"><channel><title>نشرة</title><description>أخبار</description>'
        f"<item><title>خبر</title><link>javascript:alert(1)</link><pubDate>{written}</pubDate>"
        "</item></channel></rss>"
    )
    page = _feed_page(rss.encode("utf-8"))
    (time,) = page.xpath("//time")
    assert time.get("datetime") == iso
    assert time.text_content().startswith(text)
    assert not page.xpath("//li//a")  # a link that is not http(s) is not linked
    assert not FOREIGN_SCHEME.search(lxml.html.tostring(page, encoding="unicode"))


def test_feed_stylesheet_writes_the_months_as_the_pages_do() -> None:
    tree = etree.fromstring(template_source("feed.xsl").encode("utf-8"))
    xsl = "http://www.w3.org/1999/XSL/Transform"
    months = tree.xpath(
        "//x:template[@name='written']//x:when[starts-with(@test, '$month')]/text()",
        namespaces={"x": xsl},
    )
    assert isinstance(months, list) and tuple(map(str, months)) == MONTHS
