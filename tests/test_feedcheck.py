"""The offline feed checker (tests/feedcheck.py) accepts valid feeds and can fail.

For each format a hand-written Arabic feed passes with no error and no warning,
and each mutation of it is reported with a message that names the element and
the problem. The golden files (nashra's real output for a sample bulletin)
must have no errors.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from feedcheck import (
    ATOM_RNG,
    check_atom,
    check_feed_file,
    check_json_feed,
    check_rss,
    feed_files,
    html_problems,
    language_problems,
    rfc822_problems,
    rfc3339_problem,
    uri_problems,
    validate_atom,
    validate_feed_file,
    validate_json_feed,
    validate_rss,
)
from lxml import etree

GOLDEN = Path(__file__).parent / "data" / "golden"

ATOM = """\
<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xml:lang="ar">
  <id>https://news.example.org/libya/</id>
  <title>أخبار ليبيا</title>
  <subtitle>نشرة الأخبار الليبية</subtitle>
  <updated>2026-11-29T12:00:00+02:00</updated>
  <author><name>نشرة ليبيا</name><email>news@example.org</email></author>
  <link rel="self" type="application/atom+xml" href="https://news.example.org/libya/atom.xml"/>
  <link rel="alternate" type="text/html" href="https://news.example.org/"/>
  <generator uri="https://news.example.org/" version="0.1">nashra</generator>
  <entry>
    <id>tag:news.example.org,2026:libya/1</id>
    <title>افتتاح معرض طرابلس الدولي للكتاب</title>
    <updated>2026-11-29T10:00:00Z</updated>
    <published>2026-11-29T09:30:00.5Z</published>
    <link href="https://news.example.org/stories/1.html"/>
    <category term="ثقافة"/>
    <summary>انطلقت فعاليات المعرض بمشاركة عربية واسعة.</summary>
    <content type="html">&lt;div dir="rtl" lang="ar"&gt;&lt;p&gt;انطلقت فعاليات &lt;strong&gt;المعرض&lt;/strong&gt;.&lt;br&gt;&lt;/p&gt;&lt;ul&gt;&lt;li&gt;ندوات&lt;li&gt;أمسيات&lt;/ul&gt;&lt;/div&gt;</content>
    <dc:subject>ليبيا</dc:subject>
  </entry>
  <entry xml:lang="ar-LY">
    <id>urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6</id>
    <title type="html">وزارة &amp;amp; الخارجية</title>
    <updated>2026-11-28T18:00:00+01:00</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml" dir="rtl"><p>بيان رسمي</p></div></content>
  </entry>
</feed>
"""

RSS = """\
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"
     xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>أخبار ليبيا</title>
    <link>https://news.example.org/</link>
    <description>نشرة الأخبار الليبية</description>
    <atom:link href="https://news.example.org/libya/rss.xml" rel="self" type="application/rss+xml"/>
    <language>ar</language>
    <lastBuildDate>Sun, 29 Nov 2026 12:00:00 +0000</lastBuildDate>
    <docs>https://www.rssboard.org/rss-specification</docs>
    <ttl>30</ttl>
    <item>
      <title>افتتاح معرض طرابلس الدولي للكتاب</title>
      <link>https://news.example.org/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/1.html</link>
      <description>انطلقت فعاليات المعرض بمشاركة عربية واسعة.</description>
      <content:encoded><![CDATA[<div dir="rtl" lang="ar"><p>انطلقت فعاليات <b>المعرض</b>.</p><img src="https://news.example.org/a.png" alt=""></div>]]></content:encoded>
      <guid isPermaLink="false">urn:nashra:libya:2a8e38b533e10d9766a0d02e</guid>
      <pubDate>Sun, 29 Nov 2026 10:00:00 GMT</pubDate>
      <category>ثقافة</category>
      <dc:creator>قسم الثقافة</dc:creator>
    </item>
    <item>
      <title>بيان وزارة الخارجية</title>
      <link>https://news.example.org/stories/2.html</link>
      <guid>https://news.example.org/stories/2.html</guid>
      <pubDate>28 Nov 2026 18:00 +0100</pubDate>
      <author>news@example.org (قسم الأخبار)</author>
      <enclosure url="https://news.example.org/a.mp3" length="1024" type="audio/mpeg"/>
    </item>
  </channel>
</rss>
"""

JSON_FEED: dict[str, Any] = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "أخبار ليبيا",
    "home_page_url": "https://news.example.org/",
    "feed_url": "https://news.example.org/libya/feed.json",
    "description": "نشرة الأخبار الليبية",
    "language": "ar",
    "authors": [{"name": "نشرة ليبيا", "url": "https://news.example.org/"}],
    "items": [
        {
            "id": "urn:nashra:libya:2a8e38b533e10d9766a0d02e",
            "url": "https://news.example.org/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/1.html",
            "title": "افتتاح معرض طرابلس الدولي للكتاب",
            "content_html": '<div dir="rtl" lang="ar"><p>انطلقت فعاليات المعرض.</p></div>',
            "summary": "انطلقت فعاليات المعرض بمشاركة عربية واسعة.",
            "date_published": "2026-11-29T10:00:00Z",
            "date_modified": "2026-11-29T10:30:00+02:00",
            "tags": ["ثقافة"],
            "language": "ar-LY",
        },
        {
            "id": "2",
            "content_text": "بيان رسمي من وزارة الخارجية.",
            "date_published": "2026-11-28T18:00:00+01:00",
            "_nashra": {"source": "libya"},
        },
    ],
}


def mutate(text: str, old: str, new: str) -> bytes:
    """``text`` with its first ``old`` replaced (which must be there)."""
    assert old in text, f"mutation target not found: {old!r}"
    return text.replace(old, new, 1).encode("utf-8")


def json_mutate(change: Callable[[dict[str, Any]], object]) -> bytes:
    feed = json.loads(json.dumps(JSON_FEED))
    change(feed)
    return json.dumps(feed, ensure_ascii=False).encode("utf-8")


def assert_error(errors: list[str], *needles: str) -> None:
    """Some error contains every needle (the element and the problem)."""
    assert errors, "expected an error, the checker found none"
    matching = [e for e in errors if all(n in e for n in needles)]
    assert matching, f"no error mentions {needles}; errors were:\n" + "\n".join(errors)


# ----------------------------------------------------------------------- valid feeds


def test_hand_written_atom_is_valid() -> None:
    report = validate_atom(ATOM.encode("utf-8"))
    assert report.errors == []
    assert report.warnings == []


def test_hand_written_rss_is_valid() -> None:
    report = validate_rss(RSS.encode("utf-8"))
    assert report.errors == []
    assert report.warnings == []


def test_hand_written_json_feed_is_valid() -> None:
    report = validate_json_feed(json.dumps(JSON_FEED, ensure_ascii=False).encode("utf-8"))
    assert report.errors == []
    assert report.warnings == []


@pytest.mark.parametrize("name", ["rss.xml", "atom.xml", "feed.json"])
def test_golden_files_have_no_errors(name: str) -> None:
    assert check_feed_file(GOLDEN / name) == []


def test_golden_directory_holds_the_three_feeds() -> None:
    assert sorted(p.name for p in feed_files(GOLDEN)) == ["atom.xml", "feed.json", "rss.xml"]


@pytest.mark.parametrize("name", ["cluster-rss.xml", "cluster-atom.xml", "cluster-feed.json"])
def test_golden_feeds_with_a_cluster_are_clean(name: str) -> None:
    """The "also reported by" extensions (nashra:also, rel="related", _nashra)
    leave a feed with neither errors nor warnings."""
    report = validate_feed_file(GOLDEN / name)
    assert report.errors == []
    assert report.warnings == []


# ---------------------------------------------------------------------- Atom errors

ATOM_ENTRY_ID = "<id>tag:news.example.org,2026:libya/1</id>"
ATOM_MUTATIONS = [
    pytest.param(
        "<id>https://news.example.org/libya/</id>",
        "",
        ("/feed:", "atom:feed has no atom:id"),
        id="feed-missing-id",
    ),
    pytest.param(
        ATOM_ENTRY_ID, "", ("/feed/entry[1]:", "atom:entry has no atom:id"), id="entry-missing-id"
    ),
    pytest.param(
        "<title>أخبار ليبيا</title>",
        "",
        ("atom:feed has no atom:title", "MissingElement"),
        id="feed-missing-title",
    ),
    pytest.param(
        "<title>أخبار ليبيا</title>",
        "<title>أ</title><title>ب</title>",
        ("2 atom:title", "DuplicateElement"),
        id="duplicate-title",
    ),
    pytest.param(
        "<updated>2026-11-29T12:00:00+02:00</updated>",
        "<updated>2026-11-29T12:00:00</updated>",
        ("/feed/updated", "no time zone", "InvalidRFC3339Date"),
        id="naive-date",
    ),
    pytest.param(
        "<updated>2026-11-29T10:00:00Z</updated>",
        "<updated>29/11/2026 10:00</updated>",
        ("/feed/entry[1]/updated", "InvalidRFC3339Date"),
        id="garbled-date",
    ),
    pytest.param(
        "<published>2026-11-29T09:30:00.5Z</published>",
        "<published>Sun, 29 Nov 2026 09:30:00 GMT</published>",
        ("/feed/entry[1]/published", "InvalidRFC3339Date"),
        id="rfc822-date-in-atom",
    ),
    pytest.param(
        "<updated>2026-11-29T10:00:00Z</updated>",
        "<updated>2026-02-30T10:00:00Z</updated>",
        ("not a real date",),
        id="impossible-date",
    ),
    pytest.param(
        ATOM_ENTRY_ID,
        "<id>stories/1.html</id>",
        ("/feed/entry[1]/id", "not an absolute URL", "InvalidFullLink"),
        id="relative-id",
    ),
    pytest.param(
        ATOM_ENTRY_ID,
        "<id>urn:nashra:libya:story 1</id>",
        ("/feed/entry[1]/id", "a space", "InvalidUriChar"),
        id="id-with-space",
    ),
    pytest.param(
        ATOM_ENTRY_ID,
        "<id>urn:nashra:libya:خبر-1</id>",
        ("/feed/entry[1]/id", "raw non-ASCII", "UriNotIri"),
        id="arabic-in-id",
    ),
    pytest.param(
        ATOM_ENTRY_ID,
        "<id>2026-11-29:1</id>",
        ("/feed/entry[1]/id", "InvalidFullLink"),
        id="id-without-scheme",
    ),
    pytest.param(
        ATOM_ENTRY_ID,
        "<id>urn:nashra:libya/1</id>",
        ("/feed/entry[1]/id", "InvalidURN"),
        id="invalid-urn",
    ),
    pytest.param(
        ATOM_ENTRY_ID, "<id>tag:News.example.org:1</id>", ("InvalidTAG",), id="invalid-tag-uri"
    ),
    pytest.param(
        'xml:lang="ar">',
        'xml:lang="arabic">',
        ("/feed/@xml:lang", "'arabic'", "InvalidLanguage"),
        id="bad-language",
    ),
    pytest.param(
        'xml:lang="ar">',
        'xml:lang="ar_LY">',
        ("not a well-formed BCP 47", "'_'"),
        id="language-underscore",
    ),
    pytest.param(
        '<entry xml:lang="ar-LY">',
        '<entry xml:lang="ary">',
        ("/feed/entry[2]/@xml:lang", "ISO 639-3", "InvalidLanguage"),
        id="language-not-in-w3c-list",
    ),
    pytest.param(
        "</feed>",
        "<subtitle>متأخر</subtitle></feed>",
        ("/feed/subtitle", "MisplacedMetadata"),
        id="metadata-after-entry",
    ),
    pytest.param(
        "<generator",
        "<foo>غريب</foo><generator",
        ("/feed/foo", "atom:foo", "UndefinedElement"),
        id="unknown-atom-element",
    ),
    pytest.param(
        "<summary>",
        "<headline>عنوان</headline><summary>",
        ("atom:headline", "UndefinedElement"),
        id="unknown-atom-element-in-entry",
    ),
    pytest.param(
        '<link rel="self" type="application/atom+xml" href="https://news.example.org/libya/atom.xml"/>',
        "",
        ('no atom:link rel="self"', "MissingSelf"),
        id="missing-self-link",
    ),
    pytest.param(
        "<author><name>نشرة ليبيا</name><email>news@example.org</email></author>",
        "",
        ("/feed/entry[1]:", "atom:author"),
        id="missing-author",
    ),
    pytest.param(
        "<email>news@example.org</email>",
        "<email>news at example</email>",
        ("/feed/author/email", "InvalidAddrSpec"),
        id="bad-email",
    ),
    pytest.param(
        '<link rel="alternate" type="text/html" href="https://news.example.org/"/>',
        '<link rel="alternate" type="text/html" href="https://news.example.org/"/><link rel="alternate" type="text/html" href="https://news.example.org/b"/>',
        ("DuplicateAtomLink",),
        id="duplicate-alternate-link",
    ),
    pytest.param(
        'type="application/atom+xml"',
        'type="atom"',
        ("/feed/link[1]/@type", "InvalidMIMEType"),
        id="bad-link-type",
    ),
    pytest.param(
        '<link href="https://news.example.org/stories/1.html"/>',
        '<link href="https://news.example.org/stories/1.html" hreflang="عربي"/>',
        ("@hreflang",),
        id="bad-hreflang",
    ),
    pytest.param(
        '<content type="html">&lt;div dir="rtl" lang="ar"&gt;&lt;p&gt;',
        '<content type="html"><p>غير مهرب</p>&lt;div&gt;&lt;p&gt;',
        ("/feed/entry[1]/content", "must be escaped"),
        id="unescaped-html",
    ),
    pytest.param(
        "&lt;/strong&gt;",
        "&lt;/em&gt;",
        ("/feed/entry[1]/content", "malformed HTML", "</em>"),
        id="mismatched-html",
    ),
    pytest.param(
        "&lt;/div&gt;</content>",
        "</content>",
        ("malformed HTML", "<div> is never closed"),
        id="unclosed-html",
    ),
    pytest.param(
        '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml" dir="rtl"><p>بيان رسمي</p></div></content>',
        '<content type="xhtml">بيان رسمي</content>',
        ("/feed/entry[2]/content", "MissingXhtmlDiv"),
        id="xhtml-without-div",
    ),
    pytest.param(
        '<content type="xhtml">',
        '<summary>ملخص</summary><summary>ثان</summary><content type="xhtml">',
        ("2 atom:summary", "DuplicateElement"),
        id="duplicate-summary",
    ),
    pytest.param("</feed>", "</fed>", ("not well-formed XML",), id="not-well-formed"),
]


@pytest.mark.parametrize(("old", "new", "needles"), ATOM_MUTATIONS)
def test_atom_mutation_is_an_error(old: str, new: str, needles: tuple[str, ...]) -> None:
    assert_error(check_atom(mutate(ATOM, old, new)), *needles)


def test_atom_entry_without_content_or_alternate_link_is_an_error() -> None:
    data = mutate(
        ATOM,
        '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml" dir="rtl"><p>بيان رسمي</p></div></content>',
        "<summary>بيان</summary>",
    )
    assert_error(check_atom(data), "/feed/entry[2]:", "atom:content")


def test_atom_wrong_root_and_obsolete_namespace() -> None:
    assert_error(check_atom(RSS.encode()), "not an Atom 1.0 <feed>")
    atom03 = ATOM.replace("http://www.w3.org/2005/Atom", "http://purl.org/atom/ns#")
    assert_error(check_atom(atom03.encode()), "ObsoleteNamespace")


def test_atom_allows_iris_where_rss_does_not() -> None:
    """Atom links and ids are IRIs (RFC 4287); RSS links must be percent-encoded."""
    iri = "https://news.example.org/أخبار/1.html"
    assert check_atom(mutate(ATOM, "https://news.example.org/stories/1.html", iri)) == []
    assert_error(
        check_rss(mutate(RSS, "https://news.example.org/stories/2.html</link>", iri + "</link>")),
        "/rss/channel/item[2]/link",
        "UriNotIri",
    )


def test_atom_duplicate_entry_ids() -> None:
    data = mutate(
        ATOM, "urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6", "tag:news.example.org,2026:libya/1"
    )
    report = validate_atom(data)
    assert report.errors == []
    assert any("DuplicateEntries" in w for w in report.warnings)  # a warning, as W3C says
    same_updated = data.replace(b"2026-11-28T18:00:00+01:00", b"2026-11-29T10:00:00Z")
    assert_error(check_atom(same_updated), "/feed/entry[2]", "same atom:updated")


def test_atom_schema_alone_rejects_order_and_unknown_elements() -> None:
    """The RELAX NG grammar itself (not only the Python checks) catches these."""
    schema = etree.RelaxNG(etree.parse(str(ATOM_RNG)))
    assert schema.validate(etree.fromstring(ATOM.encode()))
    assert schema.validate(etree.parse(str(GOLDEN / "atom.xml")))
    for old, new in [
        ("</feed>", "<title>متأخر</title></feed>"),  # feed metadata after the entries
        ("<generator", "<foo>غريب</foo><generator"),  # not an Atom element
        ('type="application/atom+xml" href', 'type="application/atom+xml" foo="x" href'),
        ("<updated>2026-11-29T10:00:00Z</updated>", "<updated>yesterday</updated>"),
        ('<content type="html">&lt;div', '<content type="html"><b/>&lt;div'),
    ]:
        assert not schema.validate(etree.fromstring(mutate(ATOM, old, new))), new


def test_atom_schema_messages_are_reported_too() -> None:
    errors = check_atom(mutate(ATOM, "<generator", "<foo>غريب</foo><generator"))
    assert any("atom.rng, RFC 4287 Appendix B" in e for e in errors)


# ----------------------------------------------------------------------- RSS errors

RSS_GUID = '<guid isPermaLink="false">urn:nashra:libya:2a8e38b533e10d9766a0d02e</guid>'
RSS_ITEM_LINK = "<link>https://news.example.org/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/1.html</link>"
RSS_PUBDATE = "<pubDate>Sun, 29 Nov 2026 10:00:00 GMT</pubDate>"
RSS_MUTATIONS = [
    pytest.param(
        RSS_ITEM_LINK,
        "<link>https://news.example.org/أخبار/1.html</link>",
        ("/rss/channel/item[1]/link", "raw non-ASCII character 'أ'", "UriNotIri"),
        id="arabic-item-link",
    ),
    pytest.param(
        "<link>https://news.example.org/</link>",
        "<link>https://أخبار.example.org/</link>",
        ("/rss/channel/link", "UriNotIri"),
        id="arabic-channel-link",
    ),
    pytest.param(
        RSS_ITEM_LINK,
        "<link>/stories/1.html</link>",
        ("/rss/channel/item[1]/link", "not an absolute URL", "InvalidFullLink"),
        id="relative-item-link",
    ),
    pytest.param(
        "<link>https://news.example.org/</link>",
        "<link>news.example.org</link>",
        ("/rss/channel/link", "InvalidFullLink"),
        id="relative-channel-link",
    ),
    pytest.param(
        RSS_ITEM_LINK,
        "<link>ftp://news.example.org/1</link>",
        ("http or https",),
        id="non-http-link",
    ),
    pytest.param(
        RSS_ITEM_LINK,
        "<link>https://news.example.org/a b.html</link>",
        ("a space", "InvalidUriChar"),
        id="space-in-link",
    ),
    pytest.param(
        "<guid>https://news.example.org/stories/2.html</guid>",
        '<guid isPermaLink="false">urn:nashra:libya:2a8e38b533e10d9766a0d02e</guid>',
        ("/rss/channel/item[2]:", "urn:nashra:libya:2a8e38b533e10d9766a0d02e", "DuplicateValue"),
        id="duplicate-guid",
    ),
    pytest.param(
        RSS_GUID,
        "<guid>urn:nashra:libya:2a8e38b533e10d9766a0d02e</guid>",
        ("/rss/channel/item[1]/guid", "InvalidHttpGUID"),
        id="permalink-guid-not-url",
    ),
    pytest.param(
        'isPermaLink="false"',
        'isPermaLink="no"',
        ("@isPermaLink", "InvalidBooleanAttribute"),
        id="bad-ispermalink",
    ),
    pytest.param(
        "<title>أخبار ليبيا</title>",
        "",
        ("/rss/channel:", "<channel> has no <title>", "MissingElement"),
        id="missing-channel-title",
    ),
    pytest.param(
        "<description>نشرة الأخبار الليبية</description>",
        "",
        ("<channel> has no <description>",),
        id="missing-channel-description",
    ),
    pytest.param(
        "<link>https://news.example.org/</link>",
        "",
        ("<channel> has no <link>",),
        id="missing-channel-link",
    ),
    pytest.param(
        "<title>بيان وزارة الخارجية</title>",
        "",
        ("/rss/channel/item[2]:", "ItemMustContainTitleOrDescription"),
        id="item-without-title-or-description",
    ),
    pytest.param(
        "<ttl>30</ttl>",
        "<ttl>30</ttl><ttl>60</ttl>",
        ("<ttl>", "DuplicateElement"),
        id="duplicate-ttl",
    ),
    pytest.param(
        RSS_PUBDATE,
        "<pubDate>Sun, 29 Nov 2026 10:00:00</pubDate>",
        ("/rss/channel/item[1]/pubDate", "no time zone", "InvalidRFC2822Date"),
        id="naive-date",
    ),
    pytest.param(
        RSS_PUBDATE,
        "<pubDate>2026-11-29T10:00:00Z</pubDate>",
        ("not ISO 8601", "InvalidRFC2822Date"),
        id="iso-date",
    ),
    pytest.param(
        RSS_PUBDATE,
        "<pubDate>الأحد 29 نوفمبر</pubDate>",
        ("InvalidRFC2822Date",),
        id="garbled-date",
    ),
    pytest.param(
        "<lastBuildDate>Sun, 29 Nov 2026 12:00:00 +0000",
        "<lastBuildDate>Sun, 29 Nov 26 12:00:00 +0000",
        ("/rss/channel/lastBuildDate", "two-digit year"),
        id="two-digit-year",
    ),
    pytest.param(
        RSS_PUBDATE,
        "<pubDate>Mon, 29 Nov 2026 10:00:00 GMT</pubDate>",
        ("is a Sun, not a Mon", "IncorrectDOW"),
        id="wrong-weekday",
    ),
    pytest.param(
        RSS_PUBDATE,
        "<pubDate>Sun, 31 Nov 2026 10:00:00 GMT</pubDate>",
        ("not a real date",),
        id="impossible-date",
    ),
    pytest.param(
        "<language>ar</language>",
        "<language>arabic</language>",
        ("/rss/channel/language", "'arabic'", "InvalidLanguage"),
        id="bad-language",
    ),
    pytest.param(
        "<language>ar</language>",
        "<language>ar_LY</language>",
        ("InvalidLanguage",),
        id="language-underscore",
    ),
    pytest.param(
        "<ttl>30</ttl>",
        "<ttl>30</ttl><author_name>x</author_name>",
        ("/rss/channel/author_name", "must be in a namespace", "UndefinedElement"),
        id="unnamespaced-extension",
    ),
    pytest.param(
        "<category>ثقافة</category>",
        "<category>ثقافة</category><summary>ملخص</summary>",
        ("/rss/channel/item[1]/summary", "UndefinedElement"),
        id="atom-element-without-namespace",
    ),
    pytest.param(
        RSS_GUID,
        RSS_GUID.replace("<guid ", '<guid foo="x" '),
        ("@foo", "UnexpectedAttribute"),
        id="unknown-attribute",
    ),
    pytest.param('version="2.0"', 'version="0.91"', ("InvalidRSSVersion",), id="wrong-version"),
    pytest.param(
        'length="1024" ',
        "",
        ("<enclosure> has no length", "MissingAttribute"),
        id="enclosure-without-length",
    ),
    pytest.param(
        "<author>news@example.org (قسم الأخبار)</author>",
        "<author>قسم الأخبار</author>",
        ("InvalidContact",),
        id="author-without-email",
    ),
    pytest.param(
        "<b>المعرض</b>.</p>",
        "<b>المعرض</p>",
        ("content:encoded", "malformed HTML"),
        id="malformed-item-html",
    ),
    pytest.param(
        '<atom:link href="https://news.example.org/libya/rss.xml"',
        '<atom:link href="https://news.example.org/ libya/rss.xml"',
        ("/rss/channel/atom:link/@href", "InvalidUriChar"),
        id="bad-self-href",
    ),
]


@pytest.mark.parametrize(("old", "new", "needles"), RSS_MUTATIONS)
def test_rss_mutation_is_an_error(old: str, new: str, needles: tuple[str, ...]) -> None:
    assert_error(check_rss(mutate(RSS, old, new)), *needles)


def test_rss_self_link_type_and_presence_are_warnings() -> None:
    """W3C warns (not errs) about these; the issue's checker does the same."""
    no_type = validate_rss(mutate(RSS, ' type="application/rss+xml"', ""))
    assert no_type.errors == []
    assert any("has no type" in w and "application/rss+xml" in w for w in no_type.warnings)
    no_self = validate_rss(mutate(RSS, 'rel="self"', 'rel="hub"'))
    assert no_self.errors == []
    assert any("MissingAtomSelfLink" in w for w in no_self.warnings)


def test_rss_wrong_root() -> None:
    assert_error(check_rss(ATOM.encode()), "not an RSS 2.0 <rss>")


def test_wrong_encoding_is_a_warning() -> None:
    report = validate_rss(mutate(RSS, "نشرة الأخبار الليبية", "Ø§Ù„Ø£Ø®Ø¨Ø§Ø±"))
    assert report.errors == []
    assert any("/rss/channel/description" in w and "BadCharacters" in w for w in report.warnings)


# ----------------------------------------------------------------- JSON Feed errors


def _item(index: int, **changes: object) -> Callable[[dict[str, Any]], object]:
    return lambda feed: feed["items"][index].update(changes)


JSON_MUTATIONS = [
    pytest.param(
        lambda f: f["items"][0].pop("id"), ("$.items[0]", "item has no id"), id="missing-id"
    ),
    pytest.param(_item(1, id=2), ("$.items[1].id", "must be a string"), id="numeric-id"),
    pytest.param(_item(1, id=""), ("$.items[1].id", "must not be empty"), id="empty-id"),
    pytest.param(
        _item(1, id="urn:nashra:libya:2a8e38b533e10d9766a0d02e"),
        ("$.items[1].id", "also the id of $.items[0]"),
        id="duplicate-id",
    ),
    pytest.param(
        _item(0, date_published="2026-11-29T10:00:00"),
        ("$.items[0].date_published", "no time zone", "InvalidRFC3339Date"),
        id="naive-date",
    ),
    pytest.param(
        _item(0, date_modified="Sun, 29 Nov 2026 10:00:00 GMT"),
        ("$.items[0].date_modified", "InvalidRFC3339Date"),
        id="garbled-date",
    ),
    pytest.param(
        lambda f: f.update(feed_url="/libya/feed.json"),
        ("$.feed_url", "not an absolute URL"),
        id="relative-feed-url",
    ),
    pytest.param(
        lambda f: f.update(home_page_url="news.example.org"),
        ("$.home_page_url", "not an absolute URL"),
        id="relative-home-page-url",
    ),
    pytest.param(
        _item(0, url="stories/1.html"),
        ("$.items[0].url", "not an absolute URL"),
        id="relative-item-url",
    ),
    pytest.param(lambda f: f.pop("title"), ("$:", "no title"), id="missing-title"),
    pytest.param(
        lambda f: f.update(title="  "), ("$.title", "must not be empty"), id="blank-title"
    ),
    pytest.param(
        lambda f: f.update(version="https://jsonfeed.org/version/1"),
        ("$.version", "version/1.1"),
        id="wrong-version",
    ),
    pytest.param(
        lambda f: f["items"][0].pop("content_html"),
        ("$.items[0]", "neither content_html nor content_text"),
        id="missing-content",
    ),
    pytest.param(
        lambda f: f.update(language="arabic"), ("$.language", "InvalidLanguage"), id="bad-language"
    ),
    pytest.param(
        _item(0, language="ar_LY"), ("$.items[0].language", "BCP 47"), id="bad-item-language"
    ),
    pytest.param(lambda f: f.update(items={}), ("items must be an array",), id="items-not-array"),
    pytest.param(
        _item(0, tags="ثقافة"), ("$.items[0].tags", "array of strings"), id="tags-not-array"
    ),
    pytest.param(
        lambda f: f.update(authors=[{}]),
        ("$.authors[0]", "at least one of name"),
        id="empty-author",
    ),
    pytest.param(
        _item(0, content_html="<p>غير مغلق<b></p>"),
        ("$.items[0].content_html", "malformed HTML"),
        id="malformed-html",
    ),
]


@pytest.mark.parametrize(("change", "needles"), JSON_MUTATIONS)
def test_json_feed_mutation_is_an_error(
    change: Callable[[dict[str, Any]], object], needles: tuple[str, ...]
) -> None:
    assert_error(check_json_feed(json_mutate(change)), *needles)


@pytest.mark.parametrize("data", [b"{", b"[]", b'"feed"', "{}".encode("utf-16")])
def test_json_feed_that_is_not_an_object_is_an_error(data: bytes) -> None:
    assert check_json_feed(data)


def test_json_feed_missing_urls_and_unknown_members_are_warnings() -> None:
    def change(feed: dict[str, Any]) -> None:
        del feed["feed_url"]
        feed["items"][0]["color"] = "red"

    report = validate_json_feed(json_mutate(change))
    assert report.errors == []
    assert any("feed_url" in w for w in report.warnings)
    assert any("$.items[0].color" in w for w in report.warnings)


# ------------------------------------------------------------------ files and helpers


def test_check_feed_file_dispatches_by_name_and_content(tmp_path: Path) -> None:
    (tmp_path / "rss.xml").write_text(RSS, encoding="utf-8")
    (tmp_path / "atom.xml").write_text(ATOM, encoding="utf-8")
    (tmp_path / "feed.json").write_text(json.dumps(JSON_FEED), encoding="utf-8")
    (tmp_path / "other.xml").write_text(ATOM, encoding="utf-8")
    (tmp_path / "wrong").mkdir()
    (tmp_path / "wrong" / "rss.xml").write_text(
        ATOM, encoding="utf-8"
    )  # an Atom feed named rss.xml
    for name in ("rss.xml", "atom.xml", "feed.json", "other.xml"):
        assert check_feed_file(tmp_path / name) == [], name
    assert_error(check_feed_file(tmp_path / "wrong" / "rss.xml"), "not an RSS 2.0 <rss>")
    assert len(feed_files(tmp_path)) == 4
    (tmp_path / "page.html").write_text("<html/>", encoding="utf-8")
    with pytest.raises(ValueError, match="cannot tell"):
        check_feed_file(tmp_path / "page.html")


@pytest.mark.parametrize(
    "tag", ["ar", "AR", "ar-LY", "ar-Arab-EG", "en-GB", "zh-Hant-TW", "x-nashra", "de-CH-1996"]
)
def test_valid_language_tags(tag: str) -> None:
    assert language_problems(tag) == ([], [])


@pytest.mark.parametrize(
    "tag", ["", " ar", "ar_LY", "arabic", "ary", "ckb", "12", "ar-", "i-klingon"]
)
def test_invalid_language_tags(tag: str) -> None:
    errors, _ = language_problems(tag)
    assert errors


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-29T12:00:00Z",
        "2026-11-29T12:00:00+03:30",
        "2026-11-29T12:00:00.123-05:00",
        "2024-02-29T00:00:60Z",
    ],
)
def test_valid_rfc3339(value: str) -> None:
    assert rfc3339_problem(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-29",
        "2026-11-29T12:00:00",
        "2026-11-29 12:00:00Z",
        "2026-11-29t12:00:00z",
        "2026-11-29T12:00Z",
        "2026-11-29T24:00:00Z",
        "2025-02-29T12:00:00Z",
        "2026-11-29T12:00:00+0300",
    ],
)
def test_invalid_rfc3339(value: str) -> None:
    assert rfc3339_problem(value) is not None


@pytest.mark.parametrize(
    "value",
    [
        "Sun, 29 Nov 2026 12:00:00 +0000",
        "29 Nov 2026 12:00 GMT",
        "Sun, 29 Nov 2026 12:00:00 +0530",
        "Tue, 01 Dec 2026 00:00:00 EST",
    ],
)
def test_valid_rfc822(value: str) -> None:
    assert rfc822_problems(value) == ([], [])


def test_rfc822_forms_to_avoid_are_warnings() -> None:
    errors, warnings = rfc822_problems("sun, 29 nov 2026 12:00:00 +0545")
    assert errors == []
    assert any("ProblematicalRFC822Date" in w for w in warnings)


@pytest.mark.parametrize(
    ("value", "iri", "ok"),
    [
        ("https://news.example.org/a?b=c#d", False, True),
        ("https://news.example.org:8080/%D8%A3", False, True),
        ("https://news.example.org/أ", False, False),
        ("https://news.example.org/أ", True, True),
        ("https://news.example.org/%zz", False, False),
        ("https:///path", False, False),
        ("urn:nashra:libya:2a8e38b533e10d9766a0d02e", False, True),
        ("urn:uuid:not-a-uuid", False, False),
        ("tag:news.example.org,2026-11:libya/1", False, True),
        ("//news.example.org/a", False, False),
        ("https://news.example.org/a|b", False, False),
    ],
)
def test_uri_problems(value: str, iri: bool, ok: bool) -> None:
    errors, _ = uri_problems(value, iri=iri, absolute=True)
    assert (errors == []) is ok, errors


@pytest.mark.parametrize(
    "fragment",
    [
        '<div dir="rtl"><p>أ<br>ب</p><p>ج<img src="https://x.org/a.png"></div>',
        "<ul><li>أ<li>ب</ul>",
        "<table><tr><td>أ</table>",
        "نص فقط & رمز",
        "<hr/><br/>",
    ],
)
def test_well_formed_html(fragment: str) -> None:
    assert html_problems(fragment)[0] == []


@pytest.mark.parametrize("fragment", ["<div>أ", "<b><i>أ</b></i>", "أ</p>", "<div/>", "</br>"])
def test_malformed_html(fragment: str) -> None:
    assert html_problems(fragment)[0]


def test_html_warnings() -> None:
    _, warnings = html_problems(
        '<p onclick="x()">أ <a href="/x">ب</a><script>1</script>&lt;p&gt;</p>'
    )
    text = " ".join(warnings)
    for needle in ("SecurityRiskAttr", "ContainsRelRef", "SecurityRisk", "escaped twice"):
        assert needle in text


def test_schema_is_the_rfc_4287_grammar() -> None:
    """Every define of RFC 4287 Appendix B, its three Schematron rules, the citation."""
    tree = etree.parse(str(ATOM_RNG))
    rng = "{http://relaxng.org/ns/structure/1.0}"
    defines = {d.get("name") for d in tree.iter(f"{rng}define")}
    appendix_b = """atomCommonAttributes atomPlainTextConstruct atomXHTMLTextConstruct atomTextConstruct
        atomPersonConstruct atomDateConstruct atomFeed atomEntry atomInlineTextContent
        atomInlineXHTMLContent atomInlineOtherContent atomOutOfLineContent atomContent atomAuthor
        atomCategory atomContributor atomGenerator atomIcon atomId atomLogo atomLink
        atomPublished atomRights atomSource atomSubtitle atomSummary atomTitle atomUpdated
        atomNCName atomMediaType atomLanguageTag atomUri atomEmailAddress simpleExtensionElement
        structuredExtensionElement extensionElement undefinedAttribute undefinedContent
        anyElement anyForeignElement anyXHTML xhtmlDiv"""
    assert defines == set(appendix_b.split())
    asserts = list(tree.iter("{http://www.ascc.net/xml/schematron}assert"))
    assert len(asserts) == 3
    header = ATOM_RNG.read_text(encoding="utf-8")[:2000]
    assert "RFC 4287" in header
    assert "Appendix B" in header
