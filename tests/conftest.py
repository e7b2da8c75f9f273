"""Shared fixtures: a scratch site (config + source files) and a store."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from feeds.config import Config, load_config
from feeds.store import Store
from sources.base import Context

DATA = Path(__file__).parent / "data"
TRIPOLI = ZoneInfo("Africa/Tripoli")
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)

SITE_TOML = """\
[site]
title = "نشرة الاختبار"
description = "أخبار للاختبار"
base_url = "https://news.example.org/"
timezone = "Africa/Tripoli"

[[sources]]
name = "libya"
path = "sources/*.txt"

[[sources]]
name = "docs"
path = "sources/*.md"

[[sources]]
name = "records"
path = "sources/*.jsonl"

[[feeds]]
name = "all"
title = "كل الأخبار"
description = "جميع الأخبار"
sources = "*"

[[feeds]]
name = "libya"
title = "أخبار ليبيا"
sources = ["libya"]
limit = 2
"""


class Site:
    """A scratch site folder: nashra.toml, sources/ and public/."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.sources = root / "sources"
        self.sources.mkdir(parents=True)
        self.public = root / "public"
        self.config_path = root / "nashra.toml"
        self.config_path.write_text(SITE_TOML, encoding="utf-8")

    def write(self, name: str, text: str | bytes) -> Path:
        path = self.sources / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def copy(self, fixture: str, name: str | None = None) -> Path:
        target = self.sources / (name or Path(fixture).name)
        shutil.copy(DATA / fixture, target)
        return target

    def config(self) -> Config:
        return load_config(str(self.config_path))

    def store(self) -> Store:
        return Store.open("", base_dir=str(self.root))


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path / "site")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    yield opened
    opened.close()


@pytest.fixture
def ctx(tmp_path: Path) -> Context:
    return Context(tz=TRIPOLI, now=NOW, base_dir=str(tmp_path))


@pytest.fixture(autouse=True)
def _clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.lower().endswith("_proxy") or name == "NASHRA_CONFIG":
            monkeypatch.delenv(name, raising=False)
