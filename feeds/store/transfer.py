"""Copying an installation from one store into another (``nashra migrate``): the
embedded SQLite store into PostgreSQL, for several nodes to share.

Every table is copied in an order where what a row names is there before it
(sources, stories, then the dedup keys, near-duplicate bands and topic index that
point at stories), in batches read by primary key (keyset pagination) from one
snapshot of the source. Each batch is one transaction on the target that also
records how far the copy got (a ``meta`` row), and inserts ignore rows already
there: a run that was stopped resumes after its last batch, and a run over a
finished copy writes nothing. Rows keep every value (bytes, times to the
microsecond); leases are cleared, since no node holds a source in the new store.

Then the copy is verified: per table, the target holds at least as many rows as
the source, and every story of the source is in the target at the same revision
(a checksum of ids and revisions read from both). A target holding another
installation (made at another time, or a story at another revision) is refused
before anything is written over it, as is a source newer than this nashra (the
store's own check when it opens) and a copy of a store into itself.

Stop ``nashra run`` on the source while copying: stories stored after the copy's
snapshot are copied only by the next run, and a story edited since its copy
makes that run refuse.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Column, ColumnElement, Table, func, inspect, literal, select, tuple_
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.elements import Tuple

from feeds.store.api import Store
from feeds.store.changes import begin, flush, touch_all
from feeds.store.database import (
    WRITE,
    connect,
    driver_url,
    insert_ignoring,
    reason,
    safe,
    upserting,
)
from feeds.store.tables import (
    changes,
    dedup_keys,
    feed_items,
    files,
    items,
    meta,
    near_bands,
    publishes,
    sources,
    topic_feeds,
)
from sources.errors import StoreError

TABLES: tuple[Table, ...] = (
    sources,
    items,
    dedup_keys,
    near_bands,
    feed_items,
    topic_feeds,
    files,
    changes,
    publishes,
)
"""Every table but ``meta``, in the order they are copied: a row is copied after
the rows it names (no foreign keys enforce it, but a stopped copy then never
leaves a dedup key or a band of a story that is not there)."""
LOOKUP = {feed_items.name: feed_items.c.item_id.name}
"""The column by which a batch's rows are looked up in the target, when not the
first of the primary key: one an index leads with, whose values are few rows each."""
BY_RANGE = {near_bands.name}
"""Tables whose batch is looked up in the target by the range of its primary keys
(from its first row's to its last's): ``near_bands``, led by a week of first-seen
time that thousands of rows share, has no index on any other column."""
PROGRESS = "transfer_progress"
"""The ``meta`` row of an unfinished copy in the target: the source's creation
time and, per table, the key of the last row copied (or ``done``); removed when
every table is copied."""
DONE = "done"
BATCH = 500
"""Rows per batch (per transaction on the target)."""
VERIFY_BATCH = 1000
"""Stories whose revisions are compared per query when verifying."""
_INSTALLATION = "created_at"
_VERSION = "schema_version"


@dataclass(frozen=True, slots=True)
class TableCopy:
    """What copying one table did: rows written, rows the target had already
    (from an earlier run), and the seconds it took."""

    table: str
    copied: int
    present: int
    seconds: float


@dataclass(frozen=True, slots=True)
class TableCheck:
    """One table compared after the copy. ``problem`` is empty when the target
    holds every row of the source."""

    table: str
    source_rows: int
    target_rows: int
    problem: str = ""
    checksum: str = ""
    """For ``items``: the digest of the source's ids and revisions, found equal in the target."""


@dataclass(frozen=True, slots=True)
class Transfer:
    """A finished copy: one ``TableCopy`` per table (``meta`` first), then the checks."""

    source: str
    target: str
    copies: tuple[TableCopy, ...]
    checks: tuple[TableCheck, ...]

    @property
    def verified(self) -> bool:
        return all(not check.problem for check in self.checks)

    @property
    def copied(self) -> int:
        return sum(c.copied for c in self.copies)

    @property
    def rows(self) -> int:
        return sum(c.source_rows for c in self.checks)

    @property
    def seconds(self) -> float:
        return sum(c.seconds for c in self.copies)


def table_line(copy: TableCopy) -> str:
    """``nashra migrate``'s line for a table: rows copied, already there, seconds."""
    rate = f"{copy.copied / copy.seconds:,.0f} rows/s" if copy.copied and copy.seconds else ""
    return (
        f"{copy.table:12} {copy.copied:>9,} copied {copy.present:>9,} already there "
        f"{copy.seconds:7.2f} s  {rate}"
    ).rstrip()


def verdict_line(done: Transfer) -> str:
    """``nashra migrate``'s last line."""
    if done.verified:
        stories = next(c for c in done.checks if c.table == items.name)
        return (
            f"verified: {done.target} holds every row of {done.source} "
            f"({done.rows:,} rows in {len(done.checks)} tables, stories' ids and revisions "
            f"{stories.checksum}); {done.copied:,} copied in {done.seconds:.1f} s"
        )
    failed = ", ".join(c.table for c in done.checks if c.problem)
    return f"not verified: {done.target} lacks rows of {done.source} ({failed}): run it again"


OnBatch = Callable[[str, int], None]
"""Called after each batch is committed: the table and the rows in the batch."""


def transfer(
    source_url: str,
    target_url: str,
    *,
    batch: int = BATCH,
    base_dir: str = ".",
    on_table: Callable[[TableCopy], None] | None = None,
    on_batch: OnBatch | None = None,
) -> Transfer:
    """Copy the store at ``source_url`` into the store at ``target_url`` (created or
    upgraded as any store that opens), then verify it. ``on_table`` is told each
    table's copy when it is done. Raises StoreError, naming the store, when the
    copy is refused or a database fails."""
    if batch < 1:
        raise StoreError(f"the batch size must be at least 1, got {batch}")
    _refuse_same(source_url, target_url, base_dir)
    _require_existing(source_url, base_dir)
    source = Store.open(source_url, base_dir=base_dir)
    try:
        target = Store.open(target_url, base_dir=base_dir)
        try:
            return _Copy(source, target, batch, on_table, on_batch).run()
        finally:
            target.close()
    finally:
        source.close()


class _Copy:
    """One run of a copy: the source's snapshot and the target's connection."""

    def __init__(
        self,
        source: Store,
        target: Store,
        batch: int,
        on_table: Callable[[TableCopy], None] | None,
        on_batch: OnBatch | None,
    ) -> None:
        self.source, self.target = source, target
        self.batch = batch
        self.on_table = on_table
        self.on_batch = on_batch

    def run(self) -> Transfer:
        with self._snapshot() as src, self._connection() as dst:
            installation = _created_at(src, self.source.name)
            progress = self._progress(dst, installation)
            copies = [self._meta(src, dst, progress)]
            self._report(copies[-1])
            for table in TABLES:
                copies.append(self._table(src, dst, table, progress))
                self._report(copies[-1])
            with self._errors("write to", self.target.name), dst.begin():
                dst.execute(meta.delete().where(meta.c.key == PROGRESS))
                if any(copy.copied for copy in copies):  # publishers read it all again
                    begin(dst)
                    touch_all(dst)
                    flush(dst)
            checks = self._verify(src, dst)
        return Transfer(self.source.name, self.target.name, tuple(copies), tuple(checks))

    def _report(self, copy: TableCopy) -> None:
        if self.on_table is not None:
            self.on_table(copy)

    # -- connections -------------------------------------------------------------------

    @contextmanager
    def _snapshot(self) -> Iterator[Connection]:
        """One read transaction on the source for the whole copy: every batch and
        every count sees the store as it was when the copy began."""
        with self._errors("read", self.source.name), self.source.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        """The target's connection; each batch begins its own write transaction."""
        with self._errors("write to", self.target.name), self.target.engine.connect() as conn:
            yield conn.execution_options(**{WRITE: True})

    @contextmanager
    def _errors(self, doing: str, name: str) -> Iterator[None]:
        try:
            yield
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot {doing} the store {name}: {reason(exc)}") from exc

    # -- which installation ------------------------------------------------------------

    def _progress(self, dst: Connection, installation: str) -> dict[str, Any]:
        """Where an unfinished copy of this installation stopped (empty: from the
        start), after refusing a target that holds another installation."""
        with self._errors("read", self.target.name), dst.begin():
            theirs = _created_at(dst, self.target.name)
            if theirs != installation and _holds_rows(dst):
                raise StoreError(
                    f"the store {self.target.name} already holds another installation "
                    f"(made {theirs}; {self.source.name} was made {installation}): "
                    "migrate into an empty database"
                )
            row = dst.execute(select(meta.c.value).where(meta.c.key == PROGRESS)).scalar()
        saved = json.loads(row) if row else {}
        if saved.get("from") != installation:
            return {"from": installation, "tables": {}}
        return dict(saved)

    # -- copying -----------------------------------------------------------------------

    def _meta(self, src: Connection, dst: Connection, progress: dict[str, Any]) -> TableCopy:
        """The source's ``meta`` rows (its creation time above all) over the
        target's; the schema version is the target's own, set when it opened."""
        started = time.perf_counter()
        with self._errors("read", self.source.name):
            rows = {
                r.key: r.value
                for r in src.execute(select(meta.c.key, meta.c.value))
                if r.key not in (_VERSION, PROGRESS)
            }
        with self._errors("write to", self.target.name), dst.begin():
            there = {r.key: r.value for r in dst.execute(select(meta.c.key, meta.c.value))}
            changed = [{"key": k, "value": v} for k, v in rows.items() if there.get(k) != v]
            if changed:
                dst.execute(upserting(dst, meta, "key", ["value"]), changed)
            _save_progress(dst, progress)
        return TableCopy(
            "meta", len(changed), len(rows) - len(changed), time.perf_counter() - started
        )

    def _table(
        self, src: Connection, dst: Connection, table: Table, progress: dict[str, Any]
    ) -> TableCopy:
        started = time.perf_counter()
        key = list(table.primary_key.columns)
        done = progress["tables"].get(table.name)
        with self._errors("read", self.source.name):
            if done == DONE:
                count = src.execute(select(func.count()).select_from(table)).scalar_one()
                return TableCopy(table.name, 0, count, time.perf_counter() - started)
            last = _decode_key(done) if done is not None else None
            present = 0
            if last is not None:  # copied by the run that stopped
                skipped = select(func.count()).select_from(table).where(_at_most(key, last))
                present = src.execute(skipped).scalar_one()
        copied = 0
        for rows in self._keyset(src, table, list(table.columns), self.batch, last):
            last = [rows[-1][c.name] for c in key]
            with self._errors("write to", self.target.name), dst.begin():
                if table is items:
                    self._same_revisions(dst, rows)
                there = _there(dst, table, key, rows)
                new = [r for r in rows if tuple(r[c.name] for c in key) not in there]
                if table is sources:
                    new = [{**r, "leased_until": None, "leased_by": None} for r in new]
                if new:  # ignoring a row another process wrote meanwhile
                    dst.execute(insert_ignoring(dst, table), new)
                written = len(new)
                progress["tables"][table.name] = _encode_key(last)
                _save_progress(dst, progress)
            copied += written
            present += len(rows) - written
            if self.on_batch is not None:
                self.on_batch(table.name, len(rows))
        with self._errors("write to", self.target.name), dst.begin():
            progress["tables"][table.name] = DONE
            _save_progress(dst, progress)
        return TableCopy(table.name, copied, present, time.perf_counter() - started)

    def _same_revisions(self, dst: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Refuse a target where a story of this batch is at another revision: it
        holds another installation, or stories changed there since they were copied."""
        ids = [r["id"] for r in rows]
        query = select(items.c.id, items.c.rev).where(items.c.id.in_(ids))
        theirs = {r.id: r.rev for r in dst.execute(query)}
        for row in rows:
            rev = theirs.get(row["id"])
            if rev is not None and rev != row["rev"]:
                raise StoreError(
                    f"the store {self.target.name} already holds another installation: "
                    f"story {row['id']!r} is at revision {rev[:12]} there and "
                    f"{row['rev'][:12]} in {self.source.name}"
                )

    # -- verifying ---------------------------------------------------------------------

    def _keyset(
        self,
        src: Connection,
        table: Table,
        columns: Sequence[Column[Any]],
        size: int,
        after: Sequence[Any] | None = None,
    ) -> Iterator[list[dict[str, Any]]]:
        """``columns`` of the source's rows of ``table`` in primary-key order, ``size``
        at a time, from the row after the key ``after``."""
        key = list(table.primary_key.columns)
        last = after
        while True:
            query = select(*columns).order_by(*key).limit(size)
            if last is not None:
                query = query.where(_after(key, last))
            with self._errors("read", self.source.name):
                rows = [dict(r) for r in src.execute(query).mappings()]
            if not rows:
                return
            yield rows
            last = [rows[-1][c.name] for c in key]

    def _verify(self, src: Connection, dst: Connection) -> list[TableCheck]:
        checks = []
        with self._errors("read", self.target.name), dst.begin():
            for table in (meta, *TABLES):
                with self._errors("read", self.source.name):
                    mine = src.execute(select(func.count()).select_from(table)).scalar_one()
                theirs = dst.execute(select(func.count()).select_from(table)).scalar_one()
                if table is items:
                    checks.append(self._verify_items(src, dst, mine, theirs))
                elif table is meta:
                    checks.append(_verify_meta(src, dst, mine, theirs))
                else:
                    problem = "" if theirs >= mine else f"{mine - theirs} rows missing"
                    checks.append(TableCheck(table.name, mine, theirs, problem))
        return checks

    def _verify_items(self, src: Connection, dst: Connection, mine: int, theirs: int) -> TableCheck:
        """Every story of the source in the target at its revision: the digest of the
        source's ids and revisions against the same read from the target."""
        ours, found = hashlib.sha256(), hashlib.sha256()
        missing: list[str] = []
        other: list[str] = []
        for rows in self._keyset(src, items, [items.c.id, items.c.rev], VERIFY_BATCH):
            ids = [r["id"] for r in rows]
            query = select(items.c.id, items.c.rev).where(items.c.id.in_(ids))
            there = {r.id: r.rev for r in dst.execute(query)}
            for row in rows:
                story, rev = row["id"], row["rev"]
                ours.update(f"{story}\0{rev}\n".encode())
                if story not in there:
                    missing.append(story)
                    continue
                found.update(f"{story}\0{there[story]}\n".encode())
                if there[story] != rev:
                    other.append(story)
        problems = []
        if missing:
            problems.append(f"{len(missing)} missing (first {missing[0]!r})")
        if other:
            problems.append(f"{len(other)} at another revision (first {other[0]!r})")
        if not problems and ours.digest() != found.digest():  # cannot happen: said if it does
            problems.append("the checksums of ids and revisions differ")
        return TableCheck(items.name, mine, theirs, "; ".join(problems), ours.hexdigest()[:16])


def _verify_meta(src: Connection, dst: Connection, mine: int, theirs: int) -> TableCheck:
    ours = {r.key: r.value for r in src.execute(select(meta.c.key, meta.c.value))}
    there = {r.key: r.value for r in dst.execute(select(meta.c.key, meta.c.value))}
    differ = sorted(k for k, v in ours.items() if there.get(k) != v and k != PROGRESS)
    return TableCheck(meta.name, mine, theirs, f"{', '.join(differ)} differ" if differ else "")


# -- keys ------------------------------------------------------------------------------


def _there(
    dst: Connection, table: Table, key: Sequence[Column[Any]], rows: Sequence[Mapping[str, Any]]
) -> set[tuple[Any, ...]]:
    """The keys of ``rows`` the target has already: looked up by one indexed column
    of the key (``LOOKUP``), then matched whole (a tuple ``IN`` is a scan of the
    table on PostgreSQL)."""
    held: ColumnElement[bool]
    if table.name in BY_RANGE:  # the batch is in key order: its first and last keys
        first, last = ([r[c.name] for c in key] for r in (rows[0], rows[-1]))
        held = _at_least(key, first) & _at_most(key, last)
    else:
        by = LOOKUP.get(table.name, key[0].name)
        held = table.c[by].in_({r[by] for r in rows})
    keys = {tuple(r[c.name] for c in key) for r in rows}
    return {tuple(r) for r in dst.execute(select(*key).where(held))} & keys


def _key_of(key: Sequence[Column[Any]], values: Sequence[Any]) -> Tuple:
    """A primary key's values as a tuple to compare ``tuple_(*key)`` with."""
    return tuple_(*[literal(v, c.type) for c, v in zip(key, values, strict=True)])


def _after(key: Sequence[Column[Any]], last: Sequence[Any]) -> ColumnElement[bool]:
    return tuple_(*key) > _key_of(key, last)


def _at_most(key: Sequence[Column[Any]], last: Sequence[Any]) -> ColumnElement[bool]:
    return tuple_(*key) <= _key_of(key, last)


def _at_least(key: Sequence[Column[Any]], first: Sequence[Any]) -> ColumnElement[bool]:
    return tuple_(*key) >= _key_of(key, first)


def _encode_key(values: Sequence[Any]) -> list[Any]:
    """A primary key as JSON: times (``near_bands.first_seen``) as ISO 8601."""
    return [{"time": v.isoformat()} if isinstance(v, datetime) else v for v in values]


def _decode_key(values: Sequence[Any]) -> list[Any]:
    return [datetime.fromisoformat(v["time"]) if isinstance(v, dict) else v for v in values]


def _save_progress(dst: Connection, progress: Mapping[str, Any]) -> None:
    value = json.dumps(progress, ensure_ascii=False, sort_keys=True)
    dst.execute(upserting(dst, meta, "key", ["value"]), [{"key": PROGRESS, "value": value}])


# -- stores ----------------------------------------------------------------------------


def _created_at(conn: Connection, name: str) -> str:
    value = conn.execute(select(meta.c.value).where(meta.c.key == _INSTALLATION)).scalar()
    if value is None:
        raise StoreError(f"the store {name} has no creation time: not a store nashra made")
    return str(value)


def _holds_rows(conn: Connection) -> bool:
    """Whether a store holds anything beyond what opening it wrote."""
    return any(conn.execute(select(t.c[0]).limit(1)).first() is not None for t in TABLES)


def _place(url: str, base_dir: str) -> tuple[str, str]:
    """What a URL points at, to compare two: a SQLite file's real path (relative
    paths under ``base_dir``), else the server and database without a password."""
    parsed = make_url(driver_url(url))
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:"):
            return ("sqlite", ":memory:")
        return ("sqlite", os.path.realpath(Path(base_dir, database)))
    parsed = parsed.set(drivername=parsed.get_backend_name(), password=None, query={})
    return (parsed.get_backend_name(), parsed.render_as_string())


def _refuse_same(source_url: str, target_url: str, base_dir: str) -> None:
    try:
        same = _place(source_url, base_dir) == _place(target_url, base_dir)
    except (SQLAlchemyError, ValueError) as exc:
        raise StoreError(f"cannot read the store URL {safe(target_url)}: {exc}") from exc
    if same:
        raise StoreError(
            f"the store {safe(target_url)} is the store being migrated: give --to another database"
        )


def _require_existing(url: str, base_dir: str) -> None:
    """The source must be a store: opening a missing SQLite file, or a database
    without nashra's tables, would make an empty one."""
    kind, place = _place(url, base_dir)
    if kind == "sqlite":
        found = place != ":memory:" and Path(place).is_file()
    else:
        engine, name = connect(url, base_dir)
        try:
            found = inspect(engine).has_table(meta.name)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open the store {name}: {reason(exc)}") from exc
        finally:
            engine.dispose()
    if not found:
        raise StoreError(f"no store at {safe(url)}: nothing to migrate")
