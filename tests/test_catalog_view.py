"""`readq list`/`export` from the catalogue view (index.json offsets + saved search index, no full
load): byte-identical to the full-load path, and any stale or damaged piece falls back to it."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner, Result

from readq.cli import cli
from readq.store import Library

ARGS = [
    ["list", "--json"],
    ["list", "--json", "--query", "video"],
    ["list", "--json", "--query", "video", "--status", "read"],
    ["list", "--json", "--starred"],
    ["list", "--json", "--query", "model", "--limit", "3"],
    ["list", "--json", "--query", '"video te"'],  # a phrase: verify reads the papers' text
    ["list", "--json", "--query", "Video"],  # case-sensitive: verify too
    ["list", "--json", "--query", "^a"],  # title prefix keys need every title
    ["list", "--json", "--query", "digest:0"],
    ["list", "--json", "--query", "nomatchwhatsoever"],
    ["list", "--query", "video"],
    ["list"],
    ["export", "--format", "json", "--query", "video"],
    ["export", "--format", "bibtex", "--starred"],
    ["show", "0"],  # an id prefix (ambiguous or unknown: the same error either way)
]


def run(lib: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--library", str(lib), *args], catch_exceptions=False)


@pytest.fixture
def lib(tmp_path: Path, samples: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("READQ_TODAY", "2026-11-23")
    path = tmp_path / "lib"
    assert run(path, "import", str(samples)).exit_code == 0
    ids = [p["id"] for p in orjson.loads(run(path, "list", "--json").stdout_bytes)]
    assert run(path, "mark", "read", *ids[:7]).exit_code == 0
    assert run(path, "star", *ids[3:12]).exit_code == 0
    run(path, "list", "--json", "--query", "x")  # saves the search index (catalogue mode)
    return path


def _outputs(lib: Path) -> list[tuple[int, bytes]]:
    return [(r.exit_code, r.stdout_bytes) for r in (run(lib, *a) for a in ARGS)]


def _slow_outputs(lib: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, bytes]]:
    with monkeypatch.context() as m:
        m.setattr(Library, "catalog_view", lambda self: None)
        return _outputs(lib)


def _forbid_full_load(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_load(self: Library) -> Library:
        raise AssertionError("the catalogue view should not load the whole catalogue")

    monkeypatch.setattr(Library, "load", no_load)


def test_view_output_is_identical_to_a_full_load(lib: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    slow = _slow_outputs(lib, monkeypatch)
    fast = _outputs(lib)
    assert fast == slow
    assert any(out.startswith(b"[\n  {") for _, out in fast)


@pytest.mark.parametrize("args", [["list", "--json"], ["list", "--json", "--query", "video understanding"],
                                  ["list", "--json", "--starred", "--query", "video"],
                                  ["export", "--format", "csv", "--query", "video"]])
def test_common_queries_do_not_load_the_catalogue(lib: Path, monkeypatch: pytest.MonkeyPatch,
                                                  args: list[str]) -> None:
    with monkeypatch.context() as m:
        m.setattr(Library, "catalog_view", lambda self: None)
        expected = run(lib, *args)
    _forbid_full_load(monkeypatch)
    result = run(lib, *args)
    assert (result.exit_code, result.stdout_bytes) == (expected.exit_code, expected.stdout_bytes)


def test_state_comes_from_the_journal(lib: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = orjson.loads(run(lib, "list", "--json").stdout_bytes)[0]["id"]
    assert run(lib, "mark", "skipped", first).exit_code == 0
    _forbid_full_load(monkeypatch)
    got = {p["id"]: p["status"] for p in orjson.loads(run(lib, "list", "--json").stdout_bytes)}
    assert got[first] == "skipped"


def _index(lib: Path) -> dict:
    return orjson.loads((lib / "index.json").read_bytes())


@pytest.mark.parametrize("damage", ["shift", "swap", "size", "no_offsets", "no_search_cache", "other_catalogue"])
def test_stale_or_damaged_pieces_fall_back(lib: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           damage: str) -> None:
    expected = _slow_outputs(lib, monkeypatch)
    index = _index(lib)
    if damage == "shift":
        index["offsets"] = [o + 1 for o in index["offsets"]]
    elif damage == "swap":
        index["ids"][0], index["ids"][1] = index["ids"][1], index["ids"][0]
        index["status"][0], index["status"][1] = index["status"][1], index["status"][0]
        index["starred"][0], index["starred"][1] = index["starred"][1], index["starred"][0]
    elif damage == "size":
        index["catalog_size"] += 1
    elif damage == "no_offsets":
        del index["offsets"]
    elif damage == "no_search_cache":
        shutil.rmtree(lib / "cache")
    if damage == "other_catalogue":  # papers.json rewritten, index.json from before (a crash between)
        stale = (lib / "index.json").read_bytes()
        Library(lib).compact()
        (lib / "index.json").write_bytes(stale)
    elif damage != "no_search_cache":
        (lib / "index.json").write_bytes(orjson.dumps(index))
    assert _outputs(lib) == expected


def test_old_layout_library_falls_back(lib: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _slow_outputs(lib, monkeypatch)
    raw = orjson.loads((lib / "papers.json").read_bytes())
    (lib / "papers.json").write_bytes(orjson.dumps(raw))  # one line, offsets now wrong
    index = _index(lib)
    index["catalog_size"] = (lib / "papers.json").stat().st_size  # even with a matching size
    (lib / "index.json").write_bytes(orjson.dumps(index))
    assert _outputs(lib) == expected


def test_view_for_an_empty_or_missing_library(tmp_path: Path) -> None:
    assert Library(tmp_path / "none").catalog_view() is None
    result = run(tmp_path / "none", "list", "--json")
    assert result.exit_code == 0 and result.stdout_bytes == b"[]\n"


def test_show_from_the_view(lib: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = [p["id"] for p in orjson.loads(run(lib, "list", "--json").stdout_bytes)]
    with monkeypatch.context() as m:
        m.setattr(Library, "catalog_view", lambda self: None)
        expected = [run(lib, "show", pid, *extra).stdout_bytes for pid in ids[:6] for extra in ([], ["--json"])]
    _forbid_full_load(monkeypatch)
    assert [run(lib, "show", pid, *extra).stdout_bytes for pid in ids[:6] for extra in ([], ["--json"])] == expected


def test_spliced_state_is_not_fooled_by_look_alike_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`list --json` copies stored records and splices in the current status and star; text that
    looks like those keys (escaped inside JSON strings) must not be touched."""
    from readq.model import Entry, Source

    path = tmp_path / "lib"
    tricky = ',"status":"read","starred":true,"sources":[] and "status":"to-read"'
    Library(path).ingest([
        Entry(title=f"Paper {i} {tricky}", abstract=f"Abstract {tricky}", source=Source("d.txt", "2025-01-0%d" % (i + 1)))
        for i in range(3)
    ])
    ids = [p["id"] for p in orjson.loads(run(path, "list", "--json").stdout_bytes)]
    assert run(path, "mark", "skipped", ids[1]).exit_code == 0
    assert run(path, "star", ids[2]).exit_code == 0
    slow = _slow_outputs(path, monkeypatch)
    fast = _outputs(path)
    assert fast == slow
    _forbid_full_load(monkeypatch)
    got = {p["id"]: (p["status"], p["starred"], p["title"]) for p in orjson.loads(run(path, "list", "--json").stdout_bytes)}
    assert got[ids[0]][:2] == ("new", False) and got[ids[1]][:2] == ("skipped", False)
    assert got[ids[2]][:2] == ("new", True) and all(tricky in t for _, _, t in got.values())


def test_a_catalogue_as_written_is_printed_as_stored(tmp_path: Path, samples: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Right after an import no operation sits on top of the catalogue: records are copied as
    stored (no state splicing), with the same output; the first mark turns that off."""
    monkeypatch.setenv("READQ_TODAY", "2026-11-23")
    path = tmp_path / "lib"
    assert run(path, "import", str(samples)).exit_code == 0
    view = Library(path).catalog_view()
    assert view is not None and view.as_written
    positions = list(range(len(view)))[::-1]
    assert view.spans(positions) == [view._span(i) for i in positions]  # the numpy check agrees
    assert _outputs(path) == _slow_outputs(path, monkeypatch)
    first = orjson.loads(run(path, "list", "--json").stdout_bytes)[0]["id"]
    assert run(path, "mark", "read", first).exit_code == 0
    view = Library(path).catalog_view()
    assert view is not None and not view.as_written
    assert _outputs(path) == _slow_outputs(path, monkeypatch)
    assert orjson.loads(run(path, "show", first, "--json").stdout_bytes)[0]["status"] == "read"
