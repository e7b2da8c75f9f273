"""Bytes from a source file or URL, decoded into text.

``decode_bytes`` decides the encoding in this order: a byte order mark (UTF-8,
UTF-16 LE/BE, UTF-32 LE/BE); the charset the caller declares (an HTTP header);
an XML declaration or HTML ``<meta>`` charset in the first 2 KB; strict UTF-8;
and last charset-normalizer's guess restricted to UTF-8, windows-1256 and
ISO-8859-6 (unrestricted detection often reads short Arabic titles in
ISO-8859-6 as Thai). A declared charset is trusted only if the bytes decode
with it strictly. A Latin charset (ISO-8859-1, windows-1252, ASCII) declared on
bytes that are valid non-ASCII UTF-8 is overruled: such bytes are UTF-8 in
practice, a server's default label. Line ends become ``\\n`` and a BOM is removed.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from sources.errors import ParseError

__all__ = ["decode_bytes", "sniff_declared"]

_BOMS = (  # UTF-32 first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WIDE = frozenset({"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"})
_LATIN = frozenset({"ascii", "latin-1", "iso8859-1", "cp1252"})
_DETECT = ["utf_8", "cp1256", "iso8859_6"]

_SNIFF_BYTES = 2048
_XML_DECL = re.compile(rb"""\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']\s*([A-Za-z0-9._:-]+)""")
_META = re.compile(rb"""<meta\s[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)

# Control bytes that do not occur in text (tab, LF, VT, FF, CR and ESC do).
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\x0b\x0c\r\x1b") + b"\x7f"
_BINARY_SAMPLE = 8192
_BINARY_SHARE = 0.1


def decode_bytes(data: bytes, *, source: str, declared: str | None = None) -> str:
    """Decode a source's bytes into text with ``\\n`` line ends.

    Raises ``ParseError`` for empty input, binary data and bytes no candidate
    encoding can decode.
    """
    if not data:
        raise ParseError(source, "empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _finish(data[len(bom) :].decode(encoding))
            except UnicodeDecodeError as exc:
                raise ParseError(source, f"cannot decode: {encoding} BOM but {exc}") from exc

    declared_codec = _codec(declared)
    if declared_codec in _WIDE:  # UTF-16/32 without a BOM: only if the caller says so
        wide = _strict(data, declared_codec)
        if wide is not None:
            return _finish(wide)
        declared_codec = None
    _reject_binary(data, source)
    text = _decode_declared(data, declared_codec)
    if text is None:
        sniffed = _codec(sniff_declared(data))
        if sniffed in _WIDE:  # UTF-16/32 declared in readable ASCII is wrong: read UTF-8
            sniffed = "utf-8"
        text = _decode_declared(data, sniffed)
    if text is None:
        text = _strict(data, "utf-8")
    if text is None:
        best = from_bytes(data, cp_isolation=_DETECT).best()
        if best is not None:
            text = _strict(data, best.encoding)
    if text is None:
        raise ParseError(
            source, "cannot decode: not UTF-8, and no windows-1256 or ISO-8859-6 reading fits"
        )
    return _finish(text)


def sniff_declared(data: bytes) -> str | None:
    """The charset an XML declaration or an HTML ``<meta>`` names in the first 2 KB, lower-cased."""
    head = data[:_SNIFF_BYTES]
    match = _XML_DECL.match(head) or _META.search(head)
    if match is None:
        return None
    return match.group(1).decode("ascii").lower()


def _codec(label: str | None) -> str | None:
    """Python's codec name for a charset label (``windows-1256`` → ``cp1256``), or None."""
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None


def _decode_declared(data: bytes, codec: str | None) -> str | None:
    if codec is None:
        return None
    if codec in _LATIN and not data.isascii():
        utf8 = _strict(data, "utf-8")
        if utf8 is not None:
            return utf8
    return _strict(data, codec)


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _reject_binary(data: bytes, source: str) -> None:
    if b"\x00" in data:
        raise ParseError(source, "binary file, not text")
    sample = data[:_BINARY_SAMPLE]
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    if controls > _BINARY_SHARE * len(sample):
        raise ParseError(source, "binary file, not text")


def _finish(text: str) -> str:
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
