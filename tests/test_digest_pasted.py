"""Other paper lists people paste (arXiv field listings, Markdown tables, README <details>
blocks), files that are not paper lists, and `readq import --dry-run`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner

from readq.cli import cli
from readq.digest import parse_bytes

PASTED = Path(__file__).parent / "data" / "pasted"
CORPUS = Path(__file__).parent / "data" / "corpus"
ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 7, 30)


def parse(path: Path):
    return parse_bytes(path.read_bytes(), source=path.name, today=TODAY)


def test_arxiv_field_listing() -> None:
    result = parse(PASTED / "arxiv_fields_listing.txt")
    assert [(e.arxiv_id, e.title) for e in result.entries] == [
        ("2501.01234", "A Study of Things That Matter in Large Models"),
        ("2501.05678", "Another Paper About Efficient Attention Mechanisms for Long Inputs"),  # wrapped title
    ]
    assert result.entries[0].authors == ("Alice Smith", "Bob Jones")
    assert result.entries[1].abstract.endswith("many long-input benchmarks.")


def test_markdown_table_of_papers() -> None:
    result = parse(PASTED / "papers_table.md")
    assert [(e.title, e.arxiv_id) for e in result.entries] == [
        ("Attention Is All You Need", "1706.03762"),
        ("Deep Residual Learning for Image Recognition", "1512.03385"),
        ("BERT: Pre-training of Deep Bidirectional Transformers", "1810.04805"),
    ]
    assert [e.line for e in result.entries] == [5, 6, 7]  # each row's own line


def test_readme_details_blocks() -> None:
    result = parse(PASTED / "readme_details.md")
    first, second = result.entries
    assert (first.title, first.arxiv_id, first.authors) == (
        "LongRoPE: Extending LLM Context Window Beyond 2 Million Tokens", "2402.13753", ("Yiran Ding", "Li Lyna Zhang"))
    assert first.abstract.startswith("Large context window is a desirable feature")
    assert (second.arxiv_id, second.links) == ("2310.01889", ("https://github.com/lhao499/ring-attention",))
    assert "Awesome" not in {e.title for e in result.entries}


def test_files_that_are_not_paper_lists_say_so_without_phantoms() -> None:
    for path in (PASTED / "not_a_paper_list.md", ROOT / "README.md", ROOT / "docs" / "CLI.md", CORPUS / "README.md"):
        result = parse(path)
        assert result.entries == (), (path, [e.title for e in result.entries])
        assert any(w.message.startswith("no papers found") for w in result.warnings)


def _run(tmp_path: Path, *args: str):
    lib = tmp_path / "lib"
    return lib, CliRunner().invoke(cli, ["--library", str(lib), "import", "--dry-run", *args], catch_exceptions=False)


def test_dry_run_shows_layout_papers_fields_and_warnings_and_changes_nothing(tmp_path: Path) -> None:
    lib, result = _run(tmp_path, str(CORPUS / "hf_search_intercode_bash_notebooklm_PREFIX16k.txt"),
                       str(CORPUS / "hf_mirror_search_videosum_layoutB.txt"))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "layout: markdown" in out and "NotebookLM" in out and "layout: hf-compact" in out
    assert "1. Better than Your Teacher: LLM Agents that learn from Privileged AI Feedback" in out
    assert "arXiv 2410.05434 · 2 authors · published 2024-10-07 · upvotes 1" in out
    assert "warning: line 6: abstract looks cut off" in out
    assert "Dry run: 2 file(s), 12 paper(s) would be read; nothing was changed." in out
    assert not lib.exists()


def test_dry_run_json_and_a_file_that_is_not_a_list(tmp_path: Path) -> None:
    import json

    lib, result = _run(tmp_path, "--json", str(PASTED / "not_a_paper_list.md"))
    assert result.exit_code == 1
    (report,) = json.loads(result.stdout)
    assert report["papers"] == [] and report["layout"] == "unknown"
    assert any("not read as a paper list" in w for w in report["warnings"])
    assert not lib.exists()
