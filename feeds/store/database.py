"""Opening a database and speaking its dialect: URLs, engines, SQLite's locking,
insert-or-ignore, which failures are worth a retry, and what an error says."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, Table, create_engine, event
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.elements import ClauseElement

from sources.errors import StoreError

_T = TypeVar("_T")

DRIVER_HINT = "PostgreSQL needs its driver: pip install 'nashra[postgres]'"
SQLITE_CACHE_KIB = 65_536
"""SQLite page cache of a connection (its default is 2 MiB): the band index of a
large store stays in memory between polls."""
SQLITE_CHECKPOINT_PAGES = 10_000
"""WAL pages (about 40 MB) after which a commit copies the log into the database
(SQLite's default is 1,000): fewer, larger checkpoints, a page rewritten by many
polls copied once."""
SQLITE_TIMEOUT = 30.0
"""Seconds a SQLite writer waits for another's lock (``?timeout=`` in the URL to change)."""
WRITE = "nashra_write"
"""Execution option of a write transaction (SQLite: ``BEGIN IMMEDIATE``)."""
_RETRY_STATES = {"40001", "40P01", "23505"}
"""PostgreSQL: serialization failure, deadlock detected, unique violation."""


def default_database(base_dir: str) -> str:
    return f"sqlite:///{Path(base_dir) / '.state' / 'nashra.db'}"


def connect(url: str, base_dir: str) -> tuple[Engine, str]:
    """An engine for the store at ``url`` (a relative SQLite path is under
    ``base_dir``, and its folder is created) and the store's name for messages."""
    url = driver_url(url or default_database(base_dir))
    name = safe(url)
    try:
        parsed = make_url(url)
        database = parsed.database or ""
        if parsed.get_backend_name() == "sqlite" and database not in ("", ":memory:"):
            path = Path(base_dir, database)
            parsed = parsed.set(database=str(path))
            query = url.split("?", 1)[1] if "?" in url else ""
            name = f"sqlite:///{path}" + (f"?{query}" if query else "")
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, **_engine_options(parsed))
    except ImportError as exc:
        hint = DRIVER_HINT if url.startswith("postgresql") else f"no driver ({exc.name})"
        raise StoreError(f"cannot open the store {name}: {hint}") from exc
    except NoSuchModuleError as exc:
        raise StoreError(
            f"cannot open the store {name}: not a kind of database nashra knows "
            "(sqlite:///PATH or postgresql://USER@HOST/NAME)"
        ) from exc
    except (SQLAlchemyError, OSError) as exc:
        raise StoreError(f"cannot open the store {name}: {reason(exc)}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine, name


def _engine_options(url: URL) -> dict[str, Any]:
    if url.get_backend_name() == "sqlite" and "timeout" not in url.query:
        # sqlite3's timeout is set when connecting: a second process opening a new
        # store waits for the first instead of failing
        return {"connect_args": {"timeout": SQLITE_TIMEOUT}}
    return {}


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # nashra begins transactions itself (``_sqlite_begin``)
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        _wal(cursor)
        # In WAL mode NORMAL syncs at checkpoints, not at each commit: a process crash
        # loses nothing committed; a power loss may lose the last commits (never the
        # database's consistency).
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_CHECKPOINT_PAGES}")
    finally:
        cursor.close()


def _wal(cursor: Any) -> None:
    """Switch to WAL, waiting like any other lock. SQLite does not wait itself when
    another connection is writing to a store not yet in WAL (a new store being
    created, a store of the first release being upgraded): it says "database is
    locked" at once; here the switch is tried again until the connection's
    timeout."""
    waited, wait = 0.0, 0.01
    timeout = cursor.execute("PRAGMA busy_timeout").fetchone()[0] / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or waited >= timeout:
                raise
        time.sleep(wait)
        waited += wait
        wait = min(wait * 2, 0.2)


def _sqlite_begin(conn: Connection) -> None:
    # a writer takes the write lock before it reads what it decides on; a reader
    # does not wait for writers (WAL)
    write = conn.get_execution_options().get(WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def insert_ignoring(conn: Connection, table: Table) -> Insert:
    """``INSERT … ON CONFLICT DO NOTHING`` in the connection's database."""
    if conn.dialect.name == "postgresql":
        # imported here: PostgreSQL's dialect costs a tenth of a second to import,
        # which every `nashra once` on SQLite would pay
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table).on_conflict_do_nothing()
    if conn.dialect.name == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing()
    raise StoreError(f"{conn.dialect.name} databases are not supported (SQLite, PostgreSQL)")


def upserting(conn: Connection, table: Table, key: str, columns: Sequence[str]) -> Insert:
    """``INSERT … ON CONFLICT (key) DO UPDATE`` of ``columns`` in the connection's database."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql  # see insert_ignoring

        pg = postgresql.insert(table)
        return pg.on_conflict_do_update(
            index_elements=[key], set_={c: pg.excluded[c] for c in columns}
        )
    if conn.dialect.name == "sqlite":
        lite = sqlite.insert(table)
        return lite.on_conflict_do_update(
            index_elements=[key], set_={c: lite.excluded[c] for c in columns}
        )
    raise StoreError(f"{conn.dialect.name} databases are not supported (SQLite, PostgreSQL)")


def transient(exc: DBAPIError) -> bool:
    """Whether writing the same transaction again may succeed."""
    return getattr(exc.orig, "sqlstate", None) in _RETRY_STATES


def marks(conn: Connection, count: int) -> str:
    """``count`` positional placeholders in the driver's own style, comma-separated:
    for the few hot statements sent with ``exec_driver_sql`` (plain standard SQL
    either database runs), where building SQLAlchemy parameters row by row costs
    more than the database's work."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    return ", ".join([mark] * count)


def driver_statement(conn: Connection, query: ClauseElement) -> tuple[str, Any]:
    """A SQLAlchemy statement as its SQL and parameters in the driver's own style,
    for ``exec_driver_sql``: the same statement, its rows then read without
    SQLAlchemy's work on each (for reads of thousands of rows, where that work
    costs more than the database's). The parameters are sent as given: for
    statements whose values need no conversion (names, ids; not dates)."""
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    assert isinstance(compiled, SQLCompiler)
    params = compiled.params
    if compiled.positiontup is None:
        return compiled.string, params
    return compiled.string, tuple(params[name] for name in compiled.positiontup)


def utc(value: datetime | str) -> datetime:
    """A date column's value as the driver reads it (SQLite: SQLAlchemy's ISO text;
    PostgreSQL: a naive datetime), as the aware UTC datetime the store gives."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC)


def insert_rows(
    conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[object]]
) -> None:
    """Insert many rows of plain values (ints, text, bytes) with one driver call."""
    if rows:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks(conn, len(columns))})"
        conn.exec_driver_sql(sql, list(rows))


def chunks(values: Sequence[_T], size: int = 500) -> Iterator[Sequence[_T]]:
    """``values`` in slices small enough for one ``IN (…)``."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def reason(exc: BaseException) -> str:
    """The first line of what the database (or the file system) said."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        exc = exc.orig
    if isinstance(exc, OSError) and exc.strerror:
        text = f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    else:
        text = str(exc).split("(Background on this error")[0]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def driver_url(url: str) -> str:
    """PostgreSQL URLs without a driver name use psycopg, the driver of the
    ``postgres`` extra."""
    for bare in ("postgresql://", "postgres://"):
        if url.startswith(bare):
            return "postgresql+psycopg://" + url.removeprefix(bare)
    return url


def safe(url: str) -> str:
    """A database URL without its password, for messages."""
    return re.sub(r"^([^:/]+://[^:/@]*):[^@/]*@", r"\1:***@", url)
