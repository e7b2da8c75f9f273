"""decode_bytes and sniff_declared: BOMs, declarations, legacy Arabic code pages, bad input."""

from __future__ import annotations

import codecs
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from sources.decode import decode_bytes, sniff_declared
from sources.errors import ParseError

FIXTURES = Path(__file__).parent / "data" / "encodings"
MANIFEST: list[dict[str, Any]] = json.loads((FIXTURES / "manifest.json").read_text("utf-8"))

TITLE = "تسجيل أول إصابة بفيروس كورونا فطاطا"  # MArSum / Goud.ma, CC BY 4.0
STORY = next(e["text"] for e in MANIFEST if e["file"] == "bulletin-story.utf-8.txt")


def _load_make() -> Any:
    spec = importlib.util.spec_from_file_location("encodings_make", FIXTURES / "make.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_fixture_decodes_to_exact_text(entry: dict[str, Any]) -> None:
    data = (FIXTURES / entry["file"]).read_bytes()
    assert decode_bytes(data, source=entry["file"]) == entry["text"]


def test_fixtures_cover_every_encoding_for_stories_and_titles() -> None:
    encodings = {"utf-8", "utf-8-bom", "utf-16-le", "utf-16-be", "cp1256", "iso-8859-6"}
    stories = {e["encoding"] for e in MANIFEST if "story" in e["file"]}
    titles = {e["encoding"] for e in MANIFEST if "title" in e["file"]}
    assert stories == titles == encodings
    assert any(e["crlf"] for e in MANIFEST)
    for entry in MANIFEST:
        if "title" in entry["file"]:
            assert 5 <= len(entry["text"].split()) <= 8, entry["file"]


def test_legacy_fixtures_are_not_utf8_and_have_no_declaration() -> None:
    for entry in MANIFEST:
        data = (FIXTURES / entry["file"]).read_bytes()
        assert sniff_declared(data) is None
        if entry["encoding"] in ("cp1256", "iso-8859-6"):
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")


def test_make_py_reproduces_the_fixtures(tmp_path: Path) -> None:
    _load_make().build(tmp_path)
    for entry in MANIFEST:
        assert (tmp_path / entry["file"]).read_bytes() == (FIXTURES / entry["file"]).read_bytes()
    assert (tmp_path / "manifest.json").read_bytes() == (FIXTURES / "manifest.json").read_bytes()


@pytest.mark.parametrize(
    ("declared", "encoding"),
    [
        ("windows-1256", "cp1256"),
        ("cp1256", "cp1256"),
        ("Windows-1256", "cp1256"),
        ("iso-8859-6", "iso8859_6"),
        ("ISO_8859-6", "iso8859_6"),
        ("arabic", "iso8859_6"),
        ("asmo-708", "iso8859_6"),
        ("utf-8", "utf-8"),
        ('"utf-8"', "utf-8"),
    ],
)
def test_declared_charset_labels(declared: str, encoding: str) -> None:
    assert decode_bytes(STORY.encode(encoding), source="s", declared=declared) == STORY


def test_declared_charset_wins_over_detection() -> None:
    # The same bytes mean different text in windows-1256 and ISO-8859-6; the header decides.
    data = "مرحبا".encode("iso8859_6")
    assert decode_bytes(data, source="s", declared="iso-8859-6") == "مرحبا"
    assert decode_bytes(data, source="s", declared="windows-1256") == data.decode("cp1256")


def test_wrong_declared_charset_falls_through() -> None:
    data = TITLE.encode("cp1256")
    assert decode_bytes(data, source="s", declared="utf-8") == TITLE  # invalid UTF-8: detect
    assert decode_bytes(data, source="s", declared="x-unknown-charset") == TITLE
    assert decode_bytes(data, source="s", declared="us-ascii") == TITLE


def test_latin_label_on_utf8_bytes_reads_utf8() -> None:
    data = TITLE.encode("utf-8")
    for label in ("iso-8859-1", "windows-1252", "latin1"):
        assert decode_bytes(data, source="s", declared=label) == TITLE
    assert decode_bytes(b"caf\xe9", source="s", declared="iso-8859-1") == "café"


def test_bom_wins_over_declared_charset() -> None:
    data = codecs.BOM_UTF8 + TITLE.encode("utf-8")
    assert decode_bytes(data, source="s", declared="windows-1256") == TITLE


def test_utf16_without_bom_only_when_declared() -> None:
    data = TITLE.encode("utf-16-le")
    assert decode_bytes(data, source="s", declared="utf-16-le") == TITLE
    with pytest.raises(ParseError, match="binary file, not text"):
        decode_bytes(data, source="s")


def test_utf32_bom() -> None:
    for encoding, bom in (("utf-32-le", codecs.BOM_UTF32_LE), ("utf-32-be", codecs.BOM_UTF32_BE)):
        assert decode_bytes(bom + TITLE.encode(encoding), source="s") == TITLE


def test_xml_declaration() -> None:
    head = b'<?xml version="1.0" encoding="windows-1256"?>\n<rss><title>'
    data = head + TITLE.encode("cp1256") + b"</title></rss>"
    assert sniff_declared(data) == "windows-1256"
    assert decode_bytes(data, source="feed.xml") == data.decode("cp1256")
    assert TITLE in decode_bytes(data, source="feed.xml")


def test_xml_declaration_single_quotes_iso() -> None:
    data = b"<?xml version='1.0' encoding='ISO-8859-6'?><t>" + TITLE.encode("iso8859_6") + b"</t>"
    assert sniff_declared(data) == "iso-8859-6"
    assert TITLE in decode_bytes(data, source="s")


@pytest.mark.parametrize(
    "head",
    [
        b'<!doctype html><html><head><meta charset="windows-1256">',
        b"<html><head><META CHARSET=windows-1256>",
        b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1256">',
    ],
)
def test_html_meta_charset(head: bytes) -> None:
    data = head + b"<title>" + TITLE.encode("cp1256") + b"</title></head></html>"
    assert sniff_declared(data) == "windows-1256"
    assert TITLE in decode_bytes(data, source="page.html")


def test_sniff_reads_only_the_first_2_kb() -> None:
    data = b"<html>" + b" " * 2100 + b'<meta charset="windows-1256">'
    assert sniff_declared(data) is None
    assert sniff_declared(b"<p>no declaration</p>") is None


def test_declared_utf16_in_ascii_readable_prolog_means_utf8() -> None:
    data = b'<?xml version="1.0" encoding="UTF-16"?><t>' + TITLE.encode("utf-8") + b"</t>"
    assert TITLE in decode_bytes(data, source="s")


def test_line_ends_and_bom_removed() -> None:
    data = codecs.BOM_UTF8 + "سطر أول\r\nسطر ثان\rسطر ثالث\n".encode()
    assert decode_bytes(data, source="s") == "سطر أول\nسطر ثان\nسطر ثالث\n"


def test_empty_input() -> None:
    with pytest.raises(ParseError, match="empty file") as info:
        decode_bytes(b"", source="news/empty.txt")
    assert str(info.value) == "news/empty.txt: empty file"
    assert info.value.source == "news/empty.txt"


def test_png_is_binary() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + b"\x00" * 64
    with pytest.raises(ParseError, match="binary file, not text"):
        decode_bytes(png, source="image.txt")


def test_control_bytes_are_binary() -> None:
    with pytest.raises(ParseError, match="binary file, not text"):
        decode_bytes(bytes(range(1, 32)) * 4 + b"text", source="s")


def test_a_few_control_bytes_are_still_text() -> None:
    assert decode_bytes(b"\x1b[1m" + STORY.encode(), source="s") == "\x1b[1m" + STORY


def test_undecodable() -> None:
    with pytest.raises(ParseError, match="cannot decode") as info:
        decode_bytes(bytes(range(0x80, 0x100)) * 4, source="s")
    assert str(info.value).startswith("s: cannot decode: ")


def test_broken_utf8_after_bom_is_undecodable() -> None:
    with pytest.raises(ParseError, match="cannot decode"):
        decode_bytes(codecs.BOM_UTF8 + b"\xd8\xa7\xff\xfe\xd8", source="s")
