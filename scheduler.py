"""The ``nashra`` command: wires sources, store and feeds together.

``nashra once`` runs the pipeline one time; ``nashra run`` is the daemon;
``nashra status`` reads the store; ``nashra parse`` shows what a file yields.
Every NashraError is printed as one line; the traceback goes to the log at
debug level. Exit codes: 0 all sources worked, 1 some failed (the rest are
still published), 2 configuration error.

Every APScheduler call lives in this module: the daemon (``feeds.daemon``)
only exposes plain async jobs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import sys
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from feeds.config import Config, config_path, load_config
from feeds.daemon import Daemon, DaemonSettings, InProcessPoller, StoreQueue, run_daemon
from feeds.pipeline import RunReport, SourceReport, open_fetcher, run_once
from feeds.store import Store
from sources.base import Context
from sources.errors import ConfigError, NashraError
from sources.files import parse_file
from sources.item import Item

log = logging.getLogger("nashra")

EXIT_OK, EXIT_SOURCES_FAILED, EXIT_CONFIG = 0, 1, 2


def _load(ctx: click.Context) -> Config:
    path = config_path(ctx.obj.get("config"))
    try:
        return load_config(path)
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        ctx.exit(EXIT_CONFIG)
        raise AssertionError("unreachable") from exc


def _open_store(ctx: click.Context, config: Config) -> Store:
    try:
        return Store.open(config.site.database, base_dir=config.base_dir)
    except NashraError as exc:
        click.echo(f"error: {exc}", err=True)
        ctx.exit(EXIT_CONFIG)
        raise AssertionError("unreachable") from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config",
    metavar="PATH",
    help="Configuration file (default: $NASHRA_CONFIG, else ./nashra.toml).",
)
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["debug", "info", "warning", "error"]),
    help="Least important log lines shown on stderr.",
)
@click.option(
    "--log-format",
    default="text",
    show_default=True,
    type=click.Choice(["text", "json"]),
    help="Log lines as text or as one JSON object each.",
)
@click.version_option(package_name="nashra")
@click.pass_context
def cli(ctx: click.Context, config: str | None, log_level: str, log_format: str) -> None:
    """nashra: publish Arabic news as RSS, Atom and JSON Feed.

    \b
    Example:
      nashra once                 # collect, dedup, publish public/
      nashra --config site.toml once
      nashra parse bulletin.txt --json
    """
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_LOG))
    logging.basicConfig(level=log_level.upper(), handlers=[handler], force=True)
    if log_level != "debug":  # the libraries' own chatter: a line per job or request
        for chatty in ("apscheduler", "httpx", "httpcore", "trafilatura"):
            logging.getLogger(chatty).setLevel(logging.WARNING)
    ctx.ensure_object(dict)
    ctx.obj["config"] = config


def _source_line(report: SourceReport) -> str:
    b = report.batch
    parts = [f"{b.new} new"]
    if b.updated:
        parts.append(f"{b.updated} updated")
    parts.append(f"{b.duplicate + b.unchanged} duplicate")
    if report.unchanged_files:
        parts.append(f"{report.unchanged_files} unchanged files")
    if report.outcome in OUTCOME_NOTES:
        parts.append(OUTCOME_NOTES[report.outcome])
    status = "failed" if report.failed else "ok"
    return f"{status:6} {report.name}: " + ", ".join(parts)


OUTCOME_NOTES = {
    "not-modified": "not modified (304)",
    "gone": "gone (410): no longer polled",
    "skipped-gone": "skipped: gone (410) since an earlier run",
}


def _summary(report: RunReport, public: Path) -> str:
    failed = len(report.failed)
    return (
        f"{len(report.sources)} sources: {report.total('new')} new, "
        f"{report.total('updated')} updated, "
        f"{report.total('duplicate') + report.total('unchanged')} duplicate, {failed} failed; "
        f"{len(report.published.written)} feed files and {report.published.pages} pages written "
        f"to {public}"
    )


@cli.command()
@click.option("--quiet", "-q", is_flag=True, help="Print only errors and the summary.")
@click.option(
    "--due",
    is_flag=True,
    help="Only sources whose next poll has come (interval, Retry-After, ttl, backoff): for cron.",
)
@click.pass_context
def once(ctx: click.Context, quiet: bool, due: bool) -> None:
    """Collect every source once, deduplicate, store and publish, then exit.

    \b
    Example:
      nashra once
      NASHRA_CONFIG=/etc/nashra.toml nashra once -q
      */5 * * * * nashra once --due -q   # from cron, polite to every source
    """
    config = _load(ctx)
    store = _open_store(ctx, config)
    progress = _Progress(len(config.sources)) if sys.stderr.isatty() and not quiet else None

    def on_source(report: SourceReport) -> None:
        if progress:
            progress.advance(report.name)
        if not quiet:
            click.echo(_source_line(report))
        for error in report.errors:
            click.echo(f"error: {error}", err=True)

    try:
        report = run_once(config, store, on_source=on_source, due_only=due)
    except NashraError as exc:
        log.debug("run failed", exc_info=True)
        click.echo(f"error: {exc}", err=True)
        ctx.exit(EXIT_SOURCES_FAILED)
    finally:
        if progress:
            progress.close()
        store.close()
    click.echo(_summary(report, config.public_path))
    ctx.exit(EXIT_SOURCES_FAILED if report.failed else EXIT_OK)


class _Progress:
    """A progress bar on stderr when it is a terminal."""

    def __init__(self, total: int) -> None:
        from rich.progress import Progress

        self._progress = Progress(transient=True)
        self._progress.start()
        self._task = self._progress.add_task("collecting", total=total)

    def advance(self, name: str) -> None:
        self._progress.update(self._task, advance=1, description=name)

    def close(self) -> None:
        self._progress.stop()


def _item_json(item: Item) -> dict[str, Any]:
    data = asdict(item)
    for key in ("published", "updated"):
        value = data[key]
        data[key] = value.isoformat() if isinstance(value, datetime) else None
    data["tags"] = list(item.tags)
    return data


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--json", "as_json", is_flag=True, help="Print a JSON array of the items, all fields."
)
@click.option("--format", "fmt", help="Override detection: bulletin, markdown, jsonl, json.")
@click.pass_context
def parse(ctx: click.Context, file: str, as_json: bool, fmt: str | None) -> None:
    """Show the items a source file yields; stores nothing.

    Uses the time zone and word tables of the configuration when there is one.

    \b
    Example:
      nashra parse examples/bulletin-libya.txt
      nashra parse news.jsonl --json | jq '.[].title'
    """
    config: Config | None = None
    path = config_path(ctx.obj.get("config"))
    if Path(path).exists():
        config = _load(ctx)
    now = datetime.now(UTC)
    pctx = (
        Context(
            tz=config.site.tz, now=now, words=config.words, max_bytes=config.site.max_file_bytes
        )
        if config
        else Context(tz=ZoneInfo("UTC"), now=now)
    )
    try:
        parsed = parse_file(file, pctx, fmt=fmt)
    except NashraError as exc:
        click.echo(f"error: {exc}", err=True)
        ctx.exit(EXIT_SOURCES_FAILED)
    if as_json:
        click.echo(json.dumps([_item_json(i) for i in parsed.items], ensure_ascii=False, indent=2))
    else:
        for number, item in enumerate(parsed.items, start=1):
            date = item.published.isoformat() if item.published else "no date"
            click.echo(f"{number}. {item.title}  [{date}]")
    for error in parsed.errors:
        click.echo(f"error: {error}", err=True)
    ctx.exit(EXIT_SOURCES_FAILED if parsed.errors else EXIT_OK)


TEXT_LOG = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per log line, with the structured fields of the record."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update(getattr(record, "fields", {}))
        if record.exc_info:
            data["traceback"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


# -- nashra run ----------------------------------------------------------------------


class ApsJobs:
    """The daemon's jobs on APScheduler 3 (in-memory job store, asyncio executor)."""

    def __init__(self, daemon: Daemon, settings: DaemonSettings) -> None:
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        self.daemon = daemon
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        common: dict[str, Any] = {"max_instances": 1, "coalesce": True, "replace_existing": True}
        self.scheduler.add_job(
            daemon.dispatch, "interval", seconds=settings.tick, id="dispatch",
            misfire_grace_time=max(30, int(settings.tick * 10)), next_run_time=datetime.now(UTC), **common,
        )  # fmt: skip
        self.scheduler.add_job(
            daemon.housekeeping, "interval", seconds=settings.housekeeping, id="housekeeping",
            misfire_grace_time=int(settings.housekeeping), next_run_time=datetime.now(UTC), **common,
        )  # fmt: skip

    def start(self) -> None:
        self.scheduler.start()

    def shutdown(self) -> None:
        self.scheduler.shutdown(wait=False)

    def render_soon(self, delay: float) -> None:
        from apscheduler.jobstores.base import ConflictingIdError

        when = datetime.now(UTC) + timedelta(seconds=delay)
        with contextlib.suppress(ConflictingIdError):  # a rebuild is already pending
            self.scheduler.add_job(
                self.daemon.render, "date", run_date=when, id="render", misfire_grace_time=3600,
            )  # fmt: skip


async def _serve(config: Config, path: str, settings: DaemonSettings) -> None:
    store = Store.open(config.site.database, base_dir=config.base_dir)
    url_sources = sum(1 for source in config.sources if source.url)
    try:
        async with open_fetcher(config, store, url_sources) as fetcher:
            daemon = Daemon(
                config, StoreQueue(store, settings.lease), InProcessPoller(store, fetcher),
                settings, expire=store.expire,
            )  # fmt: skip
            jobs = ApsJobs(daemon, settings)
            loop = asyncio.get_running_loop()
            loop.add_signal_handler(signal.SIGTERM, daemon.request_stop)
            loop.add_signal_handler(signal.SIGINT, daemon.request_stop)
            reloads: set[asyncio.Task[bool]] = set()

            def reload() -> None:
                task = loop.create_task(daemon.reload(path))
                reloads.add(task)
                task.add_done_callback(reloads.discard)

            loop.add_signal_handler(signal.SIGHUP, reload)
            log.info("nashra run: %d sources, %d feeds", len(config.sources), len(config.feeds))
            jobs.start()
            try:
                await run_daemon(daemon, jobs)
            finally:
                jobs.shutdown()
        log.info("nashra run: stopped")
    finally:
        store.close()


@cli.command()
@click.option("--tick", default=1.0, show_default=True, help="Seconds between dispatch ticks.")
@click.option("--workers", default=32, show_default=True, help="Polls running at once.")
@click.option(
    "--debounce",
    default=2.0,
    show_default=True,
    help="Seconds from the first new story of a burst to the rebuild of the feeds.",
)
@click.option(
    "--grace",
    default=10.0,
    show_default=True,
    help="Seconds to let running polls finish on SIGTERM before cancelling them.",
)
@click.pass_context
def run(ctx: click.Context, tick: float, workers: int, debounce: float, grace: float) -> None:
    """Run as a daemon: poll every source on its own interval and publish.

    SIGHUP reloads the configuration (an invalid one is rejected and the old one
    kept); SIGTERM or SIGINT stops gracefully. One log line per poll on stderr.

    \b
    Example:
      nashra --log-level info run
      nashra --log-format json --log-level info run --workers 64
    """
    config = _load(ctx)
    if (
        logging.getLogger().level > logging.INFO
        and ctx.find_root().params["log_level"] == "warning"
    ):
        logging.getLogger("nashra").setLevel(logging.INFO)
    settings = DaemonSettings(tick=tick, workers=workers, debounce=debounce, grace=grace)
    try:
        asyncio.run(_serve(config, config.path, settings))
    except NashraError as exc:
        click.echo(f"error: {exc}", err=True)
        ctx.exit(EXIT_SOURCES_FAILED)


# -- nashra status -------------------------------------------------------------------


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else "-"


def _status_data(config: Config, store: Store) -> dict[str, Any]:
    configured = {s.name for s in config.sources}
    sources_out = []
    for row in store.source_rows():
        sources_out.append(
            {
                "name": row["name"],
                "kind": row["kind"],
                "active": bool(row["active"]) and row["name"] in configured,
                "gone": bool(row["gone"]),
                "last_poll": row["last_poll_at"].isoformat() if row["last_poll_at"] else None,
                "outcome": row["last_outcome"],
                "status": row["last_status"],
                "new": row["last_new"],
                "total": row["total"],
                "failures": row["failures"],
                "last_error": (row["last_error"] or "").split("\n")[0] or None,
                "next_poll": row["next_poll_at"].isoformat() if row["next_poll_at"] else None,
            }
        )
    feeds_out = []
    for feed in config.feeds:
        folder = config.public_path / feed.name
        files = {p.name: p.stat() for p in sorted(folder.glob("*")) if p.is_file()}
        changed = max((st.st_mtime for st in files.values()), default=None)
        feeds_out.append(
            {
                "name": feed.name,
                "items": store.count(config.feed_sources(feed)),
                "last_change": datetime.fromtimestamp(changed, UTC).isoformat()
                if changed
                else None,
                "files": {name: st.st_size for name, st in files.items()},
            }
        )
    return {"sources": sources_out, "feeds": feeds_out}


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option(
    "--max-failures",
    default=3,
    show_default=True,
    help="Exit 1 when a source has failed more than this many times in a row.",
)
@click.pass_context
def status(ctx: click.Context, as_json: bool, max_failures: int) -> None:
    """Show every source and feed from the store; works while `nashra run` runs.

    Exits 1 when an active source has failed more than --max-failures times in a
    row, so it serves as a health check.

    \b
    Example:
      nashra status
      nashra status --json --max-failures 5 || alert
    """
    config = _load(ctx)
    store = _open_store(ctx, config)
    try:
        data = _status_data(config, store)
    finally:
        store.close()
    unhealthy = [s["name"] for s in data["sources"] if s["active"] and s["failures"] > max_failures]
    if as_json:
        click.echo(json.dumps({**data, "unhealthy": unhealthy}, ensure_ascii=False, indent=2))
    else:
        _print_status(data)
        if unhealthy:
            click.echo(
                f"unhealthy: {', '.join(unhealthy)} failed more than {max_failures} times in a row"
            )
    ctx.exit(EXIT_SOURCES_FAILED if unhealthy else EXIT_OK)


def _print_status(data: dict[str, Any]) -> None:
    head = ("source", "last poll", "outcome", "new", "total", "fails", "next poll", "last error")
    rows = [
        (
            s["name"] + ("" if s["active"] else " (removed)") + (" (gone)" if s["gone"] else ""),
            _when(datetime.fromisoformat(s["last_poll"]) if s["last_poll"] else None),
            str(s["outcome"] or "-") + (f" {s['status']}" if s["status"] else ""),
            str(s["new"]), str(s["total"]), str(s["failures"]),
            _when(datetime.fromisoformat(s["next_poll"]) if s["next_poll"] else None),
            (s["last_error"] or "")[:80],
        )
        for s in data["sources"]
    ]  # fmt: skip
    _table(head, rows)
    click.echo()
    feed_head = ("feed", "items", "last change", "rss.xml", "atom.xml", "feed.json")
    feed_rows = [
        (
            f["name"], str(f["items"]),
            _when(datetime.fromisoformat(f["last_change"]) if f["last_change"] else None),
            *(str(f["files"].get(n, "-")) for n in ("rss.xml", "atom.xml", "feed.json")),
        )
        for f in data["feeds"]
    ]  # fmt: skip
    _table(feed_head, feed_rows)


def _table(head: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    for row in [head, *rows]:
        click.echo(
            "  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        )


def main() -> None:
    cli(prog_name="nashra")


if __name__ == "__main__":
    main()
