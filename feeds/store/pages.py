"""Permalink pages: which stories without a URL need their page (re)written, and
which page revision each has."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import bindparam, select, update

from feeds.store.base import Base, boundary
from feeds.store.clusters import effective_rev
from feeds.store.database import chunks
from feeds.store.items import StoredItem, with_clusters
from feeds.store.tables import items


class Pages(Base):
    @boundary("read the store")
    def pages_due(self, fingerprint: str, existing: set[str]) -> Iterator[StoredItem]:
        """Stories without a URL whose permalink page is missing or out of date (with
        their cluster, as ``latest`` gives them). ``existing``: the file names already
        in the stories folder. A withdrawn story is due only if its page was written
        before (it is written again to say the story was withdrawn)."""
        light = select(
            items.c.id, items.c.slug, items.c.rev, items.c.shown_rev, items.c.page_rev,
            items.c.withdrawn_at,
        ).where(items.c.url.is_(None))  # fmt: skip
        with self.engine.connect() as conn:
            due = [
                row.id
                for row in conn.execute(light)
                if (row.withdrawn_at is None or row.page_rev is not None)
                and (
                    row.page_rev != page_rev(effective_rev(row.rev, row.shown_rev), fingerprint)
                    or (row.withdrawn_at is None and f"{row.slug}.html" not in existing)
                )
            ]
            for chunk in chunks(due):
                query = select(items).where(items.c.id.in_(chunk))
                yield from with_clusters(conn, [row._mapping for row in conn.execute(query)])

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
