"""Collecting news items from sources: files and URLs.

A registry maps each kind of source to its collector; ``collector_for`` picks
one for a configured source. Nothing here imports ``feeds``.
"""

from __future__ import annotations

from sources.base import Collected, Collector, Context, SourceSpec
from sources.files import collect_files
from sources.item import Item

COLLECTORS: dict[str, Collector] = {"file": collect_files}


def kind_of(spec: SourceSpec) -> str:
    return "url" if spec.url else "file"


def collector_for(spec: SourceSpec) -> Collector:
    """The collector for a source (``file`` for ``path``, ``url`` for ``url``)."""
    return COLLECTORS[kind_of(spec)]


__all__ = ["COLLECTORS", "Collected", "Collector", "Context", "Item", "SourceSpec", "collector_for"]
