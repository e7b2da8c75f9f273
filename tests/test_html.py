from __future__ import annotations

from sources.html import (
    html_to_text,
    markup_depth,
    sanitize,
    text_to_html,
)


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


def test_html_to_text() -> None:
    assert html_to_text("<p>أ &amp; ب</p><p>ج</p>") == "أ & ب\n\nج"


def test_markup_depth_counts_open_elements() -> None:
    assert markup_depth("نص بلا وسوم") == 0
    assert markup_depth("<p>أ<br>ب<img src=x><br/></p><p>ج</p>") == 1
    assert markup_depth("<blockquote><ul><li><b>خبر</b></li></ul></blockquote>") == 4
    assert markup_depth("<section>" * 3000) == 3000  # never closed: still counted
    assert markup_depth("<div></div>" * 3000) == 1


def test_sanitize_removes_forbidden_characters_even_from_references() -> None:
    out = sanitize("<p>طرابلس\x00\x0b\x85\ufffe &#27;&#x7f;بنغازي\udc00</p>")
    assert out == "<p>طرابلس بنغازي\ufffd</p>"


def test_each_fragment_is_resolved_against_its_own_base_in_any_thread() -> None:
    """One sanitiser serves every fragment: the base URL of one call never leaks
    into the next, nor into a call made at the same time on another thread."""
    from concurrent.futures import ThreadPoolExecutor

    fragment = '<p dir="rtl"><a href="../akhbar/12?fbclid=abc">عاجل</a> <img src="s.jpg"></p>'
    bases = [f"https://site{n}.example/ar/sport/" for n in range(40)]

    def resolve(base: str | None) -> str:
        return sanitize(fragment, base_url=base)

    with ThreadPoolExecutor(4) as pool:
        outs = list(pool.map(resolve, [*bases, None] * 3))
    for base, out in zip([*bases, None] * 3, outs, strict=True):
        if base is None:
            assert 'href="../akhbar/12"' in out and 'src="s.jpg"' in out
        else:
            host = base.split("/")[2]
            assert f'href="https://{host}/ar/akhbar/12"' in out
            assert f'src="https://{host}/ar/sport/s.jpg"' in out
    assert resolve(None) == resolve(None)  # no base left behind by the threads
