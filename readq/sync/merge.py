"""Derive a library's state from every device's operations, the same whatever the order of arrival.

`SyncState` is a state-based CRDT: applying an operation is idempotent and commutative, and
two states (this device's and a snapshot's) join by the same rules, so any device that has seen
the same operations, in any order, through any mix of logs and snapshots, derives the same state.

The rules, per paper:

- **status, starred, identity fields** (`readq.store.ops.IDENTITY_FIELDS`): a register per
  field; the operation with the greatest (clock, device) stamp wins.
- **tags**: a register per tag: the latest of "tag+"/"tag-" decides whether the tag is there;
  present tags are listed in the order of their winning adds (what applying every operation in
  stamp order gives).
- **note**: each note operation names the note versions its device saw (`base`). A version no
  later operation names is a *head*; the newest head is the note, and every other head whose text
  differs is kept in `note_conflicts` (newest first) for the user to see, never dropped. An edit
  made after seeing a conflict names it too, which resolves it.
- **papers**: "paper" operations carry imported records; they are unioned and folded in stamp
  order, deduplicated as an import does (`readq.dedup.title_key` or the arXiv id). A paper
  imported under another id on another device becomes an alias of the first one, and its
  operations apply to that paper.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from readq.dedup import title_key
from readq.store.ops import IDENTITY_FIELDS
from readq.sync.clock import Stamp
from readq.sync.log import PAPER_FIELD, Op

REGISTER_FIELDS = frozenset({"status", "starred"}) | IDENTITY_FIELDS
CATALOGUE_KEYS = ("id", "title", "abstract", "authors", "authors_count", "org", "published", "upvotes",
                  "links", "arxiv_id", "sources", "added")
DEFAULTS: dict[str, Any] = {"status": "new", "starred": False, "tags": [], "note": None,
                            "note_conflicts": []}


@dataclass(slots=True)
class NoteVersions:
    """The note versions of one paper not yet superseded (`heads`) and the stamps superseded."""

    heads: dict[str, str | None] = field(default_factory=dict)
    refs: set[str] = field(default_factory=set)

    def add(self, stamp: str, text: str | None, base: Iterable[str]) -> None:
        for old in base:
            self.refs.add(old)
            self.heads.pop(old, None)
        if stamp not in self.refs:
            self.heads[stamp] = text

    def join(self, other: NoteVersions) -> None:
        self.refs |= other.refs
        for stamp, text in other.heads.items():
            self.heads.setdefault(stamp, text)
        for stamp in [s for s in self.heads if s in self.refs]:
            del self.heads[stamp]

    def resolved(self) -> tuple[str | None, list[str]]:
        """The note (the newest head) and the conflict copies (other heads with other text)."""
        if not self.heads:
            return None, []
        order = sorted(self.heads, reverse=True)
        note = self.heads[order[0]]
        conflicts: list[str] = []
        for stamp in order[1:]:
            text = self.heads[stamp]
            if text and text != note and text not in conflicts:
                conflicts.append(text)
        return note, conflicts


@dataclass
class SyncState:
    """Everything the operations say, kept so that more operations or states can still join."""

    registers: dict[tuple[str, str], tuple[str, Any]] = field(default_factory=dict)
    tags: dict[tuple[str, str], tuple[str, bool]] = field(default_factory=dict)
    notes: dict[str, NoteVersions] = field(default_factory=dict)
    papers: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)  # stamp -> (id, record)
    covers: dict[str, str] = field(default_factory=dict)  # device -> newest stamp applied
    _catalogue: tuple[int, dict[str, dict[str, Any]], dict[str, str]] | None = field(
        default=None, repr=False, compare=False)

    # ------------------------------------------------------------------ operations
    def apply(self, op: Op) -> bool:
        """Fold one operation in; True if it could change the derived state (False: seen or lost)."""
        stamp = op.clock
        if self.covers.get(op.device, "") < stamp:
            self.covers[op.device] = stamp
        if op.field in REGISTER_FIELDS:
            return _newer(self.registers, (op.paper, op.field), stamp, op.value)
        if op.field in ("tag+", "tag-"):
            return _newer(self.tags, (op.paper, str(op.value)), stamp, op.field == "tag+")
        if op.field == "note":
            versions = self.notes.setdefault(op.paper, NoteVersions())
            before = (dict(versions.heads), len(versions.refs))
            versions.add(stamp, op.value, op.base)
            return before != (versions.heads, len(versions.refs))
        if op.field == PAPER_FIELD:
            if stamp in self.papers:
                return False
            record = {k: op.value[k] for k in CATALOGUE_KEYS if k in op.value}
            self.papers[stamp] = (op.paper, record)
            return True
        return False

    def apply_all(self, ops: Iterable[Op]) -> set[str]:
        """Apply operations; returns the paper ids whose state may have changed."""
        return {op.paper for op in ops if self.apply(op)}

    def note_heads(self, paper: str) -> list[str]:
        """The stamps of the note versions this device sees: the `base` of its next note edit."""
        versions = self.notes.get(self.canonical(paper))
        heads = set(versions.heads) if versions else set()
        for alias, target in self.aliases().items():
            if target == self.canonical(paper) and alias in self.notes:
                heads |= set(self.notes[alias].heads)
        return sorted(heads)

    # ------------------------------------------------------------------ joining states
    def join(self, other: SyncState) -> None:
        """Take in another state (a snapshot): the result is as if both had seen every operation."""
        for key, (stamp, value) in other.registers.items():
            _newer(self.registers, key, stamp, value)
        for key, (stamp, present) in other.tags.items():
            _newer(self.tags, key, stamp, present)
        for paper, versions in other.notes.items():
            self.notes.setdefault(paper, NoteVersions()).join(versions)
        for stamp, entry in other.papers.items():
            self.papers.setdefault(stamp, entry)
        for device, stamp in other.covers.items():
            if self.covers.get(device, "") < stamp:
                self.covers[device] = stamp

    def to_json(self) -> dict[str, Any]:
        return {
            "registers": sorted([p, f, s, v] for (p, f), (s, v) in self.registers.items()),
            "tags": sorted([p, t, s, present] for (p, t), (s, present) in self.tags.items()),
            "notes": {p: {"heads": dict(sorted(n.heads.items())), "refs": sorted(n.refs)}
                      for p, n in sorted(self.notes.items())},
            "papers": {s: [p, rec] for s, (p, rec) in sorted(self.papers.items())},
            "covers": dict(sorted(self.covers.items())),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SyncState:
        """A state from `to_json` output; `ValueError` if it is not one."""
        try:
            state = cls()
            for p, f, s, v in data.get("registers", []):
                state.registers[(str(p), str(f))] = (_stamp(s), v)
            for p, t, s, present in data.get("tags", []):
                state.tags[(str(p), str(t))] = (_stamp(s), bool(present))
            for p, n in data.get("notes", {}).items():
                state.notes[str(p)] = NoteVersions({_stamp(s): t for s, t in n["heads"].items()},
                                                   {_stamp(s) for s in n["refs"]})
            for s, (p, rec) in data.get("papers", {}).items():
                if not isinstance(rec, dict):
                    raise ValueError("paper record is not an object")
                state.papers[_stamp(s)] = (str(p), rec)
            state.covers = {str(d): _stamp(s) for d, s in data.get("covers", {}).items()}
        except (TypeError, KeyError, AttributeError) as exc:
            raise ValueError(f"not a sync state: {exc}") from None
        return state

    # ------------------------------------------------------------------ deriving
    def catalogue(self) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
        """The unioned, deduplicated paper records and the alias map (other id -> kept id).

        Cached until a paper operation arrives (paper operations are only ever added)."""
        if self._catalogue is not None and self._catalogue[0] == len(self.papers):
            return self._catalogue[1], self._catalogue[2]
        records: dict[str, dict[str, Any]] = {}
        aliases: dict[str, str] = {}
        by_key: dict[str, str] = {}
        by_arxiv: dict[str, str] = {}
        for stamp in sorted(self.papers):
            pid, record = self.papers[stamp]
            key = title_key(str(record.get("title") or ""))
            arxiv = record.get("arxiv_id") or None
            kept = aliases.get(pid) or (pid if pid in records else None) or by_key.get(key) or (
                by_arxiv.get(arxiv) if arxiv else None)
            if kept is None:
                kept = pid
                records[pid] = {**record, "id": pid}
            else:
                records[kept] = merge_records(records[kept], record)
                if pid != kept:
                    aliases[pid] = kept
            if key:
                by_key.setdefault(key, kept)
            if records[kept].get("arxiv_id"):
                by_arxiv.setdefault(records[kept]["arxiv_id"], kept)
        self._catalogue = (len(self.papers), records, aliases)
        return records, aliases

    def aliases(self) -> dict[str, str]:
        return self.catalogue()[1]

    def canonical(self, paper: str) -> str:
        return self.aliases().get(paper, paper)

    def user_state(self, aliases: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
        """Per paper id (aliases folded in): the fields the operations set, with conflict copies."""
        aliases = self.aliases() if aliases is None else aliases
        out: dict[str, dict[str, Any]] = {}
        winners: dict[tuple[str, str], tuple[str, Any]] = {}
        for (pid, fld), (stamp, value) in self.registers.items():
            _newer(winners, (aliases.get(pid, pid), fld), stamp, value)
        for (pid, fld), (_, value) in winners.items():
            out.setdefault(pid, {})[fld] = value
        tag_winners: dict[tuple[str, str], tuple[str, bool]] = {}
        for (pid, tag), (stamp, present) in self.tags.items():
            _newer(tag_winners, (aliases.get(pid, pid), tag), stamp, present)
        present_tags = sorted((stamp, pid, tag) for (pid, tag), (stamp, on) in tag_winners.items() if on)
        for pid in {pid for pid, _ in tag_winners}:
            out.setdefault(pid, {})["tags"] = []
        for _, pid, tag in present_tags:
            out[pid]["tags"].append(tag)
        merged_notes: dict[str, NoteVersions] = {}
        for pid, versions in self.notes.items():
            merged_notes.setdefault(aliases.get(pid, pid), NoteVersions()).join(versions)
        for pid, versions in merged_notes.items():
            note, conflicts = versions.resolved()
            out.setdefault(pid, {}).update(note=note, note_conflicts=conflicts)
        return out

    def derive(self) -> dict[str, dict[str, Any]]:
        """Contract-shaped records of every known paper with its user state, by id (sorted)."""
        records, aliases = self.catalogue()
        user = self.user_state(aliases)
        out: dict[str, dict[str, Any]] = {}
        for pid in sorted(records):
            out[pid] = {**records[pid], **DEFAULTS, "tags": [], "note_conflicts": [], **user.get(pid, {})}
        return out


def _stamp(text: Any) -> str:
    return Stamp.parse(text).encode()


def _newer(table: dict[Any, tuple[str, Any]], key: Any, stamp: str, value: Any) -> bool:
    """Keep (stamp, value) under key if its stamp is greater than the one there."""
    current = table.get(key)
    if current is not None and current[0] >= stamp:
        return False
    table[key] = (stamp, value)
    return True


def _longer(a: Any, b: Any) -> Any:
    return b if len(b or ()) > len(a or ()) else a


def _max(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)


def merge_records(kept: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """Fold another sighting's record into a paper's, as `readq.dedup.merge` folds an entry."""
    sources = list(kept.get("sources") or [])
    for source in other.get("sources") or []:
        if source not in sources:
            sources.append(source)
    sources.sort(key=lambda s: (str(s.get("digest_date") or ""), str(s.get("file") or ""))
                 if isinstance(s, dict) else ("", ""))
    links = list(dict.fromkeys([*(kept.get("links") or []), *(other.get("links") or [])]))
    authors = _longer(kept.get("authors") or [], other.get("authors") or [])
    count = _max(kept.get("authors_count"), other.get("authors_count"))
    return {
        **kept,
        "abstract": _longer(kept.get("abstract") or "", other.get("abstract") or ""),
        "authors": authors,
        "authors_count": count if count is not None else (len(authors) or None),
        "org": kept.get("org") or other.get("org"),
        "published": kept.get("published") or other.get("published"),
        "upvotes": _max(kept.get("upvotes"), other.get("upvotes")),
        "links": links,
        "arxiv_id": kept.get("arxiv_id") or other.get("arxiv_id"),
        "sources": sources,
    }


def journal_ops(user: dict[str, dict[str, Any]], current: Callable[[str, str], Any],
                known: Callable[[str], bool]) -> list[tuple[str, str, Any]]:
    """The local journal operations that make a library match the derived user state.

    `current(paper, field)` reads the library ("tags" as a tuple); `known(paper)` says whether the
    library has the paper. Tags are requested as the whole tuple ("tags"), which
    `readq.store.ops.plan_ops` turns into the "tag+"/"tag-" operations that make it so.
    Conflict copies are not a journal field yet (see docs/SYNC.md, integration plan)."""
    wanted: list[tuple[str, str, Any]] = []
    for pid in sorted(user):
        if not known(pid):
            continue
        for fld, value in sorted(user[pid].items()):
            if fld == "note_conflicts":
                continue
            mine = current(pid, fld)
            if fld == "tags":
                value = tuple(value)
                mine = tuple(mine or ())
            if mine != value:
                wanted.append((pid, fld, value))
    return wanted
