"""Source files: formats, encodings and bad input, one clear error each."""

from __future__ import annotations

import os
import socket
import stat
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sources.base import Context, SourceSpec
from sources.errors import SourceError
from sources.files import collect_files, parse_file
from tests.conftest import DATA, NOW, Site

T = TypeVar("T")


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
        ("notes.docx", "خبر".encode(), "notes.docx: not a Word document"),
        (
            "notes.doc",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
            "notes.doc: unknown file type '.doc' (an old Word 97-2003 document: save it as .docx)"
            ": expected one of .atom, .docx, .htm, .html",
        ),
        ("scan.pdf", b"%PDF-1.7\n", "scan.pdf: unknown file type '.pdf': expected one of .atom"),
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


def test_title_falls_back_to_first_sentence(tmp_path: Path, ctx: Context) -> None:
    (tmp_path / "x.jsonl").write_text(
        '{"body": "وقّعت ليبيا وباكستان اتفاقية تعاون عسكري في بنغازي. وقال مسؤول إن الاتفاقية تشمل التدريب."}\n',
        "utf-8",
    )
    item = collect_files(_spec("x.jsonl"), ctx).items[0]
    assert item.title == "وقّعت ليبيا وباكستان اتفاقية تعاون عسكري في بنغازي"


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


# -- where a source's files are: missing, empty, globs (defects 7 and 8) ------------------


def test_missing_literal_path_is_an_error(ctx: Context) -> None:
    with pytest.raises(SourceError, match=r"desk: no such file or folder: 'absent\.txt'"):
        collect_files(_spec("absent.txt"), ctx)


def test_an_existing_empty_folder_is_ok_and_not_a_problem(tmp_path: Path, ctx: Context) -> None:
    (tmp_path / "wardat").mkdir()
    (tmp_path / "wardat" / "2026").mkdir()  # only an empty subfolder
    for path in ("wardat", "wardat/", "wardat/**/*.md"):
        out = collect_files(_spec(path), ctx)
        assert (out.items, out.errors, out.files, out.waiting) == ([], [], [], []), path
    assert not collect_files(_spec("wardat"), ctx).notices  # a folder is not a glob


@pytest.mark.parametrize(
    ("path", "fixed"),
    [
        ("sourses/*.jsonl", "sourses"),  # a typo in the folder of the glob
        ("akhbar/2026/**/*.md", "akhbar/2026"),  # a missing folder deeper down
    ],
)
def test_a_glob_whose_fixed_part_is_missing_is_an_error_naming_it(
    tmp_path: Path, ctx: Context, path: str, fixed: str
) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "akhbar").mkdir()
    with pytest.raises(SourceError) as raised:
        collect_files(_spec(path), ctx)
    assert str(raised.value) == (
        f"desk: no such folder: '{fixed}' (the fixed part of the glob '{path}')"
    )


def test_a_glob_whose_fixed_part_is_a_file_is_an_error(tmp_path: Path, ctx: Context) -> None:
    (tmp_path / "notes.md").write_text("خبر", "utf-8")
    with pytest.raises(SourceError, match=r"not a folder: 'notes\.md'"):
        collect_files(_spec("notes.md/*.md"), ctx)


def test_a_glob_that_never_matched_says_so_until_it_has(tmp_path: Path, ctx: Context) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "old.md").write_text("---\ntitle: خبر قديم\n---\nنص.\n", "utf-8")
    out = collect_files(_spec("sources/*.jsonl"), ctx)  # .jsonl meant, .md written
    assert out.items == [] and out.errors == []  # not a failure...
    assert [str(n) for n in out.notices] == [
        "desk: the glob 'sources/*.jsonl' matches no file yet"  # ...but said
    ]
    had = Context(tz=ctx.tz, now=ctx.now, base_dir=ctx.base_dir, known={"sources/x.jsonl": "f"})
    assert collect_files(_spec("sources/*.jsonl"), had).notices == []  # emptied, not a typo
    other = Context(tz=ctx.tz, now=ctx.now, base_dir=ctx.base_dir, known={"sources/x.md": "f"})
    assert collect_files(_spec("sources/*.jsonl"), other).notices  # another source's file


# -- only regular files inside the source's folder (defect 3) -----------------------------


def _story(title: str) -> str:
    return f"{title}\nأعلنت الجهات المختصة تفاصيل الخبر في بيان رسمي صدر اليوم.\n"


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """in/ with a good file, links inside and outside, and a loop; outside/ beside it."""
    outside = tmp_path / "outside"
    (outside / "private").mkdir(parents=True)
    (outside / "secret.txt").write_text(_story("سر لا يجوز نشره أبدا"), "utf-8")
    (outside / "private" / "more.txt").write_text(_story("سر آخر في مجلد خارجي"), "utf-8")
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text(_story("افتتاح معرض الكتاب في الرباط"), "utf-8")
    (folder / "sub" / "real.txt").write_text(_story("وصول بعثة طبية إلى سبها"), "utf-8")
    (folder / "alias.txt").symlink_to(folder / "sub" / "real.txt")  # inside: allowed
    (folder / "relative.txt").symlink_to(Path("sub") / "real.txt")
    (folder / "passwd.txt").symlink_to(outside / "secret.txt")
    (folder / "sneaky.txt").symlink_to(Path("..") / "outside" / "secret.txt")
    (folder / "elsewhere").symlink_to(outside / "private")
    (folder / "ring-a.txt").symlink_to(folder / "ring-b.txt")
    (folder / "ring-b.txt").symlink_to(folder / "ring-a.txt")
    (folder / "gone.txt").symlink_to(folder / "deleted.txt")
    return folder


def _problems(out: object) -> dict[str, str]:
    from sources.base import Collected

    assert isinstance(out, Collected)
    return {e.source: e.message for e in out.errors}


@pytest.mark.parametrize("path", ["in", "in/**/*.txt", "in/*.txt", "in/*"])
def test_links_leading_outside_the_folder_are_skipped_with_a_problem(
    linked: Path, ctx: Context, path: str
) -> None:
    out = collect_files(_spec(path), ctx)
    titles = [item.title for item in out.items]
    assert not any("سر" in title for title in titles)
    assert "افتتاح معرض الكتاب في الرباط" in titles
    assert titles.count("وصول بعثة طبية إلى سبها") >= 2  # alias and relative link read
    problems = _problems(out)
    for name in ("passwd.txt", "sneaky.txt"):
        assert problems[f"in/{name}"].startswith("skipped: a link to ")
        assert problems[f"in/{name}"].endswith("secret.txt', outside the folder 'in'")
    assert problems["in/ring-a.txt"] == "skipped: a loop of symbolic links"
    assert problems["in/gone.txt"].startswith("skipped: a broken link to ")
    if path in ("in", "in/**/*.txt"):  # forms that would walk into the linked folder
        assert "outside the folder 'in'" in problems["in/elsewhere"]
    assert all(f.path != "in/passwd.txt" for f in out.files)


def test_a_single_file_path_that_links_outside_its_folder_is_skipped(
    linked: Path, ctx: Context
) -> None:
    out = collect_files(_spec("in/passwd.txt"), ctx)
    assert out.items == [] and "outside the folder 'in'" in str(out.errors[0])
    assert [i.title for i in collect_files(_spec("in/alias.txt"), ctx).items] == [
        "وصول بعثة طبية إلى سبها"
    ]


def _bounded(call: Callable[[], T], seconds: float = 20.0, unblock: Path | None = None) -> T:
    """Run ``call`` in a thread; fail (and free the thread) if it does not return."""
    result: list[T] = []
    worker = threading.Thread(target=lambda: result.append(call()), daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        if unblock is not None:  # a reader blocked on the FIFO: give it a writer
            fd = os.open(unblock, os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)
        pytest.fail(f"blocked for more than {seconds} s")
    assert result, "the call raised"
    return result[0]


@pytest.fixture
def specials(tmp_path: Path) -> Iterator[Path]:
    """in/ with a good file, a FIFO and a UNIX socket named like source files."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.md").write_text("---\ntitle: افتتاح مهرجان المسرح\n---\nنص الخبر.\n", "utf-8")
    os.mkfifo(folder / "pipe.md")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    cwd = os.getcwd()
    os.chdir(folder)  # a short path: socket names are limited to about 100 bytes
    try:
        server.bind("sock.md")
    finally:
        os.chdir(cwd)
    try:
        yield folder
    finally:
        server.close()


@pytest.mark.parametrize("path", ["in", "in/*.md", "in/**/*"])
def test_fifos_and_sockets_are_skipped_never_opened(
    specials: Path, ctx: Context, path: str
) -> None:
    out = _bounded(lambda: collect_files(_spec(path), ctx), unblock=specials / "pipe.md")
    assert [i.title for i in out.items] == ["افتتاح مهرجان المسرح"]
    assert _problems(out) == {
        "in/pipe.md": "skipped: a named pipe (FIFO), not a regular file",
        "in/sock.md": "skipped: a socket, not a regular file",
    }


def test_a_fifo_named_alone_or_parsed_is_refused_without_blocking(
    specials: Path, ctx: Context
) -> None:
    out = _bounded(lambda: collect_files(_spec("in/pipe.md"), ctx), unblock=specials / "pipe.md")
    assert out.items == [] and [str(e) for e in out.errors] == [
        "in/pipe.md: skipped: a named pipe (FIFO), not a regular file"
    ]

    def parse() -> str:
        with pytest.raises(SourceError) as raised:
            parse_file(str(specials / "pipe.md"), ctx)
        return raised.value.message

    assert _bounded(parse, unblock=specials / "pipe.md").startswith("skipped: a named pipe")


def test_a_device_is_skipped(tmp_path: Path, ctx: Context) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    try:
        os.mknod(folder / "null.txt", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device needs privileges")
    out = _bounded(lambda: collect_files(_spec("in/*.txt"), ctx))
    assert _problems(out) == {"in/null.txt": "skipped: a character device, not a regular file"}


def test_nashra_once_is_not_blocked_by_a_fifo_in_a_glob(site: Site) -> None:
    from feeds.pipeline import run_once

    site.copy("bulletins/maroc-crlf.txt", "maroc.txt")
    os.mkfifo(site.sources / "live.txt")  # matched by libya's sources/*.txt
    config = site.config()
    store = site.store()
    try:
        report = _bounded(
            lambda: run_once(config, store, now=NOW), unblock=site.sources / "live.txt"
        )
    finally:
        store.close()
    libya = next(s for s in report.sources if s.name == "libya")
    assert libya.batch.new >= 3
    assert [str(e) for e in libya.errors] == [
        "sources/live.txt: skipped: a named pipe (FIFO), not a regular file"
    ]
    assert (site.public / "all" / "atom.xml").exists()


# -- files still being written (defect 9) -------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        ".draft.txt",
        "story.txt.part",
        "story.txt.PARTIAL",
        "story.tmp",
        "story.txt.crdownload",
        "story.txt~",
        "#story.txt#",
        ".~lock.story.txt#",
    ],
)
def test_dot_files_and_partial_names_are_not_read(tmp_path: Path, ctx: Context, name: str) -> None:
    folder = tmp_path / "in"
    (folder / ".hidden").mkdir(parents=True)
    (folder / name).write_text(_story("خبر لم يكتمل بعد"), "utf-8")
    (folder / ".hidden" / "x.txt").write_text(_story("خبر في مجلد مخفي"), "utf-8")
    for path in ("in", "in/*", "in/**/*"):
        out = collect_files(_spec(path), ctx)
        assert (out.items, out.errors, out.files) == ([], [], []), (path, out.errors)


def _finish_later(path: Path, rest: str, after: float = 0.6) -> threading.Thread:
    """A slow copy: the rest of the file is written ``after`` seconds from now."""

    def finish() -> None:
        time.sleep(after)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(rest)

    writer = threading.Thread(target=finish)
    writer.start()
    return writer


def test_a_half_written_file_waits_for_the_next_poll(tmp_path: Path, ctx: Context) -> None:
    from datetime import UTC, datetime, timedelta

    story = (DATA / "bulletins" / "subheadings.txt").read_text("utf-8")
    cut = story.index("\n") // 2  # mid-headline
    folder = tmp_path / "in"
    folder.mkdir()
    target = folder / "desk.txt"
    target.write_text(story[:cut], "utf-8")  # the copy is under way...
    writer = _finish_later(target, story[cut:])  # ...and ends during the poll
    now = datetime.now(UTC)
    half = collect_files(_spec("in/*.txt"), Context(tz=ctx.tz, now=now, base_dir=ctx.base_dir))
    writer.join()
    assert half.waiting == ["in/desk.txt"]
    assert (half.items, half.errors, half.files, half.notices) == ([], [], [], [])
    later = Context(tz=ctx.tz, now=now + timedelta(seconds=10), base_dir=ctx.base_dir)
    whole = collect_files(_spec("in/*.txt"), later)  # the next poll
    assert whole.waiting == [] and len(whole.files) == 1
    assert [i.title for i in whole.items] == [
        i.title for i in parse_file(str(DATA / "bulletins" / "subheadings.txt"), ctx).items
    ]


def test_a_file_written_just_before_the_poll_is_read_once_it_has_settled(
    tmp_path: Path, ctx: Context
) -> None:
    from datetime import UTC, datetime

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "now.md").write_text(
        "---\ntitle: نتائج الامتحانات الوطنية\n---\nنص.\n", "utf-8"
    )
    started = time.monotonic()
    polled = Context(tz=ctx.tz, now=datetime.now(UTC), base_dir=ctx.base_dir)
    out = collect_files(_spec("in"), polled)
    assert [i.title for i in out.items] == ["نتائج الامتحانات الوطنية"] and out.waiting == []
    assert 1.0 < time.monotonic() - started < 10  # it was watched before being read


def test_a_copy_that_keeps_an_old_mtime_is_still_seen_being_written(
    tmp_path: Path, ctx: Context
) -> None:
    from datetime import UTC, datetime

    (tmp_path / "in").mkdir()
    copied = tmp_path / "in" / "old.txt"
    text = _story("خبر منسوخ بتاريخه القديم")
    copied.write_text(text[:10], "utf-8")
    an_hour_ago = time.time() - 3600
    os.utime(copied, (an_hour_ago, an_hour_ago))  # as cp -p and rsync -t do
    writer = _finish_later(copied, text[10:])
    polled = Context(tz=ctx.tz, now=datetime.now(UTC), base_dir=ctx.base_dir)
    out = collect_files(_spec("in"), polled)
    writer.join()
    assert out.waiting == ["in/old.txt"] and out.items == []


@pytest.mark.parametrize(
    ("changed", "waits"),
    [
        (-0.5, True),  # written half a second before the poll
        (-1.9, True),
        (-2.5, False),  # settled
        (+0.7, True),  # written while the poll runs
        (+30.0, True),
        (+3 * 86400.0, False),  # a timestamp far ahead is a clock, not a writer
    ],
)
def test_settled_window(changed: float, waits: bool) -> None:
    from datetime import UTC, datetime

    from sources.files import settled

    now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    at = now.timestamp() + changed
    status = os.stat_result((0o100644, 1, 1, 1, 0, 0, 10, at - 3600, at - 3600, at))
    assert settled(status, now) is not waits


# -- the glob matcher agrees with the standard library ------------------------------------

_NAME = st.sampled_from(["a", "b", "ab", "x.txt", "y.md", "أخبار", "z.txt"])
_PART = st.sampled_from(["*", "**", "a*", "?.txt", "*.md", "[ax]*", "b", "أخ*"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    tree=st.lists(st.lists(_NAME, min_size=1, max_size=3), min_size=1, max_size=8),
    pattern=st.tuples(_PART.filter(lambda part: part != "b"), st.lists(_PART, max_size=2)).map(
        lambda first_rest: [first_rest[0], *first_rest[1]]
    ),
)
def test_glob_sources_match_what_glob_matches(
    tmp_path_factory: pytest.TempPathFactory, tree: list[list[str]], pattern: list[str]
) -> None:
    import glob
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    root = tmp_path_factory.mktemp("tree")
    for parts in tree:
        path = root.joinpath("in", *parts)
        if any(p.is_file() for p in [*path.parents][: len(parts)]):
            continue
        if path.is_dir():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_story("خبر للاختبار"), "utf-8")
    spec_path = "/".join(["in", *pattern])
    expected = sorted(  # a set: glob gives a file twice for 'in/**/**'; a source reads it once
        {
            os.path.relpath(p, root)
            for p in glob.glob(str(root / spec_path), recursive=True)
            if os.path.isfile(p)
        }
    )
    plain = Context(tz=ZoneInfo("UTC"), now=datetime(2000, 1, 1, tzinfo=UTC), base_dir=str(root))
    out = collect_files(SourceSpec(name="desk", path=spec_path, format="bulletin"), plain)
    assert sorted(f.path for f in out.files) == expected


@pytest.mark.parametrize(
    ("name", "fmt", "data"),
    [
        ("bulletin.page", "html", "<h2>عنوان الخبر الأول</h2><p>نص الخبر الأول.</p>".encode()),
        (
            "export.txt",
            "feed",
            '<rss version="2.0"><channel><item><title>عنوان الخبر الأول</title>'
            "<link>https://www.goud.ma/a</link></item></channel></rss>".encode(),
        ),
        ("bulletin.bin", "docx", (DATA / "docx" / "styles.docx").read_bytes()),
    ],
)
def test_format_forces_a_kind_whatever_the_extension(
    tmp_path: Path, ctx: Context, name: str, fmt: str, data: bytes
) -> None:
    (tmp_path / name).write_bytes(data)
    out = collect_files(_spec(name, fmt), ctx)
    assert out.errors == [] and out.items
    assert out.items[0].title in (
        "عنوان الخبر الأول",
        "إعفاء مسؤول بوزارة الفلاحة بعد مجزرة قنص خليجيين لـ”أزيد من ١٤٠٠ حمامة”",
    )


def test_a_folder_reads_every_new_kind_of_file(tmp_path: Path, ctx: Context) -> None:
    (tmp_path / "in").mkdir()
    for source, name in (
        (DATA / "docx" / "bold.docx", "a.docx"),
        (DATA / "htmlbulletins" / "bold.html", "b.htm"),
        (DATA / "feedfiles" / "xml-base.atom", "c.atom"),
    ):
        (tmp_path / "in" / name).write_bytes(source.read_bytes())
    (tmp_path / "in" / "d.doc").write_bytes(b"\xd0\xcf\x11\xe0")  # not a known kind: not read
    out = collect_files(_spec("in"), ctx)
    assert out.errors == []
    assert sorted({i.origin for i in out.items}) == ["in/a.docx", "in/b.htm", "in/c.atom"]
