from __future__ import annotations

from sources.html import html_to_text, sanitize, shorten, strip_xml_illegal, text_to_html


def test_sanitize_keeps_direction_and_language() -> None:
    out = sanitize(
        '<p dir="rtl" lang="ar" style="color:red" onclick="x()">مرحبا</p><script>alert(1)</script>'
    )
    assert out == '<p dir="rtl" lang="ar">مرحبا</p>'


def test_sanitize_absolutizes_and_drops_tracking() -> None:
    out = sanitize(
        '<a href="/n/1?utm_source=x&id=2">خبر</a><img src="i.jpg">', base_url="https://ex.org/news/"
    )
    assert 'href="https://ex.org/n/1?id=2"' in out and 'src="https://ex.org/news/i.jpg"' in out
    assert "javascript" not in sanitize('<a href="javascript:alert(1)">x</a>')


def test_text_to_html_paragraphs() -> None:
    assert text_to_html("أ & ب\nج\n\nد") == "<p>أ &amp; ب ج</p>\n<p>د</p>"
    assert text_to_html("سطر\nسطر آخر") == "<p>سطر</p>\n<p>سطر آخر</p>"


def test_html_to_text_and_shorten() -> None:
    assert html_to_text("<p>أ &amp; ب</p><p>ج</p>") == "أ & ب\n\nج"
    assert shorten("واحد اثنان ثلاثة", 100) == "واحد اثنان ثلاثة"
    assert shorten("واحد اثنان ثلاثة أربعة", 100, words=2) == "واحد اثنان…"
    assert shorten("واحد، اثنان ثلاثة", 8) == "واحد…"


def test_strip_xml_illegal() -> None:
    assert strip_xml_illegal("ليبيا\x00\x0b\x1f\ufffe\tقطر\n") == "ليبيا\tقطر\n"
