"""The app's resolve action, run in a thread worker so the UI never waits on the network.

`ResolveJob.run` does the whole lookup (`readq.identity.resolve`) off the UI thread. Its writes
go through the session's lock, like every other write of the app, and are collected as one undo
group; progress and the final result are handed back through callbacks that the screen wraps in
`call_from_thread`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from readq.library import Change, Library
from readq.model import Paper
from readq.tui.session import Outcome, Session

__all__ = ["ResolveJob", "ResolveResult"]


@dataclass(frozen=True, slots=True)
class ResolveResult:
    """What the screen shows when the job ends: the message and the papers to repaint."""

    message: str
    outcome: Outcome | None = None
    error: bool = False


class _LockedWrites:
    """The library as the resolver sees it: `get` and `set_fields` under the session lock."""

    def __init__(self, library: Library, session: Session) -> None:
        self.library = library
        self.session = session
        self.changes: list[Change] = []

    def get(self, paper_id: str) -> Paper:
        with self.session.lock:
            return self.library.get(paper_id)

    def set_fields(self, updates: Mapping[str, Mapping[str, Any]]) -> list[Change]:
        with self.session.lock:
            changes = self.library.set_fields(updates)
        self.changes.extend(changes)
        return changes


class ResolveJob:
    """Resolve some papers of a session; `run` belongs in a thread worker."""

    def __init__(self, session: Session, ids: Sequence[str], progress: Callable[[str], None]) -> None:
        self.session = session
        self.ids = list(ids)
        self.progress = progress

    def run(self) -> ResolveResult:
        from readq.identity.arxiv import ArxivApi
        from readq.identity.hf import HfPapers
        from readq.identity.http import NetworkError
        from readq.identity.resolve import Resolver

        library = self.session.library
        with self.session.lock:
            papers = [library.get(pid) for pid in self.ids]
        total = len(papers)
        done = 0

        def listener(paper: Any, outcome: Any) -> None:
            nonlocal done
            done += 1
            self.progress(f"Resolving {done}/{total}…")

        writes = _LockedWrites(library, self.session)
        self.progress(f"Resolving 0/{total}…")
        try:
            resolver = Resolver(writes, HfPapers(), ArxivApi(), listener=listener)  # type: ignore[arg-type]
            report = resolver.run(papers)
        except NetworkError as exc:
            return ResolveResult(f"Resolve stopped: {exc}", self._outcome(writes), error=True)
        except Exception as exc:  # noqa: BLE001 - a worker must report, never take the app down
            return ResolveResult(f"Resolve failed: {exc}", self._outcome(writes), error=True)
        message = report.summary()
        if total == 1 and report.ambiguous:
            candidates = next(iter(report.ambiguous.values()))
            message += " Candidates: " + "; ".join(f"{c.arxiv_id} ({c.title})" for c in candidates)
        return ResolveResult(message, self._outcome(writes))

    def _outcome(self, writes: _LockedWrites) -> Outcome | None:
        """Fresh copies of the papers the job changed; its changes become one undo group."""
        if not writes.changes:
            return None
        with self.session.lock:
            ids = dict.fromkeys(c.id for c in writes.changes)
            papers = tuple(self.session.library.get(pid) for pid in ids)
            self.session.undo_stack.append(list(writes.changes))
        return Outcome(tuple(writes.changes), papers)
