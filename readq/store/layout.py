"""The catalogue's file format: `papers.json` (a TinyDB database) and its companion `index.json`.

`papers.json` is one JSON object as TinyDB expects, with a `meta` table (schema, generation, the
journal sequence it includes, the paper order) and a `papers` table, written one record per line
(`dump_line_layout`) and papers stored newest first, so a load can parse it a chunk at a time
(`iter_line_layout`) and skip the sort. Files in the old single-line layout (or anything the
streamed reader does not accept exactly) are parsed whole, which is also the authority on damage.

`index.json` is derived: ids in catalogue order, title keys, arXiv ids, status, stars, tags, and
each record's byte offset in papers.json, so state changes and `readq list` need not parse the
catalogue. Both carry the catalogue's `generation`, so a crash between writing them is detected
and the index rebuilt from the catalogue.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson

from readq.model import Paper
from readq.store.errors import LibraryCorrupt, LibraryError

SCHEMA_VERSION = 1
READ_CHUNK = 256 << 10  # bytes per streamed read of the catalogue (see iter_line_layout)
PAPERS_FILE = "papers.json"
INDEX_FILE = "index.json"
JOURNAL_FILE = "journal.jsonl"
LOCK_FILE = ".lock"
# Stamped in the meta table of a catalogue whose papers are stored in `newest_first` order; bump
# the suffix whenever that order changes, so older files are sorted again instead of trusted.
ORDER_NEWEST_FIRST = "newest-first/1"
_PAPER_ID = operator.attrgetter("id")


def stat_key(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def read_json_file(path: Path) -> Any:
    """Read a JSON file written by readq; raise LibraryCorrupt naming it if it is damaged."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise LibraryCorrupt(path, exc.strerror or str(exc)) from None
    if not data.strip():
        raise LibraryCorrupt(path, "empty file")
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise LibraryCorrupt(path, f"invalid JSON: {exc}") from None


class NotLineLayout(ValueError):
    """The file is not (or not entirely) in the one-record-per-line layout: read it whole."""


def dump_line_layout(data: Mapping[str, Mapping[str, Any]],
                     offsets: dict[str, list[int]] | None = None) -> Iterator[bytes]:
    """Serialise TinyDB tables as JSON with one record per line, in chunks (see the module doc).

        {
        "meta":{
        "1":{...}
        },
        "papers":{
        "1":{...},
        "2":{...}
        }
        }

    Still one plain JSON object (TinyDB and any JSON tool read it), but a reader can also parse it
    a few megabytes at a time (`iter_line_layout`): compact orjson output never contains a raw
    newline, so every record is exactly one line.

    `offsets`: for each table named in it, the byte offset of every record line is appended,
    then the offset just past the last one (n + 1 values), for readers that seek to one record.
    """
    pos = 2
    yield b"{\n"
    names = list(data)
    for t, name in enumerate(names):
        table = data[name]
        head = orjson.dumps(str(name)) + b":{\n"
        pos += len(head)
        yield head
        where = offsets.get(name) if offsets is not None else None
        last = len(table) - 1
        parts: list[bytes] = []
        for i, (key, doc) in enumerate(table.items()):
            line = b"".join((orjson.dumps(str(key)), b":", orjson.dumps(doc), b",\n" if i < last else b"\n"))
            if where is not None:
                where.append(pos)
            pos += len(line)
            parts.append(line)
            if len(parts) == 2048:
                yield b"".join(parts)
                parts = []
        if where is not None:
            where.append(pos)
        if parts:
            yield b"".join(parts)
        end = b"},\n" if t < len(names) - 1 else b"}\n"
        pos += len(end)
        yield end
    yield b"}\n"


def iter_line_layout(handle: Any, chunk_size: int = READ_CHUNK) -> Iterator[tuple[str, dict[str, Any]]]:
    """Parse a file written by `dump_line_layout` a chunk at a time: yields (table, records) pairs.

    Peak memory is one chunk and its parsed records, not the whole file plus its whole tree.
    Each chunk of complete record lines is parsed by one `orjson.loads` (wrapped in braces: a run
    of `"k":{...},` lines is an object's body), so nothing is done per line in Python. Anything
    that is not exactly this layout raises `NotLineLayout` (or orjson's error) before the end of
    the file is accepted; the caller then parses the file whole, which is authoritative (a
    damaged file is reported from there).
    """
    if handle.readline() != b"{\n":
        raise NotLineLayout("no line-layout header")
    table: str | None = None
    comma_pending = False  # the last records chunk ended with a comma: more records must follow
    need_end = False  # ... or without one: the table end must follow
    rest = b""
    closed = False
    seen: set[str] = set()
    more_tables = last_table = False  # after "}," another table must follow; after "}" the end
    while True:
        chunk = handle.read(chunk_size)
        if not chunk:
            if rest:
                raise NotLineLayout("no newline at the end")
            break
        buf = rest + chunk if rest else chunk
        size = buf.rfind(b"\n") + 1  # work on complete lines only; slices avoid copying `buf`
        rest = buf[size:]
        pos = 0
        while pos < size:
            if closed:
                if buf[pos:size].strip():
                    raise NotLineLayout("data after the end")
                break
            if table is None:  # a table header or the final brace
                nl = buf.index(b"\n", pos)
                line = buf[pos:nl]
                if line == b"}" and not more_tables:
                    closed = True
                elif last_table:
                    raise NotLineLayout("no final brace")
                elif line.endswith(b":{") and line.startswith(b'"'):
                    name = orjson.loads(line[:-2])
                    if not isinstance(name, str):
                        raise NotLineLayout("bad table name")
                    if name in seen:  # a whole-file parse keeps only the last one
                        raise NotLineLayout("a table twice")
                    seen.add(name)
                    table, more_tables = name, False
                else:
                    raise NotLineLayout("bad table header")
                pos = nl + 1
                continue
            if buf[pos] == 0x7D:  # "}": the end of this table
                nl = buf.index(b"\n", pos)
                line = buf[pos:nl]
                if comma_pending or line not in (b"}", b"},"):
                    raise NotLineLayout("bad table end")
                table, need_end = None, False
                more_tables, last_table = line == b"},", line == b"}"
                pos = nl + 1
                continue
            if need_end:
                raise NotLineLayout("a missing comma between records")
            # A run of `"k":{...},` lines is an object's body: one orjson call for the whole chunk.
            # First assume the table goes on past this chunk (all but two chunks): if a line here
            # starts with "}" the wrapped text has data after its closing brace and cannot parse,
            # so only then is the chunk searched for the table end.
            comma_pending = buf[size - 2] == 0x2C  # ","
            try:
                records = orjson.loads(b"".join((b"{", memoryview(buf)[pos : size - 1 - comma_pending], b"}")))
                stop = size - 1
            except orjson.JSONDecodeError:
                end = buf.find(b"\n}", pos, size)  # the table ends in this chunk
                if end < 0:
                    raise
                stop = end  # index of the last record line's newline
                comma_pending = buf[stop - 1] == 0x2C
                if comma_pending:
                    raise NotLineLayout("a comma before the table end") from None
                records = orjson.loads(b"".join((b"{", memoryview(buf)[pos:stop], b"}")))
            need_end = not comma_pending
            pos = stop + 1
            yield table, records
    if not closed:
        raise NotLineLayout("truncated")


def sort_key(paper: Paper) -> str:
    # One string, not a tuple: comparing 100k tuples costs 0.45 s, strings 0.1 s.
    return f"{paper.date or ''}\x00{paper.added or ''}"


def newest_first(papers: Iterable[Paper]) -> list[Paper]:
    """The `papers()` order. Two stable sorts: titles A→Z within one date, dates newest first.
    Changing it needs a new ORDER_NEWEST_FIRST stamp (catalogues are stored in this order)."""
    ordered = sorted(papers, key=lambda p: p.title.casefold())
    ordered.sort(key=sort_key, reverse=True)
    return ordered


class PaperTable(Mapping[str, dict[str, Any]]):
    """The `papers` table as TinyDB lays it out (doc id -> record), made record by record while
    the storage streams it to disk: a catalogue write never holds 100k record dicts at once."""

    def __init__(self, papers: Sequence[Paper]) -> None:
        self._papers = papers

    def __len__(self) -> int:
        return len(self._papers)

    def __iter__(self) -> Iterator[str]:
        return (str(i) for i in range(1, len(self._papers) + 1))

    def __getitem__(self, key: str) -> dict[str, Any]:
        return self._papers[int(key) - 1].as_json()

    def items(self) -> Iterator[tuple[str, dict[str, Any]]]:  # type: ignore[override]
        return ((str(i), p.as_json()) for i, p in enumerate(self._papers, 1))


def catalog_generation(papers_path: Path) -> str | None:
    """The generation stamp of papers.json, read cheaply from its head (meta is written first)."""
    try:
        with open(papers_path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return None
    marker = b'"generation":"'
    start = head.find(marker)
    if start < 0:
        return None
    start += len(marker)
    end = head.find(b'"', start)
    return head[start:end].decode("ascii", "replace") if end > 0 else None


def check_schema(schema: object, path: Path) -> None:
    """Refuse a catalogue written by a newer readq (never silently misread it)."""
    if isinstance(schema, int) and schema > SCHEMA_VERSION:
        raise LibraryError(
            f"{path}: written by a newer readq (schema {schema}, this one reads {SCHEMA_VERSION}); upgrade readq"
        )


def read_streamed(path: Path) -> tuple[dict[str, Paper], dict[str, Any]]:
    """Parse a line-layout catalogue a chunk at a time: (papers by id, meta).

    Peak memory is the papers plus one chunk, not the file's bytes plus its whole parsed tree.
    Raises NotLineLayout for the old layout (read it with `read_whole`).
    """
    papers: dict[str, Paper] = {}
    meta: dict[str, Any] = {}
    from_json = Paper.from_json
    with open(path, "rb") as handle:
        for table, records in iter_line_layout(handle):
            if table == "meta":
                for doc in records.values():
                    if not meta:
                        meta = dict(doc)
                    check_schema(doc.get("schema", SCHEMA_VERSION), path)
            elif table == "papers":
                try:
                    batch = list(map(from_json, records.values()))
                except (KeyError, ValueError, TypeError, AttributeError) as exc:
                    raise LibraryCorrupt(path, f"bad paper record: {exc}") from None
                papers.update(zip(map(_PAPER_ID, batch), batch))
    return papers, meta


def read_whole(raw: dict[str, Any] | None, path: Path) -> tuple[dict[str, Paper], dict[str, Any]]:
    """Papers and meta from a catalogue parsed in one piece (the old layout; the authority on
    damage). Reads the parsed tables directly: TinyDB's `Table.all()` would wrap every record in
    a Document first, for nothing."""
    raw = raw or {}
    for doc in (raw.get("meta") or {}).values():
        check_schema(doc.get("schema", SCHEMA_VERSION), path)
    papers: dict[str, Paper] = {}
    try:
        for doc in (raw.get("papers") or {}).values():
            paper = Paper.from_json(doc)
            papers[paper.id] = paper
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise LibraryCorrupt(path, f"bad paper record: {exc}") from None
    metas = list((raw.get("meta") or {}).values())
    return papers, (dict(metas[0]) if metas else {})


def build_index(ordered: Sequence[Paper], state: Mapping[str, tuple[Any, bool]],
                tags: Mapping[str, tuple[str, ...]], generation: str, seq: int,
                offsets: list[int] | None, catalog_size: int) -> dict[str, Any]:
    """The index.json document for a catalogue just written in `ordered` order."""
    from readq.dedup import title_key

    ids = [p.id for p in ordered]  # catalogue order: `offsets[i]` is the record of `ids[i]`
    return {
        "schema": SCHEMA_VERSION,
        "generation": generation,
        "journal_seq": seq,
        "ids": ids,
        "keys": [title_key(p.title) for p in ordered],
        "arxiv": [p.arxiv_id for p in ordered],
        "status": [state[i][0].value for i in ids],
        "starred": [state[i][1] for i in ids],
        "tags": {pid: list(t) for pid, t in tags.items()},
        "offsets": offsets,
        "catalog_size": catalog_size,
    }
