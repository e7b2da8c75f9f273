"""URL helpers shared by sources and feeds: canonical form, tracking parameters, IRIs."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

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


def iri_to_uri(iri: str) -> str:
    """Percent-encode the non-ASCII parts of an IRI (Arabic paths, queries); the
    host is IDNA-encoded. Already-encoded URLs are left as they are."""
    try:
        parts = urlsplit(iri)
    except ValueError:  # "http://[bad": not a URL; encode it whole
        return quote(iri, safe="/:@!$&'()*+,;=%~-._?#")
    host = parts.hostname or ""
    try:
        ascii_host = host.encode("idna").decode("ascii") if host and not host.isascii() else host
    except UnicodeError:
        ascii_host = quote(host, safe="")
    netloc = parts.netloc
    if host and ascii_host != host:
        netloc = netloc.replace(host, ascii_host)
    safe = "/:@!$&'()*+,;=%~-._"
    return urlunsplit(
        (
            parts.scheme,
            netloc,
            quote(parts.path, safe=safe),
            quote(parts.query, safe=safe + "?"),
            quote(parts.fragment, safe=safe + "?#"),
        )
    )


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
        for candidate in (squeezed, stripped):
            parts = urlsplit(urljoin(base, candidate) if base else candidate)
            if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
                return None
        return urljoin(base, stripped) if base else stripped
    except ValueError:  # "http://[bad"
        return None
