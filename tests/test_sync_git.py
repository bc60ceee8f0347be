"""The git carrier: remembered remote, no git identity needed, one-line errors, recovery from an
interrupted sync; and a shared (Syncthing/Dropbox-style) folder with no git at all. Local repos only."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from readq.sync.git import GitCarrier, SyncError
from readq.sync.replica import Replica


@pytest.fixture(autouse=True)
def _no_git_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine where git has never been configured."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(var, raising=False)


def device(tmp_path: Path, name: str) -> tuple[Replica, GitCarrier]:
    rep = Replica(tmp_path / name, name)
    return rep, GitCarrier(rep.sync_dir, rep.own_files(), timeout=30)


def test_sync_without_identity_remembers_the_remote(tmp_path: Path, remote: Path) -> None:
    a, git_a = device(tmp_path, "a")
    a.record([("p", "paper", {"id": "p", "title": "P"}), ("p", "status", "read")])
    report = git_a.sync(str(remote))
    assert report.committed and report.pushed and "synced with" in report.summary()
    assert git_a.remote() == str(remote.resolve())
    b, git_b = device(tmp_path, "b")
    assert git_b.sync(str(remote)).merged  # a fresh device takes everything
    b.refresh()
    assert b.derive()["p"]["status"] == "read"
    assert not git_b.sync().pushed  # nothing new: nothing pushed
    log = subprocess.run(["git", "log", "--format=%an <%ae>", "-1"], cwd=a.sync_dir, capture_output=True,
                         text=True, check=True)
    assert log.stdout.strip() == "readq <readq@localhost>"


def test_clear_one_line_errors(tmp_path: Path) -> None:
    a, git_a = device(tmp_path, "a")
    a.record([("p", "status", "read")])
    with pytest.raises(SyncError, match="no remote yet"):
        git_a.sync()
    with pytest.raises(SyncError, match=r"cannot reach .*nowhere") as err:
        git_a.sync(str(tmp_path / "nowhere.git"))
    assert "\n" not in str(err.value)
    missing = GitCarrier(a.sync_dir, a.own_files(), git="no-such-git-binary")
    with pytest.raises(SyncError, match="git is not installed"):
        missing.sync("/tmp/x")
    slow = GitCarrier(a.sync_dir, a.own_files(), timeout=0.000001)
    with pytest.raises(SyncError, match="timed out"):
        slow.sync()


def test_a_sync_killed_mid_merge_is_recovered(tmp_path: Path, remote: Path) -> None:
    a, git_a = device(tmp_path, "a")
    b, git_b = device(tmp_path, "b")
    a.record([("p", "status", "read")])
    git_a.sync(str(remote))
    b.record([("p", "starred", True)])
    git_b.sync(str(remote))
    # what a kill -9 can leave: git's lock, a half-checked-out peer file, a stray peer file, a merge head
    git_dir = a.sync_dir / ".git"
    (git_dir / "index.lock").write_text("")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=a.sync_dir, capture_output=True, text=True).stdout
    (git_dir / "MERGE_HEAD").write_text(head)
    (a.sync_dir / "devices" / "b").mkdir(parents=True)
    (a.sync_dir / "devices" / "b" / "ops-000001.jsonl").write_bytes(b'{"v":1,"clo')
    a.record([("q", "status", "skipped")])  # and an acknowledged local change not yet committed
    report = git_a.sync()
    assert report.merged and report.pushed
    a.refresh()
    git_b.sync()
    b.refresh()
    assert a.derive() == b.derive()
    assert b.state.registers[("q", "status")][1] == "skipped"
    assert b.state.registers[("p", "starred")][1] is True


def test_push_rejected_when_another_device_pushed_first(tmp_path: Path, remote: Path) -> None:
    a, git_a = device(tmp_path, "a")
    b, git_b = device(tmp_path, "b")
    a.record([("p", "status", "read")])
    git_a.sync(str(remote))
    git_b.sync(str(remote))
    b.record([("p", "note", "b")])
    a.record([("p", "note", "a")])
    git_a.sync()
    git_b._commit_own()  # noqa: SLF001 - drive the race: b commits on a stale view of the remote
    assert git_b._push(str(remote)) == (False, True)  # noqa: SLF001
    assert git_b.sync().pushed  # the real sync fetches, merges and pushes again


def test_a_shared_folder_works_without_git(tmp_path: Path) -> None:
    shared = tmp_path / "Dropbox" / "readq"
    a = Replica(shared, "laptop")
    b = Replica(shared, "workstation")
    a.record([("p", "paper", {"id": "p", "title": "P"}), ("p", "tag+", "ml")])
    b.record([("p", "tag+", "cv"), ("p", "status", "to-read")])
    a.refresh()
    b.refresh()
    assert a.derive() == b.derive()
    assert a.derive()["p"]["tags"] == ["ml", "cv"]
    assert sorted(p.name for p in (shared / "devices").iterdir()) == ["laptop", "workstation"]


def test_three_devices_random_partial_syncs_converge_through_git(tmp_path: Path, remote: Path) -> None:
    import random

    rng = random.Random(14)
    devices = [device(tmp_path, name) for name in ("a", "b", "c")]
    acked = []
    for _ in range(18):
        rep, carrier = rng.choice(devices)
        if rng.random() < 0.6:
            fld, value = rng.choice([("status", rng.choice(["read", "skipped"])), ("tag+", "x"), ("tag-", "x"),
                                     ("starred", rng.random() < 0.5), ("note", str(rng.random()))])
            acked += rep.record([(f"p{rng.randrange(3)}", fld, value)])
        else:
            carrier.sync(str(remote))
    for _ in range(2):  # a full round
        for rep, carrier in devices:
            carrier.sync(str(remote))
    states = []
    for rep, _ in devices:
        rep.refresh()
        states.append(rep.state.user_state())
        assert all(rep.state.covers[op.device] >= op.clock for op in acked)
    assert states[0] == states[1] == states[2]
