"""Dates as digests print them ("Mar 12", "Nov 25, 2021", "2025-03-12") -> ISO strings.

HF pages omit the year for recent dates, so a year-less date means the most recent such day not
after a reference day (the digest's date, else the import day). Feb 29 walks back to a leap year.
"""

from __future__ import annotations

import datetime as _dt
import re

MONTHS: dict[str, int] = {}
for _i, _name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"),
    start=1,
):
    MONTHS[_name] = _i
    MONTHS[_name[:3]] = _i
MONTHS["sept"] = 9

_MONTH_RE = r"(?P<mon>[A-Za-z]{3,9})\.?"
# "Mar 12", "Mar 12, 2024", "March 12th 2024"; anchored, short-line only (callers check length).
MONTH_DAY = re.compile(_MONTH_RE + r"\s(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:,\s?(?P<year>\d{4}))?")
# "12 March 2024" (arXiv style) and ISO "2024-03-12".
DAY_MONTH_YEAR = re.compile(r"(?P<day>\d{1,2})\s(?P<mon>[A-Za-z]{3,9})\.?,?\s(?P<year>\d{4})")
ISO = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})")

MAX_DATE_LINE = 80


def month_number(name: str) -> int | None:
    return MONTHS.get(name.lower())


def resolve(month: int, day: int, year: int | None, ref: _dt.date) -> str | None:
    """ISO date; a year-less date is the latest such day on or before `ref`. None if impossible."""
    if year is not None:
        try:
            return _dt.date(year, month, day).isoformat()
        except ValueError:
            return None
    for y in range(ref.year, ref.year - 9, -1):  # 8 years always contain a Feb 29
        try:
            candidate = _dt.date(y, month, day)
        except ValueError:
            continue
        if candidate <= ref:
            return candidate.isoformat()
    return None


def from_iso(value: str | None) -> _dt.date | None:
    if not value:
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        return None


def parse_date(text: str, ref: _dt.date) -> str | None:
    """A whole string that is one date in any supported spelling, else None."""
    text = text.strip()
    if not text or len(text) > MAX_DATE_LINE:
        return None
    m = ISO.fullmatch(text)
    if m:
        return resolve(int(m["month"]), int(m["day"]), int(m["year"]), ref)
    m = MONTH_DAY.fullmatch(text)
    if m:
        mon = month_number(m["mon"])
        if mon is None:
            return None
        return resolve(mon, int(m["day"]), int(m["year"]) if m["year"] else None, ref)
    m = DAY_MONTH_YEAR.fullmatch(text)
    if m:
        mon = month_number(m["mon"])
        if mon is None:
            return None
        return resolve(mon, int(m["day"]), int(m["year"]), ref)
    return None


_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_FIND = re.compile(
    r"(?i)\b" + _WEEKDAY + r"(?:"
    r"(?P<iso>\d{4}-\d{2}-\d{2})"
    r"|(?P<d1>\d{1,2})\s(?P<m1>[a-z]{3,9})\.?,?\s(?P<y1>\d{4})"
    r"|(?P<m2>[a-z]{3,9})\.?\s(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?\s(?P<y2>\d{4})"
    r")\b"
)


def find_full_date(text: str) -> str | None:
    """The first date *with a year* inside a longer line ("new listings for Monday, 22 January 2024")."""
    for m in _FIND.finditer(text[:500]):
        if m["iso"]:
            value = parse_date(m["iso"], _dt.date.today())
        elif m["d1"]:
            mon = month_number(m["m1"])
            value = resolve(mon, int(m["d1"]), int(m["y1"]), _dt.date.today()) if mon else None
        else:
            mon = month_number(m["m2"])
            value = resolve(mon, int(m["d2"]), int(m["y2"]), _dt.date.today()) if mon else None
        if value:
            return value
    return None
