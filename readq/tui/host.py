"""What the screens need from the app, named without importing the app (which imports them).

`Host` is the app's side of that bargain: its settings and two services. `Filterable` is the
public readiness signal: posted to the app once the search index is installed and typing filters
the list (tests and the benchmark probe wait for it instead of watching private state).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from textual.message import Message

if TYPE_CHECKING:
    from readq.tui.screens.help import Section


def samples_dir() -> Path:
    """The sample digests shipped inside the package (offered on the empty-library screen)."""
    return Path(str(resources.files("readq") / "samples"))


class Host(Protocol):
    """The settings and services of the app a screen runs in (`ReadqApp`)."""

    poll_interval: float
    bulk_confirm: int
    advance_on_mark: bool
    osc52: bool
    cite_format: str

    def show_library_error(self, exc: Exception) -> None: ...

    def help_sections(self) -> list[Section]: ...


class Filterable(Message):
    """The library is loaded and indexed: from now on typing in the filter filters."""

    def __init__(self, papers: int, at: float) -> None:
        super().__init__()
        self.papers = papers  # papers in the index
        self.at = at  # `time.monotonic()` when the index was installed
