"""The status bar: shown/total, queue, filter, sort, selection, and a transient message."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from readq.tui.view import SORT_LABELS


class StatusBar(Widget):
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

    def render(self) -> Text:
        text = Text()
        if self.busy:
            text.append(f"⏳ {self.busy}", "bold yellow")
            return text
        text.append(f"{self.shown:,}/{self.total:,}", "bold")
        text.append(f"  {self.queue_label}", "cyan")
        if self.filter_text:
            text.append("  /", "dim")
            text.append(self.filter_text, "bold yellow")
            if self.elapsed_ms:
                text.append(f" ({self.elapsed_ms:.0f} ms)", "dim")
        sort = SORT_LABELS.get(self.sort, self.sort)
        if self.sort == "relevance" and not self.filter_text:
            sort = "newest"
        text.append(f"  sort: {sort}{' ↑' if self.reverse else ''}", "dim")
        if self.selected:
            text.append(f"  {self.selected:,} selected", "bold magenta")
        return text
