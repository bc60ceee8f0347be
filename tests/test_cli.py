"""The command line of CONTRACT.md, driven through click's CliRunner on the real sample digests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from readq.cli import cli

CONTRACT_KEYS = {
    "id", "title", "abstract", "authors", "authors_count", "org", "published", "upvotes",
    "links", "arxiv_id", "status", "starred", "sources",
}


def run(lib: Path, *args: str, input: str | bytes | None = None) -> Result:
    return CliRunner().invoke(cli, ["--library", str(lib), *args], input=input, catch_exceptions=False)


@pytest.fixture
def lib(tmp_path: Path, samples: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("READQ_TODAY", "2026-11-23")
    path = tmp_path / "lib"
    result = run(path, "import", str(samples))
    assert result.exit_code == 0, result.output
    return path


def papers(lib: Path, *args: str) -> list[dict]:
    result = run(lib, "list", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_import_samples_reports_entries_and_unique_papers(tmp_path: Path, samples: Path) -> None:
    result = run(tmp_path / "lib", "import", str(samples))
    assert result.exit_code == 0
    assert "577 entries" in result.stdout
    assert "493 new papers" in result.stdout
    assert "84 duplicates merged" in result.stdout


def test_json_export_has_every_paper_with_contract_fields(lib: Path) -> None:
    result = run(lib, "export", "--format", "json")
    data = json.loads(result.stdout)
    assert len(data) == 493
    for paper in data:
        assert CONTRACT_KEYS <= paper.keys()
        assert paper["status"] == "new" and paper["starred"] is False
        assert paper["sources"] and all({"file", "digest_date"} <= s.keys() for s in paper["sources"])
    by_title = {p["title"]: p for p in data}
    vl = by_title["VideoLLaMB: Long-context Video Understanding with Recurrent Memory Bridges"]
    assert len(vl["sources"]) >= 2 and vl["authors_count"] == 4 and vl["upvotes"] == 6
    assert vl["published"] == "2024-09-02"
    assert "VBench++: Comprehensive and Versatile Benchmark Suite for Video Generative Models" in by_title
    assert "VBench: Comprehensive Benchmark Suite for Video Generative Models" in by_title


def test_second_import_adds_nothing(lib: Path, samples: Path) -> None:
    before = run(lib, "export", "--format", "json").stdout
    result = run(lib, "import", str(samples))
    assert result.exit_code == 0
    assert "0 new papers" in result.stdout and "Nothing new" in result.stdout
    assert run(lib, "export", "--format", "json").stdout == before


def test_import_saves_the_search_index(tmp_path: Path, samples: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every import saves the search index for the catalogue it wrote, the first one included, so
    the next query or start needs no rebuild; `--no-index` leaves it missing or stale."""
    from readq.store import Library
    from tests.helpers.spy import spy_index_builds

    lib = tmp_path / "lib"
    files = sorted(samples.glob("*.txt"))

    def builds_on_open() -> int:
        with monkeypatch.context() as m:
            calls = spy_index_builds(m)  # type: ignore[arg-type]
            opened = Library(lib).load()
            opened.search_index(opened.papers())
        return len(calls)

    assert run(lib, "import", str(files[0])).exit_code == 0
    assert list((lib / "cache").glob("search-index.v*.bin"))
    assert builds_on_open() == 0
    assert run(lib, "import", str(files[1])).exit_code == 0
    assert builds_on_open() == 0
    assert run(lib, "import", "--no-index", str(files[2])).exit_code == 0
    assert builds_on_open() == 1


def test_import_from_stdin(tmp_path: Path, samples: Path) -> None:
    text = (samples / "000_44acc7d1eb537eca.txt").read_bytes()
    result = run(tmp_path / "lib", "import", "-", input=text)
    assert result.exit_code == 0, result.output
    assert "new papers" in result.stdout


def test_import_of_nothing_readable_fails_cleanly_and_creates_nothing(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    lib = tmp_path / "lib"
    result = run(lib, "import", str(tmp_path / "missing.txt"), str(tmp_path / "empty.txt"))
    assert result.exit_code == 1
    assert "missing.txt" in result.stderr and "empty.txt" in result.stderr
    assert "Traceback" not in result.output
    assert not lib.exists()


def test_list_filters(lib: Path) -> None:
    everything = papers(lib)
    assert len(everything) == 493
    dates = [p["published"] or max((s["digest_date"] or "" for s in p["sources"]), default="") for p in everything]
    assert dates == sorted(dates, reverse=True)  # newest first
    assert len(papers(lib, "--limit", "5")) == 5
    hits = papers(lib, "--query", "videollamb recurrent")
    assert hits[0]["title"].startswith("VideoLLaMB")
    assert papers(lib, "--status", "to-read") == []


def test_mark_star_and_prefix_ids(lib: Path) -> None:
    target = papers(lib, "--query", "videollamb recurrent")[0]
    prefix = target["id"][:6]
    assert run(lib, "mark", "to-read", prefix).exit_code == 0
    assert run(lib, "star", prefix).exit_code == 0
    [shown] = json.loads(run(lib, "show", prefix, "--json").stdout)
    assert (shown["id"], shown["status"], shown["starred"]) == (target["id"], "to-read", True)
    assert [p["id"] for p in papers(lib, "--status", "to-read", "--starred")] == [target["id"]]
    assert run(lib, "unstar", prefix).exit_code == 0
    assert papers(lib, "--starred") == []


def test_mark_with_unknown_id_changes_nothing(lib: Path) -> None:
    first = papers(lib, "--limit", "1")[0]["id"]
    result = run(lib, "mark", "read", first, "zzzzzz")
    assert result.exit_code == 4
    assert "zzzzzz" in result.stderr
    assert papers(lib, "--status", "read") == []


def test_mark_rejects_unknown_status(lib: Path) -> None:
    first = papers(lib, "--limit", "1")[0]["id"]
    result = run(lib, "mark", "later", first)
    assert result.exit_code == 2


def test_show_cite_link(lib: Path) -> None:
    pid = papers(lib, "--query", "'Magic 1-For-1")[0]["id"]
    shown = run(lib, "show", pid)
    assert shown.exit_code == 0 and "Magic 1-For-1" in shown.stdout
    link = run(lib, "link", pid).stdout.strip()
    assert link.startswith("https://")
    bib = run(lib, "cite", pid).stdout
    assert bib.startswith("@") and "Magic 1-For-1" in bib
    md = run(lib, "cite", pid, "--format", "markdown").stdout.strip()
    assert md.startswith("[Magic 1-For-1") and md.endswith(")")


def test_export_to_file_never_clobbers_without_force(lib: Path, tmp_path: Path) -> None:
    out = tmp_path / "list.md"
    assert run(lib, "export", "--format", "md", "-o", str(out)).exit_code == 0
    first = out.read_text()
    assert "VideoLLaMB" in first
    again = run(lib, "export", "--format", "csv", "-o", str(out))
    assert again.exit_code == 5 and out.read_text() == first
    assert run(lib, "export", "--format", "csv", "-o", str(out), "--force").exit_code == 0
    assert out.read_text().startswith("id,") or "title" in out.read_text().splitlines()[0]


def test_corrupt_library_is_one_clear_line(lib: Path) -> None:
    (lib / "papers.json").write_bytes(b"\x00garbage")
    result = run(lib, "list")
    assert result.exit_code == 3
    assert "papers.json" in result.stderr and "doctor" in result.stderr
    assert "Traceback" not in result.output
    assert (lib / "papers.json").read_bytes() == b"\x00garbage"


def test_doctor_restores_backup(lib: Path, samples: Path) -> None:
    pid = papers(lib, "--limit", "1")[0]["id"]
    run(lib, "mark", "read", pid)
    run(lib, "doctor", "--compact")  # writes a new catalogue, keeping the previous as .bak
    (lib / "papers.json").write_bytes(b"{broken")
    assert run(lib, "doctor").exit_code == 3
    repaired = run(lib, "doctor", "--repair")
    assert repaired.exit_code == 0, repaired.output
    assert len(papers(lib)) == 493


def test_export_seven_to_read_papers_as_bibtex_with_unique_keys(lib: Path) -> None:
    import bibtexparser

    titles = ["'VBench:", "'VBench++", "'Magic 1-For-1", "videollamb recurrent", "'VADER:", "'PEEK:", "'SparkVSR"]
    ids = [papers(lib, "--query", q, "--limit", "1")[0]["id"] for q in titles]
    assert len(set(ids)) == 7
    assert run(lib, "mark", "to-read", *ids).exit_code == 0
    result = run(lib, "export", "--status", "to-read", "--format", "bibtex")
    assert result.exit_code == 0
    parsed = bibtexparser.parse_string(result.stdout)
    assert not parsed.failed_blocks
    keys = [entry.key for entry in parsed.entries]
    assert len(keys) == 7 and len(set(keys)) == 7


def test_list_on_a_missing_library_says_how_to_start(tmp_path: Path) -> None:
    result = run(tmp_path / "nothing-here", "list", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    assert "readq import" in result.stderr
    assert not (tmp_path / "nothing-here").exists()


def test_a_failed_index_build_is_a_warning_not_a_failed_import(tmp_path: Path, samples: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The index is built in a forked child; if that fails, the papers are still imported."""
    from readq.store import Library

    def broken(self: Library, ordered: object, generation: str, previous: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Library, "_save_search_index", broken)
    lib = tmp_path / "lib"
    result = run(lib, "import", str(sorted(samples.glob("*.txt"))[0]))
    assert result.exit_code == 0, result.output
    assert "search index not saved" in result.output and "disk on fire" in result.output
    assert not list((lib / "cache").glob("search-index.v*.bin"))
    monkeypatch.undo()
    assert papers(lib)
    assert run(lib, "list", "--query", "video").exit_code in (0, 1)
