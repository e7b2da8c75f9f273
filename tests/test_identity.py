from __future__ import annotations

from datetime import UTC, datetime

import pytest

from feeds.identity import identify, item_id, prepare
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


def _articles(count: int) -> list[str]:
    import json
    from pathlib import Path

    samples = Path(__file__).resolve().parents[1] / "bench/data/samples/news-articles.jsonl"
    rows = [json.loads(row) for row in samples.read_text("utf-8").splitlines()]
    return [r["body"] for r in rows if len(r["body"].split()) > 80][:count]


def test_prepare_fingerprints_as_the_store_would() -> None:
    """Fingerprints computed where a feed is parsed are the ones the store would
    compute itself, a sign-off shared by the batch's stories left out alike."""
    from feeds.near import fingerprint, lines_of
    from feeds.store.clusters import fingerprints
    from sources.html import text_to_html

    sign_off = "تابعوا آخر الأخبار المحلية والدولية على موقع صحيفة الوسط الإخبارية كل ساعة"
    bodies = _articles(6)
    items = [
        _item(title=f"خبر {n}", body=text_to_html(f"{body}\n\n{sign_off}"), origin="feed")
        for n, body in enumerate(bodies)
    ]
    prepared = prepare(items)
    assert all(e.fingerprinted for e in prepared)
    wanted = [e.id for e in prepared]
    plain = [identify(item) for item in items]
    assert not any(e.fingerprinted for e in plain)
    assert fingerprints(prepared, wanted) == fingerprints(plain, wanted)
    assert len(fingerprints(prepared, wanted)) == 6
    # the shared sign-off is not part of them
    alone = fingerprint(lines_of(bodies[0]))
    assert alone is not None and prepared[0].fingerprint is not None
    assert prepared[0].fingerprint.shingles == alone.shingles


def test_keys_are_pinned() -> None:
    """Stored keys and slugs must never change: the values of the first release."""
    entry = identify(
        _item(
            body="<p>نص الخبر في سطره الأول</p><p>والسطر الثاني</p>",
            url="https://alwasat.ly/news/libya/123?utm_source=x",
        )
    )
    assert entry.id == "https://alwasat.ly/news/libya/123"
    assert entry.slug == "2d1bd883c20e8bf5"
    assert entry.keys == (
        "id:2d1bd883c20e8bf5be4b7891d54ea661",
        "url:2d1bd883c20e8bf5be4b7891d54ea661",
        "text:7130a376114e1b57d5cb842ac3fa1545",
    )


def test_prepare_gives_the_keys_identify_gives() -> None:
    """``prepare`` reads a body's key from its lines' keys: the same key as the whole
    text's, for bodies the lines hold whole and for those they do not (a control
    character the lines drop, a body longer than the lines read, a line separator)."""
    from feeds.near import MAX_CHARS
    from sources.html import text_to_html

    article = _articles(1)[0]
    bodies = [
        text_to_html(article),
        text_to_html(article) + "<p>سطر \x01فيه محرف تحكم\x85</p>",
        text_to_html(article) + "<p>سطر&#8232;ثم سطر آخر\u2029بعده</p>",
        "<p>" + " ".join([article] * (MAX_CHARS // len(article) + 2)) + "</p>",
        "<p>، ـ ؟</p><p>كلمة</p>",
        "",
    ]
    items = [_item(title=f"خبر {n}", body=body) for n, body in enumerate(bodies)]
    for prepared, item in zip(prepare(items), items, strict=True):
        alone = identify(item)
        assert (prepared.id, prepared.keys, prepared.content_key, prepared.rev, prepared.slug) == (
            alone.id,
            alone.keys,
            alone.content_key,
            alone.rev,
            alone.slug,
        )
