"""Watching the folders of file sources, so that ``nashra run`` polls a source
within seconds of a file landing in it rather than at its next interval.

A folder or glob source is watched (with ``watchfiles``) from the folder it
names or the fixed part of its glob. A change to a path the source would read
asks for a poll of that source once its files have been quiet for a little
longer than ``sources.files.SETTLE_SECONDS``, so that a file still being
written is not read early; every new change pushes the poll back. The interval
poll stays the fallback: for single-file sources, for a folder created after
the daemon started (watched from the next reload) and when watching fails.

``sources_changed`` is the pure part (changed paths to source names);
``FolderWatcher`` runs the watch and its timers on the daemon's event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from sources.base import SourceSpec
from sources.errors import SourceError
from sources.files import SETTLE_SECONDS, Location, locate

log = logging.getLogger("nashra.run")

QUIET = SETTLE_SECONDS + 1.0
"""Seconds without a change before a changed source is polled."""


@dataclass(frozen=True, slots=True)
class WatchTarget:
    """One watched source: its name and its location, rooted at the real folder."""

    source: str
    location: Location

    @property
    def folder(self) -> str:
        return self.location.root


def watch_targets(specs: Sequence[SourceSpec], base_dir: str) -> list[WatchTarget]:
    """The folder and glob sources whose folder exists now, rooted at its real path
    (the paths the watcher reports start with it)."""
    targets = []
    for spec in specs:
        if spec.path is None:
            continue
        try:
            location = locate(spec.path, base_dir)
        except SourceError:  # missing: its polls say so
            continue
        if location.kind == "file":
            continue
        real = os.path.realpath(location.root)
        targets.append(WatchTarget(spec.name, replace(location, root=real)))
    return targets


def watched_folders(targets: Iterable[WatchTarget]) -> list[str]:
    """The folders to watch: each once, none inside another (watches are recursive)."""
    folders = sorted({t.folder for t in targets})
    kept: list[str] = []
    for folder in folders:
        if not any(folder.startswith(top.rstrip(os.sep) + os.sep) for top in kept):
            kept.append(folder)
    return kept


def sources_changed(
    changes: Iterable[tuple[str, bool]], targets: Sequence[WatchTarget]
) -> set[str]:
    """The sources that changed paths (each with whether it is a folder) belong to:
    a file they would read, or a folder below theirs that may hold some. Dot-files
    and partial names (``x.part``) are not changes: only their rename into place is."""
    names: set[str] = set()
    for path, folder in changes:
        for target in targets:
            if target.source in names:
                continue
            parts = target.location.below(path)
            if parts is None:
                continue
            wanted = target.location.descends if folder else target.location.covers
            if wanted(parts):
                names.add(target.source)
    return names


class Watcher(Protocol):
    """What the daemon asks of a watcher: start, and stop (awaited, prompt)."""

    def start(self) -> None: ...

    async def stop(self) -> None: ...


WatcherFactory = Callable[[Sequence[SourceSpec], str, Callable[[str], None]], Watcher]
"""(sources, base folder, what to call with a source's name when it should be
polled) → a watcher."""


class FolderWatcher:
    """Watches the targets' folders and calls ``on_due(source)`` once a changed
    source has been quiet for ``quiet`` seconds."""

    def __init__(
        self,
        targets: Sequence[WatchTarget],
        on_due: Callable[[str], None],
        *,
        quiet: float = QUIET,
    ) -> None:
        self.targets, self.on_due, self.quiet = list(targets), on_due, quiet
        self._stop = asyncio.Event()
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        folders = watched_folders(self.targets)
        if folders:
            self._task = asyncio.create_task(self._watch(folders))

    async def stop(self) -> None:
        self._stop.set()
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                try:  # the watch thread sees the stop event within a step (50 ms)
                    await asyncio.wait_for(self._task, timeout=5)
                except TimeoutError:
                    log.warning("the folder watcher did not stop in time")

    def changed(self, paths: Iterable[str]) -> None:
        """Push back (or start) the quiet period of each source the paths belong to."""
        loop = asyncio.get_running_loop()
        changes = [(path, os.path.isdir(path)) for path in paths]
        for name in sources_changed(changes, self.targets):
            timer = self._timers.pop(name, None)
            if timer is not None:
                timer.cancel()
            self._timers[name] = loop.call_later(self.quiet, self._due, name)

    def _due(self, name: str) -> None:
        self._timers.pop(name, None)
        if not self._stop.is_set():
            self.on_due(name)

    async def _watch(self, folders: list[str]) -> None:
        from watchfiles import Change, awatch

        log.info(
            "watching %d folders of %d sources for new files",
            len(folders),
            len(self.targets),
            extra={"fields": {"event": "watch", "folders": len(folders)}},
        )
        try:
            async for changes in awatch(
                *folders,
                stop_event=self._stop,
                watch_filter=None,
                debounce=400,
                ignore_permission_denied=True,
            ):
                self.changed(path for change, path in changes if change != Change.deleted)
        except Exception as exc:  # e.g. too many watches: the interval polls go on
            log.warning("cannot watch source folders, polling on the interval only: %s", exc)


def watch_sources(
    specs: Sequence[SourceSpec], base_dir: str, on_due: Callable[[str], None]
) -> FolderWatcher:
    """The watcher of the folder and glob sources among ``specs``."""
    return FolderWatcher(watch_targets(specs, base_dir), on_due)
