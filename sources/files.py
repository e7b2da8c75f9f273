"""Source files: a path or glob of plain-text bulletins, Markdown and JSON files.

Each file is read (size-capped), decoded (BOMs, legacy Arabic code pages) and
handed to the parser for its format, chosen by extension unless the source
sets ``format``. A file whose bytes and parser settings are unchanged since the
last run is not parsed again. One broken file is reported and the source's
other files are still collected.
"""

from __future__ import annotations

import glob
import hashlib
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sources.base import Collected, Context, FileState, Parsed, SourceSpec
from sources.bulletin import parse_bulletin
from sources.decode import decode_bytes
from sources.errors import ParseError, SourceError
from sources.jsonl import parse_json, parse_jsonl
from sources.markdown import parse_markdown
from sources.records import RecordContext

FileParser = Callable[[str, RecordContext, Context], Parsed]

PARSER_VERSION = "1"
"""Bump when a parser's output changes, so every file is parsed again."""


def _bulletin(text: str, rctx: RecordContext, ctx: Context) -> Parsed:
    items = parse_bulletin(text, source=rctx.source, origin=rctx.origin, words=ctx.words)
    return Parsed(items=items)


def _markdown(text: str, rctx: RecordContext, ctx: Context) -> Parsed:
    return parse_markdown(text, rctx)


def _jsonl(text: str, rctx: RecordContext, ctx: Context) -> Parsed:
    return parse_jsonl(text, rctx)


def _json(text: str, rctx: RecordContext, ctx: Context) -> Parsed:
    return parse_json(text, rctx)


PARSERS: dict[str, FileParser] = {
    "bulletin": _bulletin,
    "markdown": _markdown,
    "jsonl": _jsonl,
    "json": _json,
}
EXTENSIONS: dict[str, str] = {
    ".txt": "bulletin",
    ".text": "bulletin",
    ".md": "markdown",
    ".markdown": "markdown",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
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
        raise ParseError(
            path, f"unknown file type {suffix or '(none)'!r}: expected one of {known}"
        ) from None


def expand(pattern: str, base_dir: str) -> list[str]:
    """The files a path or glob names, relative to ``base_dir`` when under it, sorted."""
    full = pattern if os.path.isabs(pattern) else os.path.join(base_dir, pattern)
    matches = sorted(p for p in glob.glob(full, recursive=True) if not os.path.isdir(p))
    if not glob.has_magic(full) and not matches and os.path.isdir(full):
        matches = sorted(
            str(p) for p in Path(full).rglob("*") if p.is_file() and p.suffix.lower() in EXTENSIONS
        )
    return [_display(p, base_dir) for p in matches]


def _display(path: str, base_dir: str) -> str:
    relative = os.path.relpath(path, base_dir)
    return path if relative.startswith("..") else relative


def _fingerprint(data: bytes, fmt: str, ctx: Context) -> str:
    digest = hashlib.sha256(data)
    digest.update(f"\0{fmt}\0{PARSER_VERSION}\0{ctx.words!r}\0{ctx.tz.key}".encode())
    return digest.hexdigest()


def read_capped(path: str, limit: int, *, shown: str | None = None) -> bytes:
    """Read a file, refusing one larger than ``limit`` bytes (named ``shown`` in errors)."""
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ParseError(shown or path, f"file is larger than the limit of {limit:,} bytes")
    return data


def collect_files(spec: SourceSpec, ctx: Context) -> Collected:
    """Collect every file of a ``path`` source."""
    assert spec.path is not None
    paths = expand(spec.path, ctx.base_dir)
    if not paths and not glob.has_magic(spec.path):
        raise SourceError(spec.name, f"no such file or folder: {spec.path!r}")
    out = Collected()
    for shown in paths:
        full = shown if os.path.isabs(shown) else os.path.join(ctx.base_dir, shown)
        try:
            fmt = format_of(shown, spec.format)
            data = read_capped(full, ctx.max_bytes, shown=shown)
            fingerprint = _fingerprint(data, fmt, ctx)
            if ctx.known.get(shown) == fingerprint:
                out.unchanged += 1
                continue
            text = decode_bytes(data, source=shown)
            mtime = datetime.fromtimestamp(os.stat(full).st_mtime, ctx.tz)
            rctx = RecordContext(source=spec.name, origin=shown, tz=ctx.tz, relative_base=mtime)
            parsed = PARSERS[fmt](text, rctx, ctx)
        except SourceError as exc:
            out.errors.append(exc)
            continue
        except OSError as exc:
            out.errors.append(SourceError(shown, f"cannot read: {exc.strerror or exc}"))
            continue
        out.items.extend(parsed.items)
        out.errors.extend(parsed.errors)
        if not parsed.errors:
            out.files.append(FileState(shown, fingerprint))
    return out


def parse_file(path: str, ctx: Context, *, fmt: str | None = None, source: str = "") -> Parsed:
    """Parse one file as ``nashra parse`` does: no fingerprints, no store."""
    kind = format_of(path, fmt)
    try:
        data = read_capped(path, ctx.max_bytes)
        mtime = datetime.fromtimestamp(os.stat(path).st_mtime, ctx.tz)
    except OSError as exc:
        raise SourceError(path, f"cannot read: {exc.strerror or exc}") from exc
    text = decode_bytes(data, source=path)
    rctx = RecordContext(
        source=source or Path(path).stem, origin=path, tz=ctx.tz, relative_base=mtime
    )
    return PARSERS[kind](text, rctx, ctx)
