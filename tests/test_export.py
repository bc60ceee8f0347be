"""Exports: golden files per format, and every format read back by a real parser.

Regenerate the golden files after an intended change with
`READQ_UPDATE_GOLDEN=1 pytest tests/test_export.py`, then review the diff.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import bibtexparser
import orjson
import pytest
import rispy

from readq import export
from readq.cite import latex_unescape
from readq.store.atomic import FileExistsNoForce
from readq.model import Paper

GOLDEN = Path(__file__).parent / "golden"
GOLDEN_FILES = {
    "json": "export.json",
    "md": "export.md",
    "bibtex": "export.bib",
    "csv": "export.csv",
    "ris": "export.ris",
    "csljson": "export.csl.json",
}


def load_papers() -> list[Paper]:
    return [Paper.from_json(d) for d in orjson.loads((GOLDEN / "papers.json").read_bytes())]


@pytest.fixture
def papers() -> list[Paper]:
    return load_papers()


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_golden(fmt: str, papers: list[Paper]) -> None:
    rendered = export.render(papers, fmt).encode("utf-8")
    path = GOLDEN / GOLDEN_FILES[fmt]
    if os.environ.get("READQ_UPDATE_GOLDEN") == "1":
        path.write_bytes(rendered)
    assert path.exists(), f"missing {path.name}: run with READQ_UPDATE_GOLDEN=1"
    assert rendered == path.read_bytes(), f"{path.name} changed: review, then READQ_UPDATE_GOLDEN=1"


def test_every_format_is_covered_by_a_golden_file() -> None:
    assert set(GOLDEN_FILES) == set(export.FORMATS)


# ---------------------------------------------------------------- read back with real parsers


def test_json_reads_back_as_the_contract_shape(papers: list[Paper]) -> None:
    data = json.loads(export.render(papers, "json"))
    assert data == [p.as_json() for p in papers]
    assert [Paper.from_json(d) for d in data] == papers
    assert "中文" in export.render(papers, "json")  # UTF-8, not \u escapes


def test_bibtex_reads_back(papers: list[Paper]) -> None:
    library = bibtexparser.parse_string(export.render(papers, "bib"))
    assert not library.failed_blocks
    entries = library.entries
    assert len(entries) == len(papers)
    assert len({e.key for e in entries}) == len(papers)
    for paper, entry in zip(papers, entries, strict=True):
        fields = entry.fields_dict
        assert latex_unescape(fields["title"].value[1:-1]) == paper.title
        assert f"readq:{paper.status.value}" in fields["keywords"].value
        assert ("readq:starred" in fields["keywords"].value) == paper.starred


def test_csv_reads_back(papers: list[Paper]) -> None:
    text = export.render(papers, "csv")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == len(papers)
    assert tuple(rows[0]) == export.CSV_COLUMNS
    for paper, row in zip(papers, rows, strict=True):
        assert (
            row["id"] == paper.id
            and row["title"] == paper.title
            and row["abstract"] == paper.abstract
        )
        assert row["status"] == paper.status.value
        assert row["starred"] == ("true" if paper.starred else "false")
        assert row["authors"] == "; ".join(paper.authors)
    crafted = rows[7]
    assert (
        crafted["sources"]
        == "000_44acc7d1eb537eca.txt (2026-03-12); 004_d742356525c87248.txt (2026-06-15)"
    )
    assert crafted["upvotes"] == "42" and crafted["authors_count"] == "3"
    assert rows[8]["sources"] == "003_dfbcd3d7737307f2.txt" and rows[8]["published"] == ""


def test_ris_reads_back(papers: list[Paper]) -> None:
    records = rispy.loads(export.render(papers, "ris"))
    assert len(records) == len(papers)
    for paper, record in zip(papers, records, strict=True):
        assert record["type_of_reference"] == "RPRT"
        assert record["title"] == paper.title
        assert record["id"] == paper.id
        assert f"readq:{paper.status.value}" in record["keywords"]
        assert ("readq:starred" in record["keywords"]) == paper.starred
        assert record["notes"][0].startswith(f"readq status: {paper.status.value}")
    crafted = records[7]
    assert crafted["authors"] == ["Müller, José", "Li, Wei", "张伟"]
    assert crafted["year"] == "2025" and crafted["date"] == "2025/01/07"
    assert crafted["issn"] == "arXiv:2501.01234v2"  # rispy's name for SN (report number in Zotero)
    assert "readq status: read; starred" in crafted["notes"][0]
    assert "Organization: Université Côte d\u2019Azur" in crafted["notes"][0]
    assert "4 authors" in records[4]["notes"][0]  # names unknown: the count travels in the note


def test_csljson_reads_back(papers: list[Paper]) -> None:
    items = json.loads(export.render(papers, "csl-json"))
    assert len(items) == len(papers)
    assert len({item["id"] for item in items}) == len(papers)
    bib_keys = [e.key for e in bibtexparser.parse_string(export.render(papers, "bibtex")).entries]
    assert [item["id"] for item in items] == bib_keys
    for paper, item in zip(papers, items, strict=True):
        assert item["type"] == "article" and item["title"] == paper.title
        assert f"readq:{paper.status.value}" in item["keyword"]
        assert ("readq:starred" in item["keyword"]) == paper.starred
        assert f"readq id: {paper.id}" in item["note"]
    crafted = items[7]
    assert crafted["author"] == [
        {"family": "Müller", "given": "José"},
        {"family": "Li", "given": "Wei"},
        {"literal": "张伟"},
    ]
    assert crafted["issued"] == {"date-parts": [[2025, 1, 7]]}
    assert (crafted["number"], crafted["archive"]) == ("2501.01234v2", "arXiv")
    assert "issued" not in items[0] and "author" not in items[0]


def test_markdown_groups_checkboxes_and_stars(papers: list[Paper]) -> None:
    text = export.render(papers, "markdown")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["## To read (3)", "## New (3)", "## Read (2)", "## Skipped (1)"]
    assert "- [x] [VideoLLaMB" in text
    assert "- [ ] ★ [VBench++" in text
    assert "  2025-11-10 · NVIDIA · 3 upvotes" in text
    assert "  2024-09-02 · 4 authors · 6 upvotes" in text
    assert "[arXiv:2501.01234v2](https://arxiv.org/abs/2501.01234v2)" in text


# ---------------------------------------------------------------- formats and writing


@pytest.mark.parametrize(
    ("alias", "fmt"),
    [("markdown", "md"), ("bib", "bibtex"), ("csl-json", "csljson"), ("CSL", "csljson")],
)
def test_aliases(alias: str, fmt: str, papers: list[Paper]) -> None:
    assert export.normalize_format(alias) == fmt
    assert export.render(papers, alias) == export.render(papers, fmt)


def test_unknown_format_lists_choices(papers: list[Paper]) -> None:
    with pytest.raises(ValueError, match="json, md, bibtex, csv, ris, csljson"):
        export.render(papers, "docx")


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_empty_export_is_valid(fmt: str) -> None:
    text = export.render([], fmt)
    if fmt in ("json", "csljson"):
        assert json.loads(text) == []
    elif fmt == "csv":
        assert list(csv.reader(io.StringIO(text))) == [list(export.CSV_COLUMNS)]
    elif fmt == "ris":
        assert rispy.loads(text) == []
    elif fmt == "bibtex":
        assert bibtexparser.parse_string(text).entries == []
    else:
        assert "No papers." in text


def test_write_to_stream(papers: list[Paper]) -> None:
    out = io.StringIO()
    assert export.write(papers, "md", None, stream=out) == len(papers)
    assert out.getvalue() == export.render(papers, "md")


def test_write_to_stdout(papers: list[Paper], capsys: pytest.CaptureFixture[str]) -> None:
    assert export.write(iter(papers[:2]), "bib", None) == 2
    assert capsys.readouterr().out == export.render(papers[:2], "bib")


def test_write_file_never_clobbers_without_force(papers: list[Paper], tmp_path: Path) -> None:
    target = tmp_path / "sub" / "list.ris"
    assert export.write(papers, "ris", target) == len(papers)
    assert target.read_text(encoding="utf-8") == export.render(papers, "ris")
    with pytest.raises(FileExistsNoForce):
        export.write(papers[:1], "ris", target)
    assert target.read_text(encoding="utf-8") == export.render(papers, "ris")
    assert export.write(papers[:1], "ris", target, force=True) == 1
    assert len(rispy.loads(target.read_text(encoding="utf-8"))) == 1
    assert sorted(p.name for p in target.parent.iterdir()) == ["list.ris"]  # no temp files left


def test_extensions_cover_every_format() -> None:
    assert set(export.EXTENSIONS) == set(export.FORMATS)
