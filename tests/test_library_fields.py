"""Tags, notes and identity fields: durable journal operations like status and star."""

from __future__ import annotations

from pathlib import Path

import pytest

from readq.store import Library
from readq.model import Entry, Source


def _entries(n: int) -> list[Entry]:
    return [Entry(title=f"Paper {i}: on fields", abstract=f"Abstract {i}.",
                  source=Source(file="d.txt", digest_date="2025-03-01")) for i in range(n)]


@pytest.fixture
def lib(tmp_path: Path) -> Library:
    library = Library(tmp_path / "lib")
    library.ingest(_entries(4))
    return library


def _fresh(lib: Library) -> Library:
    return Library(lib.path)


def test_tags_add_remove_and_survive_reopen(lib: Library) -> None:
    a, b = lib.ids()[:2]
    changes = lib.set_tags([a, b], add=["video", "to cite"])
    assert [(c.id, c.field, c.new) for c in changes] == [(a, "tags", ("video", "to-cite")),
                                                         (b, "tags", ("video", "to-cite"))]
    lib.set_tags([a], remove=["video"])
    for other in (_fresh(lib).load_index(), _fresh(lib).load()):
        assert other.tags(a) == ("to-cite",)
        assert other.tags(b) == ("video", "to-cite")
        assert other.tag_counts() == {"to-cite": 2, "video": 1}
    assert _fresh(lib).get(a).tags == ("to-cite",)


def test_adding_a_tag_twice_changes_nothing(lib: Library) -> None:
    pid = lib.ids()[0]
    lib.set_tags([pid], add=["x"])
    assert lib.set_tags([pid], add=["x"]) == []
    assert lib.set_tags([pid], add=["  "]) == []


def test_note_set_clear_and_revert(lib: Library) -> None:
    pid = lib.ids()[0]
    first = lib.set_note([pid], "Read section 3.")
    assert _fresh(lib).get(pid).note == "Read section 3."
    second = lib.set_note([pid], None)
    assert _fresh(lib).get(pid).note is None
    lib.revert(second)
    assert _fresh(lib).get(pid).note == "Read section 3."
    lib.revert(first)
    assert _fresh(lib).get(pid).note is None


def test_tag_undo_restores_the_list(lib: Library) -> None:
    pid = lib.ids()[0]
    lib.set_tags([pid], add=["a", "b"])
    changes = lib.set_tags([pid], add=["c"], remove=["a"])
    lib.revert(changes)
    assert _fresh(lib).tags(pid) == ("b", "a") or set(_fresh(lib).tags(pid)) == {"a", "b"}


def test_identity_fields_are_durable_and_shown_in_views(lib: Library) -> None:
    pid = lib.ids()[0]
    fields = {"arxiv_id": "2401.01234", "authors": ["Ada Lovelace", "Alan Turing"], "published": "2024-01-02",
              "resolved": {"source": "hf", "at": "2026-01-01T00:00:00+00:00", "matched_title": "Paper 0"}}
    changes = lib.set_fields({pid: fields})
    assert {c.field for c in changes} == {"arxiv_id", "authors", "published", "resolved"}
    index_only = _fresh(lib)
    view = index_only.catalog_view()
    assert view is not None
    pos = view.ids.index(pid)
    rec = next(view.records([pos]))
    assert rec["arxiv_id"] == "2401.01234" and rec["authors"] == ["Ada Lovelace", "Alan Turing"]
    raw = b"".join(view.raw_records([pos], view.spans([pos])))
    assert b"2401.01234" in raw
    paper = _fresh(lib).get(pid)
    assert paper.authors == ("Ada Lovelace", "Alan Turing") and paper.resolved["source"] == "hf"


def test_unknown_identity_field_is_refused(lib: Library) -> None:
    with pytest.raises(ValueError):
        lib.set_fields({lib.ids()[0]: {"status": "read"}})


def test_compaction_folds_fields_into_the_catalogue(lib: Library) -> None:
    pid = lib.ids()[0]
    lib.set_tags([pid], add=["kept"])
    lib.set_note([pid], "note")
    lib.set_fields({pid: {"arxiv_id": "2401.00001"}})
    lib.compact()
    assert (lib.path / "journal.jsonl").read_bytes() == b""
    again = _fresh(lib)
    assert again.tags(pid) == ("kept",)
    paper = again.get(pid)
    assert (paper.note, paper.arxiv_id, paper.tags) == ("note", "2401.00001", ("kept",))


def test_index_only_writer_reads_the_old_value_for_undo(lib: Library) -> None:
    pid = lib.ids()[0]
    lib.set_note([pid], "first")
    lib.compact()
    writer = _fresh(lib)  # index-only: the note is only in papers.json
    changes = writer.set_note([pid], "second")
    assert [(c.old, c.new) for c in changes] == [("first", "second")]


def test_two_writers_do_not_lose_each_others_tags(lib: Library) -> None:
    pid = lib.ids()[0]
    one, two = _fresh(lib).load(), _fresh(lib).load_index()
    one.set_tags([pid], add=["from-one"])
    two.set_tags([pid], add=["from-two"])
    assert set(_fresh(lib).tags(pid)) == {"from-one", "from-two"}
    one.refresh()
    assert set(one.get(pid).tags) == {"from-one", "from-two"}


def test_tinydb_with_the_journaled_storage_sees_what_readq_shows(lib: Library) -> None:
    from tinydb import Query, TinyDB

    from readq.store.tinydb_storage import JournaledStorage

    a, b = lib.ids()[:2]
    lib.set_status([a], "to-read")
    lib.set_tags([b], add=["video"])
    lib.set_note([b], "good")
    plain = TinyDB(lib.papers_path).table("papers")
    assert plain.search(Query().status == "to-read") == []  # the change waits in the journal
    db = TinyDB(lib.papers_path, storage=JournaledStorage)
    papers = db.table("papers")
    assert [r["id"] for r in papers.search(Query().status == "to-read")] == [a]
    assert [r["note"] for r in papers.search(Query().tags.any(["video"]))] == ["good"]
    with pytest.raises(PermissionError):
        papers.insert({"id": "x"})
