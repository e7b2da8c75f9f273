"""Bytes from a source file or URL, decoded into text: what the bytes prove first,
what a label claims second.

``decode_text`` decides in this order:

1. A byte order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE) decides.
2. UTF-16/32 without a BOM is read only when the caller declares it.
3. Valid UTF-8 with non-ASCII bytes is UTF-8, whatever the HTTP charset, the
   XML declaration or the HTML ``<meta>`` say. Legacy text is practically never
   valid UTF-8 by chance: every byte from 0xC2 up (an Arabic letter in
   windows-1256 and ISO-8859-6, an accented letter in windows-1252) would have
   to be followed by bytes 0x80–0xBF, which in those code pages are symbols,
   punctuation or rare letters. ``tests/test_decode.py`` checks it on real
   news text in every code page.
4. Bytes that are UTF-8 but for a few bad sequences (at most 2 % of the
   non-ASCII characters) are damaged UTF-8: read with U+FFFD and reported as
   a problem (legacy text fails on nearly every letter).
5. Otherwise the bytes are in a legacy single-byte code page. Each candidate
   that decodes them strictly (the declared charsets, then windows-1256,
   ISO-8859-6, windows-1252 and ISO-8859-15) is scored with charset-normalizer's
   mess ratio on the lines that have non-ASCII characters: a French headline
   read as windows-1256 («ةlections à Tunis») or Arabic read as windows-1252
   («ÇáãÛÑÈ») is messy where the right reading is not. A declared charset is
   kept unless another reading is less messy; when the HTTP charset and the
   document's own declaration disagree, the least messy reading decides. Never
   the first code page that does not fail: windows-1256 decodes nearly any
   byte. A text no candidate reads cleanly is refused.

Where a label and the bytes disagree the reading is the bytes', and the
disagreement comes back in ``Decoded.warnings`` (``decode_bytes`` and
``decode_remote`` log them). Labels follow the web's usage: ISO-8859-1 and
ASCII mean windows-1252. Line ends become ``\\n`` and a BOM is removed.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass

from charset_normalizer.md import mess_ratio

from sources.errors import ParseError, SourceError

log = logging.getLogger(__name__)

__all__ = ["Decoded", "decode_bytes", "decode_remote", "decode_text", "sniff_declared"]

_BOMS = (  # UTF-32 first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WIDE = frozenset({"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"})
_WEB_ALIASES = {"ascii": "cp1252", "iso8859-1": "cp1252"}
"""Labels that mean windows-1252 on the web (the WHATWG Encoding Standard)."""
LEGACY_PAGES = ("cp1256", "iso8859-6", "cp1252", "iso8859-15")
"""The legacy code pages an undeclared text may be in: Arabic, then Latin."""
_NAMES = {
    "utf-8": "UTF-8",
    "cp1256": "windows-1256",
    "iso8859-6": "ISO-8859-6",
    "cp1252": "windows-1252",
    "iso8859-15": "ISO-8859-15",
}

_DAMAGED_UTF8_SHARE = 0.02
"""Bytes that are UTF-8 but for this share of bad sequences are damaged UTF-8."""
_MAX_MESS = 0.5
"""Above this mess ratio no reading is text. Right readings of real news text
score under 0.02, wrong code pages 0.04 to 2, random bytes over 1.4."""
_SAME_MESS = 1e-9
_SAMPLE_CHARS = 32768
"""Characters of the lines with non-ASCII text that are scored."""

_SNIFF_BYTES = 2048
_XML_DECL = re.compile(rb"""\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']\s*([A-Za-z0-9._:-]+)""")
_META = re.compile(rb"""<meta\s[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)

# Control bytes that do not occur in text (tab, LF, VT, FF, CR and ESC do).
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\x0b\x0c\r\x1b") + b"\x7f"
_BINARY_SAMPLE = 8192
_BINARY_SHARE = 0.1


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text, the codec that read it, and what was wrong on the way."""

    text: str
    """With ``\\n`` line ends and no BOM."""
    encoding: str
    """Python's codec name (``utf-8``, ``cp1256``…)."""
    warnings: tuple[str, ...] = ()
    """A declared charset the bytes overruled: one line each, naming the source."""
    problems: tuple[SourceError, ...] = ()
    """Damage in the text itself (bad UTF-8 sequences replaced)."""


@dataclass(frozen=True, slots=True)
class _Label:
    codec: str
    where: str


def decode_text(data: bytes, *, source: str, declared: str | None = None) -> Decoded:
    """Decode a source's bytes (``declared``: the charset the server names, if any).

    Raises ``ParseError`` for empty input, binary data and bytes that no
    candidate encoding reads as text.
    """
    if not data:
        raise ParseError(source, "empty file")
    header = _codec(declared)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise ParseError(source, f"cannot decode: {encoding} BOM but {exc}") from exc
            labels = [_Label(header, "the declared charset")] if header else []
            return Decoded(_finish(text), encoding, _overruled(source, labels, encoding, "BOM"))

    if header in _WIDE:  # UTF-16/32 without a BOM: only if the caller says so
        wide = _strict(data, header)
        if wide is not None:
            return Decoded(_finish(wide), header)
        header = None
    _reject_binary(data, source)
    labels = _labels(data, header)
    if data.isascii():
        return Decoded(_finish(data.decode("ascii")), "ascii")
    utf8 = _utf8(data, source)
    if utf8 is not None:
        text, problems = utf8
        warnings = _overruled(source, labels, "utf-8", "bytes that are UTF-8")
        return Decoded(_finish(text), "utf-8", warnings, problems)
    return _legacy(data, source, labels)


def decode_bytes(data: bytes, *, source: str, declared: str | None = None) -> str:
    """Decode a source file's bytes into text with ``\\n`` line ends (see
    ``decode_text``); a label the bytes overrule and damaged UTF-8 are logged."""
    decoded = decode_text(data, source=source, declared=declared)
    for warning in (*decoded.warnings, *map(str, decoded.problems)):
        log.warning("%s", warning)
    return decoded.text


def decode_remote(
    data: bytes, *, source: str, declared: str | None
) -> tuple[str, list[SourceError]]:
    """Decode fetched bytes (``declared``: the HTTP charset): the text and the
    problems with it (damaged UTF-8, read with U+FFFD); overruled labels are logged."""
    if not data:
        raise ParseError(source, "empty response: no feed or page")
    decoded = decode_text(data, source=source, declared=declared)
    for warning in decoded.warnings:
        log.warning("%s", warning)
    return decoded.text, list(decoded.problems)


def sniff_declared(data: bytes) -> str | None:
    """The charset an XML declaration or an HTML ``<meta>`` names in the first 2 KB, lower-cased."""
    found = _sniff(data)
    return found[0] if found else None


def _sniff(data: bytes) -> tuple[str, str] | None:
    head = data[:_SNIFF_BYTES]
    xml = _XML_DECL.match(head)
    if xml is not None:
        return xml.group(1).decode("ascii").lower(), "the XML declaration"
    meta = _META.search(head)
    if meta is not None:
        return meta.group(1).decode("ascii").lower(), "the HTML <meta> charset"
    return None


def _codec(label: str | None) -> str | None:
    """Python's codec name for a charset label (``windows-1256`` → ``cp1256``), or None."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None
    return _WEB_ALIASES.get(name, name)


def _labels(data: bytes, header: str | None) -> list[_Label]:
    """The charsets the bytes are labelled with: the declared one, then the document's own."""
    labels = [_Label(header, "the declared charset")] if header else []
    sniffed = _sniff(data)
    if sniffed is not None:
        codec = _codec(sniffed[0])
        if codec in _WIDE:  # UTF-16/32 declared in readable ASCII is wrong: read UTF-8
            codec = "utf-8"
        if codec is not None and codec not in {label.codec for label in labels}:
            labels.append(_Label(codec, sniffed[1]))
    return labels


def _name(codec: str) -> str:
    return _NAMES.get(codec, codec)


def _overruled(source: str, labels: list[_Label], codec: str, proof: str) -> tuple[str, ...]:
    return tuple(
        f"{source}: {label.where} says {_name(label.codec)} but the text is {_name(codec)} "
        f"({proof}): read as {_name(codec)}"
        for label in labels
        if _family(label.codec) != _family(codec)
    )


def _family(codec: str) -> str:
    """``utf-16-le`` and ``utf-16`` are one label: the BOM tells the byte order."""
    return codec.removesuffix("-le").removesuffix("-be")


def _utf8(data: bytes, source: str) -> tuple[str, tuple[SourceError, ...]] | None:
    """The text if the bytes are UTF-8, or UTF-8 but for a few damaged sequences."""
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        wide = sum(1 for ch in text if ord(ch) > 0x7F)
        if not wide or bad / wide > _DAMAGED_UTF8_SHARE:
            return None
        problem = ParseError(
            source, f"invalid UTF-8 at byte {exc.start} ({bad} bad sequences replaced with U+FFFD)"
        )
        return text, (problem,)


def _legacy(data: bytes, source: str, labels: list[_Label]) -> Decoded:
    """Read legacy bytes in the code page whose reading is least messy (see the module)."""
    candidates = list(dict.fromkeys([label.codec for label in labels] + list(LEGACY_PAGES)))
    readings: dict[str, tuple[str, float]] = {}
    for codec in candidates:
        text = _strict(data, codec)
        if text is not None:
            readings[codec] = (text, mess_ratio(_sample(text), maximum_threshold=1.0))
    if not readings:
        raise ParseError(source, _UNDECODABLE)
    least = min(mess for _, mess in readings.values())
    if least > _MAX_MESS:
        raise ParseError(source, _UNDECODABLE)
    # Among the least messy readings, the one that switches script least often
    # between letters («ہ Béjaïa» for «À Béjaïa» is not messy, but switches);
    # then the declared charsets, which come first: the header before the
    # document's own declaration.
    tied = [codec for codec, (_, mess) in readings.items() if mess <= least + _SAME_MESS]
    chosen = min(tied, key=lambda codec: _switches(_sample(readings[codec][0])))
    warnings = [
        f"{source}: {label.where} says {_name(label.codec)} but the text reads as "
        f"{_name(chosen)}: read as {_name(chosen)}"
        for label in labels
        if label.codec != chosen
    ]
    return Decoded(_finish(readings[chosen][0]), chosen, tuple(warnings))


_UNDECODABLE = (
    "cannot decode: not UTF-8, and no Arabic or Latin code page (windows-1256, ISO-8859-6, "
    "windows-1252, ISO-8859-15) reads it as text"
)


def _sample(text: str) -> str:
    """The lines with non-ASCII characters (where code pages differ), up to a limit."""
    lines: list[str] = []
    size = 0
    for line in text.splitlines():
        if not line.isascii():
            lines.append(line)
            size += len(line) + 1
            if size >= _SAMPLE_CHARS:
                break
    return "\n".join(lines)[:_SAMPLE_CHARS]


def _switches(text: str) -> int:
    """How often consecutive letters change between Arabic and other scripts."""
    count = 0
    previous: bool | None = None
    for ch in text:
        if ch.isalpha():
            arabic = "\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufeff"
            count += previous is not None and arabic != previous
            previous = arabic
    return count


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
