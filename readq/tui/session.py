"""The TUI's side of the persistence seam: one Library, its search index and the undo stack.

No Textual here. The library is read in a thread worker (a full load at 100k papers takes
seconds) and polled from one, while the UI thread writes; a lock keeps those calls apart.
Writes are durable when `Library` returns, and only then does the caller repaint.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from readq.store import Change, Library
from readq.model import Paper, Status
from readq.tui.view import digest_counts

if TYPE_CHECKING:
    from readq.search import SearchIndex  # numpy: imported by the load worker, after first paint


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything a full (re)load produces, built off the UI thread (the index comes later)."""

    papers: list[Paper]
    counts: dict[str, int]
    digests: list[tuple[str, str | None, int]]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a write or a poll changed: fresh copies of the touched papers, or a full reload."""

    changes: tuple[Change, ...] = ()
    papers: tuple[Paper, ...] = ()
    reload: bool = False


class Session:
    """Library + index + undo stack for one run of the app."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.lock = threading.RLock()
        self.papers: list[Paper] = []  # what the list shows; same order as `index.papers`
        self.positions: dict[str, int] = {}
        self.index: SearchIndex | None = None  # built after the papers are on screen
        self.undo_stack: list[list[Change]] = []
        self._counts: dict[str, int] = {}

    # ------------------------------------------------------------------ reading (worker threads)
    def load(self) -> Snapshot:
        """Full read and index build; call from a thread worker."""
        with self.lock:
            self.library.load()
            self.library.drain_external()  # a fresh load is the baseline: nothing to report
            papers = self.library.papers()
            counts = self.library.counts()
            warnings = tuple(self.library.warnings)
            self.library.warnings.clear()
        return Snapshot(papers, counts, digest_counts(papers), warnings)

    def build_index(self, papers: Sequence[Paper]) -> SearchIndex:
        """The search index: the saved one when the catalogue is unchanged, else built (seconds
        at 100k papers) and saved; call from a thread worker."""
        return self.library.search_index(papers, warm=True)

    def install(self, snapshot: Snapshot) -> None:
        """Adopt a fresh load (UI thread); the index follows with `install_index`."""
        self.papers = snapshot.papers
        self.positions = {p.id: i for i, p in enumerate(self.papers)}
        self.index = None
        self._counts = dict(snapshot.counts)

    def install_index(self, index: SearchIndex, papers: list[Paper]) -> bool:
        """Adopt an index built from `papers`; False if a newer load replaced them meanwhile."""
        if papers is not self.papers:
            return False
        for i, (shown, indexed) in enumerate(zip(self.papers, index.papers)):
            if shown is not indexed:  # changed while the index was being built
                index.update(self.papers[i])
        self.index = index
        return True

    def poll(self) -> Outcome:
        """Pick up other processes' changes; call from a thread worker."""
        with self.lock:
            self.library.refresh()
            return self._drained(())

    def _drained(self, changes: Sequence[Change]) -> Outcome:
        external = self.library.drain_external()
        if external is None:
            return Outcome(tuple(changes), (), reload=True)
        ids = {c.id for c in changes} | external
        papers = tuple(self.library.get(pid) for pid in ids)
        return Outcome(tuple(changes), papers)

    # ------------------------------------------------------------------ writing (UI thread)
    def _write(self, op: Callable[[], list[Change]], *, record: bool = True) -> Outcome:
        with self.lock:
            changes = op()
            outcome = self._drained(changes)
        if record and changes:
            self.undo_stack.append(changes)
        return outcome

    def set_status(self, ids: Iterable[str], status: Status) -> Outcome:
        ids = list(ids)
        return self._write(lambda: self.library.set_status(ids, status))

    def toggle_star(self, ids: Iterable[str]) -> Outcome:
        ids = list(ids)
        return self._write(lambda: self.library.toggle_star(ids))

    def set_tags(self, ids: Iterable[str], add: Sequence[str] = (), remove: Sequence[str] = ()) -> Outcome:
        ids = list(ids)
        return self._write(lambda: self.library.set_tags(ids, add=add, remove=remove))

    def set_note(self, ids: Iterable[str], note: str | None) -> Outcome:
        ids = list(ids)
        return self._write(lambda: self.library.set_note(ids, note))

    def undo(self) -> Outcome | None:
        """Revert the newest change group; None when there is nothing to undo."""
        if not self.undo_stack:
            return None
        changes = self.undo_stack.pop()
        try:
            return self._write(lambda: self.library.revert(changes), record=False)
        except Exception:
            self.undo_stack.append(changes)  # the write failed: keep it undoable
            raise

    def apply(self, outcome: Outcome) -> None:
        """Bring the shown papers and the index up to date with an outcome (UI thread)."""
        counts = self._counts
        for paper in outcome.papers:
            pos = self.positions.get(paper.id)
            if pos is not None:
                old = self.papers[pos]
                counts[old.status.value] -= 1
                counts[paper.status.value] += 1
                counts["starred"] += int(paper.starred) - int(old.starred)
                self.papers[pos] = paper
            if self.index is not None:
                self.index.update(paper)

    def counts(self) -> dict[str, int]:
        """Papers per queue, kept up to date by `apply` (not recounted per mark: 100k papers)."""
        return dict(self._counts)
