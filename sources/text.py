"""Making text from any source safe to store and publish.

Every string that enters nashra from a source passes through ``clean_text``
(titles, summaries, authors, tags, ids) or ``clean_markup`` (HTML bodies) at the
boundary, so that the rest of the program only ever sees valid Unicode without
the characters that XML 1.0 and HTML forbid:

- a lone surrogate (``"\\ud800"``, as JSON's ``\\ud800`` escapes produce) becomes
  U+FFFD, the replacement character: the text cannot be encoded otherwise;
- C0 control characters other than tab, line feed and carriage return, DEL and
  the C1 controls, and the noncharacters U+FFFE and U+FFFF are removed.
"""

from __future__ import annotations

import re

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def valid_unicode(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD (a surrogate pair
    that arrived as two escapes is joined into its character)."""
    if not _SURROGATE.search(text):
        return text
    # surrogatepass keeps pairs together: UTF-16 round trip joins a valid pair,
    # and what is left alone is replaced.
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def strip_illegal(text: str) -> str:
    """Remove control characters and noncharacters that XML and HTML forbid."""
    return _ILLEGAL.sub("", text)


def clean_text(text: str) -> str:
    """Valid Unicode without forbidden characters: what every field of an item
    coming from a source is made of. Text that is clean already costs one scan: a
    printable string (``str.isprintable``) has no control character (Cc),
    surrogate (Cs) or noncharacter (Cn), which are all this removes or replaces."""
    if text.isprintable():
        return text
    return strip_illegal(valid_unicode(text))
