"""``nashra parse --explain`` for text, Word and HTML bulletins."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from sources.base import Context
from sources.bulletin import Note
from sources.errors import ParseError
from sources.explain import explain_file, explain_lines


def _kinds(lines: list[str]) -> list[str]:
    return [line.split()[2] for line in lines[:-1]]


def test_a_word_bulletin_is_explained_paragraph_by_paragraph(tmp_path: Path, ctx: Context) -> None:
    document = docx.Document()
    document.add_paragraph("موجز الظهيرة", style="Title")
    document.add_paragraph("ارتفاع أسعار الذهب في الأسواق المحلية", style="Heading 1")
    document.add_paragraph(
        "ارتفعت أسعار الذهب في الأسواق المحلية بنسبة خمسة في المائة هذا الأسبوع."
    )
    document.add_paragraph("ـــــــــ")
    document.add_paragraph("انتهى موجز الظهيرة")
    path = tmp_path / "noon.docx"
    document.save(str(path))
    lines = explain_file(str(path), ctx)
    assert _kinds(lines) == ["header", "headline", "paragraph", "separator", "closing"]
    assert lines[-1] == "1 story"


def test_an_html_bulletin_is_explained_block_by_block(tmp_path: Path, ctx: Context) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><body>\n<h1>نشرة المساء</h1>\n<h2>١. افتتاح مكتبة عمومية جديدة</h2>\n"
        "<p>افتتحت البلدية مكتبة عمومية جديدة في وسط المدينة تضم عشرة آلاف كتاب.</p>\n"
        "<ul><li>قاعة للأطفال</li></ul>\n</body></html>",
        "utf-8",
    )
    lines = explain_file(str(path), ctx)
    assert _kinds(lines) == ["header", "headline", "paragraph", "paragraph"]
    assert lines[1].split()[0] == "3"  # the page's line


def test_other_files_are_refused_with_the_kinds_explain_reads(tmp_path: Path, ctx: Context) -> None:
    path = tmp_path / "items.jsonl"
    path.write_text('{"title": "x"}\n', "utf-8")
    with pytest.raises(ParseError, match=r"text, Word, HTML"):
        explain_file(str(path), ctx)


def test_explain_lines_counts_stories() -> None:
    notes = [Note(1, "headline", "why", "عنوان", 1), Note(2, "paragraph", "why", "نص", 1)]
    assert explain_lines(notes)[-1] == "1 story"
