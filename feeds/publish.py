"""Publishing: every feed in three formats, permalink pages and the index page.
A withdrawn story is in no feed and not on the index; its permalink page (due
in the store) is rewritten to say it was withdrawn.

Everything is rendered from the store on every run and written only when its
bytes change, so a run that crashed after storing stories is completed by the
next one, and a run with nothing new touches no file. Each run's outcome (done,
or the error that stopped it) is recorded in the store for ``nashra status``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from feeds.atomic import remove_stale_temporaries, sync_all, write_if_changed
from feeds.config import Config, FeedSpec
from feeds.pages import pages_fingerprint, render_index, render_story
from feeds.render import (
    STORIES_DIR,
    FeedMeta,
    Story,
    has_own_link,
    render_atom,
    render_json,
    render_rss,
    story_link,
)
from feeds.store import Store, StoredItem, page_rev
from sources.errors import PublishError
from sources.urls import iri_to_uri

FEED_FILES = (("rss.xml", render_rss), ("atom.xml", render_atom), ("feed.json", render_json))
PAGE_BATCH = 1000


@dataclass(slots=True)
class PublishResult:
    written: list[Path] = field(default_factory=list)
    pages: int = 0


def feed_meta(config: Config, feed: FeedSpec, store: Store) -> FeedMeta:
    base = iri_to_uri(config.site.base_url)
    folder = f"{base}{feed.name}/"
    return FeedMeta(
        name=feed.name,
        title=feed.title,
        description=feed.description,
        language=config.site.language,
        home_url=base,
        rss_url=folder + "rss.xml",
        atom_url=folder + "atom.xml",
        json_url=folder + "feed.json",
        author=config.site.author or config.site.title,
        fallback_updated=store.created_at(),
    )


def publish(config: Config, store: Store, *, now: datetime | None = None) -> PublishResult:
    """Render and write every feed, the pages due and the index, and record the
    outcome in the store (at ``now``, or the time it ended). A file that cannot
    be written raises PublishError, recorded first."""
    try:
        result = _publish(config, store)
    except PublishError as exc:
        store.record_publish(now or datetime.now(UTC), str(exc))
        raise
    store.record_publish(now or datetime.now(UTC), None)
    return result


def _publish(config: Config, store: Store) -> PublishResult:
    public = config.public_path
    remove_stale_temporaries(public)
    base = iri_to_uri(config.site.base_url)
    result = PublishResult()
    rendered: list[tuple[FeedMeta, list[Story]]] = []
    for feed in config.feeds:
        meta = feed_meta(config, feed, store)
        stories = [
            Story(i, story_link(i, base))
            for i in store.latest(config.feed_sources(feed), feed.limit)
            if i.withdrawn_at is None  # the store leaves them out; never publish one
        ]
        rendered.append((meta, stories))
        for filename, render in FEED_FILES:
            target = public / feed.name / filename
            if write_if_changed(target, render(meta, stories)):
                result.written.append(target)
    result.pages = _publish_pages(config, store, public / STORIES_DIR, base)
    result.pages += _publish_linkless_pages(
        config, public / STORIES_DIR, base, (s.item for _, stories in rendered for s in stories)
    )
    index = render_index(
        rendered,
        site_title=config.site.title,
        description=config.site.description,
        language=config.site.language,
        tz=config.site.tz,
    )
    if write_if_changed(public / "index.html", index):
        result.written.append(public / "index.html")
    return result


def _publish_pages(config: Config, store: Store, folder: Path, base: str) -> int:
    tz = config.site.tz
    fingerprint = pages_fingerprint(config.site.title, base, tz)
    existing = set(os.listdir(folder)) if folder.is_dir() else set()
    done: list[tuple[str, str]] = []
    count = 0
    for item in store.pages_due(fingerprint, existing):
        name = f"{item.slug}.html"
        # a withdrawn story that was published under its own URL never had a page
        if not (item.withdrawn_at and has_own_link(item) and name not in existing):
            page = render_story(
                item, story_link(item, base), site_title=config.site.title, home_url=base, tz=tz
            )
            write_if_changed(folder / name, page, durable=False)
            count += 1
        done.append((item.id, page_rev(item.rev, fingerprint)))
        if len(done) >= PAGE_BATCH:
            _commit_pages(store, done)
    _commit_pages(store, done)
    return count


def _publish_linkless_pages(
    config: Config, folder: Path, base: str, listed: Iterable[StoredItem]
) -> int:
    """Permalink pages for listed stories whose own URL may not be published (a
    store written before links were checked, or by hand): they are linked to their
    page, which the store does not count as due. Written when the bytes change."""
    written = 0
    seen: set[str] = set()
    for item in listed:
        if item.url is None or item.id in seen or has_own_link(item):
            continue
        seen.add(item.id)
        page = render_story(
            item,
            story_link(item, base),
            site_title=config.site.title,
            home_url=base,
            tz=config.site.tz,
        )
        if write_if_changed(folder / f"{item.slug}.html", page):
            written += 1
    return written


def _commit_pages(store: Store, done: list[tuple[str, str]]) -> None:
    """Make a batch of pages durable, then record them in the store."""
    if done:
        sync_all()
        store.mark_pages(done)
        done.clear()
