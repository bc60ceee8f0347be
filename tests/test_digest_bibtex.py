"""BibTeX and RIS files: readq's own exports read back, reference-manager files, hostile input,
and sniffers that claim nothing else.

Tests named `*_through_import` go through `parse_text` / `readq import` and so need the layout
dispatch (`readq.digest.parse`) to try `bibtex` and `ris`; the rest call the modules directly.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from readq import export
from readq.cite import display_name
from readq.cli import cli
from readq.csl import split_name
from readq.digest import bibtex, parse_text, ris
from readq.digest.context import Context
from readq.model import Entry, Paper

TODAY = dt.date(2026, 1, 20)
ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
STRUCTURED = DATA / "structured"
GOLDEN = ROOT / "tests" / "golden"
UNSAFE = ("\x1b", "\x07", "\u202e", "\u2066", "\x9d", "\x00")


def read(mod, text: str, name: str = "x") -> tuple[list[Entry], list[str]]:
    ctx = Context(name, TODAY)
    entries, layout = mod.parse(text, ctx)
    assert layout == mod.LAYOUT
    return entries, [w.message for w in ctx.warnings]


def run(lib: Path, *args: str):
    result = CliRunner().invoke(cli, ["--library", str(lib), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def one_line(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- readq's own exports


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    """Seeds 004 and 000 plus clippings with authors, dates and arXiv IDs, and its papers."""
    lib = tmp_path_factory.mktemp("lib") / "lib"
    seeds = sorted((ROOT / "sample_digests").glob("00[04]_*.txt"))
    digests = [DATA / "digests" / n for n in ("markdownload_hf_daily.md", "obsidian_reference_links.md")]
    run(lib, "import", *map(str, seeds + digests))
    out = tmp_path_factory.mktemp("out") / "papers.json"
    run(lib, "export", "--format", "json", "-o", str(out))
    return lib, json.loads(out.read_text(encoding="utf-8"))


def exported(library: tuple[Path, list[dict]], fmt: str, tmp_path: Path) -> str:
    path = tmp_path / f"export.{fmt}"
    run(library[0], "export", "--format", fmt, "-o", str(path))
    return path.read_text(encoding="utf-8")


def check_round_trip(entries: list[Entry], papers: list[dict], fmt: str) -> None:
    assert len(entries) == len(papers)  # every paper, and no phantom
    assert sum(1 for p in papers if p["arxiv_id"]) >= 3 and sum(1 for p in papers if p["authors"]) >= 1
    for entry, paper in zip(entries, papers):
        assert entry.title == one_line(paper["title"])
        assert entry.abstract == one_line(paper["abstract"])
        assert entry.arxiv_id == (paper["arxiv_id"] or None)
        names = [display_name(a) for a in paper["authors"]]
        if fmt == "ris":  # "Last, First" as `split_name` cuts the name
            names = [f"{p[1]} {p[0]}" if (p := split_name(a)) else a for a in paper["authors"]]
        assert list(entry.authors) == names
        # BibTeX keeps only the year, RIS the whole date.
        assert entry.published == (paper["published"] if fmt == "ris" else None)
        assert set(entry.links) <= set(paper["links"])  # only what the abstract mentions comes back
        assert entry.upvotes is None and entry.org is None


@pytest.mark.parametrize("fmt", ["bibtex", "ris"])
def test_readq_export_round_trip(fmt: str, library, tmp_path: Path) -> None:
    text = exported(library, fmt, tmp_path)
    mod = bibtex if fmt == "bibtex" else ris
    assert mod.looks_like(text) and not (ris if mod is bibtex else bibtex).looks_like(text)
    entries, warnings = read(mod, text)
    check_round_trip(entries, library[1], fmt)
    assert not any("skipped" in w or "cut off" in w for w in warnings)


@pytest.mark.parametrize("fmt", ["bibtex", "ris"])
def test_golden_papers_round_trip(fmt: str) -> None:
    """The export's hardest titles (`$`, `&`, `#`, `_`, braces, `~`, `^`, backslashes) come back."""
    papers = [Paper.from_json(d) for d in orjson.loads((GOLDEN / "papers.json").read_bytes())]
    entries, _ = read(bibtex if fmt == "bibtex" else ris, export.render(papers, fmt))
    assert [e.title for e in entries] == [one_line(p.title) for p in papers]
    assert [e.abstract for e in entries] == [one_line(p.abstract) for p in papers]
    assert [e.arxiv_id for e in entries] == [p.arxiv_id[:10] if p.arxiv_id else None for p in papers]


@pytest.mark.parametrize("fmt", ["bibtex", "ris"])
def test_readq_export_through_import(fmt: str, library, tmp_path: Path) -> None:
    """Needs the dispatch wiring: the export imported into a fresh library gives the same papers."""
    text = exported(library, fmt, tmp_path)
    result = parse_text(text, source=f"export.{fmt}", today=TODAY)
    assert result.layout == fmt
    check_round_trip(list(result.entries), library[1], fmt)
    lib2 = tmp_path / "lib2"
    run(lib2, "import", str(tmp_path / f"export.{fmt}"))
    out = tmp_path / "again.json"
    run(lib2, "export", "--format", "json", "-o", str(out))
    again = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(p["title"] for p in again) == sorted(p["title"] for p in library[1])


# ---------------------------------------------------------------- reference-manager files


def test_arxiv_and_scholar_bibtex() -> None:
    text = (STRUCTURED / "bib_arxiv_export.bib").read_text(encoding="utf-8")
    assert bibtex.looks_like(text)
    entries, warnings = read(bibtex, text)
    attention, vbench, magic, old = entries
    assert attention.title == "Attention Is All You Need"
    assert attention.authors[-1] == "Illia Polosukhin" and attention.authors_count == 8
    assert (attention.arxiv_id, attention.published, attention.links) == ("1706.03762", None, ())
    assert vbench.arxiv_id == "2411.13503"  # version dropped
    assert magic.arxiv_id == "2502.08639"  # from "arXiv preprint arXiv:..."
    assert magic.authors == ("Hongwei Yi", "Shitong Shao", "Tian Ye") and magic.authors_count is None
    assert old.arxiv_id == "hep-th/9901001" and old.authors == ("Joseph Polchinski",)
    assert len(warnings) == 1 and warnings[0].startswith("abstracts are missing for 4 of 4")


def test_zotero_bibtex_accents_braces_macros() -> None:
    text = (STRUCTURED / "bib_zotero_accents.bib").read_text(encoding="utf-8")
    assert bibtex.looks_like(text)
    entries, warnings = read(bibtex, text)
    uber, quoted, noday = entries
    assert uber.title == "Über die Sprache der Modelle: Übersetzung mit wenig Daten – ein Überblick"
    assert uber.authors == ("Jörg Müller", "María García", "Hugging Face and Friends", "Anna-Lena Schönberg")
    assert uber.authors_count is None  # "and others": the count is unknown
    assert uber.abstract == (
        "Wir zeigen, dass Müller’s Methode auf Français und Čeština 50% besser ist & O(n^2) bleibt — "
        "siehe https://example.org/sprache."
    )
    assert (uber.published, uber.arxiv_id) == ("2024-06-15", "2406.01234")
    assert uber.links == ("https://example.org/sprache", "https://github.com/example/sprache")
    assert quoted.title == 'A Quoted Title with "inner" quotes'
    assert (quoted.published, quoted.authors, quoted.links) == ("2023-11-03", ("Jean-Pierre Dupont",), ())
    assert noday.published is None  # year and month only: no day is invented
    assert noday.links == ("https://project.example.com/page",)
    assert any("'notitle' has no title" in w for w in warnings)


def test_zotero_ris_with_continuation_lines() -> None:
    text = (STRUCTURED / "ris_zotero_wrapped.ris").read_text(encoding="utf-8")
    assert ris.looks_like(text) and not bibtex.looks_like(text)
    entries, warnings = read(ris, text)
    attention, dpr, hf = entries
    assert attention.abstract.startswith("The dominant sequence transduction models are based on complex recurrent or convolutional")
    assert attention.abstract.endswith("through an attention mechanism.")
    assert attention.authors == ("Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "John Smith Jr.")
    assert (attention.published, attention.arxiv_id, attention.links) == ("2017-06-12", "1706.03762", ())
    assert dpr.title == "Dense Passage Retrieval for Open-Domain Question Answering"
    assert (dpr.published, dpr.authors) == (None, ("Vladimir Karpukhin", "Barlas Oğuz"))
    assert dpr.links == ("https://github.com/facebookresearch/DPR",)  # the L1 file path is not a link
    assert (hf.arxiv_id, hf.published, hf.links) == ("2502.08639", None, ())  # 2025/02/30 is no date
    assert any("without a title" in w for w in warnings)


def test_tex_details() -> None:
    text = r"""@misc{a, title = {\textbackslash{}ours \ss{}x {\'\i}x \c c \"{}y 1--2 ``q'' \unknown{z} 50\%~done $\alpha_{1}$ costs \$5}}"""
    (entry,), _ = read(bibtex, text)
    assert entry.title == "\\ours ßx íx ç y 1–2 “q” \\unknownz 50% done \\alpha_{1} costs $5"


# ---------------------------------------------------------------- broken and hostile input


def test_bibtex_cut_off_mid_entry() -> None:
    text = (STRUCTURED / "bib_arxiv_export.bib").read_text(encoding="utf-8")
    cut = text[: text.index("Magic 1-For-1") + 20]
    entries, warnings = read(bibtex, cut)
    assert [e.arxiv_id for e in entries] == ["1706.03762", "2411.13503"]
    assert any("cut off" in w for w in warnings)


def test_bibtex_broken_entry_in_the_middle_costs_only_itself() -> None:
    text = (
        "@misc{a, title = {First}, abstract = {One.}}\n"
        "@misc{b, title = {Broken {brace}, abstract = {Two.}\n"
        "@misc{c, title = {Third}, abstract = {Three.}, junk junk, year = 2020}\n"
        "@misc{d, title = {No close quote\", abstract = \"x}\n"
    )
    entries, warnings = read(bibtex, text)
    assert [e.title for e in entries] == ["First", "Third"]
    assert sum("cut off" in w for w in warnings) == 2


def test_ris_cut_off_and_stray_lines() -> None:
    text = "TY  - JOUR\nTI  - Kept\nAB  - Yes.\nER  - \n\nTY  - JOUR\nTI  - Lost\nAB  - The abs"
    entries, warnings = read(ris, text)
    assert [e.title for e in entries] == ["Kept"]
    assert any("cut off" in w for w in warnings)
    entries, warnings = read(ris, "TY  - JOUR\nTI  - A\nTY  - JOUR\nTI  - B\nER  -\n")
    assert [e.title for e in entries] == ["A", "B"] and any("without an `ER" in w for w in warnings)


@pytest.mark.parametrize(
    "text",
    ["", "@", "@misc{", "@misc{x,", "@misc{x, title", "@misc{x, title = ", "@misc{x, title = {", "@misc(x, title = {a})",
     "@misc{x, title = {a}, author = { and  and }}", "@{x, title={t}}", "@misc{x, title = {a}} trailing {{{{",
     "@misc{x, title=#, year=#}", "@string{a = a # a}\n@misc{x, title = a}", "@misc{x, title = {\\\"{" + "{" * 5000 + "}",
     "@misc{x, title = {" + "\\'" * 5000 + "}}", "@misc{x, title = {" + "\\\"{" * 3000 + "}}"],
)
def test_bibtex_never_raises(text: str) -> None:
    entries, _ = read(bibtex, text)
    assert all(e.title for e in entries)


@pytest.mark.parametrize("text", ["", "TY  - ", "TY  - JOUR\nER  -", "TY  - JOUR\nTI  -\nER  - ", "ER  - \nTI  - x\n",
                                  "TY  - JOUR\n" + "continuation\n" * 1000 + "ER  - "])
def test_ris_never_raises(text: str) -> None:
    entries, _ = read(ris, text)
    assert entries == []


HOSTILE = "Evil \x1b]52;c;ZXZpbA==\x07title \u202eesrever\u202c with \x1b[31mred\x1b[0m and \x9d0;t\x9c end"


def test_hostile_text_is_cleaned() -> None:
    bib = "@misc{x, title = {" + HOSTILE + "}, abstract = {" + HOSTILE + "}, author = {Bad\x1b]0;x\x07, Guy}, url = {https://e.example.com/\u202e}}"
    ris_text = f"TY  - JOUR\nTI  - {HOSTILE}\nAB  - {HOSTILE}\nAU  - Bad\x1b]0;x\x07, Guy\nUR  - https://e.example.com/a\nER  - \n"
    for mod, text in ((bibtex, bib), (ris, ris_text)):
        (entry,), _ = read(mod, text)
        for value in (entry.title, entry.abstract, *entry.authors, *entry.links):
            assert not any(ch in value for ch in UNSAFE), (mod, value)
            assert "52;c" not in value and "ZXZpbA" not in value
        assert entry.title == "Evil title esrever with red and end"


def test_tex_escapes_are_not_decoded_into_controls() -> None:
    (entry,), _ = read(bibtex, "@misc{x, title = {A \\char27]52;c;eA==\\char7 ^^[]0;t^^G $\x1b]0;m\x07$ B}}")
    assert not any(ch in entry.title for ch in UNSAFE)
    assert entry.title.startswith("A \\char27]52;c;eA==")  # left as written, harmless text


def test_hostile_through_import() -> None:
    """Needs the dispatch wiring."""
    result = parse_text("@misc{x, title = {" + HOSTILE + "}, abstract = {A.}}\n", source="h.bib", today=TODAY)
    assert result.layout == "bibtex"
    assert [e.title for e in result.entries] == ["Evil title esrever with red and end"]


# ---------------------------------------------------------------- the sniffers claim nothing else


def other_files() -> list[Path]:
    folders = [ROOT / "sample_digests", DATA / "corpus", DATA / "digests", DATA / "captures", DATA / "pasted", DATA / "hostile"]
    return sorted(p for f in folders for p in f.iterdir() if p.is_file())


def test_sniffers_claim_no_other_layout() -> None:
    files = other_files()
    assert len(files) > 20
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not bibtex.looks_like(text), path
        assert not ris.looks_like(text), path


@pytest.mark.parametrize(
    "text",
    [
        "\\documentclass{article}\n\\begin{document}\n@misc{x, title={T}}\n\\end{document}\n",
        "# My notes\n\n```bibtex\n@misc{x,\n  title = {Attention},\n}\n```\n",
        "Cite this as\n@misc{x, title={T}}\n",
        "@misc{x, author = {A}}\n",  # no title field
        "@twitter_handle: follow us for papers\n\ntitle = {x}\n",
        "%% only a comment\n",
        "@comment{ title = {x} }\n",
    ],
)
def test_bibtex_sniffer_is_strict(text: str) -> None:
    assert not bibtex.looks_like(text)


def test_bibtex_sniffer_accepts_reference_manager_heads() -> None:
    assert bibtex.looks_like("% Encoding: UTF-8\n\n@Article{k,\n  title = {T},\n}\n")
    assert bibtex.looks_like("@comment{x\n  y}\n@preamble{ \"\\newcommand{\\noop}[1]{}\" }\n@string{a = {b}}\n@misc(k, title = {T})\n")
    assert bibtex.looks_like("\n\n@misc{k,\ntitle={T}}")


@pytest.mark.parametrize(
    "text",
    ["TY  - JOUR\n", "TY - JOUR\nTI - x\nER - \n", "Notes\nTY  - JOUR\nTI  - x\nER  - \n", "TY  - JOUR is a tag\nand prose\n"],
)
def test_ris_sniffer_is_strict(text: str) -> None:
    assert not ris.looks_like(text)


def test_ris_sniffer_accepts() -> None:
    assert ris.looks_like("\n\nTY  - JOUR\nTI  - x\n")
    assert ris.looks_like("TY  - JOUR\nER  - \n")
