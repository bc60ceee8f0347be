"""Structured digests: CSV/TSV tables of papers (`csv_papers`) and RSS/Atom feeds (`xml_feeds`).

Fixtures are in tests/data/structured/: `feed_arxiv_id_list_*` and `feed_arxiv_query_*` are real
arXiv API answers recorded by others (copied unchanged; origins in the shared fixtures'
SOURCES.md); `feed_arxiv_rss_cs.CV.xml` is written here, modelled on the documented format of
arXiv's RSS feeds (rss.arxiv.org/rss/cs.CV: RSS 2.0, "arXiv:ID Announce Type: ... Abstract: ..."
descriptions, `dc:creator` "A, B"); the other `feed_*` and `csv_*` files are small hand-made
examples of each shape.

Tests named `test_dispatch_*` go through `parse_bytes` / the CLI import, so they need the two
modules wired into `readq/digest/parse.py:_dispatch`; every other test calls the modules directly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner, Result

from readq import export
from readq.cli import cli
from readq.digest import csv_papers, parse_bytes, xml_feeds
from readq.digest.context import Context
from readq.digest.links import find_urls, merge_links, strip_version
from readq.model import Entry, Paper

TODAY = dt.date(2026, 6, 1)
ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "structured"
GOLDEN = ROOT / "tests" / "golden" / "papers.json"
ARXIV_FIXTURES = sorted(DATA.glob("feed_arxiv_id_list_*.xml")) + sorted(DATA.glob("feed_arxiv_query_*.xml"))
NOT_OURS = [ROOT / "sample_digests", *(ROOT / "tests" / "data" / d for d in ("corpus", "digests", "captures"))]
FIELDS = ("title", "abstract", "authors", "authors_count", "org", "published", "upvotes", "links", "arxiv_id")
BAD = ("\x1b", "\x07", "\x9b", "\u202e", "\u202a", "\u2066")


def direct(module, text: str, name: str = "x") -> tuple[list[Entry], str, Context]:
    ctx = Context(f"some/dir/{name}", TODAY)
    entries, layout = module.parse(text, ctx)
    return entries, layout, ctx


def read(name: str) -> str:
    raw = (DATA / name).read_bytes().decode("utf-8")
    return raw.removeprefix("\ufeff")


def run(lib: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--library", str(lib), *args], catch_exceptions=False)


def by_title(entries: list[Entry]) -> dict[str, Entry]:
    return {e.title: e for e in entries}


def no_unsafe(entry: Entry) -> bool:
    texts = [entry.title, entry.abstract, entry.org or "", *entry.authors, *entry.links]
    return not any(ch in t for t in texts for ch in BAD)


# ---------------------------------------------------------------- readq's own CSV export


def _export_seed(tmp_path: Path, pattern: str) -> tuple[Path, list[dict]]:
    lib = tmp_path / "lib"
    seed = next((ROOT / "sample_digests").glob(pattern))
    assert run(lib, "import", str(seed)).exit_code == 0
    out = tmp_path / "papers.csv"
    assert run(lib, "export", "--format", "csv", "-o", str(out)).exit_code == 0
    papers = json.loads(run(lib, "list", "--json", "--all").stdout or "[]")
    if not papers:  # `list` shows only some statuses by default: take the JSON export instead
        js = tmp_path / "papers.json"
        assert run(lib, "export", "--format", "json", "-o", str(js)).exit_code == 0
        papers = json.loads(js.read_text(encoding="utf-8"))
    return out, papers


def _same_as_library(entries: list[Entry], papers: list[dict], *, abstract_urls: bool = False) -> None:
    """Every paper came back with the fields a CSV row carries; with `abstract_urls`, links may
    also hold the URLs of the abstract (every import adds them; hand-made papers may lack them)."""
    assert len(entries) == len(papers)  # no phantom paper, none lost
    got = by_title(entries)
    for paper in papers:
        entry = got[paper["title"]]
        for name in FIELDS:
            want = paper[name]
            want = tuple(want) if isinstance(want, list) else want
            want = strip_version(want) if name == "arxiv_id" and want else want
            want = merge_links(find_urls(entry.abstract), want) if name == "links" and abstract_urls else want
            assert getattr(entry, name) == want, (paper["title"], name)


@pytest.mark.parametrize("seed", ["004_*.txt", "000_*.txt"])
def test_readq_csv_export_round_trip(tmp_path: Path, seed: str) -> None:
    out, papers = _export_seed(tmp_path, seed)
    text = out.read_text(encoding="utf-8").replace("\r\n", "\n")
    assert csv_papers.looks_like(text) and not xml_feeds.looks_like(text)
    entries, layout, ctx = direct(csv_papers, text, out.name)
    assert layout == "csv" and len(papers) > 20
    _same_as_library(entries, papers)
    assert any("readq's own CSV export" in n for n in ctx.notes)


def test_readq_csv_export_round_trip_with_authors_ids_and_formula_cells() -> None:
    papers = [Paper.from_json(d) for d in orjson.loads(GOLDEN.read_bytes())]
    papers.append(dataclasses.replace(papers[0], id="f0f0f0f0f0f0f0f0", title="=1+1 is a formula",
                                      abstract="-1 starts this abstract; @ and + too.", org="@lab"))
    text = export.render(papers, "csv").replace("\r\n", "\n")
    assert "'=1+1" in text  # the export guards formula cells ...
    entries, _, _ = direct(csv_papers, text)
    _same_as_library(entries, [p.as_json() for p in papers], abstract_urls=True)  # ... and the import takes the guard off
    cost = by_title(entries)[papers[7].title]
    assert cost.authors[:2] == ("José Müller", "Li, Wei") and cost.arxiv_id == "2501.01234"


def test_dispatch_readq_csv_export_imports_exactly_its_papers(tmp_path: Path) -> None:
    out, papers = _export_seed(tmp_path, "004_*.txt")
    result = parse_bytes(out.read_bytes(), source=str(out), today=TODAY)
    assert result.layout == "csv"
    _same_as_library(list(result.entries), papers)
    again = tmp_path / "again"
    done = run(again, "import", str(out))
    assert done.exit_code == 0 and f"{len(papers)} new papers" in done.output


# ---------------------------------------------------------------- other tables


def test_zotero_csv_export() -> None:
    entries, layout, ctx = direct(csv_papers, read("csv_zotero_export.csv"))
    assert layout == "csv" and "Zotero CSV export" in ctx.notes
    attention, deep, gpt4 = entries
    assert attention.title == "Attention Is All You Need" and attention.arxiv_id == "1706.03762"
    assert attention.authors == ("Ashish Vaswani", "Noam Shazeer", "Niki Parmar")
    assert attention.published == "2017-06-12" and '"encoder-decoder"' in attention.abstract
    assert deep.arxiv_id is None and deep.published is None  # "2015-05" is not a day
    assert deep.links == ("https://www.nature.com/articles/nature14539",)
    assert gpt4.arxiv_id == "2303.08774" and gpt4.published == "2023-03-15" and gpt4.authors == ("OpenAI",)
    assert any("without a title" in w.message for w in ctx.warnings)


def test_tsv_spreadsheet() -> None:
    text = read("csv_papers_sheet.tsv")
    assert csv_papers.looks_like(text)
    (lora, qlora), _, _ = direct(csv_papers, text)
    assert lora.title.startswith("LoRA") and lora.arxiv_id == "2106.09685" and lora.published == "2021-06-17"
    assert lora.authors == ("Edward J. Hu", "Yelong Shen", "Phillip Wallis")
    assert lora.links == ("https://github.com/microsoft/LoRA",)
    assert qlora.arxiv_id == "2305.14314" and qlora.published == "2023-05-23"
    assert qlora.authors == ("Tim Dettmers", "Artidoro Pagnoni")


def test_multiline_quoted_abstracts() -> None:
    entries, _, ctx = direct(csv_papers, read("csv_multiline_abstracts.csv"))
    flow, ddpm, project = entries
    assert flow.abstract.startswith("We introduce a new paradigm for generative modeling. It is built on")
    assert '"CNFs"' in flow.abstract and flow.arxiv_id == "2210.02747" and flow.upvotes == 42
    assert flow.links == ("https://github.com/facebookresearch/flow_matching",)
    assert (flow.line, ddpm.line, project.line) == (2, 6, 8)
    assert ddpm.arxiv_id == "2006.11239" and ddpm.upvotes == 1200
    assert ddpm.abstract == "High quality image synthesis with diffusion probabilistic models."
    assert project.links == ("https://example.org/project",) and project.arxiv_id is None
    assert ctx.warnings == []


def test_name_column_beside_paper_columns() -> None:
    text = "Name,Authors,Year\nAttention Is All You Need,\"Vaswani, Shazeer\",2017\n"
    assert csv_papers.looks_like(text)
    [paper], _, _ = direct(csv_papers, text)
    assert paper.title == "Attention Is All You Need" and paper.authors == ("Vaswani", "Shazeer")


def test_arxiv_ids_in_cells_are_validated() -> None:
    text = (
        "\ufeffTitle,Number,arXiv,DOI\n"
        "Old style,TR/2024001,math.GT/0309136v2,\n"
        "By DOI,,,10.48550/arXiv.2401.12345\n"
        "Not an ID,,abc,10.1038/nature14539\n"
    )
    entries, _, _ = direct(csv_papers, text)
    assert [e.arxiv_id for e in entries] == ["math.GT/0309136", "2401.12345", None]


def test_semicolon_table_picks_the_title_column() -> None:
    text = read("csv_semicolon_excel.csv")
    assert csv_papers.looks_like(text)
    [paper], _, _ = direct(csv_papers, text)
    assert paper.title == "Score-Based Generative Modeling through SDEs" and paper.published == "2020-11-26"


def test_hostile_cells_come_out_clean() -> None:
    text = read("csv_hostile.csv")
    formula, safe = direct(csv_papers, text)[0]
    assert formula.title == '=HYPERLINK("http://evil.example")'  # data, not a formula, in the library
    assert formula.abstract.startswith("-1 is") and "'@ too" in formula.abstract
    assert safe.title == "Safe Title here" and safe.abstract == "Abstract red"
    assert no_unsafe(formula) and no_unsafe(safe)


def test_truncated_and_malformed_tables() -> None:
    [whole], _, ctx = direct(csv_papers, read("csv_truncated.csv"))
    assert whole.title == "A complete row"
    assert any("cut off" in w.message for w in ctx.warnings)
    for text in ('title,abstract\n"a","b","c","d"\n', "title,abstract\n", 'title\tx\n"\n', "title,x\n\x00,\n"):
        entries, layout, _ = direct(csv_papers, text)
        assert entries == [] and layout == "csv"


# ---------------------------------------------------------------- feeds


@pytest.mark.parametrize("path", ARXIV_FIXTURES, ids=lambda p: p.name)
def test_real_arxiv_atom_answers(path: Path) -> None:
    from readq.identity.arxiv import parse_feed
    from readq.identity.http import ResponseError

    text = read(path.name)
    assert xml_feeds.looks_like(text) and not csv_papers.looks_like(text)
    entries, layout, ctx = direct(xml_feeds, text, path.name)
    assert layout == "arxiv-atom"
    try:
        found, _ = parse_feed(path.read_bytes())
    except ResponseError:  # the API's error entry: a warning here, no papers
        assert entries == [] and any("arXiv API error" in w.message for w in ctx.warnings)
        return
    assert [(e.arxiv_id, e.title, e.authors, e.published, e.abstract) for e in entries] == [
        (f.arxiv_id, f.title, f.authors, f.published, f.abstract) for f in found
    ]
    assert all(e.authors_count == len(e.authors) for e in entries)
    if not found:
        assert ctx.warnings == []  # "not found" answers hold nothing, and that is no error


def test_arxiv_atom_details() -> None:
    [hot], _, _ = direct(xml_feeds, read("feed_arxiv_id_list_astro-ph_0601001.xml"))
    assert hot.arxiv_id == "astro-ph/0601001" and hot.published == "2006-01-02"
    assert hot.links == ("http://www.astronomy.ohio-state.edu/~gould/ogle_hot_jupiters.ps.gz",)  # from arxiv:comment
    [legacy], _, _ = direct(xml_feeds, read("feed_arxiv_id_list_1601.00001_legacy-format-2020.xml"))
    assert legacy.title == "Inelastic effects in molecular transport junctions: The probe technique at high bias"
    assert legacy.line == 10


def test_arxiv_rss_feed() -> None:
    text = read("feed_arxiv_rss_cs.CV.xml")
    entries, layout, ctx = direct(xml_feeds, text)
    assert layout == "rss" and ctx.digest_date == "2024-06-03" and ctx.warnings == []
    new, cross, replaced = entries
    assert new.arxiv_id == "2406.01234" and new.published == "2024-06-03"
    assert new.abstract.startswith("We present sparse voxel fields")  # the announcement line is gone
    assert new.authors == ("Ada Lovelace", "Alan Turing", "Grace Hopper") and new.authors_count == 3
    assert new.links == ("https://github.com/example/svf",)
    assert cross.arxiv_id == "2406.01302" and "p < 0.05" in cross.abstract
    assert replaced.arxiv_id == "2012.12556" and replaced.published is None  # a replacement: not its date


def test_atom_with_escaped_html() -> None:
    entries, layout, ctx = direct(xml_feeds, read("feed_atom_html_summary.xml"))
    assert layout == "atom"
    sae, notes = entries
    assert sae.title == "Scaling Sparse Autoencoders & Friends" and sae.arxiv_id == "2406.04093"
    assert sae.abstract == "Sparse autoencoders scale cleanly to 16M latents. Code: repo — results hold."
    assert sae.links == ("https://github.com/openai/sparse_autoencoder",)
    assert sae.authors == ("Leo Gao", "Tom Dupré la Tour") and sae.published == "2024-06-06"
    assert notes.abstract == "Classifier-free guidance, explained with toy examples."
    assert notes.published == "2024-06-05" and notes.links == ("https://blog.example.org/posts/guidance",)
    assert [w.line for w in ctx.warnings if "without a title" in w.message] == [24]


def test_rss1_rdf_feed() -> None:
    [paper], layout, ctx = direct(xml_feeds, read("feed_rss1_rdf.xml"))
    assert layout == "rss" and ctx.digest_date == "2023-06-01"
    assert paper.title == "Token Budgets for Long Documents" and paper.arxiv_id == "2306.00001"
    assert paper.authors == ("Jane Doe", "Richard Roe")
    assert paper.abstract == "We study how to spend a fixed token budget on long documents."


def test_entity_declarations_are_refused() -> None:
    text = read("feed_entity_declaration.xml")
    assert xml_feeds.looks_like(text)
    entries, _, ctx = direct(xml_feeds, text)
    assert entries == [] and any("entities" in w.message for w in ctx.warnings)


def test_hostile_feed_comes_out_clean() -> None:
    [paper], _, _ = direct(xml_feeds, read("feed_hostile_escapes.xml"))
    assert paper.title == "Safe Title Here" and paper.arxiv_id == "2406.09999"
    assert "52;" not in paper.title and "pwned" not in paper.abstract  # the whole sequence goes
    assert paper.authors == ("Mallory Reverse",) and paper.published == "2024-06-04"
    assert no_unsafe(paper)


def test_feed_quirks_that_still_parse() -> None:
    text = (
        '  \n<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        '"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n'
        "<rss version=\"0.91\"><channel><item><title>Caf&eacute;&nbsp;Models</title>"
        "<link>https://example.org/p/1</link><description>Small&nbsp;models &amp; big ones.</description>"
        "<pubDate>Sun, 31 Dec 2023 23:30:00 GMT</pubDate></item></channel></rss>"
    )
    assert xml_feeds.looks_like(text)
    [paper], layout, _ = direct(xml_feeds, text)
    assert layout == "rss" and paper.title == "Café Models" and paper.abstract == "Small models & big ones."
    assert paper.published == "2023-12-31" and paper.links == ("https://example.org/p/1",) and paper.line == 4


@pytest.mark.parametrize("text", [
    read("feed_truncated.xml"),
    "<rss><channel><item><title>x</title>",
    "<feed><entry><title>a</title></entry></fee>",
    '<?xml version="1.0"?><rss version="2.0"><channel><item><description>no title</description></item></channel></rss>',
    "<feed xmlns='http://www.w3.org/2005/Atom'><entry><title>&undefined;</title></entry></feed>",
    "<rss>" + "<item><title>deep</title>" * 50,
])
def test_malformed_feeds_give_warnings_not_tracebacks(text: str) -> None:
    entries, _, ctx = direct(xml_feeds, text)
    assert entries == [] and ctx.warnings


# ---------------------------------------------------------------- sniffers


def test_sniffers_claim_their_own_files_only() -> None:
    for path in sorted(DATA.iterdir()):
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.name.startswith("csv_"):
            assert csv_papers.looks_like(text) and not xml_feeds.looks_like(text), path.name
        elif path.name.startswith("feed_"):
            assert xml_feeds.looks_like(text) and not csv_papers.looks_like(text), path.name


@pytest.mark.parametrize("folder", NOT_OURS, ids=lambda p: p.name)
def test_sniffers_leave_other_layouts_alone(folder: Path) -> None:
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not csv_papers.looks_like(text), path
        assert not xml_feeds.looks_like(text), path


@pytest.mark.parametrize("text", [
    "| Title | Abstract |\n|---|---|\n| A | B |\n",
    "Title, as they say, is everything.\nAnd this line, too, is prose.\n",
    "title,abstract\n",  # a header alone
    "Title,Abstract\nOnly one cell here\n",
    "Name: Jane\nPaper: something\n",
    "<!DOCTYPE html><html><body><p>Title,Abstract</p></body></html>",
    "# Papers\n\nTitle,Abstract\nA,B\n",
    "name,age\nalice,3\nbob,4\n",  # "Name" is a title column only beside a paper column
])
def test_csv_sniffer_is_strict(text: str) -> None:
    assert not csv_papers.looks_like(text)


@pytest.mark.parametrize("text,claimed", [
    ('<?xml version="1.0"?>\n<!-- c -->\n<?xml-stylesheet href="s.xsl"?>\n<rss version="2.0"></rss>', True),
    ("<feed xmlns='http://www.w3.org/2005/Atom'/>", True),
    ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF>', True),
    ("<!DOCTYPE html><html><body>rss</body></html>", False),
    ('<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"></html>', False),
    ("<feedback>not a feed</feedback>", False),
    ("A paper about <rss> feeds.\n", False),
    ("<!-- never closed <rss>", False),
])
def test_feed_sniffer(text: str, claimed: bool) -> None:
    assert xml_feeds.looks_like(text) is claimed


# ---------------------------------------------------------------- through the import (needs the wiring)


@pytest.mark.parametrize("name,layout,count", [
    ("feed_arxiv_query_testing_start0_max10.xml", "arxiv-atom", 10),
    ("feed_arxiv_rss_cs.CV.xml", "rss", 3),
    ("feed_atom_html_summary.xml", "atom", 2),
    ("csv_zotero_export.csv", "csv", 3),
    ("csv_papers_sheet.tsv", "csv", 2),
])
def test_dispatch_structured_files(name: str, layout: str, count: int) -> None:
    result = parse_bytes((DATA / name).read_bytes(), source=name, today=TODAY)
    assert (result.layout, len(result.entries)) == (layout, count)


def test_dispatch_hostile_files_and_errors() -> None:
    for name in ("csv_hostile.csv", "feed_hostile_escapes.xml"):
        result = parse_bytes((DATA / name).read_bytes(), source=name, today=TODAY)
        assert result.entries and all(no_unsafe(e) for e in result.entries)
    for name in ("feed_entity_declaration.xml", "feed_arxiv_id_list_abc_error-400.xml", "feed_truncated.xml"):
        result = parse_bytes((DATA / name).read_bytes(), source=name, today=TODAY)
        assert result.entries == () and result.layout != "error" and result.warnings
