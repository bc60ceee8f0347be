"""Scheduling the list's view: each request (filter text, queue, sort) becomes rows, newest wins.

Every request gets a generation number; results of older generations are dropped. A request is
first computed inline under a small time budget, because most keystrokes search in a few
milliseconds even at 100k papers and an inline result lands in the very next frame, while a
thread worker costs a thread hop and a `call_from_thread` round trip. A search that runs past the
budget is abandoned at its next cancellation check and redone in an exclusive thread worker.
`settle` finishes a pending request at once, so a key that acts on papers sees the current rows.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from textual.screen import Screen
from textual.worker import get_current_worker

from readq.tui.session import Session
from readq.tui.view import ViewSpec, build_view

INLINE_SEARCH_BUDGET_S = 0.02  # an abandoned inline search is wasted work: be generous
Install = Callable[[int, ViewSpec, Sequence[int], float, "str | None"], None]


class ViewScheduler:
    """Runs view requests for one screen and hands each current result to `install`."""

    def __init__(self, screen: Screen[None], session: Session, install: Install) -> None:
        self.screen = screen
        self.session = session
        self.install = install
        self.gen = 0  # bumped per request; workers drop results of older generations
        self.installed_gen = 0
        self.pending_keep: str | None = None
        self.spec = ViewSpec()

    def request(self, spec: ViewSpec, keep_id: str | None = None) -> None:
        """Show `spec`'s rows, keeping `keep_id` highlighted when it is among them."""
        if not self.session.papers:
            return
        self.gen += 1
        self.pending_keep, self.spec = keep_id, spec
        if not self._inline(self.gen, spec, keep_id):
            self.screen.run_worker(lambda gen=self.gen: self._in_worker(gen, spec, keep_id), thread=True,
                                   exclusive=True, group="search", exit_on_error=False, description="search")

    def accept(self, gen: int) -> bool:
        """True (once) when `gen`'s result is the one to install."""
        if gen != self.gen or gen == self.installed_gen:
            return False  # a newer request is on its way, or `settle` installed this one already
        self.installed_gen = gen
        return True

    def settle(self) -> None:
        """Finish the pending request now (tens of ms at 100k) rather than act on stale rows."""
        if not self.session.papers or self.installed_gen == self.gen:
            return
        start = time.perf_counter()
        try:
            order = self.compute(self.spec, lambda: False)
        except Exception:
            return
        if order is not None:
            self.install(self.gen, self.spec, order, (time.perf_counter() - start) * 1000, self.pending_keep)

    def compute(self, spec: ViewSpec, cancelled: Callable[[], bool]) -> Sequence[int] | None:
        """Search + queue filter + sort; None when cancelled or the index is not ready yet."""
        index, papers = self.session.index, self.session.papers
        if spec.filter_text.strip():
            if index is None:
                return None  # still indexing: the screen filters again once it is ready
            ranked = index.search(spec.filter_text, cancel=cancelled).order
        else:
            ranked = range(len(papers))
        if cancelled():
            return None
        return build_view(papers, ranked, spec, cancelled)

    def _inline(self, gen: int, spec: ViewSpec, keep_id: str | None) -> bool:
        start = time.perf_counter()
        deadline = start + INLINE_SEARCH_BUDGET_S
        try:
            order = self.compute(spec, lambda: time.perf_counter() > deadline)
        except Exception:
            return False  # the worker reports the problem
        if order is None:
            return False
        self.install(gen, spec, order, (time.perf_counter() - start) * 1000, keep_id)
        return True

    def _in_worker(self, gen: int, spec: ViewSpec, keep_id: str | None) -> None:
        worker = get_current_worker()

        def cancelled() -> bool:
            return worker.is_cancelled or gen != self.gen

        start = time.perf_counter()
        try:
            order = self.compute(spec, cancelled)
        except Exception as exc:  # a malformed query: keep the last good view
            if not cancelled():
                self.screen.app.call_from_thread(self.screen.notify, f"Filter: {exc}", severity="warning",
                                                 timeout=3)
            return
        if order is None or cancelled():
            return
        elapsed = (time.perf_counter() - start) * 1000
        self.screen.app.call_from_thread(self.install, gen, spec, order, elapsed, keep_id)
