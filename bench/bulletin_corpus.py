"""Evaluation bulletins built from real stories, with the truth for each story.

A *convention* is one way newsrooms lay a bulletin out (a header, separator
lines, numbered headlines, datelines, a closing line, line-end and blank-line
styles, headline-less stories opened by a topic-shift phrase, continuation
phrases inside a story); ``mix`` turns each of them on or off at random. For
each bulletin the generator draws 3–8 real stories, lays them out as abstract
lines (``Line``), and writes the same layout as a ``.txt``, ``.docx`` or
``.html`` file. Everything is drawn from one ``random.Random(seed)``: the same
seed gives the same files.

The stories come from two real sources (see ``load_pool``): articles of the
Moroccan news site Goud.ma (MArSum corpus, CC BY 4.0) and the two titled
stories of the sample Libyan bulletin (cite the articles as: K. Gaanoun, A. M.
Naira, A. Allak, I. Benelallam, *Automatic Text Summarization for Moroccan
Arabic Dialect Using an Artificial Intelligence Approach*, CBI 2022). Only stories that an editor could put in
a bulletin as they are make the pool: a headline of at most 15 words that does
not end like a sentence, paragraphs that read as prose (more than 20 words, or
ending with sentence punctuation), and a lede that does not open with a
conjunction such as «وقال» or «كما» (it would read as the continuation of the
story before).

The truth of a story (``Truth``) is what a reader of the bulletin expects the
parser to give back: its headline as the newsroom wrote it (without numbering,
bullet or dateline), or ``None`` for a headline-less story (its title then
comes from its lead); its body paragraphs as written, the dateline kept at the
start of the first one, a topic-shift phrase removed; the agency and date a
dateline gives, and the date the bulletin's header gives.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from html import escape
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sources.arabic import normalize_key
from sources.dates import GREGORIAN_MONTHS

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "bench" / "data" / "samples"
TZ = ZoneInfo("Africa/Tripoli")

CONVENTIONS = (
    "plain",
    "header",
    "separators",
    "numbering",
    "datelines",
    "closing",
    "line_styles",
    "topic_shift",
    "continuations",
)
"""One bulletin layout each; ``mix`` draws each of them at random."""
FORMATS = ("txt", "docx", "html")

# -- the sample bulletin -----------------------------------------------------------

SAMPLE_TITLES = (
    "الاتحاد الأوروبي يجدد التزامه بدعم إدارة الهجرة في ليبيا",
    "ليبيا توجه تهنئة رسمية لدولة قطر بمناسبة «اليوم الوطني»",
)
SAMPLE_MARKER = "وفي سياق اخر،"
SAMPLE_SUBHEADING = "توقيع عسكري رسمي"

# -- the words of each convention ------------------------------------------------

BULLETIN_NAMES = (
    "نشرة أخبار الساعة الثامنة",
    "موجز الأنباء",
    "النشرة الإخبارية المسائية",
    "موجز أخبار الظهيرة",
    "نشرة الأخبار الرئيسية",
    "موجز الأخبار الصباحي",
)
WEEKDAYS = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
MONTHS = GREGORIAN_MONTHS
MONTHS_MAGHREB = (
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "ماي",
    "يونيو",
    "يوليوز",
    "غشت",
    "شتنبر",
    "أكتوبر",
    "نونبر",
    "دجنبر",
)
MONTHS_LEVANT = (
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
)
INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

SEPARATORS = (
    "ـــــــــــــــ",
    "* * *",
    "●●●",
    "=====",
    "———",
    "ـ ـ ـ",
    "-----",
    "- - - - -",
    "~~~~~~",
    "#####",
    "________",
    "•••",
    "■ ■ ■",
    "***",
    "+++++",
    "…………",
)
ORDINALS = ("أولا", "ثانيا", "ثالثا", "رابعا", "خامسا", "سادسا", "سابعا", "ثامنا")
NUMBERINGS = (
    "{n}.",
    "{n}-",
    "{n} -",
    "{n})",
    "({n})",
    "{i}.",
    "{i}-",
    "{i})",
    "({i})",
    "{o}:",
    "{o} -",
    "■",
    "•",
    "●",
    "-",
)
"""``n``: Western digits, ``i``: Arabic-Indic digits, ``o``: ordinal word; the rest are bullets."""
CITIES = (
    "الرباط",
    "الدار البيضاء",
    "طنجة",
    "مراكش",
    "فاس",
    "طرابلس",
    "بنغازي",
    "القاهرة",
    "تونس",
    "الجزائر",
)
AGENCIES = ("وكالات", "رويترز", "أ ف ب", "وال", "الأناضول", "و م ع", "وام", "كونا")
DATELINES = (
    "{city} - ({agency}) -",
    "{city}، {day} {month} ({agency}) -",
    "{city} ({agency}) –",
    "{city} – {agency}:",
    "{city}، {day} {month} {year} ({agency}) –",
)
CLOSINGS = (
    "انتهت النشرة",
    "انتهى الموجز",
    "تابعونا على موقعنا وصفحاتنا على مواقع التواصل الاجتماعي",
    "إلى اللقاء في النشرة القادمة",
    "وإلى اللقاء",
    "تابعونا على فيسبوك وتويتر",
)
TOPIC_MARKERS = (
    "على صعيد آخر",
    "من ناحية أخرى",
    "وفي شأن آخر",
    "على صعيد منفصل",
    "وفي سياق آخر",
    "في خبر آخر",
    "من جهة أخرى",
)
CONTINUATIONS = (
    "وفي سياق متصل",
    "إلى ذلك",
    "في غضون ذلك",
    "وفي هذا السياق",
    "من جهته",
)
NAV = ("الرئيسية", "أخبار محلية", "دولي", "اقتصاد", "رياضة", "ثقافة", "اتصل بنا")

# -- what flows ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Source:
    """A real story: its headline and its paragraphs."""

    title: str
    paragraphs: tuple[str, ...]
    origin: str


@dataclass(frozen=True, slots=True)
class Truth:
    """What the parser should give back for one story of a bulletin."""

    title: str | None
    """The headline as written (no numbering, bullet or dateline); None: headline-less."""
    paragraphs: tuple[str, ...]
    """The body as it must come out: dateline kept, topic-shift phrase removed."""
    lead: str
    """The first paragraph without its dateline: a headline-less story's title comes from it."""
    agency: str | None = None
    day: date | None = None
    """The story's date: its dateline's, else the bulletin header's."""


LineKind = Literal["name", "date", "headline", "paragraph", "separator", "closing", "blank"]


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a bulletin's layout, before it is written in a format."""

    kind: LineKind
    text: str = ""


@dataclass(frozen=True, slots=True)
class Style:
    """The conventions one bulletin follows."""

    name: str | None = None
    date_line: str | None = None
    header_one_line: bool = False
    separator: str | None = None
    numbering: str | None = None
    datelines: float = 0.0
    """Share of stories whose lede opens with a dateline."""
    headlines: bool = True
    """False: no story has a headline (separators or topic-shift phrases split them)."""
    topic_shift: float = 0.0
    """Share of stories after the first that lose their headline to a topic-shift phrase."""
    continuations: float = 0.0
    """Share of later paragraphs opened with a continuation phrase."""
    closing: str | None = None
    newline: str = "\n"
    blank_paragraphs: int = 0
    blank_stories: int = 0
    trailing: bool = False
    bom: bool = False
    docx_heading: str = "style"
    """How a .docx marks a headline: ``style`` (Heading 2) or ``bold`` (a bold run)."""
    html_heading: str = "h2"
    """How a .html marks a headline: ``h2``, ``h3`` or ``bold`` (``<p><b>``)."""
    html_hr: bool = False
    """A .html separator is ``<hr>`` rather than a paragraph of the separator's characters."""
    empty_paragraphs: bool = False
    """A blank line is an empty paragraph (``<p>&nbsp;</p>``) in a .html."""
    html_blocks: str = "p"
    """A .html line is a ``p``, a ``div``, or a line of one block broken by ``br``."""
    docx_breaks: bool = False
    """A .docx story is one Word paragraph, its lines split by line breaks (Shift+Enter)."""


@dataclass(frozen=True, slots=True)
class Bulletin:
    """One generated bulletin: its layout and the truth of its stories."""

    name: str
    convention: str
    style: Style
    lines: tuple[Line, ...]
    stories: tuple[Truth, ...]
    day: date
    """The day the bulletin was written (its file's time; its header's date when it has one)."""


@dataclass(frozen=True, slots=True)
class Written:
    """A bulletin written to a file."""

    bulletin: Bulletin
    path: Path
    fmt: str


# -- the pool of real stories ----------------------------------------------------------

_SENTENCE_END = ".!?؟…"
_HEADLINE_END = ".:…؛،,;"


_CONJUNCTIONS = frozenset(
    normalize_key(word)
    for word in (
        "وفي",
        "وقال",
        "وقالت",
        "وقد",
        "وكان",
        "وكانت",
        "وأضاف",
        "وأضافت",
        "وأكد",
        "وأكدت",
        "وأوضح",
        "وأشار",
        "وذكر",
        "وحسب",
        "وبحسب",
        "كما",
        "ثم",
        "فيما",
    )
)
"""First words that continue a story: a lede opening with one reads as the story before's."""


def _prose(paragraph: str) -> bool:
    bare = paragraph.rstrip("»\"”’')] ")
    return len(paragraph.split()) > 20 or (bool(bare) and bare[-1] in _SENTENCE_END)


def usable(source: Source) -> bool:
    """Whether a real story can go into a bulletin as it is (see the module docstring)."""
    title = source.title.strip()
    words = title.split()
    return (
        0 < len(words) <= 15
        and title[-1] not in _HEADLINE_END
        and bool(source.paragraphs)
        and normalize_key(source.paragraphs[0]).split()[0] not in _CONJUNCTIONS
        and all(_prose(p) for p in source.paragraphs)
    )


def read_articles(path: Path) -> list[Source]:
    """Stories of a JSON Lines file of articles (``title``, ``body`` with ``\\n`` paragraphs)."""
    out = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        paragraphs = tuple(p.strip() for p in record["body"].split("\n") if p.strip())
        out.append(Source(record["title"].strip(), paragraphs, f"{path.name}:{number}"))
    return out


def read_sample(path: Path) -> list[Source]:
    """The titled stories of the sample bulletin (its headlines are known)."""
    lines = [line.strip() for line in path.read_text("utf-8").splitlines() if line.strip()]
    starts = [lines.index(title) for title in SAMPLE_TITLES]
    ends = [*starts[1:], next(i for i, line in enumerate(lines) if line.startswith("وفي سياق"))]
    return [
        Source(lines[start], tuple(lines[start + 1 : end]), f"{path.name}:{start + 1}")
        for start, end in zip(starts, ends, strict=True)
    ]


def sample_truth(path: Path) -> list[Truth]:
    """The three stories the sample bulletin must give."""
    lines = [line.strip() for line in path.read_text("utf-8").splitlines() if line.strip()]
    titled = read_sample(path)
    shift = next(i for i, line in enumerate(lines) if line.startswith("وفي سياق"))
    first = lines[shift].removeprefix(SAMPLE_MARKER).strip()
    third = Truth(None, (first, *lines[shift + 1 :]), first)
    return [*(Truth(s.title, s.paragraphs, s.paragraphs[0]) for s in titled), third]


def load_pool(samples: Path) -> list[Source]:
    """The usable real stories of the shared samples, in file order, bodies unique."""
    found = [
        *read_articles(samples / "news-articles.jsonl"),
        *read_sample(samples / "bulletin-libya.txt"),
    ]
    seen: set[str] = set()
    pool = []
    for source in found:
        if usable(source) and source.paragraphs[0] not in seen:
            seen.add(source.paragraphs[0])
            pool.append(source)
    return pool


# -- styles -------------------------------------------------------------------------------


def _date_text(day: date, rng: random.Random) -> str:
    weekday = WEEKDAYS[day.weekday()]
    forms = (
        f"{weekday} {day.day} {MONTHS[day.month - 1]} {day.year}",
        f"{day.day} {MONTHS[day.month - 1]} {day.year}",
        f"{weekday}، {day.day} {MONTHS[day.month - 1]} {day.year}",
        f"{day.day:02d}/{day.month:02d}/{day.year}",
        day.isoformat(),
        f"{weekday} {day.day} {MONTHS[day.month - 1]} {day.year}".translate(INDIC),
        f"{day.day} {MONTHS_MAGHREB[day.month - 1]} {day.year}",
        f"{weekday} {day.day} {MONTHS_LEVANT[day.month - 1]} {day.year}",
        f"{weekday} {day.day} {MONTHS[day.month - 1]} {day.year}م",
        f"{day.day} {MONTHS_LEVANT[day.month - 1]}/{MONTHS[day.month - 1]} {day.year}",
    )
    return rng.choice(forms)


def _line_styles(style: Style, rng: random.Random) -> Style:
    return replace(
        style,
        newline=rng.choice(("\n", "\r\n", "\r")),
        blank_paragraphs=rng.choice((0, 1, 1, 2)),
        blank_stories=rng.choice((0, 1, 2)),
        trailing=rng.random() < 0.5,
        bom=rng.random() < 0.5,
        empty_paragraphs=rng.random() < 0.5,
        html_blocks=rng.choice(("p", "p", "div", "br")),
        docx_breaks=rng.random() < 0.3,
    )


def style_for(convention: str, rng: random.Random, day: date) -> Style:
    """The style of one bulletin of a convention; ``mix``: each convention at random."""
    style = Style(
        docx_heading=rng.choice(("style", "bold")),
        html_heading=rng.choice(("h2", "h3", "bold")),
        html_hr=rng.random() < 0.5,
    )
    chosen = (
        {c for c in CONVENTIONS if c != "plain" and rng.random() < 0.5}
        if convention == "mix"
        else {convention}
    )
    if "header" in chosen:
        kind = rng.choice(("name", "date", "both", "one_line"))
        style = replace(
            style,
            name=rng.choice(BULLETIN_NAMES) if kind != "date" else None,
            date_line=_date_text(day, rng) if kind != "name" else None,
            header_one_line=kind == "one_line",
        )
    if "separators" in chosen:
        style = replace(style, separator=rng.choice(SEPARATORS))
    if "numbering" in chosen:
        style = replace(style, numbering=rng.choice(NUMBERINGS))
    if "datelines" in chosen:
        style = replace(style, datelines=rng.choice((0.5, 1.0)))
        if rng.random() < 0.4:  # wire style: no headlines, separators between stories
            style = replace(
                style,
                headlines=False,
                datelines=1.0,
                separator=style.separator or rng.choice(SEPARATORS),
            )
    if "closing" in chosen:
        style = replace(style, closing=rng.choice(CLOSINGS))
    if "line_styles" in chosen:
        style = _line_styles(style, rng)
    if "topic_shift" in chosen:
        style = replace(style, topic_shift=0.5)
    if "continuations" in chosen:
        style = replace(style, continuations=0.5)
    return style


# -- layout -------------------------------------------------------------------------------


def _numbered(title: str, index: int, numbering: str | None) -> str:
    if numbering is None:
        return title
    mark = numbering.format(
        n=index + 1, i=str(index + 1).translate(INDIC), o=ORDINALS[index % len(ORDINALS)]
    )
    return f"{mark} {title}"


def _dateline(rng: random.Random, story_day: date) -> tuple[str, str, date | None]:
    form = rng.choice(DATELINES)
    agency = rng.choice(AGENCIES)
    city = rng.choice(CITIES)
    text = form.format(
        city=city,
        agency=agency,
        day=story_day.day,
        month=MONTHS[story_day.month - 1],
        year=story_day.year,
    )
    return text, agency, story_day if "{day}" in form else None


def _story(
    source: Source, index: int, style: Style, rng: random.Random, day: date
) -> tuple[list[Line], Truth]:
    """The lines of one story and its truth (dated only by its dateline here)."""
    paragraphs = list(source.paragraphs)
    for i in range(1, len(paragraphs)):
        if rng.random() < style.continuations:
            paragraphs[i] = f"{rng.choice(CONTINUATIONS)}، {paragraphs[i]}"
    lead = paragraphs[0]
    agency = None
    dated = None
    shifted = index > 0 and style.headlines and rng.random() < style.topic_shift
    if not shifted and rng.random() < style.datelines:
        text, agency, dated = _dateline(rng, day - timedelta(days=rng.choice((0, 0, 1))))
        paragraphs[0] = f"{text} {lead}"
    lines: list[Line] = []
    title: str | None = source.title
    if shifted:
        marker = rng.choice(TOPIC_MARKERS) + rng.choice(("، ", ": ", " ", "،"))
        lines.append(Line("paragraph", marker + paragraphs[0]))
        title = None
    elif style.headlines:
        lines.append(Line("headline", _numbered(source.title, index, style.numbering)))
        lines.append(Line("paragraph", paragraphs[0]))
    else:
        lines.append(Line("paragraph", paragraphs[0]))
        title = None
    for paragraph in paragraphs[1:]:
        lines.extend(Line("blank") for _ in range(style.blank_paragraphs))
        lines.append(Line("paragraph", paragraph))
    return lines, Truth(title, tuple(paragraphs), lead, agency, dated)


def make_bulletin(
    name: str, convention: str, sources: Sequence[Source], rng: random.Random, day: date
) -> Bulletin:
    """Lay ``sources`` out as one bulletin of ``convention``."""
    style = style_for(convention, rng, day)
    lines: list[Line] = []
    if style.header_one_line:
        lines.append(Line("name", f"{style.name} – {style.date_line}"))
    else:
        if style.name:
            lines.append(Line("name", style.name))
        if style.date_line:
            lines.append(Line("date", style.date_line))
    if lines:
        lines.extend(Line("blank") for _ in range(max(style.blank_stories, 1)))
    truths = []
    header_day = day if style.date_line else None
    for index, source in enumerate(sources):
        if index:
            if style.separator:
                lines.append(Line("separator", style.separator))
            lines.extend(Line("blank") for _ in range(style.blank_stories))
        story_lines, truth = _story(source, index, style, rng, day)
        if truth.day is None and header_day is not None:
            truth = replace(truth, day=header_day)
        lines.extend(story_lines)
        truths.append(truth)
    if style.closing:
        lines.extend(Line("blank") for _ in range(max(style.blank_stories, 1)))
        lines.append(Line("closing", style.closing))
    return Bulletin(name, convention, style, tuple(lines), tuple(truths), day)


def make_bulletins(
    pool: Sequence[Source], conventions: Iterable[str], count: int, seed: int
) -> list[Bulletin]:
    """``count`` bulletins of each convention, 3–8 stories each, drawn from ``pool``."""
    rng = random.Random(seed)
    out = []
    for convention in conventions:
        for number in range(count):
            size = rng.randint(min(3, len(pool)), min(8, len(pool)))
            sources = rng.sample(list(pool), size)
            day = date(2026, 10, 1) + timedelta(days=rng.randrange(58))
            name = f"{convention}-{number:03d}"
            out.append(make_bulletin(name, convention, sources, rng, day))
    return out


# -- writing ------------------------------------------------------------------------------


def bulletin_time(bulletin: Bulletin) -> datetime:
    """When the bulletin was written: its file's modification time."""
    return datetime.combine(bulletin.day, time(20, 0), TZ)


def write_txt(bulletin: Bulletin, path: Path) -> None:
    style = bulletin.style
    rows = []
    for line in bulletin.lines:
        text = line.text
        if style.trailing and text:
            text += random.Random(text).choice((" ", "  ", "\t", " \t"))
        rows.append(text)
    text = style.newline.join(rows) + style.newline
    if style.bom:
        text = "\ufeff" + text
    path.write_bytes(text.encode("utf-8"))


def _rtl(paragraph: Any, *, runs_only: bool = False) -> None:
    """Mark a python-docx paragraph and its runs right-to-left, as Arabic Word files are."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if not runs_only:
        paragraph._p.get_or_add_pPr().append(OxmlElement("w:bidi"))
    for run in paragraph.runs:
        r_pr = run._r.get_or_add_rPr()
        if r_pr.find(qn("w:rtl")) is None:
            r_pr.append(OxmlElement("w:rtl"))


def _bold_runs(paragraph: Any, text: str) -> None:
    """A wholly bold text as Word writes it: several runs (it splits at edits and scripts)."""
    words = text.split(" ")
    cut = max(len(words) // 2, 1)
    for part in (" ".join(words[:cut]) + " ", " ".join(words[cut:])):
        if part.strip():
            paragraph.add_run(part).bold = True


def write_docx(bulletin: Bulletin, path: Path) -> None:
    """The bulletin as a Word file: headlines in the Heading 2 style or bold, the
    bulletin's name in the Title style (or bold), right-to-left paragraphs; with
    ``docx_breaks``, the lines of a story in one paragraph split by line breaks."""
    import docx

    style = bulletin.style
    document = docx.Document()
    bold = style.docx_heading == "bold" or style.docx_breaks
    joined: Any = None  # the Word paragraph the next story line joins (docx_breaks)
    for line in bulletin.lines:
        text = line.text + (" " if style.trailing and line.text else "")
        if style.docx_breaks and line.kind in ("headline", "paragraph"):
            if joined is None:
                joined = document.add_paragraph()
                _rtl(joined)
            else:
                joined.runs[-1].add_break()
            if line.kind == "headline":
                _bold_runs(joined, text)
            else:
                joined.add_run(text)
            _rtl(joined, runs_only=True)
            continue
        joined = None
        if line.kind == "blank":
            paragraph = document.add_paragraph("")
        elif line.kind == "name":
            paragraph = document.add_paragraph(text, style="Title" if not bold else None)
            if bold:
                paragraph.runs[0].bold = True
        elif line.kind == "headline" and not bold:
            paragraph = document.add_paragraph(text, style="Heading 2")
        elif line.kind == "headline":
            paragraph = document.add_paragraph()
            _bold_runs(paragraph, text)
        else:
            paragraph = document.add_paragraph(text)
        _rtl(paragraph)
    document.core_properties.title = bulletin.style.name or ""
    document.core_properties.language = "ar"
    document.save(str(path))


_SCRIPT = (
    "<script>window.dataLayer = window.dataLayer || [];"
    " function gtag(){dataLayer.push(arguments);} gtag('js', new Date());</script>"
)
_STYLE = "<style>body{font-family:Tahoma,sans-serif} .date{color:#666}</style>"


def _broken_lines(bulletin: Bulletin) -> list[str]:
    """The bulletin as one ``div`` of lines broken by ``<br>``, headlines in ``<strong>``
    (as a CMS exports a pasted text)."""
    rows = []
    for line in bulletin.lines:
        text = escape(line.text, quote=False)
        if line.kind == "headline":
            text = f"<strong>{text}</strong>"
        rows.append(text)
    return ['<div class="text">' + "<br>\n".join(rows) + "</div>"]


def write_html(bulletin: Bulletin, path: Path, others: Sequence[str] = ()) -> None:
    """The bulletin as a page: a site's navigation, scripts, a sidebar of other
    headlines and a footer around the bulletin's own ``<article>``."""
    style = bulletin.style
    nl = style.newline
    tag = style.html_heading
    body: list[str] = []
    if style.html_blocks == "br":
        body = _broken_lines(bulletin)
    for line in bulletin.lines if style.html_blocks != "br" else ():
        text = escape(line.text, quote=False)
        if style.trailing and text:
            text += " &nbsp;"
        if line.kind == "blank":
            body.append("<p>&nbsp;</p>" if style.empty_paragraphs else "")
        elif line.kind == "name":
            body.append(f"<h1>{text}</h1>")
        elif line.kind == "date":
            body.append(f'<p class="date">{text}</p>')
        elif line.kind == "headline":
            body.append(f"<p><b>{text}</b></p>" if tag == "bold" else f"<{tag}>{text}</{tag}>")
        elif line.kind == "separator":
            body.append("<hr>" if style.html_hr else f'<p class="sep">{text}</p>')
        else:
            body.append(f"<{style.html_blocks}>{text}</{style.html_blocks}>")
    nav = "".join(f'<li><a href="/{i}">{escape(n)}</a></li>' for i, n in enumerate(NAV))
    aside = "".join(f'<li><a href="/news/{i}">{escape(t)}</a></li>' for i, t in enumerate(others))
    page = [
        "<!DOCTYPE html>",
        '<html lang="ar" dir="rtl">',
        '<head><meta charset="utf-8">',
        f"<title>{escape(style.name or 'الأخبار')} | موقع الأخبار</title>",
        _STYLE,
        _SCRIPT,
        "</head>",
        "<body>",
        f'<header><div class="logo">موقع الأخبار</div><nav><ul>{nav}</ul></nav></header>',
        '<main><article class="bulletin">',
        *body,
        "</article></main>",
        f"<aside><h3>الأكثر قراءة</h3><ul>{aside}</ul></aside>",
        "<footer><p>جميع الحقوق محفوظة © 2026 موقع الأخبار</p>"
        '<p><a href="/privacy">سياسة الخصوصية</a></p></footer>',
        '<script src="/static/app.js"></script>',
        "</body></html>",
    ]
    path.write_bytes((nl.join(page) + nl).encode("utf-8"))


def write(bulletin: Bulletin, folder: Path, fmt: str, others: Sequence[str] = ()) -> Written:
    """Write a bulletin in a format (``txt``, ``docx``, ``html``), dated by its mtime."""
    path = folder / f"{bulletin.name}.{fmt}"
    if fmt == "txt":
        write_txt(bulletin, path)
    elif fmt == "docx":
        write_docx(bulletin, path)
    elif fmt == "html":
        write_html(bulletin, path, others)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    stamp = bulletin_time(bulletin).timestamp()
    os.utime(path, (stamp, stamp))
    return Written(bulletin, path, fmt)
