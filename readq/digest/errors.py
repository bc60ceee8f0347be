"""The parser's result records: what a digest yielded, and what went wrong where.

Kept apart from the parsers so every module (and the CLI) can share them without import cycles.
"""

from __future__ import annotations

from dataclasses import dataclass

from readq.model import Entry


class DigestError(Exception):
    """A whole input is unusable (binary, undecodable). The message is one human-readable line."""


@dataclass(frozen=True)
class ParseWarning:
    """Something in a digest the parser skipped or doubted; `line` is 1-based (0 = whole file)."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True)
class ParseResult:
    """Everything one digest yielded; `layout` names the parser that read it."""

    entries: tuple[Entry, ...]
    warnings: tuple[ParseWarning, ...]
    layout: str
    digest_date: str | None
    notes: tuple[str, ...] = ()  # capture quirks the parser recognised (for `import --dry-run`)
