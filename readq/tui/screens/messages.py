"""Full-screen messages: the empty-library welcome (with sample import) and library errors."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static


class EmptyLibraryScreen(Screen[bool]):
    """No papers yet: say how to import, and offer the bundled sample digests (dismisses True)."""

    BINDINGS: list[BindingType] = [
        Binding("i", "import_samples", "Import sample digests", id="empty.import_samples"),
        Binding("q", "app.quit", "Quit", id="empty.quit"),
    ]

    def __init__(self, library_path: str) -> None:
        super().__init__()
        self.library_path = library_path

    def compose(self) -> ComposeResult:
        text = Text.assemble(
            ("Your reading queue is empty\n\n", "bold"),
            "readq turns daily research-paper digests into a reading queue.\n\n",
            "Import digests from a shell:\n\n",
            ("    readq import PATH...", "bold cyan"),
            "   (files, folders, or - for stdin)\n\n",
            "or press ", ("i", "bold reverse"), " to import the sample digests that ship with readq.\n\n",
            ("Library: ", "dim"), (self.library_path, "dim"),
        )
        with Center(), Vertical(classes="message-box"):
            yield Static(text)
        yield Footer()

    def action_import_samples(self) -> None:
        self.dismiss(True)


class ErrorScreen(Screen[None]):
    """A library problem the app cannot work around: show it plainly, never a traceback."""

    BINDINGS: list[BindingType] = [Binding("q,escape", "app.quit", "Quit", id="error.quit")]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text, self.message = title, message

    def compose(self) -> ComposeResult:
        text = Text.assemble(
            (self.title_text + "\n\n", "bold red"),
            self.message,
            "\n\nCheck it with ",
            ("readq doctor", "bold cyan"),
            " (and ",
            ("readq doctor --repair", "bold cyan"),
            " to restore the last good copy). Press q to quit.",
        )
        with Center(), Vertical(classes="message-box"):
            yield Static(text, id="error-message")
        yield Footer()
