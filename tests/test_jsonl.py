"""JSON Lines and JSON files: hostile records (lone surrogates, script links,
control characters, future dates) and nesting deep enough to stop a recursive
parser. Fixtures: tests/data/hardening/ (see its README)."""

from __future__ import annotations

import json
import re

import pytest

from sources.base import Parsed
from sources.errors import ParseError
from sources.jsonl import parse_json, parse_jsonl
from sources.records import MAX_DEPTH, RecordContext
from tests.conftest import DATA, NOW, TRIPOLI

HOSTILE = (DATA / "hardening" / "hostile.jsonl").read_text("utf-8")
CTX = RecordContext(source="libya", origin="hostile.jsonl", tz=TRIPOLI, relative_base=NOW, now=NOW)
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
GOOD = json.dumps({"title": "ليبيا توجه تهنئة رسمية لدولة قطر", "body": "نص."}, ensure_ascii=False)


def messages(parsed: Parsed) -> list[str]:
    return [str(e) for e in (*parsed.errors, *parsed.notices)]


def test_lone_surrogates_in_any_field_become_replacement_characters() -> None:
    first = parse_jsonl(HOSTILE, CTX).items[0]
    assert first.title == "الاتحاد الأوروبي \ufffd يجدد التزامه بدعم إدارة الهجرة في ليبيا"
    assert first.author == "\ufffd\ufffd قسم الأخبار"
    assert first.tags == ("ليبيا", "\ufffd") and first.id == "lib\ufffd-1"
    assert first.url == "https://news.example.org/libya/\ufffd"
    for field in (first.title, first.body, first.summary, first.author or "", *first.tags):
        field.encode("utf-8")


def test_script_links_are_dropped_with_a_warning_naming_file_line_and_item() -> None:
    parsed = parse_jsonl(HOSTILE, CTX)
    second, third = parsed.items[1], parsed.items[2]
    assert (second.url, second.image, third.url, third.image) == (None, None, None, None)
    assert messages(parsed) == [
        "hostile.jsonl:2: url 'JavaScript:alert(document.cookie)' dropped from «ليبيا توجه "
        "تهنئة رسمية لدولة قطر بمناسبة «اليوم الوطني»»: only http and https links are published",
        "hostile.jsonl:2: image 'java\\nscript:alert(1)' dropped from «ليبيا توجه تهنئة رسمية "
        "لدولة قطر بمناسبة «اليوم الوطني»»: only http and https links are published",
        "hostile.jsonl:3: url 'data:text/html,<script>alert(1)</script>' dropped from «زيارة "
        "المديرة العامة للمنظمة الدولية للهجرة إلى طرابلس»: only http and https links are "
        "published",
        "hostile.jsonl:3: image 'vbscript:msgbox(1)' dropped from «زيارة المديرة العامة "
        "للمنظمة الدولية للهجرة إلى طرابلس»: only http and https links are published",
    ]


def test_controls_are_stripped_and_future_dates_dropped_in_files_too() -> None:
    fourth = parse_jsonl(HOSTILE, CTX).items[3]
    assert fourth.title == "حوار بنّاء لدعم المؤسسات الليبية"
    assert fourth.body == "<p>تناول اللقاء سبل تعزيز التعاون المشترك لدعم المؤسسات الليبية.</p>"
    assert fourth.published is None  # 2099: dated when first seen, as for feeds
    for item in parse_jsonl(HOSTILE, CTX).items:
        for text in (item.title, item.body, item.summary, item.author or "", item.id or ""):
            assert not FORBIDDEN.search(text)


@pytest.mark.parametrize(
    "deep",
    [
        "[" * 100_000 + "]" * 100_000,  # past the decoder's recursion
        '{"a":' * 5_000 + "1" + "}" * 5_000,
        '{"title": "خبر", "tags": ' + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "}",
        '{"title": "خبر", "author": ' + "[" * 900 + '"x"' + "]" * 900 + "}",  # loads, too deep
    ],
    ids=["arrays", "objects", "tags", "author"],
)
def test_a_deeply_nested_line_fails_alone(deep: str) -> None:
    text = "\n".join([GOOD, deep, GOOD])
    parsed = parse_jsonl(text, CTX)
    assert len(parsed.items) == 2
    assert messages(parsed) == [
        f"hostile.jsonl:2: nested too deeply (more than {MAX_DEPTH} levels of arrays and objects)"
    ]


def test_a_deeply_nested_json_file_is_a_clear_error() -> None:
    ctx = RecordContext(source="libya", origin="deep.json", tz=TRIPOLI, relative_base=NOW, now=NOW)
    with pytest.raises(ParseError, match=r"^deep\.json: nested too deeply"):
        parse_json('{"items": ' + "[" * 200_000 + "]" * 200_000 + "}", ctx)
    records = [json.loads(GOOD), {"title": "خبر", "extra": [[[[[[[[[[]]]]]]]]]] * 9}]
    nested = {"title": "عميق", "extra": json.loads("[" * 500 + "]" * 500)}
    parsed = parse_json(json.dumps([*records, nested], ensure_ascii=False), ctx)
    assert [i.title for i in parsed.items] == ["ليبيا توجه تهنئة رسمية لدولة قطر", "خبر"]
    assert messages(parsed) == [
        f"deep.json:1: nested too deeply (more than {MAX_DEPTH} levels of arrays and objects)"
    ]


def test_a_json_file_with_surrogates_and_script_links() -> None:
    ctx = RecordContext(source="libya", origin="a.json", tz=TRIPOLI, relative_base=NOW, now=NOW)
    text = '[\n{"title": "\\udc80 خبر", "image": "JAVASCRIPT:alert(1)", "body": "\\udbff"}\n]'
    parsed = parse_json(text, ctx)
    item = parsed.items[0]
    assert (item.title, item.body, item.image) == ("\ufffd خبر", "<p>\ufffd</p>", None)
    assert messages(parsed) == [
        "a.json:2: image 'JAVASCRIPT:alert(1)' dropped from «\ufffd خبر»: only http and https "
        "links are published"
    ]
