"""Publishing: every feed in three formats, permalink pages and the index page.

Everything is rendered from the store on every run and written only when its
bytes change, so a run that crashed after storing stories is completed by the
next one, and a run with nothing new touches no file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from feeds.atomic import remove_stale_temporaries, sync_all, write_if_changed
from feeds.config import Config, FeedSpec
from feeds.pages import pages_fingerprint, render_index, render_story
from feeds.render import FeedMeta, Story, render_atom, render_json, render_rss
from feeds.store import Store, StoredItem, page_rev
from sources.urls import iri_to_uri

FEED_FILES = (("rss.xml", render_rss), ("atom.xml", render_atom), ("feed.json", render_json))
STORIES_DIR = "stories"
PAGE_BATCH = 1000


@dataclass(slots=True)
class PublishResult:
    written: list[Path] = field(default_factory=list)
    pages: int = 0


def story_link(item: StoredItem, base_url: str) -> str:
    """The story's own URL, or the absolute URL of its permalink page."""
    if item.url:
        return iri_to_uri(item.url)
    return f"{base_url}{STORIES_DIR}/{item.slug}.html"


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


def publish(config: Config, store: Store) -> PublishResult:
    """Render and write every feed, the pages due and the index."""
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
        ]
        rendered.append((meta, stories))
        for filename, render in FEED_FILES:
            target = public / feed.name / filename
            if write_if_changed(target, render(meta, stories)):
                result.written.append(target)
    result.pages = _publish_pages(config, store, public / STORIES_DIR, base)
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
        page = render_story(
            item, story_link(item, base), site_title=config.site.title, home_url=base, tz=tz
        )
        write_if_changed(folder / f"{item.slug}.html", page, durable=False)
        done.append((item.id, page_rev(item.rev, fingerprint)))
        count += 1
        if len(done) >= PAGE_BATCH:
            _commit_pages(store, done)
    _commit_pages(store, done)
    return count


def _commit_pages(store: Store, done: list[tuple[str, str]]) -> None:
    """Make a batch of pages durable, then record them in the store."""
    if done:
        sync_all()
        store.mark_pages(done)
        done.clear()
