"""Real captures of paper lists (tests/data/corpus, copied from the shared corpus with its
expected titles) and captures of today's HF daily page in the shapes clippers save it.

Every expected title is found (compared after folding case, punctuation and whitespace), no other
paper appears, and the metadata each capture shows lands in the right paper's fields.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from readq.digest import parse_bytes
from readq.model import Entry

DATA = Path(__file__).parent / "data"
CORPUS = DATA / "corpus"
CAPTURES = DATA / "captures"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
TODAY = dt.date(2026, 7, 30)


def fold(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", title.lower()).strip()


def parse(path: Path):
    return parse_bytes(path.read_bytes(), source=path.name, today=TODAY)


def by_title(entries: tuple[Entry, ...], start: str) -> Entry:
    found = [e for e in entries if e.title.startswith(start)]
    assert len(found) == 1, [e.title for e in entries]
    return found[0]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_title_and_no_phantoms(name: str) -> None:
    result = parse(CORPUS / name)
    want = {fold(t) for t in EXPECTED[name]["titles"]}
    have = [fold(e.title) for e in result.entries]
    assert sorted(set(have) - want) == [], "phantom papers"
    assert sorted(want - set(have)) == [], "missing papers"
    assert len(have) == len(set(have)), "a paper printed twice must be one entry"


def test_corpus_totals() -> None:
    total = found = phantoms = 0
    for name, spec in EXPECTED.items():
        want = {fold(t) for t in spec["titles"]}
        have = {fold(e.title) for e in parse(CORPUS / name).entries}
        total, found, phantoms = total + len(want), found + len(want & have), phantoms + len(have - want)
    assert (found, total, phantoms) == (117, 117, 0)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_markup_urls_or_images_in_titles(name: str) -> None:
    for e in parse(CORPUS / name).entries:
        assert not re.search(r"\]\[|\]\(|^#|\*\*|https?://|!\[|^\[|\]$", e.title), e.title
        assert "](" not in e.abstract and "][" not in e.abstract, e.abstract[:200]
        assert not e.abstract.startswith(("[", "Subjects", "Abstract")), e.abstract[:80]
        assert all(link.startswith(("http://", "https://")) for link in e.links)


def test_reference_link_capture_metadata() -> None:
    entries = parse(CORPUS / "hf_search_longcontext_asr_reflinks.txt").entries
    gemini = by_title(entries, "Gemini 1.5")
    assert (gemini.authors_count, gemini.upvotes, gemini.published) == (671, 65, "2024-03-08")
    assert gemini.abstract.startswith("In this report, we present the latest model")
    kv = by_title(entries, "KV Cache Compression")  # a title split over two ### lines
    assert kv.title.endswith("Long Context Capable Approaches")
    distilling = by_title(entries, "Distilling Conversations")
    # Vote counts stand before each title; the linked count after the date is the comment count.
    assert (distilling.org, distilling.upvotes, distilling.published) == ("Idiap Research Institute", 2, "2026-03-27")
    vibe = by_title(entries, "VIBEVOICE-ASR")
    assert vibe.org == "Microsoft"
    sap = by_title(entries, "Speech-Aware Long Context Pruning")
    assert "SAP^{2}" in sap.abstract  # LaTeX kept as written
    murmur = by_title(entries, "MURMUR")
    assert murmur.org is None  # the page header's logo link is not the first paper's org
    assert "https://github.com/uw-syfi/Murmur" in murmur.links


def test_reference_link_capture_warns_about_truncation() -> None:
    result = parse(CORPUS / "hf_search_longcontext_asr_reflinks.txt")
    assert any("cut off" in w.message for w in result.warnings)
    last = by_title(result.entries, "Reducing Distraction")
    assert last.abstract.endswith("long contexts. Ho") and last.upvotes == 1


def test_notebooklm_export_metadata() -> None:
    result = parse(CORPUS / "hf_search_intercode_bash_notebooklm_PREFIX16k.txt")
    assert result.layout == "markdown"
    assert result.digest_date == "2026-07-28"  # front matter `exported:`
    first = by_title(result.entries, "Better than Your Teacher")
    assert (first.arxiv_id, first.authors_count, first.upvotes, first.published) == ("2410.05434", 2, 1, "2024-10-07")
    assert first.org is None  # "by AK" in the page header is not an org
    assert "https://leap-llm.github.io" in first.links
    arctic = by_title(result.entries, "Arctic-SnowCoder")
    assert (arctic.arxiv_id, arctic.upvotes) == ("2409.02326", 19)
    soft = by_title(result.entries, "Soft Instruction De-escalation Defense")
    assert (soft.org, soft.upvotes, soft.arxiv_id) == ("Google", 5, "2510.21057")
    assert not any("huggingface.co/papers/" in link for e in result.entries for link in e.links)


def test_trending_markdown_capture_metadata() -> None:
    entries = parse(CORPUS / "hf_trending_papers_pwc_redirect_md.txt").entries
    assert len(entries) == 50  # every card is printed twice
    paged = by_title(entries, "Efficient Memory Management")
    assert paged.title.endswith("Serving with PagedAttention")  # wrapped onto an indented line
    assert (paged.authors_count, paged.links) == (9, ("https://github.com/vllm-project/vllm",))
    shaper = by_title(entries, "ShapeR")  # no author count: the summary and code link make it a paper
    assert shaper.links == ("https://github.com/facebookresearch/ShapeR",)


def test_structured_trending_capture_metadata() -> None:
    entries = parse(CORPUS / "hf_trending_papers_submittedby_structured_PREFIX16k.txt").entries
    kandinsky = by_title(entries, "Kandinsky 6.0 Video")
    assert (kandinsky.arxiv_id, kandinsky.org, kandinsky.upvotes, kandinsky.published) == (
        "2610.05608", "Kandinsky Lab", 117, "2026-10-04")
    assert kandinsky.abstract.endswith("under the MIT license.")  # not the next card's submitter
    trading = by_title(entries, "TradingAgents")
    assert (trading.authors_count, trading.upvotes) == (4, 149)
    assert trading.abstract.endswith("Sharpe ratio.")
    assert not any("login" in link for e in entries for link in e.links)


def test_arxiv_derived_digest_metadata() -> None:
    result = parse(CORPUS / "arxiv_derived_digest_eess_AS_2025-06-27.txt")
    first = by_title(result.entries, "CodecSlime")
    assert first.arxiv_id == "2506.21074"
    assert first.authors[:2] == ("Hankun Wang", "Yiwei Guo") and first.authors_count == 6
    assert first.abstract.startswith("Neural speech codecs") and "$\\approx$" in first.abstract
    assert all(e.arxiv_id for e in result.entries)


@pytest.mark.parametrize(
    ("name", "org", "upvotes", "published"),
    [
        ("hf_mirror_search_reasoning_org_upvote.txt", "Microsoft Research", 2, "2025-10-12"),
        ("hf_mirror_search_longvideo_layoutC.txt", None, None, "2025-02-21"),
    ],
)
def test_mirror_captures_metadata(name: str, org: str | None, upvotes: int | None, published: str) -> None:
    first = parse(CORPUS / name).entries[0]
    assert (first.org, first.upvotes, first.published) == (org, upvotes, published)


def test_mirror_capture_cut_off_last_paper_is_kept_with_a_warning() -> None:
    result = parse(CORPUS / "hf_mirror_search_videosum_layoutB.txt")
    assert len(result.entries) == 2
    assert any("cut off" in w.message for w in result.warnings)


# ------------------------------------------------------------------ today's HF daily page

DAILY = json.loads((CAPTURES / "hf_daily_2026-04-16.expected.json").read_text(encoding="utf-8"))
# The same page saved several ways: a web clipper's Markdown, File > Save Page As, select-all +
# copy, a reader service, copy-as-Markdown, a text-browser dump written in lynx's conventions
# (`make_lynx_dump.py`), and the saved HTML converted by html2text 2025.4.15 (default options, and
# `ignore_links`, and `ignore_links` with `ignore_images`) and by markdownify 1.2.3
# (`heading_style="ATX"`), as capture tools use them.
DAILY_CAPTURES = sorted(CAPTURES.glob("hf_daily_2026-04-16_*.*"))
DAILY_CAPTURES = [p for p in DAILY_CAPTURES if p.suffix != ".json"]


def test_daily_captures_exist() -> None:
    assert {p.suffix for p in DAILY_CAPTURES} == {".md", ".html", ".txt"}
    assert any(p.name.endswith("_lynx.txt") for p in DAILY_CAPTURES)


@pytest.mark.parametrize("path", DAILY_CAPTURES, ids=lambda p: p.name)
def test_daily_page_without_abstracts(path: Path) -> None:
    result = parse(path)
    got = {e.title: e for e in result.entries}
    assert sorted(got) == sorted(w["title"] for w in DAILY.values())
    has_links = not path.name.endswith(("_plaintext.txt", "_nolinks.md"))  # no links, so no arXiv IDs
    for arxiv_id, want in DAILY.items():
        e = got[want["title"]]
        assert e.arxiv_id == (arxiv_id if has_links else None)
        assert (e.authors_count, e.org, e.upvotes) == (want["authors_count"], want["org"], want["upvotes"])
        assert e.abstract == "" and e.links == ()
        assert e.authors_count or e.org
    missing = [w for w in result.warnings if "abstract" in w.message]
    assert len(missing) == 1 and "missing" in missing[0].message
    assert len(result.warnings) == 1


def test_daily_page_titles_are_never_images_or_urls() -> None:
    for path in DAILY_CAPTURES:
        for e in parse(path).entries:
            assert "![" not in e.title and "http" not in e.title and "](" not in e.title


def test_cards_with_abstracts_are_not_read_as_cards_without() -> None:
    """The plain-text card reader declines a page whose cards carry abstracts."""
    text = (CAPTURES / "hf_daily_2026-04-16_plaintext.txt").read_text(encoding="utf-8")
    abstract = "We study a problem in depth and show that our method works well across many settings. " * 4
    with_abstracts = text.replace("\n· 45 authors", "\n" + abstract + "\n· 45 authors")
    result = parse_bytes(with_abstracts.encode(), source="x.txt", today=TODAY)
    assert result.layout != "hf-cards"


def test_paper_page_mentions_are_not_papers() -> None:
    """A paper's own page: similar papers in the comments, models citing it, a BibTeX copy and
    references below it are mentions, not the page's papers."""
    result = parse(CAPTURES / "hf_paper_page_2604.14125_webclipper.md")
    (paper,) = result.entries
    assert paper.title == "DeepSeek-V4: Scaling Sparse Attention to Million-Token Contexts"
    assert (paper.arxiv_id, paper.published) == ("2604.14125", "2026-04-15")
    assert paper.authors == ("Aixin Liu", "Bei Feng", "Bing Xue", "Bingxuan Wang")
    assert paper.abstract.startswith("We present DeepSeek-V4") and paper.abstract.endswith("DeepSeek-V4.")
    assert paper.links == ("https://github.com/deepseek-ai/DeepSeek-V4",)
    assert paper.org is None  # the submitter is a user, not an organisation
    assert any("merely mentioned" in note for note in result.notes)
