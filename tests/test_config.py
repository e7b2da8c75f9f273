from __future__ import annotations

import json
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
        (("limit = 2", "limit = 0"), "feeds[1].limit: must be between 1 and 10000, got 0"),
        (
            ('path = "sources/*.md"', 'path = "a.md"\nformat = "pdf"'),
            "sources[1].format: must be one of bulletin, markdown, jsonl, json, docx, html, feed",
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


SOURCE_LINE = 'path = "sources/*.txt"'
FEED_LIMIT = "limit = 2"
SITE_LINE = 'timezone = "Africa/Tripoli"'


def _with_fetch(lines: str) -> str:
    return SITE_TOML + f"\n[fetch]\n{lines}\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # durations
        (SITE_TOML.replace(SOURCE_LINE, SOURCE_LINE + '\nevery = "99999999w"'),
         "sources[0].every: must be between 1s and 30d, got '99999999w'"),
        (SITE_TOML.replace(SOURCE_LINE, SOURCE_LINE + "\nevery = 1e30"),
         "sources[0].every: must be between 1s and 30d, got 1e+30"),
        (SITE_TOML.replace(SOURCE_LINE, SOURCE_LINE + f"\nevery = {10**30}"),
         "sources[0].every: must be between 1s and 30d, got 1000000000000000000000000000000"),
        (SITE_TOML.replace(SOURCE_LINE, SOURCE_LINE + '\nevery = "' + "9" * 400 + 'd"'),
         "sources[0].every: must be between 1s and 30d, got '99999999999999999999999999999… (403 characters)"),
        (SITE_TOML.replace(SOURCE_LINE, SOURCE_LINE + "\nevery = nan"),
         "sources[0].every: must be a duration like"),
        (SITE_TOML.replace(SOURCE_LINE, SOURCE_LINE + "\nevery = true"),
         "sources[0].every: must be a duration like"),
        (SITE_TOML.replace(SOURCE_LINE, SOURCE_LINE + "\nevery = 0"),
         "sources[0].every: must be between 1s and 30d, got 0"),
        (SITE_TOML.replace(SOURCE_LINE, SOURCE_LINE + '\nevery = "0.2s"'),
         "sources[0].every: must be between 1s and 30d, got '0.2s'"),
        (SITE_TOML.replace(SOURCE_LINE, SOURCE_LINE + '\nevery = "-1m"'),
         "sources[0].every: must be a duration like"),
        (_with_fetch('read_timeout = "45d"'),
         "fetch.read_timeout: must be between 1s and 10m, got '45d'"),
        (_with_fetch("connect_timeout = inf"),
         "fetch.connect_timeout: must be between 1s and 10m, got inf"),
        (_with_fetch("connect_timeout = -inf"),
         "fetch.connect_timeout: must be between 1s and 10m, got -inf"),
        # counts and sizes
        (SITE_TOML.replace(SITE_LINE, SITE_LINE + f"\nkeep_days = {10**18}"),
         "site.keep_days: must be between 1 and 36500, got 1000000000000000000"),
        (SITE_TOML.replace(SITE_LINE, SITE_LINE + "\nkeep_days = -1"),
         "site.keep_days: must be between 1 and 36500, got -1"),
        (SITE_TOML.replace(SITE_LINE, SITE_LINE + "\nkeep_days = true"),
         "site.keep_days: must be a whole number, got True"),
        (SITE_TOML.replace(SITE_LINE, SITE_LINE + "\nkeep_days = nan"),
         "site.keep_days: must be a whole number, got nan"),
        (SITE_TOML.replace(SITE_LINE, SITE_LINE + f"\nmax_file_bytes = {10**30}"),
         "site.max_file_bytes: must be between 1 KiB and 1 GiB, got 1000000000000000000000000000000"),
        (SITE_TOML.replace(SITE_LINE, SITE_LINE + "\nmax_file_bytes = 0"),
         "site.max_file_bytes: must be between 1 KiB and 1 GiB, got 0"),
        (SITE_TOML.replace(SITE_LINE, SITE_LINE + '\nmax_file_bytes = "10MB"'),
         "site.max_file_bytes: must be a whole number, got '10MB'"),
        (_with_fetch(f"max_bytes = {2**62}"),
         "fetch.max_bytes: must be between 1 KiB and 1 GiB, got 4611686018427387904"),
        (_with_fetch("concurrency = 1000000000"),
         "fetch.concurrency: must be between 1 and 1024, got 1000000000"),
        (_with_fetch("per_host = 0"), "fetch.per_host: must be between 1 and 64, got 0"),
        (_with_fetch("max_redirects = 1e3"), "fetch.max_redirects: must be a whole number, got 1000.0"),
        (_with_fetch("max_redirects = 1000"), "fetch.max_redirects: must be between 0 and 20, got 1000"),
        (_with_fetch("parse_processes = -2"), "fetch.parse_processes: must be between -1 and 256, got -2"),
        (SITE_TOML.replace(FEED_LIMIT, f"limit = {2**63 - 1}"),
         "feeds[1].limit: must be between 1 and 10000, got 9223372036854775807"),
    ],
)  # fmt: skip
def test_absurd_durations_and_sizes_name_the_key_and_the_range(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert text != SITE_TOML
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, text)
    assert str(caught.value).startswith(f"{tmp_path / 'nashra.toml'}: {expected}")
    assert "\n" not in str(caught.value)


def test_the_bounds_themselves_are_accepted(tmp_path: Path) -> None:
    text = (
        SITE_TOML.replace(SOURCE_LINE, SOURCE_LINE + '\nevery = "30d"')
        .replace('path = "sources/*.md"', 'path = "sources/*.md"\nevery = 1')
        .replace(SITE_LINE, SITE_LINE + f"\nkeep_days = 36500\nmax_file_bytes = {2**30}")
        .replace(FEED_LIMIT, "limit = 10000")
    )
    config = _load(
        tmp_path,
        text + '\n[fetch]\nconnect_timeout = "1s"\nread_timeout = "10m"\nmax_bytes = 1024\n'
        "concurrency = 1024\nper_host = 64\nmax_redirects = 0\nparse_processes = 256\n",
    )
    assert [s.every for s in config.sources[:2]] == [30 * 86400, 1]
    assert config.site.keep_days == 36500 and config.site.max_file_bytes == 2**30
    assert config.feeds[1].limit == 10000
    assert (config.fetch.connect_timeout, config.fetch.read_timeout) == (1, 600)
    assert config.fetch.max_bytes == 1024 and config.fetch.parse_processes == 256
    assert (
        _load(tmp_path, SITE_TOML.replace(SOURCE_LINE, SOURCE_LINE + '\nevery = "2w"'))
        .sources[0]
        .every
        == 14 * 86400
    )


def test_bulletin_tables_extend_headers_closings_and_agencies(tmp_path: Path) -> None:
    path = tmp_path / "nashra.toml"
    path.write_text(
        '[site]\ntitle = "ن"\nbase_url = "https://x.example/"\n'
        '[[sources]]\nname = "b"\npath = "b.txt"\n'
        '[[feeds]]\nname = "all"\ntitle = "ن"\nsources = ["*"]\n'
        '[bulletin]\nheader_words = ["حصاد اليوم"]\nclosings = ["نلتقي في الموجز القادم"]\n'
        'agencies = ["سونا"]\n',
        "utf-8",
    )
    words = load_config(str(path)).words
    assert "حصاد اليوم" in words.header_words
    assert "نلتقي في الموجز القادم" in words.closings
    assert "سونا" in words.agencies


def test_dedup_priority_and_near_window(tmp_path: Path) -> None:
    config = _load(tmp_path, SITE_TOML)
    assert config.site.near_window == 7 * 86400
    assert {(s.dedup, s.priority, s.near_window) for s in config.sources} == {
        ("near", 0, 7 * 86400)
    }
    text = SITE_TOML.replace(
        'path = "sources/*.txt"', 'path = "a.txt"\ndedup = "off"\npriority = 3'
    )
    text = text.replace("[site]", '[site]\nnear_window = "2d"', 1)
    config = _load(tmp_path, text)
    assert (config.sources[0].dedup, config.sources[0].priority) == ("off", 3)
    assert config.sources[0].near_window == 2 * 86400


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("dedup", '"fuzzy"', r"sources\[0\]\.dedup: must be one of near, exact, off"),
        ("priority", "1001", r"sources\[0\]\.priority: must be between -1000 and 1000"),
        ("priority", '"high"', r"sources\[0\]\.priority: must be a whole number"),
    ],
)
def test_bad_dedup_and_priority_are_refused(
    tmp_path: Path, key: str, value: str, message: str
) -> None:
    text = SITE_TOML.replace('path = "sources/*.txt"', f'path = "a.txt"\n{key} = {value}')
    with pytest.raises(ConfigError, match=message):
        _load(tmp_path, text)


@pytest.mark.parametrize("value", ['"30m"', '"91d"', "-5"])
def test_near_window_is_bounded(tmp_path: Path, value: str) -> None:
    text = SITE_TOML.replace("[site]", f"[site]\nnear_window = {value}", 1)
    with pytest.raises(ConfigError, match=r"site\.near_window: must be between 1h and 90d"):
        _load(tmp_path, text)


# ------------------------------------------------------------------- topic feeds (#12)

TOPIC_FEED = '\n[[feeds]]\nname = "economy"\ntitle = "اقتصاد"\n'


def test_topic_feed_keys_are_read(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        SITE_TOML.replace(
            'timezone = "Africa/Tripoli"',
            'timezone = "Africa/Tripoli"\ntag_feeds = true\ntag_feed_min = 5',
        )
        + TOPIC_FEED
        + 'tags = ["الإقتصاد", "مال وأعمال"]\nsources = ["records"]\n'
        + 'match = \'(اقتصاد OR "المصرف المركزي") -رياضة\'\nexclude = "إعلان"\nstem = "light"\n',
    )
    feed = config.feeds[-1]
    assert feed.is_topic and not config.feeds[0].is_topic
    assert feed.tags == ("الإقتصاد", "مال وأعمال") and feed.stem == "light"
    assert config.site.tag_feeds and config.site.tag_feed_min == 5
    topic = config.topics().feeds[0]
    assert topic.key == "economy" and topic.tags == {"الاقتصاد", "مال-واعمال"}
    assert topic.sources == ("records",)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("(نفط OR غاز", "unbalanced '(' at character 1"),
        ("نفط) غاز", "unbalanced ')' at character 4"),
        ("نفط OR", "a term is missing before the end at character 7"),
        ("OR", "a term is missing before OR at character 1"),
        ("   ", "empty query at character 4"),
        ("نفط ()", "empty parentheses at character 5"),
        ('نفط "غاز', "unclosed '\"' at character 5"),
        ("نفط -", "'-' must be followed by a term at character 5"),
        ("،", "nothing to match in '،' at character 1"),
    ],
)
def test_a_query_that_cannot_be_read_names_the_feed_key_and_the_character(
    tmp_path: Path, query: str, expected: str
) -> None:
    text = SITE_TOML + TOPIC_FEED + f"exclude = {json.dumps(query, ensure_ascii=False)}\n"
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, text)
    assert "feeds[2].exclude: cannot read the query: " + expected in str(caught.value)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ('match = "نفط"\nstem = "heavy"', 'feeds[2].stem: must be "light" or ""'),
        ('tags = ["،"]', "feeds[2].tags: '،' has no letter or digit to match"),
        ("tags = [3]", "feeds[2].tags: must be a list of text"),
        ("match = 3", "feeds[2].match: must be text"),
        ('mach = "نفط"', "feeds[2].mach: unknown key; did you mean 'match'?"),
    ],
)
def test_bad_topic_keys_name_the_key(tmp_path: Path, lines: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, SITE_TOML + TOPIC_FEED + lines + "\n")
    assert expected in str(caught.value)


def test_no_feed_may_take_the_folder_of_the_tag_feeds(tmp_path: Path) -> None:
    text = SITE_TOML + '\n[[feeds]]\nname = "tags"\ntitle = "وسوم"\n'
    assert _load(tmp_path, text).feeds[-1].name == "tags"  # without tag feeds, it may
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, text.replace("[[sources]]", "tag_feeds = true\n\n[[sources]]", 1))
    assert "feeds[2].name: 'tags' is the folder of the tag feeds" in str(caught.value)


def test_tag_feed_min_is_bounded(tmp_path: Path) -> None:
    text = SITE_TOML.replace("[[sources]]", "tag_feed_min = 0\n\n[[sources]]", 1)
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, text)
    assert "site.tag_feed_min: must be between 1 and 100000, got 0" in str(caught.value)
