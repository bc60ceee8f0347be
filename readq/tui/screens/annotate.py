"""The triage screen's actions for tags, notes, the for-you order and "more like this".

A mixin of `MainScreen`, kept apart so the screen's module stays about filtering and triage.
Writes go through the session (durable when they return; `u` undoes them like statuses); the
for-you model is trained in a thread worker after changes, never on the UI thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from textual.app import SuspendNotSupported

from readq.annotations import clean_note, edit_note
from readq.model import Paper
from readq.tui.screens.dialogs import ChoiceDialog
from readq.tui.screens.tags import NoteDialog, TagDialog
from readq.tui.widgets.sidebar import Sidebar, tag_counts

if TYPE_CHECKING:
    from readq.foryou import Ranking
    from readq.tui.session import Outcome

    _Base = Any
else:
    _Base = object

RETRAIN_DELAY = 1.0  # seconds of quiet after a change before the model retrains
SIMILAR_SHOWN = 12


class AnnotateActions(_Base):
    """Tag (`T`), note (`N`), for-you sort (`f`) and more like this (`m`) for the main screen.

    It expects the screen's `session`, `paper_list`, `sort`, `_targets()`, `_current()`,
    `_write()`, `_confirm_then()` and `_keep_refilter()`.
    """

    foryou: Ranking | None = None
    foryou_ranks: list[int] | None = None
    _foryou_stale = True
    _foryou_timer: Any = None

    def after_outcome(self, outcome: Outcome) -> None:
        """After a write or another process's change: the sidebar's tags, the for-you model."""
        external = not outcome.changes  # a poll: anything may have changed
        fields = {c.field for c in outcome.changes}
        if external or "tags" in fields:
            self.refresh_tags()
        if external or fields & {"status", "starred"}:
            self.foryou_changed()

    # ------------------------------------------------------------------ tags
    def refresh_tags(self) -> None:
        """Tags and their counts in the sidebar (after a load, a tag change or another process's)."""
        self.query_one(Sidebar).set_tags(tag_counts(self.session.papers))

    def action_tag(self) -> None:
        ids, bulk = self._targets()
        if not ids:
            self.notify("Nothing to tag here")
            return
        by_id = {p.id: p for p in self.paper_list.view_papers()} if bulk else {}
        if bulk:
            current = sorted({t for pid in ids for t in by_id[pid].tags}) if by_id else []
            what = f"{len(ids):,} selected papers"
        else:
            paper = self.paper_list.current
            current = list(paper.tags) if paper else []
            what = "this paper"
        in_use = [t for t, _ in tag_counts(self.session.papers)]

        def chosen(answer: tuple[list[str], list[str]] | None) -> None:
            if not answer:
                return
            add, remove = answer
            self._confirm_then(len(ids), f"Change the tags of {len(ids):,} papers?",
                               lambda: self._apply_tags(ids, add, remove, bulk))

        self.app.push_screen(TagDialog(what, current, in_use), chosen)

    def _apply_tags(self, ids: list[str], add: list[str], remove: list[str], bulk: bool) -> None:
        outcome = self._write(lambda: self.session.set_tags(ids, add, remove))
        if outcome is None:
            return
        if bulk:
            self.paper_list.clear_selection()
        words = [f"+{t}" for t in add] + [f"-{t}" for t in remove]
        self.notify(f"Tags {' '.join(words)} on {len(outcome.changes):,} paper(s)", timeout=2)

    # ------------------------------------------------------------------ notes
    def action_note(self) -> None:
        paper = self._current()
        if paper is None:
            return
        try:
            with self.app.suspend():
                changed, note = edit_note(paper.note)
        except SuspendNotSupported:
            self.app.push_screen(NoteDialog(paper.title, paper.note or ""),
                                 lambda answer: self._save_note(paper, answer))
            return
        except RuntimeError as exc:
            self.notify(f"Could not open the editor: {exc}", severity="error", timeout=8)
            return
        if changed:
            self._save_note(paper, (True, note or ""))

    def _save_note(self, paper: Paper, answer: tuple[bool, str] | None) -> None:
        if not answer:
            return
        note = clean_note(answer[1])
        if note == paper.note:
            return
        if self._write(lambda: self.session.set_note([paper.id], note)) is not None:
            self.notify("Note cleared" if note is None else "Note saved", timeout=2)

    # ------------------------------------------------------------------ for you
    def action_sort_for_you(self) -> None:
        self.sort = "relevance" if self.sort == "for-you" else "for-you"
        self.notify("Sort: for you" if self.sort == "for-you" else "Sort: relevance", timeout=1.5)

    def foryou_spec_ranks(self) -> list[int] | None:
        """The ranks `build_view` sorts by, when they match the papers shown."""
        ranks = self.foryou_ranks
        return ranks if ranks is not None and len(ranks) == len(self.session.papers) else None

    def foryou_changed(self) -> None:
        """Decisions changed (or the sort became for-you): retrain soon, in the background."""
        self._foryou_stale = True
        if self.sort != "for-you":
            return
        if self._foryou_timer is not None:
            self._foryou_timer.stop()
        delay = RETRAIN_DELAY if self.foryou is not None else 0.01  # (a zero timer is refused)
        self._foryou_timer = self.set_timer(delay, self._start_retrain)

    def _start_retrain(self) -> None:
        self._foryou_timer = None
        papers = list(self.session.papers)
        if not papers:
            return
        self._foryou_stale = False
        cache = self.session.library.cache_dir if self.session.library.exists() else None
        self.run_worker(lambda: self._retrain(papers, cache), thread=True, exclusive=True,
                        group="foryou", exit_on_error=False, description="for-you")

    def _retrain(self, papers: list[Paper], cache: Any) -> None:
        """Worker thread: features (cached), training and the blend."""
        from readq.foryou import rank
        from readq.foryou.cache import build_in_subprocess, needs_subprocess

        try:
            if needs_subprocess(cache, len(papers)):
                build_in_subprocess(self.session.library.path)
            ranking = rank(papers, cache_dir=cache)
        except Exception as exc:  # noqa: BLE001 - the order is a convenience: say why it is missing
            self.app.call_from_thread(self.notify, f"For you: {exc}", severity="warning")
            return
        self.app.call_from_thread(self._install_ranking, ranking, papers)

    def _install_ranking(self, ranking: Ranking, papers: Sequence[Paper]) -> None:
        if len(papers) != len(self.session.papers):
            self.foryou_changed()  # reloaded meanwhile: this ranking is for another list
            return
        first = self.foryou is None or (self.foryou.model is None) != (ranking.model is None)
        self.foryou = ranking
        pos = ranking.position()
        end = len(pos)
        self.foryou_ranks = [pos.get(p.id, end) for p in self.session.papers]
        if first:
            self.notify(ranking.message, timeout=5)
        if self.sort == "for-you":
            self._keep_refilter()

    def foryou_explanation(self, paper: Paper | None) -> str | None:
        """Why `paper` ranks high: the kept papers most like it (for the detail pane)."""
        if paper is None or self.sort != "for-you" or self.foryou is None:
            return None
        if self.foryou.model is None:
            return self.foryou.message
        near = self.foryou.explain(paper.id)
        if not near:
            return "For you: no kept paper is much like this one"
        return "For you, because you kept:\n" + "\n".join(
            f"  • {self._title(pid)} ({sim:.2f})" for pid, sim in near)

    def _title(self, pid: str) -> str:
        pos = self.session.positions.get(pid)
        return self.session.papers[pos].title if pos is not None else pid

    # ------------------------------------------------------------------ more like this
    def action_more_like_this(self) -> None:
        paper = self._current()
        if paper is None:
            return
        papers = list(self.session.papers)
        ranking = self.foryou
        self.notify("Looking for papers like this one…", timeout=1)
        self.run_worker(lambda: self._similar(paper, papers, ranking), thread=True, exclusive=True,
                        group="similar", exit_on_error=False, description="similar")

    def _similar(self, paper: Paper, papers: list[Paper], ranking: Ranking | None) -> None:
        from readq.foryou.cache import load_or_build

        if ranking is not None and paper.id in ranking.features.row:
            features = ranking.features
        else:
            cache = self.session.library.cache_dir if self.session.library.exists() else None
            features = load_or_build(papers, cache)
        near = features.similar(paper.id, SIMILAR_SHOWN) if paper.id in features.row else []
        self.app.call_from_thread(self._show_similar, paper, near)

    def _show_similar(self, paper: Paper, near: list[tuple[str, float]]) -> None:
        if not near:
            self.notify("No paper is much like this one")
            return
        choices = [(pid, f"{sim:.2f}  {self._title(pid)}") for pid, sim in near]
        self.app.push_screen(ChoiceDialog(f"More like: {paper.title}", choices), self._jump_to)

    def _jump_to(self, pid: str | None) -> None:
        if pid is None:
            return
        papers = self.paper_list
        for row, idx in enumerate(papers.order):
            if papers.papers[idx].id == pid:
                papers.cursor = row
                return
        self.notify("That paper is outside this view (change the queue or the filter)")
