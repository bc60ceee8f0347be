"""ids.bin: `mark`/`star` on an unloaded library resolve and change papers without loading
index.json or the catalogue, and agree with the loading path in every answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from readq.model import Status
from readq.store import AmbiguousId, Library, UnknownId
from readq.store.idtable import IDS_FILE, IdTable
from readq.store.layout import catalog_generation
from readq.store.loaded import LoadedLibrary


@pytest.fixture
def lib(tmp_path: Path, samples: Path) -> Path:
    from readq.ingest import import_paths

    path = tmp_path / "lib"
    import_paths(Library(path), [str(samples)])
    return path


def _no_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: LoadedLibrary) -> None:
        raise AssertionError("the library was loaded")

    monkeypatch.setattr(LoadedLibrary, "load_index", refuse)
    monkeypatch.setattr(LoadedLibrary, "load", refuse)


def _state(lib: Path, pid: str) -> tuple[Status, bool]:
    return Library(lib).load().state(pid)


def test_the_table_matches_the_catalogue(lib: Path) -> None:
    loaded = Library(lib).load()
    table = IdTable.open(lib / IDS_FILE, catalog_generation(lib / "papers.json"))
    assert table is not None
    try:
        assert len(table) == len(loaded)
        for pid in loaded.ids():
            assert table.resolve(pid) == pid
            assert table.state(pid) == loaded.state(pid)
    finally:
        table.close()


def test_mark_without_loading(lib: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pid = Library(lib).load().ids()[3]
    with monkeypatch.context() as m:
        _no_loading(m)
        fresh = Library(lib)
        assert fresh.resolve(pid[:7]) == pid
        changes = fresh.set_status([pid[:7]], "read")
        assert [(c.id, c.old, c.new) for c in changes] == [(pid, Status.NEW, Status.READ)]
        assert Library(lib).set_status([pid], "read") == []  # the journal is replayed: already read
        assert len(Library(lib).set_starred([pid], True)) == 1
    assert _state(lib, pid) == (Status.READ, True)
    # the object that took the fast path is still usable as a whole library afterwards
    assert fresh.state(pid) == (Status.READ, True)


def test_prefix_errors_match_the_loading_path(lib: Path) -> None:
    loaded = Library(lib).load()
    ids = sorted(loaded.ids())
    shared = next(a[:1] for a, b in zip(ids, ids[1:]) if a[:1] == b[:1])
    for prefix in (shared, "zzzz-no-such-id", "", "é"):
        errors = []
        for library in (Library(lib), loaded):
            with pytest.raises((UnknownId, AmbiguousId)) as info:
                library.resolve(prefix)
            errors.append((type(info.value), str(info.value)))
        assert errors[0] == errors[1]


def test_stale_or_damaged_table_is_ignored_and_rewritten(lib: Path) -> None:
    pid = Library(lib).load().ids()[0]
    table_path = lib / IDS_FILE
    for damage in (lambda: table_path.write_bytes(table_path.read_bytes()[:-3]),
                   lambda: table_path.unlink(),
                   lambda: table_path.write_bytes(table_path.read_bytes().replace(b'"generation":"', b'"generation":"x', 1))):
        damage()
        assert IdTable.open(table_path, catalog_generation(lib / "papers.json")) is None
        Library(lib).set_status([pid], "skipped")  # falls back to loading, then rewrites the table
        assert _state(lib, pid)[0] is Status.SKIPPED
        table = IdTable.open(table_path, catalog_generation(lib / "papers.json"))
        assert table is not None and table.resolve(pid) == pid
        table.close()
        Library(lib).set_status([pid], "new")
        assert _state(lib, pid)[0] is Status.NEW


def test_compaction_rewrites_the_table(lib: Path) -> None:
    pid = Library(lib).load().ids()[1]
    Library(lib).set_status([pid], "to-read")
    Library(lib).compact()
    table = IdTable.open(lib / IDS_FILE, catalog_generation(lib / "papers.json"))
    assert table is not None and table.state(pid) == (Status.TO_READ, False)
    table.close()
    assert Library(lib).set_status([pid], "to-read") == []
