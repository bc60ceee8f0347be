"""TinyDB storages for the catalogue: the one readq writes with, and a read-only one for scripts.

`AtomicJSONStorage` writes atomically and durably (temporary file, fsync, rename, directory
fsync), keeps the previous file as `papers.json.bak`, and caches the parsed data until the file
changes on disk. `JournaledStorage` lets a script open the library with TinyDB and see exactly
what readq shows: it applies the journal (`journal.jsonl`) over the catalogue on every read.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from readq.store.atomic import atomic_write
from readq.store.errors import LibraryCorrupt
from readq.store.layout import dump_line_layout, read_json_file, stat_key


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
        stat = stat_key(self.path)
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
        self._cache_stat = stat_key(self.path)
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


class JournaledStorage(Storage):
    """Read-only TinyDB storage over a readq library: the catalogue with the journal applied.

    readq keeps each status, star, tag, note or identity change as one line of `journal.jsonl`
    until a compaction folds it into `papers.json`, so a plain `TinyDB("papers.json")` shows
    state that may be behind the app. Opened with this storage it shows what the app shows::

        from tinydb import Query, TinyDB
        from readq.store.tinydb_storage import JournaledStorage
        db = TinyDB("~/.local/share/readq/papers.json", storage=JournaledStorage)
        db.table("papers").search(Query().status == "to-read")

    Every read parses both files again (scripts see other processes' changes); writes raise.
    """

    def __init__(self, path: str | Path, **_: Any) -> None:
        self.path = Path(path).expanduser()
        self.journal_path = self.path.with_name("journal.jsonl")

    def read(self) -> dict[str, Any] | None:
        from readq.store.journal import Journal
        from readq.store.ops import apply_to_record

        data = read_json_file(self.path)
        if data is None:
            return None
        if not isinstance(data, dict):
            raise LibraryCorrupt(self.path, "not a readq library (top level is not an object)")
        papers = data.get("papers") or {}
        metas = list((data.get("meta") or {}).values())
        folded = int(metas[0].get("journal_seq", 0)) if metas else 0
        by_id = {rec.get("id"): rec for rec in papers.values() if isinstance(rec, dict)}
        for record in Journal(self.journal_path).read_new():
            if record.seq <= folded:
                continue
            for pid, fld, value in record.ops:
                rec = by_id.get(pid)
                if rec is not None:
                    apply_to_record(rec, fld, value)
        return data

    def write(self, data: dict[str, Any]) -> None:
        raise PermissionError("JournaledStorage is read-only: change a readq library through readq")
