"""Writing files under the public folder: atomically, and only when the bytes change.

A file is written to a temporary file in the same folder, fsynced and renamed
over the old one, so a reader never sees half a file; when the bytes are the
same as on disk, nothing is written and the modification time is kept.

nashra's temporary files are named ``.<name>.nashra-<host>-<pid>-<16 hex
digits>.tmp`` (``<host>`` is a short hash of the machine's name), a name no other
program gives its files, and only those are ever cleaned up: a run killed
mid-write leaves one behind, removed by a later run as soon as the process that
wrote it is gone (same machine, no such process), or once it is old enough that
no other publisher can still be writing it.

Feed-level files also get compressed copies beside them (``rss.xml.br``,
``rss.xml.gz``), written once when the file's bytes change, with the file's own
modification time: a server sends them as they are (nginx ``brotli_static``,
``gzip_static``, ``nashra serve``) instead of compressing every answer.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import brotli
import deflate

from feeds.node import HOST, process_gone
from sources.errors import PublishError

TEMPORARY = re.compile(
    r"\A\..+\.nashra-(?P<host>[0-9a-f]{8})-(?P<pid>[0-9]{1,10})-[0-9a-f]{16}\.tmp\Z", re.DOTALL
)
"""The names of nashra's own temporary files, and no others."""


STALE_AFTER = 15 * 60.0
"""Seconds after which a temporary file of nashra's is left over, not in flight."""


def temporary_name(name: str) -> str:
    """A fresh temporary file name for the file ``name``, in nashra's own pattern."""
    return f".{name}.nashra-{HOST}-{os.getpid()}-{secrets.token_hex(8)}.tmp"


def write_if_changed(path: Path, data: bytes, *, durable: bool = True) -> bool:
    """Write ``data`` to ``path`` atomically unless it already holds it. True if written.

    ``durable=False`` skips the fsyncs (the rename is still atomic): for many small
    files written together, followed by one ``sync_all()``.
    """
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise PublishError(str(path), f"cannot read: {exc.strerror}") from exc
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp, fd = _create_temporary(path)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                if durable:
                    handle.flush()
                    os.fsync(handle.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        if durable:
            _fsync_dir(path.parent)
    except OSError as exc:
        raise PublishError(str(path), f"cannot write: {exc.strerror}") from exc
    return True


GZIP_LEVEL = 6
"""On 50 Arabic stories in full (122 kB), libdeflate at level 6 makes 30.0 % of the
size in about 2.5 ms, where zlib takes 11 ms for 30.4 % (and 24 ms for 29.7 % at
level 9). A feed is compressed again at every change, and a publish may change
hundreds of feeds."""
BROTLI_QUALITY = 6
"""On the same file: quality 6 takes 3–5 ms for 29.0 % of the size, 9 takes 20 ms
for 28.3 %, 11 245 ms for 25.7 % (per file and per change)."""


QUICK_GZIP_LEVEL = 3
QUICK_BROTLI_QUALITY = 4
"""For archive pages (``write_copies(quick=True)``), large and rarely fetched, and
rewritten when a story lands in them: on 0.87 MB pages of real Arabic news,
libdeflate level 3 takes 5.5 ms for 29.2 % of the size (level 6: 11.9 ms, 27.7 %),
brotli quality 4 8.4 ms for 17.6 % (quality 6: 16.9 ms, 15.8 %)."""


def _gzip(data: bytes, quick: bool = False) -> bytes:
    # libdeflate's gzip header has no time and no name: the same bytes, the same copy
    return bytes(deflate.gzip_compress(data, QUICK_GZIP_LEVEL if quick else GZIP_LEVEL))


def _brotli(data: bytes, quick: bool = False) -> bytes:
    quality = QUICK_BROTLI_QUALITY if quick else BROTLI_QUALITY
    return bytes(brotli.compress(data, quality=quality))


COPIES: tuple[tuple[str, str, Callable[[bytes, bool], bytes]], ...] = (
    ("br", ".br", _brotli),
    ("gzip", ".gz", _gzip),
)
"""The compressed copies of a feed-level file: (HTTP encoding, suffix, compressor
taking the bytes and whether to be quick)."""
ENCODINGS = tuple(encoding for encoding, _suffix, _compress in COPIES)
COMPRESSED = frozenset(suffix for _encoding, suffix, _compress in COPIES)
"""The suffixes of compressed copies (never a file of their own)."""


def copy_paths(path: Path) -> list[Path]:
    """The compressed copies of ``path`` (which may not exist)."""
    return [path.with_name(path.name + suffix) for _encoding, suffix, _compress in COPIES]


def write_copies(path: Path, data: bytes, *, quick: bool = False) -> tuple[str, ...]:
    """Write the compressed copies of ``path``, which holds ``data``, beside it,
    atomically, with its modification time (a server's ``Last-Modified`` is then
    the same whichever it sends). Returns their encodings.

    The copies are not synced one by one: the caller calls ``sync_all()`` before
    it records them (the manifest), so a copy lost to a power cut is one the
    manifest does not vouch for, and the next publish writes it again. ``quick``:
    compressed faster and a little less (``QUICK_GZIP_LEVEL``)."""
    try:
        status = path.stat()
    except OSError as exc:
        raise PublishError(str(path), f"cannot read: {exc.strerror}") from exc
    for copy, (_encoding, _suffix, compress) in zip(copy_paths(path), COPIES, strict=True):
        write_if_changed(copy, compress(data, quick), durable=False)  # the caller syncs them
        try:
            os.utime(copy, ns=(status.st_atime_ns, status.st_mtime_ns))
        except OSError as exc:
            raise PublishError(str(copy), f"cannot write: {exc.strerror}") from exc
    return ENCODINGS


class CopyWriter:
    """Writes compressed copies (``write_copies``) on a thread of its own while the
    caller renders the next files: the compressors let go of the interpreter
    while they work, so on two cores a file's copies are made beside the
    rendering of the next. At most ``ahead`` files wait, their bytes held until
    their copies are written; ``finish`` waits for every copy and raises the
    first error (a ``PublishError`` naming the file, as ``write_copies`` does)."""

    def __init__(self, ahead: int = 4) -> None:
        self._ahead = ahead
        self._pool: ThreadPoolExecutor | None = None
        self._pending: deque[Future[tuple[str, ...]]] = deque()

    def submit(self, path: Path, data: bytes, *, quick: bool = False) -> None:
        """Write the copies of ``path``, which holds ``data``, soon."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="nashra-copies")
        while len(self._pending) >= self._ahead:
            self._pending.popleft().result()
        self._pending.append(self._pool.submit(write_copies, path, data, quick=quick))

    def finish(self) -> None:
        """Wait until every copy asked for is written; raise the first error."""
        try:
            while self._pending:
                self._pending.popleft().result()
        finally:
            self.close()

    def close(self) -> None:
        """Stop: copies not begun are not written (``finish`` first to have them)."""
        self._pending.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def copies_present(path: Path) -> bool:
    """Whether every compressed copy of ``path`` is there."""
    return all(copy.is_file() for copy in copy_paths(path))


def remove_published(path: Path) -> bool:
    """Delete a file nashra published and its compressed copies; True if the file
    was there."""
    existed = False
    for target in (path, *copy_paths(path)):
        try:
            target.unlink()
            existed = existed or target == path
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise PublishError(str(target), f"cannot remove: {exc.strerror}") from exc
    return existed


def remove_empty_folders(folder: Path, stop: Path) -> None:
    """Remove ``folder`` and its parents up to (not including) ``stop`` while they
    are empty."""
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except OSError:  # not empty, or not there: nothing more to do
            return
        folder = folder.parent


def _create_temporary(path: Path) -> tuple[Path, int]:
    """A new, empty temporary file next to ``path``, opened for writing."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        tmp = path.with_name(temporary_name(path.name))
        try:
            return tmp, os.open(tmp, flags, 0o600)
        except FileExistsError:  # 64 random bits taken: draw again
            continue


def sync_all() -> None:
    """Flush every written file to disk (after a batch of non-durable writes)."""
    os.sync()


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def is_stale_temporary(name: str, status: os.stat_result, now: float) -> bool:
    """Whether a directory entry is a temporary file of nashra's left over by a
    killed run: nashra's name, a regular file, and its writer gone or the file
    untouched for ``STALE_AFTER``."""
    match = TEMPORARY.match(name)
    if match is None or not stat.S_ISREG(status.st_mode):
        return False
    if now - status.st_mtime >= STALE_AFTER:
        return True
    return process_gone(match["host"], int(match["pid"]))


def remove_stale_temporaries(folder: Path, *, now: float | None = None) -> int:
    """Delete nashra's own temporary files that a killed run left behind under
    ``folder``; nothing else, and none recent enough to be another run's in-flight
    write. Links are not followed. Returns how many were removed."""
    when = time.time() if now is None else now
    removed = 0
    for root, _folders, names in os.walk(folder):
        for name in names:
            if not TEMPORARY.match(name):
                continue
            path = Path(root, name)
            try:
                if is_stale_temporary(name, path.lstat(), when):
                    path.unlink()
                    removed += 1
            except OSError:  # gone meanwhile, or not ours to remove: leave it
                continue
    return removed
