"""`nashra status` as an operator and a health check read it: the real command."""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime, timedelta

from feeds.pipeline import save_outcome
from feeds.status import read_status, status_json, status_lines
from sources.base import Collected, Context
from sources.item import Item
from tests.conftest import TRIPOLI, Site
from tests.test_cli import nashra


def test_before_any_poll_it_says_so_and_is_not_healthy(site: Site) -> None:
    done = nashra("status", cwd=site.root)
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == "no poll has run yet"
    data = json.loads(nashra("status", "--json", cwd=site.root).stdout)
    assert (data["healthy"], data["problems"], data["publish"]) == (
        False,
        ["no poll has run yet"],
        None,
    )


def test_times_are_in_the_site_time_zone_and_named(site: Site) -> None:
    site.copy("bulletins/bulletin-libya.txt")
    assert nashra("once", cwd=site.root).returncode == 0
    before = datetime.now(TRIPOLI)
    done = nashra("status", cwd=site.root)
    assert done.returncode == 0, done.stdout
    head = done.stdout.splitlines()[0].split()
    assert head[:4] == ["source", "last", "poll", "(Africa/Tripoli)"]
    assert "last change (Africa/Tripoli)" in done.stdout
    libya = next(line for line in done.stdout.splitlines() if line.startswith("libya "))
    shown = re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", libya)[0]
    polled = datetime.strptime(shown, "%Y-%m-%d %H:%M:%S").replace(tzinfo=TRIPOLI)
    assert timedelta(0) <= before - polled < timedelta(minutes=2)  # Tripoli's clock, not UTC's
    data = json.loads(nashra("status", "--json", cwd=site.root).stdout)
    assert data["timezone"] == "Africa/Tripoli" and data["healthy"] is True
    source = next(s for s in data["sources"] if s["name"] == "libya")
    assert source["last_poll"].endswith("+02:00") and source["next_poll"].endswith("+02:00")
    assert data["publish"]["ok"] is True and data["publish"]["at"].endswith("+02:00")
    assert data["feeds"][0]["last_change"].endswith("+02:00")


def test_exits_1_while_publishing_fails_and_0_once_it_works_again(site: Site) -> None:
    site.copy("bulletins/bulletin-libya.txt")
    assert nashra("once", cwd=site.root).returncode == 0
    shutil.rmtree(site.public / "libya")
    (site.public / "libya").write_text("not a folder", encoding="utf-8")  # in the way
    failed = nashra("once", cwd=site.root)
    assert failed.returncode == 1
    assert failed.stderr.splitlines()[-1].startswith("error: ")
    status = nashra("status", cwd=site.root)
    assert status.returncode == 1
    assert "last publish: " in status.stdout and " Africa/Tripoli: failed" in status.stdout
    problem = status.stdout.splitlines()[-1]
    assert problem.startswith("publishing fails: ") and "public/libya" in problem
    data = json.loads(nashra("status", "--json", cwd=site.root).stdout)
    assert data["publish"]["ok"] is False and data["publish"]["ok_at"].endswith("+02:00")
    (site.public / "libya").unlink()
    assert nashra("once", cwd=site.root).returncode == 0
    assert nashra("status", cwd=site.root).returncode == 0


def test_a_source_whose_stories_cannot_be_stored_turns_status_red(site: Site) -> None:
    site.copy("bulletins/bulletin-libya.txt")
    assert nashra("once", cwd=site.root).returncode == 0
    spec = next(s for s in site.config().sources if s.name == "docs")
    story = Item(
        title="افتتاح معرض \udb40 طرابلس للكتاب",  # a lone high surrogate: no driver stores it
        body="<p>افتتح معرض طرابلس الدولي للكتاب أبوابه للزوار.</p>",
        source="docs",
        origin="crafted",
    )
    store = site.store()
    try:
        report = save_outcome(
            spec, Collected(items=[story]), Context(tz=TRIPOLI, now=datetime.now(TRIPOLI)),
            store, 0.1,
        )  # fmt: skip
    finally:
        store.close()
    assert report.failed
    done = nashra("status", "--max-failures", "0", cwd=site.root)
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == "unhealthy: docs failed more than 0 times in a row"
    docs = next(line for line in done.stdout.splitlines() if line.startswith("docs "))
    assert " failed " in docs and "unexpected error (a bug in nashra)" in docs


def test_the_queue_says_how_many_sources_are_past_due_and_how_late(site: Site) -> None:
    """The sources whose next poll has come and not been taken (what a daemon, or
    several, owes): their number and the oldest's delay, read from the store."""
    site.copy("bulletins/bulletin-libya.txt")
    assert nashra("once", cwd=site.root).returncode == 0
    done = nashra("status", cwd=site.root)
    assert "queue: no source past due" in done.stdout.splitlines()
    assert json.loads(nashra("status", "--json", cwd=site.root).stdout)["queue"] == {
        "past_due": 0,
        "oldest_late_seconds": None,
    }
    config, store = site.config(), site.store()
    try:
        polled = {s.name: s.next_poll for s in read_status(config, store).sources}
        later = max(t for t in polled.values() if t is not None) + timedelta(minutes=12)
        report = read_status(config, store, now=later)
    finally:
        store.close()
    due = [s.name for s in report.past_due]
    assert sorted(due) == sorted(n for n, t in polled.items() if t is not None)
    oldest = min(t for t in polled.values() if t is not None)
    assert report.oldest_late == (later - oldest).total_seconds()
    line = next(x for x in status_lines(report, 3) if x.startswith("queue: "))
    assert line.startswith(f"queue: {len(due)} sources past due, the oldest ({due[0]}) ")
    assert line.endswith(" min late")
    assert status_json(report, 3)["queue"]["past_due"] == len(due)
