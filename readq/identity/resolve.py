"""`readq resolve`: give papers their arXiv identity, cheapest lookups first.

Order, by cost under the providers' limits (Hugging Face: 500 requests per 5 minutes; arXiv: one
request per 3 seconds):

1. Papers seen in a dated digest: that day's Hugging Face list (`/api/daily_papers?date=`, one
   request for up to 100 papers), matched locally by arXiv ID or normalised title.
2. Papers whose arXiv ID is known but not yet resolved: arXiv `id_list`, 50 IDs a request.
3. The rest, one by one: Hugging Face search, then arXiv title search when HF has no agreeing hit.
4. Papers matched on Hugging Face are then asked of arXiv by ID (50 a request) for what only arXiv
   has: the primary category (BibTeX `primaryClass`) and the first-version date (HF's dates are
   often the listing day or truncated). A failure here is a warning: the identities stand.

A hit is applied only when its title agrees (`match.pick`); ambiguous hits are reported with
their candidates and not applied. Results are written with `Library.set_fields` in small batches
(one per day list, per ID batch, per searched paper) and reported only once written, so a killed
run loses nothing it reported and a rerun (which skips resolved papers) continues where it
stopped. A server that cannot be reached ends the run (`ServerUnreachable`); a bad answer only
fails the papers it concerned.
"""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from readq.identity.http import ResponseError
from readq.identity.match import NOT_FOUND, Outcome, normalize_title, pick
from readq.identity.record import Found, updates_for
from readq.model import Paper

if TYPE_CHECKING:
    from readq.identity.arxiv import ArxivApi
    from readq.identity.hf import HfPapers
    from readq.library import Library

__all__ = ["ResolveReport", "Resolver", "is_resolved", "needs_resolving", "resolve_papers"]

Listener = Callable[[Paper, Outcome], None]


def is_resolved(paper: Paper) -> bool:
    return bool(getattr(paper, "resolved", None)) and bool(paper.arxiv_id)


def needs_resolving(papers: Iterable[Paper]) -> list[Paper]:
    """What `--all` means: every paper without a resolved arXiv identity."""
    return [p for p in papers if not is_resolved(p)]


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


@dataclass(slots=True)
class ResolveReport:
    """What a run did, for the closing summary and `--json`."""

    resolved: list[str] = field(default_factory=list)
    ambiguous: dict[str, tuple[Found, ...]] = field(default_factory=dict)
    not_found: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    requests: dict[str, int] = field(default_factory=dict)

    @property
    def done(self) -> int:
        return len(self.resolved) + len(self.ambiguous) + len(self.not_found) + len(self.failed)

    def summary(self) -> str:
        return (f"Resolved: {len(self.resolved)} resolved, {len(self.ambiguous)} ambiguous, "
                f"{len(self.not_found)} not found, {len(self.failed)} failed.")

    def as_json(self) -> dict[str, Any]:
        return {
            "resolved": self.resolved,
            "ambiguous": {
                pid: [{"arxiv_id": f.arxiv_id, "title": f.title, "source": f.source} for f in cands]
                for pid, cands in self.ambiguous.items()
            },
            "not_found": self.not_found,
            "failed": self.failed,
            "warnings": self.warnings,
            "requests": self.requests,
        }


class Resolver:
    """Runs the three phases over a list of papers, writing as it goes."""

    def __init__(self, library: Library, hf: HfPapers, arxiv: ArxivApi, *,
                 listener: Listener | None = None, clock: Callable[[], str] = now_iso) -> None:
        self.library = library
        self.hf = hf
        self.arxiv = arxiv
        self.listener = listener
        self.clock = clock
        self.report = ResolveReport()
        self._pending: dict[str, Paper] = {}
        self._queued: list[tuple[Paper, Outcome]] = []
        self._from_hf: dict[str, tuple[str, str | None]] = {}  # id -> (arXiv ID, date HF gave us)

    # ------------------------------------------------------------------ bookkeeping
    def _conclude(self, paper: Paper, outcome: Outcome) -> None:
        """Queue a resolved paper for the next write; report anything else at once."""
        self._pending.pop(paper.id, None)
        if outcome.kind == "resolved":
            self._queued.append((paper, outcome))
            return
        if outcome.kind == "ambiguous":
            self.report.ambiguous[paper.id] = outcome.candidates
        elif outcome.kind == "not found":
            self.report.not_found.append(paper.id)
        self._tell(paper, outcome)

    def _fail(self, paper: Paper, reason: str) -> None:
        self._pending.pop(paper.id, None)
        self.report.failed[paper.id] = reason
        self._tell(paper, Outcome("failed"))

    def _tell(self, paper: Paper, outcome: Outcome) -> None:
        if self.listener is not None:
            self.listener(paper, outcome)

    def flush(self) -> None:
        """Write the queued matches in one durable transaction, then report them."""
        queued, self._queued = self._queued, []
        if not queued:
            return
        at = self.clock()
        updates: dict[str, dict[str, Any]] = {}
        for paper, outcome in queued:
            assert outcome.found is not None
            fields = updates_for(paper, outcome.found, at)
            if fields:
                updates[paper.id] = fields
        if updates:
            self.library.set_fields(updates)
        for paper, outcome in queued:
            assert outcome.found is not None
            if outcome.found.source == "hf":
                dated = updates.get(paper.id, {}).get("published")
                self._from_hf[paper.id] = (outcome.found.arxiv_id, dated)
        for paper, outcome in queued:
            self.report.resolved.append(paper.id)
            self._tell(paper, outcome)

    def _count_requests(self) -> None:
        self.report.requests = {"hf": self.hf.transport.requests, "arxiv": self.arxiv.transport.requests}

    # ------------------------------------------------------------------ the run
    def run(self, papers: Sequence[Paper]) -> ResolveReport:
        """Resolve `papers`; raises ServerUnreachable/RateLimited after writing what was found."""
        self._pending = {p.id: p for p in papers}
        try:
            self._by_daily_lists()
            self._by_known_ids()
            self._by_search()
        finally:
            self.flush()
            self._count_requests()
        self._complete_from_arxiv()
        self._count_requests()
        return self.report

    def _complete_from_arxiv(self) -> None:
        """Phase 4: arXiv's category and first-version date for papers matched on Hugging Face."""
        from readq.identity.arxiv import BATCH
        from readq.identity.http import NetworkError

        todo = list(self._from_hf.items())
        for start in range(0, len(todo), BATCH):
            chunk = dict(todo[start:start + BATCH])
            try:
                found = self.arxiv.by_ids(arxiv_id for arxiv_id, _ in chunk.values())
            except NetworkError as exc:
                self.report.warnings.append(f"arXiv categories and dates not added ({exc})")
                return
            updates: dict[str, dict[str, Any]] = {}
            for pid, (arxiv_id, dated) in chunk.items():
                hit = found.get(arxiv_id)
                paper = self.library.get(pid)
                if hit is None or normalize_title(hit.title) != normalize_title(paper.title):
                    continue
                fields: dict[str, Any] = {}
                resolved = dict(getattr(paper, "resolved", None) or {})
                if hit.primary_class and resolved and not resolved.get("primary_class"):
                    fields["resolved"] = {**resolved, "primary_class": hit.primary_class}
                if dated and hit.published and paper.published == dated and hit.published != dated:
                    fields["published"] = hit.published  # our HF date, not the digest's: arXiv's is better
                if fields:
                    updates[pid] = fields
            if updates:
                self.library.set_fields(updates)

    def _by_daily_lists(self) -> None:
        by_day: dict[str, list[Paper]] = defaultdict(list)
        for paper in self._pending.values():
            for day in sorted({s.digest_date for s in paper.sources if s.digest_date}):
                by_day[day].append(paper)
        for day in sorted(by_day):
            waiting = [p for p in by_day[day] if p.id in self._pending]
            if not waiting:
                continue
            try:
                listed = list(self.hf.daily(date=day))
            except ResponseError as exc:
                self.report.warnings.append(f"daily list of {day} unusable ({exc}); those papers are searched instead")
                continue
            by_id = {f.arxiv_id: f for f in listed}
            by_title: dict[str, list[Found]] = defaultdict(list)
            for found in listed:
                by_title[normalize_title(found.title)].append(found)
            for paper in waiting:
                outcome = self._match_listed(paper, by_id, by_title)
                if outcome.kind != "not found":  # not on that day's list: searched later
                    self._conclude(paper, outcome)
            self.flush()

    @staticmethod
    def _match_listed(paper: Paper, by_id: dict[str, Found], by_title: dict[str, list[Found]]) -> Outcome:
        if paper.arxiv_id and paper.arxiv_id in by_id:
            return _agree(paper, by_id[paper.arxiv_id])
        return pick(paper.title, by_title.get(normalize_title(paper.title), ()))

    def _by_known_ids(self) -> None:
        from readq.identity.arxiv import BATCH

        known = [p for p in self._pending.values() if p.arxiv_id]
        for start in range(0, len(known), BATCH):
            chunk = known[start:start + BATCH]
            try:
                found = self.arxiv.by_ids(p.arxiv_id for p in chunk if p.arxiv_id)
            except ResponseError as exc:
                for paper in chunk:
                    self._fail(paper, str(exc))
                self.report.warnings.append(str(exc))
                continue
            for paper in chunk:
                hit = found.get(paper.arxiv_id or "")
                self._conclude(paper, _agree(paper, hit) if hit else NOT_FOUND)
            self.flush()

    def _by_search(self) -> None:
        for paper in list(self._pending.values()):
            try:
                outcome = pick(paper.title, self.hf.search(paper.title))
                if outcome.kind == "not found":
                    outcome = pick(paper.title, self.arxiv.search_title(paper.title))
            except ResponseError as exc:
                self.report.warnings.append(f"{paper.id}: {exc}")
                self._fail(paper, str(exc))
                continue
            self._conclude(paper, outcome)
            self.flush()


def _agree(paper: Paper, found: Found) -> Outcome:
    """A lookup by ID still has to agree on the title; a mismatch is shown, never applied."""
    if normalize_title(found.title) == normalize_title(paper.title):
        return Outcome("resolved", found)
    return Outcome("ambiguous", candidates=(found,))


def resolve_papers(library: Library, papers: Sequence[Paper], listener: Listener | None = None) -> ResolveReport:
    """Resolve `papers` against the servers named by the environment (HF_ENDPOINT, READQ_ARXIV_API)."""
    from readq.identity.arxiv import ArxivApi
    from readq.identity.hf import HfPapers

    return Resolver(library, HfPapers(), ArxivApi(), listener=listener).run(papers)
