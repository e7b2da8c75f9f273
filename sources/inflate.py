"""Decompressing HTTP bodies with the size cap applied to the *output*.

httpx decompresses each received chunk whole before the caller can count it, so
a few kilobytes of gzip or brotli can expand to gigabytes in memory (a
compression bomb). Here every call is told how much output it may still give
(zlib's ``max_length``, brotli's ``output_buffer_limit``), and a body that would
pass the cap stops as soon as it does. One content-coding at most: stacked
codings (``gzip, gzip``) are refused.
"""

from __future__ import annotations

import zlib
from typing import Protocol

import brotli


class TooLarge(Exception):
    """The decompressed body would pass the size cap."""


class UnsupportedEncoding(ValueError):
    """A Content-Encoding nashra does not accept."""


class Inflater(Protocol):
    def feed(self, data: bytes, room: int) -> bytes:
        """Output for ``data``; raises TooLarge when it would exceed ``room`` bytes."""

    def finish(self, room: int) -> bytes:
        """The rest of the output at the end of the body."""


class _Identity:
    def feed(self, data: bytes, room: int) -> bytes:
        if len(data) > room:
            raise TooLarge()
        return data

    def finish(self, room: int) -> bytes:
        return b""


class _Zlib:
    def __init__(self, wbits: int, raw_fallback: bool = False) -> None:
        self._z = zlib.decompressobj(wbits)
        self._raw_fallback = raw_fallback  # "deflate" is sent both zlib-wrapped and raw
        self._started = False

    def feed(self, data: bytes, room: int) -> bytes:
        try:
            out = self._z.decompress(data, room + 1)
        except zlib.error:
            if not self._raw_fallback or self._started:
                raise
            self._z = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._z.decompress(data, room + 1)
        self._started = True
        if len(out) > room or self._z.unconsumed_tail:
            raise TooLarge()
        return out

    def finish(self, room: int) -> bytes:
        out = self._z.flush()
        if len(out) > room:
            raise TooLarge()
        return out


class _Brotli:
    def __init__(self) -> None:
        self._b = brotli.Decompressor()

    def feed(self, data: bytes, room: int) -> bytes:
        out: bytes = self._b.process(data, output_buffer_limit=room + 1)
        if len(out) > room or not self._b.can_accept_more_data():
            raise TooLarge()
        return out

    def finish(self, room: int) -> bytes:
        return b""


def inflater(content_encoding: str | None) -> Inflater:
    """The decoder for a Content-Encoding header value."""
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if not codings:
        return _Identity()
    if len(codings) > 1:
        raise UnsupportedEncoding(f"stacked content-codings {', '.join(codings)} are refused")
    coding = codings[0]
    if coding in ("gzip", "x-gzip"):
        return _Zlib(16 + zlib.MAX_WBITS)
    if coding == "deflate":
        return _Zlib(zlib.MAX_WBITS, raw_fallback=True)
    if coding == "br":
        return _Brotli()
    raise UnsupportedEncoding(f"unsupported content-coding {coding!r}")
