"""`readq fetch`: import Hugging Face Daily Papers straight from the API, already resolved.

Each listed paper becomes a digest `Entry` whose source is named `hf-daily:YYYY-MM-DD` (the day it
was listed), so it merges with saved digests exactly as an import does (by arXiv ID or folded
title). The list carries each paper's identity, so the papers are then marked resolved with the
same `updates_for` rules as `readq resolve`; a second fetch of the same day changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from readq.dedup import title_key
from readq.identity.record import Found, updates_for
from readq.identity.resolve import now_iso
from readq.model import Entry, Source

if TYPE_CHECKING:
    from readq.identity.hf import HfPapers
    from readq.ingest import ImportReport
    from readq.library import Library

__all__ = ["FetchRequest", "entry_from_found", "fetch_daily"]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WEEK = re.compile(r"^\d{4}-W\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")


@dataclass(frozen=True, slots=True)
class FetchRequest:
    """Which listing to fetch: one of date, week or month, or none for the latest day."""

    date: str | None = None
    week: str | None = None
    month: str | None = None

    def check(self) -> FetchRequest:
        """Raise ValueError naming the bad option (shape and calendar are both checked)."""
        import datetime as dt

        given = [(k, v) for k, v in (("date", self.date), ("week", self.week), ("month", self.month)) if v]
        if len(given) > 1:
            raise ValueError("give at most one of --date, --week, --month")
        for key, value in given:
            pattern, fmt = {"date": (_DATE, "%Y-%m-%d"), "week": (_WEEK, "%G-W%V-%u"),
                            "month": (_MONTH, "%Y-%m")}[key]
            try:
                if not pattern.match(value):
                    raise ValueError
                dt.datetime.strptime(value + ("-1" if key == "week" else ""), fmt)
            except ValueError:
                example = {"date": "2026-06-12", "week": "2026-W24", "month": "2026-06"}[key]
                raise ValueError(f"--{key} {value!r} is not like {example}") from None
        return self


def entry_from_found(found: Found, day: str) -> Entry:
    return Entry(
        title=found.title,
        abstract=found.abstract,
        authors=found.authors,
        authors_count=len(found.authors) or None,
        org=found.org,
        published=found.published,
        upvotes=found.upvotes,
        links=found.links,
        arxiv_id=found.arxiv_id,
        source=Source(file=f"hf-daily:{day}", digest_date=day),
    )


def latest_day(hf: HfPapers) -> str | None:
    """The newest day that has papers: the first page of the undated listing says."""
    for found in hf.daily():
        if found.day:
            return found.day
    return None


def fetch_daily(library: Library, hf: HfPapers, request: FetchRequest) -> tuple[ImportReport, list[Found]]:
    """Fetch the listing, merge it into the library, mark its papers resolved.

    Returns the import summary (files = days listed) and what was listed.
    """
    from readq.ingest import ImportReport

    report = ImportReport()
    date = request.date
    if not (request.date or request.week or request.month):
        date = latest_day(hf)
        if date is None:
            return report, []
    listed = list(hf.daily(date=date, week=request.week, month=request.month))
    days = [f.day or date or f.published or "undated" for f in listed]  # the day each was listed
    report.files = report.files_read = len(set(days))
    entries = [entry_from_found(f, day) for f, day in zip(listed, days)]
    report.entries = len(entries)
    if not entries:
        return report, listed
    report.absorb(library.ingest(entries))
    _mark_resolved(library, listed)
    return report, listed


def _mark_resolved(library: Library, listed: list[Found]) -> None:
    by_arxiv: dict[str, Any] = {}
    by_title: dict[str, Any] = {}
    for paper in library.papers():
        if paper.arxiv_id:
            by_arxiv.setdefault(paper.arxiv_id, paper)
        by_title.setdefault(title_key(paper.title), paper)
    at = now_iso()
    updates: dict[str, dict[str, Any]] = {}
    for found in listed:
        paper = by_arxiv.get(found.arxiv_id) or by_title.get(title_key(found.title))
        if paper is None or paper.id in updates:
            continue
        fields = updates_for(paper, found, at)
        if fields:
            updates[paper.id] = fields
    if updates:
        library.set_fields(updates)
