"""The triage app: `ReadqApp(library_path, ...)` (a factory tests build on a temp library) and `run`."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterable, Mapping
from functools import partial
from pathlib import Path

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from readq.tui.heap import IdleCollector
from readq.tui.host import Filterable
from readq.tui.screens.help import Section
from readq.tui.screens.main import MainScreen
from readq.tui.screens.paper_actions import CITE_FORMATS
from readq.tui.screens.messages import ErrorScreen
from readq.tui.view import SORT_LABELS

# A key's frame is normally on screen within ~10 ms at 100k papers; the young-generation
# collection runs just after, in the gap before the next key (see `readq.tui.heap`).
AFTER_FRAME_S = 0.015


class ReadqApp(App[None]):
    """Keyboard-driven triage of a readq library."""

    CSS_PATH = "readq.tcss"
    TITLE = "readq"
    BINDINGS: list[BindingType] = [
        Binding("q", "quit", "Quit", id="quit", tooltip="Quit (every change is already saved)"),
    ]

    def __init__(
        self,
        library_path: Path | str,
        *,
        advance_on_mark: bool = True,
        bulk_confirm: int = 20,
        osc52: bool = True,
        poll_interval: float = 1.0,
        keymap: Mapping[str, str] | None = None,
        cite_format: str = "bibtex",
    ) -> None:
        """`bulk_confirm`: ask before changing more papers than this at once.
        `osc52`: also copy through the terminal (OSC 52). `keymap`: binding id -> keys."""
        super().__init__()
        self.library_path = Path(library_path).expanduser()
        self.advance_on_mark = advance_on_mark
        self.bulk_confirm = bulk_confirm
        self.osc52 = osc52
        self.poll_interval = poll_interval
        self.cite_format = cite_format
        if keymap:
            self.set_keymap(dict(keymap))
        self.collector = IdleCollector()
        self.filterable_at: float | None = None  # `time.monotonic()` of the first `Filterable`

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)):
            self.collector.note_input()
            # Not `call_after_refresh`: its extra refresh cycle shifts the screen's update timer
            # so the next key's frame waited up to a timer period (measured: +5-10 ms).
            asyncio.get_running_loop().call_later(AFTER_FRAME_S, self.collector.after_frame)
        await super().on_event(event)

    def on_filterable(self, event: Filterable) -> None:
        if self.filterable_at is None:
            self.filterable_at = event.at

    def on_unmount(self) -> None:
        self.collector.uninstall()

    def on_mount(self) -> None:
        self.collector.install()
        self.set_interval(0.5, self.collector.tick, name="idle-gc")
        from readq.store import Library
        from readq.tui.session import Session

        try:
            session = Session(Library(self.library_path))
        except Exception as exc:
            self.show_library_error(exc)
            return
        self.push_screen(MainScreen(session))

    def show_library_error(self, exc: BaseException) -> None:
        """Replace everything with a plain message naming the file (never a traceback)."""
        title = "The library cannot be opened"
        message = str(exc) or type(exc).__name__
        if str(self.library_path) not in message:
            message = f"{self.library_path}: {message}"
        self.push_screen(ErrorScreen(title, message))

    def help_sections(self) -> list[Section]:
        """Binding groups for `?`, in the order a newcomer needs them."""
        from readq.tui.widgets.filter_bar import FILTER_KEYS
        from readq.tui.widgets.paper_list import PaperList

        return [
            ("Triage (list and sidebar)", MainScreen.BINDINGS),
            ("Moving in the list", PaperList.BINDINGS),
            ("While filtering (after /)", FILTER_KEYS),
            ("App", [*self.BINDINGS, Binding("ctrl+p", "command_palette", "Command palette",
                                            id="palette", tooltip="Search every action by name")]),
        ]

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette lists the same actions as the keys (plus a few with arguments)."""
        yield from super().get_system_commands(screen)
        if not isinstance(screen, MainScreen):
            return
        for binding in MainScreen.BINDINGS:
            assert isinstance(binding, Binding)
            keys = binding.key_display or binding.key
            yield SystemCommand(
                binding.description, f"{binding.tooltip}  [{keys}]", partial(self.run_action, binding.action, screen)
            )
        for fmt, label in CITE_FORMATS:
            yield SystemCommand(
                f"Copy citation as {label}", f"Copy the highlighted paper's citation as {label}",
                partial(screen.action_copy_cite, fmt),
            )
        for sort, label in SORT_LABELS.items():
            yield SystemCommand(f"Sort by {label}", f"Order the list by {label}", partial(setattr, screen, "sort", sort))
        yield SystemCommand(
            "Select the highlighted paper", "Toggle it in the selection  [space]",
            partial(self.run_action, "toggle_select", screen.paper_list),
        )


def run(library_path: Path | str) -> None:
    """Open the triage app on `library_path` (called by `readq` with no subcommand).

    Settings come from the user's config file (see `readq.config`).
    """
    from readq.config import load_config

    config = load_config()
    for warning in config.warnings:
        print(f"readq: warning: {warning}", file=sys.stderr)
    ReadqApp(
        library_path,
        advance_on_mark=config.advance_on_mark,
        bulk_confirm=config.bulk_confirm,
        osc52=config.osc52,
        keymap=config.keys or None,
        cite_format=config.cite_format,
    ).run()
