"""The store's link to sync: every change a library acknowledges is also in this device's log.

A library takes part in sync once `readq sync` has written its settings file,
`<library>/sync.json` (`{"dir": PATH or null, "carrier": "git" or "folder"}`). From then on
`Library._write_ops` and `Library.ingest` call this hook inside their write lock:

1. `catch_up(lib)` (writes only): compares this device's log with the cursor saved after the
   last acknowledged write (`<library>/sync-cursor.json`). They differ only when a process died
   between the device-log append and the journal append (or the cursor was lost): then the
   library is reconciled with the state derived from every log (`readq.sync.apply`), which holds
   the operations the journal missed. Rare and idempotent.
2. `record(ops)` / `record_papers(papers)`: stamps the operations and appends them to this
   device's log with one fsynced write, *before* the journal append: what the other devices see
   is never less than what this device acknowledged. Status, star and tag changes take the clock
   from the cursor (no log is read: `readq mark` pays one small fsynced append); a note edit
   reads the logs, because its `base` names the note versions this device has seen.
3. `acknowledged()`: after the journal append, saves the cursor (the log's size and the newest
   stamp issued or observed), without fsync: a lost cursor only costs a reconcile.

Operations that came from other devices (`readq sync` applying them) are written with
`synced=True` and are not recorded again. `note_conflicts` is derived, never recorded.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from readq.store.atomic import atomic_write
from readq.sync.clock import HybridClock, Stamp
from readq.sync.apply import Library, catalogue_record
from readq.sync.log import OP_FIELDS, PAPER_FIELD, DeviceLog, Op, device_id

if TYPE_CHECKING:
    from readq.model import Paper


SETTINGS_FILE = "sync.json"
CURSOR_FILE = "sync-cursor.json"
DEFAULT_DIR = "sync"


def settings_path(library: Path) -> Path:
    return library / SETTINGS_FILE


def read_settings(library: Path) -> dict[str, Any] | None:
    """The library's sync settings, or None when it does not sync (yet)."""
    try:
        data = orjson.loads(settings_path(library).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def write_settings(library: Path, settings: dict[str, Any]) -> None:
    library.mkdir(parents=True, exist_ok=True)
    atomic_write(settings_path(library), orjson.dumps(settings, option=orjson.OPT_INDENT_2))


def sync_dir_of(library: Path, settings: dict[str, Any] | None) -> Path:
    """Where the synced files live: `--dir PATH` if given once, else `<library>/sync/`."""
    folder = (settings or {}).get("dir")
    return Path(folder) if folder else library / DEFAULT_DIR


def hook_for(library: Path, cached: SyncHook | None = None) -> SyncHook | None:
    """The hook of a library that syncs, else None; one stat per call when it does not."""
    try:
        key = settings_path(library).stat().st_mtime_ns
    except OSError:
        return None
    if cached is not None and cached.settings_key == key:
        return cached
    settings = read_settings(library)
    if settings is None:
        return None
    return SyncHook(library, settings, key)


class SyncHook:
    """One library's recorder into its device log (see the module docstring)."""

    def __init__(self, library: Path, settings: dict[str, Any], settings_key: int = 0) -> None:
        self.library = library
        self.settings = settings
        self.settings_key = settings_key
        self.sync_dir = sync_dir_of(library, settings)
        self.device = device_id(library)
        self.log = DeviceLog(self.sync_dir, self.device)
        self.cursor_path = library / CURSOR_FILE
        self._last: Stamp | None = None

    # ------------------------------------------------------------------ the cursor
    def read_cursor(self) -> dict[str, Any]:
        with contextlib.suppress(OSError, orjson.JSONDecodeError):
            data = orjson.loads(self.cursor_path.read_bytes())
            if isinstance(data, dict) and data.get("device") == self.device:
                return data
        return {}

    def _log_position(self) -> tuple[str, int]:
        path = self.log.active()
        try:
            return path.name, path.stat().st_size
        except OSError:
            return path.name, 0

    def in_step(self) -> bool:
        """True when the device log is exactly as the last acknowledged write left it."""
        cursor = self.read_cursor()
        if not cursor:
            return False
        return (cursor.get("segment"), cursor.get("size")) == self._log_position()

    def save_cursor(self, last: Stamp | None = None, *, durable: bool = False,
                    applied: dict[str, str] | None = None) -> None:
        """Remember the log's position, the newest stamp issued or observed, and (after a
        reconcile) the newest stamp of each device applied to the library."""
        cursor = self.read_cursor()
        stamps = [s for s in (last, self._last, self._cursor_stamp(cursor)) if s is not None]
        newest = max(stamps) if stamps else None
        segment, size = self._log_position()
        data = {"device": self.device, "segment": segment, "size": size,
                "last": newest.encode() if newest else None,
                "applied": applied if applied is not None else cursor.get("applied") or {}}
        atomic_write(self.cursor_path, orjson.dumps(data), durable=durable)

    @staticmethod
    def _cursor_stamp(cursor: dict[str, Any]) -> Stamp | None:
        with contextlib.suppress(ValueError):
            return Stamp.parse(cursor.get("last"))  # type: ignore[arg-type]
        return None

    # ------------------------------------------------------------------ the write path
    def catch_up(self, lib: Library) -> int:
        """Repair a crash between the two writes (see the module docstring); changes made."""
        if self.in_step():
            return 0
        from readq.sync.cache import open_replica, reconciled

        replica, applied = reconciled(lib, open_replica(self.library, self.sync_dir, self.device),
                                      self.read_cursor().get("applied"))
        self.save_cursor(Stamp(*replica.clock.last, self.device) if replica.clock.last[1] >= 0 else None,
                         applied=dict(replica.state.covers))
        return applied.changes

    def record(self, ops: Sequence[tuple[str, str, Any]]) -> None:
        """Append journal operations (paper, field, value) to the device log, durably."""
        changes = [(pid, fld, value) for pid, fld, value in ops if fld in OP_FIELDS and fld != PAPER_FIELD]
        if not changes:
            return
        if any(fld == "note" for _, fld, _ in changes):
            stamped = self._record_with_base(changes)
        else:
            clock = self._clock()
            stamped = [Op(clock.tick(), pid, fld, value) for pid, fld, value in changes]
            self.log.append(stamped)
        self._last = stamped[-1].stamp

    def _record_with_base(self, changes: list[tuple[str, str, Any]]) -> list[Op]:
        """Note edits name the versions this library has shown (`base`): its own, and other
        devices' up to what the last reconcile applied; a version that only sits in a shared
        folder, never applied here, stays a head, so it becomes a conflict copy, not a loss."""
        from readq.sync.cache import open_replica

        replica = open_replica(self.library, self.sync_dir, self.device)
        applied = self.read_cursor().get("applied") or {}
        cursor_stamp = self._cursor_stamp(self.read_cursor())
        if cursor_stamp is not None:
            replica.clock.observe(cursor_stamp)
        stamped: list[Op] = []
        for pid, fld, value in changes:
            base: tuple[str, ...] = ()
            if fld == "note":
                heads = replica.state.note_heads(pid)
                base = tuple(h for h in heads if h.rpartition(".")[2] == self.device
                             or h <= str(applied.get(h.rpartition(".")[2], "")))
            stamped.append(Op(replica.clock.tick(), pid, fld, value, base))
        self.log.append(stamped)
        return stamped

    def record_papers(self, papers: Iterable[Paper]) -> None:
        """Imported (or newly sighted) papers: one "paper" operation each, as one append."""
        clock = self._clock()
        stamped = [Op(clock.tick(), p.id, PAPER_FIELD, catalogue_record(p)) for p in papers]
        if stamped:
            self.log.append(stamped)
            self._last = stamped[-1].stamp

    def _clock(self) -> HybridClock:
        """The clock from the cursor when it matches the log (no log is read); else also the log's
        newest stamp (a crash after an append left the cursor behind)."""
        cursor = self.read_cursor()
        stamps = [self._cursor_stamp(cursor)]
        if (cursor.get("segment"), cursor.get("size")) != self._log_position():
            stamps.append(self.log.last_stamp())
        known = [s for s in stamps if s is not None]
        return HybridClock(self.device, last=max(known) if known else None)

    def acknowledged(self) -> None:
        self.save_cursor()
