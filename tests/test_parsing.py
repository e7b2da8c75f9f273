"""read_document and ParsePool: fetched bytes to a Document, in worker processes or not."""

from __future__ import annotations

import asyncio
import logging

import pytest

from sources.item import Item
from sources.parsing import Document, ParsePool, read_document
from tests.conftest import NOW, TRIPOLI
from tests.httpserver import DATA

URL = "https://www.goud.ma/feed/"
RSS = (DATA / "goud-rss2.xml").read_bytes()
KOREA = "كوريا داعمة المغرب على الصحرا ديالو"


def titles(items: list[Item] | tuple[Item, ...]) -> list[str]:
    return [item.title for item in items]


def count_items(items: object) -> list[int]:  # a picklable prepare
    return [len(items)]  # type: ignore[arg-type]


def test_feed_is_read_with_its_items_and_prepared() -> None:
    document = read_document(
        RSS, declared="utf-8", url=URL, source="goud", tz=TRIPOLI, now=NOW, prepare=count_items
    )
    assert document.kind == "feed" and titles(document.items)[0] == KOREA
    assert document.prepared == (len(document.items),) and document.warnings == ()


def test_overruled_charset_comes_back_as_a_warning_not_a_problem() -> None:
    document = read_document(
        RSS, declared="windows-1256", url=URL, source="goud", tz=TRIPOLI, now=NOW
    )
    assert titles(document.items)[0] == KOREA and document.errors() == []
    assert document.warnings == (
        "goud: the declared charset says windows-1256 but the text is UTF-8 "
        "(bytes that are UTF-8): read as UTF-8",
    )


def test_empty_and_html_documents() -> None:
    empty = read_document(b"", declared=None, url=URL, source="goud", tz=TRIPOLI, now=NOW)
    assert empty.kind == "error"
    assert [str(e) for e in empty.errors()] == ["goud: empty response: no feed or page"]
    home = (DATA / "home.html").read_bytes()
    page = read_document(home, declared=None, url=URL, source="goud", tz=TRIPOLI, now=NOW)
    assert page.kind == "html" and page.advertised is not None


@pytest.mark.parametrize("processes", [0, 1])
def test_pool_logs_worker_warnings_in_the_callers_process(
    processes: int, caplog: pytest.LogCaptureFixture
) -> None:
    async def read() -> Document:
        with ParsePool(processes) as pool:
            return await pool.read(
                RSS, declared="iso-8859-6", url=URL, source="goud", tz=TRIPOLI, now=NOW
            )

    with caplog.at_level(logging.WARNING, logger="sources.parsing"):
        document = asyncio.run(read())
    assert titles(document.items)[0] == KOREA
    assert [r.name for r in caplog.records if "ISO-8859-6" in r.getMessage()] == ["sources.parsing"]
