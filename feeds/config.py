"""Loading and validating ``nashra.toml``.

Every problem is a ``ConfigError`` naming the file, the key (``sources[2].every``)
and, for syntax errors, the line, and saying what was expected.

Every duration and size is bounded (``LIMITS``), so that no value can overflow
a date or a buffer later:

=========================  ===================
``sources[].every``        1 s to 30 days
``fetch.*_timeout``        1 s to 10 minutes
``site.keep_days``         1 to 36500 (100 years)
``site.max_file_bytes``    1 KiB to 1 GiB
``fetch.max_bytes``        1 KiB to 1 GiB
``fetch.concurrency``      1 to 1024
``fetch.per_host``         1 to 64
``fetch.max_redirects``    0 to 20
``fetch.parse_processes``  -1 (automatic) to 256
``feeds[].limit``          1 to 10000
``site.near_window``       1 hour to 90 days
``sources[].priority``     -1000 to 1000
``site.tag_feed_min``      1 to 100000
=========================  ===================
"""

from __future__ import annotations

import difflib
import math
import os
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from feeds.topics import STEMS, Topic, Topics, check_query, compile_topic, tag_slug
from sources.base import DEFAULT_MAX_BYTES, SourceSpec
from sources.bulletin_words import DEFAULT_WORDS, BulletinWords
from sources.errors import ConfigError, SourceError
from sources.files import PARSERS
from sources.item import language_tag
from sources.webpage import compile_selectors

DEFAULT_CONFIG = "nashra.toml"
ENV_CONFIG = "NASHRA_CONFIG"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, None: 1}
KIB, GIB = 1024, 1024**3
MINUTE, DAY = 60, 86400


@dataclass(frozen=True, slots=True)
class Bounds:
    """The allowed range of a number in the configuration."""

    low: float
    high: float
    unit: str = ""
    """"s": a duration in seconds; "B": a size in bytes; "": a count."""

    def describe(self, value: float) -> str:
        if self.unit == "s":
            return _seconds(value)
        if self.unit == "B":
            return _bytes(value)
        return f"{value:g}"

    def message(self) -> str:
        return f"must be between {self.describe(self.low)} and {self.describe(self.high)}"


def _seconds(value: float) -> str:
    for unit, size in (("d", DAY), ("h", 3600), ("m", MINUTE)):
        if value >= size and value % size == 0:
            return f"{value / size:g}{unit}"
    return f"{value:g}s"


def _bytes(value: float) -> str:
    for unit, size in (("GiB", GIB), ("MiB", 1024**2), ("KiB", KIB)):
        if value >= size and value % size == 0:
            return f"{value / size:g} {unit}"
    return f"{value:g} bytes"


TIMEOUT = Bounds(1, 10 * MINUTE, "s")
SIZE = Bounds(KIB, GIB, "B")
LIMITS = {
    "every": Bounds(1, 30 * DAY, "s"),
    "connect_timeout": TIMEOUT,
    "read_timeout": TIMEOUT,
    "keep_days": Bounds(1, 36500),
    "max_file_bytes": SIZE,
    "max_bytes": SIZE,
    "concurrency": Bounds(1, 1024),
    "per_host": Bounds(1, 64),
    "max_redirects": Bounds(0, 20),
    "parse_processes": Bounds(-1, 256),
    "limit": Bounds(1, 10000),
    "near_window": Bounds(3600, 90 * DAY, "s"),
    "priority": Bounds(-1000, 1000),
    "tag_feed_min": Bounds(1, 100000),
}
"""The range of every number in the configuration, by key."""


@dataclass(frozen=True, slots=True)
class Site:
    title: str
    base_url: str
    language: str = "ar"
    timezone: str = "UTC"
    public_dir: str = "public"
    database: str = ""
    description: str = ""
    author: str = ""
    keep_days: int = 30
    max_file_bytes: int = DEFAULT_MAX_BYTES
    near_window: float = 7 * DAY
    hubs: tuple[str, ...] = ()
    """WebSub hubs (absolute http(s) URLs) every feed advertises and pings."""
    icon: str = ""
    """Absolute URL of a square icon (Atom ``icon``, JSON Feed ``favicon``)."""
    logo: str = ""
    """Absolute URL of a wide logo (RSS ``image``, Atom ``logo``, JSON Feed ``icon``)."""
    rights: str = ""
    """Copyright notice (RSS ``copyright``, Atom ``rights``)."""
    tag_feeds: bool = False
    """Publish ``tags/<slug>/`` feeds for every tag with ``tag_feed_min`` stories."""
    tag_feed_min: int = 3
    """Seconds: near-duplicates are looked for among stories first seen this recently."""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, slots=True)
class FeedSpec:
    name: str
    title: str
    description: str = ""
    sources: tuple[str, ...] = ("*",)
    limit: int = 50
    tags: tuple[str, ...] = ()
    """Stories with any of these tags (normalised as ``feeds.topics.tag_slug``)."""
    match: str = ""
    """A query (``feeds.topics``) over title, summary and body the stories satisfy."""
    exclude: str = ""
    """A query the stories must not satisfy."""
    stem: str = ""
    """``"light"``: query words also match behind the article and clitics."""

    def includes(self, source: str) -> bool:
        return "*" in self.sources or source in self.sources

    @property
    def is_topic(self) -> bool:
        """Selected by tags or queries (listed from the ``feed_items`` index)."""
        return bool(self.tags or self.match or self.exclude)

    def topic(self) -> Topic:
        """The feed's compiled selection (its queries were checked when loaded)."""
        return compile_topic(
            self.name,
            sources=self.sources,
            tags=self.tags,
            match=self.match,
            exclude=self.exclude,
            stem=self.stem,
        )


@dataclass(frozen=True, slots=True)
class FetchConfig:
    """The ``[fetch]`` table: limits for URL sources (see ``sources.http.FetchSettings``)."""

    concurrency: int = 32
    per_host: int = 2
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_bytes: int = 15 * 1024 * 1024
    max_redirects: int = 5
    parse_processes: int = -1
    """Worker processes parsing fetched feeds; -1: chosen from the cores and sources."""


DEFAULT_EVERY = 300.0
"""The polling interval said of a feed without sources (seconds)."""


def shortest_every(specs: Iterable[SourceSpec]) -> float:
    """Seconds between two polls of the most often polled of these sources."""
    return min((s.every for s in specs), default=DEFAULT_EVERY)


@dataclass(frozen=True, slots=True)
class Config:
    path: str
    site: Site
    sources: tuple[SourceSpec, ...]
    feeds: tuple[FeedSpec, ...]
    words: BulletinWords = DEFAULT_WORDS
    fetch: FetchConfig = FetchConfig()

    def topics(self) -> Topics:
        """The topic feeds, compiled, and whether tags are indexed: what saving a
        story files it under (``feeds.store.topics``)."""
        return Topics(tuple(f.topic() for f in self.feeds if f.is_topic), self.site.tag_feeds)

    @property
    def base_dir(self) -> str:
        return str(Path(self.path).resolve().parent)

    @property
    def public_path(self) -> Path:
        return Path(self.base_dir) / self.site.public_dir

    def feed_specs(self, feed: FeedSpec) -> list[SourceSpec]:
        """The sources the feed shows, in the configuration's order."""
        return [s for s in self.sources if feed.includes(s.name)]

    def feed_sources(self, feed: FeedSpec) -> list[str]:
        return [s.name for s in self.feed_specs(feed)]

    def feed_every(self, feed: FeedSpec, specs: Sequence[SourceSpec] | None = None) -> float:
        """Seconds between two polls of the feed's most often polled source (how
        long a reader may cache it: RSS ``ttl``, ``Cache-Control: max-age``);
        the default interval when it has none. ``specs``: its ``feed_specs``,
        when they are at hand."""
        return shortest_every(self.feed_specs(feed) if specs is None else specs)

    def source_titles(self) -> dict[str, str]:
        """Each source's display name (``title``, else its name), by name."""
        return {s.name: s.title or s.name for s in self.sources}


def config_path(explicit: str | None) -> str:
    return explicit or os.environ.get(ENV_CONFIG) or DEFAULT_CONFIG


def load_config(path: str) -> Config:
    """Read and validate a configuration file."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ConfigError(path, "no such file (use --config PATH or NASHRA_CONFIG)") from None
    except OSError as exc:
        raise ConfigError(path, f"cannot read: {exc.strerror}") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ConfigError(path, "not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        message = str(exc).split(" (at")[0]
        raise ConfigError(path, message, line=int(found.group(1)) if found else None) from exc
    return parse_config(data, path)


class _Reader:
    """Typed access to one table of the configuration, naming keys in errors."""

    def __init__(self, path: str, table: Mapping[str, Any], where: str, allowed: set[str]):
        self.path, self.table, self.where = path, table, where
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = (
                    f"; did you mean {close[0]!r}?"
                    if close
                    else f"; known keys: {', '.join(sorted(allowed))}"
                )
                raise ConfigError(path, f"unknown key{hint}", key=self.key(key))

    def key(self, name: str) -> str:
        return f"{self.where}.{name}" if self.where else name

    def fail(self, name: str, message: str) -> ConfigError:
        return ConfigError(self.path, message, key=self.key(name))

    def text(self, name: str, default: str | None = None) -> str:
        value = self.table.get(name, default)
        if value is None:
            raise self.fail(name, "is required (text)")
        if not isinstance(value, str):
            raise self.fail(name, f"must be text, got {type(value).__name__}")
        return value

    def opt_text(self, name: str) -> str | None:
        return self.text(name) if name in self.table else None

    def whole(self, name: str, default: int) -> int:
        """A whole number within ``LIMITS[name]``."""
        bounds = LIMITS[name]
        value = self.table.get(name, default)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(name, f"must be a whole number, got {_shown(value)}")
        if not bounds.low <= value <= bounds.high:
            raise self.fail(name, f"{bounds.message()}, got {_shown(value)}")
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.table.get(name, default)
        if not isinstance(value, bool):
            raise self.fail(name, f"must be true or false, got {value!r}")
        return value

    def slug(self, name: str) -> str:
        value = self.text(name)
        if not _SLUG.match(value):
            raise self.fail(name, f"must be a slug (a-z, 0-9, '-', '_'), got {value!r}")
        return value

    def strings(self, name: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        value = self.table.get(name, list(default))
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(name, "must be a list of text")
        return tuple(value)

    def duration(self, name: str, default: str) -> float:
        """A duration ("30s", "5m", "1h", "2d", or a number of seconds) within
        ``LIMITS[name]``."""
        bounds = LIMITS[name]
        value = self.table.get(name, default)
        seconds: float | None = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            seconds = float(value)
        elif isinstance(value, str) and (found := _DURATION.match(value)):
            seconds = float(found.group(1)) * _UNITS[found.group(2)]
        if seconds is None or math.isnan(seconds):
            raise self.fail(
                name, f'must be a duration like "30s", "5m", "1h", "2d", got {_shown(value)}'
            )
        if not bounds.low <= seconds <= bounds.high:
            raise self.fail(name, f"{bounds.message()}, got {_shown(value)}")
        return seconds


def _shown(value: object) -> str:
    """A value as the error shows it: short, whatever its size."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:30]}… ({len(text)} characters)"


def _split(url: str) -> SplitResult | None:
    """The parts of a URL, or None when it cannot be read (``http://[bad``)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    return parts


def _tables(path: str, data: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    value = data.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(path, f"must be an array of tables ([[{name}]])", key=name)
    return value


def _site(path: str, data: Mapping[str, Any]) -> Site:
    table = data.get("site")
    if not isinstance(table, dict):
        raise ConfigError(path, "a [site] table with title and base_url is required", key="site")
    r = _Reader(path, table, "site", set(Site.__slots__))
    base_url = r.text("base_url")
    parts = _split(base_url)
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise r.fail("base_url", f"must be an absolute http(s) URL, got {base_url!r}")
    timezone = r.text("timezone", "UTC")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise r.fail(
            "timezone", f"must be an IANA time zone such as 'Africa/Tripoli', got {timezone!r}"
        ) from None
    language = r.text("language", "ar")
    if language_tag(language, "") != language:
        raise r.fail(
            "language", f"must be a language tag such as 'ar' or 'ar-LY', got {language!r}"
        )
    return Site(
        title=r.text("title"),
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        language=language,
        timezone=timezone,
        public_dir=r.text("public_dir", "public"),
        database=r.text("database", ""),
        description=r.text("description", ""),
        author=r.text("author", ""),
        keep_days=r.whole("keep_days", 30),
        max_file_bytes=r.whole("max_file_bytes", DEFAULT_MAX_BYTES),
        near_window=r.duration("near_window", "7d"),
        hubs=tuple(_web_url(r, "hubs", hub) for hub in r.strings("hubs")),
        icon=_site_link(r, "icon", base_url),
        logo=_site_link(r, "logo", base_url),
        rights=r.text("rights", ""),
        tag_feeds=r.flag("tag_feeds"),
        tag_feed_min=r.whole("tag_feed_min", 3),
    )


def _web_url(r: _Reader, name: str, url: str) -> str:
    parts = _split(url)
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise r.fail(name, f"must be an absolute http(s) URL, got {_shown(url)}")
    return url


def _site_link(r: _Reader, name: str, base_url: str) -> str:
    """An image of the site: an absolute http(s) URL, or a path under ``base_url``."""
    value = r.text(name, "")
    if not value:
        return ""
    base = base_url if base_url.endswith("/") else base_url + "/"
    return _web_url(r, name, urljoin(base, value))


SOURCE_KEYS = (
    "name",
    "title",
    "path",
    "url",
    "every",
    "format",
    "allow_private",
    "discover",
    "full_text",
    "selectors",
    "dedup",
    "priority",
)
"""The keys of a ``[[sources]]`` table."""
DEDUP_MODES = ("near", "exact", "off")
"""``[[sources]] dedup``: near-duplicates too, exact copies only, or only the id."""

BULLETIN_KEYS = ("topic_markers", "continuations", "header_words", "closings", "agencies")
"""The keys of the ``[bulletin]`` table."""


def _source(path: str, table: Mapping[str, Any], index: int, site: Site) -> SourceSpec:
    r = _Reader(path, table, f"sources[{index}]", set(SOURCE_KEYS))
    name = r.slug("name")
    file_path, url = r.opt_text("path"), r.opt_text("url")
    if (file_path is None) == (url is None):
        raise r.fail("path", "give exactly one of path (a file or glob) or url")
    parts = None if url is None else _split(url)
    if url is not None and (
        parts is None or parts.scheme not in ("http", "https") or not parts.netloc
    ):
        raise r.fail("url", f"must be an http or https URL, got {url!r}")
    selectors = table.get("selectors", {})
    if not isinstance(selectors, dict) or not all(isinstance(v, str) for v in selectors.values()):
        raise r.fail(
            "selectors", "must be a table of text (item, title, link, date, summary, image)"
        )
    return SourceSpec(
        name=name,
        title=r.text("title", name).strip() or name,
        path=file_path,
        url=url,
        every=r.duration("every", "5m"),
        format=_format(r),
        allow_private=r.flag("allow_private"),
        discover=r.flag("discover"),
        full_text=r.flag("full_text"),
        selectors=_selectors(r, name, selectors),
        dedup=_dedup(r),
        priority=r.whole("priority", 0),
        near_window=site.near_window,
    )


def _dedup(r: _Reader) -> str:
    mode = r.text("dedup", "near")
    if mode not in DEDUP_MODES:
        raise r.fail("dedup", f"must be one of {', '.join(DEDUP_MODES)}, got {_shown(mode)}")
    return mode


def _format(r: _Reader) -> str | None:
    fmt = r.opt_text("format")
    if fmt is not None and fmt not in PARSERS:
        raise r.fail("format", f"must be one of {', '.join(PARSERS)}, got {fmt!r}")
    return fmt


def _selectors(r: _Reader, name: str, selectors: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    if selectors:
        try:
            compile_selectors(selectors, name)
        except SourceError as exc:
            raise r.fail("selectors", exc.message) from exc
    return tuple(sorted(selectors.items()))


TAG_FOLDER = "tags"
"""The folder of the tag feeds (``[site] tag_feeds``): no feed may be named so."""


def _feed(path: str, table: Mapping[str, Any], index: int, names: set[str]) -> FeedSpec:
    r = _Reader(path, table, f"feeds[{index}]", set(FeedSpec.__slots__))
    wanted = r.strings("sources", ("*",))
    for name in wanted:
        if name != "*" and name not in names:
            raise r.fail("sources", f"names an unknown source {name!r}")
    queries = {}
    for key in ("match", "exclude"):
        queries[key] = r.text(key, "")
        if queries[key]:  # "" is none (the default); "  " or "()" is an empty query
            check_query(path, r.key(key), queries[key])
    tags = r.strings("tags")
    for tag in tags:
        if not tag_slug(tag):
            raise r.fail("tags", f"{_shown(tag)} has no letter or digit to match")
    stem = r.text("stem", "")
    if stem not in STEMS:
        raise r.fail("stem", f'must be "light" or "", got {_shown(stem)}')
    return FeedSpec(
        name=r.slug("name"),
        title=r.text("title"),
        description=r.text("description", ""),
        sources=wanted,
        limit=r.whole("limit", 50),
        tags=tags,
        match=queries.get("match", ""),
        exclude=queries.get("exclude", ""),
        stem=stem,
    )


def _unique(path: str, names: list[str], what: str) -> None:
    seen: set[str] = set()
    for index, name in enumerate(names):
        if name in seen:
            raise ConfigError(path, f"duplicate name {name!r}", key=f"{what}[{index}].name")
        seen.add(name)


def _fetch(path: str, data: Mapping[str, Any]) -> FetchConfig:
    table = data.get("fetch", {})
    if not isinstance(table, dict):
        raise ConfigError(path, "must be a table", key="fetch")
    r = _Reader(path, table, "fetch", set(FetchConfig.__slots__))
    default = FetchConfig()
    return FetchConfig(
        concurrency=r.whole("concurrency", default.concurrency),
        per_host=r.whole("per_host", default.per_host),
        connect_timeout=r.duration("connect_timeout", f"{default.connect_timeout:g}s"),
        read_timeout=r.duration("read_timeout", f"{default.read_timeout:g}s"),
        max_bytes=r.whole("max_bytes", default.max_bytes),
        max_redirects=r.whole("max_redirects", default.max_redirects),
        parse_processes=r.whole("parse_processes", default.parse_processes),
    )


def parse_config(data: Mapping[str, Any], path: str = DEFAULT_CONFIG) -> Config:
    """Validate parsed TOML into a Config."""
    _Reader(path, data, "", {"site", "sources", "feeds", "bulletin", "fetch"})
    site = _site(path, data)
    sources = tuple(_source(path, t, i, site) for i, t in enumerate(_tables(path, data, "sources")))
    _unique(path, [s.name for s in sources], "sources")
    names = {s.name for s in sources}
    feeds = tuple(_feed(path, t, i, names) for i, t in enumerate(_tables(path, data, "feeds")))
    _unique(path, [f.name for f in feeds], "feeds")
    for index, feed in enumerate(feeds):
        if site.tag_feeds and feed.name == TAG_FOLDER:
            raise ConfigError(
                path,
                f"{TAG_FOLDER!r} is the folder of the tag feeds ([site] tag_feeds)",
                key=f"feeds[{index}].name",
            )
    if not feeds:
        raise ConfigError(path, "at least one [[feeds]] table is required", key="feeds")
    bulletin = data.get("bulletin", {})
    if not isinstance(bulletin, dict):
        raise ConfigError(path, "must be a table", key="bulletin")
    b = _Reader(path, bulletin, "bulletin", set(BULLETIN_KEYS))
    words = DEFAULT_WORDS.extended(
        topic_markers=b.strings("topic_markers"),
        continuations=b.strings("continuations"),
        header_words=b.strings("header_words"),
        closings=b.strings("closings"),
        agencies=b.strings("agencies"),
    )
    return Config(
        path=path, site=site, sources=sources, feeds=feeds, words=words, fetch=_fetch(path, data)
    )


def config_keys() -> list[str]:
    """Every key a configuration file may hold, in every table (for docs and the starter)."""
    tables = (Site, FetchConfig, FeedSpec)
    return [f.name for t in tables for f in fields(t)] + [*SOURCE_KEYS, *BULLETIN_KEYS]
