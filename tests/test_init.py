"""`nashra init`: a starter that runs as it is, lists every key, overwrites nothing."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from feeds.config import FeedSpec, FetchConfig, Site, config_keys, load_config
from feeds.starter import template
from tests.test_cli import nashra, settle

STARTER = template("starter.toml")
FIRST_TITLE = "الاتحاد الأوروبي يجدد التزامه بدعم إدارة الهجرة في ليبيا"


def test_init_then_once_publishes_the_example(tmp_path: Path) -> None:
    folder = tmp_path / "news" / "site"  # created, parents too
    done = nashra("init", str(folder), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:2] == [
        f"wrote {folder / 'nashra.toml'}",
        f"wrote {folder / 'bulletins' / 'example.txt'}",
    ]
    settle(folder / "bulletins")
    once = nashra("once", cwd=folder)
    assert once.returncode == 0, once.stderr
    assert once.stdout.splitlines()[0] == "ok      bulletins: 3 new, 0 duplicate"
    feed = json.loads((folder / "public" / "all" / "feed.json").read_text("utf-8"))
    assert feed["language"] == "ar" and next(i["title"] for i in feed["items"]) == FIRST_TITLE
    assert nashra("status", cwd=folder).returncode == 0


def test_init_never_overwrites(tmp_path: Path) -> None:
    mine = '[site]\ntitle = "موقعي"\n'
    (tmp_path / "nashra.toml").write_text(mine, encoding="utf-8")
    done = nashra("init", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "error: nashra.toml: already exists: nashra init never overwrites it (edit it instead)"
    ]
    assert (tmp_path / "nashra.toml").read_text("utf-8") == mine
    assert not (tmp_path / "bulletins").exists()


def test_init_keeps_an_example_already_there(tmp_path: Path) -> None:
    own = tmp_path / "bulletins" / "example.txt"
    own.parent.mkdir()
    own.write_text("نشرتي الخاصة\nنص خبر كتبته بنفسي.\n", encoding="utf-8")
    done = nashra("init", cwd=tmp_path)
    assert done.returncode == 0 and f"kept {Path('bulletins') / 'example.txt'}" in done.stdout
    assert own.read_text("utf-8") == "نشرتي الخاصة\nنص خبر كتبته بنفسي.\n"


@pytest.mark.parametrize(
    "key",
    config_keys(),
)
def test_the_starter_lists_every_key(key: str) -> None:
    assert re.search(rf"^\s*#?\s*{key}\s*=", STARTER, re.MULTILINE), key


def _commented(table: str) -> dict[str, Any]:
    """The keys commented out in one table of the starter, as TOML values."""
    found: dict[str, Any] = {}
    current = None
    for line in STARTER.splitlines():
        header = re.match(r"^#?\s*\[+(\w+)\]+", line)
        if header:
            current = header.group(1)
            continue
        entry = re.match(r"^#\s*(\w+\s*=.*)$", line)
        if current == table and entry:
            found.update(tomllib.loads(entry.group(1).split("  #")[0]))
    return found


@pytest.mark.parametrize(
    ("table", "defaults"),
    [("site", Site("t", "https://x.example/")), ("fetch", FetchConfig()), ("feeds", FeedSpec("a", "t"))],
)  # fmt: skip
def test_a_commented_key_shows_its_default(table: str, defaults: object) -> None:
    shown = _commented(table)
    assert shown, table
    for key, value in shown.items():
        default = getattr(defaults, key)
        assert (tuple(value) if isinstance(value, list) else value) == default, key


def test_every_commented_key_is_valid_as_it_is(tmp_path: Path) -> None:
    """Uncommenting any key (with its shown value) keeps the file valid."""
    lines = STARTER.splitlines()
    header = 0
    for number, line in enumerate(lines):
        if re.match(r"^#? ?\[", line):
            header = number
        if not re.match(r"^# \w+ = ", line) or line.startswith("# url"):
            continue  # url replaces path: shown as an example, not a default
        changed = [*lines[:number], line[2:], *lines[number + 1 :]]
        changed[header] = changed[header].removeprefix("# ")  # a table shown commented out
        path = tmp_path / "nashra.toml"
        path.write_text("\n".join(changed), encoding="utf-8")
        load_config(str(path))


def test_the_starter_templates_are_installed_with_nashra() -> None:
    """``nashra init`` reads them from the installed package."""
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text("utf-8"))
    declared = project["tool"]["setuptools"]["package-data"]["feeds.templates"]
    folder = Path(__file__).parents[1] / "feeds" / "templates"
    for name in ("starter.toml", "example-bulletin.txt"):
        assert (folder / name).is_file()
        assert any(Path(name).match(pattern) for pattern in declared), name
