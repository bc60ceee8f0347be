"""Layouts beyond the seeds: Markdown clippings, saved HTML, HF trending text, arXiv listings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from readq.digest import parse_bytes, parse_text

TODAY = dt.date(2026, 1, 20)
DATA = Path(__file__).resolve().parent / "data" / "digests"


def parse(name: str):
    return parse_bytes((DATA / name).read_bytes(), source=f"some/dir/{name}", today=TODAY)


def fields(entry):
    return (entry.authors_count, entry.published, entry.upvotes, entry.arxiv_id)


def test_markdownload_hf_daily() -> None:
    result = parse("markdownload_hf_daily.md")
    assert result.layout == "markdown"
    assert result.digest_date == "2025-02-13"
    assert result.warnings == ()
    titles = [e.title for e in result.entries]
    assert titles == [
        "Magic 1-For-1: Generating One Minute Video Clips within One Minute",  # wrapped over two lines
        "VBench++: Comprehensive and Versatile Benchmark Suite for Video Generative Models",
        "VBench: Comprehensive Benchmark Suite for Video Generative Models",
    ]
    magic, vbpp, vb = result.entries
    assert fields(magic) == (8, "2025-02-12", 12, "2502.08639")
    assert magic.line == 27
    assert magic.links == ("https://github.com/DA-Group-PKU/Magic-1-For-1",)
    assert magic.abstract.endswith("Code is available at https://github.com/DA-Group-PKU/Magic-1-For-1.")
    assert fields(vbpp) == (11, "2024-11-20", 7, "2411.13503")
    assert vbpp.links == ("https://huggingface.co/spaces/Vchitect/VBench_Leaderboard",)
    assert "See the leaderboard for results." in vbpp.abstract
    assert fields(vb) == (14, "2023-11-29", 3, "2311.17982")
    assert vb.links == ()  # footer navigation is not a paper link
    assert magic.source.file == "markdownload_hf_daily.md"


def test_obsidian_front_matter_and_reference_links() -> None:
    result = parse("obsidian_reference_links.md")
    assert result.layout == "markdown"
    assert result.digest_date == "2025-03-12"
    frozen, alchemist, sora = result.entries
    assert frozen.title.startswith("FrozenRecon:")
    assert fields(frozen) == (4, "2025-03-10", 5, "2310.15169")
    assert frozen.links == ("https://aim-uofa.github.io/FrozenRecon/", "https://github.com/aim-uofa/FrozenRecon")
    assert frozen.abstract.startswith("3D scene reconstruction")
    assert "weak 3D geometry prior" in frozen.abstract  # second paragraph joined with a space
    assert alchemist.authors == ("Tsai-Shien Chen", "Aliaksandr Siarohin", "Willi Menapace", "Sergey Tulyakov")
    assert (alchemist.upvotes, alchemist.authors_count, alchemist.arxiv_id) == (21, 9, "2501.06187")
    assert alchemist.abstract.startswith("Video personalization methods")  # from a blockquote
    assert (sora.published, sora.arxiv_id) == ("2024-02-27", "2402.17403")  # version stripped
    assert "Papers to read" not in " ".join(e.title for e in result.entries)


def test_joplin_link_list() -> None:
    result = parse("joplin_link_list.md")
    assert [e.arxiv_id for e in result.entries] == ["1706.03762", "2006.11239", "2005.14165"]
    assert result.entries[1].links == ("https://github.com/hojonathanho/diffusion",)
    assert result.entries[2].links == ("https://github.com/openai/gpt-3",)
    assert result.entries[2].abstract.startswith("Recent work has demonstrated")


def test_navigation_only_markdown_has_no_phantom_papers() -> None:
    text = (
        "[Models](/models) [Datasets](/datasets) [Spaces](/spaces) [Docs](/docs)\n\n"
        "* [Papers](https://huggingface.co/papers)\n* [Pricing](https://huggingface.co/pricing)\n\n"
        "# Daily Papers\n\n![logo](https://huggingface.co/logo.svg)\n\nhttps://huggingface.co/papers\n"
    )
    result = parse_text(text, source="nav.md", today=TODAY)
    assert result.entries == ()
    assert any("no papers found" in w.message for w in result.warnings)


def test_saved_html_page() -> None:
    result = parse("hf_daily_saved_page.html")
    assert result.layout == "html"
    assert result.digest_date == "2025-02-13"
    magic, vbpp = result.entries
    assert magic.title == "Magic 1-For-1: Generating One Minute Video Clips within One Minute"
    assert (magic.arxiv_id, magic.authors_count) == ("2502.08639", 8)
    assert "memory consumption & inference latency" in magic.abstract
    assert magic.links == ("https://github.com/DA-Group-PKU/Magic-1-For-1",)
    assert vbpp.title.startswith("VBench++:") and vbpp.arxiv_id == "2411.13503"
    assert "“video generation quality”" in vbpp.abstract
    lines = (DATA / "hf_daily_saved_page.html").read_text().split("\n")
    assert "Magic 1-For-1" in lines[magic.line - 1]  # line numbers are the HTML file's


def test_html_without_papers_warns() -> None:
    html = "<!doctype html><html><body><h1>404</h1><p>Page not found.</p></body></html>"
    result = parse_text(html, source="x.html", today=TODAY)
    assert result.entries == () and result.layout == "html"
    assert any("no papers found" in w.message for w in result.warnings)


def test_hf_trending_text() -> None:
    result = parse("hf_trending.txt")
    assert result.layout == "hf-trending"
    magic, vbpp, sora = result.entries
    assert magic.title.startswith("Magic 1-For-1")
    assert (magic.authors_count, magic.published, magic.upvotes) == (8, "2025-02-12", 42)
    assert magic.links == ("https://github.com/DA-Group-PKU/Magic-1-For-1",)
    assert (vbpp.authors_count, vbpp.published, vbpp.upvotes) == (11, "2024-11-20", 17)
    assert vbpp.abstract.endswith("benchmark suite.")
    assert (sora.published, sora.upvotes) == ("2025-02-27", 5)  # "Feb 27" before today
    assert result.warnings == ()


def test_arxiv_email_digest() -> None:
    result = parse("arxiv_email_digest.txt")
    assert result.layout == "arxiv-email"
    assert result.digest_date == "2024-03-18"
    agent, elan = result.entries
    assert agent.title == "VideoAgent: Long-form Video Understanding with Large Language Model as Agent"
    assert agent.authors == ("Xiaohan Wang", "Yuhui Zhang", "Orr Zohar", "Serena Yeung-Levy")
    assert (agent.authors_count, agent.arxiv_id, agent.published) == (4, "2403.10517", "2024-03-15")
    assert agent.links == ("https://wxh1996.github.io/VideoAgent-Website/",)
    assert agent.abstract.startswith("Long-form video understanding represents")
    assert agent.abstract.endswith("lengthy visual inputs.")
    assert agent.line == 10
    assert elan.title == "Élan: Überraschend Effiziente Bildsynthese"
    assert elan.authors == ("José Álvarez", "Zoë Müller", "Søren Kierkegaard")
    assert elan.links == ("https://github.com/example/elan",)
    assert result.warnings == ()


def test_arxiv_list_page() -> None:
    result = parse("arxiv_list_page.txt")
    assert result.layout == "arxiv-listing"
    assert result.digest_date == "2024-03-18"
    agent, wrapped, bare = result.entries
    assert agent.abstract.startswith("Long-form video understanding")
    assert wrapped.title == (
        "A Very Long Title About Temporal Grounding That Was Wrapped By The Browser When Copying"
    )
    assert wrapped.authors == ("Alice Smith", "Bob Jones", "Carol White")
    assert wrapped.arxiv_id == "2403.12345"
    assert wrapped.links == ("https://github.com/alice/tg",)
    assert wrapped.abstract.startswith("We propose a method")
    assert (bare.abstract, bare.authors) == ("", ("Dan Brown",))
    assert [str(w) for w in result.warnings] == [
        "some/dir/arxiv_list_page.txt:24: title with no abstract: 'Listing Entry Without An Abstract'"
    ]


ABSTRACT = "We propose a thing that does stuff. It works well on many benchmarks and is simple to use."


def test_markdown_plain_headings_and_lone_paper_urls() -> None:
    text = (
        "# My notes\n\nhttps://huggingface.co/papers/2502.11111\n\n## Paper A: Something\n\n"
        f"{ABSTRACT}\n\nhttps://arxiv.org/abs/2502.22222\n\n## Paper B: Other\n\n"
        f"{ABSTRACT} Code: [repo](https://github.com/x/y).\n"
    )
    result = parse_text(text, source="n.md", today=TODAY)
    assert result.layout == "markdown"
    a, b = result.entries
    assert (a.title, a.arxiv_id, a.line) == ("Paper A: Something", "2502.11111", 5)
    assert (b.title, b.arxiv_id, b.links) == ("Paper B: Other", "2502.22222", ("https://github.com/x/y",))
    assert b.abstract.endswith("Code: repo.")


def test_markdown_metadata_after_the_title() -> None:
    text = (
        "## [Paper A](https://huggingface.co/papers/2502.11111)\nSubmitted by alice · 12 upvotes · 3 authors\n\n"
        f"{ABSTRACT}\n\n## [Paper B](https://huggingface.co/papers/2502.22222)\nSubmitted by bob · 4 upvotes\n\n{ABSTRACT}\n"
    )
    a, b = parse_text(text, source="m.md", today=TODAY).entries
    assert (a.upvotes, a.authors_count, b.upvotes, b.authors_count) == (12, 3, 4, None)


def test_markdown_notes_without_papers() -> None:
    result = parse_text("# Notes\n\nSome thoughts. [x](y)\n\n## Todo\n\n- buy milk\n", source="t.md", today=TODAY)
    assert result.entries == ()
