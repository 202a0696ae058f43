"""Parse the many date shapes found in Indonesian news data into naive datetimes.

:func:`parse_date` is forgiving: it accepts ISO 8601, unix timestamps and the
Indonesian and English "human" shapes publishers print, and returns ``None`` for
anything it cannot read — it never raises.

Accepted shapes (day names, "pukul" and time-zone words are ignored)::

    2019-09-10                      2019-09-10T14:00:00+07:00
    2019-09-10 14:00 WIB            31 Juli 2019 12:38:00
    Selasa, 20 Juli 2024            Senin, 20/07/2024 14:00 WIB
    Oct 2, 2019 / Oktober 19, 2019  2 Oct 2019 / 10-Sep-19 23:04
    20/07/2024 (day first)          1562745600 (unix seconds, UTC)

Aware datetimes keep their wall-clock time and lose their ``tzinfo`` (the
article's own local time); unix timestamps are read as UTC.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

__all__ = ["MONTHS", "parse_date"]

#: Month names and abbreviations (Indonesian and English), lower-cased.
MONTHS: dict[str, int] = {
    "januari": 1, "january": 1, "jan": 1,
    "februari": 2, "pebruari": 2, "february": 2, "feb": 2, "peb": 2,
    "maret": 3, "march": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "agustus": 8, "august": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nov": 11, "nop": 11,
    "desember": 12, "december": 12, "des": 12, "dec": 12,
}

#: Words that carry no date information: day names, "pukul", time-zone words.
_IGNORED: frozenset[str] = frozenset({
    "senin", "selasa", "rabu", "kamis", "jumat", "jum'at", "sabtu", "minggu", "ahad",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "pukul", "jam", "wib", "wita", "wit", "gmt", "utc", "z",
})

# Unix timestamps between 1970 and 2100, in seconds.
_MAX_UNIX = 4_102_444_800
_UNIX_RE = re.compile(r"\d{10}(?:\.\d+)?|\d{13}")
_TIME_RE = re.compile(
    r"(?<![\d:])(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?:\.\d+)?\s*(am|pm|a\.m\.|p\.m\.)?"
    r"(?:\s*[+-]\d{2}:?\d{2})?(?![\d:])"
)
_ZONE_OFFSET_RE = re.compile(r"\b(?:gmt|utc)\s*[+-]\s*\d{1,2}(?::?\d{2})?\b")
# The shapes publishers print most, read in one match (a fast path; anything else
# goes through the general token reader below).
_COMMON_RE = re.compile(
    r"""^(?:(?P<dayname>[a-z']+),?\s+)?
    (?:(?P<y1>\d{4})[-/.](?P<m1>\d{1,2})[-/.](?P<d1>\d{1,2})
     |(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<c>\d{4}|\d{2})
     |(?P<d2>\d{1,2})[\s-]+(?P<mon2>[a-z]+)\.?[\s,-]+(?P<y2>\d{4}|\d{2})
     |(?P<mon3>[a-z]+)\.?\s+(?P<d3>\d{1,2}),?\s+(?P<y3>\d{4}))
    (?:[,\st]+(?:pukul\s+)?(?P<hh>\d{1,2})[:.](?P<mm>\d{2})(?:[:.](?P<ss>\d{2}))?)?
    \s*(?:z|[+-]\d{2}:?\d{2}|(?:wib|wita|wit|gmt|utc)(?:\s*[+-]\s*\d{1,2}(?::?\d{2})?)?)?$""",
    re.X,
)
_SPLIT_RE = re.compile(r"[\s,/\-.]+")
_DATE_PART_RE = re.compile(r"\d{1,4}[/\-.]\d{1,2}[/\-.]\d{1,4}")


def parse_date(value: object, *, dayfirst: bool = True) -> datetime | None:
    """Return ``value`` as a naive :class:`datetime`, or ``None`` if it is not a date.

    ``value`` may be a :class:`datetime`, a :class:`date`, a unix timestamp
    (int/float seconds, or a 10-digit string; 13 digits are read as
    milliseconds) or a string in one of the shapes listed in the module
    docstring. All-numeric dates such as ``07/08/2024`` are read day first
    (the Indonesian order) unless ``dayfirst`` is false; a part above 12 decides
    the order on its own (``10/21/2025`` is 21 October).

    >>> parse_date("Senin, 20/07/2024 14:00 WIB")
    datetime.datetime(2024, 7, 20, 14, 0)
    >>> parse_date("bukan tanggal") is None
    True
    """
    try:
        return _parse(value, dayfirst)
    except (ValueError, OverflowError, OSError, TypeError):
        return None


def _parse(value: object, dayfirst: bool) -> datetime | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return _naive(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, (int, float)):
        return _from_unix(float(value))
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    if _UNIX_RE.fullmatch(text):
        number = float(text)
        return _from_unix(number / 1000 if len(text) == 13 else number)
    try:
        return _naive(datetime.fromisoformat(text))
    except ValueError:
        pass
    return _parse_human(text.lower(), dayfirst)


def _naive(value: datetime) -> datetime:
    """Drop ``tzinfo``, keeping the wall-clock time (``replace`` is slow: skip it when naive)."""
    return value if value.tzinfo is None else value.replace(tzinfo=None)


def _from_unix(seconds: float) -> datetime | None:
    if 1e12 <= abs(seconds) < 1e14:  # milliseconds
        seconds /= 1000
    if not 0 <= seconds < _MAX_UNIX:
        return None
    return datetime.fromtimestamp(seconds, tz=timezone.utc).replace(tzinfo=None)


def _parse_human(text: str, dayfirst: bool) -> datetime | None:
    match = _COMMON_RE.match(text)
    if match is not None and (match["dayname"] is None or match["dayname"] in _IGNORED):
        parsed = _from_common(match, dayfirst)
        if parsed is not None:
            return parsed
    return _parse_tokens(text, dayfirst)


def _from_common(match: re.Match[str], dayfirst: bool) -> datetime | None:
    if match["y1"]:
        year, month, day = int(match["y1"]), int(match["m1"]), int(match["d1"])
    elif match["a"]:
        year, month, day = _numeric_ymd(match["a"], match["b"], match["c"], dayfirst)
    else:
        name = match["mon2"] or match["mon3"]
        if name not in MONTHS:
            return None
        month = MONTHS[name]
        day = int(match["d2"] or match["d3"])
        year = _year(match["y2"] or match["y3"])
    hour = int(match["hh"] or 0)
    return datetime(year, month, day, hour, int(match["mm"] or 0), int(match["ss"] or 0))


def _parse_tokens(text: str, dayfirst: bool) -> datetime | None:
    text = text.replace("t", " ", 1) if re.match(r"\d{4}-\d{2}-\d{2}t", text) else text
    text = _ZONE_OFFSET_RE.sub(" ", text)
    hour = minute = second = 0
    found = _find_time(text)
    if found is not None:
        (hour, minute, second), (start, end) = found
        text = f"{text[:start]} {text[end:]}"
    tokens = [t for t in _SPLIT_RE.split(text) if t and t.strip("'") not in _IGNORED]
    if len(tokens) != 3:
        return None
    ymd = _date_from_tokens(tokens, dayfirst)
    if ymd is None:
        return None
    year, month, day = ymd
    return datetime(year, month, day, hour, minute, second)


def _find_time(text: str) -> tuple[tuple[int, int, int], tuple[int, int]] | None:
    """Find a clock time, skipping dotted dates such as ``20.07.2024``."""
    for match in _TIME_RE.finditer(text):
        if _inside_date(text, match.start(), match.end()):
            continue
        hour, minute = int(match.group(1)), int(match.group(2))
        second = int(match.group(3) or 0)
        meridiem = (match.group(4) or "").replace(".", "")
        if meridiem == "pm" and hour < 12:
            hour += 12
        elif meridiem == "am" and hour == 12:
            hour = 0
        return (hour, minute, second), match.span()
    return None


def _inside_date(text: str, start: int, end: int) -> bool:
    return any(m.start() <= start and end <= m.end() for m in _DATE_PART_RE.finditer(text))


def _date_from_tokens(tokens: list[str], dayfirst: bool) -> tuple[int, int, int] | None:
    named = [i for i, t in enumerate(tokens) if t in MONTHS]
    if len(named) > 1:
        return None
    if named:
        index = named[0]
        month = MONTHS[tokens[index]]
        rest = [t for i, t in enumerate(tokens) if i != index]
        if not all(t.isdigit() for t in rest):
            return None
        first, last = rest
        if index == 0:  # "Oct 2 2019"
            day, year = first, last
        elif index == 1 and len(first) == 4:  # "2019 Oct 2"
            year, day = first, last
        elif index == 1:  # "2 Oct 2019", "10-Sep-19"
            day, year = first, last
        else:  # "2019 2 Oct" is not a shape anyone prints
            return None
        return _year(year), month, int(day)
    if not all(t.isdigit() for t in tokens):
        return None
    a, b, c = tokens
    if len(a) == 4:
        return int(a), int(b), int(c)
    if len(c) not in (2, 4):
        return None
    return _numeric_ymd(a, b, c, dayfirst)


def _numeric_ymd(a: str, b: str, year: str, dayfirst: bool) -> tuple[int, int, int]:
    """Order two numeric date parts: day first unless that is impossible or not wanted."""
    first, second = int(a), int(b)
    if first > 12 or (dayfirst and second <= 12):
        return _year(year), second, first
    return _year(year), first, second


def _year(token: str) -> int:
    """A four-digit year, or a two-digit one read the way ``strptime('%y')`` does."""
    year = int(token)
    if len(token) <= 2:
        year += 2000 if year < 69 else 1900
    return year
