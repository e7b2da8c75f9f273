"""Word bulletins: headlines from styles and bold, the bulletin rules, bad documents."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sources.base import Context, SourceSpec
from sources.docx import docx_blocks
from sources.files import collect_files, parse_file
from tests.conftest import DATA, TRIPOLI

DOCX = DATA / "docx"


def _titles(path: Path, ctx: Context) -> list[str]:
    parsed = parse_file(str(path), ctx)
    assert parsed.errors == []
    return [item.title for item in parsed.items]


def test_heading_styles_header_table_and_closing_line(ctx: Context) -> None:
    items = parse_file(str(DOCX / "headings.docx"), ctx).items
    assert [i.title for i in items] == [
        "4 حراكَة مغاربة قرقبات عليهم الصبليون بعدما نزلو فكناريا",
        "إعفاء مسؤول بوزارة الفلاحة بعد مجزرة قنص خليجيين لـ”أزيد من ١٤٠٠ حمامة”",
        "ايت الطالب بقرارتو زاد شعل العافيا وسط الأطر الطبية",  # in a table
    ]
    # the header's date line, in Arabic-Indic digits, dates every story
    assert {i.published for i in items} == {datetime(2020, 4, 12, tzinfo=TRIPOLI)}
    assert "١٤٠٠ يمامة" in items[1].body  # digits kept as written
    assert "اطر ضحاو بالغالي" in items[2].body
    assert all("موجز الأنباء" not in i.body and "انتهت النشرة" not in i.body for i in items)


def test_bold_headlines_line_breaks_and_long_bold_paragraphs(ctx: Context) -> None:
    items = parse_file(str(DOCX / "bold.docx"), ctx).items
    assert [i.title for i in items] == [
        "ليبيا توجه تهنئة رسمية لدولة قطر بمناسبة «اليوم الوطني»",  # w:bCs only
        "4 حراكَة مغاربة قرقبات عليهم الصبليون بعدما نزلو فكناريا",  # w:b
        "ايت الطالب بقرارتو زاد شعل العافيا وسط الأطر الطبية",  # Strong style
    ]
    first = items[0].body
    assert first.count("<p>") == 3  # a line break separates paragraphs
    assert "وأشارت الوزارة إلى أن العلاقات الليبية القطرية" in first  # long bold: body
    assert "<p>كود: تمكنت السلطات الإسبانية" in items[1].body  # partly bold: body


def test_arabic_style_names_outline_levels_and_subheadings(ctx: Context) -> None:
    items = parse_file(str(DOCX / "styles.docx"), ctx).items
    assert [i.title for i in items] == [
        "إعفاء مسؤول بوزارة الفلاحة بعد مجزرة قنص خليجيين لـ”أزيد من ١٤٠٠ حمامة”",
        "4 حراكَة مغاربة قرقبات عليهم الصبليون بعدما نزلو فكناريا",
        "ايت الطالب بقرارتو زاد شعل العافيا وسط الأطر الطبية",
    ]
    assert "توقيع إعفاء رسمي" in items[0].body  # Heading 4: a subheading, not a story


def test_right_to_left_runs_keep_their_text_and_order() -> None:
    document = docx.Document(str(DOCX / "headings.docx"))
    blocks = docx_blocks(document)
    assert blocks[1].text == "الأحد ١٢ أبريل ٢٠٢٠"
    assert [b.headline for b in blocks[:3]] == [True, None, None]
    assert blocks[2].subheading  # Heading 2 under Heading 1 headlines: read in its place


ARABIC = st.text(
    alphabet=st.sampled_from("ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإةى٠١٢٣٤٥٦٧٨٩ ،.«»"),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() != "")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ARABIC, min_size=1, max_size=6), st.booleans())
def test_every_paragraph_becomes_one_block_as_written(paragraphs: list[str], rtl: bool) -> None:
    document = docx.Document()
    for text in paragraphs:
        run = document.add_paragraph().add_run(text)
        run.font.rtl = rtl
    saved = io.BytesIO()
    document.save(saved)
    blocks = docx_blocks(docx.Document(io.BytesIO(saved.getvalue())))
    assert [b.text for b in blocks] == [" ".join(t.split()) for t in paragraphs]
    assert [b.line for b in blocks] == list(range(1, len(paragraphs) + 1))


# -- bad documents: one clear error each, the neighbours still collected ---------------


def _rezip(change: dict[str, bytes | None], extra: dict[str, bytes] | None = None) -> bytes:
    """The bold fixture with parts replaced (None: removed) or added."""
    source = zipfile.ZipFile(DOCX / "bold.docx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = change.get(info.filename, source.read(info.filename))
            if data is not None:
                archive.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _ole(stream: str) -> bytes:
    """The start of an OLE compound file naming one stream, as Word's are."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    return header + stream.encode("utf-16-le") + bytes(1024)


def _document_xml() -> bytes:
    return zipfile.ZipFile(DOCX / "bold.docx").read("word/document.xml")


BAD = [
    (  # an OpenDocument text renamed .docx: a zip of something else
        "report.docx",
        _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}),
        "report.docx: a zip archive, not a Word document",
    ),
    (  # a spreadsheet renamed .docx: an Office zip, but not Word
        "table.docx",
        _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
        "table.docx: a zip archive, not a Word document",
    ),
    (
        "locked.docx",
        _ole("EncryptionInfo"),
        "locked.docx: cannot read a password-protected Word document",
    ),
    ("old.docx", _ole("WordDocument"), "old.docx: cannot read an old Word 97-2003 document"),
    (
        "cut.docx",
        (DOCX / "styles.docx").read_bytes()[:9000],
        "cut.docx: not a Word document: a .docx is a zip archive",
    ),
    (  # the document part cut in the middle of a character
        "broken.docx",
        _rezip({"word/document.xml": _document_xml()[:1501]}),
        "broken.docx: corrupt Word document: XMLSyntaxError",
    ),
    (
        "nested.docx",
        _rezip(
            {
                "word/document.xml": _document_xml().replace(
                    b"<w:body>", b"<w:body>" + b"<w:sdt><w:sdtContent>" * 3000, 1
                )
            }
        ),
        "nested.docx: corrupt Word document: XMLSyntaxError: Excessive depth",
    ),
    (
        "headless.docx",
        _rezip({"word/document.xml": None}),
        "headless.docx: corrupt Word document: KeyError",
    ),
    (  # a zip bomb: a small file whose parts unpack far past the size limit
        "bomb.docx",
        _rezip({}, {"word/media/filler.bin": bytes(12 * 1024 * 1024)}),
        "bomb.docx: refused: the document unpacks to",
    ),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_documents_give_one_clear_error_and_neighbours_are_collected(
    tmp_path: Path, ctx: Context, name: str, data: bytes, message: str
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / name).write_bytes(data)
    (tmp_path / "in" / "good.docx").write_bytes((DOCX / "bold.docx").read_bytes())
    out = collect_files(SourceSpec(name="desk", path="in"), ctx)
    assert len(out.items) == 3
    assert [str(e).startswith(f"in/{message}") for e in out.errors] == [True], out.errors
    assert [f.path for f in out.files] == ["in/good.docx"]


def test_the_size_limit_applies_to_what_a_document_unpacks_to(tmp_path: Path, ctx: Context) -> None:
    data = (DOCX / "bold.docx").read_bytes()
    unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    limit = len(data) + 1  # the file itself is under the limit
    assert unpacked > limit
    (tmp_path / "bold.docx").write_bytes(data)
    small = Context(tz=ctx.tz, now=ctx.now, base_dir=str(tmp_path), max_bytes=limit)
    out = collect_files(SourceSpec(name="desk", path="bold.docx"), small)
    assert out.items == []
    assert [str(e) for e in out.errors] == [
        f"bold.docx: refused: the document unpacks to {unpacked:,} bytes, "
        f"more than the limit of {limit:,} bytes"
    ]


def test_a_paragraph_with_only_a_break_or_empty_runs_gives_no_block() -> None:
    document = docx.Document()
    document.add_paragraph().add_run().add_break()
    document.add_paragraph("   ")
    empty = document.add_paragraph()
    empty._p.append(OxmlElement("w:r"))
    assert docx_blocks(document) == []


def test_headings_below_the_headline_level_tables_and_lists_stay_in_the_story(
    tmp_path: Path, ctx: Context
) -> None:
    document = docx.Document()
    document.add_paragraph("النشرة الصباحية", style="Title")
    document.add_paragraph("الوزارة تطلق برنامجا لدعم المقاولات الصغرى", style="Heading 2")
    document.add_paragraph("أطلقت وزارة الاقتصاد برنامجا جديدا لدعم المقاولات الصغرى والمتوسطة.")
    document.add_paragraph("شروط الاستفادة", style="Heading 4")
    document.add_paragraph("يشترط البرنامج أن تكون المقاولة مسجلة منذ سنتين على الأقل.")
    document.add_paragraph("التسجيل عبر المنصة", style="List Paragraph")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "الجهة"
    table.cell(0, 1).text = "المبلغ"
    document.add_paragraph("انطلاق الموسم الفلاحي في سهل سايس", style="Heading 2")
    document.add_paragraph("انطلق الموسم الفلاحي في سهل سايس وسط تفاؤل بموسم جيد.")
    closing = document.add_paragraph()
    closing.add_run("شكرا لحسن متابعتكم").bold = True
    path = tmp_path / "levels.docx"
    document.save(str(path))

    items = parse_file(str(path), ctx).items
    assert [i.title for i in items] == [
        "الوزارة تطلق برنامجا لدعم المقاولات الصغرى",
        "انطلاق الموسم الفلاحي في سهل سايس",
    ]
    assert "<h3>شروط الاستفادة</h3>" in items[0].body
    assert "التسجيل عبر المنصة" in items[0].body and "المبلغ" in items[0].body
    assert "متابعتكم" not in items[1].body


def test_list_styles_are_the_storys_list_and_an_italic_line_is_its_byline(
    tmp_path: Path, ctx: Context
) -> None:
    """«List Bullet»/«List Number» paragraphs stay in the story as its list; a short
    italic paragraph under a heading names the author; a date range under the
    Title is the header and dates the stories."""
    document = docx.Document()
    document.add_paragraph("الرسالة الشهرية", style="Title")
    document.add_paragraph("الشهر من 1 إلى 30 يونيو 2021")
    document.add_paragraph("الجامعة تعلن مواعيد امتحانات الدورة الربيعية", style="Heading 1")
    document.add_paragraph().add_run("مراسل مكناس").italic = True
    document.add_paragraph("أعلنت رئاسة الجامعة مواعيد امتحانات الدورة الربيعية في الكليات:")
    document.add_paragraph("كلية العلوم ابتداء من 7 يونيو", style="List Bullet")
    document.add_paragraph("كلية الآداب ابتداء من 14 يونيو", style="List Bullet")
    document.add_paragraph("افتتاح مكتبة وسائطية جديدة بالمدينة العتيقة", style="Heading 1")
    document.add_paragraph("افتتحت الجماعة مكتبة وسائطية جديدة تضم آلاف الكتب والمراجع.")
    document.add_paragraph("قاعة للمطالعة", style="List Number")
    path = tmp_path / "monthly.docx"
    document.save(str(path))

    items = parse_file(str(path), ctx).items
    assert [i.title for i in items] == [
        "الجامعة تعلن مواعيد امتحانات الدورة الربيعية",
        "افتتاح مكتبة وسائطية جديدة بالمدينة العتيقة",
    ]
    assert items[0].author == "مراسل مكناس" and "مراسل مكناس" not in items[0].body
    assert "<ul><li>كلية العلوم ابتداء من 7 يونيو</li>" in items[0].body
    assert "<ol><li>قاعة للمطالعة</li></ol>" in items[1].body
    assert all(
        i.published is not None
        and i.published.astimezone(TRIPOLI).date().isoformat() == "2021-06-30"
        for i in items
    )


def test_an_italic_byline_gives_the_name_without_its_marker(tmp_path: Path, ctx: Context) -> None:
    document = docx.Document()
    document.add_paragraph("ارتفاع عدد السياح خلال الصيف", style="Heading 1")
    document.add_paragraph().add_run("كتبت: نادية الصديقي").italic = True
    document.add_paragraph("ارتفع عدد السياح الوافدين خلال فصل الصيف بنسبة كبيرة.")
    document.add_paragraph("تدشين خط جديد للقطار", style="Heading 1")
    document.add_paragraph().add_run("إعداد – مراد البقالي").italic = True
    document.add_paragraph("دشنت الشركة خطا جديدا للقطار يربط بين المدينتين.")
    path = tmp_path / "bylines.docx"
    document.save(str(path))
    items = parse_file(str(path), ctx).items
    assert [i.author for i in items] == ["نادية الصديقي", "مراد البقالي"]
    assert all("كتبت" not in i.body and "إعداد" not in i.body for i in items)
