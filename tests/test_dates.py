"""parse_date, format_rfc822 and format_rfc3339."""

from __future__ import annotations

import html
import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hijridate import Gregorian, Hijri
from hypothesis import given, settings
from hypothesis import strategies as st

from sources import dates
from sources.base import Context, SourceSpec
from sources.dates import GREGORIAN_MONTHS, format_rfc822, format_rfc3339, parse_date
from sources.files import collect_files
from sources.remote import parse_feed
from sources.webpage import parse_page
from tests.conftest import DATA, NOW

TZ = ZoneInfo("Africa/Tripoli")  # UTC+2, no DST
BASE = datetime(2026, 11, 29, 12, 0)  # naive: local time in TZ


def _tz(hours: float) -> timezone:
    return timezone(timedelta(hours=hours))


def _local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


def _same(result: datetime | None, expected: datetime | None) -> None:
    """Same instant and same offset (aware datetimes compare equal across offsets)."""
    if expected is None:
        assert result is None
        return
    assert result is not None
    assert (result, result.utcoffset()) == (expected, expected.utcoffset())


RFC822 = [
    ("Thu, 12 Dec 2024 14:00:00 GMT", datetime(2024, 12, 12, 14, 0, tzinfo=UTC)),
    ("Thu, 12 Dec 2024 14:00:00 UT", datetime(2024, 12, 12, 14, 0, tzinfo=UTC)),
    ("Thu, 12 Dec 2024 14:00:00 +0400", datetime(2024, 12, 12, 14, 0, tzinfo=_tz(4))),
    ("Thu, 12 Dec 2024 14:00:00 +04:00", datetime(2024, 12, 12, 14, 0, tzinfo=_tz(4))),
    ("Thu, 12 Dec 2024 14:00:00 -0330", datetime(2024, 12, 12, 14, 0, tzinfo=_tz(-3.5))),
    ("Thu, 12 Dec 2024 14:00:00 EST", datetime(2024, 12, 12, 14, 0, tzinfo=_tz(-5))),
    ("Thu, 12 Dec 2024 14:00:00 PDT", datetime(2024, 12, 12, 14, 0, tzinfo=_tz(-7))),
    ("Thu, 12 Dec 2024 14:00 CET", datetime(2024, 12, 12, 14, 0, tzinfo=_tz(1))),
    ("12 Dec 2024 14:00:00 +0100", datetime(2024, 12, 12, 14, 0, tzinfo=_tz(1))),  # no day name
    ("Thursday, 12-Dec-24 14:00:00 GMT", datetime(2024, 12, 12, 14, 0, tzinfo=UTC)),  # RFC 850
    ("Thu, 12 Dec 2024 14:00:00 -0000", _local(2024, 12, 12, 14, 0)),  # unknown zone: tz
    ("Thu, 12 Dec 2024 14:00:00", _local(2024, 12, 12, 14, 0)),
]

ISO8601 = [
    ("2024-12-12T14:00:00Z", datetime(2024, 12, 12, 14, 0, tzinfo=UTC)),
    ("2024-12-12T14:00:00.250Z", datetime(2024, 12, 12, 14, 0, 0, 250000, tzinfo=UTC)),
    ("2024-12-12T14:00:00+04:00", datetime(2024, 12, 12, 14, 0, tzinfo=_tz(4))),
    ("2024-12-12T14:00:00-05:00", datetime(2024, 12, 12, 14, 0, tzinfo=_tz(-5))),
    ("2024-12-12T14:00:00", _local(2024, 12, 12, 14, 0)),
    ("2024-12-12 14:00", _local(2024, 12, 12, 14, 0)),
    ("2024-12-12", _local(2024, 12, 12)),
    ("  2024-12-12T14:00:00Z\n", datetime(2024, 12, 12, 14, 0, tzinfo=UTC)),
    ("٢٠٢٤-١٢-١٢T١٤:٠٠:٠٠Z", datetime(2024, 12, 12, 14, 0, tzinfo=UTC)),
]

ARABIC = [
    ("29 نوفمبر 2026", _local(2026, 11, 29)),
    ("٢٩ نوفمبر ٢٠٢٦", _local(2026, 11, 29)),
    ("۲۹ نوفمبر ۲۰۲۶", _local(2026, 11, 29)),  # Persian digits
    ("الخميس 12 ديسمبر 2024", _local(2024, 12, 12)),
    ("9 أبريل 2025", _local(2025, 4, 9)),
    ("٢٩/١١/٢٠٢٦", _local(2026, 11, 29)),  # D/M/Y
    ("05/06/2025", _local(2025, 6, 5)),
    ("الخميس 12 ديسمبر 2024 10:30 مساءً", _local(2024, 12, 12, 22, 30)),
    ("12 ديسمبر 2024 10:30 صباحًا", _local(2024, 12, 12, 10, 30)),
    ("12 ديسمبر 2024 10:30 مساءاً", _local(2024, 12, 12, 22, 30)),  # common misspelling
    ("12 ديسمبر 2024 - 14:15", _local(2024, 12, 12, 14, 15)),
    ("\u200f12 ديسمبر 2024\u200f", _local(2024, 12, 12)),  # RLM marks
    # Levantine / Iraqi (ar-SY)
    ("12 كانون الأول 2024", _local(2024, 12, 12)),
    ("3 نيسان 2024", _local(2024, 4, 3)),
    ("5 أيار 2023", _local(2023, 5, 5)),
    ("1 تشرين الثاني 2022", _local(2022, 11, 1)),
    # Moroccan (ar-MA)
    ("12 دجنبر 2024", _local(2024, 12, 12)),
    ("4 نونبر 2020", _local(2020, 11, 4)),
    ("3 غشت 2019", _local(2019, 8, 3)),
    ("14 يوليوز 2021", _local(2021, 7, 14)),
    ("9 شتنبر 2018", _local(2018, 9, 9)),
    # Algerian / Tunisian (ar-DZ)
    ("12 جانفي 2024", _local(2024, 1, 12)),
    ("3 فيفري 2024", _local(2024, 2, 3)),
    ("5 أفريل 2024", _local(2024, 4, 5)),
    ("6 جويلية 2024", _local(2024, 7, 6)),
    ("7 أوت 2024", _local(2024, 8, 7)),
    ("8 جوان 2024", _local(2024, 6, 8)),
    # dual forms: one half is kept
    ("28 آب/اغسطس 2013", _local(2013, 8, 28)),
    ("28 أغسطس / آب 2013", _local(2013, 8, 28)),
    ("1 تشرين الثاني/نوفمبر 2024", _local(2024, 11, 1)),
    ("3 نوفمبر/تشرين الثاني 2024", _local(2024, 11, 3)),
    # the standard name in brackets or after a spaced dash (Jordanian, Syrian papers)
    ("9 شباط (فبراير) 2021", _local(2021, 2, 9)),
    ("الخميس 2 تموز (يوليو) 2020", _local(2020, 7, 2)),
    ("17 (أكتوبر) تشرين الأول 2019", _local(2019, 10, 17)),
    ("4 آذار - مارس 2022", _local(2022, 3, 4)),
    # labels and zone trailers
    (
        "الخميس 12 ديسمبر 2024 آخر تحديث 14:00 (GMT+0400)",
        datetime(2024, 12, 12, 14, 0, tzinfo=_tz(4)),
    ),
    ("آخر تحديث: 14/12/2024 10:30 (توقيت مكة)", datetime(2024, 12, 14, 10, 30, tzinfo=_tz(3))),
    ("12 ديسمبر 2024 14:00 +03:00", datetime(2024, 12, 12, 14, 0, tzinfo=_tz(3))),
    ("12 ديسمبر 2024 14:00 UTC", datetime(2024, 12, 12, 14, 0, tzinfo=UTC)),
    ("نشر في 12 ديسمبر 2024 - آخر تحديث 13 ديسمبر 2024", _local(2024, 12, 12)),
    ("12 ديسمبر, 2024: 10:30 ص KSA", datetime(2024, 12, 12, 10, 30, tzinfo=_tz(3))),
    # relative to BASE, 2026-11-29 12:00 in Tripoli
    ("منذ 3 ساعات", _local(2026, 11, 29, 9, 0)),
    ("منذ ٣ ساعات", _local(2026, 11, 29, 9, 0)),
    ("منذ ساعتين", _local(2026, 11, 29, 10, 0)),
    ("منذ يومين", _local(2026, 11, 27, 12, 0)),
    ("أمس", _local(2026, 11, 28, 12, 0)),
    ("منذ 3 ساعات (GMT+0400)", datetime(2026, 11, 29, 11, 0, tzinfo=_tz(4))),
    ("أمس الساعة 10:30", _local(2026, 11, 28, 10, 30)),
    ("12 ديسمبر", _local(2025, 12, 12)),  # no year: the past one
    # English, last resort
    ("Dec 12, 2024 10:30 PM", _local(2024, 12, 12, 22, 30)),
    ("12 December 2024", _local(2024, 12, 12)),
]

NOT_DATES = [
    "",
    "   ",
    "garbage",
    "لا يوجد تاريخ",
    "خبر عاجل من طرابلس",
    "1446/06/10",  # Hijri, would read as Gregorian 1446
    "1446-06-10",
    "١٤٤٦/٠٦/١٠",
    "1446/06/10 12:00",
    "12",  # a lone number is not a date
    "1 1",
    "ديسمبر 2024",  # no day: dateparser would invent one
    "2024",
    "a",
    "Thu, 32 Dec 2024 14:00:00 GMT",
    "29 نوفمبر 2026 " * 20,  # too long
    "GMT",
    "(GMT+0400)",
]


@pytest.mark.parametrize(("text", "expected"), RFC822, ids=[c[0] for c in RFC822])
def test_rfc822(text: str, expected: datetime) -> None:
    _same(parse_date(text, tz=TZ), expected)


@pytest.mark.parametrize(("text", "expected"), ISO8601, ids=[c[0] for c in ISO8601])
def test_iso8601(text: str, expected: datetime) -> None:
    _same(parse_date(text, tz=TZ), expected)


@pytest.mark.parametrize(("text", "expected"), ARABIC, ids=[c[0] for c in ARABIC])
def test_arabic(text: str, expected: datetime) -> None:
    _same(parse_date(text, tz=TZ, relative_base=BASE), expected)


@pytest.mark.parametrize("text", NOT_DATES)
def test_not_a_date(text: str) -> None:
    assert parse_date(text, tz=TZ, relative_base=BASE) is None


def test_naive_results_are_in_tz() -> None:
    result = parse_date("29 نوفمبر 2026", tz=TZ)
    assert result is not None and result.tzinfo is TZ
    paris = ZoneInfo("Europe/Paris")
    _same(parse_date("12 يوليو 2024 14:00", tz=paris), datetime(2024, 7, 12, 14, tzinfo=paris))
    _same(parse_date("2024-07-12T14:00", tz=paris), datetime(2024, 7, 12, 14, tzinfo=paris))


def test_relative_base_aware_is_converted_to_tz() -> None:
    base = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)  # 12:00 in Tripoli
    _same(parse_date("منذ 3 ساعات", tz=TZ, relative_base=base), _local(2026, 11, 29, 9, 0))


def test_relative_base_is_honoured_by_cached_parsers() -> None:
    other = datetime(2025, 1, 10, 8, 0)
    for _ in range(2):
        _same(parse_date("أمس", tz=TZ, relative_base=BASE), _local(2026, 11, 28, 12, 0))
        _same(parse_date("أمس", tz=TZ, relative_base=other), _local(2025, 1, 9, 8, 0))
    assert dates._parser.cache_info().hits > 0


def test_relative_default_base_is_now() -> None:
    result = parse_date("منذ 3 ساعات", tz=TZ)
    assert result is not None
    expected = datetime.now(TZ) - timedelta(hours=3)
    assert abs(result - expected) < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2024, 12, 12, 14, 0), _local(2024, 12, 12, 14, 0)),
        (datetime(2024, 12, 12, 14, 0, tzinfo=_tz(4)), datetime(2024, 12, 12, 14, tzinfo=_tz(4))),
        (date(2024, 12, 12), _local(2024, 12, 12)),
        (0, _local(1970, 1, 1, 2, 0)),
        (1733997600, datetime(2024, 12, 12, 10, 0, tzinfo=UTC)),
        (1733997600.5, datetime(2024, 12, 12, 10, 0, 0, 500000, tzinfo=UTC)),
        (None, None),
        (True, None),
        (float("nan"), None),
        (float("inf"), None),
        (10**20, None),
        (datetime(1446, 6, 10), None),
    ],
)
def test_non_string_values(
    value: datetime | date | float | None, expected: datetime | None
) -> None:
    result = parse_date(value, tz=TZ)
    assert result == expected
    if result is not None:
        assert result.utcoffset() is not None


def test_unix_seconds_are_given_in_tz() -> None:
    result = parse_date(1733997600, tz=TZ)
    assert result is not None and result.tzinfo is TZ


def test_module_import_does_not_import_dateparser() -> None:
    path = Path(dates.__file__)
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('dates_alone', {str(path)!r})\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(module)\n"
        "print('dateparser' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


_ARABIC_ISH = st.lists(
    st.sampled_from(
        [
            *"0123456789٠١٢٣٤٥٦٧٨٩ /:-,.()+",
            *("منذ", "أمس", "ساعات", "نوفمبر", "كانون", "الأول", "آب", "مساءً", "GMT", "آخر تحديث"),
            *(
                "هـ",
                "ه",
                "م",
                "رمضان",
                "ربيع",
                "جمادى",
                "ذو الحجة",
                "الموافق",
                "لـ",
                "1445",
                "2020",
            ),
            *"ابتثجحخدذرزسشصضطظعغفقكلمنهويءأإآةى",
        ]
    ),
    max_size=20,
).map("".join)


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.text(max_size=60), _ARABIC_ISH))
def test_parse_date_never_raises(text: str) -> None:
    result = parse_date(text, tz=TZ, relative_base=BASE)
    assert result is None or result.utcoffset() is not None
    if result is not None:
        assert dates.MIN_YEAR <= result.year <= dates.MAX_YEAR


def test_format_examples() -> None:
    dt = datetime(2024, 12, 12, 14, 0, 30, 999999, tzinfo=_tz(4))
    assert format_rfc822(dt) == "Thu, 12 Dec 2024 10:00:30 GMT"
    assert format_rfc3339(dt) == "2024-12-12T10:00:30Z"
    assert format_rfc3339(datetime(1900, 1, 1, tzinfo=_tz(2))) == "1899-12-31T22:00:00Z"


def test_format_rejects_naive() -> None:
    with pytest.raises(ValueError, match="naive"):
        format_rfc822(datetime(2024, 12, 12))
    with pytest.raises(ValueError, match="naive"):
        format_rfc3339(datetime(2024, 12, 12))


_AWARE = st.datetimes(
    min_value=datetime(1800, 1, 2),
    max_value=datetime(2200, 12, 30),
    timezones=st.one_of(
        st.timezones(),
        st.builds(lambda m: timezone(timedelta(minutes=m)), st.integers(-14 * 60, 14 * 60)),
    ),
    allow_imaginary=False,
)


@settings(max_examples=100, deadline=None)
@given(_AWARE)
def test_formats_round_trip(dt: datetime) -> None:
    # In UTC: an ambiguous local time never compares equal across zones (PEP 495).
    whole = dt.replace(microsecond=0).astimezone(UTC)
    rfc822 = format_rfc822(dt)
    assert rfc822.endswith(" GMT")
    assert parsedate_to_datetime(rfc822) == whole
    rfc3339 = format_rfc3339(dt)
    assert rfc3339.endswith("Z")
    assert datetime.fromisoformat(rfc3339) == whole
    assert parse_date(rfc822, tz=TZ) == whole
    assert parse_date(rfc3339, tz=TZ) == whole


@pytest.mark.parametrize(
    ("text", "relative"),
    [
        ("منذ 3 ساعات", True),
        ("قبل ساعتين", True),
        ("أمس 10:30", True),
        ("2 hours ago", True),
        ("29 نوفمبر 2026", False),
        ("Sun, 29 Nov 2026 10:00:00 GMT", False),
        ("٢٩/١١/٢٠٢٦", False),
        ("الخميس 12 ديسمبر 2024", False),
    ],
)
def test_looks_relative(text: str, relative: bool) -> None:
    from sources.dates import looks_relative

    assert looks_relative(text) is relative


# -- calendars: «م», dual dates, Hijri dates ------------------------------------------------

MARKED_GREGORIAN = [
    ("12 أكتوبر 2021م", _local(2021, 10, 12)),
    ("12 أكتوبر 2021 م", _local(2021, 10, 12)),
    ("١٢ أكتوبر ٢٠٢١م", _local(2021, 10, 12)),
    ("الثلاثاء 12 أكتوبر 2021م", _local(2021, 10, 12)),
    ("12/10/2021م", _local(2021, 10, 12)),
    ("2021/10/12 م", _local(2021, 10, 12)),
    ("2021-10-12م", _local(2021, 10, 12)),
    ("12 تشرين الأول 2021م", _local(2021, 10, 12)),
    ("12 أكتوبر 2021 ميلادية", _local(2021, 10, 12)),
    ("آخر تحديث: 12 أكتوبر 2021م", _local(2021, 10, 12)),
    # «م» after a time is still the evening, with or without a marked year
    ("3 مارس 2021م 9:15 م", _local(2021, 3, 3, 21, 15)),
    ("3 مارس 2021 م - 9:15 م", _local(2021, 3, 3, 21, 15)),
    ("٣/٣/٢٠٢١م ٩:١٥ م", _local(2021, 3, 3, 21, 15)),
    ("9:15 م 3 مارس 2021م", _local(2021, 3, 3, 21, 15)),
    ("3 مارس 2021 9:15:30 م", datetime(2021, 3, 3, 21, 15, 30, tzinfo=TZ)),
    ("3 مارس 2021م 9:15 ص", _local(2021, 3, 3, 9, 15)),
    ("3 مارس 2021م 9:15 م (توقيت مكة)", datetime(2021, 3, 3, 21, 15, tzinfo=_tz(3))),
]

DUAL = [
    ("الخميس 25 ربيع الآخر 1442 هـ الموافق 10 ديسمبر 2020 م", _local(2020, 12, 10)),
    ("10 ديسمبر 2020م الموافق 25 ربيع الثاني 1442هـ", _local(2020, 12, 10)),
    ("25 ربيع الثاني 1442 هـ الموافق ل 10 ديسمبر 2020", _local(2020, 12, 10)),
    ("25 ربيع الثاني 1442 هـ، الموافق ل10 ديسمبر 2020", _local(2020, 12, 10)),
    (
        "الأربعاء 5 محرم 1441 هـ الموافق لـ 4 سبتمبر 2019 م الساعة 10:30 م",
        _local(2019, 9, 4, 22, 30),
    ),
    ("4 سبتمبر 2019م - 5 محرم 1441هـ", _local(2019, 9, 4)),  # side by side, no «الموافق»
    ("5/1/1441هـ - 4/9/2019م", _local(2019, 9, 4)),
    ("1441-01-05 هـ | 2019-09-04 م", _local(2019, 9, 4)),
    ("٥ محرم ١٤٤١ هـ الموافق ٤ أيلول ٢٠١٩", _local(2019, 9, 4)),
    (
        "5 محرم 1441 هـ الموافق 4 سبتمبر 2019 10:30 (توقيت مكة)",
        datetime(2019, 9, 4, 10, 30, tzinfo=_tz(3)),
    ),
    # the halves disagree (1 محرم 1441 is 31 August 2019): the Gregorian side is taken
    ("1 محرم 1441 هـ الموافق 4 سبتمبر 2019", _local(2019, 9, 4)),
    # a Gregorian side that is no date: the Hijri date is read
    ("1 شوال 1444 هـ - العدد 2345", _local(2023, 4, 21)),
]

# Checked against the Umm al-Qura calendar as observed (Eid al-Fitr 1444: 21 April 2023;
# 1 Ramadan 1445: 11 March 2024; Arafat 1445: 15 June 2024; 1 Muharram 1446: 7 July 2024).
HIJRI = [
    ("1 شوال 1444 هـ", _local(2023, 4, 21)),
    ("9 ذو الحجة 1445هـ", _local(2024, 6, 15)),
    ("10 ذي الحجة 1444 هـ", _local(2023, 6, 28)),
    ("1 المحرم 1446 هـ", _local(2024, 7, 7)),
    ("1 مُحَرَّم 1446 هـ", _local(2024, 7, 7)),  # with diacritics
    ("12 ربيع الأول 1446 هـ", _local(2024, 9, 15)),
    ("12 ربيع الاول 1446", _local(2024, 9, 15)),  # a Hijri month name needs no marker
    ("27 رجب 1445 ه", _local(2024, 2, 8)),
    ("15 شعبان 1445", _local(2024, 2, 25)),
    ("3 صفر 1446 هـ", _local(2024, 8, 7)),
    ("5 جمادى الأولى 1445هـ", _local(2023, 11, 19)),
    ("5 جمادي الاولى 1445 ه", _local(2023, 11, 19)),
    ("20 جمادى الثانية 1445 هـ", _local(2024, 1, 2)),
    ("10 جمادى الآخرة 1446", _local(2024, 12, 11)),
    ("1 رمضـــان 1445 هـ", _local(2024, 3, 11)),  # tatweel
    ("1 رمضان 1445 هجري", _local(2024, 3, 11)),
    ("1 من شهر رمضان سنة 1445 للهجرة", _local(2024, 3, 11)),
    ("نشر في 1 رمضان 1445 هـ", _local(2024, 3, 11)),
    ("1445/09/01هـ", _local(2024, 3, 11)),
    ("١٤٤٥/٠٩/٠١ هـ", _local(2024, 3, 11)),
    ("1445.9.1 هـ", _local(2024, 3, 11)),
    ("01-10-1444 هـ", _local(2023, 4, 21)),  # day first
    ("الجمعة 1 شوال 1444 هـ 8:00 ص", _local(2023, 4, 21, 8, 0)),
    ("1 شوال 1444 هـ 8:00 م", _local(2023, 4, 21, 20, 0)),
    ("1 شوال 1444 هـ 8:00 (توقيت مكة)", datetime(2023, 4, 21, 8, 0, tzinfo=_tz(3))),
]

HIJRI_UNREADABLE = [
    "10 محرم 1342 هـ",  # before the Umm al-Qura tables
    "1 محرم 1501 هـ",  # after them
    "1300/01/01 هـ",
    "30 رمضان 1444 هـ",  # Ramadan 1444 had 29 days
    "1442/13/01 هـ",
    "1442/00/10 هـ",
    "0 رمضان 1445 هـ",
    "99 رمضان 1445 هـ",
    "رمضان 1445 هـ",  # no day
    "15 رمضان",  # no year
]


@pytest.mark.parametrize(
    ("text", "expected"), MARKED_GREGORIAN, ids=[c[0] for c in MARKED_GREGORIAN]
)
def test_gregorian_year_marked(text: str, expected: datetime) -> None:
    _same(parse_date(text, tz=TZ, relative_base=BASE), expected)


@pytest.mark.parametrize(("text", "expected"), DUAL, ids=[c[0] for c in DUAL])
def test_dual_dates_keep_the_gregorian_side(text: str, expected: datetime) -> None:
    _same(parse_date(text, tz=TZ, relative_base=BASE), expected)


@pytest.mark.parametrize(("text", "expected"), HIJRI, ids=[c[0] for c in HIJRI])
def test_hijri_dates(text: str, expected: datetime) -> None:
    _same(parse_date(text, tz=TZ, relative_base=BASE), expected)


@pytest.mark.parametrize("text", HIJRI_UNREADABLE)
def test_hijri_dates_out_of_range_or_incomplete(text: str) -> None:
    assert parse_date(text, tz=TZ, relative_base=BASE) is None


_HIJRI_SPELLINGS = {
    1: ("محرم", "المحرم", "مُحرّم"),
    2: ("صفر",),
    3: ("ربيع الأول", "ربيع الاول", "ربيع أول"),
    4: ("ربيع الآخر", "ربيع الثاني", "ربيع الاخر"),
    5: ("جمادى الأولى", "جمادى الاولى", "جمادي الأولى", "جمادى الأول"),
    6: ("جمادى الآخرة", "جمادى الثانية", "جمادى الاخرة", "جمادي الآخرة"),
    7: ("رجب",),
    8: ("شعبان",),
    9: ("رمضان",),
    10: ("شوال",),
    11: ("ذو القعدة", "ذي القعدة", "ذو القعده"),
    12: ("ذو الحجة", "ذي الحجة", "ذو الحجه"),
}
_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_UMM_AL_QURA = st.dates(min_value=date(1924, 8, 1), max_value=date(2077, 11, 16))


@st.composite
def _hijri_texts(draw: st.DrawFn, day: date) -> str:
    hijri = Gregorian(day.year, day.month, day.day).to_hijri()
    y, m, d = hijri.datetuple()
    forms = [
        f"{d} {draw(st.sampled_from(_HIJRI_SPELLINGS[m]))} {y}"
        + draw(st.sampled_from(["", " هـ", "هـ", " ه", " هجري"])),
        f"{hijri.day_name('ar')} {d} {draw(st.sampled_from(_HIJRI_SPELLINGS[m]))} {y} هـ",
        f"{y}/{m:02d}/{d:02d}" + draw(st.sampled_from(["هـ", " هـ", "ه"])),
        f"{d}-{m}-{y} هـ",
    ]
    text = draw(st.sampled_from(forms))
    return text.translate(_INDIC) if draw(st.booleans()) else text


@settings(max_examples=150, deadline=None)
@given(st.data(), _UMM_AL_QURA)
def test_hijri_round_trip(data: st.DataObject, day: date) -> None:
    text = data.draw(_hijri_texts(day))
    assert parse_date(text, tz=TZ, relative_base=BASE) == _local(day.year, day.month, day.day)


@settings(max_examples=100, deadline=None)
@given(st.integers(1200, 1600), st.integers(0, 14), st.integers(0, 32), st.booleans())
def test_any_hijri_numbers_give_the_conversion_or_none(
    year: int, month: int, day: int, named: bool
) -> None:
    try:
        gregorian = Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError):
        expected = None
    else:
        expected = _local(gregorian.year, gregorian.month, gregorian.day)
    if named and 1 <= month <= 12:
        text = f"{day} {_HIJRI_SPELLINGS[month][0]} {year} هـ"
    else:
        text = f"{year}/{month}/{day} هـ"
    assert parse_date(text, tz=TZ, relative_base=BASE) == expected


_GREGORIAN_MONTHS = list(GREGORIAN_MONTHS)


@settings(max_examples=100, deadline=None)
@given(
    st.dates(min_value=date(dates.MIN_YEAR, 1, 1), max_value=date(2100, 12, 31)),
    st.sampled_from(["م", " م", " ميلادي"]),
    st.sampled_from(["", " 10:30", " 10:30 م"]),
    st.integers(0, 3),
    st.booleans(),
)
def test_gregorian_mark_never_changes_the_date(
    day: date, mark: str, time: str, form: int, indic: bool
) -> None:
    dated = [
        f"{day.day} {_GREGORIAN_MONTHS[day.month - 1]} {day.year}",
        f"{day.day}/{day.month}/{day.year}",
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}-{day.month:02d}-{day.day:02d}",
    ][form]
    plain, marked = dated + time, dated + mark + time
    if indic:
        plain, marked = plain.translate(_INDIC), marked.translate(_INDIC)
    expected = parse_date(plain, tz=TZ, relative_base=BASE)
    assert expected is not None and expected.date() == day
    assert parse_date(marked, tz=TZ, relative_base=BASE) == expected


def test_every_kind_of_record_file_reads_these_dates(tmp_path: Path) -> None:
    (tmp_path / "desk").mkdir()
    (tmp_path / "desk" / "gulf.jsonl").write_bytes((DATA / "dates" / "records.jsonl").read_bytes())
    ctx = Context(tz=TZ, now=NOW, base_dir=str(tmp_path))
    out = collect_files(SourceSpec(name="desk", path="desk/*"), ctx)
    assert not out.errors
    assert [item.published for item in out.items] == [
        _local(2019, 12, 10),  # «… 1441 هـ الموافق لـ 10 ديسمبر 2019م»
        _local(2020, 6, 21),  # «٢٩ شوال ١٤٤١هـ»
        _local(2019, 3, 14),  # «2019/3/14 م»
        _local(2019, 9, 4),  # «1441/01/05 هـ - 2019/09/04 م»
    ]


@pytest.mark.parametrize(
    "name",
    [
        "feed.rss",
        "feed.json",
    ],
)
def test_remote_feed_items_read_these_dates(name: str) -> None:
    text = (DATA / "dates" / name).read_text("utf-8")
    result = parse_feed(text, url="https://www.goud.ma/feed", source="goud", tz=TZ, now=NOW)
    assert [item.published for item in result.items] == [
        _local(2018, 4, 22),  # «6 شعبان 1439 هـ»
        _local(2020, 12, 10, 21, 15),  # «الخميس 10 ديسمبر 2020م 9:15 م»
    ]


def test_web_page_items_read_these_dates() -> None:
    feed = json.loads((DATA / "dates" / "feed.json").read_text("utf-8"))
    page = "".join(
        f'<article><h2><a href="{item["url"]}">{html.escape(item["title"])}</a></h2>'
        f'<span class="date">{when}</span></article>'
        for item, when in zip(
            feed["items"], ["6 شعبان 1439 هـ", "الخميس 10 ديسمبر 2020م 9:15 م"], strict=True
        )
    )
    result = parse_page(
        f'<html lang="ar" dir="rtl"><body>{page}</body></html>',
        url="https://www.goud.ma/",
        selectors={"item": "article", "date": "span.date"},
        source="goud",
        tz=TZ,
        now=NOW,
    )
    assert [item.published for item in result.items] == [
        _local(2018, 4, 22),
        _local(2020, 12, 10, 21, 15),
    ]


DUAL_AFTER_WORDS = [
    # a place, «في», a weekday before a dual date: the Gregorian side still wins, even
    # where it disagrees with the Hijri side's conversion (12 Jumada II 1446 = 13 Dec)
    ("صنعاء في 1 شعبان 1446 هـ الموافق 31 يناير 2025م", _local(2025, 1, 31)),
    ("جدة، يوم الأحد 2 رجب 1446 هـ - 2 يناير 2025 م", _local(2025, 1, 2)),
    ("عمان في 12 جمادى الآخرة 1446 هـ الموافق 20 ديسمبر 2024", _local(2024, 12, 20)),
    ("تونس 3 رمضان 1445 هـ الموافق 13 مارس 2024", _local(2024, 3, 13)),
]


@pytest.mark.parametrize(
    ("text", "expected"), DUAL_AFTER_WORDS, ids=[c[0] for c in DUAL_AFTER_WORDS]
)
def test_dual_dates_after_a_place_keep_the_gregorian_side(text: str, expected: datetime) -> None:
    _same(parse_date(text, tz=TZ, relative_base=BASE), expected)
