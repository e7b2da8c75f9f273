"""Watching source folders: which sources a change belongs to, and the real watcher."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

from feeds.watch import FolderWatcher, sources_changed, watch_targets, watched_folders
from sources.base import SourceSpec


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for folder in ("wire", "wire/2026", "desk", "desk/.cache", "maghreb"):
        (tmp_path / folder).mkdir()
    return tmp_path


def _specs() -> list[SourceSpec]:
    return [
        SourceSpec(name="wire", path="wire/**/*.jsonl"),
        SourceSpec(name="desk", path="desk"),
        SourceSpec(name="maghreb-md", path="maghreb/*.md"),
        SourceSpec(name="maghreb-txt", path="maghreb/*.txt"),
        SourceSpec(name="single", path="desk/today.txt"),  # single files: interval only
        SourceSpec(name="typo", path="wyre/*.jsonl"),  # missing: its polls say so
        SourceSpec(name="remote", url="https://news.example.org/feed.xml"),
    ]


def test_targets_are_the_folder_and_glob_sources_that_exist(tree: Path) -> None:
    targets = watch_targets(_specs(), str(tree))
    assert [t.source for t in targets] == ["wire", "desk", "maghreb-md", "maghreb-txt"]
    assert all(os.path.isabs(t.folder) for t in targets)
    assert watched_folders(targets) == sorted(
        os.path.realpath(tree / name) for name in ("desk", "maghreb", "wire")
    )


def test_a_folder_inside_another_is_watched_once(tree: Path) -> None:
    specs = [SourceSpec(name="all", path="wire"), SourceSpec(name="year", path="wire/2026/*.md")]
    assert watched_folders(watch_targets(specs, str(tree))) == [os.path.realpath(tree / "wire")]


@pytest.mark.parametrize(
    ("changed", "sources"),
    [
        ("wire/2026/dispatch.jsonl", {"wire"}),
        ("wire/dispatch.jsonl", {"wire"}),
        ("wire/2026/11/", {"wire"}),  # a folder moved in may hold files
        ("wire/2026/dispatch.jsonl.part", set()),  # still being written
        ("wire/.dispatch.jsonl", set()),
        ("wire/notes.md", set()),
        ("desk/bulletin.txt", {"desk"}),
        ("desk/sub/story.md", {"desk"}),
        ("desk/.cache/x.txt", set()),
        ("desk/photo.jpg", set()),
        ("desk/#bulletin.txt#", set()),
        ("maghreb/akhbar.md", {"maghreb-md"}),
        ("maghreb/akhbar.txt", {"maghreb-txt"}),
        ("maghreb/sub/akhbar.md", set()),
        ("maghreb/sub/", set()),
        ("desk/sub/", {"desk"}),
        ("desk/.cache/", set()),
        ("elsewhere/akhbar.md", set()),
    ],
)
def test_changed_paths_map_to_the_sources_that_read_them(
    tree: Path, changed: str, sources: set[str]
) -> None:
    targets = watch_targets(_specs(), str(tree))
    path = os.path.join(os.path.realpath(tree), changed.rstrip("/"))
    assert sources_changed([(path, changed.endswith("/"))], targets) == sources


def test_the_watcher_polls_a_source_once_after_a_burst_and_stops_promptly(tree: Path) -> None:
    due: list[tuple[str, float]] = []

    async def scenario() -> float:
        specs = [SourceSpec(name="desk", path="desk"), SourceSpec(name="wire", path="wire")]
        watcher = FolderWatcher(
            watch_targets(specs, str(tree)), lambda name: due.append((name, time.monotonic())),
            quiet=0.6,
        )  # fmt: skip
        watcher.start()
        await asyncio.sleep(0.5)  # the watch is set up in a thread
        partial = tree / "desk" / "akhbar.txt.part"
        partial.write_text("خبر عاجل: افتتاح", "utf-8")  # written under a partial name...
        for n in range(3):
            await asyncio.sleep(0.2)
            with partial.open("a", encoding="utf-8") as handle:
                handle.write(f" الدورة {n}")
        await asyncio.sleep(1.0)
        assert due == []  # ...nothing to poll yet
        written = time.monotonic()
        partial.rename(tree / "desk" / "akhbar.txt")  # ...then renamed into place
        deadline = time.monotonic() + 10
        while not due and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)  # no second call for the same burst
        stopping = time.monotonic()
        await watcher.stop()
        assert due and due[0][1] - written >= 0.6  # after the quiet period
        return time.monotonic() - stopping

    took = asyncio.run(scenario())
    assert [name for name, _ in due] == ["desk"]
    assert took < 2


def test_a_watcher_with_nothing_to_watch_starts_and_stops(tmp_path: Path) -> None:
    async def scenario() -> None:
        watcher = FolderWatcher([], lambda name: None)
        watcher.start()
        await watcher.stop()

    asyncio.run(scenario())
