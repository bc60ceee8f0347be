"""Links: the copied link is never broken, and abstract links get sensible labels."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from readq.links import HF_PAPERS, arxiv_url, best_link, classify, paper_links, strip_url, urls_in
from readq.model import Paper

GOLDEN = Path(__file__).parent / "golden"


def load_papers() -> list[Paper]:
    return [Paper.from_json(d) for d in orjson.loads((GOLDEN / "papers.json").read_bytes())]


def by_title(prefix: str) -> Paper:
    return next(p for p in load_papers() if p.title.startswith(prefix))


def test_best_link_uses_hf_paper_page_when_arxiv_known() -> None:
    paper = by_title("VBench++")
    assert best_link(paper) == "https://huggingface.co/papers/2411.13503"
    assert arxiv_url(paper) == "https://arxiv.org/abs/2411.13503"


def test_arxiv_prefix_and_blank_ids_are_normalised() -> None:
    assert (
        best_link(Paper(id="x", title="T", arxiv_id="arXiv:2401.00001"))
        == f"{HF_PAPERS}/2401.00001"
    )
    assert arxiv_url(Paper(id="x", title="T", arxiv_id="  ")) is None
    assert best_link(Paper(id="x", title="T", arxiv_id="")) == f"{HF_PAPERS}?q=T"


def test_best_link_falls_back_to_exact_title_search() -> None:
    paper = by_title("Magic 1-For-1")
    url = best_link(paper)
    assert url == (
        "https://huggingface.co/papers?q=Magic+1-For-1%3A+Generating+One+Minute+Video+Clips+within+One+Minute"
    )
    assert parse_qs(urlsplit(url).query)["q"] == [paper.title]
    assert arxiv_url(paper) is None


def test_best_link_of_an_empty_title_is_still_a_page() -> None:
    assert best_link(Paper(id="x", title="   ")) == HF_PAPERS


@given(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80))
def test_title_search_link_is_always_well_formed(title: str) -> None:
    url = best_link(Paper(id="x", title=title))
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "huggingface.co", "/papers")
    assert url.isascii() and not any(ch.isspace() for ch in url)
    folded = " ".join(title.split())
    if folded:
        assert parse_qs(parts.query)["q"] == [folded]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("https://lineargen.github.io/.", "https://lineargen.github.io/"),
        ("https://github.com/jh-yi/Video-Panda.", "https://github.com/jh-yi/Video-Panda"),
        ("https://github.com/a/b),", "https://github.com/a/b"),
        ("https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_(bar)"),
        ("https://x.org/a;", "https://x.org/a"),
    ],
)
def test_strip_url(raw: str, clean: str) -> None:
    assert strip_url(raw) == clean


def test_urls_in_real_abstract_drops_sentence_punctuation(samples: Path) -> None:
    text = (samples / "000_44acc7d1eb537eca.txt").read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if "ljungang.github.io" in ln)
    assert urls_in(line) == ["https://ljungang.github.io/SAVEn-Vid/"]
    line = next(ln for ln in text.splitlines() if "lineargen.github.io" in ln)
    assert urls_in(line) == ["https://lineargen.github.io/"]


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("https://github.com/DA-Group-PKU/Magic-1-For-1", "Code"),
        ("https://www.github.com/a/b", "Code"),
        ("https://gitlab.com/readq/etude", "Code"),
        ("https://bitbucket.org/a/b", "Code"),
        ("https://huggingface.co/datasets/readq/etude", "Dataset"),
        ("https://zenodo.org/records/123456", "Dataset"),
        ("https://www.kaggle.com/datasets/x/y", "Dataset"),
        ("https://gongyeliu.github.io/videoalign", "Project"),
        ("https://yuewen.cn/videos", "Project"),
        ("https://huggingface.co/stepfun-ai/model", "Project"),
    ],
)
def test_classify(url: str, label: str) -> None:
    assert classify(url) == label


def test_paper_links_order_and_labels() -> None:
    paper = by_title("Cost-Efficient")
    assert paper_links(paper) == [
        ("Paper", "https://huggingface.co/papers/2501.01234v2"),
        ("arXiv", "https://arxiv.org/abs/2501.01234v2"),
        ("PDF", "https://arxiv.org/pdf/2501.01234v2"),
        ("Code", "https://gitlab.com/readq/etude"),
        ("Dataset", "https://huggingface.co/datasets/readq/etude"),
        ("Dataset", "https://zenodo.org/records/123456"),
    ]


def test_paper_links_of_real_papers() -> None:
    assert paper_links(by_title("Magic 1-For-1"))[1:] == [
        ("Code", "https://github.com/DA-Group-PKU/Magic-1-For-1")
    ]
    assert paper_links(by_title("Improving Video"))[1:] == [
        ("Project", "https://gongyeliu.github.io/videoalign")
    ]
    assert paper_links(by_title("PEEK"))[1:] == [("Code", "https://github.com/momentslab/peek")]
    assert [label for label, _ in paper_links(by_title("VADER"))] == ["Paper"]


def test_paper_link_targets() -> None:
    from readq.links import paper_link

    known = Paper(id="x", title="T", arxiv_id="2401.00001")
    assert paper_link(known, "arxiv") == "https://arxiv.org/abs/2401.00001"
    assert paper_link(known, "pdf") == "https://arxiv.org/pdf/2401.00001"
    assert paper_link(known, "hf") == "https://huggingface.co/papers/2401.00001"
    unknown = Paper(id="y", title="T")
    assert paper_link(unknown, "pdf") == paper_link(unknown, "arxiv") == best_link(unknown)
