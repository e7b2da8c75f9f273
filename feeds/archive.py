"""RFC 5005 archives: the stories that fell out of a feed stay reachable.

A feed lists its newest ``limit`` stories; the older ones it lists are published
as archive documents, by month, ``<feed>/archive/<YYYY-MM>.xml``, the month being
that of the story's date (its published date, else when it was first seen) in
the site's time zone (a bulletin of 1 December in Tripoli is in December's
archive, though it is 30 November at 22:00 UTC). A month is cut into pages of
about ``PAGE_SIZE`` stories: a story whose id hashes to a multiple of
``PAGE_SIZE`` begins a page (``starts_page``), named after its month, local
time and id (``<YYYY-MM>.<DD>T<HHMMSS>.<hash>.xml``); the stories before the
month's first such story are on ``<YYYY-MM>.xml``. So where a page ends
depends on its own stories only: a story added to the archive, whatever its
date, changes the page it lands in (and splits it when it begins a page of its
own), and the pages around stay as they are. A rebuild renders the pages its
new stories land in, not the month: with 20,000 stories in one month, a rebuild
took 6 to 8 s when the month was one document, 0.4 to 0.8 s in pages. Only
months holding stories the subscription feed no longer lists have pages. Each
page links ``current``
(the feed's Atom document), ``prev-archive`` (the page before, across months)
and ``next-archive`` (the page after), and says ``fh:archive``; the
subscription feed links ``prev-archive`` to the newest page.

A page is rendered again only when what it is made of changes: its stories
(one added as it falls out of the feed, edited, withdrawn, or moved to another
page as an older one of its month left), its links (a page gained or lost a
neighbour), the feed's settings or nashra's version. What it was made of is
kept in ``public/.nashra/archives.json`` (two fingerprints per page, and the
id of its oldest story); deciding costs one read of the feed's story ids and
dates (``Archives.listing``), and a page rendered reads the content of its own
stories only. Of those, it renders the entries of stories that changed or are
new to it; the others are taken from its file as they are (or, for a page just
split off, from the file of the page before it): ``public/.nashra/archives/
<feed>/<page>.json`` says which entry of the file was rendered from which story
revision, and is trusted only while the file is the one it describes. With 45,000
stories in 11 feeds and 500 new ones landing across 54 pages, the archives of a
publish took 20 s when every entry of a page was rendered, 4 to 5 s this way.

Retention (``keep_days``) removes old stories from the store, not from the
archives: once the store no longer holds a story of a page, the page keeps the
entries of the stories the store lost as they were last published, and is
never written again because of that. Should one of its stories still held
change (or a new one land on it), the page is rendered from the stories still
held and the lost ones are carried over from the file as they are.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from feeds.atomic import write_if_changed
from feeds.render import (
    ATOM,
    ArchiveLinks,
    AtomEntry,
    FeedMeta,
    SourceInfo,
    Story,
    atom_document,
    atom_entries,
    attribution,
    published_id,
    render_atom,
    split_atom,
    story_link,
)
from feeds.store import Store
from feeds.store.archives import Listed
from sources.errors import PublishError

ARCHIVE_DIR = "archive"
"""The archives' folder, in each feed's folder."""
PAGE_SIZE = 500
"""Stories on an archive page, on average (one story in ``PAGE_SIZE`` begins a
page): a month of more has several pages."""
STATE = Path(".nashra") / "archives.json"
"""What each archive was made of, under the public folder."""
INDEXES = Path(".nashra") / "archives"
"""Under the public folder, ``<feed>/<page>.json``: what each entry of a page's
file was rendered from, so that a page rendered again reuses the entries that
did not change."""
ARCHIVE_RELS = ("current", "prev-archive", "next-archive")
_OWN_IDS = "urn:nashra:id:"
"""The prefix of an id published in nashra's own URN (``published_id``)."""

try:
    NASHRA_VERSION = version("nashra")
except PackageNotFoundError:  # a source tree never installed
    NASHRA_VERSION = "0"


@dataclass(frozen=True, slots=True)
class Record:
    """What one archive document was made of when it was last written."""

    stories: str
    """Fingerprint of its stories as the store held them (ids and revisions)."""
    document: str
    """Fingerprint of the rest: the feed's settings, its links, nashra's version."""
    oldest: str
    """The id of its oldest story; empty once the store lost a story of it
    (its entries are then kept from the file)."""


State = dict[str, dict[str, Record]]
"""Feed name → page (``page_key``) → record."""


@dataclass(frozen=True, slots=True)
class ArchiveFile:
    """An archive document of the run: ``data`` None when it was neither
    rendered nor written (nothing it is made of changed), or once given to
    ``publish_archives``'s ``on_file``."""

    path: str
    """Path under the public folder, POSIX."""
    url: str
    data: bytes | None
    written: bool
    newest: bool


@dataclass(frozen=True, slots=True)
class FeedArchives:
    files: tuple[ArchiveFile, ...] = ()
    removed: tuple[str, ...] = ()
    """Paths of archives nashra had published and no longer does."""
    records: Mapping[str, Record] = field(default_factory=dict)

    @property
    def newest_url(self) -> str | None:
        return next((f.url for f in self.files if f.newest), None)


# -------------------------------------------------------------------- pure decisions


def month_of(when: datetime, tz: tzinfo = UTC) -> str:
    """The archive month of a story's date: ``YYYY-MM`` in the time zone ``tz``."""
    local = when.astimezone(tz)
    return f"{local.year:04d}-{local.month:02d}"


def month_bounds(month: str, tz: tzinfo = UTC) -> tuple[datetime, datetime]:
    """The first instant of the month and of the next, in the time zone ``tz``."""
    year, number = (int(part) for part in month.split("-"))
    start = datetime(year, number, 1, tzinfo=tz)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=tz)
    return start, end


@lru_cache(maxsize=1 << 16)
def _story_hash(story_id: str) -> str:
    """The first 12 hex digits of the id's SHA-256 (all that pages use of it),
    remembered: each publish places every story of each changed feed again."""
    return hashlib.sha256(story_id.encode("utf-8")).hexdigest()[:12]


def starts_page(story_id: str, page_size: int = PAGE_SIZE) -> bool:
    """Whether the story begins an archive page (unless it is its month's oldest):
    one story in ``page_size``, chosen by its id alone."""
    return int(_story_hash(story_id), 16) % page_size == 0


def page_key(month: str, first: Listed | None = None, tz: tzinfo = UTC) -> str:
    """The name of the page of ``month`` that the story ``first`` begins
    (``YYYY-MM.DDTHHMMSS.hash``: its local date and time, and its id's hash),
    or of the month's first page (``YYYY-MM``)."""
    if first is None:
        return month
    when = first.date.astimezone(tz).strftime("%dT%H%M%S")
    return f"{month}.{when}.{_story_hash(first.id)[:8]}"


def page_order(key: str) -> tuple[str, str]:
    """Sorts pages oldest first: by month, then by the time their first story has."""
    month, _, rest = key.partition(".")
    return month, rest


def archive_path(feed: str, page: str) -> str:
    return f"{feed}/{ARCHIVE_DIR}/{page}.xml"


def is_archive_path(path: str) -> bool:
    parts = path.split("/")
    return len(parts) == 3 and parts[1] == ARCHIVE_DIR and parts[2].endswith(".xml")


def archived(
    listing: Sequence[Listed],
    limit: int,
    in_feed: set[str],
    tz: tzinfo = UTC,
    page_size: int = PAGE_SIZE,
) -> dict[str, list[Listed]]:
    """The stories a feed lists past its subscription document (its first
    ``limit``, and any it shows), by page (``page_key``), each page newest first:
    a month's stories from its oldest, a page begun by each story that
    ``starts_page``."""
    months: dict[str, list[Listed]] = {}
    for story in listing[limit:]:
        if story.id not in in_feed:
            months.setdefault(month_of(story.date, tz), []).append(story)
    pages: dict[str, list[Listed]] = {}
    for month, stories in months.items():
        key, page = month, list[Listed]()
        for story in reversed(stories):  # oldest first
            if page and starts_page(story.id, page_size):
                pages[key] = page[::-1]
                key, page = page_key(month, story, tz), []
            page.append(story)
        pages[key] = page[::-1]
    return pages


def archive_meta(meta: FeedMeta, url: str, prev: str | None, next_: str | None) -> FeedMeta:
    """What an archive document of the feed ``meta`` says about itself."""
    return replace(
        meta,
        atom_url=url,
        hubs=(),  # an archive does not change: nothing to subscribe to
        stylesheet=f"../{meta.stylesheet}" if meta.stylesheet else "",
        archive=ArchiveLinks(current=meta.atom_url, prev=prev, next=next_, is_archive=True),
    )


def stories_fingerprint(stories: Sequence[Listed]) -> str:
    lines = sorted(f"{s.id}\0{s.rev}" for s in stories)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:32]


def document_fingerprint(meta: FeedMeta) -> str:
    rest = replace(meta, sources=())
    text = f"{NASHRA_VERSION}\0{rest!r}\0{sources_digest(meta.sources)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@lru_cache(maxsize=64)
def sources_digest(sources: tuple[SourceInfo, ...]) -> str:
    """A feed's sources as its pages show them (a feed of thousands of sources
    has them digested once, not once a page)."""
    return hashlib.sha256(repr(sources).encode("utf-8")).hexdigest()[:32]


EMPTY = stories_fingerprint(())


def story_ids(published: str) -> tuple[str, ...]:
    """The store ids an entry's published id may stand for (``published_id``
    keeps most ids as they are, and writes the others in nashra's own URN)."""
    if published.startswith(_OWN_IDS):
        return (published, unquote(published[len(_OWN_IDS) :]))
    return (published,)


# -------------------------------------------------------------------- the state


def load_state(public: Path) -> State:
    """The archives' records; empty when there are none or they cannot be read
    (every archive is then checked against its file)."""
    try:
        data = json.loads((public / STATE).read_text("utf-8"))
        return {
            feed: {
                page: Record(str(row["stories"]), str(row["document"]), str(row["oldest"]))
                for page, row in months.items()
            }
            for feed, months in data["feeds"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def dumps_state(state: State) -> bytes:
    data = {
        "version": 1,
        "feeds": {
            feed: {
                page: {"stories": r.stories, "document": r.document, "oldest": r.oldest}
                for page, r in sorted(months.items(), key=lambda row: page_order(row[0]))
            }
            for feed, months in sorted(state.items())
            if months
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"


# -------------------------------------------------------------------- the files

_PARSER = etree.XMLParser(
    remove_blank_text=True, resolve_entities=False, no_network=True, huge_tree=True
)
_Tree = etree._ElementTree
_Element = etree._Element


@dataclass(slots=True)
class _Old:
    """An archive file as published, and its entries for the stories the store lost."""

    tree: _Tree
    carried: list[_Element]


def _id(entry: _Element) -> str:
    return entry.findtext(f"{ATOM}id") or ""


def _read(path: Path, store: Store, fresh_ids: set[str]) -> _Old | None:
    """The archive at ``path`` and its entries for stories the store no longer
    holds (other than ``fresh_ids``, the entries rendered anew); None when it
    cannot be read as Atom (it is then written anew)."""
    try:
        tree = etree.fromstring(path.read_bytes(), _PARSER).getroottree()
    except (OSError, etree.XMLSyntaxError):
        return None
    if tree.getroot().tag != f"{ATOM}feed":
        return None
    others = [e for e in tree.getroot().iterfind(f"{ATOM}entry") if _id(e) not in fresh_ids]
    held = store.stored_ids([i for e in others for i in story_ids(_id(e))])
    carried = [e for e in others if not any(i in held for i in story_ids(_id(e)))]
    return _Old(tree, carried)


def _when(entry: _Element, name: str) -> datetime:
    text = entry.findtext(f"{ATOM}{name}") or entry.findtext(f"{ATOM}updated") or ""
    try:
        return datetime.fromisoformat(text).astimezone(UTC)
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)


def _merged(fresh: bytes, carried: Sequence[_Element]) -> _Tree:
    """The rendered archive ``fresh`` with the ``carried`` entries of the old file
    among its own, newest first; its ``updated`` the later of its own and the
    carried entries' newest."""
    tree = etree.fromstring(fresh, _PARSER).getroottree()
    root = tree.getroot()
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        root.remove(entry)
    entries += [etree.fromstring(etree.tostring(e), _PARSER) for e in carried]
    entries.sort(key=lambda e: _when(e, "published"), reverse=True)  # stable: ties keep order
    root.extend(entries)
    updated = root.find(f"{ATOM}updated")
    if updated is not None and carried:
        newest = max(carried, key=lambda e: _when(e, "updated"))
        if _when(newest, "updated") > _when(root, "updated"):
            updated.text = newest.findtext(f"{ATOM}updated")
    return tree


def _same_document(one: _Tree, other: _Tree) -> bool:
    """Whether two archives have the same entries (ids and ``updated``) and links."""

    def shape(tree: _Tree) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        root = tree.getroot()
        entries = sorted(
            (_id(e), e.findtext(f"{ATOM}updated") or "") for e in root.iterfind(f"{ATOM}entry")
        )
        links = sorted(
            (link.get("rel", ""), link.get("href", ""))
            for link in root.iterfind(f"{ATOM}link")
            if link.get("rel") in ARCHIVE_RELS
        )
        return entries, links

    return shape(one) == shape(other)


def _bytes(tree: _Tree) -> bytes:
    return bytes(etree.tostring(tree, pretty_print=True, xml_declaration=True, encoding="UTF-8"))


# -------------------------------------------------------------------- a feed's archives


def publish_archives(
    store: Store,
    public: Path,
    meta: FeedMeta,
    sources: Sequence[str],
    limit: int,
    in_feed: set[str],
    records: Mapping[str, Record],
    known: set[str],
    tz: tzinfo = UTC,
    page_size: int | None = None,
    shared: SharedEntries | None = None,
    on_file: Callable[[ArchiveFile], None] | None = None,
) -> FeedArchives:
    """Write the archive pages of the feed ``meta`` (its base, without archive
    links) that need it, and decide which it has. ``in_feed``: the ids of the
    stories its subscription document lists; ``records``: the feed's page records
    of the last run; ``known``: the pages the last run published (the
    manifest's); ``page_size``: ``PAGE_SIZE`` unless given; ``shared``: the
    entries the publish rendered for other feeds; ``on_file``: called with each
    page as soon as it is decided, its bytes included, which the result then no
    longer holds (a feed's pages may weigh more than the memory at hand). Returns
    every page it has (written or not), the ones it no longer has (their files
    are the caller's to remove) and their records."""
    size = PAGE_SIZE if page_size is None else page_size
    pages = archived(store.listing(sources), limit, in_feed, tz, size)
    held = store.stored_ids([r.oldest for r in records.values() if r.oldest])
    folder = public / meta.name / ARCHIVE_DIR
    olds: dict[str, _Old | None] = {}
    survivors: list[str] = []
    removed: list[str] = []
    for key in sorted(set(pages) | set(records) | known, key=page_order):
        path = folder / f"{key}.xml"
        record = records.get(key)
        if pages.get(key):
            survivors.append(key)
        elif not path.is_file():
            continue
        elif record is not None and record.oldest and record.oldest in held:
            removed.append(key)  # its stories are all still held: withdrawn, moved, or in the feed
        elif record is not None and not record.oldest and record.stories == EMPTY:
            survivors.append(key)  # the store had lost all its stories already
        else:
            olds[key] = old = _read(path, store, set())
            (survivors if old is not None and old.carried else removed).append(key)

    def url(key: str) -> str:
        return f"{meta.home_url}{meta.name}/{ARCHIVE_DIR}/{key}.xml"

    indexes = public / INDEXES / meta.name
    context, named = entry_context(meta), attribution(meta)
    shared = SharedEntries(0) if shared is None else shared
    files: list[ArchiveFile] = []
    new_records: dict[str, Record] = {}
    before: Entries = {}  # the entries of the page before, as its file had them
    for index, key in enumerate(survivors):
        prev = url(survivors[index - 1]) if index > 0 else None
        next_ = url(survivors[index + 1]) if index + 1 < len(survivors) else None
        doc = archive_meta(meta, url(key), prev, next_)
        record = records.get(key)
        lost = record is None or not record.oldest or record.oldest not in held
        page = _Page(folder / f"{key}.xml", indexes / f"{key}.json", context, named, shared)
        data, written, new_records[key], kept = _archive(
            store, page, doc, pages.get(key, []), record,
            lost=lost, old=olds.get(key), before=before,
        )  # fmt: skip
        before = kept
        newest = index == len(survivors) - 1
        made = ArchiveFile(archive_path(meta.name, key), doc.atom_url, data, written, newest)
        if on_file is not None:
            on_file(made)
            made = replace(made, data=None)
        files.append(made)
    for key in removed:
        (indexes / f"{key}.json").unlink(missing_ok=True)
    return FeedArchives(
        tuple(files), tuple(archive_path(meta.name, k) for k in removed), new_records
    )


# -------------------------------------------------------------------- entries reused

Entries = dict[str, AtomEntry]
"""Entries of a page as its file has them, by ``entry_key``."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def entry_context(meta: FeedMeta) -> str:
    """What a feed's archive entries depend on besides their stories: nashra's
    version, the site's URL (permalinks) and the feed's sources (attribution)."""
    text = f"{NASHRA_VERSION}\0{meta.home_url}\0{sources_digest(meta.sources)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def entry_key(story: Listed, context: str) -> str:
    """Names an entry as rendered: the same key, the same bytes."""
    text = f"{context}\0{story.id}\0{story.rev}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


SHARED_BYTES = 64 * 1024 * 1024
"""Entries a publish keeps for its other feeds, at most (their bytes)."""


class SharedEntries:
    """The archive entries one publish rendered, for its other feeds: a story in
    a site-wide feed and in its section's is rendered once when both feeds name
    its source alike (``AtomEntry.attributed``). Bounded by ``limit`` bytes:
    past it, entries are rendered again rather than kept."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit, self.size = SHARED_BYTES if limit is None else limit, 0
        self._entries: dict[tuple[str, str, str], AtomEntry] = {}

    def get(
        self, home_url: str, story: Listed, sources: Mapping[str, tuple[str, str]]
    ) -> AtomEntry | None:
        """The entry of ``story`` (its revision) for a feed naming ``sources``."""
        entry = self._entries.get((home_url, story.id, story.rev))
        if entry is None or entry.attributed != sources.get(entry.source):
            return None
        return entry

    def add(self, home_url: str, story: Listed, entry: AtomEntry) -> None:
        if self.size + len(entry.data) <= self.limit:
            self._entries[(home_url, story.id, story.rev)] = entry
            self.size += len(entry.data)


@dataclass(frozen=True, slots=True)
class _Page:
    path: Path
    """The page's file."""
    index: Path
    """Its index: what each entry of the file was rendered from (``INDEXES``)."""
    context: str
    """The feed's ``entry_context``."""
    attribution: Mapping[str, tuple[str, str]]
    """How the feed names its sources (``attribution``)."""
    shared: SharedEntries
    """The entries this publish rendered for other feeds."""


def _read_entries(page: _Page) -> Entries:
    """The page's entries as its file has them, by key; none when the file or its
    index is missing, unreadable, or they do not match (the file was written
    after the index, or by hand): its entries are then all rendered anew."""
    try:
        index = json.loads(page.index.read_text("utf-8"))
        data = page.path.read_bytes()
        if index["version"] != 1 or index["file"] != hashlib.sha256(data).hexdigest():
            return {}
        _head, parts, _tail = split_atom(data)
        keys = index["entries"]
        if len(keys) != len(parts):
            return {}
        return {
            str(key): AtomEntry(part, _EPOCH + timedelta(microseconds=int(changed)))
            for (key, changed), part in zip(keys, parts, strict=True)
        }
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _write_index(page: _Page, data: bytes, keys: Sequence[tuple[str, AtomEntry]]) -> None:
    """Record what the page's entries were rendered from; a page whose index
    cannot be written is rendered in full next time, nothing worse."""
    index = {
        "version": 1,
        "file": hashlib.sha256(data).hexdigest(),
        "entries": [[key, (entry.changed_at - _EPOCH) // _MICROSECOND] for key, entry in keys],
    }
    try:
        write_if_changed(page.index, json.dumps(index).encode("utf-8"), durable=False)
    except PublishError:
        page.index.unlink(missing_ok=True)


def _rendered(
    store: Store,
    page: _Page,
    doc: FeedMeta,
    listed: Sequence[Listed],
    before: Entries,
) -> tuple[bytes, list[tuple[str, AtomEntry]], Entries]:
    """The page of ``listed``: the entries its file (or the page ``before`` it,
    which a new page was split from) has for stories that did not change, the
    others rendered; its entries with their keys, in order; and every entry it
    knows of, its file's included (for the page after it)."""
    old = _read_entries(page)
    keys = [entry_key(story, page.context) for story in listed]
    missing = [s for s, k in zip(listed, keys, strict=True) if k not in old and k not in before]
    made: dict[str, AtomEntry] = {}
    unread: list[Listed] = []
    for story in missing:
        entry = page.shared.get(doc.home_url, story, page.attribution)
        if entry is not None:
            made[story.id] = entry
        else:
            unread.append(story)
    fresh = _stories(store, unread, doc.home_url)
    revs = {story.id: story for story in unread}
    for read, entry in zip(fresh, atom_entries(doc, fresh), strict=True):
        made[read.item.id] = entry
        page.shared.add(doc.home_url, revs[read.item.id], entry)
    kept: list[tuple[str, AtomEntry]] = []
    for story, key in zip(listed, keys, strict=True):
        entry = old.get(key) or before.get(key) or made.get(story.id)
        if entry is not None:  # else the store no longer lists it
            kept.append((key, entry))
    data = atom_document(doc, [entry for _key, entry in kept])
    return data, kept, {**old, **dict(kept)}


def _archive(
    store: Store,
    page: _Page,
    doc: FeedMeta,
    listed: Sequence[Listed],
    record: Record | None,
    *,
    lost: bool,
    old: _Old | None,
    before: Entries,
) -> tuple[bytes | None, bool, Record, Entries]:
    """One archive page, written if what it is made of changed (atomically, and
    synced to disk with the publish's other files before its manifest): its bytes
    (None: not rendered), whether it was written, its new record, and its
    entries by key when it was rendered (for the page after it). ``lost``: the
    store may have lost stories of it, which the file then keeps."""
    path = page.path
    wanted = Record(stories_fingerprint(listed), document_fingerprint(doc), "")
    exists = path.is_file()
    if exists and record is not None and record == replace(wanted, oldest=record.oldest):
        return None, False, record, {}  # nothing it is made of changed
    oldest = listed[-1].id if listed else ""
    if not (exists and lost):  # all its stories are in the store
        data, entries, known = _rendered(store, page, doc, listed, before)
        written = write_if_changed(path, data, durable=False)
        _write_index(page, data, entries)
        return data, written, replace(wanted, oldest=oldest), known
    stories = _stories(store, listed, doc.home_url)
    fresh = render_atom(doc, stories)
    old = old or _read(path, store, {published_id(s.item.id) for s in stories})
    page.index.unlink(missing_ok=True)  # a page carrying lost entries is rendered whole
    if old is None or not old.carried:  # the file is not nashra's Atom, or lost nothing
        return (
            fresh,
            write_if_changed(path, fresh, durable=False),
            replace(wanted, oldest=oldest),
            {},
        )
    merged = _merged(fresh, old.carried)
    keeps = replace(wanted, oldest="")
    if _same_document(merged, old.tree):  # the store only lost stories of it
        return None, False, keeps, {}
    data = _bytes(merged)
    return data, write_if_changed(path, data, durable=False), keeps, {}


def _stories(store: Store, listed: Sequence[Listed], base: str) -> list[Story]:
    """Stories of a page (``listed``, newest first), in the feed's order, with
    their content: these only (withdrawn since the listing: left out)."""
    if not listed:
        return []
    found = {i.id: i for i in store.listed_stories([s.id for s in listed])}
    return [Story(found[s.id], story_link(found[s.id], base)) for s in listed if s.id in found]
