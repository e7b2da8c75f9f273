"""HTML in items: sanitising, plain text to HTML, HTML to plain text.

Sanitising uses nh3 (ammonia) with its allow-list, widened to keep ``dir`` and
``lang`` on every element (nh3's default drops ``dir``, which Arabic content
needs), with relative links and images made absolute against a base URL and
tracking parameters dropped from links.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from urllib.parse import urljoin

import nh3

from sources.urls import strip_tracking

_ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"dir", "lang", "title"},
}
_TAGS = set(nh3.ALLOWED_TAGS) | {"figure", "figcaption", "picture", "source", "time", "mark"}
_ATTRIBUTES.setdefault("source", set()).update({"srcset", "type", "media"})
_ATTRIBUTES.setdefault("time", set()).add("datetime")

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|div|h[1-6]|li|blockquote|tr|figure)>|<br\s*/?>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def strip_xml_illegal(text: str) -> str:
    """Remove the characters XML 1.0 forbids; nothing else is altered."""
    return _XML_ILLEGAL.sub("", text)


def _url_filter(base: str | None) -> Callable[[str, str, str], str | None]:
    def rewrite(tag: str, attribute: str, value: str) -> str | None:
        if attribute in ("href", "src", "cite", "poster"):
            absolute = urljoin(base, value) if base else value
            return strip_tracking(absolute) if attribute == "href" else absolute
        return value

    return rewrite


def sanitize(fragment: str, *, base_url: str | None = None) -> str:
    """Sanitise an HTML fragment with an allow-list, keeping ``dir`` and ``lang``."""
    return nh3.clean(
        strip_xml_illegal(fragment),
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        attribute_filter=_url_filter(base_url),
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()


def text_to_html(text: str) -> str:
    """Plain text to HTML: paragraphs at blank lines (or at single newlines when
    there are no blank lines), escaped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    parts = _BLANK_LINES.split(text) if _BLANK_LINES.search(text) else text.split("\n")
    paragraphs = [" ".join(p.split()) for p in parts]
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs if p)


def html_to_text(fragment: str) -> str:
    """The visible text of an HTML fragment, paragraphs joined by blank lines."""
    marked = _BLOCK_END.sub("\n\n", fragment)
    text = html.unescape(_TAG.sub("", marked))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def shorten(text: str, limit: int, *, words: int | None = None) -> str:
    """Cut text at a word boundary to at most ``limit`` characters (and ``words``
    words), adding "…" when anything was cut."""
    text = " ".join(text.split())
    tokens = text.split(" ")
    cut = False
    if words is not None and len(tokens) > words:
        tokens, cut = tokens[:words], True
    out = " ".join(tokens)
    if len(out) > limit:
        cut = True
        out = out[: limit + 1]
        out = out[: out.rfind(" ")] if " " in out else out[:limit]
    out = out.rstrip(" ،,؛;:-–—")
    return f"{out}…" if cut else out


def first_sentence(text: str) -> str:
    """The first sentence of plain text (up to . ؟ ? ! or a line end)."""
    text = text.strip()
    match = re.search(r"[.!?؟](?=\s|$)|\n", text)
    return text[: match.end()].strip() if match else text
