"""Feed files as sources: RSS, Atom and JSON Feed files read as remote feeds are."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sources.base import Context, SourceSpec
from sources.files import collect_files, parse_file
from tests.conftest import DATA

FEEDS = DATA / "feedfiles"


def test_rss_file_links_resolve_against_the_feeds_own_link(ctx: Context) -> None:
    parsed = parse_file(str(FEEDS / "cms-export.rss"), ctx)
    first, second = parsed.items
    assert first.url == "https://www.goud.ma/koria-sahara-1/"  # utm_source dropped
    assert 'href="https://www.goud.ma/sahara/"' in first.body and "<script" not in first.body
    assert (first.id, first.author, first.language) == ("goud-1001", "كود", "ar-MA")
    assert first.published == datetime(2019, 12, 16, 9, 30, tzinfo=UTC)
    assert first.origin == str(FEEDS / "cms-export.rss")
    assert second.url is None  # javascript: is never published
    assert not parsed.errors
    assert [str(e) for e in parsed.notices] == [
        f"{FEEDS / 'cms-export.rss'}: entry 2: url 'javascript:alert(1)' dropped from "
        "«لحريگ لسبتة: السلطات تدخلات هاد المرة»: only http and https links are published"
    ]


def test_atom_file_links_resolve_against_xml_base(ctx: Context) -> None:
    parsed = parse_file(str(FEEDS / "xml-base.atom"), ctx)
    assert parsed.errors == []  # xml:base is not malformed XML
    assert [i.url for i in parsed.items] == ["https://www.goud.ma/news/benatia-1"]


def test_json_feed_file_is_read_as_a_feed(ctx: Context) -> None:
    parsed = parse_file(str(FEEDS / "export.json"), ctx)
    assert [(i.title, i.url, i.language) for i in parsed.items] == [
        ("كوريا داعمة المغرب على الصحرا ديالو", "https://www.goud.ma/koria-sahara-1/", "ar-MA")
    ]
    assert [str(e) for e in parsed.errors] == [
        f"{FEEDS / 'export.json'}: entry 2: no title and no link: skipped"
    ]


def test_a_json_array_of_records_is_still_read_as_records(tmp_path: Path, ctx: Context) -> None:
    (tmp_path / "r.json").write_text('[{"content_text": "وقد اعترفت كوريا بجهود المغرب."}]')
    items = collect_files(SourceSpec(name="desk", path="r.json"), ctx).items
    assert [i.title for i in items] == ["وقد اعترفت كوريا بجهود المغرب"]


def test_a_local_feed_has_no_web_base_of_its_own(tmp_path: Path, ctx: Context) -> None:
    (tmp_path / "f.xml").write_text(
        '<rss version="2.0"><channel><title>ك</title><link>feeds/local</link>'
        "<item><title>خبر بلا رابط مطلق</title><link>/a/1</link></item></channel></rss>",
        "utf-8",
    )
    out = collect_files(SourceSpec(name="desk", path="f.xml"), ctx)
    assert [(i.title, i.url) for i in out.items] == [("خبر بلا رابط مطلق", None)]
    assert not out.errors
    assert "url '/a/1' dropped" in str(out.notices[0])


def test_an_unchanged_feed_file_is_not_parsed_again(tmp_path: Path, ctx: Context) -> None:
    (tmp_path / "cms").mkdir()
    for name in ("xml-base.atom", "export.json"):
        shutil.copy(FEEDS / name, tmp_path / "cms" / name)
    (tmp_path / "cms" / "sitemap.txt").write_text("خبر عاجل\nنص الخبر.\n", "utf-8")
    spec = SourceSpec(name="cms", path="cms")
    first = collect_files(spec, ctx)
    assert [f.path for f in first.files] == ["cms/sitemap.txt", "cms/xml-base.atom"]
    known = replace(ctx, known={f.path: f.fingerprint for f in first.files})
    again = collect_files(spec, known)
    assert again.unchanged == 2
    assert [i.origin for i in again.items] == ["cms/export.json"]  # it had a problem
    (tmp_path / "cms" / "xml-base.atom").write_text(
        (FEEDS / "xml-base.atom").read_text("utf-8").replace("benatia-1", "benatia-2"), "utf-8"
    )
    later = replace(known, now=datetime(2030, 1, 1, tzinfo=UTC))
    changed = collect_files(spec, later)
    assert "https://www.goud.ma/news/benatia-2" in [i.url for i in changed.items]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("page.rss", b"<html><body>404</body></html>", "page.rss: an HTML page, not a feed"),
        ("sitemap.xml", b"<?xml version='1.0'?><urlset/>", "sitemap.xml: XML but not a feed"),
        (
            "laughs.atom",
            b'<!DOCTYPE feed [<!ENTITY a "ha"><!ENTITY b "&a;&a;">]><feed>&b;</feed>',
            "laughs.atom: refused: the XML declares entities",
        ),
        ("empty.rss", b'<rss version="2.0"><channel/></rss>', "empty.rss: the feed has no entries"),
    ],
)
def test_a_bad_feed_file_is_one_error_naming_it_and_neighbours_are_collected(
    tmp_path: Path, ctx: Context, name: str, data: bytes, message: str
) -> None:
    (tmp_path / name).write_bytes(data)
    shutil.copy(FEEDS / "xml-base.atom", tmp_path / "good.atom")
    out = collect_files(SourceSpec(name="desk", path="*"), ctx)
    assert [i.url for i in out.items] == ["https://www.goud.ma/news/benatia-1"]
    assert [str(e).startswith(message) for e in out.errors] == [True], out.errors


def test_a_feed_file_with_a_dropped_link_is_said_once_and_not_read_again(
    tmp_path: Path, ctx: Context
) -> None:
    (tmp_path / "cms").mkdir()
    shutil.copy(FEEDS / "cms-export.rss", tmp_path / "cms" / "cms-export.rss")
    spec = SourceSpec(name="cms", path="cms")
    first = collect_files(spec, ctx)
    assert not first.errors and any("dropped" in str(n) for n in first.notices)
    assert [f.path for f in first.files] == ["cms/cms-export.rss"]  # healthy: fingerprinted
    known = replace(ctx, known={f.path: f.fingerprint for f in first.files})
    again = collect_files(spec, known)
    assert again.unchanged == 1 and not again.notices and not again.items
