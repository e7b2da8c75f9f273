"""Permalink pages: which stories without a URL need their page (re)written, and
which page revision each has."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import bindparam, select, update

from feeds.store.base import Base, boundary
from feeds.store.database import chunks
from feeds.store.items import StoredItem, stored
from feeds.store.tables import items


class Pages(Base):
    @boundary("read the store")
    def pages_due(self, fingerprint: str, existing: set[str]) -> Iterator[StoredItem]:
        """Stories without a URL whose permalink page is missing or out of date.
        ``existing``: the file names already in the stories folder."""
        light = select(items.c.id, items.c.slug, items.c.rev, items.c.page_rev).where(
            items.c.url.is_(None)
        )
        with self.engine.connect() as conn:
            due = [
                row.id
                for row in conn.execute(light)
                if row.page_rev != page_rev(row.rev, fingerprint)
                or f"{row.slug}.html" not in existing
            ]
            for chunk in chunks(due):
                for row in conn.execute(select(items).where(items.c.id.in_(chunk))):
                    yield stored(row._mapping)

    @boundary("record written pages in the store")
    def mark_pages(self, done: Sequence[tuple[str, str]]) -> None:
        """Record (id, page_rev) for pages written."""
        if not done:
            return
        statement = (
            update(items)
            .where(items.c.id == bindparam("ident"))
            .values(page_rev=bindparam("new_page_rev"))
        )
        with self._write() as conn:
            conn.execute(statement, [{"ident": i, "new_page_rev": r} for i, r in done])


def page_rev(rev: str, fingerprint: str) -> str:
    """What a story's page was rendered from: its revision and the pages' settings."""
    return f"{rev[:40]}-{fingerprint[:16]}"
