"""``nashra migrate`` (#11, ``feeds.store.transfer``): an embedded installation,
filled by the pipeline with real Arabic articles (Goud.ma, MArSum corpus, CC BY 4.0)
and a Libyan bulletin, copied into PostgreSQL and into another SQLite file; every
row of every table compared, a stopped copy resumed, refusals, and the copy
publishing the same bytes as the original.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, create_engine, func, inspect, select, update

from feeds.pipeline import run_once
from feeds.store import SCHEMA_VERSION, Store
from feeds.store.changes import EVERYTHING
from feeds.store.database import safe
from feeds.store.tables import changes, items, meta, near_bands, sources
from feeds.store.transfer import PROGRESS, TABLES, transfer
from sources.errors import StoreError
from tests.conftest import DATA, NOW, POSTGRES, Site, postgres_database
from tests.test_cli import NASHRA, settle
from tests.test_topics import articles

EVERY_TABLE = (meta, *TABLES)
SITE_FEEDS = """
[[sources]]
name = "goud"
path = "sources/goud.jsonl"

[[sources]]
name = "wire"
path = "sources/wire.jsonl"
priority = 1

[[feeds]]
name = "sahara"
title = "الصحراء والأمم المتحدة"
match = '"الأمم المتحدة" OR الصحراء'
"""
STORIES = 90
COPIES = range(0, 90, 3)
"""Stories the wire carries too, with its own headline and a line added: merged."""


def _fill(site: Site) -> None:
    site.config_path.write_text(site.config_path.read_text("utf-8") + SITE_FEEDS, "utf-8")
    site.copy("bulletins/bulletin-libya.txt")
    goud, wire = [], []
    for n, article in enumerate(articles()[:STORIES]):
        date = (NOW - timedelta(minutes=13 * n)).isoformat()
        record = {"title": article["title"], "body": article["body"], "date": date}
        goud.append({**record, "id": f"goud-{n}", "url": f"https://goud.example/{n}"})
        if n in COPIES:
            body = article["body"] + " المصدر: وكالات."
            copy = {**record, "title": "عاجل: " + article["title"], "body": body}
            wire.append({**copy, "id": f"wire-{n}", "url": f"https://wire.example/{n}"})
    for name, records in (("goud.jsonl", goud), ("wire.jsonl", wire)):
        site.write(name, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site and its embedded store after one run, two sources leased by a node."""
    site = Site(tmp_path_factory.mktemp("installation") / "site")
    _fill(site)
    store = site.store()
    try:
        report = run_once(site.config(), store, now=NOW)
        assert report.total("merged") == len(COPIES) and not report.has_errors
        assert len(store.claim_due(NOW + timedelta(days=1), 2, 600)) == 2
    finally:
        store.close()
    return site.root


@pytest.fixture
def site(installation: Path, tmp_path: Path) -> Path:
    """A copy of the installation's folder for one test to change."""
    root = tmp_path / "site"
    shutil.copytree(installation, root)
    return root


def _url(root: Path) -> str:
    return f"sqlite:///{root / '.state' / 'nashra.db'}"


def _meta(url: str) -> dict[str, str]:
    return {row["key"]: row["value"] for row in _rows(url, meta)}


def _rows(url: str, table: Table) -> list[dict[str, Any]]:
    """Every row of a table, every column as the store reads it, in key order."""
    store = Store.open(url)
    try:
        with store.engine.connect() as conn:
            found = [dict(r) for r in conn.execute(select(table)).mappings()]
    finally:
        store.close()
    key = [c.name for c in table.primary_key.columns]
    return sorted(found, key=lambda row: [row[k] for k in key])


def _count(url: str, table: Table) -> int:
    store = Store.open(url)
    try:
        with store.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table)).scalar_one())
    finally:
        store.close()


def _created_at(url: str) -> datetime:
    store = Store.open(url)
    try:
        return store.created_at()
    finally:
        store.close()


def _assert_same_rows(source: str, target: str) -> None:
    for table in EVERY_TABLE:
        theirs = _rows(target, table)
        mine = _rows(source, table)
        if table is sources:  # no node holds a source in the new store
            mine = [{**r, "leased_until": None, "leased_by": None} for r in mine]
        if table is changes:  # every feed is read again from the new store
            new = [r for r in theirs if r["key"] == EVERYTHING]
            assert new and new != [r for r in mine if r["key"] == EVERYTHING]
            theirs = [r for r in theirs if r["key"] != EVERYTHING]
            mine = [r for r in mine if r["key"] != EVERYTHING]
        assert theirs == mine, table.name


# ------------------------------------------------------------------------- copying


def test_every_row_of_every_table_is_copied(site: Path, database_url: str) -> None:
    source = _url(site)
    held = _rows(source, sources)
    assert sum(r["leased_by"] is not None for r in held) == 2
    assert any(r["shingles"] for r in _rows(source, items))  # bytes, to round-trip
    for table in TABLES:  # every table has something to copy
        assert _count(source, table) > 0, table.name

    done = transfer(source, database_url, batch=50)

    assert done.verified, done.checks
    _assert_same_rows(source, database_url)
    copied = {c.table: c.copied for c in done.copies}
    # meta: created_at (the source's, over the one the new store was given) and how
    # far the near-duplicate bands were pruned; never the schema version
    own = [r["key"] for r in _rows(source, meta) if r["key"] != "schema_version"]
    assert {"created_at", "near_bands_since"} <= set(own)
    assert copied == {t.name: _count(source, t) for t in EVERY_TABLE if t is not meta} | {
        "meta": len(own)
    }
    assert all(c.present == 0 for c in done.copies)
    assert {c.table for c in done.checks} == {t.name for t in EVERY_TABLE}
    assert _created_at(database_url) == _created_at(source)


def test_a_store_of_the_first_release_is_upgraded_then_copied(
    tmp_path: Path, database_url: str
) -> None:
    release = tmp_path / "release.db"
    shutil.copy(DATA / "stores" / "nashra-0.1.0.db", release)
    done = transfer(f"sqlite:///{release}", database_url)
    assert done.verified and done.copied > 0
    assert _meta(f"sqlite:///{release}")["schema_version"] == str(SCHEMA_VERSION)
    _assert_same_rows(f"sqlite:///{release}", database_url)


def test_a_stopped_copy_resumes_where_it_stopped(site: Path, database_url: str) -> None:
    source = _url(site)

    class Stop(Exception):
        pass

    batches: list[tuple[str, int]] = []

    def stop_in_items(table: str, rows: int) -> None:
        batches.append((table, rows))
        if table == "items" and sum(t == "items" for t, _ in batches) == 5:
            raise Stop

    with pytest.raises(Stop):
        transfer(source, database_url, batch=7, on_batch=stop_in_items)
    assert _count(database_url, items) == 35  # five batches of seven, each committed
    progress = json.loads(_meta(database_url)[PROGRESS])
    assert progress["tables"]["sources"] == "done" and "dedup_keys" not in progress["tables"]

    resumed: list[tuple[str, int]] = []
    done = transfer(source, database_url, batch=7, on_batch=lambda t, n: resumed.append((t, n)))
    assert done.verified, done.checks
    by_table = {c.table: c for c in done.copies}
    total = _count(source, items)
    assert (by_table["items"].copied, by_table["items"].present) == (total - 35, 35)
    assert by_table["sources"].copied == 0  # finished before the stop: not read again
    assert not any(t == "sources" for t, _ in resumed)
    assert sum(n for t, n in resumed if t == "items") == total - 35
    assert PROGRESS not in _meta(database_url)
    _assert_same_rows(source, database_url)


def test_a_second_run_copies_nothing(site: Path, database_url: str) -> None:
    source = _url(site)
    first = transfer(source, database_url)
    second = transfer(source, database_url)
    assert first.copied > 0 and second.copied == 0 and second.verified
    assert [c.present for c in second.copies if c.table != "meta"] == [
        c.copied for c in first.copies if c.table != "meta"
    ]
    _assert_same_rows(source, database_url)


def test_a_copy_killed_mid_run_resumes(site: Path, database_url: str) -> None:
    """``nashra migrate`` killed with SIGKILL while it copies the bands, then run again."""
    args = [*NASHRA, "migrate", "--from", _url(site), "--to", database_url, "--batch", "1"]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            if _copying(database_url, "near_bands"):
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.05)
        assert process.wait(timeout=30) == -signal.SIGKILL, "the copy ended before the kill"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()
        process.stderr.close()
    assert 0 < _count(database_url, near_bands) < _count(_url(site), near_bands)

    done = subprocess.run(
        [*args[:-1], "500"], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = {line.split()[0]: line.split() for line in done.stdout.splitlines()[1:-1]}
    assert lines["items"][1] == "0"  # copied before the kill
    copied, present = (int(lines["near_bands"][i].replace(",", "")) for i in (1, 3))
    assert copied > 0 and present > 0
    assert done.stdout.splitlines()[-1].startswith("verified: ")
    _assert_same_rows(_url(site), database_url)


def _copying(url: str, table: str) -> bool:
    """Whether the copy into ``url`` has begun ``table`` (read without opening a Store:
    the copy holds the store)."""
    try:
        rows = _rows(url, meta)
    except StoreError:
        return False
    for row in rows:
        if row["key"] == PROGRESS:
            return json.loads(row["value"])["tables"].get(table) not in (None, "done")
    return False


# ------------------------------------------------------------------------ refusals


def test_a_target_holding_another_installation_is_refused(
    site: Path, database_url: str, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    shutil.copytree(site, other)
    other_store = Store.open(_url(other))
    with other_store.engine.begin() as conn:  # another installation: made at another time
        conn.execute(update(meta).where(meta.c.key == "created_at").values(value="2020-01-01"))
    other_store.close()
    transfer(_url(other), database_url)
    before = _count(database_url, items)

    with pytest.raises(StoreError) as refused:
        transfer(_url(site), database_url)
    assert str(refused.value).startswith(f"the store {safe(database_url)} already holds")
    assert "migrate into an empty database" in str(refused.value)
    assert _count(database_url, items) == before
    assert _created_at(database_url).year == 2020


def test_a_story_at_another_revision_in_the_target_is_refused(
    site: Path, database_url: str
) -> None:
    transfer(_url(site), database_url)
    target = Store.open(database_url)
    story = _rows(database_url, items)[10]["id"]
    with target.engine.begin() as conn:  # edited there since it was copied
        conn.execute(update(items).where(items.c.id == story).values(rev="f" * 64))
    target.close()
    with pytest.raises(StoreError) as refused:
        transfer(_url(site), database_url)
    message = str(refused.value)
    assert message.startswith(f"the store {safe(database_url)} already holds another")
    assert repr(story) in message and "ffffffffffff there" in message


def test_a_store_into_itself_is_refused(site: Path) -> None:
    spelled = f"sqlite:///{site / 'sources' / '..' / '.state' / 'nashra.db'}"
    with pytest.raises(StoreError, match="is the store being migrated"):
        transfer(_url(site), spelled)
    with pytest.raises(StoreError, match="is the store being migrated"):
        transfer("sqlite:///.state/nashra.db", _url(site), base_dir=str(site))


def test_a_source_newer_than_this_nashra_is_refused(site: Path, tmp_path: Path) -> None:
    store = Store.open(_url(site))
    with store.engine.begin() as conn:
        conn.execute(update(meta).where(meta.c.key == "schema_version").values(value="99"))
    store.close()
    target = tmp_path / "new.db"
    with pytest.raises(StoreError) as refused:
        transfer(_url(site), f"sqlite:///{target}")
    assert str(refused.value) == (
        f"the store {_url(site)} has schema version 99, newer than this nashra "
        f"({SCHEMA_VERSION}): upgrade nashra"
    )
    assert not target.exists()


def test_a_missing_source_is_refused(tmp_path: Path) -> None:
    missing = f"sqlite:///{tmp_path / 'nowhere.db'}"
    with pytest.raises(StoreError, match=r"^no store at sqlite:///.*nowhere\.db: nothing"):
        transfer(missing, f"sqlite:///{tmp_path / 'new.db'}")
    assert not (tmp_path / "nowhere.db").exists() and not (tmp_path / "new.db").exists()


@pytest.mark.skipif(not POSTGRES, reason="NASHRA_TEST_POSTGRES is not set (.ci/run sets it)")
def test_an_empty_postgresql_source_is_refused(tmp_path: Path) -> None:
    with postgres_database() as empty:
        with pytest.raises(StoreError) as refused:
            transfer(empty, f"sqlite:///{tmp_path / 'new.db'}")
        assert str(refused.value) == f"no store at {safe(empty)}: nothing to migrate"
        engine = create_engine(empty)
        try:
            assert inspect(engine).get_table_names() == []  # left as it was
        finally:
            engine.dispose()


def test_a_copy_missing_stories_is_not_verified(site: Path, database_url: str) -> None:
    """A story the target cannot take (another story there has its page's slug) is
    said, and the command exits 1."""
    source = _url(site)
    transfer(source, database_url)
    lost = _rows(database_url, items)[3]
    target = Store.open(database_url)
    with target.engine.begin() as conn:
        conn.execute(items.delete().where(items.c.id == lost["id"]))
        conn.execute(items.insert().values({**lost, "id": "another-story"}))
    target.close()
    done = subprocess.run(
        [*NASHRA, "migrate", "--from", source, "--to", database_url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr == f"differs items: 1 missing (first {lost['id']!r})\n"
    assert done.stdout.splitlines()[-1] == (
        f"not verified: {safe(database_url)} lacks rows of {source} (items): run it again"
    )


def test_the_command_says_a_refusal_in_one_line(site: Path) -> None:
    done = subprocess.run(
        [*NASHRA, "migrate", "--from", _url(site), "--to", _url(site)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr == (
        f"error: the store {_url(site)} is the store being migrated: give --to another database\n"
    )


# ------------------------------------------------------------------- the new store


def test_the_copy_publishes_the_same_bytes(site: Path, database_url: str) -> None:
    """``nashra once`` on the copy and on the original, after the migration: the same
    ``public/`` trees, byte for byte."""
    done = subprocess.run(
        [*NASHRA, "migrate", "--from", _url(site), "--to", database_url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith(f"verified: {safe(database_url)} holds")
    config = (site / "nashra.toml").read_text("utf-8")
    for name, database in (("original", ""), ("copy", database_url)):
        site.joinpath(f"{name}.toml").write_text(
            config.replace(
                "[site]\n", f'[site]\ndatabase = "{database}"\npublic_dir = "{name}"\n', 1
            ),
            encoding="utf-8",
        )
    settle(site / "sources")
    for name in ("original", "copy"):
        once = subprocess.run(
            [*NASHRA, "--config", f"{name}.toml", "once"],
            cwd=site,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert once.returncode == 0, once.stderr
        assert "0 new" in once.stdout.splitlines()[-1]
    original, copy = _tree(site / "original"), _tree(site / "copy")
    assert len(original) > 20 and any(p.startswith("sahara/") for p in original)
    assert original.keys() == copy.keys()
    assert [p for p in original if original[p] != copy[p]] == []
    # what is served of each file, as the manifest says (its write time aside)
    assert _served(site / "original") == _served(site / "copy")


def _tree(root: Path) -> dict[str, bytes]:
    """Every file nashra published, by path: all but its own bookkeeping in
    ``.nashra/`` (never served), which holds write times and the store's own
    random change tokens."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".nashra" not in p.relative_to(root).parts
    }


def _served(root: Path) -> list[dict[str, Any]]:
    manifest = json.loads((root / ".nashra" / "manifest.json").read_text("utf-8"))
    assert len(manifest["files"]) > 10
    return [{k: v for k, v in f.items() if k != "modified"} for f in manifest["files"]]
