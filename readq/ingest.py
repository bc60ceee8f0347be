"""Import orchestration: read inputs, parse each digest, merge everything in one library write.

Parsing happens per file (each file's problems are reported with its name and line); the merge
is one `Library.ingest` call so a whole import costs one atomic catalogue write, and an import
that reads nothing leaves the library untouched (not even created).
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from readq.digest import DigestError, InputFile, iter_inputs, parse_bytes
from readq.store import IngestReport, Library, paused_gc
from readq.model import Entry

PROGRESS_MIN_FILES = 4
PROGRESS_MIN_BYTES = 2_000_000


@dataclass(slots=True)
class ImportReport:
    """The summary `readq import` prints."""

    files: int = 0
    files_read: int = 0
    entries: int = 0
    new: int = 0
    merged: int = 0
    duplicates: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    layouts: dict[str, int] = field(default_factory=dict)

    def absorb(self, ingest: IngestReport) -> None:
        self.new, self.merged = ingest.new, ingest.merged
        self.duplicates, self.unchanged = ingest.duplicates, ingest.unchanged

    def summary(self) -> str:
        parts = [
            f"{self.files_read} of {self.files} file(s) read",
            f"{self.entries} entries",
            f"{self.new} new papers",
            f"{self.duplicates} duplicates merged",
        ]
        if self.warnings:
            parts.append(f"{len(self.warnings)} warning(s)")
        line = "Imported: " + ", ".join(parts) + "."
        if self.entries and not self.new and not self.merged:
            line += " Nothing new: every paper was already in the library."
        return line

    def as_json(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "files_read": self.files_read,
            "entries": self.entries,
            "new": self.new,
            "merged": self.merged,
            "duplicates": self.duplicates,
            "unchanged": self.unchanged,
            "warnings": self.warnings,
            "errors": self.errors,
            "layouts": self.layouts,
        }


@contextmanager
def _progress(enabled: bool, total_bytes: int, files: int) -> Iterator[Callable[[int, str], None]]:
    """A rich progress bar on stderr for big imports; a no-op otherwise."""
    show = enabled and sys.stderr.isatty() and (files >= PROGRESS_MIN_FILES or total_bytes >= PROGRESS_MIN_BYTES)
    if not show:
        yield lambda advance, name: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("[bold]importing[/] {task.fields[name]}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("import", total=total_bytes or None, name="")

        def update(advance: int, name: str) -> None:
            bar.update(task, advance=advance, name=name)

        yield update


def import_date() -> _dt.date:
    """Today, or `READQ_TODAY` (YYYY-MM-DD) so year-less digest dates resolve reproducibly."""
    override = os.environ.get("READQ_TODAY")
    if override:
        try:
            return _dt.date.fromisoformat(override)
        except ValueError:
            pass
    return _dt.date.today()


def read_entries(
    paths: Sequence[str], *, today: _dt.date | None = None, progress: bool = False
) -> tuple[list[Entry], ImportReport]:
    """Parse every input; collect entries, warnings and per-file errors."""
    today = today or import_date()
    report = ImportReport()
    inputs: list[InputFile] = list(iter_inputs(paths))
    entries: list[Entry] = []
    total = sum(i.size for i in inputs if i.data is not None)
    with _progress(progress, total, len(inputs)) as advance:
        for item in inputs:
            report.files += 1
            if item.data is None:
                report.errors.append(f"{item.name}: {item.error or 'could not be read'}")
                continue
            try:
                result = parse_bytes(item.data, source=item.name, today=today)
            except DigestError as exc:
                report.errors.append(f"{item.name}: {exc}")
                advance(item.size, item.name)
                continue
            advance(item.size, item.name)
            if not result.entries:
                # One line per unreadable file: the parser's own reason, not a warning plus an error.
                reason = result.warnings[0].message if result.warnings else ""
                if not reason.startswith("no papers found"):
                    reason = "no papers found" + (f" ({reason})" if reason else "")
                report.errors.append(f"{item.name}: {reason}")
                continue
            report.warnings.extend(str(w) for w in result.warnings)
            report.files_read += 1
            report.layouts[result.layout] = report.layouts.get(result.layout, 0) + 1
            entries.extend(result.entries)
    report.entries = len(entries)
    return entries, report


def import_paths(
    library: Library, paths: Sequence[str], *, today: _dt.date | None = None, progress: bool = False
) -> ImportReport:
    """Read `paths` and merge what they hold into `library`."""
    # No cyclic GC while parsing and merging: a big digest makes millions of short-lived acyclic
    # objects and the collector kept re-traversing the growing entries (1.7 s of a 9 s parse at
    # 100k papers). Not frozen afterwards: an import's entries are garbage once merged.
    with paused_gc(freeze=False):
        entries, report = read_entries(paths, today=today, progress=progress)
        if entries:
            report.absorb(library.ingest(entries))
    return report


