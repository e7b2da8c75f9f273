from __future__ import annotations

from sources.urls import canonical_url, iri_to_uri, strip_tracking


def test_strip_tracking_keeps_real_parameters() -> None:
    url = "https://a.example/x?id=3&utm_source=tw&UTM_campaign=y&fbclid=1&gclid=2&p=ليبيا"
    assert strip_tracking(url) == "https://a.example/x?id=3&p=%D9%84%D9%8A%D8%A8%D9%8A%D8%A7"


def test_canonical_url() -> None:
    assert canonical_url("HTTP://Example.ORG:80/a/b?utm_source=x#frag") == "http://example.org/a/b"
    assert canonical_url("https://example.org") == "https://example.org/"
    assert canonical_url("https://example.org:8443/x") == "https://example.org:8443/x"


def test_iri_to_uri_encodes_arabic_once() -> None:
    iri = "https://أخبار.example/قسم/خبر?q=ليبيا"
    uri = iri_to_uri(iri)
    assert uri.isascii() and uri.startswith("https://xn--")
    assert iri_to_uri(uri) == uri


def test_malformed_urls_never_raise() -> None:
    assert canonical_url("https://x.example:8o/a?utm_source=y#f") == "https://x.example:8o/a"
    assert iri_to_uri("http://[bad/خبر").isascii()
    assert canonical_url("http://[bad").startswith("http")
