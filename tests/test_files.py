"""Source files: formats, encodings and bad input, one clear error each."""

from __future__ import annotations

from pathlib import Path

import pytest

from sources.base import Context, SourceSpec
from sources.errors import SourceError
from sources.files import collect_files, parse_file
from tests.conftest import DATA


def _spec(path: str, fmt: str | None = None) -> SourceSpec:
    return SourceSpec(name="desk", path=path, format=fmt)


def test_legacy_arabic_encodings_decode_to_the_same_stories(tmp_path: Path, ctx: Context) -> None:
    enc = DATA / "encodings"
    utf8 = parse_file(str(enc / "bulletin-story.utf-8.txt"), ctx)
    for name in (
        "bulletin-story.cp1256.txt",
        "bulletin-story.iso-8859-6.txt",
        "bulletin-story.utf-16-le.txt",
        "bulletin-story.utf-8-bom.txt",
        "bulletin-story.crlf.utf-8.txt",
    ):
        other = parse_file(str(enc / name), ctx)
        assert [(i.title, i.body) for i in other.items] == [
            (i.title, i.body) for i in utf8.items
        ], name


def test_glob_collects_every_format_and_skips_unchanged_files(tmp_path: Path, ctx: Context) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(
        (DATA / "bulletins" / "bulletin-libya.txt").read_text("utf-8"), "utf-8"
    )
    (tmp_path / "in" / "b.md").write_text(
        "---\ntitle: خبر من ملف ماركداون\n---\nنص **الخبر**.\n", "utf-8"
    )
    (tmp_path / "in" / "c.jsonl").write_text('{"title": "خبر من سطر", "text": "نص"}\n', "utf-8")
    first = collect_files(_spec("in/*"), ctx)
    assert len(first.items) == 5 and not first.errors and len(first.files) == 3
    known = Context(
        tz=ctx.tz,
        now=ctx.now,
        base_dir=ctx.base_dir,
        known={f.path: f.fingerprint for f in first.files},
    )
    again = collect_files(_spec("in/*"), known)
    assert again.items == [] and again.unchanged == 3


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "empty.txt: empty file"),
        ("blank.md", b"   \n\n", "blank.md:1: no title and no text"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "photo.txt: binary file"),
        ("notes.docx", "خبر".encode(), "notes.docx: unknown file type '.docx'"),
        ("bad.md", "---\ntitle: [خبر\n---\nنص\n".encode(), "bad.md:2: invalid YAML front matter"),
        (
            "bad-toml.md",
            "+++\ntitle = خبر\n+++\nنص\n".encode(),
            "bad-toml.md:2: invalid TOML front matter",
        ),
        (
            "open.md",
            "---\ntitle: خبر\nنص\n".encode(),
            "open.md:1: front matter opened with '---' is never closed",
        ),
        ("bad.json", '[{"title": "خبر"},\n {"title": }]'.encode(), "bad.json:2: invalid JSON"),
        (
            "baddate.md",
            "---\ntitle: خبر\ndate: 2024-02-30\n---\nنص\n".encode(),
            "baddate.md:2: invalid YAML",
        ),
        (
            "bad.jsonl",
            '{"title": "خبر"}\n[1, 2]\n'.encode(),
            "bad.jsonl:2: expected an object, got list",
        ),
        (
            "nodate.jsonl",
            '{"title": "خبر", "date": "غدا ربما"}\n'.encode(),
            "nodate.jsonl:1: cannot read date 'غدا ربما'",
        ),
        ("notext.jsonl", b'{"id": "1"}\n', "notext.jsonl:1: no title and no text"),
    ],
)
def test_bad_input_gives_one_clear_error_naming_the_file(
    tmp_path: Path, ctx: Context, name: str, data: bytes, message: str
) -> None:
    (tmp_path / name).write_bytes(data)
    (tmp_path / "good.txt").write_text(
        (DATA / "bulletins" / "bulletin-libya.txt").read_text("utf-8"), "utf-8"
    )
    out = collect_files(_spec("*"), ctx)
    assert len(out.items) >= 3  # the good file is still collected
    assert len(out.errors) == 1 and str(out.errors[0]).startswith(message), str(out.errors[0])


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    (tmp_path / "big.txt").write_text("خبر عاجل\n" + "نص طويل جدا. " * 100, "utf-8")
    small = Context(
        tz=ZoneInfo("UTC"),
        now=datetime(2026, 1, 1, tzinfo=UTC),
        base_dir=str(tmp_path),
        max_bytes=500,
    )
    out = collect_files(_spec("big.txt"), small)
    assert str(out.errors[0]) == "big.txt: file is larger than the limit of 500 bytes"


def test_missing_literal_path_is_an_error_but_an_empty_glob_is_not(
    tmp_path: Path, ctx: Context
) -> None:
    with pytest.raises(SourceError, match=r"desk: no such file or folder: 'absent\.txt'"):
        collect_files(_spec("absent.txt"), ctx)
    assert collect_files(_spec("inbox/*.txt"), ctx).items == []


def test_title_falls_back_to_first_sentence(tmp_path: Path, ctx: Context) -> None:
    (tmp_path / "x.jsonl").write_text(
        '{"body": "وقّعت ليبيا وباكستان اتفاقية تعاون عسكري في بنغازي. وقال مسؤول إن الاتفاقية تشمل التدريب."}\n',
        "utf-8",
    )
    item = collect_files(_spec("x.jsonl"), ctx).items[0]
    assert item.title == "وقّعت ليبيا وباكستان اتفاقية تعاون عسكري في بنغازي."


def test_markdown_front_matter_fields_and_rendering(tmp_path: Path, ctx: Context) -> None:
    (tmp_path / "s.md").write_text(
        '+++\ntitle = "افتتاح معرض الكتاب"\ndate = 2026-11-28T10:00:00+02:00\nid = "fair-1"\n'
        'tags = ["ثقافة", "ليبيا"]\nauthor = "قسم الثقافة"\nurl = "https://news.example.org/ثقافة/معرض?utm_source=x"\n+++\n'
        "انطلق **المعرض** اليوم.\n\n<script>alert(1)</script>\n\n- ندوات\n- أمسيات\n",
        "utf-8",
    )
    item = collect_files(_spec("s.md"), ctx).items[0]
    assert (
        item.title == "افتتاح معرض الكتاب" and item.id == "fair-1" and item.author == "قسم الثقافة"
    )
    assert item.tags == ("ثقافة", "ليبيا") and item.published is not None
    assert item.published.isoformat() == "2026-11-28T10:00:00+02:00"
    assert "<strong>المعرض</strong>" in item.body and "<li>ندوات</li>" in item.body
    assert "script" not in item.body and item.summary == "انطلق المعرض اليوم."


def test_errors_survive_pickling_with_all_their_fields() -> None:
    import pickle

    from sources.errors import ConfigError, FetchError, ParseError, PublishError

    for error in (
        ParseError("news.jsonl", "invalid JSON", line=3),
        FetchError("wire", "timed out after 30 s"),
        ConfigError("nashra.toml", "unknown key", key="site.titel", line=4),
        PublishError("public/all/rss.xml", "cannot write"),
    ):
        again = pickle.loads(pickle.dumps(error))
        assert type(again) is type(error) and str(again) == str(error)
        assert again.__dict__ == error.__dict__
