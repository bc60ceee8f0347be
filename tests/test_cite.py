"""Citations: readable keys that never collide, BibTeX that real parsers read back exactly."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import bibtexparser
import orjson
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware
from hypothesis import given
from hypothesis import strategies as st

from readq.cite import (
    bibtex_entries,
    bibtex_entry,
    bibtex_key,
    cite,
    latex_escape,
    latex_unescape,
    markdown_escape,
)
from readq.model import Paper, Source, Status

GOLDEN = Path(__file__).parent / "golden"
PRINTABLE = st.characters(blacklist_categories=("Cs", "Cc"))


def load_papers() -> list[Paper]:
    return [Paper.from_json(d) for d in orjson.loads((GOLDEN / "papers.json").read_bytes())]


def by_title(prefix: str) -> Paper:
    return next(p for p in load_papers() if p.title.startswith(prefix))


def parse_one(text: str) -> dict[str, str]:
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    assert len(library.entries) == 1
    entry = library.entries[0]
    return {"key": entry.key, "type": entry.entry_type, **{f.key: f.value for f in entry.fields}}


def unbrace_title(value: str) -> str:
    assert value.startswith("{") and value.endswith("}"), "title must keep its capitals"
    return latex_unescape(value[1:-1])


# ---------------------------------------------------------------- keys


def test_key_from_title_word_and_year() -> None:
    paper = by_title("VideoLLaMB")
    assert bibtex_key(paper) == "videollamb2024"
    assert bibtex_key(replace(paper, published=None)) == "videollamb"


def test_key_prefers_first_author_surname() -> None:
    paper = by_title("Cost-Efficient")
    assert bibtex_key(paper) == "muller2025costefficient"  # José Müller, accents folded
    assert bibtex_key(replace(paper, authors=("Huang, Ziqi",))) == "huang2025costefficient"


def test_key_skips_stopwords_and_numbers() -> None:
    assert bibtex_key(Paper(id="x", title="The 3 Towards of Video")) == "video"
    assert bibtex_key(Paper(id="x", title="Towards the")) == "towards"
    assert bibtex_key(Paper(id="x", title="中文 标题", published="2025-01-01")) == "paper2025"
    assert bibtex_key(Paper(id="x", title="中文", authors=("张伟",))) == "paper"


def test_key_suffixes_are_deterministic_and_recorded() -> None:
    paper = by_title("VBench:")
    taken: set[str] = set()
    keys = [bibtex_key(paper, taken) for _ in range(30)]
    assert keys[:4] == ["vbench", "vbencha", "vbenchb", "vbenchc"]
    assert keys[26] == "vbenchz" and keys[27] == "vbenchaa"
    assert len(set(keys)) == 30 and taken == set(keys)


def test_seven_to_read_papers_give_seven_unique_keys() -> None:
    papers = load_papers()
    vbench, vbench_pp, llamb = by_title("VBench:"), by_title("VBench++"), by_title("VideoLLaMB")
    seven = [
        vbench,
        vbench_pp,  # same first word and (no) year as VBench
        replace(vbench, id="dup-1"),
        llamb,
        replace(
            llamb, id="dup-2", title="VideoLLaMB-2: Even Longer Context"
        ),  # "videollamb2" differs
        replace(llamb, id="dup-3", title="VideoLLaMB: Long-context Video Understanding (v2)"),
        Paper(id="cn", title="中文 标题", published="2024-09-02"),
    ]
    seven = [replace(p, status=Status.TO_READ) for p in seven]
    text = bibtex_entries(seven)
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    keys = [e.key for e in library.entries]
    assert keys == [
        "vbench",
        "vbencha",
        "vbenchb",
        "videollamb2024",
        "videollamb22024",
        "videollamb2024a",
        "paper2024",
    ]
    assert len(set(keys)) == 7
    assert bibtex_entries(seven) == text, "keys must be stable run to run"
    assert len(papers) == 9


# ---------------------------------------------------------------- BibTeX


def test_bibtex_entry_for_arxiv_paper() -> None:
    assert cite(by_title("VBench++")) == (
        "@misc{vbench,\n"
        "  title = {{VBench++: Comprehensive and Versatile Benchmark Suite"
        " for Video Generative Models}},\n"
        "  eprint = {2411.13503},\n"
        "  archivePrefix = {arXiv},\n"
        "  url = {https://arxiv.org/abs/2411.13503},\n"
        "}"
    )


def test_bibtex_entry_without_arxiv_gets_digest_note() -> None:
    fields = parse_one(cite(by_title("Magic 1-For-1")))
    assert fields["type"] == "misc"
    assert latex_unescape(fields["note"]) == (
        "Seen in Hugging Face Daily Papers digest 000_44acc7d1eb537eca.txt, 2026-03-12"
    )
    assert "eprint" not in fields and "year" not in fields and "author" not in fields


@pytest.mark.parametrize("index", range(9))
def test_every_fixture_paper_parses_back(index: int) -> None:
    paper = load_papers()[index]
    for full in (False, True):
        fields = parse_one(bibtex_entry(paper, full=full))
        assert unbrace_title(fields["title"]) == paper.title
        if full:
            assert "readq:" + paper.status.value in fields["keywords"]
            assert ("readq:starred" in fields["keywords"]) == paper.starred
            if paper.abstract:
                assert latex_unescape(fields["abstract"]) == " ".join(paper.abstract.split())


def test_special_characters_are_escaped_and_unicode_kept() -> None:
    paper = by_title("Cost-Efficient")
    entry = cite(paper)
    assert (
        r"\$O(n)\$ Attention \& 100\% Recall: a\_b \#1 \textbraceleft{}Braces\textbraceright{}"
        in entry
    )
    assert "— Étude über 中文 Videos" in entry  # UTF-8 kept, not transliterated
    fields = parse_one(entry)
    assert fields["author"] == "José Müller and Li, Wei and 张伟"
    assert fields["eprint"] == "2501.01234v2" and fields["archivePrefix"] == "arXiv"
    assert fields["year"] == "2025"


def test_unbalanced_brace_and_backslash_title() -> None:
    paper = by_title("[Re]")
    fields = parse_one(cite(paper))
    assert unbrace_title(fields["title"]) == paper.title
    assert fields["note"] == r"Seen in Hugging Face Daily Papers digest 003\_dfbcd3d7737307f2.txt"


def test_independent_latex_decoder_agrees() -> None:
    """pylatexenc (via bibtexparser) decodes our escapes of the common specials the same way."""
    paper = Paper(id="x", title="Cost & 100% of $5 for #1 a_b — Étude über 中文", authors=("A B",))
    library = bibtexparser.parse_string(cite(paper), append_middleware=[LatexDecodingMiddleware()])
    assert library.entries[0].fields_dict["title"].value == paper.title


def test_institution_named_with_and_stays_one_author() -> None:
    paper = Paper(id="x", title="T", authors=("Research and Development Lab", "Ada Lovelace"))
    library = bibtexparser.parse_string(
        cite(paper), append_middleware=[bibtexparser.middlewares.SeparateCoAuthors()]
    )
    assert library.entries[0].fields_dict["author"].value == [
        "{Research and Development Lab}",
        "Ada Lovelace",
    ]


@given(st.text(PRINTABLE, max_size=60))
def test_latex_escape_round_trips(text: str) -> None:
    assert latex_unescape(latex_escape(text)) == " ".join(text.split())


@given(
    st.text(PRINTABLE, min_size=1, max_size=60).filter(lambda t: t.strip()),
    st.lists(st.text(PRINTABLE, min_size=1, max_size=20).filter(lambda t: t.strip()), max_size=3),
)
def test_any_title_and_authors_parse_back(title: str, authors: list[str]) -> None:
    paper = Paper(
        id="x", title=title, authors=tuple(authors), sources=(Source("a_b.txt", "2026-01-01"),)
    )
    fields = parse_one(bibtex_entry(paper, full=True))
    assert unbrace_title(fields["title"]) == " ".join(title.split())


# ---------------------------------------------------------------- Markdown and text


def test_markdown_citation_escapes_brackets() -> None:
    assert cite(by_title("VBench++"), "markdown") == (
        "[VBench++: Comprehensive and Versatile Benchmark Suite for Video Generative Models]"
        "(https://huggingface.co/papers/2411.13503)"
    )
    md = cite(by_title("[Re]"), "md")
    assert md.startswith(  # authors (and year) lead when known
        r"Ada Lovelace. [\[Re\] Why \\emph{Tilde} \~ and \^Caret\^ Break {Markdown (and BibTeX](https://"
    )
    assert markdown_escape("a_b *c* `d` $e$") == r"a\_b \*c\* \`d\` \$e\$"


def test_text_citations() -> None:
    assert cite(by_title("VideoLLaMB"), "text") == (
        "4 authors (2024). "
        "VideoLLaMB: Long-context Video Understanding with Recurrent Memory Bridges. "
        "https://huggingface.co/papers?q=VideoLLaMB%3A+Long-context+Video+Understanding+with+Recurrent+Memory+Bridges"
    )
    assert cite(by_title("VBench++"), "text") == (
        "VBench++: Comprehensive and Versatile Benchmark Suite for Video Generative Models. "
        "arXiv:2411.13503. https://huggingface.co/papers/2411.13503"
    )
    # With authors, text is a CSL-formatted reference (APA unless a style is named).
    assert cite(by_title("Cost-Efficient"), "txt") == (
        "Müller, J., Li, W., & 张伟. (2025). Cost-Efficient $O(n)$ Attention & 100% Recall: a_b #1 "
        "{Braces} — Étude über 中文 Videos (2501.01234v2). arXiv. https://doi.org/10.48550/arXiv.2501.01234"
    )
    assert cite(by_title("Cost-Efficient"), "text", "ieee").startswith("J. Müller, W. Li, and 张伟, “Cost-Efficient")
    assert cite(by_title("VADER"), "text").startswith(
        "VADER: Towards Causal Video Anomaly Understanding"
    )
    assert " (2025). https://" in cite(by_title("VADER"), "text")
    many = Paper(id="x", title="Why?", authors=("Ann Bee", "C D", "E F", "G H"), published="2020-01-01")
    assert cite(many, "text").startswith("Bee, A., D, C., F, E., & H, G. (2020). Why?")


def test_unknown_format_lists_choices() -> None:
    with pytest.raises(ValueError, match="bibtex, markdown, text"):
        cite(by_title("VBench++"), "apa")
    assert cite(by_title("VBench++"), " BIB ") == cite(by_title("VBench++"))
