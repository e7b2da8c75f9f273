"""What ``nashra status`` shows, and whether it is healthy.

``read_status`` gathers the sources, feeds, the last publish and the ``nashra
run`` nodes sharing the store (their role, heartbeat, polls of the last minute
and leases held) from the store and ``public/`` (works while ``nashra run``
runs); ``problems`` decides, from that
alone, what makes the site unhealthy; ``status_json`` and ``status_lines`` show
it with every time in the site's time zone, the zone named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from feeds.atomic import COMPRESSED
from feeds.config import Config
from feeds.durations import duration_text
from feeds.store import PublishRecord, Store
from feeds.store.nodes import NodeRow, Nodes

NO_POLL_YET = "no poll has run yet"

NODE_GONE_AFTER = 60.0
"""Seconds without a heartbeat after which a node is shown as gone (it beats every
10 s; the store forgets it after a day)."""


@dataclass(frozen=True, slots=True)
class SourceStatus:
    name: str
    kind: str
    active: bool
    """Polled: still in the configuration and not marked gone."""
    gone: bool
    last_poll: datetime | None
    outcome: str | None
    """The status word of the last poll (``feeds.outcome.PollStatus``)."""
    http_status: int | None
    new: int
    total: int
    failures: int
    """Failed polls in a row."""
    last_error: str | None
    next_poll: datetime | None


@dataclass(frozen=True, slots=True)
class FeedStatus:
    name: str
    items: int
    last_change: datetime | None
    files: tuple[tuple[str, int], ...]
    """File name and size of each file in the feed's folder."""
    topic: bool = False
    """Selected by ``tags``/``match``/``exclude``: ``items`` counts its matches."""

    @property
    def matched_nothing(self) -> bool:
        return self.topic and self.items == 0


@dataclass(frozen=True, slots=True)
class PublishStatus:
    at: datetime
    """When publishing was last tried."""
    error: str | None
    """Why that try failed; None when it worked."""
    ok_at: datetime | None
    """When publishing last worked."""


NodeStatus = NodeRow
"""A ``nashra run`` process on the store, as ``feeds.store.nodes`` reads it."""


@dataclass(frozen=True, slots=True)
class StatusReport:
    tz: ZoneInfo
    sources: tuple[SourceStatus, ...]
    feeds: tuple[FeedStatus, ...]
    publish: PublishStatus | None
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    """When the report was read."""
    nodes: tuple[NodeStatus, ...] = ()

    def heartbeat_age(self, node: NodeStatus) -> float:
        """Seconds since the node's last heartbeat."""
        return max((self.at - node.heartbeat).total_seconds(), 0.0)

    def gone(self, node: NodeStatus) -> bool:
        """No heartbeat for ``NODE_GONE_AFTER`` seconds: stopped without a word."""
        return self.heartbeat_age(node) > NODE_GONE_AFTER

    @property
    def past_due(self) -> list[SourceStatus]:
        """The queue: active sources whose next poll has come, the most overdue first."""
        due = [
            s
            for s in self.sources
            if s.active and not s.gone and s.next_poll is not None and s.next_poll <= self.at
        ]
        return sorted(due, key=lambda s: (s.next_poll, s.name))

    @property
    def oldest_late(self) -> float | None:
        """Seconds the most overdue source is late (None: the queue is empty)."""
        due = self.past_due
        return (
            None
            if not due or due[0].next_poll is None
            else (self.at - due[0].next_poll).total_seconds()
        )


def read_status(config: Config, store: Store, now: datetime | None = None) -> StatusReport:
    """The state of every source and feed, and of the last publish, at ``now``."""
    configured = {s.name for s in config.sources}
    sources = tuple(
        SourceStatus(
            name=row["name"],
            kind=row["kind"],
            active=bool(row["active"]) and row["name"] in configured,
            gone=bool(row["gone"]),
            last_poll=row["last_poll_at"],
            outcome=row["last_outcome"],
            http_status=row["last_status"],
            new=int(row["last_new"] or 0),
            total=int(row["total"]),
            failures=int(row["failures"] or 0),
            last_error=(row["last_error"] or "").split("\n")[0] or None,
            next_poll=row["next_poll_at"],
        )
        for row in store.source_rows()
    )
    feeds = []
    matched = store.feed_counts([f.name for f in config.feeds if f.is_topic])
    for feed in config.feeds:
        folder = config.public_path / feed.name
        stats = {
            p.name: p.stat()
            for p in sorted(folder.glob("*"))
            if p.is_file() and p.suffix not in COMPRESSED
        }
        changed = max((st.st_mtime for st in stats.values()), default=None)
        feeds.append(
            FeedStatus(
                name=feed.name,
                items=matched[feed.name]
                if feed.is_topic
                else store.count(config.feed_sources(feed)),
                last_change=None if changed is None else datetime.fromtimestamp(changed, UTC),
                files=tuple((name, st.st_size) for name, st in stats.items()),
                topic=feed.is_topic,
            )
        )
    record: PublishRecord | None = store.last_publish()
    publish = None if record is None else PublishStatus(record.at, record.error, record.ok_at)
    at = now or datetime.now(UTC)
    nodes = tuple(Nodes(store).rows(at))
    return StatusReport(config.site.tz, sources, tuple(feeds), publish, at, nodes)


def unhealthy_sources(report: StatusReport, max_failures: int) -> list[str]:
    """Active sources that failed more than ``max_failures`` times in a row."""
    return [s.name for s in report.sources if s.active and s.failures > max_failures]


def problems(report: StatusReport, max_failures: int) -> list[str]:
    """Why the site is unhealthy, one line each; empty when it is healthy."""
    found = []
    if not any(s.last_poll is not None and s.active for s in report.sources):
        found.append(NO_POLL_YET)
    unhealthy = unhealthy_sources(report, max_failures)
    if unhealthy:
        found.append(
            f"unhealthy: {', '.join(unhealthy)} failed more than {max_failures} times in a row"
        )
    publish = report.publish
    if publish is not None and publish.error is not None:
        since = _when(publish.ok_at, report.tz) if publish.ok_at else "never"
        found.append(
            f"publishing fails: {publish.error} (tried {_when(publish.at, report.tz)}, "
            f"last worked {since}, {report.tz.key})"
        )
    return found


def status_json(report: StatusReport, max_failures: int) -> dict[str, Any]:
    """The report for scripts: times as ISO 8601 in the site's time zone."""
    tz = report.tz
    publish = report.publish
    found = problems(report, max_failures)
    return {
        "timezone": tz.key,
        "healthy": not found,
        "problems": found,
        "unhealthy": unhealthy_sources(report, max_failures),
        "queue": {
            "past_due": len(report.past_due),
            "oldest_late_seconds": report.oldest_late,
        },
        "nodes": [
            {
                "id": n.id,
                "role": n.role,
                "host": n.host,
                "pid": n.pid,
                "started": _iso(n.started, tz),
                "heartbeat": _iso(n.heartbeat, tz),
                "heartbeat_age_seconds": round(report.heartbeat_age(n), 1),
                "gone": report.gone(n),
                "polls_last_minute": n.polls,
                "leases": n.leases,
            }
            for n in report.nodes
        ],
        "publish": None
        if publish is None
        else {
            "at": _iso(publish.at, tz),
            "ok": publish.error is None,
            "error": publish.error,
            "ok_at": _iso(publish.ok_at, tz),
        },
        "sources": [
            {
                "name": s.name,
                "kind": s.kind,
                "active": s.active,
                "gone": s.gone,
                "last_poll": _iso(s.last_poll, tz),
                "outcome": s.outcome,
                "status": s.http_status,
                "new": s.new,
                "total": s.total,
                "failures": s.failures,
                "last_error": s.last_error,
                "next_poll": _iso(s.next_poll, tz),
            }
            for s in report.sources
        ],
        "feeds": [
            {
                "name": f.name,
                "items": f.items,
                "last_change": _iso(f.last_change, tz),
                "files": dict(f.files),
                "matched_nothing": f.matched_nothing,
            }
            for f in report.feeds
        ],
    }


def status_lines(report: StatusReport, max_failures: int) -> list[str]:
    """The report for people: a table of sources and one of feeds, whose headers
    name the time zone of their times, the last publish, then what is wrong."""
    tz = report.tz
    zone = f"({tz.key})"
    lines: list[str] = []
    head = (
        "source", f"last poll {zone}", "outcome", "new", "total", "fails", f"next poll {zone}",
        "last error",
    )  # fmt: skip
    rows = [
        (
            s.name + ("" if s.active else " (removed)") + (" (gone)" if s.gone else ""),
            _when(s.last_poll, tz),
            (s.outcome or "-") + (f" {s.http_status}" if s.http_status else ""),
            str(s.new), str(s.total), str(s.failures), _when(s.next_poll, tz),
            (s.last_error or "")[:80],
        )
        for s in report.sources
    ]  # fmt: skip
    lines += _table(head, rows)
    lines.append("")
    feed_head = ("feed", "items", f"last change {zone}", "rss.xml", "atom.xml", "feed.json")
    feed_rows = [
        (
            f.name, str(f.items), _when(f.last_change, tz),
            *(str(dict(f.files).get(n, "-")) for n in ("rss.xml", "atom.xml", "feed.json")),
        )
        for f in report.feeds
    ]  # fmt: skip
    lines += _table(feed_head, feed_rows)
    lines += [
        f"feed {f.name} matched nothing: no stored story has its tags or satisfies its query"
        for f in report.feeds
        if f.matched_nothing
    ]
    lines.append("")
    lines += _node_lines(report)
    due = report.past_due
    if due:
        late = duration_text(report.oldest_late or 0.0)
        lines.append(f"queue: {len(due)} sources past due, the oldest ({due[0].name}) {late} late")
    else:
        lines.append("queue: no source past due")
    publish = report.publish
    if publish is not None:
        result = "ok" if publish.error is None else "failed"
        lines.append(f"last publish: {_when(publish.at, tz)} {tz.key}: {result}")
    found = problems(report, max_failures)
    if found:
        lines.append("")
        lines += found
    return lines


def _node_lines(report: StatusReport) -> list[str]:
    """The nodes table: each ``nashra run`` process, its role, how long since its
    heartbeat (or that it is gone), its polls of the last minute and leases."""
    if not report.nodes:
        return ["nodes: none running"]
    head = ("node", "role", "host", "pid", "heartbeat", "polls/min", "leases")
    rows = []
    for n in report.nodes:
        age = duration_text(report.heartbeat_age(n)) + " ago"
        rows.append(
            (
                n.id, n.role, n.host, str(n.pid), f"gone ({age})" if report.gone(n) else age,
                str(n.polls), str(n.leases),
            )
        )  # fmt: skip
    return [*_table(head, rows), ""]


def _when(value: datetime | None, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") if value else "-"


def _iso(value: datetime | None, tz: ZoneInfo) -> str | None:
    return value.astimezone(tz).isoformat() if value else None


def _table(head: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [head, *rows]
    ]
