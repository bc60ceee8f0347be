"""The main screen's actions that hand a paper to the outside world: copy, open, export.

A mixin of `MainScreen`: it expects the screen's `_current()` (the highlighted paper, after any
pending search settled), `_targets()`, `paper_list`, `queue_label`, `filter_text` and `rq`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work

from readq.cite import FORMAT_LABELS
from readq.model import Paper
from readq.tui.screens.dialogs import ChoiceDialog, ConfirmDialog, CopyFallbackDialog, ExportDialog

CITE_FORMATS = list(FORMAT_LABELS.items())

if TYPE_CHECKING:
    from readq.tui.host import Host

    _Base = Any
else:
    _Base = object


class PaperActions(_Base):
    """Copy a link or citation, open a link, export the view."""

    rq: Host

    def copy_text(self, text: str, what: str) -> None:
        """Copy by every route; when none works show the text so it can be copied by hand."""
        from readq.clipboard import copy

        osc52 = self.app.copy_to_clipboard if self.rq.osc52 else None
        try:
            result = copy(text, osc52=osc52, what=what)
        except Exception as exc:  # the clipboard must never take the app down
            self.app.push_screen(CopyFallbackDialog(text, f"Could not copy {what}: {exc}"))
            return
        if result.ok:
            self.notify(result.message, timeout=2)
        else:
            self.app.push_screen(CopyFallbackDialog(text, result.message))

    def action_copy_link(self) -> None:
        from readq.config import load_config
        from readq.links import paper_link

        if paper := self._current():
            self.copy_text(paper_link(paper, load_config().link), "link")

    def action_copy_cite(self, fmt: str = "") -> None:
        """Copy a citation: `fmt`, else the configured default (`cite_format`, BibTeX)."""
        from readq.cite import cite

        from readq.config import load_config

        fmt = fmt or self.rq.cite_format
        if paper := self._current():
            self.copy_text(cite(paper, fmt, load_config().cite_style), f"{fmt} citation")

    def action_cite_as(self) -> None:
        if self._current() is None:
            return
        self.app.push_screen(
            ChoiceDialog("Copy citation as", CITE_FORMATS),
            lambda fmt: self.action_copy_cite(fmt) if fmt else None,
        )

    def action_pick_link(self) -> None:
        """Every labelled link of the paper; choose one, then copy or open it."""
        from readq.links import paper_links

        paper = self._current()
        if paper is None:
            return
        links = paper_links(paper)
        choices = [(f"{i}", f"{label:<8} {url}") for i, (label, url) in enumerate(links)]

        def chosen(key: str | None) -> None:
            if key is None:
                return
            label, url = links[int(key)]
            self.app.push_screen(
                ChoiceDialog(f"{label}: {url}", [("copy", "Copy"), ("open", "Open in the browser")]),
                lambda how: self._use_link(how, label, url),
            )

        self.app.push_screen(ChoiceDialog("Links of this paper", choices), chosen)

    def _use_link(self, how: str | None, label: str, url: str) -> None:
        if how == "copy":
            self.copy_text(url, f"{label.lower()} link")
        elif how == "open":
            self._open_url(url)

    def action_open_link(self) -> None:
        from readq.links import best_link

        paper = self._current()
        if paper is None:
            return
        self._open_url(best_link(paper))

    def _open_url(self, url: str) -> None:
        from readq.tui.browser import browser_problem

        problem = browser_problem()
        if problem:
            self.notify(f"Cannot open a browser: {problem}. Press y to copy the link instead:\n{url}",
                        severity="warning", timeout=8)
            return
        self._open_worker(url)

    @work(thread=True, group="open", exit_on_error=False, description="open")
    def _open_worker(self, url: str) -> None:
        from readq.tui.browser import open_url

        message = open_url(url)
        self.app.call_from_thread(self.notify, message, timeout=3)

    def action_export(self) -> None:
        ids, bulk = self._targets()
        if bulk:
            chosen = set(ids)
            papers = [p for p in self.paper_list.view_papers() if p.id in chosen]
            what = "the selection in this view"
        else:
            papers = self.paper_list.view_papers()
            what = f"{self.queue_label}" + (f", filter {self.filter_text!r}" if self.filter_text else "")
        if not papers:
            self.notify("Nothing to export in this view")
            return
        self.app.push_screen(
            ExportDialog(len(papers), what, Path.cwd()),
            lambda answer: self._export_worker(papers, *answer) if answer else None,
        )

    @work(thread=True, group="export", exit_on_error=False, description="export")
    def _export_worker(self, papers: list[Paper], fmt: str, path: Path, force: bool = False) -> None:
        from readq.export import write
        from readq.store.atomic import FileExistsNoForce

        try:
            count = write(papers, fmt, path, force=force)
        except FileExistsNoForce:
            self.app.call_from_thread(
                self.app.push_screen,
                ConfirmDialog(f"{path} exists. Overwrite it?", yes="Overwrite", no="Cancel"),
                lambda ok: self._export_worker(papers, fmt, path, True) if ok else None,
            )
            return
        except (OSError, ValueError) as exc:
            self.app.call_from_thread(self.notify, f"Export failed: {exc}", severity="error", timeout=8)
            return
        self.app.call_from_thread(self.notify, f"Exported {count:,} paper(s) to {path}", timeout=4)
