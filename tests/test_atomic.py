"""Atomic writes under the public folder, and cleaning up only nashra's own temporaries."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import time
from pathlib import Path

import brotli
import pytest
from hypothesis import given
from hypothesis import strategies as st

from feeds.atomic import (
    STALE_AFTER,
    TEMPORARY,
    CopyWriter,
    remove_stale_temporaries,
    temporary_name,
    write_copies,
    write_if_changed,
)
from feeds.node import HOST
from sources.errors import PublishError

ROOT = Path(__file__).resolve().parents[1]
OLD = time.time() - STALE_AFTER - 60


def _age(path: Path, when: float = OLD) -> Path:
    os.utime(path, (when, when), follow_symlinks=False)
    return path


def test_write_if_changed_writes_once_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "all" / "rss.xml"
    assert write_if_changed(target, "أخبار ليبيا".encode())
    assert not write_if_changed(target, "أخبار ليبيا".encode())
    assert target.read_text("utf-8") == "أخبار ليبيا"
    assert os.listdir(target.parent) == ["rss.xml"]


def test_a_folder_that_cannot_be_made_is_a_publish_error_naming_the_file(tmp_path: Path) -> None:
    blocker = tmp_path / "public"
    blocker.write_text("not a folder", "utf-8")
    target = blocker / "libya" / "atom.xml"
    with pytest.raises(PublishError) as caught:
        write_if_changed(target, b"<feed/>")
    assert str(target) in str(caught.value)


@given(st.text(min_size=1).filter(lambda n: "/" not in n and "\0" not in n))
def test_temporary_names_are_nashras_own_pattern(name: str) -> None:
    tmp = temporary_name(name)
    assert TEMPORARY.match(tmp)
    assert tmp.startswith(f".{name}.") and tmp != temporary_name(name)


@pytest.mark.parametrize(
    "foreign",
    [
        ".x.tmp",
        ".feed.xml.tmp",
        "foo.tmp",
        ".rss.xml.abc123.tmp",  # what mkstemp-style writers name theirs
        ".rss.xml.nashra-.tmp",
        ".rss.xml.nashra-0123456789ABCDEF.tmp",
        ".rss.xml.nashra-0123456789abcdef.tmp.part",
        ".rss.xml.nashra-0123abcd-99999999999-0123456789abcdef.tmp",  # pid too long
        "rss.xml.nashra-0123456789abcdef.tmp",  # not a dot-file
    ],
)
def test_foreign_temporary_files_survive_however_old(tmp_path: Path, foreign: str) -> None:
    nested = tmp_path / "libya" / "archive"
    nested.mkdir(parents=True)
    paths = [tmp_path / foreign, nested / foreign]
    for path in paths:
        path.write_text("ملف غيرنا", "utf-8")
        _age(path)
    assert remove_stale_temporaries(tmp_path) == 0
    assert all(p.read_text("utf-8") == "ملف غيرنا" for p in paths)


def test_only_stale_regular_files_of_nashra_are_removed(tmp_path: Path) -> None:
    nested = tmp_path / "stories" / "old"
    nested.mkdir(parents=True)
    stale = _age_file(nested / temporary_name("abc.html"))
    in_flight = nested / temporary_name("def.html")  # another publisher writing now
    in_flight.write_bytes(b"<p>")
    folder_named_like_ours = tmp_path / temporary_name("index.html")
    folder_named_like_ours.mkdir()
    _age(folder_named_like_ours)
    outside = tmp_path.parent / "outside.txt"
    outside.write_text("خارج المجلد", "utf-8")
    link_named_like_ours = tmp_path / temporary_name("feed.json")
    link_named_like_ours.symlink_to(outside)
    _age(link_named_like_ours)

    assert remove_stale_temporaries(tmp_path) == 1
    assert not stale.exists()
    assert in_flight.exists() and folder_named_like_ours.is_dir()
    assert link_named_like_ours.is_symlink() and outside.exists()


def test_a_killed_writers_temporary_goes_at_once_another_machines_waits(
    tmp_path: Path,
) -> None:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True)  # fmt: skip
    dead = int(done.stdout)
    killed = tmp_path / f".rss.xml.nashra-{HOST}-{dead}-0123456789abcdef.tmp"
    other_host = "0" * 8 if HOST != "0" * 8 else "1" * 8
    elsewhere = tmp_path / f".atom.xml.nashra-{other_host}-{dead}-fedcba9876543210.tmp"
    alive = tmp_path / temporary_name("feed.json")  # this process: still writing
    for path in (killed, elsewhere, alive):
        path.write_bytes(b"<rss>")  # fresh: not stale by age
    assert remove_stale_temporaries(tmp_path) == 1
    assert not killed.exists() and elsewhere.exists() and alive.exists()


def test_links_to_folders_are_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    theirs = _age_file(elsewhere / temporary_name("rss.xml"))
    public = tmp_path / "public"
    public.mkdir()
    (public / "linked").symlink_to(elsewhere, target_is_directory=True)
    assert remove_stale_temporaries(public) == 0
    assert theirs.exists()


def test_a_missing_public_folder_has_nothing_to_clean(tmp_path: Path) -> None:
    assert remove_stale_temporaries(tmp_path / "public") == 0


def _age_file(path: Path) -> Path:
    path.write_bytes(b"<")
    return _age(path)


def test_quick_copies_decompress_to_the_file_and_cost_a_little_size(tmp_path: Path) -> None:
    articles = (ROOT / "bench/data/samples/news-articles.jsonl").read_text("utf-8")
    data = articles.encode("utf-8")  # 400 real Goud.ma articles (MArSum, CC BY 4.0)
    sizes: dict[bool, dict[str, int]] = {}
    for quick in (False, True):
        path = tmp_path / f"{quick}" / "page.xml"
        path.parent.mkdir()
        path.write_bytes(data)
        assert write_copies(path, data, quick=quick) == ("br", "gzip")
        br, gz = path.with_name("page.xml.br"), path.with_name("page.xml.gz")
        assert brotli.decompress(br.read_bytes()) == data
        assert gzip.decompress(gz.read_bytes()) == data
        sizes[quick] = {"br": br.stat().st_size, "gz": gz.stat().st_size}
    for encoding in ("br", "gz"):
        assert sizes[False][encoding] <= sizes[True][encoding] < 1.25 * sizes[False][encoding]


def test_copy_writer_writes_the_copies_write_copies_writes(tmp_path: Path) -> None:
    lines = (ROOT / "bench/data/samples/news-articles.jsonl").read_text("utf-8").splitlines()
    pages = [("\n".join(lines[i::7])).encode("utf-8") for i in range(7)]  # Goud.ma, CC BY 4.0
    writer = CopyWriter(ahead=2)  # fewer waiting than files: submit waits for the oldest
    for number, data in enumerate(pages):
        path = tmp_path / "background" / f"{number}.xml"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        writer.submit(path, data, quick=number % 2 == 1)
    writer.finish()
    for number, data in enumerate(pages):
        path = tmp_path / "inline" / f"{number}.xml"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        write_copies(path, data, quick=number % 2 == 1)
        for suffix in (".br", ".gz"):
            made = tmp_path / "background" / f"{number}.xml{suffix}"
            assert made.read_bytes() == path.with_name(path.name + suffix).read_bytes()
            original = tmp_path / "background" / f"{number}.xml"
            assert made.stat().st_mtime_ns == original.stat().st_mtime_ns  # as the file's
    assert not [p for p in tmp_path.rglob("*") if TEMPORARY.match(p.name)]


def test_copy_writer_raises_the_first_failure_naming_the_file(tmp_path: Path) -> None:
    data = "نشرة الأخبار".encode()
    good, gone = tmp_path / "rss.xml", tmp_path / "removed" / "atom.xml"
    good.write_bytes(data)
    writer = CopyWriter()
    writer.submit(gone, data)  # its folder does not exist: the copies cannot be written
    writer.submit(good, data)
    with pytest.raises(PublishError, match=r"atom\.xml"):
        writer.finish()
    writer.close()  # closing again after a failure is harmless
