"""Child processes of the concurrency run (see `concurrency.py`), one role each.

  writer   LIB SPEC   a long-lived `Library` (full load like the TUI when spec says so) making
                      `ops` transactions on its own papers and on papers shared by every writer;
                      logs each acknowledged transaction with the journal sequence it got
  cli      LIB SPEC   runs `readq mark/star/unstar` processes one after another on its own papers
  importer LIB SPEC   `Library.ingest` of small batches (catalogue rewrites that fold the journal)
  reader   LIB SPEC   polls `Library.refresh()` (an index view and a full view) plus fresh loads,
                      and records every state it sees, until the parent creates the stop file

SPEC is a JSON object; the log (JSON lines) goes to SPEC["out"]. Every role waits for the parent's
go file after opening the library, so the roles really overlap.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import orjson

from readq.store import Change, Library
from readq.model import Entry, Source

STATUSES = ("new", "to-read", "read", "skipped")


class Log:
    def __init__(self, path: str) -> None:
        self.handle = open(path, "ab")

    def __call__(self, **record: Any) -> None:
        self.handle.write(orjson.dumps(record) + b"\n")
        self.handle.flush()


def wait_for_go(spec: dict[str, Any]) -> None:
    Path(spec["ready"]).touch()
    while not os.path.exists(spec["go"]):
        time.sleep(0.005)


def encode(lib: Library, pids: list[str]) -> str:
    """One character per paper: status index * 2 + starred."""
    out = []
    for pid in pids:
        status, starred = lib.state(pid)
        out.append(str(STATUSES.index(status.value) * 2 + int(starred)))
    return "".join(out)


def writer(path: Path, spec: dict[str, Any], log: Log) -> None:
    rng = random.Random(spec["seed"])
    lib = Library(path)
    if spec.get("tui"):
        lib.load()
    else:
        lib.load_index()
    own, shared = spec["own"], spec["shared"]
    wait_for_go(spec)
    last: list[Change] = []
    for _ in range(spec["ops"]):
        if spec.get("tui") and rng.random() < 0.3:
            lib.refresh()  # the TUI polls between key presses
            lib.drain_external()
        roll = rng.random()
        pool = own if rng.random() < 0.5 else shared
        pids = rng.sample(pool, k=min(len(pool), rng.choice((1, 1, 1, 2, 3))))
        if last and roll < 0.1:
            req = [[c.id, c.field, c.old.value if c.field == "status" else c.old] for c in reversed(last)]
            last = lib.revert(last)
        elif roll < 0.6:
            status = rng.choice(STATUSES)
            req = [[pid, "status", status] for pid in pids]
            last = lib.set_status(pids, status)
        else:
            starred = rng.random() < 0.5
            req = [[pid, "starred", starred] for pid in pids]
            last = lib.set_starred(pids, starred)
        ops = [[c.id, c.field, c.new.value if c.field == "status" else c.new] for c in last]
        # The sequence number this transaction got (private, read right after our own append).
        log(seq=lib._journal.last_seq if ops else None, ops=ops, req=req)


def cli(path: Path, spec: dict[str, Any], log: Log) -> None:
    rng = random.Random(spec["seed"])
    wait_for_go(spec)
    for _ in range(spec["calls"]):
        pid = rng.choice(spec["own"])
        if rng.random() < 0.6:
            status = rng.choice(STATUSES)
            args, req = ["mark", status, pid], [[pid, "status", status]]
        else:
            starred = rng.random() < 0.5
            args, req = ["star" if starred else "unstar", pid], [[pid, "starred", starred]]
        proc = subprocess.run(
            [sys.executable, "-m", "readq", "--library", str(path), *args],
            capture_output=True,
            timeout=120,
        )
        log(req=req, rc=proc.returncode, stderr=proc.stderr.decode(errors="replace")[-500:])


def importer(path: Path, spec: dict[str, Any], log: Log) -> None:
    rng = random.Random(spec["seed"])
    lib = Library(path)
    wait_for_go(spec)
    for n in range(spec["imports"]):
        time.sleep(rng.uniform(0, spec.get("pause", 0.05)))
        entries = [
            Entry(
                title=f"Concurrent import {spec['seed']} {n} {j}: streaming retrieval",
                abstract=f"Imported while others write, batch {n} entry {j}. " * 10,
                source=Source(file=f"conc-{n}.txt", digest_date="2025-04-01"),
            )
            for j in range(rng.randint(1, 4))
        ]
        if rng.random() < 0.5:
            lib = Library(path)  # like a fresh `readq import` process
        try:
            report = lib.ingest(entries)
            log(new=len(report.new_ids))
        except Exception:  # noqa: BLE001 - reported to the parent as a failed import
            log(error=traceback.format_exc(limit=6))


def reader(path: Path, spec: dict[str, Any], log: Log) -> None:
    tracked, initial = spec["tracked"], set(spec["initial"])
    index_view = Library(path)
    index_view.load_index()
    full_view = Library(path).load()
    wait_for_go(spec)
    polls = 0
    stop = spec["stop"]
    while True:
        stopping = os.path.exists(stop)
        polls += 1
        views: list[tuple[str, Library]] = [("index", index_view), ("full", full_view)]
        if polls % 8 == 0 or stopping:
            views.append(("fresh", Library(path)))
        for kind, lib in views:
            try:
                changed = lib.refresh()
                if kind != "index":
                    papers = lib.papers()
                    ids = {p.id for p in papers}
                    if len(ids) != len(papers) or not initial <= ids or any(not p.title for p in papers):
                        log(error=f"{kind}: partial catalogue ({len(papers)} papers, {len(ids)} ids)")
                ids_now = set(lib.ids())
                if not initial <= ids_now:
                    log(error=f"{kind}: papers missing from the view: {sorted(initial - ids_now)[:3]}")
                if changed is None or changed or kind == "fresh":
                    log(kind=kind, state=encode(lib, tracked))
            except Exception:  # noqa: BLE001 - any exception while reading is a finding
                log(error=f"{kind}: " + traceback.format_exc(limit=8))
        if stopping:
            break
    log(polls=polls)


def main(argv: list[str]) -> int:
    role, path, spec = argv[0], Path(argv[1]), orjson.loads(argv[2])
    log = Log(spec["out"])
    try:
        {"writer": writer, "cli": cli, "importer": importer, "reader": reader}[role](path, spec, log)
    except Exception:  # noqa: BLE001
        log(error=f"{role} crashed: " + traceback.format_exc())
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
