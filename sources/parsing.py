"""Reading fetched documents: decoding and parsing, in worker processes when asked.

``read_document`` turns fetched bytes into a ``Document``: items of a feed, of
a page read with selectors, or the feed an HTML page advertises. It is pure
CPU work; ``ParsePool`` runs it in a pool of worker processes (started with
``spawn``) when ``parse_processes`` is above 0, and in the caller's thread
otherwise. A worker that dies is replaced and its document read in the caller.

``prepare``, a picklable function given by the caller, is applied to the items
where they are parsed, so work on them (the pipeline's identities) is shared
out too; its result comes back in ``Document.prepared``. Charset warnings met
in a worker come back in ``Document.warnings`` and are logged by the caller's
process, where the logging is set up.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from types import TracebackType
from typing import Any
from zoneinfo import ZoneInfo

from sources.children import end_with_parent
from sources.decode import decode_text
from sources.errors import ParseError, SourceError
from sources.item import Item
from sources.remote import parse_feed, sniff
from sources.webpage import discover_feed, parse_page

log = logging.getLogger(__name__)

__all__ = ["Document", "ParsePool", "Prepare", "read_document"]

Prepare = Callable[[Sequence[Item]], list[Any]]
"""Work on parsed items done where they are parsed (see ``ParsePool``)."""


@dataclass(frozen=True, slots=True)
class Document:
    """What reading one fetched document gave; it crosses from parsing worker processes."""

    kind: str
    """``feed``, ``page`` (read with selectors), ``html`` (a page, no selectors) or ``error``."""
    items: tuple[Item, ...] = ()
    problems: tuple[SourceError, ...] = ()
    ttl: float | None = None
    advertised: str | None = None
    """For ``html``: the feed the page advertises, if any."""
    prepared: tuple[Any, ...] = ()
    warnings: tuple[str, ...] = ()
    """Declared charsets the bytes overruled (``sources.decode``), to be logged."""
    notices: tuple[SourceError, ...] = ()
    """What was dropped from items that are still published (a script link)."""

    def errors(self) -> list[SourceError]:
        return list(self.problems)


def read_document(
    data: bytes,
    *,
    declared: str | None,
    url: str,
    source: str,
    tz: ZoneInfo,
    now: datetime,
    selectors: tuple[tuple[str, str], ...] = (),
    prepare: Prepare | None = None,
) -> Document:
    """Decode and parse fetched bytes: a page read with selectors, a feed, or an HTML
    page (with the feed it advertises). Pure CPU work, run in a worker process when
    there is a pool; never raises a SourceError (it comes back as ``error``)."""
    warnings: tuple[str, ...] = ()
    try:
        if not data:
            raise ParseError(source, "empty response: no feed or page")
        decoded = decode_text(data, source=source, declared=declared)
        text, decoding, warnings = decoded.text, list(decoded.problems), decoded.warnings
        if selectors:
            kind = "page"
            result = parse_page(
                text, url=url, selectors=dict(selectors), source=source, tz=tz, now=now
            )
        elif sniff(text) == "html":
            return Document(
                "html",
                problems=tuple(decoding),
                advertised=discover_feed(text, url),
                warnings=warnings,
            )
        else:
            kind = "feed"
            result = parse_feed(text, url=url, source=source, tz=tz, now=now)
    except SourceError as exc:
        return Document("error", problems=(exc,), warnings=warnings)
    errors = [*decoding, *result.errors]
    prepared = tuple(prepare(result.items)) if prepare is not None and result.items else ()
    return Document(
        kind,
        tuple(result.items),
        tuple(errors),
        result.ttl,
        None,
        prepared,
        warnings,
        tuple(result.notices),
    )


class ParsePool:
    """Runs ``read_document`` in ``processes`` worker processes (0: in the caller's
    thread); use ``with``."""

    def __init__(self, processes: int = 0, *, prepare: Prepare | None = None) -> None:
        self.processes = processes
        self.prepare = prepare
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> ParsePool:
        if self.processes > 0:
            self._pool = self._new_pool()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc: BaseException | None = None,
        tb: TracebackType | None = None,
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=end_with_parent,  # a killed daemon leaves no parser behind
        )

    async def read(
        self,
        data: bytes,
        *,
        declared: str | None,
        url: str,
        source: str,
        tz: ZoneInfo,
        now: datetime,
        selectors: tuple[tuple[str, str], ...] = (),
    ) -> Document:
        """``read_document`` in the pool if there is one; its warnings logged here."""
        job = partial(
            read_document,
            data,
            declared=declared,
            url=url,
            source=source,
            tz=tz,
            now=now,
            selectors=selectors,
            prepare=self.prepare,
        )
        document = await self._run(job)
        for warning in document.warnings:
            log.warning("%s", warning)
        return document

    async def _run(self, job: Callable[[], Document]) -> Document:
        if self._pool is None:
            return job()
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, job)
        except BrokenProcessPool:
            # a worker died (killed, out of memory): start a new pool for the next
            # documents, and read this one here
            log.error("a parsing worker process died; starting new ones")
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool()
            return job()
