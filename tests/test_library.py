"""The persistence seam: durability, crash safety, scale and two-process behaviour."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from readq.store import atomic as fsutil
from readq.store import AmbiguousId, Library, UnknownId
from readq.model import Entry, Source, Status
from readq.store.errors import LibraryCorrupt


def entries(n: int, *, file: str = "d.txt", date: str = "2025-03-01", offset: int = 0) -> list[Entry]:
    return [
        Entry(
            title=f"Paper number {i + offset}: a study of video",
            abstract=f"Abstract {i + offset}. " * 20,
            source=Source(file=file, digest_date=date),
        )
        for i in range(n)
    ]


def test_ingest_then_reopen_keeps_papers(tmp_path: Path) -> None:
    lib = Library(tmp_path / "lib")
    report = lib.ingest(entries(5))
    assert (report.entries, report.new, report.duplicates) == (5, 5, 0)
    again = Library(tmp_path / "lib")
    assert len(again) == 5
    assert {p.title for p in again.papers()} == {e.title for e in entries(5)}


def test_reimport_changes_nothing(tmp_path: Path) -> None:
    lib = Library(tmp_path)
    lib.ingest(entries(5))
    before = (tmp_path / "papers.json").stat()
    report = Library(tmp_path).ingest(entries(5))
    assert (report.new, report.merged, report.unchanged) == (0, 0, 5)
    after = (tmp_path / "papers.json").stat()
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)


def test_new_sighting_merges_sources_and_keeps_id(tmp_path: Path) -> None:
    lib = Library(tmp_path)
    lib.ingest(entries(1))
    pid = lib.ids()[0]
    richer = Entry(
        title="PAPER NUMBER 0 a study of video!",  # same paper, other case and punctuation
        abstract="short",
        upvotes=7,
        authors_count=4,
        source=Source(file="e.txt", digest_date="2025-03-02"),
    )
    report = lib.ingest([richer])
    assert (report.new, report.merged) == (0, 1)
    paper = Library(tmp_path).get(pid)
    assert [s.file for s in paper.sources] == ["d.txt", "e.txt"]
    assert paper.upvotes == 7 and paper.authors_count == 4
    assert paper.abstract.startswith("Abstract 0")  # the richer abstract is kept


def test_arxiv_id_match_dedups_different_titles(tmp_path: Path) -> None:
    lib = Library(tmp_path)
    a = Entry(title="Old title", arxiv_id="2401.00001", source=Source("a.txt"))
    b = Entry(title="Renamed title", arxiv_id="2401.00001", source=Source("b.txt"))
    report = lib.ingest([a, b])
    assert report.new == 1 and report.duplicates == 1


def test_status_and_star_persist_and_prefix_ids(tmp_path: Path) -> None:
    lib = Library(tmp_path)
    lib.ingest(entries(3))
    pid = lib.ids()[0]
    changes = lib.set_status([pid[:6]], "to-read")
    assert [(c.field, c.old, c.new) for c in changes] == [("status", Status.NEW, Status.TO_READ)]
    lib.toggle_star([pid])
    reopened = Library(tmp_path)
    assert reopened.get(pid).status is Status.TO_READ
    assert reopened.get(pid).starred is True
    with pytest.raises(UnknownId):
        reopened.resolve("zzzz")
    with pytest.raises(UnknownId):
        reopened.resolve("")


def test_ambiguous_prefix(tmp_path: Path) -> None:
    lib = Library(tmp_path)
    lib.ingest(entries(200))
    first_chars = [pid[0] for pid in lib.ids()]
    common = max(set(first_chars), key=first_chars.count)
    with pytest.raises(AmbiguousId):
        lib.resolve(common)


def test_undo_reverts_bulk_change(tmp_path: Path) -> None:
    lib = Library(tmp_path)
    lib.ingest(entries(4))
    ids = lib.ids()
    lib.set_status(ids[:1], "read")
    bulk = lib.set_status(ids, "skipped")
    assert len(bulk) == 4
    lib.revert(bulk)
    reopened = Library(tmp_path)
    assert reopened.get(ids[0]).status is Status.READ
    assert all(reopened.get(i).status is Status.NEW for i in ids[1:])


def test_two_instances_do_not_lose_changes(tmp_path: Path) -> None:
    Library(tmp_path).ingest(entries(10))
    tui = Library(tmp_path).load()
    cli = Library(tmp_path)  # like `readq mark` in another terminal: index-only load
    ids = tui.ids()
    for i in range(10):
        (tui if i % 2 else cli).set_status([ids[i]], "read" if i % 2 else "to-read")
    cli.set_starred([ids[1]], True)
    tui.set_starred([ids[2]], True)
    tui.refresh()
    assert ids[1] in (tui.drain_external() or {ids[1]})  # the TUI learns what the CLI changed
    assert tui.state(ids[1]) == (Status.READ, True)
    final = Library(tmp_path)
    for i in range(10):
        assert final.get(ids[i]).status is (Status.READ if i % 2 else Status.TO_READ)
    assert final.get(ids[1]).starred and final.get(ids[2]).starred
    # an import in one process is picked up by the other (catalogue replaced → reload)
    cli.ingest(entries(2, offset=100, file="more.txt"))
    tui.refresh()
    assert len(tui) == 12 and tui.get(ids[1]).starred


def test_status_change_at_100k_papers_appends_not_rewrites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lib = Library(tmp_path, durable=False)
    lib.ingest(entries(100_000))
    catalog = (tmp_path / "papers.json").stat()
    writes: list[Path] = []
    real_atomic_write = fsutil.atomic_write

    def spy(path: Path, data: bytes, **kw: object) -> None:
        writes.append(Path(path))
        real_atomic_write(path, data, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr("readq.store.atomic.atomic_write", spy)
    monkeypatch.setattr("readq.store.tinydb_storage.atomic_write", spy)
    monkeypatch.setattr("readq.store.library.atomic_write", spy)
    marker = Library(tmp_path)
    pid = marker.ids()[12345]
    marker.set_status([pid], "read")
    marker.set_starred([pid], True)
    assert writes == []  # neither the catalogue nor the index was rewritten
    after = (tmp_path / "papers.json").stat()
    assert (catalog.st_ino, catalog.st_size, catalog.st_mtime_ns) == (after.st_ino, after.st_size, after.st_mtime_ns)
    journal = (tmp_path / "journal.jsonl").read_bytes()
    assert journal.count(b"\n") == 2 and len(journal) < 400
    assert Library(tmp_path).state(pid) == (Status.READ, True)


def test_crash_mid_catalogue_write_leaves_previous_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lib = Library(tmp_path)
    lib.ingest(entries(3))

    def crash(*_a: object, **_k: object) -> None:
        raise OSError("simulated crash: power lost during rename")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        Library(tmp_path).ingest(entries(2, offset=50))
    monkeypatch.undo()
    survivor = Library(tmp_path)
    assert len(survivor) == 3  # the old catalogue, intact
    assert not list(tmp_path.glob(fsutil.TMP_PREFIX + "*"))


def test_torn_journal_line_is_ignored_and_trimmed(tmp_path: Path) -> None:
    lib = Library(tmp_path)
    lib.ingest(entries(2))
    a, b = lib.ids()
    lib.set_status([a], "read")
    with open(tmp_path / "journal.jsonl", "ab") as handle:
        handle.write(b'{"seq": 99, "ops": [["' + b.encode() + b'", "status", "sk')  # crash mid-append
    reader = Library(tmp_path)
    assert reader.state(a) == (Status.READ, False)
    assert reader.state(b) == (Status.NEW, False)
    reader.set_status([b], "to-read")  # the next append must not glue onto the torn line
    assert Library(tmp_path).state(b) == (Status.TO_READ, False)


@pytest.mark.parametrize("damage", [b"", b"\x00\x01garbage", b'{"papers": {"1": {"id"'])
def test_corrupt_catalogue_is_reported_and_untouched(tmp_path: Path, damage: bytes) -> None:
    lib = Library(tmp_path)
    lib.ingest(entries(2))
    (tmp_path / "papers.json").write_bytes(damage)
    (tmp_path / "index.json").unlink()
    with pytest.raises(LibraryCorrupt) as info:
        Library(tmp_path).papers()
    assert "papers.json" in str(info.value)
    with pytest.raises(LibraryCorrupt):
        Library(tmp_path).ingest(entries(1, offset=9))
    assert (tmp_path / "papers.json").read_bytes() == damage


def test_stale_index_after_crash_is_rebuilt_from_catalogue(tmp_path: Path) -> None:
    lib = Library(tmp_path)
    lib.ingest(entries(2))
    stale = (tmp_path / "index.json").read_bytes()
    lib.ingest(entries(1, offset=7))
    (tmp_path / "index.json").write_bytes(stale)  # as if we crashed between the two renames
    fresh = Library(tmp_path)
    assert len(fresh.load_index()) == 3


def test_compaction_keeps_state_and_backup(tmp_path: Path) -> None:
    lib = Library(tmp_path)
    lib.ingest(entries(3))
    pid = lib.ids()[0]
    lib.set_status([pid], "read")
    lib.compact()
    assert (tmp_path / "journal.jsonl").read_bytes() == b""
    assert (tmp_path / "papers.json.bak").exists()
    assert Library(tmp_path).state(pid) == (Status.READ, False)
