"""The nashra command as a user runs it: a real subprocess."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import pytest

from tests.conftest import Site

NASHRA = [str(Path(sys.executable).with_name("nashra"))]


def nashra(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*NASHRA, *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env
    )


def test_once_prints_a_line_per_source_and_a_summary(site: Site) -> None:
    site.copy("bulletins/bulletin-libya.txt")
    site.write("a.md", "---\ntitle: خبر\ndate: 2026-11-28\n---\nنص الخبر.\n")
    done = nashra("once", cwd=site.root)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "ok     libya: 3 new, 0 duplicate"
    assert lines[1] == "ok     docs: 1 new, 0 duplicate"
    assert lines[2] == "ok     records: 0 new, 0 duplicate"  # a glob matching nothing yet
    assert lines[-1].startswith("3 sources: 4 new, 0 updated, 0 duplicate, 0 failed")
    assert done.stderr == ""


def test_exit_1_when_a_source_fails_and_the_rest_is_published(site: Site) -> None:
    site.copy("bulletins/bulletin-libya.txt")
    site.write("bad.jsonl", '{"title": "خبر"}\nnot json\n')
    done = nashra("once", cwd=site.root)
    assert done.returncode == 1
    assert "error: sources/bad.jsonl:2: invalid JSON" in done.stderr
    assert len(feedparser.parse((site.public / "all" / "atom.xml").read_bytes()).entries) == 4


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
    bad = site.write("x.docx", b"PK\x03\x04")
    done = nashra("parse", str(bad), cwd=site.root)
    assert done.returncode == 1
    assert done.stderr.startswith(f"error: {bad}: unknown file type '.docx'")


@pytest.mark.parametrize("command", [[], ["once"], ["parse"], ["run"], ["status"]])
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
