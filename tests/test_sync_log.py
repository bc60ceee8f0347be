"""Sync clock and logs: monotonic stamps under a wall clock going back, durable appends, hostile
logs from other devices skipped with warnings naming the device and line, snapshots and compaction."""

from __future__ import annotations

import os
from itertools import count
from pathlib import Path

import orjson
import pytest

from readq.sync.clock import HybridClock, Stamp
from readq.sync.log import DeviceLog, LogReader, Op, device_id, read_snapshots, segments
from readq.sync.replica import Replica


def test_clock_is_monotonic_when_the_wall_clock_goes_back() -> None:
    walls = iter([1000, 1000, 900, 500, 1001, 2000])
    clock = HybridClock("dev", now=lambda: next(walls))
    stamps = [clock.tick() for _ in range(6)]
    assert stamps == sorted(stamps) and len(set(stamps)) == 6
    assert [s.encode() for s in stamps] == sorted(s.encode() for s in stamps)
    assert stamps[4] == Stamp(1001, 0, "dev")


def test_clock_observe_moves_past_remote_stamps() -> None:
    clock = HybridClock("a", now=lambda: 10)
    clock.observe(Stamp(5_000, 3, "b"))
    mine = clock.tick()
    assert mine > Stamp(5_000, 3, "b") and mine.device == "a"
    assert Stamp.parse(mine.encode()) == mine
    with pytest.raises(ValueError):
        Stamp.parse("12.3.x")
    # ties on (wall, counter) are broken by device id, the same way as strings
    assert Stamp(1, 0, "a") < Stamp(1, 0, "b") and Stamp(1, 0, "a").encode() < Stamp(1, 0, "b").encode()


def test_device_id_is_made_once_and_renewed_for_a_copied_library(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    first = device_id(lib)
    assert device_id(lib) == first
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "device.json").write_bytes((lib / "device.json").read_bytes())
    assert device_id(copy) != first


def _ops(device: str, n: int, start: int = 1) -> list[Op]:
    return [Op(Stamp(start + i, 0, device), f"p{i}", "status", "read") for i in range(n)]


def test_own_log_trims_a_torn_tail_before_appending(tmp_path: Path) -> None:
    log = DeviceLog(tmp_path, "me")
    log.append(_ops("me", 2))
    with open(log.active(), "ab") as handle:
        handle.write(b'{"v":1,"clock":"00000')  # a crash mid-append
    log.append(_ops("me", 1, start=10))
    lines = log.active().read_bytes().splitlines()
    assert len(lines) == 3 and all(orjson.loads(line) for line in lines)
    assert log.last_stamp() == Stamp(10, 0, "me")
    with pytest.raises(ValueError):
        log.append(_ops("other", 1))


def test_hostile_logs_are_skipped_with_warnings_naming_device_and_line(tmp_path: Path) -> None:
    good = _ops("peer", 3)
    folder = tmp_path / "devices" / "peer"
    folder.mkdir(parents=True)
    newer = {**good[1].to_json(), "v": 99}
    spoofed = Op(Stamp(7, 0, "someone"), "p", "status", "read").to_json()
    lines = [good[0].to_line(), b"not json\n", orjson.dumps(newer) + b"\n", orjson.dumps(spoofed) + b"\n",
             orjson.dumps({**good[2].to_json(), "field": "drop-table"}) + b"\n", b"[1, 2]\n",
             good[2].to_line(), b'{"v":1,"clock":"000']
    (folder / "ops-000001.jsonl").write_bytes(b"".join(lines))
    reader = LogReader(tmp_path)
    ops, warnings = reader.read()
    assert [op.clock for op in ops] == [good[0].clock, good[2].clock]
    where = {(w.device, w.line) for w in warnings}
    assert where == {("peer", 2), ("peer", 3), ("peer", 4), ("peer", 5), ("peer", 6), ("peer", 8)}
    text = "\n".join(map(str, warnings))
    assert "device peer: ops-000001.jsonl:3" in text and "newer" in text and "truncated" in text
    # the torn line is reported once, and read when the peer finishes writing it
    ops, warnings = reader.read()
    assert ops == [] and warnings == []
    with open(folder / "ops-000001.jsonl", "rb+") as handle:
        handle.seek(handle.seek(0, os.SEEK_END) - len(lines[-1]))
        handle.truncate()
        handle.write(_ops("peer", 1, start=20)[0].to_line())
    ops, warnings = reader.read()
    assert [op.stamp for op in ops] == [Stamp(20, 0, "peer")] and warnings == []


def test_hostile_logs_never_corrupt_local_state(tmp_path: Path) -> None:
    me = Replica(tmp_path, "me")
    me.record([("p", "paper", {"id": "p", "title": "P"}), ("p", "status", "read")])
    before = me.derive()
    peer = tmp_path / "devices" / "peer"
    peer.mkdir()
    (peer / "ops-000001.jsonl").write_bytes(b"\x00\xff garbage\n{}\n" + b"{" * 5000)
    (tmp_path / "snapshots").mkdir()
    (tmp_path / "snapshots" / "peer.json").write_bytes(b'{"v": 1, "device": "peer", "covers": {}, "state": {"registers": 5}}')
    (tmp_path / "snapshots" / "evil.json").write_bytes(b'{"v": 7}')
    me.refresh()
    assert me.derive() == before
    assert {w.device for w in me.warnings} == {"peer", "evil"}
    again = Replica(tmp_path, "me")  # and the library still opens
    assert again.derive() == before


def test_snapshot_lets_old_segments_go_without_losing_anything(tmp_path: Path) -> None:
    ticks = count(1_000, 3)
    a = Replica(tmp_path, "a", now=lambda: next(ticks))
    a.record([("p", "paper", {"id": "p", "title": "P"}), ("p", "tag+", "x"), ("p", "note", "hello")])
    peer = DeviceLog(tmp_path, "b")
    peer.append([Op(Stamp(5_000, 0, "b"), "p", "starred", True)])
    a.refresh()
    want = a.derive()
    removed = a.compact()
    assert removed and [n for n, _ in segments(a.log.folder)] == [2]
    snaps, warnings = read_snapshots(tmp_path)
    assert [s.device for s in snaps] == ["a"] and not warnings
    assert snaps[0].covers["b"] == Stamp(5_000, 0, "b").encode()
    fresh = Replica(tmp_path, "c")  # a device that never saw a's dropped segment
    assert fresh.derive() == want
    a.record([("p", "tag-", "x")])  # after compaction the clock still moves forward
    assert a.log.last_stamp() > Stamp.parse(snaps[0].covers["a"])
    fresh.refresh()
    assert fresh.derive()["p"]["tags"] == [] and fresh.derive()["p"]["note"] == "hello"
