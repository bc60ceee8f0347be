"""A reading list readq exports imports back: every paper, with the fields its format carries.

Users move lists between libraries and machines, and share them: each export format must be a
format readq reads. The library comes from the real seeds and captures (abstracts, authors, arXiv
ids, orgs, votes, code links), one paper is starred and a few are marked, so the Markdown export
has several status groups, checkboxes and stars.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readq.cli.base import main

ROOT = Path(__file__).resolve().parent.parent
INPUTS = [ROOT / "sample_digests", ROOT / "tests" / "data" / "corpus", ROOT / "tests" / "data" / "captures"]

# What each format writes of a paper (and so must come back).
CARRIES = {
    "markdown": ("arxiv_id", "published", "upvotes", "authors_count"),
    "json": ("abstract", "authors", "authors_count", "org", "published", "upvotes", "links", "arxiv_id"),
    "csl-json": ("abstract", "authors", "published", "arxiv_id"),
    "bibtex": ("abstract", "authors", "arxiv_id"),
    "ris": ("abstract", "authors", "published", "arxiv_id"),
    "csv": ("abstract", "authors", "authors_count", "org", "published", "upvotes", "links", "arxiv_id"),
}


def _run(*args: str) -> None:
    try:
        main(list(args))
    except SystemExit as exc:
        assert exc.code in (0, None), args


def _papers(lib: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, dict]:
    capsys.readouterr()
    _run("--library", str(lib), "list", "--json")
    return {p["title"]: p for p in json.loads(capsys.readouterr().out)}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    work = tmp_path_factory.mktemp("export")
    lib = work / "lib"
    _run("--library", str(lib), "import", "-q", *map(str, INPUTS))
    files = {}
    for fmt in CARRIES:
        files[fmt] = work / f"list.{fmt}"
        _run("--library", str(lib), "export", "--format", fmt, "-o", str(files[fmt]))
    return lib, files


@pytest.mark.parametrize("fmt", sorted(CARRIES))
def test_an_export_imports_back_whole(fmt: str, exported: tuple[Path, dict[str, Path]], tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    lib, files = exported
    before = _papers(lib, capsys)
    again = tmp_path / "again"
    _run("--library", str(again), "import", "-q", str(files[fmt]))
    after = _papers(again, capsys)
    assert sorted(after) == sorted(before)  # every paper back, no phantom
    for title, paper in before.items():
        back = after[title]
        for name in CARRIES[fmt]:
            if name == "links":  # a Hugging Face search link stands for the title, not a link of the paper
                assert set(back[name]) <= set(paper[name]), (fmt, title)
                assert {u for u in paper[name] if "papers?q=" not in u} <= set(back[name]), (fmt, title)
            elif paper.get(name) is not None and back.get(name) is not None:
                assert back[name] == paper[name], (fmt, title, name)
        assert back["arxiv_id"] == paper["arxiv_id"], (fmt, title)


def test_a_markdown_checklist_keeps_links_and_skips_notes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    md = tmp_path / "list.md"
    md.write_text(
        "# Reading list\n\n## To read (2)\n\n"
        "- [ ] ★ [Paper One: A Study](https://arxiv.org/abs/2406.01234)\\\n"
        "  2024-06-03 · Moments Lab · 12 authors · 7 upvotes · [Code](https://github.com/a/one)\n\n"
        "  > my own note, not an abstract\n"
        "- [x] [Paper Two: Another](https://huggingface.co/papers?q=Paper+Two)\n",
        encoding="utf-8",
    )
    lib = tmp_path / "lib"
    _run("--library", str(lib), "import", "-q", str(md))
    got = _papers(lib, capsys)
    assert sorted(got) == ["Paper One: A Study", "Paper Two: Another"]
    one = got["Paper One: A Study"]
    assert (one["arxiv_id"], one["published"], one["org"], one["authors_count"], one["upvotes"]) == (
        "2406.01234", "2024-06-03", "Moments Lab", 12, 7)
    assert "https://github.com/a/one" in one["links"] and not one["abstract"]


def test_the_layouts_docs_table_names_every_layout() -> None:
    """docs/CLI.md lists what `import --dry-run` can print, with the same words."""
    from readq.preview import LAYOUTS

    doc = (ROOT / "docs" / "CLI.md").read_text(encoding="utf-8")
    section = doc.split("## What `readq import` reads", 1)[1].split("\n## ", 1)[0]
    rows = {line.split("|")[1].strip(" `"): line.split("|")[2].strip() for line in section.splitlines()
            if line.startswith("| `")}
    assert rows == {k: v for k, v in LAYOUTS.items() if k not in ("unknown", "empty", "error")}
