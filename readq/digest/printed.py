"""Pages printed to PDF and turned back into text (pdftotext, a PDF reader's copy): the page
breaks carry the browser's running header and footer.

Each printed page adds a header ("6/15/26, 9:00 AM   Daily Papers - Hugging Face") and a footer
(the page's URL and "2/9"), and pdftotext puts a form feed between pages. Read as they are, they
become phantom papers or get glued to titles. They are found by their structure, not their
words: footers are lines ending in a page counter "N/M" (or "Page N of M") whose M is the same
on every page, and headers are lines repeated at least three times that sit right next to a page
break (a footer or a form feed). Both become blank lines, so line numbers still point into the
file; form feeds become line breaks.
"""

from __future__ import annotations

import re
from collections import Counter

_COUNTER = re.compile(r"(?:.*\S[ \t]+)?(?:Page[ \t]+)?(\d{1,4})[ \t]*(?:/|of)[ \t]*(\d{1,4})[ \t]*")
MIN_PAGES = 2
MAX_FURNITURE = 300  # characters: a header or footer is one short line


def _counter(line: str) -> tuple[int, int] | None:
    if len(line) > MAX_FURNITURE:
        return None
    m = _COUNTER.fullmatch(line.strip())
    if m is None:
        return None
    n, total = int(m[1]), int(m[2])
    return (n, total) if 1 <= n <= total else None


_HINT = re.compile(r"[ \t]\d{1,4}[ \t]*/[ \t]*\d{1,4}[ \t]*$|^[ \t]*Page[ \t]+\d{1,4}[ \t]+of[ \t]+\d{1,4}[ \t]*$",
                   re.MULTILINE)
_HINT_SAMPLE = 50_000


def might_be_printed(text: str) -> bool:
    """Cheap: a form feed in the first 2 MB (a printed page has one at every page break), or a
    page counter at a line end in the first 50 kB."""
    return "\f" in text[:2_000_000] or _HINT.search(text[:_HINT_SAMPLE]) is not None


def strip_page_furniture(text: str) -> str | None:
    """`text` without the running headers and footers of a printed page, or None when it shows no
    page breaks (fewer than two footers with the same page count, and no form feed)."""
    if not might_be_printed(text):
        return None
    lines = text.split("\n")
    feeds = {i for i, ln in enumerate(lines) if "\f" in ln}
    if feeds:
        lines = [ln.replace("\f", "") if i in feeds else ln for i, ln in enumerate(lines)]
    counters = {i: c for i, ln in enumerate(lines) if "/" in ln or "Page" in ln if (c := _counter(ln)) is not None}
    totals = Counter(total for _, total in counters.values())
    total, seen = totals.most_common(1)[0] if totals else (0, 0)
    footers = {i for i, (n, t) in counters.items() if t == total} if seen >= MIN_PAGES else set()
    if not footers and len(feeds) < MIN_PAGES - 1:
        return None
    breaks = footers | feeds
    repeats = Counter(s for ln in lines if 0 < len(s := ln.strip()) <= MAX_FURNITURE)
    near: Counter[str] = Counter()
    for j in sorted({j for i in breaks for j in range(max(0, i - 2), min(len(lines), i + 3))} - footers):
        s = lines[j].strip()
        if s and repeats[s] >= 3:
            near[s] += 1
    # A running header sits at (almost) every one of its occurrences next to a page break; a
    # metadata line that happens to ("· 5 authors") mostly does not.
    headers = {s for s, k in near.items() if k >= MIN_PAGES and k >= 0.8 * repeats[s] and any(c.isalnum() for c in s)}
    if not footers and not headers and not feeds:
        return None
    return "\n".join("" if i in footers or ln.strip() in headers else ln for i, ln in enumerate(lines))
