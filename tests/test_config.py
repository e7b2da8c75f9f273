from __future__ import annotations

from pathlib import Path

import pytest

from feeds.config import load_config
from sources.errors import ConfigError
from tests.conftest import SITE_TOML


def _load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "nashra.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(str(path))


def test_example_config_of_the_repository_loads() -> None:
    config = load_config(str(Path(__file__).parents[1] / "nashra.toml"))
    assert config.site.language == "ar" and config.site.timezone == "Africa/Tripoli"
    assert {f.name for f in config.feeds} == {"all", "libya"}


def test_defaults_and_durations(tmp_path: Path) -> None:
    config = _load(
        tmp_path, SITE_TOML.replace('path = "sources/*.txt"', 'path = "a.txt"\nevery = "30s"')
    )
    assert config.site.public_dir == "public" and config.site.keep_days == 30
    assert config.sources[0].every == 30 and config.sources[1].every == 300
    assert config.feeds[0].limit == 50 and config.feeds[1].limit == 2
    assert config.feed_sources(config.feeds[1]) == ["libya"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ('title = "نشرة الاختبار"', 'titel = "x"'),
            "site.titel: unknown key; did you mean 'title'?",
        ),
        (
            ('base_url = "https://news.example.org/"', 'base_url = "news"'),
            "site.base_url: must be an absolute",
        ),
        (
            ('timezone = "Africa/Tripoli"', 'timezone = "Mars/Base"'),
            "site.timezone: must be an IANA",
        ),
        (('name = "libya"\npath', 'name = "Libya News"\npath'), "sources[0].name: must be a slug"),
        (
            ('path = "sources/*.md"', 'path = "a.md"\nevery = "soon"'),
            "sources[1].every: must be a duration",
        ),
        (
            ('sources = ["libya"]', 'sources = ["nope"]'),
            "feeds[1].sources: names an unknown source 'nope'",
        ),
        (("limit = 2", "limit = 0"), "feeds[1].limit: must be a whole number >= 1"),
        (
            ('path = "sources/*.md"', 'path = "a.md"\nformat = "docx"'),
            "sources[1].format: must be one of bulletin, markdown, jsonl, json",
        ),
        (
            (
                'path = "sources/*.jsonl"',
                'url = "https://x.example/"\nselectors = { item = "div[" }',
            ),
            "sources[2].selectors: ",
        ),
        (
            (
                'path = "sources/*.jsonl"',
                'url = "https://x.example/"\nselectors = { item = "li", colour = "b" }',
            ),
            "sources[2].selectors: ",
        ),
        (
            (
                'timezone = "Africa/Tripoli"',
                'timezone = "Africa/Tripoli"\nlanguage = "ar\\" x=\\"1"',
            ),
            "site.language: must be a language tag",
        ),
        (
            ('path = "sources/*.jsonl"', 'url = "ftp://x/y"'),
            "sources[2].url: must be an http or https URL",
        ),
        (('name = "docs"', 'name = "libya"'), "sources[1].name: duplicate name 'libya'"),
    ],
)
def test_invalid_values_name_the_key(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, SITE_TOML.replace(*change, 1))
    assert expected in str(caught.value)
    assert str(caught.value).startswith(str(tmp_path / "nashra.toml"))


def test_syntax_error_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nashra\.toml:3: "):
        _load(tmp_path, '[site]\ntitle = "x"\nbase_url = \n')


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_config(str(tmp_path / "absent.toml"))


def test_bulletin_words_extend_the_table(tmp_path: Path) -> None:
    config = _load(tmp_path, SITE_TOML + '\n[bulletin]\ntopic_markers = ["وفي خبر منفصل"]\n')
    assert "وفي خبر منفصل" in config.words.topic_markers
