"""`ids.bin`: every paper id, sorted, with its status and star, for commands that touch a few papers.

`readq mark ID` needs to turn an id prefix into an id and know that paper's current status.
index.json answers that, but it holds every id, title key, arXiv id and state as one JSON
document, so reading it grows with the library. This file holds fixed-width records sorted by id
and is mapped, not read: a prefix is found by binary search, so a command reads O(log n) records
of it (plus the journal, replayed for the papers it touches).

Layout: one JSON header line (`format`, `generation`, `seq`, `n`, `width`, `statuses`), then `n`
records of `width` bytes of ASCII id (NUL-padded, so byte order is id order) + 1 status byte
(index into `statuses`) + 1 starred byte.

It is derived data, like index.json: written atomically next to it with every catalogue write,
and rewritten by the next state change when it is missing or stale. `seq` is the journal sequence
its states include; readers replay only later journal records. It is used only when its
`generation` is the one papers.json carries, so a crash between the two writes, a restored
backup or a hand-edited catalogue makes it ignored, never wrong.
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Iterable
from pathlib import Path

import orjson

from readq.model import Status
from readq.store.atomic import atomic_write
from readq.store.errors import AmbiguousId, UnknownId
from readq.store.layout import catalog_generation, check_schema

__all__ = ["IDS_FILE", "IdTable", "catalog_stamp", "write_id_table"]

IDS_FILE = "ids.bin"
FORMAT = 1
_STATUSES = [s.value for s in Status]
_MAX_HEADER = 4096


def catalog_stamp(papers_path: Path) -> str | None:
    """The generation of papers.json, from its head; raises LibraryError for a newer schema (a
    newer readq's library is refused by every command, as when index.json is read)."""
    generation = catalog_generation(papers_path)
    if generation is not None:
        try:
            with open(papers_path, "rb") as handle:
                head = handle.read(4096)
        except OSError:
            return None
        at = head.find(b'"schema":')
        if at < 0:
            return None
        digits = head[at + 9 : at + 30].split(b",")[0].split(b"}")[0].strip()
        if not digits.isdigit():
            return None
        check_schema(int(digits), papers_path)
    return generation


def write_id_table(path: Path, rows: Iterable[tuple[str, Status, bool]], generation: str, seq: int, *,
                   durable: bool = True) -> None:
    """Write the table for catalogue `generation` with states as of journal `seq`, atomically."""
    ordered = sorted((pid.encode("ascii"), _STATUSES.index(status.value), starred) for pid, status, starred in rows)
    width = max((len(pid) for pid, _, _ in ordered), default=1)
    header = orjson.dumps({"format": FORMAT, "generation": generation, "seq": seq, "n": len(ordered),
                           "width": width, "statuses": _STATUSES}) + b"\n"
    body = b"".join(pid.ljust(width, b"\0") + bytes((code, int(starred))) for pid, code, starred in ordered)
    atomic_write(path, [header, body], durable=durable)


class IdTable:
    """A mapped `ids.bin`; `open` returns None when it is missing, malformed or for another generation."""

    def __init__(self, data: mmap.mmap, start: int, n: int, width: int, seq: int, statuses: list[Status]) -> None:
        self._data, self._start, self._n, self._width, self.seq = data, start, n, width, seq
        self._rec = width + 2
        self._statuses = statuses

    @classmethod
    def open(cls, path: Path, generation: str | None) -> IdTable | None:
        if generation is None:
            return None
        try:
            with open(path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size == 0:
                    return None
                data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            return None
        try:
            end = data.find(b"\n", 0, _MAX_HEADER)
            head = orjson.loads(data[:end]) if end > 0 else None
            if not isinstance(head, dict) or head.get("format") != FORMAT or head.get("generation") != generation:
                raise ValueError("not this catalogue's id table")
            n, width, seq = int(head["n"]), int(head["width"]), int(head["seq"])
            statuses = [Status(s) for s in head["statuses"]]
            if n < 0 or width < 1 or len(statuses) > 255 or size != end + 1 + n * (width + 2):
                raise ValueError("truncated id table")
        except (ValueError, KeyError, TypeError, orjson.JSONDecodeError):
            data.close()
            return None
        return cls(data, end + 1, n, width, seq, statuses)

    def close(self) -> None:
        self._data.close()

    def __len__(self) -> int:
        return self._n

    def _id(self, i: int) -> bytes:
        at = self._start + i * self._rec
        return self._data[at : at + self._width].rstrip(b"\0")

    def _first_at_least(self, key: bytes) -> int:
        lo, hi = 0, self._n
        while lo < hi:
            mid = (lo + hi) // 2
            if self._id(mid) < key:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def resolve(self, prefix: str) -> str:
        """The full id for an id or unique prefix (the same errors as `LoadedLibrary.resolve`)."""
        key = prefix.strip().lower()
        if not key:
            raise UnknownId("empty paper ID")
        try:
            raw = key.encode("ascii")
        except UnicodeEncodeError:
            raise UnknownId(f"no paper with ID {prefix!r}") from None
        i = self._first_at_least(raw)
        if i < self._n and self._id(i) == raw:
            return key
        j = self._first_at_least(raw + b"\xff")  # past every id starting with `raw`
        if i == j:
            raise UnknownId(f"no paper with ID {prefix!r}")
        if j - i > 1:
            shown = ", ".join(self._id(k).decode() for k in range(i, min(j, i + 5)))
            raise AmbiguousId(f"ID prefix {prefix!r} matches {j - i} papers ({shown}…); type more of it")
        return self._id(i).decode()

    def state(self, pid: str) -> tuple[Status, bool] | None:
        """(status, starred) as of `seq`, or None when `pid` is not in the table."""
        raw = pid.encode("ascii", "replace")
        i = self._first_at_least(raw)
        if i >= self._n or self._id(i) != raw:
            return None
        at = self._start + i * self._rec + self._width
        code, starred = self._data[at], self._data[at + 1]
        if code >= len(self._statuses):
            return None
        return self._statuses[code], bool(starred)
