"""Dialogs for the reader's own words on papers: tag entry (with completion) and a note editor."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label, TextArea

from readq.annotations import complete_tag, parse_tag_edit


class TagSuggester(Suggester):
    """Suggests the tags in use for the word being typed (shown dimmed; → or Tab accepts)."""

    def __init__(self, tags: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.tags = tags

    async def get_suggestion(self, value: str) -> str | None:
        return complete_tag(value, self.tags)


class TagDialog(ModalScreen[tuple[list[str], list[str]] | None]):
    """`name` adds a tag, `-name` removes one; Enter applies, Esc cancels."""

    BINDINGS: list[BindingType] = [
        Binding("escape", "cancel", "Cancel", id="tags.cancel"),
        Binding("tab", "complete", "Complete", id="tags.complete", show=False),
    ]

    def __init__(self, what: str, current: list[str], in_use: list[str]) -> None:
        super().__init__()
        self.what, self.current, self.in_use = what, current, in_use

    def compose(self) -> ComposeResult:
        have = ", ".join(self.current) if self.current else "none"
        with Vertical(classes="dialog"):
            yield Label(f"Tags of {self.what} (now: {have})", classes="dialog-title")
            yield Label("name adds · -name removes · Tab completes · Enter applies · Esc cancels",
                        classes="dialog-hint")
            yield Input(placeholder="e.g. video -later", suggester=TagSuggester(self.in_use), id="tag-entry")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def action_complete(self) -> None:
        entry = self.query_one(Input)
        done = complete_tag(entry.value, self.in_use)
        if done is not None:
            entry.value = done + " "
            entry.cursor_position = len(entry.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        add, remove = parse_tag_edit(event.value)
        self.dismiss((add, remove) if add or remove else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NoteDialog(ModalScreen[tuple[bool, str] | None]):
    """Edit a note in the app (where the terminal cannot be handed to $EDITOR): Ctrl+S saves."""

    BINDINGS: list[BindingType] = [
        Binding("ctrl+s", "save", "Save", id="note.save"),
        Binding("escape", "cancel", "Cancel", id="note.cancel"),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text, self.text = title, text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Note on {self.title_text}", classes="dialog-title")
            yield Label("Ctrl+S saves (empty clears) · Esc cancels", classes="dialog-hint")
            yield TextArea(self.text, id="note-text")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        self.dismiss((True, self.query_one(TextArea).text))

    def action_cancel(self) -> None:
        self.dismiss(None)
