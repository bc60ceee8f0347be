"""Several processes on one library: writers, `readq mark`/`star`, an importer and a polling reader.

Why: the TUI stays open while the user runs `readq mark` or `readq import` in another terminal;
none of their changes may be lost and the TUI's `refresh()` must never see a half-made state.
The multi-process run is `helpers/concurrency.py` (bench/concurrency.py runs a bigger one); the
other tests pin down, deterministically, the two races that run found.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from helpers.concurrency import run_concurrency
from readq import doctor
from readq.store import atomic as fsutil
from readq.store import Library
from readq.model import Entry, Source, Status
from readq.store.journal import Journal


def entries(n: int, offset: int = 0) -> list[Entry]:
    return [
        Entry(title=f"Concurrency paper {i + offset}: shared queues", abstract="A. " * 30,
              source=Source(file="c.txt", digest_date="2025-03-01"))
        for i in range(n)
    ]


def test_interleaved_processes_lose_nothing_and_readers_see_prefixes(tmp_path: Path) -> None:
    stats = run_concurrency(
        tmp_path / "lib", papers=30, writers=3, ops=80, shared=4, cli_writers=2, cli_calls=6,
        imports=6, seed=7,
    )
    assert stats.problems == []
    assert (stats.lost, stats.errors, stats.inconsistent_reads) == (0, 0, 0)
    assert stats.operations == 3 * 80 + 2 * 6 and stats.imports == 6 and stats.reads > 0


@pytest.mark.parametrize("other", ["load", "doctor"])
def test_load_during_another_write_keeps_its_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, other: str
) -> None:
    """A reader reloading (the TUI after it sees papers.json change) or `readq doctor`, while an
    import is between writing its temporary and renaming it, must not delete that temporary as
    a crash leftover (the import then fails with FileNotFoundError)."""
    Library(tmp_path).ingest(entries(3))
    real_replace = fsutil.os.replace
    fired: list[bool] = []

    def replace_after_a_concurrent_load(src: str, dst: str) -> None:
        if not fired:
            fired.append(True)
            if other == "load":
                reader = threading.Thread(target=lambda: Library(tmp_path).load())
            else:
                reader = threading.Thread(
                    target=lambda: doctor.check(tmp_path, repair=False, compact=False, echo=lambda m: None))
            reader.start()
            reader.join(timeout=1.0)  # another process loading at this very instant
        real_replace(src, dst)

    monkeypatch.setattr(fsutil.os, "replace", replace_after_a_concurrent_load)
    report = Library(tmp_path).ingest(entries(2, offset=10))
    monkeypatch.undo()
    assert report.new == 2
    assert len(Library(tmp_path)) == 5


@pytest.mark.parametrize("how", ["load", "load_index", "refresh"])
def test_read_straddling_a_catalogue_rewrite_keeps_acknowledged_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """A read that gets the catalogue, then the journal, must not let an import fold the journal
    in between: the acknowledged change would be in neither file the reader saw."""
    Library(tmp_path).ingest(entries(3))
    reader = Library(tmp_path)
    if how == "refresh":
        reader.load()
    pid = sorted(Library(tmp_path).ids())[0]
    Library(tmp_path).set_status([pid], "read")  # acknowledged: in the journal only
    real_read_new = Journal.read_new
    importer = threading.Thread(target=lambda: Library(tmp_path).ingest(entries(1, offset=50)))

    def read_new_after_a_fold(self: Journal) -> list:
        if self is reader._journal and not importer.is_alive() and importer.ident is None:
            importer.start()
            importer.join(timeout=1.0)  # `readq import` in another terminal, right now
        return real_read_new(self)

    monkeypatch.setattr(Journal, "read_new", read_new_after_a_fold)
    getattr(reader, how)()
    seen = reader.state(pid)
    importer.join()
    monkeypatch.undo()
    assert seen == (Status.READ, False)
    assert Library(tmp_path).state(pid) == (Status.READ, False)
