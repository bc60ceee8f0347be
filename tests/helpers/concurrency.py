"""Multi-process harness shared by `tests/test_concurrency.py` (small) and `bench/concurrency.py`.

Writers (long-lived `Library` objects, one of them the "TUI"), `readq mark/star` CLI processes,
an importer rewriting the catalogue and a reader polling `refresh()` all run at once on one library.
Afterwards: every paper owned by one writer holds that writer's last write; papers shared by all
writers hold the value of the highest-sequence transaction that touched them (the journal order);
sequence numbers are unique; the journal on disk matches what writers were acknowledged; and every
state the reader saw is the state after some prefix of that order, never going backwards.
"""

from __future__ import annotations

import bisect
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from readq.store import Library
from readq.store.layout import JOURNAL_FILE
from readq.model import Entry, Source

DRIVER = Path(__file__).resolve().parent / "conc_driver.py"
STATUSES = ("new", "to-read", "read", "skipped")


@dataclass
class ConcurrencyStats:
    """What a run did and found; `lost`, `errors` and `inconsistent_reads` must stay 0."""

    processes: int = 0
    operations: int = 0  # transactions requested by writers and CLI calls
    journal_records: int = 0
    cli_calls: int = 0
    imports: int = 0
    reads: int = 0  # states recorded by the reader
    lost: int = 0
    errors: int = 0
    inconsistent_reads: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"processes={self.processes} operations={self.operations} "
            f"journal_records={self.journal_records} cli_calls={self.cli_calls} imports={self.imports} "
            f"reads={self.reads} lost={self.lost} errors={self.errors} "
            f"inconsistent_reads={self.inconsistent_reads} seconds={self.seconds:.1f}"
        )


def _read_log(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def _encode_state(state: dict[str, tuple[str, bool]], pids: list[str]) -> str:
    return "".join(str(STATUSES.index(state[p][0]) * 2 + int(state[p][1])) for p in pids)


def run_concurrency(
    path: Path,
    *,
    papers: int = 40,
    writers: int = 3,
    ops: int = 100,
    shared: int = 4,
    cli_writers: int = 2,
    cli_calls: int = 8,
    imports: int = 4,
    seed: int = 0,
    timeout: float = 600.0,
) -> ConcurrencyStats:
    """Run every role at once on a fresh library at `path`; check the outcome."""
    stats = ConcurrencyStats()
    started = time.monotonic()
    lib = Library(path)
    lib.ingest(
        Entry(
            title=f"Shared queue paper {i}: concurrent triage",
            abstract=f"Abstract {i}. " * 10,
            source=Source(file="seed.txt", digest_date="2025-02-01"),
        )
        for i in range(papers)
    )
    ids = sorted(lib.ids())
    shared_ids, rest = ids[:shared], ids[shared:]
    per_owner = len(rest) // (writers + cli_writers)
    owned = [rest[i * per_owner : (i + 1) * per_owner] for i in range(writers + cli_writers)]
    tracked = shared_ids + [pid for group in owned[:writers] for pid in group]
    work = path.parent / (path.name + "-conc")
    work.mkdir(parents=True, exist_ok=True)
    go, stop = work / "go", work / "stop"
    roles: list[tuple[str, str, dict[str, Any]]] = []
    for w in range(writers):
        roles.append(("writer", f"writer{w}", {
            "seed": seed * 101 + w, "own": owned[w], "shared": shared_ids, "ops": ops, "tui": w == 0}))
    for c in range(cli_writers):
        roles.append(("cli", f"cli{c}", {"seed": seed * 103 + c, "own": owned[writers + c], "calls": cli_calls}))
    if imports:
        roles.append(("importer", "importer", {"seed": seed * 107, "imports": imports}))
    roles.append(("reader", "reader", {"tracked": tracked, "initial": ids, "stop": str(stop)}))
    procs: dict[str, subprocess.Popen[bytes]] = {}
    for role, name, spec in roles:
        spec.update(out=str(work / f"{name}.log"), ready=str(work / f"{name}.ready"), go=str(go))
        procs[name] = subprocess.Popen(
            [sys.executable, str(DRIVER), role, str(path), orjson.dumps(spec).decode()],
            stderr=subprocess.PIPE,
        )
    stats.processes = len(procs)
    deadline = time.monotonic() + timeout
    while not all((work / f"{name}.ready").exists() for _, name, _ in roles):
        if any(p.poll() is not None for p in procs.values()) or time.monotonic() > deadline:
            break
        time.sleep(0.01)
    go.touch()
    for name, proc in procs.items():
        if name != "reader":
            proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    stop.touch()
    procs["reader"].wait(timeout=max(1.0, deadline - time.monotonic()))
    for name, proc in procs.items():
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if proc.returncode != 0:
            stats.errors += 1
            stats.problems.append(f"{name} exited {proc.returncode}: {err[-1500:]}")
    logs = {name: _read_log(work / f"{name}.log") for _, name, _ in roles}
    for name, records in logs.items():
        for rec in records:
            if "error" in rec:
                stats.errors += 1
                stats.problems.append(f"{name}: {rec['error'][-1500:]}")
    _check(path, stats, logs, roles, ids, shared_ids, tracked, writers)
    stats.seconds = time.monotonic() - started
    return stats


def _check(
    path: Path,
    stats: ConcurrencyStats,
    logs: dict[str, list[dict[str, Any]]],
    roles: list[tuple[str, str, dict[str, Any]]],
    ids: list[str],
    shared_ids: list[str],
    tracked: list[str],
    writers: int,
) -> None:
    final_lib = Library(path).load()
    final = {pid: (s.value, st) for pid, (s, st) in ((p, final_lib.state(p)) for p in ids)}
    history: list[tuple[int, list[list[Any]], str]] = []
    for role, name, spec in roles:
        records = [r for r in logs[name] if "error" not in r]
        if role == "writer":
            stats.operations += len(records)
            for rec in records:
                if rec["seq"] is not None:
                    history.append((rec["seq"], rec["ops"], name))
        elif role == "cli":
            stats.operations += len(records)
            stats.cli_calls += len(records)
            for rec in records:
                if rec["rc"] != 0:
                    stats.errors += 1
                    stats.problems.append(f"{name}: readq exited {rec['rc']}: {rec['stderr']}")
        elif role == "importer":
            stats.imports += len(records)
        if role in ("writer", "cli"):
            last: dict[tuple[str, str], Any] = {}
            for rec in records:
                for pid, fld, value in rec["req"]:
                    if pid in spec["own"]:
                        last[(pid, fld)] = value
            for (pid, fld), value in last.items():
                got = final[pid][0 if fld == "status" else 1]
                if got != value:
                    stats.lost += 1
                    stats.problems.append(f"{name} last wrote {pid}.{fld}={value!r}, library has {got!r}")
    history.sort(key=lambda h: h[0])
    seqs = [h[0] for h in history]
    if len(set(seqs)) != len(seqs):
        stats.lost += len(seqs) - len(set(seqs))
        stats.problems.append("two acknowledged transactions got the same journal sequence number")
    # Shared papers: replaying the acknowledged transactions in journal order gives the final state.
    replay = {pid: ("new", False) for pid in ids}
    for _, ops, _ in history:
        for pid, fld, value in ops:
            status, starred = replay[pid]
            replay[pid] = (value, starred) if fld == "status" else (status, value)
    for pid in shared_ids:
        if replay[pid] != final[pid]:
            stats.lost += 1
            stats.problems.append(f"shared {pid}: journal order gives {replay[pid]}, library has {final[pid]}")
    # The journal on disk (what survived the last catalogue rewrite) agrees with the acknowledgements.
    journal = [orjson.loads(line) for line in (path / JOURNAL_FILE).read_bytes().splitlines() if line.strip()] \
        if (path / JOURNAL_FILE).exists() else []
    stats.journal_records = len(history)
    on_disk = [r["seq"] for r in journal]
    if on_disk != sorted(set(on_disk)):
        stats.problems.append(f"journal sequence numbers out of order: {on_disk[:20]}")
        stats.lost += 1
    acked = {seq: ops for seq, ops, _ in history}
    for rec in journal:
        if rec["seq"] in acked and [list(op) for op in rec["ops"]] != acked[rec["seq"]]:
            stats.lost += 1
            stats.problems.append(f"journal seq {rec['seq']} holds {rec['ops']}, writer was told {acked[rec['seq']]}")
    # Every state the reader saw is a prefix state of that order, and reads never go backwards.
    state = {pid: ("new", False) for pid in tracked}
    prefix: dict[str, list[int]] = {_encode_state(state, tracked): [0]}
    for i, (_, ops, _) in enumerate(history, start=1):
        for pid, fld, value in ops:
            if pid in state:
                status, starred = state[pid]
                state[pid] = (value, starred) if fld == "status" else (status, value)
        prefix.setdefault(_encode_state(state, tracked), []).append(i)
    position = 0
    for rec in logs.get("reader", []):
        if "state" not in rec:
            continue
        stats.reads += 1
        where = prefix.get(rec["state"])
        if where is None:
            stats.inconsistent_reads += 1
            if stats.inconsistent_reads <= 5:
                stats.problems.append(f"reader ({rec['kind']}) saw a state no prefix of the journal gives")
            continue
        at = bisect.bisect_left(where, position)
        if at == len(where):
            stats.inconsistent_reads += 1
            if stats.inconsistent_reads <= 5:
                stats.problems.append(
                    f"reader ({rec['kind']}) went back in time: prefix {where[-1]} after {position}")
            continue
        position = where[at]
    if os.environ.get("READQ_CONC_KEEP") is None:
        pass
