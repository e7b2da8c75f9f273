"""The outcome of publishing the site: the last attempt and the last that worked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from feeds.store.base import Base, boundary
from feeds.store.database import insert_ignoring
from feeds.store.tables import publishes

_SITE = "site"


@dataclass(frozen=True, slots=True)
class PublishRecord:
    """The outcome of publishing the site (see ``Store.record_publish``)."""

    at: datetime
    """The last attempt."""
    error: str | None
    """Why the last attempt failed; None: it worked."""
    ok_at: datetime | None
    """The last attempt that worked; None: none has yet."""


class Publishes(Base):
    @boundary("record the publish in the store")
    def record_publish(self, at: datetime, error: str | None) -> None:
        """Record an attempt to publish the site: ``error`` None when it worked."""
        with self._write() as conn:
            conn.execute(
                insert_ignoring(conn, publishes).values(name=_SITE, at=at, error=error, ok_at=None)
            )
            values: dict[str, Any] = {"at": at, "error": error}
            if error is None:
                values["ok_at"] = at
            conn.execute(update(publishes).where(publishes.c.name == _SITE).values(**values))

    @boundary("read the store")
    def last_publish(self) -> PublishRecord | None:
        """The last attempt to publish the site and the last that worked; None: never."""
        query = select(publishes.c.at, publishes.c.error, publishes.c.ok_at).where(
            publishes.c.name == _SITE
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else PublishRecord(row.at, row.error, row.ok_at)
