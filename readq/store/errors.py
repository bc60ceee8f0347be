"""The library's errors: each is one clear line for the user, never a traceback."""

from __future__ import annotations

from pathlib import Path


class LibraryError(Exception):
    """A library problem the user must see as one clear line (never a traceback)."""


class LibraryCorrupt(LibraryError):
    """A library file cannot be read; it is left untouched."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            f"{path}: library file is unreadable ({reason}); it was left untouched. "
            f"Run `readq doctor` to check it and restore the last good copy."
        )


class UnknownId(LibraryError):
    """No paper has this ID (or ID prefix)."""


class AmbiguousId(LibraryError):
    """An ID prefix matches more than one paper."""


class StaleLayout(LibraryError):
    """The record offsets do not match papers.json (the caller falls back to a full load)."""
