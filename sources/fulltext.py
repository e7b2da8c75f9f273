"""Full text of feed items: each new article's page fetched once and its main text
extracted (``full_text = true`` on a URL source).

Which articles are new is the caller's knowledge (``known_urls``, the story
URLs already stored); pages are fetched with the run's ``HttpClient`` and read
with ``sources.webpage.extract_article``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace

from sources.base import SourceSpec
from sources.decode import decode_remote
from sources.errors import FetchError, SourceError
from sources.http import HttpClient, status_line
from sources.item import Item
from sources.remote import FeedResult
from sources.urls import web_link
from sources.webpage import article_image, extract_article

__all__ = ["KnownUrls", "add_full_text"]

KnownUrls = Callable[[Sequence[str]], set[str]]
"""Which of these article URLs are already stored."""


async def add_full_text(
    spec: SourceSpec, client: HttpClient, result: FeedResult, known_urls: KnownUrls | None
) -> None:
    """Replace each new item's body by the main text of its page, fetched once.

    Items already stored are dropped from the batch: their page was fetched
    when they were new, and without it their body would look edited. A page
    that cannot be fetched or read leaves its item as the feed gave it, and
    the problem joins ``result.errors``.
    """
    urls = [item.url for item in result.items if item.url]
    known = known_urls(urls) if known_urls and urls else set()
    linked = [item for item in result.items if item.url and item.url not in known]

    async def fill(item: Item) -> Item | SourceError:
        assert item.url is not None
        try:
            page = await client.get(item.url, source=spec.name, allow_private=spec.allow_private)
            if page.status != 200:
                return FetchError(spec.name, f"{item.url}: {status_line(page)} (article page)")
            text, _ = decode_remote(page.content, source=spec.name, declared=page.charset)
            body = await asyncio.to_thread(extract_article, text, page.url)
        except SourceError as exc:
            return exc
        if not body:
            return item
        image = item.image or web_link(article_image(text, page.url))
        return replace(item, body=body, image=image)

    jobs: list[Awaitable[Item | SourceError]] = [fill(item) for item in linked]
    items: list[Item] = []
    for original, outcome in zip(linked, await asyncio.gather(*jobs), strict=True):
        if isinstance(outcome, SourceError):
            result.errors.append(outcome)
            items.append(original)
        else:
            items.append(outcome)
    result.items = items + [item for item in result.items if not item.url]
