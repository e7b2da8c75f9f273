"""Source files: a path or glob of bulletins (plain text, Word, HTML), Markdown,
JSON and feed files.

A source's ``path`` names one file, a folder (every file of a known type in it,
at any depth) or a glob. Only regular files that are inside the folder it names
(the folder of a file, the fixed part of a glob) are read, after resolving
symbolic links: a link that leads outside, a FIFO, a socket or a device is
skipped with a problem naming it, and never opened. Dot-files and the names
programs give files they are still writing (``*.part``, ``*.tmp``, ``*~``…)
are not read, and a file changed in the last couple of seconds is read only if
it then stays unchanged until it is that old; otherwise it is left for the next
poll (``Collected.waiting``), so that a file copied slowly into a folder is
never read half-written.

Each file is read (size-capped) and handed to the parser for its format,
chosen by extension unless the source sets ``format``: ``bulletin`` (``.txt``,
``.text``), ``markdown`` (``.md``, ``.markdown``), ``jsonl`` (``.jsonl``,
``.ndjson``), ``json`` (``.json``: an array of records, or a JSON Feed read as
``feed``), ``docx`` (``.docx``, ``sources.docx``), ``html`` (``.html``,
``.htm``, ``sources.htmlbulletin``) and ``feed`` (``.xml``, ``.rss``,
``.atom``: RSS, Atom or JSON Feed read as remote feeds are, by
``sources.remote.parse_feed``, with relative links resolved against the
feed's own link or ``xml:base``, never the file). Text is decoded by
``sources.decode`` (BOMs, legacy Arabic code pages). A file whose bytes and parser settings are unchanged since the
last run is not parsed again. One broken file is reported and the source's
other files are still collected.
"""

from __future__ import annotations

import errno
import fnmatch
import glob
import hashlib
import json
import os
import stat
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from sources.base import Collected, Context, FileState, Parsed, SourceSpec
from sources.decode import decode_bytes
from sources.errors import ParseError, SourceError
from sources.jsonl import parse_json, parse_jsonl
from sources.records import RecordContext
from sources.remote import is_json_feed, parse_feed

FileParser = Callable[[bytes, RecordContext, Context], Parsed]
"""A file's parser: its bytes (text formats decode them by ``sources.decode``)."""

PARSER_VERSION = "3"
"""Bump when a parser's output changes, so every file is parsed again."""

SETTLE_SECONDS = 2.0
"""A file changed less than this long before a poll is still being written: it is
read at the next poll."""
LATE_CHANGE_SECONDS = 60.0
"""A file changed up to this long *after* the poll began is being written too. A
change further in the future is a clock or a copied timestamp, not a writer."""
PARTIAL_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload")
"""Names downloaders and editors give a file until it is complete."""


def _text(data: bytes, rctx: RecordContext) -> str:
    return decode_bytes(data, source=rctx.origin)


# Each format's parser is imported when a file of that format is read: a run of URL
# sources (and every `nashra` command's start) does without them.


def _bulletin(data: bytes, rctx: RecordContext, ctx: Context) -> Parsed:
    from sources.bulletin import parse_bulletin

    items = parse_bulletin(
        _text(data, rctx),
        source=rctx.source,
        origin=rctx.origin,
        words=ctx.words,
        now=ctx.now,
        tz=ctx.tz,
    )
    return Parsed(items=items)


def _markdown(data: bytes, rctx: RecordContext, ctx: Context) -> Parsed:
    from sources.markdown import parse_markdown

    return parse_markdown(_text(data, rctx), rctx)


def _docx(data: bytes, rctx: RecordContext, ctx: Context) -> Parsed:
    from sources.docx import parse_docx

    return parse_docx(data, rctx, ctx)


def _html(data: bytes, rctx: RecordContext, ctx: Context) -> Parsed:
    from sources.htmlbulletin import parse_html_bulletin

    return parse_html_bulletin(data, rctx, ctx)


def _jsonl(data: bytes, rctx: RecordContext, ctx: Context) -> Parsed:
    return parse_jsonl(_text(data, rctx), rctx)


def _json(data: bytes, rctx: RecordContext, ctx: Context) -> Parsed:
    """A JSON Feed is read as a feed; any other JSON as an array of records."""
    text = _text(data, rctx)
    try:
        feed = is_json_feed(json.loads(text))
    except (ValueError, RecursionError):
        feed = False  # parse_json says what is wrong, with its line
    return _feed_text(text, rctx) if feed else parse_json(text, rctx)


def _feed(data: bytes, rctx: RecordContext, ctx: Context) -> Parsed:
    return _feed_text(_text(data, rctx), rctx)


def _feed_text(text: str, rctx: RecordContext) -> Parsed:
    """A feed file read as a remote feed is, its problems naming the file."""
    now = rctx.now or datetime.now(UTC)
    try:
        result = parse_feed(
            text, url=rctx.origin, source=rctx.source, tz=rctx.tz, now=now, local=True
        )
    except ParseError as exc:
        raise _file_error(exc, rctx.origin) from exc
    return Parsed(
        items=result.items,
        errors=[_file_error(e, rctx.origin) for e in result.errors],
        notices=[_file_error(e, rctx.origin) for e in result.notices],
    )


def _file_error(error: SourceError, origin: str) -> ParseError:
    """A feed's problem as the other file parsers give theirs: ``file: message``."""
    return ParseError(origin, error.message.removeprefix(f"{origin}: "))


PARSERS: dict[str, FileParser] = {
    "bulletin": _bulletin,
    "markdown": _markdown,
    "jsonl": _jsonl,
    "json": _json,
    "docx": _docx,
    "html": _html,
    "feed": _feed,
}
EXTENSIONS: dict[str, str] = {
    ".txt": "bulletin",
    ".text": "bulletin",
    ".md": "markdown",
    ".markdown": "markdown",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
}
_HINTS: dict[str, str] = {
    ".doc": "an old Word 97-2003 document: save it as .docx",
    ".docm": "a Word document with macros: save it as .docx",
    ".xhtml": 'set format = "html" to read it as an HTML bulletin',
}


def format_of(path: str, override: str | None) -> str:
    if override:
        if override not in PARSERS:
            raise ParseError(path, f"unknown format {override!r} (known: {', '.join(PARSERS)})")
        return override
    suffix = Path(path).suffix.lower()
    try:
        return EXTENSIONS[suffix]
    except KeyError:
        known = ", ".join(sorted(EXTENSIONS))
        hint = f" ({_HINTS[suffix]})" if suffix in _HINTS else ""
        raise ParseError(
            path, f"unknown file type {suffix or '(none)'!r}{hint}: expected one of {known}"
        ) from None


# -- where a source's files are ------------------------------------------------------


def is_partial_name(name: str) -> bool:
    """A dot-file, or a name programs give a file they are still writing
    (``x.part``, ``x.tmp``, ``x~``, ``#x#``, ``.~lock.x#``): never read in a folder
    or glob (write the file under such a name, then rename it)."""
    return (
        name.startswith(".")
        or name.endswith("~")
        or (name.startswith("#") and name.endswith("#"))
        or name.lower().endswith(PARTIAL_SUFFIXES)
    )


def _match(pattern: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    """Whether the path components ``parts`` match glob components (``**``: any depth)."""
    if not pattern:
        return not parts
    head, rest = pattern[0], pattern[1:]
    if head == "**":  # last, it matches what is below a folder: one component or more
        return any(_match(rest, parts[i:]) for i in range(0 if rest else 1, len(parts) + 1))
    return bool(parts) and fnmatch.fnmatchcase(parts[0], head) and _match(rest, parts[1:])


def _could_hold(pattern: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    """Whether a file below the folder ``parts`` could match ``pattern``."""
    if not parts:
        return True
    if len(pattern) <= 1:
        return pattern == ("**",)
    head = pattern[0]
    if head == "**":
        return True
    return fnmatch.fnmatchcase(parts[0], head) and _could_hold(pattern[1:], parts[1:])


@dataclass(frozen=True, slots=True)
class Location:
    """Where a file source's ``path`` points: the folder its files must stay in
    (``root``, as written, joined to the base folder) and what below it is read."""

    kind: Literal["file", "folder", "glob"]
    root: str
    pattern: tuple[str, ...] = ()
    """Path components below ``root`` a file must match (glob); the file's name (file)."""

    def covers(self, parts: tuple[str, ...]) -> bool:
        """Whether the file at ``parts`` below ``root`` belongs to the source."""
        if self.kind == "file":
            return parts == self.pattern
        if not parts or any(is_partial_name(part) for part in parts):
            return False
        if self.kind == "folder":
            return Path(parts[-1]).suffix.lower() in EXTENSIONS
        return _match(self.pattern, parts)

    def descends(self, parts: tuple[str, ...]) -> bool:
        """Whether the folder at ``parts`` below ``root`` may hold files of the source."""
        if self.kind == "file" or any(is_partial_name(part) for part in parts):
            return False
        return self.kind == "folder" or _could_hold(self.pattern, parts)

    def below(self, path: str) -> tuple[str, ...] | None:
        """The components of ``path`` below ``root``, or None when it is not below it."""
        relative = os.path.relpath(path, self.root)
        if (
            relative == os.curdir
            or relative == os.pardir
            or relative.startswith(os.pardir + os.sep)
        ):
            return None
        return tuple(relative.split(os.sep))


def locate(path: str, base_dir: str) -> Location:
    """The location a source's ``path`` names. A missing file or folder, or a glob
    whose fixed part is missing, is a ``SourceError`` naming it."""
    full = path if os.path.isabs(path) else os.path.join(base_dir, path)
    parts = full.split(os.sep)
    fixed = 0
    while fixed < len(parts) and not glob.has_magic(parts[fixed]):
        fixed += 1
    if fixed < len(parts):
        root = os.sep.join(parts[:fixed]) or (os.sep if full.startswith(os.sep) else os.curdir)
        if not os.path.isdir(root):
            shown = _display(root, base_dir)
            what = "no such folder" if not os.path.lexists(root) else "not a folder"
            raise SourceError(path, f"{what}: {shown!r} (the fixed part of the glob {path!r})")
        return Location("glob", root, tuple(parts[fixed:]))
    if os.path.isdir(full):
        return Location("folder", full)
    if not os.path.lexists(full):
        raise SourceError(path, f"no such file or folder: {path!r}")
    folder, name = os.path.split(full)
    return Location("file", folder or os.curdir, (name,))


def _display(path: str, base_dir: str) -> str:
    relative = os.path.relpath(path, base_dir)
    return path if relative.startswith("..") else relative


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


@dataclass(slots=True)
class _Listing:
    files: list[str]
    problems: list[SourceError]


def _list(loc: Location, real_root: str, base_dir: str) -> _Listing:
    """The paths of the source's files, sorted, with the problems met on the way.
    Symbolic links to folders are never descended: a folder inside is walked as
    itself, one outside is a problem."""
    if loc.kind == "file":
        return _Listing([os.path.join(loc.root, *loc.pattern)], [])
    out = _Listing([], [])
    for parts, entry in _walk(loc.root, loc.descends, out.problems, base_dir):
        if entry.is_symlink() and (loc.covers(parts) or loc.descends(parts)):
            target = os.path.realpath(entry.path)
            if os.path.isdir(target):
                if not _inside(target, real_root):
                    shown = _display(entry.path, base_dir)
                    out.problems.append(_outside(shown, target, _display(loc.root, base_dir)))
                continue  # a folder inside is walked as itself
        if loc.covers(parts) and not entry.is_dir(follow_symlinks=False):
            out.files.append(entry.path)
    out.files.sort()
    return out


def _walk(
    root: str,
    descends: Callable[[tuple[str, ...]], bool],
    problems: list[SourceError],
    base_dir: str,
) -> Iterator[tuple[tuple[str, ...], os.DirEntry[str]]]:
    """Every entry below ``root`` (not following links), depth first, with the
    path components below ``root``; only the folders ``descends`` accepts are
    entered."""
    stack: list[tuple[str, ...]] = [()]
    while stack:
        here = stack.pop()
        folder = os.path.join(root, *here)
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            error = SourceError(
                _display(folder, base_dir), f"cannot read folder: {exc.strerror or exc}"
            )
            if not here:  # the source's own folder: nothing of it can be read
                raise error from exc
            problems.append(error)
            continue
        for entry in entries:
            parts = (*here, entry.name)
            if entry.is_dir(follow_symlinks=False) and descends(parts):
                stack.append(parts)
            yield parts, entry


def _outside(shown: str, target: str, folder: str) -> SourceError:
    return SourceError(shown, f"skipped: a link to {target!r}, outside the folder {folder!r}")


# -- reading one file ------------------------------------------------------------------

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a folder"),
)
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO that slipped through must not block
    | getattr(os, "O_NOFOLLOW", 0)  # the path is resolved: a link now is a swap
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    return next((what for test, what in _KINDS if test(mode)), "not a regular file")


def _resolve(
    path: str, shown: str, folder: tuple[str, str] | None = None
) -> tuple[str, os.stat_result]:
    """The real path of a file and its status. A SourceError, before anything opens
    it, when it leads outside ``folder`` (its real path, and as shown) or is not a
    regular file."""
    real = os.path.realpath(path)
    if folder is not None and not _inside(real, folder[0]):
        raise _outside(shown, real, folder[1])
    try:
        status = os.stat(real)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise SourceError(shown, "skipped: a loop of symbolic links") from exc
        if exc.errno == errno.ENOENT and os.path.islink(path):
            raise SourceError(shown, f"skipped: a broken link to {real!r}") from exc
        raise SourceError(shown, f"cannot read: {exc.strerror or exc}") from exc
    kind = _not_regular(status.st_mode)
    if kind is not None:
        raise SourceError(shown, f"skipped: {kind}, not a regular file")
    return real, status


@dataclass(frozen=True, slots=True)
class _Read:
    data: bytes
    status: os.stat_result
    steady: bool
    """The file did not change while it was read."""


def _read_regular(real: str, limit: int, shown: str) -> _Read:
    """Read a resolved regular file, refusing one larger than ``limit`` bytes."""
    try:
        fd = os.open(real, _OPEN_FLAGS)
    except OSError as exc:
        raise SourceError(shown, f"cannot read: {exc.strerror or exc}") from exc
    with os.fdopen(fd, "rb") as handle:
        before = os.fstat(fd)
        kind = _not_regular(before.st_mode)
        if kind is not None:
            raise SourceError(shown, f"skipped: {kind}, not a regular file")
        data = handle.read(limit + 1)
        after = os.fstat(fd)
    if len(data) > limit:
        raise ParseError(shown, f"file is larger than the limit of {limit:,} bytes")
    steady = (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns)
    return _Read(data, after, steady)


def read_capped(path: str, limit: int, *, shown: str | None = None) -> bytes:
    """Read a regular file, refusing one larger than ``limit`` bytes (named ``shown``
    in errors) and never opening a FIFO, socket or device."""
    name = shown or path
    real, _ = _resolve(path, name)
    return _read_regular(real, limit, name).data


def settled(status: os.stat_result, now: datetime) -> bool:
    """Whether a file has not changed for ``SETTLE_SECONDS`` before ``now`` (its
    content or its name: a file renamed into place waits too)."""
    age = now.timestamp() - _changed(status)
    return not -LATE_CHANGE_SECONDS < age < SETTLE_SECONDS


def _fingerprint(data: bytes, fmt: str, ctx: Context) -> str:
    digest = hashlib.sha256(data)
    digest.update(f"\0{fmt}\0{PARSER_VERSION}\0{ctx.words!r}\0{ctx.tz.key}".encode())
    return digest.hexdigest()


# -- collecting --------------------------------------------------------------------------


def collect_files(spec: SourceSpec, ctx: Context) -> Collected:
    """Collect every file of a ``path`` source.

    A file changed less than ``SETTLE_SECONDS`` before the poll is watched until
    that much time has passed (one wait for all of them, at most that long): read
    if it did not change meanwhile, left for the next poll if it did."""
    assert spec.path is not None
    try:
        loc = locate(spec.path, ctx.base_dir)
    except SourceError as exc:
        raise SourceError(spec.name, exc.message) from exc
    real_root = os.path.realpath(loc.root)
    folder = (real_root, _display(loc.root, ctx.base_dir))
    listing = _list(loc, real_root, ctx.base_dir)
    out = Collected(errors=listing.problems)
    found: list[tuple[str, str, os.stat_result]] = []
    for full in listing.files:
        shown = _display(full, ctx.base_dir)
        try:
            real, status = _resolve(full, shown, folder)
        except SourceError as exc:
            out.errors.append(exc)
            continue
        found.append((shown, real, status))
    steady = _steady(found, ctx.now)
    for shown, real, _ in found:
        if shown in steady:
            _collect_file(spec, ctx, shown, real, out)
        else:
            out.waiting.append(shown)
    if loc.kind == "glob" and not listing.files and not _ever_matched(loc, ctx.known, ctx.base_dir):
        out.notices.append(SourceError(spec.name, f"the glob {spec.path!r} matches no file yet"))
    return out


def _steady(found: list[tuple[str, str, os.stat_result]], now: datetime) -> set[str]:
    """The files (by shown path) that are not being written: settled at ``now``,
    or unchanged over a wait until they would be."""
    steady = {shown for shown, _, status in found if settled(status, now)}
    fresh = [(shown, real, status) for shown, real, status in found if shown not in steady]
    if not fresh:
        return steady
    latest = max(_changed(status) for _, _, status in fresh)
    time.sleep(min(max(latest + SETTLE_SECONDS - time.time(), 0.0), SETTLE_SECONDS))
    for shown, real, before in fresh:
        try:
            after = os.stat(real)
        except OSError:
            continue  # gone or replaced: the next poll sees what is there
        if _signature(after) == _signature(before):
            steady.add(shown)
    return steady


def _changed(status: os.stat_result) -> float:
    return max(status.st_mtime, status.st_ctime)


def _signature(status: os.stat_result) -> tuple[int, ...]:
    return (status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def _collect_file(spec: SourceSpec, ctx: Context, shown: str, real: str, out: Collected) -> None:
    """Read, fingerprint and parse one file into ``out``."""
    try:
        fmt = format_of(shown, spec.format)
        read = _read_regular(real, ctx.max_bytes, shown)
        if not read.steady:  # written to while it was read
            out.waiting.append(shown)
            return
        fingerprint = _fingerprint(read.data, fmt, ctx)
        if ctx.known.get(shown) == fingerprint:
            out.unchanged += 1
            return
        mtime = datetime.fromtimestamp(read.status.st_mtime, ctx.tz)
        rctx = RecordContext(
            source=spec.name, origin=shown, tz=ctx.tz, relative_base=mtime, now=ctx.now
        )
        parsed = PARSERS[fmt](read.data, rctx, ctx)
    except SourceError as exc:
        out.errors.append(exc)
        return
    except OSError as exc:
        out.errors.append(SourceError(shown, f"cannot read: {exc.strerror or exc}"))
        return
    out.items.extend(parsed.items)
    out.errors.extend(parsed.errors)
    out.notices.extend(parsed.notices)
    if not parsed.errors:
        out.files.append(FileState(shown, fingerprint))


def _ever_matched(loc: Location, known: Mapping[str, str], base_dir: str) -> bool:
    """Whether a file of this location was ever read (its fingerprint is known)."""
    for path in known:
        parts = loc.below(path if os.path.isabs(path) else os.path.join(base_dir, path))
        if parts is not None and loc.covers(parts):
            return True
    return False


def parse_file(path: str, ctx: Context, *, fmt: str | None = None, source: str = "") -> Parsed:
    """Parse one file as ``nashra parse`` does: no fingerprints, no store."""
    kind = format_of(path, fmt)
    real, _ = _resolve(path, path)
    read = _read_regular(real, ctx.max_bytes, path)
    mtime = datetime.fromtimestamp(read.status.st_mtime, ctx.tz)
    rctx = RecordContext(
        source=source or Path(path).stem, origin=path, tz=ctx.tz, relative_base=mtime, now=ctx.now
    )
    return PARSERS[kind](read.data, rctx, ctx)
