"""The catalogue's one-record-per-line layout: still plain JSON / TinyDB, streamed back exactly,
damage never accepted, old (single-line) catalogues still load and are rewritten on the next write."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tinydb import TinyDB

from readq.store import Library
from readq.store.layout import ORDER_NEWEST_FIRST, newest_first as _newest_first
from readq.model import Entry, Paper, Source, Status
from readq.store.layout import NotLineLayout, dump_line_layout, iter_line_layout


def _streamed(data: bytes, chunk: int) -> dict:
    out: dict = {}
    for table, records in iter_line_layout(io.BytesIO(data), chunk):
        out.setdefault(table, {}).update(records)
    return out


json_value = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
tables = st.dictionaries(
    st.text(min_size=1, max_size=6),
    st.dictionaries(st.integers(1, 10**6).map(str), st.dictionaries(st.text(max_size=5), json_value, max_size=4),
                    max_size=6),
    max_size=3,
)


@settings(max_examples=200, deadline=None)
@given(tables, st.sampled_from([1, 2, 7, 64, 4096]))
def test_layout_round_trips_and_is_plain_json(data: dict, chunk: int) -> None:
    raw = b"".join(dump_line_layout(data))
    assert orjson.loads(raw) == data
    streamed = _streamed(raw, chunk)
    assert {k: v for k, v in streamed.items() if v} == {k: v for k, v in data.items() if v}
    for line in raw.split(b"\n")[2:-3]:  # every record is a line of its own
        if line.startswith(b'"') and not line.endswith(b"{"):
            orjson.loads(b"{" + line.rstrip(b",") + b"}")


def _accepts_only_what_json_accepts(damaged: bytes, chunk: int) -> None:
    try:
        streamed = _streamed(damaged, chunk)
    except (NotLineLayout, orjson.JSONDecodeError):
        return
    full = orjson.loads(damaged)  # must be valid JSON...
    assert {k: v for k, v in streamed.items() if v} == {k: v for k, v in full.items() if v}  # ...and the same


def test_any_truncation_or_one_byte_edit_is_rejected_or_harmless() -> None:
    data = {"meta": {"1": {"generation": "g"}}, "papers": {str(i): {"id": str(i), "t": "é\n"} for i in range(1, 5)}}
    raw = b"".join(dump_line_layout(data))
    for chunk in (1, 5, 4096):
        for i in range(len(raw)):
            _accepts_only_what_json_accepts(raw[:i], chunk)
            _accepts_only_what_json_accepts(raw[:i] + raw[i + 1 :], chunk)
            for ch in b'{}",:\n1 ':
                _accepts_only_what_json_accepts(raw[:i] + bytes([ch]) + raw[i + 1 :], chunk)
                _accepts_only_what_json_accepts(raw[:i] + bytes([ch]) + raw[i:], chunk)


def test_a_single_line_file_is_not_line_layout() -> None:
    with pytest.raises(NotLineLayout):
        _streamed(orjson.dumps({"meta": {}, "papers": {}}), 4096)


def entries(n: int, offset: int = 0) -> list[Entry]:
    return [
        Entry(title=f"Paper {i + offset} on video", abstract=f"Abstract {i}. " * 5,
              published=f"2025-0{1 + i % 9}-1{i % 10}", upvotes=i, authors=("A", "B"),
              source=Source(file="d.txt", digest_date="2025-03-01"))
        for i in range(n)
    ]


def test_catalogue_is_valid_tinydb_json_stored_newest_first(tmp_path: Path) -> None:
    lib = Library(tmp_path)
    lib.ingest(entries(30))
    raw = (tmp_path / "papers.json").read_bytes()
    assert raw.startswith(b"{\n") and raw.count(b"\n") == 30 + 7
    db = TinyDB(tmp_path / "papers.json")
    try:
        docs = db.table("papers").all()
        assert [d["id"] for d in docs] == [p.id for p in lib.papers()]
        assert db.table("meta").all()[0]["order"] == ORDER_NEWEST_FIRST
    finally:
        db.close()
    fresh = Library(tmp_path).load()
    assert fresh._sorted_ids is not None  # trusted the stored order: no sort
    assert fresh.papers() == _newest_first(fresh.papers()) == lib.papers()


def test_old_single_line_catalogue_loads_then_is_rewritten(tmp_path: Path) -> None:
    lib = Library(tmp_path)
    lib.ingest(entries(12))
    pid = lib.papers()[3].id
    lib.set_status([pid], "read")
    expected = lib.papers()
    # what readq wrote before: one line, TinyDB's insertion order, no order stamp
    raw = orjson.loads((tmp_path / "papers.json").read_bytes())
    for meta in raw["meta"].values():
        del meta["order"]
    docs = list(raw["papers"].values())[::-1]
    raw["papers"] = {str(i): d for i, d in enumerate(docs, 1)}
    (tmp_path / "papers.json").write_bytes(orjson.dumps(raw))
    old = Library(tmp_path)
    assert old.papers() == expected and old.get(pid).status is Status.READ
    assert old._storage is None or old._storage._cache is None  # the parsed tree is not kept
    old.ingest(entries(1, offset=100))
    assert (tmp_path / "papers.json").read_bytes().startswith(b"{\n")
    assert len(Library(tmp_path).papers()) == 13


def test_damaged_line_catalogue_is_reported_not_half_loaded(tmp_path: Path) -> None:
    lib = Library(tmp_path)
    lib.ingest(entries(40))
    data = (tmp_path / "papers.json").read_bytes()
    lines = data.split(b"\n")
    del lines[10]  # a whole record gone: the JSON stays valid only if commas line up
    lines[11] = lines[11][:-1]  # drop a comma: now invalid
    (tmp_path / "papers.json").write_bytes(b"\n".join(lines))
    from readq.store.errors import LibraryCorrupt

    with pytest.raises(LibraryCorrupt):
        Library(tmp_path).load()


def test_from_json_matches_the_dataclass_constructor() -> None:
    full = Paper(id="x1", title="T", abstract="A", authors=("a", "b"), authors_count=2, org="O",
                 published="2025-01-02", upvotes=3, links=("http://x",), arxiv_id="2501.00001",
                 status=Status.TO_READ, starred=True, sources=(Source("f", "2025-01-03"),), added="t")
    assert Paper.from_json(full.as_json()) == full
    for field in dataclasses.fields(Paper):
        assert getattr(Paper.from_json(full.as_json()), field.name) == getattr(full, field.name)
    bare = Paper.from_json({"id": "y", "title": "U"})
    assert bare == Paper(id="y", title="U")
    with pytest.raises(KeyError):
        Paper.from_json({"title": "no id"})
    with pytest.raises(ValueError):
        Paper.from_json({"id": "z", "title": "t", "status": "bogus"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        bare.title = "x"  # type: ignore[misc]
