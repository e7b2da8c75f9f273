"""Generate the Word bulletin fixtures of tests/test_docx.py with python-docx.

    python tests/data/docx/make.py [OUTDIR]

The stories are real Moroccan news from Goud.ma (MArSum corpus, CC BY 4.0) and
the user's Libyan sample bulletin: see README.md here. Styles, bold, tables,
line breaks and the bulletin's header and closing line are ours.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

HERE = Path(__file__).resolve().parent

# Goud.ma articles 11, 20 and 14 of the shared sample (headline, first sentences;
# «1400» of article 20 written with Arabic-Indic digits, as many newsrooms do).
MIGRANTS = (
    "4 حراكَة مغاربة قرقبات عليهم الصبليون بعدما نزلو فكناريا",
    "تمكنت السلطات الإسبانية من إيقاف قارب للهجرة السرية، الأحد، على متنه عدد من المهاجرين "
    "غير النظاميين بجزر الكناري.",
    "وقالت مصادر إعلامية إسبانية، أن السلطات حددت مكان القارب الذي كان يحمل على متنه أربعة "
    "مهاجرين من جنسية مغربية.",
)
PIGEONS = (
    "إعفاء مسؤول بوزارة الفلاحة بعد مجزرة قنص خليجيين لـ”أزيد من ١٤٠٠ حمامة”",
    "أوردت يومية “الأخبار”، عدد يوم غد الاثنين، أن المصالح المركزية لوزارة الفلاحة والصيد "
    "البحري أعفت المدير الجهوي لجهة مراكش آسفي من مهامه.",
    "وذلك في أعقاب قنص أزيد من ١٤٠٠ يمامة من قبل خليجيين بضواحي مراكش.",
)
DOCTORS = (
    "ايت الطالب بقرارتو زاد شعل العافيا وسط الأطر الطبية",
    "يوم بعد يوم كيزيد الغضب يشعل وسط الأطر الطبية والصحية بالمغرب، هاد المرة بسبب تفشي "
    "كورونا وسطهم وغياب أي حماية ولا تحفيزات ليهم.",
    "اطر ضحاو بالغالي والنفيس وكيعانيو، اليوم حسو بالحگرة، وفق شهادات استقتها “كود” من عدة اطر.",
)
# The user's sample bulletin (tests/data/bulletins/bulletin-libya.txt), first sentences.
LIBYA = (
    "ليبيا توجه تهنئة رسمية لدولة قطر بمناسبة «اليوم الوطني»",
    "وجّهت وزارة الخارجية والتعاون الدولي بحكومة الوحدة الوطنية تهنئة رسمية إلى حكومة وشعب "
    "دولة قطر بمناسبة اليوم الوطني.",
    "وأعربت الوزارة في بيانها عن أصدق التمنيات لدولة قطر بدوام التقدم والازدهار.",
)
LONG_BOLD = (
    "وأشارت الوزارة إلى أن العلاقات الليبية القطرية تشهد تطورًا مستمرًا قائمًا على الاحترام "
    "المتبادل والتنسيق المشترك، بما يخدم مصالح الشعبين ويدعم الاستقرار والتعاون الإقليمي."
)


def _rtl(paragraph: Any) -> Any:
    """A right-to-left paragraph (``w:bidi``) whose runs are right-to-left (``w:rtl``)."""
    paragraph._p.get_or_add_pPr().append(OxmlElement("w:bidi"))
    for run in paragraph.runs:
        run.font.rtl = True
    return paragraph


def _para(document: Any, text: str, style: str | None = None) -> Any:
    return _rtl(document.add_paragraph(text, style=style))


def _cs_bold(paragraph: Any, text: str) -> None:
    """A run bold the way Word makes right-to-left text bold: ``w:bCs`` only."""
    run = paragraph.add_run(text)
    run.font.rtl = True
    run.font.cs_bold = True


def _outline(style_or_paragraph: Any, level: int) -> None:
    ppr = (
        style_or_paragraph.element.get_or_add_pPr()
        if hasattr(style_or_paragraph, "element")
        else style_or_paragraph._p.get_or_add_pPr()
    )
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), str(level))
    ppr.append(outline)


def headings() -> Any:
    """Heading styles; a header (Title and a date line); a story in a table; a closing line."""
    document = docx.Document()
    _rtl(document.add_heading("موجز الأنباء", level=0))
    _para(document, "الأحد ١٢ أبريل ٢٠٢٠")
    _rtl(document.add_heading(MIGRANTS[0], level=2))
    for text in MIGRANTS[1:]:
        _para(document, text)
    _rtl(document.add_heading(PIGEONS[0], level=1))
    for text in PIGEONS[1:]:
        _para(document, text)
    table = document.add_table(rows=1, cols=1)
    cell = table.cell(0, 0)
    _rtl(cell.paragraphs[0])
    cell.paragraphs[0].add_run(DOCTORS[0]).bold = True
    for text in DOCTORS[1:]:
        _rtl(cell.add_paragraph(text))
    _para(document, "انتهت النشرة")
    return document


def bold() -> Any:
    """Headlines marked by bold only: ``w:bCs``, ``w:b``, the Strong character style."""
    document = docx.Document()
    first = _rtl(document.add_paragraph())
    _cs_bold(first, LIBYA[0])
    body = _rtl(document.add_paragraph(LIBYA[1]))
    body.runs[0].add_break()  # Shift+Enter: the next line is a paragraph of its own
    body.add_run(LIBYA[2]).font.rtl = True
    long = _rtl(document.add_paragraph())
    long.add_run(LONG_BOLD).bold = True  # all bold but long: body text
    second = _rtl(document.add_paragraph())
    second.add_run(MIGRANTS[0]).bold = True
    mixed = _rtl(document.add_paragraph())
    mixed.add_run("كود: ").bold = True  # partly bold: not a headline
    mixed.add_run(MIGRANTS[1]).font.rtl = True
    _para(document, MIGRANTS[2])
    third = _rtl(document.add_paragraph())
    third.add_run(DOCTORS[0], style="Strong")
    for text in DOCTORS[1:]:
        _para(document, text)
    return document


def styles() -> Any:
    """Headline styles known by an Arabic name or by outline level only; Heading 4."""
    document = docx.Document()
    arabic = document.styles.add_style("عنوان ١", WD_STYLE_TYPE.PARAGRAPH)
    arabic.base_style = document.styles["Normal"]
    outlined = document.styles.add_style("NewsHeadBase", WD_STYLE_TYPE.PARAGRAPH)
    _outline(outlined, 0)
    inherited = document.styles.add_style("NewsHead", WD_STYLE_TYPE.PARAGRAPH)
    inherited.base_style = outlined
    _para(document, PIGEONS[0], style="عنوان ١")
    _para(document, PIGEONS[1])
    _rtl(document.add_heading("توقيع إعفاء رسمي", level=4))  # a subheading
    _para(document, PIGEONS[2])
    _para(document, MIGRANTS[0], style="NewsHead")
    for text in MIGRANTS[1:]:
        _para(document, text)
    own = _para(document, DOCTORS[0])
    _outline(own, 0)
    for text in DOCTORS[1:]:
        _para(document, text)
    return document


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, make in (("headings", headings), ("bold", bold), ("styles", styles)):
        make().save(str(out / f"{name}.docx"))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
