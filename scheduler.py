"""The ``nashra`` command: wires sources, store and feeds together.

``nashra once`` runs the pipeline one time; ``nashra run`` is the daemon;
``nashra status`` reads the store (``feeds.status``); ``nashra parse`` shows what
a file yields; ``nashra init`` writes a starter configuration (``feeds.starter``);
``nashra serve`` serves the public folder over HTTP (``feeds.serve``), which
``nashra run --serve HOST:PORT`` also does from the daemon's process; ``nashra
migrate`` copies a store into another database (``feeds.store.transfer``).

One error boundary (``_Boundary``) covers every command: a NashraError is one
line ``error: …`` (exit 2 for configuration, 1 otherwise); anything else is a
bug in nashra, told in one line naming the file its traceback was written to
(exit 3). Exit codes: 0 all sources worked, 1 some failed or had problems (the
rest are still published) or the store or publishing failed, 2 configuration
error, 3 a bug.

Every APScheduler call lives in ``feeds.jobs`` (``ApsJobs``); the daemon
(``feeds.daemon``) only exposes plain async jobs.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
import tempfile
import traceback
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from feeds.config import DEFAULT_CONFIG, ENV_CONFIG, Config, config_path, load_config
from feeds.daemon import (
    Daemon,
    DaemonSettings,
    InProcessPoller,
    Role,
    StoreNodes,
    StoreQueue,
    agree_sources,
    run_daemon,
    watch_store,
)
from feeds.jobs import ApsJobs
from feeds.outcome import PollStatus
from feeds.pipeline import RunReport, SourceReport, open_fetcher, run_once
from feeds.serve import DEFAULT_HOST, DEFAULT_PORT, Listen, ServerThread
from feeds.serve import serve as serve_public
from feeds.starter import write_starter
from feeds.store import Store
from feeds.store.database import safe
from feeds.store.transfer import BATCH, table_line, transfer, verdict_line
from sources.base import Context
from sources.errors import ConfigError, NashraError
from sources.files import parse_file
from sources.item import Item

log = logging.getLogger("nashra")

EXIT_OK, EXIT_FAILED, EXIT_CONFIG, EXIT_BUG = 0, 1, 2, 3
EXIT_PIPE = 128 + signal.SIGPIPE
"""What a shell reports for a program its reader stopped reading (``… | head``)."""


# -- the error boundary ----------------------------------------------------------------


def one_line(text: str) -> str:
    """The first line of a message (a database error appends its SQL on the next)."""
    return text.strip().split("\n", 1)[0]


def write_traceback(exc: BaseException) -> str:
    """Write the traceback of a bug to a new file in the temporary folder; its path."""
    try:
        fd, path = tempfile.mkstemp(prefix="nashra-bug-", suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as out:
            out.write(f"{datetime.now(UTC).isoformat()} nashra {' '.join(sys.argv[1:])}\n")
            traceback.print_exception(exc, file=out)
    except OSError as error:
        return f"nowhere: cannot write it: {error.strerror}"
    return path


class _Boundary(click.Group):
    """The group whose commands never show a traceback: nashra's own errors are one
    line, anything else one line saying it is a bug and where its traceback is."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except BrokenPipeError:
            # whoever read the output went away (``nashra parse … | head``): stop quietly,
            # and let nothing else be written to the closed pipe at exit
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise click.exceptions.Exit(EXIT_PIPE) from None
        except NashraError as exc:
            log.debug("%s", exc, exc_info=exc)
            click.echo(f"error: {one_line(str(exc))}", err=True)
            code = EXIT_CONFIG if isinstance(exc, ConfigError) else EXIT_FAILED
            raise click.exceptions.Exit(code) from None
        except Exception as exc:
            path = write_traceback(exc)
            click.echo(
                f"nashra hit a bug: {type(exc).__name__}: {one_line(str(exc))} "
                f"(traceback in {path})",
                err=True,
            )
            raise click.exceptions.Exit(EXIT_BUG) from None


def _load(ctx: click.Context) -> Config:
    explicit = ctx.obj.get("config") or os.environ.get(ENV_CONFIG)
    path = config_path(ctx.obj.get("config"))
    if not Path(path).exists():
        if explicit:
            raise ConfigError(path, "no such file (`nashra init DIR` writes a starter one)")
        raise ConfigError(
            path,
            f"no {DEFAULT_CONFIG} here: run `nashra init` to write a starter one, "
            "or pass --config PATH",
        )
    return load_config(path)


def _open_store(config: Config) -> Store:
    return Store.open(config.site.database, base_dir=config.base_dir)


@click.group(cls=_Boundary, context_settings={"help_option_names": ["-h", "--help"]})
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
      nashra init news && cd news  # a starter nashra.toml and an example bulletin
      nashra once                 # collect, dedup, publish public/
      nashra --config site.toml once
      nashra parse bulletin.txt --json
    """
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else TextFormatter(inline=log_level == "debug")
    )
    logging.basicConfig(level=log_level.upper(), handlers=[handler], force=True)
    if log_level != "debug":  # the libraries' own chatter: a line per job or request
        for chatty in ("apscheduler", "httpx", "httpcore", "trafilatura", "alembic"):
            logging.getLogger(chatty).setLevel(logging.WARNING)
    ctx.ensure_object(dict)
    ctx.obj["config"] = config


# -- nashra once -----------------------------------------------------------------------

NOTES = {
    PollStatus.NOT_MODIFIED: "not modified (304)",
    PollStatus.GONE: "gone (410): no longer polled",
    PollStatus.SKIPPED_GONE: "skipped: gone (410) since an earlier run",
}


def source_line(report: SourceReport) -> str:
    """``once``'s line for a source: its poll status word, counts and problems."""
    b = report.batch
    parts = [f"{b.new} new"]
    if b.updated:
        parts.append(f"{b.updated} updated")
    parts.append(f"{b.duplicate + b.unchanged} duplicate")
    if b.merged:
        parts.append(f"{b.merged} merged")
    if b.withdrawn:
        parts.append(f"{b.withdrawn} withdrawn")
    if report.unchanged_files:
        parts.append(f"{report.unchanged_files} unchanged files")
    if report.waiting:
        parts.append(f"{report.waiting} still being written (next poll)")
    if report.outcome in NOTES:
        parts.append(NOTES[report.outcome])
    line = f"{report.name}: " + ", ".join(parts)
    if report.problems:
        count = len(report.problems)
        first = one_line(str(report.problems[0]))
        line += f" ({count} problem{'s' if count > 1 else ''}: {first})"
    word = PollStatus.GONE if report.outcome is PollStatus.SKIPPED_GONE else report.outcome
    return f"{word.value:7} {line}"


def _summary(report: RunReport, public: Path) -> str:
    failed = f"{len(report.failed)} failed"
    if report.partial:
        failed += f", {len(report.partial)} partial"
    return (
        f"{len(report.sources)} sources: {report.total('new')} new, "
        f"{report.total('updated')} updated, "
        f"{report.total('duplicate') + report.total('unchanged')} duplicate, "
        f"{report.total('merged')} merged, {failed}; "
        f"{len(report.published.written)} feed files and {report.published.pages} pages written "
        f"to {public}"
    )


class _Output:
    """``once``'s lines, and a progress bar on stderr when stderr is a terminal.

    While the bar shows, lines for the terminal are printed through it (above the
    bar), so they never interleave; lines for a pipe or a file go there directly."""

    def __init__(self, total: int, *, quiet: bool) -> None:
        self.quiet = quiet
        self._progress: Any = None
        self._task: Any = None
        if not quiet and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import Progress

            self._progress = Progress(
                console=Console(stderr=True),
                transient=True,
                redirect_stdout=False,
                redirect_stderr=False,
            )
            self._task = self._progress.add_task("collecting", total=total)

    def __enter__(self) -> _Output:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *_: object) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def line(self, text: str, *, err: bool = False) -> None:
        stream = sys.stderr if err else sys.stdout
        if self._progress is not None and stream.isatty():
            self._progress.console.print(text, markup=False, highlight=False, soft_wrap=True)
        else:
            click.echo(text, err=err)

    def source(self, report: SourceReport) -> None:
        if self._progress is not None:
            self._progress.update(self._task, advance=1, description=report.name)
        if not self.quiet:
            self.line(source_line(report))
        for error in report.errors:
            self.line(f"error: {one_line(str(error))}", err=True)


@cli.command()
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="Print only errors and the summary, and nothing when nothing happened (for cron).",
)
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
    store = _open_store(config)
    try:
        with _Output(len(config.sources), quiet=quiet) as out:
            report = run_once(config, store, on_source=out.source, due_only=due)
    finally:
        store.close()
    happened = report.total("new") or report.total("updated") or report.has_errors
    if happened or not quiet:
        click.echo(_summary(report, config.public_path))
    ctx.exit(EXIT_FAILED if report.has_errors else EXIT_OK)


# -- nashra parse ----------------------------------------------------------------------


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
@click.option(
    "--format", "fmt", help="Override detection: bulletin, markdown, jsonl, json, docx, html, feed."
)
@click.option(
    "--explain",
    is_flag=True,
    help="For a bulletin (text, Word or HTML): what each line or paragraph was taken for "
    "(header, headline, separator, list item…) and why.",
)
@click.pass_context
def parse(ctx: click.Context, file: str, as_json: bool, fmt: str | None, explain: bool) -> None:
    """Show the items a source file yields; stores nothing.

    Uses the time zone and word tables of the configuration when there is one.

    \b
    Example:
      nashra parse examples/bulletin-libya.txt
      nashra parse news.jsonl --json | jq '.[].title'
      nashra parse bulletin.txt --explain
    """
    config: Config | None = None
    if Path(config_path(ctx.obj.get("config"))).exists():
        config = _load(ctx)
    now = datetime.now(UTC)
    pctx = (
        Context(
            tz=config.site.tz, now=now, words=config.words, max_bytes=config.site.max_file_bytes
        )
        if config
        else Context(tz=ZoneInfo("UTC"), now=now)
    )
    if explain:
        from sources.explain import explain_file

        click.echo("\n".join(explain_file(file, pctx, fmt=fmt)))
        ctx.exit(EXIT_OK)
    parsed = parse_file(file, pctx, fmt=fmt)
    if as_json:
        click.echo(json.dumps([_item_json(i) for i in parsed.items], ensure_ascii=False, indent=2))
    else:
        for number, item in enumerate(parsed.items, start=1):
            date = item.published.isoformat() if item.published else "no date"
            click.echo(f"{number}. {item.title}  [{date}]")
        merged = merged_within(parsed.items)
        if merged:
            click.echo(f"{merged} merged (near-duplicates of a story above)")
    for error in parsed.errors:
        click.echo(f"error: {one_line(str(error))}", err=True)
    ctx.exit(EXIT_FAILED if parsed.errors else EXIT_OK)


def merged_within(found: Sequence[Item]) -> int:
    """How many of a file's stories are near-duplicates of an earlier one in it (exact
    copies, the same id or headline and body, are duplicates, not counted here)."""
    from feeds.identity import identify
    from feeds.near import THRESHOLD, fingerprint, resemblance, shared_lines
    from feeds.store.clusters import body_text

    entries = [identify(item) for item in found]
    texts = [body_text(item.body) for item in found]
    boilerplate = shared_lines(set(texts))
    kept: list[Any] = []
    seen: set[str] = set()
    merged = 0
    for entry, text in zip(entries, texts, strict=True):
        if not seen.isdisjoint(entry.keys):
            continue
        seen.update(entry.keys)
        fp = fingerprint(text, boilerplate)
        if fp is None:
            continue
        if any(resemblance(fp, other) >= THRESHOLD for other in kept):
            merged += 1
        else:
            kept.append(fp)
    return merged


# -- logging ---------------------------------------------------------------------------

TEXT_LOG = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class TextFormatter(logging.Formatter):
    """One line per record: a traceback goes to a file the line names, unless
    ``inline`` (``--log-level debug``) asks for it in the log itself."""

    def __init__(self, *, inline: bool = False) -> None:
        super().__init__(TEXT_LOG)
        self.inline = inline

    def format(self, record: logging.LogRecord) -> str:
        if self.inline or not record.exc_info or record.exc_info[1] is None:
            return super().format(record)
        bare = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None})
        return f"{super().format(bare)} (traceback in {write_traceback(record.exc_info[1])})"


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


# -- nashra run ------------------------------------------------------------------------


async def _serve(
    config: Config,
    path: str,
    settings: DaemonSettings,
    listen: Listen | None = None,
    *,
    adopt: bool = False,
) -> None:
    store = _open_store(config)
    role = settings.role
    url_sources = sum(1 for source in config.sources if source.url) if role.polls else 0
    server: ServerThread | None = None
    try:
        agree_sources(config, store, adopt=adopt)  # a shared store's source list
        if listen is not None:  # bound first: a port in use stops nashra before any poll
            server = ServerThread(config.public_path, listen)
        shared = store.engine.dialect.name == "postgresql"
        follows = role.renders and (shared or role is Role.PUBLISHER)
        async with open_fetcher(config, store, url_sources) as fetcher:
            daemon = Daemon(
                config, StoreQueue(store, settings.lease),
                InProcessPoller(store, fetcher, render_apart=True),
                settings, expire=store.expire,
                nodes=StoreNodes.starting(store, role),
                changes=watch_store(store, settings.follow_every) if follows else None,
                check=lambda checked: agree_sources(checked, store, adopt=adopt),
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
            _log_start(config, store, role)
            if server is not None:
                server.start()
            jobs.start()
            try:
                await run_daemon(daemon, jobs)
            finally:
                jobs.shutdown()
        log.info("nashra run: stopped")
    finally:
        if server is not None:  # serves until the last rebuild is written
            await asyncio.to_thread(server.stop)
        store.close()


def _log_start(config: Config, store: Store, role: Role = Role.ALL) -> None:
    """What ``nashra run`` works with, in its first log line."""
    fields = {
        "event": "start",
        "role": role.value,
        "config": str(Path(config.path).resolve()),
        "store": store.engine.url.render_as_string(hide_password=True),
        "public": str(config.public_path),
        "sources": len(config.sources),
        "feeds": len(config.feeds),
    }
    log.info(
        "nashra run: configuration %s, store %s, public %s, role %s: %d sources, %d feeds",
        fields["config"], fields["store"], fields["public"], fields["role"], fields["sources"],
        fields["feeds"], extra={"fields": fields},
    )  # fmt: skip


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
@click.option(
    "--render-share",
    default=0.25,
    show_default=True,
    type=click.FloatRange(0.01, 1.0),
    help="Largest share of the time spent rebuilding the feeds while stories keep "
    "arriving (a rebuild that took d seconds is followed by d x (1/share - 1) without one).",
)
@click.option(
    "--serve",
    "listen",
    metavar="HOST:PORT",
    callback=lambda _ctx, _param, value: _listen(value),
    help="Also serve public/ over HTTP from this process, as `nashra serve` does "
    "(e.g. 127.0.0.1:8080).",
)
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.ALL.value,
    show_default=True,
    help="all: poll and publish; worker: only poll and store; publisher: only render "
    "public/ from the store when it changes (docs/scale-out.md).",
)
@click.option(
    "--lease",
    default=300.0,
    show_default=True,
    type=click.FloatRange(1.0),
    help="Seconds a claimed source stays reserved for this node: a node that dies "
    "leaves its sources to the others after this.",
)
@click.option(
    "--publish-every",
    default=60.0,
    show_default=True,
    type=click.FloatRange(1.0),
    help="Seconds between a publisher's rebuilds when no change was announced.",
)
@click.option(
    "--adopt-sources",
    is_flag=True,
    help="On a shared PostgreSQL store: make this configuration's [[sources]] the "
    "list every node shares (else a node whose list differs is refused).",
)
@click.pass_context
def run(
    ctx: click.Context,
    tick: float,
    workers: int,
    debounce: float,
    grace: float,
    render_share: float,
    listen: Listen | None,
    role: str,
    lease: float,
    publish_every: float,
    adopt_sources: bool,
) -> None:
    """Run as a daemon: poll every source on its own interval and publish.

    SIGHUP reloads the configuration (an invalid one is rejected and the old one
    kept); SIGTERM or SIGINT stops gracefully. One log line per poll on stderr.
    With --serve, the same process serves public/ (one process for a small site).
    Several nodes share a PostgreSQL store: workers poll, publishers render
    (docs/scale-out.md); every node must have the same [[sources]].

    \b
    Example:
      nashra --log-level info run
      nashra --log-format json --log-level info run --workers 64
      nashra run --serve 127.0.0.1:8080
      nashra run --role worker
      nashra run --role publisher --serve 0.0.0.0:8080
    """
    config = _load(ctx)
    if (
        logging.getLogger().level > logging.INFO
        and ctx.find_root().params["log_level"] == "warning"
    ):
        logging.getLogger("nashra").setLevel(logging.INFO)
    settings = DaemonSettings(
        tick=tick, workers=workers, debounce=debounce, grace=grace, render_share=render_share,
        role=Role(role), lease=lease, publish_every=publish_every,
    )  # fmt: skip
    if listen is not None:
        _quiet_uvicorn(ctx)
    asyncio.run(_serve(config, config.path, settings, listen, adopt=adopt_sources))


# -- nashra serve ----------------------------------------------------------------------


def _listen(value: str | None) -> Listen | None:
    if value is None:
        return None
    try:
        return Listen.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _quiet_uvicorn(ctx: click.Context) -> None:
    """uvicorn's own lines (start, stop, one per request) only at debug level;
    its warnings and errors always."""
    if ctx.find_root().params["log_level"] != "debug":
        logging.getLogger("uvicorn.error").setLevel(logging.WARNING)
        logging.getLogger("uvicorn.access").setLevel(logging.WARNING)


@cli.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=DEFAULT_PORT,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port, logged).",
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve public/ over HTTP until SIGTERM or SIGINT.

    Feeds go out with their type, a strong ETag, 304s, the gzip and brotli copies
    the publisher wrote, Cache-Control, Link (self, hub) and CORS headers from
    public/.nashra/manifest.json, reloaded when it changes. Nothing outside
    public/ is reachable; dotfiles and .nashra/ are 404; removed feeds are 410.
    For a public site, put nginx in front or use it alone (docs/deploy.md).

    \b
    Example:
      nashra serve
      nashra --config /etc/nashra/nashra.toml serve --host 0.0.0.0 --port 8080
    """
    config = _load(ctx)
    _quiet_uvicorn(ctx)
    serve_public(config.public_path, Listen(host, port))


# -- nashra status ---------------------------------------------------------------------


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

    Times are in the site's time zone. Exits 1 before any poll has run, while
    publishing fails, and when an active source has failed more than
    --max-failures times in a row, so it serves as a health check.

    \b
    Example:
      nashra status
      nashra status --json --max-failures 5 || alert
    """
    from feeds.status import problems, read_status, status_json, status_lines

    config = _load(ctx)
    store = _open_store(config)
    try:
        report = read_status(config, store)
    finally:
        store.close()
    if as_json:
        data = status_json(report, max_failures)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for line in status_lines(report, max_failures):
            click.echo(line)
    ctx.exit(EXIT_FAILED if problems(report, max_failures) else EXIT_OK)


# -- nashra migrate --------------------------------------------------------------------


@cli.command()
@click.option("--from", "source", required=True, metavar="URL", help="The store to copy.")
@click.option(
    "--to", "target", required=True, metavar="URL", help="The store to copy it into (made if new)."
)
@click.option(
    "--batch",
    default=BATCH,
    show_default=True,
    type=click.IntRange(1),
    help="Rows per batch; each batch is one transaction on the target.",
)
def migrate(source: str, target: str, batch: int) -> None:
    """Copy an installation's store into another database, then verify it.

    Stories, dedup keys, the near-duplicate index, topic feeds, the sources'
    schedule and file fingerprints, table by table in batches: a stopped copy
    resumes where it stopped when run again, and a finished one copies nothing.
    Refuses a target holding another installation. Stop `nashra run` first, then
    set `[site] database` to the new URL.

    \b
    Example:
      nashra migrate --from sqlite:///.state/nashra.db \\
                     --to postgresql+psycopg://nashra@db.example.org/nashra
    """
    click.echo(f"copying {safe(source)} into {safe(target)}")
    done = transfer(source, target, batch=batch, on_table=lambda t: click.echo(table_line(t)))
    for check in done.checks:
        if check.problem:
            click.echo(f"differs {check.table}: {check.problem}", err=True)
    click.echo(verdict_line(done))
    if not done.verified:
        raise click.exceptions.Exit(EXIT_FAILED)


# -- nashra init -----------------------------------------------------------------------


@cli.command()
@click.argument("folder", default=".", type=click.Path(file_okay=False))
def init(folder: str) -> None:
    """Write a commented starter nashra.toml and an example bulletin into FOLDER.

    Every key is listed with its default. An existing nashra.toml is never
    overwritten. `nashra once` in FOLDER then publishes the example.

    \b
    Example:
      nashra init news && cd news && nashra once
    """
    started = write_starter(Path(folder))
    click.echo(f"wrote {started.config}")
    if started.example_written:
        click.echo(f"wrote {started.example}")
    else:
        click.echo(f"kept {started.example}: it was already there")
    click.echo(f"next: cd {folder} && nashra once   # publishes {folder}/public/")


def main() -> None:
    cli(prog_name="nashra")


if __name__ == "__main__":
    main()
