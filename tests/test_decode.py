"""decode_bytes and sniff_declared: BOMs, declarations, legacy Arabic code pages, bad input."""

from __future__ import annotations

import codecs
import importlib.util
import itertools
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sources.decode import decode_bytes, decode_remote, decode_text, sniff_declared
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


# -- what the bytes prove against what the labels claim --------------------------------

EVALUATION: dict[str, list[str]] = {
    kind: texts
    for kind, texts in json.loads((FIXTURES / "evaluation.json").read_text("utf-8")).items()
    if kind != "about"
}
CODECS = ("utf-8", "cp1256", "iso8859-6", "cp1252", "iso8859-1", "iso8859-15")
LABELS = (None, "utf-8", "windows-1256", "iso-8859-6", "windows-1252", "iso-8859-1", "iso-8859-15")
FRENCH = "À Béjaïa, les pêcheurs dénoncent la flambée du gasoil"  # written for these tests


def _encoded(text: str, codec: str) -> bytes | None:
    try:
        return text.encode(codec)
    except UnicodeEncodeError:
        return None


def _xml(data: bytes, label: str | None) -> bytes:
    if label is None:
        return data
    return f'<?xml version="1.0" encoding="{label}"?>\n<t>'.encode() + data + b"</t>"


def test_evaluation_set_has_both_scripts_in_every_legacy_code_page() -> None:
    assert min(len(EVALUATION["arabic"]), len(EVALUATION["latin"])) >= 20
    for kind, pages in (("arabic", ("cp1256", "iso8859-6")), ("latin", ("cp1252", "iso8859-1"))):
        for codec in pages:
            fits = [t for t in EVALUATION[kind] if _encoded(t, codec) is not None]
            assert len(fits) >= 20, (kind, codec)
    assert any(_encoded(t, "iso8859-6") for t in EVALUATION["mixed"])
    assert any(not t.isascii() for t in EVALUATION["latin"])


FITTING = [
    (kind, codec)
    for kind, texts in EVALUATION.items()
    for codec in CODECS
    if any(not (_encoded(t, codec) or b"").isascii() for t in texts)
]


@pytest.mark.parametrize(("kind", "codec"), FITTING)
def test_evaluation_set_decodes_right_under_every_label(kind: str, codec: str) -> None:
    # Every text, in every code page it fits, undeclared, declared right or wrong by the
    # header, by an XML declaration, or by both disagreeing, reads as written.
    wrong: list[tuple[str, str | None, str | None]] = []
    cases = 0
    for text in EVALUATION[kind]:
        data = _encoded(text, codec)
        if data is None or data.isascii():
            continue
        # ISO-8859-15 differs from windows-1252 in 8 symbols (€ œ Š…): only a label tells them
        ambiguous = codec == "iso8859-15" and text != data.decode("cp1252", errors="replace")
        for header, declaration in itertools.product(LABELS, LABELS):
            if ambiguous and (header or declaration) != "iso-8859-15":
                continue
            cases += 1
            decoded = decode_text(_xml(data, declaration), source="s", declared=header)
            if text not in decoded.text:
                wrong.append((text[:40], header, declaration))
    assert cases >= len(LABELS) ** 2
    assert wrong == []


@pytest.mark.parametrize("kind", ["arabic", "latin", "mixed"])
def test_legacy_text_is_never_valid_utf8(kind: str) -> None:
    # Why valid UTF-8 overrules any label: no real legacy text here is valid UTF-8.
    for text in EVALUATION[kind]:
        for codec in CODECS[1:]:
            data = _encoded(text, codec)
            if data is not None and not data.isascii():
                with pytest.raises(UnicodeDecodeError):
                    data.decode("utf-8")


ARABIC_LETTERS = "".join(
    chr(c) for c in range(0x0621, 0x064B) if chr(c) not in "\u063b\u063c\u063d\u063e\u063f\u0640"
)
FRENCH_LETTERS = "abcdefghijklmnopqrstuvwxyzàâäçéèêëîïôöùûüÿœÀÂÇÉÈÊËÎÏÔÙÛÜŒ"


@given(
    words=st.lists(
        st.one_of(
            st.text(st.sampled_from(ARABIC_LETTERS), min_size=2, max_size=9),
            st.text(st.sampled_from(FRENCH_LETTERS), min_size=1, max_size=12),
        ),
        min_size=1,
        max_size=12,
    ),
    gaps=st.lists(st.sampled_from([" ", ", ", ". ", " : ", "\n", " « ", " » "]), min_size=12),
)
def test_words_in_a_legacy_code_page_are_never_valid_utf8(
    words: list[str], gaps: list[str]
) -> None:
    # A letter byte of 0xC0 and up must be followed by 0x80-0xBF to be UTF-8: in these
    # code pages those are symbols, never a letter, a space or ASCII punctuation.
    text = "".join(w + g for w, g in zip(words, gaps, strict=False))
    for codec in CODECS[1:]:
        data = _encoded(text, codec)
        if data is not None and not data.isascii():
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")


@pytest.mark.parametrize("label", ["iso-8859-6", "windows-1252", "latin1", "us-ascii", "cp1256"])
def test_utf8_bytes_overrule_a_legacy_header_with_a_warning(label: str) -> None:
    text = EVALUATION["arabic"][5]
    decoded = decode_text(text.encode(), source="feed", declared=label)
    assert decoded.text == text and decoded.encoding == "utf-8"
    assert len(decoded.warnings) == 1
    assert decoded.warnings[0].startswith("feed: the declared charset says ")
    assert "the text is UTF-8" in decoded.warnings[0]


def test_utf8_bytes_overrule_an_xml_declaration_too() -> None:
    data = _xml(FRENCH.encode(), "iso-8859-1")
    decoded = decode_text(data, source="feed", declared="windows-1256")
    assert FRENCH in decoded.text
    assert [w.split(" says ")[0] for w in decoded.warnings] == [
        "feed: the declared charset",
        "feed: the XML declaration",
    ]


def test_xml_declaration_that_disagrees_with_the_header_the_bytes_decide() -> None:
    arabic = EVALUATION["arabic"][7]
    data = _xml(arabic.encode("iso8859-6"), "iso-8859-6")
    decoded = decode_text(data, source="feed", declared="windows-1256")
    assert arabic in decoded.text and decoded.encoding == "iso8859-6"
    assert decoded.warnings == (
        "feed: the declared charset says windows-1256 but the text reads as ISO-8859-6: "
        "read as ISO-8859-6",
    )
    # …and the other way round
    data = _xml(arabic.encode("cp1256"), "iso-8859-6")
    assert arabic in decode_text(data, source="feed", declared="windows-1256").text


def test_undeclared_latin_text_is_not_read_as_windows_1256() -> None:
    # windows-1256 decodes nearly every byte: the first code page that does not fail
    # read «À Béjaïa» as «ہ Béjaïa».
    for codec in ("cp1252", "iso8859-1"):
        decoded = decode_text(FRENCH.encode(codec), source="s")
        assert decoded.text == FRENCH and decoded.encoding == "cp1252"
        assert decoded.warnings == ()


def test_wrong_legacy_header_is_overruled_with_a_warning() -> None:
    data = "Été à Sousse : la saison démarre".encode("cp1252")
    decoded = decode_text(data, source="s", declared="windows-1256")
    assert decoded.text == "Été à Sousse : la saison démarre"
    assert "says windows-1256 but the text reads as windows-1252" in decoded.warnings[0]


def test_right_header_gives_no_warning() -> None:
    for text, label in ((FRENCH, "windows-1252"), (EVALUATION["arabic"][3], "windows-1256")):
        decoded = decode_text(text.encode(codecs.lookup(label).name), source="s", declared=label)
        assert decoded.text == text and decoded.warnings == ()


def test_iso_8859_15_needs_its_label() -> None:
    text = "Le cœur de la médina : 12 millions d'€"
    data = text.encode("iso8859-15")
    assert decode_text(data, source="s", declared="iso-8859-15").text == text
    assert decode_text(_xml(data, "ISO-8859-15"), source="s").text.endswith(text + "</t>")


def test_latin_file_is_decoded_by_decode_bytes(caplog: pytest.LogCaptureFixture) -> None:
    # decode_bytes (file sources) follows the same rule, and logs what it overrules.
    story = "Oran : ouverture du Salon de l'agriculture\nLe ministre a inauguré à Oran le Salon.\n"
    assert decode_bytes(story.encode("cp1252"), source="news/oran.txt") == story
    with caplog.at_level(logging.WARNING, logger="sources.decode"):
        data = b'<?xml version="1.0" encoding="windows-1256"?><t>' + story.encode() + b"</t>"
        assert story in decode_bytes(data, source="news/oran.xml")
    assert [r.getMessage().split(" says")[0] for r in caplog.records] == [
        "news/oran.xml: the XML declaration"
    ]


def test_decode_remote_logs_overruled_labels(caplog: pytest.LogCaptureFixture) -> None:
    text = EVALUATION["arabic"][0]
    with caplog.at_level(logging.WARNING, logger="sources.decode"):
        decoded, problems = decode_remote(text.encode(), source="feed", declared="iso-8859-6")
    assert decoded == text and problems == []
    assert "the declared charset says ISO-8859-6 but the text is UTF-8" in caplog.text


def test_damaged_utf8_under_a_legacy_header_is_still_utf8() -> None:
    text = EVALUATION["arabic"][10] + " " + EVALUATION["arabic"][11]
    data = text.encode().replace("ا".encode(), b"\xd8", 1)
    decoded = decode_text(data, source="feed", declared="windows-1256")
    assert "\ufffd" in decoded.text and decoded.encoding == "utf-8"
    at = text.encode().index("ا".encode())
    assert [str(p).split(" (")[0] for p in decoded.problems] == [
        f"feed: invalid UTF-8 at byte {at}"
    ]
