"""The ``nashra`` command: wires sources, store and feeds together.

``nashra once`` runs the pipeline one time; ``nashra parse`` shows what a file
yields. Every NashraError is printed as one line; the traceback goes to the
log at debug level. Exit codes: 0 all sources worked, 1 some failed (the rest
are still published), 2 configuration error.
"""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from feeds.config import Config, config_path, load_config
from feeds.pipeline import RunReport, SourceReport, run_once
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config",
    metavar="PATH",
    help="Configuration file (default: $NASHRA_CONFIG, else ./nashra.toml).",
)
@click.option(
    "--log-level",
    default="warning",
    show_default=True,
    type=click.Choice(["debug", "info", "warning", "error"]),
)
@click.version_option(package_name="nashra")
@click.pass_context
def cli(ctx: click.Context, config: str | None, log_level: str) -> None:
    """nashra: publish Arabic news as RSS, Atom and JSON Feed.

    \b
    Example:
      nashra once                 # collect, dedup, publish public/
      nashra --config site.toml once
      nashra parse bulletin.txt --json
    """
    logging.basicConfig(level=log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
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
    status = "failed" if report.failed else "ok"
    return f"{status:6} {report.name}: " + ", ".join(parts)


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
@click.pass_context
def once(ctx: click.Context, quiet: bool) -> None:
    """Collect every source once, deduplicate, store and publish, then exit.

    \b
    Example:
      nashra once
      NASHRA_CONFIG=/etc/nashra.toml nashra once -q
    """
    config = _load(ctx)
    try:
        store = Store.open(config.site.database, base_dir=config.base_dir)
    except NashraError as exc:
        click.echo(f"error: {exc}", err=True)
        ctx.exit(EXIT_CONFIG)
    progress = _Progress(len(config.sources)) if sys.stderr.isatty() and not quiet else None

    def on_source(report: SourceReport) -> None:
        if progress:
            progress.advance(report.name)
        if not quiet:
            click.echo(_source_line(report))
        for error in report.errors:
            click.echo(f"error: {error}", err=True)

    try:
        report = run_once(config, store, on_source=on_source)
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


def main() -> None:
    cli(prog_name="nashra")


if __name__ == "__main__":
    main()
