"""Lists that are neither Hugging Face pages nor Markdown: labelled records and search results.

The files in tests/data/listings/ are written in the shapes these lists take: Google Scholar alert
e-mails (title, "Authors - Venue, Year" byline, snippet; with and without blank lines between
results), numbered lists with "Authors:/Abstract:/Link:" fields, a chat answer in Markdown bold,
and "Title:"-labelled records. Two files are not paper lists and must give no paper.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from readq.digest import bylines, parse_bytes, records

TODAY = dt.date(2026, 11, 30)
DATA = Path(__file__).resolve().parent / "data" / "listings"
ROOT = Path(__file__).resolve().parent.parent


def parse(name: str):
    return parse_bytes((DATA / name).read_bytes(), source=name, today=TODAY)


@pytest.mark.parametrize("name", ["scholar_alert_blank_lines.txt", "scholar_alert_packed.txt"])
def test_scholar_alerts(name: str) -> None:
    result = parse(name)
    assert result.layout == "bylines"
    assert len(result.entries) == 2
    first = result.entries[0]
    assert not first.title.startswith("[") and "Scholar" not in first.title
    assert first.arxiv_id in ("2406.01234", "2412.13061")
    assert first.abstract and "Twitter" not in first.abstract
    assert all("Save" not in e.abstract for e in result.entries)


def test_scholar_alert_fields() -> None:
    packed = parse("scholar_alert_packed.txt").entries
    assert [e.title for e in packed] == [
        "VidTok: A Versatile and Open-Source Video Tokenizer",
        "Divot: Diffusion Powers Video Tokenizer for Comprehension and Generation",
    ]
    assert packed[0].authors[:2] == ("A Tang", "T He") and packed[0].authors_count is None  # list cut with "…"
    assert packed[1].authors == ("Y Ge", "Y Li", "Y Ge", "Y Shan") and packed[1].authors_count == 4
    assert packed[1].abstract.startswith("In recent years") and packed[1].abstract.endswith("…")


@pytest.mark.parametrize("name", ["records_numbered_fields.txt", "records_chat_answer.md", "records_title_fields.txt"])
def test_labelled_records(name: str) -> None:
    result = parse(name)
    assert result.layout == "records"
    assert [e.title for e in result.entries][1].startswith(("Temporal Grounding", "LongVLM"))
    assert len(result.entries) == 2
    for e in result.entries:
        assert e.abstract and e.authors and e.authors_count == len(e.authors)
        assert "**" not in e.title + e.abstract


def test_record_fields_are_read() -> None:
    numbered = parse("records_numbered_fields.txt").entries
    assert [e.arxiv_id for e in numbered] == ["2406.01234", "2406.04321"]
    chat = parse("records_chat_answer.md").entries
    assert chat[0].abstract.endswith("scaling to long clips with linear complexity.")  # a wrapped value
    titled = parse("records_title_fields.txt").entries
    assert [e.published for e in titled] == ["2024-03-11", "2024-04-04"]
    assert titled[1].links == ("https://github.com/ziplab/LongVLM",)
    assert titled[1].authors == ("Yuetian Weng", "Mingfei Han")


@pytest.mark.parametrize("name", ["not_papers_meeting_notes.txt", "not_papers_readme.md"])
def test_notes_and_readmes_are_not_paper_lists(name: str) -> None:
    assert parse(name).entries == ()


def test_the_sniffers_leave_other_layouts_alone() -> None:
    files = [*ROOT.joinpath("sample_digests").glob("*.txt"), *ROOT.joinpath("tests", "data", "corpus").glob("*.txt"),
             *ROOT.joinpath("tests", "data", "digests").iterdir(), *ROOT.joinpath("tests", "data", "captures").iterdir()]
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not bylines.looks_like(text), path.name
        result = parse_bytes(path.read_bytes(), source=path.name, today=TODAY)
        assert result.layout not in ("bylines", "records"), path.name
    assert records.looks_like((DATA / "records_title_fields.txt").read_text(encoding="utf-8"))


def test_hostile_text_in_a_record_is_cleaned() -> None:
    text = ("1. Evil \x1b]52;c;AAAA\x07Title\n   Authors: A. B\u202e, C. D\n   Abstract: Bad \x1b[31mred\x1b[0m text here.\n\n"
            "2. Second Title\n   Authors: E. F\n   Abstract: Fine.\n")
    result = parse_bytes(text.encode(), source="x.txt", today=TODAY)
    assert [e.title for e in result.entries] == ["Evil Title", "Second Title"]
    assert "\x1b" not in result.entries[0].abstract and "\u202e" not in "".join(result.entries[0].authors)


def test_arxiv_search_results() -> None:
    result = parse("arxiv_search_results.txt")
    assert result.layout == "arxiv-listing" and result.warnings == ()
    vidtok, divot = result.entries
    assert (vidtok.title, vidtok.arxiv_id, vidtok.published) == (
        "VidTok: A Versatile and Open-Source Video Tokenizer", "2412.13061", "2024-12-17")
    assert vidtok.authors_count == 6 and vidtok.links == ("https://github.com/microsoft/VidTok",)
    assert "More" not in vidtok.abstract and vidtok.abstract.endswith("…")
    assert divot.title.startswith("Divot:") and "cs.CV" not in divot.title


def test_arxiv_search_result_copied_expanded_keeps_the_whole_abstract() -> None:
    text = ("arXiv:2412.13061  [pdf, other]\ncs.CV cs.AI\nVidTok: A Versatile and Open-Source Video Tokenizer\n"
            "Authors: Anni Tang, Tianyu He\nAbstract: Encoding video … ▽ More\n\n"
            "Encoding video content into compact latent tokens is a fundamental step. We release VidTok. △ Less\n"
            "Submitted 17 December, 2024; originally announced December 2024.\n\n"
            "arXiv:2412.04432  [pdf]\ncs.CV\nDivot: Diffusion Powers Video Tokenizer\nAuthors: Yuying Ge\n"
            "Abstract: In recent years … ▽ More\n")
    entries = parse_bytes(text.encode(), source="s.txt", today=TODAY).entries
    assert entries[0].abstract == ("Encoding video content into compact latent tokens is a fundamental step. "
                                   "We release VidTok.")
    assert entries[1].abstract == "In recent years …" and entries[1].title == "Divot: Diffusion Powers Video Tokenizer"


@pytest.mark.parametrize("seed", ["000_*.txt", "004_*.txt"])
def test_a_digest_quoted_in_an_email_reads_like_the_digest(seed: str) -> None:
    path = sorted(ROOT.joinpath("sample_digests").glob(seed))[0]
    plain = parse_bytes(path.read_bytes(), source=path.name, today=TODAY)
    body = path.read_text(encoding="utf-8")
    for quote in ("> ", ">"):  # Gmail-style and bare quote marks
        mail = ("From: Alice <a@example.com>\nSubject: Fwd: papers\n\nOn Mon, Jun 15, 2026 at 9:00 AM Bob wrote:\n"
                + "\n".join(quote + ln if ln else ">" for ln in body.split("\n")) + "\n\n-- \nAlice\n")
        quoted = parse_bytes(mail.encode(), source="mail.txt", today=TODAY)
        assert [e.title for e in quoted.entries] == [e.title for e in plain.entries]
        assert [e.abstract for e in quoted.entries] == [e.abstract for e in plain.entries]
        assert "e-mail quote marks (>) removed" in quoted.notes


def test_a_references_section_of_prose_is_not_a_text_browser_dump() -> None:
    from readq.digest import lynx

    paper = ("# Notes\n\nAttention [1] and memory [2] and more [3].\n\nReferences\n\n"
             "1. Vaswani et al. Attention is all you need. 2017.\n2. Graves. Neural Turing machines.\n3. Other.\n")
    assert lynx.to_markdown(paper) is None
    dump = ("   [1]Title One\n   text\n   [2]Title Two\n   [3]\n\nReferences\n\n   Visible links:\n"
            "   1. https://huggingface.co/papers/2401.00001\n   2. https://arxiv.org/abs/2401.00002\n   3. https://x.org/a\n")
    md = lynx.to_markdown(dump)
    assert md is not None and md.split("\n")[:4] == [
        "   [Title One](https://huggingface.co/papers/2401.00001)", "   text",
        "   [Title Two](https://arxiv.org/abs/2401.00002)", "   [](https://x.org/a)"]
    assert md.count("\n") == dump.count("\n")  # line numbers still point into the file


def _printed(body: str, every: int) -> str:
    """`body` as a browser prints it to PDF and pdftotext reads it back: a running header, a footer
    with the URL and "N/M", a form feed at each page break (wherever it falls, even mid-block)."""
    lines = body.split("\n")
    pages = (len(lines) + every - 1) // every
    header = "6/15/26, 9:00 AM                Daily Papers - Hugging Face"
    out = [header, ""]
    for k in range(pages):
        out += lines[k * every:(k + 1) * every]
        out.append(f"https://huggingface.co/papers/date/2026-06-15                {k + 1}/{pages}")
        if k + 1 < pages:
            out += ["\f" + header, ""]
    return "\n".join(out)


@pytest.mark.parametrize("seed", ["000_*.txt", "004_*.txt"])
@pytest.mark.parametrize("every", [37, 45])
def test_a_digest_printed_to_pdf_reads_like_the_digest(seed: str, every: int) -> None:
    path = sorted(ROOT.joinpath("sample_digests").glob(seed))[0]
    plain = parse_bytes(path.read_bytes(), source=path.name, today=TODAY)
    printed = parse_bytes(_printed(path.read_text(encoding="utf-8"), every).encode(), source="p.txt", today=TODAY)
    fields = lambda e: (e.title, e.abstract, e.authors_count, e.org, e.published, e.upvotes)  # noqa: E731
    assert [fields(e) for e in printed.entries] == [fields(e) for e in plain.entries]
    assert "a printed page: running headers, footers and page breaks removed" in printed.notes
    assert not [w for w in printed.warnings if "no paper before it" in w.message or "no abstract" in w.message]


def test_page_counters_inside_a_digest_are_not_page_breaks() -> None:
    from readq.digest import printed

    text = "A title\n\nWe train on 1/2 of the data and 3/4 of the labels.\n\nScores 1/3\n\nOther 2/7\n"
    assert printed.strip_page_furniture(text) is None


def test_an_arxiv_daily_readme_table() -> None:
    """The table GitHub "arxiv-daily" READMEs keep: bold dates and titles, "et.al." authors, the
    PDF column a link whose text is the ID, "null" for no code."""
    result = parse("arxiv_daily_readme_table.md")
    got = [(e.title, e.arxiv_id, e.published, e.authors, e.links, e.abstract) for e in result.entries]
    assert got == [
        ("Long-Context Video Understanding with Sparse Memory", "2406.01234", "2024-06-04", ("J. Smith",), (), ""),
        ("Temporal Grounding in the Wild: A Benchmark", "2406.04321", "2024-06-03", ("A. Kumar",),
         ("https://github.com/ak/tgw",), ""),
        ("VideoAgent: Memory-Augmented Agents", "2406.05555", "2024-06-03", ("Y. Fan",), (), ""),
    ]
    assert all(e.authors_count is None for e in result.entries)  # "et al.": more authors than named


@pytest.mark.parametrize("name", ["linklist_titles_with_links.txt", "linklist_numbered_ids.txt"])
def test_plain_lists_of_titles_with_ids(name: str) -> None:
    result = parse(name)
    assert result.layout == "link-list"
    assert [(e.title, e.arxiv_id) for e in result.entries] == [
        ("Long-Context Video Understanding with Sparse Memory", "2406.01234"),
        ("Temporal Grounding in the Wild: A Benchmark", "2406.04321"),
        ("VideoAgent: Memory-Augmented Agents", "2406.05555"),
    ]


def test_prose_that_cites_papers_is_not_a_link_list() -> None:
    from readq.digest import linklist

    prose = ("We build on prior work on sparse memory (arXiv:2406.01234), which showed that a compact store of "
             "frames suffices, and extend it in several ways described below in detail.\n"
             "See https://arxiv.org/abs/2406.04321 for the benchmark.\nOnly one line here is a title.\n")
    assert not linklist.looks_like(prose)
    assert parse_bytes(prose.encode(), source="p.txt", today=TODAY).entries == ()


def test_a_lead_in_line_over_links_is_no_paper() -> None:
    """Without Hugging Face chrome, "Heading:" over a block of links is not a title and its abstract."""
    text = ("Papers I want to read this week:\n\nhttps://arxiv.org/abs/2406.01234\n"
            "https://arxiv.org/abs/2406.04321 and https://huggingface.co/papers/2406.05555 plus "
            "https://arxiv.org/abs/2406.05556 and more https://arxiv.org/abs/2406.05557\n")
    assert parse_bytes(text.encode(), source="x.txt", today=TODAY).entries == ()


def test_a_paper_page_copied_as_text() -> None:
    """The DeepSeek-V4 page of tests/data/captures (the web clipper's capture) as select-all + copy
    gives it, written in the page's order: the comments, similar papers and citing models below
    "Community" are mentions, not papers."""
    path = ROOT / "tests" / "data" / "captures" / "hf_paper_page_2604.14125_plaintext.txt"
    result = parse_bytes(path.read_bytes(), source=path.name, today=TODAY)
    (paper,) = result.entries
    assert result.layout == "hf-paper"
    assert (paper.title, paper.arxiv_id, paper.upvotes, paper.authors_count) == (
        "DeepSeek-V4: Scaling Sparse Attention to Million-Token Contexts", "2604.14125", 1090, 45)
    assert paper.authors == ("Aixin Liu", "Bei Feng", "Bing Xue", "Bingxuan Wang")
    assert paper.abstract.startswith("We present DeepSeek-V4") and paper.abstract.endswith("DeepSeek-V4.")
    assert paper.published and paper.published.endswith("-04-15")


@pytest.mark.parametrize("name", ["hf_collection_plaintext.txt", "hf_collection_markdown.md"])
def test_a_hugging_face_collection(name: str) -> None:
    """Papers are "Paper • ID • Published DATE • VOTES" items; a model in the same collection is not one."""
    result = parse(name)
    got = [(e.arxiv_id, e.published, e.upvotes, e.abstract, e.links) for e in result.entries]
    assert got[:2] == [("2404.03384", "2024-04-04", 2, "", ()), ("2403.06977", "2024-03-11", 29, "", ())]
    assert len(got) == (3 if name.endswith(".txt") else 2)
    assert all("OpenGVLab" not in e.title for e in result.entries)


def test_chinese_field_labels_and_numbered_headings() -> None:
    """A digest written with Chinese labels (作者, 链接, 摘要; 中文摘要 is a translation, not the
    abstract) under "## 1. Title" headings."""
    result = parse("markdown_chinese_labels.md")
    got = [(e.title, e.arxiv_id, e.authors, e.abstract) for e in result.entries]
    assert got == [
        ("Long-Context Video Understanding with Sparse Memory", "2406.01234", ("J. Smith", "K. Lee"),
         "We present a method for long-context video understanding that keeps a sparse memory of salient frames."),
        ("Temporal Grounding in the Wild: A Benchmark", "2406.04321", ("A. Kumar", "B. Chen"),
         "Temporal grounding localizes moments described in language. We collect a benchmark."),
    ]


def test_a_bold_abstract_label_is_not_part_of_the_abstract() -> None:
    text = ("## Paper One: A Study\n- **Authors:** A. B, C. D\n- **Abstract:** We present a thing. It works well.\n"
            "- https://arxiv.org/abs/2406.01234\n\n## Paper Two: Another\n- **Authors:** E. F\n"
            "- **Abstract:** Second abstract here. Also fine.\n- https://arxiv.org/abs/2406.04321\n")
    entries = parse_bytes(text.encode(), source="y.md", today=TODAY).entries
    assert [e.abstract for e in entries] == ["We present a thing. It works well.", "Second abstract here. Also fine."]


def test_other_bullets_in_metadata_lines() -> None:
    """A digest re-typed by an editor that prints ● and ∙ where the page had • and ·."""
    path = sorted(ROOT.joinpath("sample_digests").glob("004_*.txt"))[0]
    plain = parse_bytes(path.read_bytes(), source=path.name, today=TODAY)
    other = path.read_text(encoding="utf-8").replace("•", "●").replace("·", "∙")
    result = parse_bytes(other.encode(), source="b.txt", today=TODAY)
    fields = lambda e: (e.title, e.abstract, e.authors_count, e.org, e.published, e.upvotes)  # noqa: E731
    assert [fields(e) for e in result.entries] == [fields(e) for e in plain.entries]


def test_a_metadata_block_printed_on_one_line() -> None:
    """Some browsers copy a card's metadata inline: "• 3 authors · Feb 20, 2026" on one line."""
    import re as _re

    path = sorted(ROOT.joinpath("sample_digests").glob("004_*.txt"))[0]
    plain = parse_bytes(path.read_bytes(), source=path.name, today=TODAY)
    body = path.read_text(encoding="utf-8")
    inline = _re.sub(r"\n[ \t]*·[ \t]*\n", " · ", body)  # "…authors\n·\nFeb 20, 2026" -> one line
    assert inline != body
    result = parse_bytes(inline.encode(), source="i.txt", today=TODAY)
    fields = lambda e: (e.title, e.abstract, e.authors_count, e.org, e.published, e.upvotes)  # noqa: E731
    assert [fields(e) for e in result.entries] == [fields(e) for e in plain.entries]


def test_a_capture_indented_as_one_code_block() -> None:
    path = ROOT / "tests" / "data" / "captures" / "hf_daily_2026-04-16_webclipper.md"
    plain = parse_bytes(path.read_bytes(), source=path.name, today=TODAY)
    indented = "\n".join("    " + ln if ln.strip() else ln for ln in path.read_text(encoding="utf-8").split("\n"))
    result = parse_bytes(indented.encode(), source="x.md", today=TODAY)
    assert [(e.title, e.arxiv_id, e.upvotes) for e in result.entries] == [
        (e.title, e.arxiv_id, e.upvotes) for e in plain.entries]


def test_a_heading_wrapped_over_three_lines() -> None:
    text = ("# Digest\n\n#### Performance improvement of spatial semantic segmentation with enriched\n"
            "audio features and agent-based error correction for DCASE 2025 Challenge Task\n4\n\n"
            " - **Authors:** A. B, C. D\n - [arXiv](https://arxiv.org/abs/2506.21174)\n\nAn abstract of this paper, "
            "long enough to be one. It has two sentences.\n\n#### Another Paper Title That Is Short\n\n"
            " - **Authors:** E. F\n - [arXiv](https://arxiv.org/abs/2506.21175)\n\nAnother abstract. Two sentences.\n")
    titles = [e.title for e in parse_bytes(text.encode(), source="w.md", today=TODAY).entries]
    assert titles == ["Performance improvement of spatial semantic segmentation with enriched audio features and "
                      "agent-based error correction for DCASE 2025 Challenge Task 4", "Another Paper Title That Is Short"]


def test_outline_properties_as_in_logseq() -> None:
    """`key:: value` properties under an outline item (Logseq, Obsidian Dataview)."""
    result = parse("records_logseq_properties.md")
    assert result.layout == "records"
    assert [(e.arxiv_id, e.authors) for e in result.entries] == [
        ("2406.01234", ("J. Smith", "K. Lee")), ("2406.04321", ("A. Kumar", "B. Chen"))]
    assert result.entries[0].abstract.startswith("We present")


@pytest.mark.parametrize("seed", ["000_*.txt", "001_*.txt", "004_*.txt"])
def test_a_digest_with_a_blank_line_after_every_line(seed: str) -> None:
    """Pasted into an editor that makes every line a paragraph (and exported again): the org line
    of a metadata block is a blank line away from its "·"."""
    path = sorted(ROOT.joinpath("sample_digests").glob(seed))[0]
    plain = parse_bytes(path.read_bytes(), source=path.name, today=TODAY)
    spaced = "\n\n".join(ln for ln in path.read_text(encoding="utf-8").split("\n") if ln.strip())
    result = parse_bytes(spaced.encode(), source="s.txt", today=TODAY)
    fields = lambda e: (e.title, e.abstract, e.authors_count, e.org, e.published, e.upvotes)  # noqa: E731
    assert [fields(e) for e in result.entries] == [fields(e) for e in plain.entries]


def test_cards_flattened_by_a_text_extractor() -> None:
    """trafilatura 2.3.1 (`favor_recall`, Markdown) over the saved daily page of tests/data/captures:
    each card it kept is one line; the card naming an organisation cannot be split and is skipped
    with a warning, never imported under a wrong title."""
    daily = json.loads((ROOT / "tests" / "data" / "captures" / "hf_daily_2026-04-16.expected.json").read_text())
    want = {w["title"]: w for w in daily.values()}
    result = parse("hf_daily_trafilatura.md")
    assert result.layout == "hf-flat" and len(result.entries) == 6
    for e in result.entries:
        assert (e.authors_count, e.upvotes) == (want[e.title]["authors_count"], want[e.title]["upvotes"])
    assert any("cannot be told apart" in w.message for w in result.warnings)


def test_heading_marks_read_as_text_are_not_kept_in_a_title() -> None:
    result = parse("hf_daily_trafilatura_text.txt")  # trafilatura's plain text keeps "### "
    assert [e.title for e in result.entries] == ["Magic 1-For-1: Generating One Minute Video Clips within One Minute"]


def test_a_short_last_abstract_line_before_a_separated_metadata_block_stays_in_the_abstract() -> None:
    text = ("Daily Papers\n\nA Paper Title Here\n\nThis is the abstract of the paper. It has sentences and is long "
            "enough to be an abstract for sure, yes indeed it is.\n\nCode: https://github.com/x/y\n\n·\nFeb 20, 2026\n\n"
            "Second Paper Title\n\nAnother abstract that is long enough to be an abstract, with two sentences. Here is "
            "the second one.\n\n  • 3 authors\n·\nFeb 21, 2026\n")
    entries = parse_bytes(text.encode(), source="x.txt", today=dt.date(2026, 3, 1)).entries
    assert [e.title for e in entries] == ["A Paper Title Here", "Second Paper Title"]
    assert entries[0].abstract.endswith("Code: https://github.com/x/y") and entries[0].org is None
    assert entries[0].links == ("https://github.com/x/y",)
