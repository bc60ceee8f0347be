"""Small modal dialogs: confirm, choose, copy-by-hand fallback and export."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, RadioButton, RadioSet, TextArea
from textual.widgets.option_list import Option

EXPORT_FORMATS: tuple[tuple[str, str, str], ...] = (
    ("md", "Markdown", ".md"),
    ("bibtex", "BibTeX", ".bib"),
    ("json", "JSON", ".json"),
    ("csv", "CSV", ".csv"),
    ("ris", "RIS", ".ris"),
    ("csljson", "CSL-JSON", ".csl.json"),
)


class ConfirmDialog(ModalScreen[bool]):
    """Yes/No question; `y`/Enter confirm, `n`/Esc cancel."""

    BINDINGS: list[BindingType] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes} (y)", variant="primary", id="yes")
                yield Button(f"{self.no} (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class ChoiceDialog(ModalScreen[str | None]):
    """Pick one of a few options (e.g. the citation format); Esc cancels."""

    BINDINGS: list[BindingType] = [Binding("escape", "cancel", "Cancel", id="choice.cancel")]

    def __init__(self, title: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text, self.choices = title, choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield OptionList(*[Option(label, id=key) for key, label in self.choices], id="choices")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CopyFallbackDialog(ModalScreen[None]):
    """The clipboard is out of reach: show the text, selectable, so it can be copied by hand."""

    BINDINGS: list[BindingType] = [Binding("escape,q", "close", "Close", id="copy.close")]

    def __init__(self, text: str, reason: str) -> None:
        super().__init__()
        self.text, self.reason = text, reason

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label("Copy this by hand", classes="dialog-title")
            yield Label(self.reason, classes="dialog-note")
            yield TextArea(self.text, read_only=True, id="copy-text", soft_wrap=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close (Esc)", id="close")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.select_all()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class ExportDialog(ModalScreen[tuple[str, Path] | None]):
    """Ask for an export format and a file path."""

    BINDINGS: list[BindingType] = [Binding("escape", "cancel", "Cancel", id="export.cancel")]

    def __init__(self, count: int, what: str, directory: Path) -> None:
        super().__init__()
        self.count, self.what, self.directory = count, what, directory

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(f"Export {self.count:,} paper(s) ({self.what})", classes="dialog-title")
            with RadioSet(id="export-format"):
                for i, (key, label, ext) in enumerate(EXPORT_FORMATS):
                    yield RadioButton(f"{label} ({ext})", value=i == 0, name=key)
            yield Label("↑↓ format, Enter to choose it · File (Enter to export):", classes="dialog-note")
            yield Input(str(self.directory / ("reading-list" + EXPORT_FORMATS[0][2])), id="export-path")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export", variant="primary", id="export")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(RadioSet).focus()

    def _fmt(self) -> str:
        pressed = self.query_one(RadioSet).pressed_button
        return (pressed.name if pressed is not None else None) or EXPORT_FORMATS[0][0]

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        """Keep the file name's extension in step with the format."""
        path_input = self.query_one("#export-path", Input)
        path = Path(path_input.value or "reading-list")
        ext = next(e for k, _, e in EXPORT_FORMATS if k == self._fmt())
        name = path.name
        for _, _, old in sorted(EXPORT_FORMATS, key=lambda t: -len(t[2])):
            if name.endswith(old):
                name = name[: -len(old)]
                break
        path_input.value = str(path.with_name(name + ext))
        if self.query_one(RadioSet).has_focus:
            path_input.focus()  # Enter picked the format; the next Enter exports

    def _submit(self) -> None:
        value = self.query_one("#export-path", Input).value.strip()
        if not value:
            self.notify("Give a file path", severity="warning")
            return
        path = Path(value).expanduser()
        if not path.is_absolute():
            path = self.directory / path
        self.dismiss((self._fmt(), path))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "export":
            self._submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
