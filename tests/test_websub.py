"""WebSub: after a publish, hubs are told about the feeds whose bytes changed.
Real hubs on 127.0.0.1 (a tiny HTTP server in a thread) record what they get."""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import feedparser
import pytest

from feeds.manifest import load as load_manifest
from feeds.pipeline import run_once
from feeds.publish import publish
from feeds.store import Store
from feeds.websub import Notifier
from tests.conftest import NOW, Site

FAST = Notifier(attempts=3, wait=0.01, max_wait=0.02, timeout=5.0, deadline=10.0)
BASE = "https://news.example.org/"


def _urls(feed: str) -> list[str]:
    return [f"{BASE}{feed}/rss.xml", f"{BASE}{feed}/atom.xml", f"{BASE}{feed}/feed.json"]


@dataclass(frozen=True)
class Ping:
    path: str
    content_type: str
    user_agent: str
    form: dict[str, list[str]]


class Hub:
    """A WebSub hub that records every notification and answers with the next of
    ``statuses`` (the last one once they run out)."""

    def __init__(self, *statuses: int) -> None:
        self.statuses = list(statuses) or [204]
        self.pings: list[Ping] = []
        self._lock = threading.Lock()
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with hub._lock:
                    hub.pings.append(
                        Ping(
                            self.path,
                            self.headers.get("Content-Type", ""),
                            self.headers.get("User-Agent", ""),
                            parse_qs(body.decode("utf-8")),
                        )
                    )
                    status = hub.statuses.pop(0) if len(hub.statuses) > 1 else hub.statuses[0]
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hub"

    def __enter__(self) -> Hub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def feeds(self) -> list[str]:
        """The feed of each notification, in order (by its first URL)."""
        return [ping.form["hub.url"][0].split("/")[-2] for ping in self.pings]


@pytest.fixture
def hubs() -> Iterator[tuple[Hub, Hub]]:
    with Hub() as first, Hub() as second:
        yield first, second


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _use_hubs(site: Site, *urls: str) -> None:
    text = site.config_path.read_text("utf-8")
    listed = ", ".join(f'"{url}"' for url in urls)
    site.config_path.write_text(text.replace("[site]\n", f"[site]\nhubs = [{listed}]\n"), "utf-8")


def test_each_hub_is_told_once_about_each_changed_feed(
    site: Site, store: Store, hubs: tuple[Hub, Hub]
) -> None:
    _use_hubs(site, *(hub.url for hub in hubs))
    site.copy("bulletins/bulletin-libya.txt")
    report = run_once(site.config(), store, now=NOW)
    for hub in hubs:
        assert hub.feeds() == ["all", "libya"]
        for ping, feed in zip(hub.pings, ("all", "libya"), strict=True):
            assert ping.path == "/hub"
            assert ping.content_type == "application/x-www-form-urlencoded"
            assert ping.user_agent.startswith("nashra/")
            assert ping.form == {"hub.mode": ["publish"], "hub.url": _urls(feed)}
    assert [n.error for n in report.published.notices] == [None] * 4

    # the feeds advertise the hubs, and so does the manifest
    atom = feedparser.parse((site.public / "all" / "atom.xml").read_bytes())
    assert [link.href for link in atom.feed.links if link.rel == "hub"] == [h.url for h in hubs]
    links = load_manifest(site.public).files["libya/rss.xml"].links
    assert links == (("self", f"{BASE}libya/rss.xml"), *(("hub", h.url) for h in hubs))


def test_unchanged_feeds_are_not_announced(site: Site, store: Store, hubs: tuple[Hub, Hub]) -> None:
    first, _ = hubs
    _use_hubs(site, first.url)
    site.copy("bulletins/bulletin-libya.txt")
    run_once(site.config(), store, now=NOW)
    assert len(first.pings) == 2

    run_once(site.config(), store, now=NOW + timedelta(hours=1))  # nothing new
    publish(site.config(), store)
    assert len(first.pings) == 2

    record = {"id": "agency-1", "title": "وصول شحنة أدوية إلى مستشفى سرت", "body": "وصلت الشحنة."}
    site.write("agency.jsonl", json.dumps(record, ensure_ascii=False) + "\n")
    run_once(site.config(), store, now=NOW + timedelta(hours=2))
    assert first.feeds() == ["all", "libya", "all"]  # the libya feed did not change
    assert first.pings[-1].form["hub.url"] == _urls("all")


def test_a_failing_hub_is_asked_again_then_logged_and_the_publish_goes_on(
    site: Site, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    site.copy("bulletins/bulletin-libya.txt")
    with Hub(204, 204, 500) as down, Hub() as up:  # down after the first run
        _use_hubs(site, down.url, up.url)
        run_once(site.config(), store, now=NOW)
        assert down.feeds() == up.feeds() == ["all", "libya"]
        down.pings.clear()
        up.pings.clear()
        store.record_publish(NOW, "an earlier failure")
        (site.public / "all" / "rss.xml").unlink()  # published again: only it changes
        caplog.set_level(logging.WARNING, logger="nashra.publish")
        result = publish(site.config(), store, notifier=FAST)

        assert len(down.pings) == 3  # three attempts, then given up
        assert all(p.form["hub.url"] == [f"{BASE}all/rss.xml"] for p in down.pings)
        assert up.feeds() == ["all"]  # the other hub is still told
    failures = [r for r in caplog.records if r.name == "nashra.publish"]
    assert len(failures) == 1
    line = failures[0].getMessage()
    assert down.url in line and "all" in line and "500" in line and "3 attempts" in line
    assert [(n.hub, n.error is None) for n in result.notices] == [(down.url, False), (up.url, True)]
    last = store.last_publish()
    assert last is not None and last.error is None  # a hub down never fails a publish


def test_a_hub_that_recovers_is_told_without_a_log_line(
    site: Site, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    site.copy("bulletins/bulletin-libya.txt")
    run_once(site.config(), store, now=NOW)  # no hub yet
    with Hub(503, 502, 204) as flaky:
        _use_hubs(site, flaky.url)  # every feed now advertises it: every feed changes
        caplog.set_level(logging.WARNING, logger="nashra.publish")
        result = publish(site.config(), store, notifier=FAST)
        assert flaky.feeds() == ["all", "all", "all", "libya"]
    assert not [r for r in caplog.records if r.name == "nashra.publish"]
    assert [n.error for n in result.notices] == [None, None]


def test_a_refusing_or_absent_hub_is_not_asked_again(
    site: Site, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    site.copy("bulletins/bulletin-libya.txt")
    run_once(site.config(), store, now=NOW)  # no hub yet
    absent = f"http://127.0.0.1:{_closed_port()}/hub"
    with Hub(400) as refusing:
        _use_hubs(site, refusing.url, absent)
        caplog.set_level(logging.WARNING, logger="nashra.publish")
        publish(site.config(), store, notifier=FAST)
        assert len(refusing.pings) == 1  # a 4xx is final, and the hub is not asked again
    lines = [r.getMessage() for r in caplog.records if r.name == "nashra.publish"]
    assert len(lines) == 2
    assert refusing.url in lines[0] and "400" in lines[0] and "all, libya" in lines[0]
    assert "1 attempt)" in lines[0]
    assert absent in lines[1] and "ConnectError" in lines[1] and "3 attempts" in lines[1]
