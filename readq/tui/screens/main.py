"""The triage screen: it owns the view state (query, queue, sort, selection) and the handlers.

Flow: paint first, load the library and build the search index in a thread worker, then filter
in an exclusive thread worker on every keystroke (stale results are dropped by generation).
State changes go through `Session` (durable when it returns) and only then repaint.
"""

from __future__ import annotations


import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from textual import work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual import events
from textual.events import Resize
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer
from textual.timer import Timer
from textual.worker import Worker

from readq.store import LibraryError
from readq.model import Paper, Status
from readq.tui.screens.annotate import AnnotateActions
from readq.tui.screens.dialogs import ConfirmDialog
from readq.tui.screens.help import HelpScreen
from readq.tui.screens.messages import EmptyLibraryScreen
from readq.tui.line_editor import LineEditor
from readq.tui.searches import ViewScheduler
from readq.tui.screens.paper_actions import PaperActions
from readq.tui.session import Outcome, Session, Snapshot
from readq.tui.view import SORT_LABELS, SORTS, ViewSpec
from readq.tui import heap
from readq.tui.widgets.detail import DetailPane
from readq.tui.widgets.filter_bar import FILTER_CLEAR, FILTER_PASS_THROUGH, FILTER_SUBMIT, FilterBar
from readq.tui.widgets.paper_list import ListHeader, PaperList
from readq.tui.widgets.sidebar import Sidebar
from readq.tui.widgets.status_bar import StatusBar
from readq.tui.host import Filterable, Host, samples_dir

if TYPE_CHECKING:
    from readq.search import SearchIndex  # numpy: imported by the load worker, after first paint
    from readq.tui.resolve_worker import ResolveResult

DETAIL_DELAY = 0.06  # seconds the cursor rests before the detail pane follows
# While a query is typed the list is what the user watches; rendering the detail between two
# keystrokes (a few ms for a long abstract) would delay the next keystroke's frame.
DETAIL_DELAY_TYPING = 0.25
NARROW = 120  # below this width the detail pane moves under the list


class MainScreen(AnnotateActions, PaperActions, Screen[None]):
    """Sidebar of queues, the filter bar, the paper list and the detail pane."""

    AUTO_FOCUS = None  # the list takes focus once loaded; the filter input must not grab keys

    BINDINGS: list[BindingType] = [
        # priority: runs in the app loop as the key arrives, so the keys behind it in a fast
        # "/query" burst are already routed to the filter (see on_key).
        Binding("slash", "focus_filter", "Filter", key_display="/", id="filter.focus", priority=True,
                tooltip="Filter as you type; Enter goes to the first match, Esc clears"),
        Binding("t", "mark('to-read')", "To read", id="mark.to_read",
                tooltip="Mark the highlighted paper (or the selection) to-read"),
        Binding("r", "mark('read')", "Read", id="mark.read",
                tooltip="Mark the highlighted paper (or the selection) read"),
        Binding("x", "mark('skipped')", "Skip", id="mark.skipped",
                tooltip="Mark the highlighted paper (or the selection) skipped"),
        Binding("n", "mark('new')", "New", id="mark.new", show=False,
                tooltip="Put the highlighted paper (or the selection) back to new"),
        Binding("s", "star", "Star", id="star.toggle",
                tooltip="Star or unstar the highlighted paper (or the selection)"),
        Binding("u", "undo", "Undo", id="undo",
                tooltip="Undo the last status, star or bulk change of this session"),
        Binding("y", "copy_link", "Link", id="copy.link", tooltip="Copy the paper's link"),
        Binding("c", "copy_cite", "Cite", id="copy.cite", tooltip="Copy a citation (BibTeX unless cite_format is set)"),
        Binding("C", "cite_as", "Cite as…", id="copy.cite_as", show=False,
                tooltip="Copy a citation as BibTeX, Markdown or plain text"),
        Binding("e", "export", "Export", id="export",
                tooltip="Export the current view (or the selection) to a file"),
        Binding("o", "open_link", "Open", id="open", show=False,
                tooltip="Open the paper's page in the web browser"),
        Binding("L", "pick_link", "Links…", id="links.pick", show=False,
                tooltip="Copy or open one of the paper's links (paper, arXiv, code, project, dataset)"),
        Binding("a", "select_all", "Select all", id="select.all", show=False,
                tooltip="Select every paper in the current view"),
        Binding("escape", "clear", "Clear", id="select.clear", show=False,
                tooltip="Clear the selection, else the filter"),
        Binding("S", "cycle_sort", "Sort", id="view.sort", show=False,
                tooltip="Sort by relevance, date, upvotes, title, times seen, for you"),
        Binding("R", "reverse_sort", "Reverse", id="view.reverse", show=False,
                tooltip="Reverse the sort order"),
        Binding("d", "toggle_detail", "Details", id="view.detail", show=False,
                tooltip="Show or hide the detail pane"),
        Binding("question_mark", "help", "Help", key_display="?", id="help",
                tooltip="Show every key"),
        Binding("I", "resolve", "Resolve", id="identity.resolve", show=False,
                tooltip="Look up arXiv ID, authors and links of the highlighted paper (or the selection)"),
        # issue 13: tags, notes, for you (actions in readq/tui/screens/annotate.py)
        Binding("T", "tag", "Tags", id="tags.edit", show=False,
                tooltip="Add or remove tags on the highlighted paper (or the selection)"),
        Binding("N", "note", "Note", id="note.edit", show=False,
                tooltip="Write the paper's note in $EDITOR"),
        Binding("f", "sort_for_you", "For you", id="view.for_you", show=False,
                tooltip="Sort for you (learned from your triage), or back to relevance"),
        Binding("m", "more_like_this", "More like this", id="similar", show=False,
                tooltip="List the papers closest to the highlighted one"),
        Binding("Y", "sync", "Sync", id="sync", show=False,
                tooltip="Sync with your other devices (readq sync: git or a shared folder)"),
    ]

    # The screen draws none of these itself (child widgets bind to them), so they must not
    # repaint it: a screen repaint redraws every widget, which was ~20 ms per filter keystroke.
    filter_text: reactive[str] = reactive("", init=False, repaint=False)
    queue: reactive[str] = reactive("all", init=False, repaint=False)
    queue_label: reactive[str] = reactive("All", repaint=False)
    sort: reactive[str] = reactive("relevance", init=False, repaint=False)
    reverse: reactive[bool] = reactive(False, init=False, repaint=False)
    shown: reactive[int] = reactive(0, repaint=False)
    total: reactive[int] = reactive(0, repaint=False)
    selected: reactive[int] = reactive(0, repaint=False)
    busy: reactive[str] = reactive("Loading library…", repaint=False)  # not `loading`: Widget.loading covers the widget
    elapsed_ms: reactive[float] = reactive(0.0, repaint=False)
    editing = False  # keys go to the filter (see on_key)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.searches = ViewScheduler(self, session, self._install_view)
        self._poll: Worker[None] | None = None
        self.editor = LineEditor()
        self._detail_paper: Paper | None = None
        self._detail_timer: Timer | None = None
        self._detail_shown: tuple[Paper | None, str] | None = None  # (paper, query) on screen

    @property
    def rq(self) -> Host:
        return self.app  # type: ignore[return-value]

    @property
    def paper_list(self) -> PaperList:
        return self.query_one(PaperList)

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            yield Sidebar(id="sidebar")
            with Vertical(id="main"):
                yield FilterBar(id="filter")
                with Horizontal(id="content"):
                    with Vertical(id="list-col"):
                        yield ListHeader(id="list-header")
                        yield PaperList(id="papers")
                    yield DetailPane(id="detail")
        yield StatusBar(id="status").data_bind(
            MainScreen.shown, MainScreen.total, MainScreen.filter_text, MainScreen.queue_label,
            MainScreen.sort, MainScreen.reverse, MainScreen.selected, MainScreen.busy,
            MainScreen.elapsed_ms,
        )
        yield Footer()

    def on_mount(self) -> None:
        # A static message, not Widget.loading: its animation repaints ~60 times a second, and
        # that UI-thread work starves the loading thread of the GIL (3x slower at 100k papers).
        self.paper_list.placeholder = "Loading library…"
        self.paper_list.focus()
        self._start_load()
        self.set_interval(self.rq.poll_interval, self._poll_tick)

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")

    # ------------------------------------------------------------------ loading and polling
    def _start_load(self) -> None:
        self.busy = self.busy or "Loading library…"
        self._load_worker()

    # Every worker gets an explicit description: without one Textual builds it from repr() of the
    # arguments, which for 100k papers is a 200 MB string and seconds of UI-thread time.
    @work(thread=True, exclusive=True, group="load", exit_on_error=False, description="load")
    def _load_worker(self) -> None:
        try:
            snapshot = self.session.load()
        except LibraryError as exc:
            self.app.call_from_thread(self.rq.show_library_error, exc)
            return
        except Exception as exc:  # anything else: a message, never a traceback
            self.app.call_from_thread(self.rq.show_library_error, exc)
            return
        self.app.call_from_thread(self._install_snapshot, snapshot)
        if snapshot.papers:
            # Same thread, straight on: the list paints meanwhile (a timer here would wait for the
            # UI thread, which is exactly when it is busiest).
            self._build_index(snapshot.papers)

    def _install_snapshot(self, snapshot: Snapshot) -> None:
        current = self.paper_list.current
        self.session.install(snapshot)
        self.busy = "Indexing for search…" if snapshot.papers else ""
        self.paper_list.placeholder = "No papers match. Change the filter (/, Esc clears) or the queue."
        if self.focused is None:
            self.paper_list.focus()
        sidebar = self.query_one(Sidebar)
        sidebar.set_counts(snapshot.counts)
        sidebar.set_digests(snapshot.digests)
        self.refresh_tags()
        self.foryou_changed()
        for warning in snapshot.warnings:
            self.notify(warning, severity="warning")
        if not snapshot.papers:
            self.app.push_screen(EmptyLibraryScreen(str(self.session.library.path)), self._empty_done)
            return
        self._refilter(keep_id=current.id if current else None)

    def _build_index(self, papers: list[Paper]) -> None:
        """Load the saved search index or build it; runs on the load worker's thread."""
        try:
            index = self.session.build_index(papers)
        except Exception as exc:
            self.app.call_from_thread(self.notify, f"Search is unavailable: {exc}", severity="error")
            return
        self.app.call_from_thread(self._install_index, index, papers)
        # The index's warm-up thread builds its tables after the install froze the heap; left in
        # the young generations they made the first keystrokes' collections take 15-25 ms each.
        if index.wait_warm(timeout=120) and self.app.is_running:
            self.app.call_from_thread(heap.freeze)

    def _install_index(self, index: SearchIndex, papers: list[Paper]) -> None:
        if self.session.install_index(index, papers):
            self.busy = ""
            # The papers and the index's columns (100k-element lists at 100k papers) live as long
            # as the session: moved out of the collector's generations, a gen-2 collection
            # drops from ~60-90 ms (a visible stall mid-typing) to under 1 ms.
            heap.freeze()
            self.app.post_message(Filterable(len(papers), time.monotonic()))
            if self.filter_text.strip():
                self._keep_refilter()

    def _empty_done(self, import_samples: bool | None) -> None:
        if import_samples:
            self.busy = "Importing the sample digests…"
            self.paper_list.placeholder = "Importing the sample digests…"
            self.paper_list.set_rows([], [], "")
            self._import_samples()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False, description="load")
    def _import_samples(self) -> None:
        from readq.ingest import import_paths

        try:
            with self.session.lock:
                report = import_paths(self.session.library, [str(samples_dir())])
        except Exception as exc:
            self.app.call_from_thread(self.rq.show_library_error, exc)
            return
        self.app.call_from_thread(self.notify, report.summary())
        self.app.call_from_thread(self._start_load)

    def _poll_tick(self) -> None:
        if not self.session.papers or self.busy.startswith("Loading") or self.busy.startswith("Importing"):
            return
        if self._poll is not None and self._poll.is_running:
            return  # a slow disk: let the running poll finish rather than cancel it for a new one
        self._poll = self._poll_worker()

    @work(thread=True, group="poll", exit_on_error=False, description="poll")
    def _poll_worker(self) -> None:
        try:
            outcome = self.session.poll()
        except Exception as exc:  # a transient read error: say so, try again next tick
            self.app.call_from_thread(self.notify, f"Could not re-read the library: {exc}", severity="warning")
            return
        if outcome.reload or outcome.papers:
            self.app.call_from_thread(self._apply_outcome, outcome)

    def _apply_outcome(self, outcome: Outcome) -> None:
        """Repaint after a durable write or another process's change."""
        if outcome.reload:
            self._start_load()
            return
        if not outcome.papers:
            return
        self.session.apply(outcome)
        self.query_one(Sidebar).set_counts(self.session.counts())
        self.after_outcome(outcome)
        self.paper_list.repaint(self.session.papers)

    # ------------------------------------------------------------------ filtering
    def _spec(self) -> ViewSpec:
        return ViewSpec(self.filter_text, self.queue, self.sort, self.reverse, self.foryou_spec_ranks())

    def _refilter(self, keep_id: str | None = None) -> None:
        self.searches.request(self._spec(), keep_id)

    def _settle(self) -> None:
        self.searches.settle()

    def _install_view(self, gen: int, spec: ViewSpec, order: Sequence[int], elapsed: float, keep_id: str | None) -> None:
        if not self.searches.accept(gen):
            return
        papers = self.session.papers
        self.paper_list.set_rows(papers, order, spec.filter_text, keep_id=keep_id)
        self.shown, self.total, self.elapsed_ms = len(order), len(papers), elapsed

    def watch_filter_text(self) -> None:
        self._refilter()

    def watch_queue(self) -> None:
        self._refilter()

    def watch_sort(self) -> None:
        if self.sort == "for-you" and self._foryou_stale:
            self.foryou_changed()
        self._keep_refilter()

    def watch_reverse(self) -> None:
        self._keep_refilter()

    def _keep_refilter(self) -> None:
        current = self.paper_list.current
        self._refilter(keep_id=current.id if current else None)

    # ------------------------------------------------------------------ the filter's keys
    def on_key(self, event: events.Key) -> None:
        self.route_key(event)

    def route_key(self, event: events.Key) -> None:
        """While filtering, keys edit the query; they reach here before any binding runs (the
        focused list calls this first, see `PaperList.on_key`)."""
        if not self.editing:
            return
        key = event.key
        if key == FILTER_SUBMIT:
            self._stop_editing()
            self._settle()
            self.paper_list.cursor = 0
        elif key == FILTER_CLEAR:
            self._set_filter("")
            self._stop_editing()
        elif key in FILTER_PASS_THROUGH or not self.editor.handle(key, event.character):
            return  # arrows move the list; ctrl+p, tab… keep working
        else:
            self._set_filter(self.editor.text)
        event.stop()
        event.prevent_default()

    def on_paste(self, event: events.Paste) -> None:
        if self.editing:
            self.editor.insert(event.text)
            self._set_filter(self.editor.text)
            event.stop()

    def _set_filter(self, text: str) -> None:
        if text != self.editor.text:
            self.editor.set(text)
        bar = self.query_one(FilterBar)
        bar.text, bar.cursor = self.editor.text, self.editor.cursor
        self.filter_text = self.editor.text

    def _stop_editing(self) -> None:
        self.editing = False
        self.query_one(FilterBar).active = False

    def on_filter_bar_clicked(self, event: FilterBar.Clicked) -> None:
        self.action_focus_filter()

    def on_sidebar_queue_changed(self, event: Sidebar.QueueChanged) -> None:
        self.queue, self.queue_label = event.queue, event.label

    def on_paper_list_highlighted(self, event: PaperList.Highlighted) -> None:
        self._detail_paper = event.paper
        self._schedule_detail()

    def _schedule_detail(self) -> None:
        # Debounced: holding `j` or typing a query moves the cursor many times a second, and
        # rendering a long abstract each time would add to every keystroke.
        if self._detail_timer is not None:
            self._detail_timer.stop()
        delay = DETAIL_DELAY_TYPING if self.editing else DETAIL_DELAY
        self._detail_timer = self.set_timer(delay, self._show_detail)

    def _show_detail(self) -> None:
        self._detail_timer = None
        detail = self.query_one(DetailPane)
        if detail.display:
            shown = (self._detail_paper, self.paper_list.query_text)
            if shown != self._detail_shown:
                self._detail_shown = shown
                detail.show_paper(*shown, explain=self.foryou_explanation(shown[0]))

    def on_paper_list_selection_changed(self, event: PaperList.SelectionChanged) -> None:
        self.selected = event.count

    # ------------------------------------------------------------------ triage
    def _targets(self) -> tuple[list[str], bool]:
        """The selection within the current view (bulk), else the highlighted paper."""
        self._settle()
        papers = self.paper_list
        if papers.selected:
            return [pid for pid in papers.view_ids() if pid in papers.selected], True
        paper = papers.current
        return ([paper.id] if paper else []), False

    def _confirm_then(self, count: int, question: str, go: Callable[[], None]) -> None:
        if count > self.rq.bulk_confirm:
            self.app.push_screen(ConfirmDialog(question), lambda ok: go() if ok else None)
        else:
            go()

    def _write(self, op: Callable[[], Outcome]) -> Outcome | None:
        """Run a library write; on failure say why and leave the screen as it was."""
        try:
            outcome = op()
        except (LibraryError, OSError) as exc:
            self.notify(f"Not saved: {exc}", severity="error", timeout=8)
            return None
        self._apply_outcome(outcome)
        return outcome

    def action_mark(self, status: str) -> None:
        ids, bulk = self._targets()
        if not ids:
            self.notify("Nothing to mark here" + (" (the selection is outside this view)" if bulk else ""))
            return
        target = Status(status)

        def go() -> None:
            outcome = self._write(lambda: self.session.set_status(ids, target))
            if outcome is None:
                return
            if bulk:
                self.paper_list.clear_selection()
                self.notify(f"Marked {len(outcome.changes):,} paper(s) {status}")
            elif self.rq.advance_on_mark:
                self.paper_list.action_cursor_down()

        self._confirm_then(len(ids), f"Mark {len(ids):,} papers {status}?", go)

    def action_star(self) -> None:
        ids, bulk = self._targets()
        if not ids:
            self.notify("Nothing to star here")
            return

        def go() -> None:
            outcome = self._write(lambda: self.session.toggle_star(ids))
            if outcome is not None and bulk:
                self.paper_list.clear_selection()
                starred = sum(1 for c in outcome.changes if c.new)
                self.notify(f"Starred {starred:,}, unstarred {len(outcome.changes) - starred:,}")

        self._confirm_then(len(ids), f"Toggle the star of {len(ids):,} papers?", go)

    def action_undo(self) -> None:
        try:
            outcome = self.session.undo()
        except (LibraryError, OSError) as exc:
            self.notify(f"Undo not saved: {exc}", severity="error", timeout=8)
            return
        if outcome is None:
            self.notify("Nothing to undo")
            return
        self._apply_outcome(outcome)
        ids = {c.id for c in outcome.changes}
        if len(ids) == 1:
            (pid,) = ids
            papers = self.paper_list
            for row, idx in enumerate(papers.order):
                if papers.papers[idx].id == pid:
                    papers.cursor = row
                    break
        self.notify(f"Undid {len(outcome.changes):,} change(s)" if outcome.changes else "Nothing left to undo")

    def action_select_all(self) -> None:
        self.paper_list.select_all()
        self.notify(f"Selected {len(self.paper_list.selected):,} paper(s) in this view")

    def action_clear(self) -> None:
        if not self.paper_list.clear_selection() and self.filter_text:
            self._set_filter("")

    # ------------------------------------------------------------------ view
    def action_focus_filter(self) -> None:
        if self.editing:
            raise SkipAction()  # "/" is part of the query: on_key types it
        self.editing = True
        self.editor.cursor = len(self.editor.text)
        bar = self.query_one(FilterBar)
        bar.active, bar.cursor = True, self.editor.cursor

    def action_cycle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.notify(f"Sort: {SORT_LABELS[self.sort]}", timeout=1.5)

    def action_reverse_sort(self) -> None:
        self.reverse = not self.reverse

    def action_toggle_detail(self) -> None:
        detail = self.query_one(DetailPane)
        detail.display = not detail.display
        if detail.display:
            self._detail_paper, self._detail_shown = self.paper_list.current, None
            self._show_detail()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.rq.help_sections()))

    # ------------------------------------------------------------------ copy, open, export
    def _current(self) -> Paper | None:
        self._settle()
        paper = self.paper_list.current
        if paper is None:
            self.notify("No paper highlighted")
        return paper

    # ------------------------------------------------------------------ resolve (issue 12)
    def action_resolve(self) -> None:
        """Resolve the highlighted paper or the selection off the UI thread (tui/resolve_worker)."""
        ids, _bulk = self._targets()
        if any(w.group == "resolve" and w.is_running for w in self.app.workers):
            self.notify("Already resolving; wait for it to finish")
        elif ids:
            self._resolve_worker(ids)
        else:
            self.notify("Nothing to resolve here")

    @work(thread=True, group="resolve", exit_on_error=False, description="resolve")
    def _resolve_worker(self, ids: list[str]) -> None:
        from readq.tui.resolve_worker import ResolveJob

        progress = lambda text: self.app.call_from_thread(setattr, self, "busy", text)  # noqa: E731
        self.app.call_from_thread(self._resolved, ResolveJob(self.session, ids, progress).run())

    def _resolved(self, result: ResolveResult) -> None:
        self.busy = ""
        if result.outcome is not None:
            self._apply_outcome(result.outcome)
            self._detail_paper, self._detail_shown = self.paper_list.current, None
            self._show_detail()
        self.notify(result.message, severity="error" if result.error else "information", timeout=6)

    # ------------------------------------------------------------------ sync (issue 14)
    def action_sync(self) -> None:
        """Run `readq sync` in a thread worker; the changes it writes arrive through the poll."""
        if any(w.group == "sync" and w.is_running for w in self.app.workers):
            self.notify("Already syncing; wait for it to finish")
            return
        self.busy = "Syncing…"
        self._sync_worker()

    @work(thread=True, group="sync", exit_on_error=False, description="sync")
    def _sync_worker(self) -> None:
        from readq.store import Library
        from readq.sync.git import SyncError
        from readq.sync.run import run_sync

        progress = lambda text: self.app.call_from_thread(setattr, self, "busy", text)  # noqa: E731
        try:  # its own Library object, like another process: the poll shows what it wrote
            message, error = run_sync(Library(self.session.library.path), progress=progress).summary(), False
        except SyncError as exc:
            message, error = f"Sync failed: {exc}", True
        except Exception as exc:  # noqa: BLE001 - a worker must report, never take the app down
            message, error = f"Sync failed: {exc}", True
        self.app.call_from_thread(self._synced, message, error)

    def _synced(self, message: str, error: bool) -> None:
        self.busy = ""
        self.notify(message, severity="error" if error else "information", timeout=8)
        self._poll_tick()
