"""URL helpers shared by sources and feeds: canonical form, tracking parameters,
IRIs, and the media types of files named by URLs."""

from __future__ import annotations

import re
import unicodedata
from posixpath import splitext
from urllib.parse import (
    parse_qsl,
    quote,
    unquote_to_bytes,
    urlencode,
    urljoin,
    urlsplit,
    urlunsplit,
)

WEB_SCHEMES = ("http", "https")

_TRACKING_EXACT = frozenset({"fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid"})


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith("utm_") or lowered in _TRACKING_EXACT


def strip_tracking(url: str) -> str:
    """Remove tracking query parameters (``utm_*``, ``fbclid``, ``gclid``…)."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    ]
    return urlunsplit(parts._replace(query=urlencode(query, doseq=True)))


def canonical_url(url: str) -> str:
    """The canonical form of a URL for identity: scheme and host lower-cased,
    default port, tracking parameters and fragment removed, IRI percent-encoded."""
    parts = urlsplit(iri_to_uri(url.strip()))
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:  # "https://x.example:8o/a": keep the text as it is
        return strip_tracking(urlunsplit(parts._replace(fragment="")))
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    if parts.username:
        host = f"{parts.username}@{host}"
    path = parts.path or "/"
    cleaned = strip_tracking(urlunsplit((scheme, host, path, parts.query, "")))
    return cleaned


def iri_to_uri(iri: str, *, nfc: bool = False) -> str:
    """Percent-encode the non-ASCII parts of an IRI (Arabic paths, queries); the
    host is IDNA-encoded. Already-encoded URLs are left as they are.

    ``nfc``: the text, raw or percent-encoded, is also put in Unicode
    normalisation form C, which is the canonical form validators and readers
    compare URIs in: an Arabic path written with a decomposed hamza (alef then
    U+0654 HAMZA ABOVE, ``%D8%A7%D9%94``) becomes the precomposed letter
    (``%D8%A3``), the same page. Links that are published use it
    (``feeds.render.safe_link``). The default keeps the text's own form, because
    ids and dedup keys are derived from this function and stored: a story seen
    again must get the id and keys it got the first time.
    """
    if nfc:
        iri = unicodedata.normalize("NFC", iri)
    try:
        parts = urlsplit(iri)
    except ValueError:  # "http://[bad": not a URL; encode it whole
        uri = quote(iri, safe="/:@!$&'()*+,;=%~-._?#")
        return _nfc_escapes(uri) if nfc else uri
    host = parts.hostname or ""
    try:
        ascii_host = host.encode("idna").decode("ascii") if host and not host.isascii() else host
    except UnicodeError:
        ascii_host = quote(host, safe="")
    netloc = parts.netloc
    if host and ascii_host != host:
        netloc = netloc.replace(host, ascii_host)
    safe = "/:@!$&'()*+,;=%~-._"
    uri = urlunsplit(
        (
            parts.scheme,
            netloc,
            quote(parts.path, safe=safe),
            quote(parts.query, safe=safe + "?"),
            quote(parts.fragment, safe=safe + "?#"),
        )
    )
    return _nfc_escapes(uri) if nfc else uri


_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def _nfc_escapes(uri: str) -> str:
    """``uri`` with each run of percent-encoded UTF-8 text in NFC; a run that is
    not UTF-8, or already in NFC, is left exactly as it is."""
    if "%" not in uri:
        return uri

    def normalise(run: re.Match[str]) -> str:
        try:
            text = unquote_to_bytes(run.group()).decode("utf-8")
        except UnicodeDecodeError:
            return run.group()
        composed = unicodedata.normalize("NFC", text)
        if composed == text:
            return run.group()
        return quote(composed, safe="")

    return _ESCAPES.sub(normalise, uri)


MEDIA_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".svg": "image/svg+xml",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".aac": "audio/aac",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/opus",
    ".wav": "audio/wav",
    ".flac": "audio/flac",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".webm": "video/webm",
    ".mov": "video/quicktime",
    ".pdf": "application/pdf",
}
"""Media types by file extension, for media files whose source does not say
theirs. A fixed table rather than ``mimetypes``, which reads the machine's own
files: the same feed must render to the same bytes everywhere."""

_MIME = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")


def guess_media_type(url: str) -> str | None:
    """The media type of the file a URL names, from its path's extension, or None."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    return MEDIA_TYPES.get(splitext(path)[1].lower())


def clean_media_type(value: str | None) -> str:
    """A declared media type as ``type/subtype`` in lower case (parameters dropped),
    or empty when it is not one (``image``, ``image/*``, ``mp3``, markup)."""
    if not value:
        return ""
    kind = value.split(";", 1)[0].strip().lower()
    return kind if _MIME.fullmatch(kind) and "*" not in kind else ""


def web_link(value: str | None, base: str | None = None) -> str | None:
    """``value`` as an absolute ``http``/``https`` URL (resolved against ``base``
    when relative), or None when it is anything else: ``javascript:``,
    ``data:``, ``file:``, ``vbscript:``, a relative link with no web base, or
    text that is not a URL. The only rule for links and images that nashra
    publishes, from every kind of source, in every output."""
    if not value:
        return None
    stripped = value.strip()
    squeezed = "".join(stripped.split())  # browsers drop whitespace inside a scheme too
    try:
        # the squeezed text is judged too when it differs (the link is the stripped one)
        for candidate in (stripped,) if squeezed == stripped else (squeezed, stripped):
            joined = urljoin(base, candidate) if base else candidate
            parts = urlsplit(joined)
            if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
                return None
        return joined
    except ValueError:  # "http://[bad"
        return None
