"""Hugging Face listing cards flattened to one line each, as text extractors write them.

An extractor that keeps a card's text but not its layout (trafilatura, a "copy text" add-on)
writes each card of the daily or trending page as one line::

    Submitted by taesiri 1.09k DeepSeek-V4: Scaling Sparse Attention to Million-Token Contexts · 45 authors 4

(the submitter, the votes, the title, the author count after "·", the comment count). A line is
read only in that form; a card that names an organisation instead ("… Talking Videos Meituan
LongCat 2") cannot be split into title and organisation without the layout, so it is skipped
with a warning rather than imported with a wrong title. Such a page has no abstracts.
"""

from __future__ import annotations

import re

from readq.digest import meta
from readq.digest.context import Context, Draft
from readq.model import Entry

SAMPLE = 200_000
MIN_CARDS = 2
_CARD = re.compile(
    r"[ \t]*Submitted by[ \t]+(?P<user>\S{1,60})[ \t]+(?P<votes>\d[\d.,]*k?|-)[ \t]+(?P<title>\S.{3,400}?)"
    r"[ \t]+·[ \t]+(?P<authors>\d{1,5})[ \t]+authors?(?:[ \t]+\d{1,6})?[ \t]*",
    re.IGNORECASE,
)
_ANY_CARD = re.compile(r"^[ \t]*Submitted by[ \t]+\S+[ \t]+(?:\d[\d.,]*k?|-)[ \t]+\S.{3,}$", re.IGNORECASE | re.MULTILINE)


def looks_like(text: str) -> bool:
    """At least two one-line cards ("Submitted by USER VOTES TITLE …") in the sample."""
    return len(_ANY_CARD.findall(text[:SAMPLE], 0)) >= MIN_CARDS


def parse(lines: list[str], ctx: Context) -> tuple[list[Entry], str]:
    """One paper per flattened card with an author count; cards naming an org are skipped."""
    drafts: list[Draft] = []
    for number, line in enumerate(lines, start=1):
        if "Submitted by" not in line and "submitted by" not in line.lower():
            continue
        m = _CARD.fullmatch(line)
        if m is None:
            if _ANY_CARD.match(line):
                ctx.warn(number, "a card without its layout whose title and organisation cannot be told apart; skipped")
            continue
        votes = meta.count(m["votes"]) if m["votes"] != "-" else None
        drafts.append(Draft(title=m["title"].strip(), line=number, authors_count=int(m["authors"]),
                            upvotes=votes, has_meta=True))
    if len(drafts) < MIN_CARDS:
        return [], "hf-flat"
    return ctx.finish_all(drafts, "listing"), "hf-flat"
