"""A derived cache of what `readq sync` last read, so the next sync reads only what is new.

Reading every snapshot and log again costs seconds at 100k papers (a bootstrap snapshot holds
every paper). After a sync the merged state, the byte offsets read in each log and the stat keys
of the snapshots are pickled to `<library>/cache/sync-replica.pickle` (outside the synced folder:
derived, never shared, safe to delete). The next `Replica` resumes from it: new log lines are
read from the saved offsets, a changed snapshot is joined again (joins are idempotent). Any
doubt (another format, another sync folder or device, an unreadable file) means reading everything.
"""

from __future__ import annotations

import contextlib
import pickle
from pathlib import Path
from typing import Any

from readq.store.atomic import atomic_write
from readq.sync.replica import Replica

FORMAT = 1
FILE = "sync-replica.pickle"


def cache_path(library: Path) -> Path:
    return library / "cache" / FILE


def open_replica(library: Path, sync_dir: Path, device: str) -> Replica:
    """This device's replica, resumed from the cache when it matches."""
    memo = None
    with contextlib.suppress(Exception):  # a derived cache: any problem means starting over
        data: Any = pickle.loads(cache_path(library).read_bytes())
        if data["format"] == FORMAT and data["sync_dir"] == str(sync_dir) and data["device"] == device:
            memo = data["memo"]
    return Replica(sync_dir, device, resume=memo)


def save_replica(library: Path, replica: Replica) -> None:
    """Remember what `replica` has read. Caller holds the library lock (one writer at a time)."""
    memo = replica.memo()  # with the state's cached catalogue (its records are the operations' own dicts)
    payload = {"format": FORMAT, "sync_dir": str(replica.sync_dir), "device": replica.device, "memo": memo}
    with contextlib.suppress(OSError):
        (library / "cache").mkdir(parents=True, exist_ok=True)
        atomic_write(cache_path(library), pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL), durable=False)
