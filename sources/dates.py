"""Dates as found in Arabic news sources, parsed into timezone-aware datetimes.

``parse_date`` accepts what sources give: ``datetime``/``date`` objects, Unix
seconds, and strings. Strings are tried, in order, as RFC 822 (feeds), ISO 8601,
then natural Arabic with dateparser (``ar``, then the regional month names of
``ar-SY``, ``ar-MA`` and ``ar-DZ``, which dateparser cannot take in one call),
then English. It returns ``None`` rather than raising for anything it cannot
read, and rejects dates before 1800 (an unmarked Hijri year such as
``1446/06/10`` would otherwise be read as Gregorian) or after 2200.

Before dateparser sees it, a string is put in one calendar: the marker «م»
(ميلادي) after a Gregorian year is dropped («5 سبتمبر 2020م»; after a time it is
still مساءً), a dual date keeps its Gregorian side («15 ربيع الأول 1442 هـ
الموافق 1 نوفمبر 2020», either order, with or without «الموافق»), and a Hijri-only
date (a Hijri month name, or a numeric date marked «هـ») is converted with
hijridate's Umm al-Qura calendar (1343-1500 AH; outside it, or on a day the
month does not have, the date is None).

Naive values are read in the caller's ``tz``; an offset given in the value is
kept. Relative dates (``منذ 3 ساعات``, ``أمس``) and dates without a year count
from ``relative_base`` (default: now), so that callers can pass a file's mtime
and get the same answer each time they re-parse it.

dateparser is imported on the first natural-language parse only (measured: the
first parse takes ~110 ms, import and Arabic locale data; the first regional
fallback ~15 ms more; later parses 0.3-1 ms). Its settings, RELATIVE_BASE
included, are fixed per ``DateDataParser``; building one costs ~10 µs, so they
are kept in a small LRU per (locale, zone, relative base).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from zoneinfo import ZoneInfo

__all__ = ["MAX_YEAR", "MIN_YEAR", "format_rfc822", "format_rfc3339", "parse_date"]

MIN_YEAR = 1800
"""Earlier years are rejected: in Arabic sources they are Hijri years."""
MAX_YEAR = 2200
"""Later years are rejected as nonsense."""

_MAX_LENGTH = 200  # a date string is never longer; longer text is not worth dateparser's time

# dateparser locales, tried in turn: two regions of one language cannot go in one call.
_LOCALES = ("ar", "ar-SY", "ar-MA", "ar-DZ", "en")

_CLEAN = str.maketrans(
    {
        **{0x0660 + i: str(i) for i in range(10)},  # Arabic-Indic digits
        **{0x06F0 + i: str(i) for i in range(10)},  # Persian digits
        **{c: None for c in (0x200E, 0x200F, 0x061C, 0x200B, 0xFEFF)},  # LRM, RLM, ALM, ZWSP, BOM
        **{c: None for c in range(0x202A, 0x202F)},  # bidi embeddings and overrides
        **{c: None for c in range(0x2066, 0x206A)},  # bidi isolates
    }
)
_SPACES = re.compile(r"\s+")

# "Thu, 12 Dec 2024 14:00:00 +0400"; the day name is optional.
_RFC822 = re.compile(
    r"(?:[A-Za-z]{3,9},?\s+)?\d{1,2}[\s-]+[A-Za-z]{3,9}\.?[\s-]+\d{2,4}\s+"
    r"\d{1,2}:\d{2}(?::\d{2})?(?:\s+(?P<zone>\S+))?"
)
_COLON_OFFSET = re.compile(r"([+-]\d{2}):(\d{2})$")

# A zone at the end of a natural-language date: "(GMT+0400)", "+03:00", "بتوقيت مكة".
_ZONE_NAMES = {
    "gmt": 0,
    "utc": 0,
    "ut": 0,
    "wet": 0,
    "west": 60,
    "cet": 60,
    "cest": 120,
    "eet": 120,
    "eest": 180,
    "msk": 180,
    "ksa": 180,
    "مكة": 180,
    "مكة المكرمة": 180,
    "غرينتش": 0,
    "غرينيتش": 0,
    "جرينتش": 0,
}
_ZONE = re.compile(
    r"\s*\(?\s*(?:"
    r"(?<![^\W\d_])(?:ب?توقيت\s+)?(?P<name>GMT|UTC|UT|WET|WEST|CET|CEST|EET|EEST|MSK|KSA"
    r"|مكة(?:\s+المكرمة)?|غرينتش|غرينيتش|جرينتش)"
    r"\s*(?P<offset>[+-]\s*\d{1,2}(?::?\d{2})?)?"
    r"|(?P<bare>[+-]\d{2}:?\d{2})"
    r")\s*\)?\s*$",
    re.IGNORECASE,
)
_ENDS_WITH_TIME = re.compile(r"\d:\d{2}(?::\d{2})?\s*$")

# Labels around dates on news pages: "آخر تحديث: …", "نشر في …".
_LABEL = re.compile(
    r"(?<!\w)(?:(?:آخر|اخر)\s+تحديث|تم\s+التحديث|(?:تاريخ|وقت)\s+النشر|نُ?شر(?:\s+(?:في|بتاريخ))?"
    r"|بتاريخ|last\s+updated|updated|published)\s*:?",
    re.IGNORECASE,
)
# Dual month names "آب/اغسطس", "تشرين الثاني/نوفمبر": keep one half.
_MONTH = r"(?:(?:كانون|تشرين)\s+(?:الأول|الاول|الثاني)|[\u0621-\u064A]+)"
# Also «أيار (مايو)», «(مايو) أيار», «نيسان - أبريل».
_DUAL = re.compile(
    rf"\(\s*(?P<first>{_MONTH})\s*\)\s*(?P<second>{_MONTH})"
    rf"|(?P<first2>{_MONTH})\s*\(\s*(?P<second2>{_MONTH})\s*\)"
    rf"|(?P<first3>{_MONTH})\s*(?:/|\s[-–—]\s)\s*(?P<second3>{_MONTH})"
)
_FIXES = (
    (re.compile(r"مساءاً|مساءا"), "مساءً"),  # common misspellings dateparser does not know
    (re.compile(r"صباحاً|صباحا(?!ً)"), "صباحًا"),
    (re.compile(r"(?<=\d{4}):(?=\s)"), ""),  # "12 ديسمبر, 2024: 10:30"
)
_LETTERS = re.compile(r"[^\W\d_]")
_LEAD_WORDS = 4
"""Words before the Gregorian side of a dual date tried away (a place, «في», a weekday)."""

# Calendars. «م» or «ميلادي» right after a year or a year-first numeric date (not after a time).
_GREGORIAN_MARK = re.compile(
    r"(?P<date>\d{4}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{1,2}|(?<![\d:])\d{4})"
    r"\s*(?:م|ميلادي[ةه]?|للميلاد)(?![^\W\d_])"
)
_HIJRI_MARK = r"(?:هـ+|ه(?![^\W\d_])|هجري[ةه]?(?![^\W\d_])|للهجر[ةه])"
# Hijri month names in plain letters; alef, yaa and taa marbuta variants, diacritics
# and tatweel are allowed by _spelling.
_HIJRI_MONTHS = (
    ("محرم", "المحرم"),
    ("صفر",),
    ("ربيع الاول", "ربيع اول"),
    ("ربيع الاخر", "ربيع الثاني", "ربيع اخر", "ربيع ثاني"),
    ("جمادى الاولى", "جمادى الاول", "جمادى اولى", "جمادى اول"),
    ("جمادى الاخرة", "جمادى الثانية", "جمادى الاخر", "جمادى الثاني", "جمادى اخرة"),
    ("رجب",),
    ("شعبان",),
    ("رمضان",),
    ("شوال",),
    ("ذو القعدة", "ذي القعدة"),
    ("ذو الحجة", "ذي الحجة"),
)
_VARIANTS = {"ا": "[اأإآ]", "ى": "[يى]", "ي": "[يى]", "ة": "[ةه]", " ": r"\s*"}


def _spelling(name: str) -> str:
    return "".join(_VARIANTS.get(c, c) + "[\u064b-\u0652\u0640]*" for c in name)


_HIJRI = re.compile(
    # "15 ربيع الأول 1442 هـ", "15 من شهر رمضان سنة 1445": the month name is the marker.
    r"(?<!\d)(?P<day>\d{1,2})\s*(?:من\s+)?(?:شهر\s+)?(?:"
    + "|".join(
        f"(?P<m{number}>{'|'.join(_spelling(n) for n in names)})"
        for number, names in enumerate(_HIJRI_MONTHS, start=1)
    )
    + r")\s*[,،]?\s*(?:(?:ل?سن[ةه]|ل?عام)\s+)?(?P<year>\d{3,4})(?!\d)(?:\s*"
    + _HIJRI_MARK
    + r")?"
    # "1442/03/15هـ", "15-3-1442 هـ": numbers need the marker.
    + r"|(?<![\d/.-])(?:(?P<yfirst>\d{4})\s*(?P<s1>[/.-])\s*(?P<mfirst>\d{1,2})\s*(?P=s1)"
    r"\s*(?P<dlast>\d{1,2})|(?P<dfirst>\d{1,2})\s*(?P<s2>[/.-])\s*(?P<mmid>\d{1,2})\s*(?P=s2)"
    r"\s*(?P<ylast>\d{4}))\s*" + _HIJRI_MARK
)
# "الموافق", "الموافق لـ", "والموافق ل": what joins the two halves of a dual date.
_AGREEING = re.compile(r"(?<![^\W\d_])و?(?:ال)?موافق[ةه]?(?:\s*لـ*(?=[\s\d]))?(?![^\W\d_])")
_YEAR = re.compile(r"(?<![\d+])\d{4}(?!\d)")


GREGORIAN_MONTHS = (
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
)
"""The Gregorian months as Egyptian and Gulf news name them (January first)."""


def parse_date(
    value: str | datetime | date | int | float | None,
    *,
    tz: ZoneInfo,
    relative_base: datetime | None = None,
) -> datetime | None:
    """Parse ``value`` into an aware datetime, or return None if it is empty or unreadable.

    Naive values are read in ``tz``; relative dates count from ``relative_base``
    (naive: in ``tz``; default: now). Never raises on a string.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return _checked(value if _is_aware(value) else value.replace(tzinfo=tz))
    if isinstance(value, date):
        return _checked(datetime(value.year, value.month, value.day, tzinfo=tz))
    if isinstance(value, int | float):
        try:
            return _checked(datetime.fromtimestamp(value, tz))
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    text = _SPACES.sub(" ", value.translate(_CLEAN)).strip()
    if not text or len(text) > _MAX_LENGTH:
        return None
    result = _parse_rfc822(text)
    if result is None:
        result = _parse_iso(text)
    if result is not None:
        return _checked(result if _is_aware(result) else result.replace(tzinfo=tz))
    return _checked(_parse_natural(text, tz, relative_base))


_RELATIVE = re.compile(
    r"منذ|قبل\s|\bago\b|أمس|امس|البارحة|اليوم|الآن|الان|\byesterday\b|\btoday\b|\bnow\b"
    r"|\bjust\b|\blast\b",
    re.IGNORECASE,
)


def looks_relative(value: str) -> bool:
    """True for dates that count from the moment they are read (``منذ 3 ساعات``,
    ``أمس``, ``2 hours ago``): re-reading them later gives another time, so a
    remote page's relative date is better replaced by the time first seen."""
    return bool(_RELATIVE.search(value))


def format_rfc822(dt: datetime) -> str:
    """Format an aware datetime for RSS, in UTC: ``Thu, 12 Dec 2024 10:00:00 GMT``."""
    _require_aware(dt)
    return format_datetime(dt.astimezone(UTC), usegmt=True)


def format_rfc3339(dt: datetime) -> str:
    """Format an aware datetime for Atom/JSON Feed, in UTC to the second: ``2024-12-12T10:00:00Z``."""
    _require_aware(dt)
    return dt.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def _require_aware(dt: datetime) -> None:
    if not _is_aware(dt):
        raise ValueError(f"naive datetime {dt.isoformat()}: a timezone is required")


def _is_aware(dt: datetime) -> bool:
    return dt.tzinfo is not None and dt.utcoffset() is not None


def _checked(dt: datetime | None) -> datetime | None:
    if dt is None or not MIN_YEAR <= dt.year <= MAX_YEAR:
        return None
    return dt


def _parse_rfc822(text: str) -> datetime | None:
    match = _RFC822.fullmatch(text)
    if match is None:
        return None
    zone = match["zone"]
    if zone is not None:
        # email.utils silently drops a "+04:00" offset and unknown zone names.
        text = text[: match.start("zone")] + _COLON_OFFSET.sub(r"\1\2", zone)
    try:
        result = parsedate_to_datetime(text)
    except (ValueError, TypeError, IndexError, OverflowError):
        return None
    if result.tzinfo is None and zone is not None and zone != "-0000":
        return None  # a zone email.utils does not know ("CET"): let dateparser read it
    return result  # naive for "-0000" or no zone: the caller reads it in tz


def _parse_iso(text: str) -> datetime | None:
    if not text[:4].isdigit():
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _parse_natural(text: str, tz: ZoneInfo, relative_base: datetime | None) -> datetime | None:
    text, offset = _split_zone(text)
    if not text:
        return None
    # The text's wall clock is in ``offset`` if it gave one, else in tz; so is the base.
    base = relative_base
    if offset is not None and base is None:
        base = datetime.now(offset)
    if base is not None:
        base = (base if _is_aware(base) else base.replace(tzinfo=tz)).astimezone(offset or tz)
        base = base.replace(tzinfo=None)
    zone_name = tz.key or str(tz)
    for gregorian in _gregorian(text):
        for candidate in _candidates(gregorian):
            for locale in _LOCALES:
                result = _dateparser(candidate, locale, zone_name, base)
                if result is not None:
                    # dateparser gives the wall clock in tz (pytz-aware): re-attach our zone.
                    return result.replace(tzinfo=offset or tz)
    return None


def _gregorian(text: str) -> list[str]:
    """The text in the Gregorian calendar, best reading first; none when its only
    date is a Hijri date hijridate cannot convert."""
    text = _GREGORIAN_MARK.sub(r"\g<date>", text)
    found = list(_HIJRI.finditer(text))
    if not found:
        return [text]
    readings = []
    rest = _AGREEING.sub(" ", _HIJRI.sub(" ", text))
    if _YEAR.search(rest):  # a dual date: its Gregorian side, also without words before it
        words = rest.split()  # («الرباط في 12 جمادى الآخرة 1446 هـ الموافق 14 دجنبر 2024 م»)
        readings.append(rest)
        readings.extend(" ".join(words[n:]) for n in range(1, min(len(words) - 1, _LEAD_WORDS + 1)))
    converted = [_hijri_to_iso(match) for match in found]
    days = [day for day in converted if day is not None]
    if len(days) == len(found):
        # In place, so that a time or weekday around it still counts; then alone.
        each = iter(days)
        readings.append(_HIJRI.sub(lambda _: f" {next(each)} ", text))
        readings.append(days[0])
    return readings


def _hijri_to_iso(match: re.Match[str]) -> str | None:
    """The Gregorian day of a Hijri date match, as ``YYYY-MM-DD``; None out of range."""
    if match["year"] is not None:
        year, day = int(match["year"]), int(match["day"])
        month = next(n for n in range(1, 13) if match[f"m{n}"] is not None)
    elif match["yfirst"] is not None:
        year, month, day = int(match["yfirst"]), int(match["mfirst"]), int(match["dlast"])
    else:
        year, month, day = int(match["ylast"]), int(match["mmid"]), int(match["dfirst"])
    from hijridate import Hijri  # only when a Hijri date is met

    try:
        return Hijri(year, month, day).to_gregorian().isoformat()
    except (ValueError, OverflowError):  # out of 1343-1500 AH, or no such day
        return None


def _split_zone(text: str) -> tuple[str, tzinfo | None]:
    """Remove a trailing zone ("GMT+0400", "(توقيت مكة)", "+03:00") and return its offset."""
    match = _ZONE.search(text)
    if match is None:
        return text, None
    rest = text[: match.start()].rstrip()
    minutes = 0
    if match["name"] is not None:
        minutes = _ZONE_NAMES[_SPACES.sub(" ", match["name"].lower())]
        if match["offset"] is not None:
            minutes += _offset_minutes(match["offset"])
    elif _ENDS_WITH_TIME.search(rest):  # a bare "+0400" counts only right after a time
        minutes = _offset_minutes(match["bare"])
    else:
        return text, None
    if abs(minutes) >= 24 * 60:
        return text, None
    return rest, UTC if minutes == 0 else timezone(timedelta(minutes=minutes))


def _offset_minutes(offset: str) -> int:
    sign = -1 if offset.startswith("-") else 1
    digits = offset[1:].replace(":", "").replace(" ", "")
    hours, mins = (digits, "0") if len(digits) <= 2 else (digits[:-2], digits[-2:])
    return sign * (int(hours) * 60 + int(mins))


def _candidates(text: str) -> Iterator[str]:
    """The strings worth giving dateparser, best first."""
    for pattern, replacement in _FIXES:
        text = pattern.sub(replacement, text)
    seen: set[str] = set()
    for part in _label_parts(text):
        for candidate in _dual_parts(part):
            candidate = _SPACES.sub(" ", candidate).strip(" -–|،,:")
            if candidate and candidate not in seen:
                seen.add(candidate)
                yield candidate


def _label_parts(text: str) -> list[str]:
    """ "نشر في X آخر تحديث Y": first X and Y together, then X, then Y."""
    parts = [p for p in _LABEL.split(text) if p.strip(" -–|،,:")]
    return [" ".join(parts), *parts] if len(parts) > 1 else parts


def _dual_parts(text: str) -> list[str]:
    if _DUAL.search(text) is None:
        return [text]

    def half(which: str) -> Callable[[re.Match[str]], str]:
        return lambda match: next(
            found for key in (which, f"{which}2", f"{which}3") if (found := match[key])
        )

    return [_DUAL.sub(half("second"), text), _DUAL.sub(half("first"), text)]


def _dateparser(text: str, locale: str, zone_name: str, base: datetime | None) -> datetime | None:
    try:
        data = _parser(locale, zone_name, base).get_date_data(text)
    except Exception:  # dateparser raises assorted errors on odd input; a bad date is just None
        return None
    result = data.date_obj
    if not isinstance(result, datetime):
        return None
    parts = getattr(data, "parts", None)  # dateparser >= 1.5: which parts the text gave
    if parts is None:
        parts = ("year", "month", "day") if data.period in ("day", "time") else ()
    # Month and day must come from the text ("ديسمبر 2024" or a lone "12" is not a date),
    # and a text without letters must give the year too ("1 1" is not a date).
    if "day" not in parts or "month" not in parts:
        return None
    if "year" not in parts and _LETTERS.search(text) is None:
        return None
    return result


@functools.lru_cache(maxsize=64)
def _parser(locale: str, zone_name: str, base: datetime | None) -> Any:
    from dateparser.date import DateDataParser  # slow import: only when first needed

    settings: dict[str, Any] = {
        "TIMEZONE": zone_name,
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "past",
    }
    if base is not None:
        settings["RELATIVE_BASE"] = base
    language = locale.split("-")[0]
    locales = [locale] if "-" in locale else None
    return DateDataParser(languages=[language], locales=locales, settings=settings)
