"""The split of URL sources: the HTTP client knows HTTP only; the Fetcher of a run
wires it to parsing and to what the caller knows. Collecting itself is tested end
to end in test_http.py, test_webpage.py and test_pipeline_urls.py."""

from __future__ import annotations

import ast
import asyncio
import inspect
from pathlib import Path

import sources.http
from sources.http import FetchSettings, HttpClient
from sources.urlsource import Fetcher


def test_http_client_takes_no_store_or_parsing_hooks() -> None:
    assert list(inspect.signature(HttpClient).parameters) == ["settings", "resolver"]


def test_http_module_imports_nothing_about_sources_or_documents() -> None:
    tree = ast.parse(Path(sources.http.__file__).read_text("utf-8"))
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert {m for m in imported if m.startswith("sources.")} == {
        "sources.errors",
        "sources.guard",
        "sources.inflate",
    }


def test_fetcher_opens_and_closes_its_client_and_pool() -> None:
    def known(urls: object) -> set[str]:
        return set()

    fetcher = Fetcher(FetchSettings(parse_processes=1), known_urls=known)

    async def run() -> tuple[bool, bool]:
        async with fetcher:
            return fetcher.client._client is not None, fetcher.parser._pool is not None

    assert asyncio.run(run()) == (True, True)
    assert fetcher.client._client is None and fetcher.parser._pool is None
    assert fetcher.known_urls is known
