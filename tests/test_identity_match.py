"""Title agreement, the recorded responses' quirks, and how a match updates a paper."""

from __future__ import annotations

import json

from readq.identity.hf import found_from_item
from readq.identity.match import normalize_title, pick
from readq.identity.record import Found, bare_id, clean, updates_for
from readq.model import Paper
from tests.helpers.fake_api import FIXTURES


def found(arxiv_id: str, title: str, **kw) -> Found:
    return Found(arxiv_id=arxiv_id, title=title, source="hf", **kw)


def test_normalisation_folds_tex_unicode_case_punctuation_and_breaks() -> None:
    assert normalize_title("$\\omega$Test: WebView-Oriented Testing") == normalize_title("ωTest: webview oriented testing")
    assert normalize_title("$\\Sigma$-Mem") == normalize_title("Σ-Mem")
    assert normalize_title("The Breeze 2 Herd of Models: Traditional Chinese LLMs Based on Llama\n  with Vision") == \
        normalize_title("The Breeze 2 Herd of Models: Traditional Chinese LLMs Based on Llama with Vision")
    assert normalize_title("ＦＵＬＬＷＩＤＴＨ {Title}") == normalize_title("fullwidth title")
    assert normalize_title("VBench") != normalize_title("VBench++")


def test_pick_skips_near_misses_ranked_first() -> None:
    hits = [found("2411.00001", "VBench++: Comprehensive Video Benchmark"),
            found("2311.17982", "VBench: Comprehensive Video Benchmark")]
    outcome = pick("VBench: comprehensive video benchmark", hits)
    assert outcome.kind == "resolved" and outcome.found is not None
    assert outcome.found.arxiv_id == "2311.17982"


def test_pick_never_takes_only_a_near_miss() -> None:
    hits = [found("2411.00001", "VBench++: Comprehensive Video Benchmark"),
            found("2411.00002", "VBench 2: Comprehensive Video Benchmark")]
    assert pick("VBench: Comprehensive Video Benchmark", hits).kind == "not found"


def test_two_agreeing_ids_are_ambiguous() -> None:
    hits = [found("2104.12255", "0"), found("2999.00001", "0."), found("2104.12255", "0")]
    outcome = pick("0", hits)
    assert outcome.kind == "ambiguous"
    assert [c.arxiv_id for c in outcome.candidates] == ["2104.12255", "2999.00001"]


def test_recorded_search_llama_herd() -> None:
    items = json.loads((FIXTURES / "hf_papers_search_q-llama_3_herd.json").read_bytes())
    hits = [f for f in map(found_from_item, items) if f]
    assert len(hits) == 11
    assert pick("The Llama 3 herd of models", hits).found.arxiv_id == hits[0].arxiv_id
    assert pick("The Llama 2 Herd of Models", hits).kind == "not found"
    assert all("\n" not in h.title for h in hits)


def test_paper_page_shape_and_hidden_authors() -> None:
    page = json.loads((FIXTURES / "hf_paper_2608.09888.json").read_bytes())
    f = found_from_item(page)
    assert f is not None and f.arxiv_id == "2608.09888" and f.org == "Pathway"
    assert f.authors[0] == "Björn Engdahl" and "Remigiusz Kinas" in f.authors
    assert "https://github.com/pathwaycom/arc-task-gen" in f.links
    daily = json.loads((FIXTURES / "hf_daily_papers_limit30_2026-06-12.json").read_bytes())
    hidden = {a["name"] for item in daily for a in item["paper"]["authors"] if a.get("hidden")}
    assert hidden
    for item in daily:
        assert not hidden & set(found_from_item(item).authors)


def test_ids_and_text_cleaning() -> None:
    assert bare_id("http://arxiv.org/abs/1706.03762v7") == "1706.03762"
    assert bare_id("arXiv:quant-ph/0201082v1") == "quant-ph/0201082"
    assert bare_id("abc") is None and bare_id(None) is None
    assert clean("Evil\x1b[31m title\u202e here\x00") == "Evil[31m title here"


def test_updates_never_make_a_paper_worse() -> None:
    paper = Paper(id="p1", title="T", abstract="Digest abstract", published="2026-03-01",
                  upvotes=40, links=("https://proj.example",), authors_count=9)
    f = found("2603.00001", "T", authors=("A One", "B Two"), published="2026-02-27", upvotes=12,
              links=("https://github.com/x/y", "https://proj.example"), abstract="Other")
    u = updates_for(paper, f, "2026-11-30T00:00:00+00:00")
    assert u["arxiv_id"] == "2603.00001" and u["authors"] == ["A One", "B Two"]
    assert "published" not in u and "abstract" not in u and "upvotes" not in u
    assert "authors_count" not in u  # the digest's 9 is kept
    assert u["links"] == ["https://proj.example", "https://github.com/x/y"]
    assert u["resolved"] == {"source": "hf", "at": "2026-11-30T00:00:00+00:00", "matched_title": "T"}
    empty = Paper(id="p2", title="T")
    u2 = updates_for(empty, f, "now")
    assert u2["abstract"] == "Other" and u2["published"] == "2026-02-27" and u2["upvotes"] == 12
    done = Paper(id="p3", title="T", arxiv_id="2603.00001", authors=("A One", "B Two"), upvotes=12,
                 published="2026-02-27", abstract="x", links=f.links, resolved={"source": "hf"})
    assert updates_for(done, f, "later") == {}
