"""One `readq sync`: bootstrap, carry the files (git or a shared folder), apply what others did.

1. Settings: the first `--git REMOTE` (or `--dir PATH`) writes `<library>/sync.json`; from then
   on every write of the library is recorded in this device's log (`readq.sync.hook`).
2. Under the library lock: repair a crash between the two writes of an earlier change, and
   write the bootstrap snapshot of a library that had papers before it first synced.
3. Without the library lock (marks go on meanwhile): `GitCarrier.sync` commits this device's
   files, merges the remote's and pushes. A shared folder (Syncthing, Dropbox) needs no carrier.
4. Under the library lock: read every log and snapshot, `reconcile` the library with the merged
   state (one journal transaction, not echoed into the device log), save the cursor durably.
5. When this device's own log has grown past `COMPACT_BYTES`, fold it into this device's snapshot
   (`Replica.compact`, crash-safe) from a replica read in full: the cached one keeps only slim
   paper records, and a snapshot is what other devices import papers from once the logs are gone.
   The next sync carries the snapshot and the deletions together.

The app runs the same `run_sync` in a worker; its poll then shows the journal lines step 4 wrote.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


from readq.model import Status
from readq.sync.apply import Applied, Library, catalogue_record
from readq.sync.clock import HybridClock, Stamp
from readq.sync.git import GitCarrier, SyncError, SyncReport
from readq.sync.hook import SyncHook, hook_for, read_settings, write_settings
from readq.sync.log import PAPER_FIELD, Op, segments, snapshot_path, write_snapshot
from readq.sync.replica import Replica
from readq.sync.merge import SyncState



def _compact_bytes(default: int = 4 << 20) -> int:
    raw = os.environ.get("READQ_SYNC_COMPACT_BYTES", "").strip()
    return int(raw) if raw.isdigit() else default


#: This device's log segments above this size are folded into its snapshot at the end of a sync:
#: every device reads every log line, so an unbounded log slows every other device's sync.
#: (`READQ_SYNC_COMPACT_BYTES` overrides it, for tests and benchmarks that compact on every sync.)
COMPACT_BYTES = _compact_bytes()


class NoRemote(SyncError):
    """`readq sync` on a library that has never been told where to sync."""


@dataclass(slots=True)
class SyncOutcome:
    """What one `readq sync` did, for the summary line."""

    carried: SyncReport | None  # None for a shared folder
    applied: Applied
    bootstrapped: int = 0
    sync_dir: Path | None = None
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        where = self.carried.summary() if self.carried else f"synced through the shared folder {self.sync_dir}"
        parts = [where]
        if self.bootstrapped:
            parts.append(f"shared this library's {self.bootstrapped} paper(s)")
        devices = self.applied.devices
        parts.append(f"{self.applied.changes} change(s) from {devices} other device(s)")
        if self.applied.papers:
            parts.append(f"{self.applied.papers} new paper(s)")
        return "; ".join(parts)


def configure(library: Path, git: str | None, folder: Path | None) -> tuple[dict[str, object], bool]:
    """Settings after this call's options, and whether they changed; `NoRemote` when sync was
    never set up."""
    settings = dict(read_settings(library) or {})
    if not settings and git is None and folder is None:
        raise NoRemote("no remote yet: run `readq sync --git REMOTE` once (a git URL or a local path), "
                       "or `readq sync --dir PATH` for a shared folder")
    changed = not settings
    if folder is not None:
        resolved = str(folder.expanduser().resolve())
        changed |= settings.get("dir") != resolved
        settings["dir"] = resolved
        if git is None and settings.get("carrier") != "git":
            settings["carrier"] = "folder"
    if git is not None:
        changed |= settings.get("carrier") != "git"
        settings["carrier"] = "git"
    settings.setdefault("dir", None)
    settings.setdefault("carrier", "git")
    return settings, changed


def run_sync(lib: Library, git: str | None = None, folder: Path | None = None,
             progress: Callable[[str], None] = lambda text: None) -> SyncOutcome:
    """One sync of `lib` (see the module docstring); `SyncError` with a one-line message."""
    from readq.sync.cache import open_replica, reconciled

    settings, changed = configure(lib.path, git, folder)
    lib.path.mkdir(parents=True, exist_ok=True)
    with lib.write_lock():  # (a crash between an earlier change's two writes is repaired in step 4)
        hook = SyncHook(lib.path, settings)
        hook.sync_dir.mkdir(parents=True, exist_ok=True)
        progress("Sharing this library…")
        shared = bootstrap(lib, hook)
        if changed:  # after the snapshot, so no change can fall between the snapshot and the log
            write_settings(lib.path, settings)
        hook = hook_for(lib.path) or hook
    carried = None
    if settings.get("carrier") == "git":
        progress("Exchanging changes with the remote…")
        carried = GitCarrier(hook.sync_dir, [hook.log.folder, snapshot_path(hook.sync_dir, hook.device)]).sync(git)
    progress("Applying other devices' changes…")
    with lib.write_lock():
        replica, applied = reconciled(lib, open_replica(lib.path, hook.sync_dir, hook.device),
                                      hook.read_cursor().get("applied"))
        if own_log_bytes(hook) > COMPACT_BYTES:
            progress("Compacting this device's log…")
            Replica(hook.sync_dir, hook.device).compact()  # read in full: see step 5
        wall, counter = replica.clock.last
        hook.save_cursor(Stamp(wall, counter, hook.device) if counter >= 0 else None, durable=True,
                         applied=dict(replica.state.covers))
    return SyncOutcome(carried, applied, shared, hook.sync_dir, [str(w) for w in replica.warnings])


def own_log_bytes(hook: SyncHook) -> int:
    """The size of this device's log segments."""
    total = 0
    for _, path in segments(hook.log.folder):
        with contextlib.suppress(FileNotFoundError):
            total += path.stat().st_size
    return total


def needs_bootstrap(hook: SyncHook) -> bool:
    """True for a device that has not written its snapshot in this sync directory yet."""
    return not snapshot_path(hook.sync_dir, hook.device).exists()


def bootstrap(lib: Library, hook: SyncHook) -> int:
    """Write the library's papers and state as this device's snapshot; papers in it.

    Caller holds `lib.write_lock()`. Every value gets its own stamp from this device's clock, so
    a later change anywhere wins over it, and other devices take the papers in on their next sync."""
    if not needs_bootstrap(hook):
        return 0
    clock = HybridClock(hook.device, last=hook.log.last_stamp())
    ops: list[Op] = []
    papers = lib.papers() if lib.exists() else []
    for p in papers:
        ops.append(Op(clock.tick(), p.id, PAPER_FIELD, catalogue_record(p)))
        if p.status != Status.NEW:
            ops.append(Op(clock.tick(), p.id, "status", p.status.value))
        if p.starred:
            ops.append(Op(clock.tick(), p.id, "starred", True))
        ops += [Op(clock.tick(), p.id, "tag+", tag) for tag in p.tags]
        if p.note:
            ops.append(Op(clock.tick(), p.id, "note", p.note))
        if p.resolved:
            ops.append(Op(clock.tick(), p.id, "resolved", p.resolved))
    state = SyncState()
    state.apply_all(ops)
    write_snapshot(hook.sync_dir, hook.device, dict(state.covers), state.to_json())
    if ops:
        hook.save_cursor(ops[-1].stamp, durable=True)
    return len(papers)
