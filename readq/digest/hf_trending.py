"""Text copied from HF "Trending Papers" / paper search pages.

Each card reads: title, then "Published on Jan 3[, 2025]", "· 5 authors", "· Submitted by x",
then the abstract snippet, then trailing counters ("GitHub", "★ 1.2k", "Upvote", "42").
A title is therefore the text line right before a *leading* metadata line; other text lines are
abstract. Star counts have no field in `Entry` and are dropped; a bare number is the upvote count.
"""

from __future__ import annotations

import re

from readq.digest import dates, meta
from readq.digest.context import Context, Draft
from readq.digest.furniture import is_furniture
from readq.digest.links import arxiv_id_from_label
from readq.digest.prose import collapse, looks_truncated
from readq.model import Entry

CHROME = frozenset(
    s.casefold()
    for s in (
        "GitHub", "Code", "arXiv Page", "Upvote", "Upvotes", "Project page", "View paper", "Paper page",
        "Search any paper with AI", "Search any paper", "Sort by", "Trending", "Most recent",
        "Top", "Collections", "Add to collection",
    )
)
_SUBMITTED = re.compile(r"[·•]?\s*Submitted by\s+\S.{0,100}", re.I)
_PUBLISHED = re.compile(r"[·•]?\s*Published on\s+.{3,40}", re.I)
_NUMBER = re.compile(r"\d[\d,]{0,9}")


def _chrome(s: str) -> bool:
    return is_furniture(s) or collapse(s).casefold() in CHROME


def _leading(s: str, ctx: Context) -> bool:
    """Metadata that follows a title directly."""
    if len(s) > 140:
        return False
    return (
        _PUBLISHED.fullmatch(s) is not None
        or _SUBMITTED.fullmatch(s) is not None
        or meta.authors_count(s.lstrip("·• ")) is not None
    )


def _trailing(s: str) -> bool:
    return len(s) <= 40 and (meta.is_stars(s) or _NUMBER.fullmatch(s) is not None or meta.upvotes(s) is not None)


def parse(lines: list[str], ctx: Context) -> tuple[list[Entry], str]:
    body = [(i + 1, line.strip()) for i, line in enumerate(lines) if line.strip() and not _chrome(line)]
    drafts: list[Draft] = []
    cur: Draft | None = None
    last_abstract_line = 0
    for k, (number, s) in enumerate(body):
        if _leading(s, ctx):
            if cur is None:
                ctx.warn(number, f"metadata with no paper before it: {s[:60]!r}; skipped")
                continue
            s2 = s.lstrip("·• ")
            count = meta.authors_count(s2)
            if count is not None:
                cur.authors_count = count
            elif s2.lower().startswith("published"):
                info = meta.hf_date(s2, ctx.ref)
                if info:
                    cur.published = info.published
            cur.has_meta = True
            continue
        if _trailing(s):
            if cur is not None:
                votes = meta.upvotes(s)
                if votes is None and _NUMBER.fullmatch(s):
                    votes = int(s.replace(",", ""))
                if votes is not None:
                    cur.upvotes = votes
            continue
        nxt = body[k + 1][1] if k + 1 < len(body) else ""
        if _leading(nxt, ctx):
            if cur is not None:
                drafts.append(cur)
            cur = Draft(title=s, line=number)
            cur.arxiv_id = arxiv_id_from_label(s)
            continue
        if cur is None:
            if len(s) < 200:
                ctx.set_digest_date(dates.find_full_date(s))
            continue
        cur.abstract.append(s)
        last_abstract_line = number
    if cur is not None:
        drafts.append(cur)
    if drafts and drafts[-1].has_abstract and looks_truncated(drafts[-1].abstract[-1]):
        ctx.warn(last_abstract_line, "abstract looks cut off (truncated digest?)")
    return ctx.finish_all(drafts, "trending page"), "hf-trending"
