"""One Hugging Face paper page (huggingface.co/papers/<id>) copied as plain text.

The page prints, one item per line: "arxiv:2604.14125", the title, "Published on Apr 15", the
submitter and vote box ("Submitted by" / user / "on Apr 16" / "Upvote" / "1.09k"), "Authors:"
with one name per line between lines holding only "," (and "+41 authors" for the rest), then
"Abstract" and the abstract, then the page's buttons ("View arXiv page", "View PDF", "GitHub",
"Add to collection") and "Community", below which comments, similar papers and citing models are
mentions, not the page's paper. Copied as text there are no links, so the "arxiv:" line is what
identifies both the page and the paper. A file is read this way only when an "arxiv:" line
comes first among its first lines of content and an "Abstract" line follows it.
"""

from __future__ import annotations

import re

from readq.digest import dates, meta
from readq.digest.context import Context, Draft
from readq.digest.furniture import is_furniture
from readq.model import Entry

HEAD_LINES = 80
_ID_LINE = re.compile(r"arxiv:\s?(?P<id>\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?", re.IGNORECASE)
_PUBLISHED = re.compile(r"Published on (?P<date>.+)", re.IGNORECASE)
_MORE_AUTHORS = re.compile(r"\+\s?(?P<n>\d{1,5}) authors?", re.IGNORECASE)
_VOTES_DELTA = re.compile(r"\+[\d,.]+k?")
_END = frozenset({"view arxiv page", "view pdf", "add to collection", "community", "github", "project page",
                  "models citing this paper", "datasets citing this paper", "spaces citing this paper",
                  "collections including this paper"})


def _lines(text: str) -> list[tuple[int, str]]:
    return [(n, s) for n, raw in enumerate(text.split("\n"), start=1) if (s := raw.strip())]


def looks_like(text: str) -> bool:
    """An "arxiv:ID" line among the first lines of content, before any long line, then "Abstract"."""
    head = _lines(text[:20_000])[:HEAD_LINES]
    for k, (_, s) in enumerate(head):
        if len(s) > 300:
            return False
        if _ID_LINE.fullmatch(s):
            after = [t for _, t in head[k + 1:]]
            if any(_ID_LINE.fullmatch(t) for t in after):
                return False  # a list of papers (an arXiv mailing), not one paper's page
            return any(t.casefold() == "abstract" for t in after) or "\nAbstract\n" in text[:50_000]
    return False


def parse(text: str, ctx: Context) -> tuple[list[Entry], str]:
    """The page's one paper; none when the page has no title after its "arxiv:" line."""
    lines = _lines(text)
    k = next((i for i, (_, s) in enumerate(lines) if _ID_LINE.fullmatch(s)), None)
    if k is None:
        return [], "hf-paper"
    aid = _ID_LINE.fullmatch(lines[k][1])["id"]  # type: ignore[index]
    rest = lines[k + 1:]
    title_at = next((i for i, (_, s) in enumerate(rest) if not is_furniture(s) and s.casefold() != "papers"), None)
    if title_at is None:
        return [], "hf-paper"
    line, title = rest[title_at]
    draft = Draft(title=title, line=line, arxiv_id=aid, has_meta=True)
    names: list[str] = []
    state = "meta"
    for i in range(title_at + 1, len(rest)):
        n, s = rest[i]
        low = s.casefold()
        if state == "abstract":
            if low in _END:
                break
            draft.abstract.append(s)
            continue
        if low == "abstract":
            state = "abstract"
            continue
        if low in ("authors:", "authors"):
            state = "authors"
            continue
        m = _PUBLISHED.fullmatch(s)
        if m:
            draft.published = dates.parse_date(m["date"], ctx.ref) or dates.find_full_date(m["date"])
            continue
        if low == "upvote" and i + 1 < len(rest):
            draft.upvotes = meta.count(rest[i + 1][1])
            continue
        m = _MORE_AUTHORS.fullmatch(s)
        if m:
            draft.authors_count = len(names) + int(m["n"])
            continue
        if state == "authors" and s not in (",", "·") and not _VOTES_DELTA.fullmatch(s) and len(s) <= 80:
            names.append(s.rstrip(","))
    draft.authors = tuple(names)
    if names and draft.authors_count is None:
        draft.authors_count = len(names)
    return ctx.finish_all([draft], "paper page"), "hf-paper"
