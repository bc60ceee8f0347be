"""The reading half of the library: loading the catalogue, replaying the journal, reading state.

Loading is lazy and three-speed, because most commands need little: status and star changes
(`mark`, `star`) find their papers in ids.bin (`readq.store.idtable`) and replay the journal, other
state changes (`tag`) read index.json (ids and state) plus the journal; `list`, `show` and `export` answer from a
`CatalogView` that decodes only the records they print; the TUI and imports read the whole
catalogue, streamed. Journal operations on notes, tags and identity fields that the catalogue
does not hold yet are kept as an overlay, so every view shows them.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Self

import orjson
from tinydb import TinyDB

from readq.dedup import title_key
from readq.model import Paper, Status
from readq.store.atomic import clean_temp_files, locked, read_locked
from readq.store.errors import AmbiguousId, LibraryCorrupt, UnknownId
from readq.store.idtable import IDS_FILE, IdTable, catalog_stamp
from readq.store.journal import Journal, JournalRecord
from readq.store.layout import (
    INDEX_FILE,
    JOURNAL_FILE,
    LOCK_FILE,
    ORDER_NEWEST_FIRST,
    PAPERS_FILE,
    SCHEMA_VERSION,
    NotLineLayout,
    catalog_generation,
    check_schema,
    newest_first,
    read_json_file,
    read_streamed,
    read_whole,
    stat_key,
)
from readq.store.ops import OVERLAY_FIELDS, coerce
from readq.store.tinydb_storage import AtomicJSONStorage


@contextlib.contextmanager
def paused_gc(*, freeze: bool = True) -> Iterator[None]:
    """Pause the cyclic GC while building hundreds of thousands of acyclic objects.

    The collector would re-traverse the growing heap over and over (it more than doubles the time
    of a 100k-paper load). With `freeze`, the records built are then frozen out of future
    collections, which keeps the TUI's GC pauses short.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        if freeze:
            gc.freeze()


_STATUS_OF = {s.value: s for s in Status}


class LoadedLibrary:
    """A library directory as this process knows it: loading, catching up with other processes
    (the journal), and reading state. `Library` adds the writes."""

    def __init__(self, path: Path | str, *, durable: bool = True) -> None:
        self.path = Path(path).expanduser()
        self.durable = durable
        self.papers_path = self.path / PAPERS_FILE
        self.index_path = self.path / INDEX_FILE
        self.lock_path = self.path / LOCK_FILE
        self._journal = Journal(self.path / JOURNAL_FILE, durable=durable)
        self._db: TinyDB | None = None
        self._storage: AtomicJSONStorage | None = None
        # State known to this process. `_papers` is filled only by a full load.
        self._papers: dict[str, Paper] | None = None
        self._state: dict[str, tuple[Status, bool]] = {}
        self._tags: dict[str, tuple[str, ...]] = {}  # only papers that have tags
        # True when the catalogue was written with every text field cleaned (`clean_text` stamp):
        # its records can then be printed as stored, without scanning them for control characters.
        self._text_clean = True
        # Fields changed by journal operations the catalogue does not hold yet (paper id -> field
        # -> value): what an index-only load knows beyond status and star, spliced into views.
        self._overlay: dict[str, dict[str, Any]] = {}
        # True once any operation was applied on top of the catalogue this object read or wrote;
        # with `_records_complete`, a view may then print stored records without splicing state.
        self._changed_since_catalog = False
        self._records_complete = False  # index.json's `complete_records` stamp (see `_write_catalog_files`)
        self._positions: dict[str, int] | None = None  # id -> catalogue position (index-only loads)
        self._keys_cache: dict[str, str] | None = None  # title key -> id; built on first use
        self._arxiv: dict[str, str] = {}
        self._sorted_ids: list[str] | None = None
        self._loaded_stat: tuple[int, int, int] | None = None
        self._catalog_seq = 0
        self.generation: str | None = None  # changes with every catalogue write (cache key)
        self._loaded = False
        self.version = 0  # bumped on every change this object sees (own or others')
        self.reloaded = False  # set by a full reload; see drain_external()
        self._external: set[str] = set()
        self.warnings: list[str] = []
        self._lock_depth = 0  # > 0 while this object holds the library lock (shared or exclusive)
        self._exclusive = 0  # the thread holding this object's exclusive lock, 0 when none
        # from index.json: (ids in catalogue order, record offsets, catalogue size, generation)
        self._layout: tuple[list[str], list[int], int, str] | None = None

    # ------------------------------------------------------------------ loading
    def exists(self) -> bool:
        return self.papers_path.exists()

    def _tinydb(self) -> TinyDB:
        if self._db is None:
            self._db = TinyDB(self.papers_path, storage=AtomicJSONStorage, durable=self.durable)
            self._storage = self._db.storage  # type: ignore[assignment]
        return self._db

    def load(self) -> Self:
        """Read the whole catalogue (titles, abstracts) and replay the journal."""
        with self._read_lock(), paused_gc():
            return self._load()

    def _load(self) -> Self:
        if self._papers is not None and self._loaded_stat == stat_key(self.papers_path):
            self.refresh()
            return self
        removed = self._clean_temp_files()
        if removed:
            self.warnings.append(f"removed {len(removed)} temporary file(s) left by an interrupted write")
        self._journal.reset()
        stat = stat_key(self.papers_path)
        papers: dict[str, Paper] = {}
        meta: dict[str, Any] = {}
        if stat is not None:
            try:
                papers, meta = read_streamed(self.papers_path)
            except (NotLineLayout, orjson.JSONDecodeError):
                papers, meta = read_whole(self._read_raw(), self.papers_path)  # old layout, or damage
        self._papers = papers
        self._state = {pid: (p.status, p.starred) for pid, p in papers.items()}
        self._tags = {pid: p.tags for pid, p in papers.items() if p.tags}
        self._overlay = {}
        self._changed_since_catalog = False
        self._keys_cache = None  # folding 100k titles costs 0.3 s; only imports need it
        self._arxiv = {p.arxiv_id: pid for pid, p in papers.items() if p.arxiv_id}
        self._catalog_seq = int(meta.get("journal_seq", 0))
        # a new library holds only what the parsers cleaned; an old catalogue is cleaned once, on write
        self._text_clean = stat is None or meta.get("clean_text") == 1
        self.generation = meta.get("generation")
        self._loaded_stat = stat
        # A catalogue written newest first (see _write_catalog) needs no sort: 0.25 s at 100k.
        self._sorted_ids = list(papers) if meta.get("order") == ORDER_NEWEST_FIRST else None
        self._loaded = True
        self._replay(self._journal.read_new())
        self.version += 1
        self.reloaded = True
        return self

    def _read_raw(self) -> dict[str, Any] | None:
        """The catalogue parsed whole by the TinyDB storage (not kept: the papers are all we use)."""
        self._tinydb()
        assert self._storage is not None
        self._storage.invalidate()
        raw = self._storage.read()
        self._storage.invalidate()
        return raw

    def _clean_temp_files(self) -> list[Path]:
        """Remove temporaries of interrupted writes, never those of a write in progress.

        Every write in the library directory happens under the exclusive lock, so while this
        object holds the shared or the exclusive lock no other process is mid-write.
        """
        return clean_temp_files(self.path) if self._lock_depth else []

    @contextlib.contextmanager
    def _write_lock(self) -> Iterator[None]:
        """The exclusive inter-process lock, remembering that this object holds it (re-entrant:
        `readq sync` imports and writes other devices' changes inside one lock)."""
        if self._exclusive == threading.get_ident():
            yield
            return
        with locked(self.lock_path):
            self._lock_depth += 1
            self._exclusive = threading.get_ident()
            try:
                yield
            finally:
                self._exclusive = 0
                self._lock_depth -= 1

    def write_lock(self) -> contextlib.AbstractContextManager[None]:
        """Hold the library's exclusive lock across several writes (they take it again freely)."""
        return self._write_lock()

    def find_id(self, title: str, arxiv_id: str | None = None) -> str | None:
        """The paper an import of this title (or arXiv id) would merge into, or None."""
        self._ensure(full=True)
        return self._keys.get(title_key(title)) or (self._arxiv.get(arxiv_id) if arxiv_id else None)

    @contextlib.contextmanager
    def _read_lock(self) -> Iterator[None]:
        """Read catalogue and journal as one snapshot: no catalogue rewrite may fold the journal
        between the two reads. Not taken again while this object holds any library lock."""
        if self._lock_depth or not self.path.is_dir():
            yield
            return
        with read_locked(self.lock_path):
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1

    @property
    def _keys(self) -> dict[str, str]:
        """Folded title -> paper id, for dedup on import (lazy: the TUI never needs it)."""
        if self._keys_cache is None:
            self._ensure(full=True)
            assert self._papers is not None
            self._keys_cache = {title_key(p.title): pid for pid, p in self._papers.items()}
        return self._keys_cache

    def drain_external(self) -> set[str] | None:
        """Ids whose state another process changed since the last call; None after a full reload.

        Writes catch up with other processes before appending, so a caller that shows state (the
        TUI) asks here after `refresh()` or a write to learn what else changed.
        """
        if self.reloaded:
            self.reloaded = False
            self._external.clear()
            return None
        changed, self._external = self._external, set()
        return changed

    def load_index(self) -> Self:
        """Read only ids and state (for mark/star): index.json plus the journal."""
        with self._read_lock():
            return self._load_index()

    def _load_index(self) -> Self:
        if self._loaded:
            self.refresh()
            return self
        try:
            index = read_json_file(self.index_path)
        except LibraryCorrupt:
            index = None  # derived data: rebuilt from the catalogue (below) on the next write
        if isinstance(index, dict):
            check_schema(index.get("schema", SCHEMA_VERSION), self.papers_path)
        catalog = stat_key(self.papers_path)
        if catalog is None:
            self._loaded = True
            self._replay(self._journal.read_new())
            return self
        meta_gen = catalog_generation(self.papers_path)
        if not isinstance(index, dict) or index.get("generation") != meta_gen or meta_gen is None:
            return self.load()  # index missing or stale after a crash: the catalogue is the truth
        try:
            ids = index["ids"]
            status_of = _STATUS_OF.__getitem__
            self._state = dict(zip(ids, zip(map(status_of, index["status"]), map(bool, index["starred"]),
                                            strict=True), strict=True))
            # keys and arxiv ids serve only imports, which load the whole catalogue anyway
            if not (len(index["keys"]) == len(index["arxiv"]) == len(ids)):
                raise ValueError("index.json columns differ in length")
            self._catalog_seq = int(index.get("journal_seq", 0))
            self._text_clean = index.get("clean_text") == 1
            self._records_complete = index.get("complete_records") == 1
            self._tags = {str(k): tuple(map(str, v)) for k, v in (index.get("tags") or {}).items() if v}
            self._overlay = {}
            self._changed_since_catalog = False
            self._positions = None
        except (KeyError, TypeError, ValueError, AttributeError):
            return self.load()
        offsets, size = index.get("offsets"), index.get("catalog_size")
        if isinstance(offsets, list) and len(offsets) == len(ids) + 1 and isinstance(size, int):
            self._layout = (ids, offsets, size, meta_gen)
        self._loaded_stat = catalog
        self._loaded = True
        self._journal.reset()
        self._replay(self._journal.read_new())
        return self

    def _ensure(self, full: bool = False) -> None:
        if full and self._papers is None:
            self.load()
        elif not self._loaded:
            self.load_index()

    def _replay(self, records: Sequence[JournalRecord]) -> set[str]:
        changed: set[str] = set()
        for record in records:
            if record.seq <= self._catalog_seq:
                continue
            for pid, fld, value in record.ops:
                if pid not in self._state:
                    continue  # a change to a paper this catalogue does not hold (never expected)
                if self._apply(pid, fld, value):
                    changed.add(pid)
        if self._journal.bad_lines:
            self.warnings.append(
                f"{self._journal.path}: skipped {self._journal.bad_lines} unreadable line(s); "
                f"run `readq doctor` to check the library"
            )
            self._journal.bad_lines = 0
        if changed:
            self.version += 1
            self._external |= changed
        return changed

    def _apply(self, pid: str, fld: str, value: Any) -> bool:
        """Apply one journal operation to the state this object holds; True if it changed it."""
        self._changed_since_catalog = True
        if fld in ("status", "starred"):
            status, starred = self._state[pid]
            new = (Status(value), starred) if fld == "status" else (status, bool(value))
            if new == (status, starred):
                return False
            self._state[pid] = new
            if self._papers is not None and pid in self._papers:
                self._papers[pid] = replace(self._papers[pid], status=new[0], starred=new[1])
            return True
        if fld in ("tag+", "tag-"):
            tags = self._tags.get(pid, ())
            tag = str(value)
            if (tag in tags) == (fld == "tag+"):
                return False
            value = (*tags, tag) if fld == "tag+" else tuple(t for t in tags if t != tag)
            fld = "tags"
            if value:
                self._tags[pid] = value
            else:
                self._tags.pop(pid, None)
        elif fld in OVERLAY_FIELDS - {"tags"}:
            value = coerce(fld, value)
        else:
            return False  # an operation from a newer readq: ignored, kept in the journal
        self._overlay.setdefault(pid, {})[fld] = value
        if self._papers is not None and pid in self._papers:
            paper = self._papers[pid]
            if getattr(paper, fld) == value:
                return False
            self._papers[pid] = replace(paper, **{fld: value})
        return True

    # ------------------------------------------------------------------ reading
    def refresh(self) -> set[str] | None:
        """Pick up changes other processes made. Returns changed ids, or None after a full reload."""
        with self._read_lock():
            return self._refresh()

    def _refresh(self) -> set[str] | None:
        if not self._loaded:
            self._ensure()
            return None
        if stat_key(self.papers_path) != self._loaded_stat or self._journal.replaced():
            if self._papers is not None:
                self._papers = None
                self.load()
            else:
                self._loaded = False
                self.load_index()
            return None
        if not self._journal.changed_since_read():
            return set()
        return self._replay(self._journal.read_new())

    def __len__(self) -> int:
        self._ensure()
        return len(self._state)

    def ids(self) -> list[str]:
        self._ensure()
        return list(self._state)

    def papers(self) -> list[Paper]:
        """All papers, newest first (paper date, else digest date; then most recently added)."""
        self._ensure(full=True)
        assert self._papers is not None
        if self._sorted_ids is None or len(self._sorted_ids) != len(self._papers):
            self._sorted_ids = [p.id for p in newest_first(self._papers.values())]
        return list(map(self._papers.__getitem__, self._sorted_ids))

    def resolve(self, prefix: str) -> str:
        """Map an ID or unique ID prefix to the full ID (from ids.bin while nothing is loaded)."""
        if not self._loaded:
            with self._read_lock():
                table = IdTable.open(self.path / IDS_FILE, catalog_stamp(self.papers_path))
            if table is not None:
                try:
                    return table.resolve(prefix)
                finally:
                    table.close()
        self._ensure()
        key = prefix.strip().lower()
        if not key:
            raise UnknownId("empty paper ID")
        if key in self._state:
            return key
        matches = [pid for pid in self._state if pid.startswith(key)]
        if not matches:
            raise UnknownId(f"no paper with ID {prefix!r}")
        if len(matches) > 1:
            shown = ", ".join(sorted(matches)[:5])
            raise AmbiguousId(f"ID prefix {prefix!r} matches {len(matches)} papers ({shown}…); type more of it")
        return matches[0]

    def get(self, paper_id: str) -> Paper:
        self._ensure(full=True)
        assert self._papers is not None
        return self._papers[self.resolve(paper_id)]

    def state(self, paper_id: str) -> tuple[Status, bool]:
        self._ensure()
        return self._state[self.resolve(paper_id)]

    def counts(self) -> dict[str, int]:
        """Papers per status plus starred and all, for the sidebar."""
        self._ensure()
        counts = {s.value: 0 for s in Status}
        starred = 0
        for status, star in self._state.values():
            counts[status.value] += 1
            starred += star
        counts["starred"] = starred
        counts["all"] = len(self._state)
        return counts

    def tag_counts(self) -> dict[str, int]:
        """Papers per tag, most used first (then A to Z)."""
        self._ensure()
        counts: dict[str, int] = {}
        for tags in self._tags.values():
            for tag in tags:
                counts[tag] = counts.get(tag, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def tags(self, paper_id: str) -> tuple[str, ...]:
        self._ensure()
        return self._tags.get(self.resolve(paper_id), ())

    def _current(self, pid: str, fld: str) -> Any:
        """The value of one field of one paper as this object knows it now."""
        if fld == "status":
            return self._state[pid][0]
        if fld == "starred":
            return self._state[pid][1]
        if fld == "tags":
            return self._tags.get(pid, ())
        overlay = self._overlay.get(pid)
        if overlay and fld in overlay:
            return overlay[fld]
        if self._papers is not None:
            return getattr(self._papers[pid], fld)
        return getattr(self._catalog_paper(pid), fld)

    def _catalog_paper(self, pid: str) -> Paper:
        """One paper as papers.json stores it, read alone when index.json gives its position."""
        layout = self._layout
        if layout is not None:
            if self._positions is None:
                self._positions = {p: i for i, p in enumerate(layout[0])}
            i = self._positions.get(pid)
            if i is not None:
                start, end = layout[1][i], layout[1][i + 1]
                try:
                    with open(self.papers_path, "rb") as handle:
                        handle.seek(start)
                        line = handle.read(end - start)
                    key, _, body = line.rstrip(b",\n").partition(b":")
                    rec = orjson.loads(body)
                    if rec.get("id") == pid:
                        return Paper.from_json(rec)
                except (OSError, orjson.JSONDecodeError, KeyError, ValueError, TypeError):
                    pass
        self._ensure(full=True)
        assert self._papers is not None
        return self._papers[pid]
