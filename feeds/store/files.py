"""File fingerprints: what each file a source read looked like, so that an
unchanged file is not parsed again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from feeds.store.base import Base, boundary
from feeds.store.database import chunks
from feeds.store.tables import files
from sources.base import FileState


class Files(Base):
    @boundary("read the store")
    def file_fingerprints(self, source: str | None = None) -> dict[str, str]:
        """Path → fingerprint of the files read before (of one source, or all)."""
        query = select(files.c.path, files.c.fingerprint)
        if source is not None:
            query = query.where(files.c.source == source)
        with self.engine.connect() as conn:
            return {row.path: row.fingerprint for row in conn.execute(query)}


def save_files(conn: Connection, source: str, states: Sequence[FileState], now: datetime) -> None:
    """Remember these files' fingerprints (in ``conn``'s transaction)."""
    if not states:
        return
    paths = [s.path for s in states]
    for chunk in chunks(paths):
        conn.execute(files.delete().where(files.c.path.in_(chunk)))
    conn.execute(
        files.insert(),
        [
            {"path": s.path, "source": source, "fingerprint": s.fingerprint, "seen_at": now}
            for s in states
        ],
    )
