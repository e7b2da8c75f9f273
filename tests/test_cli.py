"""The nashra command as a user runs it: a real subprocess."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from sources.files import SETTLE_SECONDS
from tests.conftest import Site

NASHRA = [str(Path(sys.executable).with_name("nashra"))]


def settle(folder: Path) -> None:
    """Wait until no file under ``folder`` changed in the last seconds: such a file
    is left for the next poll as still being written (its ctime counts, so waiting
    is the only way)."""
    changed = max(
        (max(p.stat().st_mtime, p.stat().st_ctime) for p in folder.rglob("*") if p.is_file()),
        default=0.0,
    )
    time.sleep(max(0.0, changed + SETTLE_SECONDS + 0.1 - time.time()))


def nashra(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the command in ``cwd``, its source files settled."""
    if (cwd / "sources").is_dir():
        settle(cwd / "sources")
    return subprocess.run(
        [*NASHRA, *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env
    )


def test_once_prints_a_line_per_source_and_a_summary(site: Site) -> None:
    site.copy("bulletins/bulletin-libya.txt")
    site.write("a.md", "---\ntitle: خبر\ndate: 2026-11-28\n---\nنص الخبر.\n")
    done = nashra("once", cwd=site.root)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "ok      libya: 3 new, 0 duplicate"
    assert lines[1] == "ok      docs: 1 new, 0 duplicate"
    assert lines[2] == (  # said, but not an error: exit 0
        "partial records: 0 new, 0 duplicate "
        "(1 problem: records: the glob 'sources/*.jsonl' matches no file yet)"
    )
    assert lines[-1].startswith("3 sources: 4 new, 0 updated, 0 duplicate, 0 merged, 0 failed")
    assert done.stderr == ""


def test_exit_1_when_a_source_fails_and_the_rest_is_published(site: Site) -> None:
    site.copy("bulletins/bulletin-libya.txt")
    site.write("bad.jsonl", '{"title": "خبر"}\nnot json\n')
    site.write("empty.md", b"")
    done = nashra("once", cwd=site.root)
    assert done.returncode == 1
    assert "error: sources/bad.jsonl:2: invalid JSON" in done.stderr
    assert len(feedparser.parse((site.public / "all" / "atom.xml").read_bytes()).entries) == 4
    lines = {line.split()[1]: line for line in done.stdout.splitlines()[:3]}
    # one meaning of each word: the line's status is the one `nashra status` shows
    assert lines["records:"].startswith("partial records: 1 new, 0 duplicate (1 problem: ")
    assert "sources/bad.jsonl:2: invalid JSON" in lines["records:"]
    assert lines["docs:"].startswith("failed  docs: 0 new, 0 duplicate (1 problem: ")
    assert lines["libya:"] == "ok      libya: 3 new, 0 duplicate"
    assert ", 1 failed, 1 partial; " in done.stdout.splitlines()[-1]
    shown = json.loads(nashra("status", "--json", cwd=site.root).stdout)
    outcomes = {s["name"]: (s["outcome"], s["failures"]) for s in shown["sources"]}
    assert outcomes == {"libya": ("ok", 0), "records": ("partial", 0), "docs": ("failed", 1)}


def test_quiet_once_prints_nothing_when_nothing_happened(site: Site) -> None:
    site.write("goud.jsonl", '{"id": "g1", "title": "كوريا داعمة المغرب", "body": "نص الخبر."}\n')
    first = nashra("once", "--quiet", cwd=site.root)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [first.stdout.strip()]  # the summary only
    assert first.stdout.startswith("3 sources: 1 new, ")
    again = nashra("once", "-q", cwd=site.root)
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")
    site.write("bad.md", "---\ntitle: [unclosed\n---\nنص.\n")  # a problem is news for cron
    broken = nashra("once", "-q", cwd=site.root)
    assert broken.returncode == 1 and "bad.md" in broken.stderr
    assert broken.stdout.startswith("3 sources: 0 new, ")


def test_progress_bar_stays_on_a_terminal_and_off_the_lines(site: Site) -> None:
    import pty

    site.copy("bulletins/bulletin-libya.txt")
    site.write("a.md", "---\ntitle: خبر\n---\nنص الخبر.\n")
    settle(site.sources)
    main, secondary = pty.openpty()
    shown = b""
    try:
        done = subprocess.run(
            [*NASHRA, "once"], cwd=site.root, stdout=subprocess.PIPE, stderr=secondary,
            text=True, timeout=120, env={**os.environ, "TERM": "xterm", "COLUMNS": "100"},
        )  # fmt: skip
        while select.select([main], [], [], 0.5)[0]:
            shown += os.read(main, 65536)
    finally:
        os.close(secondary)
        os.close(main)
    assert done.returncode == 0
    assert b"collecting" in shown or b"libya" in shown  # the bar was on the terminal
    lines = done.stdout.splitlines()
    assert lines[:2] == ["ok      libya: 3 new, 0 duplicate", "ok      docs: 1 new, 0 duplicate"]
    assert "\x1b" not in done.stdout  # no terminal control reached the pipe
    # both on one terminal: each line is whole, printed above the bar
    site.write("b.md", "---\ntitle: خبر آخر\n---\nنص خبر آخر.\n")
    settle(site.sources)
    main, secondary = pty.openpty()
    shown = b""
    try:
        proc = subprocess.Popen(
            [*NASHRA, "once"], cwd=site.root, stdout=secondary, stderr=secondary,
            env={**os.environ, "TERM": "xterm", "COLUMNS": "100"},
        )  # fmt: skip
        while proc.poll() is None or select.select([main], [], [], 0.5)[0]:
            if select.select([main], [], [], 0.1)[0]:
                shown += os.read(main, 65536)
    finally:
        os.close(secondary)
        os.close(main)
    assert proc.wait(timeout=60) == 0
    assert b"ok      docs: 1 new, 0 duplicate" in shown
    assert b"ok      libya: 0 new, 0 duplicate, 1 unchanged files" in shown


@pytest.fixture
def runner() -> Iterator[CliRunner]:
    """The command in this process; the logging it sets up is undone afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield CliRunner()
    root.handlers[:] = handlers
    root.setLevel(level)


def test_a_bug_is_one_line_naming_its_traceback_file(
    site: Site, monkeypatch: pytest.MonkeyPatch, runner: CliRunner
) -> None:
    import scheduler

    def deep(*args: object, **kwargs: object) -> object:
        raise RecursionError("maximum recursion depth exceeded while calling a Python object")

    monkeypatch.setattr(scheduler, "run_once", deep)
    monkeypatch.chdir(site.root)
    done = runner.invoke(scheduler.cli, ["once"])
    assert done.exit_code == 3
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith("nashra hit a bug: RecursionError: maximum recursion depth exceeded")
    path = Path(line.split("(traceback in ")[1].rstrip(")"))
    try:
        assert "Traceback (most recent call last)" in path.read_text("utf-8")
        assert 'raise RecursionError("maximum' in path.read_text("utf-8")
    finally:
        path.unlink()


def test_a_bug_in_one_source_fails_that_source_with_one_log_line(
    site: Site, monkeypatch: pytest.MonkeyPatch, runner: CliRunner
) -> None:
    import scheduler
    import sources.files

    site.copy("bulletins/bulletin-libya.txt")
    site.write("a.md", "---\ntitle: خبر\n---\nنص.\n")
    settle(site.sources)

    def broken(*args: object) -> object:
        raise KeyError("front matter")

    monkeypatch.setitem(sources.files.PARSERS, "markdown", broken)
    monkeypatch.chdir(site.root)
    done = runner.invoke(scheduler.cli, ["once"])
    assert done.exit_code == 1
    assert "ok      libya: 3 new, 0 duplicate" in done.stdout
    assert "failed  docs: 0 new" in done.stdout
    assert "Traceback" not in done.stderr
    (logged,) = [line for line in done.stderr.splitlines() if "ERROR" in line]
    assert "unexpected error collecting docs (traceback in " in logged
    path = Path(logged.split("(traceback in ")[1].rstrip(")"))
    try:
        assert "KeyError: 'front matter'" in path.read_text("utf-8")
    finally:
        path.unlink()


def test_a_store_that_cannot_be_opened_is_a_store_error(site: Site) -> None:
    (site.root / ".state" / "nashra.db").mkdir(parents=True)  # a folder where the file goes
    for command in (["once"], ["status"]):
        done = nashra(*command, cwd=site.root)
        assert done.returncode == 1, command
        (line,) = done.stderr.splitlines()
        assert line.startswith("error: ") and "cannot open" in line, line
        assert "nashra.db" in line


def test_without_a_configuration_the_error_says_how_to_start(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NASHRA_CONFIG"}
    done = nashra("status", cwd=tmp_path, env=env)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "error: nashra.toml: no nashra.toml here: run `nashra init` to write a starter one, "
        "or pass --config PATH"
    ]
    elsewhere = nashra("--config", "site/news.toml", "once", cwd=tmp_path, env=env)
    assert elsewhere.returncode == 2 and "`nashra init DIR`" in elsewhere.stderr


def test_run_logs_what_it_works_with_and_hides_the_password(tmp_path: Path) -> None:
    from tests.conftest import POSTGRES, postgres_database

    site = Site(tmp_path / "site")
    site.copy("bulletins/bulletin-libya.txt")
    with contextlib.ExitStack() as stack:
        if POSTGRES:  # trust authentication ignores the password: only the log may show it
            url = stack.enter_context(postgres_database())
            url = url.replace("postgres@", "postgres:s3cr3t-word@", 1)
            text = site.config_path.read_text("utf-8")
            site.config_path.write_text(
                text.replace('timezone = "Africa/Tripoli"\n', f'timezone = "Africa/Tripoli"\ndatabase = "{url}"\n'),
                encoding="utf-8",
            )  # fmt: skip
        settle(site.sources)
        proc = subprocess.Popen(
            [*NASHRA, "run"], cwd=site.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not (site.public / "all" / "rss.xml").exists():
                time.sleep(0.2)
        finally:
            proc.send_signal(signal.SIGTERM)
            _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    start = next(line for line in stderr.splitlines() if "nashra run: configuration" in line)
    assert str(site.config_path) in start and f"public {site.public}" in start
    assert start.endswith(": 3 sources, 2 feeds")
    if POSTGRES:
        assert "s3cr3t-word" not in stderr and "postgres:***@127.0.0.1" in start
    else:
        assert f"store sqlite:///{site.root / '.state' / 'nashra.db'}," in start


def test_exit_2_on_configuration_error_with_one_line(site: Site) -> None:
    site.config_path.write_text('[site]\ntitle = "x"\n', encoding="utf-8")
    done = nashra("once", cwd=site.root)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: nashra.toml: site.base_url: is required (text)"
    ]


def test_config_option_and_environment(site: Site, tmp_path: Path) -> None:
    site.copy("bulletins/bulletin-libya.txt")
    elsewhere = tmp_path / "other"
    elsewhere.mkdir()
    done = nashra("--config", str(site.config_path), "once", "-q", cwd=elsewhere)
    assert done.returncode in (0, 1) and (site.public / "all" / "rss.xml").exists()
    env = {**os.environ, "NASHRA_CONFIG": str(site.config_path)}
    again = nashra("once", cwd=elsewhere, env=env)
    assert "0 new" in again.stdout.splitlines()[-1]


def test_parse_json_shows_every_field(site: Site) -> None:
    path = site.copy("bulletins/bulletin-libya.txt")
    done = nashra("parse", str(path), "--json", cwd=site.root)
    assert done.returncode == 0, done.stderr
    items = json.loads(done.stdout)
    assert len(items) == 3
    assert set(items[0]) >= {
        "title",
        "body",
        "summary",
        "url",
        "id",
        "published",
        "updated",
        "author",
        "tags",
        "source",
        "language",
    }
    assert items[2]["body"].count("<h3>توقيع عسكري رسمي</h3>") == 1


def test_parse_plain_and_bad_file(site: Site) -> None:
    path = site.copy("bulletins/bulletin-libya.txt")
    done = nashra("parse", str(path), cwd=site.root)
    assert (
        done.stdout.splitlines()[0]
        == "1. الاتحاد الأوروبي يجدد التزامه بدعم إدارة الهجرة في ليبيا  [no date]"
    )
    bad = site.write("x.pdf", b"%PDF-1.7")
    done = nashra("parse", str(bad), cwd=site.root)
    assert done.returncode == 1
    assert done.stderr.startswith(f"error: {bad}: unknown file type '.pdf'")
    broken = site.write("y.docx", b"PK\x03\x04")
    done = nashra("parse", str(broken), cwd=site.root)
    assert done.returncode == 1
    assert done.stderr.startswith(f"error: {broken}: not a Word document")


@pytest.mark.parametrize("command", [[], ["once"], ["parse"], ["run"], ["status"], ["init"]])
def test_every_command_has_help_with_an_example(command: list[str], tmp_path: Path) -> None:
    done = nashra(*command, "--help", cwd=tmp_path)
    assert done.returncode == 0 and "Example:" in done.stdout


def _corpus(site: Site, files: int, stories: int) -> int:
    """Write bulletins of distinct stories; return how many stories in all."""
    for f in range(files):
        parts = []
        for s in range(stories):
            parts.append(
                f"وزارة الصحة تعلن نتائج الحملة الوطنية رقم {f} للمنطقة {s}\n"
                f"أعلنت وزارة الصحة نتائج الحملة الوطنية رقم {f} في المنطقة {s}، "
                "مؤكدة أن الفرق الطبية زارت المدن والقرى خلال الأسبوع الماضي.\n"
                "وأضافت الوزارة أن الحملة ستتواصل حتى نهاية الشهر الجاري.\n"
            )
        site.write(f"b{f:04d}.txt", "---\n".join(parts))
    return files * stories


def test_kill_9_mid_run_loses_nothing_and_duplicates_nothing(site: Site) -> None:
    total = _corpus(site, files=200, stories=15)
    settle(site.sources)
    # kills land while collecting, storing and writing pages: each run goes further
    for delay in (0.4, 1.2, 2.0, 2.8):
        proc = subprocess.Popen(
            [*NASHRA, "once", "-q"],
            cwd=site.root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        # whatever is on disk now is whole: every feed file present parses
        for path in site.public.rglob("*.xml"):
            assert not feedparser.parse(path.read_bytes()).bozo, path
    done = nashra("once", cwd=site.root)
    assert "0 failed" in done.stdout.splitlines()[-1] or done.returncode == 1
    store = site.store()
    try:
        assert store.count(["libya"]) == total
    finally:
        store.close()
    assert not list(site.public.rglob("*.tmp"))
    pages = list((site.public / "stories").glob("*.html"))
    assert len(pages) == total


def _goud(*numbers: int) -> list[dict[str, str]]:
    """Real articles (bench/data/samples/news-articles.jsonl: Goud.ma, MArSum corpus,
    CC BY 4.0: K. Gaanoun, A. M. Naira, A. Allak, I. Benelallam, CBI 2022)."""
    lines = (Path(__file__).parents[1] / "bench/data/samples/news-articles.jsonl").read_text(
        "utf-8"
    )
    articles = [json.loads(line) for line in lines.splitlines()]
    return [articles[n] for n in numbers]


def test_once_and_parse_count_merged_stories_apart_from_duplicates(site: Site) -> None:
    article, other = _goud(4, 9)
    copy = "الرباط - (وكالات) - " + " ".join(article["body"].split()[:-8])
    records = [
        {"id": "1", "title": article["title"], "body": article["body"]},
        {"id": "2", "title": "عنوان آخر للخبر نفسه", "body": copy},
        {"id": "3", "title": article["title"], "body": article["body"]},  # exact copy
        {"id": "4", "title": other["title"], "body": other["body"]},
    ]
    path = site.write(
        "wire.jsonl",
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
    )
    done = nashra("parse", str(path), cwd=site.root)
    assert done.returncode == 0, done.stderr
    assert "1 merged (near-duplicates of a story above)" in done.stdout.splitlines()
    done = nashra("once", cwd=site.root)
    assert done.returncode == 0, done.stderr
    [line] = [line for line in done.stdout.splitlines() if "records:" in line]
    assert "2 new, 1 duplicate, 1 merged" in line
    assert ", 1 duplicate, 1 merged, 0 failed" in done.stdout.splitlines()[-1]


def test_a_reader_that_stops_reading_ends_the_command_quietly(site: Site) -> None:
    """``nashra parse … | head``: the pipe's reader goes away before the output is
    written; the command stops with the shell's SIGPIPE status, no bug report."""
    lines = []
    for n, article in enumerate(_sample_articles()[:40]):
        record = {"id": f"goud-{n}", "title": article["title"], "body": article["body"]}
        lines.append(json.dumps(record, ensure_ascii=False))
    path = site.write("goud.jsonl", "\n".join(lines) + "\n")
    settle(site.sources)
    proc = subprocess.Popen(
        [*NASHRA, "parse", str(path), "--json"],
        cwd=site.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before a byte is read
    with proc.stderr:
        err = proc.stderr.read().decode("utf-8")
    assert proc.wait(timeout=60) == 128 + signal.SIGPIPE, err
    assert "bug" not in err and "Traceback" not in err and "BrokenPipe" not in err


def _sample_articles() -> list[dict[str, str]]:
    """Real articles (Goud.ma, MArSum corpus, CC BY 4.0)."""
    path = Path(__file__).parents[1] / "bench" / "data" / "samples" / "news-articles.jsonl"
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]
