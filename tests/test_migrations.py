"""The store's migrations: a store made by the first release upgrades in place on
SQLite and PostgreSQL, keeping every story, dedup key, source state and file
fingerprint; a store newer than this nashra is refused and left as it was.

The release's stores are tests/data/stores/nashra-0.1.0.db (SQLite) and
nashra-0.1.0.postgres.sql (a pg_dump), both made by the release's own ``nashra
once`` (tests/data/stores/make_release_store.py).
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import Engine, create_engine, inspect, text

from feeds.store import SCHEMA_VERSION, Store
from feeds.store.migrate import MIGRATIONS, _config
from feeds.store.tables import metadata
from sources.errors import StoreError
from tests.conftest import DATABASES, postgres_database
from tests.test_cli import settle
from tests.test_store_race import _open_at_once

NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)
STORES = Path(__file__).parent / "data" / "stores"
ROOT = Path(__file__).parents[1]
RELEASE_TABLES = ("dedup_keys", "files", "items", "meta", "sources")


def _load_dump(url: str) -> None:
    engine = create_engine(url)
    try:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute((STORES / "nashra-0.1.0.postgres.sql").read_text(encoding="utf-8"))
            raw.commit()
        finally:
            raw.close()
    finally:
        engine.dispose()


@pytest.fixture(params=DATABASES)
def release_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store made by the first release, on each database."""
    if request.param == "sqlite":
        path = tmp_path / "nashra.db"
        shutil.copy(STORES / "nashra-0.1.0.db", path)
        yield f"sqlite:///{path}"
    else:
        with postgres_database() as url:
            _load_dump(url)
            yield url


def _engine(url: str) -> Engine:
    return create_engine(url)


def _rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as the database gives it."""
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            tables = sorted(inspect(conn).get_table_names())
            return {
                table: sorted(tuple(row) for row in conn.execute(text(f'SELECT * FROM "{table}"')))
                for table in tables
            }
    finally:
        engine.dispose()


def _schema(url: str) -> dict[str, Any]:
    """Tables, columns, keys, indexes and unique constraints, as the database reports them."""
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            found = inspect(conn)
            return {
                table: (
                    [(c["name"], str(c["type"]), c["nullable"]) for c in found.get_columns(table)],
                    found.get_pk_constraint(table)["constrained_columns"],
                    sorted((i["name"], tuple(i["column_names"])) for i in found.get_indexes(table)),
                    sorted(tuple(u["column_names"]) for u in found.get_unique_constraints(table)),
                )
                for table in sorted(found.get_table_names())
                if table != "alembic_version"
            }
    finally:
        engine.dispose()


def _alembic_version(url: str) -> list[str]:
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    finally:
        engine.dispose()


def _release_columns(
    after: list[tuple[Any, ...]], before: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """Rows of an upgraded table cut to the release's columns; the columns later
    migrations added (at the end) must be empty."""
    width = len(before[0]) if before else 0
    assert all(value is None for row in after for value in row[width:])
    return [row[:width] for row in after]


def _execute(url: str, *statements: str) -> None:
    engine = _engine(url)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


def test_a_release_store_upgrades_in_place_keeping_everything(
    release_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    before = _rows(release_url)
    assert sorted(before) == list(RELEASE_TABLES)
    assert len(before["items"]) == 12 and len(before["dedup_keys"]) == 27
    assert dict(before["meta"])["schema_version"] == "1"

    with caplog.at_level(logging.INFO, logger="feeds.store"):
        store = Store.open(release_url)
    assert [r.getMessage() for r in caplog.records if r.name.startswith("feeds.")] == [
        f"upgraded the store {store.name} from schema version 1 to {SCHEMA_VERSION}"
    ]
    try:
        after = _rows(release_url)
        for table in ("items", "dedup_keys", "files", "sources"):
            assert _release_columns(after[table], before[table]) == before[table], table
        meta = dict(after["meta"])
        assert meta == {**dict(before["meta"]), "schema_version": str(SCHEMA_VERSION)}
        assert _alembic_version(release_url) == [f"{SCHEMA_VERSION:04d}"]

        # and through the store: stories, fingerprints, validators, redirects, gone, failures
        assert store.count() == 12
        titles = [item.title for item in store.latest(["wire", "libya-bulletin"], 20)]
        assert "المكتبة الوطنية كتواصل خدمتها مع الناشرين والمؤلفين عن بعد" in titles
        assert sorted(store.file_fingerprints()) == [
            "examples/bulletin-libya.txt",
            "examples/goud.jsonl",
            "examples/stories/2026-11-28-tripoli-book-fair.md",
        ]
        states = store.source_states()
        assert states["wire"].etag == '"wire-2026-11-29"'
        assert states["wire"].last_modified == "Sun, 29 Nov 2026 07:05:00 GMT"
        assert (states["wire-old"].moved_to or "").endswith("/feed.xml")
        assert states["wire-gone"].gone is True
        rows = {row["name"]: row for row in store.source_rows()}
        assert rows["wire-broken"]["failures"] == 1 and rows["wire"]["total"] == 3
        assert store.created_at().isoformat() == meta["created_at"]
        assert store.last_publish() is None
    finally:
        store.close()
    # opening again finds nothing to do
    Store.open(release_url).close()
    assert _rows(release_url) == after


def test_nashra_once_works_on_an_upgraded_release_store(
    release_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import scheduler

    site = tmp_path / "site"
    shutil.copytree(ROOT / "examples", site / "examples")
    config = (ROOT / "nashra.toml").read_text(encoding="utf-8")
    database = release_url.replace("\\", "/")
    (site / "nashra.toml").write_text(
        config.replace('# database = "sqlite:///.state/nashra.db"', f'database = "{database}"'),
        encoding="utf-8",
    )
    assert f'database = "{database}"' in (site / "nashra.toml").read_text(encoding="utf-8")
    settle(site / "examples")
    monkeypatch.chdir(site)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        done = CliRunner().invoke(scheduler.cli, ["once"])
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    assert done.exit_code == 0, done.output
    assert "0 failed" in done.stdout
    # the release's stories are not new again, and are published
    assert "libya-bulletin: 0 new" in done.stdout
    feed = json.loads((site / "public" / "all" / "feed.json").read_text(encoding="utf-8"))
    titles = {entry["title"] for entry in feed["items"]}
    store = Store.open(release_url)
    try:
        assert store.count() >= 12
        published = store.last_publish()
        assert published is not None and published.error is None
        stored = store.latest(["libya-bulletin", "goud", "stories"], 50)
        assert len(stored) == 9 and {item.title for item in stored} <= titles
    finally:
        store.close()


@pytest.mark.parametrize("newer", ["0099", "f00dcafe1234"])
def test_a_store_at_an_unknown_revision_is_refused_untouched(database_url: str, newer: str) -> None:
    Store.open(database_url).close()
    _execute(database_url, f"UPDATE alembic_version SET version_num = '{newer}'")
    before = _rows(database_url)
    with pytest.raises(StoreError) as caught:
        Store.open(database_url)
    message = str(caught.value)
    assert f"is at schema revision {newer}, which this nashra" in message
    assert message.endswith("does not know: upgrade nashra") and "\n" not in message
    assert _rows(database_url) == before


def test_a_release_store_of_a_newer_schema_version_is_refused_untouched(release_url: str) -> None:
    newer = SCHEMA_VERSION + 1
    _execute(release_url, f"UPDATE meta SET value = '{newer}' WHERE key = 'schema_version'")
    before = _rows(release_url)
    with pytest.raises(
        StoreError,
        match=rf"has schema version {newer}, newer than this nashra \({SCHEMA_VERSION}\)",
    ):
        Store.open(release_url)
    assert _rows(release_url) == before  # no alembic_version table, nothing upgraded


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2.0", r"has schema version '2\.0', not a number"),
        ("ثلاثة", "has schema version 'ثلاثة', not a number"),
    ],
)
def test_a_schema_version_that_is_not_a_number_is_refused_untouched(
    release_url: str, value: str, message: str
) -> None:
    _execute(release_url, f"UPDATE meta SET value = '{value}' WHERE key = 'schema_version'")
    before = _rows(release_url)
    with pytest.raises(StoreError, match=message):
        Store.open(release_url)
    assert _rows(release_url) == before


def test_nashra_tables_without_a_schema_version_are_refused(release_url: str) -> None:
    _execute(release_url, "DELETE FROM meta WHERE key = 'schema_version'")
    before = _rows(release_url)
    with pytest.raises(StoreError, match="has nashra's tables but no schema version"):
        Store.open(release_url)
    assert _rows(release_url) == before


def test_a_migrated_store_newer_in_meta_is_refused(database_url: str) -> None:
    Store.open(database_url).close()
    _execute(
        database_url, f"UPDATE meta SET value = '{SCHEMA_VERSION + 1}' WHERE key = 'schema_version'"
    )
    before = _rows(database_url)
    with pytest.raises(StoreError, match="newer than this nashra"):
        Store.open(database_url)
    assert _rows(database_url) == before


def test_a_store_made_between_the_release_and_the_migrations_is_stamped(
    database_url: str,
) -> None:
    """Schema version 2 without Alembic (the development version before migrations):
    it has the publishes table already; it is stamped, not rebuilt."""
    store = Store.open(database_url)
    store.record_publish(NOW, "تعذر النشر")
    store.close()
    _execute(database_url, "DROP TABLE alembic_version")
    before = _rows(database_url)
    Store.open(database_url).close()
    after = _rows(database_url)
    assert after.pop("alembic_version") == [(f"{SCHEMA_VERSION:04d}",)]
    assert after == before


def test_a_half_upgrade_never_happens(release_url: str) -> None:
    """A migration that fails leaves the store as it was: no stamp, no new table."""
    _execute(release_url, "CREATE TABLE publishes (name VARCHAR(16) PRIMARY KEY)")
    before = _rows(release_url)
    with pytest.raises(StoreError, match=r"^cannot open the store .*publishes"):
        Store.open(release_url)
    assert _rows(release_url) == before


def test_first_runs_at_once_upgrade_a_release_store_once(release_url: str) -> None:
    before = _rows(release_url)
    assert _open_at_once(release_url) == ["ok"] * 4
    after = _rows(release_url)
    assert after.pop("alembic_version") == [(f"{SCHEMA_VERSION:04d}",)]
    assert after.pop("publishes") == []
    assert after.pop("near_bands") == []
    assert _release_columns(after["items"], before["items"]) == before["items"]
    assert _release_columns(after["sources"], before["sources"]) == before["sources"]


def test_the_first_migration_is_the_release_schema(release_url: str, tmp_path: Path) -> None:
    with _empty_like(release_url, tmp_path) as scratch:
        engine = _engine(scratch)
        try:
            with engine.begin() as conn:
                command.upgrade(_config(conn), "0001")
        finally:
            engine.dispose()
        assert _schema(scratch) == _schema(release_url)


def test_the_migrations_build_the_schema_the_code_uses(database_url: str) -> None:
    Store.open(database_url).close()
    engine = _engine(database_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_an_upgraded_release_store_has_the_schema_of_a_new_one(
    release_url: str, tmp_path: Path
) -> None:
    Store.open(release_url).close()
    with _empty_like(release_url, tmp_path) as fresh:
        Store.open(fresh).close()
        assert _schema(release_url) == _schema(fresh)


def test_revisions_are_numbered_one_after_another() -> None:
    script = ScriptDirectory(str(MIGRATIONS))
    chain = list(reversed(list(script.walk_revisions())))
    assert [s.revision for s in chain] == [f"{n:04d}" for n in range(1, SCHEMA_VERSION + 1)]
    assert [s.down_revision for s in chain] == [None] + [s.revision for s in chain[:-1]]
    assert script.get_heads() == [f"{SCHEMA_VERSION:04d}"]
    for revision in chain:
        assert Path(revision.path).name.startswith(f"{revision.revision}_")


def test_every_migration_goes_down_again(database_url: str) -> None:
    Store.open(database_url).close()
    engine = _engine(database_url)
    try:
        with engine.begin() as conn:
            command.downgrade(_config(conn), "base")
        with engine.connect() as conn:
            assert inspect(conn).get_table_names() == ["alembic_version"]
    finally:
        engine.dispose()


@contextmanager
def _empty_like(url: str, folder: Path) -> Iterator[str]:
    """An empty database of the same kind as ``url``'s."""
    if url.startswith("sqlite"):
        yield f"sqlite:///{folder / 'scratch.db'}"
    else:
        with postgres_database() as scratch:
            yield scratch


def test_a_missing_migrations_folder_is_a_store_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import feeds.store.migrate

    monkeypatch.setattr(feeds.store.migrate, "MIGRATIONS", tmp_path / "مفقود")
    path = tmp_path / "nashra.db"
    with pytest.raises(StoreError) as caught:
        Store.open(f"sqlite:///{path}")
    message = str(caught.value)
    assert message.startswith(f"cannot upgrade the store sqlite:///{path}: ")
    assert "مفقود" in message and "\n" not in message


def _with_a_story(database_url: str) -> Any:
    """A store holding one story (with its bands), and an engine on its database."""
    store = Store.open(database_url)
    try:
        store.save_batch("goud", [_story()], now=NOW)
    finally:
        store.close()
    return _engine(database_url)


def test_a_store_of_schema_8_gains_the_nodes_table_keeping_its_rows(database_url: str) -> None:
    """0009: the table of the `nashra run` nodes sharing the store, empty at first."""
    engine = _with_a_story(database_url)
    try:
        with engine.begin() as conn:
            command.downgrade(_config(conn), "0008")
        with engine.connect() as conn:
            assert "nodes" not in inspect(conn).get_table_names()
    finally:
        engine.dispose()
    before = _rows(database_url)
    _upgrade(database_url, "0009")
    after = _rows(database_url)
    assert after.pop("nodes") == []
    assert (before.pop("alembic_version"), after.pop("alembic_version")) == (
        [("0008",)],
        [("0009",)],
    )
    assert after == before and len(after["items"]) == 1


def test_a_store_of_schema_7_gains_the_index_of_bands_by_first_seen(database_url: str) -> None:
    """0008: the near-duplicate bands get an index by first-seen time (to drop the rows
    that fell out of the window); every row is kept."""
    engine = _with_a_story(database_url)

    def indexes() -> list[str]:
        with engine.connect() as conn:
            return [i["name"] or "" for i in inspect(conn).get_indexes("near_bands")]

    try:
        with engine.begin() as conn:
            command.downgrade(_config(conn), "0007")
        assert "ix_near_bands_first_seen" not in indexes()
        before = _rows(database_url)
        assert len(before["near_bands"]) == 16  # the story's bands (feeds.near.BANDS)
        _upgrade(database_url, "0008")
        assert "ix_near_bands_first_seen" in indexes()
    finally:
        engine.dispose()
    after = _rows(database_url)
    assert before.pop("alembic_version") == [("0007",)]
    assert after.pop("alembic_version") == [("0008",)]
    assert after == before


def test_a_store_of_schema_9_keeps_its_bands_by_time_bucket(database_url: str) -> None:
    """0010: the near-duplicate bands' key leads with the time bucket of their
    first-seen second (a week), and the first-seen index goes; every row is kept,
    and the upgraded store finds its stored stories' copies."""
    from feeds.store.clusters import BUCKET_SECONDS, bucket_of
    from tests.test_topics import _entry, articles

    engine = _with_a_story(database_url)
    # a second story as the next bucket begins (3.5 days later), so that the rows
    # span two buckets
    then = datetime.fromtimestamp((bucket_of(int(NOW.timestamp())) + 1) * BUCKET_SECONDS, UTC)
    assert then - NOW < timedelta(days=6)
    store = Store.open(database_url)
    try:
        store.save_batch("goud", [_entry(41, "goud")], now=then)
    finally:
        store.close()
    try:
        with engine.begin() as conn:
            command.downgrade(_config(conn), "0009")
        with engine.connect() as conn:
            names = [i["name"] for i in inspect(conn).get_indexes("near_bands")]
            columns = [c["name"] for c in inspect(conn).get_columns("near_bands")]
        assert names == ["ix_near_bands_first_seen"]
        assert columns == ["band", "first_seen", "item_key"]
        before = _rows(database_url)
        assert len(before["near_bands"]) == 32  # two stories' bands (feeds.near.BANDS)
        Store.open(database_url).close()
        with engine.connect() as conn:
            assert inspect(conn).get_indexes("near_bands") == []
            key = inspect(conn).get_pk_constraint("near_bands")["constrained_columns"]
        assert key == ["bucket", "band", "first_seen", "item_key"]
    finally:
        engine.dispose()
    after = _rows(database_url)
    assert before.pop("alembic_version") == [("0009",)]
    assert after.pop("alembic_version") == [("0010",)]
    bands = after.pop("near_bands")
    assert sorted(bands) == sorted(
        (seen // BUCKET_SECONDS, band, seen, key) for band, seen, key in before.pop("near_bands")
    )
    assert len({bucket for bucket, *_ in bands}) == 2
    assert after == before
    store = Store.open(database_url)
    try:  # a copy of the first story, an hour after the second, merges into it
        body = f"<p>الرباط - (وكالات) -</p>{articles()[40]['body']}"
        copy = _entry(40, "hespress", title="نسخة من الخبر", body=body)
        result, decisions = store.save_batch("hespress", [copy], now=then + timedelta(hours=1))
    finally:
        store.close()
    assert result.merged == 1 and decisions[0].duplicate_of == _story().id


def _upgrade(url: str, revision: str) -> None:
    """Run the migrations up to ``revision`` (``Store.open`` runs them all)."""
    engine = _engine(url)
    try:
        with engine.begin() as conn:
            command.upgrade(_config(conn), revision)
    finally:
        engine.dispose()


def _story() -> Any:
    from tests.test_topics import _entry

    return _entry(40, "goud")
