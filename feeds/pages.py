"""HTML pages in the public folder: a permalink page per story that has no URL of
its own, and an index page listing the feeds. Rendered with Jinja2 (autoescape
on; the body is sanitised HTML); no JavaScript. Every story, link and text goes
through the same rule as the feeds (``feeds.render.publishable_story``), and a
story's page ends with the same "also reported by" block as its feed entries.
The page of a withdrawn story keeps its title, says in Arabic when it was
withdrawn, and asks search engines not to index it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

from jinja2 import Environment, StrictUndefined, Template, select_autoescape

from feeds.render import FeedMeta, Story, also_html, direction, publishable_story
from feeds.store import StoredItem
from sources.dates import format_rfc3339
from sources.text import clean_text

RULES = "3"
"""Bumped when what a page is rendered from changes outside the template (the
rule that makes a story publishable), so that every page is rendered again."""

MONTHS = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس",
          "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر")  # fmt: skip


@cache
def _environment() -> Environment:
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
    local = when.astimezone(tz)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}، {local:%H:%M}"


def pages_fingerprint(site_title: str, home_url: str, tz: ZoneInfo) -> str:
    """Changes whenever every page must be rendered again (template, site settings)."""
    payload = "\0".join([RULES, template_source("story.html"), site_title, home_url, tz.key])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def render_story(
    item: StoredItem, link: str, *, site_title: str, home_url: str, tz: ZoneInfo
) -> bytes:
    template = _template("story.html")
    story = publishable_story(Story(item, link), home_url)
    item = story.item
    withdrawn = item.withdrawn_at
    page = template.render(
        story=item,
        link=story.link,
        site_title=clean_text(site_title),
        home_url=home_url,
        direction=direction(item.language),
        published_iso=format_rfc3339(item.published),
        published_text=arabic_date(item.published, tz),
        also=also_html(item.also),
        withdrawn_iso=format_rfc3339(withdrawn) if withdrawn else None,
        withdrawn_text=arabic_date(withdrawn, tz) if withdrawn else None,
    )
    return page.encode("utf-8")


@dataclass(frozen=True, slots=True)
class _Listed:
    item: StoredItem
    link: str
    iso: str
    text: str


@dataclass(frozen=True, slots=True)
class _FeedBlock:
    title: str
    rss_url: str
    atom_url: str
    json_url: str
    stories: list[_Listed]


def render_index(
    feeds: list[tuple[FeedMeta, list[Story]]],
    *,
    site_title: str,
    description: str,
    language: str,
    tz: ZoneInfo,
    per_feed: int = 20,
) -> bytes:
    blocks = [
        _FeedBlock(
            title=clean_text(meta.title),
            rss_url=meta.rss_url,
            atom_url=meta.atom_url,
            json_url=meta.json_url,
            stories=[
                _Listed(
                    s.item,
                    s.link,
                    format_rfc3339(s.item.published),
                    arabic_date(s.item.published, tz),
                )
                for s in (publishable_story(s, meta.home_url) for s in stories[:per_feed])
            ],
        )
        for meta, stories in feeds
    ]
    template = _template("index.html")
    page = template.render(
        feeds=blocks,
        site_title=clean_text(site_title),
        description=clean_text(description),
        language=clean_text(language),
        direction=direction(language),
    )
    return page.encode("utf-8")
