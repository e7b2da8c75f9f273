"""Shared fixtures: a scratch site (config + source files) and a store."""

from __future__ import annotations

import os
import shutil
import textwrap
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
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


POSTGRES = os.environ.get("NASHRA_TEST_POSTGRES", "")


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database on the test server; dropped afterwards."""
    from sqlalchemy import create_engine, text

    name = f"nashra_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


DATABASES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgres",
        id="postgres",
        marks=pytest.mark.skipif(
            not POSTGRES, reason="NASHRA_TEST_POSTGRES is not set (.ci/run sets it)"
        ),
    ),
]
"""The real databases the store's contract tests run against."""


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The store's URL on each real database the contract tests run against."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
    else:
        with postgres_database() as url:
            yield url


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = Store.open(database_url)
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
