"""``nashra parse --explain``: a bulletin's lines as an editor reads them.

One line of output per line of the file: its number, what it was taken for
(``sources.bulletin.Note``), why, and the start of its text, so that a line
read wrongly can be found and rewritten (a separator added, a headline
numbered, a word added to the ``[bulletin]`` table).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sources.base import Context
from sources.bulletin import Block, Note, explain, read_blocks
from sources.decode import decode_bytes
from sources.docx import read_docx
from sources.errors import ParseError
from sources.files import format_of, read_capped
from sources.htmlbulletin import html_blocks
from sources.text import clean_text

__all__ = ["TEXT_CHARS", "explain_file", "explain_lines"]

TEXT_CHARS = 60
"""How much of each line is shown."""


def _start(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= TEXT_CHARS else flat[: TEXT_CHARS - 1] + "…"


def explain_lines(notes: Sequence[Note]) -> list[str]:
    """``LINE  STORY  KIND  reason │ text``, one string per note (STORY is ``#n``,
    or ``-`` for a line that is in no story), then how many stories."""
    width = max((len(note.kind) for note in notes), default=0)
    out = []
    for note in notes:
        story = f"#{note.story}" if note.story else "-"
        head = f"{note.line:>4}  {story:>4}  {note.kind:<{width}}"
        if note.kind == "blank":
            out.append(head.rstrip())
        else:
            out.append(f"{head}  {note.reason} │ {_start(note.text)}")
    stories = max((note.story for note in notes), default=0)
    out.append(f"{stories} {'story' if stories == 1 else 'stories'}")
    return out


def explain_file(path: str, ctx: Context, *, fmt: str | None = None) -> list[str]:
    """The explanation of a bulletin file, line by line (``explain_lines``): a
    text bulletin by its lines (blank ones included), a Word document by its
    paragraphs (LINE is the paragraph's number), an HTML page by the blocks
    read from it (LINE is the line of the page where each starts).

    Raises ``ParseError`` for a file that is not read as a bulletin."""
    kind = format_of(path, fmt)
    if kind not in ("bulletin", "docx", "html"):
        raise ParseError(
            path, f"--explain reads bulletins (text, Word, HTML); this file is read as {kind}"
        )
    data = read_capped(path, ctx.max_bytes)
    if kind == "bulletin":
        return explain_lines(explain(decode_bytes(data, source=path), ctx.words))
    blocks: Sequence[Block]
    if kind == "docx":
        blocks = read_docx(data, path, ctx.max_bytes)
    else:
        blocks = html_blocks(decode_bytes(data, source=path), path).blocks
    cleaned = [replace(block, text=clean_text(block.text)) for block in blocks]
    return explain_lines(read_blocks(cleaned, ctx.words).notes)
