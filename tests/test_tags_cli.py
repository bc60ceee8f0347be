"""`readq tag`, `readq note`, `list --tag`, the filter predicates and exports, on disk."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import bibtexparser
import pytest
import rispy
from click.testing import CliRunner, Result

from readq.cli import cli
from readq.store import Library


def run(lib: Path, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["--library", str(lib), *args], input=input, catch_exceptions=False)


@pytest.fixture
def lib(tmp_path: Path, samples: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("READQ_TODAY", "2026-11-23")
    path = tmp_path / "lib"
    assert run(path, "import", str(samples)).exit_code == 0
    return path


def ids(lib: Path, *args: str) -> list[str]:
    result = run(lib, "list", "--json", *args)
    assert result.exit_code == 0, result.output
    return [p["id"] for p in json.loads(result.stdout)]


def test_tag_add_remove_round_trip_on_disk(lib: Path) -> None:
    a, b, c = ids(lib, "-n", "3")
    result = run(lib, "tag", a, b[:6], "--add", "video", "--add", "to cite, later")
    assert result.exit_code == 0, result.output
    assert Library(lib).get(a).tags == ("video", "to-cite", "later")
    assert run(lib, "tag", b, "--remove", "later").exit_code == 0
    fresh = Library(lib)
    assert fresh.get(b).tags == ("video", "to-cite") and fresh.get(c).tags == ()
    assert fresh.tag_counts() == {"to-cite": 2, "video": 2, "later": 1}
    assert sorted(ids(lib, "--tag", "video")) == sorted([a, b])
    assert ids(lib, "--tag", "later") == [a]
    assert sorted(ids(lib, "--query", "tag:to-cite")) == sorted([a, b])
    shown = run(lib, "tag", a)
    assert shown.stdout.strip() == f"{a}  video, to-cite, later"


def test_tag_bad_id_changes_nothing(lib: Path) -> None:
    (a,) = ids(lib, "-n", "1")
    result = run(lib, "tag", a, "nope-not-an-id", "--add", "x")
    assert result.exit_code == 4
    assert Library(lib).get(a).tags == ()
    assert run(lib, "tag", a, "--add", " , ").exit_code == 2


def test_note_set_show_clear_and_editor(lib: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (a,) = ids(lib, "-n", "1")
    assert run(lib, "note", a, "--set", "first\x1b[31m thought\n\nsecond").exit_code == 0
    assert Library(lib).get(a).note == "first[31m thought\n\nsecond"  # no escape char kept
    assert run(lib, "note", a, "--show").stdout == "first[31m thought\n\nsecond\n"
    assert run(lib, "note", a, "--set", "-", input="from stdin\n").exit_code == 0
    assert Library(lib).get(a).note == "from stdin"
    editor = tmp_path / "fake-editor"
    editor.write_text(f"#!{sys.executable}\nimport sys\nopen(sys.argv[1], 'a').write('edited')\n")
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    assert run(lib, "note", a).exit_code == 0
    assert Library(lib).get(a).note == "from stdin\nedited"
    assert ids(lib, "--query", "note:edited") == [a]
    assert run(lib, "note", a, "--clear").exit_code == 0
    assert Library(lib).get(a).note is None
    assert run(lib, "note", a, "--clear", "--show").exit_code == 2


def test_tags_and_notes_in_every_export(lib: Path) -> None:
    (a,) = ids(lib, "-n", "1")
    run(lib, "tag", a, "--add", "video,survey")
    run(lib, "note", a, "--set", "Check the ablation.")
    out = run(lib, "export", "--tag", "survey", "--format", "json")
    data = json.loads(out.stdout)
    assert [p["id"] for p in data] == [a]
    assert data[0]["tags"] == ["video", "survey"] and data[0]["note"] == "Check the ablation."
    bib = bibtexparser.parse_string(run(lib, "export", "--tag", "video", "--format", "bibtex").stdout)
    fields = bib.entries[0].fields_dict
    assert fields["keywords"].value.startswith("video, survey, readq:")
    assert fields["annote"].value == "Check the ablation."
    ris = rispy.loads(run(lib, "export", "--tag", "video", "--format", "ris").stdout)
    assert ris[0]["keywords"][:2] == ["video", "survey"] and "Check the ablation." in ris[0]["notes"]
    csl = json.loads(run(lib, "export", "--tag", "video", "--format", "csljson").stdout)
    assert csl[0]["keyword"].startswith("video, survey") and csl[0]["annote"] == "Check the ablation."
    md = run(lib, "export", "--tag", "video", "--format", "md").stdout
    assert "tags: video, survey" in md and "  > Check the ablation." in md
    csv_text = run(lib, "export", "--tag", "video", "--format", "csv").stdout
    assert "video; survey" in csv_text and "Check the ablation." in csv_text
