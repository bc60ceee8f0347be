"""Citations and exports of resolved papers parse back with their authors and arXiv IDs."""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors
from click.testing import CliRunner

from readq import export
from readq.cite import bibtex_entries, cite
from readq.cli import cli
from readq.csl import UnknownStyle, formatted_citation
from readq.identity.fetch import entry_from_found
from readq.identity.hf import found_from_item
from readq.identity.record import updates_for
from readq.library import Library
from readq.model import Paper
from tests.helpers.fake_api import FIXTURES


@pytest.fixture
def resolved(tmp_path: Path) -> list[Paper]:
    """The recorded day's 30 papers, imported and resolved as `readq fetch` leaves them."""
    items = json.loads((FIXTURES / "hf_daily_papers_limit30_2026-06-12.json").read_bytes())
    found = [f for f in map(found_from_item, items) if f]
    lib = Library(tmp_path / "lib")
    lib.ingest(entry_from_found(f, "2026-06-12") for f in found)
    by_id = {p.arxiv_id: p for p in lib.papers()}
    lib.set_fields({by_id[f.arxiv_id].id: updates_for(by_id[f.arxiv_id], f, "2026-11-30T00:00:00+00:00")
                    for f in found})
    return Library(tmp_path / "lib").papers()


def test_bibtex_parses_back_with_authors_and_eprint(resolved: list[Paper]) -> None:
    text = bibtex_entries(resolved)
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware(), SeparateCoAuthors()])
    assert not library.failed_blocks
    assert len(library.entries) == len(resolved)
    keys = [e.key for e in library.entries]
    assert len(set(keys)) == len(keys)
    by_eprint = {e["eprint"]: e for e in library.entries}
    for paper in resolved:
        entry = by_eprint[paper.arxiv_id]
        assert entry["archivePrefix"] == "arXiv" and entry["year"] == paper.published[:4]
        assert list(entry["author"]) == list(paper.authors)
        assert entry["url"] == f"https://arxiv.org/abs/{paper.arxiv_id}"
    first = resolved[0]
    surname = first.authors[0].split()[-1].lower()
    assert bibtexparser.parse_string(cite(first)).entries[0].key.startswith(f"{surname}{first.published[:4]}")


def test_ris_parses_back(resolved: list[Paper]) -> None:
    records = rispy.loads(export.render(resolved, "ris"))
    assert len(records) == len(resolved)
    for paper, record in zip(resolved, records):
        assert record["doi"] == f"10.48550/arXiv.{paper.arxiv_id}"
        assert record["year"] == paper.published[:4]
        assert len(record["authors"]) == len(paper.authors)


def test_csljson_parses_back(resolved: list[Paper]) -> None:
    items = json.loads(export.render(resolved, "csljson"))
    for paper, item in zip(resolved, items):
        assert item["DOI"] == f"10.48550/arXiv.{paper.arxiv_id}"
        assert item["issued"]["date-parts"][0][:3] == [int(x) for x in paper.published.split("-")]
        assert [a.get("family") or a.get("literal") for a in item["author"]][0] == paper.authors[0].split()[-1]


def test_text_and_markdown_citations_name_authors_and_year(resolved: list[Paper]) -> None:
    paper = next(p for p in resolved if len(p.authors) > 3)
    surname, year = paper.authors[0].split()[-1], paper.published[:4]
    assert cite(paper, "markdown").startswith(f"{paper.authors[0]} et al. ({year}). [")
    assert cite(paper, "text") == formatted_citation(paper, "apa")
    apa = formatted_citation(paper)
    assert apa.startswith(f"{surname}, ") and f"({year})" in apa and f"10.48550/arXiv.{paper.arxiv_id}" in apa
    ieee = formatted_citation(paper, "ieee")
    assert not ieee.startswith("[1]") and surname in ieee
    with pytest.raises(UnknownStyle):
        formatted_citation(paper, "no-such-style")


def test_cite_command_styles(tmp_path: Path, resolved: list[Paper]) -> None:
    env = {"READQ_LIBRARY": str(tmp_path / "lib")}
    paper = resolved[0]
    runner = CliRunner()
    apa = runner.invoke(cli, ["cite", paper.id, "--format", "text"], env=env)
    assert apa.exit_code == 0 and paper.authors[0].split()[-1] in apa.output
    chicago = runner.invoke(cli, ["cite", paper.id, "--format", "text", "--style", "chicago-author-date"], env=env)
    assert chicago.exit_code == 0 and chicago.output != apa.output
    bad = runner.invoke(cli, ["cite", paper.id, "--format", "text", "--style", "nope"], env=env)
    assert bad.exit_code == 2 and "unknown citation style" in bad.output


def test_link_setting_picks_what_y_and_link_give(tmp_path: Path, resolved: list[Paper]) -> None:
    from readq.config import load_config

    config = tmp_path / "config.toml"
    config.write_text('link = "pdf"\n')
    assert load_config(config).link == "pdf"
    config.write_text('link = "doi"\n')
    assert load_config(config).link == "hf" and "expected one of hf, arxiv, pdf" in load_config(config).warnings[0]
    config.write_text('link = "arxiv"\n')
    paper = resolved[0]
    out = CliRunner().invoke(cli, ["link", paper.id], env={"READQ_LIBRARY": str(tmp_path / "lib"),
                                                           "READQ_CONFIG": str(config)}).output
    assert out.strip() == f"https://arxiv.org/abs/{paper.arxiv_id}"


def test_cite_style_setting(tmp_path: Path, resolved: list[Paper]) -> None:
    from readq.config import load_config

    config = tmp_path / "config.toml"
    config.write_text('cite_style = "ieee"\n')
    assert load_config(config).cite_style == "ieee"
    out = CliRunner().invoke(cli, ["cite", resolved[0].id, "--format", "text"],
                             env={"READQ_LIBRARY": str(tmp_path / "lib"), "READQ_CONFIG": str(config)}).output
    assert out.strip() == formatted_citation(resolved[0], "ieee")
    config.write_text('cite_style = "no-such-style"\n')
    loaded = load_config(config)
    assert loaded.cite_style == "apa" and "no CSL style by that name" in loaded.warnings[0]
