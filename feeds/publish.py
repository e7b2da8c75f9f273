"""Publishing: every feed in three formats with its archives (by month, in pages), permalink
pages, the index page, the OPML list of the feeds and the feeds' stylesheet.
A withdrawn story is in no feed and not on the index; its permalink page (due
in the store) is rewritten to say it was withdrawn.

Topic feeds (``tags``/``match``/``exclude``) and tag feeds list their newest
stories, read from the store's index (``feeds.store.topics``), and have no
archives: a story would be archived once per topic it matches, and re-rendering
the month of every topic feed whose stories moved made publishing 200 topic
feeds cost 25 times one feed (``bench/topics.py``); the feeds of sources keep
every story's archive.

A feed is first marked by what it is made of without reading a story
(``_Marker``): the store's change tokens of its sources or its index key
(``feeds.store.changes``), its meta and the site. A feed (and the front page)
marked as in the last run keeps its files, unread; else its stories are read,
and a feed whose documents would be made of what the last run's were
(``feed_fingerprint``) is still not rendered again. So a publish when little
changed costs about the same for one feed or two hundred.

Everything is rendered from the store on every run and written only when its
bytes change, so a run that crashed after storing stories is completed by the
next one, and a run with nothing new touches no file. Each run's outcome (done,
or the error that stopped it) is recorded in the store for ``nashra status``.

Every feed-level file (feeds, archives, index, OPML, stylesheet) is listed in
the manifest (``feeds.manifest``) with the hash of its bytes, when they last
changed and how it is served, and has compressed copies beside it, written when
its bytes change. Story pages are not listed and get no copies: a page is a few
kB (2.4 kB median on Arabic news), compressing it saves about 1.3 kB a request,
which a server's on-the-fly compression gets too, while copies would triple the
files written and kept for every story. What nashra published for a feed that
is no longer configured is deleted (and only that), and listed as gone. Hubs
(``[site] hubs``) are told about the feeds whose bytes changed (``feeds.websub``).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from functools import partial
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from feeds.archive import (
    INDEXES,
    NASHRA_VERSION,
    STATE,
    ArchiveFile,
    SharedEntries,
    State,
    archive_path,
    dumps_state,
    is_archive_path,
    load_state,
    publish_archives,
)
from feeds.atomic import (
    ENCODINGS,
    CopyWriter,
    copies_present,
    remove_empty_folders,
    remove_published,
    remove_stale_temporaries,
    sync_all,
    write_if_changed,
)
from feeds.config import DEFAULT_EVERY, TAG_FOLDER, Config, FeedSpec, shortest_every
from feeds.manifest import MANIFEST, Manifest, Published, dumps, etag_of
from feeds.manifest import load as load_manifest
from feeds.opml import render_opml
from feeds.pages import pages_fingerprint, render_index, render_story
from feeds.render import (
    STORIES_DIR,
    ArchiveLinks,
    FeedMeta,
    SourceInfo,
    Story,
    has_own_link,
    render_atom,
    render_json,
    render_rss,
    story_link,
)
from feeds.store import Store, StoredItem, page_rev
from feeds.store.changes import EVERYTHING, source_key
from feeds.topics import TAG_PREFIX, tag_slug
from sources.base import SourceSpec
from sources.errors import PublishError
from sources.http import user_agent
from sources.urls import iri_to_uri

if TYPE_CHECKING:
    from feeds.websub import Notice, Notifier

FEED_FILES = (("rss.xml", render_rss), ("atom.xml", render_atom), ("feed.json", render_json))
PAGE_BATCH = 1000
INDEX = "index.html"
OPML = "feeds.opml"
STYLESHEET = "feed.xsl"
"""The stylesheet browsers show RSS and Atom with, at the top of the public
folder, copied from ``feeds/templates``."""
STYLESHEET_MAX_AGE = 3600
ARCHIVE_MAX_AGE = 86400
"""Seconds readers may keep an archive other than the newest (which changes as
stories fall out of the feed, and is kept as long as the feed)."""


@dataclass(slots=True)
class PublishResult:
    written: list[Path] = field(default_factory=list)
    """Feed-level files written (feeds, archives, index, OPML, stylesheet)."""
    pages: int = 0
    removed: list[Path] = field(default_factory=list)
    """Files of feeds no longer configured, and archives no longer published."""
    changed: dict[str, list[str]] = field(default_factory=dict)
    """Feed name → the URLs of its documents whose bytes changed."""
    notices: list[Notice] = field(default_factory=list)
    """What each hub was told (``feeds.websub``)."""


def feed_meta(
    config: Config,
    feed: FeedSpec,
    store: Store,
    *,
    stylesheet: bool = True,
    infos: Mapping[str, SourceInfo] | None = None,
    specs: Sequence[SourceSpec] | None = None,
) -> FeedMeta:
    """What the feed says about itself (without archive links, which depend on
    its archives). ``stylesheet``: the site has ``feed.xsl``; ``infos``: the
    sources' ``source_infos``, and ``specs`` the feed's ``feed_specs``, when
    they are at hand."""
    included = config.feed_specs(feed) if specs is None else specs
    every = config.feed_every(feed, included)
    return _meta(
        config,
        store,
        feed.name,
        feed.title,
        feed.description,
        every,
        included,
        1,
        stylesheet=stylesheet,
        infos=infos,
    )


def _meta(
    config: Config,
    store: Store,
    name: str,
    title: str,
    description: str,
    every: float,
    sources: Sequence[SourceSpec],
    depth: int,
    *,
    stylesheet: bool,
    infos: Mapping[str, SourceInfo] | None = None,
) -> FeedMeta:
    """A feed's meta: ``name`` its path under the site (percent-encoded),
    ``every`` the polling interval its ``ttl`` says, ``sources`` those it shows,
    ``depth`` its folders under the public folder (for the stylesheet's href)."""
    base = iri_to_uri(config.site.base_url)
    folder = f"{base}{name}/"
    infos = infos if infos is not None else source_infos(config)
    return FeedMeta(
        name=name,
        title=title,
        description=description,
        language=config.site.language,
        home_url=base,
        rss_url=folder + "rss.xml",
        atom_url=folder + "atom.xml",
        json_url=folder + "feed.json",
        author=config.site.author or config.site.title,
        fallback_updated=store.created_at(),
        hubs=config.site.hubs,
        ttl_minutes=max(1, math.ceil(every / 60)),
        icon=config.site.icon,
        logo=config.site.logo,
        rights=config.site.rights,
        stylesheet=f"{'../' * depth}{STYLESHEET}" if stylesheet else "",
        sources=tuple(infos[spec.name] for spec in sources),
    )


def source_infos(config: Config) -> dict[str, SourceInfo]:
    """What a feed's meta says of each source, by name: its display name, and its
    URL when it is a feed (RSS ``<source url>`` and Atom ``<source>`` name a feed)."""
    titles = config.source_titles()
    return {
        spec.name: SourceInfo(
            spec.name, titles[spec.name], spec.url if _reads_a_feed(spec) else None
        )
        for spec in config.sources
    }


def publish(
    config: Config,
    store: Store,
    *,
    now: datetime | None = None,
    notifier: Notifier | None = None,
) -> PublishResult:
    """Render and write every feed, its archives, the pages due, the index, the
    OPML list and the manifest, and record the outcome in the store (at ``now``,
    or the time it ended); then tell the hubs about the feeds that changed (a hub
    that fails is logged, never raised; ``notifier``: how, ``Notifier()`` unless
    given). A file that cannot be written raises PublishError, recorded first."""
    try:
        result = _publish(config, store)
    except PublishError as exc:
        store.record_publish(now or datetime.now(UTC), str(exc))
        raise
    store.record_publish(now or datetime.now(UTC), None)
    if config.site.hubs:  # the hubs' client is loaded only for a site that has hubs
        from feeds.websub import DEFAULT_NOTIFIER, notify

        result.notices = notify(
            config.site.hubs,
            result.changed,
            user_agent=user_agent(config.site.base_url),
            notifier=notifier or DEFAULT_NOTIFIER,
        )
    return result


def _publish(config: Config, store: Store) -> PublishResult:
    public = config.public_path
    remove_stale_temporaries(public)
    ledger = _Ledger(public, load_manifest(public))
    try:
        return _publish_to(ledger, config, store)
    finally:
        ledger.copies.close()  # a publish that failed leaves no copy being written


def _publish_to(ledger: _Ledger, config: Config, store: Store) -> PublishResult:
    public = ledger.public
    base = iri_to_uri(config.site.base_url)
    result = PublishResult(written=ledger.written, removed=ledger.removed)
    old_archives = load_state(public)
    archives: State = {}
    shared = SharedEntries()  # a story's archive entry, rendered once for every feed
    stylesheet = _stylesheet()
    hubs = tuple(("hub", hub) for hub in config.site.hubs)
    store.index_topics(config.topics())  # the topic feeds whose selection changed
    infos = source_infos(config)
    specs = [config.feed_specs(feed) for feed in config.feeds]
    metas = [
        feed_meta(config, f, store, stylesheet=stylesheet is not None, infos=infos, specs=s)
        for f, s in zip(config.feeds, specs, strict=True)
    ]
    look = PageLook(
        feeds=tuple(metas),
        source_titles=config.source_titles(),
        icon=config.site.icon,
        rights=config.site.rights,
    )
    site = f"{config.site!r}\0{hubs!r}\0{_look_print(config, base, look)}\0{_digest(infos)}"
    marker = _Marker(store.change_tokens(), site)
    rendered: list[tuple[FeedMeta, list[Story] | None]] = []
    reads: list[Callable[[], list[Story]]] = []  # each feed's newest, read when wanted
    everies = [config.feed_every(feed, s) for feed, s in zip(config.feeds, specs, strict=True)]
    for feed, meta, every, included in zip(config.feeds, metas, everies, specs, strict=True):
        key = feed.name if feed.is_topic else None
        sources = [spec.name for spec in included]
        max_age = _seconds(every)
        mark = marker.mark(meta, feed.limit, max_age, [key] if key else map(source_key, sources))
        reads.append(partial(_stories, store, sources, feed.limit, key, base))
        kept = ledger.kept(feed.name, mark, ledger.feed_paths(feed.name))
        if kept is not None and (key is not None or _archived(ledger, feed.name, old_archives)):
            if key is None:  # made of what the last run's was: its files stay as they are
                archives[feed.name] = old_archives.get(feed.name, {})
            rendered.append((kept.meta(meta), None))
            continue
        stories = reads[-1]()
        if key is None:
            made = (old_archives, archives)
            meta = _archives(
                store, ledger, meta, feed, sources, stories, made, max_age, config.site.tz, shared
            )
        else:  # a topic feed: its newest stories only (see the module's docstring)
            for month in sorted(ledger.archive_months(feed.name)):
                ledger.remove(archive_path(feed.name, month))
        _write_feed(ledger, result, meta, feed.name, stories, max_age, hubs, mark)
        rendered.append((meta, stories))
    tagged = _publish_tag_feeds(
        config, store, ledger, result, marker, hubs, stylesheet is not None, infos
    )
    # the pages: due only when a story changed (a token moved), how pages look, or
    # the folder (a page deleted by hand changes its time)
    pages_mark = _digest([marker.extra, sorted(marker.tokens.items())])
    old_pages = ledger.old_feeds.get(PAGES)
    folder = public / STORIES_DIR
    if old_pages is None or old_pages.made_of != _pages_print(pages_mark, folder):
        result.pages = _publish_pages(config, store, folder, base, look)
    result.pages += _publish_linkless_pages(
        config,
        folder,
        base,
        (s.item for _, stories in rendered for s in stories or ()),
        look,
    )
    ledger.feeds[PAGES] = FeedState(_pages_print(pages_mark, folder), pages_mark)
    site_age = _seconds(min(everies, default=DEFAULT_EVERY))
    sections: list[tuple[FeedMeta, list[Story] | None, Callable[[], list[Story]]]] = []
    listed: list[FeedMeta] = []  # the topic feeds beyond INDEX_SECTIONS feeds: by name
    for (meta, shown), feed, read in zip(rendered, config.feeds, reads, strict=True):
        if feed.is_topic and len(config.feeds) > INDEX_SECTIONS:
            listed.append(meta)
        else:
            sections.append((meta, shown, read))
    # every feed's state holds its mark, which holds its meta
    feeds = {k: v for k, v in ledger.feeds.items() if k not in (PAGES, TAGS)}
    index_mark = _digest([marker.extra, feeds, [meta.name for meta, _, _ in sections]])
    if ledger.kept(INDEX, index_mark, [INDEX], max_age=site_age) is None:
        index = render_index(
            [(meta, read() if shown is None else shown) for meta, shown, read in sections],
            site_title=config.site.title,
            description=config.site.description,
            language=config.site.language,
            tz=config.site.tz,
            base_url=base,
            source_titles=look.source_titles,
            opml=True,
            icon=look.icon,
            rights=look.rights,
            topic_feeds=listed,
            tag_feeds=[meta for meta, _ in tagged],
        )
        ledger.write(INDEX, index, max_age=site_age)
        ledger.feeds[INDEX] = FeedState(index_mark, index_mark)
    opml = render_opml(config.site.title, base, [meta for meta, _ in [*rendered, *tagged]])
    ledger.write(OPML, opml, max_age=site_age, cors=True)  # read by web feed readers too
    if stylesheet is not None:
        ledger.write(STYLESHEET, stylesheet, max_age=STYLESHEET_MAX_AGE)
    folders = {f.name for f in config.feeds} | {tag_folder(meta) for meta, _ in tagged}
    _remove_unconfigured(ledger, folders, old_archives)
    write_if_changed(public / STATE, dumps_state(archives))  # before the marks that skip it
    ledger.save()
    return result


PAGES = ".pages"
"""The state key of the story pages (``FEEDS_STATE``): the tokens they were made at,
and the pages folder's modification time once they were written."""


def _pages_print(mark: str, folder: Path) -> str:
    try:
        changed = folder.stat().st_mtime_ns
    except FileNotFoundError:
        changed = 0
    return f"{mark}-{changed}"


def _archived(ledger: _Ledger, feed: str, old: State) -> bool:
    """The archive state has the months of the feed's archives the manifest has."""
    return set(old.get(feed, {})) == ledger.archive_months(feed)


INDEX_SECTIONS = 12
"""Up to this many feeds, the front page shows every feed as a section of its
newest stories; beyond, the topic feeds are listed by name (their stories are in
the sections of the feeds of sources)."""


def _look_print(config: Config, base: str, look: PageLook) -> str:
    """What every page and feed of the site shows of the site (``pages_fingerprint``)."""
    return pages_fingerprint(
        config.site.title,
        base,
        config.site.tz,
        feeds=look.feeds,
        source_titles=look.source_titles,
        icon=look.icon,
        rights=look.rights,
    )


@dataclass(frozen=True, slots=True)
class _Marker:
    """Marks a feed by what it is made of, without reading its stories: the
    store's change tokens of its sources (or of its index key), its meta, and
    what the whole site adds (``extra``)."""

    tokens: Mapping[str, str]
    extra: str
    """The site: its config, hubs, look and every source's ``SourceInfo``."""

    def mark(self, meta: FeedMeta, limit: int, max_age: int, keys: Iterable[str]) -> str:
        """``keys``: the feed's token keys (its sources', or its index key)."""
        tokens = [(k, self.tokens.get(k, "")) for k in (EVERYTHING, *sorted(keys))]
        shown = "\0".join(info.name for info in meta.sources)  # ``extra`` has the rest
        return _digest([self.extra, replace(meta, sources=()), shown, limit, max_age, tokens])


def _digest(parts: object) -> str:
    return hashlib.sha256(f"{NASHRA_VERSION}\n{parts!r}".encode()).hexdigest()[:32]


def _archives(
    store: Store,
    ledger: _Ledger,
    meta: FeedMeta,
    feed: FeedSpec,
    sources: list[str],
    stories: list[Story],
    states: tuple[State, State],
    max_age: int,
    tz: tzinfo,
    shared: SharedEntries,
) -> FeedMeta:
    """Publish the feed's archives (``feeds.archive``, months in ``tz``) and record
    them in the new state (``states``: the last run's, this run's); its meta,
    linking the newest. ``shared``: the entries rendered for the other feeds."""
    old, archives = states
    made = publish_archives(
        store,
        ledger.public,
        meta,
        sources,
        feed.limit,
        {s.item.id for s in stories},
        old.get(feed.name, {}),
        ledger.archive_months(feed.name),
        tz,
        shared=shared,
        on_file=lambda archive: ledger.add_archive(archive, max_age),
    )
    for path in made.removed:
        ledger.remove(path)
    archives[feed.name] = dict(made.records)
    if made.newest_url is not None:
        meta = replace(meta, archive=ArchiveLinks(meta.atom_url, prev=made.newest_url))
    return meta


def _stories(
    store: Store, sources: list[str], limit: int, key: str | None, base: str
) -> list[Story]:
    """The newest ``limit`` stories of a feed of these sources (``key``: of the
    topic or tag feed's index), with their links."""
    return [
        Story(i, story_link(i, base))
        for i in store.latest(sources, limit, key)
        if i.withdrawn_at is None  # the store leaves them out; never publish one
    ]


def _write_feed(
    ledger: _Ledger,
    result: PublishResult,
    meta: FeedMeta,
    folder: str,
    stories: list[Story],
    max_age: int,
    hubs: tuple[tuple[str, str], ...],
    mark: str,
) -> None:
    """Write a feed's three documents in ``folder`` (under the public folder),
    and what they are made of (``mark``: see ``_Marker``). A feed made of what
    the last run's was (the same meta and stories, the same nashra) is not
    rendered again: its files are recorded as they are."""
    urls = {"rss.xml": meta.rss_url, "atom.xml": meta.atom_url, "feed.json": meta.json_url}
    made_of = feed_fingerprint(meta, stories)
    old = ledger.old_feeds.get(folder)
    prev = meta.archive.prev if meta.archive is not None else None
    ledger.feeds[folder] = FeedState(made_of, mark, prev, meta.title)
    same = old is not None and old.made_of == made_of
    same = same and all(ledger.in_place(f"{folder}/{filename}") for filename, _ in FEED_FILES)
    for filename, render in FEED_FILES:
        url = urls[filename]
        links = (("self", url), *hubs)
        path = f"{folder}/{filename}"
        if same:
            ledger.record(path, None, False, max_age=max_age, links=links, cors=True)
        elif ledger.write(path, render(meta, stories), max_age=max_age, links=links, cors=True):
            result.changed.setdefault(meta.name, []).append(url)


def feed_fingerprint(meta: FeedMeta, stories: Sequence[Story]) -> str:
    """What a feed's documents are made of: its meta, its stories (every field,
    their clusters' too) and nashra's version."""
    digest = hashlib.sha256(f"{NASHRA_VERSION}\n{meta!r}".encode())
    for story in stories:  # not the page's revision: pages are not in the feed
        item = replace(story.item, page_rev=None)
        digest.update(repr((item, story.link)).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def tag_folder(meta: FeedMeta) -> str:
    """The folder of a tag feed under the public folder: ``tags/<slug>`` in UTF-8
    (its ``name`` is the percent-encoded path of its URLs)."""
    return unquote(meta.name)


TAGS = ".tags"
"""The state key of the tags that have a feed (``FEEDS_STATE``): their slugs, and
the tag tokens they were counted at."""


def _tags(config: Config, store: Store, ledger: _Ledger, marker: _Marker) -> list[str]:
    """The slugs of the tags at least ``tag_feed_min`` stories have: counted in the
    store only when a tag's token moved since the last run counted them."""
    moved = sorted(
        (k, t) for k, t in marker.tokens.items() if k.startswith((TAG_PREFIX, EVERYTHING))
    )
    mark = _digest([marker.extra, moved])
    old = ledger.old_feeds.get(TAGS)
    try:
        known = json.loads(old.made_of) if old is not None and old.mark == mark else None
    except ValueError:
        known = None  # unreadable: count them again
    if isinstance(known, list):
        slugs = [str(s) for s in known]
    else:
        slugs = [slug for slug, _ in store.tags_with(config.site.tag_feed_min)]
    ledger.feeds[TAGS] = FeedState(json.dumps(slugs, ensure_ascii=False), mark)
    return slugs


def tag_feed_meta(
    config: Config,
    store: Store,
    slug: str,
    title: str,
    *,
    stylesheet: bool,
    infos: Mapping[str, SourceInfo] | None = None,
) -> FeedMeta:
    """What the feed of a tag says about itself: its URLs the percent-encoded
    ``tags/<slug>/``, its title the tag as a story spells it."""
    name = f"{TAG_FOLDER}/{quote(slug, safe='')}"
    every = shortest_every(config.sources)  # a tag's stories come from any source
    return _meta(
        config, store, name, title, "", every, config.sources, 2, stylesheet=stylesheet, infos=infos
    )


def _publish_tag_feeds(
    config: Config,
    store: Store,
    ledger: _Ledger,
    result: PublishResult,
    marker: _Marker,
    hubs: tuple[tuple[str, str], ...],
    stylesheet: bool,
    infos: Mapping[str, SourceInfo],
) -> list[tuple[FeedMeta, list[Story] | None]]:
    """With ``[site] tag_feeds``: a feed for every tag at least ``tag_feed_min``
    stories have, in ``tags/<slug>/`` (without archives). Returns them, in slug order."""
    if not config.site.tag_feeds:
        return []
    base = iri_to_uri(config.site.base_url)
    names = [s.name for s in config.sources]
    limit = max((f.limit for f in config.feeds), default=50)
    max_age = _seconds(shortest_every(config.sources))
    published: list[tuple[FeedMeta, list[Story] | None]] = []
    for slug in _tags(config, store, ledger, marker):
        key = TAG_PREFIX + slug
        untitled = tag_feed_meta(config, store, slug, "", stylesheet=stylesheet, infos=infos)
        mark = marker.mark(untitled, limit, max_age, [key])
        folder = tag_folder(untitled)
        kept = ledger.kept(folder, mark, ledger.feed_paths(folder))
        if kept is not None:
            published.append((kept.meta(untitled), None))
            continue
        stories = _stories(store, names, limit, key, base)
        spelt = (t for s in stories for t in s.item.tags if tag_slug(t) == slug)
        title = next(spelt, slug.replace("-", " "))
        meta = replace(untitled, title=title.strip())
        _write_feed(ledger, result, meta, tag_folder(meta), stories, max_age, hubs, mark)
        published.append((meta, stories))
    return published


def _reads_a_feed(spec: SourceSpec) -> bool:
    """Whether a source's URL is a feed (not a web page read with selectors or one
    whose advertised feed is followed)."""
    return spec.url is not None and not spec.selectors and not spec.discover


def _seconds(every: float) -> int:
    return max(1, math.ceil(every))


def _stylesheet() -> bytes | None:
    """The stylesheet of the feeds, when nashra ships one."""
    source = resources.files("feeds").joinpath("templates", STYLESHEET)
    try:
        return source.read_bytes() if source.is_file() else None
    except OSError:
        return None


def _remove_unconfigured(ledger: _Ledger, configured: set[str], archives: State) -> None:
    """Delete what nashra published for feeds no longer configured (and tag feeds
    no longer published): their files in the last manifest, and the archives it
    recorded."""
    for path in sorted(ledger.old.files):
        folder, _, rest = path.partition("/")
        if folder == TAG_FOLDER and folder not in configured and rest.count("/") == 1:
            folder = f"{folder}/{rest.split('/')[0]}"  # tags/<slug>/rss.xml
        if rest and folder not in configured:
            ledger.remove(path)
    for feed, months in sorted(archives.items()):
        if feed not in configured:
            for month in sorted(months):
                ledger.remove(archive_path(feed, month))
            shutil.rmtree(ledger.public / INDEXES / feed, ignore_errors=True)


class _Ledger:
    """The manifest of this run: each feed-level file written (or kept) is
    recorded with its hash, size and time, and has its compressed copies; each
    file removed is listed as gone."""

    def __init__(self, public: Path, old: Manifest) -> None:
        self.public, self.old = public, old
        self.files: dict[str, Published] = {}
        self.gone: set[str] = set()
        self.written: list[Path] = []
        self.removed: list[Path] = []
        self.old_feeds = _load_feeds(public)
        self.feeds: dict[str, FeedState] = {}
        """Feed folder (or the index) -> what its documents are made of."""
        self._months: dict[str, set[str]] | None = None
        self.unsynced = False
        self.copies = CopyWriter()
        """Writes the compressed copies while the next files are rendered."""

    def kept(
        self, key: str, mark: str, paths: Sequence[str], *, max_age: int | None = None
    ) -> FeedState | None:
        """If what ``key`` (a feed's folder, the index) names is marked as the last
        run's was and its files (``paths``) are in place: record them as they are
        (served ``max_age``, else as before) and return what the last run made it
        of; else None (render it)."""
        old = self.old_feeds.get(key)
        if old is None or old.mark != mark or not all(self.in_place(p) for p in paths):
            return None
        for path in paths:
            prior = self.old.files[path]
            age = prior.max_age if max_age is None else max_age
            self.record(path, None, False, max_age=age, links=prior.links, cors=prior.cors)
        self.feeds[key] = old
        return old

    def feed_paths(self, folder: str) -> list[str]:
        """A feed's files in the last manifest's terms: its documents and archives."""
        paths = [f"{folder}/{name}" for name, _ in FEED_FILES]
        return paths + [archive_path(folder, m) for m in sorted(self.archive_months(folder))]

    def in_place(self, path: str) -> bool:
        """The file is on disk as the last manifest recorded it (its size and time):
        not deleted, replaced or left behind by a run that stopped half-way."""
        prior = self.old.files.get(path)
        if prior is None:
            return False
        try:
            found = (self.public / path).stat()
        except OSError:
            return False
        return found.st_size == prior.size and found.st_mtime == prior.modified

    def archive_months(self, feed: str) -> set[str]:
        """The months of the feed's archives in the last manifest."""
        if self._months is None:
            self._months = {}
            for path in self.old.files:
                if is_archive_path(path):  # <feed>/archive/<month>.xml
                    folder, _, month = path.split("/")
                    self._months.setdefault(folder, set()).add(month.removesuffix(".xml"))
        return set(self._months.get(feed, ()))

    def write(
        self,
        path: str,
        data: bytes,
        *,
        max_age: int,
        links: tuple[tuple[str, str], ...] = (),
        cors: bool = False,
    ) -> bool:
        """Write the file at ``path`` (under the public folder) if its bytes
        changed, and record it. True if written. Atomically, but synced with
        the rest before the manifest is written (``save``), not one by one."""
        written = write_if_changed(self.public / path, data, durable=False)
        self.unsynced = self.unsynced or written
        self.record(path, data, written, max_age=max_age, links=links, cors=cors)
        return written

    def add_archive(self, archive: ArchiveFile, feed_max_age: int) -> None:
        max_age = feed_max_age if archive.newest else ARCHIVE_MAX_AGE
        links = (("self", archive.url),)
        self.record(
            archive.path,
            archive.data,
            archive.written,
            max_age=max_age,
            links=links,
            cors=True,
            quick=True,
        )

    def record(
        self,
        path: str,
        data: bytes | None,
        written: bool,
        *,
        max_age: int,
        links: tuple[tuple[str, str], ...],
        cors: bool,
        quick: bool = False,
    ) -> None:
        """Record a file in place (``data`` None: not rendered this run, as the
        last manifest has it), writing its compressed copies if its bytes are not
        those the last manifest recorded or a copy is missing (``quick``: an
        archive page's, see ``write_copies``)."""
        target = self.public / path
        prior = self.old.files.get(path)
        if written:
            self.written.append(target)
        if data is None:
            if (
                prior is not None
                and prior.encodings == ENCODINGS
                and self.in_place(path)
                and copies_present(target)
            ):
                self.files[path] = replace(prior, max_age=max_age, links=links, cors=cors)
                return
            data = _read(target)
        etag = etag_of(data)
        same = not written and prior is not None and prior.etag == etag
        if not same or prior is None or prior.encodings != ENCODINGS or not copies_present(target):
            self.copies.submit(target, data, quick=quick)
            self.unsynced = True
        modified = prior.modified if same and prior is not None else _mtime(target)
        self.files[path] = Published(
            path, etag, len(data), modified, max_age, links, cors, encodings=ENCODINGS
        )

    def remove(self, path: str) -> None:
        """Delete a file nashra published (and its copies), and list it as gone."""
        target = self.public / path
        if remove_published(target):
            self.removed.append(target)
        self.gone.add(path)
        remove_empty_folders(target.parent, self.public)

    def save(self) -> None:
        """Write the manifest: the files recorded, and as gone those removed now
        or before that are not published again; then, last, what the feeds were
        made of (``FEEDS_STATE``): a run that stops before it is done leaves the
        last run's marks, and the next run renders and records again what this
        one changed."""
        gone = (self.old.gone | self.gone) - set(self.files)
        manifest = Manifest(self.files, frozenset(gone))
        self.copies.finish()
        if self.unsynced:
            sync_all()  # the files and their copies, written without a sync each
        write_if_changed(self.public / MANIFEST, dumps(manifest))
        gone_map = self.public / GONE_MAP
        if gone:
            write_if_changed(gone_map, nginx_gone_map(gone))
        elif gone_map.exists():
            remove_published(gone_map)
        write_if_changed(self.public / FEEDS_STATE, _dumps_feeds(self.feeds))


FEEDS_STATE = MANIFEST.parent / "feeds.json"
"""What each feed's documents (and the index) were made of, by folder."""


@dataclass(frozen=True, slots=True)
class FeedState:
    """What a feed's documents were made of: its stories and meta
    (``feed_fingerprint``), the store's change tokens it was read at
    (``_Marker``), and what of its meta it learnt from them (the link to its
    newest archive, a tag feed's title)."""

    made_of: str
    mark: str
    prev: str | None = None
    title: str = ""

    def meta(self, meta: FeedMeta) -> FeedMeta:
        """``meta`` as the feed had it when it was made of this."""
        if self.prev is not None:
            meta = replace(meta, archive=ArchiveLinks(meta.atom_url, prev=self.prev))
        return replace(meta, title=self.title) if self.title else meta


def _load_feeds(public: Path) -> dict[str, FeedState]:
    try:
        data = json.loads((public / FEEDS_STATE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}  # none yet, or unreadable: every feed is rendered
    if not isinstance(data, dict):
        return {}
    found: dict[str, FeedState] = {}
    for folder, state in data.items():
        if isinstance(state, dict) and isinstance(state.get("made_of"), str):
            prev, title = state.get("prev"), state.get("title")
            found[str(folder)] = FeedState(
                state["made_of"],
                str(state.get("mark", "")),
                prev if isinstance(prev, str) else None,
                title if isinstance(title, str) else "",
            )
        elif isinstance(state, str):  # an older release's: what it was made of only
            found[str(folder)] = FeedState(state, "")
    return found


def _dumps_feeds(feeds: Mapping[str, FeedState]) -> bytes:
    data = {
        folder: {"made_of": s.made_of, "mark": s.mark, "prev": s.prev, "title": s.title}
        for folder, s in sorted(feeds.items())
    }
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


GONE_MAP = MANIFEST.parent / "gone.map"
"""The gone files as an nginx ``map`` include (deploy/nginx.conf answers them 410)."""


def nginx_gone_map(gone: Iterable[str]) -> bytes:
    """One ``"/<path>" 1;`` line per gone path, sorted (paths are slugs and month
    names: nothing to escape, but a quote or backslash is dropped all the same)."""
    lines = (f'"/{path.replace(chr(34), "").replace(chr(92), "")}" 1;\n' for path in sorted(gone))
    return "".join(lines).encode("utf-8")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PublishError(str(path), f"cannot read: {exc.strerror}") from exc


def _mtime(path: Path) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError as exc:
        raise PublishError(str(path), f"cannot read: {exc.strerror}") from exc


@dataclass(frozen=True, slots=True)
class PageLook:
    """What every story page shows beside its story (and is fingerprinted by)."""

    feeds: tuple[FeedMeta, ...]
    source_titles: Mapping[str, str]
    icon: str
    rights: str


def _publish_pages(config: Config, store: Store, folder: Path, base: str, look: PageLook) -> int:
    fingerprint = _look_print(config, base, look)
    existing = set(os.listdir(folder)) if folder.is_dir() else set()
    done: list[tuple[str, str]] = []
    count = 0
    for item in store.pages_due(fingerprint, existing):
        name = f"{item.slug}.html"
        # a withdrawn story that was published under its own URL never had a page
        if not (item.withdrawn_at and has_own_link(item) and name not in existing):
            page = _story_page(config, item, base, look)
            write_if_changed(folder / name, page, durable=False)
            count += 1
        done.append((item.id, page_rev(item.rev, fingerprint)))
        if len(done) >= PAGE_BATCH:
            _commit_pages(store, done)
    _commit_pages(store, done)
    return count


def _story_page(config: Config, item: StoredItem, base: str, look: PageLook) -> bytes:
    return render_story(
        item,
        story_link(item, base),
        site_title=config.site.title,
        home_url=base,
        tz=config.site.tz,
        feeds=look.feeds,
        source_titles=look.source_titles,
        icon=look.icon,
        rights=look.rights,
    )


def _publish_linkless_pages(
    config: Config, folder: Path, base: str, listed: Iterable[StoredItem], look: PageLook
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
        page = _story_page(config, item, base, look)
        if write_if_changed(folder / f"{item.slug}.html", page):
            written += 1
    return written


def _commit_pages(store: Store, done: list[tuple[str, str]]) -> None:
    """Make a batch of pages durable, then record them in the store."""
    if done:
        sync_all()
        store.mark_pages(done)
        done.clear()
