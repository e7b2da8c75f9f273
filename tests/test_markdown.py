"""Markdown files: hostile front matter (lone surrogates, script links, deep
nesting, aliases that refer to themselves) and bodies with control characters.
Fixtures: tests/data/hardening/ (see its README)."""

from __future__ import annotations

import re

import pytest

from sources.errors import ParseError
from sources.markdown import parse_markdown
from sources.records import MAX_DEPTH, RecordContext
from tests.conftest import DATA, NOW, TRIPOLI

CTX = RecordContext(source="docs", origin="hostile.md", tz=TRIPOLI, relative_base=NOW, now=NOW)
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def test_front_matter_surrogates_and_script_links() -> None:
    parsed = parse_markdown((DATA / "hardening" / "hostile.md").read_text("utf-8"), CTX)
    item = parsed.items[0]
    assert item.title == "الاتحاد الأوروبي يجدد \ufffd التزامه بدعم إدارة الهجرة"
    assert (item.id, item.author, item.tags) == (
        "eu-\ufffd-migration",
        "\ufffd\ufffd",
        ("ليبيا", "\ufffd"),
    )
    assert item.url is None and item.image is None
    assert not parsed.errors  # said, but the file is healthy: the story is published
    assert [str(e) for e in parsed.notices] == [
        "hostile.md:1: url 'JavaScript:alert(document.domain)' dropped from «الاتحاد الأوروبي "
        "يجدد \ufffd التزامه بدعم إدارة الهجرة»: only http and https links are published",
        "hostile.md:1: image 'data:image/svg+xml,<svg onload=alert(1)>' dropped from «الاتحاد "
        "الأوروبي يجدد \ufffd التزامه بدعم إدارة الهجرة»: only http and https links are published",
    ]


def test_body_controls_never_reach_the_item() -> None:
    text = "# خبر\x01 عاجل\x7f\n\nنص\x08 الخبر\ufffe &#1;&#xFFFF; <b>مهم\x1b</b>\n"
    item = parse_markdown(text, CTX).items[0]
    assert item.title == "خبر عاجل"
    for field in (item.title, item.body, item.summary):
        assert not FORBIDDEN.search(field)
    assert "نص الخبر" in item.body and "<b>مهم</b>" in item.body


@pytest.mark.parametrize(
    ("front", "line"),
    [
        ("---\ntitle: خبر\ntags: " + "[" * 50_000 + "]" * 50_000 + "\n---\n", 2),
        ("---\ntitle: خبر\nx: " + "{a: " * 3_000 + "1" + "}" * 3_000 + "\n---\n", 2),
        ("---\ntitle: خبر\nx: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n---\n", 1),
        ("---\ntitle: خبر\nauthor: &a [*a]\n---\n", 1),  # refers to itself
        ('+++\ntitle = "خبر"\nx = ' + "[" * 50_000 + "]" * 50_000 + "\n+++\n", 2),
    ],
    ids=["yaml-arrays", "yaml-mappings", "yaml-just-too-deep", "yaml-self-alias", "toml"],
)
def test_deep_front_matter_is_a_clear_error(front: str, line: int) -> None:
    with pytest.raises(ParseError) as caught:
        parse_markdown(front + "نص.\n", CTX)
    assert caught.value.line == line
    assert "nested too deeply" in str(caught.value)


def test_alias_bombs_are_not_walked_once_per_repetition() -> None:
    levels = ["a0: &a0 [خبر, خبر, خبر, خبر, خبر, خبر, خبر, خبر, خبر]"]
    levels += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    text = "---\ntitle: خبر\n" + "\n".join(levels) + "\nauthor: *a9\n---\nنص.\n"
    with pytest.raises(ParseError, match="author must be text, got list"):
        parse_markdown(text, CTX)
