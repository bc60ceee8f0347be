"""`readq doctor`: check a library's files, restore the last good catalogue, compact the journal.

Damage is never "repaired" by writing an empty library: the damaged file is kept aside under a
new name and the previous good copy (`papers.json.bak`, kept by every catalogue write) is restored.
"""

from __future__ import annotations

import datetime as _dt
import os
import shutil

import orjson
from collections.abc import Callable
from pathlib import Path

from readq.store.atomic import atomic_write, clean_temp_files, locked
from readq.store import Library
from readq.store.idtable import IDS_FILE
from readq.store.layout import INDEX_FILE, JOURNAL_FILE, LOCK_FILE, PAPERS_FILE
from readq.store.errors import LibraryCorrupt, LibraryError
from readq.store.layout import dump_line_layout, read_json_file
from readq.textclean import UNSAFE_JSON_RE, clean_json_bytes, clean_json_value


def _check_catalog(path: Path) -> str | None:
    """None when `path` is a readable catalogue, else the reason it is not."""
    try:
        data = read_json_file(path)
    except LibraryCorrupt as exc:
        return exc.reason
    if data is None:
        return "missing"
    if not isinstance(data, dict) or not isinstance(data.get("papers", {}), dict):
        return "not a readq library"
    return None


def _clean_and_restore(
    library_path: Path, papers: Path, backup: Path, *, repair: bool, echo: Callable[[str], None]
) -> bool:
    """Remove crash leftovers; restore the backup catalogue if papers.json is damaged."""
    removed = clean_temp_files(library_path)
    if removed:
        echo(f"removed {len(removed)} temporary file(s) left by an interrupted write")
    problem = _check_catalog(papers) if papers.exists() else None
    if problem:
        echo(f"DAMAGED {papers}: {problem}")
        bak_problem = _check_catalog(backup) if backup.exists() else "missing"
        if bak_problem:
            echo(f"no good backup to restore ({backup.name}: {bak_problem})")
            return False
        if not repair:
            echo(f"a good backup exists ({backup.name}); run `readq doctor --repair` to restore it")
            return False
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        aside = papers.with_name(f"{PAPERS_FILE}.damaged-{stamp}")
        os.replace(papers, aside)
        atomic_write(papers, backup.read_bytes())
        (library_path / INDEX_FILE).unlink(missing_ok=True)
        (library_path / IDS_FILE).unlink(missing_ok=True)
        echo(f"restored {papers.name} from {backup.name}; the damaged file is kept as {aside.name}")
        echo("changes made after that backup was written and already folded into the damaged file are lost")
    return True


def _clean_text(library_path: Path, papers: Path, *, repair: bool, echo: Callable[[str], None]) -> None:
    """Control and bidi characters a library written before ingest cleaned text may hold.

    Every output path cleans papers anyway; `--repair` cleans the catalogue itself (escape
    sequences removed whole, non-http(s) links dropped) and rewrites it in the line layout. The
    index and the saved search index hold byte offsets and text of the old file: both are rebuilt.
    """
    if not papers.exists():
        return
    raw = papers.read_bytes()
    if clean_json_bytes(raw) is raw:
        return
    lines = sum(1 for line in raw.split(b"\n") if UNSAFE_JSON_RE.search(line))
    if not repair:
        echo(f"note: {lines} record line(s) hold control or bidi characters (output already drops them); "
             "`readq doctor --repair` removes them from the library")
        return
    data = clean_json_value(orjson.loads(raw))
    atomic_write(papers, b"".join(dump_line_layout(data)))  # type: ignore[arg-type]
    (library_path / INDEX_FILE).unlink(missing_ok=True)
    shutil.rmtree(library_path / "cache", ignore_errors=True)
    echo(f"cleaned control or bidi characters from {lines} record line(s)")


def check(library_path: Path, *, repair: bool, compact: bool, echo: Callable[[str], None]) -> bool:
    """Print a report; return True when the library is (now) healthy."""
    papers = library_path / PAPERS_FILE
    backup = library_path / (PAPERS_FILE + ".bak")
    echo(f"library: {library_path}")
    if not library_path.exists():
        echo("no library here yet (it is created by the first `readq import`)")
        return True
    # Under the library lock: a temporary may belong to an import running right now, and the
    # restore must not interleave with another process's catalogue write.
    with locked(library_path / LOCK_FILE):
        healthy = _clean_and_restore(library_path, papers, backup, repair=repair, echo=echo)
        if healthy:
            _clean_text(library_path, papers, repair=repair, echo=echo)
    if not healthy:
        return False
    try:
        lib = Library(library_path).load()
    except LibraryError as exc:
        echo(f"DAMAGED: {exc}")
        return False
    for warning in lib.warnings:
        echo(f"note: {warning}")
    counts = lib.counts()
    journal = library_path / JOURNAL_FILE
    ops = sum(1 for _ in journal.open("rb")) if journal.exists() else 0
    echo(
        f"ok: {counts['all']} papers ({counts['new']} new, {counts['to-read']} to read, "
        f"{counts['read']} read, {counts['skipped']} skipped, {counts['starred']} starred); "
        f"{ops} journal transaction(s) since the last compaction"
    )
    if compact or repair:
        lib.compact()
        echo("compacted: journal folded into the catalogue (previous catalogue kept as papers.json.bak)")
    return True

