"""A derived cache of what `readq sync` last read, so the next sync reads only what is new.

Reading every snapshot and log again costs seconds at 100k papers (a bootstrap snapshot holds
every paper). After a sync the merged state, the byte offsets read in each log and the stat keys
of the snapshots are pickled to `<library>/cache/sync-replica.pickle` (outside the synced folder:
derived, never shared, safe to delete). The next `Replica` resumes from it: new log lines are
read from the saved offsets, a changed snapshot is joined again (joins are idempotent). Paper
records are kept slim (id, title, arXiv id: what deduplication reads), since the library holds
them already; should a paper only a slim record knows be missing from the library, the caller
reads everything again (`resume=False`). Any doubt (another format, another sync folder or
device, an unreadable file) means reading everything.
"""

from __future__ import annotations

import contextlib
import pickle
from pathlib import Path
from typing import Any

from readq.store.atomic import atomic_write
from readq.store.loaded import paused_gc
from readq.sync.apply import Applied, Library, reconcile
from readq.sync.replica import Replica

FORMAT = 1
FILE = "sync-replica.pickle"


def cache_path(library: Path) -> Path:
    return library / "cache" / FILE


def open_replica(library: Path, sync_dir: Path, device: str, *, resume: bool = True) -> Replica:
    """This device's replica, resumed from the cache when it matches (and `resume`)."""
    memo = None
    with contextlib.suppress(Exception):  # a derived cache: any problem means starting over
        if not resume:
            raise LookupError
        with paused_gc(freeze=False):  # 100k small objects: the collector would rescan them over and over
            data: Any = pickle.loads(cache_path(library).read_bytes())
        if data["format"] == FORMAT and data["sync_dir"] == str(sync_dir) and data["device"] == device:
            memo = data["memo"]
    return Replica(sync_dir, device, resume=memo)


def save_replica(library: Path, replica: Replica) -> None:
    """Remember what `replica` has read. Caller holds the library lock (one writer at a time)."""
    with paused_gc(freeze=False):
        memo = replica.memo()
        memo.state = memo.state.slimmed()  # papers already applied: only what deduplication reads
        payload = {"format": FORMAT, "sync_dir": str(replica.sync_dir), "device": replica.device, "memo": memo}
        data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    with contextlib.suppress(OSError):
        (library / "cache").mkdir(parents=True, exist_ok=True)
        atomic_write(cache_path(library), data, durable=False)


def reconciled(lib: Library, replica: Replica, since: dict[str, str] | None) -> tuple[Replica, Applied]:
    """`reconcile` with a resumed replica (only the papers it read changes of), falling back to
    reading everything when the cache cannot provide a paper the library lacks. Saves the cache."""
    applied = reconcile(lib, replica, since, changed=replica.opened if replica.resumed else None)
    if applied is None:
        replica = Replica(replica.sync_dir, replica.device)
        applied = reconcile(lib, replica, since)
        assert applied is not None
    save_replica(lib.path, replica)
    return replica, applied
