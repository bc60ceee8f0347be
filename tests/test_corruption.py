"""Damaged library files: each is reported with its path and the way out, and never replaced.

Why: a library is months of triage. A damaged file must stop readq with one clear line naming
the file and `readq doctor`, must never be overwritten by an empty library (an import into a
library that failed to load would do exactly that), and `readq doctor --repair` must bring back
the last good catalogue (`papers.json.bak`, kept on every catalogue write).
"""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner, Result

from readq.cli import cli
from readq.store import Library
from readq.model import Entry, Source, Status
from readq.store.layout import SCHEMA_VERSION

SAMPLE = Path(__file__).resolve().parent.parent / "sample_digests" / "004_d742356525c87248.txt"


def run(lib: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--library", str(lib), *args], catch_exceptions=False)


def snapshot(lib: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(lib.iterdir()) if p.is_file() and p.name != ".lock"}


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    """A library with a compacted catalogue (so a backup exists) and journal entries after it."""
    path = tmp_path / "lib"
    library = Library(path)
    library.ingest(
        Entry(title=f"Corruption paper {i}: keeping state safe", abstract="Abstract. " * 20,
              source=Source(file="d.txt", digest_date="2025-03-01"))
        for i in range(6)
    )
    ids = sorted(library.ids())
    library.set_status([ids[0]], "read")
    library.compact()  # papers.json now holds ids[0]=read; papers.json.bak the state before
    library.set_status([ids[1]], "to-read")
    library.set_starred([ids[2]], True)
    return path


def ids_of(lib: Path) -> list[str]:
    return sorted(json.loads(run(lib, "list", "--json").stdout)[i]["id"] for i in range(6))


def assert_one_clear_line(result: Result, name: str) -> None:
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert name in lines[0] and "readq doctor" in lines[0], lines[0]


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    "damage",
    [truncated, lambda d: b"", lambda d: b"\x00\x17garbage\xff" * 50, lambda d: b"[1, 2, 3]"],
    ids=["truncated", "zero-length", "garbage", "not-an-object"],
)
def test_damaged_catalogue_is_reported_and_never_replaced(lib: Path, damage) -> None:  # type: ignore[no-untyped-def]
    papers = lib / "papers.json"
    papers.write_bytes(damage(papers.read_bytes()))
    before = snapshot(lib)
    for args in (["list"], ["export", "--format", "json"], ["show", "abc"], ["import", str(SAMPLE)]):
        result = run(lib, *args)
        assert_one_clear_line(result, "papers.json")
        assert snapshot(lib) == before, f"`readq {' '.join(args)}` changed the damaged library"


def test_garbage_index_is_reported_or_rebuilt_and_doctor_is_a_way_out(lib: Path) -> None:
    """index.json is derived from the catalogue: if it is unreadable, `readq mark` must either work
    (rebuilding it) or name it and `readq doctor`, and then `readq doctor` must actually fix it."""
    pid = ids_of(lib)[3]
    (lib / "index.json").write_bytes(b"\x00not json at all")
    result = run(lib, "mark", "read", pid)
    if result.exit_code != 0:
        assert_one_clear_line(result, "index.json")
        assert run(lib, "doctor").exit_code == 0
        result = run(lib, "mark", "read", pid)
    assert result.exit_code == 0, result.output
    assert Library(lib).state(pid) == (Status.READ, False)


def test_journal_garbage_line_in_the_middle_skips_only_that_line_and_says_so(lib: Path) -> None:
    ids = ids_of(lib)
    journal = lib / "journal.jsonl"
    lines = journal.read_bytes().splitlines(keepends=True)
    assert len(lines) == 2
    journal.write_bytes(lines[0] + b"\x00\xffgarbage{{{\n" + lines[1])
    state = {p["id"]: (p["status"], p["starred"]) for p in json.loads(run(lib, "list", "--json").stdout)}
    assert state[ids[1]] == ("to-read", False) and state[ids[2]] == ("new", True)  # both sides kept
    listing = run(lib, "list")
    assert listing.exit_code == 0 and "Traceback" not in listing.output
    assert "journal.jsonl" in listing.stderr and "readq doctor" in listing.stderr, listing.stderr
    doctor = run(lib, "doctor")
    assert "journal.jsonl" in doctor.output and "unreadable" in doctor.output


def test_torn_last_journal_line_is_ignored_then_trimmed(lib: Path) -> None:
    ids = ids_of(lib)
    journal = lib / "journal.jsonl"
    journal.write_bytes(journal.read_bytes() + b'{"seq": 999, "ops": [["' + ids[4].encode() + b'", "sta')
    listing = run(lib, "list", "--json")
    assert listing.exit_code == 0
    assert {p["id"]: p["status"] for p in json.loads(listing.stdout)}[ids[4]] == "new"
    assert run(lib, "mark", "skipped", ids[4]).exit_code == 0
    records = [orjson.loads(line) for line in journal.read_bytes().splitlines()]  # all parse again
    assert records[-1]["ops"] == [[ids[4], "status", "skipped"]]
    assert journal.read_bytes().endswith(b"\n")


def test_doctor_repair_restores_the_backup_and_keeps_the_damaged_file(lib: Path) -> None:
    ids = ids_of(lib)
    papers = lib / "papers.json"
    damaged = b'{"meta": {"1": {"schema": 1'
    papers.write_bytes(damaged)
    check = run(lib, "doctor")
    assert check.exit_code == 3 and "papers.json" in check.output and "--repair" in check.output
    assert papers.read_bytes() == damaged  # a check alone never writes
    repair = run(lib, "doctor", "--repair")
    assert repair.exit_code == 0, repair.output
    kept = list(lib.glob("papers.json.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == damaged
    state = {p["id"]: (p["status"], p["starred"]) for p in json.loads(run(lib, "list", "--json").stdout)}
    assert len(state) == 6
    # journal changes after the backup replay on top of it; the one folded into the damaged file
    # (ids[0] read) is gone, and doctor said so.
    assert state[ids[1]] == ("to-read", False) and state[ids[2]] == ("new", True)
    assert "lost" in repair.output


def test_doctor_without_a_good_backup_changes_nothing(lib: Path) -> None:
    (lib / "papers.json.bak").write_bytes(b"")
    (lib / "papers.json").write_bytes(b"garbage")
    before = snapshot(lib)
    result = run(lib, "doctor", "--repair")
    assert result.exit_code == 3 and "no good backup" in result.output
    assert snapshot(lib) == before


def test_catalogue_records_its_schema_version(lib: Path) -> None:
    raw = orjson.loads((lib / "papers.json").read_bytes())
    metas = list(raw["meta"].values())
    assert metas and metas[0]["schema"] == SCHEMA_VERSION
    assert orjson.loads((lib / "index.json").read_bytes())["schema"] == SCHEMA_VERSION


def _from_the_future(lib: Path) -> None:
    """What a newer readq would leave: catalogue and index stamped with a higher schema."""
    raw = orjson.loads((lib / "papers.json").read_bytes())
    for meta in raw["meta"].values():
        meta["schema"] = SCHEMA_VERSION + 1
    (lib / "papers.json").write_bytes(orjson.dumps(raw))
    index = orjson.loads((lib / "index.json").read_bytes())
    index["schema"] = SCHEMA_VERSION + 1
    (lib / "index.json").write_bytes(orjson.dumps(index))


@pytest.mark.parametrize(
    "args", [["list"], ["import", str(SAMPLE)], ["doctor", "--repair"], ["doctor", "--compact"]],
    ids=["list", "import", "doctor-repair", "doctor-compact"],
)
def test_catalogue_from_a_newer_schema_is_refused_untouched(lib: Path, args: list[str]) -> None:
    _from_the_future(lib)
    before = snapshot(lib)
    result = run(lib, *args)
    assert result.exit_code == 3, result.output
    assert "newer readq" in result.output and "papers.json" in result.output
    assert "Traceback" not in result.output
    assert snapshot(lib) == before


@pytest.mark.parametrize("args", [["mark", "read"], ["star"]], ids=["mark", "star"])
def test_state_change_on_a_newer_schema_is_refused(lib: Path, args: list[str]) -> None:
    """`readq mark`/`star` read only index.json and the journal; they must refuse a newer library
    too, not append journal records a newer readq may read differently."""
    pid = ids_of(lib)[5]
    _from_the_future(lib)
    before = snapshot(lib)
    result = run(lib, *args, pid)
    assert result.exit_code == 3, result.output
    assert "newer readq" in result.output
    assert snapshot(lib) == before
