"""Collecting news items from sources: files and URLs.

File sources are collected synchronously by the collector ``collector_for``
picks from the ``COLLECTORS`` registry; URL sources asynchronously with one
shared ``Fetcher`` (``await collect_url(spec, ctx, fetcher)``). Nothing here
imports ``feeds``.
"""

from __future__ import annotations

from sources import startup  # noqa: F401  (first: before httpx is imported)
from sources.base import Collected, Collector, Context, SourceSpec
from sources.files import collect_files
from sources.http import FetchSettings
from sources.item import Item
from sources.urlsource import Fetcher, collect_url

COLLECTORS: dict[str, Collector] = {"file": collect_files}


def collector_for(spec: SourceSpec) -> Collector:
    """The synchronous collector of a file source (``path``); URL sources are
    collected with ``collect_url``."""
    if spec.kind not in COLLECTORS:
        raise ValueError(f"{spec.name}: a {spec.kind} source is collected with collect_url")
    return COLLECTORS[spec.kind]


__all__ = [
    "COLLECTORS",
    "Collected",
    "Collector",
    "Context",
    "FetchSettings",
    "Fetcher",
    "Item",
    "SourceSpec",
    "collect_url",
    "collector_for",
]
