"""Child process of the crash torture: changes a library as fast as it can until it is killed.

Protocol on stdout, one line per event, written with a single unbuffered `os.write` so that a
SIGKILL never leaves half a line behind it:
  READY                       the library is open
  B <json>                    about to call the library with this transaction
  A <json>                    the call returned: the transaction is acknowledged durable
The parent kills this process at random instants and checks the library against the `A` lines
(and treats a `B` without its `A` as "may or may not have landed, atomically").

Usage: python crash_driver.py LIBRARY SEED [--no-imports] [--no-compact]
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path
from typing import Any

import orjson

from readq.store import Change, Library
from readq.model import Entry, Source

STATUSES = ("new", "to-read", "read", "skipped")


def emit(tag: str, payload: Any = None) -> None:
    line = tag if payload is None else f"{tag} {orjson.dumps(payload).decode()}"
    os.write(1, line.encode() + b"\n")


def import_entries(seed: int, n: int, count: int) -> list[Entry]:
    """Entries whose titles are unique to this child (seed) and transaction (n)."""
    return [
        Entry(
            title=f"Torture import {seed} {n} {j}: resilient storage for video models",
            abstract=f"An abstract written by child {seed}, transaction {n}, entry {j}. " * 8,
            source=Source(file=f"torture-{seed}-{n}.txt", digest_date="2025-03-01"),
        )
        for j in range(count)
    ]


def main(argv: list[str]) -> int:
    path, seed = Path(argv[0]), int(argv[1])
    imports = "--no-imports" not in argv
    compacts = "--no-compact" not in argv
    rng = random.Random(seed)
    lib = Library(path)
    if rng.random() < 0.5:
        lib.load()  # like the TUI: full catalogue
    else:
        lib.load_index()  # like `readq mark`: ids and state only
    emit("READY")
    last: list[Change] = []
    n = 0
    while True:
        n += 1
        ids = lib.ids()
        roll = rng.random()
        if imports and roll < 0.06:
            entries = import_entries(seed, n, rng.randint(1, 3))
            emit("B", {"n": n, "kind": "import", "titles": [e.title for e in entries]})
            report = lib.ingest(entries)
            emit("A", {"n": n, "new_ids": report.new_ids})
            continue
        if compacts and roll < 0.09:
            emit("B", {"n": n, "kind": "compact"})
            lib.compact()
            emit("A", {"n": n})
            continue
        if last and roll < 0.2:
            ops = [[c.id, c.field, c.old.value if c.field == "status" else c.old] for c in reversed(last)]
            emit("B", {"n": n, "kind": "ops", "ops": ops})
            last = lib.revert(last)
            emit("A", {"n": n})
            continue
        chosen = rng.sample(ids, k=min(len(ids), rng.randint(1, 3)))
        if roll < 0.6:
            status = rng.choice(STATUSES)
            emit("B", {"n": n, "kind": "ops", "ops": [[pid, "status", status] for pid in chosen]})
            last = lib.set_status(chosen, status)
        else:
            starred = rng.random() < 0.5
            emit("B", {"n": n, "kind": "ops", "ops": [[pid, "starred", starred] for pid in chosen]})
            last = lib.set_starred(chosen, starred)
        emit("A", {"n": n})


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
