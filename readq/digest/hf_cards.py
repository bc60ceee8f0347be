"""Plain text of a listing whose cards show no abstract: today's HF daily page copied as text.

Each card starts with "Submitted by" (the submitter's name on the same or the next line); then
come the title and short metadata lines in the page's order: the vote count, the author count
(`· 45 authors`) or the organisation's name, the comment count. There are no links and no arXiv
IDs in such a copy, so a paper is its title plus that metadata, and the file gets one warning
that abstracts (and IDs) are missing. A card with a long paragraph is not this layout: the
parser then declines, and the text layouts with abstracts read the file.
"""

from __future__ import annotations

import re

from readq.digest import dates, meta
from readq.digest.context import Context, Draft
from readq.digest.furniture import is_furniture
from readq.model import Entry

MIN_CARDS = 2
SNIFF = 200_000
PROSE_MIN = 200  # a line this long is an abstract: not a card without one
_SUBMITTED = re.compile(r"submitted by\b[:\s]*(?P<user>\S.*)?", re.IGNORECASE)
_AUTHORS = re.compile(r"[·•\-\s]*(?P<n>\d{1,5})\s+authors?", re.IGNORECASE)
_COUNT = re.compile(r"-|\d[\d,.]*\s*[kKmM]?")


def looks_like(text: str) -> bool:
    """Several "Submitted by" lines near the start (checked on a bounded prefix)."""
    return text.count("Submitted by", 0, SNIFF) + text.count("submitted by", 0, SNIFF) >= MIN_CARDS


def parse(lines: list[str], ctx: Context) -> list[Entry] | None:
    """The cards' papers, or None when this is not a listing without abstracts."""
    starts = [i for i, s in enumerate(lines) if _SUBMITTED.fullmatch(s.strip())]
    if len(starts) < MIN_CARDS:
        return None
    for s in lines[: starts[0]]:
        day = dates.parse_date(s.strip(), ctx.today) if 0 < len(s.strip()) <= 20 else None
        if day:
            ctx.set_digest_date(day)
    drafts: list[Draft] = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        draft = _card(lines, start, end)
        if draft is False:
            return None
        if draft is not None:
            drafts.append(draft)
    if len(drafts) < MIN_CARDS:
        return None
    ctx.note("cards with \"Submitted by\", no links or abstracts (a page copied as text)")
    return ctx.finish_all(drafts, "page")


def _card(lines: list[str], start: int, end: int) -> Draft | None | bool:
    """One card's draft; None for a card without a title; False when the card holds prose."""
    user = _SUBMITTED.fullmatch(lines[start].strip())["user"]  # type: ignore[index]
    body = [(i, lines[i].strip()) for i in range(start + 1, end) if lines[i].strip()]
    if user is None and body and len(body[0][1].split()) == 1:
        body = body[1:]  # the submitter's name on its own line
    if any(len(s) >= PROSE_MIN for _, s in body):
        return False
    draft: Draft | None = None
    counts: list[int | None] = []
    for i, s in body:
        if is_furniture(s):
            continue
        m = _AUTHORS.fullmatch(s)
        if m:
            if draft is not None:
                draft.authors_count, draft.has_meta = int(m["n"]), True
            continue
        if _COUNT.fullmatch(s):
            counts.append(meta.count(s) if s != "-" else None)
            continue
        if draft is None:
            draft = Draft(title=s, line=i + 1)
        elif draft.org is None and len(s) <= 60 and not draft.authors_count:
            draft.org, draft.has_meta = s, True
    if draft is None:
        return None
    if counts:
        draft.upvotes, draft.has_meta = counts[0], True  # the vote count comes before the comment count
    return draft if draft.has_meta else None
