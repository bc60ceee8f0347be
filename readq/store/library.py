"""The persistence seam: one `Library` object that the CLI and the TUI both speak to.

It speaks the domain (`ingest`, `set_status`, `set_tags`, `set_fields`, `revert`, `select`,
`papers`, `get`) and hides TinyDB, the journal and the file layout. Every write takes an exclusive
inter-process lock, first catches up with what other processes wrote, then writes durably; so
the TUI and a `readq mark` in another terminal never lose each other's changes.
"""

from __future__ import annotations

import datetime as _dt
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from readq.dedup import make_id, merge, paper_from_entry, title_key
from readq.model import Entry, Paper, Status
from readq.selection import Selection
from readq.store.atomic import atomic_write
from readq.store.errors import StaleLayout
from readq.store.forked import Forked
from readq.store.idtable import IDS_FILE, IdTable, catalog_stamp, write_id_table
from readq.store.journal import JournalRecord
from readq.store.layout import ORDER_NEWEST_FIRST, SCHEMA_VERSION, PaperTable, build_index, catalog_generation, stat_key
from readq.store.loaded import LoadedLibrary, paused_gc
from readq.store.ops import IDENTITY_FIELDS, Change, clean_tag, plan_ops
from readq.store.view import CatalogView, Selected, ViewSource, open_view

if TYPE_CHECKING:
    from readq.search import SearchIndex
    from readq.sync.hook import SyncHook

__all__ = ["COMPACT_AFTER_OPS", "IngestReport", "Library", "paused_gc"]

COMPACT_AFTER_OPS = 50_000


@dataclass(slots=True)
class IngestReport:
    """What an import did, for the summary line and for tests."""

    entries: int = 0
    new: int = 0
    merged: int = 0  # existing papers that gained a sighting or metadata
    duplicates: int = 0  # entries that were a paper already in the library or earlier in the run
    unchanged: int = 0  # entries that added nothing (already imported)
    new_ids: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.new or self.merged)


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


class Library(LoadedLibrary):
    """A reading-queue library stored in one directory."""

    #: Build and save the search index in every import's catalogue write (`readq import` sets it;
    #: see `readq.store.forked` for why it is built alongside the write). Without it the first
    #: search or app start after an import loads the whole catalogue and builds the index itself.
    index_on_import = False
    _ids_fresh: str | None = None  # the generation ids.bin is known to be written for

    def select(self, sel: Selection, *, rank: Callable[[list[Paper]], list[Paper]] | None = None) -> Selected:
        """The papers `sel` picks, in its order, reading as little of the catalogue as it can.

        With a catalogue view and a saved search index only the records shown are decoded;
        otherwise the catalogue is loaded. `rank` orders the papers for `sort="for-you"`."""
        view = self.catalog_view() if sel.sort != "for-you" else None
        if view is not None:
            try:
                positions = view.select(sel)
                return Selected(view=view, positions=positions, spans=view.spans(positions))
            except StaleLayout:
                pass
        papers = self.papers()
        if sel.query:
            # Search all papers so the saved index (keyed by the whole catalogue) can be reused.
            index = self.search_index(papers)
            found = index.search(sel.query)
            papers = [index.papers[i] for i in found.order]
        keep = sel.predicate(self.digest_names() if sel.digest else ())
        if keep is not None:
            papers = [p for p in papers if keep(p)]
        if sel.sort == "for-you" and rank is not None:
            papers = rank(papers)
        return Selected(sel.order(papers))

    def digest_names(self) -> list[str]:
        """The names of every digest (source) the library's papers came from."""
        self._ensure(full=True)
        assert self._papers is not None
        return list(dict.fromkeys(s.file for p in self._papers.values() for s in p.sources))

    def one(self, paper_id: str) -> Paper:
        """`get`, decoding only this paper's record when the catalogue view allows (`show`, `cite`)."""
        view = self.catalog_view()
        if view is not None:
            pid = self.resolve(paper_id)
            try:
                return view.papers([view.ids.index(pid)])[0]
            except (ValueError, StaleLayout):
                pass
        return self.get(paper_id)

    # ------------------------------------------------------------------ writing state
    def set_status(self, ids: Iterable[str], status: Status | str) -> list[Change]:
        status = Status.parse(status) if isinstance(status, str) and not isinstance(status, Status) else status
        return self._write_ops([(pid, "status", Status(status)) for pid in ids])

    def set_starred(self, ids: Iterable[str], starred: bool) -> list[Change]:
        return self._write_ops([(pid, "starred", bool(starred)) for pid in ids])

    def toggle_star(self, ids: Iterable[str]) -> list[Change]:
        """Star the papers unless all are starred already, in which case unstar them."""
        self._ensure()
        resolved = [self.resolve(pid) for pid in ids]
        target = not all(self._state[pid][1] for pid in resolved)
        return self._write_ops([(pid, "starred", target) for pid in resolved])

    def set_tags(self, ids: Iterable[str], add: Iterable[str] = (), remove: Iterable[str] = ()) -> list[Change]:
        """Add and remove tags (one `Change` per paper, field "tags"); empty tags are ignored."""
        added = [t for t in map(clean_tag, add) if t]
        removed = [t for t in map(clean_tag, remove) if t]
        wanted: list[tuple[str, str, Any]] = []
        for pid in ids:
            wanted += [(pid, "tag-", t) for t in removed]
            wanted += [(pid, "tag+", t) for t in added]
        return self._write_ops(wanted)

    def set_note(self, ids: Iterable[str], note: str | None) -> list[Change]:
        """Replace the note of each paper (None or "" clears it, and the sync conflict copies)."""
        from readq.textclean import clean

        text = clean(note) if note and note.strip() else None
        return self._write_ops([(pid, f, v) for pid in ids for f, v in (("note", text), ("note_conflicts", ()))])

    def set_fields(self, updates: Mapping[str, Mapping[str, Any]]) -> list[Change]:
        """Set identity fields (`IDENTITY_FIELDS`) of several papers as one durable transaction."""
        wanted: list[tuple[str, str, Any]] = []
        for pid, fields in updates.items():
            for fld, value in fields.items():
                if fld not in IDENTITY_FIELDS:
                    raise ValueError(f"not an identity field: {fld!r}")
                wanted.append((pid, fld, _clean_value(value, fld)))
        return self._write_ops(wanted)

    def revert(self, changes: Sequence[Change]) -> list[Change]:
        """Undo: put back the old values of `changes`, newest first, as one durable write."""
        return self._write_ops([(c.id, c.field, c.old) for c in reversed(changes)])

    def _write_ops(self, wanted: Sequence[tuple[str, str, Any]], *, synced: bool = False) -> list[Change]:
        """Apply operations as one durable journal transaction; returns what actually changed.

        An operation is (paper id or prefix, field, value); field "tags" with a tuple sets the
        whole tag list (undo), and is written as the "tag+"/"tag-" operations that make it so.
        A library that syncs records them in this device's log first (`readq.sync.hook`), unless
        they came from other devices (`synced`).
        """
        if not wanted:
            return []
        if not self.path.exists() or not self.papers_path.exists():
            self._ensure()
        if not self._loaded and all(fld in ("status", "starred") for _, fld, _ in wanted):
            few = self._write_few(wanted, synced=synced)
            if few is not None:
                return few
        with self._write_lock():
            self._ensure()
            self.refresh()
            hook = None if synced else self.sync_hook()
            if hook is not None:
                hook.catch_up(self)
            ops, changes = plan_ops(wanted, self.resolve, self._current)
            if not ops:
                return []
            if hook is not None:
                hook.record(ops)
            seq = max(self._journal.last_seq, self._catalog_seq) + 1
            self._journal.append(JournalRecord(seq=seq, ops=tuple(ops), ts=_now()))
            for pid, fld, value in ops:
                self._apply(pid, fld, value)
            self.version += 1
            self._keep_id_table(seq)
            if hook is not None:
                hook.acknowledged()
        return changes

    def _write_few(self, wanted: Sequence[tuple[str, str, Any]], *, synced: bool = False) -> list[Change] | None:
        """Status and star changes from an unloaded library (`readq mark`): the papers are found in
        ids.bin and their states brought up to date from the journal, so nothing else is read
        (see `readq.store.idtable`). None, and the caller loads the library, when ids.bin is
        missing or not for this catalogue. The object is left unloaded."""
        with self._write_lock():
            table = IdTable.open(self.path / IDS_FILE, catalog_stamp(self.papers_path))
            if table is None:
                return None
            try:
                hook = None if synced else self.sync_hook()
                if hook is not None and not hook.in_step():
                    return None  # a crash between a change's two writes: the full path repairs it first
                resolved: dict[str, str] = {}

                def resolve(raw: str) -> str:
                    if raw not in resolved:
                        pid = resolved[raw] = table.resolve(raw)
                        state = table.state(pid)
                        if state is None:  # pragma: no cover - resolve found it
                            raise LookupError(pid)
                        self._state[pid] = state
                    return resolved[raw]

                self._state, self._catalog_seq = {}, table.seq
                for raw, _fld, _value in wanted:
                    resolve(raw)
                self._journal.reset()
                self._replay(self._journal.read_new())
                ops, changes = plan_ops(wanted, resolve, self._current)
                if ops:
                    if hook is not None:
                        hook.record(ops)
                    seq = max(self._journal.last_seq, table.seq) + 1
                    self._journal.append(JournalRecord(seq=seq, ops=tuple(ops), ts=_now()))
                    self.version += 1
                    if hook is not None:
                        hook.acknowledged()
                return changes
            finally:
                table.close()
                self._state, self._tags, self._overlay, self._catalog_seq = {}, {}, {}, 0
                self._external.clear()
                self._journal.reset()

    def _keep_id_table(self, seq: int) -> None:
        """Rewrite ids.bin from the loaded state (as of journal `seq`) when it is missing or stale.
        Caller holds the write lock and has applied everything up to `seq`."""
        generation = catalog_generation(self.papers_path)
        if generation is None or self._ids_fresh == generation:
            return
        table = IdTable.open(self.path / IDS_FILE, generation)
        if table is None:
            rows = ((pid, status, starred) for pid, (status, starred) in self._state.items())
            write_id_table(self.path / IDS_FILE, rows, generation, seq, durable=self.durable)
        else:
            table.close()
        self._ids_fresh = generation

    # ------------------------------------------------------------------ sync (readq/sync/)
    def sync_hook(self) -> SyncHook | None:
        """This library's recorder into its sync device log, or None when it does not sync."""
        from readq.sync.hook import hook_for

        self._hook = hook_for(self.path, getattr(self, "_hook", None))
        return self._hook

    def write_synced(self, wanted: Sequence[tuple[str, str, Any]]) -> list[Change]:
        """Write other devices' operations (`readq sync`): one transaction, not recorded again."""
        return self._write_ops(wanted, synced=True)

    def field_value(self, paper_id: str, fld: str) -> Any:
        """The current value of one field of one paper ("tags" as a tuple)."""
        self._ensure()
        return self._current(self.resolve(paper_id), fld)

    # ------------------------------------------------------------------ importing
    def ingest(self, entries: Iterable[Entry], *, synced: bool = False) -> IngestReport:
        """Merge digest entries into the library; one atomic catalogue write if anything changed.

        Entries come with clean text (the digest parsers and `readq.identity` remove control
        characters), so a catalogue written from them is stamped `clean_text`. A library that
        syncs records the new and changed papers in its device log first, unless they came from
        other devices (`synced`)."""
        report = IngestReport()
        self.path.mkdir(parents=True, exist_ok=True)
        with self._write_lock(), paused_gc():
            self._ensure(full=True)
            self.refresh()
            assert self._papers is not None
            papers = self._papers
            previous = self._previous_catalog() if self.index_on_import else None
            added = _now()
            touched: set[str] = set()
            for entry in entries:
                report.entries += 1
                key = title_key(entry.title)
                if not key:
                    continue
                pid = self._keys.get(key) or (self._arxiv.get(entry.arxiv_id) if entry.arxiv_id else None)
                if pid is None:
                    pid = make_id(key, self._state)
                    paper = paper_from_entry(entry, pid, added)
                    papers[pid] = paper
                    self._state[pid] = (paper.status, paper.starred)
                    self._keys[key] = pid
                    if paper.arxiv_id:
                        self._arxiv[paper.arxiv_id] = pid
                    report.new += 1
                    report.new_ids.append(pid)
                    touched.add(pid)
                    continue
                report.duplicates += 1
                old = papers[pid]
                new = merge(old, entry)
                if new is old:
                    report.unchanged += 1
                    continue
                papers[pid] = new
                self._keys.setdefault(key, pid)
                if new.arxiv_id:
                    self._arxiv.setdefault(new.arxiv_id, pid)
                if pid not in report.new_ids:
                    touched.add(pid)
            report.merged = len(touched) - report.new
            hook = None if synced or not report.changed else self.sync_hook()
            if hook is not None:
                hook.record_papers(papers[pid] for pid in touched)
            if report.changed:
                self._sorted_ids = None
                if previous is not None:
                    previous = (*previous[:2], previous[2] | touched)
                self._write_catalog(search_index=self.index_on_import, previous=previous)
                self.version += 1
            if hook is not None:
                hook.acknowledged()
        return report

    def compact(self) -> None:
        """Fold the journal into the catalogue (also keeps a backup of the previous catalogue)."""
        with self._write_lock():
            self._ensure(full=True)
            self.refresh()
            if self.papers_path.exists() or self._papers:
                self._write_catalog()

    def _previous_catalog(self) -> tuple[str, list[str], set[str]] | None:
        """What the saved search index of the catalogue on disk was built from, for an import to
        extend it: (generation, ids in stored order, papers whose text changed since)."""
        if self.generation is None or self._sorted_ids is None:
            return None
        text_changed = {pid for pid, fields in self._overlay.items() if "title" in fields or "abstract" in fields}
        return self.generation, list(self._sorted_ids), text_changed

    def _write_catalog(self, *, search_index: bool = False,
                       previous: tuple[str, list[str], set[str]] | None = None) -> None:
        """Write papers.json then index.json, then empty the journal. Caller holds the lock.

        With `search_index`, a forked child builds and saves the search index for the new
        generation meanwhile (`readq.store.forked`), extending the index of the `previous`
        catalogue when it can; a failure there is a warning, never a failed write."""
        assert self._papers is not None
        generation = uuid.uuid4().hex
        ordered = self.papers()  # stored newest first, so the next load skips the sort
        if not self._text_clean:
            ordered = self._clean_all(ordered)
        builder = Forked(lambda: self._save_search_index(ordered, generation, previous)) if search_index else None
        try:
            self._write_catalog_files(ordered, generation)
        except BaseException:
            if builder is not None:
                builder.cancel()
            raise
        failure = builder.wait() if builder is not None else None
        if failure:
            self.warnings.append(f"search index not saved ({failure}); the next search rebuilds it")

    def _clean_all(self, ordered: list[Paper]) -> list[Paper]:
        """Once, for a catalogue written before readq cleaned text at ingest: every record made
        safe to print, so this catalogue can be stamped `clean_text` and printed without scans."""
        from readq.textclean import clean_paper

        assert self._papers is not None
        cleaned = [clean_paper(p) for p in ordered]
        self._papers.update((p.id, p) for p in cleaned)
        return cleaned

    def _save_search_index(self, ordered: list[Paper], generation: str,
                           previous: tuple[str, list[str], set[str]] | None) -> None:
        from readq.search.cache import Previous, load_or_build

        prev = Previous(previous[0], previous[1], frozenset(previous[2])) if previous else None
        # not fsynced: the catalogue write is what must be durable; a saved index lost or torn by a
        # crash fails its checks on load and is rebuilt
        load_or_build(ordered, self.cache_dir, generation, warm=False, catalog=True, durable=False,
                      previous=prev)

    def _write_catalog_files(self, ordered: list[Paper], generation: str) -> None:
        seq = max(self._journal.last_seq, self._catalog_seq)
        meta = {"schema": SCHEMA_VERSION, "generation": generation, "journal_seq": seq, "written": _now(),
                "order": ORDER_NEWEST_FIRST, "clean_text": 1}
        db = self._tinydb()
        assert self._storage is not None
        self._storage.offset_tables = ("papers",)
        with self._storage.batch():
            db.drop_tables()
            # meta first, so its generation sits at the head of the file (see layout.catalog_generation);
            # the same tables TinyDB's insert() would make, without building them all in memory
            self._storage.write({"meta": {"1": meta}, "papers": PaperTable(ordered)})
        self._storage.invalidate()  # the next TinyDB read parses the file, not the lazy table
        index = build_index(ordered, self._state, self._tags, generation, seq,
                            self._storage.offsets.get("papers"), self.papers_path.stat().st_size)
        index["clean_text"] = 1
        # every record is `orjson.dumps(paper.as_json())` of this readq, with its state as index.json
        # has it: a view can print records as stored until the next operation (`CatalogView.as_written`)
        index["complete_records"] = 1
        self._text_clean = self._records_complete = True
        atomic_write(self.index_path, orjson.dumps(index), durable=self.durable)
        write_id_table(self.path / IDS_FILE, ((pid, *self._state[pid]) for pid in index["ids"]), generation, seq,
                       durable=self.durable)
        self._ids_fresh = generation
        self._journal.rewrite([])
        self._overlay = {}
        self._changed_since_catalog = False
        self._positions = None
        self._journal.last_seq = seq
        self._catalog_seq = seq
        self.generation = generation
        self._loaded_stat = stat_key(self.papers_path)

    def catalog_view(self) -> CatalogView | None:
        """A read-only view that answers `list`/`export` without loading the catalogue, or None.

        None, and the caller loads the library, whenever that is not possible: an old-layout
        catalogue or index.json, index.json stale or unreadable, papers.json not the file
        index.json describes.
        """
        if self._papers is not None or not self.papers_path.exists():
            return None
        with self._read_lock():
            self._load_index()
            if self._papers is not None or self._layout is None:
                return None
            source = ViewSource(self.papers_path, self.index_path, self.cache_dir, lambda: self.load().papers())
            return open_view(source, self._layout, self._state, self._overlay, self._tags, clean=self._text_clean,
                             as_written=self._records_complete and not self._changed_since_catalog)

    @property
    def cache_dir(self) -> Path:
        """Where derived data (the saved search index) lives; safe to delete at any time."""
        return self.path / "cache"

    def search_index(self, papers: Sequence[Paper] | None = None, *, warm: bool = False) -> SearchIndex:
        """The search index over `papers` (default: all, newest first), reusing the saved one.

        The saved index is keyed by the catalogue generation, so any import invalidates it.
        """
        from readq.search.cache import load_or_build

        papers = self.papers() if papers is None else papers
        if not self.exists() or self.generation is None:
            from readq.search import SearchIndex

            return SearchIndex(papers, warm=warm)
        # The catalogue fast path when `papers` are this catalogue in its order (the TUI and
        # `list --query` pass `papers()`); load_index still checks the ids against the saved ones.
        catalog = self._papers is not None and len(papers) == len(self._papers)
        return load_or_build(papers, self.cache_dir, self.generation, warm=warm, catalog=catalog)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _clean_value(value: Any, fld: str) -> Any:
    """An identity value with text made safe to print (it may come from a server's answer)."""
    from readq.textclean import clean, clean_json_value

    if isinstance(value, str):
        return clean(value)
    if isinstance(value, (list, tuple, dict)):
        return clean_json_value(list(value) if isinstance(value, tuple) else value, fld)
    return value
