"""The filter bar: shows the query being typed (the screen feeds it keys; it never takes focus)."""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive

from readq.tui.widgets.oneline import BOLD, BOLD_YELLOW, DIM, REVERSE, OneLineBar, Parts

PLACEHOLDER = "/ to filter: words  'exact  ^start  end$  !not  a|b  is:starred  status:to-read  year:>=2025"
HINT = "  ⏎ list · esc clear · ↑↓ move"


FILTER_SUBMIT = "enter"
FILTER_CLEAR = "escape"
FILTER_PASS_THROUGH = frozenset({"up", "down", "pageup", "pagedown", "tab", "shift+tab"})

# The keys the screen's router (MainScreen.on_key) gives the filter while it is active; listed
# as bindings so `?` and docs/KEYS.md show them like every other key.
FILTER_KEYS = [
    Binding(FILTER_SUBMIT, "filter_submit", "Go to the list, on the first match", id="filter.submit"),
    Binding(FILTER_CLEAR, "filter_clear", "Clear the filter and go back to the list", id="filter.clear"),
    Binding("up,down,pageup,pagedown", "filter_move", "Move in the list while typing", id="filter.move"),
    Binding("backspace,delete,left,right,home,end", "filter_edit", "Edit the query", id="filter.edit"),
    Binding("ctrl+w,ctrl+u,ctrl+k", "filter_cut", "Delete a word / to start / to end", id="filter.cut"),
]


class FilterBar(OneLineBar):
    """One line: `/ query▌` while editing, the query or a syntax reminder otherwise."""

    DEFAULT_CSS = """
    FilterBar { height: 1; background: $boost; padding: 0 1 0 0; }
    FilterBar.-active { background: $accent 20%; }
    """

    text: reactive[str] = reactive("")
    cursor: reactive[int] = reactive(0)
    active: reactive[bool] = reactive(False)

    class Clicked(Message):
        """The bar was clicked: start editing."""

    def watch_active(self, active: bool) -> None:
        self.set_class(active, "-active")

    def parts(self, width: int) -> Parts:
        if not self.active and not self.text:
            return [(" " + PLACEHOLDER, DIM)]
        if not self.active:
            return [(" / ", BOLD), (self.text, BOLD_YELLOW)]
        before, at, after = self.text[: self.cursor], self.text[self.cursor : self.cursor + 1], self.text[self.cursor + 1 :]
        out: Parts = [(" / ", BOLD), (before, BOLD), (at or " ", REVERSE), (after, BOLD)]
        used = 3 + cell_len(self.text) + (0 if at else 1)
        if used + len(HINT) < width + 1:
            out.append((HINT.rjust(width - used), DIM))
        return out

    def on_click(self, event: events.Click) -> None:
        self.post_message(self.Clicked())
