"""Crash torture harness shared by `tests/test_crash.py` (seconds) and `bench/torture.py` (minutes).

A child (`crash_driver.py`) changes a library and reports each transaction before (`B`) and after
(`A`) the library call; the parent SIGKILLs it at a random instant and then checks, with fresh
`Library` objects, that every acknowledged change is on disk, that the one transaction in flight
landed entirely or not at all, that nothing else changed, that the index view and the full
catalogue view agree, and that temporaries left by the kill are removed by the next load.
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from readq.store.atomic import TMP_PREFIX
from readq.store import Library
from readq.store.layout import JOURNAL_FILE
from readq.model import Entry, Source

DRIVER = Path(__file__).resolve().parent / "crash_driver.py"
State = dict[str, tuple[str, bool]]  # paper id -> (status, starred)


@dataclass
class TortureStats:
    """What a torture run did and found; `lost`, `unexpected` and `torn` must stay 0."""

    rounds: int = 0
    kills: int = 0
    acknowledged: int = 0  # transactions acknowledged by the child
    acknowledged_fields: int = 0  # (paper, field) values those transactions set
    in_flight_landed: int = 0
    in_flight_dropped: int = 0
    imports_acknowledged: int = 0
    compactions_acknowledged: int = 0
    torn_tails_injected: int = 0
    temp_files_cleaned: int = 0
    lost: int = 0  # acknowledged values or papers missing after a kill
    unexpected: int = 0  # values or papers nobody wrote
    torn: int = 0  # an in-flight transaction applied in part
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"rounds={self.rounds} kills={self.kills} acknowledged={self.acknowledged} "
            f"(fields={self.acknowledged_fields}, imports={self.imports_acknowledged}, "
            f"compactions={self.compactions_acknowledged}) in_flight_landed={self.in_flight_landed} "
            f"in_flight_dropped={self.in_flight_dropped} torn_tails_injected={self.torn_tails_injected} "
            f"temp_files_cleaned={self.temp_files_cleaned} lost={self.lost} "
            f"unexpected={self.unexpected} torn={self.torn}"
        )


def seed_library(path: Path, papers: int) -> State:
    """A fresh library of `papers` papers, all new and unstarred."""
    lib = Library(path)
    lib.ingest(
        Entry(
            title=f"Seed paper {i}: durable queues for attention",
            abstract=f"Seed abstract {i}. " * 12,
            source=Source(file="seed.txt", digest_date="2025-02-01"),
        )
        for i in range(papers)
    )
    return {pid: ("new", False) for pid in lib.ids()}


def observe(path: Path) -> tuple[State, dict[str, str], int, list[str]]:
    """(state, titles, temp files removed by the load, problems) as a fresh process would see it."""
    problems: list[str] = []
    before = list(path.glob(TMP_PREFIX + "*"))
    full = Library(path).load()
    papers = full.papers()
    after = list(path.glob(TMP_PREFIX + "*"))
    if after:
        problems.append(f"temporary files survived a load: {[p.name for p in after]}")
    state = {p.id: (p.status.value, p.starred) for p in papers}
    titles = {p.id: p.title for p in papers}
    index = Library(path).load_index()  # the `readq mark` view must agree with the full one
    index_state = {pid: (s.value, starred) for pid, (s, starred) in ((i, index.state(i)) for i in index.ids())}
    if index_state != state:
        diff = sorted(k for k in set(state) | set(index_state) if state.get(k) != index_state.get(k))
        problems.append(f"index view disagrees with the catalogue on {diff[:5]}")
    return state, titles, len(before) - len(after), problems


def apply_ops(state: State, ops: list[list[Any]]) -> State:
    out = dict(state)
    for pid, fld, value in ops:
        status, starred = out[pid]
        out[pid] = (value, starred) if fld == "status" else (status, bool(value))
    return out


def _read_child(proc: subprocess.Popen[bytes], until: float, buf: bytearray, want_ready: bool) -> bool:
    """Read the child's stdout into `buf` until `until` (or READY); False once it hit EOF."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    while True:
        if want_ready and b"READY\n" in buf:
            return True
        left = until - time.monotonic()
        if left <= 0:
            return True
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return False
            buf += chunk


def _inject_torn_tail(path: Path, rng: random.Random, pids: list[str]) -> bool:
    """Simulate a power cut mid-append: a partial journal line without its newline."""
    journal = path / JOURNAL_FILE
    if not journal.exists() or not pids:
        return False
    line = orjson.dumps({"seq": 10**9, "ts": "", "ops": [[rng.choice(pids), "status", "read"]]})
    with open(journal, "ab") as handle:
        handle.write(line[: rng.randint(1, len(line) - 1)])
    return True


class _Checker:
    """The parent's model of the library, advanced by acknowledged transactions only."""

    def __init__(self, state: State, stats: TortureStats) -> None:
        self.state = state
        self.stats = stats
        self.written: set[tuple[str, str]] = set()  # (pid, field) some acknowledged txn set

    def replay(self, lines: list[bytes]) -> dict[str, Any] | None:
        """Apply acknowledged transactions; return the one in flight (B without A), if any."""
        pending: dict[str, Any] | None = None
        for raw in lines:
            tag, _, rest = raw.partition(b" ")
            if tag == b"B":
                pending = orjson.loads(rest)
            elif tag == b"A":
                ack = orjson.loads(rest)
                assert pending is not None and ack["n"] == pending["n"], (ack, pending)
                self._acknowledge(pending, ack)
                pending = None
        return pending

    def _acknowledge(self, txn: dict[str, Any], ack: dict[str, Any]) -> None:
        self.stats.acknowledged += 1
        if txn["kind"] == "ops":
            self.state = apply_ops(self.state, txn["ops"])
            self.stats.acknowledged_fields += len(txn["ops"])
            self.written |= {(pid, fld) for pid, fld, _ in txn["ops"]}
        elif txn["kind"] == "import":
            self.stats.imports_acknowledged += 1
            for pid in ack["new_ids"]:
                self.state[pid] = ("new", False)
        else:
            self.stats.compactions_acknowledged += 1

    def check(self, observed: State, titles: dict[str, str], pending: dict[str, Any] | None) -> None:
        stats = self.stats
        expected = self.state
        landed_ids: set[str] = set()
        extra = set(observed) - set(expected)
        missing = set(expected) - set(observed)
        if missing:
            stats.lost += len(missing)
            stats.problems.append(f"acknowledged papers missing: {sorted(missing)[:5]}")
        if pending and pending["kind"] == "import" and extra:
            if {titles[pid] for pid in extra} == set(pending["titles"]):
                landed_ids = extra
            else:
                stats.torn += 1
                stats.problems.append(f"in-flight import landed in part: {sorted(extra)}")
        elif extra:
            stats.unexpected += len(extra)
            stats.problems.append(f"papers nobody imported: {sorted(extra)[:5]}")
        for pid in landed_ids:
            if observed[pid] != ("new", False):
                stats.unexpected += 1
                stats.problems.append(f"{pid}: imported in a state nobody set: {observed[pid]}")
        alternative = apply_ops(expected, pending["ops"]) if pending and pending["kind"] == "ops" else expected
        touched = {pid for pid, _, _ in pending["ops"]} if pending and pending["kind"] == "ops" else set()
        outcome: set[str] = set()
        for pid in set(expected) & set(observed):
            for i, fld in enumerate(("status", "starred")):
                got, old, new = observed[pid][i], expected[pid][i], alternative[pid][i]
                if got == old and got == new:
                    continue
                if got == old:
                    outcome.add("old")
                elif got == new:
                    outcome.add("new")
                elif (pid, fld) in self.written:
                    stats.lost += 1
                    stats.problems.append(f"{pid}.{fld}: acknowledged {old!r}, found {got!r}")
                else:
                    stats.unexpected += 1
                    stats.problems.append(f"{pid}.{fld}: nobody wrote {got!r} (expected {old!r})")
        if pending:
            landed = "new" in outcome or bool(landed_ids)
            if pending["kind"] == "ops" and outcome == {"old", "new"}:
                stats.torn += 1
                stats.problems.append(f"in-flight transaction {pending['ops']} applied in part")
            if landed:
                stats.in_flight_landed += 1
            else:
                stats.in_flight_dropped += 1
        self.state = dict(observed)


def run_torture(
    path: Path,
    *,
    seconds: float,
    rounds: int | None = None,
    seed: int = 0,
    papers: int = 40,
    max_life: float = 0.15,
    imports: bool = True,
    progress: bool = False,
) -> TortureStats:
    """Kill a child changing `path` until `seconds` or `rounds` run out; return what was seen."""
    rng = random.Random(seed)
    stats = TortureStats()
    checker = _Checker(seed_library(path, papers), stats)
    started = time.monotonic()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    while time.monotonic() - started < seconds and (rounds is None or stats.rounds < rounds):
        stats.rounds += 1
        args = [sys.executable, str(DRIVER), str(path), str(seed * 1_000_003 + stats.rounds)]
        if not imports:
            args.append("--no-imports")
        with tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=err, env=env)
            buf = bytearray()
            alive = _read_child(proc, time.monotonic() + 30, buf, want_ready=True)
            if alive and b"READY\n" in buf:
                alive = _read_child(proc, time.monotonic() + rng.uniform(0, max_life), buf, want_ready=False)
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                stats.kills += 1
            proc.wait()
            assert proc.stdout is not None
            buf += proc.stdout.read()
            proc.stdout.close()
            if proc.returncode != -signal.SIGKILL:
                err.seek(0)
                stats.problems.append(f"child exited by itself ({proc.returncode}): {err.read()[-2000:]!r}")
        lines = [ln for ln in bytes(buf).split(b"\n")[:-1] if ln and ln != b"READY"]
        pending = checker.replay(lines)
        if rng.random() < 0.25 and _inject_torn_tail(path, rng, list(checker.state)):
            stats.torn_tails_injected += 1
        try:
            observed, titles, cleaned, problems = observe(path)
        except Exception as exc:  # noqa: BLE001 - any failure to open is a finding
            stats.problems.append(f"round {stats.rounds}: library failed to open: {exc!r}")
            break
        stats.temp_files_cleaned += cleaned
        stats.problems.extend(f"round {stats.rounds}: {p}" for p in problems)
        checker.check(observed, titles, pending)
        if progress and stats.rounds % 50 == 0:
            print(f"[{time.monotonic() - started:6.1f}s] {stats.line()}", flush=True)
    return stats
