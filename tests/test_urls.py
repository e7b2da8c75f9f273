from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from sources.urls import (
    WEB_SCHEMES,
    canonical_url,
    clean_media_type,
    guess_media_type,
    iri_to_uri,
    strip_tracking,
    web_link,
)


def test_strip_tracking_keeps_real_parameters() -> None:
    url = "https://a.example/x?id=3&utm_source=tw&UTM_campaign=y&fbclid=1&gclid=2&p=ليبيا"
    assert strip_tracking(url) == "https://a.example/x?id=3&p=%D9%84%D9%8A%D8%A8%D9%8A%D8%A7"


def test_canonical_url() -> None:
    assert canonical_url("HTTP://Example.ORG:80/a/b?utm_source=x#frag") == "http://example.org/a/b"
    assert canonical_url("https://example.org") == "https://example.org/"
    assert canonical_url("https://example.org:8443/x") == "https://example.org:8443/x"


def test_iri_to_uri_encodes_arabic_once() -> None:
    iri = "https://أخبار.example/قسم/خبر?q=ليبيا"
    uri = iri_to_uri(iri)
    assert uri.isascii() and uri.startswith("https://xn--")
    assert iri_to_uri(uri) == uri


def test_malformed_urls_never_raise() -> None:
    assert canonical_url("https://x.example:8o/a?utm_source=y#f") == "https://x.example:8o/a"
    assert iri_to_uri("http://[bad/خبر").isascii()
    assert canonical_url("http://[bad").startswith("http")


# -- canonical form (NFC) of published links ------------------------------------------

# Goud.ma paths as a CMS may write them: each hamza decomposed into its base letter and a
# combining hamza (U+0654 above, U+0655 below), which NFC composes into one letter.
DECOMPOSED = "https://www.goud.ma/\u0627\u0655\u0646\u0642\u0627\u0630-\u0645\u0647\u0627\u062c\u0631\u064a\u0646-\u0633\u0648\u0654\u0627\u0644-\u0645\u0633\u0627\u064a\u0654\u0644"
COMPOSED = "https://www.goud.ma/إنقاذ-مهاجرين-سؤال-مسائل"


def test_published_links_are_in_nfc_whether_raw_or_percent_encoded() -> None:
    expected = iri_to_uri(COMPOSED)
    assert iri_to_uri(DECOMPOSED, nfc=True) == expected
    assert iri_to_uri(iri_to_uri(DECOMPOSED), nfc=True) == expected  # already percent-encoded
    assert "%D8%A5" in expected and "%D8%A4" in expected and "%D8%A6" in expected


def test_identity_form_is_unchanged_so_stored_ids_stay_the_same() -> None:
    """Ids and dedup keys come from the default form: a story seen again keeps its id."""
    assert iri_to_uri(DECOMPOSED) != iri_to_uri(COMPOSED)
    assert "%D8%A7%D9%95" in iri_to_uri(DECOMPOSED)  # alef + hamza below, as it came
    assert canonical_url(DECOMPOSED) == iri_to_uri(DECOMPOSED)


def test_nfc_leaves_ascii_escapes_and_non_utf8_bytes_alone() -> None:
    url = "https://e.example/a%2Fb?q=%41%zz&r=%C7%E1"  # %C7%E1: windows-1256, not UTF-8
    assert iri_to_uri(url, nfc=True) == iri_to_uri(url)


def test_media_types_from_extensions_and_declarations() -> None:
    assert guess_media_type("https://e.example/صوت/نشرة.MP3?x=1") == "audio/mpeg"
    assert guess_media_type("https://e.example/v/1.webm") == "video/webm"
    assert guess_media_type("https://e.example/img?id=4") is None
    assert clean_media_type(" Audio/MPEG; charset=x") == "audio/mpeg"
    for bad in ("image", "image/*", "mp3", "<b>/x", ""):
        assert clean_media_type(bad) == ""


def _web_link_judging_both(value: str | None, base: str | None) -> str | None:
    """``web_link`` as it was written first: the squeezed and the stripped text
    always both judged, and the link joined again at the end."""
    if not value:
        return None
    stripped = value.strip()
    squeezed = "".join(stripped.split())
    try:
        for candidate in (squeezed, stripped):
            parts = urlsplit(urljoin(base, candidate) if base else candidate)
            if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
                return None
        return urljoin(base, stripped) if base else stripped
    except ValueError:
        return None


_LINK_PARTS = st.sampled_from(
    [
        "https://",
        "http://",
        "HTTP://",
        "javascript:",
        "java script:",
        "data:",
        "//",
        "/",
        "../",
        "?",
        "#",
        " ",
        "\t",
        "\n",
        "[",
        "]",
        "@",
        ":",
        "أخبار",
        "a.example",
        "%41",
        "x",
        ".",
    ]
)


@given(
    st.lists(_LINK_PARTS, max_size=8).map("".join) | st.text(max_size=40),
    st.none() | st.sampled_from(["https://site.example/feed/", "http://127.0.0.1:8/a.xml", ""]),
)
def test_web_link_judges_a_link_whose_squeezed_text_is_its_own_once(
    value: str, base: str | None
) -> None:
    """Joined and split once when stripping whitespace inside it changes nothing;
    the same answers as judging the squeezed and the stripped text each time."""
    assert web_link(value, base) == _web_link_judging_both(value, base)
