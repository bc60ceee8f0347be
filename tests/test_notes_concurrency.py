"""Tags and notes from several processes at once: none lost, all durable, undo puts them back."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

from readq.model import Entry, Source
from readq.store import Library


def _writer(path: str, worker: int, ids: list[str]) -> None:
    lib = Library(path)
    for i, pid in enumerate(ids):
        lib.set_tags([pid], add=[f"w{worker}", f"n{i % 3}"])
        lib.set_note([pid], f"worker {worker} was here") if worker == 0 else None


def test_tags_and_notes_from_concurrent_processes(tmp_path: Path) -> None:
    path = tmp_path / "lib"
    lib = Library(path)
    lib.ingest([Entry(title=f"Paper {i}", source=Source("d.txt", "2025-01-01")) for i in range(20)])
    ids = lib.ids()
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(path), w, ids)) for w in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    fresh = Library(path)
    for pid in ids:
        paper = fresh.get(pid)
        assert {"w0", "w1", "w2"} <= set(paper.tags)
        assert paper.note == "worker 0 was here"
    assert fresh.tag_counts()["w1"] == 20


def test_revert_undoes_tags_and_notes(tmp_path: Path) -> None:
    lib = Library(tmp_path / "lib")
    lib.ingest([Entry(title="One paper", source=Source("d.txt", "2025-01-01"))])
    (pid,) = lib.ids()
    tags = lib.set_tags([pid], add=["a", "b"])
    note = lib.set_note([pid], "hello")
    lib.revert(note)
    assert Library(tmp_path / "lib").get(pid).note is None
    lib.revert(tags)
    assert Library(tmp_path / "lib").get(pid).tags == ()
