from __future__ import annotations

from datetime import UTC, datetime

import pytest

from feeds.identity import identify, item_id
from sources.item import Item


def _item(**kw: object) -> Item:
    fields: dict[str, object] = {
        "title": "ليبيا توجه تهنئة رسمية لدولة قطر",
        "body": "<p>نص</p>",
        "source": "libya",
    }
    fields.update(kw)
    return Item(**fields)  # type: ignore[arg-type]


def test_own_id_is_namespaced_unless_a_uri() -> None:
    assert item_id(_item(id="123")) == "urn:nashra:libya:123"
    assert item_id(_item(id="tag:example.org,2026:1")) == "tag:example.org,2026:1"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("خبر-1", "urn:nashra:libya:%D8%AE%D8%A8%D8%B1-1"),
        ("a/b", "urn:nashra:libya:a%2Fb"),
        ("same id", "urn:nashra:libya:same%20id"),
        ("2026-11-29:1", "urn:nashra:libya:2026-11-29%3A1"),
        (
            "https://news.example.org/ليبيا/1",
            "https://news.example.org/%D9%84%D9%8A%D8%A8%D9%8A%D8%A7/1",
        ),
        (
            "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
            "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
        ),
        # script and local schemes are never kept as ids: readers may follow an id
        ("VBScript:msgbox(1)", "urn:nashra:libya:VBScript%3Amsgbox%281%29"),
        ("data:text/html,x", "urn:nashra:libya:data%3Atext%2Fhtml%2Cx"),
        ("file:///etc/hosts", "urn:nashra:libya:file%3A%2F%2F%2Fetc%2Fhosts"),
    ],
)
def test_own_ids_become_valid_uris(raw: str, expected: str) -> None:
    assert item_id(_item(id=raw)) == expected


def test_canonical_url_is_the_id() -> None:
    url = "HTTPS://News.Example.org/ليبيا/قطر?utm_medium=rss&id=7&fbclid=abc#c"
    assert (
        item_id(_item(url=url))
        == "https://news.example.org/%D9%84%D9%8A%D8%A8%D9%8A%D8%A7/%D9%82%D8%B7%D8%B1?id=7"
    )


def test_derived_id_is_stable_and_ignores_edits_to_body_and_tashkeel() -> None:
    a = identify(_item())
    b = identify(_item(title="ليبيا تُوجّه تهنئةً رسميةً لدولة قطر", body="<p>نص معدل</p>"))
    assert a.id == b.id and a.rev != b.rev
    assert a.id == identify(_item()).id and a.id.startswith("urn:nashra:libya:")


def test_revision_changes_with_dates() -> None:
    when = datetime(2026, 11, 29, tzinfo=UTC)
    assert identify(_item()).rev != identify(_item(published=when)).rev


def test_recurring_headline_in_another_file_is_another_story() -> None:
    today = identify(_item(title="النشرة الجوية", origin="bulletins/2026-11-28.txt"))
    tomorrow = identify(_item(title="النشرة الجوية", origin="bulletins/2026-11-29.txt"))
    assert today.id != tomorrow.id
