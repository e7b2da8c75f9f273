"""JSON Lines (``.jsonl``) and JSON (``.json``: an array of records, or a JSON
Feed) source files. One item per record; a bad record is reported with its line
and the others are kept. Nesting deeper than ``records.MAX_DEPTH`` is refused:
a line (or a whole ``.json`` file too deep to read) fails alone, with its line."""

from __future__ import annotations

import json
from typing import Any

from sources.base import Parsed
from sources.errors import ParseError
from sources.records import TOO_DEEP, RecordContext, RecordProblem, item_from_record


def loads(text: str, origin: str, line: int | None = None) -> Any:
    """JSON text as Python values; invalid or too deeply nested JSON is a ParseError."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = line if line is not None else exc.lineno
        raise ParseError(origin, f"invalid JSON: {exc.msg}", line=where) from exc
    except RecursionError as exc:  # the decoder recurses once per level
        raise ParseError(origin, TOO_DEEP, line=line) from exc


def parse_jsonl(text: str, ctx: RecordContext) -> Parsed:
    out = Parsed()
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = loads(line, ctx.origin, number)
        except ParseError as exc:
            out.errors.append(exc)
            continue
        _add(out, record, ctx, number)
    return out


def parse_json(text: str, ctx: RecordContext) -> Parsed:
    data = loads(text, ctx.origin)
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        records: list[Any] = data["items"]  # a JSON Feed or {"items": [...]}
    elif isinstance(data, list):
        records = data
    else:
        raise ParseError(ctx.origin, "expected an array of objects or an object with 'items'")
    lines = _record_lines(text, len(records))
    out = Parsed()
    for index, record in enumerate(records):
        _add(out, record, ctx, lines[index])
    return out


def _add(out: Parsed, record: Any, ctx: RecordContext, line: int | None) -> None:
    if not isinstance(record, dict):
        out.errors.append(
            ParseError(ctx.origin, f"expected an object, got {type(record).__name__}", line=line)
        )
        return
    try:
        built = item_from_record(record, ctx)
    except RecordProblem as exc:
        out.errors.append(ParseError(ctx.origin, str(exc), line=line))
        return
    out.items.append(built.item)
    out.notices.extend(ParseError(ctx.origin, warning, line=line) for warning in built.warnings)


def _record_lines(text: str, count: int) -> list[int | None]:
    """Best-effort line numbers of the top-level objects of a JSON array."""
    lines: list[int | None] = []
    depth, line, in_string, escaped = 0, 1, False, False
    for ch in text:
        if ch == "\n":
            line += 1
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if ch == "{" and depth == 2:
                lines.append(line)
        elif ch in "]}":
            depth -= 1
    if len(lines) != count:
        return [None] * count
    return lines
