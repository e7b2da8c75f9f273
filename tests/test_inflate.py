"""Bounded decompression: the cap applies to what a body expands to."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest

from sources.inflate import TooLarge, UnsupportedEncoding, inflater

TEXT = "ليبيا توجه تهنئة رسمية لدولة قطر بمناسبة «اليوم الوطني»\n".encode() * 200


def _raw_deflate(data: bytes) -> bytes:
    z = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return z.compress(data) + z.flush()


@pytest.mark.parametrize(
    ("coding", "body"),
    [
        (None, TEXT),
        ("identity", TEXT),
        ("gzip", gzip.compress(TEXT)),
        ("x-gzip", gzip.compress(TEXT)),
        ("deflate", zlib.compress(TEXT)),
        ("deflate", _raw_deflate(TEXT)),
        ("br", brotli.compress(TEXT)),
        ("GZIP", gzip.compress(TEXT)),
    ],
)
def test_each_coding_decodes_in_chunks(coding: str | None, body: bytes) -> None:
    decoder = inflater(coding)
    out, room = [], 1_000_000
    for start in range(0, len(body), 100):
        part = decoder.feed(body[start : start + 100], room)
        room -= len(part)
        out.append(part)
    out.append(decoder.finish(room))
    assert b"".join(out) == TEXT


@pytest.mark.parametrize(
    ("coding", "compress"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("br", lambda data: brotli.compress(data, quality=1)),
    ],
)
def test_a_bomb_stops_at_the_cap_without_expanding(coding: str, compress: object) -> None:
    bomb = compress(b"\0" * 50_000_000)  # type: ignore[operator]
    assert len(bomb) < 100_000
    decoder = inflater(coding)
    with pytest.raises(TooLarge):
        decoder.feed(bomb, 1_000_000)


def test_stacked_and_unknown_codings_are_refused() -> None:
    with pytest.raises(UnsupportedEncoding, match="stacked content-codings gzip, gzip"):
        inflater("gzip, gzip")
    with pytest.raises(UnsupportedEncoding, match="unsupported content-coding 'compress'"):
        inflater("compress")
