"""The `?` help screen: every binding, generated from the widgets' BINDINGS (key, id, description)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEY_NAMES = {
    "up": "↑", "down": "↓", "left": "←", "right": "→", "pageup": "PgUp", "pagedown": "PgDn",
    "home": "Home", "end": "End", "escape": "Esc", "enter": "Enter", "space": "Space",
    "question_mark": "?", "slash": "/", "tab": "Tab",
}

Section = tuple[str, Sequence[BindingType]]


def key_label(keys: str) -> str:
    """`j,down` → `j ↓`; `ctrl+a` → `^a`."""
    parts = []
    for key in keys.split(","):
        key = key.strip()
        if key.startswith("ctrl+"):
            parts.append("^" + KEY_NAMES.get(key[5:], key[5:]))
        else:
            parts.append(KEY_NAMES.get(key, key))
    return " ".join(parts)


def help_rows(sections: Sequence[Section]) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """(section, [(keys, id, description)]) for every binding with a description."""
    out = []
    for title, bindings in sections:
        rows = []
        for b in bindings:
            if not isinstance(b, Binding) or not b.description:
                continue
            keys = b.key_display or key_label(b.key)
            rows.append((keys, b.id or b.action, b.tooltip or b.description))
        if rows:
            out.append((title, rows))
    return out


class HelpScreen(ModalScreen[None]):
    """Every key, grouped by where it works."""

    BINDINGS: list[BindingType] = [
        Binding("escape,q,question_mark", "close", "Close help", id="help.close"),
    ]

    def __init__(self, sections: Sequence[Section]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        table = Table(box=None, padding=(0, 1), expand=True, show_header=False)
        table.add_column("Key", style="bold cyan", no_wrap=True, width=12)
        table.add_column("What it does", ratio=1)
        table.add_column("Action id", style="dim", no_wrap=True)
        for title, rows in help_rows(self.sections):
            table.add_row("", Text(title, "bold underline"), "")
            for keys, action_id, desc in rows:
                table.add_row(keys, desc, action_id)
            table.add_row("", "", "")
        footer = Text.from_markup(
            "Filter syntax: words (all must match, fuzzy) · [b]'exact[/] · [b]^prefix[/] · [b]suffix$[/] · "
            "[b]!not[/] · [b]a | b[/] · is:starred · status:to-read · org:nvidia · year:>=2025 · "
            "upvotes:>10 · seen:>1 · digest:NAME\n"
            "Command palette: ctrl+p lists the same actions.  Esc, q or ? closes this help."
        )
        with VerticalScroll(classes="dialog help"):
            yield Static(Text("readq keys", "bold"), classes="dialog-title")
            yield Static(table)
            yield Static(footer, classes="dialog-note")

    def action_close(self) -> None:
        self.dismiss(None)
