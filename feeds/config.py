"""Loading and validating ``nashra.toml``.

Every problem is a ``ConfigError`` naming the file, the key (``sources[2].every``)
and, for syntax errors, the line, and saying what was expected.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sources.base import DEFAULT_MAX_BYTES, SourceSpec
from sources.bulletin_words import DEFAULT_WORDS, BulletinWords
from sources.errors import ConfigError, SourceError
from sources.files import PARSERS
from sources.item import language_tag
from sources.webpage import compile_selectors

DEFAULT_CONFIG = "nashra.toml"
ENV_CONFIG = "NASHRA_CONFIG"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}


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

    def includes(self, source: str) -> bool:
        return "*" in self.sources or source in self.sources


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


@dataclass(frozen=True, slots=True)
class Config:
    path: str
    site: Site
    sources: tuple[SourceSpec, ...]
    feeds: tuple[FeedSpec, ...]
    words: BulletinWords = DEFAULT_WORDS
    fetch: FetchConfig = FetchConfig()

    @property
    def base_dir(self) -> str:
        return str(Path(self.path).resolve().parent)

    @property
    def public_path(self) -> Path:
        return Path(self.base_dir) / self.site.public_dir

    def feed_sources(self, feed: FeedSpec) -> list[str]:
        return [s.name for s in self.sources if feed.includes(s.name)]


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

    def whole(self, name: str, default: int, minimum: int = 0) -> int:
        value = self.table.get(name, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise self.fail(name, f"must be a whole number >= {minimum}, got {value!r}")
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
        value = self.table.get(name, default)
        found = _DURATION.match(str(value)) if isinstance(value, str | int | float) else None
        if not found or float(found.group(1)) <= 0:
            raise self.fail(name, f'must be a duration like "30s", "5m", "1h", got {value!r}')
        return float(found.group(1)) * _UNITS[found.group(2)]


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
        keep_days=r.whole("keep_days", 30, minimum=1),
        max_file_bytes=r.whole("max_file_bytes", DEFAULT_MAX_BYTES, minimum=1),
    )


SOURCE_KEYS = (
    "name",
    "path",
    "url",
    "every",
    "format",
    "allow_private",
    "discover",
    "full_text",
    "selectors",
)
"""The keys of a ``[[sources]]`` table."""


def _source(path: str, table: Mapping[str, Any], index: int) -> SourceSpec:
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
        path=file_path,
        url=url,
        every=r.duration("every", "5m"),
        format=_format(r),
        allow_private=r.flag("allow_private"),
        discover=r.flag("discover"),
        full_text=r.flag("full_text"),
        selectors=_selectors(r, name, selectors),
    )


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


def _feed(path: str, table: Mapping[str, Any], index: int, names: set[str]) -> FeedSpec:
    r = _Reader(
        path, table, f"feeds[{index}]", {"name", "title", "description", "sources", "limit"}
    )
    wanted = r.strings("sources", ("*",))
    for name in wanted:
        if name != "*" and name not in names:
            raise r.fail("sources", f"names an unknown source {name!r}")
    return FeedSpec(
        name=r.slug("name"),
        title=r.text("title"),
        description=r.text("description", ""),
        sources=wanted,
        limit=r.whole("limit", 50, minimum=1),
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
        concurrency=r.whole("concurrency", default.concurrency, minimum=1),
        per_host=r.whole("per_host", default.per_host, minimum=1),
        connect_timeout=r.duration("connect_timeout", f"{default.connect_timeout:g}s"),
        read_timeout=r.duration("read_timeout", f"{default.read_timeout:g}s"),
        max_bytes=r.whole("max_bytes", default.max_bytes, minimum=1),
        max_redirects=r.whole("max_redirects", default.max_redirects, minimum=0),
        parse_processes=r.whole("parse_processes", default.parse_processes, minimum=-1),
    )


def parse_config(data: Mapping[str, Any], path: str = DEFAULT_CONFIG) -> Config:
    """Validate parsed TOML into a Config."""
    _Reader(path, data, "", {"site", "sources", "feeds", "bulletin", "fetch"})
    site = _site(path, data)
    sources = tuple(_source(path, t, i) for i, t in enumerate(_tables(path, data, "sources")))
    _unique(path, [s.name for s in sources], "sources")
    names = {s.name for s in sources}
    feeds = tuple(_feed(path, t, i, names) for i, t in enumerate(_tables(path, data, "feeds")))
    _unique(path, [f.name for f in feeds], "feeds")
    if not feeds:
        raise ConfigError(path, "at least one [[feeds]] table is required", key="feeds")
    bulletin = data.get("bulletin", {})
    if not isinstance(bulletin, dict):
        raise ConfigError(path, "must be a table", key="bulletin")
    b = _Reader(path, bulletin, "bulletin", {"topic_markers", "continuations"})
    words = DEFAULT_WORDS.extended(
        topic_markers=b.strings("topic_markers"), continuations=b.strings("continuations")
    )
    return Config(
        path=path, site=site, sources=sources, feeds=feeds, words=words, fetch=_fetch(path, data)
    )
