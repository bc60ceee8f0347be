"""JSON paper lists (`readq.digest.json_papers`): recorded Hugging Face and Semantic Scholar API
answers, readq's own JSON and CSL-JSON exports read back, Zotero CSL-JSON, generic lists and JSON
Lines, hostile escapes, broken files, and JSON that holds no papers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from readq.cli import cli
from readq.digest import json_papers
from readq.digest.context import Context
from readq.digest.decode import decode_with_codec, normalize_newlines
from readq.model import Entry
from readq.textclean import clean

TESTS = Path(__file__).resolve().parent
API = TESTS / "fixtures" / "api"
DATA = TESTS / "data" / "structured"
TODAY = dt.date(2026, 11, 30)


def read(path: Path) -> tuple[list[Entry], str, Context]:
    """The module as the dispatcher runs it: on the cleaned text, `looks_like` then `parse`."""
    text, _ = decode_with_codec(path.read_bytes())
    text = clean(normalize_newlines(text)).removeprefix("\ufeff")
    ctx = Context(str(path), TODAY)
    assert json_papers.looks_like(text), path.name
    entries, layout = json_papers.parse(text, ctx)
    return entries, layout, ctx


def messages(ctx: Context) -> list[str]:
    return [w.message for w in ctx.warnings]


# ---------------------------------------------------------------- Hugging Face API recordings


@pytest.mark.parametrize("name", [
    "hf_daily_papers_date_2026-07-31_first5.json",
    "hf_daily_papers_limit30_2026-06-12.json",
    "hf_papers_search_q-kazakh.json",
    "hf_papers_search_q-llama_3_herd.json",
])
def test_hf_lists_give_every_paper(name: str) -> None:
    items = json.loads((API / name).read_bytes())
    entries, layout, ctx = read(API / name)
    assert layout == "hf-api-json"
    assert [e.title for e in entries] == [" ".join(i["paper"]["title"].split()) for i in items]
    assert [e.arxiv_id for e in entries] == [i["paper"]["id"] for i in items]
    assert [e.authors_count for e in entries] == [
        sum(1 for a in i["paper"]["authors"] if not a.get("hidden")) or None for i in items
    ]
    assert [e.upvotes for e in entries] == [i["paper"]["upvotes"] for i in items]
    assert all(e.abstract and e.published for e in entries)
    assert not any(m.startswith("title with no abstract") for m in messages(ctx))


def test_hf_daily_list_names_its_day_and_org_and_links() -> None:
    entries, _, ctx = read(API / "hf_daily_papers_limit30_2026-06-12.json")
    assert ctx.digest_date == "2026-06-12"
    first = entries[0]
    assert first.title.startswith("On the Limits of LLM Adaptability")
    assert first.authors == ("Etienne Casanova", "Rafal Kocielnik", "R. Michael Alvarez")
    assert first.published == "2026-05-30"
    assert first.org == "California institute of technology"
    assert entries[1].links == ("https://github.com/psychology-of-AI/Rethinking-Pyschometric-Eval-LLMs",)
    # one author of one paper is hidden: skipped, and not counted
    items = json.loads((API / "hf_daily_papers_limit30_2026-06-12.json").read_bytes())
    hidden = next(i for i in items if any(a.get("hidden") for a in i["paper"]["authors"]))
    entry = next(e for e in entries if e.arxiv_id == hidden["paper"]["id"])
    assert entry.authors_count == len(hidden["paper"]["authors"]) - 1


def test_hf_search_results_name_no_day() -> None:
    entries, _, ctx = read(API / "hf_papers_search_q-llama_3_herd.json")
    assert ctx.digest_date is None
    assert entries[0].title == "The Llama 3 Herd of Models"
    assert (entries[0].arxiv_id, entries[0].published) == ("2407.21783", "2024-07-31")
    assert entries[0].authors_count is not None and entries[0].authors_count > 500


def test_hf_single_paper_page() -> None:
    entries, layout, ctx = read(API / "hf_paper_2608.09888.json")
    assert layout == "hf-api-json"
    (paper,) = entries
    assert paper.title.startswith("BDH-CQ: In-Context Learning with Recurrent Latent Reasoning")
    assert (paper.arxiv_id, paper.authors_count, paper.published) == ("2608.09888", 9, "2026-08-10")
    assert paper.org == "Pathway"
    assert paper.links[0] == "https://github.com/pathwaycom/arc-task-gen"
    assert len(paper.links) == 2
    assert ctx.digest_date is None  # one paper's page is not a day's listing


# ---------------------------------------------------------------- Semantic Scholar recordings


def test_s2_search_results() -> None:
    entries, layout, _ = read(API / "s2_paper_search_query-transformer_limit5.json")
    data = json.loads((API / "s2_paper_search_query-transformer_limit5.json").read_bytes())["data"]
    assert layout == "s2-json"
    assert [e.title for e in entries] == [d["title"] for d in data]
    assert [e.arxiv_id for e in entries] == [d["externalIds"].get("ArXiv") for d in data]
    assert [e.authors_count for e in entries] == [len(d["authors"]) for d in data]
    swin = entries[0]
    assert swin.published is None  # publicationDate is null; the year alone is not a date
    assert "https://github.com/microsoft/Swin-Transformer" in swin.links
    assert entries[1].published == "2020-12-14"


@pytest.mark.parametrize(("name", "title", "arxiv_id", "authors", "published"), [
    ("s2_paper_DOI_10.48550_arxiv.2312.07559.json",
     "PaperQA: Retrieval-Augmented Generative Agent for Scientific Research", "2312.07559", 6, "2023-12-08"),
    ("s2_paper_search_match_paperqa_2312.07559.json",
     "PaperQA: Retrieval-Augmented Generative Agent for Scientific Research", "2312.07559", 6, "2023-12-08"),
    ("s2_paper_search_match_attention_is_all_you_need.json",
     "Attention is All you Need", "1706.03762", 8, "2017-06-12"),
])
def test_s2_single_papers(name: str, title: str, arxiv_id: str, authors: int, published: str) -> None:
    (paper,), layout, _ = read(API / name)
    assert layout == "s2-json"
    assert (paper.title, paper.arxiv_id, paper.authors_count, paper.published) == (title, arxiv_id, authors, published)


def test_s2_error_answer_holds_no_papers() -> None:
    entries, layout, ctx = read(API / "s2_paper_search_match_not-found_404.json")
    assert (entries, layout, ctx.warnings) == ([], "json", [])


# ---------------------------------------------------------------- readq's own exports read back


def _run(lib: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--library", str(lib), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A library from two seeds and an arXiv listing (authors, arXiv IDs), exported three ways."""
    tmp = tmp_path_factory.mktemp("exports")
    lib = tmp / "lib"
    seeds = sorted((TESTS.parent / "sample_digests").glob("00[04]_*.txt"))
    _run(lib, "import", *map(str, seeds), str(TESTS / "data" / "digests" / "arxiv_list_page.txt"))
    out = {"json": tmp / "export.json", "csl-json": tmp / "export-csl.json", "list": tmp / "list.json"}
    _run(lib, "export", "--format", "json", "-o", str(out["json"]))
    _run(lib, "export", "--format", "csljson", "-o", str(out["csl-json"]))
    out["list"].write_text(_run(lib, "list", "--json"), encoding="utf-8")
    return out


FIELDS = ("abstract", "authors", "authors_count", "org", "published", "upvotes", "links", "arxiv_id")


def _as_record(entry: Entry) -> dict[str, object]:
    return {k: list(v) if isinstance(v := getattr(entry, k), tuple) else v for k in FIELDS}


@pytest.mark.parametrize("which", ["json", "list"])
def test_readq_json_round_trip(exported: dict[str, Path], which: str) -> None:
    papers = {p["title"]: p for p in json.loads(exported["json"].read_bytes())}
    entries, layout, ctx = read(exported[which])
    assert layout == "readq-json"
    assert len(entries) == len(papers) > 100
    assert {e.title: _as_record(e) for e in entries} == {t: {k: p[k] for k in FIELDS} for t, p in papers.items()}
    assert sum(1 for e in entries if e.arxiv_id) >= 3 and sum(1 for e in entries if e.authors) >= 3
    assert ctx.digest_date is None  # an export spans many digests


def test_csl_json_round_trip(exported: dict[str, Path]) -> None:
    papers = {p["title"]: p for p in json.loads(exported["json"].read_bytes())}
    entries, layout, _ = read(exported["csl-json"])
    assert layout == "csl-json"
    assert {e.title for e in entries} == set(papers)
    for e in entries:  # CSL carries title, abstract, authors, date and arXiv ID (not org or upvotes)
        p = papers[e.title]
        assert (e.abstract, list(e.authors), e.published, e.arxiv_id) == (
            p["abstract"], p["authors"], p["published"], p["arxiv_id"]), e.title
        assert not any("huggingface.co/papers" in u for u in e.links)  # the export's URL is not a link


def test_statuses_tags_and_notes_are_not_imported(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps([{
        "id": "abc123", "title": "A Paper", "abstract": "Text.", "authors": [], "authors_count": None,
        "org": None, "published": None, "upvotes": None, "links": [], "arxiv_id": None,
        "status": "read", "starred": True, "tags": ["x"], "note": "mine", "sources": [],
    }]), encoding="utf-8")
    (entry,), layout, _ = read(path)
    assert layout == "readq-json" and entry.title == "A Paper" and entry.abstract == "Text."


# ---------------------------------------------------------------- CSL-JSON from Zotero, generic lists


def test_zotero_csl_json() -> None:
    entries, layout, _ = read(DATA / "zotero_csl.json")
    assert layout == "csl-json"
    attention, deep, report = entries
    assert attention.title == "Attention Is All You Need"
    assert attention.authors == ("Ashish Vaswani", "Noam Shazeer", "Niki Parmar")
    assert (attention.arxiv_id, attention.published) == ("1706.03762", "2023-08-01")  # year as a string
    assert attention.abstract.startswith("The dominant sequence transduction models")
    assert deep.published is None  # year and month only
    assert deep.links == ("https://www.nature.com/articles/nature14539",) and deep.arxiv_id is None
    assert report.authors == ("The Example Consortium",)
    assert report.arxiv_id is None  # a report number shaped like an arXiv ID, not from arXiv


def test_generic_list_under_a_key() -> None:
    entries, layout, ctx = read(DATA / "generic_papers.json")
    assert layout == "json"
    ddpm, mamba = entries
    assert (ddpm.arxiv_id, ddpm.published, ddpm.authors_count) == ("2006.11239", "2020-06-19", 3)
    assert ddpm.links == ("https://github.com/hojonathanho/diffusion",)
    assert ddpm.line == 5
    assert mamba.authors == ("Albert Gu", "Tri Dao")
    assert (mamba.arxiv_id, mamba.published) == ("2312.00752", None)
    assert mamba.abstract.startswith("Foundation models")
    assert mamba.links == ("https://github.com/state-spaces/mamba",)
    assert messages(ctx) == ["a record with no title; skipped"] * 2


def test_json_lines() -> None:
    entries, layout, ctx = read(DATA / "papers.jsonl")
    assert layout == "json"
    lora, qlora = entries
    assert lora.authors == ("Edward J. Hu", "Yelong Shen", "Phillip Wallis")
    assert (lora.arxiv_id, lora.published, lora.line) == ("2106.09685", "2021-06-17", 1)
    assert (qlora.arxiv_id, qlora.published, qlora.line) == ("2305.14314", None, 3)  # 2023-13-45 dropped
    assert [(w.line, w.message) for w in ctx.warnings] == [(4, "not a JSON object on this line; skipped")]


@pytest.mark.parametrize("name", ["package.json", "tsconfig.json"])
def test_json_without_papers_gives_nothing(name: str) -> None:
    entries, layout, ctx = read(DATA / name)
    assert (entries, layout, ctx.warnings) == ([], "json", [])


# ---------------------------------------------------------------- hostile and broken input


def test_escaped_controls_never_reach_a_field() -> None:
    (entry,), _, ctx = read(DATA / "hostile_escapes.json")
    assert entry.title == "Clipboard Grab elif.exe"
    assert entry.abstract == "Retitle the terminal red and clear it."
    assert entry.authors == ("Mallory", "Eve")
    assert entry.links == ("https://example.org/",)  # javascript: dropped, the OSC 8 tail removed
    for text in (entry.title, entry.abstract, *entry.authors, *entry.links):
        assert text.isprintable(), repr(text)
    assert "a record with no title; skipped" in messages(ctx)  # a title made only of controls


@pytest.mark.parametrize("cut", [1, 200, 5000, -3])
def test_cut_off_file_warns_and_gives_no_phantom(exported: dict[str, Path], cut: int) -> None:
    text = exported["json"].read_text(encoding="utf-8")[:cut]
    ctx = Context("cut.json", TODAY)
    if not json_papers.looks_like(text):
        assert cut == 1  # "[" alone is not claimed
        return
    entries, layout = json_papers.parse(text, ctx)
    assert (entries, layout) == ([], "json")
    assert any(m.startswith("not valid JSON") for m in messages(ctx))


@pytest.mark.parametrize("text", [
    '{"title": ', '[{"title": "x"}, ', '{"a": 1}\n{"b": ', '[{}]', '[]', '{}', '{"title": 5}',
    '[{"title": ["a"]}, {"title": {"x": 1}}, 3, null, "s"]', '{"papers": "none"}', '{"data": [1, 2]}',
    '[{"title": "T", "authors": 5, "links": {"a": 1}, "issued": {"date-parts": "x"}, "upvotes": -1}]',
])
def test_odd_json_never_raises(text: str) -> None:
    ctx = Context("odd.json", TODAY)
    assert json_papers.looks_like(text)
    entries, _ = json_papers.parse(text, ctx)
    assert all(e.title == "T" for e in entries)


# ---------------------------------------------------------------- the sniffer claims only JSON


def test_sniffer_claims_no_other_layout() -> None:
    dirs = [TESTS.parent / "sample_digests", TESTS / "data" / "corpus", TESTS / "data" / "digests",
            TESTS / "data" / "captures", TESTS / "data" / "pasted", TESTS / "data" / "hostile"]
    files = [p for d in dirs for p in sorted(d.rglob("*")) if p.is_file() and p.suffix != ".json"]
    assert len(files) > 20
    for path in files:
        text, _ = decode_with_codec(path.read_bytes())
        assert not json_papers.looks_like(text), path.name
    for text in ("[Attention](https://arxiv.org/abs/1706.03762)\n", "[](https://x.org) a link", "{{template}}",
                 "[ ] a task\n", "{ not json }", "<html><body>[{\"a\":1}]</body></html>", "[1, 2, 3]"):
        assert not json_papers.looks_like(text), text
