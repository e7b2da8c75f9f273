"""Markdown files with YAML (``---``) or TOML (``+++``) front matter.

Front matter fields: ``title``, ``date``, ``updated``, ``id``, ``url``,
``author``, ``tags``, ``summary``, ``image``. The body is rendered with
markdown-it-py (CommonMark plus tables and strikethrough) and then sanitised.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

import yaml
from markdown_it import MarkdownIt

from sources.base import Parsed
from sources.errors import ParseError, SourceError
from sources.records import TOO_DEEP, RecordContext, RecordProblem, item_from_record

_MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_TOML_LINE = re.compile(r"at line (\d+)")


def split_front_matter(text: str, origin: str) -> tuple[dict[str, Any], str, int]:
    """Return (front matter, body, line number where the body starts)."""
    lines = text.split("\n")
    fence = lines[0].strip() if lines else ""
    if fence not in ("---", "+++"):
        return {}, text, 1
    for end in range(1, len(lines)):
        if lines[end].strip() == fence:
            break
    else:
        raise ParseError(origin, f"front matter opened with {fence!r} is never closed", line=1)
    raw = "\n".join(lines[1:end])
    body = "\n".join(lines[end + 1 :])
    if fence == "---":
        try:
            data = yaml.safe_load(raw)
        except ValueError as exc:  # YAML reads 2024-02-30 as a date and fails
            raise ParseError(origin, f"invalid YAML front matter: {exc}", line=2) from exc
        except RecursionError as exc:  # the composer recurses once per level
            raise ParseError(origin, f"front matter {TOO_DEEP}", line=2) from exc
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 2 if mark is not None else 1
            problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
            raise ParseError(origin, f"invalid YAML front matter: {problem}", line=line) from exc
    else:
        try:
            data = tomllib.loads(raw)
        except tomllib.TOMLDecodeError as exc:
            found = _TOML_LINE.search(str(exc))
            line = int(found.group(1)) + 1 if found else 1
            message = str(exc).split(" (at")[0]
            raise ParseError(origin, f"invalid TOML front matter: {message}", line=line) from exc
        except RecursionError as exc:
            raise ParseError(origin, f"front matter {TOO_DEEP}", line=2) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ParseError(origin, "front matter must be a mapping of fields", line=2)
    return data, body, end + 2


def parse_markdown(text: str, ctx: RecordContext) -> Parsed:
    meta, body, _ = split_front_matter(text, ctx.origin)
    if not meta.get("title"):
        heading = re.match(r"\s*#\s+(.+)\n?", body)
        if heading:
            meta = {**meta, "title": heading.group(1).strip()}
            body = body[heading.end() :]
    try:
        built = item_from_record(meta, ctx, body_html=_MD.render(body))
    except RecordProblem as exc:
        raise ParseError(ctx.origin, str(exc), line=1) from exc
    notices: list[SourceError] = [ParseError(ctx.origin, w, line=1) for w in built.warnings]
    return Parsed(items=[built.item], notices=notices)
