"""HTML pages in the public folder: a permalink page per story that has no URL of
its own, and an index page listing the feeds. Rendered with Jinja2 (autoescape
on; the body is sanitised HTML); no JavaScript, no request to another site but
the stories' own images. Every story, link and text goes through the same rule
as the feeds (``feeds.render.publishable_story``), and a story's page ends with
the same "also reported by" block as its feed entries, its outlets named by
their display names. The page of a withdrawn story keeps its title, says in
Arabic when it was withdrawn, and asks search engines not to index it.

Links between the pages and the feeds are relative (``relative_link``), so the
public folder can be browsed from disk or served under any prefix; the
canonical link, ``og:url`` and the feeds' own links stay absolute. One date
format everywhere (``arabic_date``): «30 نوفمبر 2026، 01:10» in the site's
time zone, never wrapped (``site.css``); ``feed.xsl`` writes the same.

The stylesheet (``templates/site.css``) is inlined in every page, or, when the
publisher copies it to the public root and passes ``stylesheet=SITE_CSS``,
linked (relative, like every other link): one file for every page, which a
change of style does not make render again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from feeds.render import FeedMeta, Story, also_html, changed_at, direction, publishable_story
from feeds.store import StoredItem
from sources.build import summary
from sources.dates import format_rfc3339
from sources.html import html_to_text
from sources.text import clean_text

if TYPE_CHECKING:
    from jinja2 import Environment, Template

RULES = "4"
"""Bumped when what a page is rendered from changes outside the templates (the
rule that makes a story publishable, how links are written), so that every page
is rendered again."""

MONTHS = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس",
          "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر")  # fmt: skip
"""The month names of ``arabic_date`` (and of ``feed.xsl``)."""

NO_TITLES: Mapping[str, str] = MappingProxyType({})
STORY_TEMPLATE = "story.html"
STORY_DEPTH = 1
"""Story pages live one folder under the public root (``stories/``)."""
OPML_FILE = "feeds.opml"
"""The OPML list of every feed, at the public root."""
SITE_CSS = "site.css"
"""The pages' stylesheet: a template, and its name at the public root when the
publisher copies it there."""


@cache
def _environment() -> Environment:
    """The pages' Jinja environment; jinja2 is imported when a page is first
    rendered, not when nashra starts (a run that renders none never loads it)."""
    from jinja2 import Environment, StrictUndefined, select_autoescape

    env = Environment(autoescape=select_autoescape(default=True), undefined=StrictUndefined)
    env.keep_trailing_newline = True
    return env


@cache
def template_source(name: str) -> str:
    return resources.files("feeds").joinpath("templates", name).read_text("utf-8")


@cache
def _template(name: str) -> Template:
    return _environment().from_string(template_source(name))


def arabic_date(when: datetime, tz: ZoneInfo) -> str:
    """«2 ديسمبر 2026، 23:53»: day, Arabic month name, year, an Arabic comma and
    the time in ``tz``, with Western digits (as the Maghreb's press writes them)."""
    local = when.astimezone(tz)
    return f"{_day(local)}، {local:%H:%M}"


def _day(local: datetime) -> str:
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}"


def story_date(when: datetime, tz: ZoneInfo) -> str:
    """A story's date as pages show it: ``arabic_date``, without a time when the
    source gave only a day (a bulletin's header date, read as midnight in ``tz``):
    «2 ديسمبر 2026», never an invented «00:00»."""
    local = when.astimezone(tz)
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        return _day(local)
    return arabic_date(when, tz)


def relative_link(url: str, base_url: str, depth: int) -> str:
    """``url`` as seen from a page ``depth`` folders under the public root, when
    it is a file of the site (under ``base_url``): ``stories/x.html`` from the
    index, ``../all/rss.xml`` from a story page, ``../index.html`` for the site
    itself. Any other URL, or one whose relative form could be read as another
    host or a scheme, is returned as it is."""
    if not base_url or not url.startswith(base_url):
        return url
    rest = url[len(base_url) :]
    if rest.startswith(("/", "\\")):
        return url  # "//host": would leave the site
    if not rest or rest.startswith(("?", "#")):
        rest = "index.html" + rest
    first = rest.split("/", 1)[0]
    if ":" in first and depth == 0:
        rest = "./" + rest  # "a:b" would read as a scheme
    return "../" * depth + rest


def og_locale(language: str) -> str:
    """The Open Graph locale of a language tag: ``ar`` → ``ar_AR``, ``ar-LY`` → ``ar_LY``."""
    parts = language.replace("_", "-").split("-")
    main = parts[0].lower() or "ar"
    region = next((p.upper() for p in parts[1:] if len(p) == 2 and p.isalpha()), main.upper())
    return f"{main}_{region}"


@dataclass(frozen=True, slots=True)
class _FeedLinks:
    """A feed as a page links to it: its name, title and relative hrefs."""

    name: str
    title: str
    description: str
    rss: str
    atom: str
    json: str


def _feed_links(meta: FeedMeta, base_url: str, depth: int) -> _FeedLinks:
    return _FeedLinks(
        name=meta.name,
        title=clean_text(meta.title),
        description=clean_text(meta.description),
        rss=relative_link(meta.rss_url, base_url, depth),
        atom=relative_link(meta.atom_url, base_url, depth),
        json=relative_link(meta.json_url, base_url, depth),
    )


def _source_name(slug: str, titles: Mapping[str, str]) -> str:
    return clean_text(titles.get(slug, slug)).strip() or slug


def _with_titles(item: StoredItem, titles: Mapping[str, str]) -> StoredItem:
    """A publishable story whose source and other outlets carry their display names."""
    also = tuple(replace(m, source=_source_name(m.source, titles)) for m in item.also)
    return replace(item, source=_source_name(item.source, titles), also=also)


def _summary(item: StoredItem) -> str:
    return item.summary.strip() or summary(html_to_text(item.body))


def _standfirst(item: StoredItem) -> str:
    """The summary shown under a story's headline, when the body does not start
    with it already (a bulletin story's summary is its first sentence)."""
    text = item.summary.strip().rstrip("…").strip()
    if not text or text in " ".join(html_to_text(item.body).split()):
        return ""
    return item.summary.strip()


def _style(stylesheet: str, depth: int) -> dict[str, str]:
    """The template's ``stylesheet`` (a relative href) or ``css`` (to inline)."""
    if stylesheet:
        return {"stylesheet": "../" * depth + stylesheet, "css": ""}
    return {"stylesheet": "", "css": template_source(SITE_CSS)}


def pages_fingerprint(
    site_title: str,
    home_url: str,
    tz: ZoneInfo,
    *,
    feeds: Sequence[FeedMeta] = (),
    source_titles: Mapping[str, str] = NO_TITLES,
    icon: str = "",
    rights: str = "",
    stylesheet: str = "",
) -> str:
    """Changes whenever every story page must be rendered again: its template,
    the rules, anything of the site a page shows, and the stylesheet when it is
    inlined (pass the same keywords as to ``render_story``)."""
    site = {
        "title": site_title,
        "home": home_url,
        "tz": tz.key,
        "feeds": [[m.name, m.title, m.rss_url, m.atom_url, m.json_url] for m in feeds],
        "sources": sorted(source_titles.items()),
        "icon": icon,
        "rights": rights,
        "stylesheet": stylesheet,
    }
    css = "" if stylesheet else template_source(SITE_CSS)
    payload = "\0".join(
        [RULES, template_source(STORY_TEMPLATE), css, json.dumps(site, ensure_ascii=False)]
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def render_story(
    item: StoredItem,
    link: str,
    *,
    site_title: str,
    home_url: str,
    tz: ZoneInfo,
    feeds: Sequence[FeedMeta] = (),
    source_titles: Mapping[str, str] = NO_TITLES,
    icon: str = "",
    rights: str = "",
    stylesheet: str = "",
) -> bytes:
    """The permalink page of a story (``stories/<slug>.html``): its headline,
    date, image, body, the other outlets and its source; Open Graph and Twitter
    card metadata; links to the site's ``feeds``. ``source_titles`` maps source
    names to display names; ``icon`` is the site's icon URL, ``rights`` its notice;
    ``stylesheet``: the stylesheet's path under the public root (else inlined)."""
    story = publishable_story(Story(item, link), home_url)
    item = _with_titles(story.item, source_titles)
    withdrawn = item.withdrawn_at
    page = _template(STORY_TEMPLATE).render(
        story=item,
        link=story.link,
        site_title=clean_text(site_title),
        home=relative_link(home_url, home_url, STORY_DEPTH),
        direction=direction(item.language),
        locale=og_locale(item.language),
        description=_summary(item),
        standfirst=_standfirst(item),
        published_iso=format_rfc3339(item.published),
        published_text=story_date(item.published, tz),
        also=also_html(item.also),
        withdrawn_iso=format_rfc3339(withdrawn) if withdrawn else None,
        withdrawn_text=arabic_date(withdrawn, tz) if withdrawn else None,
        feeds=[_feed_links(meta, home_url, STORY_DEPTH) for meta in feeds],
        icon=relative_link(icon, home_url, STORY_DEPTH) if icon else "",
        rights=clean_text(rights),
        **_style(stylesheet, STORY_DEPTH),
    )
    return page.encode("utf-8")


@dataclass(frozen=True, slots=True)
class _Listed:
    item: StoredItem
    href: str
    iso: str
    text: str
    summary: str


@dataclass(frozen=True, slots=True)
class _FeedBlock:
    links: _FeedLinks
    stories: list[_Listed]


def render_index(
    feeds: list[tuple[FeedMeta, list[Story]]],
    *,
    site_title: str,
    description: str,
    language: str,
    tz: ZoneInfo,
    per_feed: int = 20,
    base_url: str = "",
    source_titles: Mapping[str, str] = NO_TITLES,
    opml: bool = False,
    icon: str = "",
    rights: str = "",
    stylesheet: str = "",
    topic_feeds: Sequence[FeedMeta] = (),
    tag_feeds: Sequence[FeedMeta] = (),
) -> bytes:
    """The front page (``index.html``): each feed as a section with its
    subscription links and its latest ``per_feed`` stories, then the lists of
    the ``topic_feeds`` and of the tag feeds (``tag_feeds``), links only. ``base_url`` is the site's URL
    (default: the first feed's home); ``opml``: link ``feeds.opml``; the other
    keywords as ``render_story``'s."""
    base = base_url or (feeds[0][0].home_url if feeds else "")
    blocks = []
    newest: datetime | None = None
    for meta, stories in feeds:
        listed = []
        for story in stories[:per_feed]:
            story = publishable_story(story, meta.home_url)
            item = _with_titles(story.item, source_titles)
            changed = changed_at(story.item)
            newest = max(newest or changed, changed)
            listed.append(
                _Listed(
                    item,
                    relative_link(story.link, base, 0),
                    format_rfc3339(item.published),
                    story_date(item.published, tz),
                    _summary(item),
                )
            )
        blocks.append(_FeedBlock(_feed_links(meta, base, 0), listed))
    page = _template("index.html").render(
        feeds=blocks,
        topics=[_feed_links(meta, base, 0) for meta in topic_feeds],
        tags=[_feed_links(meta, base, 0) for meta in tag_feeds],
        site_title=clean_text(site_title),
        description=clean_text(description),
        language=clean_text(language),
        direction=direction(language),
        locale=og_locale(language),
        canonical=base,
        opml=OPML_FILE if opml else "",
        icon=relative_link(icon, base, 0) if icon else "",
        rights=clean_text(rights),
        updated_iso=format_rfc3339(newest) if newest else None,
        updated_text=arabic_date(newest, tz) if newest else None,
        **_style(stylesheet, 0),
    )
    return page.encode("utf-8")
