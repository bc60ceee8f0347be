"""Bring a library in line with the state merged from every device's log, and bootstrap a library.

`reconcile` is step 4 of docs/SYNC.md's integration plan: papers other devices imported go
through the library's import (deduplicated as an import does; ids kept when free), then the
user state (status, star, tags, note and its conflict copies, identity fields) is written as one
journal transaction with `synced=True`, so it is not echoed into this device's log.
It runs under the library's write lock. (`readq.sync.run.bootstrap` shares a library that had
papers before it first synced.)
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from readq.model import Entry, Source
from readq.sync.merge import journal_ops

if TYPE_CHECKING:
    from readq.model import Paper
    from readq.store.ops import Change
    from readq.sync.replica import Replica


class Library(Protocol):
    """What sync needs of `readq.store.Library` (named here so the store can import this module)."""

    path: Path

    def write_lock(self) -> contextlib.AbstractContextManager[None]: ...
    def load_index(self) -> Any: ...
    def ids(self) -> list[str]: ...
    def exists(self) -> bool: ...
    def papers(self) -> list[Paper]: ...
    def ingest(self, entries: Any, *, synced: bool = False) -> Any: ...
    def find_id(self, title: str, arxiv_id: str | None = None) -> str | None: ...
    def field_value(self, paper_id: str, fld: str) -> Any: ...
    def write_synced(self, wanted: Sequence[tuple[str, str, Any]]) -> list[Change]: ...



@dataclass(slots=True)
class Applied:
    """What applying other devices' operations changed in the library."""

    changes: int = 0  # fields changed (one per paper and field)
    papers: int = 0  # papers added to the catalogue
    devices: int = 0  # other devices whose operations were read


def entries_of(record: dict[str, Any]) -> list[Entry]:
    """A paper record as import entries, one per digest it was seen in."""
    sources = [s for s in record.get("sources") or [] if isinstance(s, dict)] or [{"file": "sync"}]
    common = dict(
        title=str(record.get("title") or ""), abstract=str(record.get("abstract") or ""),
        authors=tuple(map(str, record.get("authors") or ())), authors_count=record.get("authors_count"),
        org=record.get("org"), published=record.get("published"), upvotes=record.get("upvotes"),
        links=tuple(map(str, record.get("links") or ())), arxiv_id=record.get("arxiv_id") or None)
    return [Entry(**common, source=Source(file=str(s.get("file") or "sync"), digest_date=s.get("digest_date")))
            for s in sources]


def reconcile(lib: Library, replica: Replica, since: dict[str, str] | None = None,
              changed: set[str] | None = None) -> Applied | None:
    """Make `lib` show the merged state of `replica`. Caller holds `lib.write_lock()`.

    `since` (device -> newest stamp applied by the last reconcile) limits the papers imported
    again to those other devices imported or sighted since; papers this library lacks always are.
    `changed` (a replica resumed from `readq.sync.cache`): only these papers' state can differ
    from the library's; None for every paper. None when a paper the library lacks is known only
    by a slim cached record: the caller reads everything again."""
    state = replica.state
    records, aliases = state.catalogue()
    out = Applied(devices=len({d for d in state.covers if d != replica.device}))
    lib.load_index()
    known = set(lib.ids())
    local: dict[str, str] = {}
    others: dict[str, list[str]] = {}
    for alias, kept in aliases.items():
        others.setdefault(kept, []).append(alias)
    fresh = _sighted_since(state.papers, aliases, replica.device, since or {})
    missing: list[str] = []
    for cid in records:
        found = cid if cid in known else next((a for a in others.get(cid, ()) if a in known), None)
        if found is None or cid in fresh:
            missing.append(cid)
        if found is not None:
            local[cid] = found
    if any(records[cid].get("slim") for cid in missing if cid not in local):
        return None
    if missing:
        # A slim record (from the cache) is of a paper already applied: a library that has it has
        # its sightings too. Ingesting it again would add a bare "sync" sighting, which is what
        # happened when a sync was killed after applying but before saving its cursor.
        entries = [e for cid in missing if not (cid in local and records[cid].get("slim"))
                   for e in entries_of(records[cid])]
        report = lib.ingest(entries, synced=True)
        out.papers = report.new
        for cid in (c for c in missing if c not in local):
            pid = lib.find_id(str(records[cid].get("title") or ""), records[cid].get("arxiv_id"))
            if pid is not None:
                local[cid] = pid
        known = set(lib.ids())
    user = state.user_state(aliases)
    if changed is not None:
        wanted_ids = {aliases.get(p, p) for p in changed} | set(missing)
        user = {cid: fields for cid, fields in user.items() if cid in wanted_ids}
    mapped: dict[str, dict[str, Any]] = {}
    for cid, fields in user.items():
        pid = local.get(cid) or (cid if cid in known else None)
        if pid is not None:
            mapped[pid] = fields
    wanted = journal_ops(mapped, lib.field_value, known.__contains__)
    for pid, fields in mapped.items():
        if "note" not in fields:
            continue
        conflicts = tuple(fields.get("note_conflicts") or ())
        if conflicts != tuple(lib.field_value(pid, "note_conflicts") or ()):
            wanted.append((pid, "note_conflicts", conflicts))
    out.changes = len(lib.write_synced(wanted))
    return out


def _sighted_since(papers: dict[str, tuple[str, dict[str, Any]]], aliases: dict[str, str], me: str,
                   since: dict[str, str]) -> set[str]:
    """Kept ids of papers another device imported (or saw again) after `since[device]`."""
    out: set[str] = set()
    for stamp, (pid, _) in papers.items():
        device = stamp.rpartition(".")[2]
        if device != me and stamp > since.get(device, ""):
            out.add(aliases.get(pid, pid))
    return out


def catalogue_record(paper: Paper) -> dict[str, Any]:
    """A paper's catalogue fields as a "paper" operation carries them (no user state)."""
    rec = paper.as_json()
    for key in ("status", "starred", "tags", "note", "resolved", "note_conflicts"):
        rec.pop(key, None)
    return rec
