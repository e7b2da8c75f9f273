"""The bulletin benchmark's generator and scoring (not the parser's scores).

The stories are the repository's examples: ``examples/goud.jsonl`` (articles of
Goud.ma from the MArSum corpus, CC BY 4.0; Gaanoun et al., CBI 2022) and the
sample bulletin ``examples/bulletin-libya.txt``.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import docx
import pytest
from lxml import html as lxml_html

from bench.bulletin_corpus import (
    CONVENTIONS,
    INDIC,
    ORDINALS,
    Bulletin,
    Source,
    Truth,
    Written,
    load_pool,
    make_bulletin,
    make_bulletins,
    read_articles,
    read_sample,
    sample_truth,
    usable,
    write,
)
from bench.bulletins import (
    MATCH,
    Got,
    Score,
    clean_title,
    jaccard,
    main,
    match,
    right_body,
    run_one,
    score,
    tokens,
)
from sources.base import Context
from tests.conftest import NOW, TRIPOLI

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def pool() -> list[Source]:
    stories = read_articles(EXAMPLES / "goud.jsonl") + read_sample(EXAMPLES / "bulletin-libya.txt")
    return [s for s in stories if usable(s)]


def _lines(path: Path) -> list[str]:
    text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    return [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


# -- the pool -----------------------------------------------------------------------------


def test_the_pool_keeps_stories_a_bulletin_can_hold(pool: list[Source]) -> None:
    titles = {s.title for s in pool}
    assert "ليبيا توجه تهنئة رسمية لدولة قطر بمناسبة «اليوم الوطني»" in titles  # «وجّهت…» lede
    long_title = next(
        s for s in read_articles(EXAMPLES / "goud.jsonl") if len(s.title.split()) > 15
    )
    assert not usable(long_title)
    continued = Source("عنوان قصير", ("وقال الوزير إن الاجتماع كان مثمرا وبناء.",), "x")
    assert not usable(continued)
    short_paragraph = Source("عنوان قصير", ("فقرة طويلة بما يكفي لتكون نصا.", "سطر قصير"), "x")
    assert not usable(short_paragraph)


def test_the_sample_bulletin_has_three_true_stories() -> None:
    truths = sample_truth(EXAMPLES / "bulletin-libya.txt")
    assert [t.title is None for t in truths] == [False, False, True]
    assert truths[2].lead.startswith("بينما تتشابك")
    assert "توقيع عسكري رسمي" in truths[2].paragraphs


def test_load_pool_reads_a_samples_folder(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "goud.jsonl", tmp_path / "news-articles.jsonl")
    shutil.copy(EXAMPLES / "bulletin-libya.txt", tmp_path / "bulletin-libya.txt")
    assert len(load_pool(tmp_path)) == 5


# -- the generator --------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_bulletins(pool: list[Source]) -> None:
    first = make_bulletins(pool, (*CONVENTIONS, "mix"), 2, seed=5)
    assert first == make_bulletins(pool, (*CONVENTIONS, "mix"), 2, seed=5)
    assert first != make_bulletins(pool, (*CONVENTIONS, "mix"), 2, seed=6)
    assert all(3 <= len(b.stories) <= len(pool) for b in first)


def _truth_lines(bulletin: Bulletin, lines: list[str]) -> None:
    """Every headline and paragraph of the truth is on a line of its own in the file."""
    for truth in bulletin.stories:
        if truth.title is not None:
            assert any(line.endswith(truth.title) for line in lines), truth.title
        for paragraph in truth.paragraphs:
            assert any(line.endswith(paragraph) for line in lines), paragraph[:40]


@pytest.mark.parametrize("convention", [*CONVENTIONS, "mix"])
def test_a_text_bulletin_holds_its_truth(
    convention: str, pool: list[Source], tmp_path: Path
) -> None:
    for seed in range(4):
        (bulletin,) = make_bulletins(pool, (convention,), 1, seed)
        written = write(bulletin, tmp_path, "txt")
        _truth_lines(bulletin, _lines(written.path))


def test_numbering_and_datelines_are_not_in_the_truth(pool: list[Source], tmp_path: Path) -> None:
    seen_marks: set[str] = set()
    for seed in range(40):
        rng = random.Random(seed)
        bulletin = make_bulletin("n", "numbering", pool[:4], rng, NOW.date())
        lines = _lines(write(bulletin, tmp_path, "txt").path)
        for index, truth in enumerate(bulletin.stories):
            assert truth.title is not None
            headline = next(line for line in lines if line.endswith(truth.title))
            mark = headline.removesuffix(truth.title).strip()
            assert mark  # numbered or bulleted, and the mark is not in the title
            seen_marks.add(mark)
            if mark[0].isdigit() or mark[0] in "(٠١٢٣٤٥٦٧٨٩":
                number = str(index + 1)
                assert number in mark or number.translate(INDIC) in mark
    assert {f"{ORDINALS[0]}:", "■", "•", "●", "-"} & seen_marks
    for seed in range(10):
        bulletin = make_bulletin("d", "datelines", pool[:4], random.Random(seed), NOW.date())
        for truth in bulletin.stories:
            if truth.agency is not None:
                assert truth.paragraphs[0].endswith(truth.lead)
                assert truth.agency in truth.paragraphs[0].removesuffix(truth.lead)


def test_topic_shift_stories_lose_their_headline_and_marker(
    pool: list[Source], tmp_path: Path
) -> None:
    shifted = 0
    for seed in range(10):
        bulletin = make_bulletin("t", "topic_shift", pool, random.Random(seed), NOW.date())
        assert bulletin.stories[0].title is not None
        lines = _lines(write(bulletin, tmp_path, "txt").path)
        for truth in bulletin.stories[1:]:
            if truth.title is None:
                shifted += 1
                line = next(line for line in lines if line.endswith(truth.paragraphs[0]))
                assert line != truth.paragraphs[0]  # the marker is in the file only
    assert shifted


@pytest.mark.parametrize("seed", range(6))
def test_word_and_html_bulletins_hold_the_same_lines(
    seed: int, pool: list[Source], tmp_path: Path
) -> None:
    (bulletin,) = make_bulletins(pool, ("mix",), 1, seed)
    document = docx.Document(str(write(bulletin, tmp_path, "docx").path))
    word_lines = [
        line.strip() for p in document.paragraphs for line in p.text.split("\n") if line.strip()
    ]
    _truth_lines(bulletin, word_lines)
    page = lxml_html.fromstring(
        write(bulletin, tmp_path, "html", ["عنوان جانبي"]).path.read_bytes()
    )
    assert page.get("lang") == "ar"
    article = page.xpath("//article")[0]
    html_lines = [t.strip() for t in article.itertext() if t.strip()]
    _truth_lines(bulletin, html_lines)
    assert page.xpath("//nav") and page.xpath("//script") and page.xpath("//aside")


# -- scoring ----------------------------------------------------------------------------------

TITLED = Truth("عنوان الخبر الأول", ("الفقرة الأولى من الخبر الأول هنا.", "ثم الثانية."), "")
UNTITLED = Truth(
    None,
    ("طرابلس - (وكالات) - أعلنت الحكومة اليوم خطة جديدة للنقل. وقال الوزير إنها تبدأ غدا.",),
    "أعلنت الحكومة اليوم خطة جديدة للنقل. وقال الوزير إنها تبدأ غدا.",
    agency="وكالات",
)


def _got(truth: Truth, title: str) -> Got:
    return Got(title, "\n\n".join(truth.paragraphs))


def test_a_perfect_parse_scores_one() -> None:
    result, failures = score(
        [TITLED, UNTITLED],
        [_got(TITLED, "عنوان الخبر الأوّل"), _got(UNTITLED, "أعلنت الحكومة اليوم خطة جديدة للنقل")],
    )
    assert result.figures == (1.0, 1.0, 1.0, 1.0)
    assert failures == []


def test_numbering_or_a_dateline_in_a_title_is_not_clean() -> None:
    assert not clean_title(TITLED, _got(TITLED, "1. عنوان الخبر الأول"))
    assert not clean_title(TITLED, _got(TITLED, "عنوان الخبر"))
    assert not clean_title(UNTITLED, _got(UNTITLED, "طرابلس - (وكالات) - أعلنت الحكومة اليوم…"))
    assert not clean_title(UNTITLED, _got(UNTITLED, "أعلنت الحكو…"))  # not on a word boundary
    assert clean_title(UNTITLED, _got(UNTITLED, "أعلنت الحكومة اليوم…"))


def test_a_body_is_right_only_as_written() -> None:
    assert right_body(TITLED, Got("x", "الفقرةُ الأولى من الخبر الأول هنا\n\nثم الثانية"))
    with_separator = Got("x", "\n\n".join([*TITLED.paragraphs, "انتهت النشرة"]))
    assert not right_body(TITLED, with_separator)
    assert not right_body(UNTITLED, Got("x", UNTITLED.lead))  # the dateline stays in the body


def test_matching_is_one_to_one_and_needs_a_strong_overlap() -> None:
    a, b = tokens("واحد اثنان ثلاثة أربعة خمسة"), tokens("واحد اثنان ثلاثة أربعة ستة")
    assert jaccard(a, b) == pytest.approx(4 / 6)
    assert jaccard(a, a) == 1.0
    twice = [_got(TITLED, "عنوان الخبر الأول"), _got(TITLED, "عنوان الخبر الأول")]
    assert match([TITLED], twice) == [(0, 0)]
    result, failures = score([TITLED], twice)
    assert (result.recall, result.precision) == (1.0, 0.5)
    assert [f.kind for f in failures] == ["extra"]
    merged = Got("عنوان", "\n\n".join([*TITLED.paragraphs, *UNTITLED.paragraphs]))
    assert jaccard(tokens(merged.body), tokens("\n\n".join(TITLED.paragraphs))) < MATCH
    result, failures = score([TITLED, UNTITLED], [merged])
    assert (result.recall, result.precision) == (0.0, 0.0)
    assert sorted(f.kind for f in failures) == ["extra", "missed", "missed"]


def test_dates_and_agencies_are_scored_when_the_truth_has_them() -> None:
    dated = Truth("عنوان", ("نص الخبر الكامل هنا.",), "نص الخبر الكامل هنا.", day=NOW.date())
    result, _ = score(
        [dated, UNTITLED],
        [
            Got("عنوان", "نص الخبر الكامل هنا.", day=NOW.date()),
            Got("أعلنت الحكومة", UNTITLED.paragraphs[0], author="طرابلس (وكالات)"),
        ],
    )
    assert (result.to_date, result.dated, result.to_credit, result.credited) == (1, 1, 1, 1)
    total = Score()
    total.add(result)
    total.add(Score(files=1, stories=2, errors=1, first_error="boom"))
    assert (total.files, total.stories, total.recall, total.first_error) == (2, 4, 0.5, "boom")


def test_a_file_the_parser_refuses_is_a_scored_error(pool: list[Source], tmp_path: Path) -> None:
    (bulletin,) = make_bulletins(pool, ("plain",), 1, 3)
    written = write(bulletin, tmp_path, "txt")
    refused = written.path.rename(written.path.with_suffix(".unknownkind"))
    ctx = Context(tz=TRIPOLI, now=NOW, base_dir=str(tmp_path))
    result, failures = run_one(Written(bulletin, refused, "unknownkind"), ctx, tmp_path.resolve())
    assert (result.errors, result.stories, result.matched) == (1, len(bulletin.stories), 0)
    assert [f.kind for f in failures] == ["error"]


def test_the_command_prints_a_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    samples = tmp_path / "samples"
    samples.mkdir()
    shutil.copy(EXAMPLES / "goud.jsonl", samples / "news-articles.jsonl")
    shutil.copy(EXAMPLES / "bulletin-libya.txt", samples / "bulletin-libya.txt")
    out = tmp_path / "out"
    main(["--bulletins", "1", "--samples", str(samples), "--out", str(out), "--show-failures", "3"])
    printed = capsys.readouterr().out
    for convention in (*CONVENTIONS, "mix"):
        for fmt in ("txt", "docx", "html"):
            assert f"\n{convention:<14}{fmt:<7}" in printed
    assert "sample bulletin bulletin-libya.txt" in printed
    truth = [json.loads(line) for line in (out / "truth.jsonl").read_text("utf-8").splitlines()]
    assert len(truth) == len(CONVENTIONS) + 3
    assert (out / "mix-000.docx").exists() and (out / "mix-002.html").exists()
