"""The append-only change log (`journal.jsonl`): one fsynced line per acknowledged transaction.

A transaction is a list of (paper id, field, value) operations (see `readq.store.ops`). A crash
mid-append leaves a torn last line without its newline, which readers ignore and the next writer
trims before appending; so every line a reader sees was acknowledged whole.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from readq.store.atomic import append_durable, atomic_write, trim_torn_tail


@dataclass(frozen=True, slots=True)
class JournalRecord:
    """One acknowledged transaction: a list of (paper id, field, value) operations."""

    seq: int
    ops: tuple[tuple[str, str, Any], ...]
    ts: str = ""


class Journal:
    """The append-only change log; tracks how far this process has read it."""

    def __init__(self, path: Path, *, durable: bool = True) -> None:
        self.path = path
        self.durable = durable
        self.offset = 0  # bytes of the journal this process has applied
        self.inode: int | None = None
        self.last_seq = 0
        self.bad_lines = 0

    def reset(self) -> None:
        self.offset, self.inode, self.last_seq, self.bad_lines = 0, None, 0, 0

    def changed_since_read(self) -> bool:
        """True when the file was replaced or grew since we last read it."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return self.inode is not None
        return st.st_ino != self.inode or st.st_size != self.offset

    def replaced(self) -> bool:
        """True when the journal is a different (or shorter) file than the one we read."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return self.inode is not None and self.offset > 0
        if self.inode is None:
            return False
        return st.st_ino != self.inode or st.st_size < self.offset

    def read_new(self) -> list[JournalRecord]:
        """Records appended since the last call (complete lines only)."""
        try:
            with open(self.path, "rb") as handle:
                st = os.fstat(handle.fileno())
                if self.inode is not None and st.st_ino != self.inode:
                    self.offset = 0
                self.inode = st.st_ino
                handle.seek(self.offset)
                chunk = handle.read()
        except FileNotFoundError:
            self.inode = None
            self.offset = 0
            return []
        end = chunk.rfind(b"\n")
        if end < 0:
            return []
        complete = chunk[: end + 1]
        self.offset += len(complete)
        records = []
        for line in complete.splitlines():
            if not line.strip():
                continue
            try:
                raw = orjson.loads(line)
                record = JournalRecord(
                    seq=int(raw["seq"]),
                    ops=tuple((str(op[0]), str(op[1]), op[2]) for op in raw["ops"]),
                    ts=str(raw.get("ts", "")),
                )
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, IndexError):
                self.bad_lines += 1
                continue
            self.last_seq = max(self.last_seq, record.seq)
            records.append(record)
        return records

    def append(self, record: JournalRecord) -> None:
        """Durably append one transaction. Caller holds the library lock and has caught up."""
        trim_torn_tail(self.path)
        line = orjson.dumps({"seq": record.seq, "ts": record.ts, "ops": [list(op) for op in record.ops]})
        if self.durable:
            size = append_durable(self.path, line + b"\n")
        else:
            with open(self.path, "ab") as handle:
                handle.write(line + b"\n")
            size = self.path.stat().st_size
        self.offset = size
        self.inode = self.path.stat().st_ino
        self.last_seq = record.seq

    def rewrite(self, records: list[JournalRecord]) -> None:
        """Atomically replace the journal with `records` (after compaction)."""
        payload = b"".join(
            orjson.dumps({"seq": r.seq, "ts": r.ts, "ops": [list(op) for op in r.ops]}) + b"\n"
            for r in records
        )
        atomic_write(self.path, payload, durable=self.durable)
        st = self.path.stat()
        self.inode, self.offset = st.st_ino, st.st_size
