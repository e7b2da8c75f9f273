"""The README documents every configuration key and every command-line option."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from feeds.config import config_keys
from scheduler import cli

README = (Path(__file__).parents[1] / "README.md").read_text("utf-8")


@pytest.mark.parametrize(
    "key",
    config_keys(),
)
def test_every_config_key_is_in_the_readme(key: str) -> None:
    assert re.search(rf"^\s*#?\s*{key}\s*=", README, re.MULTILINE), key


def _options() -> list[str]:
    found = []
    commands: list[click.Command] = [cli, *cli.commands.values()]  # type: ignore[attr-defined]
    for command in commands:
        for param in command.params:
            if isinstance(param, click.Option):
                found.extend(o for o in param.opts if o.startswith("--") and o != "--help")
    return sorted(set(found))


@pytest.mark.parametrize("option", _options())
def test_every_command_line_option_is_in_the_readme(option: str) -> None:
    assert option in README, option
