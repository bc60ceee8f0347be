"""The status bar: shown/total, queue, filter, sort, selection, and a transient message."""

from __future__ import annotations

from textual.reactive import reactive

from readq.tui.view import SORT_LABELS
from readq.tui.widgets.oneline import BOLD, BOLD_MAGENTA, BOLD_YELLOW, CYAN, DIM, OneLineBar, Parts


class StatusBar(OneLineBar):
    """One line of state; the screen binds its reactives down with `data_bind`."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    shown: reactive[int] = reactive(0)
    total: reactive[int] = reactive(0)
    filter_text: reactive[str] = reactive("")
    queue_label: reactive[str] = reactive("All")
    sort: reactive[str] = reactive("relevance")
    reverse: reactive[bool] = reactive(False)
    selected: reactive[int] = reactive(0)
    busy: reactive[str] = reactive("")
    elapsed_ms: reactive[float] = reactive(0.0)

    def parts(self, width: int) -> Parts:
        if self.busy:
            return [(f"⏳ {self.busy}", BOLD_YELLOW)]
        out: Parts = [(f"{self.shown:,}/{self.total:,}", BOLD), (f"  {self.queue_label}", CYAN)]
        if self.filter_text:
            out += [("  /", DIM), (self.filter_text, BOLD_YELLOW)]
            if self.elapsed_ms:
                out.append((f" ({self.elapsed_ms:.0f} ms)", DIM))
        sort = SORT_LABELS.get(self.sort, self.sort)
        if self.sort == "relevance" and not self.filter_text:
            sort = "newest"
        out.append((f"  sort: {sort}{' ↑' if self.reverse else ''}", DIM))
        if self.selected:
            out.append((f"  {self.selected:,} selected", BOLD_MAGENTA))
        return out
