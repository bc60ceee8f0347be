"""One device's view of a sync directory: its clock, its own log, and the state merged from all.

`Replica` is what the store plugs in (docs/SYNC.md, integration plan): `record` stamps local
changes and appends them to this device's log (acknowledged when it returns); `refresh` reads
what other devices appended (and new snapshots) and folds it in; `compact` writes this device's
snapshot and drops its own log segments the snapshot covers. It knows nothing of git: a carrier
(`readq.sync.git`, or a Syncthing/Dropbox folder) moves the files; the replica only reads them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from readq.sync.clock import HybridClock, Stamp, wall_ms
from readq.sync.log import (
    DeviceLog,
    LogReader,
    LogWarning,
    Op,
    read_snapshots,
    snapshot_path,
    write_snapshot,
)
from readq.sync.merge import SyncState


class Replica:
    """This device in a sync directory; `state` is the merge of everything read so far."""

    def __init__(self, sync_dir: Path, device: str, *, now: Callable[[], int] = wall_ms) -> None:
        self.sync_dir = sync_dir
        self.device = device
        self.log = DeviceLog(sync_dir, device)
        self.clock = HybridClock(device, now=now, last=self.log.last_stamp())
        self.reader = LogReader(sync_dir)
        self.state = SyncState()
        self.warnings: list[LogWarning] = []
        self._snapshot_keys: dict[str, tuple[int, int, int]] = {}
        self.refresh()

    def record(self, changes: Sequence[tuple[str, str, Any]]) -> list[Op]:
        """Stamp local changes (paper, field, value), append them durably as one transaction.

        Catches up first, so the clock is past every stamp seen and a note edit names the
        versions this device sees (its `base`)."""
        self.refresh()
        ops: list[Op] = []
        for paper, fld, value in changes:
            base = tuple(self.state.note_heads(paper)) if fld == "note" else ()
            ops.append(Op(self.clock.tick(), paper, fld, value, base))
        self.log.append(ops)
        self.state.apply_all(ops)
        return ops

    def refresh(self) -> set[str]:
        """Read new lines of every log and any new snapshot; returns the papers that may have changed."""
        changed = self._load_snapshots()
        ops, warnings = self.reader.read()
        self.warnings += warnings
        for op in ops:
            self.clock.observe(op.stamp)
        changed |= self.state.apply_all(ops)
        return changed

    def _load_snapshots(self) -> set[str]:
        folder = self.sync_dir / "snapshots"
        keys: dict[str, tuple[int, int, int]] = {}
        with contextlib.suppress(OSError):
            for path in folder.glob("*.json"):
                st = path.stat()
                keys[path.stem] = (st.st_ino, st.st_size, st.st_mtime_ns)
        if keys == self._snapshot_keys:
            return set()
        self._snapshot_keys = keys
        snapshots, warnings = read_snapshots(self.sync_dir)
        self.warnings += warnings
        changed: set[str] = set()
        for snap in snapshots:
            try:
                other = SyncState.from_json(snap.state)
            except ValueError as exc:
                self.warnings.append(LogWarning(snap.device, f"{snap.device}.json", 0, str(exc)))
                continue
            for stamp in other.covers.values():
                self.clock.observe(Stamp.parse(stamp))
            changed |= {p for p, _ in other.registers} | {p for p, _ in other.tags} | set(other.notes)
            changed |= {p for p, _ in other.papers.values()}
            self.state.join(other)
        return changed

    def compact(self) -> list[Path]:
        """Snapshot the merged state, then drop this device's log segments it covers.

        Order makes it crash-safe: new appends go to a fresh segment first; the snapshot is
        written atomically before anything is deleted; only whole segments of this device, all
        of whose operations the snapshot covers, are deleted."""
        self.log.roll()
        self.refresh()
        covers = dict(self.state.covers)
        write_snapshot(self.sync_dir, self.device, covers, self.state.to_json())
        mine = covers.get(self.device)
        return self.log.drop_covered(Stamp.parse(mine)) if mine else []

    def derive(self) -> dict[str, dict[str, Any]]:
        """The merged library: contract-shaped records by paper id."""
        return self.state.derive()

    def own_files(self) -> list[Path]:
        """The files this device writes (what a carrier commits): its log folder and snapshot."""
        return [self.log.folder, snapshot_path(self.sync_dir, self.device)]
