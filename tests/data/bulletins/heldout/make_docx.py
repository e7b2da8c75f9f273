"""Make the held-out Word bulletins 10-heading-styles.docx and 11-bold-arabic-style.docx.

    cd tests/data/bulletins/heldout && python make_docx.py

Text: see ../README.md (held-out bulletins).
"""

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

# 10: Heading styles + table + Title style header
d = Document()
d.add_paragraph("نشرة أخبار الساعة الثامنة", style="Title")
d.add_paragraph("الاثنين 16 ديسمبر 2024م")
d.add_paragraph("المغرب يطلق حملة للتلقيح ضد الإنفلونزا الموسمية", style="Heading 1")
d.add_paragraph(
    "الرباط - و م ع - أطلقت وزارة الصحة والحماية الاجتماعية، اليوم الاثنين، الحملة الوطنية للتلقيح ضد الإنفلونزا الموسمية لفائدة الفئات الهشة."
)
d.add_paragraph("تفاصيل الحملة", style="Heading 3")
d.add_paragraph("وتستهدف الحملة المسنين والمصابين بأمراض مزمنة والنساء الحوامل، حسب بلاغ للوزارة.")
t = d.add_table(rows=3, cols=2)
for r, (a, b) in enumerate(
    [("الفئة", "عدد الجرعات"), ("المسنون", "500 ألف"), ("الحوامل", "120 ألف")]
):
    t.cell(r, 0).text = a
    t.cell(r, 1).text = b
d.add_paragraph("وأكدت الوزارة أن اللقاح متوفر مجانا في المراكز الصحية.")
d.add_paragraph("الحكومة الإسبانية تسعى للقاء الملك محمد السادس", style="Heading 1")
d.add_paragraph(
    "مدريد - كشفت مصادر دبلوماسية أن المصالح الإسبانية تسابق الزمن لجدولة لقاء بين الملك محمد السادس ورئيس الحكومة الإسبانية الجديد."
)
d.add_paragraph("ــــــــــــــــ")
d.add_paragraph("إلى اللقاء في نشرة الغد")
d.save("10-heading-styles.docx")

# 11: bold paragraphs, Arabic-Indic numbering, custom Arabic-named style
d = Document()
st = d.styles.add_style("عنوان الخبر", 1)  # paragraph style with Arabic name
st.font.bold = True
st.font.size = Pt(16)
p = d.add_paragraph()
r = p.add_run("موجز الأنباء - الجمعة ١٣ ديسمبر ٢٠٢٤")
r.bold = True
p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def bold(text):
    p = d.add_paragraph()
    p.add_run(text).bold = True


bold("١- الهند توقف تصدير لقاح أسترازينيكا")
d.add_paragraph(
    "نيودلهي - (رويترز) - أوقفت السلطات الهندية جميع الصادرات الرئيسية للقاح أسترازينيكا الذي يصنعه معهد الأمصال الهندي، لتلبية الطلب المحلي."
)
d.add_paragraph("وأفاد مصدر مطلع بأن القرار مؤقت.")
bold("٢- فاجعة شمال أكادير: حادثة سير تودي بحياة ثلاثة ألمان")
d.add_paragraph(
    "أكادير - لقي ثلاثة أشخاص يحملون الجنسية الألمانية مصرعهم ليلة أمس السبت في حادثة سير بجماعة أورير شمال أكادير، فيما ترقد سيدة فرنسية في العناية المركزة."
)
d.add_paragraph("٣- تعيين منصف السلاوي على رأس لجنة لقاح كورونا", style="عنوان الخبر")
p = d.add_paragraph()
p.add_run("واشنطن - ").bold = True
p.add_run(
    "عيّن الرئيس الأمريكي دونالد ترامب، اليوم الجمعة، العالم المغربي منصف السلاوي على رأس اللجنة المكلفة بتطوير لقاح ضد فيروس كورونا."
)
p = d.add_paragraph()
p.add_run("وقال ترامب: ").bold = True
p.add_run("«السلاوي عالم متميز ومعترف به عالميا في مجال اللقاحات».")
bold("كانت هذه أبرز الأخبار، شكرا لمتابعتكم")
d.save("11-bold-arabic-style.docx")
