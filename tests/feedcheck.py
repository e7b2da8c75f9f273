"""Offline stand-in for the W3C Feed Validation Service, for the test suite.

The issue asks that the W3C Feed Validation Service (validator.w3.org/feed)
report no errors for every feed nashra writes. That service cannot be reached
from the test machines, so this module makes the same kind of judgement
offline, and the tests assert that every feed has no errors:

- ``check_atom(data)``, ``check_rss(data)``, ``check_json_feed(data)`` return
  the error messages for one document (an empty list means valid);
- ``check_feed_file(path)`` picks the checker from the file name (``rss.xml``,
  ``atom.xml``, ``feed.json``; otherwise the extension or the root element);
- ``validate_*`` return a :class:`Report` with the warnings as well;
- ``assert_valid_feed(path)`` fails a test with every error listed.

Every message reads ``line N /path/to/element: what is wrong (W3CEventName)``
(``$.items[2].id: ...`` for JSON Feed); the name in parentheses is the event
the W3C validator logs for the same problem, where it has one, so its
documentation (validator.w3.org/feed/docs/error/NAME.html) explains it.

What is checked (errors unless marked as warnings):

Atom 1.0
  * the RELAX NG grammar of RFC 4287 Appendix B (``data/schemas/atom.rng``,
    RELAX NG XML syntax) and the Schematron rules the appendix carries (feed or
    entries have an author; an entry has content or an alternate link);
  * exactly one atom:id, atom:title and atom:updated in the feed and in each
    entry, at most one of the other single elements; no element in the Atom
    namespace that Atom does not define; no feed metadata after an entry;
  * ids are absolute URIs with a scheme, in plain ASCII as the W3C validator
    requires of ids (``urn:`` ids follow RFC 2141 as it reads it: no ``/``,
    ``?``, ``#``; ``tag:`` ids RFC 4151), without surrounding white space;
    non-canonical http ids are a warning. Link hrefs may be IRIs (RFC 4287);
  * dates are RFC 3339 (upper-case ``T``/``Z``, with a time zone, real dates);
  * a ``rel="self"`` link is present (the W3C validator only warns here; the
    issue makes it a requirement); no two links share rel, type and hreflang;
    link types are MIME types, lengths integers, hreflang language tags;
  * ``type="html"`` text holds escaped HTML (no child elements) that is
    well-formed enough: no stray or crossed end tags, no unclosed element that
    needs an end tag, no ``<div/>``. Unknown or unsafe tags, relative links in
    the HTML and text that looks double-escaped are warnings;
  * every ``xml:lang`` and ``hreflang`` is a well-formed BCP 47 tag whose
    primary subtag is an ISO 639-1 or ISO 639-2 code, which is what the W3C
    validator accepts (so ``ary`` or ``ckb``, valid BCP 47, are errors there).

RSS 2.0
  * root ``<rss version="2.0">`` with one ``<channel>``; channel title, link
    and description present; no duplicates of single elements; each item has
    a title or a description; elements that are not RSS 2.0 are in a namespace;
    no attributes RSS 2.0 does not define;
  * channel and item links (and comments, docs, image, enclosure and source
    URLs) are absolute http(s) URLs in plain ASCII: a raw IRI such as an
    Arabic path is an error, it must be percent-encoded (UriNotIri);
  * pubDate and lastBuildDate are RFC 822 dates with a four-digit year, a real
    day and the right day of the week; forms RFC 822 allows but RSS advises
    against are warnings;
  * guids: ``isPermaLink`` is ``true`` or ``false``; a permalink guid is an
    http(s) URL; no two items share a guid; a missing guid is a warning;
  * ``<language>`` as for ``xml:lang`` above;
  * ``atom:link``: valid href, a ``rel="self"`` link (warning if missing), its
    ``type`` (warning if missing or not a feed type);
  * item HTML (description, content:encoded) as for Atom ``type="html"``.

JSON Feed 1.1
  * ``version`` is ``https://jsonfeed.org/version/1.1``; ``title`` a
    non-empty string; ``items`` an array; every item has a non-empty string
    ``id``, unique in the feed, and ``content_html`` or ``content_text``;
  * ``home_page_url``, ``feed_url``, ``next_url``, item ``url`` and the other
    URLs are absolute http(s) URLs (missing home_page_url/feed_url: warning);
  * ``date_published``/``date_modified`` are RFC 3339; ``language`` as above;
  * the types of the other members (authors, tags, attachments, hubs...).

Everywhere, characters from a wrong decoding (C1 controls, U+FFFD, UTF-8 read
as cp1252/latin-1 such as ``Ø§Ù„``) are warnings, as the W3C validator's
BadCharacters is.

Where this is stricter than the W3C service (it only warns, or accepts):
a missing Atom ``rel="self"`` link; broken HTML structure (its html5lib
parse errors are NotHtml warnings); RSS links and permalink guids that are
URIs but not http(s); two-digit RSS years (ProblematicalRFC822Date there);
two Atom entries with the same id *and* the same updated date. Where it is
more lenient: raw IRIs in Atom ``href`` attributes are accepted, as RFC 4287
allows. The service's validators.py, link.py, item.py, channel.py and
logging.py (github.com/w3c/feedvalidator) were the reference for the rest.

Not covered: anything that needs the network (the W3C validator compares
``rel="self"`` with the address it fetched, checks HTTP headers and resolves
e-mail domains), RSS 1.0 and Atom 0.3 (reported as errors), iTunes and other
extension modules, and the W3C validator's complete HTML5 parse.

Run it on files: ``.venv/bin/python tests/feedcheck.py public/all/*.*``.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from lxml import etree

__all__ = [
    "Report",
    "assert_valid_feed",
    "check_atom",
    "check_feed_file",
    "check_json_feed",
    "check_rss",
    "feed_files",
    "html_problems",
    "language_problems",
    "rfc822_problems",
    "rfc3339_problem",
    "uri_problems",
    "validate_atom",
    "validate_feed_file",
    "validate_json_feed",
    "validate_rss",
]

SCHEMAS = Path(__file__).resolve().parent / "data" / "schemas"
ATOM_RNG = SCHEMAS / "atom.rng"
LANGUAGE_SUBTAGS = SCHEMAS / "language-subtags.txt"

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM03_NS = "http://purl.org/atom/ns#"
XHTML_NS = "http://www.w3.org/1999/xhtml"
XML_NS = "http://www.w3.org/XML/1998/namespace"
SCHEMATRON_NS = "http://www.ascc.net/xml/schematron"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"

A = f"{{{ATOM_NS}}}"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


XML_LANG = f"{{{XML_NS}}}lang"
XML_BASE = f"{{{XML_NS}}}base"


# --------------------------------------------------------------------------- report


@dataclass
class Report:
    """What a checker found: errors fail a feed, warnings do not."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def error(self, where: str, message: str) -> None:
        text = f"{where}: {message}" if where else message
        if text not in self.errors:
            self.errors.append(text)

    def warn(self, where: str, message: str) -> None:
        text = f"{where}: {message}" if where else message
        if text not in self.warnings:
            self.warnings.append(text)

    def add(self, where: str, errors: Iterable[str], warnings: Iterable[str] = ()) -> None:
        for message in errors:
            self.error(where, message)
        for message in warnings:
            self.warn(where, message)

    @property
    def ok(self) -> bool:
        return not self.errors


# ------------------------------------------------------------------ language tags

# RFC 5646 section 2.1, applied to the lower-cased tag.
_BCP47 = re.compile(
    r"""^(?:
        (?P<language>[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})
        (?:-(?P<script>[a-z]{4}))?
        (?:-(?P<region>[a-z]{2}|[0-9]{3}))?
        (?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*
        (?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*
        (?:-x(?:-[a-z0-9]{1,8})+)?
      | x(?:-[a-z0-9]{1,8})+
    )$""",
    re.VERBOSE,
)

# RFC 5646 section 2.2.8: the irregular and regular grandfathered tags.
_GRANDFATHERED = _words("""en-gb-oed i-ami i-bnn i-default i-enochian i-hak i-klingon i-lux i-mingo
    i-navajo i-pwn i-tao i-tay i-tsu sgn-be-fr sgn-be-nl sgn-ch-de art-lojban
    cel-gaulish no-bok no-nyn zh-guoyu zh-hakka zh-min zh-min-nan zh-xiang""")


@cache
def _subtags() -> dict[str, frozenset[str]]:
    sections: dict[str, set[str]] = {}
    current: set[str] | None = None
    for raw in LANGUAGE_SUBTAGS.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), set())
        elif current is not None:
            current.update(code.lower() for code in line.split())
    return {name: frozenset(codes) for name, codes in sections.items()}


def _w3c_language_code(primary: str) -> bool:
    """Whether the W3C validator's ISO 639 list has this primary subtag."""
    tags = _subtags()
    if primary in tags["iso639-1"] or primary in tags["iso639-2"]:
        return True
    if primary in ("x", "xx"):  # its list has both for user-defined languages
        return True
    return len(primary) == 3 and "qaa" <= primary <= "qtz"  # ISO 639-2 local use


def language_problems(tag: str) -> tuple[list[str], list[str]]:
    """Errors and warnings for a language tag (``xml:lang``, ``<language>``...)."""
    if not tag:
        return ["language tag is empty"], []
    if tag != tag.strip():
        return [f"language tag {tag!r} has surrounding white space"], []
    low = tag.lower()
    if low not in _GRANDFATHERED:
        match = _BCP47.match(low)
        if match is None:
            hint = " (subtags are separated by '-', not '_')" if "_" in tag else ""
            return [f"{tag!r} is not a well-formed BCP 47 language tag{hint} (InvalidLanguage)"], []
    else:
        match = None
    primary = low.split("-", 1)[0]
    tags = _subtags()
    if not _w3c_language_code(primary):
        if primary in tags["iso639-3"]:
            what = f"{tag!r} is" if primary == low else f"{tag!r}: {primary!r} is"
            return [
                f"{what} an ISO 639-3 code, valid in BCP 47, but the W3C "
                "Feed Validator only accepts ISO 639-1/639-2 codes as the primary "
                "language (InvalidLanguage)"
            ], []
        what = f"{tag!r} is not" if primary == low else f"{tag!r}: {primary!r} is not"
        return [f"{what} an ISO 639 language code (InvalidLanguage)"], []
    warnings: list[str] = []
    if match is not None:
        region = match.group("region")
        if region and region.isalpha() and region not in tags["iso3166-1"]:
            warnings.append(f"{tag!r}: region {region.upper()!r} is not an ISO 3166-1 code")
        script = match.group("script")
        if script and script not in tags["iso15924"]:
            warnings.append(f"{tag!r}: script {script.title()!r} is not an ISO 15924 code")
    return [], warnings


# -------------------------------------------------------------------------- dates

_RFC3339 = re.compile(
    r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d+)?(?:Z|[+-](\d\d):(\d\d))$"
)
_NAIVE_ISO = re.compile(r"^\d{4}-\d\d-\d\d(?:[Tt ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)?$")


def rfc3339_problem(value: str) -> str | None:
    """Why ``value`` is not an RFC 3339 date-time as the W3C validator reads it."""
    match = _RFC3339.match(value)
    if match is None:
        if _NAIVE_ISO.match(value):
            hint = "no time zone: add 'Z' or an offset such as '+02:00'"
            if len(value) == 10:
                hint = "a date alone is not enough: a time and time zone are required"
            elif " " in value:
                hint = "the date and time are separated by 'T', and a time zone is required"
        elif _RFC3339.match(value.upper()):
            hint = "'T' and 'Z' must be upper case"
        elif re.match(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?:[+-]\d\d:\d\d|Z)$", value):
            hint = "seconds are required"
        elif re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?[+-]\d{4}$", value):
            hint = "the offset needs a colon, as in '+02:00'"
        else:
            hint = "expected a date-time such as '2026-11-29T12:00:00Z'"
        return f"{value!r} is not an RFC 3339 date-time: {hint} (InvalidRFC3339Date)"
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    try:
        date(year, month, day)
    except ValueError as exc:
        return f"{value!r} is not a real date: {exc} (InvalidRFC3339Date)"
    if hour > 23 or minute > 59 or second > 60:
        return f"{value!r} has a time out of range (InvalidRFC3339Date)"
    if match.group(7) is not None and (int(match.group(7)) > 23 or int(match.group(8)) > 59):
        return f"{value!r} has a time-zone offset out of range (InvalidRFC3339Date)"
    return None


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ZONES = "UT|GMT|EST|EDT|CST|CDT|MST|MDT|PST|PDT"
# The form RSS 2.0 best practice asks for (the W3C validator's "rfc2822" form).
_RFC822_STRICT = re.compile(
    rf"^(?:({'|'.join(_DAYS)}), )?(\d\d?) ({'|'.join(_MONTHS)}) (\d{{4}}) "
    rf"(\d\d):(\d\d)(?::(\d\d))? ([+-]\d\d[03]0|{_ZONES}|Z)$"
)
# What RFC 822 itself allows (any case, any spacing, two-digit years...).
_RFC822_LOOSE = re.compile(
    rf"^(?:({'|'.join(_DAYS)})\s*,\s*)?(\d\d?)\s+({'|'.join(_MONTHS)})\s+(\d\d(?:\d\d)?)\s+"
    rf"(\d\d):(\d\d)(?::(\d\d))?\s+([+-]\d{{4}}|{_ZONES}|[A-IK-Z])$",
    re.IGNORECASE,
)
_RFC822_NO_ZONE = re.compile(
    rf"^(?:({'|'.join(_DAYS)}),\s*)?\d\d?\s+({'|'.join(_MONTHS)})\s+\d{{2,4}}\s+\d\d:\d\d(?::\d\d)?$",
    re.IGNORECASE,
)


def rfc822_problems(value: str) -> tuple[list[str], list[str]]:
    """Errors and warnings for an RSS date (``pubDate``, ``lastBuildDate``)."""
    example = "'Sun, 29 Nov 2026 12:00:00 +0000'"
    warnings: list[str] = []
    match = _RFC822_STRICT.match(value)
    if match is None:
        stripped = re.sub(r"\([^()]*\)", " ", value).strip()  # RFC 822 comments
        match = _RFC822_LOOSE.match(stripped)
        if match is None:
            if _RFC822_NO_ZONE.match(stripped):
                why = "it has no time zone (add '+0000' or 'GMT')"
            elif _RFC3339.match(stripped) or _NAIVE_ISO.match(stripped):
                why = f"RSS dates are RFC 822, such as {example}, not ISO 8601"
            else:
                why = f"expected a date such as {example}"
            return [f"{value!r} is not an RFC 822 date-time: {why} (InvalidRFC2822Date)"], []
        if len(match.group(4)) == 2:
            return [
                f"{value!r} has a two-digit year; RSS 2.0 requires four digits (InvalidRFC2822Date)"
            ], []
        warnings.append(
            f"{value!r} is RFC 822 but not in the recommended form {example} "
            "(ProblematicalRFC822Date)"
        )
    weekday, day, month_name, year = (
        match.group(1),
        int(match.group(2)),
        match.group(3),
        match.group(4),
    )
    month = [m.lower() for m in _MONTHS].index(month_name.lower()) + 1
    try:
        actual = date(int(year), month, day)
    except ValueError as exc:
        return [f"{value!r} is not a real date: {exc} (InvalidRFC2822Date)"], []
    hour, minute = int(match.group(5)), int(match.group(6))
    second = int(match.group(7) or 0)
    if hour > 23 or minute > 59 or second > 60:
        return [f"{value!r} has a time out of range (InvalidRFC2822Date)"], []
    if weekday and weekday.lower() != _DAYS[actual.weekday()].lower():
        return [
            f"{value!r}: {actual.isoformat()} is a {_DAYS[actual.weekday()]}, "
            f"not a {weekday.title()} (IncorrectDOW)"
        ], []
    return [], warnings


def _w3cdtf_problem(value: str) -> str | None:
    """Dublin Core dates (dc:date): W3C-DTF, a time zone required with a time."""
    pattern = r"^\d{4}(?:-\d\d(?:-\d\d(?:T\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d))?)?)?$"
    if not re.match(pattern, value):
        return f"{value!r} is not a W3C-DTF date (InvalidW3CDTFDate)"
    if "T" in value:
        return rfc3339_problem(value) if value.count(":") >= 3 else None
    parts = [int(p) for p in value.split("-")]
    try:
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError as exc:
        return f"{value!r} is not a real date: {exc} (InvalidW3CDTFDate)"
    return None


# --------------------------------------------------------------------------- URIs

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_URI_ASCII = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%"
)
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# RFC 2141 as the W3C validator applies it: the NSS has no '/', '?', '#' or '~'.
_URN = re.compile(r"^urn:[a-z0-9][a-z0-9-]{1,31}:(?:[a-z0-9()+,.:=@;$_!*'\-]|%[0-9a-f]{2})+$", re.I)
_URN_UUID = re.compile(
    r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I
)
_TAG_CHARS = r"[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,]"
_TAG = re.compile(
    rf"^tag:(?:[a-z0-9\-._]+@)?[a-z0-9.\-]+,\d{{4}}(?:-\d\d(?:-\d\d)?)?:{_TAG_CHARS}*(?:#{_TAG_CHARS}*)?$"
)
_HOST = re.compile(r"^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%\u00a0-\U000effff]*)$")
# Schemes the W3C validator knows as IANA-registered, and a few registered since.
_KNOWN_SCHEMES = _words("""ftp http gopher mailto news nntp telnet wais file prospero z39.50s z39.50r cid mid
    vemmi service imap nfs acap rtsp tip pop data dav opaquelocktoken sip sips tel fax modem
    ldap https soap.beep soap.beeps xmlrpc.beep xmlrpc.beeps urn go h323 ipp tftp mupdate pres
    im mtqp iris.beep dict snmp crid tag dns info aaa aaas cap iax icap iris iris.xpc
    iris.xpcs iris.lwz msrp msrps shttp thismessage tv xmpp about geo magnet sms ws wss""")


def _ucschar(char: str) -> bool:
    """RFC 3987 ucschar or iprivate: what an IRI may hold beyond ASCII."""
    cp = ord(char)
    if 0xA0 <= cp <= 0xD7FF or 0xE000 <= cp <= 0xFDCF or 0xFDF0 <= cp <= 0xFFEF:
        return True
    return 0x10000 <= cp <= 0x10FFFD and (cp & 0xFFFF) <= 0xFFFD


def uri_problems(
    value: str, *, iri: bool, absolute: bool, http: bool = False
) -> tuple[list[str], list[str]]:
    """Errors and warnings for a URI (``iri=False``) or IRI (``iri=True``) reference.

    ``absolute`` requires a scheme; ``http`` requires http or https.
    """
    errors: list[str] = []
    warnings: list[str] = []
    if not value:
        return ["is empty"], []
    for char in value:
        if ord(char) > 0x7F:
            if not iri:
                errors.append(
                    f"{value!r} contains the raw non-ASCII character {char!r} (U+{ord(char):04X}): "
                    "it must be plain ASCII here: percent-encode it as UTF-8 (UriNotIri)"
                )
                break
            if not _ucschar(char):
                errors.append(
                    f"{value!r} contains U+{ord(char):04X}, which an IRI may not hold (InvalidIRI)"
                )
                break
        elif char not in _URI_ASCII:
            shown = {" ": "a space", "\t": "a tab", "\n": "a line break"}.get(char, repr(char))
            errors.append(
                f"{value!r} contains {shown}, which is not allowed in a URI; "
                "percent-encode it (InvalidUriChar)"
            )
            break
    if _BAD_PERCENT.search(value):
        errors.append(f"{value!r} has a '%' that is not followed by two hex digits")
    scheme_match = _SCHEME.match(value)
    if scheme_match is None:
        if absolute or http:
            errors.append(
                f"{value!r} is not an absolute URL: it has no scheme such as https:// "
                "(InvalidFullLink)"
            )
        return errors, warnings
    scheme = scheme_match.group(1).lower()
    rest = value[scheme_match.end() :]
    ascii_value = quote(value, safe="".join(sorted(_URI_ASCII)))
    if http and scheme not in ("http", "https"):
        errors.append(f"{value!r} must be an http or https URL, not {scheme}: (InvalidFullLink)")
    if scheme in ("http", "https", "ftp"):
        if not rest.startswith("//") or rest[2:3] in ("", "/", "?", "#"):
            errors.append(f"{value!r} has no host; expected {scheme}://host/... (InvalidFullLink)")
        else:
            authority = re.split(r"[/?#]", rest[2:], maxsplit=1)[0]
            hostport = authority.rsplit("@", 1)[-1]
            host, _, port = (
                hostport.rpartition(":")
                if not hostport.endswith("]") and ":" in hostport
                else (hostport, "", "")
            )
            if not _HOST.match(host) or (port and not port.isdigit()):
                errors.append(f"{value!r} has an invalid host or port (InvalidFullLink)")
            after = rest[2 + len(authority) :]
            if "[" in after or "]" in after:
                errors.append(
                    f"{value!r} has '[' or ']' outside the host; percent-encode them (InvalidUriChar)"
                )
    elif scheme == "urn":
        if ascii_value.lower().startswith("urn:uuid:"):
            if not _URN_UUID.match(ascii_value):
                errors.append(f"{value!r} is not a valid urn:uuid: URN (InvalidUUID)")
        elif not _URN.match(ascii_value):
            errors.append(
                f"{value!r} is not a valid URN: expected urn:<NID>:<NSS> with a 2-32 character "
                "namespace and no '/', '?', '#' or spaces in the rest (InvalidURN)"
            )
    elif scheme == "tag":
        if not _TAG.match(ascii_value):
            errors.append(
                f"{value!r} is not a valid tag: URI (RFC 4151: tag:authority,date:specific) "
                "(InvalidTAG)"
            )
    elif scheme not in _KNOWN_SCHEMES:
        warnings.append(
            f"{value!r}: scheme {scheme!r} is not IANA-registered (SchemeNotIANARegistered)"
        )
    return errors, warnings


def _canonical_http(value: str) -> str | None:
    """The canonical form the W3C validator compares Atom ids with (http/https only)."""
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return value
    host = (parts.hostname or "").lower()
    default = 80 if parts.scheme.lower() == "http" else 443
    netloc = host if port in (None, default) else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    path = parts.path or "/"

    def fix(escape: re.Match[str]) -> str:
        char = chr(int(escape.group(1), 16))
        if char.isascii() and (char.isalnum() or char in "-._~"):
            return char
        return escape.group(0).upper()

    canon = f"{parts.scheme.lower()}://{netloc}{path}"
    if parts.query:
        canon += f"?{parts.query}"
    if parts.fragment:
        canon += f"#{parts.fragment}"
    return re.sub(r"%([0-9A-Fa-f]{2})", fix, canon)


# ------------------------------------------------------------------------- values

_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_MIME = re.compile(rf'^{_TOKEN}/{_TOKEN}(?:\s*;\s*{_TOKEN}=(?:{_TOKEN}|"(?:\\.|[^"\\])*"))*$')
_EMAIL = re.compile(r"^[A-Za-z0-9_\-+.']+@(?:[A-Za-z0-9-]+\.)+[A-Za-z0-9][A-Za-z0-9-]*$")
_HTML_END_TAG = re.compile(r"</([A-Za-z][A-Za-z0-9]*)\s*>")
# UTF-8 Arabic or Latin read as cp1252/latin-1: a lead byte shown as Ø, Ù, Ã or Â
# followed by a continuation byte shown as a Latin-1 or cp1252 character.
_MOJIBAKE = re.compile(
    "[ØÙÚÛÃÂ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]"
)


def _text_warnings(text: str) -> list[str]:
    """The W3C validator's BadCharacters, plus UTF-8 read as cp1252 (mojibake)."""
    for char in text:
        if 0x80 <= ord(char) <= 0x9F:
            return [
                f"contains the C1 control character U+{ord(char):04X}: text decoded "
                "with the wrong encoding? (BadCharacters)"
            ]
        if char == "\ufffd":
            return [
                "contains U+FFFD REPLACEMENT CHARACTER: text decoded with the wrong encoding? (BadCharacters)"
            ]
    found = _MOJIBAKE.search(text)
    if found:
        return [
            f"contains {found.group(0)!r}, which looks like UTF-8 read as cp1252 (BadCharacters)"
        ]
    return []


def _email_problem(value: str) -> str | None:
    return None if _EMAIL.match(value) else f"{value!r} is not an e-mail address (InvalidAddrSpec)"


def _rss_person(value: str) -> tuple[list[str], list[str]]:
    """RSS managingEditor, webMaster and item author: ``email (Real Name)``."""
    match = re.match(r"^\s*(?:mailto:)?(\S+@\S+?)\s*(\(.*\))?\s*$", value)
    if match is None:
        return [
            f"{value!r} is not an e-mail address, as RSS 2.0 requires here (InvalidContact)"
        ], []
    if not _EMAIL.match(match.group(1)):
        return [f"{value!r}: {match.group(1)!r} is not an e-mail address (InvalidContact)"], []
    if match.group(2) is None:
        return [], [
            f"{value!r}: add the person's name, as in 'news@example.org (Name)' (MissingRealName)"
        ]
    return [], []


# -------------------------------------------------------------------------- HTML

_VOID = _words(
    "area base br col embed hr img input link meta param source track wbr keygen command "
    "basefont bgsound frame image isindex"
)
_OPTIONAL_END = _words(
    "p li dt dd option optgroup rb rt rtc rp tr td th thead tbody tfoot colgroup caption "
    "html head body"
)
_HTML_ELEMENTS = _words("""a abbr acronym address applet area article aside audio b base basefont bdi bdo big
    blockquote body br button canvas caption center cite code col colgroup data datalist dd
    del details dfn dialog dir div dl dt em embed fieldset figcaption figure font footer form
    frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd
    label legend li link main map mark menu meta meter nav noframes noscript object ol
    optgroup option output p param picture pre progress q rp rt ruby s samp script search
    section select slot small source span strike strong style sub summary sup table tbody td
    template textarea tfoot th thead time title tr track tt u ul var video wbr""")
# Elements the W3C validator reports as a SecurityRisk in feed HTML.
_UNSAFE_ELEMENTS = _words(
    "applet base basefont body embed frame frameset head html iframe link meta noframes "
    "object param script style title"
)
_DOUBLE_ESCAPED = re.compile(
    r"</?(?:p|div|br|a|img|span|h[1-6]|ul|ol|li|strong|em|b|i)(?:\s[^<>]*)?/?>"
)


class _HtmlChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def _start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_ELEMENTS:
            self.warnings.append(f"<{tag}> is not an HTML element (NotHtml)")
        elif tag in _UNSAFE_ELEMENTS:
            self.warnings.append(f"<{tag}> is a security risk in feed content (SecurityRisk)")
        for name, value in attrs:
            if name.startswith("on"):
                self.warnings.append(f"<{tag} {name}=...> is a security risk (SecurityRiskAttr)")
            if name in ("href", "src") and value is not None:
                ref = value.strip()
                if ref and not _SCHEME.match(ref) and not ref.startswith(("#", "//")):
                    self.warnings.append(
                        f"<{tag} {name}={ref!r}> is a relative reference; feed readers "
                        "may not resolve it (ContainsRelRef)"
                    )

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs)
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs)
        if tag not in _VOID and tag in _HTML_ELEMENTS:
            self.errors.append(f"<{tag}/> does not close itself in HTML; write <{tag}></{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            self.errors.append(f"stray end tag </{tag}>: <{tag}> is a void element")
            return
        if tag not in self.stack:
            self.errors.append(f"stray end tag </{tag}> with no open <{tag}>")
            return
        while self.stack:
            top = self.stack.pop()
            if top == tag:
                break
            if top not in _OPTIONAL_END:
                self.errors.append(f"<{top}> is not closed before </{tag}>")

    def handle_data(self, data: str) -> None:
        found = _DOUBLE_ESCAPED.search(data)
        if found:
            self.warnings.append(
                f"the text shows the tag {found.group(0)!r} literally: HTML escaped twice?"
            )

    def finish(self) -> None:
        self.close()
        for tag in self.stack:
            if tag not in _OPTIONAL_END:
                self.errors.append(f"<{tag}> is never closed")


def html_problems(fragment: str) -> tuple[list[str], list[str]]:
    """Errors (broken structure) and warnings (unsafe, unknown...) for an HTML fragment."""
    checker = _HtmlChecker()
    checker.feed(fragment)
    checker.finish()
    errors = [f"malformed HTML: {e}" for e in dict.fromkeys(checker.errors)]
    return errors[:5], list(dict.fromkeys(checker.warnings))[:5]


# --------------------------------------------------------------------------- XML

_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
}


def _parse_xml(data: bytes, report: Report) -> etree._Element | None:
    parser = etree.XMLParser(**_PARSER_OPTIONS)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        report.error(f"line {exc.lineno}", f"not well-formed XML: {exc.msg} (SAXError)")
        return None
    if root is None:
        report.error("", "empty document")
        return None
    return root


def _name(el: etree._Element) -> str:
    qname = etree.QName(el)
    if el.prefix:
        return f"{el.prefix}:{qname.localname}"
    return qname.localname


def _where(el: etree._Element, attr: str | None = None) -> str:
    parts: list[str] = []
    node: etree._Element | None = el
    while node is not None:
        name = _name(node)
        parent = node.getparent()
        if parent is not None:
            same = [s for s in parent if s.tag == node.tag]
            if len(same) > 1:
                name += f"[{same.index(node) + 1}]"
        parts.append(name)
        node = parent
    path = "/" + "/".join(reversed(parts))
    if attr:
        path += f"/@{attr}"
    return f"line {el.sourceline} {path}"


def _text(el: etree._Element) -> str:
    return str(el.xpath("string(.)"))


def _attr_names(el: etree._Element) -> list[str]:
    return [name if isinstance(name, str) else name.decode() for name in el.attrib]


def _elements(el: etree._Element) -> list[etree._Element]:
    return [child for child in el if isinstance(child.tag, str)]


def _check_text_encoding(root: etree._Element, report: Report) -> None:
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for text in (el.text, el.tail, *el.attrib.values()):
            warnings = _text_warnings(str(text)) if text else []
            if warnings:
                report.add(_where(el), [], warnings)
                break


def _check_xml_attributes(root: etree._Element, report: Report) -> None:
    """``xml:lang`` and ``xml:base`` wherever they appear."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        lang = el.get(XML_LANG)
        if lang:  # xml:lang="" means "no language" in XML
            report.add(_where(el, "xml:lang"), *language_problems(lang))
        base = el.get(XML_BASE)
        if base is not None:
            report.add(_where(el, "xml:base"), *uri_problems(base, iri=True, absolute=False))


# -------------------------------------------------------------------------- Atom

_ATOM_LINK_RELS = _words("""alternate current describedby edit edit-media enclosure first hub last license next
    next-archive payment prev-archive previous related replies search self service up
    via""")
_FEED_CHILDREN = _words(
    "author category contributor generator icon id link logo rights subtitle title updated entry"
)
_ENTRY_CHILDREN = _words(
    "author category content contributor id link published rights source summary title updated"
)
_SOURCE_CHILDREN = _FEED_CHILDREN - {"entry"}
_PERSON_CHILDREN = frozenset({"name", "uri", "email"})
_TEXT_CONSTRUCTS = frozenset({"title", "subtitle", "rights", "summary"})


@cache
def _atom_schema() -> tuple[etree.RelaxNG, tuple[tuple[str, str, str], ...]]:
    """The compiled RELAX NG grammar and its Schematron rules (context, test, message)."""
    tree = etree.parse(str(ATOM_RNG), etree.XMLParser(**_PARSER_OPTIONS))
    rules = tuple(
        (rule.get("context", ""), check.get("test", ""), " ".join(_text(check).split()))
        for rule in tree.iter(f"{{{SCHEMATRON_NS}}}rule")
        for check in rule.iter(f"{{{SCHEMATRON_NS}}}assert")
    )
    return etree.RelaxNG(tree), rules


def _atom_schema_check(root: etree._Element, report: Report) -> None:
    schema, rules = _atom_schema()
    if not schema.validate(root.getroottree()):
        for entry in schema.error_log:
            where = f"line {entry.line}" if entry.line > 0 else ""
            report.error(where, f"{entry.message} (atom.rng, RFC 4287 Appendix B)")
    namespaces = {"atom": ATOM_NS}
    for context, test, message in rules:
        nodes = root.getroottree().xpath(f"//{context}", namespaces=namespaces)
        for node in nodes if isinstance(nodes, list) else ():
            if isinstance(node, etree._Element) and not node.xpath(
                f"boolean({test})", namespaces=namespaces
            ):
                report.error(_where(node), f"{message} (RFC 4287 Appendix B Schematron)")


def _atom_children(
    el: etree._Element,
    report: Report,
    *,
    allowed: frozenset[str],
    exactly_one: Iterable[str] = (),
    at_most_one: Iterable[str] = (),
) -> None:
    counts: dict[str, int] = {}
    for child in _elements(el):
        if child.tag.startswith(A):
            local = etree.QName(child).localname
            counts[local] = counts.get(local, 0) + 1
            if local not in allowed:
                report.error(
                    _where(child),
                    f"atom:{local} is not an Atom 1.0 element allowed in atom:{etree.QName(el).localname} "
                    "(UndefinedElement)",
                )
    parent = etree.QName(el).localname
    for name in exactly_one:
        if counts.get(name, 0) == 0:
            report.error(_where(el), f"atom:{parent} has no atom:{name} (MissingElement)")
    for name in (*exactly_one, *at_most_one):
        if counts.get(name, 0) > 1:
            report.error(
                _where(el),
                f"atom:{parent} has {counts[name]} atom:{name} elements; only one is allowed (DuplicateElement)",
            )


def _atom_id(el: etree._Element, report: Report) -> str:
    value = el.text or ""
    if value != value.strip():
        report.error(
            _where(el), f"atom:id {value!r} has surrounding white space (UnexpectedWhitespace)"
        )
    value = value.strip()
    # The W3C validator reads ids as URIs (rfc2396_full, no IDNA step as for
    # hrefs), so a raw non-ASCII character in an id is an error there.
    errors, warnings = uri_problems(value, iri=False, absolute=True)
    report.add(_where(el), [f"atom:id {e}" for e in errors], warnings)
    if not errors:
        canon = _canonical_http(value)
        if canon is not None and canon != value:
            report.warn(
                _where(el),
                f"atom:id {value!r} is not in canonical form {canon!r} (NonCanonicalURI)",
            )
    return value


def _atom_date(el: etree._Element, report: Report) -> str:
    value = el.text or ""
    problem = rfc3339_problem(value)
    if problem:
        report.error(_where(el), f"atom:{etree.QName(el).localname} {problem}")
    return value


def _atom_link(el: etree._Element, report: Report) -> tuple[str, str, str]:
    """Check one atom:link; return its (rel, type, hreflang)."""
    rel = el.get("rel", "alternate")
    href = el.get("href")
    if href is None:
        report.error(_where(el), "atom:link has no href (MissingHref)")
    else:
        report.add(_where(el, "href"), *uri_problems(href, iri=True, absolute=False))
    if "rel" in el.attrib:
        short = rel.removeprefix("http://www.iana.org/assignments/relation/")
        if not rel:
            report.warn(_where(el, "rel"), "rel is empty (AttrNotBlank)")
        elif short not in _ATOM_LINK_RELS and not _SCHEME.match(rel):
            report.warn(
                _where(el, "rel"),
                f"rel {rel!r} is not a registered link relation (UnregisteredAtomLinkRel)",
            )
    link_type = el.get("type", "")
    if "type" in el.attrib and not _MIME.match(link_type):
        report.error(_where(el, "type"), f"{link_type!r} is not a MIME type (InvalidMIMEType)")
    length = el.get("length")
    if length is not None and not length.strip().isdigit():
        report.error(
            _where(el, "length"),
            f"{length!r} is not a non-negative integer (InvalidNonNegativeInteger)",
        )
    hreflang = el.get("hreflang", "")
    if "hreflang" in el.attrib:
        report.add(_where(el, "hreflang"), *language_problems(hreflang))
    if "title" in el.attrib and not el.get("title"):
        report.warn(_where(el, "title"), "title is empty (AttrNotBlank)")
    if (el.text or "").strip():
        report.warn(_where(el), "atom:link should be empty (AtomLinkNotEmpty)")
    return rel, link_type, hreflang


def _base_is_absolute(el: etree._Element) -> bool:
    node: etree._Element | None = el
    while node is not None:
        base = node.get(XML_BASE)
        if base and urlsplit(base).netloc:
            return True
        node = node.getparent()
    return False


def _atom_links(
    owner: etree._Element, report: Report, *, feed_level: bool
) -> list[tuple[str, str, str]]:
    links = [(link, _atom_link(link, report)) for link in owner.findall(f"{A}link")]
    seen: dict[tuple[str, str, str], etree._Element] = {}
    for link, key in links:
        rel, link_type, hreflang = key
        # RFC 4287 4.1.1: only one rel="alternate" per type and hreflang (hubs,
        # enclosures and related links may repeat)
        if key in seen and rel == "alternate":
            report.error(
                _where(link),
                f"two atom:link elements with rel={rel!r}, type={link_type!r} and "
                f"hreflang={hreflang!r} (DuplicateAtomLink)",
            )
        seen[key] = link
        if feed_level and rel == "self":
            href = link.get("href", "")
            if not urlsplit(href).netloc and not _base_is_absolute(link):
                report.warn(
                    _where(link, "href"), f'rel="self" href {href!r} is relative (RelativeSelf)'
                )
            feed_types = ("application/atom+xml", "application/rss+xml", "application/rdf+xml")
            if link_type and link_type.split(";")[0].strip() not in feed_types:
                report.warn(
                    _where(link, "type"),
                    f'rel="self" type {link_type!r} is not a feed type (SelfNotAtom)',
                )
    return [key for _, key in links]


def _atom_text(el: etree._Element, report: Report) -> None:
    """A text construct (title, subtitle, rights, summary) or atom:content."""
    local = etree.QName(el).localname
    where = _where(el)
    kind = el.get("type", "text" if el.get("src") is None else "")
    children = _elements(el)
    if kind in ("text", "html"):
        if children:
            report.error(
                where,
                f'atom:{local} type="{kind}" contains the element <{_name(children[0])}>: '
                f"{'HTML' if kind == 'html' else 'text'} must be escaped, not inline markup (UndefinedElement)",
            )
        value = el.text or ""
        if kind == "html":
            errors, warnings = html_problems(value)
            report.add(where, [f'atom:{local} type="html": {e}' for e in errors], warnings)
        else:
            tags = [t for t in _HTML_END_TAG.findall(value) if t.lower() in _HTML_ELEMENTS]
            if tags:
                report.warn(
                    where,
                    f'atom:{local} holds HTML (</{tags[0]}>) but its type is "text" (ContainsUndeclaredHTML)',
                )
        if not value.strip() and not children:
            report.warn(where, f"atom:{local} is empty (NotBlank)")
    elif kind == "xhtml":
        if (el.text or "").strip() or not children or children[0].tag != f"{{{XHTML_NS}}}div":
            report.error(
                where,
                f'atom:{local} type="xhtml" must hold exactly one xhtml:div (MissingXhtmlDiv)',
            )
    elif local != "content":
        report.error(
            where,
            f'atom:{local} type must be "text", "html" or "xhtml", not {kind!r} (InvalidTextType)',
        )
    else:
        if kind and not _MIME.match(kind):
            report.error(where, f"atom:content type {kind!r} is not a MIME type (InvalidMIMEType)")
        src = el.get("src")
        if src is not None:
            report.add(_where(el, "src"), *uri_problems(src, iri=True, absolute=False))
            if "type" not in el.attrib:
                report.warn(where, "atom:content with src should have a type (MissingTypeAttr)")
        elif kind and not (kind.endswith(("+xml", "/xml")) or kind.startswith("text/")):
            try:
                base64.b64decode("".join((el.text or "").split()), validate=True)
            except (binascii.Error, ValueError):
                report.error(where, f"atom:content of type {kind!r} must be base64 (NotBase64)")


def _atom_person(el: etree._Element, report: Report) -> None:
    _atom_children(
        el, report, allowed=_PERSON_CHILDREN, exactly_one=("name",), at_most_one=("uri", "email")
    )
    name = el.find(f"{A}name")
    if name is not None and not _text(name).strip():
        report.warn(_where(name), "atom:name is empty (NotBlank)")
    for uri in el.findall(f"{A}uri"):
        report.add(_where(uri), *uri_problems((uri.text or "").strip(), iri=True, absolute=False))
    for email in el.findall(f"{A}email"):
        problem = _email_problem((email.text or "").strip())
        if problem:
            report.error(_where(email), problem)


def _atom_common(el: etree._Element, report: Report) -> None:
    """The children a feed, an entry and a source share."""
    for child in _elements(el):
        if not child.tag.startswith(A):
            continue
        local = etree.QName(child).localname
        if local in ("author", "contributor"):
            _atom_person(child, report)
        elif local in ("updated", "published"):
            _atom_date(child, report)
        elif local in _TEXT_CONSTRUCTS or local == "content":
            _atom_text(child, report)
        elif local in ("icon", "logo"):
            report.add(
                _where(child), *uri_problems((child.text or "").strip(), iri=True, absolute=False)
            )
        elif local == "generator" and child.get("uri") is not None:
            report.add(
                _where(child, "uri"), *uri_problems(child.get("uri", ""), iri=True, absolute=False)
            )
        elif local == "category" and child.get("scheme") is not None:
            report.add(
                _where(child, "scheme"),
                *uri_problems(child.get("scheme", ""), iri=True, absolute=False),
            )


def _atom_entry(entry: etree._Element, report: Report) -> tuple[str, str]:
    _atom_children(
        entry,
        report,
        allowed=_ENTRY_CHILDREN,
        exactly_one=("id", "title", "updated"),
        at_most_one=("content", "published", "rights", "source", "summary"),
    )
    _atom_common(entry, report)
    _atom_links(entry, report, feed_level=False)
    entry_id = entry.find(f"{A}id")
    updated = entry.find(f"{A}updated")
    content = entry.find(f"{A}content")
    if entry.find(f"{A}summary") is None and (
        content is None
        or content.get("src") is not None
        or ("/" in content.get("type", "") and not content.get("type", "").startswith("text/"))
    ):
        report.warn(
            _where(entry),
            "atom:entry has no textual content: add an atom:summary (MissingTextualContent)",
        )
    source = entry.find(f"{A}source")
    if source is not None:
        _atom_children(
            source,
            report,
            allowed=_SOURCE_CHILDREN,
            at_most_one=(
                "generator",
                "icon",
                "id",
                "logo",
                "rights",
                "subtitle",
                "title",
                "updated",
            ),
        )
        _atom_common(source, report)
        _atom_links(source, report, feed_level=True)
        source_id = source.find(f"{A}id")
        if source_id is not None:
            _atom_id(source_id, report)
    return (
        _atom_id(entry_id, report) if entry_id is not None else "",
        (updated.text or "") if updated is not None else "",
    )


def validate_atom(data: bytes) -> Report:
    """Check an Atom 1.0 feed document; see the module docstring for what."""
    report = Report()
    root = _parse_xml(data, report)
    if root is None:
        return report
    if root.tag == f"{{{ATOM03_NS}}}feed":
        report.error(
            _where(root), "Atom 0.3 is obsolete: use the Atom 1.0 namespace (ObsoleteNamespace)"
        )
        return report
    if root.tag != f"{A}feed":
        report.error(_where(root), f"the root element is <{_name(root)}>, not an Atom 1.0 <feed>")
        return report
    _atom_schema_check(root, report)
    _atom_children(
        root,
        report,
        allowed=_FEED_CHILDREN,
        exactly_one=("id", "title", "updated"),
        at_most_one=("generator", "icon", "logo", "rights", "subtitle"),
    )
    seen_entry = False
    for child in _elements(root):
        if child.tag == f"{A}entry":
            seen_entry = True
        elif seen_entry:
            report.error(
                _where(child),
                f"{'atom:' + etree.QName(child).localname if child.tag.startswith(A) else _name(child)} "
                "comes after an atom:entry: feed metadata must precede the entries (MisplacedMetadata)",
            )
    _atom_common(root, report)
    feed_id = root.find(f"{A}id")
    if feed_id is not None:
        _atom_id(feed_id, report)
    links = _atom_links(root, report, feed_level=True)
    if not any(rel == "self" for rel, _, _ in links):
        report.error(_where(root), 'the feed has no atom:link rel="self" (MissingSelf)')
    seen_ids: dict[str, tuple[str, etree._Element]] = {}
    for entry in root.findall(f"{A}entry"):
        entry_id, updated = _atom_entry(entry, report)
        if not entry_id:
            continue
        if entry_id in seen_ids:
            first_updated, first = seen_ids[entry_id]
            message = f"atom:id {entry_id!r} is also the id of the entry at line {first.sourceline}"
            if updated == first_updated:
                report.error(
                    _where(entry), f"{message}, with the same atom:updated (DuplicateEntries)"
                )
            else:
                report.warn(_where(entry), f"{message} (DuplicateEntries)")
        else:
            seen_ids[entry_id] = (updated, entry)
    _check_xml_attributes(root, report)
    _check_text_encoding(root, report)
    return report


def check_atom(data: bytes) -> list[str]:
    """The errors in an Atom 1.0 feed document (empty: valid)."""
    return validate_atom(data).errors


# --------------------------------------------------------------------------- RSS

_RSS_CHANNEL = _words("""title link description language copyright managingEditor webMaster pubDate
    lastBuildDate category generator docs cloud ttl image rating textInput skipHours
    skipDays item""")
_RSS_CHANNEL_ONCE = _words("""title link description language copyright managingEditor webMaster pubDate
    lastBuildDate generator docs cloud ttl image rating textInput skipHours skipDays""")
_RSS_ITEM = _words("title link description author category comments enclosure guid pubDate source")
_RSS_ITEM_ONCE = _words("title link description author comments guid pubDate source")
_RSS_ATTRIBUTES = {
    "rss": frozenset({"version"}),
    "guid": frozenset({"isPermaLink"}),
    "category": frozenset({"domain"}),
    "enclosure": frozenset({"url", "length", "type"}),
    "source": frozenset({"url"}),
    "cloud": frozenset({"domain", "port", "path", "registerProcedure", "protocol"}),
}
_RSS_SUBELEMENTS = {
    "image": (frozenset({"url", "title", "link"}), frozenset({"width", "height", "description"})),
    "textInput": (frozenset({"title", "description", "name", "link"}), frozenset()),
    "skipHours": (frozenset(), frozenset({"hour"})),
    "skipDays": (frozenset(), frozenset({"day"})),
}
_ATOM_IN_RSS_CHANNEL = _words(
    "author category contributor generator icon id link logo rights subtitle title updated"
)
_ATOM_IN_RSS_ITEM = _words("author content contributor id link published summary title updated")
_ATOM_LINK_ATTRIBUTES = _words("href rel type hreflang title length")
_WEEKDAYS = _words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")


def _rss_url(
    el: etree._Element, report: Report, value: str | None = None, attr: str | None = None
) -> None:
    """An RSS URL: absolute http(s), plain ASCII (the validator's rfc2396_full)."""
    text = (el.text or "") if value is None else value
    report.add(_where(el, attr), *uri_problems(text.strip(), iri=False, absolute=True, http=True))


def _rss_attributes(root: etree._Element, report: Report) -> None:
    """RSS elements carry only the attributes RSS 2.0 defines (UnexpectedAttribute)."""
    for el in root.iter():
        if not isinstance(el.tag, str) or etree.QName(el).namespace is not None:
            continue
        if any(etree.QName(a).namespace is not None for a in el.iterancestors()):
            continue
        allowed = _RSS_ATTRIBUTES.get(el.tag, frozenset())
        for attr in _attr_names(el):
            namespace = etree.QName(attr).namespace
            if namespace is None and attr not in allowed:
                report.error(
                    _where(el, attr),
                    f"<{el.tag}> has no attribute {attr!r} in RSS 2.0 (UnexpectedAttribute)",
                )
            elif namespace not in (None, XML_NS):
                report.warn(
                    _where(el, attr),
                    f"extension attribute {attr} on <{el.tag}> (UseOfExtensionAttr)",
                )


def _rss_children(
    el: etree._Element,
    report: Report,
    *,
    allowed: frozenset[str],
    once: frozenset[str],
    required: Iterable[str],
) -> dict[str, list[etree._Element]]:
    found: dict[str, list[etree._Element]] = {}
    for child in _elements(el):
        if etree.QName(child).namespace is not None:
            continue
        found.setdefault(child.tag, []).append(child)
        if child.tag not in allowed:
            report.error(
                _where(child),
                f"<{child.tag}> is not an RSS 2.0 element of <{el.tag}>; elements that RSS 2.0 does "
                "not define must be in a namespace (UndefinedElement)",
            )
    for name in required:
        if name not in found:
            report.error(_where(el), f"<{el.tag}> has no <{name}> (MissingElement)")
    for name, elements in found.items():
        if name in once and len(elements) > 1:
            report.error(
                _where(elements[1]),
                f"<{el.tag}> has {len(elements)} <{name}> elements; only one is allowed (DuplicateElement)",
            )
    return found


def _rss_html(el: etree._Element, report: Report) -> None:
    errors, warnings = html_problems(el.text or "")
    report.add(_where(el), [f"<{_name(el)}>: {e}" for e in errors], warnings)


def _rss_date(el: etree._Element, report: Report) -> None:
    errors, warnings = rfc822_problems((el.text or "").strip())
    report.add(_where(el), [f"<{el.tag}> {e}" for e in errors], warnings)


def _rss_atom_link(el: etree._Element, report: Report) -> str:
    for attr in _attr_names(el):
        if etree.QName(attr).namespace is None and attr not in _ATOM_LINK_ATTRIBUTES:
            report.error(
                _where(el, attr), f"atom:link has no attribute {attr!r} (UnexpectedAttribute)"
            )
    rel, link_type, _ = _atom_link(el, report)
    if rel == "self":
        href = el.get("href", "")
        if not urlsplit(href).netloc:
            report.warn(_where(el, "href"), f'rel="self" href {href!r} is relative (RelativeSelf)')
        if "type" not in el.attrib:
            report.warn(
                _where(el),
                'atom:link rel="self" has no type: the W3C validator documents it with '
                'type="application/rss+xml" (see its MissingAtomSelfLink page)',
            )
        elif link_type.split(";")[0].strip() not in (
            "application/rss+xml",
            "application/atom+xml",
            "application/rdf+xml",
        ):
            report.warn(
                _where(el, "type"),
                f'rel="self" type {link_type!r} is not a feed type (SelfNotAtom)',
            )
    return rel


def _rss_extension(
    el: etree._Element, report: Report, *, allowed_atom: frozenset[str]
) -> str | None:
    """A namespaced child of channel or item; returns the rel of an atom:link."""
    qname = etree.QName(el)
    if qname.namespace == ATOM_NS:
        if qname.localname not in allowed_atom:
            report.error(
                _where(el), f"atom:{qname.localname} is not allowed here (UndefinedElement)"
            )
        elif qname.localname == "link":
            return _rss_atom_link(el, report)
        elif qname.localname in ("updated", "published"):
            _atom_date(el, report)
        elif qname.localname == "id":
            _atom_id(el, report)
    elif qname.namespace == DC_NS and qname.localname == "date":
        problem = _w3cdtf_problem((el.text or "").strip())
        if problem:
            report.error(_where(el), f"dc:date {problem}")
    elif qname.namespace == DC_NS and qname.localname == "language":
        report.add(_where(el), *language_problems((el.text or "").strip()))
    elif qname.namespace == CONTENT_NS and qname.localname == "encoded":
        _rss_html(el, report)
    return None


def _rss_guid(el: etree._Element, report: Report) -> str:
    value = (el.text or "").strip()
    permalink = el.get("isPermaLink", "true")
    if permalink not in ("true", "false"):
        report.error(
            _where(el, "isPermaLink"),
            f'isPermaLink must be "true" or "false", not {permalink!r} (InvalidBooleanAttribute)',
        )
    if not value:
        report.error(_where(el), "<guid> is empty (NotBlank)")
    elif permalink != "false":
        errors, warnings = uri_problems(value, iri=False, absolute=True, http=True)
        if errors:
            report.error(
                _where(el),
                f'<guid> {value!r} is a permalink (isPermaLink is absent or "true"), so it must '
                f'be an absolute http(s) URL; mark other ids isPermaLink="false" (InvalidHttpGUID)',
            )
        report.add(_where(el), [], warnings)
    elif len(value) < 9 and value.isdigit():
        report.warn(
            _where(el), f"<guid> {value!r} is not sufficiently unique (NotSufficientlyUnique)"
        )
    return value


def _rss_item(item: etree._Element, report: Report) -> str | None:
    found = _rss_children(item, report, allowed=_RSS_ITEM, once=_RSS_ITEM_ONCE, required=())
    if "title" not in found and "description" not in found:
        report.error(
            _where(item),
            "<item> has neither <title> nor <description> (ItemMustContainTitleOrDescription)",
        )
    seen_description = False
    for child in _elements(item):
        qname = etree.QName(child)
        if qname.namespace is not None:
            if (
                qname.namespace == CONTENT_NS
                and qname.localname == "encoded"
                and not seen_description
                and "description" in found
            ):
                report.warn(
                    _where(child),
                    "content:encoded should come after <description> (NeedDescriptionBeforeContent)",
                )
            _rss_extension(child, report, allowed_atom=_ATOM_IN_RSS_ITEM)
            continue
        tag = child.tag
        if tag == "title" and not _text(child).strip():
            report.warn(_where(child), "<title> is empty (NotBlank)")
        elif tag in ("link", "comments"):
            _rss_url(child, report)
        elif tag == "description":
            seen_description = True
            _rss_html(child, report)
        elif tag == "pubDate":
            _rss_date(child, report)
        elif tag == "author":
            report.add(_where(child), *_rss_person((child.text or "").strip()))
        elif tag == "enclosure":
            for attr in ("url", "length", "type"):
                if child.get(attr) is None:
                    report.error(
                        _where(child), f"<enclosure> has no {attr} attribute (MissingAttribute)"
                    )
            if child.get("url") is not None:
                _rss_url(child, report, child.get("url"), "url")
            length = child.get("length")
            if length is not None and not length.strip().isdigit():
                report.error(
                    _where(child, "length"),
                    f"{length!r} is not a non-negative integer (InvalidIntegerAttribute)",
                )
            if child.get("type") is not None and not _MIME.match(child.get("type", "")):
                report.error(
                    _where(child, "type"),
                    f"{child.get('type')!r} is not a MIME type (InvalidMIMEAttribute)",
                )
        elif tag == "source":
            if child.get("url") is None:
                report.error(_where(child), "<source> has no url attribute (MissingAttribute)")
            else:
                _rss_url(child, report, child.get("url"), "url")
    guids = found.get("guid", [])
    if not guids:
        report.warn(_where(item), "<item> has no <guid> (MissingGuid)")
        return None
    return _rss_guid(guids[0], report)


def _rss_channel(channel: etree._Element, report: Report) -> None:
    _rss_children(
        channel,
        report,
        allowed=_RSS_CHANNEL,
        once=_RSS_CHANNEL_ONCE,
        required=("title", "link", "description"),
    )
    rels: list[str] = []
    seen_item = False
    for child in _elements(channel):
        qname = etree.QName(child)
        if qname.namespace is not None:
            rel = _rss_extension(child, report, allowed_atom=_ATOM_IN_RSS_CHANNEL)
            if rel is not None:
                rels.append(rel)
            continue
        tag = child.tag
        if tag == "item":
            seen_item = True
            continue
        if seen_item:
            report.warn(
                _where(child),
                f"<{tag}> comes after the first <item>; put channel elements first (MisplacedItem)",
            )
        value = (child.text or "").strip()
        if tag == "title":
            if not value:
                report.warn(_where(child), "<title> is empty (NotBlank)")
        elif tag in ("link", "docs"):
            _rss_url(child, report)
        elif tag == "language":
            errors, warnings = language_problems(value)
            report.add(_where(child), [f"<language> {e}" for e in errors], warnings)
        elif tag in ("pubDate", "lastBuildDate"):
            _rss_date(child, report)
        elif tag in ("managingEditor", "webMaster"):
            report.add(_where(child), *_rss_person(value))
        elif tag == "ttl":
            if not value.isdigit() or int(value) <= 0:
                report.error(
                    _where(child),
                    f"<ttl> {value!r} is not a positive integer (InvalidPositiveInteger)",
                )
        elif tag == "cloud":
            for attr in ("domain", "port", "path", "registerProcedure", "protocol"):
                if child.get(attr) is None:
                    report.error(
                        _where(child), f"<cloud> has no {attr} attribute (MissingAttribute)"
                    )
        elif tag in _RSS_SUBELEMENTS:
            _rss_container(child, report)
    if "self" not in rels:
        report.warn(_where(channel), 'no atom:link rel="self" (MissingAtomSelfLink)')


def _rss_container(el: etree._Element, report: Report) -> None:
    """image, textInput, skipHours, skipDays."""
    required, optional = _RSS_SUBELEMENTS[el.tag]
    allowed = required | optional
    _rss_children(
        el,
        report,
        allowed=allowed,
        once=required | (optional - {"hour", "day"}),
        required=sorted(required),
    )
    for child in _elements(el):
        value = (child.text or "").strip()
        if child.tag == "link" or (child.tag == "url" and el.tag == "image"):
            _rss_url(child, report)
        elif child.tag in ("width", "height"):
            limit = 144 if child.tag == "width" else 400
            if not value.isdigit() or not 0 < int(value) <= limit:
                report.error(
                    _where(child),
                    f"image {child.tag} {value!r} must be an integer from 1 to {limit} (InvalidWidth)",
                )
        elif child.tag == "hour":
            if not value.isdigit() or int(value) > 23:
                report.error(_where(child), f"<hour> {value!r} must be 0 to 23 (InvalidHour)")
        elif child.tag == "day" and value not in _WEEKDAYS:
            report.error(_where(child), f"<day> {value!r} must be an English day name (InvalidDay)")


def validate_rss(data: bytes) -> Report:
    """Check an RSS 2.0 feed document; see the module docstring for what."""
    report = Report()
    root = _parse_xml(data, report)
    if root is None:
        return report
    if root.tag != "rss":
        what = "RSS 1.0 (RDF)" if root.tag == f"{{{RDF_NS}}}RDF" else f"<{_name(root)}>"
        report.error(_where(root), f"the root element is {what}, not an RSS 2.0 <rss>")
        return report
    if root.get("version") != "2.0":
        report.error(
            _where(root, "version"),
            f'<rss> version is {root.get("version")!r}, not "2.0" (InvalidRSSVersion)',
        )
    channels = _rss_children(
        root,
        report,
        allowed=frozenset({"channel"}),
        once=frozenset({"channel"}),
        required=("channel",),
    )
    _rss_attributes(root, report)
    for channel in channels.get("channel", [])[:1]:
        _rss_channel(channel, report)
        guids: dict[str, etree._Element] = {}
        for item in channel.findall("item"):
            guid = _rss_item(item, report)
            if guid is None or not guid:
                continue
            if guid in guids:
                report.error(
                    _where(item),
                    f"<guid> {guid!r} is also the guid of the item at line {guids[guid].sourceline}; "
                    "every item needs its own (DuplicateValue)",
                )
            else:
                guids[guid] = item
    _check_xml_attributes(root, report)
    _check_text_encoding(root, report)
    return report


def check_rss(data: bytes) -> list[str]:
    """The errors in an RSS 2.0 feed document (empty: valid)."""
    return validate_rss(data).errors


# ---------------------------------------------------------------------- JSON Feed

_JSON_FEED_KEYS = _words("""version title home_page_url feed_url description user_comment next_url icon favicon
    author authors language expired hubs items""")
_JSON_ITEM_KEYS = _words("""id url external_url title content_html content_text summary image banner_image
    date_published date_modified author authors tags language attachments""")


def _json_url(value: Any, path: str, report: Report, *, required_http: bool = True) -> None:
    if not isinstance(value, str):
        report.error(path, f"must be a string URL, not {type(value).__name__}")
        return
    errors, warnings = uri_problems(value, iri=True, absolute=True, http=required_http)
    report.add(path, errors, warnings)
    if not errors and not value.isascii():
        report.warn(path, f"{value!r} holds raw non-ASCII characters; percent-encode them")


def _json_string(value: Any, path: str, report: Report, *, nonempty: bool = False) -> bool:
    if not isinstance(value, str):
        report.error(path, f"must be a string, not {type(value).__name__}")
        return False
    if nonempty and not value.strip():
        report.error(path, "must not be empty")
        return False
    report.add(path, [], _text_warnings(value))
    return True


def _json_authors(container: dict[str, Any], path: str, report: Report) -> None:
    if "author" in container:
        report.warn(f"{path}.author", "'author' is JSON Feed 1.0; version 1.1 uses 'authors'")
        if not isinstance(container["author"], dict):
            report.error(f"{path}.author", "must be an object")
    if "authors" not in container:
        return
    authors = container["authors"]
    if not isinstance(authors, list):
        report.error(f"{path}.authors", "must be an array of author objects")
        return
    for index, author in enumerate(authors):
        where = f"{path}.authors[{index}]"
        if not isinstance(author, dict):
            report.error(where, "must be an object")
            continue
        if not any(key in author for key in ("name", "url", "avatar")):
            report.error(where, "an author needs at least one of name, url and avatar")
        if "name" in author:
            _json_string(author["name"], f"{where}.name", report)
        for key in ("url", "avatar"):
            if key in author:
                _json_url(author[key], f"{where}.{key}", report)


def _json_language(value: Any, path: str, report: Report) -> None:
    if _json_string(value, path, report, nonempty=True):
        report.add(path, *language_problems(value))


def _json_item(item: Any, path: str, report: Report) -> str | None:
    if not isinstance(item, dict):
        report.error(path, "an item must be an object")
        return None
    item_id = item.get("id")
    if "id" not in item:
        report.error(path, "item has no id")
    elif not isinstance(item_id, str):
        report.error(f"{path}.id", f"id must be a string, not {type(item_id).__name__} {item_id!r}")
        item_id = None
    elif not item_id.strip():
        report.error(f"{path}.id", "id must not be empty")
        item_id = None
    for key in ("url", "external_url", "image", "banner_image"):
        if key in item:
            _json_url(item[key], f"{path}.{key}", report)
    for key in ("title", "summary", "content_text"):
        if key in item:
            _json_string(item[key], f"{path}.{key}", report)
    if "content_html" in item and _json_string(
        item["content_html"], f"{path}.content_html", report
    ):
        report.add(f"{path}.content_html", *html_problems(item["content_html"]))
    if "content_html" not in item and "content_text" not in item:
        report.error(path, "item has neither content_html nor content_text")
    for key in ("date_published", "date_modified"):
        if key in item and _json_string(item[key], f"{path}.{key}", report):
            problem = rfc3339_problem(item[key])
            if problem:
                report.error(f"{path}.{key}", problem)
    _json_authors(item, path, report)
    if "tags" in item and not (
        isinstance(item["tags"], list) and all(isinstance(t, str) for t in item["tags"])
    ):
        report.error(f"{path}.tags", "must be an array of strings")
    if "language" in item:
        _json_language(item["language"], f"{path}.language", report)
    if "attachments" in item:
        attachments = item["attachments"]
        if not isinstance(attachments, list):
            report.error(f"{path}.attachments", "must be an array")
        else:
            for index, attachment in enumerate(attachments):
                where = f"{path}.attachments[{index}]"
                if not isinstance(attachment, dict):
                    report.error(where, "must be an object")
                    continue
                if "url" not in attachment:
                    report.error(where, "attachment has no url")
                else:
                    _json_url(attachment["url"], f"{where}.url", report)
                if "mime_type" not in attachment:
                    report.error(where, "attachment has no mime_type")
                elif not isinstance(attachment["mime_type"], str) or not _MIME.match(
                    attachment["mime_type"]
                ):
                    report.error(f"{where}.mime_type", "must be a MIME type string")
                for key in ("size_in_bytes", "duration_in_seconds"):
                    value = attachment.get(key, 0)
                    if isinstance(value, bool) or not isinstance(value, int | float):
                        report.error(f"{where}.{key}", "must be a number")
    for key in item:
        if key not in _JSON_ITEM_KEYS and not key.startswith("_"):
            report.warn(
                f"{path}.{key}", "is not a JSON Feed 1.1 item member; extensions start with '_'"
            )
    return item_id


def validate_json_feed(data: bytes) -> Report:
    """Check a JSON Feed 1.1 document; see the module docstring for what."""
    report = Report()
    if data.startswith(b"\xef\xbb\xbf"):
        report.warn("$", "starts with a UTF-8 byte order mark")
        data = data[3:]
    try:
        feed = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        report.error("$", f"JSON Feed must be UTF-8: {exc}")
        return report
    except ValueError as exc:
        report.error("$", f"not valid JSON: {exc}")
        return report
    if not isinstance(feed, dict):
        report.error("$", "a JSON Feed is an object")
        return report
    version = feed.get("version")
    if version != JSON_FEED_VERSION:
        report.error("$.version", f"must be {JSON_FEED_VERSION!r}, not {version!r}")
    if "title" not in feed:
        report.error("$", "the feed has no title")
    else:
        _json_string(feed["title"], "$.title", report, nonempty=True)
    for key in ("home_page_url", "feed_url"):
        if key in feed:
            _json_url(feed[key], f"$.{key}", report)
        else:
            report.warn("$", f"the feed has no {key} (strongly recommended)")
    for key in ("next_url", "icon", "favicon"):
        if key in feed:
            _json_url(feed[key], f"$.{key}", report)
    for key in ("description", "user_comment"):
        if key in feed:
            _json_string(feed[key], f"$.{key}", report)
    _json_authors(feed, "$", report)
    if "language" in feed:
        _json_language(feed["language"], "$.language", report)
    if "expired" in feed and not isinstance(feed["expired"], bool):
        report.error("$.expired", "must be true or false")
    if "hubs" in feed:
        hubs = feed["hubs"]
        if not isinstance(hubs, list) or not all(
            isinstance(h, dict) and isinstance(h.get("type"), str) and isinstance(h.get("url"), str)
            for h in hubs
        ):
            report.error("$.hubs", "must be an array of objects with type and url strings")
    for key in feed:
        if key not in _JSON_FEED_KEYS and not key.startswith("_"):
            report.warn(f"$.{key}", "is not a JSON Feed 1.1 member; extensions start with '_'")
    items = feed.get("items")
    if not isinstance(items, list):
        report.error(
            "$", "the feed has no items array" if items is None else "$.items must be an array"
        )
        return report
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        item_id = _json_item(item, f"$.items[{index}]", report)
        if item_id is None:
            continue
        if item_id in seen:
            report.error(
                f"$.items[{index}].id", f"id {item_id!r} is also the id of $.items[{seen[item_id]}]"
            )
        else:
            seen[item_id] = index
    return report


def check_json_feed(data: bytes) -> list[str]:
    """The errors in a JSON Feed 1.1 document (empty: valid)."""
    return validate_json_feed(data).errors


# -------------------------------------------------------------------------- files


def _kind(path: Path, data: bytes) -> str:
    names = {"rss.xml": "rss", "atom.xml": "atom", "feed.json": "json"}
    if path.name in names:
        return names[path.name]
    if path.suffix == ".json":
        return "json"
    try:
        root = etree.fromstring(data, etree.XMLParser(**_PARSER_OPTIONS))
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"{path}: not a feed file name and not XML ({exc})") from exc
    if root is not None and root.tag == f"{A}feed":
        return "atom"
    if root is not None and root.tag == "rss":
        return "rss"
    raise ValueError(f"{path}: cannot tell which kind of feed this is")


def validate_feed_file(path: str | os.PathLike[str]) -> Report:
    """Check a feed file: rss.xml, atom.xml or feed.json (else by extension or root)."""
    file = Path(path)
    data = file.read_bytes()
    validators = {"rss": validate_rss, "atom": validate_atom, "json": validate_json_feed}
    return validators[_kind(file, data)](data)


def check_feed_file(path: str | os.PathLike[str]) -> list[str]:
    """The errors in a feed file (empty: valid); see :func:`validate_feed_file`."""
    return validate_feed_file(path).errors


FEED_FILE_NAMES = ("rss.xml", "atom.xml", "feed.json")


def feed_files(directory: str | os.PathLike[str]) -> list[Path]:
    """Every rss.xml, atom.xml and feed.json under ``directory`` (a published site)."""
    root = Path(directory)
    return sorted(p for name in FEED_FILE_NAMES for p in root.rglob(name) if p.is_file())


def assert_valid_feed(path: str | os.PathLike[str]) -> None:
    """Fail (AssertionError) with every error when the feed file is not valid."""
    errors = check_feed_file(path)
    assert not errors, f"{path} has {len(errors)} error(s):\n" + "\n".join(errors)


def main(argv: list[str]) -> int:
    status = 0
    for name in argv:
        report = validate_feed_file(name)
        for message in report.errors:
            print(f"{name}: error: {message}")
        for message in report.warnings:
            print(f"{name}: warning: {message}")
        print(f"{name}: {len(report.errors)} error(s), {len(report.warnings)} warning(s)")
        status = status or (1 if report.errors else 0)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
