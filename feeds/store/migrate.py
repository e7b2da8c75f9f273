"""Bringing a store's schema up to this nashra's, when the store opens.

The schema is kept by Alembic migrations (``migrations/versions/``, numbered
``0001``, ``0002``…; the number is the schema version). The whole check and
upgrade is one write transaction holding a lock (SQLite ``BEGIN IMMEDIATE``,
a PostgreSQL advisory lock), so processes opening a store at the same moment
take turns: the first upgrades, the others find it done. A store made before
the migrations (its version only in the ``meta`` table) is stamped at its
version, then upgraded. A store newer than this nashra is refused, untouched.
Alembic is imported only when there is something to do.

A schema change is one new file, ``migrations/versions/000N_what.py`` (copy
``0002_publishes.py``): ``revision = "000N"``, ``down_revision`` the previous
number, ``upgrade()`` and ``downgrade()`` with ``alembic.op`` (portable
operations only; ``op.batch_alter_table`` to alter a table, which SQLite needs);
then the same tables or columns in ``tables.py``, and ``SCHEMA_VERSION = N``
there. ``tests/test_migrations.py`` checks the numbering, that the migrated
database matches ``tables.py`` on SQLite and PostgreSQL, and that a store of
the first release still upgrades.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, inspect, select, text, update
from sqlalchemy.engine import Connection

from feeds.store.tables import SCHEMA_VERSION, meta
from sources.errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"
"""Alembic's own table: the revision the store is at."""
log = logging.getLogger(__name__)
_SCHEMA_LOCK = 0x6E617368
"""PostgreSQL advisory lock held while the schema is created or upgraded."""


def revision(version: int) -> str:
    """The migration that brings a store to schema ``version``."""
    return f"{version:04d}"


HEAD = revision(SCHEMA_VERSION)


def upgrade(conn: Connection, name: str) -> None:
    """Create a new store's tables or upgrade an older store, in ``conn``'s write
    transaction; ``name`` names the store in messages."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
    found = set(inspect(conn).get_table_names())
    version = _meta_version(conn, name) if "meta" in found else None
    if version is not None and version > SCHEMA_VERSION:
        raise StoreError(
            f"the store {name} has schema version {version}, newer than this nashra "
            f"({SCHEMA_VERSION}): upgrade nashra"
        )
    stamp: str | None = None
    if VERSION_TABLE in found:
        at = list(conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars())
        if at == [HEAD] and version == SCHEMA_VERSION:
            return
        _refuse_unknown(at, name)
    elif version is not None:
        stamp = revision(version)  # made before the migrations: it is at its version
    elif found & {"meta", "items", "sources"}:
        raise StoreError(
            f"the store {name} has nashra's tables but no schema version: "
            "not a store this nashra can open"
        )
    _run(conn, name, stamp)
    conn.execute(
        update(meta).where(meta.c.key == "schema_version").values(value=str(SCHEMA_VERSION))
    )
    if version is not None and version != SCHEMA_VERSION:
        log.info(
            "upgraded the store %s from schema version %s to %s", name, version, SCHEMA_VERSION
        )


def _meta_version(conn: Connection, name: str) -> int | None:
    value = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise StoreError(
            f"the store {name} has schema version {value!r}, not a number: "
            "not a store this nashra can open"
        ) from None


def _refuse_unknown(revisions: list[str], name: str) -> None:
    from alembic.script import ScriptDirectory

    with _alembic_errors(name):
        known = {s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions()}
    unknown = [r for r in revisions if r not in known]
    if unknown:
        raise StoreError(
            f"the store {name} is at schema revision {', '.join(unknown)}, which this "
            f"nashra (schema version {SCHEMA_VERSION}) does not know: upgrade nashra"
        )


def _config(conn: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    if conn is not None:
        config.attributes["connection"] = conn
    return config


def _run(conn: Connection, name: str, stamp: str | None) -> None:
    from alembic import command

    config = _config(conn)
    with _alembic_errors(name):
        if stamp is not None:
            command.stamp(config, stamp)
        command.upgrade(config, "head")


@contextmanager
def _alembic_errors(name: str) -> Iterator[None]:
    """Alembic's own errors (a missing or broken migrations folder) as one StoreError."""
    from alembic.util import CommandError

    try:
        yield
    except CommandError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise StoreError(f"cannot upgrade the store {name}: {reason}") from exc
