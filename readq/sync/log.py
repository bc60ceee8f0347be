"""Per-device append-only change logs in a sync directory, and the snapshots that let them shrink.

    <sync dir>/
      devices/<device>/ops-000001.jsonl   one JSON line per operation, appended by <device> only
      devices/<device>/ops-000002.jsonl   the next segment, started by a compaction
      snapshots/<device>.json             derived state + the clock vector it covers, by <device>

Every file has exactly one writer, so git, Syncthing or Dropbox never see two writers on one
file and never have anything to merge inside a file. A line is

    {"v": 1, "clock": "<stamp>", "device": "<id>", "paper": "<id>", "field": "...", "value": ...}

plus `"base": [stamps]` on note operations (the note versions the device saw when editing; see
`readq.sync.merge`). A device appends a transaction's lines with one fsynced write
(`readq.store.atomic.append_durable`), after trimming a torn last line a crash may have left, as
`readq.store.journal` does for the local journal; so every complete line was written whole.

Reading another device's log never raises: a truncated last line, a malformed line, a line in a
newer format, a stamp or device that does not belong to that folder is skipped with a
`LogWarning` naming the device, the file and the line, and reading goes on. Reads are
incremental (byte offsets per file), so the app can poll the logs cheaply.

Segments are never rewritten, only appended to and, once a snapshot covers them, deleted whole:
so a reader's byte offset into a segment stays valid as long as the segment exists.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from readq.store.atomic import append_durable, atomic_write, fsync_dir, trim_torn_tail
from readq.store.ops import IDENTITY_FIELDS
from readq.sync.clock import Stamp, valid_device

FORMAT = 1  # the version of a log line and of a snapshot; readers skip anything newer
DEVICES_DIR = "devices"
SNAPSHOTS_DIR = "snapshots"
SEGMENT_RE = re.compile(r"^ops-(\d{6})\.jsonl$")
PAPER_FIELD = "paper"  # an imported paper: the value is its contract JSON record
OP_FIELDS = frozenset({"status", "starred", "tag+", "tag-", "note", PAPER_FIELD}) | IDENTITY_FIELDS


def segment_name(number: int) -> str:
    return f"ops-{number:06d}.jsonl"


@dataclass(frozen=True, slots=True)
class Op:
    """One operation: at `stamp` (whose device made it), set `field` of `paper` to `value`."""

    stamp: Stamp
    paper: str
    field: str
    value: Any
    base: tuple[str, ...] = ()  # note operations: the encoded stamps of the note versions seen

    @property
    def device(self) -> str:
        return self.stamp.device

    @property
    def clock(self) -> str:
        return self.stamp.encode()

    def to_json(self) -> dict[str, Any]:
        line: dict[str, Any] = {"v": FORMAT, "clock": self.clock, "device": self.device,
                                "paper": self.paper, "field": self.field, "value": self.value}
        if self.base:
            line["base"] = list(self.base)
        return line

    def to_line(self) -> bytes:
        return orjson.dumps(self.to_json()) + b"\n"


class BadLine(ValueError):
    """A log line that cannot be used; the message says why."""


def parse_op(raw: Any, device: str) -> Op:
    """An `Op` from one decoded log line of `device`'s folder; `BadLine` if it is not usable."""
    if not isinstance(raw, dict):
        raise BadLine("not a JSON object")
    version = raw.get("v")
    if not isinstance(version, int) or isinstance(version, bool):
        raise BadLine("no format version")
    if version > FORMAT:
        raise BadLine(f"format {version} is newer than this readq reads ({FORMAT})")
    try:
        stamp = Stamp.parse(raw.get("clock"))
    except ValueError as exc:
        raise BadLine(str(exc)) from None
    if raw.get("device") != device or stamp.device != device:
        raise BadLine(f"operation of device {raw.get('device')!r} in the log of {device!r}")
    paper, fld = raw.get("paper"), raw.get("field")
    if not isinstance(paper, str) or not paper:
        raise BadLine("no paper id")
    if fld not in OP_FIELDS:
        raise BadLine(f"unknown field {fld!r}")
    if "value" not in raw:
        raise BadLine("no value")
    value = raw["value"]
    if fld in ("tag+", "tag-") and (not isinstance(value, str) or not value):
        raise BadLine("a tag operation needs a tag")
    if fld == "note" and value is not None and not isinstance(value, str):
        raise BadLine("a note is text or null")
    if fld == PAPER_FIELD and not (isinstance(value, dict) and isinstance(value.get("title"), str)):
        raise BadLine("a paper operation needs a record with a title")
    base = raw.get("base", [])
    if not isinstance(base, list) or not all(isinstance(b, str) for b in base):
        raise BadLine("base is not a list of stamps")
    return Op(stamp, paper, fld, value, tuple(base))


@dataclass(frozen=True, slots=True)
class LogWarning:
    """A line (or file) of another device's log that was skipped, and why."""

    device: str
    file: str
    line: int  # 1-based; 0 for a whole file
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"device {self.device}: {where}: skipped ({self.reason})"


# ---------------------------------------------------------------------------------- device id
def device_id(state_dir: Path) -> str:
    """This library's device id, made once and kept in `state_dir` (never in the synced folder).

    The file also records the host and the library's path: a library copied to another machine
    or folder (a backup restored, a clone) gets a new id, so two devices never append to one log.
    """
    path = state_dir / "device.json"
    here = {"host": socket.gethostname(), "path": str(state_dir.resolve())}
    with contextlib.suppress(OSError, orjson.JSONDecodeError, AttributeError):
        data = orjson.loads(path.read_bytes())
        if valid_device(data.get("id")) and data.get("host") == here["host"] and data.get("path") == here["path"]:
            return str(data["id"])
    new = uuid.uuid4().hex[:16]
    atomic_write(path, orjson.dumps({"id": new, **here}))
    return new


# ---------------------------------------------------------------------------------- writing
def segments(folder: Path) -> list[tuple[int, Path]]:
    """The log segments in a device folder, oldest first."""
    found: list[tuple[int, Path]] = []
    with contextlib.suppress(OSError):
        for entry in folder.iterdir():
            match = SEGMENT_RE.match(entry.name)
            if match:
                found.append((int(match.group(1)), entry))
    return sorted(found)


class DeviceLog:
    """This device's own log: the only log it ever writes."""

    def __init__(self, sync_dir: Path, device: str) -> None:
        if not valid_device(device):
            raise ValueError(f"not a valid device id: {device!r}")
        self.sync_dir = sync_dir
        self.device = device
        self.folder = sync_dir / DEVICES_DIR / device

    def active(self) -> Path:
        """The segment new operations go to (the newest one)."""
        found = segments(self.folder)
        return found[-1][1] if found else self.folder / segment_name(1)

    def append(self, ops: Sequence[Op]) -> None:
        """Durably append one transaction; when this returns the operations are acknowledged."""
        if not ops:
            return
        if any(op.device != self.device for op in ops):
            raise ValueError("a device only appends its own operations")
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.active()
        trim_torn_tail(path)
        append_durable(path, b"".join(op.to_line() for op in ops))

    def roll(self) -> Path:
        """Start a new segment (compaction); returns it. Older segments are then never appended to."""
        self.folder.mkdir(parents=True, exist_ok=True)
        found = segments(self.folder)
        path = self.folder / segment_name((found[-1][0] + 1) if found else 1)
        path.touch()
        fsync_dir(self.folder)
        return path

    def last_stamp(self) -> Stamp | None:
        """The newest stamp in this log (to restart the clock after a restart), or None."""
        best: Stamp | None = None
        for _, path in reversed(segments(self.folder)):
            with contextlib.suppress(OSError):
                data = path.read_bytes()
                for line in reversed(data.splitlines()):
                    with contextlib.suppress(orjson.JSONDecodeError, BadLine):
                        op = parse_op(orjson.loads(line), self.device)
                        best = op.stamp if best is None or op.stamp > best else best
                        return best
        return best

    def drop_covered(self, covered: Stamp) -> list[Path]:
        """Delete whole segments (never the active one) whose operations are all <= `covered`.

        Call only after a snapshot covering `covered` is durably in the sync directory."""
        found = segments(self.folder)
        removed: list[Path] = []
        for _, path in found[:-1]:
            ops, _ = read_segment(path, self.device)
            if all(op.stamp <= covered for op in ops):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed.append(path)
        if removed:
            fsync_dir(self.folder)
        return removed


# ---------------------------------------------------------------------------------- reading
def decode_lines(chunk: bytes, device: str, file: str, first_line: int,
                 warnings: list[LogWarning]) -> list[Op]:
    """Operations from complete lines of a log; bad lines become warnings."""
    ops: list[Op] = []
    for number, line in enumerate(chunk.splitlines(), start=first_line):
        if not line.strip():
            continue
        try:
            ops.append(parse_op(orjson.loads(line), device))
        except orjson.JSONDecodeError:
            warnings.append(LogWarning(device, file, number, "malformed JSON"))
        except BadLine as exc:
            warnings.append(LogWarning(device, file, number, str(exc)))
    return ops


def read_segment(path: Path, device: str) -> tuple[list[Op], list[LogWarning]]:
    """Every usable operation of one segment file, with warnings (a torn tail included)."""
    warnings: list[LogWarning] = []
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [], [LogWarning(device, path.name, 0, exc.strerror or str(exc))]
    end = data.rfind(b"\n") + 1
    ops = decode_lines(data[:end], device, path.name, 1, warnings)
    if data[end:].strip():
        warnings.append(LogWarning(device, path.name, data[:end].count(b"\n") + 1, "truncated line"))
    return ops, warnings


@dataclass(slots=True)
class _Cursor:
    offset: int = 0
    lines: int = 0
    torn_warned: int = 0  # the line number of a torn tail already reported


@dataclass
class LogReader:
    """Reads every device's log in a sync directory incrementally (new complete lines only).

    A torn last line is left for the next read (a file-sync tool may still be writing it) and
    reported once. `full=True` on `read` starts again from the beginning of every segment."""

    sync_dir: Path
    cursors: dict[tuple[str, str], _Cursor] = field(default_factory=dict)

    def devices(self) -> list[str]:
        folder = self.sync_dir / DEVICES_DIR
        try:
            names = sorted(entry.name for entry in folder.iterdir() if entry.is_dir())
        except OSError:
            return []
        return [name for name in names if valid_device(name)]

    def read(self, *, full: bool = False, skip: Iterable[str] = ()) -> tuple[list[Op], list[LogWarning]]:
        """Operations appended since the last read, from every device but those in `skip`."""
        if full:
            self.cursors.clear()
        skipped = set(skip)
        ops: list[Op] = []
        warnings: list[LogWarning] = []
        for device in self.devices():
            if device in skipped:
                continue
            for _, path in segments(self.sync_dir / DEVICES_DIR / device):
                ops += self._read_file(device, path, warnings)
        return ops, warnings

    def _read_file(self, device: str, path: Path, warnings: list[LogWarning]) -> list[Op]:
        cursor = self.cursors.setdefault((device, path.name), _Cursor())
        try:
            with open(path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size < cursor.offset:  # replaced by a shorter file: read it again (merging is idempotent)
                    cursor.offset = cursor.lines = 0
                handle.seek(cursor.offset)
                chunk = handle.read()
        except OSError as exc:
            warnings.append(LogWarning(device, path.name, 0, exc.strerror or str(exc)))
            return []
        end = chunk.rfind(b"\n") + 1
        ops = decode_lines(chunk[:end], device, path.name, cursor.lines + 1, warnings)
        cursor.offset += end
        cursor.lines += chunk[:end].count(b"\n")
        if chunk[end:].strip() and cursor.torn_warned != cursor.lines + 1:
            cursor.torn_warned = cursor.lines + 1
            warnings.append(LogWarning(device, path.name, cursor.lines + 1, "truncated line"))
        return ops


# ---------------------------------------------------------------------------------- snapshots
@dataclass(frozen=True, slots=True)
class Snapshot:
    """Derived state written by `device`, covering every operation up to `covers[d]` of each device d."""

    device: str
    covers: dict[str, str]
    state: dict[str, Any]


def snapshot_path(sync_dir: Path, device: str) -> Path:
    return sync_dir / SNAPSHOTS_DIR / f"{device}.json"


def write_snapshot(sync_dir: Path, device: str, covers: dict[str, str], state: dict[str, Any]) -> Path:
    """Atomically replace this device's snapshot (a device writes only its own)."""
    path = snapshot_path(sync_dir, device)
    payload = {"v": FORMAT, "device": device, "covers": dict(sorted(covers.items())), "state": state}
    atomic_write(path, orjson.dumps(payload, option=orjson.OPT_SORT_KEYS))
    return path


def read_snapshots(sync_dir: Path) -> tuple[list[Snapshot], list[LogWarning]]:
    """Every device's snapshot; damaged, foreign or newer-format ones are skipped with a warning."""
    folder = sync_dir / SNAPSHOTS_DIR
    out: list[Snapshot] = []
    warnings: list[LogWarning] = []
    try:
        files = sorted(p for p in folder.iterdir() if p.suffix == ".json")
    except OSError:
        return out, warnings
    for path in files:
        device = path.stem
        if not valid_device(device):
            continue
        try:
            raw = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError) as exc:
            warnings.append(LogWarning(device, path.name, 0, f"unreadable snapshot ({type(exc).__name__})"))
            continue
        reason = _snapshot_problem(raw, device)
        if reason:
            warnings.append(LogWarning(device, path.name, 0, reason))
            continue
        out.append(Snapshot(device, dict(raw["covers"]), raw["state"]))
    return out, warnings


def _snapshot_problem(raw: Any, device: str) -> str | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("v"), int):
        return "not a snapshot"
    if raw["v"] > FORMAT:
        return f"snapshot format {raw['v']} is newer than this readq reads ({FORMAT})"
    if raw.get("device") != device:
        return "snapshot of another device"
    covers, state = raw.get("covers"), raw.get("state")
    if not isinstance(covers, dict) or not isinstance(state, dict):
        return "snapshot without covers or state"
    for dev, stamp in covers.items():
        try:
            if Stamp.parse(stamp).device != dev:
                return "snapshot covers a stamp of another device"
        except ValueError:
            return f"snapshot covers a bad stamp {stamp!r}"
    return None
