"""Hugging Face pages that list papers as items: collections, organisation and user pages.

Such a page prints each paper as its title, then an item line::

    VideoMamba: State Space Model for Efficient Video Understanding
    Paper • 2403.06977 • Published Mar 11, 2024 • 29

(the kind, the arXiv ID, the date, the votes), between items of other kinds ("Text Generation •
Updated Jun 21, 2024 • 52 • 14" for a model) that are not papers. The item line names the paper;
its title is the nearest line of text above it. Copied as text the page has no abstracts.
"""

from __future__ import annotations

import re

from readq.digest import dates, meta
from readq.digest.context import Context, Draft
from readq.digest.furniture import is_furniture
from readq.model import Entry

SAMPLE = 200_000
ITEM = re.compile(
    r"[ \t]*Paper[ \t]*[•·][ \t]*(?P<id>\d{4}\.\d{4,5})(?:[ \t]*[•·][ \t]*Published[ \t]+(?P<date>[^•·\n]+?))?"
    r"(?:[ \t]*[•·][ \t]*(?P<votes>[\d.,]+k?))?[ \t]*",
    re.IGNORECASE,
)
# Items of other kinds: "Text Generation • Updated Jun 21, 2024 • 52 • 14", "Viewer • Updated … • 1.2k".
OTHER_ITEM = re.compile(r"[ \t]*[A-Z][\w ./-]{1,40}[ \t]*[•·][ \t]*Updated[ \t]+[^•·\n]{3,30}(?:[ \t]*[•·][ \t]*[\d.,]+[kMB]?)*[ \t]*")
_SNIFF = re.compile(r"^[ \t]*Paper[ \t]*[•·][ \t]*\d{4}\.\d{4,5}\b", re.IGNORECASE | re.MULTILINE)


def looks_like(text: str) -> bool:
    """At least one "Paper • ID" item line in the sample."""
    return _SNIFF.search(text[:SAMPLE]) is not None


def item(line: str, ctx: Context) -> dict[str, object] | None:
    """What an item line says of its paper (arXiv ID, date, votes), or None."""
    m = ITEM.fullmatch(line)
    if m is None:
        return None
    found: dict[str, object] = {"arxiv_id": m["id"]}
    if m["date"]:
        found["published"] = dates.parse_date(m["date"].strip(), ctx.ref)
    if m["votes"]:
        found["upvotes"] = meta.count(m["votes"])
    return found


def parse(lines: list[str], ctx: Context) -> tuple[list[Entry], str]:
    """One paper per item line, titled by the line of text above it."""
    drafts: list[Draft] = []
    for k, raw in enumerate(lines):
        found = item(raw, ctx) if "•" in raw or "·" in raw else None
        if found is None:
            continue
        j = k - 1
        while j >= 0 and (not lines[j].strip() or is_furniture(lines[j].strip())):
            j -= 1
        if j < 0 or ITEM.fullmatch(lines[j]) or len(lines[j].strip()) > 400:
            ctx.warn(k + 1, "a paper item with no title above it; skipped")
            continue
        draft = Draft(title=lines[j].strip(), line=j + 1, arxiv_id=str(found["arxiv_id"]), has_meta=True)
        draft.published = found.get("published")  # type: ignore[assignment]
        draft.upvotes = found.get("upvotes")  # type: ignore[assignment]
        drafts.append(draft)
    return ctx.finish_all(drafts, "listing"), "hf-items"
