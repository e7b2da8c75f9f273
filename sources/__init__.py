"""Collecting news items from sources: files and URLs.

A registry maps each kind of source to its collector; ``collector_for`` picks
one for a configured source. File sources are collected synchronously
(``COLLECTORS``); URL sources asynchronously with a shared ``Fetcher``
(``ASYNC_COLLECTORS``: ``await collect_url(spec, ctx, fetcher)``). Nothing
here imports ``feeds``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sources.base import Collected, Collector, Context, SourceSpec
from sources.files import collect_files
from sources.http import Fetcher, FetchSettings, collect_url
from sources.item import Item

AsyncCollector = Callable[[SourceSpec, Context, Fetcher], Awaitable[Collected]]

COLLECTORS: dict[str, Collector] = {"file": collect_files}
ASYNC_COLLECTORS: dict[str, AsyncCollector] = {"url": collect_url}


def kind_of(spec: SourceSpec) -> str:
    return "url" if spec.url else "file"


def collector_for(spec: SourceSpec) -> Collector:
    """The synchronous collector of a file source (``path``); URL sources have
    ``async_collector_for``."""
    kind = kind_of(spec)
    if kind not in COLLECTORS:
        raise ValueError(f"{spec.name}: a {kind} source is collected with async_collector_for")
    return COLLECTORS[kind]


def async_collector_for(spec: SourceSpec) -> AsyncCollector:
    """The asynchronous collector of a URL source (``url``)."""
    return ASYNC_COLLECTORS[kind_of(spec)]


__all__ = [
    "ASYNC_COLLECTORS",
    "COLLECTORS",
    "AsyncCollector",
    "Collected",
    "Collector",
    "Context",
    "FetchSettings",
    "Fetcher",
    "Item",
    "SourceSpec",
    "async_collector_for",
    "collect_url",
    "collector_for",
    "kind_of",
]
