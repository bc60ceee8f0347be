"""`readq sync` wired into the store: two libraries and a bare git repository, driven by the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from readq.cli import cli
from readq.store import Library
from readq.sync.hook import hook_for

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "readq" / "samples").glob("*.txt"))


def run(lib: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--library", str(lib), *args], catch_exceptions=False)


def ok(lib: Path, *args: str) -> Result:
    result = run(lib, *args)
    assert result.exit_code == 0, (args, result.output)
    return result


def exported(lib: Path) -> list[dict]:
    """`export --format json` in a stable order; `added` is each library's own import time."""
    records = json.loads(ok(lib, "export", "--format", "json", "--sort", "title").stdout)
    for rec in records:
        rec.pop("added", None)
    return records


@pytest.fixture(autouse=True)
def _no_git_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("READQ_TODAY", "2026-11-23")
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(var, raising=False)


def two_devices(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    """A imports every sample digest, B only the first; X, Z, W are in both, Y is a tag."""
    a, b = tmp_path / "a", tmp_path / "b"
    ok(a, "import", *map(str, SAMPLES))
    ok(b, "import", str(SAMPLES[0]))
    shared = [p["id"] for p in json.loads(ok(b, "list", "--json", "--sort", "title").stdout)]
    return a, b, shared[:3]


def check_scenario(a: Path, b: Path, x: str, z: str, w: str) -> None:
    state_a, state_b = exported(a), exported(b)
    assert len(state_a) == len(state_b)
    for rec_a, rec_b in zip(state_a, state_b, strict=True):
        assert {k: v for k, v in rec_a.items() if rec_b.get(k) != v} == {}, rec_a["id"]
    assert state_a == state_b
    by_id = {p["id"]: p for p in state_a}
    assert len(by_id) == len(Library(a).ids())  # B gained A's papers
    assert by_id[x]["status"] == "read" and by_id[x]["tags"] == ["Y"] and by_id[x]["starred"] is True
    assert by_id[z]["status"] == "skipped"
    assert by_id[w]["status"] == "skipped"  # as B set it, after A


def test_two_devices_converge_through_a_bare_repo(tmp_path: Path, remote: Path) -> None:
    a, b, (x, z, w) = two_devices(tmp_path)
    ok(a, "sync", "--git", str(remote))
    ok(b, "sync", "--git", str(remote))  # B takes A's papers in
    ok(a, "mark", "read", x)
    ok(a, "tag", x, "--add", "Y")
    ok(b, "star", x)
    ok(b, "mark", "skipped", z)
    ok(a, "mark", "to-read", w)
    ok(b, "mark", "skipped", w)
    for lib in (a, b, a):
        result = ok(lib, "sync")
        assert "synced with" in result.stdout
    check_scenario(a, b, x, z, w)
    # nothing was echoed: B's log holds its own three changes and nothing of A's
    hook = hook_for(b)
    assert hook is not None
    lines = [json.loads(line) for f in sorted(hook.log.folder.glob("ops-*.jsonl")) for line in f.read_text().splitlines()]
    assert {(op["field"], op["paper"]) for op in lines} == {("starred", x), ("status", z), ("status", w)}


def test_changes_made_before_the_first_sync_are_bootstrapped(tmp_path: Path, remote: Path) -> None:
    a, b, (x, z, w) = two_devices(tmp_path)
    ok(a, "mark", "read", x)
    Library(a).set_tags([x], add=["Y"])
    ok(a, "mark", "to-read", w)
    ok(b, "star", x)
    ok(b, "mark", "skipped", z, w)
    ok(a, "sync", "--git", str(remote))
    ok(b, "sync", "--git", str(remote))
    ok(a, "sync")
    check_scenario(a, b, x, z, w)
    snapshot = hook_for(a).sync_dir / "snapshots" / f"{hook_for(a).device}.json"  # type: ignore[union-attr]
    assert snapshot.exists() and not list((hook_for(a).log.folder).glob("ops-*.jsonl"))  # type: ignore[union-attr]


def test_a_shared_folder_needs_no_git(tmp_path: Path) -> None:
    a, b, (x, z, w) = two_devices(tmp_path)
    folder = tmp_path / "Dropbox" / "readq"
    ok(a, "sync", "--dir", str(folder))
    ok(b, "sync", "--dir", str(folder))
    ok(a, "mark", "read", x)
    Library(a).set_tags([x], add=["Y"])
    ok(b, "star", x)
    ok(b, "mark", "skipped", z)
    ok(a, "mark", "to-read", w)
    ok(b, "mark", "skipped", w)
    for lib in (a, b, a):
        assert "shared folder" in ok(lib, "sync").stdout
    check_scenario(a, b, x, z, w)


def test_notes_edited_on_two_devices_keep_a_conflict_copy(tmp_path: Path) -> None:
    a, b, (x, _, _) = two_devices(tmp_path)
    folder = tmp_path / "shared"
    ok(a, "sync", "--dir", str(folder))
    ok(b, "sync", "--dir", str(folder))
    ok(a, "note", x, "--set", "from A")
    ok(b, "note", x, "--set", "from B")  # later: wins
    for lib in (a, b, a):
        ok(lib, "sync")
    for lib in (a, b):
        paper = Library(lib).get(x)
        assert paper.note == "from B" and paper.note_conflicts == ("from A",)
        assert "from A" in ok(lib, "show", x).stdout
        assert json.loads(ok(lib, "show", x, "--json").stdout)[0]["note_conflicts"] == ["from A"]
    ok(a, "note", x, "--set", "merged by hand")  # an edit after seeing the conflict resolves it
    for lib in (a, b):
        ok(lib, "sync")
    for lib in (a, b):
        paper = Library(lib).get(x)
        assert paper.note == "merged by hand" and paper.note_conflicts == ()


def test_one_line_errors_and_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = tmp_path / "a"
    ok(a, "import", str(SAMPLES[0]))
    result = run(a, "sync")
    assert result.exit_code == 2 and "no remote yet" in result.output and len(result.output.splitlines()) == 1
    result = run(a, "sync", "--git", str(tmp_path / "nowhere.git"))
    assert result.exit_code == 6 and "cannot reach" in result.output and len(result.output.splitlines()) == 1
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = run(a, "sync")
    assert result.exit_code == 6 and "git is not installed" in result.output


def test_a_crash_between_the_two_writes_is_repaired_on_the_next_write(tmp_path: Path) -> None:
    a, b, (x, z, _) = two_devices(tmp_path)
    ok(a, "sync", "--dir", str(tmp_path / "shared"))
    lib = Library(a)
    hook = lib.sync_hook()
    assert hook is not None
    hook.record([(x, "status", "read")])  # the device log got it; the process died before the journal
    assert Library(a).state(x)[0].value == "new"
    ok(a, "mark", "skipped", z)  # the next write reconciles first
    fresh = Library(a)
    assert fresh.state(x)[0].value == "read" and fresh.state(z)[0].value == "skipped"


def test_a_resumed_sync_reads_only_new_lines_and_still_converges(tmp_path: Path) -> None:
    from readq.sync.cache import cache_path

    a, b, (x, z, w) = two_devices(tmp_path)
    folder = tmp_path / "shared"
    ok(a, "sync", "--dir", str(folder))
    ok(b, "sync", "--dir", str(folder))
    ok(a, "sync")
    assert cache_path(a).exists()
    ok(b, "mark", "read", x, z)
    assert "2 change(s) from 1 other device(s)" in ok(a, "sync").stdout
    cache_path(a).unlink()  # derived: a sync without it reads everything and finds nothing to do
    ok(b, "mark", "skipped", w)
    assert "1 change(s) from 1 other device(s)" in ok(a, "sync").stdout
    assert exported(a) == exported(b)


def test_a_hostile_log_is_skipped_with_a_warning_naming_device_and_line(tmp_path: Path) -> None:
    a, _b, (x, _, _) = two_devices(tmp_path)
    folder = tmp_path / "shared"
    ok(a, "sync", "--dir", str(folder))
    evil = folder / "devices" / "feedfacefeedface"
    evil.mkdir(parents=True)
    good = {"v": 1, "clock": "001900000000000.000000.feedfacefeedface", "device": "feedfacefeedface",
            "paper": x, "field": "status", "value": "read"}
    lines = ["{not json", json.dumps({**good, "v": 9}), json.dumps({**good, "device": "someoneelse"}), json.dumps(good)]
    (evil / "ops-000001.jsonl").write_text("\n".join(lines) + "\n")
    result = run(a, "sync")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: device feedfacefeedface")]
    assert [w.split(": ")[2] for w in warnings] == ["ops-000001.jsonl:1", "ops-000001.jsonl:2", "ops-000001.jsonl:3"]
    assert Library(a).state(x)[0].value == "read"  # the one good line applies
    assert Library(a).load() is not None


@pytest.mark.parametrize("carrier", ["dir", "git"])
def test_a_grown_log_is_folded_into_the_snapshot_and_still_converges(tmp_path: Path, remote: Path, carrier: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Every sync compacts here (the threshold set to 0): the device's covered segments are
    dropped, its snapshot holds them with full paper records, the other device still gets every
    change, and a change made after a compaction still wins over the ones folded in."""
    from readq.sync import run as sync_run

    monkeypatch.setattr(sync_run, "COMPACT_BYTES", 0)
    a, b, (x, z, _) = two_devices(tmp_path)
    where = ["--dir", str(tmp_path / "shared")] if carrier == "dir" else ["--git", str(remote)]
    ok(a, "sync", *where)
    ok(b, "sync", *where)
    ok(a, "mark", "read", x)
    ok(a, "tag", x, "--add", "Y")
    ok(a, "sync")
    hook = hook_for(a)
    assert hook is not None
    logged = [line for f in hook.log.folder.glob("ops-*.jsonl") for line in f.read_text().splitlines()]
    assert logged == []  # folded into a's snapshot
    snapshot = json.loads((hook.sync_dir / "snapshots" / f"{hook.device}.json").read_text())
    assert not any(rec.get("slim") for _, rec in snapshot["state"]["papers"].values())
    ok(b, "sync")
    got = {p["id"]: p for p in json.loads(ok(b, "list", "--json").stdout)}
    assert got[x]["status"] == "read" and got[x]["tags"] == ["Y"]
    ok(a, "mark", "to-read", x)  # after the compaction: must win over "read"
    ok(b, "mark", "skipped", z)
    for lib in (a, b, a, b):
        ok(lib, "sync")
    assert exported(a) == exported(b)
    got = {p["id"]: p for p in json.loads(ok(b, "list", "--json").stdout)}
    assert got[x]["status"] == "to-read" and got[z]["status"] == "skipped"
    assert not any(s["file"] == "sync" for p in got.values() for s in p["sources"])  # none re-imported bare


def test_a_sync_killed_before_its_cursor_is_saved_adds_no_bare_sightings(tmp_path: Path) -> None:
    """The cursor (what was applied) is saved after the library is changed and the replica cached
    (and, when the log is compacted, after that too); a kill in between leaves an older cursor next
    to a cache whose paper records are slim. The next sync must still converge, and must not
    import a slim record again (that would add a bare "sync" sighting on one device only)."""
    a, b, _ = two_devices(tmp_path)
    folder = tmp_path / "shared"
    ok(a, "sync", "--dir", str(folder))
    ok(b, "sync", "--dir", str(folder))
    ok(a, "sync")
    ok(b, "import", str(SAMPLES[1]))  # papers a has too, sighted again on b
    ok(b, "sync")
    cursor = a / "sync-cursor.json"
    before = cursor.read_bytes()
    ok(a, "sync")  # applies b's sightings, caches the replica, saves the cursor
    cursor.write_bytes(before)  # ... as if killed before the cursor was saved
    ok(a, "sync")
    ok(b, "sync")
    got = json.loads(ok(a, "list", "--json").stdout)
    assert not any(s["file"] == "sync" for p in got for s in p["sources"])
    assert exported(a) == exported(b)
