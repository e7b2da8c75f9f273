"""URL sources through the whole pipeline against the real test server: items land in
the published feeds, 304s cost nothing, gone and moved sources are remembered, one
broken source never stops the others, and a run stopped midway keeps what it stored."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest

from feeds.config import FetchConfig, load_config
from feeds.pipeline import (
    RunReport,
    SourceReport,
    collect_urls,
    fetch_settings,
    parse_processes,
    run_once,
)
from feeds.store import Store
from sources import Context, Fetcher, FetchSettings, SourceSpec
from sources.errors import ConfigError
from tests.conftest import NOW, TRIPOLI, Site
from tests.httpserver import DATA, Route, TestServer

KOREA = "كوريا داعمة المغرب على الصحرا ديالو"
HRIG = "لحريگ لسبتة: السلطات تدخلات هاد المرة"
CONSUMER = "الجامعة المغربية لحماية المستهلك كتستنكر المصادقة على مشروع القانون"

HEAD = """\
[site]
title = "نشرة الاختبار"
base_url = "https://news.example.org/"
timezone = "Africa/Tripoli"

[fetch]
connect_timeout = "2s"
read_timeout = "1s"
"""

FEEDS = """
[[feeds]]
name = "all"
title = "كل الأخبار"
sources = "*"
"""


@pytest.fixture
def server() -> Iterator[TestServer]:
    with TestServer() as running:
        yield running


def source(name: str, url: str, extra: str = "allow_private = true") -> str:
    return f'\n[[sources]]\nname = "{name}"\nurl = "{url}"\n{extra}\n'


def configure(site: Site, *sources: str) -> None:
    site.config_path.write_text(HEAD + "".join(sources) + FEEDS, encoding="utf-8")


def run(site: Site, now: datetime = NOW, **kwargs: object) -> RunReport:
    store = site.store()
    try:
        return run_once(site.config(), store, now=now, **kwargs)  # type: ignore[arg-type]
    finally:
        store.close()


def by_name(report: RunReport) -> dict[str, SourceReport]:
    return {s.name: s for s in report.sources}


def published_titles(site: Site) -> set[str]:
    feed = json.loads((site.public / "all" / "feed.json").read_text("utf-8"))
    return {i["title"] for i in feed["items"]}


def rows(site: Site) -> dict[str, dict[str, object]]:
    store = site.store()
    try:
        return {str(r["name"]): r for r in store.source_rows()}
    finally:
        store.close()


def test_url_sources_land_in_every_published_format(site: Site, server: TestServer) -> None:
    site.copy("bulletins/bulletin-libya.txt")
    rss = server.fixture("/rss.xml", "goud-rss2.xml", etag='"r1"')
    atom = server.fixture("/atom.xml", "goud-atom10.xml")
    legacy = server.fixture("/legacy.xml", "goud-cp1256.xml", content_type="text/xml")
    configure(
        site,
        '\n[[sources]]\nname = "libya"\npath = "sources/*.txt"\n',
        source("goud-rss", rss),
        source("goud-atom", atom),
        source("goud-legacy", legacy),
    )
    report = run(site)
    assert report.sources[0].name == "libya"  # file sources first
    sources = by_name(report)
    assert not report.failed, [str(e) for s in report.failed for e in s.errors]
    assert sources["libya"].batch.new == 3
    assert {s.status for name, s in sources.items() if name != "libya"} == {200}
    # 4 + 2 + 2 stories from three feeds. The same story arriving from two feeds with the
    # same canonical URL is stored once, whichever feed answered first: HRIG (RSS and
    # Atom) and KOREA (Atom and windows-1256). The RSS feed's KOREA links relatively, so
    # its URL is on the feed's host, and its fuller text differs: it is a story of its own.
    assert report.total("new") == 3 + 6 and report.total("duplicate") == 2

    titles = published_titles(site)
    assert {KOREA, HRIG, CONSUMER} <= titles
    atom_feed = feedparser.parse((site.public / "all" / "atom.xml").read_bytes())
    rss_feed = feedparser.parse((site.public / "all" / "rss.xml").read_bytes())
    assert not atom_feed.bozo and not rss_feed.bozo
    assert {e.title for e in atom_feed.entries} == {e.title for e in rss_feed.entries} == titles
    korea = next(e for e in atom_feed.entries if e.link == "https://www.goud.ma/koria-sahara/")
    assert korea.title == KOREA
    assert server.url("/koria-sahara/") in {e.link for e in atom_feed.entries}
    assert 'dir="rtl"' in korea.content[0].value and "<script" not in korea.content[0].value
    assert rows(site)["goud-rss"]["etag"] == '"r1"'


def test_second_run_gets_304_and_writes_nothing(site: Site, server: TestServer) -> None:
    stamp = "Sun, 29 Nov 2026 08:00:00 GMT"
    rss = server.fixture("/rss.xml", "goud-rss2.xml", etag='"r1"', last_modified=stamp)
    configure(site, source("goud", rss))
    run(site)
    files = {p: p.stat().st_mtime_ns for p in site.public.rglob("*") if p.is_file()}
    later = NOW + timedelta(minutes=10)
    report = run(site, later)
    goud = by_name(report)["goud"]
    assert (goud.status, goud.outcome, goud.batch.new, goud.errors) == (304, "not-modified", 0, ())
    assert server.last("/rss.xml").headers["if-none-match"] == '"r1"'
    assert report.published.written == []
    assert {p: p.stat().st_mtime_ns for p in site.public.rglob("*") if p.is_file()} == files
    row = rows(site)["goud"]
    assert (row["last_outcome"], row["last_status"], row["etag"]) == ("not-modified", 304, '"r1"')


def test_unchanged_sources_are_recorded_together_in_one_transaction(
    site: Site, server: TestServer
) -> None:
    from sqlalchemy import event

    fixtures = {
        "goud-rss": "goud-rss2.xml",
        "goud-atom": "goud-atom10.xml",
        "goud-rdf": "goud-rss10.rdf",
        "goud-json": "goud-feed11.json",
    }
    configure(
        site,
        *(
            source(name, server.fixture(f"/{name}", fixture, etag=f'"{name}-1"'))
            for name, fixture in fixtures.items()
        ),
    )
    run(site)
    store = site.store()
    recording: list[bool] = [False]
    transactions: list[int] = []

    def executed(_conn: object, _cursor: object, sql: str, *_: object) -> None:
        if sql.lstrip().upper().startswith("UPDATE SOURCES") and "last_poll_at" in sql:
            recording[0] = True

    def committed(_conn: object) -> None:
        if recording[0]:
            transactions.append(1)
        recording[0] = False

    event.listen(store.engine, "before_cursor_execute", executed)
    event.listen(store.engine, "commit", committed)
    try:
        report = run_once(site.config(), store, now=NOW + timedelta(minutes=10))
    finally:
        store.close()
    assert {s.name: (s.status, s.outcome.value) for s in report.sources} == {
        name: (304, "not-modified") for name in fixtures
    }
    assert len(transactions) == 1  # four polls, one commit
    assert {r["last_status"] for r in rows(site).values()} == {304}
    assert all(r["last_poll_at"] == NOW + timedelta(minutes=10) for r in rows(site).values())


def test_undated_item_keeps_its_first_seen_date_across_runs(site: Site, server: TestServer) -> None:
    rss = server.fixture("/rss.xml", "goud-rss2.xml")  # no validators: fetched in full each run
    configure(site, source("goud", rss))
    run(site)
    run(site, NOW + timedelta(days=1))
    feed = json.loads((site.public / "all" / "feed.json").read_text("utf-8"))
    dates = {i["title"]: i["date_published"] for i in feed["items"]}
    assert dates[HRIG] == "2026-11-29T12:00:00Z"  # first seen, not the second run's time
    assert dates[KOREA] == "2026-11-29T08:30:00Z"


def test_one_broken_source_never_stops_the_others(site: Site, server: TestServer) -> None:
    good = server.fixture("/rss.xml", "goud-rss2.xml")
    missing = server.url("/missing.xml")
    slow = server.fixture("/slow.xml", "goud-rss2.xml", trickle=0.05, chunk=16, compress=False)
    html = server.fixture("/error.xml", "error-page.html", content_type="text/html")
    laughs = server.fixture("/lol.xml", "billion-laughs.xml")
    private = server.fixture("/private.xml", "goud-atom10.xml")
    configure(
        site,
        source("missing", missing),
        source("slow", slow),
        source("html", html),
        source("laughs", laughs),
        source("private", private, extra=""),
        source("good", good),
    )
    report = run(site)
    sources = by_name(report)
    assert sources["good"].batch.new == 4 and not sources["good"].failed
    lines = {name: str(s.errors[0]) for name, s in sources.items() if s.errors}
    assert lines["missing"] == f"missing: {missing}: HTTP 404 Not Found"
    assert lines["slow"] == f"slow: {slow}: timed out: no complete response within 3 s"
    assert lines["html"].startswith(f"html: {html}: an HTML page where a feed was expected")
    assert lines["laughs"].startswith("laughs: refused: the XML declares entities")
    assert lines["private"].startswith(f"private: {private}: refused: 127.0.0.1 resolves to")
    assert server.hits("/private.xml") == 0
    assert published_titles(site) >= {KOREA, HRIG}
    assert rows(site)["missing"]["last_status"] == 404
    assert rows(site)["missing"]["failures"] == 1


def test_gone_source_is_not_polled_again(site: Site, server: TestServer) -> None:
    url = server.route("/rss.xml", Route(status=410))
    configure(site, source("goud", url))
    first = by_name(run(site))["goud"]
    assert (first.outcome, first.status) == ("gone", 410)
    assert "HTTP 410 Gone" in str(first.errors[0])
    again = by_name(run(site, NOW + timedelta(hours=1)))["goud"]
    assert (again.outcome, again.errors) == ("skipped-gone", ())
    assert server.hits("/rss.xml") == 1
    assert rows(site)["goud"]["gone"]


def test_moved_source_is_fetched_at_its_new_url(site: Site, server: TestServer) -> None:
    new = server.fixture("/new.xml", "goud-rss2.xml")
    old = server.route("/old.xml", Route(status=301, headers={"Location": "/new.xml"}))
    configure(site, source("goud", old))
    assert by_name(run(site))["goud"].batch.new == 4
    assert rows(site)["goud"]["moved_to"] == new
    run(site, NOW + timedelta(hours=1))
    assert server.hits("/old.xml") == 1 and server.hits("/new.xml") == 2


def test_retry_after_is_recorded_for_the_schedule(site: Site, server: TestServer) -> None:
    url = server.route("/rss.xml", Route(status=429, headers={"Retry-After": "7200"}))
    configure(site, source("goud", url))
    goud = by_name(run(site))["goud"]
    assert (goud.status, goud.outcome) == (429, "failed")
    row = rows(site)["goud"]
    assert row["last_status"] == 429
    assert row["next_poll_at"] is not None
    assert row["next_poll_at"] >= NOW + timedelta(hours=2)  # type: ignore[operator]


def test_a_stopped_run_keeps_the_sources_it_finished(site: Site, server: TestServer) -> None:
    fast = server.fixture("/fast.xml", "goud-rss2.xml")
    late = server.fixture("/late.xml", "goud-feed11.json", delay=0.5)
    configure(site, source("fast", fast), source("late", late))

    def stop(report: SourceReport) -> None:
        raise KeyboardInterrupt  # as if the process were stopped after the first source

    with pytest.raises(KeyboardInterrupt):
        run(site, on_source=stop)
    store = site.store()
    try:
        assert store.count(["fast"]) == 4 and store.count(["late"]) == 0
    finally:
        store.close()


def test_fetch_table_and_user_agent(site: Site, server: TestServer) -> None:
    url = server.fixture("/rss.xml", "goud-rss2.xml")
    configure(site, source("goud", url))
    settings = fetch_settings(site.config())
    assert (settings.connect_timeout, settings.read_timeout) == (2.0, 1.0)
    assert (settings.concurrency, settings.per_host, settings.max_redirects) == (32, 2, 5)
    assert settings.max_bytes == FetchConfig().max_bytes == 15 * 1024 * 1024
    run(site)
    agent = server.last("/rss.xml").headers["user-agent"]
    assert agent.startswith("nashra/") and agent.endswith(" (+https://news.example.org/)")


def test_unknown_fetch_key_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "nashra.toml"
    path.write_text(HEAD + "per_hots = 3\n" + FEEDS, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(str(path))
    assert "fetch.per_hots: unknown key; did you mean 'per_host'?" in str(caught.value)


def test_fixture_feed_published_dates_are_utc(site: Site, server: TestServer) -> None:
    url = server.fixture("/rss.xml", "goud-rss2.xml")
    configure(site, source("goud", url))
    run(site)
    feed = feedparser.parse((site.public / "all" / "rss.xml").read_bytes())
    korea = next(e for e in feed.entries if e.title == KOREA)
    assert datetime(*korea.published_parsed[:6], tzinfo=UTC) == datetime(
        2026, 11, 29, 8, 30, tzinfo=UTC
    )
    assert (DATA / "goud-rss2.xml").exists()


def test_parsing_in_worker_processes_gives_the_same_feeds(site: Site, server: TestServer) -> None:
    rss = server.fixture("/rss.xml", "goud-rss2.xml")
    json_feed = server.fixture("/feed.json", "goud-feed11.json", content_type="application/json")
    page = server.fixture("/", "goud-list.html", content_type="text/html")
    selectors = 'allow_private = true\nselectors = { item = "article.post" }'
    sources = (source("rss", rss), source("json", json_feed), source("page", page, selectors))
    configure(site, *sources)
    inline = run(site)
    inline_titles = published_titles(site)

    other = Site(site.root.parent / "pooled")
    other.config_path.write_text(
        HEAD + "parse_processes = 1\n" + "".join(sources) + FEEDS, encoding="utf-8"
    )
    pooled = run(other)
    assert fetch_settings(other.config(), 3).parse_processes == 1
    # which source stores a shared story first depends on timing: compare the totals
    assert pooled.total("duplicate") == inline.total("duplicate")
    assert not pooled.failed and not inline.failed
    assert published_titles(other) == inline_titles and len(inline_titles) == 4
    assert pooled.total("new") == inline.total("new") > 4


def test_parse_processes_default_follows_cores_and_sources() -> None:
    assert parse_processes(0, 1000) == 0 and parse_processes(2, 1) == 2
    assert parse_processes(-1, 5) == 0
    assert parse_processes(-1, 1000) == min(4, max(0, (os.cpu_count() or 1) - 1))


def test_an_unexpected_error_in_one_source_does_not_stop_the_others(
    site: Site, server: TestServer, caplog: pytest.LogCaptureFixture
) -> None:
    rss = server.fixture("/rss.xml", "goud-rss2.xml")
    page = server.fixture("/", "goud-list.html", content_type="text/html")
    server.fixture("/article-1.html", "goud-article-1.html", content_type="text/html")
    configure(site)
    specs = [
        SourceSpec(name="rss", url=rss, allow_private=True),
        SourceSpec(
            name="page",
            url=page,
            allow_private=True,
            full_text=True,
            selectors=(("item", "article.post"),),
        ),
    ]

    def broken(urls: Sequence[str]) -> set[str]:
        raise RuntimeError("the lookup broke")

    async def collect(store: Store) -> list[SourceReport]:
        ctx = Context(tz=TRIPOLI, now=NOW)
        async with Fetcher(FetchSettings(), known_urls=broken) as fetcher:
            return await collect_urls(specs, ctx, store, fetcher)

    store = site.store()
    try:
        reports = {r.name: r for r in asyncio.run(collect(store))}
    finally:
        store.close()
    assert reports["rss"].batch.new == 4 and not reports["rss"].failed
    assert [str(e) for e in reports["page"].errors] == [
        "page: unexpected error (a bug in nashra): RuntimeError: the lookup broke"
    ]
    assert "unexpected error collecting page" in caplog.text
