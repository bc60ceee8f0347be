"""Per-paper metadata lines of HF pages: "• 8 authors", "·", "Dec 13, 2024 13", "Published on Jan 3".

Every pattern is anchored and only tried on short lines, so a 5 MB line costs one length check.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from readq.digest import dates

MAX_META = 120

# Bullets as pages, editors and converters print them: • · * - ● ◦ ▪ ‣ ∙ ○ ■
AUTHORS_COUNT = re.compile(r"[•·*\-●◦▪‣∙○■]?\s*(?P<n>\d{1,5})\s+authors?", re.IGNORECASE)
SEPARATORS = frozenset({"·", "•", "-", "|", "—", "●", "∙"})
# "Dec 13, 2024 13" / "May 28 7" / "Published on Jan 3" / "Published on Jan 3, 2025".
HF_DATE = re.compile(
    r"(?:(?:Published|Submitted)(?:\s+on)?:?\s+)?"
    r"(?P<mon>[A-Za-z]{3,9})\.?\s(?P<day>\d{1,2})(?:,\s?(?P<year>\d{4}))?(?:\s+(?P<votes>\d{1,7}))?",
    re.IGNORECASE,
)
UPVOTES = re.compile(r"(?:[-*+]\s+)?(?:[▲⬆↑]\s*)?(?P<n>\d[\d,]{0,9})\s+upvotes?", re.IGNORECASE)
UPVOTES_LABEL = re.compile(r"upvotes?\s*[:=]?\s*(?P<n>\d[\d,]{0,9})", re.IGNORECASE)
STARS = re.compile(r"(?:★|⭐|☆|stars?:?)\s*\d[\d.,]*\s*[kKmM]?|\d[\d.,]*\s*[kKmM]?\s*(?:★|⭐|stars?)", re.IGNORECASE)


@dataclass(frozen=True)
class DateInfo:
    published: str | None
    upvotes: int | None


def authors_count(line: str) -> int | None:
    s = line.strip()
    if len(s) > MAX_META:
        return None
    m = AUTHORS_COUNT.fullmatch(s)
    return int(m["n"]) if m else None


def is_separator(line: str) -> bool:
    return line.strip() in SEPARATORS


def hf_date(line: str, ref: _dt.date) -> DateInfo | None:
    """An HF date line; the trailing number is the upvote count, unless it reads as a year."""
    s = line.strip()
    if len(s) > MAX_META:
        return None
    m = HF_DATE.fullmatch(s)
    if not m:
        return None
    mon = dates.month_number(m["mon"])
    if mon is None:
        return None
    year = int(m["year"]) if m["year"] else None
    votes = int(m["votes"]) if m["votes"] else None
    if year is None and votes is not None and 1990 <= votes <= 2100 and len(m["votes"]) == 4:
        year, votes = votes, None  # "May 28 2024": a year written without the comma
    published = dates.resolve(mon, int(m["day"]), year, ref)
    if published is None and not (1 <= int(m["day"]) <= 31):
        return None
    return DateInfo(published, votes)


def upvotes(line: str) -> int | None:
    s = line.strip()
    if len(s) > MAX_META:
        return None
    m = UPVOTES.fullmatch(s) or UPVOTES_LABEL.fullmatch(s)
    return int(m["n"].replace(",", "")) if m else None


def is_stars(line: str) -> bool:
    s = line.strip()
    return len(s) <= 40 and STARS.fullmatch(s) is not None


# Characters a metadata line can start with (after stripping): separators and the bullets, signs
# and arrows above, decimal digits (checked apart), and the letters that start a month name,
# "Published"/"Submitted" or "upvotes", in either case; "ſ" because IGNORECASE lets it match "s".
_META_START = frozenset("·•-|—*+▲⬆↑●◦▪‣∙○■JFMASONDPUjfmasondpuſ")
# Any line a metadata pattern fully matches; a cheap C-level reject before the exact checks.
_ANY_META = re.compile(
    "|".join(re.sub(r"\(\?P<\w+>", "(?:", p.pattern) for p in (AUTHORS_COUNT, HF_DATE, UPVOTES, UPVOTES_LABEL)),
    re.IGNORECASE,
)


def could_be_meta(s: str) -> bool:
    """Cheap necessary condition for `is_meta_line` on a stripped line: its length and first character."""
    return 0 < len(s) <= MAX_META and (s[0] in _META_START or s[0].isdecimal())


def could_match(s: str) -> bool:
    """Whether any of the author-count, date or upvote patterns fully matches the stripped line."""
    return _ANY_META.fullmatch(s) is not None


def is_meta_line(line: str, ref: _dt.date) -> bool:
    """A line that only HF metadata looks like (never a title or abstract).

    Tried on every line of a digest, so most lines are rejected by length, first character or
    one combined regex before the exact (slower) checks run.
    """
    s = line.strip()
    if not could_be_meta(s):
        return False
    if s in SEPARATORS:
        return True
    if not could_match(s):
        return False
    return authors_count(s) is not None or hf_date(s, ref) is not None or upvotes(s) is not None


def org_display_name(line: str) -> str:
    """HF prints `<org slug> <Display Name>` ("AlibabaTongyiLab TongyiLab"); keep the display name."""
    parts = line.split()
    if len(parts) >= 2:
        return " ".join(parts[1:])
    return parts[0] if parts else ""


_COUNT = re.compile(r"(?P<n>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(?P<unit>[kKmM]?)")


def count(text: str) -> int | None:
    """A displayed count: `117`, `1,204`, `1.09k` (1090), `2.3M`; None when `text` is not one."""
    m = _COUNT.fullmatch(text.strip())
    if m is None:
        return None
    value = float(m["n"].replace(",", ""))
    value *= {"": 1, "k": 1_000, "m": 1_000_000}[m["unit"].lower()]
    return int(round(value))
