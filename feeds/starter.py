"""``nashra init``: a commented starter ``nashra.toml`` and an example bulletin.

The starter lists every configuration key with its default and runs as it is:
``nashra once`` in the same folder publishes the example bulletin.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from feeds.config import DEFAULT_CONFIG
from sources.errors import ConfigError

EXAMPLE = Path("bulletins") / "example.txt"
"""Where the example bulletin goes, inside the folder; ``path`` of the starter's source."""


@dataclass(frozen=True, slots=True)
class Started:
    """What ``write_starter`` wrote; an example already there is left alone."""

    config: Path
    example: Path
    example_written: bool


def template(name: str) -> str:
    return resources.files("feeds").joinpath("templates", name).read_text("utf-8")


def write_starter(folder: Path) -> Started:
    """Write ``nashra.toml`` and the example bulletin into ``folder`` (created if
    missing). Never overwrites: an existing ``nashra.toml`` is a ConfigError."""
    config = folder / DEFAULT_CONFIG
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with config.open("x", encoding="utf-8") as out:
            out.write(template("starter.toml"))
    except FileExistsError:
        raise ConfigError(
            str(config), "already exists: nashra init never overwrites it (edit it instead)"
        ) from None
    except OSError as exc:
        raise ConfigError(str(config), f"cannot write: {exc.strerror}") from exc
    example = folder / EXAMPLE
    try:
        example.parent.mkdir(parents=True, exist_ok=True)
        with example.open("x", encoding="utf-8") as out:
            out.write(template("example-bulletin.txt"))
    except FileExistsError:
        return Started(config, example, example_written=False)
    except OSError as exc:
        raise ConfigError(str(example), f"cannot write: {exc.strerror}") from exc
    return Started(config, example, example_written=True)
