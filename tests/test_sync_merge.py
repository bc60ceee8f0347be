"""Sync merge: the issue's two-device scenario through a bare git repo, the merge rules, and a
property test against a reference model (every operation applied in (clock, device) order)."""

from __future__ import annotations

import shutil
import subprocess
from itertools import count
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readq.store.ops import apply_to_record
from readq.sync.git import GitCarrier
from readq.sync.log import Op
from readq.sync.merge import SyncState
from readq.sync.replica import Replica


def fake_clock(start: int = 1_700_000_000_000):
    ticks = count(start, 7)
    return lambda: next(ticks)


def record(pid: str, title: str, **extra: Any) -> dict[str, Any]:
    return {"id": pid, "title": title, "abstract": "", "authors": [], "sources": [{"file": "d.txt",
            "digest_date": "2026-11-30"}], **extra}


PAPERS = [("x000000001", "Paper X"), ("y000000001", "Paper Y"), ("z000000001", "Paper Z"),
          ("w000000001", "Paper W")]


def test_two_devices_through_a_bare_repo(tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    wall = fake_clock()  # one timeline for both devices, so "A first, then B" holds by the clock
    a = Replica(tmp_path / "a", "device-a", now=wall)
    b = Replica(tmp_path / "b", "device-b", now=wall)
    for dev in (a, b):  # the same digest imported on both devices
        dev.record([(pid, "paper", record(pid, title)) for pid, title in PAPERS])
    x, y, z, w = (pid for pid, _ in PAPERS)
    a.record([(x, "status", "read"), (y, "tag+", "to-cite")])
    b.record([(x, "starred", True), (z, "status", "skipped")])
    a.record([(w, "status", "to-read")])
    b.record([(w, "status", "read")])
    git_a = GitCarrier(a.sync_dir, a.own_files())
    git_b = GitCarrier(b.sync_dir, b.own_files())
    assert git_a.sync(str(remote)).pushed
    report_b = git_b.sync(str(remote))
    assert report_b.merged and report_b.pushed
    assert git_a.sync().merged  # the remote is remembered
    a.refresh()
    b.refresh()
    state_a, state_b = a.derive(), b.derive()
    assert state_a == state_b
    assert len(state_a) == 4
    assert state_a[x]["status"] == "read" and state_a[x]["starred"] is True
    assert state_a[y]["tags"] == ["to-cite"]
    assert state_a[z]["status"] == "skipped"
    assert state_a[w]["status"] == "read"  # B's, the later
    assert a.warnings == [] and b.warnings == []


def test_tags_merge_per_tag_and_later_wins() -> None:
    state = SyncState()
    from readq.sync.clock import Stamp

    def op(wall: int, dev: str, fld: str, value: Any) -> Op:
        return Op(Stamp(wall, 0, dev), "p", fld, value)

    ops = [op(1, "a", "tag+", "ml"), op(2, "b", "tag+", "cv"), op(3, "b", "tag-", "ml"),
           op(4, "a", "tag+", "nlp"), op(5, "a", "tag-", "cv"), op(6, "b", "tag+", "cv")]
    for o in reversed(ops):
        state.apply(o)
    assert state.user_state()["p"]["tags"] == ["nlp", "cv"]


def test_concurrent_notes_keep_a_conflict_copy(tmp_path: Path) -> None:
    wall = fake_clock()
    a = Replica(tmp_path / "a", "a", now=wall)
    a.record([("p", "paper", record("p", "P")), ("p", "note", "first")])
    b_dir = tmp_path / "b"
    shutil.copytree(tmp_path / "a", b_dir)  # B starts from A's state: their last common state
    b = Replica(b_dir, "b", now=wall)
    a.record([("p", "note", "edited on a")])
    b.record([("p", "note", "edited on b")])  # later, concurrent
    for src, dst in ((a, b), (b, a)):
        shutil.copytree(src.log.folder, dst.sync_dir / "devices" / src.device, dirs_exist_ok=True)
    a.refresh()
    b.refresh()
    assert a.derive() == b.derive()
    paper = a.derive()["p"]
    assert paper["note"] == "edited on b"
    assert paper["note_conflicts"] == ["edited on a"]
    # an edit made after seeing the conflict resolves it, on every device
    a.record([("p", "note", "merged text")])
    shutil.copytree(a.log.folder, b.sync_dir / "devices" / "a", dirs_exist_ok=True)
    b.refresh()
    assert b.derive()["p"]["note"] == "merged text" and b.derive()["p"]["note_conflicts"] == []
    # a sequential edit (B saw A's note) is no conflict
    b.record([("p", "note", "later on b")])
    assert b.derive()["p"]["note_conflicts"] == []


def test_papers_imported_on_both_devices_are_deduplicated() -> None:
    from readq.sync.clock import Stamp

    state = SyncState()
    state.apply(Op(Stamp(1, 0, "a"), "id-a", "paper", record("id-a", "Attention Is All You Need",
                                                                arxiv_id="1706.03762", upvotes=3)))
    state.apply(Op(Stamp(2, 0, "b"), "id-b", "paper", record("id-b", "Attention is all you need!",
                                                                upvotes=9, links=["https://x.org"])))
    state.apply(Op(Stamp(3, 0, "b"), "id-c", "paper", record("id-c", "A different title",
                                                                arxiv_id="1706.03762")))
    state.apply(Op(Stamp(4, 0, "b"), "id-b", "status", "read"))
    state.apply(Op(Stamp(5, 0, "a"), "id-c", "starred", True))
    papers = state.derive()
    assert list(papers) == ["id-a"]
    assert papers["id-a"]["upvotes"] == 9 and papers["id-a"]["links"] == ["https://x.org"]
    assert papers["id-a"]["status"] == "read" and papers["id-a"]["starred"] is True


def test_state_round_trips_through_json() -> None:
    from readq.sync.clock import Stamp

    state = SyncState()
    state.apply(Op(Stamp(1, 0, "a"), "p", "paper", record("p", "P")))
    state.apply(Op(Stamp(2, 0, "a"), "p", "note", "n"))
    state.apply(Op(Stamp(3, 0, "b"), "p", "tag+", "t"))
    state.apply(Op(Stamp(4, 0, "b"), "p", "authors", ["A. B."]))
    again = SyncState.from_json(state.to_json())
    assert again.derive() == state.derive()
    assert again.to_json() == state.to_json()


# ---------------------------------------------------------------------------------- property test
FIELDS = st.sampled_from(["status", "starred", "tag+", "tag-", "note", "upvotes"])
VALUES = {
    "status": st.sampled_from(["new", "to-read", "read", "skipped"]),
    "starred": st.booleans(),
    "tag+": st.sampled_from(["a", "b", "c"]),
    "tag-": st.sampled_from(["a", "b", "c"]),
    "note": st.one_of(st.none(), st.sampled_from(["n1", "n2", "n3", "n4"])),
    "upvotes": st.integers(0, 50),
}
PIDS = ["p0", "p1", "p2"]


@st.composite
def steps(draw: st.DrawFn) -> tuple[int, list[int], list[tuple]]:
    devices = draw(st.integers(2, 5))
    skews = draw(st.lists(st.integers(-5_000, 5_000), min_size=devices, max_size=devices))
    out: list[tuple] = []
    for _ in range(draw(st.integers(1, 40))):
        kind = draw(st.sampled_from(["op", "op", "op", "push", "pull", "compact"]))
        dev = draw(st.integers(0, devices - 1))
        if kind == "op":
            fld = draw(FIELDS)
            out.append(("op", dev, draw(st.sampled_from(PIDS)), fld, draw(VALUES[fld]),
                        draw(st.integers(-3_000, 50))))
        else:
            out.append((kind, dev))
    return devices, skews, out


def mirror(src: Path, dst: Path) -> None:
    """What git (or a folder sync) does to one device's files: the copy becomes the source."""
    if dst.exists():
        shutil.rmtree(dst)
    if src.exists():
        shutil.copytree(src, dst)


def push(rep: Replica, hub: Path) -> None:
    mirror(rep.log.folder, hub / "devices" / rep.device)
    snap = rep.sync_dir / "snapshots" / f"{rep.device}.json"
    if snap.exists():
        (hub / "snapshots").mkdir(parents=True, exist_ok=True)
        shutil.copy2(snap, hub / "snapshots" / snap.name)


def pull(rep: Replica, hub: Path) -> None:
    for folder in sorted((hub / "devices").glob("*")):
        if folder.name != rep.device:
            mirror(folder, rep.sync_dir / "devices" / folder.name)
    for snap in sorted((hub / "snapshots").glob("*.json")):
        if snap.stem != rep.device:
            (rep.sync_dir / "snapshots").mkdir(parents=True, exist_ok=True)
            shutil.copy2(snap, rep.sync_dir / "snapshots" / snap.name)
    rep.refresh()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(plan=steps())
def test_random_devices_converge_to_the_reference_model(tmp_path_factory: Any, plan: Any) -> None:
    devices, skews, actions = plan
    root = tmp_path_factory.mktemp("sync")
    hub = root / "hub"
    (hub / "devices").mkdir(parents=True)
    (hub / "snapshots").mkdir()
    clock = {"global": 1_700_000_000_000, "jitter": 0}
    reps: list[Replica] = []
    for i in range(devices):
        def now(i: int = i) -> int:
            return clock["global"] + skews[i] + clock["jitter"]
        reps.append(Replica(root / f"d{i}", f"dev{i}", now=now))
    acked: list[Op] = []
    for i, rep in enumerate(reps):  # every device imported the same papers
        acked += rep.record([(pid, "paper", record(pid, pid.upper())) for pid in PIDS])
    for action in actions:
        rep = reps[action[1]]
        if action[0] == "op":
            _, _, pid, fld, value, jitter = action
            clock["global"] += 5
            clock["jitter"] = jitter  # negative: this device's wall clock just went back
            acked += rep.record([(pid, fld, value)])
        elif action[0] == "push":
            push(rep, hub)
        elif action[0] == "pull":
            pull(rep, hub)
        else:
            rep.compact()
    for rep in reps:  # a full round: everyone pushes, then everyone pulls
        push(rep, hub)
    for rep in reps:
        pull(rep, hub)
    states = [rep.derive() for rep in reps]
    assert all(s == states[0] for s in states)
    reference: dict[str, dict[str, Any]] = {pid: {"status": "new", "starred": False, "tags": [], "note": None}
                                            for pid in PIDS}
    for op in sorted(acked, key=lambda o: o.clock):
        if op.field != "paper":
            apply_to_record(reference[op.paper], op.field, op.value)
    for pid in PIDS:
        got = states[0][pid]
        want = reference[pid]
        assert {k: got.get(k) for k in want} == want, pid
        # no note text that a device set and nobody overwrote knowingly is lost
        assert all(t in {op.value for op in acked if op.field == "note"} for t in got["note_conflicts"])
    newest = {}
    for op in acked:
        newest[op.device] = max(newest.get(op.device, ""), op.clock)
    for rep in reps:
        assert all(rep.state.covers.get(dev, "") >= stamp for dev, stamp in newest.items())
        assert not rep.warnings


def test_journal_ops_bring_a_library_in_line_through_plan_ops() -> None:
    """The integration seam: derived state -> requests -> the store's own journal operations."""
    from readq.store.ops import plan_ops
    from readq.sync.clock import Stamp
    from readq.sync.merge import journal_ops

    state = SyncState()
    for i, (fld, value) in enumerate([("status", "read"), ("tag+", "ml"), ("tag+", "cv"), ("note", "hi"),
                                      ("starred", False)]):
        state.apply(Op(Stamp(10 + i, 0, "peer"), "p", fld, value))
    state.apply(Op(Stamp(20, 0, "peer"), "gone", "status", "read"))
    local = {("p", "status"): "new", ("p", "tags"): ("cv", "old"), ("p", "note"): None, ("p", "starred"): False}
    wanted = journal_ops(state.user_state(), lambda pid, fld: local.get((pid, fld)), lambda pid: pid == "p")
    assert wanted == [("p", "note", "hi"), ("p", "status", "read"), ("p", "tags", ("ml", "cv"))]
    ops, changes = plan_ops(wanted, lambda pid: pid, lambda pid, fld: local.get((pid, fld)))
    assert ("p", "tag-", "old") in ops and ("p", "tag+", "ml") in ops and ("p", "status", "read") in ops
    assert {c.field for c in changes} == {"note", "status", "tags"}
