"""Crash-safe persistence: a TinyDB storage that writes atomically, and an append-only journal.

Why two structures (measured at 100k papers, see bench/README.md): TinyDB rewrites the whole
database on every change, so a status change with its default JSONStorage costs a full rewrite of
~170 MB at 100k papers (over a second, growing with the library). The paper catalogue therefore
lives in TinyDB (`papers.json`, rewritten atomically only by imports and compaction), while each
status or star change is one fsynced line appended to `journal.jsonl`: O(1) in library size and
durable before it is acknowledged. Loading replays the journal over the catalogue; compaction
folds it back into the catalogue.

Catalogue layout (`dump_line_layout`): one JSON object as TinyDB expects, but one record per line,
papers stored newest first (stamped `order` in the meta table; see `Library._write_catalog`). It
lets a load parse the file a chunk at a time (`iter_line_layout`). Measured at 100k papers
(199 MB, 2-core VM, medians of 5): whole-file `orjson.loads` + `Paper.from_json` 1.3-1.4 s with
a 796 MB peak RSS (file bytes + the whole parsed tree + the papers); streamed in 256 KB chunks
0.69 s (1 MB chunks 1.10 s, 4 MB 1.43 s: a small chunk and its tree stay in the CPU cache) with
a 287 MB peak, which is the papers themselves. The file grows by one byte per record. Files in
the old single-line layout (or anything the streamed reader does not accept exactly) are parsed
whole, as before, and rewritten in the new layout by the next catalogue write.

Crash safety:
- `papers.json` and `index.json` are replaced by rename after fsync (`fsutil.atomic_write`), so a
  crash leaves the old or the new file, never a torn one; the previous catalogue is kept as
  `papers.json.bak`.
- A journal line is one transaction; a crash mid-append leaves a torn last line without its
  newline, which readers ignore and the next writer trims before appending.
- Both catalogue files carry a `generation` and the journal sequence number they include, so a
  crash between writing them is detected and the index rebuilt from the catalogue.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from readq.fsutil import append_durable, atomic_write

SCHEMA_VERSION = 1
READ_CHUNK = 256 << 10  # bytes per streamed read of the catalogue (see iter_line_layout)


class LibraryError(Exception):
    """A library problem the user must see as one clear line (never a traceback)."""


class LibraryCorrupt(LibraryError):
    """A library file cannot be read; it is left untouched."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            f"{path}: library file is unreadable ({reason}); it was left untouched. "
            f"Run `readq doctor` to check it and restore the last good copy."
        )


def _stat_key(path: Path) -> tuple[int, int, int] | None:
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


class AtomicJSONStorage(Storage):
    """TinyDB storage: orjson, atomic durable replace, a previous-version backup, and a cache.

    TinyDB calls `read()` before every operation; re-parsing a large file each time would make
    every query O(size), so the parsed data is cached until the file changes on disk (another
    process wrote it). `batch()` coalesces the writes of several TinyDB operations into one.
    """

    def __init__(self, path: str | Path, *, backup: bool = True, durable: bool = True) -> None:
        self.path = Path(path)
        self.backup = backup
        self.durable = durable
        self._cache: dict[str, Any] | None = None
        self._cache_stat: tuple[int, int, int] | None = None
        self._batch_depth = 0
        self._dirty = False
        self.offset_tables: tuple[str, ...] = ()  # tables whose record offsets a write records
        self.offsets: dict[str, list[int]] = {}  # ... here, after each write

    def read(self) -> dict[str, Any] | None:
        stat = _stat_key(self.path)
        if self._cache is not None and (self._batch_depth or stat == self._cache_stat):
            return self._cache
        data = read_json_file(self.path)
        if data is None:
            return None
        if not isinstance(data, dict):
            raise LibraryCorrupt(self.path, "not a readq library (top level is not an object)")
        self._cache, self._cache_stat = data, stat
        return data

    def write(self, data: dict[str, Any]) -> None:
        self._cache = data
        if self._batch_depth:
            self._dirty = True
            return
        self._flush()

    def _flush(self) -> None:
        assert self._cache is not None
        self.offsets = {name: [] for name in self.offset_tables}
        payload = dump_line_layout(self._cache, self.offsets)
        if self.backup and self.path.exists():
            bak = self.path.with_name(self.path.name + ".bak")
            with contextlib.suppress(FileNotFoundError):
                bak.unlink()
            with contextlib.suppress(OSError):
                os.link(self.path, bak)
        atomic_write(self.path, payload, durable=self.durable)
        self._cache_stat = _stat_key(self.path)
        self._dirty = False

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Defer writes until the outermost batch ends, then write once."""
        self._batch_depth += 1
        try:
            yield
        finally:
            self._batch_depth -= 1
        if self._batch_depth == 0 and self._dirty:
            self._flush()

    def invalidate(self) -> None:
        self._cache = None
        self._cache_stat = None

    def close(self) -> None:
        pass


@dataclass(frozen=True, slots=True)
class JournalRecord:
    """One acknowledged transaction: a list of (paper id, field, value) operations."""

    seq: int
    ops: tuple[tuple[str, str, Any], ...]
    ts: str = ""


class Journal:
    """The append-only change log; tracks how far this process has read it."""

    def __init__(self, path: Path, *, durable: bool = True) -> None:
        self.path = path
        self.durable = durable
        self.offset = 0  # bytes of the journal this process has applied
        self.inode: int | None = None
        self.last_seq = 0
        self.bad_lines = 0

    def reset(self) -> None:
        self.offset, self.inode, self.last_seq, self.bad_lines = 0, None, 0, 0

    def changed_since_read(self) -> bool:
        """True when the file was replaced or grew since we last read it."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return self.inode is not None
        return st.st_ino != self.inode or st.st_size != self.offset

    def replaced(self) -> bool:
        """True when the journal is a different (or shorter) file than the one we read."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return self.inode is not None and self.offset > 0
        if self.inode is None:
            return False
        return st.st_ino != self.inode or st.st_size < self.offset

    def read_new(self) -> list[JournalRecord]:
        """Records appended since the last call (complete lines only)."""
        try:
            with open(self.path, "rb") as handle:
                st = os.fstat(handle.fileno())
                if self.inode is not None and st.st_ino != self.inode:
                    self.offset = 0
                self.inode = st.st_ino
                handle.seek(self.offset)
                chunk = handle.read()
        except FileNotFoundError:
            self.inode = None
            self.offset = 0
            return []
        end = chunk.rfind(b"\n")
        if end < 0:
            return []
        complete = chunk[: end + 1]
        self.offset += len(complete)
        records = []
        for line in complete.splitlines():
            if not line.strip():
                continue
            try:
                raw = orjson.loads(line)
                record = JournalRecord(
                    seq=int(raw["seq"]),
                    ops=tuple((str(op[0]), str(op[1]), op[2]) for op in raw["ops"]),
                    ts=str(raw.get("ts", "")),
                )
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, IndexError):
                self.bad_lines += 1
                continue
            self.last_seq = max(self.last_seq, record.seq)
            records.append(record)
        return records

    def append(self, record: JournalRecord) -> None:
        """Durably append one transaction. Caller holds the library lock and has caught up."""
        self._trim_torn_tail()
        line = orjson.dumps({"seq": record.seq, "ts": record.ts, "ops": [list(op) for op in record.ops]})
        if self.durable:
            size = append_durable(self.path, line + b"\n")
        else:
            with open(self.path, "ab") as handle:
                handle.write(line + b"\n")
            size = self.path.stat().st_size
        self.offset = size
        self.inode = self.path.stat().st_ino
        self.last_seq = record.seq

    def _trim_torn_tail(self) -> None:
        """Drop a partial last line left by a crash mid-append (it was never acknowledged)."""
        try:
            with open(self.path, "rb+") as handle:
                size = handle.seek(0, os.SEEK_END)
                if size == 0:
                    return
                handle.seek(size - 1)
                if handle.read(1) == b"\n":
                    return
                back = min(size, 1 << 20)
                handle.seek(size - back)
                tail = handle.read(back)
                cut = tail.rfind(b"\n")
                new_size = (size - back + cut + 1) if cut >= 0 else 0
                handle.truncate(new_size)
                handle.flush()
                os.fsync(handle.fileno())
        except FileNotFoundError:
            return

    def rewrite(self, records: list[JournalRecord]) -> None:
        """Atomically replace the journal with `records` (after compaction)."""
        payload = b"".join(
            orjson.dumps({"seq": r.seq, "ts": r.ts, "ops": [list(op) for op in r.ops]}) + b"\n"
            for r in records
        )
        atomic_write(self.path, payload, durable=self.durable)
        st = self.path.stat()
        self.inode, self.offset = st.st_ino, st.st_size
