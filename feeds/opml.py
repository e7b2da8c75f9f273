"""The site's feeds as an OPML 2.0 subscription list, ``public/feeds.opml``: a
feed reader imports every feed of the site at once.

One ``outline`` per feed: ``type="rss"`` (OPML's word for any feed), its title as
``text`` and ``title``, ``xmlUrl`` its RSS document, ``htmlUrl`` the site, its
language and description. Nothing in it depends on the time of the run, so an
unchanged site gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from feeds.render import FeedMeta
from sources.text import clean_text

OPML_DOCS = "http://opml.org/spec2.opml"


def render_opml(title: str, home_url: str, feeds: Sequence[FeedMeta]) -> bytes:
    """The OPML list of ``feeds`` (their metas as rendered), titled ``title``."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = clean_text(title)
    etree.SubElement(head, "docs").text = OPML_DOCS
    body = etree.SubElement(root, "body")
    for meta in feeds:
        name = clean_text(meta.title).strip() or meta.name
        outline = etree.SubElement(body, "outline")
        outline.set("text", name)
        outline.set("title", name)
        outline.set("type", "rss")
        outline.set("version", "RSS2")
        outline.set("xmlUrl", meta.rss_url)
        outline.set("htmlUrl", home_url)
        outline.set("language", meta.language)
        description = clean_text(meta.description).strip()
        if description:
            outline.set("description", description)
    return bytes(etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8"))
