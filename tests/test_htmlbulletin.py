"""HTML bulletins: headlines from h1-h3 and bold, boilerplate ignored, the page's
language, bounded time on hostile pages."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sources.base import Context, SourceSpec
from sources.errors import ParseError
from sources.files import collect_files, parse_file
from sources.htmlbulletin import MAX_BLOCKS, html_blocks
from tests.conftest import DATA, TRIPOLI

PAGES = DATA / "htmlbulletins"
UTC_PLUS_ONE = timezone(timedelta(hours=1))
BOILERPLATE = ("الرئيسية", "السكربت", "الأنماط", "شارك", "إعلان", "الأكثر قراءة", "محفوظة")


def test_landmarks_page_gives_the_bulletin_and_nothing_around_it(ctx: Context) -> None:
    parsed = parse_file(str(PAGES / "landmarks.html"), ctx)  # windows-1256, declared
    assert parsed.errors == []
    items = parsed.items
    assert [i.title for i in items] == [
        "الاتحاد الأوروبي يجدد التزامه بدعم إدارة الهجرة في ليبيا",
        "ليبيا توجه تهنئة رسمية لدولة قطر بمناسبة «اليوم الوطني»",
        "ليبيا وباكستان توقعان اتفاقية تعاون عسكري",
    ]
    assert {i.language for i in items} == {"ar-LY"}  # <html lang>
    assert {i.published for i in items} == {datetime(2025, 12, 18, tzinfo=TRIPOLI)}
    assert "توقيع عسكري رسمي" in items[2].body  # h4: a subheading
    text = " ".join(i.title + i.body for i in items)
    assert not [word for word in BOILERPLATE if word in text]
    assert "انتهت النشرة" not in text and "نشرة أخبار" not in text


def test_bold_paragraphs_line_breaks_and_layout_tables(ctx: Context) -> None:
    items = parse_file(str(PAGES / "bold.html"), ctx).items
    assert [i.title for i in items] == [
        "4 حراكَة مغاربة قرقبات عليهم الصبليون بعدما نزلو فكناريا",
        "إعفاء مسؤول بوزارة الفلاحة بعد مجزرة قنص خليجيين",
    ]
    assert {i.language for i in items} == {"ar-MA"}
    first, second = (i.body for i in items)
    assert first.count("<p>") == 3  # <br> splits; the long bold paragraph is body
    assert "<p>كود: أوردت يومية" in second and "١٤٠٠ يمامة" in second
    assert "ملفات تعريف الارتباط" not in first + second


@pytest.mark.parametrize(
    ("html", "language"),
    [
        ('<html><body lang="ar-TN"><h2>عنوان</h2><p>نص الخبر.</p></body></html>', "ar-TN"),
        (
            '<html><head><meta http-equiv="Content-Language" content="ar-EG"></head>'
            "<body><h2>عنوان</h2><p>نص الخبر.</p></body></html>",
            "ar-EG",
        ),
        ('<html dir="rtl"><body><h2>عنوان</h2><p>نص الخبر.</p></body></html>', None),
    ],
)
def test_the_language_comes_from_the_page(html: str, language: str | None) -> None:
    assert html_blocks(html, "x.html").language == language


# -- hostile pages: a clear error or a bounded-time result ------------------------------


def _timed(tmp_path: Path, ctx: Context, name: str, page: str) -> tuple[float, object]:
    (tmp_path / name).write_text(page, "utf-8")
    (tmp_path / "good.html").write_bytes((PAGES / "bold.html").read_bytes())
    started = time.perf_counter()
    out = collect_files(SourceSpec(name="desk", path="*.html"), ctx)
    return time.perf_counter() - started, out


def test_ten_megabytes_of_nested_blocks_is_refused_quickly(tmp_path: Path, ctx: Context) -> None:
    shape = "<blockquote><div>"
    page = '<html lang="ar"><body>' + shape * (10_000_000 // len(shape)) + "خبر"
    took, out = _timed(tmp_path, ctx, "deep.html", page)
    assert took < 10
    assert [str(e) for e in out.errors] == [  # type: ignore[attr-defined]
        "deep.html: refused: HTML nested more than 255 elements deep"
    ]
    assert len(out.items) == 2  # type: ignore[attr-defined]


def test_ten_megabytes_of_wide_tables_is_refused_in_bounded_time(
    tmp_path: Path, ctx: Context
) -> None:
    row = "<tr>" + "<td>خبر</td>" * 20 + "</tr>"
    page = "<html><body>" + ("<table>" + row * 50 + "</table>") * (
        9_500_000 // (len(row.encode()) * 50)
    )
    took, out = _timed(tmp_path, ctx, "wide.html", page)
    assert took < 30
    assert [str(e) for e in out.errors] == [  # type: ignore[attr-defined]
        f"wide.html: refused: more than {MAX_BLOCKS:,} paragraphs, not a bulletin"
    ]
    assert len(out.items) == 2  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "page",
    [
        "<html><body><hr><hr><p>* * *</p><p>ـــــــ</p><hr></body></html>",  # all separators
        "<html><body><nav>الرئيسية</nav><script>x()</script></body></html>",  # only boilerplate
        "<!DOCTYPE html><html></html>",
    ],
)
def test_a_page_without_stories_gives_no_item_and_no_crash(
    tmp_path: Path, ctx: Context, page: str
) -> None:
    (tmp_path / "p.html").write_text(page, "utf-8")
    out = collect_files(SourceSpec(name="desk", path="p.html"), ctx)
    assert out.items == []


def test_a_page_that_is_not_html_text_is_one_error(tmp_path: Path, ctx: Context) -> None:
    (tmp_path / "p.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    out = collect_files(SourceSpec(name="desk", path="p.html"), ctx)
    assert [str(e) for e in out.errors] == ["p.html: binary file, not text"]


def test_every_headline_of_an_all_headline_page_is_kept_or_dropped_without_crash(
    ctx: Context,
) -> None:
    page = "<html><body>" + "".join(f"<h2>عنوان رقم {n}</h2>" for n in range(5)) + "</body></html>"
    blocks = html_blocks(page, "x.html").blocks
    assert [b.headline for b in blocks] == [True] * 5


WORDS = st.lists(
    st.text(alphabet=st.sampled_from("ابتثجحخدرزسشصعفقكلمنهوي٠١٢٣"), min_size=1, max_size=8),
    min_size=1,
    max_size=8,
).map(" ".join)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["h2", "p", "li", "td", "b"]), WORDS), max_size=10))
def test_blocks_keep_the_text_in_page_order(parts: list[tuple[str, str]]) -> None:
    inner = "".join(
        f"<p><b>{text}</b></p>" if tag == "b" else f"<{tag}>{text}</{tag}>" for tag, text in parts
    )
    blocks = html_blocks(f"<html><body>{inner}</body></html>", "x.html").blocks
    assert [b.text for b in blocks] == [text for _, text in parts]
    expected = {"h2": True, "b": True, "li": False, "td": False, "p": None}
    assert [b.headline for b in blocks] == [expected[tag] for tag, _ in parts]


def test_a_document_that_lxml_cannot_read_is_one_parse_error() -> None:
    with pytest.raises(ParseError, match=r"^x\.html: not an HTML page"):
        html_blocks("", "x.html")


def test_relative_headings_list_items_and_the_page_date(tmp_path: Path, ctx: Context) -> None:
    page = """<!DOCTYPE html><html lang="ar"><head>
<meta property="article:published_time" content="2025-02-03T08:30:00+01:00"></head><body>
<h2>نشرة الصباح</h2>
<p>إعداد: قسم التحرير</p>
<h3>المجلس البلدي يصادق على الميزانية</h3>
<p>صادق المجلس البلدي في دورته العادية على ميزانية السنة المقبلة بالإجماع.</p>
<h4>أبرز البنود</h4>
<ol><li>تهيئة الطرق</li><li>الإنارة العمومية</li></ol>
<h3>افتتاح سوق نموذجي جديد</h3>
<p>افتتحت السلطات المحلية سوقا نموذجيا جديدا لفائدة الباعة المتجولين.</p>
</body></html>"""
    path = tmp_path / "morning.html"
    path.write_text(page, "utf-8")
    items = parse_file(str(path), ctx).items
    assert [i.title for i in items] == [
        "المجلس البلدي يصادق على الميزانية",
        "افتتاح سوق نموذجي جديد",
    ]
    assert "<h3>أبرز البنود</h3>" in items[0].body and "الإنارة العمومية" in items[0].body
    assert all(i.published == datetime(2025, 2, 3, 8, 30, tzinfo=UTC_PLUS_ONE) for i in items)


def test_a_time_element_dates_the_page() -> None:
    page = html_blocks(
        '<html><body><main><time datetime="2024-05-06T07:00Z">6 مايو</time>'
        "<h2>عنوان</h2><p>نص.</p></main></body></html>",
        "x.html",
    )
    assert page.date == "2024-05-06T07:00Z"


def test_an_email_newsletter_preheader_links_and_bylines(tmp_path: Path, ctx: Context) -> None:
    """A hidden preheader (``visibility:hidden``, ``mso-hide:all``), «View it online»
    and «Read more» are not stories nor body; «name | date» under a headline is
    the byline."""
    page = """<!doctype html><html lang="ar" dir="rtl"><body>
<div style="visibility:hidden; mso-hide:all; font-size:1px">موجز هذا الأسبوع في سطر واحد</div>
<p><a href="https://example.org/web">View it online</a></p>
<table><tr><td>
<h2>المجلس البلدي يصادق على الميزانية</h2>
<div>سعاد الإدريسي | 4 مارس 2021</div>
<p>صادق المجلس البلدي في دورته العادية على ميزانية السنة المقبلة بالإجماع.</p>
<a href="https://example.org/1">Read more</a>
</td></tr><tr><td>
<h2>افتتاح سوق نموذجي جديد</h2>
<div>يوسف الحسني | 5 مارس 2021</div>
<p>افتتحت السلطات المحلية سوقا نموذجيا جديدا لفائدة الباعة المتجولين.</p>
<a href="https://example.org/2">اقرأ التفاصيل</a>
</td></tr></table></body></html>"""
    path = tmp_path / "letter.html"
    path.write_text(page, "utf-8")
    items = parse_file(str(path), ctx).items
    assert [i.title for i in items] == [
        "المجلس البلدي يصادق على الميزانية",
        "افتتاح سوق نموذجي جديد",
    ]
    assert [i.author for i in items] == ["سعاد الإدريسي", "يوسف الحسني"]
    assert [
        i.published.astimezone(TRIPOLI).date().isoformat() if i.published else None for i in items
    ] == [
        "2021-03-04",
        "2021-03-05",
    ]
    assert all("Read" not in i.body and "اقرأ" not in i.body for i in items)


def test_each_storys_byline_and_time_give_its_author_and_date(tmp_path: Path, ctx: Context) -> None:
    """A line holding a story's ``<time datetime>`` (with or without a byline)
    dates that story and names its author; it is not part of the body."""
    page = (
        '<html lang="ar"><body><main><h1>حصاد الأسبوع</h1>'
        "<article><h2>افتتاح الدورة البرلمانية الجديدة</h2>"
        '<p class="byline">إعداد: سلمى الإدريسي · <time datetime="2021-10-08T18:00:00+01:00">'
        "8 أكتوبر</time></p>"
        "<p>افتتح البرلمان دورته التشريعية الجديدة بحضور أعضاء الحكومة.</p></article>"
        "<article><h2>أمطار غزيرة في شمال البلاد</h2>"
        '<div class="meta"><time datetime="2021-10-06T07:00:00+01:00">6 أكتوبر</time></div>'
        "<p>شهدت مدن الشمال أمطارا غزيرة تسببت في قطع عدد من الطرق.</p></article>"
        "</main></body></html>"
    )
    path = tmp_path / "week.html"
    path.write_text(page, encoding="utf-8")
    items = parse_file(str(path), ctx).items
    assert [i.title for i in items] == [
        "افتتاح الدورة البرلمانية الجديدة",
        "أمطار غزيرة في شمال البلاد",
    ]
    assert [i.author for i in items] == ["سلمى الإدريسي", None]
    assert [i.published for i in items] == [
        datetime(2021, 10, 8, 18, tzinfo=UTC_PLUS_ONE),
        datetime(2021, 10, 6, 7, tzinfo=UTC_PLUS_ONE),
    ]
    assert all("أكتوبر" not in i.body and "إعداد" not in i.body for i in items)
