"""The manifest a publish writes (``public/.nashra/manifest.json``), the compressed
copies beside each feed-level file, and the files of feeds no longer configured:
real publishes of real Arabic bulletins into a scratch site, read back."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta
from importlib import resources
from pathlib import Path

import brotli
import pytest

from feeds.manifest import MANIFEST, etag_of
from feeds.manifest import load as load_manifest
from feeds.pipeline import run_once
from feeds.publish import publish
from feeds.store import Store
from tests.conftest import NOW, Site

FEEDS = ("rss.xml", "atom.xml", "feed.json")
BASE = "https://news.example.org/"
EVERY = {"libya": "10m", "records": "2m"}
"""Polling intervals: the ``all`` feed's most often polled source is every 2
minutes, the ``libya`` feed's every 10 (``docs`` keeps the default 5)."""


def _configure(site: Site) -> None:
    text = site.config_path.read_text("utf-8")
    for name, every in EVERY.items():
        text = text.replace(f'name = "{name}"\n', f'name = "{name}"\nevery = "{every}"\n', 1)
    site.config_path.write_text(text, "utf-8")


def _drop_last_feed(site: Site) -> None:
    text = site.config_path.read_text("utf-8")
    site.config_path.write_text(text[: text.rindex("[[feeds]]")], "utf-8")


def _agency(ident: str, title: str, body: str) -> str:
    record = {"id": ident, "title": title, "body": body, "date": "2026-11-29T11:00:00+00:00"}
    return json.dumps(record, ensure_ascii=False) + "\n"


def _stamps(public: Path) -> dict[str, int]:
    return {
        p.relative_to(public).as_posix(): p.stat().st_mtime_ns
        for p in sorted(public.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def published(site: Site, store: Store) -> Site:
    _configure(site)
    site.copy("bulletins/bulletin-libya.txt")  # three stories; the libya feed lists two
    run_once(site.config(), store, now=NOW)
    return site


def test_every_feed_level_file_is_listed_with_its_copies(published: Site) -> None:
    public = published.public
    manifest = load_manifest(public)
    feed_files = {f"{feed}/{name}" for feed in ("all", "libya") for name in FEEDS}
    assert set(manifest.files) == feed_files | {
        "libya/archive/2026-11.xml",
        "index.html",
        "feeds.opml",
        "feed.xsl",
    }
    assert not manifest.gone
    for path, entry in manifest.files.items():
        target = public / path
        data = target.read_bytes()
        status = target.stat()
        assert (entry.etag, entry.size) == (etag_of(data), len(data)), path
        assert entry.modified == status.st_mtime, path
        assert entry.encodings == ("br", "gzip"), path
        assert brotli.decompress((public / f"{path}.br").read_bytes()) == data, path
        assert gzip.decompress((public / f"{path}.gz").read_bytes()) == data, path
        for suffix in (".br", ".gz"):  # one Last-Modified whichever copy is sent
            assert (public / f"{path}{suffix}").stat().st_mtime_ns == status.st_mtime_ns

    for path in feed_files:
        entry = manifest.files[path]
        assert entry.cors and entry.links == (("self", BASE + path),)
        assert entry.max_age == (120 if path.startswith("all/") else 600)
    assert manifest.files["all/rss.xml"].content_type == "application/rss+xml; charset=utf-8"
    assert manifest.files["feeds.opml"].content_type == "text/x-opml; charset=utf-8"
    index = manifest.files["index.html"]
    assert (index.max_age, index.cors, index.links) == (120, False, ())
    template = resources.files("feeds").joinpath("templates", "feed.xsl").read_bytes()
    assert (public / "feed.xsl").read_bytes() == template

    # story pages: neither listed nor compressed
    pages = sorted((public / "stories").iterdir())
    assert len(pages) == 3 and all(p.suffix == ".html" for p in pages)
    assert json.loads((public / MANIFEST).read_text("utf-8"))["version"] == 1


def test_a_publish_with_nothing_new_touches_nothing(published: Site, store: Store) -> None:
    before = _stamps(published.public)
    manifest = (published.public / MANIFEST).read_bytes()
    result = publish(published.config(), store)
    assert result.written == [] and result.changed == {}
    assert _stamps(published.public) == before
    assert (published.public / MANIFEST).read_bytes() == manifest


def test_copies_follow_their_file_only_when_its_bytes_change(published: Site, store: Store) -> None:
    public = published.public
    before = load_manifest(public)
    stamps = _stamps(public)
    published.write(
        "agency.jsonl",
        _agency("wafa-1", "افتتاح مدرسة جديدة في مصراتة", "افتتحت وزارة التعليم مدرسة جديدة."),
    )
    result = run_once(published.config(), store, now=NOW + timedelta(hours=1)).published
    assert set(result.changed) == {"all"}  # a records story: only the all feed lists it
    after = load_manifest(public)
    for name in FEEDS:
        path = f"all/{name}"
        data = (public / path).read_bytes()
        assert after.files[path].etag == etag_of(data) != before.files[path].etag
        assert after.files[path].modified == (public / path).stat().st_mtime
        assert gzip.decompress((public / f"{path}.gz").read_bytes()) == data
        assert brotli.decompress((public / f"{path}.br").read_bytes()) == data
        unchanged = f"libya/{name}"
        assert after.files[unchanged] == before.files[unchanged]
        for suffix in ("", ".br", ".gz"):
            assert _stamps(public)[unchanged + suffix] == stamps[unchanged + suffix]


def test_a_missing_copy_is_written_again(published: Site, store: Store) -> None:
    public = published.public
    original = public / "all" / "atom.xml"
    stamp = original.stat().st_mtime_ns
    (public / "all" / "atom.xml.br").unlink()
    publish(published.config(), store)
    copy = public / "all" / "atom.xml.br"
    assert brotli.decompress(copy.read_bytes()) == original.read_bytes()
    assert original.stat().st_mtime_ns == stamp == copy.stat().st_mtime_ns


def test_a_feed_no_longer_configured_is_removed_and_gone(published: Site, store: Store) -> None:
    public = published.public
    theirs = [
        public / "libya" / "notes.txt",
        public / "mine.html",
        public / "libya" / "rss.xml.bak",
    ]
    for path in theirs:
        path.write_text("ملف يخص المحرر", "utf-8")
    libya = {p for p in load_manifest(public).files if p.startswith("libya/")}
    assert len(libya) == 4

    _drop_last_feed(published)  # the libya feed
    result = publish(published.config(), store)
    manifest = load_manifest(public)
    assert manifest.gone == libya
    # the same list for nginx (deploy/nginx.conf includes it in a map: 410 Gone)
    gone_map = (public / ".nashra" / "gone.map").read_text("utf-8").splitlines()
    assert gone_map == [f'"/{path}" 1;' for path in sorted(libya)]
    assert not any(p.startswith("libya/") for p in manifest.files)
    for path in libya:
        for suffix in ("", ".br", ".gz"):
            assert not (public / f"{path}{suffix}").exists(), path + suffix
    assert sorted(result.removed) == sorted(public / p for p in libya)
    assert not (public / "libya" / "archive").exists()  # emptied: removed
    assert all(p.read_text("utf-8") == "ملف يخص المحرر" for p in theirs)  # never theirs
    assert "libya/rss.xml" not in (public / "feeds.opml").read_text("utf-8")
    assert (public / "all" / "rss.xml").is_file()
    assert len(list((public / "stories").glob("*.html"))) == 3

    again = publish(published.config(), store)  # gone stays gone, nothing else happens
    assert again.removed == [] and load_manifest(public).gone == libya

    published.config_path.write_text(
        published.config_path.read_text("utf-8")
        + '\n[[feeds]]\nname = "libya"\ntitle = "أخبار ليبيا"\nsources = ["libya"]\nlimit = 2\n',
        "utf-8",
    )
    publish(published.config(), store)
    back = load_manifest(public)
    assert not back.gone
    assert not (public / ".nashra" / "gone.map").exists()
    assert libya <= set(back.files)
