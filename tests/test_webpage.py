"""Web pages: article lists read with CSS or XPath selectors, feed discovery, and full
text of new articles, against the real test server where fetching is involved."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime

import pytest

from sources import Collected, Context, Fetcher, FetchSettings, SourceSpec, collect_url
from sources.errors import ParseError
from sources.webpage import article_image, discover_feed, extract_article, parse_page
from tests.conftest import NOW, TRIPOLI
from tests.httpserver import DATA, Route, TestServer

PAGE = "https://www.goud.ma/"
LIST = (DATA / "goud-list.html").read_text("utf-8")
CSS = {
    "item": "article.post",
    "title": "h2",
    "link": "h2 a",
    "date": "time",
    "summary": "p.lead",
    "image": "img",
}
XPATH = {
    "item": "//main/article[contains(@class, 'post')]",
    "title": "./h2/a/text()",
    "link": "./h2/a/@href",
    "date": "./time/@datetime",
}
TITLES = [
    "كوريا داعمة المغرب على الصحرا ديالو",
    "لحريگ لسبتة: السلطات تدخلات هاد المرة",
    "ها المشاكل بداو. العميد بنعطية طار من التشكيلة الرسمية ضد اسبانيا",
]


@pytest.fixture
def server() -> Iterator[TestServer]:
    with TestServer() as running:
        yield running


def page(selectors: dict[str, str], text: str = LIST) -> tuple[list[str], list[str]]:
    result = parse_page(text, url=PAGE, selectors=selectors, source="goud", tz=TRIPOLI, now=NOW)
    return [i.title for i in result.items], [str(e) for e in result.errors]


def test_css_selectors_read_every_field() -> None:
    result = parse_page(LIST, url=PAGE, selectors=CSS, source="goud", tz=TRIPOLI, now=NOW)
    assert result.errors == []
    assert [i.title for i in result.items] == TITLES
    first = result.items[0]
    assert first.url == "https://www.goud.ma/article-1.html"  # absolute, utm_campaign dropped
    assert first.published == datetime(2026, 11, 21, 7, 0, tzinfo=UTC)
    assert first.summary.startswith("أكدت جمهورية كوريا دعمها")
    assert first.body.startswith("<p>أكدت جمهورية كوريا")
    assert first.image == "https://www.goud.ma/img/1.jpg"  # from data-src
    assert first.origin == PAGE and first.source == "goud"


def test_xpath_selectors_with_text_and_attribute_results() -> None:
    result = parse_page(LIST, url=PAGE, selectors=XPATH, source="goud", tz=TRIPOLI, now=NOW)
    assert [i.title for i in result.items] == TITLES
    assert result.items[2].url == "https://www.goud.ma/article-3.html"
    assert result.items[2].published == datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


def test_only_item_given_uses_the_first_link_and_its_text() -> None:
    titles, problems = page({"item": "article.post"})
    assert titles == TITLES and problems == []


def test_item_selector_that_matches_nothing_is_said() -> None:
    titles, problems = page({"item": "div.story"})
    assert titles == []
    assert problems == [f"goud: {PAGE}: selectors.item 'div.story' matched nothing"]


def test_items_without_title_and_link_are_skipped_with_a_line() -> None:
    text = LIST.replace(
        "</main>",
        '<article class="post"><p class="lead">نص بلا عنوان ولا رابط.</p></article></main>',
    )
    titles, problems = page(CSS, text)
    assert titles == TITLES
    assert problems == [f"goud: {PAGE}: item 4: no title and no link: skipped"]


@pytest.mark.parametrize(
    ("selectors", "message"),
    [
        ({"title": "h2"}, "goud: selectors: 'item' is required (the element of one article)"),
        ({"item": "a", "headline": "h2"}, "goud: selectors: unknown field 'headline'"),
        ({"item": "article[", "title": "h2"}, "goud: selectors.item: invalid selector 'article['"),
        (
            {"item": "//article[", "title": "h2"},
            "goud: selectors.item: invalid selector '//article['",
        ),
    ],
)
def test_bad_selectors_are_one_clear_error(selectors: dict[str, str], message: str) -> None:
    with pytest.raises(ParseError) as caught:
        page(selectors)
    assert str(caught.value).startswith(message)


def test_discover_finds_the_advertised_feed() -> None:
    home = (DATA / "home.html").read_text("utf-8")
    assert discover_feed(home, PAGE) == "https://www.goud.ma/feeds/goud.xml"
    assert discover_feed("<html><head></head><body>لا شيء</body></html>", PAGE) is None


def test_extract_article_keeps_the_article_and_drops_the_boilerplate() -> None:
    html = (DATA / "goud-article-1.html").read_text("utf-8")
    body = extract_article(html, "https://www.goud.ma/article-1.html")
    assert body is not None
    assert "أكدت جمهورية كوريا دعمها لجهود هيأة الأمم المتحدة" in body
    assert "منظمة الاتحاد الإفريقي" in body  # a later paragraph, absent from the list page
    assert "جميع الحقوق محفوظة" not in body and "الأكثر قراءة" not in body


# -- through the server ------------------------------------------------------------------


def collect(
    spec: SourceSpec, ctx: Context, known: Callable[[Sequence[str]], set[str]] | None = None
) -> Collected:
    async def run() -> Collected:
        async with Fetcher(FetchSettings(), known_urls=known) as fetcher:
            return await collect_url(spec, ctx, fetcher)

    return asyncio.run(run())


def serve_site(server: TestServer) -> str:
    server.fixture("/", "goud-list.html", content_type="text/html; charset=utf-8")
    for number in (1, 2, 3):
        server.fixture(
            f"/article-{number}.html",
            f"goud-article-{number}.html",
            content_type="text/html; charset=utf-8",
        )
    return server.url("/")


def test_full_text_fetches_each_new_article_once(server: TestServer, ctx: Context) -> None:
    url = serve_site(server)
    spec = SourceSpec(
        name="goud", url=url, allow_private=True, full_text=True, selectors=tuple(CSS.items())
    )
    first = collect(spec, ctx)
    assert first.errors == [] and [i.title for i in first.items] == TITLES
    assert "منظمة الاتحاد الإفريقي" in first.items[0].body  # the article's full text
    assert [server.hits(f"/article-{n}.html") for n in (1, 2, 3)] == [1, 1, 1]

    stored = {i.url for i in first.items[:2] if i.url}
    again = collect(spec, ctx, known=lambda urls: stored & set(urls))
    assert [i.title for i in again.items] == TITLES[2:]  # only the article not stored yet
    assert [server.hits(f"/article-{n}.html") for n in (1, 2, 3)] == [1, 1, 2]


def test_full_text_article_that_fails_keeps_the_list_summary(
    server: TestServer, ctx: Context
) -> None:
    url = serve_site(server)
    server.route("/article-2.html", Route(status=404))
    spec = SourceSpec(
        name="goud", url=url, allow_private=True, full_text=True, selectors=tuple(CSS.items())
    )
    collected = collect(spec, ctx)
    assert len(collected.items) == 3
    assert collected.items[1].body.startswith("<p>ذكرت تقارير إخبارية")
    article = server.url("/article-2.html")
    assert [str(e) for e in collected.errors] == [
        f"goud: {article}: HTTP 404 Not Found (article page)"
    ]


def test_discover_follows_the_advertised_feed_and_remembers_it(
    server: TestServer, ctx: Context
) -> None:
    home = server.fixture("/", "home.html", content_type="text/html; charset=utf-8")
    feed = server.fixture("/feeds/goud.xml", "goud-rss2.xml")
    spec = SourceSpec(name="goud", url=home, allow_private=True, discover=True)
    collected = collect(spec, ctx)
    assert collected.errors == [] and len(collected.items) == 4
    assert collected.state is not None and collected.state.moved_to == feed


def test_a_page_advertising_a_feed_without_discover(server: TestServer, ctx: Context) -> None:
    home = server.fixture("/", "home.html", content_type="text/html; charset=utf-8")
    spec = SourceSpec(name="goud", url=home, allow_private=True)
    with pytest.raises(ParseError) as caught:
        collect(spec, ctx)
    assert str(caught.value) == (
        f"goud: {home}: an HTML page where a feed was expected; it advertises "
        f"{server.url('/feeds/goud.xml')}: use that url, or set discover = true"
    )


def test_an_html_error_page_where_a_feed_was_expected(server: TestServer, ctx: Context) -> None:
    url = server.fixture("/feed.xml", "error-page.html", content_type="text/html")
    with pytest.raises(ParseError) as caught:
        collect(SourceSpec(name="goud", url=url, allow_private=True), ctx)
    assert str(caught.value).startswith(
        f"goud: {url}: an HTML page where a feed was expected, and it advertises no feed"
    )


def test_legacy_encoded_page_with_meta_charset(server: TestServer, ctx: Context) -> None:
    html = LIST.replace('<meta charset="utf-8">', '<meta charset="windows-1256">')
    html = html.replace("لحريگ", "لحريك")  # گ is not in windows-1256
    url = server.route("/", Route(body=html.encode("cp1256"), content_type="text/html"))
    spec = SourceSpec(name="goud", url=url, allow_private=True, selectors=tuple(CSS.items()))
    titles = [i.title for i in collect(spec, ctx).items]
    assert titles == [TITLES[0], TITLES[1].replace("لحريگ", "لحريك"), TITLES[2]]


def test_script_links_and_controls_from_selectors_never_reach_an_item() -> None:
    text = (DATA.parent / "hardening" / "hostile-page.html").read_text("utf-8")
    result = parse_page(text, url=PAGE, selectors=CSS, source="goud", tz=TRIPOLI, now=NOW)
    first, second = result.items
    assert (first.url, first.image) == (None, None)
    assert second.url == "https://www.goud.ma/hrig/" and second.image is None
    assert second.title == "لحريگ لسبتة: السلطات تدخلات هاد المرة"  # DEL and U+0001 removed
    dropped = "only http and https links are published"
    assert not result.errors
    assert [str(e) for e in result.notices] == [
        f"goud: {PAGE}: item 1: url 'JavaScript:alert(document.cookie)' dropped from "
        f"«{TITLES[0]}»: {dropped}",
        f"goud: {PAGE}: item 1: image 'data:image/svg+xml,<svg onload=alert(1)>' dropped from "
        f"«{TITLES[0]}»: {dropped}",
        f"goud: {PAGE}: item 2: image 'vbscript:msgbox(1)' dropped from «{TITLES[1]}»: {dropped}",
    ]


# -- the image a page advertises -----------------------------------------------------------

ARTICLE = (DATA / "goud-article-2.html").read_text("utf-8")
TWITTER_IMAGE = '<meta name="twitter:image" content="https://www.goud.ma/img/twitter-2.jpg">'
IMAGE_TAGS = TWITTER_IMAGE + '<meta property="og:image" content="/uploads/2026/11/لحريگ-سبتة.jpg">'


def test_an_article_page_gives_its_og_image_to_its_one_item() -> None:
    text = ARTICLE.replace("</head>", IMAGE_TAGS + "</head>")
    url = "https://www.goud.ma/lhrig-sebta/"
    result = parse_page(
        text, url=url, selectors={"item": "main article", "title": "h1"}, source="goud",
        tz=TRIPOLI, now=NOW,
    )  # fmt: skip
    (item,) = result.items
    assert item.title == "لحريگ لسبتة: السلطات تدخلات هاد المرة"
    assert item.image == "https://www.goud.ma/uploads/2026/11/لحريگ-سبتة.jpg"
    assert article_image(text, url) == item.image
    assert article_image(ARTICLE.replace("</head>", TWITTER_IMAGE + "</head>"), url) == (
        "https://www.goud.ma/img/twitter-2.jpg"  # no og:image: twitter's
    )
    assert article_image(ARTICLE, url) is None


def test_a_list_page_og_image_is_the_sites_not_each_storys() -> None:
    text = LIST.replace("</head>", '<meta property="og:image" content="/logo.png"></head>')
    result = parse_page(text, url=PAGE, selectors={"item": "article.post"}, source="goud",
                        tz=TRIPOLI, now=NOW)  # fmt: skip
    assert [i.image for i in result.items] == [None, None, None]


def test_selectors_image_wins_over_the_page_image() -> None:
    text = ARTICLE.replace("</head>", IMAGE_TAGS + "</head>").replace(
        "<h1>", '<img src="/img/inline-2.jpg"><h1>'
    )
    result = parse_page(
        text, url="https://www.goud.ma/lhrig-sebta/", selectors={"item": "main article",
        "title": "h1", "image": "img"}, source="goud", tz=TRIPOLI, now=NOW,
    )  # fmt: skip
    assert result.items[0].image == "https://www.goud.ma/img/inline-2.jpg"


def test_full_text_story_takes_its_article_image(server: TestServer, ctx: Context) -> None:
    """A story read in full that its list page gave no image gets the one its
    article advertises (``og:image``, resolved against the article's URL)."""
    url = serve_site(server)
    page = (DATA / "goud-article-2.html").read_bytes()
    tagged = page.replace(
        b"<head>", b'<head><meta property="og:image" content="/media/siyasa-2.jpg">', 1
    )
    assert tagged != page
    server.route("/article-2.html", Route(body=tagged, content_type="text/html; charset=utf-8"))
    without_images = tuple((k, v) for k, v in CSS.items() if k != "image")
    spec = SourceSpec(
        name="goud", url=url, allow_private=True, full_text=True, selectors=without_images
    )
    collected = collect(spec, ctx)
    assert collected.errors == []
    by_url = {i.url: i for i in collected.items}
    assert by_url[server.url("/article-2.html")].image == server.url("/media/siyasa-2.jpg")
    assert by_url[server.url("/article-3.html")].image is None
