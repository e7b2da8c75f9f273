"""Archive pages built incrementally, run after run, are the pages a full build
makes: byte for byte, through new stories, a story corrected and one withdrawn
in an older month, a story arriving late into an old month, and retention
expiring a month. Real Arabic news (MArSum, Goud.ma, CC BY 4.0:
bench/data/samples/README.md) in a JSON Lines source, a real store."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from feeds import archive
from feeds.archive import INDEXES, STATE
from feeds.config import Config, load_config
from feeds.pipeline import run_once
from feeds.publish import publish
from feeds.render import AtomEntry
from feeds.store import Store
from feeds.store.archives import Listed
from feeds.store.tables import items
from tests.conftest import NOW, Site
from tests.feedcheck import check_atom

SAMPLES = Path(__file__).resolve().parents[1] / "bench/data/samples/news-articles.jsonl"
ARTICLES = [json.loads(line) for line in SAMPLES.read_text("utf-8").splitlines()]
NS = {"a": "http://www.w3.org/2005/Atom"}
PAGE = 3
"""Stories a page: small, so that a month has several pages."""

CONFIG = """\
[site]
title = "أرشيف على صفحات"
base_url = "https://news.example.org/"
timezone = "Asia/Riyadh"
public_dir = "PUBLIC"

[[sources]]
name = "agency"
path = "sources/*.jsonl"

[[feeds]]
name = "agency"
title = "أخبار الوكالة"
sources = ["agency"]
limit = 2
"""


def _date(month: int, day: int) -> str:
    return datetime(2026, month, day, 9, tzinfo=UTC).isoformat()


class Agency:
    """One source file of dated records; published three ways on one store:
    ``public`` run after run (incremental), ``full`` with its page records and
    entry indexes dropped before each publish (every page and entry rendered),
    and, when asked, a folder
    of its own published once (fresh)."""

    def __init__(self, site: Site, store: Store) -> None:
        self.site, self.store = site, store
        self.records: dict[str, dict[str, str]] = {}
        self.next_article = 0
        self.fresh = 0

    def add(self, ident: str, date: str, body_extra: str = "") -> None:
        article = ARTICLES[(7 + 13 * self.next_article) % len(ARTICLES)]
        self.next_article += 1
        self.records[ident] = {
            "id": ident,
            "title": article["title"],
            "body": article["body"] + body_extra,
            "date": date,
        }

    def config(self, public: str) -> Config:
        path = self.site.root / f"{public}.toml"
        path.write_text(CONFIG.replace("PUBLIC", public), "utf-8")
        return load_config(str(path))

    def run(self, at: datetime) -> None:
        """Collect and publish the incremental tree, then the full one."""
        lines = [json.dumps(r, ensure_ascii=False) for r in self.records.values()]
        self.site.write("agency.jsonl", "\n".join(lines) + "\n")
        report = run_once(self.config("public"), self.store, now=at)
        assert [s.errors for s in report.sources] == [()]
        (self.site.root / "full" / STATE).unlink(missing_ok=True)
        shutil.rmtree(self.site.root / "full" / INDEXES, ignore_errors=True)
        publish(self.config("full"), self.store, now=at)

    def fresh_tree(self, at: datetime) -> Path:
        """A full build from the store alone, in a folder of its own."""
        self.fresh += 1
        name = f"fresh{self.fresh}"
        publish(self.config(name), self.store, now=at)
        return self.site.root / name

    def pages(self, public: str = "public") -> list[str]:
        folder = self.site.root / public / "agency" / "archive"
        return sorted((p.stem for p in folder.glob("*.xml")), key=archive.page_order)

    def stamps(self) -> dict[str, int]:
        folder = self.site.root / "public" / "agency" / "archive"
        return {p.stem: p.stat().st_mtime_ns for p in folder.glob("*.xml")}


def _published(public: Path) -> dict[str, bytes]:
    """The feed's Atom document and its archive pages, by path."""
    feed = public / "agency"
    paths = [feed / "atom.xml", feed / "rss.xml", *sorted((feed / "archive").glob("*.xml"))]
    return {str(p.relative_to(public)): p.read_bytes() for p in paths}


def _assert_same(agency: Agency, other: Path) -> None:
    mine = _published(agency.site.root / "public")
    theirs = _published(other)
    assert sorted(mine) == sorted(theirs)
    for path, data in mine.items():
        assert data == theirs[path], path


def _texts(path: Path, xpath: str) -> list[str]:
    found = etree.parse(str(path)).xpath(xpath, namespaces=NS)
    assert isinstance(found, list)
    return [str(text) for text in found]


def _entry_ids(path: Path) -> list[str]:
    """The store ids of a page's entries (``urn:nashra:<source>:<id>``'s last part)."""
    return [i.rsplit(":", 1)[-1] for i in _texts(path, "/a:feed/a:entry/a:id/text()")]


def _chain(agency: Agency) -> list[str]:
    """The pages walked from the subscription feed back by ``prev-archive``."""
    root = agency.site.root / "public" / "agency"
    base = "https://news.example.org/agency/archive/"
    walked: list[str] = []
    path = root / "atom.xml"
    while True:
        links = _texts(path, "/a:feed/a:link[@rel='prev-archive']/@href")
        if not links:
            return walked[::-1]
        key = links[0].removeprefix(base).removesuffix(".xml")
        walked.append(key)
        path = root / "archive" / f"{key}.xml"


def _holding(agency: Agency, ident: str) -> str:
    """The page whose entries include the story ``ident``."""
    folder = agency.site.root / "public" / "agency" / "archive"
    (page,) = [k for k in agency.pages() if ident in _entry_ids(folder / f"{k}.xml")]
    return page


def _around(chain: list[str], *pages: str) -> set[str]:
    """These pages and their neighbours in the chain."""
    near: set[str] = set()
    for page in pages:
        at = chain.index(page)
        near.update(chain[max(at - 1, 0) : at + 2])
    return near


def _rewritten(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {k for k in after if after[k] != before.get(k)}


def test_pages_built_run_after_run_are_those_of_a_full_build(
    site: Site, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive, "PAGE_SIZE", PAGE)
    agency = Agency(site, store)
    for number in range(9):  # September: 9 stories
        agency.add(f"sep{number}", _date(9, 2 + 3 * number))
    for number in range(24):  # October: 24
        agency.add(f"oct{number}", _date(10, 3 + number))
    for number in range(4):  # November: 2 archived, 2 in the feed
        agency.add(f"nov{number}", _date(11, 2 + 5 * number))
    agency.run(NOW)

    public = site.root / "public" / "agency" / "archive"
    pages = agency.pages()
    assert {p[:7] for p in pages} == {"2026-09", "2026-10", "2026-11"}
    assert len(pages) > 4  # months of several pages
    assert _chain(agency) == pages
    ids = [i for key in pages for i in _entry_ids(public / f"{key}.xml")]
    assert sorted(ids) == sorted(
        [*(f"sep{n}" for n in range(9)), *(f"oct{n}" for n in range(24)), "nov0", "nov1"]
    )
    for key in pages:
        assert check_atom((public / f"{key}.xml").read_bytes()) == [], key
    _assert_same(agency, site.root / "full")
    _assert_same(agency, agency.fresh_tree(NOW))

    # new stories: November's pages change, September's and October's stay
    before = agency.stamps()
    for number in range(4, 10):
        agency.add(f"nov{number}", _date(11, 17 + number))
    agency.run(NOW + timedelta(hours=1))
    assert {k[:7] for k in _rewritten(before, agency.stamps())} == {"2026-11"}
    _assert_same(agency, site.root / "full")
    _assert_same(agency, agency.fresh_tree(NOW + timedelta(hours=1)))

    # a story of September corrected: the page holding it alone is written
    before = agency.stamps()
    agency.records["sep4"]["body"] += " وأضاف المتحدث أن اللجنة ستعود للاجتماع يوم الخميس."
    agency.run(NOW + timedelta(hours=2))
    assert _rewritten(before, agency.stamps()) == {_holding(agency, "sep4")}
    assert "ستعود للاجتماع" in (public / f"{_holding(agency, 'sep4')}.xml").read_text("utf-8")
    _assert_same(agency, site.root / "full")
    _assert_same(agency, agency.fresh_tree(NOW + timedelta(hours=2)))

    # a story of October withdrawn: the page that held it is written (or goes,
    # and its neighbours' links follow), no other
    before, chain = agency.stamps(), _chain(agency)
    around = _around(chain, _holding(agency, "oct4"))
    del agency.records["oct4"]
    agency.run(NOW + timedelta(hours=3))
    assert _rewritten(before, agency.stamps()) <= around
    assert "oct4" not in [i for k in agency.pages() for i in _entry_ids(public / f"{k}.xml")]
    assert _chain(agency) == agency.pages()
    _assert_same(agency, site.root / "full")
    _assert_same(agency, agency.fresh_tree(NOW + timedelta(hours=3)))

    # stories arriving late, dated early in October: the page each lands in
    # changes (and a page it begins, with its neighbours' links), the rest of
    # October stays as it was
    for late, day in (("oct-late", 1), ("oct-late2", 2)):
        before = agency.stamps()
        agency.add(late, _date(10, day))
        agency.run(NOW + timedelta(hours=4, minutes=day))
        chain = _chain(agency)
        begun = set(chain) - set(before)
        assert len(begun) <= 1
        rewritten = _rewritten(before, agency.stamps())
        assert rewritten <= _around(chain, _holding(agency, late), *begun)
        assert len(rewritten) < len([k for k in chain if k.startswith("2026-10")])
        _assert_same(agency, site.root / "full")
        _assert_same(agency, agency.fresh_tree(NOW + timedelta(hours=4, minutes=day)))

    # retention expires September and October's first stories from the store:
    # their pages keep what was published
    september = {k: (public / f"{k}.xml").read_bytes() for k in agency.pages() if "-09" in k}
    cutoff = datetime(2026, 10, 3, tzinfo=UTC)
    with store.engine.begin() as conn:  # seen long ago, as old stories are
        old = items.c.sort_date < cutoff
        conn.execute(items.update().where(old).values(first_seen=items.c.sort_date))
    dropped, _ = store.expire(cutoff, datetime(2026, 1, 1, tzinfo=UTC))
    assert dropped == 11
    for ident in [i for i in agency.records if i.startswith("sep")] + ["oct-late", "oct-late2"]:
        del agency.records[ident]  # gone upstream too, as old stories go
    agency.run(NOW + timedelta(hours=5))
    assert {k: (public / f"{k}.xml").read_bytes() for k in september} == september
    _assert_same(agency, site.root / "full")

    # then stories of October still held are corrected, and new ones come: the
    # pages keep the stories the store lost, as the full build does
    for ident in ("oct0", "oct3"):
        agency.records[ident]["body"] += (
            " وأكدت الوزارة أن الإجراءات ستدخل حيز التنفيذ الشهر المقبل."
        )
    for number in range(10, 12):
        agency.add(f"nov{number}", _date(11, 17 + number))
    agency.run(NOW + timedelta(hours=6))
    assert _chain(agency) == agency.pages()
    for key in agency.pages():
        assert check_atom((public / f"{key}.xml").read_bytes()) == [], key
    ids = [i for key in agency.pages() for i in _entry_ids(public / f"{key}.xml")]
    assert len(ids) == len(set(ids))  # no story twice across pages
    assert {"sep0", "sep8", "oct-late", "oct-late2", "oct0", "nov9"} <= set(ids)
    _assert_same(agency, site.root / "full")


class Rendered:
    """Counts the stories whose archive entries are rendered (the others are
    reused from the pages' files)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.ids: list[str] = []
        render = archive.atom_entries

        def counted(meta: Any, stories: Any) -> Any:
            self.ids += [s.item.id.rsplit(":", 1)[-1] for s in stories]
            return render(meta, stories)

        monkeypatch.setattr(archive, "atom_entries", counted)


def test_a_page_rendered_again_renders_only_the_entries_that_changed(
    site: Site, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive, "PAGE_SIZE", 8)
    agency = Agency(site, store)
    for number in range(30):  # August: 30 stories, a few pages
        agency.add(f"aug{number}", _date(8, 1 + number))
    for number in range(2):  # the feed's own
        agency.add(f"dec{number}", _date(12, 1 + number))
    config = agency.config("public")

    def run(at: datetime) -> list[str]:
        lines = [json.dumps(r, ensure_ascii=False) for r in agency.records.values()]
        site.write("agency.jsonl", "\n".join(lines) + "\n")
        rendered = Rendered(monkeypatch)
        run_once(config, store, now=at)
        monkeypatch.undo()
        monkeypatch.setattr(archive, "PAGE_SIZE", 8)
        return rendered.ids

    first = run(NOW)
    assert sorted(first) == sorted(f"aug{n}" for n in range(30))
    public = site.root / "public"
    _assert_same(agency, agency.fresh_tree(NOW))

    # a story corrected and two arriving late, in the middle of the month: their
    # entries are rendered, their pages' other entries are taken from the files
    agency.records["aug12"]["body"] += " وأوضح البيان أن التحقيق ما زال جاريا."
    agency.add("aug-late", _date(8, 15))
    agency.add("aug-late2", _date(8, 3))
    assert sorted(run(NOW + timedelta(hours=1))) == ["aug-late", "aug-late2", "aug12"]
    _assert_same(agency, agency.fresh_tree(NOW + timedelta(hours=1)))

    # a late story that begins a page of its own: the stories after it in its
    # month move to the new page, their entries taken from the page they left
    prefix = _texts(public / "agency" / "atom.xml", "/a:feed/a:entry/a:id/text()")[0]
    prefix = prefix.rsplit(":", 1)[0]
    split = next(
        f"aug-split{n}" for n in range(500) if archive.starts_page(f"{prefix}:aug-split{n}", 8)
    )
    pages = agency.pages()
    agency.add(split, _date(8, 17))
    assert run(NOW + timedelta(hours=1, minutes=30)) == [split]
    assert len(agency.pages()) == len(pages) + 1
    assert _entry_ids(public / "agency" / "archive" / f"{_holding(agency, split)}.xml")[-1] == split
    _assert_same(agency, agency.fresh_tree(NOW + timedelta(hours=1, minutes=30)))

    # a page whose file was edited by hand no longer matches its index: it is
    # rendered whole, and comes out as a full build makes it
    page = public / "agency" / "archive" / f"{_holding(agency, 'aug20')}.xml"
    page.write_bytes(page.read_bytes().replace(b"</feed>", b"<!-- edited --></feed>"))
    on_page = _entry_ids(page)
    agency.records["aug20"]["body"] += " وتابع أن الاجتماع المقبل سيعقد في الرباط."
    assert sorted(run(NOW + timedelta(hours=2))) == sorted(on_page)
    _assert_same(agency, agency.fresh_tree(NOW + timedelta(hours=2)))

    # an index that cannot be read is the same: the page's entries are rendered
    index = public / INDEXES / "agency" / f"{_holding(agency, 'aug5')}.json"
    index.write_text("{", "utf-8")
    on_page = _entry_ids(public / "agency" / "archive" / f"{index.stem}.xml")
    agency.records["aug5"]["title"] += " (محدث)"
    assert sorted(run(NOW + timedelta(hours=3))) == sorted(on_page)
    _assert_same(agency, agency.fresh_tree(NOW + timedelta(hours=3)))
    assert json.loads(index.read_text("utf-8"))["version"] == 1


TWO_FEEDS = (
    CONFIG
    + """
[[feeds]]
name = "everything"
title = "كل شيء"
sources = "*"
limit = 3
"""
)


def test_a_story_in_two_feeds_has_its_archive_entry_rendered_once(
    site: Site, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive, "PAGE_SIZE", 4)
    agency = Agency(site, store)
    for number in range(14):
        agency.add(f"jul{number}", _date(7, 1 + 2 * number))
    lines = [json.dumps(r, ensure_ascii=False) for r in agency.records.values()]
    site.write("agency.jsonl", "\n".join(lines) + "\n")
    path = site.root / "two.toml"
    path.write_text(TWO_FEEDS.replace("PUBLIC", "shared"), "utf-8")
    rendered = Rendered(monkeypatch)
    run_once(load_config(str(path)), store, now=NOW)
    assert sorted(rendered.ids) == sorted(f"jul{n}" for n in range(12))  # once, not twice

    # each feed's pages are those rendered without sharing, byte for byte
    monkeypatch.setattr(archive, "SHARED_BYTES", 0)
    path.write_text(TWO_FEEDS.replace("PUBLIC", "apart"), "utf-8")
    rendered.ids.clear()
    publish(load_config(str(path)), store, now=NOW)
    assert len(rendered.ids) == 12 + 11  # the second feed lists one more
    for feed in ("agency", "everything"):
        mine = sorted((site.root / "shared" / feed / "archive").glob("*.xml"))
        theirs = sorted((site.root / "apart" / feed / "archive").glob("*.xml"))
        assert [p.name for p in mine] == [p.name for p in theirs] != []
        for one, other in zip(mine, theirs, strict=True):
            assert one.read_bytes() == other.read_bytes(), one.name


def test_an_entry_is_shared_only_with_feeds_naming_its_source_alike() -> None:
    goud = ("كود", "https://www.goud.ma/feed/")
    story = Listed("urn:nashra:goud:12", "urn:nashra:goud:12", "r1", NOW)
    entry = AtomEntry(b"  <entry/>\n", NOW, "goud", goud)
    shared = archive.SharedEntries()
    shared.add("https://news.example.org/", story, entry)
    assert shared.get("https://news.example.org/", story, {"goud": goud}) is entry
    assert shared.get("https://news.example.org/", story, {}) is None  # not attributed there
    renamed = {"goud": ("جريدة كود", goud[1])}
    assert shared.get("https://news.example.org/", story, renamed) is None
    assert shared.get("https://other.example.org/", story, {"goud": goud}) is None
    edited = Listed(story.id, story.root, "r2", NOW)
    assert shared.get("https://news.example.org/", edited, {"goud": goud}) is None
    full = archive.SharedEntries(limit=len(entry.data) - 1)
    full.add("https://news.example.org/", story, entry)
    assert full.get("https://news.example.org/", story, {"goud": goud}) is None
