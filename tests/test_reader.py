"""A real feed reader (newsboat) reads what nashra publishes: every item, Arabic
titles intact, ids and links as published. `.ci/run` installs newsboat."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from feeds.pipeline import run_once
from tests.conftest import NOW, Site

NEWSBOAT = shutil.which("newsboat")
pytestmark = pytest.mark.skipif(
    NEWSBOAT is None, reason="newsboat is not installed (.ci/run installs it)"
)

RECORDS = "".join(
    json.dumps(r, ensure_ascii=False) + "\n"
    for r in [
        {"id": "خبر-1", "title": "COVID-19: ليبيا تطلق حملة تطعيم جديدة", "text": "أطلقت وزارة الصحة حملة."},
        {"title": "هل تنجح المفاوضات؟ «الحوار» يعود إلى جنيف", "text": "عاد المتحاورون إلى جنيف.",
         "url": "https://news.example.org/أخبار/جنيف?utm_source=rss", "date": "٢٨ نوفمبر ٢٠٢٦"},
    ]
)  # fmt: skip


def read_with_newsboat(feed: Path, home: Path) -> list[tuple[str, str, str]]:
    """Let newsboat fetch one feed file; return (title, guid, url) of what it stored."""
    home.mkdir()
    (home / "urls").write_text(f"file://{feed}\n", "utf-8")
    cache = home / "cache.db"
    assert NEWSBOAT is not None
    subprocess.run(
        [NEWSBOAT, "-u", str(home / "urls"), "-c", str(cache), "-C", "/dev/null", "-x", "reload"],
        env={"HOME": str(home), "LANG": "C.UTF-8"},
        check=True,
        timeout=60,
        capture_output=True,
    )
    with sqlite3.connect(cache) as conn:
        return sorted(conn.execute("select title, guid, url from rss_item"))


@pytest.mark.parametrize("name", ["rss.xml", "atom.xml"])
def test_newsboat_shows_every_item_with_its_arabic_title(
    site: Site, tmp_path: Path, name: str
) -> None:
    site.copy("bulletins/bulletin-libya.txt")
    site.write("records.jsonl", RECORDS)
    store = site.store()
    try:
        run_once(site.config(), store, now=NOW)
    finally:
        store.close()
    published = json.loads((site.public / "all" / "feed.json").read_text("utf-8"))["items"]
    expected = sorted((i["title"], i["id"], i["url"]) for i in published)
    assert len(expected) == 5
    assert read_with_newsboat(site.public / "all" / name, tmp_path / "reader") == expected
